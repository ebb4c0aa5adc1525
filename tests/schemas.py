"""Checks docs/pmcheck.schema.json and docs/report.schema.json against
pmcheck itself; run by tests/schemas.sh, which finds a Python with the
jsonschema and yaml modules.

    python3 tests/schemas.py ROOT PMCHECK

1. Both files are valid draft-07 schemas.
2. The input schema names exactly the keys, types, ranges, enum values and
   required keys of the schema table in src/model.c, and each description
   starts with the field's doc string there, so the two cannot drift apart.
3. Every hotfix file of examples/ (examples/ci/ aside), the starter file
   of --init (whose first line names the schema), and the input of every
   golden case that pmcheck judges are valid under the input schema.
4. The golden invalid inputs the schema can express (unknown key, wrong
   type, bad enum or range, missing or blank required key) are invalid.
5. A corpus of small files is given both to pmcheck and to the schema: the
   two must agree, except where the schema is knowingly looser because JSON
   cannot show the difference (those cases must stay exactly that).
6. Every line of every golden case run with -f json, and every line pmcheck
   writes for the corpus and the examples (with and without the example
   configuration), is valid under the report schema, which also refuses
   objects pmcheck never writes.

YAML is read the way editors read it: the YAML 1.2 core schema (so `yes`
is text and 2024-02-12 is a string, unlike YAML 1.1), except that .inf and
.nan stay text because JSON has no such numbers.  Format checking is off:
the schemas use patterns only.

Prints PASS/FAIL per check and "N passed, M failed"; exits 1 on a failure.
"""

import glob
import json
import math
import os
import re
import shlex
import subprocess
import sys
import tempfile

import jsonschema
import yaml

ROOT, PMCHECK = sys.argv[1], os.path.abspath(sys.argv[2])

passed = 0
failed = 0


def result(ok, name, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("PASS " + name)
    else:
        failed += 1
        print("FAIL " + name + (": " + detail if detail else ""))


# ---- YAML as editors read it ---------------------------------------------

class CoreLoader(yaml.SafeLoader):
    """YAML 1.2 core schema: no yes/no/on/off booleans, no timestamps, no
    sexagesimal or underscored numbers, no merge keys."""


CoreLoader.yaml_implicit_resolvers = {}
for tag, regexp, first in [
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    ("float", r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$",
     list("-+.0123456789")),
]:
    CoreLoader.add_implicit_resolver("tag:yaml.org,2002:" + tag,
                                     re.compile(regexp), first)


def _int(loader, node):
    v = loader.construct_scalar(node)
    if v.startswith("0o"):
        return int(v[2:], 8)
    if v.startswith("0x"):
        return int(v[2:], 16)
    return int(v)


def _float(loader, node):
    v = loader.construct_scalar(node)
    f = float(v)
    # 1e999 is not a JSON number; keep its text.
    return f if math.isfinite(f) else v


def _bool(loader, node):
    return loader.construct_scalar(node) in ("true", "True", "TRUE")


def _mapping(loader, node):
    # Keys as written: JSON keys are strings, and pmcheck compares the text.
    out = {}
    for k, v in node.value:
        if not isinstance(k, yaml.ScalarNode):
            raise yaml.constructor.ConstructorError(
                None, None, "a key that is not a scalar", k.start_mark)
        out[k.value] = loader.construct_object(v, deep=True)
    return out


CoreLoader.add_constructor("tag:yaml.org,2002:int", _int)
CoreLoader.add_constructor("tag:yaml.org,2002:float", _float)
CoreLoader.add_constructor("tag:yaml.org,2002:bool", _bool)
CoreLoader.add_constructor("tag:yaml.org,2002:map", _mapping)


def load_yaml(text):
    """The document as JSON data, or raises (not YAML, or not JSON)."""
    data = yaml.load(text, Loader=CoreLoader)
    return json.loads(json.dumps(data, allow_nan=False))


def schema_errors(validator, text):
    """Messages of why TEXT is invalid under VALIDATOR; [] when valid."""
    try:
        data = load_yaml(text)
    except (yaml.YAMLError, ValueError, TypeError) as e:
        return ["not a JSON document: %s" % str(e).splitlines()[0]]
    return ["%s: %s" % ("/".join(str(p) for p in e.absolute_path) or "(root)",
                        e.message)
            for e in validator.iter_errors(data)]


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


# ---- 1. the schemas are schemas --------------------------------------------

schemas = {}
for name in ("pmcheck", "report"):
    path = os.path.join(ROOT, "docs", name + ".schema.json")
    try:
        s = json.loads(read(path))
        jsonschema.Draft7Validator.check_schema(s)
        schemas[name] = s
        result(True, "schema-valid %s.schema.json" % name)
    except Exception as e:  # noqa: BLE001 - any failure is the finding
        result(False, "schema-valid %s.schema.json" % name, str(e)[:300])
if len(schemas) < 2:
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1)

