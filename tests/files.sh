#!/bin/sh
# File safety of -o under attack and accident, beyond tests/cli_output.sh
# (which covers the plain cases, full disks, read-only directories and
# pmcheck racing pmcheck):
#
#  - a file that appears at the target while pmcheck writes (another
#    program racing it) is never replaced without --force;
#  - --force is atomic even when pmcheck is killed (SIGKILL) at any moment:
#    the target holds the old or the new complete output, nothing else; the
#    temporary files such a kill can leave behind are counted and must carry
#    pmcheck's recognisable name;
#  - directories, links to directories, dangling links, FIFOs and devices as
#    -o targets behave as include/pm_io.h documents;
#  - a full disk (/dev/full) and a closed pipe on stdout, in every format:
#    status 4 with one clear message, and a quiet end for the pipe.
#
#   PMCHECK=build/pmcheck sh tests/files.sh
#   FILES_KILLS=200 ... sh tests/files.sh          more kill rounds (default 40)
#
# Prints PASS/FAIL/SKIP per check and ends with "N passed, M failed".

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
	echo "files.sh: $PMCHECK is not an executable; run make first" >&2
	exit 2
fi
if ! command -v timeout >/dev/null 2>&1; then
	echo "files.sh: timeout(1) is needed to bound each check" >&2
	exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pmcheck-files.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
cd "$tmp" || exit 2
cp -R "$root/examples" examples
rm -f examples/.pmcheck.yaml

pass=0
fail=0
skip=0
ok() { echo "PASS $1"; pass=$((pass + 1)); }
ko() { echo "FAIL $1: $2"; fail=$((fail + 1)); }
skipped() { echo "SKIP $1: $2"; skip=$((skip + 1)); }

pm() {
	timeout 20 "$PMCHECK" "$@"
	st=$?
}

# Temporary files pmcheck left in directory $1.
temps() {
	ls -A "$1" | grep '^\.pmcheck-' | wc -l | tr -d ' '
}

# Many inputs make the output big (about 8 MB as Markdown), so writing it
# takes long enough to be raced and interrupted.
mkdir many
i=0
while [ $i -lt 800 ]; do
	cp examples/login-hotfix.yaml "many/hf-$i.yaml"
	i=$((i + 1))
done
pm --fail-on never many >new.md
[ "$st" -eq 0 ] || { echo "files.sh: cannot render the big output" >&2; exit 2; }
pm -f text --fail-on never examples/minimal.yaml >old.txt

# ---- a file appears while pmcheck writes ------------------------------------
# Another program creates the target (with O_EXCL, as "set -C" does) at a
# random moment of the run.  Either pmcheck's rename came first (status 0,
# the file is pmcheck's and the other program failed), or the file was
# there first (status 4, "already exists", the file is the other's).
name=race-appearing-file
mkdir race
bad=
won=0
lost=0
i=0
while [ $i -lt 30 ]; do
	rm -f race/pm.md
	delay=$(awk -v s="$i" 'BEGIN { srand(s); printf "%.3f", rand() * 0.4 }')
	(sleep "$delay"; set -C; printf 'theirs\n' >race/pm.md) 2>/dev/null &
	racer=$!
	pm --fail-on never -o race/pm.md many 2>err
	wait $racer
	if [ "$st" -eq 0 ]; then
		won=$((won + 1))
		cmp -s race/pm.md new.md || bad="round $i: status 0 but the file is not pmcheck's output"
	elif [ "$st" -eq 4 ]; then
		lost=$((lost + 1))
		if [ "$(cat race/pm.md)" != theirs ]; then
			bad="round $i: status 4 but the other program's file was replaced"
		elif ! grep -q 'race/pm.md already exists; use --force to replace it' err; then
			bad="round $i: unexpected message: $(cat err)"
		fi
	else
		bad="round $i: status $st: $(cat err)"
	fi
	[ "$(temps race)" -eq 0 ] || bad="round $i: a temporary file was left"
	[ -n "$bad" ] && break
	i=$((i + 1))
