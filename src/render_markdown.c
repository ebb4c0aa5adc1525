/*
 * The Markdown renderer, pmcheck's default output.  It has two parts.  The
 * recommendation (verdict, the four triggers, every reason, review notes)
 * says whether a post-mortem is due and why.  The skeleton below a thematic
 * break is the post-mortem itself, pre-filled from the input and shaped by
 * what fired, so that writing it starts from facts instead of a blank page:
 * the sections a fired trigger asks for come from a table indexed by
 * trigger, and lists of facts come from tables of {label, field, kind}.
 *
 * Every byte that comes from the input, or from a rule that a configuration
 * file may have written, goes through pm_escape_md_inline() or
 * pm_escape_md_block(): no input can open a heading, add a table cell, make
 * a link, inject HTML or a mention, or reach a terminal raw.  A last pass
 * over the bytes this renderer wrote strips blanks at line ends and folds
 * runs of blank lines, so the shape of the output never depends on the
 * blanks the input happens to hold.  Nothing here reads the clock: the same
 * report always gives the same bytes.
 */
#include <ctype.h>
#include <inttypes.h>
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

/* Placeholder for a core header field that the input does not give. */
#define MD_DASH "—"
#define MD_TO_FILL "_to fill_"

/* A reason's value can be a whole list; past this many characters it is cut
 * so that one reason stays one readable line. */
#define MD_VALUE_MAX 80

struct md {
	struct pm_buf *out;
	size_t start;                /* where this report's bytes begin in OUT */
	const struct pm_report *rep;
	const struct pm_hotfix *hf;
	struct pm_buf cell;          /* scratch: one value, to learn if it is empty */
};

/* How a row of facts turns its field into text. */
enum md_kind {
	MD_PLAIN,       /* by value type: text, enum name, yes/no, time, list */
	MD_MINUTES,     /* integer minutes as "2h 16m" */
	MD_PERCENT,     /* fraction 0..1 as "35%" */
	MD_DAY,         /* a date as YYYY-MM-DD */
	MD_TEAMS,       /* "Web (owner), Payments (responder)" */
	MD_STATUS,      /* always "Draft": pmcheck writes the first version */
	MD_OWNER,       /* postmortem.owner, or a prompt to assign one */
	MD_DUE          /* the report's due day, marked when it comes from severity */
};

struct md_row {
	const char *label;
	enum pm_field field;
	enum md_kind kind;
	bool core;      /* header table: show a dash rather than drop the row */
};

/* ---- Values -------------------------------------------------------------- */

static bool
md_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!isspace((unsigned char)s[i]))
			return false;
	return true;
}

/* The value of F, or NULL when it is absent, an empty list or blank text:
 * every section lists only what is known. */
static const struct pm_value *
md_known(const struct pm_value *v)
{
	if (v == NULL)
		return NULL;
	switch (v->type) {
	case PM_V_NONE:
		return NULL;
	case PM_V_LIST:
	case PM_V_MAP:
		return v->count > 0 && v->items != NULL ? v : NULL;
	case PM_V_STR:
	case PM_V_ENUM:
		return v->s != NULL && !md_blank(v->s, v->len) ? v : NULL;
	default:
		return v;
	}
}

static const struct pm_value *
md_field(const struct md *md, enum pm_field f)
{
	return md_known(&md->hf->f[f]);
}

/* Field I of one map entry (a team, an action item, a timeline event). */
static const struct pm_value *
md_entry(const struct pm_value *map, size_t i)
{
	if (map == NULL || map->type != PM_V_MAP || map->items == NULL ||
	    i >= map->count)
		return NULL;
	return md_known(&map->items[i]);
}

static bool
md_is_true(const struct md *md, enum pm_field f)
{
	const struct pm_value *v = md_field(md, f);

	return v != NULL && v->type == PM_V_BOOL && v->u.b;
}

static bool
md_is_false(const struct md *md, enum pm_field f)
{
	const struct pm_value *v = md_field(md, f);

	return v != NULL && v->type == PM_V_BOOL && !v->u.b;
}

/* Inline text with its outer blanks dropped, so that a heading or a cell
 * never ends in spaces; PLACEHOLDER (ours, not escaped) when nothing is left. */
static void
md_text_or(struct pm_buf *b, const char *s, size_t len, const char *placeholder)
{
	if (s != NULL) {
		while (len > 0 && isspace((unsigned char)s[0])) {
			s++;
			len--;
		}
		while (len > 0 && isspace((unsigned char)s[len - 1]))
			len--;
	}
	if (s == NULL || len == 0) {
		if (placeholder != NULL)
			pm_buf_puts(b, placeholder);
		return;
	}
	pm_escape_md_inline(b, s, len);
}

static void
md_text(struct pm_buf *b, const char *s, size_t len)
{
	md_text_or(b, s, len, NULL);
}

static void
md_str(struct pm_buf *b, const char *s)
{
	if (s != NULL)
		md_text(b, s, strlen(s));
}

/* A rule's sentence used inside one of ours: without its final full stop,
 * which ours adds. */
static void
md_phrase(struct pm_buf *b, const char *s)
{
	size_t len;

	if (s == NULL)
		return;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == '.' || isspace((unsigned char)s[len - 1])))
		len--;
	md_text(b, s, len);
}

/* A dotted path or an id in a code span.  Escapes do not work inside code
 * spans, so anything but plain identifier characters (a path from a config
 * file could hold a backtick) is written as escaped text instead. */
static void
md_code(struct pm_buf *b, const char *s)
{
	size_t len;

	if (s == NULL)
		return;
	len = strlen(s);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!isalnum(c) && c != '_' && c != '.' && c != '-' &&
		    c != '[' && c != ']') {
			md_text(b, s, len);
			return;
		}
	}
	if (len == 0)
		return;
	pm_buf_putc(b, '`');
	pm_buf_put(b, s, len);
	pm_buf_putc(b, '`');
}

/* S cut after MD_VALUE_MAX characters (never inside a UTF-8 sequence),
 * escaped, with an ellipsis when cut. */
static void
md_text_short(struct pm_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len, at = 0, chars = 0;

	if (s == NULL)
		return;
	len = strlen(s);
	while (at < len && chars < MD_VALUE_MAX) {
		uint32_t cp;
		size_t n = pm_utf8_decode(p + at, len - at, &cp);

		at += n ? n : 1;
		chars++;
	}
	md_text(b, s, at);
	if (at < len)
		pm_buf_puts(b, "…");
}

/* True for "feature_flag", "sev2", "third_party": letters and digits with
 * "_" or "-" only inside, which CommonMark cannot read as structure (an
 * underscore inside a word opens no emphasis). */
