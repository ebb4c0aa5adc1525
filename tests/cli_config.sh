#!/bin/sh
# Configuration and history behaviour that a golden case cannot express:
# --print-config read back (twice) gives the same configuration and the same
# judgements, .pmcheck.yaml found from a nested working directory, history
# directories named relative to a configuration found above, PMCHECK_CONFIG
# relative to the working directory, unreadable and oversized files.
#
#   PMCHECK=build/pmcheck sh tests/cli_config.sh
#
# Prints PASS/FAIL/SKIP per check and ends with "N passed, M failed";
# exits 1 when any check failed.  Every run of pmcheck is under a time
# limit.

suite=config
. "$(dirname "$0")/lib.sh"

# A file without its second line: the header line naming the configuration.
unnamed() {
	sed 2d "$1"
}

# An output without the "config" key, which names the file used, and with
# paths below $tmp made relative (a printed configuration names its
# history directories by absolute path, and the Markdown lists their files).
unconfigured() {
	sed -e 's/"config":null,//' -e 's/"config":"[^"]*",//' -e "s|$tmp/||g" "$1"
}

# A configuration found above $tmp would change every judgement here.
pm --list-rules >out 2>err
if [ "$st" -ne 0 ] || [ "$(head -n 1 out)" != "# built-in rules, no configuration file" ]; then
	echo "cli_config.sh: a .pmcheck.yaml above $tmp is in the way: $(head -n 1 out)" >&2
	exit 2
fi

# ---- --print-config read back ---------------------------------------------

# Prints the configuration NAME given by the remaining arguments, reads the
# output back with --config and prints again: the same but for the name.
# A third round must change nothing either.  Leaves print1.yaml.
round_trip() {
	name=$1
	shift
	pm "$@" --print-config >print1.yaml 2>err
	if [ "$st" -ne 0 ]; then
		ko "$name" "first print: status $st: $(cat err)"
		return 1
	fi
	pm --config print1.yaml --print-config >print2.yaml 2>err
	if [ "$st" -ne 0 ]; then
		ko "$name" "printed configuration refused: $(cat err)"
		return 1
	fi
	pm --config print2.yaml --print-config >print3.yaml 2>err
	unnamed print1.yaml >a
	unnamed print2.yaml >b
	unnamed print3.yaml >c
	if ! cmp -s a b || ! cmp -s b c; then
		ko "$name" "printed differently: $(diff a b | head -n 10)"
		return 1
	fi
	if [ "$(sed -n 2p print2.yaml)" != "# defaults changed by print1.yaml." ]; then
		ko "$name" "unexpected header: $(sed -n 2p print2.yaml)"
		return 1
	fi
	ok "$name"
}

