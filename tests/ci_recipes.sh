#!/bin/sh
# The CI recipes of examples/ci/, run for real in a temporary git
# repository: a branch adds and changes hotfix files, and
# pmcheck-changed.sh must judge exactly those, write the Markdown to the
# summary file and exit with pmcheck's status; the GitHub Actions and GitLab
# CI files must parse and run exactly the invocation tested here; and
# ticket-body.sh must write the ticket's title and body and open it through
# a stand-in for gh or glab, so no network is needed.
#
#   PMCHECK=build/pmcheck sh tests/ci_recipes.sh
#
# Needs git, and a Python 3 with the yaml module (python3, else
# /usr/bin/python3) to read the two CI files.  Prints PASS/FAIL per check
# and ends with "N passed, M failed"; exits 1 when any check failed.

LC_ALL=C
export LC_ALL
unset NO_COLOR PMCHECK_CONFIG GITHUB_STEP_SUMMARY PMCHECK_SUMMARY PMCHECK_PATHS \
	PMCHECK_ARGS TICKET_CLI TICKET_RUN TICKET_LABEL
PMCHECK_TODAY=2024-03-01
export PMCHECK_TODAY

here=$(cd "$(dirname "$0")" && pwd) || exit 2
root=$(dirname "$here")
ci=$root/examples/ci
PMCHECK=${PMCHECK:-$root/build/pmcheck}
case $PMCHECK in
/*) ;;
*) PMCHECK=$(pwd)/$PMCHECK ;;
esac
export PMCHECK
if [ ! -x "$PMCHECK" ]; then
	echo "ci_recipes.sh: $PMCHECK is not an executable; run make first" >&2
	exit 2
fi
if ! command -v git >/dev/null 2>&1; then
	echo "ci_recipes.sh: git is needed" >&2
	exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pmcheck-ci.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

pass=0
fail=0
ok() {
	echo "PASS $1"
	pass=$((pass + 1))
}
ko() {
	echo "FAIL $1"
	[ -n "${2:-}" ] && printf '%s\n' "$2" | head -n 30 | sed 's/^/    /'
	fail=$((fail + 1))
}

# check NAME WANT_STATUS STATUS FILE [PATTERN...]: STATUS is WANT_STATUS
# and FILE holds every fixed-string PATTERN; "!PATTERN" must be absent.
check() {
	name=$1 want=$2 got=$3 file=$4
	shift 4
	bad=
	[ "$got" = "$want" ] || bad="exit status $got, want $want;"
	for p in "$@"; do
		case $p in
		!*) grep -qF -- "${p#!}" "$file" 2>/dev/null && bad="$bad has \"${p#!}\";" ;;
		*) grep -qF -- "$p" "$file" 2>/dev/null || bad="$bad lacks \"$p\";" ;;
		esac
	done
	if [ -z "$bad" ]; then
		ok "$name"
	else
		ko "$name" "$bad
$(cat "$log" 2>/dev/null)
--- $file:
$(cat "$file" 2>/dev/null)"
	fi
}

# ---- a repository with a branch ------------------------------------------

repo=$tmp/repo
log=$tmp/log
mkdir -p "$repo" && cd "$repo" || exit 2
git init -q . && git checkout -q -b main || exit 2
git config user.email ci@example.com
git config user.name CI
git config commit.gpgsign false
# The GitLab job writes its report into the work tree, as on a runner.
echo pmcheck-report.md >>.git/info/exclude

commit() {
	git add -A . && git commit -q -m "$1" || exit 2
}

# hotfix FILE ID TITLE [MORE YAML]: a hotfix file whose post-mortem is
# required (data loss) unless MORE says otherwise.
hotfix() {
	mkdir -p "$(dirname "$1")"
	printf 'id: %s\ntitle: %s\nseverity: sev2\nimpact:\n  data_loss: true\n%b' \
		"$2" "$3" "${4:-}" >"$1"
}

mkdir -p hotfixes
hotfix hotfixes/old.yaml HF-0 "Old cache stampede, never linked"
echo "# app" >README.md
commit "base"
git update-ref refs/remotes/origin/main main
git checkout -q -b feature

# run NAME: runs pmcheck-changed.sh against main with a fresh summary file.
n=0
run() {
	n=$((n + 1))
	summary=$tmp/summary-$n.md
	GITHUB_STEP_SUMMARY=$summary sh "$ci/pmcheck-changed.sh" main >"$log" 2>&1
	status=$?
}

echo "more" >>README.md
commit "docs only"
run
check "nothing changed: exit 0" 0 "$status" "$summary" "no hotfix file" "!HF-0"

hotfix hotfixes/hf-1.yaml HF-1 "Checkout lost carts"
commit "add hf-1"
run
check "required, not linked: exit 1" 1 "$status" "$summary" \
	"**Verdict: required**" "# Post-mortem: HF-1 — Checkout lost carts" "!HF-0"
check "the log has one line per file" 1 "$status" "$log" \
	"hotfixes/hf-1.yaml: required" "!old.yaml"

hotfix hotfixes/hf-1.yaml HF-1 "Checkout lost carts" \
	"postmortem:\n  link: https://wiki.example.com/pm/HF-1\n"
commit "link hf-1"
run
check "required and linked: exit 0" 0 "$status" "$summary" \
	"**Verdict: required**" "https://wiki.example.com/pm/HF-1" "!HF-0"

hotfix hotfixes/2024/hf-2.yaml HF-2 "Payments double charge" \
	"postmortem:\n  waived: Covered by the HF-1 review, agreed by J. Ortiz\n"
hotfix hotfixes/notes.yml HF-3 "Search outage" \
	"postmortem:\n  link: https://wiki.example.com/pm/HF-3\n"
echo "not: [a, hotfix" >config.yaml
mkdir -p .github/workflows && echo "on: push" >.github/workflows/ci.yml
git rm -q hotfixes/old.yaml
commit "subdirectory, .yml, other YAML, a deletion"
run
check "subdirectories and .yml judged; other YAML and deletions not" 0 "$status" \
	"$summary" "HF-1" "HF-2" "HF-3" "!HF-0" "!config.yaml" "!ci.yml"

hotfix "hotfixes/login fix.yaml" HF-4 "Login loop for SSO users"
commit "a name with a blank"
run
check "a file name with a blank: exit 1" 1 "$status" "$summary" \
	"Login loop for SSO users"
git rm -q "hotfixes/login fix.yaml" && commit "drop it"

printf 'title: Broken\nimpact: {users_affected: many}\n' >hotfixes/bad.yaml
commit "an invalid file"
run
check "an invalid hotfix file: exit 3" 3 "$status" "$log" \
	"hotfixes/bad.yaml:2:26: error: impact.users_affected"
git rm -q hotfixes/bad.yaml && commit "drop it"

# A recommended verdict passes by default and fails with --fail-on recommended.
cat >hotfixes/hf-5.yaml <<'EOF'
id: HF-5
title: Report export timed out
teams: [reporting, {name: database, role: responder}]
EOF
commit "a recommended one"
run
check "recommended under the default --fail-on required: exit 0" 0 "$status" \
	"$summary" "**Verdict: recommended**"
n=$((n + 1))
summary=$tmp/summary-$n.md
PMCHECK_ARGS="--fail-on recommended" GITHUB_STEP_SUMMARY=$summary \
	sh "$ci/pmcheck-changed.sh" main >"$log" 2>&1
check "PMCHECK_ARGS=--fail-on recommended: exit 1" 1 "$?" "$summary" "HF-5"

mkdir -p incidents
hotfix incidents/inc-1.yaml INC-1 "Queue backlog"
commit "another directory"
n=$((n + 1))
summary=$tmp/summary-$n.md
PMCHECK_PATHS="incidents/*.yaml" GITHUB_STEP_SUMMARY=$summary \
	sh "$ci/pmcheck-changed.sh" main >"$log" 2>&1
check "PMCHECK_PATHS picks other files" 1 "$?" "$summary" "INC-1" "!HF-1"

# From a subdirectory, with neither PMCHECK_SUMMARY nor GITHUB_STEP_SUMMARY:
# pmcheck-report.md in the directory the job started in.
git checkout -q main && git checkout -q -b rename
git mv hotfixes/old.yaml hotfixes/renamed.yaml && commit "a rename"
mkdir -p docs && (cd docs && sh "$ci/pmcheck-changed.sh" main >"$log" 2>&1; echo $? >"$tmp/st")
check "a renamed file is judged; report in ./pmcheck-report.md" 1 "$(cat "$tmp/st")" \
	"$repo/docs/pmcheck-report.md" "HF-0"
rm -rf docs

sh "$ci/pmcheck-changed.sh" >"$log" 2>&1
check "no BASE: usage error, exit 2" 2 "$?" "$log" "usage: pmcheck-changed.sh BASE"
sh "$ci/pmcheck-changed.sh" no-such-branch >"$log" 2>&1
check "unknown BASE: exit 2" 2 "$?" "$log" "no-such-branch: no such branch or commit"
git checkout -q feature

# ---- the CI files run exactly this -------------------------------------

python=
for p in python3 /usr/bin/python3; do
	if "$p" -c 'import yaml' >/dev/null 2>&1; then
		python=$p
		break
	fi
done

# Prints the commands of a CI file, one per line, after checking its shape:
# github: every step's "run"; gitlab: before_script and script of the job.
ci_commands() {
	"$python" - "$1" "$2" <<'EOF'
import sys, yaml
kind, path = sys.argv[1], sys.argv[2]
with open(path) as f:
    doc = yaml.safe_load(f)
def need(cond, what):
    if not cond:
        sys.exit("%s: %s" % (path, what))
if kind == "github":
    # YAML 1.1 reads the key "on" as true.
    on = doc.get("on", doc.get(True))
    need(isinstance(on, dict) and "pull_request" in on, "runs on pull_request")
    steps = doc["jobs"]["pmcheck"]["steps"]
    need(any(s.get("uses", "").startswith("actions/checkout@") and
             s.get("with", {}).get("fetch-depth") == 0 for s in steps),
         "checks out with fetch-depth: 0")
    check = [s for s in steps if "pmcheck-changed.sh" in s.get("run", "")]
    need(len(check) == 1 and check[0].get("env", {}).get("BASE_REF") ==
         "${{ github.base_ref }}", "one step runs pmcheck-changed.sh with BASE_REF")
    for s in steps:
        if "run" in s:
            for line in s["run"].splitlines():
                print(line)
else:
    job = doc["pmcheck"]
    v = job["variables"]
    need(v.get("GIT_DEPTH") == 0, "GIT_DEPTH: 0")
    need(v.get("PMCHECK_SUMMARY") in job["artifacts"]["paths"],
         "the summary file is an artifact")
    need(job["artifacts"].get("when") == "always", "artifacts: when: always")
    need(any("merge_request_event" in r.get("if", "") for r in job["rules"]),
         "runs in merge request pipelines")
    print("PMCHECK_SUMMARY=%s" % v["PMCHECK_SUMMARY"])
    for line in job["before_script"] + job["script"]:
        print(line)
EOF
}

# The commands as the CI files write them; the runner expands them.
# shellcheck disable=SC2016
gh_cmd='sh "$RUNNER_TEMP/pmcheck/examples/ci/pmcheck-changed.sh" "origin/$BASE_REF"'
# shellcheck disable=SC2016
gl_cmd='sh "$PMCHECK_HOME/examples/ci/pmcheck-changed.sh" "$CI_MERGE_REQUEST_DIFF_BASE_SHA"'

if [ -z "$python" ]; then
	ko "CI files: no Python 3 with the yaml module (python3-yaml)"
else
	for kind in github gitlab; do
		case $kind in
		github) file=$ci/github-actions.yml want=$gh_cmd ;;
		gitlab) file=$ci/gitlab-ci.yml want=$gl_cmd ;;
		esac
		if ! cmds=$(ci_commands $kind "$file" 2>&1); then
			ko "$kind: ${file##*/} parses and has the expected shape" "$cmds"
			continue
		fi
		ok "$kind: ${file##*/} parses and has the expected shape"
		# The one command that checks the files is the one run below; the
		# others only install pmcheck.
		checks=$(printf '%s\n' "$cmds" | grep -F "pmcheck-changed.sh")
		if [ "$checks" = "$want" ]; then
			ok "$kind: the check runs: $want"
		else
			ko "$kind: the check runs: $want" "found: $checks"
		fi
		others=$(printf '%s\n' "$cmds" | grep -vF "pmcheck-changed.sh" |
			grep -vE '^(sudo )?apt-get |^git clone |^make -C |^echo "PMCHECK=|^PMCHECK_SUMMARY=')
		if [ -z "$others" ]; then
			ok "$kind: every other command installs pmcheck"
		else
			ko "$kind: every other command installs pmcheck" "$others"
		fi
		if [ $kind = gitlab ]; then
			gl_summary=$(printf '%s\n' "$cmds" | sed -n 's/^PMCHECK_SUMMARY=//p')
		fi
	done