static bool
md_is_ident(const char *s, size_t len)
{
	if (len == 0 || !isalnum((unsigned char)s[0]) ||
	    !isalnum((unsigned char)s[len - 1]))
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!isalnum(c) && c != '_' && c != '-')
			return false;
	}
	return true;
}

/* An enum's canonical name comes from the schema, not the input: printed as
 * is when it is a plain identifier, so "feature_flag" does not read as
 * "feature\_flag" in the raw Markdown; escaped otherwise, in case a future
 * schema holds something else. */
static void
md_put_enum(struct pm_buf *b, const struct pm_value *v)
{
	if (v->s != NULL && md_is_ident(v->s, v->len))
		pm_buf_put(b, v->s, v->len);
	else
		md_text(b, v->s, v->len);
}

static void
md_put_value(struct pm_buf *b, const struct pm_value *v)
{
	switch (v->type) {
	case PM_V_BOOL:
		pm_buf_puts(b, v->u.b ? "yes" : "no");
		break;
	case PM_V_INT:
		pm_buf_printf(b, "%" PRId64, v->u.i);
		break;
	case PM_V_NUM:
		pm_buf_printf(b, "%g", v->u.n);
		break;
	case PM_V_STR:
		md_text(b, v->s, v->len);
		break;
	case PM_V_ENUM:
		md_put_enum(b, v);
		break;
	case PM_V_TIME:
		pm_render_time(b, v);
		break;
	case PM_V_LIST: {
		bool first = true;

		for (size_t i = 0; i < v->count; i++) {
			if (md_known(&v->items[i]) == NULL)
				continue;
			if (!first)
				pm_buf_puts(b, ", ");
			md_put_value(b, &v->items[i]);
			first = false;
		}
		break;
	}
	case PM_V_NONE:
	case PM_V_MAP:
		break;
	}
}

static void
md_put_day(struct pm_buf *b, const struct pm_value *v)
{
	if (v->type == PM_V_TIME)
		pm_render_day(b, pm_floor_div(v->u.t.epoch, 86400));
	else
		md_put_value(b, v);
}

/* A fraction as a percentage, to a tenth at most ("35%", "12.5%").  Integer
 * arithmetic after one rounding, so that 0.35 does not print as 35.0000001
 * and no libm is needed. */
static void
md_put_percent(struct pm_buf *b, const struct pm_value *v)
{
	double f = v->type == PM_V_INT ? (double)v->u.i : v->u.n;
	int64_t tenths;

	if (v->type != PM_V_INT && v->type != PM_V_NUM)
		return;
	if (f < 0)
		f = 0;
	if (f > 100)    /* keeps the product far from int64_t overflow */
		f = 100;
	tenths = (int64_t)(f * 1000.0 + 0.5);
	if (tenths % 10 == 0)
		pm_buf_printf(b, "%" PRId64 "%%", tenths / 10);
	else
		pm_buf_printf(b, "%" PRId64 ".%" PRId64 "%%", tenths / 10,
		    tenths % 10);
}

/* A team entry is a map {name, role}; a bare string is accepted too in case
 * the parser ever keeps one as written. */
static const struct pm_value *
md_team_name(const struct pm_value *team)
{
	if (team->type == PM_V_STR)
		return md_known(team);
	return md_entry(team, PM_TEAM_NAME);
}

static void
md_put_teams(struct pm_buf *b, const struct pm_value *teams)
{
	bool first = true;

	for (size_t i = 0; i < teams->count; i++) {
		const struct pm_value *name = md_team_name(&teams->items[i]);
		const struct pm_value *role = md_entry(&teams->items[i],
		    PM_TEAM_ROLE);

		if (name == NULL)
			continue;
		if (!first)
			pm_buf_puts(b, ", ");
		md_put_value(b, name);
		if (role != NULL) {
			pm_buf_puts(b, " (");
			md_put_value(b, role);
			pm_buf_putc(b, ')');
		}
		first = false;
	}
}

/* Appends ROW's value to B; appends nothing when the value is not known. */
static void
md_row_value(const struct md *md, struct pm_buf *b, const struct md_row *row)
{
	const struct pm_value *v = row->field != PM_F_NONE ?
	    md_field(md, row->field) : NULL;

	switch (row->kind) {
	case MD_STATUS:
		pm_buf_puts(b, "**Draft**");
		return;
	case MD_OWNER:
		if (v != NULL)
			md_put_value(b, v);
		else
			pm_buf_puts(b, "_to be assigned_");
		return;
	case MD_DUE:
		if (!md->rep->has_due)
			return;
		pm_render_day(b, md->rep->due_day);
		if (!md->rep->due_from_input)
			pm_buf_puts(b, " (from severity)");
		return;
	default:
		break;
	}
	if (v == NULL)
		return;
	switch (row->kind) {
	case MD_MINUTES:
		if (v->type == PM_V_INT && v->u.i >= 0)
			pm_render_minutes(b, v->u.i);
		break;
	case MD_PERCENT:
		md_put_percent(b, v);
		break;
	case MD_DAY:
		md_put_day(b, v);
		break;
	case MD_TEAMS:
		if (v->type == PM_V_LIST)
			md_put_teams(b, v);
		break;
	default:
		md_put_value(b, v);
		break;
	}
}

/* ---- Blocks -------------------------------------------------------------- */

/* Starts a block: one blank line after whatever came before in this report.
 * Every block ends with a newline, so this adds exactly one more. */
static void
md_begin(struct md *md)
{
	struct pm_buf *out = md->out;

	if (out->len == md->start)
		return;
	if (out->data[out->len - 1] != '\n')
		pm_buf_putc(out, '\n');
	pm_buf_putc(out, '\n');
}

static void
md_heading(struct md *md, int level, const char *title)
{
	md_begin(md);
	pm_buf_repeat(md->out, '#', (size_t)level);
	pm_buf_putc(md->out, ' ');
	pm_buf_puts(md->out, title);
	pm_buf_putc(md->out, '\n');
}

/* A paragraph of our own text (no input in it). */
static void
md_para(struct md *md, const char *text)
{
	md_begin(md);
	pm_buf_puts(md->out, text);
	pm_buf_putc(md->out, '\n');
}

/* Multi-line input text as paragraphs. */
static void
md_block(struct md *md, const struct pm_value *v)
{
	const char *s = v->s;
	size_t len = v->len;

	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	md_begin(md);
	pm_escape_md_block(md->out, s, len);
	pm_buf_putc(md->out, '\n');
}

