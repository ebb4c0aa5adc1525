#!/usr/bin/env bash
# Shell completions: completions/pmcheck.bash is driven through its
# completion function with COMP_WORDS/COMP_CWORD, in a temporary directory
# with known files, and the candidates are compared with what they must be.
# When zsh is installed, completions/_pmcheck is syntax-checked and driven
# through compinit in a pseudo-terminal (zsh/zpty); otherwise those checks
# are skipped with a message.
#
#   PMCHECK=build/pmcheck bash tests/completions.sh
#
# Prints PASS/FAIL/SKIP per check and ends with "N passed, M failed";
# exits 1 when any check failed.

export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd) || exit 2
root=$(dirname "$here")
PMCHECK=${PMCHECK:-$root/build/pmcheck}
case $PMCHECK in
/*) ;;
*) PMCHECK=$(pwd)/$PMCHECK ;;
esac
if [[ ! -x $PMCHECK ]]; then
	echo "completions.sh: $PMCHECK is not an executable; run make first" >&2
	exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pmcheck-completions.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

pass=0
fail=0
skip=0
ok() { echo "PASS $1"; pass=$((pass + 1)); }
ko() { echo "FAIL $1"; [[ -n ${2:-} ]] && printf '    %s\n' "$2"; fail=$((fail + 1)); }
skipped() { echo "SKIP $1"; skip=$((skip + 1)); }

# Every option of the command line: the product contract's and -j.
spec_options='--color --config --fail-on --force --format --help
--history --history-days --init --jobs --list-rules --max-bytes --no-config
--output --print-config --quiet --stdin-filename --version -V -f -h -j -o -q'
# Sets of words are written one line each, "|" between words, so that a
# name with a blank stays one word: sorted reads words on lines or
# separated by "|", spaces_to_bars turns a blank-separated list into that.
sorted() { tr '|' '\n' | sed '/^$/d' | sort -u | paste -sd'|' -; }
spaces_to_bars() { printf '%s' "$1" | tr ' \n' '||'; }
spec_sorted=$(spaces_to_bars "$spec_options" | sorted)

mkdir -p "$tmp/w/hotfixes/2024" "$tmp/w/sub dir" "$tmp/w/history" || exit 2
cd "$tmp/w" || exit 2
touch a.yaml b.yml notes.txt config.toml -- -odd.yaml hotfixes/x.yaml \
	hotfixes/y.yml hotfixes/readme.md 'sub dir/s.yaml'

# ---- bash ----------------------------------------------------------------

# shellcheck source=/dev/null
if ! source "$root/completions/pmcheck.bash"; then
	ko "bash: completions/pmcheck.bash loads"
	echo "$pass passed, $fail failed"
	exit 1
fi
if [[ $(complete -p pmcheck 2>/dev/null) == *"-F _pmcheck"* ]]; then
	ok "bash: complete -F _pmcheck pmcheck is registered"
else
	ko "bash: complete -F _pmcheck pmcheck is registered" "$(complete -p pmcheck 2>&1)"
fi

# Candidates for the command line WORDS (the last one is being completed),
# sorted, on one line.
bash_candidates() {
	local COMP_WORDS=("$@") COMP_CWORD=$(($# - 1)) COMP_LINE="$*"
	local COMP_POINT=${#COMP_LINE} COMPREPLY=()
	_pmcheck pmcheck "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" 2>/dev/null
	((${#COMPREPLY[@]})) && printf '%s\n' "${COMPREPLY[@]}" | sorted
}

# bash_is NAME EXPECTED WORD...: the candidates are exactly EXPECTED.
bash_is() {
	local name=$1 want got
	want=$(printf '%s' "$2" | sorted)
	shift 2
	got=$(bash_candidates "$@")
	if [[ $got == "$want" ]]; then
		ok "bash: $name"
	else
		ko "bash: $name" "line: $*; want: [$want]; got: [$got]"
	fi
}

bash_is "all options after -" "$(spaces_to_bars "$spec_options")" pmcheck -
bash_is "long options after --" \
	"$(printf '%s' "$spec_options" | tr ' ' '\n' | grep -- '^--' | paste -sd'|' -)" pmcheck --
bash_is "long option prefix" "--fail-on|--force|--format" pmcheck --f
bash_is "--history prefix" "--history|--history-days" pmcheck --hist
bash_is "--format values" "markdown|text|json|gcc|github|slack" pmcheck --format ''
bash_is "-f value prefix" "gcc|github" pmcheck -f g
bash_is "--format=VALUE, = a word break" "json" pmcheck --format = j
bash_is "--format= right after =" "markdown|text|json|gcc|github|slack" \
	pmcheck --format =
bash_is "--format=VALUE as one word" "--format=json" pmcheck --format=j
bash_is "--fail-on values" "never|recommended|required" pmcheck --fail-on ''
bash_is "--fail-on prefix" "recommended|required" pmcheck -q --fail-on r
bash_is "--color values" "auto|always|never" pmcheck --color ''
bash_is "--color=VALUE" "always|auto" pmcheck --color = a
bash_is "operands: YAML files and directories" \
	"-odd.yaml|a.yaml|b.yml|history|hotfixes|sub dir" pmcheck ''
bash_is "operands after options" "a.yaml" pmcheck -q -f json a
bash_is "operands below a directory" \
	"hotfixes/2024|hotfixes/x.yaml|hotfixes/y.yml" pmcheck hotfixes/
bash_is "operand with a blank in its path" "sub dir/s.yaml" pmcheck 'sub dir/'
bash_is "operands after --" "-odd.yaml" pmcheck -- -
bash_is "--history: directories only" "history|hotfixes|sub dir" \
	pmcheck --history ''
bash_is "--history=DIR" "--history=history|--history=hotfixes" \
	pmcheck --history=h
bash_is "--config: any file" \
	"-odd.yaml|a.yaml|b.yml|config.toml|history|hotfixes|notes.txt|sub dir" \
	pmcheck --config ''
bash_is "-o: any file" "notes.txt" pmcheck -o n
bash_is "--output: any file" "config.toml" pmcheck --output c
bash_is "--stdin-filename: any file" "notes.txt" pmcheck --stdin-filename n
bash_is "--init: YAML files and directories" \
	"-odd.yaml|a.yaml|b.yml|history|hotfixes|sub dir" pmcheck --init ''
bash_is "--init then an option" "--list-rules" pmcheck --init --li
bash_is "--history-days: numbers" "30|90|180|365" pmcheck --history-days ''
bash_is "--max-bytes: numbers" "1M|4M|16M|64M" pmcheck --max-bytes ''
bash_is "no value after --no-config" "a.yaml" pmcheck --no-config a
bash_is "no value after --force" "a.yaml" pmcheck -o out.md --force a

# Every option --help documents is completed.
help_opts=$("$PMCHECK" --help | grep -E '^ +-' |
	grep -oE '(^|[ ,])--?[A-Za-z][a-z-]*' | tr -d ' ,' | sorted)
missing=
for o in ${help_opts//|/ }; do
	[[ "|$spec_sorted|" == *"|$o|"* ]] || missing="$missing $o"
done
if [[ -n $help_opts && -z $missing ]]; then
	ok "bash: every option of --help is completed"
else
	ko "bash: every option of --help is completed" "missing:$missing"
fi

# Every long option the man page mentions is completed.
man_opts=$(grep -oE '\\-\\-[a-z]([a-z]|\\-)*' "$root/docs/pmcheck.1" |
	sed 's/\\//g; s/-$//' | sorted)
missing=
for o in ${man_opts//|/ }; do
	[[ "|$spec_sorted|" == *"|$o|"* ]] || missing="$missing $o"
done
if [[ -n $man_opts && -z $missing ]]; then
	ok "bash: every option of the man page is completed"
else
	ko "bash: every option of the man page is completed" "missing:$missing"
fi

# ---- zsh -----------------------------------------------------------------

# The options the zsh file completes: option specs, descriptions removed.
zsh_opts=$(grep -E "^ +'" "$root/completions/_pmcheck" |
	sed -e 's/\[[^]]*\]//g' -e 's/_files[^:]*$//' |
	grep -oE -- "(^|[^a-z])--?[A-Za-z][a-z-]*" | grep -oE -- '--?[A-Za-z][a-z-]*' | sorted)
if [[ $zsh_opts == "$spec_sorted" ]]; then
	ok "zsh: the file lists every option"
else
	ko "zsh: the file lists every option" "want: [$spec_sorted]; got: [$zsh_opts]"
fi

if ! command -v zsh >/dev/null 2>&1; then
	skipped "zsh: not installed; syntax and completion checks not run"
else
	if err=$(zsh -n "$root/completions/_pmcheck" 2>&1); then
		ok "zsh: zsh -n completions/_pmcheck"
	else
		ko "zsh: zsh -n completions/_pmcheck" "$err"
	fi
	if ! zsh -fc 'zmodload zsh/zpty' 2>/dev/null; then
		skipped "zsh: no zsh/zpty module; completion checks not run"
	else
		# Runs an interactive zsh in a pseudo-terminal with compinit and
		# only our function on $fpath, types the words and a Tab, and
		# prints every candidate handed to compadd, one per line.  The
		# markers around the output tell it apart from the echo of the
		# typed line.
		cat >"$tmp/capture.zsh" <<'EOF'
zmodload zsh/zpty || exit 2
fdir=$1; shift
zpty z zsh -f -i
zpty -w z 'PROMPT= ; RPROMPT= ; unsetopt zle_bracketed_paste 2>/dev/null'
zpty -w z "fpath=(${(q)fdir} \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z 'bindkey "^I" complete-word'
zpty -w z 'zstyle ":completion:*" insert-tab false'
zpty -w z '_pm_mark() { print -rn -- $'"'"'\x1f'"'"' }; compprefuncs=(_pm_mark); comppostfuncs=(_pm_mark exit)'
zpty -w z 'compadd() { if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi; local -a __hits; builtin compadd -A __hits "$@"; local h; for h in $__hits; do print -r -- "@@$h"; done; builtin compadd "$@" }'
zpty -w z "cd ${(q)PWD}"
zpty -w -n z "$*"$'\t'
out=
integer n=0
while zpty -r z line; do
	out+=$line
	[[ $out == *$'\x1f'*$'\x1f'* ]] && break
	(( ++n > 10000 )) && break
done
zpty -d z
out=${out#*$'\x1f'}
out=${out%$'\x1f'*}
print -r -- ${(F)${(M)${(f)${out//$'\r'/}}:#@@*}#@@}
EOF
		zsh_candidates() {
			timeout 20 zsh -f "$tmp/capture.zsh" "$root/completions" "$@" | sorted
		}
		# zsh_has NAME WANT NOT WORD...: every word of WANT is offered,
		# none of NOT is.
		zsh_has() {
			local name=$1 want=$2 not=$3 got w bad=
			shift 3
			got="|$(zsh_candidates "$@")|"
			for w in $want; do
				[[ $got == *"|$w|"* ]] || bad="$bad missing $w;"
			done
			for w in $not; do
				[[ $got == *"|$w|"* ]] && bad="$bad unexpected $w;"
			done
			if [[ -z $bad ]]; then
				ok "zsh: $name"
			else
				ko "zsh: $name" "line: $*;$bad got: [$got]"
			fi
		}
		zsh_has "all options after -" "$spec_options" "" pmcheck -
		zsh_has "--format values" "markdown text json gcc github slack" "a.yaml" \
			pmcheck --format ''
		zsh_has "--format=VALUE" "json" "gcc" pmcheck --format=j
		zsh_has "-f value" "markdown text json gcc github slack" "" pmcheck -f ''
		zsh_has "--fail-on values" "never recommended required" "" pmcheck --fail-on ''
		zsh_has "--color values" "auto always never" "" pmcheck --color=''
		zsh_has "operands: YAML files and directories" \
			"a.yaml b.yml hotfixes history" "notes.txt config.toml" pmcheck ''
		zsh_has "operands below a directory" "x.yaml y.yml 2024" "readme.md" \
			pmcheck hotfixes/
		zsh_has "--history: directories" "hotfixes history" "a.yaml notes.txt" \
			pmcheck --history ''
		zsh_has "--history again: it is repeatable" "hotfixes history" "a.yaml" \
			pmcheck --history history --history ''
		zsh_has "--config: any file" "notes.txt config.toml a.yaml" "" pmcheck --config ''
		zsh_has "-o: any file" "notes.txt" "" pmcheck -o ''
		zsh_has "--init: YAML files" "a.yaml b.yml" "" pmcheck --init ''
		zsh_has "--help excludes the rest" "" "--format a.yaml" pmcheck --help ''
	fi
fi

note=
((skip)) && note=" ($skip skipped)"
echo "$pass passed, $fail failed$note"
[[ $fail -eq 0 ]]
