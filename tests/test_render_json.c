/*
 * Tests for render_json.c against a reference renderer written the plain
 * way (below): every piece appended to the buffer on its own, every string,
 * the names of triggers, verdicts and severities included, through
 * pm_escape_json, every number through printf.  The renderer writes the
 * line at a cursor into room it makes ahead, copies the names it knows as
 * literals and escapes short strings into room for their worst case; these
 * tests hold it to the same bytes on reports full of hostile, long, absent
 * and repeated strings and extreme numbers, written after text of many
 * lengths so that the buffer runs out of room at every kind of place.
 * Strings are allocations of their exact size, so that AddressSanitizer
 * catches a read past one; the buffer's own size catches a write past the
 * room that was made.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pm_buf.h"
#include "pm_error.h"
#include "pm_escape.h"
#include "pm_model.h"
#include "pm_render.h"
#include "pm_report.h"
#include "pm_rules.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* --- the reference -------------------------------------------------------- */

static void
ref_str(struct pm_buf *out, const char *s)
{
	if (s == NULL)
		pm_buf_puts(out, "null");
	else
		pm_escape_json(out, s, strlen(s));
}

static void
ref_field(struct pm_buf *out, const struct pm_hotfix *hf, enum pm_field f)
{
	const struct pm_value *v = hf ? &hf->f[f] : NULL;
	if (v == NULL || (v->type != PM_V_STR && v->type != PM_V_ENUM))
		ref_str(out, NULL);
	else
		ref_str(out, v->s);
}

static void
ref_pos(struct pm_buf *out, uint32_t line, uint32_t column)
{
	if (line == 0)
		pm_buf_puts(out, ",\"line\":null,\"column\":null");
	else
		pm_buf_printf(out, ",\"line\":%u,\"column\":%u", (unsigned)line,
		    (unsigned)column);
}

static void
ref_head(struct pm_buf *out, const struct pm_render_opts *opts)
{
	pm_buf_puts(out, "{\"schema_version\":1,\"tool\":\"pmcheck\",\"version\":");
	ref_str(out, opts->version);
	pm_buf_puts(out, ",\"config\":");
	ref_str(out, opts->config);
	pm_buf_puts(out, ",\"file\":");
	ref_str(out, opts->file);
}