# Judges every example under the configuration options given, once as
# they are and once with the printed configuration: the same reports.
same_judgements() {
	name=$1
	shift
	for f in examples/*.yaml examples/history/*.yaml; do
		for fmt in json text markdown; do
			pm "$@" -f "$fmt" --fail-on never "$f" >want 2>want.err
			pm --config print1.yaml -f "$fmt" --fail-on never "$f" >got 2>got.err
			unconfigured want >want.clean
			unconfigured got >got.clean
			if [ "$st" -ne 0 ] || ! cmp -s want.clean got.clean ||
				! cmp -s want.err got.err; then
				ko "$name" "$f -f $fmt differs: $(diff want.clean got.clean | head -n 6)"
				return 1
			fi
		done
	done
	ok "$name"
}

round_trip print-round-trip-defaults --no-config &&
	same_judgements print-same-judgements-defaults --no-config

round_trip print-round-trip-example --config examples/.pmcheck.yaml &&
	same_judgements print-same-judgements-example --config examples/.pmcheck.yaml

# The example's history directory is printed as an absolute path, so the
# printed file means the same from any directory.
name=print-history-absolute
if grep -qx "  - \"$tmp/examples/history\"" print1.yaml; then
	ok $name
else
	ko $name "history not printed as $tmp/examples/history: $(grep -A1 '^history' print1.yaml)"
fi

name=print-used-from-elsewhere
mkdir -p elsewhere/deeper
cp print1.yaml elsewhere/deeper/policy.yaml
pm --config examples/.pmcheck.yaml -f json --fail-on never examples/login-hotfix.yaml >want 2>&1
(cd elsewhere/deeper && timeout 10 "$PMCHECK" --config policy.yaml -f json \
	--fail-on never ../../examples/login-hotfix.yaml) >got 2>&1
sed -e 's/"config":"[^"]*",//' -e 's|"file":"[^"]*",||' want >want.clean
sed -e 's/"config":"[^"]*",//' -e 's|"file":"[^"]*",||' got >got.clean
if cmp -s want.clean got.clean && grep -q 'HF-1950, HF-1893' got; then
	ok $name
else
	ko $name "$(diff want.clean got.clean | head -n 6)"
fi

# A configuration exercising what the printer must spell out: decisive and
# scaled taken away from built-in rules, nested conditions, quoting.
cat >tricky.yaml <<'EOF'
pmcheck: 1
fail_on: recommended
history_days: 0
triggers:
  cross_team: {enabled: false}
  recurrence: {threshold: 35}
rules:
  sev1: {decisive: false, trigger: stakeholder, points: 20}
  related_incidents: {scaled: false}
  customer_facing: {scaled: true}
  leadership: {decisive: true}
  not_reviewed: {enabled: false, message: "nobody \"read\" it: {value}"}
custom_rules:
  nested:
    trigger: future_risk
    points: 35
    when:
      not:
        any:
          - {field: severity, in: [Low, medium]}
          - all:
              - {field: fix.reviewed, eq: true}
              - {field: fix.tests_added, present: true}
    message: "{count} thing{s}: {value}"
  quoted:
    decisive: true
    when: {field: fix.skipped_steps, in: ["qa", "a: b", "#c", "true"]}
blameful_phrases: ["it's", "{x}"]
vague_words: []
postmortem_due_days: {sev1: 0, sev4: 365}
EOF
round_trip print-round-trip-tricky --config tricky.yaml &&
	same_judgements print-same-judgements-tricky --config tricky.yaml

# ---- discovery ---------------------------------------------------------------

mkdir -p proj/a/b/c proj/incidents
cat >proj/.pmcheck.yaml <<'EOF'
pmcheck: 1
# Relative to this file, wherever pmcheck runs.
history: [incidents]
triggers:
  stakeholder: {threshold: 10}
EOF
cp examples/history/2024-01-08-login-form-cache.yaml proj/incidents/

name=discovery-from-nested-dir
(cd proj/a/b/c && timeout 10 "$PMCHECK" -f json --fail-on never \
	"$tmp/examples/login-hotfix.yaml") >out 2>err
st=$?
if [ "$st" -ne 0 ] || [ -s err ]; then
	ko $name "status $st: $(cat err)"
elif ! grep -q '"config":"../../../.pmcheck.yaml"' out; then
	ko $name "config not found upwards: $(head -c 120 out)"
elif ! grep -q '1 similar incident in the history: HF-1950' out; then
	ko $name "history not resolved against the configuration's directory"
else
	ok $name
fi

name=discovery-nearest-wins
printf 'pmcheck: 1\nfail_on: never\n' >proj/a/.pmcheck.yaml
(cd proj/a/b/c && timeout 10 "$PMCHECK" --list-rules) >out 2>err
if [ "$(head -n 1 out)" = "# built-in rules, changed by ../../.pmcheck.yaml" ]; then
	ok $name
else
	ko $name "$(head -n 1 out) $(cat err)"
fi

name=discovery-skips-directories
mkdir proj/a/b/.pmcheck.yaml
(cd proj/a/b/c && timeout 10 "$PMCHECK" --list-rules) >out 2>err
if [ "$(head -n 1 out)" = "# built-in rules, changed by ../../.pmcheck.yaml" ]; then
	ok $name
else
	ko $name "$(head -n 1 out) $(cat err)"
fi
rmdir proj/a/b/.pmcheck.yaml
rm proj/a/.pmcheck.yaml

name=discovery-no-config-from-nested-dir
(cd proj/a/b/c && timeout 10 "$PMCHECK" --no-config --list-rules) >out 2>err
if [ "$(head -n 1 out)" = "# built-in rules, no configuration file" ]; then
	ok $name
else
	ko $name "$(head -n 1 out) $(cat err)"
fi

name=discovery-invalid-is-exit-2
printf 'pmcheck: 1\ntriggers: {stakeholder: {threshold: 0}}\n' >proj/a/.pmcheck.yaml
(cd proj/a/b/c && timeout 10 "$PMCHECK" -q "$tmp/examples/trivial.yaml") >out 2>err
st=$?
if [ "$st" -ne 2 ] || [ -s out ] ||
	! grep -q '^../../.pmcheck.yaml:2:37: error: triggers.stakeholder.threshold: ' err; then
	ko $name "status $st: $(cat err)"
else
	ok $name
fi
rm proj/a/.pmcheck.yaml

# A configuration inside a history directory is a hidden file: not history.
name=history-skips-hidden-config
cp proj/.pmcheck.yaml proj/incidents/.pmcheck.yaml
pm -q --no-config --history proj/incidents examples/trivial.yaml >out 2>err
if [ "$st" -ne 0 ] || [ -s err ]; then
	ko $name "status $st: $(cat err)"
else
	ok $name
fi

# ---- PMCHECK_CONFIG --------------------------------------------------------

name=env-relative-to-working-dir
(cd proj/a && PMCHECK_CONFIG=../.pmcheck.yaml timeout 10 "$PMCHECK" --list-rules) >out 2>err
if [ "$(head -n 1 out)" = "# built-in rules, changed by ../.pmcheck.yaml" ]; then
	ok $name
else
	ko $name "$(head -n 1 out) $(cat err)"
fi

name=env-beats-discovered-from-nested-dir
printf 'pmcheck: 1\nfail_on: never\n' >env.yaml
(cd proj/a/b/c && PMCHECK_CONFIG="$tmp/env.yaml" timeout 10 "$PMCHECK" -f json \
	"$tmp/examples/login-hotfix.yaml") >out 2>err
st=$?
if [ "$st" -eq 0 ] && grep -q "\"config\":\"$tmp/env.yaml\"" out; then
	ok $name
else
	ko $name "status $st: $(head -c 120 out) $(cat err)"
fi

name=config-flag-beats-env-and-discovered
(cd proj/a/b/c && PMCHECK_CONFIG="$tmp/env.yaml" timeout 10 "$PMCHECK" -q \
	--config "$tmp/examples/.pmcheck.yaml" "$tmp/examples/login-hotfix.yaml") >out 2>err
st=$?
# The example's fail_on is the default, required: this input fails the gate.
if [ "$st" -eq 1 ]; then
	ok $name
else
	ko $name "status $st, expected 1: $(cat out err)"
fi

# ---- unreadable and oversized configurations ------------------------------

name=config-unreadable
if [ "$(id -u)" -eq 0 ]; then
	skipped $name "running as root, which reads any file"
else
	printf 'pmcheck: 1\n' >secret.yaml
	chmod 000 secret.yaml
	pm --config secret.yaml -q examples/trivial.yaml >out 2>err
	if [ "$st" -ne 2 ] || [ -s out ] ||
		! grep -q '^secret.yaml: error: cannot open: ' err; then
		ko $name "status $st: $(cat err)"
	else
		ok $name
	fi
	chmod 600 secret.yaml
fi

name=config-too-large
{
	echo 'pmcheck: 1'
	i=0
	while [ $i -lt 20000 ]; do
		echo "x-filler-$i: 0123456789012345678901234567890123456789012345678901234567890"
		i=$((i + 1))
	done
} >huge.yaml
pm --config huge.yaml -q examples/trivial.yaml >out 2>err
if [ "$st" -ne 2 ] || [ -s out ] || ! grep -q '^huge.yaml: error: input is larger than' err; then
	ko $name "status $st: $(cat err)"
else
	ok $name
fi

finish
