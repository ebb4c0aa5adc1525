/*
 * The `json` format (SPEC §4): one object per input on one line (JSON Lines),
 * keys always present and always in the same order, so that line-oriented
 * tools and strict parsers alike can read it.  Absent strings and positions
 * that are not in the file (line 0) are null rather than left out.  Every
 * string that is not one of this file's own names goes through the JSON
 * escaper, which keeps the output valid UTF-8 whatever the input, the
 * configuration or the file name holds.
 *
 * A report is a few KB on one line, and most of it is keys, punctuation and
 * small numbers.  So the line is written at a cursor D into room made ahead
 * in OUT, rather than appended piece by piece: the fixed text between two
 * strings is a copy of a literal each, with no bounds test of its own.
 * Room is made for every string (for it escaped at worst, and
 * PM_JSON_FIXED bytes more) and at the start of every trigger and note;
 * what is written between two of these checks is fixed text and numbers
 * only, never more than PM_JSON_FIXED bytes.  OUT->LEN catches up with D
 * at the end, and around the few calls that append to OUT themselves.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pm_buf.h"
#include "pm_error.h"
#include "pm_escape.h"
#include "pm_model.h"
#include "pm_render.h"
#include "pm_report.h"
#include "pm_rules.h"

#define PM_JSON_SCHEMA_VERSION "1"

/* Room for the fixed text that may follow a check: the longest stretch
 * written without one, the last trigger's head with its two numbers at
 * their longest and then, with no reasons, decisive signals or notes,
 * everything up to the post-mortem link, is 151 bytes (the tests find a
 * room of 150 just enough, 149 too little). */
#define PM_JSON_FIXED 256

/* Strings up to this long are escaped into room for their worst case, six
 * bytes a byte; longer ones, which are rare, through pm_escape_json, which
 * makes room only as the text turns out to need it. */
#define PM_JSON_DIRECT_MAX 1024

/* Copies string literal LIT to D, which has room for it; the value is the
 * end.  The length is the compiler's, so the copy is a few moves. */
#define PM_JSON_LIT(d, lit) \
	((char *)memcpy((d), "" lit, sizeof(lit) - 1) + (sizeof(lit) - 1))

/* Makes room for N bytes at D, which is in OUT's storage, and for the NUL
 * after them; returns D, moved when the storage was. */
static inline char *
pm_json_room(struct pm_buf *out, char *d, size_t n)
{
	size_t len = (size_t)(d - out->data);
	if (out->cap - len <= n) {
		out->len = len;
		pm_buf_grow(out, n);
		d = out->data + len;
	}
	return d;
}

/* "00" to "99": the two digits of a number below 100 in one copy. */
static const char pm_json_pairs[200] =
	"00010203040506070809101112131415161718192021222324"
	"25262728293031323334353637383940414243444546474849"
	"50515253545556575859606162636465666768697071727374"
	"75767778798081828384858687888990919293949596979899";

/* The decimal digits of U at D (at most 20); returns the end.  Nearly all
 * numbers in a report (positions, points, thresholds) are below 100. */
static inline char *
pm_json_digits(char *d, uint64_t u)
{
	if (u < 10) {
		*d = (char)('0' + u);
		return d + 1;
	}
	if (u < 100) {
		memcpy(d, pm_json_pairs + 2 * u, 2);
		return d + 2;
	}
	size_t n = 1;
	for (uint64_t rest = u; rest >= 10; rest /= 10)
		n++;
	char *end = d + n, *q = end;
	for (; u >= 100; u /= 100) {
		q -= 2;
		memcpy(q, pm_json_pairs + 2 * (u % 100), 2);
	}
	if (u >= 10)
		memcpy(q - 2, pm_json_pairs + 2 * u, 2);
	else
		q[-1] = (char)('0' + u);
	return end;
}

/* A decimal integer at D (at most 20 bytes); returns the end. */
static inline char *
pm_json_int(char *d, long long v)
{
	uint64_t u = (uint64_t)v;
	if (v < 0) {
		*d++ = '-';
		u = 0 - u;
	}
	return pm_json_digits(d, u);
}

/* ,"line":L,"column":C with nulls for a place outside the file: at most
 * 38 bytes. */