static void
ref_json(struct pm_buf *out, const struct pm_report *rep,
         const struct pm_render_opts *opts)
{
	ref_head(out, opts);
	pm_buf_puts(out, ",\"id\":");
	ref_field(out, rep->hf, PM_F_ID);
	pm_buf_puts(out, ",\"title\":");
	ref_field(out, rep->hf, PM_F_TITLE);
	pm_buf_puts(out, ",\"verdict\":");
	ref_str(out, pm_verdict_name(rep->verdict));
	pm_buf_puts(out, pm_gate_fails(rep, opts->fail_on) ?
	    ",\"gate\":\"fail\"" : ",\"gate\":\"pass\"");
	pm_buf_puts(out, ",\"triggers\":[");
	for (int t = 0; t < PM_TRIGGER_COUNT; t++) {
		const struct pm_trigger_result *tr = &rep->triggers[t];
		pm_buf_puts(out, t ? ",{\"id\":" : "{\"id\":");
		ref_str(out, pm_trigger_id((enum pm_trigger)t));
		pm_buf_printf(out, ",\"score\":%d,\"threshold\":%d,\"fired\":%s,"
		    "\"reasons\":[", tr->score, tr->threshold,
		    tr->fired ? "true" : "false");
		for (size_t i = 0; i < tr->nreasons; i++) {
			const struct pm_reason *r = &tr->reasons[i];
			pm_buf_puts(out, i ? ",{\"rule\":" : "{\"rule\":");
			ref_str(out, r->rule ? r->rule->id : NULL);
			pm_buf_printf(out, ",\"points\":%d,\"message\":", r->points);
			ref_str(out, r->message);
			pm_buf_puts(out, ",\"field\":");
			ref_str(out, r->field);
			pm_buf_puts(out, ",\"value\":");
			ref_str(out, r->value);
			ref_pos(out, r->pos.line, r->pos.column);
			pm_buf_putc(out, '}');
		}
		pm_buf_puts(out, "]}");
	}
	pm_buf_puts(out, "],\"decisive\":[");
	for (size_t i = 0; i < rep->ndecisive; i++) {
		if (i)
			pm_buf_putc(out, ',');
		const struct pm_rule *rule = rep->decisive[i].rule;
		ref_str(out, rule ? rule->id : NULL);
	}
	pm_buf_puts(out, "],\"notes\":[");
	for (size_t i = 0; i < rep->nnotes; i++) {
		const struct pm_note *n = &rep->notes[i];
		pm_buf_puts(out, i ? ",{\"severity\":" : "{\"severity\":");
		ref_str(out, n->severity ? n->severity : "warning");
		pm_buf_puts(out, ",\"code\":");
		ref_str(out, n->code);
		pm_buf_puts(out, ",\"message\":");
		ref_str(out, n->message);
		pm_buf_puts(out, ",\"field\":");
		ref_str(out, n->field);
		ref_pos(out, n->pos.line, n->pos.column);
		pm_buf_putc(out, '}');
	}
	pm_buf_puts(out, "],\"postmortem\":{\"due\":");
	if (rep->has_due) {
		int64_t y;
		unsigned m, d;
		pm_civil_from_days(rep->due_day, &y, &m, &d);
		pm_buf_printf(out, "\"%04lld-%02u-%02u\"", (long long)y, m, d);
	} else {
		pm_buf_puts(out, "null");
	}
	pm_buf_puts(out, ",\"link\":");
	ref_field(out, rep->hf, PM_F_POSTMORTEM_LINK);
	pm_buf_puts(out, ",\"waived\":");
	ref_field(out, rep->hf, PM_F_POSTMORTEM_WAIVED);
	pm_buf_puts(out, "}}\n");
}

static void
ref_json_error(struct pm_buf *out, const struct pm_error *err,
               const struct pm_render_opts *opts)
{
	ref_head(out, opts);
	pm_buf_puts(out, ",\"error\":{\"code\":");
	ref_str(out, pm_errcode_name(err->code));
	pm_buf_puts(out, ",\"message\":");
	pm_escape_json(out, err->message, strnlen(err->message, sizeof(err->message)));
	pm_buf_puts(out, ",\"path\":");
	size_t plen = strnlen(err->path, sizeof(err->path));
	if (plen == 0)
		pm_buf_puts(out, "null");
	else
		pm_escape_json(out, err->path, plen);
	ref_pos(out, err->line, err->column);
	pm_buf_puts(out, "}}\n");
}

/* --- comparing ------------------------------------------------------------ */

/* Text already in the buffer before the object: none, and lengths around
 * the first capacities, so that room runs out at every kind of place. */
static const size_t prefixes[] = {
	0, 1, 7, 100, 200, 255, 256, 300, 511, 1000, 2047, 3000, 4095, 5000,
};

/* The renderer after each prefix gives the reference's bytes, NUL-terminated,
 * with the prefix left as it was. */
static void
check_report_after(const struct pm_report *rep,
                   const struct pm_render_opts *opts,
                   const struct pm_buf *want, size_t prefix)
{
	struct pm_buf got = PM_BUF_INIT;
	pm_buf_repeat(&got, 'x', prefix);
	pm_render_json(&got, rep, opts);
	assert_int_equal(got.len, prefix + want->len);
	for (size_t i = 0; i < prefix; i++)
		assert_int_equal(got.data[i], 'x');
	assert_memory_equal(got.data + prefix, want->data, want->len);
	assert_int_equal(got.data[got.len], '\0');
	pm_buf_free(&got);
}