input_schema = schemas["pmcheck"]
report_schema = schemas["report"]
inv = jsonschema.Draft7Validator(input_schema)
rv = jsonschema.Draft7Validator(report_schema)

result(input_schema.get("$id") ==
       "https://raw.githubusercontent.com/pmcheck/pmcheck/main/docs/pmcheck.schema.json",
       "input schema $id")


# ---- 2. the input schema follows src/model.c -------------------------------

def c_strings(s):
    """Concatenated C string literals at the start of S."""
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', re.match(r'(\s*"(?:[^"\\]|\\.)*")+', s).group(0)))


def model_tables(src):
    """(fields, item tables, enum tables) parsed from model.c's source."""
    enums = {}
    for m in re.finditer(r"pm_enum_value (\w+)\[\] = \{(.*?)\n\};", src, re.S):
        enums[m.group(1)] = re.findall(r'\{ "(\w+)", (?:NULL|"\w+") \}', m.group(2))

    def attrs(body):
        a = {"type": re.search(r"PM_FT_(\w+)", body).group(1)}
        for key in ("values", "items", "min", "max"):
            m = re.search(r"\.%s = ([\w.]+)" % key, body)
            if m:
                a[key] = m.group(1)
        m = re.search(r"\.doc = ", body)
        a["doc"] = c_strings(body[m.end():]) if m else ""
        a["required"] = ".required = true" in body
        a["computed"] = ".computed = true" in body
        return a

    items = {}
    for m in re.finditer(r"pm_field_def (\w+)\[\w+\] = \{(.*?)\n\};", src, re.S):
        if m.group(1) == "pm_fields":
            continue
        rows = {}
        for e in re.finditer(r'\[\w+\] = \{ \.path = "(\w+)"(.*?)\},?\n', m.group(2) + "\n", re.S):
            rows[e.group(1)] = attrs(e.group(2))
        items[m.group(1)] = rows
    table = re.search(r"pm_fields\[PM_F_COUNT\] = \{(.*?)\n\};", src, re.S).group(1)
    fields = {}
    for e in re.finditer(r"\b(TOP|SUB)\((.*?)\),\n", table + "\n", re.S):
        body = e.group(2)
        names = re.findall(r'"(\w+)"', body.split("PM_FT_")[0])
        path = ".".join(names)
        fields[path] = attrs(body)
    return fields, items, enums