/* ROWS as a bullet list "- Label: value" of the known ones; returns how many. */
static size_t
md_rows_list(struct md *md, const struct md_row *rows, size_t nrows)
{
	size_t n = 0;

	for (size_t i = 0; i < nrows; i++) {
		pm_buf_clear(&md->cell);
		md_row_value(md, &md->cell, &rows[i]);
		if (md->cell.len == 0)
			continue;
		if (n++ == 0)
			md_begin(md);
		pm_buf_printf(md->out, "- %s: ", rows[i].label);
		pm_buf_put(md->out, md->cell.data, md->cell.len);
		pm_buf_putc(md->out, '\n');
	}
	return n;
}

/* ROWS as a two-column table; a core row without value shows a dash. */
static void
md_rows_table(struct md *md, const struct md_row *rows, size_t nrows)
{
	md_begin(md);
	pm_buf_puts(md->out, "| Field | Value |\n|---|---|\n");
	for (size_t i = 0; i < nrows; i++) {
		pm_buf_clear(&md->cell);
		md_row_value(md, &md->cell, &rows[i]);
		if (md->cell.len == 0 && !rows[i].core)
			continue;
		pm_buf_printf(md->out, "| %s | ", rows[i].label);
		if (md->cell.len == 0)
			pm_buf_puts(md->out, MD_DASH);
		else
			pm_buf_put(md->out, md->cell.data, md->cell.len);
		pm_buf_puts(md->out, " |\n");
	}
}

/* "Id — Title", or the title alone when the input has no id. */
static void
md_put_name(struct md *md)
{
	const struct pm_value *id = md_field(md, PM_F_ID);
	const struct pm_value *title = md_field(md, PM_F_TITLE);

	if (id != NULL) {
		md_put_value(md->out, id);
		pm_buf_puts(md->out, " — ");
	}
	if (title != NULL)
		md_put_value(md->out, title);
	else
		pm_buf_puts(md->out, "_untitled_");
}

/* "cross-team": trigger titles are capitalised for tables and headings,
 * and read in lower case inside a sentence. */
static void
md_trigger_lower(struct pm_buf *b, enum pm_trigger t)
{
	const char *title = pm_trigger_title(t);

	if (title == NULL)
		return;
	for (const char *p = title; *p != '\0'; p++)
		pm_buf_putc(b, (char)tolower((unsigned char)*p));
}

/* The reason of T that weighs most: the one the skeleton quotes. */
static const struct pm_reason *
md_top_reason(const struct pm_trigger_result *tr)
{
	const struct pm_reason *top = NULL;

	for (size_t i = 0; i < tr->nreasons; i++)
		if (top == NULL || tr->reasons[i].points > top->points)
			top = &tr->reasons[i];
	return top;
}

static const char *
md_reason_message(const struct pm_reason *r)
{
	if (r->message != NULL && !md_blank(r->message, strlen(r->message)))
		return r->message;
	return r->rule != NULL ? r->rule->id : NULL;
}

/* ---- Recommendation ------------------------------------------------------ */

static void
md_verdict(struct md *md)
{
	const struct pm_report *rep = md->rep;
	struct pm_buf *out = md->out;
	const char *name = pm_verdict_name(rep->verdict);
	size_t nfired = 0;

	for (int t = 0; t < PM_TRIGGER_COUNT; t++)
		if (rep->triggers[t].fired)
			nfired++;

	md_begin(md);
	pm_buf_printf(out, "**Verdict: %s** — ", name != NULL ? name : "unknown");
	if (rep->ndecisive > 0) {
		pm_buf_puts(out, rep->ndecisive == 1 ? "decisive signal: " :
		    "decisive signals: ");
		for (size_t i = 0; i < rep->ndecisive; i++) {
			if (i > 0)
				pm_buf_puts(out, "; ");
			md_phrase(out, md_reason_message(&rep->decisive[i]));
		}
		if (nfired > 0)
			pm_buf_puts(out, "; ");
	}
	if (nfired > 0) {
		bool first = true;

		pm_buf_printf(out, "%zu of %d %s fired (", nfired,
		    PM_TRIGGER_COUNT, PM_TRIGGER_COUNT == 1 ? "trigger" : "triggers");
		for (int t = 0; t < PM_TRIGGER_COUNT; t++) {
			if (!rep->triggers[t].fired)
				continue;
			if (!first)
				pm_buf_puts(out, ", ");
			md_trigger_lower(out, (enum pm_trigger)t);
			first = false;
		}
		pm_buf_putc(out, ')');
	} else if (rep->ndecisive == 0) {
		pm_buf_puts(out, "no trigger fired");
	}
	pm_buf_puts(out, ".\n");

	if (md_field(md, PM_F_POSTMORTEM_LINK) != NULL) {
		md_begin(md);
		pm_buf_puts(out, "Post-mortem: ");
		md_put_value(out, md_field(md, PM_F_POSTMORTEM_LINK));
		pm_buf_putc(out, '\n');
	}
	if (md_field(md, PM_F_POSTMORTEM_WAIVED) != NULL) {
		md_begin(md);
		pm_buf_puts(out, "Waived: ");
		md_put_value(out, md_field(md, PM_F_POSTMORTEM_WAIVED));
		pm_buf_putc(out, '\n');
	}
}

static void
md_trigger_table(struct md *md)
{
	struct pm_buf *out = md->out;

	md_begin(md);
	pm_buf_puts(out, "| Trigger | Score | Threshold | Fired |\n"
	    "|---|---:|---:|:---:|\n");
	for (int t = 0; t < PM_TRIGGER_COUNT; t++) {
		const struct pm_trigger_result *tr = &md->rep->triggers[t];

		pm_buf_puts(out, "| ");
		md_str(out, pm_trigger_title((enum pm_trigger)t));
		pm_buf_printf(out, " | %d | %d | %s |\n", tr->score,
		    tr->threshold, tr->fired ? "yes" : tr->disabled ? "off" : "no");
	}
}

/* Opens the parenthesis at the first part, separates the next ones. */
static void
md_paren(struct pm_buf *b, size_t *n)
{
	pm_buf_puts(b, (*n)++ == 0 ? " (" : ", ");
}

/* " (`field` = value, line 14, rule `id`)", or nothing when none is known. */
static void
md_reason_source(struct pm_buf *b, const struct pm_reason *r)
{
	size_t n = 0;

	if (r->field != NULL && r->field[0] != '\0') {
		md_paren(b, &n);
		md_code(b, r->field);
		if (r->value != NULL && !md_blank(r->value, strlen(r->value))) {
			pm_buf_puts(b, " = ");
			md_text_short(b, r->value);
		}
	}
	if (r->pos.line > 0) {
		md_paren(b, &n);
		pm_buf_printf(b, "line %" PRIu32, r->pos.line);
	}
	if (r->rule != NULL && r->rule->id != NULL && r->rule->id[0] != '\0') {
		md_paren(b, &n);
		pm_buf_puts(b, "rule ");
		md_code(b, r->rule->id);
	}
	if (n > 0)
		pm_buf_putc(b, ')');
}

