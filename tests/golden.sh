#!/bin/sh
# Golden CLI tests: one directory per case under tests/golden/<case>/.
#
#   args               the command-line arguments, one line of shell words
#   stdin              optional: fed to standard input (else /dev/null)
#   generate           optional: a sh script run in the case's work
#                      directory before pmcheck, for inputs too big to commit
#   env                optional: NAME=VALUE lines exported for this case only
#                      (PMCHECK_CONFIG, NO_COLOR...; LC_ALL, TERM and
#                      PMCHECK_TODAY stay pinned)
#   anything else      copied into the work directory (input.yaml, dirs, ...)
#   expected/stdout, expected/stderr, expected/status   what must come out
#
# Each case runs in its own temporary directory holding a copy of the
# repository's examples/ and the case's files, so names in the output stay
# short and no case sees another's files.  The environment is pinned
# (LC_ALL=C, TERM=dumb, PMCHECK_TODAY, no NO_COLOR) so that no expectation
# depends on the machine or the date.
#
#   PMCHECK=build/pmcheck sh tests/golden.sh          run every case
#   sh tests/golden.sh NAME...                        run only these cases
#   UPDATE=1 sh tests/golden.sh [NAME...]             rewrite expected/ on
#                                                     purpose, then review
#                                                     the diff before committing
#
# Prints PASS/FAIL (or UPDATED) per case and ends with "N passed, M failed";
# exits 1 when any case failed.

LC_ALL=C
export LC_ALL

here=$(cd "$(dirname "$0")" && pwd) || exit 2
root=$(dirname "$here")
cases_dir=$here/golden

# The binary is run from each case's temporary directory: make it absolute.
PMCHECK=${PMCHECK:-$root/build/pmcheck}
case $PMCHECK in
/*) ;;
*) PMCHECK=$(pwd)/$PMCHECK ;;
esac
if [ ! -x "$PMCHECK" ]; then
	echo "golden.sh: $PMCHECK is not an executable; run make first" >&2
	exit 2
fi

# A hung case must not hang the suite: every run gets a time limit when the
# system has timeout(1).
limit=
if command -v timeout >/dev/null 2>&1; then
	limit="timeout 20"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pmcheck-golden.XXXXXX") || exit 2
# Every case would find a configuration file above its work directory.
d=$tmp
while [ "$d" != / ] && [ -n "$d" ]; do
	d=$(dirname "$d")
	if [ -f "$d/.pmcheck.yaml" ]; then
		echo "golden.sh: $d/.pmcheck.yaml would apply to every case; move it away" >&2
		rm -rf "$tmp"
		exit 2
	fi
done
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
trap 'exit 141' PIPE

pass=0
fail=0

# Shows how ACTUAL differs from EXPECTED, cut short for huge outputs.
show_diff() {
	if [ -f "$1" ]; then
		diff -u "$1" "$2" | head -n 80
	else
		echo "    (missing $1)"
	fi
}

run_case() {
	name=$1
	dir=$cases_dir/$name
	if [ ! -f "$dir/args" ]; then
		echo "FAIL $name (no such case: $dir/args is missing)"
		fail=$((fail + 1))
		return
	fi
	work=$(mktemp -d "$tmp/case.XXXXXX") || exit 2
	out=$(mktemp -d "$tmp/out.XXXXXX") || exit 2
	cp -R "$root/examples" "$work/examples"
	for f in "$dir"/* "$dir"/.[!.]*; do
		[ -e "$f" ] || continue
		case ${f##*/} in
		args | expected | stdin | generate | env) ;;
		*) cp -R "$f" "$work/" ;;
		esac
	done
	input=/dev/null
	[ -f "$dir/stdin" ] && input=$dir/stdin
	args=$(cat "$dir/args")
	(
		cd "$work" || exit 2
		if [ -f "$dir/generate" ]; then
			sh "$dir/generate" || {
				echo "golden.sh: $name/generate failed" >&2
				exit 2
			}
		fi
		unset NO_COLOR PMCHECK_CONFIG
		if [ -f "$dir/env" ]; then
			while IFS= read -r line || [ -n "$line" ]; do
				case $line in
				*=*) export "$line" ;;
				esac
			done <"$dir/env"
		fi
		eval "set -- $args"
		LC_ALL=C TERM=dumb PMCHECK_TODAY=2024-03-01 \
			$limit "$PMCHECK" "$@" <"$input" >"$out/stdout" 2>"$out/stderr"
		echo $? >"$out/status"
	)
	[ -f "$out/status" ] || echo "setup failed" >"$out/status"

	if [ -n "${UPDATE:-}" ]; then
		changed=
		mkdir -p "$dir/expected"
		for f in stdout stderr status; do
			if ! cmp -s "$out/$f" "$dir/expected/$f"; then
				cp "$out/$f" "$dir/expected/$f"
				changed="$changed $f"
			fi
		done
		if [ -n "$changed" ]; then
			echo "UPDATED $name:$changed"
		else
			echo "PASS $name"
		fi
		pass=$((pass + 1))
	else
		bad=
		for f in stdout stderr status; do
			cmp -s "$dir/expected/$f" "$out/$f" || bad="$bad $f"
		done
		if [ -z "$bad" ]; then
			echo "PASS $name"
			pass=$((pass + 1))
		else
			echo "FAIL $name (differs:$bad)"
			for f in $bad; do
				show_diff "$dir/expected/$f" "$out/$f"
			done
			fail=$((fail + 1))
		fi
	fi
	rm -rf "$work" "$out"
}

if [ $# -gt 0 ]; then
	for name in "$@"; do
		run_case "${name%/}"
	done
else
	for dir in "$cases_dir"/*/; do
		[ -d "$dir" ] || continue
		name=${dir%/}
		run_case "${name##*/}"
	done
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
