#!/bin/sh
# CLI behaviour of -o FILE, --force and --init that a golden case cannot
# express: what ends up in the file, its mode, that no temporary file is
# left behind, full disks, read-only directories, concurrent writers and
# readers.
#
#   PMCHECK=build/pmcheck sh tests/cli_output.sh
#
# Prints PASS/FAIL/SKIP per check and ends with "N passed, M failed";
# exits 1 when any check failed.  Every run of pmcheck is under a time
# limit, so a hang shows up as a failure, not as a stuck suite.

suite=output
. "$(dirname "$0")/lib.sh"
umask 022

# Every name in directory $1, hidden ones included, on one line.
listing() {
	ls -A "$1" | tr '\n' ' ' | sed 's/ $//'
}

# Permission bits of $1 in octal, e.g. 644.
mode() {
	stat -c %a "$1" 2>/dev/null || stat -f %Lp "$1"
}

# What each run prints to stdout without -o, to compare files with.
pm -f text --fail-on never examples/login-hotfix.yaml >login.txt 2>/dev/null
pm -f json --fail-on never examples/login-hotfix.yaml >login.json 2>/dev/null
pm examples/login-hotfix.yaml >login.md 2>/dev/null
login_status=$st

# ---- -o writes exactly what stdout would get ------------------------------
name=new-file-content-mode
mkdir new
pm -o new/pm.md examples/login-hotfix.yaml >out 2>err
if [ "$st" -ne "$login_status" ]; then
	ko $name "status $st, expected $login_status as without -o"
elif [ -s out ] || [ -s err ]; then
	ko $name "something on stdout or stderr: $(head -n 3 out err)"
elif ! cmp -s new/pm.md login.md; then
	ko $name "file differs from what stdout gets"
elif [ "$(mode new/pm.md)" != 644 ]; then
	ko $name "mode $(mode new/pm.md), expected 644 under umask 022"
elif [ "$(listing new)" != "pm.md" ]; then
	ko $name "directory holds: $(listing new)"
else
	ok $name
fi

# Several inputs in one file, like stdout: JSON Lines, one per input.
name=new-file-several-inputs
pm -f json --fail-on never examples >many.json 2>/dev/null
pm -f json --fail-on never -o new/many.json examples >out 2>err
if [ "$st" -ne 0 ] || ! cmp -s new/many.json many.json; then
	ko $name "status $st, or the file differs from stdout"
elif [ "$(listing new)" != "many.json pm.md" ]; then
	ko $name "directory holds: $(listing new)"
else
	ok $name
fi

# ---- an existing file is refused, untouched --------------------------------
name=existing-refused
mkdir exist
printf 'a draft someone is editing\n' >exist/pm.md
cp exist/pm.md before.md
pm -o exist/pm.md examples/login-hotfix.yaml >out 2>err
if [ "$st" -ne 4 ]; then
	ko $name "status $st, expected 4"
elif [ "$(cat err)" != "pmcheck: error: exist/pm.md already exists; use --force to replace it" ]; then
	ko $name "unexpected stderr: $(cat err)"
elif [ -s out ]; then
	ko $name "the output went to stdout instead"
elif ! cmp -s exist/pm.md before.md; then
	ko $name "the existing file was changed"
elif [ "$(listing exist)" != "pm.md" ]; then
	ko $name "directory holds: $(listing exist)"
else
	ok $name
fi

# --force replaces it, and a file made private stays private.
name=existing-force-replaced
chmod 600 exist/pm.md
pm --force -o exist/pm.md examples/login-hotfix.yaml >out 2>err
if [ "$st" -ne "$login_status" ] || [ -s err ]; then
	ko $name "status $st, stderr: $(cat err)"
elif ! cmp -s exist/pm.md login.md; then
	ko $name "file differs from what stdout gets"
elif [ "$(mode exist/pm.md)" != 600 ]; then
	ko $name "mode $(mode exist/pm.md), expected the old file's 600"
