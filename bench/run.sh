#!/usr/bin/env bash
# pmcheck's benchmark: speed and memory against the libyaml floor.
#
#   make bench                       (builds everything, then runs this)
#   bash bench/run.sh                (builds what it needs with make first)
#
# Environment (all optional):
#   BUILD          build directory of pmcheck (default build)
#   PMCHECK        the binary under test (default $BUILD/pmcheck)
#   BENCH_BIN      where gen, floor and measure are (default $BUILD/bench)
#   BENCH_DATA     where the corpus goes (default $BUILD/bench-data)
#   BENCH_FILES    corpus size (default 5000)
#   BENCH_SEED     corpus seed (default 42)
#   BENCH_ROUNDS   alternating rounds per comparison (default 11)
#
# Every figure is a median over alternating runs of pmcheck and the floor
# (bench/floor.c: libyaml pulling every event of the same inputs, nothing
# else), measured in the same run and reported as a ratio, because the
# machine's speed drifts more between runs than pmcheck's cost does.
# Targets print "target met" or "target missed"; the exit status is 0
# unless a tool failed (a build, the generator, a crash, a corpus file that
# pmcheck refuses).
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
PMCHECK=${PMCHECK:-$BUILD/pmcheck}
BENCH_BIN=${BENCH_BIN:-$BUILD/bench}
DATA=${BENCH_DATA:-$BUILD/bench-data}
N=${BENCH_FILES:-5000}
SEED=${BENCH_SEED:-42}
ROUNDS=${BENCH_ROUNDS:-11}

die() {
	echo "bench: $*" >&2
	exit 1
}

if [ -z "${BENCH_NO_BUILD:-}" ]; then
	${MAKE:-make} --no-print-directory -s BUILD="$BUILD" bench-tools ||
		die "the build failed"
fi
for tool in "$PMCHECK" "$BENCH_BIN/gen" "$BENCH_BIN/floor" "$BENCH_BIN/measure"; do
	[ -x "$tool" ] || die "$tool is missing; run make bench"
done
GEN=$BENCH_BIN/gen
FLOOR=$BENCH_BIN/floor
MEASURE=$BENCH_BIN/measure

# ---- inputs ----------------------------------------------------------------

corpus=$DATA/corpus
one_dir=$DATA/one
patho=$DATA/pathological
rm -rf "$corpus" "$one_dir" "$patho"
mkdir -p "$DATA" "$patho"
"$GEN" -n "$N" -s "$SEED" -o "$corpus" 2>/dev/null || die "gen failed"
# The single file is not part of the corpus, so that --history compares it
# with 5000 others.
"$GEN" -n 1 -s "$((SEED + 1))" -o "$one_dir" 2>/dev/null || die "gen failed"
one=$one_dir/hf-00001.yaml

# Every generated file must be valid: exit 0 or 1, one JSON line each.
set +e
"$PMCHECK" -f json "$corpus" >"$DATA/corpus.json" 2>"$DATA/corpus.err"
rc=$?
set -e
if [ "$rc" -gt 1 ]; then
	head -5 "$DATA/corpus.err" >&2
	die "pmcheck exits $rc on the generated corpus (expected 0 or 1)"