static void
md_reasons(struct md *md)
{
	const struct pm_report *rep = md->rep;
	struct pm_buf *out = md->out;
	size_t n = 0;

	md_para(md, "**Why**");
	md_begin(md);
	for (int t = 0; t < PM_TRIGGER_COUNT; t++) {
		const struct pm_trigger_result *tr = &rep->triggers[t];

		for (size_t i = 0; i < tr->nreasons; i++, n++) {
			const struct pm_reason *r = &tr->reasons[i];

			pm_buf_puts(out, "- **");
			md_str(out, pm_trigger_title((enum pm_trigger)t));
			pm_buf_printf(out, " %+d** — ", r->points);
			md_phrase(out, md_reason_message(r));
			md_reason_source(out, r);
			pm_buf_putc(out, '\n');
		}
	}
	for (size_t i = 0; i < rep->ndecisive; i++, n++) {
		const struct pm_reason *r = &rep->decisive[i];

		pm_buf_puts(out, "- **Decisive** — ");
		md_phrase(out, md_reason_message(r));
		md_reason_source(out, r);
		pm_buf_putc(out, '\n');
	}
	if (n == 0)
		pm_buf_puts(out, "- No rule matched this input.\n");
}

static void
md_notes(struct md *md)
{
	const struct pm_report *rep = md->rep;
	struct pm_buf *out = md->out;

	if (rep->nnotes == 0)
		return;
	md_para(md, "**Review notes**");
	md_begin(md);
	for (size_t i = 0; i < rep->nnotes; i++) {
		const struct pm_note *note = &rep->notes[i];

		pm_buf_puts(out, "- ");
		if (note->pos.line > 0 && note->pos.column > 0)
			pm_buf_printf(out, "line %" PRIu32 ", column %" PRIu32 ": ",
			    note->pos.line, note->pos.column);
		else if (note->pos.line > 0)
			pm_buf_printf(out, "line %" PRIu32 ": ", note->pos.line);
		md_text_or(out, note->message,
		    note->message != NULL ? strlen(note->message) : 0, "");
		if (note->code != NULL && note->code[0] != '\0') {
			pm_buf_puts(out, " (");
			md_code(out, note->code);
			pm_buf_putc(out, ')');
		}
		pm_buf_putc(out, '\n');
	}
}

/* ---- Skeleton: fixed sections -------------------------------------------- */

static const struct md_row md_header_rows[] = {
	{ .label = "ID", .field = PM_F_ID, .core = true },
	{ .label = "Title", .field = PM_F_TITLE, .core = true },
	{ .label = "Kind", .field = PM_F_KIND },
	{ .label = "Severity", .field = PM_F_SEVERITY, .core = true },
	{ .label = "Status", .kind = MD_STATUS, .core = true },
	{ .label = "Started", .field = PM_F_STARTED_AT, .core = true },
	{ .label = "Detected", .field = PM_F_DETECTED_AT, .core = true },
	{ .label = "Resolved", .field = PM_F_RESOLVED_AT, .core = true },
	{ .label = "Duration", .field = PM_F_DERIVED_DURATION_MINUTES,
	  .kind = MD_MINUTES },
	{ .label = "Time to detect", .field = PM_F_DERIVED_TIME_TO_DETECT_MINUTES,
	  .kind = MD_MINUTES },
	{ .label = "Detected by", .field = PM_F_DETECTED_BY },
	{ .label = "Service", .field = PM_F_SERVICE, .core = true },
	{ .label = "Components", .field = PM_F_COMPONENTS },
	{ .label = "Teams", .field = PM_F_TEAMS, .kind = MD_TEAMS },
	{ .label = "Post-mortem owner", .field = PM_F_POSTMORTEM_OWNER,
	  .kind = MD_OWNER, .core = true },
	{ .label = "Post-mortem due", .kind = MD_DUE },
	{ .label = "Changes", .field = PM_F_FIX_CHANGES },
};

static const struct md_row md_impact_rows[] = {
	{ .label = "Customer facing", .field = PM_F_IMPACT_CUSTOMER_FACING },
	{ .label = "Users affected", .field = PM_F_IMPACT_USERS_AFFECTED },
	{ .label = "User flows", .field = PM_F_IMPACT_USER_FLOWS },
	{ .label = "Data loss", .field = PM_F_IMPACT_DATA_LOSS },
	{ .label = "Security impact", .field = PM_F_IMPACT_SECURITY },
	{ .label = "Revenue impact", .field = PM_F_IMPACT_REVENUE },
	{ .label = "SLO breached", .field = PM_F_IMPACT_SLO_BREACHED },
	{ .label = "Error budget used", .field = PM_F_IMPACT_ERROR_BUDGET_USED,
	  .kind = MD_PERCENT },
};

static const struct md_row md_root_cause_rows[] = {
	{ .label = "Known", .field = PM_F_ROOT_CAUSE_KNOWN },
	{ .label = "Category", .field = PM_F_ROOT_CAUSE_CATEGORY },
};

static const struct md_row md_detection_rows[] = {
	{ .label = "Detected by", .field = PM_F_DETECTED_BY },
	{ .label = "Started", .field = PM_F_STARTED_AT },
	{ .label = "Detected", .field = PM_F_DETECTED_AT },
	{ .label = "Time to detect", .field = PM_F_DERIVED_TIME_TO_DETECT_MINUTES,
	  .kind = MD_MINUTES },
};

static const struct md_row md_resolution_rows[] = {
	{ .label = "Fix type", .field = PM_F_FIX_TYPE },
	{ .label = "Resolved", .field = PM_F_RESOLVED_AT },
	{ .label = "Duration", .field = PM_F_DERIVED_DURATION_MINUTES,
	  .kind = MD_MINUTES },
	{ .label = "Reviewed", .field = PM_F_FIX_REVIEWED },
	{ .label = "Tests added", .field = PM_F_FIX_TESTS_ADDED },
	{ .label = "Rollback plan", .field = PM_F_FIX_ROLLBACK_PLAN },
	{ .label = "Skipped steps", .field = PM_F_FIX_SKIPPED_STEPS },
	{ .label = "Changes", .field = PM_F_FIX_CHANGES },
};

#define MD_NROWS(a) (sizeof(a) / sizeof((a)[0]))

/* Asked when the root cause is not known: the answer to the fifth "why" is
 * usually a system or process the team can change, not a person. */
