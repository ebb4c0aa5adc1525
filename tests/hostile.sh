#!/bin/sh
# The hostile-input corpus: inputs written in a hurry, pasted from chat,
# truncated, binary, deep, huge or malicious, each run under a time limit.
#
# A case is an input, the exit status it must give and a substring its
# message must hold.  Inputs are the small files in tests/hostile/, inputs
# of the golden tests (tests/golden/*/), and big or special ones generated
# here (deep nesting, 64 MiB files, every control character, binary
# garbage, FIFOs, devices, loops).  Most cases run in up to three roles:
#
#   as the hotfix file judged      expected status and message as given
#   as the --config file           status 2 and the same message
#   inside a --history directory   status 0 (the judged file is fine), the
#                                  message as a warning, "(skipped from the
#                                  history)"
#
# Every run must also finish within HOSTILE_TIMEOUT seconds (default 5),
# never die of a signal, and write no raw escape character to stderr.
# Prints PASS/FAIL with the time each run took, the slowest runs, and ends
# with "N passed, M failed".
#
#   PMCHECK=build/pmcheck sh tests/hostile.sh          every case
#   sh tests/hostile.sh NAME...                        cases whose name
#                                                      starts with NAME

LC_ALL=C
export LC_ALL
unset NO_COLOR PMCHECK_CONFIG
PMCHECK_TODAY=2024-03-01
export PMCHECK_TODAY