done
if [ -n "$bad" ]; then
	ko $name "$bad"
else
	ok "$name ($won won by pmcheck, $lost by the other program)"
fi

# The same with a symbolic link appearing, pointing at a file pmcheck must
# never write through.
name=race-appearing-symlink
printf 'victim\n' >victim.txt
bad=
i=0
while [ $i -lt 20 ]; do
	rm -f race/pm.md
	delay=$(awk -v s="$i" 'BEGIN { srand(s + 100); printf "%.3f", rand() * 0.4 }')
	(sleep "$delay"; ln -s ../victim.txt race/pm.md) 2>/dev/null &
	racer=$!
	pm --fail-on never -o race/pm.md many 2>err
	wait $racer
	if [ "$(cat victim.txt)" != victim ]; then
		bad="round $i: the file behind the link was written"
	elif [ "$st" -eq 0 ] && { [ -L race/pm.md ] || ! cmp -s race/pm.md new.md; }; then
		bad="round $i: status 0 but the target is not pmcheck's file"
	elif [ "$st" -eq 4 ] && [ ! -L race/pm.md ]; then
		bad="round $i: status 4 but the link is gone"
	elif [ "$st" -ne 0 ] && [ "$st" -ne 4 ]; then
		bad="round $i: status $st"
	fi
	[ -n "$bad" ] && break
	i=$((i + 1))
done
if [ -n "$bad" ]; then ko $name "$bad"; else ok $name; fi

# ---- --force killed at any moment ---------------------------------------------
# The target holds an older output; pmcheck is killed with SIGKILL at a
# random moment while it judges 800 files and writes some 8 MB.  After every
# kill the target is the old file or the new one, whole.  A kill between
# creating the temporary file and renaming it leaves that file behind
# (pm_io.h says so): they are counted, must have pmcheck's name pattern, and
# are removed before the next round.
name=force-killed-atomic
mkdir kill
# How long one run takes, in ms (whole seconds where date has no %N).
now_ms() {
	t=$(date +%s%N)
	case $t in *N) echo $(($(date +%s) * 1000)) ;; *) echo $((t / 1000000)) ;; esac
}
start=$(now_ms)
pm --fail-on never --force -o kill/pm.md many
cost=$(($(now_ms) - start + 50))
rounds=${FILES_KILLS:-40}
bad=
olds=0
news=0
left=0
i=0
while [ $i -lt "$rounds" ]; do
	cp old.txt kill/pm.md
	delay=$(awk -v s="$i" -v c="$cost" 'BEGIN { srand(s + 1000); printf "%.3f", rand() * c / 1000 }')
	"$PMCHECK" --fail-on never --force -o kill/pm.md many 2>/dev/null &
	victim=$!
	sleep "$delay"
	kill -KILL $victim 2>/dev/null
	wait $victim 2>/dev/null
	if cmp -s kill/pm.md old.txt; then
		olds=$((olds + 1))
	elif cmp -s kill/pm.md new.md; then
		news=$((news + 1))
	else
		bad="round $i (kill after ${delay}s): the target is neither the old nor the new output ($(wc -c <kill/pm.md) bytes)"
		break
	fi
	for f in $(ls -A kill | grep -v '^pm.md$'); do
		case $f in
		.pmcheck-??????????.tmp) left=$((left + 1)); rm -f "kill/$f" ;;
		*) bad="round $i: unexpected file kill/$f"; break 2 ;;
		esac
	done
	i=$((i + 1))
done
if [ -n "$bad" ]; then
	ko $name "$bad"
else
	ok "$name ($rounds kills: old file $olds times, new file $news times; $left temporary files left by a kill)"
fi

