/*
 * The `gcc` and `github` formats: annotations, each a finding that points at
 * a place in the file, for editors, grep and CI.  Both say the same things:
 * the verdict at the title's line (an error when the --fail-on gate fails, a
 * note otherwise), the fired triggers with their heaviest reason, the
 * decisive signals and the review notes; `gcc` gives each its own
 * "FILE:LINE:COL: SEVERITY: MESSAGE [CODE]" line, `github` folds the triggers
 * and decisive signals into the verdict's annotation, because GitHub shows
 * only a few annotations per step.
 *
 * Messages are first put together raw (our words and input text alike) in a
 * scratch buffer, then escaped as a whole for the format: pm_escape_term()
 * for gcc, pm_escape_github_data() for github.  Nothing from the input can
 * therefore reach the output unescaped, and no line break from the input can
 * end a line early.
 *
 * A finding that has no place in the file (a default, a derived fact) points
 * at the title, which every valid input has; gcc falls back to 1:1 and github
 * to a file-level annotation when even that is unknown.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "pm_buf.h"
#include "pm_error.h"
#include "pm_escape.h"
#include "pm_model.h"
#include "pm_render.h"
#include "pm_report.h"
#include "pm_rules.h"

static void
pm_annot_str(struct pm_buf *raw, const char *s)
{
	if (s != NULL)
		pm_buf_puts(raw, s);
}

/* The string of a STR value of the hotfix, or NULL when it is absent. */
static const char *
pm_annot_value(const struct pm_report *rep, enum pm_field f)
{
	if (rep->hf == NULL)
		return NULL;
	const struct pm_value *v = &rep->hf->f[f];
	if ((v->type != PM_V_STR && v->type != PM_V_ENUM) || v->s == NULL)
		return NULL;
	return v->s;
}

/* POS, or the title's place when POS is not in the file. */
static struct pm_pos
pm_annot_pos(const struct pm_report *rep, struct pm_pos pos)
{
	if (pos.line > 0 || rep->hf == NULL)
		return pos;
	return rep->hf->f[PM_F_TITLE].pos;
}

static const char *
pm_annot_file(const struct pm_render_opts *opts)
{
	return opts->file ? opts->file : "<stdin>";
}

/* The reason with the most points; the first in table order on a tie. */
static const struct pm_reason *
pm_annot_top_reason(const struct pm_trigger_result *tr)
{
	const struct pm_reason *top = NULL;
	for (size_t i = 0; i < tr->nreasons; i++)
		if (top == NULL || tr->reasons[i].points > top->points)
			top = &tr->reasons[i];
	return top;
}

static const char *
pm_annot_rule_id(const struct pm_reason *r)
{
	return r->rule && r->rule->id ? r->rule->id : "?";
}

static const char *
pm_annot_reason_message(const struct pm_reason *r)
{
	return r->message ? r->message : pm_annot_rule_id(r);
}

/* "error" when the gate fails (it is what makes the exit status 1), "note"
 * otherwise: a verdict the run accepts is information, not a problem. */
static const char *
pm_annot_verdict_level(const struct pm_report *rep,
                       const struct pm_render_opts *opts)
{
	return pm_gate_fails(rep, opts->fail_on) ? "error" : "note";
}

/*
 * "post-mortem required: 3 of 4 triggers fired (recurrence, cross_team,
 * stakeholder); decisive: data_loss; due 2024-02-19, no link or waiver yet".
 * The link or the waiver is quoted when there is one; an optional verdict
 * without either says nothing about it.
 */
static void
pm_annot_summary(struct pm_buf *raw, const struct pm_report *rep)
{
	pm_buf_printf(raw, "post-mortem %s: ", pm_verdict_name(rep->verdict));
	size_t fired = 0;
	for (int t = 0; t < PM_TRIGGER_COUNT; t++)
		fired += rep->triggers[t].fired;
	if (fired == 0)
		pm_buf_puts(raw, "no trigger fired");
	else
		pm_buf_printf(raw, "%zu of %d triggers fired (", fired,
		    (int)PM_TRIGGER_COUNT);
	bool any = false;
	for (int t = 0; t < PM_TRIGGER_COUNT; t++) {
		if (!rep->triggers[t].fired)
			continue;
		pm_buf_printf(raw, "%s%s", any ? ", " : "",
		    pm_trigger_id((enum pm_trigger)t));
		any = true;
	}
	if (fired > 0)
		pm_buf_putc(raw, ')');
	for (size_t i = 0; i < rep->ndecisive; i++) {
		pm_buf_puts(raw, i == 0 ? "; decisive: " : ", ");
		pm_buf_puts(raw, pm_annot_rule_id(&rep->decisive[i]));
	}

	const char *link = pm_annot_value(rep, PM_F_POSTMORTEM_LINK);
	const char *waived = pm_annot_value(rep, PM_F_POSTMORTEM_WAIVED);
	if (link) {
		pm_buf_puts(raw, "; linked: ");
		pm_buf_puts(raw, link);
	}
	if (waived) {
		pm_buf_puts(raw, "; waived: ");
		pm_buf_puts(raw, waived);
	}
	if (link == NULL && waived == NULL &&
	    rep->verdict >= PM_VERDICT_RECOMMENDED) {
		pm_buf_puts(raw, "; ");
		if (rep->has_due) {
			pm_buf_puts(raw, "due ");
			pm_render_day(raw, rep->due_day);
			pm_buf_puts(raw, ", ");
		}
		pm_buf_puts(raw, "no link or waiver yet");
	}
}

