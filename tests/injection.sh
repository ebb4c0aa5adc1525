#!/bin/sh
# Output injection tests: hostile text in every free-text field and in file
# names, through every output format; see tests/injection.py for what is
# checked.  Needs only a Python 3 (its standard library).
#
#   PMCHECK=build/pmcheck sh tests/injection.sh
#
# Prints PASS/FAIL per run and ends with "N passed, M failed".

LC_ALL=C
export LC_ALL
unset NO_COLOR PMCHECK_CONFIG

here=$(cd "$(dirname "$0")" && pwd) || exit 2
root=$(dirname "$here")
PMCHECK=${PMCHECK:-$root/build/pmcheck}
case $PMCHECK in
/*) ;;
*) PMCHECK=$(pwd)/$PMCHECK ;;
esac
if [ ! -x "$PMCHECK" ]; then
	echo "injection.sh: $PMCHECK is not an executable; run make first" >&2
	exit 2
fi
python=${PYTHON:-python3}
if ! "$python" -c 'import json, subprocess' >/dev/null 2>&1; then
	python=/usr/bin/python3
fi
exec "$python" "$here/injection.py" "$root" "$PMCHECK"