fi

# The GitHub step, as the runner runs it: bash -e with the step's env, the
# installed pmcheck in $RUNNER_TEMP/pmcheck, the summary in a file.
mkdir -p "$tmp/runner" && ln -s "$root" "$tmp/runner/pmcheck"
github_step() {
	GITHUB_STEP_SUMMARY=$1 RUNNER_TEMP=$tmp/runner BASE_REF=main \
		bash --noprofile --norc -eo pipefail -c "$gh_cmd" >"$log" 2>&1
}
# The GitLab job's script, as the runner runs it: the job's variables, the
# merge request's diff base.
gitlab_job() {
	rm -f "${gl_summary:-pmcheck-report.md}"
	PMCHECK_HOME=$root PMCHECK_SUMMARY=${gl_summary:-pmcheck-report.md} \
		CI_MERGE_REQUEST_DIFF_BASE_SHA=$(git merge-base main HEAD) \
		sh -c "$gl_cmd" >"$log" 2>&1
}

git checkout -q main && git checkout -q -b mr
hotfix hotfixes/hf-9.yaml HF-9 "Session store evicted active sessions"
commit "required and unlinked"
github_step "$tmp/gh-1.md"
check "github: required, unlinked: the step fails (exit 1)" 1 "$?" "$tmp/gh-1.md" \
	"# Post-mortem: HF-9 — Session store evicted active sessions" "!HF-0"