static const char *const md_five_whys[] = {
	"_Why did users see the problem?_",
	"_Why did that happen?_",
	"_Why was that possible?_",
	"_Why did nothing stop it earlier?_",
	"_Why does the system allow it? (this is the cause to fix)_",
};

static void md_recurrence(struct md *);
static void md_cross_team(struct md *);
static void md_future_risk(struct md *);
static void md_stakeholder(struct md *);

/* What each fired trigger adds to the skeleton: a sentence under "Why this
 * post-mortem" and a section of its own. */
static const struct md_trigger_part {
	const char *why;
	const char *heading;
	void (*render)(struct md *);
} md_trigger_parts[PM_TRIGGER_COUNT] = {
	[PM_TRIGGER_RECURRENCE] = {
		.why = "It may happen again",
		.heading = "Previous occurrences",
		.render = md_recurrence,
	},
	[PM_TRIGGER_CROSS_TEAM] = {
		.why = "Several teams had to work together",
		.heading = "Teams involved",
		.render = md_cross_team,
	},
	[PM_TRIGGER_FUTURE_RISK] = {
		.why = "The fix itself brings new risk",
		.heading = "Risks introduced by the fix",
		.render = md_future_risk,
	},
	[PM_TRIGGER_STAKEHOLDER] = {
		.why = "Stakeholders need an explanation",
		.heading = "Stakeholder summary",
		.render = md_stakeholder,
	},
};

static void
md_why(struct md *md)
{
	const struct pm_report *rep = md->rep;
	struct pm_buf *out = md->out;
	size_t n = 0;

	md_heading(md, 2, "Why this post-mortem");
	for (int t = 0; t < PM_TRIGGER_COUNT; t++) {
		const struct pm_trigger_result *tr = &rep->triggers[t];
		const struct pm_reason *top = md_top_reason(tr);

		if (!tr->fired)
			continue;
		if (n++ == 0)
			md_begin(md);
		pm_buf_printf(out, "- %s", md_trigger_parts[t].why);
		if (top != NULL && md_reason_message(top) != NULL) {
			pm_buf_puts(out, ": ");
			md_phrase(out, md_reason_message(top));
		}
		pm_buf_puts(out, ".\n");
	}
	for (size_t i = 0; i < rep->ndecisive; i++) {
		if (n++ == 0)
			md_begin(md);
		pm_buf_puts(out, "- It is required whatever the scores: ");
		md_phrase(out, md_reason_message(&rep->decisive[i]));
		pm_buf_puts(out, ".\n");
	}
	if (n == 0)
		md_para(md, "No trigger fired, so this post-mortem is optional. "
		    "A short write-up is still worth it when the fix taught "
		    "something others should know, or when the same area keeps "
		    "needing hotfixes.");
}

static void
md_summary(struct md *md)
{
	const struct pm_value *summary = md_field(md, PM_F_SUMMARY);

	md_heading(md, 2, "Summary");
	if (summary != NULL && summary->type == PM_V_STR)
		md_block(md, summary);
	else
		md_para(md, "_What happened, in two or three plain sentences?_");
}

static void
md_impact(struct md *md)
{
	const struct pm_value *desc = md_field(md, PM_F_IMPACT_DESCRIPTION);
	size_t n;

	md_heading(md, 2, "Impact");
	n = md_rows_list(md, md_impact_rows, MD_NROWS(md_impact_rows));
	if (desc != NULL && desc->type == PM_V_STR)
		md_block(md, desc);
	else if (n == 0)
		md_para(md, "_Who was affected, how many, for how long, and what "
		    "did they see?_");
}

static void
md_timeline(struct md *md)
{
	const struct pm_value *tl = md_field(md, PM_F_TIMELINE);
	struct pm_buf *out = md->out;
	size_t n = 0;

	md_heading(md, 2, "Timeline");
	md_begin(md);
	pm_buf_puts(out, "| Time | Event |\n|---|---|\n");
	for (size_t i = 0; tl != NULL && tl->type == PM_V_LIST &&
	    i < tl->count; i++) {
		const struct pm_value *at = md_entry(&tl->items[i], PM_EVENT_AT);
		const struct pm_value *ev = md_entry(&tl->items[i],
		    PM_EVENT_EVENT);

		if (at == NULL && ev == NULL)
			continue;
		pm_buf_puts(out, "| ");
		if (at != NULL)
			md_put_value(out, at);
		else
			pm_buf_puts(out, MD_TO_FILL);
		pm_buf_puts(out, " | ");
		if (ev != NULL)
			md_put_value(out, ev);
		else
			pm_buf_puts(out, MD_TO_FILL);
		pm_buf_puts(out, " |\n");
		n++;
	}
	if (n == 0)
		pm_buf_puts(out, "| _time_ | _When did it start, when was it "
		    "detected, escalated, fixed, verified?_ |\n");
}

static void
md_root_cause(struct md *md)
{
	const struct pm_value *known = md_field(md, PM_F_ROOT_CAUSE_KNOWN);
	const struct pm_value *cat = md_field(md, PM_F_ROOT_CAUSE_CATEGORY);
	const struct pm_value *desc = md_field(md, PM_F_ROOT_CAUSE_DESCRIPTION);
	bool unknown;

	unknown = (known != NULL && known->type == PM_V_BOOL && !known->u.b) ||
	    (cat != NULL && cat->s != NULL && strcmp(cat->s, "unknown") == 0) ||
	    (known == NULL && cat == NULL && desc == NULL);

	md_heading(md, 2, "Root cause");
	md_rows_list(md, md_root_cause_rows, MD_NROWS(md_root_cause_rows));
	if (desc != NULL && desc->type == PM_V_STR)
		md_block(md, desc);
	if (unknown) {
		md_para(md, "_The root cause is not known yet. Ask why until the "
		    "answer is something the team can change:_");
		md_begin(md);
		for (size_t i = 0; i < MD_NROWS(md_five_whys); i++)
			pm_buf_printf(md->out, "%zu. %s\n", i + 1,
			    md_five_whys[i]);
	} else if (desc == NULL) {
		md_para(md, "_What in the system let this happen, and why then?_");
	}
}

static void
md_detection(struct md *md)
{
	size_t n;

	md_heading(md, 2, "Detection");
	n = md_rows_list(md, md_detection_rows, MD_NROWS(md_detection_rows));
	if (md_is_true(md, PM_F_DERIVED_MONITORING_MISSED))
		md_para(md, "_Monitoring did not catch this: why, and what alert "
		    "would have?_");
	else if (n == 0)
		md_para(md, "_How was the problem noticed, and how long did that "
		    "take?_");
}