def check_model():
    src = read(os.path.join(ROOT, "src", "model.c"))
    try:
        fields, items, enums = model_tables(src)
    except Exception as e:  # noqa: BLE001
        return ["cannot read the schema table of src/model.c: %r" % e]
    if "title" not in fields:
        return ["no title in the schema table of src/model.c"]
    problems = []
    defs = input_schema["definitions"]

    def resolve(node):
        while "$ref" in node:
            node = defs[node["$ref"].split("/")[-1]]
        return node

    def check_leaf(path, a, p, required):
        if p is None:
            problems.append("%s: not in the schema" % path)
            return
        if not p.get("description", "").startswith(a["doc"]):
            problems.append("%s: description does not start with the model's doc %r" % (path, a["doc"]))
        t = a["type"]
        types = p.get("type")
        types = types if isinstance(types, list) else [types]
        nullable = "null" in types or any(x.get("type") == "null" for x in p.get("anyOf", []))
        if nullable == required:
            problems.append("%s: null should be %s" % (path, "refused" if required else "allowed"))
        if t == "STR":
            if not {"string", "number", "boolean"} <= set(types):
                problems.append("%s: a string key takes any scalar" % path)
        elif t == "BOOL":
            if set(types) - {"null"} != {"boolean"}:
                problems.append("%s: expected boolean" % path)
        elif t in ("INT", "NUM"):
            want = "integer" if t == "INT" else "number"
            if set(types) - {"null"} != {want}:
                problems.append("%s: expected %s" % (path, want))
            lo = float(a.get("min", "0"))
            hi = a.get("max", "0")
            hi = 2.0 ** 53 if hi == "PM_INT_MAX" else float(hi)
            if p.get("enum"):
                ok = [x for x in p["enum"] if x is not None] == [lo] == [hi]
            else:
                ok = p.get("minimum") == lo and p.get("maximum") == hi
            if not ok:
                problems.append("%s: range is not %g..%g" % (path, lo, hi))
        elif t == "ENUM":
            names = enums.get(a.get("values"), [])
            if sorted(p.get("examples", [])) != sorted(names):
                problems.append("%s: examples %s, model %s" % (path, p.get("examples"), names))
            pat = re.compile(p.get("pattern", "^$"))
            for n in names:
                mixed = "".join(c.upper() if i % 2 else c for i, c in enumerate(n))
                for v in (n, n.upper(), n.capitalize(), mixed):
                    if not pat.search(v):
                        problems.append("%s: pattern refuses %r" % (path, v))
            for v in ("", "x", names[0] + "x", " " + names[0]):
                if pat.search(v):
                    problems.append("%s: pattern accepts %r" % (path, v))
        elif t in ("TIME", "DATE"):
            want = "#/definitions/" + ("timestamp" if t == "TIME" else "date")
            refs = [x.get("$ref") for x in p.get("anyOf", []) + p.get("allOf", [])]
            if want not in refs:
                problems.append("%s: expected a $ref to %s" % (path, want))
        elif t == "STR_LIST":
            if p.get("items", {}).get("$ref") != "#/definitions/listItem":
                problems.append("%s: expected a list of listItem" % path)
        else:
            problems.append("%s: unexpected model type %s" % (path, t))

    def check_object(path, obj, rows, required_names):
        props = obj.get("properties", {})
        if obj.get("additionalProperties") is not False or \
                list(obj.get("patternProperties", {})) != ["^x-"]:
            problems.append("%s: must refuse unknown keys and allow x- keys" % path)
        if sorted(obj.get("required", [])) != sorted(required_names):
            problems.append("%s: required %s, model %s" % (path, obj.get("required"), required_names))
        for extra in sorted(set(props) - set(rows)):
            problems.append("%s.%s: in the schema, not in the model" % (path, extra))

    top = {k: v for k, v in fields.items() if "." not in k and not v["computed"]}
    check_object("(root)", input_schema, top,
                 [k for k, v in top.items() if v["required"]])
    for name, a in top.items():
        p = input_schema["properties"].get(name)
        if a["type"] == "MAP":
            subs = {k.split(".", 1)[1]: v for k, v in fields.items()
                    if k.startswith(name + ".") and not v["computed"]}
            if p is None:
                problems.append("%s: not in the schema" % name)
                continue
            if not p.get("description", "").startswith(a["doc"]):
                problems.append("%s: description does not start with %r" % (name, a["doc"]))
            check_object(name, p, subs, [k for k, v in subs.items() if v["required"]])
            for sub, sa in subs.items():
                check_leaf(name + "." + sub, sa, p.get("properties", {}).get(sub), sa["required"])
        elif a["type"] == "MAP_LIST":
            rows = items.get(a.get("items"), {})
            if p is None:
                problems.append("%s: not in the schema" % name)
                continue
            if not p.get("description", "").startswith(a["doc"]):
                problems.append("%s: description does not start with %r" % (name, a["doc"]))
            entry = resolve(p.get("items", {}))
            objs = [resolve(x) for x in entry.get("oneOf", [])]
            objs = [x for x in objs if x.get("type") == "object"] or [entry]
            obj = objs[0]
            check_object(name + "[]", obj, rows, [k for k, v in rows.items() if v["required"]])
            for sub, sa in rows.items():
                check_leaf(name + "[]." + sub, sa, obj.get("properties", {}).get(sub), sa["required"])
        elif name == "title":
            if not p or not p.get("description", "").startswith(a["doc"]) or "null" in p.get("type", []):
                problems.append("title: description or type differs from the model")
        else:
            check_leaf(name, a, p, a["required"])
    return problems


problems = check_model()
result(not problems, "input schema follows src/model.c", "; ".join(problems[:8]))


# ---- 3. valid inputs -------------------------------------------------------

# Hotfix files: examples/*.yaml and the past incidents below it
# (examples/history/); examples/ci/ holds CI files, not hotfix files.
example_files = sorted(
    p for p in glob.glob(os.path.join(ROOT, "examples", "**", "*.yaml"), recursive=True)
    if os.sep + "ci" + os.sep not in os.path.relpath(p, ROOT))
for path in example_files:
    errs = schema_errors(inv, read(path))
    result(not errs, "valid %s" % os.path.relpath(path, ROOT), "; ".join(errs[:3]))

# The starter file of --init names this schema on its first line, for
# editors, and must be valid under it.
with tempfile.TemporaryDirectory(prefix="pmcheck-schemas.") as tmp:
    starter = os.path.join(tmp, "starter.yaml")
    subprocess.run([PMCHECK, "--init", starter], cwd=tmp, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=60)
    if os.path.isfile(starter):
        text = read(starter)
        first = text.splitlines()[0] if text else ""
        result(first == "# yaml-language-server: $schema=" + input_schema["$id"],
               "--init names the schema on its first line", repr(first))
        errs = schema_errors(inv, text)
        result(not errs, "valid --init starter file", "; ".join(errs[:3]))
    else:
        result(False, "valid --init starter file", "pmcheck --init wrote nothing")