static void
check_report(const struct pm_report *rep, const struct pm_render_opts *opts)
{
	struct pm_buf want = PM_BUF_INIT;
	ref_json(&want, rep, opts);
	for (size_t p = 0; p < NELEM(prefixes); p++)
		check_report_after(rep, opts, &want, prefixes[p]);
	pm_buf_free(&want);
}

/* As check_report after every prefix up to a few KB: so that, at each
 * check for room, some prefix leaves exactly the room asked for and not a
 * byte more, and a stretch of fixed text longer than what the check made
 * room for runs past the end of the storage. */
static void
check_report_dense(const struct pm_report *rep,
                   const struct pm_render_opts *opts)
{
	struct pm_buf want = PM_BUF_INIT;
	ref_json(&want, rep, opts);
	for (size_t p = 0; p <= 4200; p++)
		check_report_after(rep, opts, &want, p);
	pm_buf_free(&want);
}

static void
check_error(const struct pm_error *err, const struct pm_render_opts *opts)
{
	struct pm_buf want = PM_BUF_INIT;
	ref_json_error(&want, err, opts);
	for (size_t p = 0; p < NELEM(prefixes); p++) {
		struct pm_buf got = PM_BUF_INIT;
		pm_buf_repeat(&got, 'x', prefixes[p]);
		pm_render_json_error(&got, err, opts);
		assert_int_equal(got.len, prefixes[p] + want.len);
		assert_memory_equal(got.data + prefixes[p], want.data, want.len);
		assert_int_equal(got.data[got.len], '\0');
		pm_buf_free(&got);
	}
	pm_buf_free(&want);
}

/* --- random reports ------------------------------------------------------- */

/* xorshift64*: the same reports on every run. */
static uint64_t
next_random(uint64_t *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * UINT64_C(2685821657736338717);
}

/* Every string made for a report, freed together. */
struct pool {
	char *s[512];
	size_t n;
};

static const char *
pool_keep(struct pool *pool, char *s)
{
	assert_true(pool->n < NELEM(pool->s));
	pool->s[pool->n++] = s;
	return s;
}

static void
pool_free(struct pool *pool)
{
	for (size_t i = 0; i < pool->n; i++)
		free(pool->s[i]);
	pool->n = 0;
}

/* A string of LEN bytes, no NUL among them: mostly plain ASCII with some
 * of everything JSON escapes, "##[", bytes that are not UTF-8 and UTF-8
 * that is kept or shown as \uNNNN. */
static const char *
random_text(struct pool *pool, uint64_t *rnd, size_t len)
{
	static const char *const odd[] = {
		"\x01", "\b", "\t", "\n", "\f", "\r", "\x1b", "\x1f", "\"", "\\",
		"#", "##[", "\x7f", "\x80", "\xc2\x85", "\xc3\xa9", "\xd8\x9c",
		"\xe2\x80\xa8", "\xe2\x80\xae", "\xe2\x81\xa6", "\xe2\x82\xac",
		"\xed\xa0\x80", "\xf0\x9f\x98\x80", "\xff", "\xe2\x82",
	};
	char *s = malloc(len + 1);
	assert_non_null(s);
	bool plain = next_random(rnd) % 2 == 0;
	size_t i = 0;
	while (i < len) {
		uint64_t r = next_random(rnd);
		if (plain || r % 8 < 6) {
			s[i++] = (char)(' ' + (r >> 8) % 95);
			continue;
		}
		const char *o = odd[(r >> 8) % NELEM(odd)];
		for (size_t k = 0; o[k] && i < len; k++)
			s[i++] = o[k];
	}
	/* Plain text may still hold '"', '\\' or '#': the renderer must
	 * not take any string it does not know for plain. */
	s[len] = '\0';
	return pool_keep(pool, s);
}

/* A length: mostly what reports hold, sometimes around the longest the
 * renderer escapes into worst-case room, sometimes longer. */
