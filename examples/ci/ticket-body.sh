#!/bin/sh
# Drafts a post-mortem ticket from a hotfix file: pmcheck's Markdown
# becomes the ticket's body, the skeleton's heading its title.
#
#   sh ticket-body.sh HOTFIX.yaml [DIR]
#
# Writes DIR/title.txt (one line: "Post-mortem: ID — Title") and
# DIR/body.md (the Markdown report: verdict, reasons, skeleton); DIR
# defaults to the current directory.  Then prints the command that opens
# the ticket, for the CLI named by TICKET_CLI: gh (GitHub, the default) or
# glab (GitLab).  With TICKET_RUN=1 it runs that command as well.
#
# Environment:
#   PMCHECK       the pmcheck to run (default: pmcheck on PATH)
#   TICKET_CLI    gh or glab
#   TICKET_LABEL  label for the ticket (default: post-mortem)
#   TICKET_RUN    1: open the ticket now (needs the CLI, logged in)
#
# Exit status: 0 when the files were written (whatever the verdict), else
# pmcheck's status (2 usage, 3 invalid file, 4 output), or the CLI's.

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: ticket-body.sh HOTFIX.yaml [DIR]" >&2
	exit 2
fi
file=$1
dir=${2:-.}
pmcheck=${PMCHECK:-pmcheck}
cli=${TICKET_CLI:-gh}
label=${TICKET_LABEL:-post-mortem}
case $cli in
gh | glab) ;;
*)
	echo "ticket-body.sh: TICKET_CLI must be gh or glab, not $cli" >&2
	exit 2
	;;
esac

mkdir -p "$dir" || exit 4
# --fail-on never: the verdict is in the body; only a file that cannot be
# judged stops here.
"$pmcheck" -f markdown --fail-on never -- "$file" >"$dir/body.md"
status=$?
if [ $status -ne 0 ]; then
	rm -f "$dir/body.md"
	exit $status
fi

# The skeleton's heading, "# Post-mortem: ID — Title", with the Markdown
# escapes taken off again: a ticket title is plain text.
title=$(sed -n 's/^# \(Post-mortem: .*\)$/\1/p' "$dir/body.md" | head -n 1 |
	sed -e 's/\\\(.\)/\1/g' -e 's/&amp;/\&/g')
if [ -z "$title" ]; then
	echo "ticket-body.sh: no \"# Post-mortem:\" heading in pmcheck's output" >&2
	exit 3
fi
printf '%s\n' "$title" >"$dir/title.txt" || exit 4

# The printed command reads the two files, so it stays correct whatever
# quotes or dollars the title holds.
# $1 in single quotes, for the shell that runs the printed command.
quote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
title_file=$(quote "$dir/title.txt")
body_file=$(quote "$dir/body.md")
if [ "$cli" = gh ]; then
	cmd="gh issue create --title \"\$(cat $title_file)\" --body-file $body_file --label $(quote "$label")"
else
	cmd="glab issue create --title \"\$(cat $title_file)\" --description \"\$(cat $body_file)\" --label $(quote "$label")"
fi
printf '%s\n' "$cmd"

if [ "${TICKET_RUN:-}" = 1 ]; then
	sh -c "$cmd" || exit $?
fi
exit 0
