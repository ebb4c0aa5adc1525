#!/bin/sh
# The JSON Schemas (docs/pmcheck.schema.json for hotfix files,
# docs/report.schema.json for -f json) checked by a real validator against
# the examples, the golden cases and pmcheck itself; see tests/schemas.py.
#
#   PMCHECK=build/pmcheck sh tests/schemas.sh
#
# Needs a Python 3 with the jsonschema and yaml modules: python3 if it has
# them, else /usr/bin/python3 (`make deps` installs Debian's
# python3-jsonschema and python3-yaml there).  PYTHON=... picks another.
# Prints PASS/FAIL per check and ends with "N passed, M failed".

LC_ALL=C
export LC_ALL

here=$(cd "$(dirname "$0")" && pwd) || exit 2
root=$(dirname "$here")
PMCHECK=${PMCHECK:-$root/build/pmcheck}
case $PMCHECK in
/*) ;;
*) PMCHECK=$(pwd)/$PMCHECK ;;
esac
if [ ! -x "$PMCHECK" ]; then
	echo "schemas.sh: $PMCHECK is not an executable; run make first" >&2
	exit 2
fi

python=
for p in ${PYTHON:-python3 /usr/bin/python3}; do
	if "$p" -c 'import jsonschema, yaml' >/dev/null 2>&1; then
		python=$p
		break
	fi
done
if [ -z "$python" ]; then
	echo "schemas.sh: no Python 3 with the jsonschema and yaml modules" \
	     "(tried: ${PYTHON:-python3 /usr/bin/python3});" \
	     "run 'make deps' or install python3-jsonschema and python3-yaml" >&2
	echo "0 passed, 1 failed"
	exit 1
fi

exec "$python" "$here/schemas.py" "$root" "$PMCHECK"