static size_t
random_len(uint64_t *rnd)
{
	uint64_t r = next_random(rnd);
	switch (r % 16) {
	case 0:
		return 1000 + (r >> 8) % 50;        /* around 1024 */
	case 1:
		return 2000 + (r >> 8) % 3000;
	case 2:
		return 0;
	default:
		return (r >> 8) % 60;
	}
}

/* A string, NULL now and then, or one of a few names (a severity, a
 * trigger or verdict name) or near-misses of them. */
static const char *
random_str(struct pool *pool, uint64_t *rnd)
{
	static const char *const names[] = {
		"warning", "warn", "warnings", "Warning", "warning\n", "error",
		"recurrence", "required", "note",
	};
	uint64_t r = next_random(rnd);
	if (r % 10 == 0)
		return NULL;
	if (r % 10 == 1)
		return names[(r >> 8) % NELEM(names)];
	return random_text(pool, rnd, random_len(rnd));
}

static int
random_int(uint64_t *rnd)
{
	static const int edges[] = { 0, 9, 10, 99, 100, -1, -99, -100, INT_MAX, INT_MIN };
	uint64_t r = next_random(rnd);
	if (r % 4 == 0)
		return edges[(r >> 8) % NELEM(edges)];
	if (r % 4 == 1)
		return (int)(uint32_t)(r >> 16);
	return (int)((r >> 8) % 120);
}

static struct pm_pos
random_pos(uint64_t *rnd)
{
	uint64_t r = next_random(rnd);
	struct pm_pos pos = { 0 };
	if (r % 5 == 0)
		return pos;         /* line 0: null */
	pos.line = r % 5 == 1 ? UINT32_MAX - (uint32_t)((r >> 8) % 3)
	                      : (uint32_t)((r >> 8) % 2000) + 1;
	pos.column = r % 7 == 1 ? (uint32_t)(r >> 32) : (uint32_t)((r >> 16) % 200);
	return pos;
}

static void
random_value(struct pool *pool, uint64_t *rnd, struct pm_value *v)
{
	memset(v, 0, sizeof(*v));
	uint64_t r = next_random(rnd);
	if (r % 5 == 0)
		return;                         /* not given */
	if (r % 5 == 1) {
		v->type = PM_V_INT;             /* given, but not a string */
		v->s = "12";
		v->len = 2;
		return;
	}
	v->type = r % 5 == 2 ? PM_V_ENUM : PM_V_STR;
	v->s = random_text(pool, rnd, random_len(rnd));
	v->len = strlen(v->s);
}

#define MAX_REASONS 6
#define MAX_NOTES 12

struct random_report {
	struct pm_hotfix hf;
	struct pm_report rep;
	struct pm_rule rules[PM_TRIGGER_COUNT * MAX_REASONS + 4];
	struct pm_reason reasons[PM_TRIGGER_COUNT][MAX_REASONS];
	struct pm_reason decisive[4];
	struct pm_note notes[MAX_NOTES];
	struct pm_render_opts opts;
};

static const struct pm_rule *
random_rule(struct random_report *rr, size_t *nrules, struct pool *pool,
            uint64_t *rnd)
{
	if (next_random(rnd) % 8 == 0)
		return NULL;
	struct pm_rule *rule = &rr->rules[(*nrules)++];
	memset(rule, 0, sizeof(*rule));
	rule->id = random_str(pool, rnd);
	return rule;
}