# ---- targets that are not regular files (include/pm_io.h) --------------------
# check NAME STATUS MESSAGE ARGS...: status and a line of stderr.
check() {
	cname=$1 cstatus=$2 cmessage=$3
	shift 3
	pm "$@" examples/minimal.yaml >out 2>err
	if [ "$st" -ne "$cstatus" ]; then
		ko "$cname" "status $st, expected $cstatus: $(cat err)"
	elif [ -n "$cmessage" ] && ! grep -F -q -e "$cmessage" err; then
		ko "$cname" "stderr lacks \"$cmessage\": $(cat err)"
	else
		ok "$cname"
	fi
}
mkdir targets targets/dir
check dir-force 4 'targets/dir is a directory' --force -o targets/dir
check dir-trailing-slash 4 'targets/dir/ is a directory' -o targets/dir/
check dot 4 '. is a directory' --force -o .
check dotdot 4 'a file name cannot end with' --force -o targets/nowhere/..
ln -s dir targets/dirlink
check link-to-dir 4 'is a symbolic link to a directory' -o targets/dirlink
check link-to-dir-force 4 'is a symbolic link to a directory' --force -o targets/dirlink
ln -s missing.md targets/dangling
check dangling-link 4 'already exists (a symbolic link); use --force' -o targets/dangling
check dangling-link-force 0 '' --force -o targets/dangling
name=dangling-link-force-result
if [ -f targets/dangling ] && [ ! -L targets/dangling ] && [ ! -e targets/missing.md ]; then
	ok $name
else
	ko $name "the link was not replaced by a file, or its target was created"
fi
if command -v mkfifo >/dev/null 2>&1; then
	mkfifo targets/fifo
	check fifo 4 'is a device, pipe or socket' -o targets/fifo
	check fifo-force 4 'is a device, pipe or socket, not a regular file' --force -o targets/fifo
	ln -s fifo targets/fifolink
	check link-to-fifo-force 4 'not to a regular file; refusing to replace it' --force -o targets/fifolink
else
	skipped fifo "no mkfifo"
fi
check dev-full-target 4 'is a device, pipe or socket' -o /dev/full
check dev-full-target-force 4 'not a regular file' --force -o /dev/full
check missing-dir 4 'directory targets/none does not exist' -o targets/none/pm.md
check file-as-dir 4 'is not a directory' -o old.txt/pm.md
name=no-temporary-files-left
if [ "$(temps targets)" -eq 0 ] && [ "$(temps targets/dir)" -eq 0 ] && [ "$(temps .)" -eq 0 ]; then
	ok $name
else
	ko $name "temporary files left: $(ls -A targets . | grep '^\.pmcheck-')"
fi

# ---- standard output that cannot take the output --------------------------------
for fmt in markdown text json gcc github slack quiet; do
	if [ $fmt = quiet ]; then set -- -q; else set -- -f $fmt; fi
	name=dev-full-$fmt
	if [ -w /dev/full ]; then
		pm "$@" examples/login-hotfix.yaml examples/minimal.yaml >/dev/full 2>err
		if [ "$st" -ne 4 ]; then
			ko $name "status $st, expected 4"
		elif [ "$(wc -l <err | tr -d ' ')" -ne 1 ] ||
			! grep -q '^pmcheck: cannot write output: No space left on device$' err; then
			ko $name "stderr is not one clear line: $(cat err)"
		else
			ok $name
		fi
	else
		skipped $name "no writable /dev/full"
	fi
	# A reader that goes away: no message, no death by SIGPIPE.
	name=closed-pipe-$fmt
	{
		timeout 20 "$PMCHECK" "$@" --fail-on never many 2>err
		echo $? >status
	} | head -c 100 >/dev/null
	st=$(cat status)
	if [ "$st" -ge 124 ]; then
		ko $name "status $st (a signal or a timeout)"
	elif [ -s err ]; then
		ko $name "stderr not empty: $(head -c 200 err)"
	else
		ok $name
	fi
done

[ "$skip" -gt 0 ] && echo "($skip skipped)"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
