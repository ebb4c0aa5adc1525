#!/bin/sh
# CLI behaviour that a golden case cannot express: full disks, closed pipes,
# unreadable files, FIFOs, endless inputs, symlink loops, terminals.
#
#   PMCHECK=build/pmcheck sh tests/cli_misc.sh
#
# Prints PASS/FAIL/SKIP per check and ends with "N passed, M failed";
# exits 1 when any check failed.  Every run of pmcheck is under a time
# limit, so a hang shows up as a failure, not as a stuck suite.

suite=misc
. "$(dirname "$0")/lib.sh"

# Number of lines in a file.
lines() {
	wc -l <"$1" | tr -d ' '
}

# ---- a full disk: exit 4 and one message --------------------------------
name=dev-full-status-4
if [ -w /dev/full ]; then
	pm examples/login-hotfix.yaml >/dev/full 2>err
	if [ "$st" -ne 4 ]; then
		ko $name "status $st, expected 4"
	elif [ "$(lines err)" -ne 1 ] ||
		! grep -q '^pmcheck: cannot write output: ' err; then
		ko $name "stderr is not one 'pmcheck: cannot write output: ...' line: $(cat err)"
	else
		ok $name
	fi
	# Many inputs: still one message, and pmcheck stops at the first failure.
	name=dev-full-many-inputs
	pm -f json examples examples examples >/dev/full 2>err
	if [ "$st" -ne 4 ] || [ "$(lines err)" -ne 1 ]; then
		ko $name "status $st, $(lines err) stderr lines, expected 4 and 1"
	else
		ok $name
	fi
else
	skipped $name "no writable /dev/full on this system"
fi

# ---- stdout closed: exit 4, never a crash ---------------------------------
name=stdout-closed
pm -q examples/minimal.yaml >&- 2>err
if [ "$st" -ne 4 ]; then
	ko $name "status $st, expected 4 (stderr: $(cat err))"
elif [ "$(lines err)" -ne 1 ] || ! grep -q '^pmcheck: cannot write output: ' err; then
	ko $name "stderr is not one 'cannot write output' line: $(cat err)"
else
	ok $name
fi

# ---- a closed pipe ends the run quietly -----------------------------------
name=closed-pipe-quiet
mkdir many
i=0
while [ $i -lt 300 ]; do
	cp examples/login-hotfix.yaml "many/copy-$i.yaml"
	i=$((i + 1))
done
{
	timeout 10 "$PMCHECK" -f json many 2>err
	echo $? >status
} | head -c 10 >head.out
st=$(cat status)
if [ "$st" -eq 124 ]; then
	ko $name "timed out after the reader went away"
elif [ -s err ]; then
	ko $name "stderr not empty (status $st): $(head -n 3 err)"
elif [ "$(wc -c <head.out | tr -d ' ')" -ne 10 ]; then
	ko $name "head did not get 10 bytes"
elif [ "$st" -gt 128 ]; then
	ko $name "killed by signal $((st - 128))"
else
	ok $name
fi

# The same with the text format, whose inputs are written one by one.
name=closed-pipe-quiet-text
{
	timeout 10 "$PMCHECK" -f text --fail-on never many 2>err
	echo $? >status
} | head -n 1 >/dev/null
st=$(cat status)
if [ "$st" -eq 124 ] || [ "$st" -gt 128 ] || [ -s err ]; then
	ko $name "status $st, stderr: $(head -n 3 err)"
else
	ok $name
fi

# ---- an unreadable file ---------------------------------------------------
name=unreadable-file
if [ "$(id -u)" -eq 0 ]; then
	skipped $name "running as root, which reads any file"
else
	cp examples/minimal.yaml secret.yaml
	chmod 000 secret.yaml
	pm -q secret.yaml examples/minimal.yaml >out 2>err
	if [ "$st" -ne 3 ]; then
		ko $name "status $st, expected 3"
	elif ! grep -q '^secret.yaml: error: cannot open: ' err; then
		ko $name "unexpected stderr: $(cat err)"
	elif ! grep -q '^examples/minimal.yaml: optional' out; then
		ko $name "the readable input was not judged: $(cat out)"
	else
		ok $name
	fi
	chmod 600 secret.yaml
fi