static void
random_report(struct random_report *rr, struct pool *pool, uint64_t *rnd)
{
	memset(rr, 0, sizeof(*rr));
	random_value(pool, rnd, &rr->hf.f[PM_F_ID]);
	random_value(pool, rnd, &rr->hf.f[PM_F_TITLE]);
	random_value(pool, rnd, &rr->hf.f[PM_F_POSTMORTEM_LINK]);
	random_value(pool, rnd, &rr->hf.f[PM_F_POSTMORTEM_WAIVED]);

	struct pm_report *rep = &rr->rep;
	rep->hf = next_random(rnd) % 16 == 0 ? NULL : &rr->hf;
	/* Past PM_VERDICT_REQUIRED too: "unknown". */
	rep->verdict = (enum pm_verdict)(next_random(rnd) % 6);
	rep->satisfied = next_random(rnd) % 2;
	size_t nrules = 0;
	for (int t = 0; t < PM_TRIGGER_COUNT; t++) {
		struct pm_trigger_result *tr = &rep->triggers[t];
		tr->id = (enum pm_trigger)t;
		tr->score = random_int(rnd);
		tr->threshold = random_int(rnd);
		tr->fired = next_random(rnd) % 2;
		tr->reasons = rr->reasons[t];
		tr->nreasons = next_random(rnd) % (MAX_REASONS + 1);
		for (size_t i = 0; i < tr->nreasons; i++) {
			struct pm_reason *r = &rr->reasons[t][i];
			r->rule = random_rule(rr, &nrules, pool, rnd);
			r->points = random_int(rnd);
			r->message = random_str(pool, rnd);
			r->field = random_str(pool, rnd);
			/* The same pointer twice in a row, as for two rules
			 * on one field. */
			r->value = i > 0 && next_random(rnd) % 4 == 0 ?
			    rr->reasons[t][i - 1].value : random_str(pool, rnd);
			r->pos = random_pos(rnd);
		}
	}
	rep->decisive = rr->decisive;
	rep->ndecisive = next_random(rnd) % 5;
	for (size_t i = 0; i < rep->ndecisive; i++)
		rr->decisive[i].rule = random_rule(rr, &nrules, pool, rnd);
	rep->notes = rr->notes;
	rep->nnotes = next_random(rnd) % (MAX_NOTES + 1);
	for (size_t i = 0; i < rep->nnotes; i++) {
		struct pm_note *n = &rr->notes[i];
		n->severity = next_random(rnd) % 2 ? "warning" : random_str(pool, rnd);
		n->code = random_str(pool, rnd);
		n->message = random_str(pool, rnd);
		n->field = random_str(pool, rnd);
		n->pos = random_pos(rnd);
	}
	rep->has_due = next_random(rnd) % 3 != 0;
	/* Now and then a day outside the years 0000..9999. */
	rep->due_day = next_random(rnd) % 8 == 0 ?
	    (int64_t)(next_random(rnd) % 8000000) - 4000000 :
	    (int64_t)(next_random(rnd) % 30000);

	rr->opts = (struct pm_render_opts){
		.file = random_str(pool, rnd),
		.version = next_random(rnd) % 4 ? "0.1.0" : random_str(pool, rnd),
		.config = random_str(pool, rnd),
		.fail_on = (enum pm_verdict)(next_random(rnd) % 4),
	};
}

static void
test_json_random_reports(void **state)
{
	(void)state;
	static struct random_report rr;
	struct pool pool = { .n = 0 };
	uint64_t rnd = UINT64_C(0x243f6a8885a308d3);
	for (int round = 0; round < 1500; round++) {
		random_report(&rr, &pool, &rnd);
		check_report(&rr.rep, &rr.opts);
		pool_free(&pool);
	}
}

/* A report of nothing but fixed text: no reasons, no notes, all strings
 * absent, the longest numbers, so that the stretches between two checks
 * for room are as long as they get. */