static void
md_resolution(struct md *md)
{
	md_heading(md, 2, "Resolution");
	if (md_rows_list(md, md_resolution_rows,
	    MD_NROWS(md_resolution_rows)) == 0)
		md_para(md, "_What was changed to fix it, and how was the fix "
		    "verified?_");
}

/* ---- Skeleton: one section per fired trigger ----------------------------- */

static void
md_recurrence(struct md *md)
{
	const struct pm_value *prev = md_field(md,
	    PM_F_RECURRENCE_PREVIOUS_OCCURRENCES);
	const struct pm_value *related = md_field(md, PM_F_RECURRENCE_RELATED);
	const struct pm_value *similar = md_field(md, PM_F_DERIVED_SIMILAR_INCIDENTS);
	bool before = false;

	if (prev != NULL && prev->type == PM_V_INT) {
		md_begin(md);
		if (prev->u.i == 0)
			pm_buf_puts(md->out, "No earlier occurrence is known.\n");
		else if (prev->u.i == 1)
			pm_buf_puts(md->out, "The same problem happened once "
			    "before.\n");
		else
			pm_buf_printf(md->out, "The same problem happened %"
			    PRId64 " times before.\n", prev->u.i);
		before = prev->u.i > 0;
	}
	if (related != NULL && related->type == PM_V_LIST) {
		md_para(md, "Related incidents:");
		md_begin(md);
		for (size_t i = 0; i < related->count; i++) {
			if (md_known(&related->items[i]) == NULL)
				continue;
			pm_buf_puts(md->out, "- ");
			md_put_value(md->out, &related->items[i]);
			pm_buf_putc(md->out, '\n');
		}
		before = true;
	}
	if (similar != NULL && similar->type == PM_V_LIST && similar->count) {
		/* Found by --history: each with what a reader needs to open it. */
		md_para(md, "Similar incidents in the history (same service, and a "
		    "shared component or root cause):");
		md_begin(md);
		for (size_t i = 0; i < similar->count; i++) {
			const struct pm_value *it = &similar->items[i];
			pm_buf_puts(md->out, "- ");
			md_put_value(md->out, &it->items[PM_SIMILAR_LABEL]);
			if (it->items[PM_SIMILAR_TITLE].type == PM_V_STR) {
				pm_buf_puts(md->out, " " MD_DASH " ");
				md_put_value(md->out, &it->items[PM_SIMILAR_TITLE]);
			}
			pm_buf_puts(md->out, " (");
			pm_render_time(md->out, &it->items[PM_SIMILAR_WHEN]);
			pm_buf_puts(md->out, ", ");
			md_put_value(md->out, &it->items[PM_SIMILAR_FILE]);
			pm_buf_puts(md->out, ")\n");
		}
		before = true;
	}
	if (md_is_false(md, PM_F_RECURRENCE_PERMANENT_FIX))
		md_para(md, "_The fix is a workaround: what would a permanent fix "
		    "be, who owns it, and by when?_");
	md_para(md, before ?
	    "_Why did the earlier fixes not stop it from coming back?_" :
	    "_What makes this likely to happen again, and what would stop "
	    "it?_");
}

static void
md_cross_team(struct md *md)
{
	const struct pm_value *teams = md_field(md, PM_F_TEAMS);
	size_t n = 0;

	for (size_t i = 0; teams != NULL && teams->type == PM_V_LIST &&
	    i < teams->count; i++) {
		const struct pm_value *name = md_team_name(&teams->items[i]);
		const struct pm_value *role = md_entry(&teams->items[i],
		    PM_TEAM_ROLE);

		if (name == NULL)
			continue;
		md_begin(md);
		pm_buf_puts(md->out, "### ");
		md_put_value(md->out, name);
		pm_buf_putc(md->out, '\n');
		if (role != NULL) {
			md_begin(md);
			pm_buf_puts(md->out, "Role: ");
			md_put_value(md->out, role);
			pm_buf_putc(md->out, '\n');
		}
		md_begin(md);
		pm_buf_puts(md->out,
		    "- _What did this team see?_\n"
		    "- _What did it need from the others?_\n"
		    "- _What slowed the hand-off?_\n");
		n++;
	}
	if (n == 0)
		md_para(md, "_Which teams took part? For each: what did it see, "
		    "what did it need from the others, what slowed the "
		    "hand-off?_");
}

/* Facts of the fix that are risks in themselves, after the listed ones. */
static const struct md_risk_flag {
	enum pm_field field;
	const char *risk;
} md_risk_flags[] = {
	{ .field = PM_F_FIX_REVIEWED, .risk = "The fix was not reviewed" },
	{ .field = PM_F_FIX_TESTS_ADDED, .risk = "No tests were added" },
	{ .field = PM_F_FIX_ROLLBACK_PLAN, .risk = "There is no rollback plan" },
};

static void
md_risk_row(struct pm_buf *out, const char *prefix, const struct pm_value *v,
    const char *text)
{
	pm_buf_printf(out, "| %s", prefix);
	if (v != NULL)
		md_put_value(out, v);
	else
		pm_buf_puts(out, text);
	pm_buf_puts(out, " | " MD_TO_FILL " | " MD_TO_FILL " |\n");
}

static void
md_future_risk(struct md *md)
{
	const struct pm_value *risks = md_field(md, PM_F_FIX_RISKS);
	const struct pm_value *skipped = md_field(md, PM_F_FIX_SKIPPED_STEPS);
	struct pm_buf *out = md->out;
	size_t n = 0;

	md_begin(md);
	pm_buf_puts(out, "| Risk | Mitigation | Owner |\n|---|---|---|\n");
	for (size_t i = 0; risks != NULL && risks->type == PM_V_LIST &&
	    i < risks->count; i++) {
		if (md_known(&risks->items[i]) == NULL)
			continue;
		md_risk_row(out, "", &risks->items[i], NULL);
		n++;
	}
	for (size_t i = 0; skipped != NULL && skipped->type == PM_V_LIST &&
	    i < skipped->count; i++) {
		if (md_known(&skipped->items[i]) == NULL)
			continue;
		md_risk_row(out, "Skipped: ", &skipped->items[i], NULL);
		n++;
	}
	for (size_t i = 0; i < MD_NROWS(md_risk_flags); i++) {
		if (!md_is_false(md, md_risk_flags[i].field))
			continue;
		md_risk_row(out, "", NULL, md_risk_flags[i].risk);
		n++;
	}
	if (n == 0)
		md_risk_row(out, "", NULL, "_What could this fix break, now or "
		    "later?_");
	md_para(md, "_Each risk needs a mitigation and an owner who follows it "
	    "up._");
}

