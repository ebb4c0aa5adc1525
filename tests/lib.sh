# The common start of the CLI behaviour scripts (cli_misc.sh, cli_output.sh,
# cli_config.sh), sourced after setting $suite to the script's short name:
#
#   suite=misc
#   . "$(dirname "$0")/lib.sh"
#
# Pins the environment (LC_ALL=C, PMCHECK_TODAY, no NO_COLOR or
# PMCHECK_CONFIG), makes $PMCHECK absolute and checks it, then works in a
# fresh temporary directory $tmp (removed on exit) holding a copy of the
# repository's examples/ without the CI recipes, so that examples/ is a
# directory of valid hotfix files.  Defines ok, ko, skipped, pm and finish.

LC_ALL=C
export LC_ALL
unset NO_COLOR PMCHECK_CONFIG
PMCHECK_TODAY=2024-03-01
export PMCHECK_TODAY

here=$(cd "$(dirname "$0")" && pwd) || exit 2
root=$(dirname "$here")
PMCHECK=${PMCHECK:-$root/build/pmcheck}
case $PMCHECK in
/*) ;;
*) PMCHECK=$(pwd)/$PMCHECK ;;
esac
if [ ! -x "$PMCHECK" ]; then
	echo "cli_$suite.sh: $PMCHECK is not an executable; run make first" >&2
	exit 2
fi
if ! command -v timeout >/dev/null 2>&1; then
	echo "cli_$suite.sh: timeout(1) is needed to bound each check" >&2
	exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pmcheck-$suite.XXXXXX") || exit 2
# Checks make directories unwritable on purpose; give them back first.
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
trap 'exit 141' PIPE
cd "$tmp" || exit 2
tmp=$(pwd -P)
cp -R "$root/examples" examples
rm -rf examples/ci

pass=0
fail=0
skip=0

ok() {
	echo "PASS $1"
	pass=$((pass + 1))
}

ko() {
	echo "FAIL $1: $2"
	fail=$((fail + 1))
}

skipped() {
	echo "SKIP $1: $2"
	skip=$((skip + 1))
}

# Runs pmcheck under a 10 s limit with the remaining arguments; standard
# streams as the caller redirects them.  Sets $st to the exit status.
pm() {
	timeout 10 "$PMCHECK" "$@"
	st=$?
}

# The summary line; the script's exit status.
finish() {
	[ "$skip" -gt 0 ] && echo "($skip skipped)"
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