/* "recurrence fired (100/50): the same problem happened 2 times before". */
static void
pm_annot_trigger(struct pm_buf *raw, const struct pm_trigger_result *tr,
                 enum pm_trigger t)
{
	pm_buf_printf(raw, "%s fired (%d/%d)", pm_trigger_id(t), tr->score,
	    tr->threshold);
	const struct pm_reason *top = pm_annot_top_reason(tr);
	if (top) {
		pm_buf_puts(raw, ": ");
		pm_buf_puts(raw, pm_annot_reason_message(top));
	}
}

/* "decisive signal data_loss: data was lost". */
static void
pm_annot_decisive(struct pm_buf *raw, const struct pm_reason *r)
{
	pm_buf_puts(raw, "decisive signal ");
	pm_buf_puts(raw, pm_annot_rule_id(r));
	pm_buf_puts(raw, ": ");
	pm_buf_puts(raw, pm_annot_reason_message(r));
}

/* ---- gcc ---------------------------------------------------------------- */

static void
pm_gcc_term(struct pm_buf *out, const char *s, size_t len)
{
	pm_escape_term(out, s, len, false);
}

/* "FILE:LINE:COL: LEVEL: " -- tools need the line and column, so a place
 * outside the file becomes the file's start. */
static void
pm_gcc_head(struct pm_buf *out, const struct pm_render_opts *opts,
            struct pm_pos pos, const char *level)
{
	const char *file = pm_annot_file(opts);
	/* The name starts the line: see pm_escape_term_start. */
	pm_escape_term_start(out, file, strlen(file));
	if (pos.line == 0)
		pos = (struct pm_pos){ .line = 1, .column = 1 };
	pm_buf_printf(out, ":%u:%u: ", (unsigned)pos.line,
	    (unsigned)(pos.column ? pos.column : 1));
	pm_gcc_term(out, level, strlen(level));
	pm_buf_puts(out, ": ");
}

/* One whole line: head, RAW escaped, " [CODE]". */
static void
pm_gcc_line(struct pm_buf *out, const struct pm_render_opts *opts,
            struct pm_pos pos, const char *level, const struct pm_buf *raw,
            const char *code)
{
	pm_gcc_head(out, opts, pos, level);
	pm_gcc_term(out, raw->data, raw->len);
	pm_buf_puts(out, " [");
	/* Codes are ours, but rule ids may come from a configuration. */
	pm_gcc_term(out, code, strlen(code));
	pm_buf_puts(out, "]\n");
}

void
pm_render_gcc(struct pm_buf *out, const struct pm_report *rep,
              const struct pm_render_opts *opts)
{
	struct pm_buf raw = PM_BUF_INIT;
	struct pm_pos none = { 0 };

	pm_annot_summary(&raw, rep);
	pm_gcc_line(out, opts, pm_annot_pos(rep, none),
	    pm_annot_verdict_level(rep, opts), &raw, "verdict");

	for (int t = 0; t < PM_TRIGGER_COUNT; t++) {
		const struct pm_trigger_result *tr = &rep->triggers[t];
		if (!tr->fired)
			continue;
		const struct pm_reason *top = pm_annot_top_reason(tr);
		pm_buf_clear(&raw);
		pm_annot_trigger(&raw, tr, (enum pm_trigger)t);
		pm_gcc_line(out, opts, pm_annot_pos(rep, top ? top->pos : none),
		    "note", &raw, "trigger");
	}

	for (size_t i = 0; i < rep->ndecisive; i++) {
		const struct pm_reason *r = &rep->decisive[i];
		pm_buf_clear(&raw);
		pm_annot_decisive(&raw, r);
		pm_gcc_line(out, opts, pm_annot_pos(rep, r->pos), "note", &raw,
		    "decisive");
	}

	for (size_t i = 0; i < rep->nnotes; i++) {
		const struct pm_note *n = &rep->notes[i];
		pm_buf_clear(&raw);
		pm_annot_str(&raw, n->message);
		pm_gcc_line(out, opts, pm_annot_pos(rep, n->pos),
		    n->severity ? n->severity : "warning", &raw,
		    n->code ? n->code : "note");
	}
	pm_buf_free(&raw);
}

void
pm_render_gcc_error(struct pm_buf *out, const struct pm_error *err,
                    const struct pm_render_opts *opts)
{
	struct pm_pos pos = { .line = err->line, .column = err->column };
	pm_gcc_head(out, opts, pos, "error");
	/* The struct's arrays are NUL-terminated by pm_error_set, but a
	 * bounded length keeps a hand-filled struct from being over-read. */
	size_t plen = strnlen(err->path, sizeof(err->path));
	if (plen > 0) {
		pm_gcc_term(out, err->path, plen);
		pm_buf_puts(out, ": ");
	}
	pm_gcc_term(out, err->message, strnlen(err->message,
	    sizeof(err->message)));
	const char *code = pm_errcode_name(err->code);
	pm_buf_puts(out, " [");
	pm_gcc_term(out, code, strlen(code));
	pm_buf_puts(out, "]\n");
}