golden = os.path.join(ROOT, "tests", "golden")
for case in sorted(os.listdir(golden)):
    d = os.path.join(golden, case)
    try:
        args = shlex.split(read(os.path.join(d, "args")))
        status = read(os.path.join(d, "expected", "status")).strip()
    except OSError:
        continue
    inputs = [a for a in args if not a.startswith("-") and os.path.isfile(os.path.join(d, a))]
    # Only cases judging one file of their own with nothing else on the
    # line; --max-bytes and the like are not the schema's business.
    if status in ("0", "1") and len(inputs) == 1 and inputs[0] == args[-1] and \
            not any(a.startswith("--max-bytes") for a in args):
        with open(os.path.join(d, inputs[0]), "rb") as f:
            text = f.read().decode("utf-8-sig")
        errs = schema_errors(inv, text)
        result(not errs, "valid golden/%s" % case, "; ".join(errs[:3]))


# ---- 4. invalid golden inputs the schema can express -----------------------

EXPRESSIBLE = """
action-without-title after-utf8-bom bool-no bool-on bool-quoted-true
bool-yes column-after-multibyte components-scalar crlf-line-endings
date-2023-feb-29 date-feb-30 due-with-time empty-file enum-category
enum-detected-by-customers enum-kind-outage enum-severity-sev5
error-budget-1.5 error-budget-nan error-budget-percent int-float
int-negative int-overflow int-quoted int-word key-in-wrong-nested-section
key-in-wrong-section long-line-snippet mapping-for-string
mapping-in-string-list null-in-string-list only-comments
pmcheck-version-2 postmortem-due-with-time section-scalar team-role
team-without-name time-25h timeline-unknown-key timeline-without-at
timestamp-bad-offset timestamp-us-format timestamp-words title-empty
title-list title-missing title-multiline title-null top-level-list
top-level-null top-level-scalar unknown-nested-key
unknown-top-key-did-you-mean unknown-top-key-no-suggestion
""".split()

for name in EXPRESSIBLE:
    path = os.path.join(golden, "invalid-" + name, "input.yaml")
    if not os.path.isfile(path):
        result(False, "invalid golden/invalid-%s" % name, "case is missing")
        continue
    with open(path, "rb") as f:
        text = f.read().decode("utf-8-sig")
    errs = schema_errors(inv, text)
    result(bool(errs), "invalid golden/invalid-%s" % name,
           "the schema accepts it" if not errs else "")


# ---- 5. schema and parser agree on a corpus ---------------------------------

