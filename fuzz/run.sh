#!/bin/sh
# Runs every libFuzzer target for SECONDS, then replays the saved corpus and
# the regression inputs; any crash, sanitizer report, leak, timeout (over 1 s
# for one input) or out-of-memory (over 2 GiB) fails the run.
#
#   fuzz/run.sh SECONDS [TARGET...]      e.g. fuzz/run.sh 60, fuzz/run.sh 300 fuzz_config
#
#   BUILD=build/x      build directory (default build); targets are built with
#                      `make fuzz` into $BUILD/fuzz
#   FUZZ_SAVE=1        afterwards, replace fuzz/corpus/TARGET by a small set
#                      of inputs (old corpus and new finds) that reaches
#                      every edge the seeds do not: -set_cover_merge=1 with
#                      edges only (-use_counters=0), so it stays commit-sized
#   FUZZ_MAX_LEN=N     longest input libFuzzer makes up (default 32768)
#
# Each target starts from a copy of fuzz/corpus/TARGET plus seeds gathered
# afresh from fuzz/seeds/TARGET, examples/ and tests/golden/, so the saved
# corpus changes only with FUZZ_SAVE=1.  A finding is left in the directory the message names;
# copy it into fuzz/crashes/TARGET/ (replayed by every run) once it is fixed.

LC_ALL=C
export LC_ALL

usage() {
	echo "usage: fuzz/run.sh SECONDS [TARGET...]" >&2
	exit 2
}
[ $# -ge 1 ] || usage
secs=$1
shift
case $secs in '' | *[!0-9]*) usage ;; esac

here=$(cd "$(dirname "$0")" && pwd) || exit 2
root=$(dirname "$here")
cd "$root" || exit 2
BUILD=${BUILD:-build}
bindir=$BUILD/fuzz
max_len=${FUZZ_MAX_LEN:-32768}

