/*
 * The `slack` format: a short kickoff message for a team channel, in Slack
 * mrkdwn.  The verdict with the id and title, why (each fired trigger with
 * its score and heaviest reason, the decisive signals), who owns the write-up
 * and by when, where it lives, the teams to invite, and the reminder that the
 * discussion is blame-free.
 *
 * A chat message must stay short whatever the input holds, so every list is
 * capped ("and N more") and every input text is cut to a fixed number of
 * characters: the message never reaches 40 lines and each line stays
 * readable.  Input text goes through pm_escape_slack(), which folds it to one
 * line and keeps it from forming markup, links or mentions; every line starts
 * with our own words, so no input can start a quote or a list either.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pm_buf.h"
#include "pm_escape.h"
#include "pm_model.h"
#include "pm_render.h"
#include "pm_report.h"
#include "pm_rules.h"

/* Caps, in characters of input text and in list items. */
#define PM_SLACK_TITLE_MAX   200
#define PM_SLACK_REASON_MAX  160
#define PM_SLACK_NAME_MAX    60
#define PM_SLACK_WAIVER_MAX  200
#define PM_SLACK_URL_MAX     500
#define PM_SLACK_DECISIVE    3
#define PM_SLACK_TEAMS       6

#define PM_SLACK_BULLET "\xe2\x80\xa2 "      /* "• " */

/* Appends S escaped, cut after MAX characters with an ellipsis. */
static void
pm_slack_text(struct pm_buf *out, const char *s, size_t max)
{
	if (s == NULL)
		return;
	size_t len = strlen(s), i = 0, chars = 0;
	while (i < len && chars < max) {
		size_t n = pm_utf8_decode((const unsigned char *)s + i, len - i,
		    NULL);
		i += n ? n : 1;
		chars++;
	}
	if (i >= len) {
		pm_escape_slack(out, s, len);
		return;
	}
	/* Not to end on half a "\r\n" or on blanks before the ellipsis. */
	while (i > 0 && (s[i - 1] == '\r' || s[i - 1] == '\n' ||
	    s[i - 1] == ' ' || s[i - 1] == '\t'))
		i--;
	pm_escape_slack(out, s, i);
	pm_buf_puts(out, "\xe2\x80\xa6");      /* "…" */
}

/* The string of a STR (or ENUM) value, or NULL when it is absent. */
static const char *
pm_slack_value(const struct pm_value *v)
{
	if (v == NULL || (v->type != PM_V_STR && v->type != PM_V_ENUM) ||
	    v->s == NULL)
		return NULL;
	return v->s;
}

static const char *
pm_slack_field(const struct pm_report *rep, enum pm_field f)
{
	return rep->hf ? pm_slack_value(&rep->hf->f[f]) : NULL;
}

/* A plain http(s) URL: Slack may then make it a link.  Anything else, and
 * anything holding "|", "<" or ">" (which would end or split the link),
 * blanks, controls or non-ASCII characters, or the log command marker
 * "##[" (pm_escape.h: a CI log acts on it), is shown as escaped text. */
static bool
pm_slack_plain_url(const char *s)
{
	size_t skip;
	if (strncmp(s, "https://", 8) == 0)
		skip = 8;
	else if (strncmp(s, "http://", 7) == 0)
		skip = 7;
	else
		return false;
	size_t len = strlen(s);
	if (len == skip || len > PM_SLACK_URL_MAX || strstr(s, "##[") != NULL)
		return false;
	for (size_t i = skip; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 0x20 || c >= 0x7f || c == '|' || c == '<' || c == '>')
			return false;
	}
	return true;
}

/* The heaviest reason; the first in table order on a tie. */
static const struct pm_reason *
pm_slack_top_reason(const struct pm_trigger_result *tr)
{
	const struct pm_reason *top = NULL;
	for (size_t i = 0; i < tr->nreasons; i++)
		if (top == NULL || tr->reasons[i].points > top->points)
			top = &tr->reasons[i];
	return top;
}

static const char *
pm_slack_reason_message(const struct pm_reason *r)
{
	if (r->message)
		return r->message;
	return r->rule && r->rule->id ? r->rule->id : "?";
}

static void
pm_slack_header(struct pm_buf *out, const struct pm_report *rep)
{
	pm_buf_printf(out, "*Post-mortem %s*", pm_verdict_name(rep->verdict));
	const char *id = pm_slack_field(rep, PM_F_ID);
	const char *title = pm_slack_field(rep, PM_F_TITLE);
	if (id || title)
		pm_buf_puts(out, ": ");
	pm_slack_text(out, id, PM_SLACK_NAME_MAX);
	if (id && title)
		pm_buf_puts(out, " \xe2\x80\x94 ");    /* an em dash */
	pm_slack_text(out, title, PM_SLACK_TITLE_MAX);
	pm_buf_putc(out, '\n');
}