gitlab_job
check "gitlab: required, unlinked: the job fails (exit 1)" 1 "$?" \
	"${gl_summary:-pmcheck-report.md}" "HF-9" "!HF-0"
hotfix hotfixes/hf-9.yaml HF-9 "Session store evicted active sessions" \
	"postmortem:\n  waived: Same cause as HF-0, agreed by the SRE lead\n"
commit "waived"
github_step "$tmp/gh-2.md"
check "github: waived: the step passes" 0 "$?" "$tmp/gh-2.md" "Waived: Same cause as HF-0"
gitlab_job
check "gitlab: waived: the job passes, report kept" 0 "$?" \
	"${gl_summary:-pmcheck-report.md}" "HF-9"
git checkout -q main && git checkout -q -b empty-mr
echo "typo" >>README.md && commit "no hotfix"
github_step "$tmp/gh-3.md"
check "github: nothing changed: the step passes" 0 "$?" "$tmp/gh-3.md" "no hotfix file"
gitlab_job
check "gitlab: nothing changed: the job passes" 0 "$?" \
	"${gl_summary:-pmcheck-report.md}" "no hotfix file"
rm -f "${gl_summary:-pmcheck-report.md}"
git checkout -q feature

# ---- ticket-body.sh ---------------------------------------------------------