elif [ "$(listing exist)" != "pm.md" ]; then
	ko $name "directory holds: $(listing exist)"
else
	ok $name
fi

# ---- -o - is standard output ------------------------------------------------
name=dash-is-stdout
mkdir dash
(cd dash && timeout 10 "$PMCHECK" -f text --fail-on never -o - \
	--stdin-filename examples/login-hotfix.yaml - \
	<../examples/login-hotfix.yaml >../out 2>../err)
st=$?
if [ "$st" -ne 0 ] || [ -s err ]; then
	ko $name "status $st, stderr: $(cat err)"
elif [ "$(listing dash)" != "" ]; then
	ko $name "a file was created: $(listing dash)"
elif ! cmp -s out login.txt; then
	ko $name "stdout differs from a run without -o"
else
	ok $name
fi

# ---- symbolic links -----------------------------------------------------------
name=symlink-force-replaces-link
mkdir links
printf 'the real draft\n' >links/2024-02.md
ln -s 2024-02.md links/latest.md
pm -f text --fail-on never -o links/latest.md examples/login-hotfix.yaml >out 2>err
if [ "$st" -ne 4 ] || ! grep -q 'use --force to replace the link itself' err; then
	ko $name "without --force: status $st, stderr: $(cat err)"
else
	pm -f text --fail-on never --force -o links/latest.md examples/login-hotfix.yaml >out 2>err
	if [ "$st" -ne 0 ] || [ -s err ]; then
		ko $name "with --force: status $st, stderr: $(cat err)"
	elif [ -L links/latest.md ] || ! cmp -s links/latest.md login.txt; then
		ko $name "the link was not replaced by the output"
	elif [ "$(cat links/2024-02.md)" != "the real draft" ]; then
		ko $name "the file the link pointed to was written"
	elif [ "$(listing links)" != "2024-02.md latest.md" ]; then
		ko $name "directory holds: $(listing links)"
	else
		ok $name
	fi
fi

# ---- devices are never replaced -------------------------------------------------
# A link to /dev/null would be replaced by a regular file if devices were
# treated like files; the same check protects /dev/stdout when run as root.
name=device-never-replaced
ln -s /dev/null links/null.md
pm --force -o links/null.md examples/minimal.yaml >out 2>err
if [ "$st" -ne 4 ] || ! grep -q 'not to a regular file; refusing to replace it' err; then
	ko $name "status $st, stderr: $(cat err)"
elif [ ! -L links/null.md ] || [ ! -c /dev/null ]; then
	ko $name "the link or /dev/null was replaced"
else
	ok $name
fi

# ---- a full disk --------------------------------------------------------------
# /dev/full cannot be an -o target (it exists and is a device), so two other
# ways make a write fail midway.  First a file size limit: past it write()
# fails with EFBIG, as it fails with ENOSPC on a full disk.
name=write-fails-file-size-limit
mkdir full
printf 'old\n' >full/old.md
(
	trap '' XFSZ
	ulimit -f 4 2>/dev/null || exit 99
	timeout 10 "$PMCHECK" -f json --fail-on never -o full/new.json examples examples examples
	echo $? >st.new
	timeout 10 "$PMCHECK" -f json --fail-on never --force -o full/old.md examples examples examples
	echo $? >st.old
) >out 2>err
if [ ! -f st.new ]; then
	skipped $name "ulimit -f is not available"
elif [ "$(cat st.new)" -ne 4 ] || [ "$(cat st.old)" -ne 4 ]; then
	ko $name "status $(cat st.new) and $(cat st.old), expected 4 and 4"
elif [ "$(wc -l <err | tr -d ' ')" -ne 2 ] ||
	! grep -q '^pmcheck: error: cannot write full/new.json: File too large$' err; then
	ko $name "unexpected stderr: $(cat err)"
elif [ "$(cat full/old.md)" != old ]; then
	ko $name "the existing file was changed"
elif [ "$(listing full)" != "old.md" ]; then
	ko $name "directory holds: $(listing full)"