/* Ends a sentence unless escaped input already did ("!" escapes to "\!"). */
static void
md_full_stop(struct pm_buf *b)
{
	char c = b->len > 0 ? b->data[b->len - 1] : '\0';

	if (c != '.' && c != '!' && c != '?')
		pm_buf_putc(b, '.');
}

/* Joins the parts of a sentence: "a", "a; b".  Semicolons, because a part
 * can itself be a comma-separated list of input values. */
static void
md_sep(struct pm_buf *b, size_t *n)
{
	if ((*n)++ > 0)
		pm_buf_puts(b, "; ");
}

/* fix.type in words for readers outside engineering. */
static const struct md_fix_words {
	const char *type;
	const char *words;
} md_fix_words[] = {
	{ .type = "patch", .words = "a code change" },
	{ .type = "rollback", .words = "rolling back to the previous version" },
	{ .type = "config", .words = "a configuration change" },
	{ .type = "feature_flag", .words = "switching a feature flag" },
	{ .type = "data_repair", .words = "repairing the affected data" },
	{ .type = "workaround", .words = "a temporary workaround" },
	{ .type = "infrastructure", .words = "an infrastructure change" },
};

static void
md_put_fix_words(struct pm_buf *b, const struct pm_value *fix)
{
	for (size_t i = 0; i < MD_NROWS(md_fix_words); i++) {
		if (fix->s != NULL && strcmp(fix->s, md_fix_words[i].type) == 0) {
			pm_buf_puts(b, md_fix_words[i].words);
			return;
		}
	}
	md_put_value(b, fix);
}

static void
md_stakeholder_facts(struct md *md)
{
	struct pm_buf *out = md->out;
	const struct pm_value *started = md_field(md, PM_F_STARTED_AT);
	const struct pm_value *resolved = md_field(md, PM_F_RESOLVED_AT);
	const struct pm_value *users = md_field(md, PM_F_IMPACT_USERS_AFFECTED);
	const struct pm_value *flows = md_field(md, PM_F_IMPACT_USER_FLOWS);
	const struct pm_value *fix = md_field(md, PM_F_FIX_TYPE);
	const struct pm_value *dur = md_field(md, PM_F_DERIVED_DURATION_MINUTES);
	size_t n = 0;

	md_begin(md);
	pm_buf_puts(out, "- **What happened:** ");
	md_put_name(md);
	if (started != NULL) {
		pm_buf_puts(out, ", from ");
		md_put_value(out, started);
		if (resolved != NULL) {
			pm_buf_puts(out, " to ");
			md_put_value(out, resolved);
		}
	}
	md_full_stop(out);
	pm_buf_putc(out, '\n');

	pm_buf_puts(out, "- **Who was affected:** ");
	if (users != NULL && users->type == PM_V_INT) {
		md_sep(out, &n);
		pm_buf_printf(out, "%" PRId64 " %s", users->u.i,
		    users->u.i == 1 ? "user" : "users");
	}
	if (md_is_true(md, PM_F_IMPACT_CUSTOMER_FACING)) {
		md_sep(out, &n);
		pm_buf_puts(out, "customers saw the problem");
	} else if (md_is_false(md, PM_F_IMPACT_CUSTOMER_FACING)) {
		md_sep(out, &n);
		pm_buf_puts(out, "not visible to customers");
	}
	if (flows != NULL) {
		md_sep(out, &n);
		pm_buf_puts(out, "in these flows: ");
		md_put_value(out, flows);
	}
	if (md_is_true(md, PM_F_IMPACT_DATA_LOSS)) {
		md_sep(out, &n);
		pm_buf_puts(out, "some data was lost");
	} else if (md_is_false(md, PM_F_IMPACT_DATA_LOSS)) {
		md_sep(out, &n);
		pm_buf_puts(out, "no data was lost");
	}
	if (md_is_true(md, PM_F_IMPACT_SECURITY)) {
		md_sep(out, &n);
		pm_buf_puts(out, "with a security impact");
	}
	if (md_is_true(md, PM_F_IMPACT_REVENUE)) {
		md_sep(out, &n);
		pm_buf_puts(out, "with an impact on revenue");
	}
	if (n == 0)
		pm_buf_puts(out, MD_TO_FILL);
	pm_buf_puts(out, ".\n");

	n = 0;
	pm_buf_puts(out, "- **What was done:** ");
	if (fix != NULL) {
		md_sep(out, &n);
		pm_buf_puts(out, "fixed by ");
		md_put_fix_words(out, fix);
	}
	if (resolved != NULL) {
		md_sep(out, &n);
		pm_buf_puts(out, "resolved on ");
		md_put_value(out, resolved);
		if (dur != NULL && dur->type == PM_V_INT && dur->u.i >= 0) {
			pm_buf_puts(out, " after ");
			pm_render_minutes(out, dur->u.i);
		}
	}
	if (n == 0)
		pm_buf_puts(out, MD_TO_FILL);
	pm_buf_puts(out, ".\n");
	pm_buf_puts(out, "- **What changes now:** _the action items below, in plain "
	    "words_.\n");
}

/* Who the summary is for. */
static const struct md_row md_audience_rows[] = {
	{ .label = "Notified", .field = PM_F_STAKEHOLDERS_NOTIFIED },
	{ .label = "Requested by", .field = PM_F_STAKEHOLDERS_REQUESTED_BY },
};

static const struct md_audience_flag {
	enum pm_field field;
	const char *who;
} md_audience_flags[] = {
	{ .field = PM_F_STAKEHOLDERS_EXTERNAL_COMMUNICATION,
	  .who = "Customers: external communication (status page, support)" },
	{ .field = PM_F_STAKEHOLDERS_REGULATORY, .who = "Regulators" },
	{ .field = PM_F_STAKEHOLDERS_LEADERSHIP, .who = "Leadership" },
};

static void
md_stakeholder(struct md *md)
{
	size_t n;

	md_stakeholder_facts(md);
	md_para(md, "_Rewrite this for readers outside engineering: what "
	    "happened, who was affected, what was done, what changes now._");
	md_para(md, "Who needs it:");
	n = md_rows_list(md, md_audience_rows, MD_NROWS(md_audience_rows));
	for (size_t i = 0; i < MD_NROWS(md_audience_flags); i++) {
		if (!md_is_true(md, md_audience_flags[i].field))
			continue;
		if (n++ == 0)
			md_begin(md);
		pm_buf_printf(md->out, "- %s\n", md_audience_flags[i].who);
	}
	if (n == 0) {
		md_begin(md);
		pm_buf_puts(md->out, "- _Who needs this summary, and through "
		    "which channel?_\n");
	}
}