# ---- a FIFO named *.yaml inside a directory is skipped, not waited on ------
name=dir-with-fifo
if command -v mkfifo >/dev/null 2>&1; then
	mkdir fifodir
	cp examples/minimal.yaml fifodir/a.yaml
	mkfifo fifodir/x.yaml
	timeout 5 "$PMCHECK" -q fifodir >out 2>err
	st=$?
	if [ "$st" -eq 124 ]; then
		ko $name "hung on the FIFO"
	elif [ "$st" -ne 0 ]; then
		ko $name "status $st, expected 0 (stderr: $(cat err))"
	elif [ "$(cat out)" != "fifodir/a.yaml: optional (none)" ]; then
		ko $name "unexpected output: $(cat out)"
	else
		ok $name
	fi
else
	skipped $name "no mkfifo"
fi

# ---- an endless input stops at --max-bytes --------------------------------
name=dev-zero-max-bytes
timeout 5 "$PMCHECK" --max-bytes 1K /dev/zero >out 2>err
st=$?
if [ "$st" -eq 124 ]; then
	ko $name "did not stop reading /dev/zero"
elif [ "$st" -ne 3 ]; then
	ko $name "status $st, expected 3"
elif ! grep -q '^/dev/zero: error: input is larger than 1024 bytes' err; then
	ko $name "unexpected stderr: $(cat err)"
else
	ok $name
fi

# The same limit applies to standard input.
name=stdin-endless-max-bytes
timeout 5 "$PMCHECK" --max-bytes 1K - </dev/zero >out 2>err
st=$?
if [ "$st" -eq 124 ] || [ "$st" -ne 3 ]; then
	ko $name "status $st, expected 3"
else
	ok $name
fi

# ---- symbolic link loops in a directory walk -------------------------------
name=symlink-loop-dir
mkdir loopdir loopdir/sub
cp examples/minimal.yaml loopdir/sub/a.yaml
ln -s .. loopdir/sub/up
ln -s . loopdir/self
ln -s loop.yaml loopdir/loop.yaml
timeout 5 "$PMCHECK" -q loopdir >out 2>err
st=$?
if [ "$st" -eq 124 ]; then
	ko $name "hung on a symlink loop"
elif [ "$st" -ne 0 ]; then
	ko $name "status $st, expected 0 (stderr: $(cat err))"
elif [ "$(cat out)" != "loopdir/sub/a.yaml: optional (none)" ]; then
	ko $name "unexpected output: $(cat out)"
else
	ok $name
fi

# ---- a terminal on standard input ------------------------------------------
# script(1) from util-linux gives the command a pseudo-terminal.  Its output
# goes through the terminal, so line ends may come back as CR LF.
if command -v script >/dev/null 2>&1 &&
	script -qec true /dev/null </dev/null >/dev/null 2>&1; then
	name=no-args-stdin-terminal
	timeout 10 script -qec "'$PMCHECK'; echo status=\$?" /dev/null </dev/null >out 2>&1
	tr -d '\r' <out >out.txt
	if ! grep -q '^pmcheck: no input' out.txt; then
		ko $name "no usage error: $(cat out.txt)"
	elif ! grep -q "^Try 'pmcheck --help'.\$" out.txt; then
		ko $name "no help hint: $(cat out.txt)"
	elif ! grep -q '^status=2$' out.txt; then
		ko $name "status is not 2: $(cat out.txt)"
	else
		ok $name
	fi

	# --color auto colours a terminal, unless TERM=dumb or NO_COLOR is set.
	esc=$(printf '\033')
	name=color-auto-terminal
	TERM=xterm timeout 10 script -qec "'$PMCHECK' -f text --fail-on never examples/login-hotfix.yaml" /dev/null </dev/null >out 2>&1
	if grep -q "$esc\\[" out; then
		ok $name
	else
		ko $name "no colour on a terminal with --color auto"
	fi
	name=color-auto-no-color
	NO_COLOR=1 TERM=xterm timeout 10 script -qec "'$PMCHECK' -f text --fail-on never examples/login-hotfix.yaml" /dev/null </dev/null >out 2>&1
	if grep -q "$esc\\[" out; then
		ko $name "colour despite NO_COLOR=1"
	else
		ok $name
	fi
	name=color-auto-empty-no-color
	NO_COLOR= TERM=xterm timeout 10 script -qec "'$PMCHECK' -f text --fail-on never examples/login-hotfix.yaml" /dev/null </dev/null >out 2>&1
	if grep -q "$esc\\[" out; then
		ok $name
	else
		ko $name "an empty NO_COLOR must not turn colour off"
	fi
	name=color-auto-term-dumb
	TERM=dumb timeout 10 script -qec "'$PMCHECK' -f text --fail-on never examples/login-hotfix.yaml" /dev/null </dev/null >out 2>&1
	if grep -q "$esc\\[" out; then
		ko $name "colour despite TERM=dumb"
	else
		ok $name
	fi
