/*
 * The `text` format: a compact terminal summary of one judged input.  A
 * header line with the verdict, the id and title, one line per trigger with
 * the reasons under it, the decisive signals, the post-mortem status, then
 * the review notes as "FILE:LINE:COL: warning: MESSAGE [CODE]" lines that
 * editors and CI logs can jump to.
 *
 * Every string that came from the input (file name, id, title, values, and
 * messages, which quote values) goes through pm_escape_term() with newlines
 * shown escaped, so each item stays on its line and no input byte can drive
 * the terminal.  Colour codes are written only around text we produced.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "pm_buf.h"
#include "pm_escape.h"
#include "pm_model.h"
#include "pm_render.h"
#include "pm_report.h"
#include "pm_rules.h"

#define PM_SGR_RESET   "\033[0m"
#define PM_SGR_BOLD    "\033[1m"

static const struct {
	const char *word;
	const char *sgr;
} pm_text_verdicts[] = {
	[PM_VERDICT_NONE] = { .word = "NONE", .sgr = PM_SGR_BOLD },
	[PM_VERDICT_OPTIONAL] = { .word = "OPTIONAL", .sgr = "\033[32m" },
	[PM_VERDICT_RECOMMENDED] = { .word = "RECOMMENDED", .sgr = "\033[1;33m" },
	[PM_VERDICT_REQUIRED] = { .word = "REQUIRED", .sgr = "\033[1;31m" },
};

/* gcc's colour for the word "warning", so notes look like compiler output. */
#define PM_SGR_WARNING "\033[1;35m"

#define PM_NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Opens a colour when OPTS asks for colour; returns whether it did, for
 * the matching pm_text_sgr_end(). */
static bool
pm_text_sgr(struct pm_buf *out, const struct pm_render_opts *opts,
            const char *sgr)
{
	if (!opts->color)
		return false;
	pm_buf_puts(out, sgr);
	return true;
}

static void
pm_text_sgr_end(struct pm_buf *out, bool on)
{
	if (on)
		pm_buf_puts(out, PM_SGR_RESET);
}

static void
pm_text_str(struct pm_buf *out, const char *s)
{
	if (s != NULL)
		pm_escape_term(out, s, strlen(s), false);
}

/* The file name starts a line: see pm_escape_term_start. */
static void
pm_text_file(struct pm_buf *out, const struct pm_render_opts *opts)
{
	const char *file = opts->file ? opts->file : "<stdin>";
	pm_escape_term_start(out, file, strlen(file));
}

/* The string of a STR (or ENUM) value, or NULL when it is absent. */
static const char *
pm_text_value(const struct pm_hotfix *hf, enum pm_field f)
{
	if (hf == NULL)
		return NULL;
	const struct pm_value *v = &hf->f[f];
	if ((v->type != PM_V_STR && v->type != PM_V_ENUM) || v->s == NULL)
		return NULL;
	return v->s;
}

/* "[rule: field = value, line 14]": where a reason came from. */
static void
pm_text_source(struct pm_buf *out, const struct pm_reason *r)
{
	pm_buf_putc(out, '[');
	pm_text_str(out, r->rule && r->rule->id ? r->rule->id : "?");
	if (r->field) {
		pm_buf_puts(out, ": ");
		pm_text_str(out, r->field);
		if (r->value) {
			pm_buf_puts(out, " = ");
			pm_text_str(out, r->value);
		}
	}
	if (r->pos.line > 0)
		pm_buf_printf(out, ", line %u", (unsigned)r->pos.line);
	pm_buf_putc(out, ']');
}

static void
pm_text_message(struct pm_buf *out, const struct pm_reason *r)
{
	if (r->message)
		pm_text_str(out, r->message);
	else if (r->rule && r->rule->id)
		pm_text_str(out, r->rule->id);
}

static void
pm_text_header(struct pm_buf *out, const struct pm_report *rep,
               const struct pm_render_opts *opts)
{
	bool on = pm_text_sgr(out, opts, PM_SGR_BOLD);
	pm_text_file(out, opts);
	pm_buf_putc(out, ':');
	pm_text_sgr_end(out, on);

	unsigned v = (unsigned)rep->verdict < PM_NELEM(pm_text_verdicts) ?
	    (unsigned)rep->verdict : PM_VERDICT_NONE;
	pm_buf_puts(out, " post-mortem ");
	on = pm_text_sgr(out, opts, pm_text_verdicts[v].sgr);
	pm_buf_puts(out, pm_text_verdicts[v].word);
	pm_text_sgr_end(out, on);

	size_t fired = 0;
	for (int t = 0; t < PM_TRIGGER_COUNT; t++)
		fired += rep->triggers[t].fired;
	pm_buf_printf(out, " (%zu of %d triggers fired", fired,
	    (int)PM_TRIGGER_COUNT);
	if (rep->ndecisive > 0)
		pm_buf_printf(out, ", %zu decisive", rep->ndecisive);
	pm_buf_puts(out, ")\n");

	const char *id = pm_text_value(rep->hf, PM_F_ID);
	const char *title = pm_text_value(rep->hf, PM_F_TITLE);
	if (id == NULL && title == NULL)
		return;
	/* Whichever comes first starts the line (after the indent). */
	pm_buf_puts(out, "  ");
	const char *first = id ? id : title;
	pm_escape_term_start(out, first, strlen(first));
	if (id && title) {
		pm_buf_puts(out, " \xe2\x80\x94 ");    /* an em dash */
		pm_text_str(out, title);
	}
	pm_buf_putc(out, '\n');
}