/* ---- Skeleton: closing sections ------------------------------------------ */

static const struct md_lesson {
	const char *heading;
	const char *prompt;
} md_lessons[] = {
	{ .heading = "What went well",
	  .prompt = "_What helped: an alert, a runbook, a quick rollback, "
	      "someone who knew the system?_" },
	{ .heading = "What went wrong",
	  .prompt = "_What made it worse or slower: in the code, the tools, "
	      "the process?_" },
	{ .heading = "Where we got lucky",
	  .prompt = "_What could have made this much worse, and did not, by "
	      "chance?_" },
};

static void
md_lessons_learned(struct md *md)
{
	md_heading(md, 2, "Lessons learned");
	for (size_t i = 0; i < MD_NROWS(md_lessons); i++) {
		md_heading(md, 3, md_lessons[i].heading);
		md_begin(md);
		pm_buf_printf(md->out, "- %s\n", md_lessons[i].prompt);
	}
}

static const enum pm_action_field md_action_cells[] = {
	PM_ACTION_TYPE, PM_ACTION_OWNER, PM_ACTION_DUE, PM_ACTION_TICKET,
};

static void
md_action_items(struct md *md)
{
	const struct pm_value *items = md_field(md, PM_F_ACTION_ITEMS);
	struct pm_buf *out = md->out;
	size_t n = 0;

	md_heading(md, 2, "Action items");
	md_begin(md);
	pm_buf_puts(out, "| # | Action | Type | Owner | Due | Ticket |\n"
	    "|---:|---|---|---|---|---|\n");
	for (size_t i = 0; items != NULL && items->type == PM_V_LIST &&
	    i < items->count; i++) {
		const struct pm_value *item = &items->items[i];
		const struct pm_value *title = md_entry(item, PM_ACTION_TITLE);

		if (item->type != PM_V_MAP)
			continue;
		pm_buf_printf(out, "| %zu | ", ++n);
		if (title != NULL)
			md_put_value(out, title);
		else
			pm_buf_puts(out, MD_TO_FILL);
		for (size_t c = 0; c < MD_NROWS(md_action_cells); c++) {
			const struct pm_value *v = md_entry(item,
			    md_action_cells[c]);

			pm_buf_puts(out, " | ");
			if (v == NULL)
				pm_buf_puts(out, MD_TO_FILL);
			else if (md_action_cells[c] == PM_ACTION_DUE)
				md_put_day(out, v);
			else
				md_put_value(out, v);
		}
		pm_buf_puts(out, " |\n");
	}
	if (n == 0)
		pm_buf_puts(out, "| 1 | _What will stop this from happening "
		    "again, or catch it sooner?_ | " MD_TO_FILL " | "
		    MD_TO_FILL " | " MD_TO_FILL " | " MD_TO_FILL " |\n");
	md_para(md, "Each action item needs an owner, a due date and a type: "
	    "prevent, detect, mitigate or process.");
}

static void
md_blame_free(struct md *md)
{
	md_heading(md, 2, "Blame-free reminder");
	md_para(md, "> Focus on systems and decisions, not on people. Assume "
	    "everyone acted in good faith with what they knew at the time.");
}

/* ---- Whole report -------------------------------------------------------- */

/* Strips blanks at line ends and keeps at most one blank line in a row in
 * OUT from START on, and ends it with exactly one newline.  The escapers
 * already promise as much for each value (pm_escape.h); this pass makes the
 * contract "no trailing spaces, one blank line between blocks, one final
 * newline" hold for the report as a whole, whatever a value, a rule message
 * from a config file or a later change to a section writes.  It is safe
 * because nothing we write depends on blanks at a line end: there are no
 * code blocks and no hard line breaks in the output. */
static void
md_tidy(struct pm_buf *out, size_t start)
{
	char *d = out->data;
	size_t w = start, line = start;
	bool blank_before = true;    /* no blank line at the very start */

	if (d == NULL)
		return;
	for (size_t r = start; r < out->len; r++) {
		char c = d[r];

		if (c != '\n') {
			d[w++] = c;
			continue;
		}
		while (w > line && (d[w - 1] == ' ' || d[w - 1] == '\t'))
			w--;
		if (w == line) {
			if (blank_before)
				continue;
			blank_before = true;
		} else {
			blank_before = false;
		}
		d[w++] = '\n';
		line = w;
	}
	while (w > line && (d[w - 1] == ' ' || d[w - 1] == '\t'))
		w--;
	if (w > line)
		d[w++] = '\n';
	while (w >= start + 2 && d[w - 1] == '\n' && d[w - 2] == '\n')
		w--;
	out->len = w;
	d[w] = '\0';
}

void
pm_render_markdown(struct pm_buf *out, const struct pm_report *rep,
    const struct pm_render_opts *opts)
{
	struct md md = {
		.out = out,
		.start = out->len,
		.rep = rep,
		.hf = rep != NULL ? rep->hf : NULL,
	};

	if (md.hf == NULL)
		return;
	pm_buf_init(&md.cell);

	md_begin(&md);
	pm_buf_puts(out, "# Post-mortem check: ");
	md_put_name(&md);
	pm_buf_putc(out, '\n');
	md_verdict(&md);
	/* With several inputs in one document, the file tells them apart. */
	if (opts != NULL && opts->file != NULL) {
		md_begin(&md);
		pm_buf_puts(out, "_Checked from ");
		pm_escape_md_inline(out, opts->file, strlen(opts->file));
		if (opts->version != NULL)
			pm_buf_printf(out, " by pmcheck %s", opts->version);
		pm_buf_puts(out, "._\n");
	}
	md_trigger_table(&md);
	md_reasons(&md);
	md_notes(&md);

	md_para(&md, "---");
	md_begin(&md);
	pm_buf_puts(out, "# Post-mortem: ");
	md_put_name(&md);
	pm_buf_putc(out, '\n');
	md_rows_table(&md, md_header_rows, MD_NROWS(md_header_rows));
	md_why(&md);
	md_summary(&md);
	md_impact(&md);
	md_timeline(&md);
	md_root_cause(&md);
	md_detection(&md);
	md_resolution(&md);
	for (int t = 0; t < PM_TRIGGER_COUNT; t++) {
		if (!rep->triggers[t].fired || md_trigger_parts[t].render == NULL)
			continue;
		md_heading(&md, 2, md_trigger_parts[t].heading);
		md_trigger_parts[t].render(&md);
	}
	md_lessons_learned(&md);
	md_action_items(&md);
	md_blame_free(&md);

	md_tidy(out, md.start);
	pm_buf_free(&md.cell);
}