static void
pm_slack_why(struct pm_buf *out, const struct pm_report *rep)
{
	pm_buf_puts(out, "*Why*\n");
	bool any = false;
	for (int t = 0; t < PM_TRIGGER_COUNT; t++) {
		const struct pm_trigger_result *tr = &rep->triggers[t];
		if (!tr->fired)
			continue;
		any = true;
		pm_buf_printf(out, PM_SLACK_BULLET "*%s* %d/%d",
		    pm_trigger_title((enum pm_trigger)t), tr->score,
		    tr->threshold);
		const struct pm_reason *top = pm_slack_top_reason(tr);
		if (top) {
			pm_buf_puts(out, ": ");
			pm_slack_text(out, pm_slack_reason_message(top),
			    PM_SLACK_REASON_MAX);
		}
		pm_buf_putc(out, '\n');
	}
	size_t shown = rep->ndecisive < PM_SLACK_DECISIVE ? rep->ndecisive :
	    PM_SLACK_DECISIVE;
	for (size_t i = 0; i < shown; i++) {
		pm_buf_puts(out, PM_SLACK_BULLET "*Decisive*: ");
		pm_slack_text(out, pm_slack_reason_message(&rep->decisive[i]),
		    PM_SLACK_REASON_MAX);
		pm_buf_putc(out, '\n');
	}
	if (rep->ndecisive > shown) {
		size_t more = rep->ndecisive - shown;
		pm_buf_printf(out, PM_SLACK_BULLET "and %zu more decisive "
		    "signal%s\n", more, more == 1 ? "" : "s");
	}
	if (!any && rep->ndecisive == 0)
		pm_buf_puts(out, PM_SLACK_BULLET "No trigger fired; a short "
		    "write-up is still worth it if the fix taught us "
		    "something.\n");
}

static void
pm_slack_document(struct pm_buf *out, const struct pm_report *rep)
{
	const char *link = pm_slack_field(rep, PM_F_POSTMORTEM_LINK);
	const char *waived = pm_slack_field(rep, PM_F_POSTMORTEM_WAIVED);

	if (link && pm_slack_plain_url(link)) {
		pm_buf_puts(out, "*Document*: <");
		/* Slack decodes its three entities inside a link too. */
		for (const char *p = link; *p; p++) {
			if (*p == '&')
				pm_buf_puts(out, "&amp;");
			else
				pm_buf_putc(out, *p);
		}
		pm_buf_puts(out, "|post-mortem document>\n");
	} else if (link) {
		pm_buf_puts(out, "*Document*: ");
		pm_slack_text(out, link, PM_SLACK_URL_MAX);
		pm_buf_putc(out, '\n');
	}
	if (waived) {
		pm_buf_puts(out, "*Waived*: ");
		pm_slack_text(out, waived, PM_SLACK_WAIVER_MAX);
		pm_buf_putc(out, '\n');
	}
	if (link == NULL && waived == NULL)
		pm_buf_puts(out, "*Document*: not linked yet\n");
}

/* A team entry is a map {name, role}; a bare string is taken as the name. */
static const char *
pm_slack_team_name(const struct pm_value *team)
{
	if (team->type == PM_V_MAP)
		return team->items && PM_TEAM_NAME < team->count ?
		    pm_slack_value(&team->items[PM_TEAM_NAME]) : NULL;
	return pm_slack_value(team);
}

static void
pm_slack_teams(struct pm_buf *out, const struct pm_report *rep)
{
	const struct pm_value *teams = rep->hf ? &rep->hf->f[PM_F_TEAMS] : NULL;
	if (teams == NULL || teams->type != PM_V_LIST || teams->count == 0)
		return;
	pm_buf_puts(out, "*Teams*: ");
	size_t shown = 0, i = 0;
	for (; i < teams->count && shown < PM_SLACK_TEAMS; i++) {
		const char *name = pm_slack_team_name(&teams->items[i]);
		if (name == NULL)
			continue;
		if (shown++ > 0)
			pm_buf_puts(out, ", ");
		pm_slack_text(out, name, PM_SLACK_NAME_MAX);
	}
	size_t more = 0;
	for (; i < teams->count; i++)
		more += pm_slack_team_name(&teams->items[i]) != NULL;
	if (more > 0)
		pm_buf_printf(out, " and %zu more", more);
	pm_buf_putc(out, '\n');
}

void
pm_render_slack(struct pm_buf *out, const struct pm_report *rep,
                const struct pm_render_opts *opts)
{
	pm_slack_header(out, rep);
	pm_slack_why(out, rep);

	pm_buf_puts(out, "*Owner*: ");
	const char *owner = pm_slack_field(rep, PM_F_POSTMORTEM_OWNER);
	if (owner)
		pm_slack_text(out, owner, PM_SLACK_NAME_MAX);
	else
		pm_buf_puts(out, "_to be assigned_");
	pm_buf_puts(out, "\n*Due*: ");
	if (rep->has_due) {
		pm_render_day(out, rep->due_day);
		if (!rep->due_from_input)
			pm_buf_puts(out, " (from severity)");
	} else
		pm_buf_puts(out, "not set");
	pm_buf_putc(out, '\n');

	pm_slack_document(out, rep);
	pm_slack_teams(out, rep);

	pm_buf_puts(out, "_Blame-free: we look at how our systems and "
	    "processes let this happen, not at who did what._\n");
	pm_buf_puts(out, "From ");
	const char *file = opts->file ? opts->file : "<stdin>";
	pm_slack_text(out, file, PM_SLACK_TITLE_MAX);
	pm_buf_puts(out, ", checked by pmcheck ");
	pm_slack_text(out, opts->version ? opts->version : "?",
	    PM_SLACK_NAME_MAX);
	pm_buf_puts(out, ".\n");
}