T = "title: T\n"
# (name, file, expectation): "valid" and "invalid" for both; "looser" when
# pmcheck refuses what the schema cannot tell apart in JSON.
CORPUS = [
    ("title-only", T, "valid"),
    ("title-number", "title: 2024\n", "valid"),
    ("title-true", "title: true\n", "valid"),
    ("title-block-trailing-newline", "title: |\n  Fix login\n", "valid"),
    ("title-nbsp", 'title: "\\u00a0"\n', "valid"),
    ("title-blank", 'title: "  "\n', "invalid"),
    ("title-tab-only", 'title: "\\t"\n', "invalid"),
    ("title-empty", "title: ''\n", "invalid"),
    ("title-null", "title: ~\n", "invalid"),
    ("title-two-lines", 'title: "a\\nb"\n', "invalid"),
    ("title-nel", 'title: "a\\Nb"\n', "invalid"),
    ("title-u2028", 'title: "a\\Lb"\n', "invalid"),
    ("title-mapping", "title: {a: b}\n", "invalid"),
    ("no-title", "id: HF-1\n", "invalid"),
    ("empty-document", "", "invalid"),
    ("root-list", "- title: T\n", "invalid"),
    ("root-scalar", "hello\n", "invalid"),
    ("pmcheck-1", T + "pmcheck: 1\n", "valid"),
    ("pmcheck-plus-1", T + "pmcheck: +1\n", "valid"),
    ("pmcheck-null", T + "pmcheck:\n", "valid"),
    ("pmcheck-2", T + "pmcheck: 2\n", "invalid"),
    ("pmcheck-quoted", T + 'pmcheck: "1"\n', "invalid"),
    ("pmcheck-true", T + "pmcheck: true\n", "invalid"),
    ("pmcheck-1.0", T + "pmcheck: 1.0\n", "looser"),
    ("id-number", T + "id: 1234\n", "valid"),
    ("id-date", T + "id: 2024-01-01\n", "valid"),
    ("id-blank", T + "id: ' '\n", "valid"),
    ("id-list", T + "id: [a]\n", "invalid"),
    ("summary-block", T + "summary: |\n  one\n  two\n", "valid"),
    ("service-inf", T + "service: .inf\n", "valid"),
    ("service-1e999", T + "service: 1e999\n", "valid"),
    ("kind-Incident", T + "kind: Incident\n", "valid"),
    ("kind-DOWNTIME", T + "kind: DOWNTIME\n", "valid"),
    ("kind-quoted", T + 'kind: "hotfix"\n', "valid"),
    ("kind-outage", T + "kind: outage\n", "invalid"),
    ("kind-empty-string", T + "kind: ''\n", "invalid"),
    ("kind-padded", T + "kind: ' hotfix'\n", "invalid"),
    ("kind-list", T + "kind: [hotfix]\n", "invalid"),
    ("severity-Sev2", T + "severity: Sev2\n", "valid"),
    ("severity-CRITICAL", T + "severity: CRITICAL\n", "valid"),
    ("severity-hIgH", T + "severity: hIgH\n", "valid"),
    ("severity-medium", T + "severity: medium\n", "valid"),
    ("severity-low", T + "severity: low\n", "valid"),
    ("severity-null", T + "severity: null\n", "valid"),
    ("severity-sev5", T + "severity: sev5\n", "invalid"),
    ("severity-sev-1", T + "severity: sev 1\n", "invalid"),
    ("severity-1", T + "severity: 1\n", "invalid"),
    ("detected-by-Monitoring", T + "detected_by: Monitoring\n", "valid"),
    ("detected-by-customers", T + "detected_by: customers\n", "invalid"),
    ("unknown-key", T + "sevrity: sev1\n", "invalid"),
    ("key-case", T + "Title: x\n", "invalid"),
    ("x-top", T + "x-jira: {project: WEB, deep: [1, {a: [b]}]}\n", "valid"),
    ("x-null", T + "x-note:\n", "valid"),
    ("X-upper", T + "X-jira: 1\n", "invalid"),
    ("derived", T + "derived: {duration_minutes: 3}\n", "invalid"),
    ("section-null", T + "impact:\n", "valid"),
    ("section-empty", T + "impact: {}\n", "valid"),
    ("section-x", T + "impact: {x-dash: url}\n", "valid"),
    ("section-scalar", T + "impact: yes\n", "invalid"),
    ("section-list", T + "fix: []\n", "invalid"),
    ("section-string", T + "postmortem: ''\n", "invalid"),
    ("key-wrong-section", T + "impact: {known: true}\n", "invalid"),
    ("bool-true", T + "impact: {data_loss: true, security: false}\n", "valid"),
    ("bool-null", T + "impact: {revenue: ~}\n", "valid"),
    ("bool-yes", T + "impact: {revenue: yes}\n", "invalid"),
    ("bool-off", T + "fix: {reviewed: off}\n", "invalid"),
    ("bool-quoted", T + 'fix: {reviewed: "true"}\n', "invalid"),
    ("bool-1", T + "fix: {reviewed: 1}\n", "invalid"),
    ("bool-empty-string", T + "fix: {reviewed: ''}\n", "invalid"),
    ("bool-True", T + "fix: {reviewed: True}\n", "looser"),
    ("bool-FALSE", T + "fix: {reviewed: FALSE}\n", "looser"),
    ("int-0", T + "impact: {users_affected: 0}\n", "valid"),
    ("int-minus-0", T + "impact: {users_affected: -0}\n", "valid"),
    ("int-plus", T + "impact: {users_affected: +5}\n", "valid"),
    ("int-2p53", T + "impact: {users_affected: 9007199254740992}\n", "valid"),
    ("int-2p53-plus-1", T + "impact: {users_affected: 9007199254740993}\n", "invalid"),
    ("int-negative", T + "recurrence: {previous_occurrences: -1}\n", "invalid"),
    ("int-float", T + "recurrence: {previous_occurrences: 2.5}\n", "invalid"),
    ("int-quoted", T + 'recurrence: {previous_occurrences: "2"}\n', "invalid"),
    ("int-underscore", T + "impact: {users_affected: 1_000}\n", "invalid"),
    ("int-exponent", T + "impact: {users_affected: 1e3}\n", "looser"),
    ("int-leading-zero", T + "impact: {users_affected: 012}\n", "looser"),
    ("int-octal", T + "impact: {users_affected: 0o12}\n", "looser"),
    ("int-hex", T + "impact: {users_affected: 0x1F}\n", "looser"),
    ("int-2.0", T + "impact: {users_affected: 2.0}\n", "looser"),
    ("num-0", T + "impact: {error_budget_used: 0}\n", "valid"),
    ("num-1", T + "impact: {error_budget_used: 1}\n", "valid"),
    ("num-dot", T + "impact: {error_budget_used: .12}\n", "valid"),
    ("num-trailing-dot", T + "impact: {error_budget_used: 1.}\n", "valid"),
    ("num-exponent", T + "impact: {error_budget_used: 2e-1}\n", "valid"),
    ("num-plus", T + "impact: {error_budget_used: +0.5}\n", "valid"),
    ("num-1.5", T + "impact: {error_budget_used: 1.5}\n", "invalid"),
    ("num-negative", T + "impact: {error_budget_used: -0.1}\n", "invalid"),
    ("num-percent", T + "impact: {error_budget_used: 25%}\n", "invalid"),
    ("num-quoted", T + 'impact: {error_budget_used: "0.5"}\n', "invalid"),
    ("num-nan", T + "impact: {error_budget_used: .nan}\n", "invalid"),
    ("num-inf", T + "impact: {error_budget_used: .inf}\n", "invalid"),
    ("num-word-nan", T + "impact: {error_budget_used: nan}\n", "invalid"),
    ("num-bool", T + "impact: {error_budget_used: true}\n", "invalid"),
    ("ts-date", T + "started_at: 2024-02-12\n", "valid"),
    ("ts-minutes", T + "started_at: 2024-02-12T08:05\n", "valid"),
    ("ts-lower-t-z", T + "started_at: 2024-02-12t08:05:30z\n", "valid"),
    ("ts-space", T + "started_at: 2024-02-12 08:05:30.250Z\n", "valid"),
    ("ts-comma-fraction", T + "started_at: 2024-02-12T08:05:30,5-05:30\n", "valid"),
    ("ts-offset-hhmm", T + "started_at: 2024-02-12T08:05+0100\n", "valid"),
    ("ts-offset-hh", T + "started_at: 2024-02-12T08:05-01\n", "valid"),
    ("ts-quoted", T + 'started_at: "2024-02-12T08:05:00Z"\n', "valid"),
    ("ts-leap-2024", T + "detected_at: 2024-02-29\n", "valid"),
    ("ts-leap-2000", T + "detected_at: 2000-02-29T00:00Z\n", "valid"),
    ("ts-year-0000-leap", T + "detected_at: 0000-02-29\n", "valid"),
    ("ts-23-59-59", T + "resolved_at: 2024-12-31T23:59:59+23:59\n", "valid"),
    ("ts-not-leap-2023", T + "detected_at: 2023-02-29\n", "invalid"),
    ("ts-not-leap-1900", T + "detected_at: 1900-02-29\n", "invalid"),
    ("ts-apr-31", T + "detected_at: 2024-04-31\n", "invalid"),
    ("ts-month-13", T + "detected_at: 2024-13-01\n", "invalid"),
    ("ts-day-0", T + "detected_at: 2024-01-00\n", "invalid"),
    ("ts-24h", T + "detected_at: 2024-01-01T24:00\n", "invalid"),
    ("ts-60-min", T + "detected_at: 2024-01-01T10:60\n", "invalid"),
    ("ts-60-sec", T + "detected_at: 2024-01-01T10:00:60\n", "invalid"),
    ("ts-offset-24", T + "detected_at: 2024-01-01T10:00+24:00\n", "invalid"),
    ("ts-offset-60", T + "detected_at: 2024-01-01T10:00+01:60\n", "invalid"),
    ("ts-offset-h", T + "detected_at: 2024-01-01T10:00+1\n", "invalid"),
    ("ts-date-z", T + "detected_at: 2024-01-01Z\n", "invalid"),
    ("ts-hours-only", T + "detected_at: 2024-01-01T10\n", "invalid"),
    ("ts-fraction-no-seconds", T + "detected_at: 2024-01-01T10:00.5\n", "invalid"),
    ("ts-empty-fraction", T + "detected_at: 2024-01-01T10:00:00.\n", "invalid"),
    ("ts-short-month", T + "detected_at: 2024-1-01\n", "invalid"),
    ("ts-two-spaces", T + 'detected_at: "2024-01-01  10:00"\n', "invalid"),
    ("ts-us", T + "detected_at: 02/12/2024\n", "invalid"),
    ("ts-year-only", T + "detected_at: 2024\n", "invalid"),
    ("ts-words", T + "detected_at: yesterday\n", "invalid"),
    ("date-ok", T + "postmortem: {due: 2024-02-19}\n", "valid"),
    ("date-with-time", T + "postmortem: {due: 2024-02-19T10:00}\n", "invalid"),
    ("date-feb-30", T + "postmortem: {due: 2024-02-30}\n", "invalid"),
    ("list-ok", T + "components: [api, 1, true, 2.5]\n", "valid"),
    ("list-empty", T + "components: []\n", "valid"),
    ("list-null", T + "components:\n", "valid"),
    ("list-scalar", T + "components: api\n", "invalid"),
    ("list-blank-item", T + "components: [api, ' ']\n", "invalid"),
    ("list-null-item", T + "components: [api, ~]\n", "invalid"),
    ("list-nested", T + "components: [[api]]\n", "invalid"),
    ("list-mapping-item", T + "fix: {risks: [{a: b}]}\n", "invalid"),
    ("teams-mixed", T + "teams: [web, 42, {name: id, role: Responder}, {name: db, x-slack: '#db'}]\n", "valid"),
    ("teams-role-null", T + "teams: [{name: web, role: ~}]\n", "valid"),
    ("teams-no-name", T + "teams: [{role: owner}]\n", "invalid"),
    ("teams-blank-name", T + "teams: [{name: ''}]\n", "invalid"),
    ("teams-null-name", T + "teams: [{name: ~}]\n", "invalid"),
    ("teams-blank", T + "teams: [' ']\n", "invalid"),
    ("teams-null-entry", T + "teams: [~]\n", "invalid"),
    ("teams-list-entry", T + "teams: [[web]]\n", "invalid"),
    ("teams-bad-role", T + "teams: [{name: web, role: lead}]\n", "invalid"),
    ("teams-unknown-key", T + "teams: [{name: web, lead: true}]\n", "invalid"),
    ("teams-scalar", T + "teams: web\n", "invalid"),
    ("actions-ok", T + "action_items:\n  - {title: Add alert, owner: ~, due: 2024-03-01, type: DETECT, ticket: 12, x-id: 1}\n", "valid"),
    ("actions-title-only", T + "action_items: [{title: 5}]\n", "valid"),
    ("actions-no-title", T + "action_items: [{owner: me}]\n", "invalid"),
    ("actions-blank-title", T + "action_items: [{title: ''}]\n", "invalid"),
    ("actions-string", T + "action_items: [Add alert]\n", "invalid"),
    ("actions-null-entry", T + "action_items: [~]\n", "invalid"),
    ("actions-bad-type", T + "action_items: [{title: t, type: fix}]\n", "invalid"),
    ("actions-due-time", T + "action_items: [{title: t, due: 2024-03-01T10:00}]\n", "invalid"),
    ("actions-unknown-key", T + "action_items: [{title: t, assignee: me}]\n", "invalid"),
    ("timeline-ok", T + "timeline: [{at: 2024-01-01T10:00Z, event: 7}, {at: '2024-01-02', event: e, x-by: bot}]\n", "valid"),
    ("timeline-no-event", T + "timeline: [{at: 2024-01-01}]\n", "invalid"),
    ("timeline-no-at", T + "timeline: [{event: e}]\n", "invalid"),
    ("timeline-null-at", T + "timeline: [{at: ~, event: e}]\n", "invalid"),
    ("timeline-bad-at", T + "timeline: [{at: noon, event: e}]\n", "invalid"),
    ("timeline-blank-event", T + "timeline: [{at: 2024-01-01, event: ' '}]\n", "invalid"),
    ("timeline-unknown-key", T + "timeline: [{at: 2024-01-01, event: e, who: me}]\n", "invalid"),
    ("postmortem-blank-link", T + "postmortem: {link: '', waived: ' ', owner: ~, requested: false}\n", "valid"),
    ("complex-key", T + "? [a]\n: b\n", "invalid"),
]