/* ---- github --------------------------------------------------------------- */

/* gcc's severity words to workflow commands; anything else is a warning. */
static const struct {
	const char *level;
	const char *command;
} pm_github_levels[] = {
	{ .level = "error", .command = "error" },
	{ .level = "warning", .command = "warning" },
	{ .level = "note", .command = "notice" },
};

static const char *
pm_github_command(const char *level)
{
	for (size_t i = 0; i < sizeof(pm_github_levels) /
	    sizeof(pm_github_levels[0]); i++)
		if (level && strcmp(level, pm_github_levels[i].level) == 0)
			return pm_github_levels[i].command;
	return "warning";
}

static void
pm_github_prop(struct pm_buf *out, const char *s)
{
	pm_escape_github_property(out, s, strlen(s));
}

/* "::COMMAND file=F,line=L,col=C,title=T::" -- no line and col for a place
 * outside the file: GitHub then annotates the file as a whole. */
static void
pm_github_head(struct pm_buf *out, const struct pm_render_opts *opts,
               const char *level, struct pm_pos pos, const char *title)
{
	pm_buf_printf(out, "::%s file=", pm_github_command(level));
	pm_github_prop(out, pm_annot_file(opts));
	if (pos.line > 0)
		pm_buf_printf(out, ",line=%u,col=%u", (unsigned)pos.line,
		    (unsigned)(pos.column ? pos.column : 1));
	pm_buf_puts(out, ",title=");
	pm_github_prop(out, title);
	pm_buf_puts(out, "::");
}

static void
pm_github_data(struct pm_buf *out, const struct pm_buf *raw)
{
	pm_escape_github_data(out, raw->data, raw->len);
}

void
pm_render_github(struct pm_buf *out, const struct pm_report *rep,
                 const struct pm_render_opts *opts)
{
	struct pm_buf raw = PM_BUF_INIT;
	struct pm_buf title = PM_BUF_INIT;
	struct pm_pos none = { 0 };

	pm_buf_printf(&title, "pmcheck: post-mortem %s",
	    pm_verdict_name(rep->verdict));
	pm_github_head(out, opts, pm_annot_verdict_level(rep, opts),
	    pm_annot_pos(rep, none), title.data);
	pm_annot_summary(&raw, rep);
	pm_github_data(out, &raw);
	/* "%0A" is GitHub's line break inside an annotation.  Only we write
	 * it, and each line it starts begins with our words. */
	for (int t = 0; t < PM_TRIGGER_COUNT; t++) {
		const struct pm_trigger_result *tr = &rep->triggers[t];
		if (!tr->fired)
			continue;
		pm_buf_clear(&raw);
		pm_annot_trigger(&raw, tr, (enum pm_trigger)t);
		pm_buf_puts(out, "%0A");
		pm_github_data(out, &raw);
	}
	for (size_t i = 0; i < rep->ndecisive; i++) {
		pm_buf_clear(&raw);
		pm_annot_decisive(&raw, &rep->decisive[i]);
		pm_buf_puts(out, "%0A");
		pm_github_data(out, &raw);
	}
	pm_buf_putc(out, '\n');

	for (size_t i = 0; i < rep->nnotes; i++) {
		const struct pm_note *n = &rep->notes[i];
		pm_buf_clear(&title);
		pm_buf_puts(&title, "pmcheck: ");
		pm_annot_str(&title, n->code ? n->code : "note");
		pm_github_head(out, opts, n->severity ? n->severity : "warning",
		    pm_annot_pos(rep, n->pos), title.data);
		pm_buf_clear(&raw);
		pm_annot_str(&raw, n->message);
		pm_github_data(out, &raw);
		pm_buf_putc(out, '\n');
	}
	pm_buf_free(&title);
	pm_buf_free(&raw);
}

void
pm_render_github_error(struct pm_buf *out, const struct pm_error *err,
                       const struct pm_render_opts *opts)
{
	struct pm_buf raw = PM_BUF_INIT;
	struct pm_pos pos = { .line = err->line, .column = err->column };

	pm_buf_printf(&raw, "pmcheck: invalid input (%s)",
	    pm_errcode_name(err->code));
	pm_github_head(out, opts, "error", pos, raw.data);
	pm_buf_clear(&raw);
	size_t plen = strnlen(err->path, sizeof(err->path));
	if (plen > 0) {
		pm_buf_put(&raw, err->path, plen);
		pm_buf_puts(&raw, ": ");
	}
	pm_buf_put(&raw, err->message, strnlen(err->message,
	    sizeof(err->message)));
	pm_github_data(out, &raw);
	pm_buf_putc(out, '\n');
	pm_buf_free(&raw);
}
