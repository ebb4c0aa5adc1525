/*
 * The `json` format (SPEC §4): one object per input on one line (JSON Lines),
 * keys always present and always in the same order, so that line-oriented
 * tools and strict parsers alike can read it.  Absent strings and positions
 * that are not in the file (line 0) are null rather than left out.  Every
 * string goes through pm_escape_json(), which keeps the output valid UTF-8
 * whatever the input or the file name holds.
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

#define PM_JSON_SCHEMA_VERSION 1

/* A string, or null for NULL. */
static void
pm_json_str(struct pm_buf *out, const char *s)
{
	if (s == NULL)
		pm_buf_puts(out, "null");
	else
		pm_escape_json(out, s, strlen(s));
}

/* A string value of the hotfix, or null when it was not given. */
static void
pm_json_field(struct pm_buf *out, const struct pm_hotfix *hf, enum pm_field f)
{
	const struct pm_value *v = hf ? &hf->f[f] : NULL;
	if (v == NULL || (v->type != PM_V_STR && v->type != PM_V_ENUM) ||
	    v->s == NULL)
		pm_buf_puts(out, "null");
	else
		pm_json_str(out, v->s);
}

/* A decimal integer.  Every object has a few dozen of them, so they skip
 * printf's format parsing. */
static void
pm_json_int(struct pm_buf *out, long long v)
{
	char digits[24];
	size_t n = sizeof(digits);
	unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
	do {
		digits[--n] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		digits[--n] = '-';
	pm_buf_put(out, digits + n, sizeof(digits) - n);
}

/* ,"line":L,"column":C with nulls for a place outside the file. */
static void
pm_json_pos(struct pm_buf *out, uint32_t line, uint32_t column)
{
	if (line == 0) {
		pm_buf_puts(out, ",\"line\":null,\"column\":null");
		return;
	}
	pm_buf_puts(out, ",\"line\":");
	pm_json_int(out, line);
	pm_buf_puts(out, ",\"column\":");
	pm_json_int(out, column);
}

/* The keys every object starts with, the opening brace included. */
static void
pm_json_head(struct pm_buf *out, const struct pm_render_opts *opts)
{
	pm_buf_puts(out, "{\"schema_version\":");
	pm_json_int(out, PM_JSON_SCHEMA_VERSION);
	pm_buf_puts(out, ",\"tool\":\"pmcheck\",\"version\":");
	pm_json_str(out, opts->version);
	pm_buf_puts(out, ",\"config\":");
	pm_json_str(out, opts->config);
	pm_buf_puts(out, ",\"file\":");
	pm_json_str(out, opts->file);
}

static const char *
pm_json_rule_id(const struct pm_reason *r)
{
	return r->rule ? r->rule->id : NULL;
}

static void
pm_json_reason(struct pm_buf *out, const struct pm_reason *r)
{
	pm_buf_puts(out, "{\"rule\":");
	pm_json_str(out, pm_json_rule_id(r));
	pm_buf_puts(out, ",\"points\":");
	pm_json_int(out, r->points);
	pm_buf_puts(out, ",\"message\":");
	pm_json_str(out, r->message);
	pm_buf_puts(out, ",\"field\":");
	pm_json_str(out, r->field);
	pm_buf_puts(out, ",\"value\":");
	pm_json_str(out, r->value);
	pm_json_pos(out, r->pos.line, r->pos.column);
	pm_buf_putc(out, '}');
}

static void
pm_json_triggers(struct pm_buf *out, const struct pm_report *rep)
{
	pm_buf_puts(out, ",\"triggers\":[");
	for (int t = 0; t < PM_TRIGGER_COUNT; t++) {
		const struct pm_trigger_result *tr = &rep->triggers[t];
		if (t > 0)
			pm_buf_putc(out, ',');
		pm_buf_puts(out, "{\"id\":");
		pm_json_str(out, pm_trigger_id((enum pm_trigger)t));
		pm_buf_puts(out, ",\"score\":");
		pm_json_int(out, tr->score);
		pm_buf_puts(out, ",\"threshold\":");
		pm_json_int(out, tr->threshold);
		pm_buf_puts(out, tr->fired ? ",\"fired\":true,\"reasons\":["
		                           : ",\"fired\":false,\"reasons\":[");
		for (size_t i = 0; i < tr->nreasons; i++) {
			if (i > 0)
				pm_buf_putc(out, ',');
			pm_json_reason(out, &tr->reasons[i]);
		}
		pm_buf_puts(out, "]}");
	}
	pm_buf_putc(out, ']');
}

static void
pm_json_notes(struct pm_buf *out, const struct pm_report *rep)
{
	pm_buf_puts(out, ",\"notes\":[");
	for (size_t i = 0; i < rep->nnotes; i++) {
		const struct pm_note *n = &rep->notes[i];
		if (i > 0)
			pm_buf_putc(out, ',');
		pm_buf_puts(out, "{\"severity\":");
		pm_json_str(out, n->severity ? n->severity : "warning");
		pm_buf_puts(out, ",\"code\":");
		pm_json_str(out, n->code);
		pm_buf_puts(out, ",\"message\":");
		pm_json_str(out, n->message);
		pm_buf_puts(out, ",\"field\":");
		pm_json_str(out, n->field);
		pm_json_pos(out, n->pos.line, n->pos.column);
		pm_buf_putc(out, '}');
	}
	pm_buf_putc(out, ']');
}

void
pm_render_json(struct pm_buf *out, const struct pm_report *rep,
               const struct pm_render_opts *opts)
{
	pm_json_head(out, opts);
	pm_buf_puts(out, ",\"id\":");
	pm_json_field(out, rep->hf, PM_F_ID);
	pm_buf_puts(out, ",\"title\":");
	pm_json_field(out, rep->hf, PM_F_TITLE);
	pm_buf_puts(out, ",\"verdict\":");
	pm_json_str(out, pm_verdict_name(rep->verdict));
	pm_buf_puts(out, pm_gate_fails(rep, opts->fail_on) ? ",\"gate\":\"fail\""
	                                                   : ",\"gate\":\"pass\"");

	pm_json_triggers(out, rep);

	pm_buf_puts(out, ",\"decisive\":[");
	for (size_t i = 0; i < rep->ndecisive; i++) {
		if (i > 0)
			pm_buf_putc(out, ',');
		pm_json_str(out, pm_json_rule_id(&rep->decisive[i]));
	}
	pm_buf_putc(out, ']');

	pm_json_notes(out, rep);

	pm_buf_puts(out, ",\"postmortem\":{\"due\":");
	if (rep->has_due) {
		pm_buf_putc(out, '"');
		pm_render_day(out, rep->due_day);
		pm_buf_putc(out, '"');
	} else
		pm_buf_puts(out, "null");
	pm_buf_puts(out, ",\"link\":");
	pm_json_field(out, rep->hf, PM_F_POSTMORTEM_LINK);
	pm_buf_puts(out, ",\"waived\":");
	pm_json_field(out, rep->hf, PM_F_POSTMORTEM_WAIVED);
	pm_buf_puts(out, "}}\n");
}

void
pm_render_json_error(struct pm_buf *out, const struct pm_error *err,
                     const struct pm_render_opts *opts)
{
	pm_json_head(out, opts);
	pm_buf_puts(out, ",\"error\":{\"code\":");
	pm_json_str(out, pm_errcode_name(err->code));
	/* The struct's arrays are NUL-terminated by pm_error_set, but a
	 * bounded length keeps a hand-filled struct from being over-read. */
	pm_buf_puts(out, ",\"message\":");
	pm_escape_json(out, err->message,
	    strnlen(err->message, sizeof(err->message)));
	pm_buf_puts(out, ",\"path\":");
	size_t plen = strnlen(err->path, sizeof(err->path));
	if (plen == 0)
		pm_buf_puts(out, "null");
	else
		pm_escape_json(out, err->path, plen);
	pm_json_pos(out, err->line, err->column);
	pm_buf_puts(out, "}}\n");
}
