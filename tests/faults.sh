#!/bin/sh
# Fault injection: every allocation, every write of the output and every
# step of writing an -o file is made to fail in turn (tests/faults/failalloc.c
# through LD_PRELOAD), for a few representative commands.  For each N, until
# a run no longer reaches the Nth call:
#
#  - no crash: never killed by a signal, never a timeout;
#  - either the fault made no difference (same status, same output: stdio
#    falls back to unbuffered output, qsort to its in-place sort), or the run
#    failed cleanly: status 2, 3 or 4 and a message on stderr that the
#    fault-free run does not print;
#  - with -o: the target holds its old content or the full new one, and no
#    temporary file is left beside it;
#  - under valgrind (when installed; FAULTS_VALGRIND=0 turns it off): no
#    leak and no memory error after a failed write, fsync, rename, file
#    creation or stdout write.  Failed allocations are not run under
#    valgrind: it replaces malloc everywhere, the shim's included; after one,
#    pmcheck ends through pm_alloc_fail() (_exit, nothing to free) or, when
#    the C library absorbs it, carries on as in the fault-free run.
#
#   make faults
#   PMCHECK=build/pmcheck FAILALLOC=build/faults/failalloc.so sh tests/faults.sh
#   FAULTS_STRIDE=10 ... sh tests/faults.sh       only every 10th N
#
# Prints one PASS/FAIL line per command and fault kind with the number of
# faults injected, and ends with "N passed, M failed".  Needs a pmcheck
# built without sanitizers: they do not let LD_PRELOAD replace malloc.

LC_ALL=C
export LC_ALL
unset NO_COLOR PMCHECK_CONFIG FAIL_MALLOC FAIL_WRITE FAIL_STDOUT FAIL_FSYNC \
	FAIL_RENAME FAIL_CREATE FAIL_HIT
PMCHECK_TODAY=2024-03-01
export PMCHECK_TODAY

