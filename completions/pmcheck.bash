# bash completion for pmcheck                              -*- shell-script -*-
#
# Installed as share/bash-completion/completions/pmcheck, where
# bash-completion loads it on the first Tab after "pmcheck"; or source it
# from ~/.bashrc.  It needs nothing from bash-completion itself, so it works
# without that package too.
#
# Completes every option, the values of those that take a name (--format,
# --fail-on, --color), files after the options that take one, directories
# after --history, and as operands the *.yaml / *.yml files and directories
# pmcheck judges.

_pmcheck_options='-f --format -o --output --fail-on --config --no-config
--print-config --history --history-days --color -q --quiet --init
--list-rules --stdin-filename --max-bytes --force -j --jobs -h --help -V
--version'

# Appends to COMPREPLY the words of $2 that start with $1, each after the
# prefix $3 (so that "--format=js" completes to "--format=json" when "=" is
# not a word break).
_pmcheck_words()
{
	local w
	for w in $2; do
		case $w in
		"$1"*) COMPREPLY+=("$3$w") ;;
		esac
	done
}

# Appends file names starting with $1: "all" every file, "yaml" only *.yaml
# and *.yml, "dirs" none; directories always, so that one can walk down.
_pmcheck_files()
{
	local f IFS=$'\n'
	# Names with blanks or quotes come back escaped, and directories get
	# their slash, only when bash knows these are file names.
	compopt -o filenames 2>/dev/null
	for f in $(compgen -f -- "$1"); do
		if [[ -d $f ]]; then
			COMPREPLY+=("$3$f")
		elif [[ $2 == all || ( $2 == yaml && ( $f == *.yaml || $f == *.yml ) ) ]]; then
			COMPREPLY+=("$3$f")
		fi
	done
}

# Completes the value CUR of option OPT; PREFIX goes before each candidate.
# Returns 1 when OPT takes no value.
_pmcheck_value()
{
	local opt=$1 cur=$2 prefix=$3
	case $opt in
	-f | --format) _pmcheck_words "$cur" 'markdown text json gcc github slack' "$prefix" ;;
	--fail-on) _pmcheck_words "$cur" 'never recommended required' "$prefix" ;;
	--color) _pmcheck_words "$cur" 'auto always never' "$prefix" ;;
	-o | --output | --config | --stdin-filename) _pmcheck_files "$cur" all "$prefix" ;;
	# --init's file is optional: a dash starts the next option instead.
	--init) [[ $cur == -* ]] && return 1; _pmcheck_files "$cur" yaml "$prefix" ;;
	--history) _pmcheck_files "$cur" dirs "$prefix" ;;
	# Numbers: a few usual values rather than file names.
	--history-days) _pmcheck_words "$cur" '30 90 180 365' "$prefix" ;;
	--max-bytes) _pmcheck_words "$cur" '1M 4M 16M 64M' "$prefix" ;;
	-j | --jobs) _pmcheck_words "$cur" '1 2 4 8' "$prefix" ;;
	*) return 1 ;;
	esac
	return 0
}

_pmcheck()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev='' i
	COMPREPLY=()
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}

	# After "--" every word is an operand.
	for ((i = 1; i < COMP_CWORD; i++)); do
		if [[ ${COMP_WORDS[i]} == -- ]]; then
			_pmcheck_files "$cur" yaml ''
			return 0
		fi
	done

	# "--format=json" arrives as "--format" "=" "json" when "=" is in
	# COMP_WORDBREAKS (the default), as one word otherwise.
	if [[ $cur == = && $prev == --* ]]; then
		_pmcheck_value "$prev" '' '' && return 0
	elif [[ $prev == = ]] && ((COMP_CWORD >= 2)); then
		_pmcheck_value "${COMP_WORDS[COMP_CWORD - 2]}" "$cur" '' && return 0
	elif [[ $cur == --*=* ]]; then
		_pmcheck_value "${cur%%=*}" "${cur#*=}" "${cur%%=*}=" && return 0
	elif [[ $prev == -* ]]; then
		_pmcheck_value "$prev" "$cur" '' && return 0
	fi

	if [[ $cur == -* ]]; then
		_pmcheck_words "$cur" "$_pmcheck_options" ''
	else
		_pmcheck_files "$cur" yaml ''
	fi
	return 0
}

complete -F _pmcheck pmcheck