def run_pmcheck(args, cwd):
    env = dict(os.environ, LC_ALL="C", PMCHECK_TODAY="2024-03-01")
    env.pop("PMCHECK_CONFIG", None)
    p = subprocess.run([PMCHECK, "-f", "json", "--fail-on", "never"] + args,
                       cwd=cwd, env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, timeout=60)
    return p.stdout.decode("utf-8").splitlines()


report_lines = []   # (where, line) to check against the report schema

with tempfile.TemporaryDirectory(prefix="pmcheck-schemas.") as tmp:
    names = []
    for i, (name, text, _) in enumerate(CORPUS):
        fname = "%03d-%s.yaml" % (i, name)
        with open(os.path.join(tmp, fname), "w", encoding="utf-8") as f:
            f.write(text)
        names.append(fname)
    lines = run_pmcheck(names, tmp)
    verdicts = {}
    for line in lines:
        report_lines.append(("corpus", line))
        try:
            obj = json.loads(line)
            verdicts[obj["file"]] = "error" not in obj
        except (ValueError, KeyError):
            pass
    for fname, (name, text, want) in zip(names, CORPUS):
        errs = schema_errors(inv, text)
        schema_ok = not errs
        parser_ok = verdicts.get(fname)
        if parser_ok is None:
            result(False, "agree %s" % name, "pmcheck wrote no object for it")
            continue
        if want == "looser":
            ok = schema_ok and not parser_ok
            why = "expected pmcheck to refuse and the schema to accept"
        else:
            ok = schema_ok == parser_ok == (want == "valid")
            why = "expected both %s" % want
        result(ok, "agree %s" % name,
               "%s; pmcheck %s, schema %s%s" % (
                   why, "accepts" if parser_ok else "refuses",
                   "accepts" if schema_ok else "refuses",
                   (" (" + "; ".join(errs[:2]) + ")") if errs else ""))

    ex = sorted(glob.glob(os.path.join(ROOT, "examples", "*.yaml")))
    for line in run_pmcheck(ex, tmp):
        report_lines.append(("examples", line))
    # With the example configuration (custom rules, changed thresholds, a
    # history of past incidents): "config" is a path, and the rules the
    # configuration adds show up in the reasons.
    cfg = os.path.join(ROOT, "examples", ".pmcheck.yaml")
    if os.path.isfile(cfg):
        for line in run_pmcheck(["--config", cfg] + ex, tmp):
            report_lines.append(("examples with --config", line))