t=$tmp/ticket
cat >"$t.yaml" <<'EOF'
id: HF-7
title: Fix *bold* [cache_key] <b> & retry
impact: {data_loss: true}
EOF
sh "$ci/ticket-body.sh" "$t.yaml" "$t" >"$log" 2>&1
check "ticket: written, exit 0" 0 "$?" "$t/title.txt" \
	"Post-mortem: HF-7 — Fix *bold* [cache_key] <b> & retry"
"$PMCHECK" -f markdown --fail-on never -- "$t.yaml" >"$tmp/expected.md" 2>/dev/null
if cmp -s "$tmp/expected.md" "$t/body.md"; then
	ok "ticket: body.md is pmcheck's Markdown"
else
	ko "ticket: body.md is pmcheck's Markdown"
fi
check "ticket: prints the gh command" 0 0 "$log" \
	"gh issue create --title \"\$(cat '$t/title.txt')\" --body-file '$t/body.md' --label 'post-mortem'"

# Stand-ins for gh and glab: they write down their arguments.
mkdir -p "$tmp/bin"
for c in gh glab; do
	cat >"$tmp/bin/$c" <<EOF
#!/bin/sh
for a in "\$@"; do printf '%s\n' "\$a"; done >"$tmp/$c.args"
EOF
	chmod +x "$tmp/bin/$c"