here=$(cd "$(dirname "$0")" && pwd) || exit 2
root=$(dirname "$here")
abs() {
	case $1 in
	/*) echo "$1" ;;
	*) echo "$(pwd)/$1" ;;
	esac
}
PMCHECK=$(abs "${PMCHECK:-$root/build/pmcheck}")
FAILALLOC=$(abs "${FAILALLOC:-$root/build/faults/failalloc.so}")
for f in "$PMCHECK" "$FAILALLOC"; do
	if [ ! -f "$f" ]; then
		echo "faults.sh: $f is missing; run make faults" >&2
		exit 2
	fi
done
stride=${FAULTS_STRIDE:-1}
valgrind=
if [ "${FAULTS_VALGRIND:-1}" != 0 ] && command -v valgrind >/dev/null 2>&1; then
	valgrind="valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect -q"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pmcheck-faults.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
cd "$tmp" || exit 2
cp -R "$root/examples" examples
cp "$root/tests/golden/invalid-unknown-top-key-did-you-mean/input.yaml" invalid.yaml 2>/dev/null ||
	printf 'title: t\nseverty: sev2\n' >invalid.yaml
mkdir out

pass=0
fail=0
total_runs=0

# run KIND N ARGS...: pmcheck with the Nth call of KIND failing; sets $st.
run() {
	kind=$1 n=$2
	shift 2
	wrap=
	[ "$kind" != MALLOC ] && wrap=$valgrind
	rm -f hit
	env "FAIL_$kind=$n" FAIL_HIT="$tmp/hit" LD_PRELOAD="$FAILALLOC" \
		timeout 20 $wrap "$PMCHECK" "$@" >stdout 2>stderr
	st=$?
	total_runs=$((total_runs + 1))
}

# prepare TARGET MODE: before each run, TARGET holds "old content" (MODE
# old, for --force) or does not exist (MODE new).
prepare() {
	case $2 in
	old) printf 'old content\n' >"$1" ;;
	new) rm -f "$1" ;;
	esac
}

# check NAME KIND TARGET MODE ARGS...: the loop over N for one command and
# one kind of fault.  TARGET is the -o file ("" for stdout), MODE as for
# prepare.
check() {
	name=$1 kind=$2 target=$3 mode=$4
	shift 4
	# The reference: no fault at all.
	[ -n "$target" ] && prepare "$target" "$mode"
	env LD_PRELOAD="$FAILALLOC" "$PMCHECK" "$@" >ref.stdout 2>ref.stderr
	ref=$?
	if [ -n "$target" ]; then
		cp "$target" ref.target || return
	fi
	problem=
	hits=0
	n=1
	while [ "$n" -le 20000 ]; do
		[ -n "$target" ] && prepare "$target" "$mode"
		run "$kind" "$n" "$@"
		if [ ! -f hit ]; then
			# Past the last call of this kind: a normal run.
			if [ "$st" -ne "$ref" ] || ! cmp -s stdout ref.stdout; then
				problem="N=$n: no fault injected, yet status $st (expected $ref) or other output"
			fi
			break
		fi
		hits=$((hits + 1))
		if [ "$st" -ge 124 ]; then
			problem="N=$n: status $st (signal or timeout): $(head -c 300 stderr)"
		elif [ "$st" -eq 99 ] && [ -n "$wrap" ]; then
			problem="N=$n: valgrind found an error: $(head -c 600 stderr)"
		elif [ "$st" -eq "$ref" ] && cmp -s stdout ref.stdout; then
			:   # the fault changed nothing
		elif [ "$st" -le 1 ]; then
			problem="N=$n: status $st after a fault (reference $ref) with different output"
		elif [ ! -s stderr ] || cmp -s stderr ref.stderr; then
			problem="N=$n: status $st and no message about the fault on stderr"
		fi
		if [ -z "$problem" ] && [ -n "$target" ]; then
			if [ -f "$target" ] && cmp -s "$target" ref.target; then
				:
			elif { [ "$mode" = old ] && [ "$(cat "$target")" = "old content" ]; } ||
				{ [ "$mode" = new ] && [ ! -e "$target" ]; }; then
				[ "$st" -le 1 ] &&
					problem="N=$n: status $st but $target was not written"
			else
				problem="N=$n: $target holds neither the old nor the new content"
			fi
			left=$(ls -A "$(dirname "$target")" | grep '^\.pmcheck-' | head -n 3)
			[ -n "$left" ] && problem="N=$n: temporary file left behind: $left"
		fi
		[ -n "$problem" ] && break
		n=$((n + stride))
	done
	[ "$n" -gt 20000 ] && problem="still injecting faults after 20000 calls"
	if [ -n "$problem" ]; then
		echo "FAIL $name $kind: $problem"
		fail=$((fail + 1))
	else
		echo "PASS $name $kind: $hits faults injected"
		pass=$((pass + 1))
	fi
}

login=examples/login-hotfix.yaml
start=$(date +%s)

for kind in MALLOC STDOUT; do
	check json "$kind" "" - -f json "$login"
	check markdown "$kind" "" - -f markdown "$login"
	check config-history "$kind" "" - -f text --config examples/.pmcheck.yaml \
		--history examples/history "$login"
	check invalid "$kind" "" - -f gcc invalid.yaml "$login"
	check directory "$kind" "" - -q examples
done
check list-rules MALLOC "" - --config examples/.pmcheck.yaml --list-rules
# Worker threads: an allocation that fails in one of them, or in creating it.
check jobs MALLOC "" - -j 3 -f json examples
for kind in MALLOC WRITE FSYNC RENAME CREATE; do
	check output-force "$kind" out/pm.md old -o out/pm.md --force "$login"
done
for kind in MALLOC WRITE RENAME CREATE; do
	check output-new "$kind" out/new.md new -o out/new.md "$login"
done

echo "($total_runs runs in $(($(date +%s) - start)) s)"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