static void
pm_text_triggers(struct pm_buf *out, const struct pm_report *rep,
                 const struct pm_render_opts *opts)
{
	for (int t = 0; t < PM_TRIGGER_COUNT; t++) {
		const struct pm_trigger_result *tr = &rep->triggers[t];
		pm_buf_puts(out, "  ");
		bool on = tr->fired && pm_text_sgr(out, opts, PM_SGR_BOLD);
		/* 11 is the longest id, "future_risk"; scores are 0..100. */
		pm_buf_printf(out, "%-11s %3d/%d",
		    pm_trigger_id((enum pm_trigger)t), tr->score, tr->threshold);
		if (tr->fired)
			pm_buf_puts(out, "  fired");
		else if (tr->disabled)
			pm_buf_puts(out, "  disabled by the configuration");
		pm_text_sgr_end(out, on);
		pm_buf_putc(out, '\n');
		for (size_t i = 0; i < tr->nreasons; i++) {
			const struct pm_reason *r = &tr->reasons[i];
			pm_buf_printf(out, "    %+3d  ", r->points);
			pm_text_message(out, r);
			pm_buf_puts(out, "  ");
			pm_text_source(out, r);
			pm_buf_putc(out, '\n');
		}
	}
	for (size_t i = 0; i < rep->ndecisive; i++) {
		const struct pm_reason *r = &rep->decisive[i];
		pm_buf_puts(out, "  ");
		bool on = pm_text_sgr(out, opts, PM_SGR_BOLD);
		pm_buf_puts(out, "decisive:");
		pm_text_sgr_end(out, on);
		pm_buf_putc(out, ' ');
		pm_text_message(out, r);
		pm_buf_puts(out, "  ");
		pm_text_source(out, r);
		pm_buf_putc(out, '\n');
	}
}

/* "post-mortem: due 2024-01-19; linked: URL".  Left out for an optional
 * post-mortem that nobody linked or waived: there is nothing to say. */
static void
pm_text_postmortem(struct pm_buf *out, const struct pm_report *rep)
{
	const char *link = pm_text_value(rep->hf, PM_F_POSTMORTEM_LINK);
	const char *waived = pm_text_value(rep->hf, PM_F_POSTMORTEM_WAIVED);
	bool pending = rep->verdict >= PM_VERDICT_RECOMMENDED;
	if (link == NULL && waived == NULL && !pending)
		return;

	pm_buf_puts(out, "  post-mortem: ");
	if (rep->has_due) {
		pm_buf_puts(out, "due ");
		pm_render_day(out, rep->due_day);
		pm_buf_puts(out, "; ");
	}
	if (link) {
		pm_buf_puts(out, "linked: ");
		pm_text_str(out, link);
	}
	if (waived) {
		pm_buf_puts(out, link ? "; waived: " : "waived: ");
		pm_text_str(out, waived);
	}
	if (link == NULL && waived == NULL)
		pm_buf_puts(out, "no link or waiver yet");
	pm_buf_putc(out, '\n');
}

/* Only a failing gate is worth a line: it is what makes the exit status 1. */
static void
pm_text_gate(struct pm_buf *out, const struct pm_report *rep,
             const struct pm_render_opts *opts)
{
	if (!pm_gate_fails(rep, opts->fail_on))
		return;
	pm_buf_puts(out, "  gate: ");
	bool on = pm_text_sgr(out, opts,
	    pm_text_verdicts[PM_VERDICT_REQUIRED].sgr);
	pm_buf_puts(out, "fail");
	pm_text_sgr_end(out, on);
	pm_buf_printf(out, " under --fail-on %s\n",
	    pm_verdict_name(opts->fail_on));
}

static void
pm_text_notes(struct pm_buf *out, const struct pm_report *rep,
              const struct pm_render_opts *opts)
{
	for (size_t i = 0; i < rep->nnotes; i++) {
		const struct pm_note *n = &rep->notes[i];
		bool on = pm_text_sgr(out, opts, PM_SGR_BOLD);
		pm_text_file(out, opts);
		if (n->pos.line > 0)
			pm_buf_printf(out, ":%u:%u", (unsigned)n->pos.line,
			    (unsigned)n->pos.column);
		pm_buf_putc(out, ':');
		pm_text_sgr_end(out, on);
		pm_buf_putc(out, ' ');
		on = pm_text_sgr(out, opts, PM_SGR_WARNING);
		pm_text_str(out, n->severity ? n->severity : "warning");
		pm_buf_putc(out, ':');
		pm_text_sgr_end(out, on);
		pm_buf_putc(out, ' ');
		pm_text_str(out, n->message);
		if (n->code) {
			pm_buf_puts(out, " [");
			pm_text_str(out, n->code);
			pm_buf_putc(out, ']');
		}
		pm_buf_putc(out, '\n');
	}
}

void
pm_render_text(struct pm_buf *out, const struct pm_report *rep,
               const struct pm_render_opts *opts)
{
	pm_text_header(out, rep, opts);
	pm_text_triggers(out, rep, opts);
	pm_text_postmortem(out, rep);
	pm_text_gate(out, rep, opts);
	pm_text_notes(out, rep, opts);
}