done
PATH=$tmp/bin:$PATH TICKET_RUN=1 sh "$ci/ticket-body.sh" "$t.yaml" "$t" >"$log" 2>&1
status=$?
printf '%s\n' issue create --title "Post-mortem: HF-7 — Fix *bold* [cache_key] <b> & retry" \
	--body-file "$t/body.md" --label post-mortem >"$tmp/gh.want"
if [ $status -eq 0 ] && cmp -s "$tmp/gh.want" "$tmp/gh.args"; then
	ok "ticket: TICKET_RUN=1 runs gh with the title and body file"
else
	ko "ticket: TICKET_RUN=1 runs gh with the title and body file" \
		"status $status; $(diff "$tmp/gh.want" "$tmp/gh.args" 2>&1)"
fi
PATH=$tmp/bin:$PATH TICKET_RUN=1 TICKET_CLI=glab TICKET_LABEL="post mortem's" \
	sh "$ci/ticket-body.sh" "$t.yaml" "$t" >"$log" 2>&1
status=$?
{
	printf '%s\n' issue create --title "Post-mortem: HF-7 — Fix *bold* [cache_key] <b> & retry" \
		--description
	cat "$t/body.md"
	printf '%s\n' --label "post mortem's"
} >"$tmp/glab.want"
if [ $status -eq 0 ] && cmp -s "$tmp/glab.want" "$tmp/glab.args"; then
	ok "ticket: TICKET_CLI=glab runs glab with the title and description"
else
	ko "ticket: TICKET_CLI=glab runs glab with the title and description" \
		"status $status; $(diff "$tmp/glab.want" "$tmp/glab.args" 2>&1 | head -n 10)"
fi

printf 'title: Broken\nseverity: sev9\n' >"$tmp/bad.yaml"
sh "$ci/ticket-body.sh" "$tmp/bad.yaml" "$tmp/bad" >"$log" 2>&1
status=$?
if [ $status -eq 3 ] && [ ! -e "$tmp/bad/body.md" ] && [ ! -e "$tmp/bad/title.txt" ]; then
	ok "ticket: an invalid file: exit 3, nothing written"
else
	ko "ticket: an invalid file: exit 3, nothing written" "status $status"
fi
sh "$ci/ticket-body.sh" >"$log" 2>&1
check "ticket: no file: usage, exit 2" 2 "$?" "$log" "usage: ticket-body.sh"
TICKET_CLI=jira sh "$ci/ticket-body.sh" "$t.yaml" "$t" >"$log" 2>&1
check "ticket: unknown TICKET_CLI: exit 2" 2 "$?" "$log" "gh or glab"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