# ---- 6. the report schema ----------------------------------------------------

def json_format(args):
    """True when ARGS (a golden case's words) make pmcheck write JSON:
    -f json without -q, which replaces every format."""
    fmt, quiet = None, False
    it = iter(args)
    for a in it:
        if a == "--":
            break
        if a == "--quiet":
            quiet = True
        elif a == "--format":
            fmt = next(it, None)
        elif a.startswith("--format="):
            fmt = a.split("=", 1)[1]
        elif a.startswith("-") and not a.startswith("--"):
            # A cluster of short options: -q, -qf json, -fjson, -o FILE.
            for i, c in enumerate(a[1:], 1):
                if c == "q":
                    quiet = True
                elif c in "fo":
                    val = a[i + 1:] or next(it, None)
                    if c == "f":
                        fmt = val
                    break
    return fmt == "json" and not quiet


json_cases = 0
for case in sorted(os.listdir(golden)):
    d = os.path.join(golden, case)
    try:
        args = shlex.split(read(os.path.join(d, "args")))
    except OSError:
        continue
    if not json_format(args):
        continue
    try:
        with open(os.path.join(d, "expected", "stdout"), "rb") as f:
            out = f.read().decode("utf-8")
    except OSError:
        continue    # a case without expectations yet is golden.sh's to report
    json_cases += 1
    for n, line in enumerate(out.splitlines(), 1):
        report_lines.append(("golden/%s line %d" % (case, n), line))