targets=$*
if [ -z "$targets" ]; then
	for f in fuzz/fuzz_*.c; do
		t=${f##*/}
		targets="$targets ${t%.c}"
	done
fi

make --no-print-directory fuzz BUILD="$BUILD" >/dev/null || {
	echo "fuzz/run.sh: make fuzz failed (clang with libFuzzer missing? try" \
	     "make hardening-deps)" >&2
	exit 2
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pmcheck-fuzz.XXXXXX") || exit 2
keep=
trap '[ -n "$keep" ] || rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# fuzz_history writes its files below TMPDIR; they go when $tmp goes.
TMPDIR=$tmp
export TMPDIR

# Seeds for TARGET into DIR: every input the golden tests and the examples
# hold, in the shape the target reads.
seed() {
	mkdir -p "$2"
	n=0
	for f in "fuzz/seeds/$1"/*; do
		[ -f "$f" ] || continue
		n=$((n + 1))
		cp "$f" "$2/seed-$n"
	done
	case $1 in
	fuzz_config)
		for f in examples/.pmcheck.yaml tests/golden/*/.pmcheck.yaml \
			tests/golden/*/*.pmcheck.yaml tests/golden/*/config*.yaml; do
			[ -f "$f" ] || continue
			n=$((n + 1))
			cp "$f" "$2/seed-$n"
		done
		;;
	fuzz_history)
		# The judged file, then "%%" lines before each history file.
		for f in examples/*.yaml; do
			n=$((n + 1))
			{
				cat "$f"
				for h in examples/history/*.yaml; do
					printf '\n%%%%\n'
					cat "$h"
				done
			} >"$2/seed-$n"
		done
		;;
	*)
		for f in examples/*.yaml examples/history/*.yaml tests/golden/*/*.yaml \
			tests/golden/*/*.yml tests/golden/*/stdin; do
			[ -f "$f" ] || continue
			# Inputs over 64 KiB are there for limits, which
			# tests/hostile.sh checks; they would only slow libFuzzer.
			[ "$(wc -c <"$f")" -le 65536 ] || continue
			n=$((n + 1))
			cp "$f" "$2/seed-$n"
		done
		;;
	esac
}

# libFuzzer's options for finding; replays take the same limits.
limits="-timeout=1 -rss_limit_mb=2048 -malloc_limit_mb=2048"

failed=0
summary=

for t in $targets; do
	bin=$bindir/$t
	if [ ! -x "$bin" ]; then
		echo "FAIL $t: no such target ($bin)"
		failed=1
		continue
	fi
	mkdir -p "$tmp/$t/corpus" "$tmp/$t/artifacts"
	[ -d "fuzz/corpus/$t" ] && cp -R "fuzz/corpus/$t/." "$tmp/$t/corpus/"
	seed "$t" "$tmp/$t/seeds"
	log=$tmp/$t/log
	echo "== $t: fuzzing for $secs s"
	start=$(date +%s)
	# shellcheck disable=SC2086
	"$bin" -max_total_time="$secs" $limits -max_len="$max_len" \
		-dict=fuzz/yaml.dict -print_final_stats=1 \
		-artifact_prefix="$tmp/$t/artifacts/" \
		"$tmp/$t/corpus" "$tmp/$t/seeds" >"$log" 2>&1
	st=$?
	elapsed=$(($(date +%s) - start))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
	found=$(ls "$tmp/$t/artifacts" 2>/dev/null | head -n 1)
	if [ "$st" -ne 0 ] || [ -n "$found" ]; then
		kind=crash
		case $found in
		leak-*) kind="memory leak" ;;
		timeout-*) kind="timeout (one input took over 1 s)" ;;
		oom-*) kind="out of memory (over 2 GiB)" ;;
		slow-unit-*) kind="slow input" ;;
		esac
		echo "FAIL $t: $kind after ${elapsed}s (status $st)"
		grep -E 'ERROR|SUMMARY|promise broken|\*\*\*|#[0-9]+ 0x' "$log" | head -n 30
		if [ -n "$found" ]; then
			keep=1
			echo "    input: $tmp/$t/artifacts/$found"
			echo "    replay: $bin $tmp/$t/artifacts/$found"
			echo "    once fixed: cp $tmp/$t/artifacts/$found fuzz/crashes/$t/"
		else
			tail -n 20 "$log"
		fi
		failed=1
	else
		echo "PASS $t: ${execs:-?} executions in ${elapsed}s, ${cov:-cov: ?}," \
		     "corpus $(ls "$tmp/$t/corpus" | wc -l | tr -d ' ') inputs"
	fi
	summary="$summary $t=${execs:-0}"

	if [ -n "${FUZZ_SAVE:-}" ] && [ "$st" -eq 0 ]; then
		# The seeds are the baseline: only inputs that reach an edge
		# they miss are kept, and the seeds themselves are not saved.
		mkdir -p "$tmp/$t/merged"
		cp "$tmp/$t/seeds/"* "$tmp/$t/merged/" 2>/dev/null
		# shellcheck disable=SC2086
		"$bin" -set_cover_merge=1 -use_counters=0 $limits -max_len="$max_len" \
			"$tmp/$t/merged" "$tmp/$t/corpus" >"$tmp/$t/merge.log" 2>&1 || {
			echo "FAIL $t: merge failed"; tail -n 20 "$tmp/$t/merge.log"
			failed=1
			continue
		}
		rm -f "$tmp/$t/merged/seed-"*
		rm -rf "fuzz/corpus/$t"
		mkdir -p "fuzz/corpus/$t"
		cp "$tmp/$t/merged/"* "fuzz/corpus/$t/" 2>/dev/null
		echo "    saved $(ls "fuzz/corpus/$t" | wc -l | tr -d ' ') inputs in fuzz/corpus/$t"
	fi
done

# Replay: every hand-written seed, saved corpus input and regression input,
# once.
for t in $targets; do
	bin=$bindir/$t
	[ -x "$bin" ] || continue
	set --
	for f in "fuzz/seeds/$t"/* "fuzz/corpus/$t"/* "fuzz/crashes/$t"/*; do
		[ -f "$f" ] && set -- "$@" "$f"
	done
	[ $# -gt 0 ] || continue
	# shellcheck disable=SC2086
	if "$bin" $limits "$@" >"$tmp/$t.replay" 2>&1; then
		echo "PASS $t: replayed $# saved inputs"
	else
		echo "FAIL $t: a saved input fails again:"
		grep -E '^Running:|ERROR|SUMMARY|promise broken|\*\*\*' "$tmp/$t.replay" |
			tail -n 15
		failed=1
	fi
done

echo "executions:$summary"
[ "$failed" -eq 0 ] || echo "fuzzing found problems; see above"
exit "$failed"