else
	ok $name
fi

# Then a real full file system: a 16 KiB tmpfs in a mount namespace of its
# own (root, or a user namespace), skipped where neither is allowed.
name=write-fails-enospc
if [ "$(id -u)" -eq 0 ]; then ns="unshare -m"; else ns="unshare -rm"; fi
mkdir tiny
if command -v unshare >/dev/null 2>&1 &&
	timeout 10 $ns sh -c 'mount -t tmpfs -o size=16k pmcheck-tiny "$1"' sh tiny 2>/dev/null; then
	timeout 20 $ns sh -c '
		mount -t tmpfs -o size=16k pmcheck-tiny tiny || exit 99
		printf "old\n" >tiny/old.md
		"$1" -f json --fail-on never -o tiny/new.json examples examples examples 2>err.new
		echo $? >st.new
		"$1" -f json --fail-on never --force -o tiny/old.md examples examples examples 2>err.old
		echo $? >st.old
		cat tiny/old.md >old.after
		ls -A tiny | tr "\n" " " >listing.after
	' sh "$PMCHECK"
	if [ "$(cat st.new)" -ne 4 ] || [ "$(cat st.old)" -ne 4 ]; then
		ko $name "status $(cat st.new) and $(cat st.old), expected 4 and 4"
	elif [ "$(cat err.new)" != "pmcheck: error: cannot write tiny/new.json: No space left on device" ]; then
		ko $name "unexpected stderr: $(cat err.new)"
	elif [ "$(cat old.after)" != old ]; then
		ko $name "the existing file was changed"
	elif [ "$(cat listing.after)" != "old.md " ]; then
		ko $name "file system holds: $(cat listing.after)"
	else
		ok $name
	fi
else
	skipped $name "cannot mount a tmpfs in a private mount namespace here"
fi

# ---- a read-only directory --------------------------------------------------
name=read-only-directory
mkdir ro
printf 'old\n' >ro/pm.md
if [ "$(id -u)" -ne 0 ]; then
	chmod 555 ro
	pm --force -o ro/pm.md - <examples/minimal.yaml >out 2>err
	chmod 755 ro
elif command -v setpriv >/dev/null 2>&1 &&
	setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$PMCHECK" 2>/dev/null; then
	# Root writes anywhere: the check runs as nobody, and the path to the
	# directory must be open to nobody for the failure to be the directory's.
	chmod 755 "$tmp"
	timeout 10 setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$PMCHECK" --force -o ro/pm.md - <examples/minimal.yaml >out 2>err
	st=$?
	chmod 700 "$tmp"
else
	st=skip
fi
if [ "$st" = skip ]; then
	skipped $name "running as root without setpriv(1) to drop privileges"
elif [ "$st" -ne 4 ]; then
	ko $name "status $st, expected 4"
elif [ "$(cat err)" != "pmcheck: error: cannot write ro/pm.md: cannot create a file in ro: Permission denied" ]; then
	ko $name "unexpected stderr: $(cat err)"
elif [ "$(cat ro/pm.md)" != old ] || [ "$(listing ro)" != pm.md ]; then
	ko $name "the directory changed: $(listing ro)"
else
	ok $name
fi

# ---- concurrent writers ---------------------------------------------------------
# Twenty runs race for one new file: exactly one wins, the others are
# refused, and the file is one complete output.
name=race-one-winner
mkdir race
i=0
while [ $i -lt 20 ]; do
	(timeout 20 "$PMCHECK" -f text --fail-on never -o race/pm.txt \
		examples/login-hotfix.yaml 2>/dev/null; echo $? >race.$i) &
	i=$((i + 1))
done
wait
wins=$(cat race.* | grep -c '^0$')
refused=$(cat race.* | grep -c '^4$')
if [ "$wins" -ne 1 ] || [ "$refused" -ne 19 ]; then
	ko $name "$wins runs succeeded and $refused were refused, expected 1 and 19 (statuses: $(cat race.* | tr '\n' ' '))"