static inline char *
pm_json_pos(char *d, uint32_t line, uint32_t column)
{
	if (line == 0)
		return PM_JSON_LIT(d, ",\"line\":null,\"column\":null");
	d = PM_JSON_LIT(d, ",\"line\":");
	d = pm_json_digits(d, line);
	d = PM_JSON_LIT(d, ",\"column\":");
	return pm_json_digits(d, column);
}

/* S[0..LEN), longer than PM_JSON_DIRECT_MAX, as pm_json_text. */
static __attribute__((noinline)) char *
pm_json_long_text(struct pm_buf *out, char *d, const char *s, size_t len)
{
	out->len = (size_t)(d - out->data);
	pm_escape_json(out, s, len);
	return pm_json_room(out, out->data + out->len, PM_JSON_FIXED);
}

/* S[0..LEN) as a string literal at D, and room for PM_JSON_FIXED bytes
 * after it; returns the end.  Inline: there are some fifty strings in a
 * report, and the call for one is most of what a short one costs. */
static inline char *
pm_json_text(struct pm_buf *out, char *d, const char *s, size_t len)
{
	if (len > PM_JSON_DIRECT_MAX)
		return pm_json_long_text(out, d, s, len);
	d = pm_json_room(out, d, PM_ESCAPE_JSON_ROOM(len) + PM_JSON_FIXED);
	return pm_escape_json_to(d, s, len);
}

/* null, and room as pm_json_text. */
static char *
pm_json_null(struct pm_buf *out, char *d)
{
	d = pm_json_room(out, d, 4 + PM_JSON_FIXED);
	return PM_JSON_LIT(d, "null");
}

/* A string, or null for NULL, as pm_json_text. */
static inline char *
pm_json_str(struct pm_buf *out, char *d, const char *s)
{
	if (s == NULL)
		return pm_json_null(out, d);
	return pm_json_text(out, d, s, strlen(s));
}

/* A string value of the hotfix, or null when it was not given.  The value
 * knows its length: the parser keeps none with a NUL inside. */
static char *
pm_json_field(struct pm_buf *out, char *d, const struct pm_hotfix *hf,
              enum pm_field f)
{
	const struct pm_value *v = hf ? &hf->f[f] : NULL;
	if (v == NULL || (v->type != PM_V_STR && v->type != PM_V_ENUM) ||
	    v->s == NULL)
		return pm_json_null(out, d);
	return pm_json_text(out, d, v->s, v->len);
}

/*
 * Names that are this file's own literals, so that they are copied whole
 * instead of escaped.  Each must read exactly as the function that names
 * the thing elsewhere (pm_trigger_id, pm_verdict_name) has it, which the
 * tests check; a name missing here (an empty entry) is escaped as usual.
 * Entries are copied whole, all 32 bytes (2 moves), and the cursor moves
 * on by LEN.
 */
struct pm_json_name {
	char text[32];
	size_t len;
};
#define PM_JSON_NAME(s) { s, sizeof(s) - 1 }

/* A trigger object up to its score. */
static const struct pm_json_name pm_json_trigger_open[PM_TRIGGER_COUNT] = {
	[PM_TRIGGER_RECURRENCE] = PM_JSON_NAME("{\"id\":\"recurrence\",\"score\":"),
	[PM_TRIGGER_CROSS_TEAM] = PM_JSON_NAME("{\"id\":\"cross_team\",\"score\":"),
	[PM_TRIGGER_FUTURE_RISK] = PM_JSON_NAME("{\"id\":\"future_risk\",\"score\":"),
	[PM_TRIGGER_STAKEHOLDER] = PM_JSON_NAME("{\"id\":\"stakeholder\",\"score\":"),
};

/* The verdict with its key. */
static const struct pm_json_name pm_json_verdict[] = {
	[PM_VERDICT_NONE] = PM_JSON_NAME(",\"verdict\":\"never\""),
	[PM_VERDICT_OPTIONAL] = PM_JSON_NAME(",\"verdict\":\"optional\""),
	[PM_VERDICT_RECOMMENDED] = PM_JSON_NAME(",\"verdict\":\"recommended\""),
	[PM_VERDICT_REQUIRED] = PM_JSON_NAME(",\"verdict\":\"required\""),
};

