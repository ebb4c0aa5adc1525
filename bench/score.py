#!/usr/bin/env python3
"""PyYAML comparison for the benchmark: the same job as `pmcheck -f json` in
a few lines of Python, for scale only.

    python3 bench/score.py DIR...

Loads every *.yaml / *.yml file below each DIR (sorted, names starting with
"." skipped) with PyYAML's C loader when it is built (yaml.CSafeLoader), else
the pure-Python yaml.SafeLoader, scores the four triggers with a few
representative rules of each, and prints one JSON object per file.  It does
not validate the format, keep line numbers or write review notes, so it
does less than pmcheck: a lower bound for a scripted checker.

The loader used is printed to standard error.
"""
import json
import os
import sys

import yaml

LOADER = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
CRITICAL_FLOWS = {"login", "checkout", "payment", "signup", "sign_in"}
HIGH = {"sev1", "sev2", "critical", "high"}


def files_below(top):
    found = []
    for root, dirs, names in os.walk(top):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            if not name.startswith(".") and name.endswith((".yaml", ".yml")):
                found.append(os.path.join(root, name))
    return sorted(found)


def score(doc):
    impact = doc.get("impact") or {}
    fix = doc.get("fix") or {}
    rec = doc.get("recurrence") or {}
    sh = doc.get("stakeholders") or {}
    cause = doc.get("root_cause") or {}
    teams = doc.get("teams") or []
    rules = {
        "recurrence": [
            (50, (rec.get("previous_occurrences") or 0) >= 1),
            (min(40, 20 * len(rec.get("related") or [])), bool(rec.get("related"))),
            (40, rec.get("permanent_fix") is False),
            (25, fix.get("type") in ("workaround", "rollback")),
            (30, cause.get("known") is False or cause.get("category") == "unknown"),
            (20, doc.get("detected_by") not in (None, "monitoring")),
        ],
        "cross_team": [
            (50, len(teams) >= 2),
            (20, len(teams) >= 3),
            (15, len(doc.get("components") or []) >= 2),
        ],
        "future_risk": [
            (50, bool(fix.get("risks"))),
            (min(60, 20 * len(fix.get("skipped_steps") or [])), bool(fix.get("skipped_steps"))),
            (25, fix.get("reviewed") is False),
            (15, fix.get("tests_added") is False),
            (20, fix.get("type") in ("config", "feature_flag", "data_repair")),
        ],
        "stakeholder": [
            (30, impact.get("customer_facing") is True),
            (25, bool(CRITICAL_FLOWS & set(impact.get("user_flows") or []))),
            (30, impact.get("revenue") is True),
            (40, sh.get("external_communication") is True),
            (50, bool(sh.get("requested_by"))),
            (30, str(doc.get("severity", "sev3")) in HIGH),
        ],
    }
    triggers = []
    for tid, rs in rules.items():
        points = min(100, sum(p for p, hit in rs if hit))
        triggers.append({"id": tid, "score": points, "fired": points >= 50})
    fired = sum(t["fired"] for t in triggers)
    decisive = (impact.get("data_loss") is True or impact.get("security") is True
                or str(doc.get("severity")) in ("sev1", "critical")
                or (impact.get("error_budget_used") or 0) >= 0.2)
    verdict = ("required" if fired >= 2 or decisive
               else "recommended" if fired == 1 else "optional")
    return verdict, triggers


def main(argv):
    if len(argv) < 2:
        print("usage: score.py DIR...", file=sys.stderr)
        return 2
    print("score.py: loader %s" % LOADER.__name__, file=sys.stderr)
    out = sys.stdout
    for top in argv[1:]:
        for path in files_below(top):
            with open(path, "rb") as f:
                doc = yaml.load(f, Loader=LOADER)
            verdict, triggers = score(doc)
            out.write(json.dumps({"file": path, "id": doc.get("id"),
                                  "title": doc.get("title"), "verdict": verdict,
                                  "triggers": triggers}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