elif ! cmp -s race/pm.txt login.txt; then
	ko $name "the file is not one complete output"
elif [ "$(listing race)" != "pm.txt" ]; then
	ko $name "directory holds: $(listing race)"
else
	ok $name
fi

# Writers with --force replace the file over and over while a reader reads
# it: every read is one complete output, the old or the new, never a mix.
name=force-reader-sees-whole-files
i=0
(
	while [ $i -lt 30 ]; do
		if [ $((i % 2)) -eq 0 ]; then fmt=text; else fmt=json; fi
		timeout 10 "$PMCHECK" -f $fmt --fail-on never --force -o race/pm.txt \
			examples/login-hotfix.yaml 2>/dev/null
		i=$((i + 1))
	done
	: >writers.done
) &
torn=0
reads=0
while [ ! -f writers.done ] && [ $reads -lt 100000 ]; do
	cat race/pm.txt >snap 2>/dev/null || continue
	reads=$((reads + 1))
	if ! cmp -s snap login.txt && ! cmp -s snap login.json; then
		torn=$((torn + 1))
	fi
done
wait
if [ $torn -ne 0 ]; then
	ko $name "$torn of $reads reads saw a partial or mixed file"
elif [ "$(listing race)" != "pm.txt" ]; then
	ko $name "directory holds: $(listing race)"
else
	ok $name
fi

# ---- --init ---------------------------------------------------------------------
name=init-stdout-equals-file
mkdir init
pm --init >init.stdout 2>err
st1=$st
pm --init init/starter.yaml >out 2>err
if [ "$st1" -ne 0 ] || [ "$st" -ne 0 ]; then
	ko $name "status $st1 and $st, expected 0 and 0"
elif ! cmp -s init.stdout init/starter.yaml; then
	ko $name "--init FILE differs from --init on stdout"
elif [ "$(cat err)" != "pmcheck: wrote init/starter.yaml; fill it in, then run: pmcheck init/starter.yaml" ]; then
	ko $name "unexpected stderr: $(cat err)"
elif [ "$(mode init/starter.yaml)" != 644 ] || [ "$(listing init)" != starter.yaml ]; then
	ko $name "mode $(mode init/starter.yaml), directory holds: $(listing init)"
else
	ok $name
fi

name=init-refuses-to-overwrite
printf 'title: filled in already\n' >init/starter.yaml
pm --init init/starter.yaml >out 2>err
if [ "$st" -ne 4 ]; then
	ko $name "status $st, expected 4"
elif [ "$(cat err)" != "pmcheck: error: init/starter.yaml already exists; use --force to replace it" ]; then
	ko $name "unexpected stderr: $(cat err)"
elif [ "$(cat init/starter.yaml)" != "title: filled in already" ]; then
	ko $name "the file was changed"
elif [ "$(listing init)" != starter.yaml ]; then
	ko $name "directory holds: $(listing init)"
else
	ok $name
fi

# The starter file is accepted as written, in every format: exit 0 or 1
# (the placeholders describe a hotfix that needs a post-mortem), never 3.
name=init-judged
bad=
for fmt in markdown text json gcc github slack; do
	pm -f $fmt - <init.stdout >out 2>err
	case $st in
	0 | 1) [ -s err ] && bad="$bad $fmt(stderr: $(head -n 1 err))" ;;
	*) bad="$bad $fmt(status $st: $(head -n 1 err))" ;;
	esac
done
if [ -n "$bad" ]; then
	ko $name "$bad"
else
	ok $name
fi

# The golden cases that judge the starter file hold a copy of it: it must
# be the current one.
name=init-golden-copies-current
stale=
for f in "$here"/golden/init-judged-*/stdin; do
	[ -f "$f" ] || continue
	cmp -s "$f" init.stdout || stale="$stale ${f#"$here"/golden/}"
done
if [ -n "$stale" ]; then
	ko $name "stale copies (refresh with pmcheck --init >FILE):$stale"
else
	ok $name
fi

finish