#define PM_JSON_NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* NAME at D, which has room for 32 bytes; returns the end. */
static inline char *
pm_json_name(char *d, const struct pm_json_name *name)
{
	memcpy(d, name->text, sizeof(name->text));
	return d + name->len;
}

/* Whether S is "warning", the severity of every review note so far,
 * written whole after its key when it is. */
static inline bool
pm_json_is_warning(const char *s)
{
	static const char warning[] = "warning";
	for (size_t i = 0; i < sizeof(warning); i++)
		if (s[i] != warning[i])
			return false;
	return true;
}

/* The keys every object starts with, the opening brace included. */
static char *
pm_json_head(struct pm_buf *out, char *d, const struct pm_render_opts *opts)
{
	d = PM_JSON_LIT(d, "{\"schema_version\":" PM_JSON_SCHEMA_VERSION
	    ",\"tool\":\"pmcheck\",\"version\":");
	d = pm_json_str(out, d, opts->version);
	d = PM_JSON_LIT(d, ",\"config\":");
	d = pm_json_str(out, d, opts->config);
	d = PM_JSON_LIT(d, ",\"file\":");
	return pm_json_str(out, d, opts->file);
}

static const char *
pm_json_rule_id(const struct pm_reason *r)
{
	return r->rule ? r->rule->id : NULL;
}

static char *
pm_json_reason(struct pm_buf *out, char *d, const struct pm_reason *r)
{
	d = PM_JSON_LIT(d, "{\"rule\":");
	d = pm_json_str(out, d, pm_json_rule_id(r));
	d = PM_JSON_LIT(d, ",\"points\":");
	d = pm_json_int(d, r->points);
	d = PM_JSON_LIT(d, ",\"message\":");
	d = pm_json_str(out, d, r->message);
	d = PM_JSON_LIT(d, ",\"field\":");
	d = pm_json_str(out, d, r->field);
	d = PM_JSON_LIT(d, ",\"value\":");
	d = pm_json_str(out, d, r->value);
	d = pm_json_pos(d, r->pos.line, r->pos.column);
	*d++ = '}';
	return d;
}

static char *
pm_json_triggers(struct pm_buf *out, char *d, const struct pm_report *rep)
{
	d = PM_JSON_LIT(d, ",\"triggers\":[");
	for (int t = 0; t < PM_TRIGGER_COUNT; t++) {
		const struct pm_trigger_result *tr = &rep->triggers[t];
		d = pm_json_room(out, d, PM_JSON_FIXED);
		if (t > 0)
			*d++ = ',';
		if (pm_json_trigger_open[t].len > 0) {
			d = pm_json_name(d, &pm_json_trigger_open[t]);
		} else {
			d = PM_JSON_LIT(d, "{\"id\":");
			d = pm_json_str(out, d, pm_trigger_id((enum pm_trigger)t));
			d = PM_JSON_LIT(d, ",\"score\":");
		}
		d = pm_json_int(d, tr->score);
		d = PM_JSON_LIT(d, ",\"threshold\":");
		d = pm_json_int(d, tr->threshold);
		if (tr->fired)
			d = PM_JSON_LIT(d, ",\"fired\":true,\"reasons\":[");
		else
			d = PM_JSON_LIT(d, ",\"fired\":false,\"reasons\":[");
		for (size_t i = 0; i < tr->nreasons; i++) {
			if (i > 0)
				*d++ = ',';
			d = pm_json_reason(out, d, &tr->reasons[i]);
		}
		d = PM_JSON_LIT(d, "]}");
	}
	*d++ = ']';
	return d;
}

static char *
pm_json_notes(struct pm_buf *out, char *d, const struct pm_report *rep)
{
	d = PM_JSON_LIT(d, ",\"notes\":[");
	for (size_t i = 0; i < rep->nnotes; i++) {
		const struct pm_note *n = &rep->notes[i];
		d = pm_json_room(out, d, PM_JSON_FIXED);
		if (i > 0)
			*d++ = ',';
		if (n->severity == NULL || pm_json_is_warning(n->severity)) {
			d = PM_JSON_LIT(d, "{\"severity\":\"warning\",\"code\":");
		} else {
			d = PM_JSON_LIT(d, "{\"severity\":");
			d = pm_json_str(out, d, n->severity);
			d = PM_JSON_LIT(d, ",\"code\":");
		}
		d = pm_json_str(out, d, n->code);
		d = PM_JSON_LIT(d, ",\"message\":");
		d = pm_json_str(out, d, n->message);
		d = PM_JSON_LIT(d, ",\"field\":");
		d = pm_json_str(out, d, n->field);
		d = pm_json_pos(d, n->pos.line, n->pos.column);
		*d++ = '}';
	}
	*d++ = ']';
	return d;
}