fi
lines=$(wc -l <"$DATA/corpus.json")
[ "$lines" -eq "$N" ] || die "pmcheck wrote $lines JSON lines for $N files"
"$FLOOR" "$corpus" || die "the floor failed on the corpus"
bytes=$(cat "$corpus"/*.yaml | wc -c)

# Pathological inputs.
head -c 100000 /dev/zero | tr '\0' '[' >"$patho/nested.yaml"
{
	printf 'title: one very long summary\nsummary: |\n'
	awk 'BEGIN { l = "  "; for (i = 0; i < 78; i++) l = l "x";
	             for (i = 0; i < 13300; i++) print l }'
} >"$patho/scalar.yaml"
{
	printf 'title: sixty thousand extension keys\n'
	awk 'BEGIN { for (i = 1; i <= 60000; i++) printf "x-k%05d: 1\n", i }'
} >"$patho/keys.yaml"

# The inputs just written (some 20 MiB) go to disk now, not while the
# kernel's write-back would compete for the CPU with the rounds below.
sync

# ---- measuring ---------------------------------------------------------------

# measure ARGS...: runs bench/measure and keeps its output lines in M1, M2...
declare -a M
measure() {
	local out
	out=$("$MEASURE" "$@") || {
		echo "$out" >&2
		die "measure: a command failed to run or crashed: $*"
	}
	mapfile -t M <<<"$out"
}

# field LINE NAME: the value of NAME=... in a line of measure's output.
field() {
	local w
	for w in $1; do
		case $w in "$2"=*) echo "${w#*=}"; return ;; esac
	done
}

ms() {
	awk -v s="$1" 'BEGIN { v = s * 1000
		if (v < 1) printf(v < 0.1 ? "%.1f us" : "%.0f us", v * 1000)
		else printf(v < 10 ? "%.2f ms" : v < 100 ? "%.1f ms" : "%.0f ms", v) }'
}
mib() { awk -v k="$1" 'BEGIN { printf("%.2f MiB", k / 1024) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf("%.2fx", a / b) }'; }
# le A B LIMIT: "target met" when A / B <= LIMIT.
le() {
	awk -v a="$1" -v b="$2" -v l="$3" \
		'BEGIN { print (a / b <= l ? "target met" : "target missed") }'
}

row() { printf '%-3s %-44s %10s %10s %8s  %-9s %s\n' "$@"; }

# The statuses measure saw must be among the allowed ones (a crash already
# made measure fail).
expect_status() {
	local got=$1 allowed=$2 s
	for s in ${got//,/ }; do
		case ",$allowed," in *",$s,"*) ;; *) return 1 ;; esac
	done
}

cpus=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?')
yamlv=$(pkg-config --modversion yaml-0.1 2>/dev/null || echo '?')
echo "pmcheck benchmark: $("$PMCHECK" --version | head -1), libyaml $yamlv," \
	"$(uname -sr), $cpus CPUs"
echo "corpus: $N generated files, $(mib "$((bytes / 1024))"), seed $SEED ($corpus)"
echo "each figure: median of $ROUNDS alternating rounds, pmcheck and floor in" \
	"turn; ratio = pmcheck / floor"
echo
row "" "case" "pmcheck" "floor" "ratio" "target" "result"

# 1. The batch: all files in one process.
measure -w -r "$ROUNDS" "$PMCHECK" -f json "$corpus" ::: "$FLOOR" "$corpus"
b_pm=$(field "${M[0]}" wall_med) b_fl=$(field "${M[1]}" wall_med)
b_rss=$(field "${M[0]}" rss_med) b_frss=$(field "${M[1]}" rss_med)
expect_status "$(field "${M[0]}" status)" 0,1 || die "pmcheck failed on the corpus"
row 1 "$N files, one process, -f json" "$(ms "$b_pm")" "$(ms "$b_fl")" \
	"$(ratio "$b_pm" "$b_fl")" "<= 1.25x" "$(le "$b_pm" "$b_fl" 1.25)"
row "" "  per file" "$(ms "$(awk -v t="$b_pm" -v n="$N" 'BEGIN { print t / n }')")" \
	"$(ms "$(awk -v t="$b_fl" -v n="$N" 'BEGIN { print t / n }')")" "" "" ""

# 1j. The same batch with -j (one judging thread per CPU), against the same
# single-threaded floor: what a user gets from the machine.
JOBS=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
if [ "$JOBS" -gt 1 ] && "$PMCHECK" --help | grep -q -- '--jobs'; then
	measure -w -r "$ROUNDS" "$PMCHECK" -j "$JOBS" -f json "$corpus" ::: "$FLOOR" "$corpus"
	j_pm=$(field "${M[0]}" wall_med) j_fl=$(field "${M[1]}" wall_med)
	expect_status "$(field "${M[0]}" status)" 0,1 || die "pmcheck -j failed on the corpus"
	row 1j "$N files, one process, -j $JOBS -f json" "$(ms "$j_pm")" "$(ms "$j_fl")" \
		"$(ratio "$j_pm" "$j_fl")" "<= 1.25x" "$(le "$j_pm" "$j_fl" 1.25)"
fi

# 2. One file, the whole process: start-up, one parse, one render, exit.
measure -w -r "$ROUNDS" -n 20 "$PMCHECK" -f json "$one" ::: "$FLOOR" "$one"
o_pm=$(field "${M[0]}" wall_med) o_fl=$(field "${M[1]}" wall_med)
o_rss=$(field "${M[0]}" rss_med) o_frss=$(field "${M[1]}" rss_med)
expect_status "$(field "${M[0]}" status)" 0,1 || die "pmcheck failed on $one"
row 2 "one file, whole process" "$(ms "$o_pm")" "$(ms "$o_fl")" \
	"$(ratio "$o_pm" "$o_fl")" "<= 1.5x" "$(le "$o_pm" "$o_fl" 1.5)"

# 3. Peak RSS (ru_maxrss of the runs above).
row 3a "peak RSS, one file" "$(mib "$o_rss")" "$(mib "$o_frss")" \
	"$(ratio "$o_rss" "$o_frss")" "< 4 MiB" \
	"$(awk -v k="$o_rss" 'BEGIN { print (k < 4096 ? "target met" : "target missed") }')"
row 3b "peak RSS, $N files" "$(mib "$b_rss")" "$(mib "$b_frss")" \
	"$(ratio "$b_rss" "$b_frss")" "" ""
row "" "  $N files / one file" "" "" "$(ratio "$b_rss" "$o_rss")" "<= 1.2x" \
	"$(le "$b_rss" "$o_rss" 1.2)"

# 4. --history over the corpus: pmcheck reads every file of it.
if "$PMCHECK" --help 2>/dev/null | grep -q -- '--history'; then
	measure -w -r "$ROUNDS" "$PMCHECK" -f json --history "$corpus" "$one" \
		::: "$FLOOR" "$corpus"
	h_pm=$(field "${M[0]}" wall_med) h_fl=$(field "${M[1]}" wall_med)
	expect_status "$(field "${M[0]}" status)" 0,1 ||
		die "pmcheck --history failed (status $(field "${M[0]}" status))"
	row 4 "--history of $N files, one input" "$(ms "$h_pm")" "$(ms "$h_fl")" \
		"$(ratio "$h_pm" "$h_fl")" "<= 1.25x" "$(le "$h_pm" "$h_fl" 1.25)"
else
	row 4 "--history of $N files, one input" "" "" "" "<= 1.25x" \
		"skipped (pmcheck has no --history)"
fi

# 5. Pathological inputs, whole process; the target is absolute.  The floor
# is left out for the nested brackets: libyaml alone is quadratic there
# (pmcheck stops it at the depth limit).
patho_row() {
	local id=$1 label=$2 file=$3 allowed=$4
	shift 4
	if [ "${1:-}" = "floor" ]; then
		measure -w -r "$ROUNDS" "$PMCHECK" -f json --max-bytes 2M "$file" \
			::: "$FLOOR" "$file"
	else
		measure -w -r "$ROUNDS" "$PMCHECK" -f json --max-bytes 2M "$file"
	fi
	local t st f r=""
	t=$(field "${M[0]}" wall_med)
	st=$(field "${M[0]}" status)
	f="-"
	if [ "${#M[@]}" -gt 1 ]; then
		f=$(ms "$(field "${M[1]}" wall_med)")
		r=$(ratio "$t" "$(field "${M[1]}" wall_med)")
	fi
	local verdict
	verdict=$(awk -v s="$t" 'BEGIN { print (s < 0.05 ? "target met" : "target missed") }')
	expect_status "$st" "$allowed" || verdict="$verdict; exit $st, expected $allowed"
	row "$id" "$label" "$(ms "$t")" "$f" "$r" "< 50 ms" "$verdict"
}
patho_row 5a "100 000 nested [ (refused: depth)" "$patho/nested.yaml" 3
patho_row 5b "1 MiB scalar (refused: scalar size)" "$patho/scalar.yaml" 3 floor
patho_row 5c "60 000-key mapping (judged)" "$patho/keys.yaml" 0,1 floor

# 6. PyYAML, for scale.
if command -v python3 >/dev/null 2>&1 && python3 -c 'import yaml' 2>/dev/null; then
	loader=$(python3 -c 'import yaml; print("CSafeLoader" if hasattr(yaml, "CSafeLoader") else "SafeLoader")')
	py_rounds=$(( ROUNDS < 3 ? ROUNDS : 3 ))
	measure -r "$py_rounds" python3 bench/score.py "$corpus" ::: "$FLOOR" "$corpus"
	p_py=$(field "${M[0]}" wall_med) p_fl=$(field "${M[1]}" wall_med)
	expect_status "$(field "${M[0]}" status)" 0 || die "bench/score.py failed"
	row 6 "PyYAML $loader, score.py, $N files" "$(ms "$p_py")" "$(ms "$p_fl")" \
		"$(ratio "$p_py" "$p_fl")" "-" \
		"for comparison: $(ratio "$p_py" "$b_pm") pmcheck's time ($py_rounds rounds)"
else
	row 6 "PyYAML score.py" "" "" "" "-" "skipped (no python3 with PyYAML)"
fi