here=$(cd "$(dirname "$0")" && pwd) || exit 2
root=$(dirname "$here")
corpus=$here/hostile
golden=$here/golden
PMCHECK=${PMCHECK:-$root/build/pmcheck}
case $PMCHECK in
/*) ;;
*) PMCHECK=$(pwd)/$PMCHECK ;;
esac
if [ ! -x "$PMCHECK" ]; then
	echo "hostile.sh: $PMCHECK is not an executable; run make first" >&2
	exit 2
fi
if ! command -v timeout >/dev/null 2>&1; then
	echo "hostile.sh: timeout(1) is needed to bound each case" >&2
	exit 2
fi
limit=${HOSTILE_TIMEOUT:-5}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pmcheck-hostile.XXXXXX") || exit 2
cleanup() {
	chmod -R u+rwx "$tmp" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
cd "$tmp" || exit 2
cp -R "$root/examples" examples
cp -R "$corpus" in
esc=$(printf '\033')
as=

pass=0
fail=0
skip=0
total_ms=0
: >times

now_ms() {
	# GNU date has %N; elsewhere the time is counted in whole seconds.
	t=$(date +%s%N 2>/dev/null)
	case $t in
	*N) echo $(($(date +%s) * 1000)) ;;
	*) echo $((t / 1000000)) ;;
	esac
}

# Runs of this name are wanted (no names given, or a given prefix).
wanted() {
	[ -z "$only" ] && return 0
	for w in $only; do
		case $1 in "$w"*) return 0 ;; esac
	done
	return 1
}

# run NAME STATUS MESSAGE ARGS...: one timed run of pmcheck.
run() {
	rname=$1 rstatus=$2 rmessage=$3
	shift 3
	wanted "$rname" || return 0
	t0=$(now_ms)
	# $as: empty, or setpriv to run as nobody (unreadable files, below).
	# shellcheck disable=SC2086
	timeout "$limit" $as "$PMCHECK" "$@" <"${stdin:-/dev/null}" >out 2>err
	st=$?
	ms=$(($(now_ms) - t0))
	total_ms=$((total_ms + ms))
	echo "$ms $rname" >>times
	problem=
	if [ "$st" -eq 124 ]; then
		problem="timed out after ${limit}s"
	elif [ "$st" -gt 128 ]; then
		problem="killed by signal $((st - 128)): $(head -c 300 err)"
	elif [ "$st" -ne "$rstatus" ]; then
		problem="status $st, expected $rstatus: $(head -c 300 err)"
	elif [ -n "$rmessage" ] && ! grep -F -q -e "$rmessage" err; then
		problem="stderr lacks \"$rmessage\": $(head -c 300 err)"
	elif grep -q "$esc" err || grep -q "$esc" out; then
		problem="a raw ESC byte was written"
	fi
	if [ -n "$problem" ]; then
		echo "FAIL $rname (${ms} ms): $problem"
		fail=$((fail + 1))
	else
		echo "PASS $rname (${ms} ms)"
		pass=$((pass + 1))
	fi
}

# hostile NAME ROLES STATUS MESSAGE FILE [OPTION...]: FILE as the judged
# input (role h), as --config (c) and inside --history (y).  OPTIONs such as
# --max-bytes go with it in the judged and history roles.
hostile() {
	name=$1 roles=$2 status=$3 message=$4 file=$5
	shift 5
	case $roles in *h*)
		run "$name" "$status" "$message" "$file" "$@" ;;
	esac
	case $roles in *c*)
		run "$name@config" 2 "$message" --config "$file" -q examples/minimal.yaml ;;
	esac
	case $roles in *y*)
		wanted "$name@history" || return 0
		rm -rf hist && mkdir hist && cp "$file" hist/past.yaml
		run "$name@history" 0 "$message" "$@" --history hist -q examples/minimal.yaml
		if [ "$st" -eq 0 ] && ! grep -q '(skipped from the history)$' err; then
			echo "FAIL $name@history: no \"skipped from the history\" warning"
			fail=$((fail + 1))
		fi
		;;
	esac
}

skipped() {
	wanted "$1" || return 0
	echo "SKIP $1: $2"
	skip=$((skip + 1))
}

only=$*
deep='nesting deeper than 64 levels'
utf8='invalid UTF-8 byte'
ctrl='is not allowed in YAML'

# ---- generated inputs ----------------------------------------------------
# awk prints them: one pass, no shell loop over 100 000 items.
gen() {
	awk -v n="$2" "BEGIN { $3 }" >"$1"
}
gen flow-seq-100000.yaml 100000 'printf "title: t\nx-a: "; for (i = 0; i < n; i++) printf "["; print ""'
gen flow-map-100000.yaml 100000 'printf "title: t\nx-a: "; for (i = 0; i < n; i++) printf "{a: "; print ""'
gen flow-mixed-100000.yaml 50000 'printf "title: t\nx-a: "; for (i = 0; i < n; i++) printf "[{a: "; print ""'
gen flow-closed-20000.yaml 20000 'printf "title: t\nx-a: "; for (i = 0; i < n; i++) printf "["; for (i = 0; i < n; i++) printf "]"; print ""'
gen block-seq-10000.yaml 10000 'printf "title: t\nx-a:\n"; for (i = 0; i < n; i++) printf "- "; print "x"'
# 10 000 nested block mappings, one space of indentation each: 50 MB.
gen block-map-10000.yaml 10000 'print "title: t"; s = ""; for (i = 0; i < n; i++) { print s "x-a:"; s = s " " } print s "x: 1"'
gen block-map-65.yaml 65 'print "title: t"; s = ""; for (i = 0; i < n; i++) { print s "x-a:"; s = s " " } print s "x: 1"'
gen block-map-63.yaml 63 'print "title: t"; s = ""; for (i = 0; i < n; i++) { print s "x-a:"; s = s " " } print s "x: 1"'
gen deep-indent-only.yaml 300 'printf "title: t\nsummary: >\n"; s = ""; for (i = 0; i < n; i++) { s = s " "; print s "x" }'
# Size limits: 1 MiB + 1, exactly 1 MiB, 64 MiB + 1, exactly 64 MiB.
big() {
	# A title line, then a comment filling the file to exactly $2 bytes.
	{ printf 'title: Big\n#'; head -c $(($2 - 13)) /dev/zero | tr '\0' x; printf '\n'; } >"$1"
}
big over-1m.yaml 1048577
big at-1m.yaml 1048576
big over-64m.yaml 67108865
big at-64m.yaml 67108864
# Huge scalars, keys and key counts.
gen scalar-plain-1m.yaml 1000000 'printf "title: "; for (i = 0; i < n / 100; i++) printf "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"; print ""'
gen scalar-quoted-1m.yaml 1000000 'printf "title: \""; for (i = 0; i < n / 100; i++) printf "\\\\u202e\\\\x1b[2J\\\\a\\\\e\\\\N\\\\L\\\\P\\\\\\\\ xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"; print "\""'
gen scalar-literal-1m.yaml 100000 'printf "title: t\nsummary: |\n"; for (i = 0; i < n; i++) print "  line"'
gen scalar-at-64k.yaml 65536 'printf "title: t\nsummary: "; for (i = 0; i < n; i++) printf "x"; print ""'
gen scalar-over-64k.yaml 65537 'printf "title: t\nsummary: "; for (i = 0; i < n; i++) printf "x"; print ""'
# libYAML reads a key written the usual way up to 1024 characters; longer
# ones need the explicit "? " form.
gen key-plain-2000.yaml 2000 'printf "title: t\nx-"; for (i = 0; i < n; i++) printf "k"; print ": 1"'
gen key-1m.yaml 1000000 'printf "title: t\n? "; for (i = 0; i < n; i++) printf "k"; print "\n: 1"'
gen key-x-60k.yaml 60000 'printf "title: t\n? x-"; for (i = 0; i < n; i++) printf "k"; print "\n: 1"'
gen keys-x-60000.yaml 60000 'print "title: t"; for (i = 0; i < n; i++) print "x-k" i ": " i'
gen keys-x-60000-nested.yaml 60000 'print "title: t"; print "x-map:"; for (i = 0; i < n; i++) print "  k" i ": " i'
gen keys-x-60000-flow.yaml 60000 'printf "title: t\nx-map: {"; for (i = 0; i < n; i++) printf "k%d: %d, ", i, i; print "}"'
gen keys-x-60000-dup-last.yaml 60000 'print "title: t"; for (i = 0; i < n; i++) print "x-k" i ": " i; print "x-k0: again"'
gen list-100000.yaml 100000 'print "title: t"; print "components:"; for (i = 0; i < n; i++) print "  - c" i'
gen teams-20000.yaml 20000 'print "title: t"; print "teams:"; for (i = 0; i < n; i++) print "  - {name: t" i ", role: responder}"'
gen actions-20000.yaml 20000 'print "title: t"; print "action_items:"; for (i = 0; i < n; i++) print "  - {title: investigate " i ", owner: a, due: 2024-01-01, type: prevent}"'
gen timeline-20000.yaml 20000 'print "title: t"; print "severity: sev1"; print "timeline:"; for (i = 0; i < n; i++) print "  - {at: 2024-01-01T00:00:00Z, event: \"human error @here <b>\"}"'
gen line-1m-error-at-end.yaml 200000 'printf "title: t\nx-a: ["; for (i = 0; i < n; i++) printf "\xc3\xa9, "; print "x]]"'
gen lines-1m.yaml 1000000 'print "title: t"; for (i = 0; i < n; i++) print "#"'
gen separators-20000.yaml 20000 'printf "title: t\nsummary: \""; for (i = 0; i < n; i++) printf "\xe2\x80\xa8"; print "\""'
gen documents-100000.yaml 100000 'print "title: t"; for (i = 0; i < n; i++) print "---"'
# Every C0 control character but tab, newline and carriage return, and DEL.
for c in 1 2 3 4 5 6 7 8 11 12 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 127; do
	awk -v c="$c" 'BEGIN { printf "title: a%cb\n", c }' >"control-$c.yaml"
done
# Every C1 control as a code point (U+0080..U+009F; U+0085 is a YAML line
# break) and as a raw byte (never UTF-8).
for c in 128 129 130 131 132 134 135 136 137 138 139 140 141 142 143 144 145 146 147 148 149 150 151 152 153 154 155 156 157 158 159; do
	awk -v c="$c" 'BEGIN { printf "title: a%c%cb\n", 192 + int(c / 64), 128 + c % 64 }' >"c1-$c.yaml"
	awk -v c="$c" 'BEGIN { printf "title: a%cb\n", c }' >"c1-byte-$c.yaml"
done
# Binary garbage: the start of an executable, and random bytes (fixed seed).
head -c 4096 /bin/true >elf.yaml
awk 'BEGIN { srand(20240301); for (i = 0; i < 65536; i++) printf "%c", int(rand() * 256) }' >random.yaml
awk 'BEGIN { srand(7); for (i = 0; i < 65536; i++) printf "%c", 32 + int(rand() * 95) }' >random-printable.yaml
# Symlink loops, a directory, a file nobody may read.
ln -s loop.yaml loop.yaml
ln -s loop-b.yaml loop-a.yaml
ln -s loop-a.yaml loop-b.yaml
mkdir adir

# ---- the cases -------------------------------------------------------------
# Nesting.
hostile flow-seq-100000 hcy 3 "$deep" flow-seq-100000.yaml
hostile flow-map-100000 hcy 3 "$deep" flow-map-100000.yaml
hostile flow-mixed-100000 hcy 3 "$deep" flow-mixed-100000.yaml
hostile flow-closed-20000 hcy 3 "$deep" flow-closed-20000.yaml
hostile golden-flow-100000 hcy 3 "$deep" "$golden/invalid-flow-nesting-100000/input.yaml"
hostile block-seq-10000 hcy 3 "$deep" block-seq-10000.yaml
hostile block-map-10000 hy 3 "$deep" block-map-10000.yaml --max-bytes 64M
hostile block-map-65 hcy 3 "$deep" block-map-65.yaml
hostile block-map-63 h 0 '' block-map-63.yaml
hostile deep-indent-only h 0 '' deep-indent-only.yaml
# Anchors, aliases, tags, directives, documents.
hostile billion-laughs hcy 3 'anchors (&a) are not allowed' in/billion-laughs.yaml
hostile self-anchor hcy 3 'anchors (&a) are not allowed' in/self-anchor.yaml
hostile alias-only hcy 3 'aliases (*title) are not allowed' in/alias-only.yaml
hostile merge-key hcy 3 'anchors (&base) are not allowed' in/merge-key.yaml
hostile tag-python hcy 3 'tags (tag:yaml.org,2002:python/object:os.system) are not allowed' in/tag-python.yaml
hostile tag-custom hcy 3 'tags (!custom) are not allowed' in/tag-custom.yaml
hostile tag-on-document hcy 3 'tags (tag:yaml.org,2002:map) are not allowed' in/tag-on-document.yaml
hostile tag-directive hcy 3 'tags (tag:evil.example,2024:run) are not allowed' in/tag-directive.yaml
hostile yaml-directive hcy 3 'incompatible YAML document' in/yaml-directive.yaml
hostile two-documents hcy 3 'a second document' in/two-documents.yaml
hostile many-document-markers hcy 3 'a second document' in/many-document-markers.yaml
hostile documents-100000 hcy 3 'a second document' documents-100000.yaml
hostile document-end-then-garbage hcy 3 'invalid YAML' in/document-end-then-garbage.yaml
# Sizes.
hostile over-1m hcy 3 'input is larger than 1048576 bytes' over-1m.yaml
hostile at-1m h 0 '' at-1m.yaml
hostile over-64m hy 3 'input is larger than 67108864 bytes' over-64m.yaml --max-bytes 64M
hostile at-64m h 0 '' at-64m.yaml --max-bytes 64M
hostile scalar-plain-1m hy 3 'longer than the limit of 65536 bytes' scalar-plain-1m.yaml --max-bytes 2M
hostile scalar-quoted-1m hy 3 'longer than the limit of 65536 bytes' scalar-quoted-1m.yaml --max-bytes 2M
hostile scalar-literal-1m hcy 3 'longer than the limit of 65536 bytes' scalar-literal-1m.yaml
hostile scalar-at-64k h 0 '' scalar-at-64k.yaml
hostile scalar-over-64k hcy 3 'scalar of 65537 bytes is longer than the limit of 65536 bytes' scalar-over-64k.yaml
hostile key-plain-2000 hcy 3 'could not find expected' key-plain-2000.yaml
hostile key-1m hy 3 'longer than the limit of 65536 bytes' key-1m.yaml --max-bytes 2M
hostile key-x-60k h 0 '' key-x-60k.yaml
hostile keys-x-60000 h 0 '' keys-x-60000.yaml --max-bytes 2M
hostile keys-x-60000-nested h 0 '' keys-x-60000-nested.yaml --max-bytes 2M
hostile keys-x-60000-flow h 0 '' keys-x-60000-flow.yaml --max-bytes 2M
hostile keys-x-60000-dup-last hy 3 'duplicate key "x-k0" (first given on line 2)' keys-x-60000-dup-last.yaml --max-bytes 2M
hostile list-100000 h 0 '' list-100000.yaml --max-bytes 2M
hostile teams-20000 h 0 '' teams-20000.yaml --max-bytes 2M
hostile actions-20000 h 0 '' actions-20000.yaml --max-bytes 2M
hostile timeline-20000 h 1 '' timeline-20000.yaml --max-bytes 2M
hostile line-1m-error-at-end hy 3 'invalid YAML' line-1m-error-at-end.yaml --max-bytes 2M
hostile lines-1m h 0 '' lines-1m.yaml --max-bytes 3M
hostile separators-20000 h 0 '' separators-20000.yaml
hostile only-newlines hy 3 'the file is empty' in/only-newlines.yaml
hostile empty hy 3 'the file is empty' in/empty.yaml
# Encodings and control characters.
hostile nul hcy 3 'NUL byte at byte offset 8' in/nul.yaml
hostile golden-nul hcy 3 'NUL byte' "$golden/invalid-nul-byte/input.yaml"
hostile nul-escape hcy 3 'a NUL character (\0) is not allowed' in/nul-escape.yaml
for c in 1 2 3 4 5 6 7 8 11 12 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 127; do
	hostile "control-$c" hcy 3 "$(printf 'control character U+%04X %s' "$c" "$ctrl")" "control-$c.yaml"
done
for c in 128 129 130 131 132 134 135 136 137 138 139 140 141 142 143 144 145 146 147 148 149 150 151 152 153 154 155 156 157 158 159; do
	hostile "c1-$c" hcy 3 "$(printf 'control character U+%04X %s' "$c" "$ctrl")" "c1-$c.yaml"
	hostile "c1-byte-$c" hcy 3 "$(printf '%s 0x%02X' "$utf8" "$c")" "c1-byte-$c.yaml"
done
hostile del hcy 3 'control character U+007F' in/del.yaml
hostile c1-nel hcy 3 'invalid YAML' in/c1-code-point-nel.yaml
hostile escaped-controls hy 3 'expected one line' in/escaped-controls-ok.yaml
hostile line-separators hcy 3 'invalid YAML' in/line-separators.yaml
hostile crlf-and-cr hcy 3 'invalid YAML' in/crlf-and-cr.yaml
hostile tab-everywhere hcy 3 'tab' in/tab-everywhere.yaml
hostile utf16le-bom hcy 3 'the file is UTF-16 or UTF-32' in/utf16le-bom.yaml
hostile utf16be-bom hcy 3 'the file is UTF-16 or UTF-32' in/utf16be-bom.yaml
hostile utf32be-bom hcy 3 'the file is UTF-16 or UTF-32' in/utf32be-bom.yaml
hostile utf32le-bom hcy 3 'the file is UTF-16 or UTF-32' in/utf32le-bom.yaml
hostile utf16le-no-bom hcy 3 'is this a binary or UTF-16 file?' in/utf16le-no-bom.yaml
hostile golden-utf16-bom hcy 3 'UTF-16' "$golden/invalid-utf16-bom/input.yaml"
hostile utf8-bom-only hy 3 'the file is empty' in/utf8-bom-only.yaml
hostile utf8-two-boms h 0 '' in/utf8-two-boms.yaml
hostile utf8-overlong-slash hcy 3 "$utf8 0xC0" in/utf8-overlong-slash.yaml
hostile utf8-overlong-3byte hcy 3 "$utf8 0xE0" in/utf8-overlong-3byte.yaml
hostile utf8-overlong-nul hcy 3 "$utf8 0xC0" in/utf8-overlong-nul.yaml
hostile utf8-surrogate-high hcy 3 "$utf8 0xED" in/utf8-surrogate-high.yaml
hostile utf8-surrogate-low hcy 3 "$utf8 0xED" in/utf8-surrogate-low.yaml
hostile utf8-above-10ffff hcy 3 "$utf8 0xF4" in/utf8-above-10ffff.yaml
hostile utf8-f5-byte hcy 3 "$utf8 0xF5" in/utf8-f5-byte.yaml
hostile utf8-ff-byte hcy 3 "$utf8 0xFF" in/utf8-ff-byte.yaml
hostile utf8-lone-continuation hcy 3 "$utf8 0x80" in/utf8-lone-continuation.yaml
hostile utf8-truncated-at-eof hcy 3 "$utf8 0xE2" in/utf8-truncated-at-eof.yaml
hostile latin1 hcy 3 "$utf8 0xE9 at byte offset 10" in/latin1.yaml
hostile elf hcy 3 'control character U+007F' elf.yaml
hostile random hcy 3 '' random.yaml
hostile random-printable hcy 3 '' random-printable.yaml
# Values at and past their limits.
hostile int-max hy 3 'expected an integer from 0 to' in/int-max.yaml
hostile int-past-max hy 3 'expected an integer from 0 to' in/int-past-max.yaml
hostile int-negative hy 3 'expected an integer from 0 to' in/int-negative.yaml
hostile int-exponent hy 3 'expected an integer, got "1e3"' in/int-exponent.yaml
hostile int-hex hy 3 'expected an integer, got "0x10"' in/int-hex.yaml
hostile int-huge-digits hy 3 'expected an integer from 0 to' in/int-huge-digits.yaml
hostile number-huge-exponent hy 3 'expected a number' in/number-huge-exponent.yaml
hostile number-denormal h 0 '' in/number-denormal.yaml
hostile date-feb-30 hy 3 'no such date, got "2024-02-30"' in/date-feb-30.yaml
hostile date-2023-feb-29 hy 3 'no such date, got "2023-02-29"' in/date-2023-feb-29.yaml
hostile time-24h hy 3 'no such time of day' in/time-24h.yaml
hostile time-leap-second hy 3 'no such time of day' in/time-leap-second.yaml
hostile date-month-13 hy 3 'no such date, got "2024-13-01"' in/date-month-13.yaml
hostile date-year-0000 h 0 '' in/date-year-0000.yaml
hostile date-year-9999 h 0 '' in/date-year-9999.yaml
hostile time-long-fraction h 0 '' in/time-long-fraction.yaml
# Keys.
hostile key-is-list hcy 3 'a key must be a word or a quoted string, not a list' in/key-is-list.yaml
hostile key-is-map hcy 3 'not a mapping' in/key-is-map.yaml
hostile complex-key-marker h 0 '' in/complex-key-marker.yaml
hostile null-key hcy 3 'invalid YAML' in/null-key.yaml
hostile duplicate-x-keys hcy 3 'duplicate key "x-a"' in/duplicate-x-keys.yaml
# Things that are not regular files.
hostile directory c 2 'Is a directory' adir
run directory-input 0 'no *.yaml or *.yml files found' adir
run dev-zero 3 'input is larger than 1048576 bytes' /dev/zero
run dev-zero@config 2 'input is larger than 1048576 bytes, the limit for a configuration file' --config /dev/zero -q examples/minimal.yaml
run dev-null 3 'the file is empty' /dev/null
run dev-null@config 0 '' --config /dev/null -q examples/minimal.yaml
stdin=/dev/zero
run stdin-dev-zero 3 'input is larger than 1024 bytes' --max-bytes 1K -
stdin=random.yaml
run stdin-garbage 3 '' -
stdin=
run symlink-loop 3 'cannot open' loop.yaml
run symlink-loop-pair 3 'cannot open' loop-a.yaml
run symlink-loop@config 2 'cannot open' --config loop.yaml -q examples/minimal.yaml
rm -rf hist && mkdir hist && ln -s ../loop.yaml hist/loop.yaml && ln -s /dev/zero hist/zero.yaml &&
	ln -s .. hist/up && ln -s . hist/self
run symlink-loops@history 0 '' --history hist -q examples/minimal.yaml
if command -v mkfifo >/dev/null 2>&1; then
	mkfifo fifo.yaml
	# Named on the command line, a FIFO is read like standard input
	# (--config <(generate-policy) works); the writer here is bounded too.
	(timeout "$limit" sh -c 'cat random.yaml >fifo.yaml' &)
	run fifo-garbage@config 2 '' --config fifo.yaml -q examples/minimal.yaml
	rm -rf hist && mkdir hist && mkfifo hist/fifo.yaml
	run fifo@history 0 '' --history hist -q examples/minimal.yaml
	(timeout "$limit" sh -c 'cat random.yaml >fifo.yaml' &)
	run fifo-garbage 3 '' fifo.yaml
else
	skipped fifo "no mkfifo"
fi
# Files nobody may read.  Root reads anything: then the cases run as nobody
# through setpriv(1), when it is there.
as=
if [ "$(id -u)" -eq 0 ]; then
	if command -v setpriv >/dev/null 2>&1 &&
		setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$PMCHECK" 2>/dev/null; then
		as="setpriv --reuid=65534 --regid=65534 --clear-groups"
		chmod 755 "$tmp"
		chmod -R a+rX "$tmp"
	else
		as=skip
	fi
fi
if [ "$as" = skip ]; then
	skipped unreadable "running as root without setpriv(1) to drop privileges"
else
	cp examples/minimal.yaml secret.yaml && chmod 000 secret.yaml
	run unreadable 3 'cannot open: Permission denied' secret.yaml
	run unreadable@config 2 'cannot open: Permission denied' --config secret.yaml -q examples/minimal.yaml
	rm -rf hist && mkdir hist && cp examples/minimal.yaml hist/secret.yaml && chmod 000 hist/secret.yaml
	run unreadable@history 0 'cannot open: Permission denied' --history hist -q examples/minimal.yaml
	mkdir -p closed/inner && cp examples/minimal.yaml closed/inner/a.yaml && chmod 000 closed
	run unreadable-dir 3 'cannot open: Permission denied' closed
	chmod 755 closed
fi
as=

# ---- summary -----------------------------------------------------------------
echo "slowest runs (ms):"
sort -rn times | head -n 5 | sed 's/^/    /'
echo "total $(wc -l <times | tr -d ' ') runs in ${total_ms} ms"
[ "$skip" -gt 0 ] && echo "($skip skipped)"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