/* Ends the text at D: OUT->LEN catches up and the NUL is written, for which
 * every check made room. */
static void
pm_json_end(struct pm_buf *out, char *d)
{
	*d = '\0';
	out->len = (size_t)(d - out->data);
}

/* Where the object starts, with room for the first fixed text. */
static char *
pm_json_start(struct pm_buf *out)
{
	pm_buf_reserve(out, PM_JSON_FIXED);
	return out->data + out->len;
}

void
pm_render_json(struct pm_buf *out, const struct pm_report *rep,
               const struct pm_render_opts *opts)
{
	char *d = pm_json_start(out);
	d = pm_json_head(out, d, opts);
	d = PM_JSON_LIT(d, ",\"id\":");
	d = pm_json_field(out, d, rep->hf, PM_F_ID);
	d = PM_JSON_LIT(d, ",\"title\":");
	d = pm_json_field(out, d, rep->hf, PM_F_TITLE);
	if ((unsigned)rep->verdict < PM_JSON_NELEM(pm_json_verdict) &&
	    pm_json_verdict[rep->verdict].len > 0) {
		d = pm_json_name(d, &pm_json_verdict[rep->verdict]);
	} else {
		d = PM_JSON_LIT(d, ",\"verdict\":");
		d = pm_json_str(out, d, pm_verdict_name(rep->verdict));
	}
	if (pm_gate_fails(rep, opts->fail_on))
		d = PM_JSON_LIT(d, ",\"gate\":\"fail\"");
	else
		d = PM_JSON_LIT(d, ",\"gate\":\"pass\"");

	d = pm_json_triggers(out, d, rep);

	d = PM_JSON_LIT(d, ",\"decisive\":[");
	for (size_t i = 0; i < rep->ndecisive; i++) {
		if (i > 0)
			*d++ = ',';
		d = pm_json_str(out, d, pm_json_rule_id(&rep->decisive[i]));
	}
	*d++ = ']';

	d = pm_json_notes(out, d, rep);

	d = PM_JSON_LIT(d, ",\"postmortem\":{\"due\":");
	if (rep->has_due) {
		*d++ = '"';
		out->len = (size_t)(d - out->data);
		pm_render_day(out, rep->due_day);
		d = pm_json_room(out, out->data + out->len, PM_JSON_FIXED);
		*d++ = '"';
	} else
		d = PM_JSON_LIT(d, "null");
	d = PM_JSON_LIT(d, ",\"link\":");
	d = pm_json_field(out, d, rep->hf, PM_F_POSTMORTEM_LINK);
	d = PM_JSON_LIT(d, ",\"waived\":");
	d = pm_json_field(out, d, rep->hf, PM_F_POSTMORTEM_WAIVED);
	d = PM_JSON_LIT(d, "}}\n");
	pm_json_end(out, d);
}

void
pm_render_json_error(struct pm_buf *out, const struct pm_error *err,
                     const struct pm_render_opts *opts)
{
	char *d = pm_json_start(out);
	d = pm_json_head(out, d, opts);
	d = PM_JSON_LIT(d, ",\"error\":{\"code\":");
	d = pm_json_str(out, d, pm_errcode_name(err->code));
	/* The struct's arrays are NUL-terminated by pm_error_set, but a
	 * bounded length keeps a hand-filled struct from being over-read. */
	d = PM_JSON_LIT(d, ",\"message\":");
	d = pm_json_text(out, d, err->message,
	    strnlen(err->message, sizeof(err->message)));
	d = PM_JSON_LIT(d, ",\"path\":");
	size_t plen = strnlen(err->path, sizeof(err->path));
	if (plen == 0)
		d = PM_JSON_LIT(d, "null");
	else
		d = pm_json_text(out, d, err->path, plen);
	d = pm_json_pos(d, err->line, err->column);
	d = PM_JSON_LIT(d, "}}\n");
	pm_json_end(out, d);
}
