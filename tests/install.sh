#!/bin/sh
# `make install` and `make uninstall` into a staging directory: every file
# lands where PREFIX and DESTDIR say, the installed binary runs, the
# installed man page renders without warnings, and uninstall removes every
# file install wrote.
#
#   BUILD=build sh tests/install.sh
#
# BUILD is the build directory whose pmcheck is installed (default build);
# MAKE the make to run (default make).  Prints PASS/FAIL/SKIP per check and
# ends with "N passed, M failed"; exits 1 when any check failed.

LC_ALL=C
export LC_ALL

here=$(cd "$(dirname "$0")" && pwd) || exit 2
root=$(dirname "$here")
BUILD=${BUILD:-build}
MAKE=${MAKE:-make}
# make runs in the tree's top directory, so a relative BUILD is from there.
case $BUILD in
/*) binary=$BUILD/pmcheck ;;
*) binary=$root/$BUILD/pmcheck ;;
esac
if [ ! -x "$binary" ]; then
	echo "install.sh: $binary is not an executable; run make first" >&2
	exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pmcheck-install.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

pass=0
fail=0
skip=0
ok() {
	echo "PASS $1"
	pass=$((pass + 1))
}
ko() {
	echo "FAIL $1"
	[ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/    /'
	fail=$((fail + 1))
}
skipped() {
	echo "SKIP $1"
	skip=$((skip + 1))
}

stage=$tmp/stage
files="usr/bin/pmcheck
usr/share/man/man1/pmcheck.1
usr/share/bash-completion/completions/pmcheck
usr/share/zsh/site-functions/_pmcheck"

# The sub-make must not rebuild into another directory, nor print
# "Entering directory" lines into the log.
if out=$("$MAKE" -C "$root" --no-print-directory install BUILD="$BUILD" \
		DESTDIR="$stage" PREFIX=/usr 2>&1); then
	ok "make install DESTDIR=... PREFIX=/usr"
else
	ko "make install DESTDIR=... PREFIX=/usr" "$out"
fi

for f in $files; do
	if [ -f "$stage/$f" ]; then
		ok "installed /$f"
	else
		ko "installed /$f" "missing"
	fi
done

# Permissions as install(1) was told: the binary executable, the rest not.
for f in $files; do
	[ -f "$stage/$f" ] || continue
	case $f in
	*/bin/*) want=-rwxr-xr-x ;;
	*) want=-rw-r--r-- ;;
	esac
	# shellcheck disable=SC2012 # our own plain names; ls -l is portable
	mode=$(ls -l "$stage/$f" | cut -c1-10)
	if [ "$mode" = "$want" ]; then
		ok "mode of /$f is $want"
	else
		ko "mode of /$f is $want" "got $mode"
	fi
done

for f in $files; do
	case $f in
	*/bin/*) src=$binary ;;
	*/man1/*) src=$root/docs/pmcheck.1 ;;
	*/bash-completion/*) src=$root/completions/pmcheck.bash ;;
	*/zsh/*) src=$root/completions/_pmcheck ;;
	esac
	if [ -f "$stage/$f" ] && cmp -s "$src" "$stage/$f"; then
		ok "/$f is a copy of ${src#"$root"/}"
	else
		ko "/$f is a copy of ${src#"$root"/}"
	fi
done

version=$("$stage/usr/bin/pmcheck" --version 2>&1)
case $version in
"pmcheck "[0-9]*.[0-9]*.[0-9]*) ok "installed binary: $(echo "$version" | head -n 1)" ;;
*) ko "installed binary --version" "$version" ;;
esac

page=$stage/usr/share/man/man1/pmcheck.1
if command -v man >/dev/null 2>&1; then
	if err=$(MANWIDTH=80 man -l "$page" 2>&1 >/dev/null) && [ -z "$err" ]; then
		ok "man -l renders the installed page without warnings"
	else
		ko "man -l renders the installed page without warnings" "$err"
	fi
else
	skipped "man is not installed"
fi
if command -v groff >/dev/null 2>&1; then
	if err=$(groff -man -ww -z "$page" 2>&1) && [ -z "$err" ]; then
		ok "groff -man -ww -z: no warnings"
	else
		ko "groff -man -ww -z: no warnings" "$err"
	fi
else
	skipped "groff is not installed"
fi

# The bash completion loads from where bash-completion looks for it.
if command -v bash >/dev/null 2>&1; then
	if bash -c '. "$1" && complete -p pmcheck' sh \
		"$stage/usr/share/bash-completion/completions/pmcheck" >/dev/null 2>&1; then
		ok "installed bash completion loads"
	else
		ko "installed bash completion loads"
	fi
fi
if command -v zsh >/dev/null 2>&1; then
	if err=$(zsh -n "$stage/usr/share/zsh/site-functions/_pmcheck" 2>&1); then
		ok "installed zsh completion parses"
	else
		ko "installed zsh completion parses" "$err"
	fi
fi

if out=$("$MAKE" -C "$root" --no-print-directory uninstall BUILD="$BUILD" \
		DESTDIR="$stage" PREFIX=/usr 2>&1); then
	ok "make uninstall DESTDIR=... PREFIX=/usr"
else
	ko "make uninstall DESTDIR=... PREFIX=/usr" "$out"
fi
left=$(cd "$stage" 2>/dev/null && find . ! -type d)
if [ -z "$left" ]; then
	ok "uninstall leaves no files"
else
	ko "uninstall leaves no files" "$left"
fi

# PREFIX alone moves everything, and uninstall with the same PREFIX finds it.
stage2=$tmp/stage2
if "$MAKE" -C "$root" --no-print-directory install BUILD="$BUILD" \
		DESTDIR="$stage2" PREFIX=/opt/pm >/dev/null 2>&1 &&
	[ -x "$stage2/opt/pm/bin/pmcheck" ] &&
	[ -f "$stage2/opt/pm/share/bash-completion/completions/pmcheck" ] &&
	[ -f "$stage2/opt/pm/share/zsh/site-functions/_pmcheck" ] &&
	[ -f "$stage2/opt/pm/share/man/man1/pmcheck.1" ] &&
	"$MAKE" -C "$root" --no-print-directory uninstall BUILD="$BUILD" \
		DESTDIR="$stage2" PREFIX=/opt/pm >/dev/null 2>&1 &&
	[ -z "$(cd "$stage2" && find . ! -type d)" ]; then
	ok "PREFIX=/opt/pm: install and uninstall"
else
	ko "PREFIX=/opt/pm: install and uninstall" "$(cd "$stage2" 2>/dev/null && find . | sort)"
fi

note=
[ "$skip" -gt 0 ] && note=" ($skip skipped)"
echo "$pass passed, $fail failed$note"
[ "$fail" -eq 0 ]