static void
test_json_fixed_text_only(void **state)
{
	(void)state;
	struct pm_report rep = { 0 };
	for (int t = 0; t < PM_TRIGGER_COUNT; t++) {
		rep.triggers[t].score = INT_MIN;
		rep.triggers[t].threshold = INT_MIN;
		rep.triggers[t].fired = t % 2 == 0;     /* the last: false */
	}
	rep.verdict = PM_VERDICT_RECOMMENDED;
	rep.has_due = true;
	rep.due_day = -4000000;                 /* a year before 0000 */
	struct pm_render_opts opts = { .fail_on = PM_VERDICT_OPTIONAL };
	check_report_dense(&rep, &opts);
	rep.has_due = false;
	check_report_dense(&rep, &opts);
	rep.verdict = PM_VERDICT_REQUIRED + 1;  /* escaped, not a literal */
	check_report_dense(&rep, &opts);

	/* Many reasons and notes whose strings are all absent. */
	static struct pm_reason reasons[200];
	static struct pm_note notes[200];
	for (size_t i = 0; i < NELEM(reasons); i++) {
		reasons[i] = (struct pm_reason){
			.points = INT_MIN, .pos = { UINT32_MAX, UINT32_MAX },
		};
		notes[i] = (struct pm_note){ .pos = { UINT32_MAX, UINT32_MAX } };
	}
	for (int t = 0; t < PM_TRIGGER_COUNT; t++) {
		rep.triggers[t].reasons = reasons;
		rep.triggers[t].nreasons = NELEM(reasons);
	}
	rep.notes = notes;
	rep.nnotes = NELEM(notes);
	check_report(&rep, &opts);
}

/* The names written as literals read as the functions that name them. */
static void
test_json_names(void **state)
{
	(void)state;
	struct pm_report rep = { 0 };
	struct pm_render_opts opts = { .file = "f" };
	char want[128];
	for (int v = PM_VERDICT_NONE; v <= PM_VERDICT_REQUIRED + 1; v++) {
		rep.verdict = (enum pm_verdict)v;
		struct pm_buf out = PM_BUF_INIT;
		pm_render_json(&out, &rep, &opts);
		snprintf(want, sizeof(want), ",\"verdict\":\"%s\",\"gate\":",
		    pm_verdict_name(rep.verdict));
		assert_non_null(strstr(out.data, want));
		pm_buf_free(&out);
	}
	struct pm_buf out = PM_BUF_INIT;
	pm_render_json(&out, &rep, &opts);
	const char *at = out.data;
	for (int t = 0; t < PM_TRIGGER_COUNT; t++) {
		snprintf(want, sizeof(want), "{\"id\":\"%s\",\"score\":0,",
		    pm_trigger_id((enum pm_trigger)t));
		at = strstr(at, want);
		assert_non_null(at);
	}
	pm_buf_free(&out);

	/* A severity that only starts like "warning", or is longer. */
	static const char *const severities[] = {
		"warning", "warn", "warnings", "", "w\"arning", NULL,
	};
	for (size_t i = 0; i < NELEM(severities); i++) {
		struct pm_note note = { .severity = severities[i], .code = "c" };
		rep.notes = &note;
		rep.nnotes = 1;
		check_report(&rep, &opts);
	}
}

/* Errors: hostile, full-length and empty messages and paths, and a
 * message with no NUL in its array. */
static void
test_json_errors(void **state)
{
	(void)state;
	static struct pm_error err;
	struct pool pool = { .n = 0 };
	uint64_t rnd = UINT64_C(0x13198a2e03707344);
	for (int round = 0; round < 300; round++) {
		memset(&err, 0, sizeof(err));
		err.code = (enum pm_errcode)(next_random(&rnd) % (PM_ERR_COUNT + 1));
		err.line = (uint32_t)(next_random(&rnd) % 3 == 0 ? 0 : next_random(&rnd));
		err.column = (uint32_t)next_random(&rnd);
		size_t mlen = next_random(&rnd) % (sizeof(err.message) + 1);
		size_t plen = next_random(&rnd) % 3 == 0 ? 0 :
		    next_random(&rnd) % (sizeof(err.path) + 1);
		memcpy(err.message, random_text(&pool, &rnd, mlen), mlen);
		memcpy(err.path, random_text(&pool, &rnd, plen), plen);
		struct pm_render_opts opts = {
			.file = random_str(&pool, &rnd),
			.version = "0.1.0",
			.config = random_str(&pool, &rnd),
		};
		check_error(&err, &opts);
		pool_free(&pool);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_random_reports),
		cmocka_unit_test(test_json_fixed_text_only),
		cmocka_unit_test(test_json_names),
		cmocka_unit_test(test_json_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
