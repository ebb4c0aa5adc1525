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
		PM_BUF_LIT(out, "null");
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
		PM_BUF_LIT(out, "null");
	else
		pm_json_str(out, v->s);
}

/* A decimal integer.  Every object has a few dozen of them, nearly all
 * below 100 (positions, points, thresholds), so they skip printf's format
 * parsing and are written straight into the buffer. */
static inline void
pm_json_int(struct pm_buf *out, long long v)
{
	pm_buf_reserve(out, 20);        /* "-9223372036854775808" */
	char *p = out->data + out->len;
	unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
	if (v < 0)
		*p++ = '-';
	if (u < 10) {
		*p++ = (char)('0' + u);
	} else if (u < 100) {
		*p++ = (char)('0' + u / 10);
		*p++ = (char)('0' + u % 10);
	} else {
		size_t n = 1;
		for (unsigned long long rest = u; rest >= 10; rest /= 10)
			n++;
		p += n;
		for (char *q = p; u != 0; u /= 10)
			*--q = (char)('0' + u % 10);
	}
	*p = '\0';
	out->len = (size_t)(p - out->data);
}

/* ,"line":L,"column":C with nulls for a place outside the file. */
static void
pm_json_pos(struct pm_buf *out, uint32_t line, uint32_t column)
{
	if (line == 0) {
		PM_BUF_LIT(out, ",\"line\":null,\"column\":null");
		return;
	}
	PM_BUF_LIT(out, ",\"line\":");
	pm_json_int(out, line);
	PM_BUF_LIT(out, ",\"column\":");
	pm_json_int(out, column);
}

/* The keys every object starts with, the opening brace included. */
static void
pm_json_head(struct pm_buf *out, const struct pm_render_opts *opts)
{
	PM_BUF_LIT(out, "{\"schema_version\":");
	pm_json_int(out, PM_JSON_SCHEMA_VERSION);
	PM_BUF_LIT(out, ",\"tool\":\"pmcheck\",\"version\":");
	pm_json_str(out, opts->version);
	PM_BUF_LIT(out, ",\"config\":");
	pm_json_str(out, opts->config);
	PM_BUF_LIT(out, ",\"file\":");
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
	PM_BUF_LIT(out, "{\"rule\":");
	pm_json_str(out, pm_json_rule_id(r));
	PM_BUF_LIT(out, ",\"points\":");
	pm_json_int(out, r->points);
	PM_BUF_LIT(out, ",\"message\":");
	pm_json_str(out, r->message);
	PM_BUF_LIT(out, ",\"field\":");
	pm_json_str(out, r->field);
	PM_BUF_LIT(out, ",\"value\":");
	pm_json_str(out, r->value);
	pm_json_pos(out, r->pos.line, r->pos.column);
	pm_buf_putc(out, '}');
}

static void
pm_json_triggers(struct pm_buf *out, const struct pm_report *rep)
{
	PM_BUF_LIT(out, ",\"triggers\":[");
	for (int t = 0; t < PM_TRIGGER_COUNT; t++) {
		const struct pm_trigger_result *tr = &rep->triggers[t];
		if (t > 0)
			pm_buf_putc(out, ',');
		PM_BUF_LIT(out, "{\"id\":");
		pm_json_str(out, pm_trigger_id((enum pm_trigger)t));
		PM_BUF_LIT(out, ",\"score\":");
		pm_json_int(out, tr->score);
		PM_BUF_LIT(out, ",\"threshold\":");
		pm_json_int(out, tr->threshold);
		if (tr->fired)
			PM_BUF_LIT(out, ",\"fired\":true,\"reasons\":[");
		else
			PM_BUF_LIT(out, ",\"fired\":false,\"reasons\":[");
		for (size_t i = 0; i < tr->nreasons; i++) {
			if (i > 0)
				pm_buf_putc(out, ',');
			pm_json_reason(out, &tr->reasons[i]);
		}
		PM_BUF_LIT(out, "]}");
	}
	pm_buf_putc(out, ']');
}

static void
pm_json_notes(struct pm_buf *out, const struct pm_report *rep)
{
	PM_BUF_LIT(out, ",\"notes\":[");
	for (size_t i = 0; i < rep->nnotes; i++) {
		const struct pm_note *n = &rep->notes[i];
		if (i > 0)
			pm_buf_putc(out, ',');
		PM_BUF_LIT(out, "{\"severity\":");
		pm_json_str(out, n->severity ? n->severity : "warning");
		PM_BUF_LIT(out, ",\"code\":");
		pm_json_str(out, n->code);
		PM_BUF_LIT(out, ",\"message\":");
		pm_json_str(out, n->message);
		PM_BUF_LIT(out, ",\"field\":");
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
	PM_BUF_LIT(out, ",\"id\":");
	pm_json_field(out, rep->hf, PM_F_ID);
	PM_BUF_LIT(out, ",\"title\":");
	pm_json_field(out, rep->hf, PM_F_TITLE);
	PM_BUF_LIT(out, ",\"verdict\":");
	pm_json_str(out, pm_verdict_name(rep->verdict));
	if (pm_gate_fails(rep, opts->fail_on))
		PM_BUF_LIT(out, ",\"gate\":\"fail\"");
	else
		PM_BUF_LIT(out, ",\"gate\":\"pass\"");

	pm_json_triggers(out, rep);

	PM_BUF_LIT(out, ",\"decisive\":[");
	for (size_t i = 0; i < rep->ndecisive; i++) {
		if (i > 0)
			pm_buf_putc(out, ',');
		pm_json_str(out, pm_json_rule_id(&rep->decisive[i]));
	}
	pm_buf_putc(out, ']');

	pm_json_notes(out, rep);

	PM_BUF_LIT(out, ",\"postmortem\":{\"due\":");
	if (rep->has_due) {
		pm_buf_putc(out, '"');
		pm_render_day(out, rep->due_day);
		pm_buf_putc(out, '"');
	} else
		PM_BUF_LIT(out, "null");
	PM_BUF_LIT(out, ",\"link\":");
	pm_json_field(out, rep->hf, PM_F_POSTMORTEM_LINK);
	PM_BUF_LIT(out, ",\"waived\":");
	pm_json_field(out, rep->hf, PM_F_POSTMORTEM_WAIVED);
	PM_BUF_LIT(out, "}}\n");
}

void
pm_render_json_error(struct pm_buf *out, const struct pm_error *err,
                     const struct pm_render_opts *opts)
{
	pm_json_head(out, opts);
	PM_BUF_LIT(out, ",\"error\":{\"code\":");
	pm_json_str(out, pm_errcode_name(err->code));
	/* The struct's arrays are NUL-terminated by pm_error_set, but a
	 * bounded length keeps a hand-filled struct from being over-read. */
	PM_BUF_LIT(out, ",\"message\":");
	pm_escape_json(out, err->message,
	    strnlen(err->message, sizeof(err->message)));
	PM_BUF_LIT(out, ",\"path\":");
	size_t plen = strnlen(err->path, sizeof(err->path));
	if (plen == 0)
		PM_BUF_LIT(out, "null");
	else
		pm_escape_json(out, err->path, plen);
	pm_json_pos(out, err->line, err->column);
	PM_BUF_LIT(out, "}}\n");
}