else
	skipped no-args-stdin-terminal "script(1) from util-linux is not available"
	skipped color-auto-terminal "script(1) from util-linux is not available"
fi

# --color auto never colours a pipe or a file.
name=color-auto-pipe
TERM=xterm pm -f text --fail-on never examples/login-hotfix.yaml >out 2>err
if grep -q "$(printf '\033')" out; then
	ko $name "colour written to a file"
else
	ok $name
fi

# ---- a FIFO given by name is read like a file -------------------------------
name=fifo-argument
if command -v mkfifo >/dev/null 2>&1; then
	mkfifo pipe.yaml
	# The writer is bounded too: opening a FIFO blocks until a reader comes.
	timeout 5 sh -c 'cat examples/trivial.yaml >pipe.yaml' &
	writer=$!
	timeout 5 "$PMCHECK" -q pipe.yaml >out 2>err
	st=$?
	wait "$writer"
	if [ "$st" -ne 0 ] || [ "$(cat out)" != "pipe.yaml: optional (none)" ]; then
		ko $name "status $st, output: $(cat out) $(cat err)"
	else
		ok $name
	fi
else
	skipped $name "no mkfifo"
fi

# ---- a bad PMCHECK_TODAY is a usage error ----------------------------------
name=bad-pmcheck-today
PMCHECK_TODAY=2024-13-01 pm -q examples/minimal.yaml >out 2>err
if [ "$st" -ne 2 ] || [ -s out ] || [ "$(lines err)" -ne 2 ]; then
	ko $name "status $st, expected 2 with two stderr lines: $(cat err)"
else
	ok $name
fi

# ---- -j keeps the output of -j 1, byte for byte, in every format --------
name=jobs-same-output
printf 'title: [\n' >broken.yaml
same=yes
for fmt in markdown text json gcc github slack; do
	for j in 2 5; do
		pm -f "$fmt" examples examples/minimal.yaml broken.yaml none.yaml examples \
			>out1 2>err1
		st1=$st
		pm -j "$j" -f "$fmt" examples examples/minimal.yaml broken.yaml none.yaml \
			examples >outj 2>errj
		if [ "$st" -ne "$st1" ] || ! cmp -s out1 outj || ! cmp -s err1 errj; then
			same="no: -f $fmt -j $j (status $st1 vs $st)"
		fi
	done
done
if [ "$same" = yes ]; then ok $name; else ko $name "$same"; fi

# ---- -j on a closed pipe ends quietly ---------------------------------------
name=jobs-closed-pipe
set -- examples examples examples examples examples examples examples examples
set -- "$@" "$@" "$@" "$@"
( "$PMCHECK" -j 2 "$@" 2>err; echo $? >status ) | head -c 10 >/dev/null
set --
if [ "$(cat status)" -ne 4 ] || [ -s err ]; then
	ko $name "status $(cat status), stderr: $(cat err)"
else
	ok $name
fi

# ---- a directory walk that fails partway ------------------------------------
# Files before the failing subdirectory are judged in order, its error comes
# in its place, the walk of that argument ends there, and the status is 3;
# the next argument is judged all the same.
name=walk-fails-partway
mkdir -p walkfail
cp examples/minimal.yaml walkfail/a.yaml
cp examples/minimal.yaml walkfail/z.yaml
deep=walkfail/deep
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 \
	27 28 29 30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 \
	51 52 53 54 55 56 57 58 59 60 61 62 63 64 65 66; do
	deep=$deep/n
done
mkdir -p "$deep"
cp examples/minimal.yaml "$deep/x.yaml"
pm -q walkfail examples/minimal.yaml >out 2>err
if [ "$st" -ne 3 ]; then
	ko $name "status $st, expected 3"
elif [ "$(cat out)" != "walkfail/a.yaml: optional (none)
examples/minimal.yaml: optional (none)" ]; then
	ko $name "unexpected output: $(cat out)"
elif ! grep -q 'directories nested too deeply' err || [ "$(lines err)" -ne 1 ]; then
	ko $name "unexpected stderr: $(cat err)"
else
	ok $name
fi
rm -rf walkfail

finish