result(json_cases > 0, "golden cases with -f json found (%d)" % json_cases)

kinds = {"report": 0, "error": 0}
bad = []
for where, line in report_lines:
    try:
        obj = json.loads(line)
    except ValueError as e:
        bad.append("%s: not JSON: %s" % (where, e))
        continue
    errs = list(rv.iter_errors(obj))
    if errs:
        # oneOf hides the reason; ask the branch the object meant to be.
        branch = "error" if isinstance(obj, dict) and "error" in obj else "report"
        sub = jsonschema.Draft7Validator({
            "$ref": "#/definitions/" + branch,
            "definitions": report_schema["definitions"]})
        detail = ["%s: %s" % ("/".join(str(p) for p in e.absolute_path) or "(root)", e.message)
                  for e in sub.iter_errors(obj)][:3]
        bad.append("%s: %s" % (where, "; ".join(detail) or errs[0].message))
    else:
        kinds["error" if "error" in obj else "report"] += 1
for b in bad[:20]:
    print("    " + b)
result(not bad and kinds["report"] > 0 and kinds["error"] > 0,
       "report schema: %d lines (%d reports, %d error objects)" % (
           len(report_lines), kinds["report"], kinds["error"]),
       "%d lines invalid" % len(bad))

# The schema must refuse what pmcheck never writes.
sample = None
for _, line in report_lines:
    obj = json.loads(line)
    if "error" not in obj and obj["triggers"][0]["reasons"]:
        sample = obj
        break
if sample:
    import copy

    def mutated(fn):
        o = copy.deepcopy(sample)
        fn(o)
        return rv.is_valid(o)

    muts = {
        "extra top-level key": lambda o: o.update(extra=1),
        "extra reason key": lambda o: o["triggers"][0]["reasons"][0].update(extra=1),
        "missing config": lambda o: o.pop("config", None),
        "unknown verdict": lambda o: o.update(verdict="maybe"),
        "unknown gate": lambda o: o.update(gate="skip"),
        "triggers out of order": lambda o: o["triggers"].reverse(),
        "three triggers": lambda o: o["triggers"].pop(),
        "score over 100": lambda o: o["triggers"][0].update(score=101),
        "line without column": lambda o: o["triggers"][0]["reasons"][0].update(column=None),
        "note severity error": lambda o: o["notes"].append(
            {"severity": "error", "code": "x", "message": "m", "field": None,
             "line": None, "column": None}),
        "error key on a report": lambda o: o.update(error={}),
    }
    for name, fn in muts.items():
        result(not mutated(fn), "report schema refuses: %s" % name)
else:
    result(False, "report schema mutations", "no report with a reason to start from")

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
