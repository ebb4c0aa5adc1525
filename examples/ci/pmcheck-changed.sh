#!/bin/sh
# Runs pmcheck on the hotfix files a merge or pull request adds or changes,
# appends the Markdown report to a summary file, and exits with pmcheck's
# status: 0 when nothing needs a post-mortem that is not linked or waived,
# 1 when one does, 3 when a file is invalid.  Both CI examples
# (github-actions.yml, gitlab-ci.yml) call it.
#
#   sh pmcheck-changed.sh BASE
#
# BASE is what the branch is compared with: the target branch
# (origin/main) or a commit.  Files are taken from
# "git diff BASE...HEAD", that is the changes since the branch left BASE;
# deleted files are left out, and a renamed file counts as added.
#
# Environment:
#   PMCHECK          the pmcheck to run (default: pmcheck on PATH)
#   PMCHECK_PATHS    git pathspecs of hotfix files, separated by blanks
#                    (default: "hotfixes/*.yaml hotfixes/*.yml", which also
#                    matches files in subdirectories of hotfixes/)
#   PMCHECK_ARGS     more pmcheck options, e.g. "--fail-on recommended"
#   PMCHECK_SUMMARY  file the Markdown report is appended to (default:
#                    $GITHUB_STEP_SUMMARY on GitHub Actions, else
#                    pmcheck-report.md)
#
# pmcheck runs from the top of the work tree, so a .pmcheck.yaml there
# (the repository's policy) is found.  The job log gets one line per file
# (pmcheck -q) and pmcheck's messages.

if [ $# -ne 1 ] || [ -z "$1" ]; then
	echo "usage: pmcheck-changed.sh BASE   (a branch such as origin/main, or a commit)" >&2
	exit 2
fi
base=$1
pmcheck=${PMCHECK:-pmcheck}
paths=${PMCHECK_PATHS:-"hotfixes/*.yaml hotfixes/*.yml"}
summary=${PMCHECK_SUMMARY:-${GITHUB_STEP_SUMMARY:-pmcheck-report.md}}

# A relative summary path means the directory the job started in.
case $summary in
/*) ;;
*) summary=$(pwd)/$summary ;;
esac

# git prints paths from the top of the work tree; pmcheck runs there too.
top=$(git rev-parse --show-toplevel) || exit 2
cd "$top" || exit 2

if ! git rev-parse --verify --quiet "$base^{commit}" >/dev/null; then
	echo "pmcheck-changed.sh: $base: no such branch or commit here;" \
	     "fetch it first (a shallow clone lacks it)" >&2
	exit 2
fi

# The pathspecs are split on blanks but not expanded by the shell: git
# matches them, "*" crossing directories.  NUL-separated output, so that no
# name is quoted or mangled; a name holding a line break is the one thing
# the loop below cannot carry.
set -f
# shellcheck disable=SC2086
list=$(git -c core.quotePath=false diff --name-only -z --no-renames \
	--diff-filter=AM "$base...HEAD" -- $paths | tr '\0' '\n')
set +f
set --
while IFS= read -r f; do
	[ -n "$f" ] && set -- "$@" "$f"
done <<EOF
$list
EOF

if [ $# -eq 0 ]; then
	echo "pmcheck: no hotfix file ($paths) added or changed since $base."
	printf '%s\n' "_pmcheck: no hotfix file added or changed since \`$base\`._" >>"$summary"
	exit 0
fi

out=$(mktemp "${TMPDIR:-/tmp}/pmcheck-changed.XXXXXX") || exit 2
trap 'rm -f "$out"' EXIT

# PMCHECK_ARGS is split on blanks on purpose, as it holds several
# options, but not expanded as a pattern.
set -f
# shellcheck disable=SC2086
"$pmcheck" -q $PMCHECK_ARGS -- "$@" 2>/dev/null
# shellcheck disable=SC2086
"$pmcheck" -f markdown $PMCHECK_ARGS -- "$@" >"$out"
status=$?
set +f
cat "$out" >>"$summary" || exit 4

case $status in
0) echo "pmcheck: $# file(s) checked; report in $summary" ;;
1) echo "pmcheck: a post-mortem is needed and neither linked (postmortem.link)" \
        "nor waived (postmortem.waived); report in $summary" >&2 ;;
*) echo "pmcheck: exit status $status; see the messages above" >&2 ;;
esac
exit $status
