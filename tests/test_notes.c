/*
 * Review note tests: blameful wording at the exact line and column (inside
 * block scalars too), weak action items, overdue dates against a pinned
 * today, missing timelines, times out of order; notes never move the verdict.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pm_buf.h"
#include "pm_parse.h"
#include "pm_report.h"

#define TODAY 19783 /* 2024-03-01 */

static void
judge(struct pm_hotfix *hf, struct pm_report *rep, const char *yaml)
{
	struct pm_error err;
	pm_error_clear(&err);
	pm_hotfix_init(hf);
	if (pm_parse(hf, yaml, strlen(yaml), &err) != 0)
		fail_msg("parse failed at %u:%u: %s", err.line, err.column, err.message);
	pm_report_build(rep, hf, pm_policy_default(), TODAY);
}

/* The notes as "LINE:COL code" lines, for one exact comparison. */
static void
summary(const struct pm_report *rep, char *out, size_t outsz)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < rep->nnotes; i++) {
		int n = snprintf(out + used, outsz - used, "%u:%u %s\n",
		                 rep->notes[i].pos.line, rep->notes[i].pos.column,
		                 rep->notes[i].code);
		if (n > 0)
			used += (size_t)n;
	}
}

static void
test_blameful_wording_positions(void **state)
{
	(void)state;
	struct pm_hotfix hf;
	struct pm_report rep;
	char got[1024];
	judge(&hf, &rep,
	      "title: Outage after a careless deploy\n"
	      "summary: |\n"
	      "  The deploy went out on Friday.\n"
	      "  Ops should have noticed; it was Human\n"
	      "  Error, plain and simple.\n"
	      "root_cause:\n"
	      "  description: a blame-free review found no fault of anyone's making\n"
	      "timeline:\n"
	      "  - at: 2024-01-01T10:00:00Z\n"
	      "    event: \"Bob forgot to run the migration\"\n");
	summary(&rep, got, sizeof(got));
	/* "Human\n  Error" is found across the line break; "blame-free" is
	 * not "blame"; "fault of" is. */
	assert_string_equal(got,
	                    "1:23 blameful_wording\n"
	                    "4:7 blameful_wording\n"
	                    "4:35 blameful_wording\n"
	                    "7:45 blameful_wording\n"
	                    "10:17 blameful_wording\n");
	assert_non_null(strstr(rep.notes[0].message, "\"careless\""));
	assert_string_equal(rep.notes[0].field, "title");
	assert_string_equal(rep.notes[1].field, "summary");
	assert_string_equal(rep.notes[4].field, "timeline[0].event");
	assert_string_equal(rep.notes[4].severity, "warning");
	pm_hotfix_free(&hf);
}

static void
test_action_items(void **state)
{
	(void)state;
	struct pm_hotfix hf;
	struct pm_report rep;
	char got[1024];
	judge(&hf, &rep,
	      "title: t\n"
	      "action_items:\n"
	      "  - title: Add an alert on checkout errors\n"
	      "    owner: ana\n"
	      "    due: 2024-03-15\n"
	      "    type: detect\n"
	      "  - title: Investigate the cache\n"
	      "    owner: bo\n"
	      "    due: 2024-02-29\n"
	      "    type: prevent\n"
	      "  - title: Maybe look into retries\n");
	summary(&rep, got, sizeof(got));
	assert_string_equal(got,
	                    "7:12 vague_action\n"
	                    "9:10 action_overdue\n"
	                    "11:5 action_without_due\n"
	                    "11:5 action_without_owner\n"
	                    "11:5 action_without_type\n"
	                    "11:18 vague_action\n");
	assert_string_equal(rep.notes[1].field, "action_items[1].due");
	assert_non_null(strstr(rep.notes[1].message, "2024-02-29"));
	/* One vague note per title, even with two vague words. */
	assert_non_null(strstr(rep.notes[5].message, "\"look into\""));
	pm_hotfix_free(&hf);

	/* Due today is not overdue. */
	judge(&hf, &rep, "title: t\naction_items:\n  - {title: Add alert, owner: a, "
	                 "due: 2024-03-01, type: detect}\n");
	assert_int_equal(rep.nnotes, 0);
	pm_hotfix_free(&hf);
}

static void
test_timeline_notes(void **state)
{
	(void)state;
	struct pm_hotfix hf;
	struct pm_report rep;
	char got[256];
	judge(&hf, &rep, "title: t\nseverity: critical\n");
	summary(&rep, got, sizeof(got));
	assert_string_equal(got, "2:11 missing_timeline\n");
	assert_non_null(strstr(rep.notes[0].message, "sev1"));
	pm_hotfix_free(&hf);

	judge(&hf, &rep, "title: t\nseverity: sev3\n");
	assert_int_equal(rep.nnotes, 0);
	pm_hotfix_free(&hf);

	judge(&hf, &rep, "title: t\nstarted_at: 2024-01-02T10:00:00Z\n"
	                 "resolved_at: 2024-01-02T09:00:00Z\n");
	summary(&rep, got, sizeof(got));
	assert_string_equal(got, "3:14 time_order\n");
	assert_string_equal(rep.notes[0].message, "resolved_at is earlier than started_at");
	assert_int_equal(hf.f[PM_F_DERIVED_DURATION_MINUTES].type, PM_V_NONE);
	pm_hotfix_free(&hf);
}

static void
test_postmortem_overdue(void **state)
{
	(void)state;
	struct pm_hotfix hf;
	struct pm_report rep;
	char got[256];
	/* sev3 resolved 2024-02-01: due 2024-02-15, before today. */
	judge(&hf, &rep, "title: t\nteams: [a, b]\nresolved_at: 2024-02-01T10:00:00Z\n");
	summary(&rep, got, sizeof(got));
	assert_string_equal(got, "3:14 postmortem_overdue\n");
	assert_string_equal(rep.notes[0].message, "the post-mortem was due on "
	                    "2024-02-15 (from severity) and has no postmortem.link or waiver yet");
	pm_hotfix_free(&hf);
	/* Written due date, still ahead: nothing. Linked: nothing. Optional:
	 * nothing. */
	judge(&hf, &rep, "title: t\nteams: [a, b]\npostmortem: {due: 2024-03-02}\n");
	assert_int_equal(rep.nnotes, 0);
	pm_hotfix_free(&hf);
	judge(&hf, &rep, "title: t\nteams: [a, b]\npostmortem: {due: 2024-01-02, link: x}\n");
	assert_int_equal(rep.nnotes, 0);
	pm_hotfix_free(&hf);
	judge(&hf, &rep, "title: t\nresolved_at: 2024-01-01\n");
	assert_int_equal(rep.nnotes, 0);
	pm_hotfix_free(&hf);
	judge(&hf, &rep, "title: t\nteams: [a, b]\npostmortem: {due: 2024-01-02}\n");
	summary(&rep, got, sizeof(got));
	assert_string_equal(got, "3:19 postmortem_overdue\n");
	assert_string_equal(rep.notes[0].field, "postmortem.due");
	pm_hotfix_free(&hf);
}

static void
test_notes_never_change_verdict(void **state)
{
	(void)state;
	struct pm_hotfix a, b;
	struct pm_report ra, rb;
	judge(&a, &ra, "title: t\nteams: [x, y]\n");
	judge(&b, &rb, "title: human error, careless, should have\nteams: [x, y]\n"
	               "action_items: [{title: investigate}]\n");
	assert_int_equal(ra.nnotes, 0);
	assert_true(rb.nnotes >= 5);
	assert_int_equal(ra.verdict, rb.verdict);
	for (int t = 0; t < PM_TRIGGER_COUNT; t++)
		assert_int_equal(ra.triggers[t].score, rb.triggers[t].score);
	pm_hotfix_free(&a);
	pm_hotfix_free(&b);
}

static void
test_many_phrases_stay_fast(void **state)
{
	(void)state;
	/* 50 000 notes must sort in n log n, not n^2. */
	struct pm_buf buf = PM_BUF_INIT;
	pm_buf_puts(&buf, "title: t\ntimeline:\n");
	for (int i = 0; i < 10000; i++)
		pm_buf_puts(&buf, "  - {at: 2024-01-01, event: careless sloppy lazy human error should have}\n");
	struct pm_hotfix hf;
	struct pm_report rep;
	judge(&hf, &rep, buf.data);
	assert_int_equal(rep.nnotes, 50000);
	for (size_t i = 1; i < rep.nnotes; i++)
		assert_true(rep.notes[i - 1].pos.line < rep.notes[i].pos.line ||
		            (rep.notes[i - 1].pos.line == rep.notes[i].pos.line &&
		             rep.notes[i - 1].pos.column < rep.notes[i].pos.column));
	pm_hotfix_free(&hf);
	pm_buf_free(&buf);
}

/* ---- the phrase index ---------------------------------------------------- */

/* Judges YAML under POLICY into HF and REP. */
static void
judge_with(struct pm_hotfix *hf, struct pm_report *rep,
           const struct pm_policy *policy, const char *yaml)
{
	struct pm_error err;
	pm_error_clear(&err);
	pm_hotfix_init(hf);
	if (pm_parse(hf, yaml, strlen(yaml), &err) != 0)
		fail_msg("parse failed at %u:%u: %s", err.line, err.column, err.message);
	pm_report_build(rep, hf, policy, TODAY);
}

/* Every note as "LINE:COL code field message" lines. */
static void
describe(const struct pm_report *rep, struct pm_buf *out)
{
	pm_buf_clear(out);
	for (size_t i = 0; i < rep->nnotes; i++)
		pm_buf_printf(out, "%u:%u %s %s %s\n", rep->notes[i].pos.line,
		              rep->notes[i].pos.column, rep->notes[i].code,
		              rep->notes[i].field ? rep->notes[i].field : "-",
		              rep->notes[i].message);
}

static const char *const note_samples[] = {
	"title: Outage after a careless deploy\n"
	"summary: |\n"
	"  Ops should have noticed; it was Human\n"
	"  Error, plain and simple. Bob's fault, to blame.\n"
	"timeline:\n"
	"  - {at: 2024-01-01T10:00:00Z, event: Bob forgot to run it}\n"
	"action_items:\n"
	"  - {title: Investigate and look into the lazy retries}\n"
	"  - {title: Maybe think about it, owner: a, due: 2024-01-02}\n",
	"title: nothing to say\nsummary: all good here\n",
	"title: t\n"
	"fix: {risks: [sloppy rollback, the user error path]}\n"
	"postmortem: {waived: \"operator error, blame-free\"}\n",
};

static void
test_prepared_index_is_shared(void **state)
{
	(void)state;
	struct pm_arena arena;
	pm_arena_init(&arena);
	struct pm_policy policy = *pm_policy_default();
	assert_null(policy.blameful_index);
	pm_policy_prepare(&policy, &arena);
	const struct pm_phrase_index *blameful = policy.blameful_index;
	const struct pm_phrase_index *vague = policy.vague_index;
	assert_non_null(blameful);
	assert_non_null(vague);
	/* Preparing again keeps what is still current. */
	pm_policy_prepare(&policy, &arena);
	assert_ptr_equal(policy.blameful_index, blameful);
	assert_ptr_equal(policy.vague_index, vague);
	assert_ptr_equal(pm_phrase_index_get(blameful, policy.blameful, &arena),
	                 blameful);

	/* Reports judged with the shared index (several, one after another)
	 * say what reports that index the lists for themselves say. */
	struct pm_buf want = PM_BUF_INIT, got = PM_BUF_INIT;
	for (int round = 0; round < 2; round++)
		for (size_t i = 0; i < sizeof(note_samples) / sizeof(note_samples[0]); i++) {
			struct pm_hotfix a, b;
			struct pm_report ra, rb;
			judge_with(&a, &ra, pm_policy_default(), note_samples[i]);
			judge_with(&b, &rb, &policy, note_samples[i]);
			describe(&ra, &want);
			describe(&rb, &got);
			assert_string_equal(got.data ? got.data : "",
			                    want.data ? want.data : "");
			pm_hotfix_free(&a);
			pm_hotfix_free(&b);
		}
	assert_ptr_equal(policy.blameful_index, blameful);

	/* A list changed after preparing is not searched with the old index. */
	static const char *const mine[] = { "deploy", NULL };
	policy.blameful = mine;
	struct pm_hotfix hf;
	struct pm_report rep;
	judge_with(&hf, &rep, &policy, "title: a careless deploy\n");
	assert_int_equal(rep.nnotes, 1);
	assert_non_null(strstr(rep.notes[0].message, "\"deploy\""));
	pm_hotfix_free(&hf);
	pm_policy_prepare(&policy, &arena);
	assert_ptr_not_equal(policy.blameful_index, blameful);
	assert_ptr_equal(policy.vague_index, vague);
	pm_buf_free(&want);
	pm_buf_free(&got);
	pm_arena_free(&arena);
}

/* The search as specified, one phrase and one place at a time. */
static bool
ref_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
ref_word(unsigned char c)
{
	return ref_alnum(c) || c == '_' || c == '-' || c == '\'' || c >= 0x80;
}

static bool
ref_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static unsigned char
ref_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* The length of PHRASE's occurrence at I of S (ending by END), or 0. */
static size_t
ref_match(const unsigned char *s, size_t i, size_t end, const char *phrase)
{
	const unsigned char *p = (const unsigned char *)phrase;
	size_t n = strlen(phrase);
	if (n == 0 || (ref_alnum(p[0]) && i > 0 && ref_word(s[i - 1])))
		return 0;
	size_t j = i;
	for (size_t k = 0; k < n; k++) {
		if (j >= end)
			return 0;
		if (p[k] == ' ') {
			if (!ref_space(s[j]))
				return 0;
			while (j < end && ref_space(s[j]))
				j++;
		} else if (ref_lower(s[j]) == ref_lower(p[k])) {
			j++;
		} else {
			return 0;
		}
	}
	if (j < end && ref_word(s[j]) && ref_alnum(p[n - 1]))
		return 0;
	return j - i;
}

/* The notes of CODE expected for V under PHRASES, as sorted lines. */
static void
ref_notes(const struct pm_hotfix *hf, const struct pm_value *v,
          const char *const *phrases, bool first_only, struct pm_buf *out)
{
	const unsigned char *s = (const unsigned char *)hf->src;
	size_t best = SIZE_MAX, best_at = 0;
	for (size_t k = 0; phrases[k]; k++) {
		for (size_t i = v->start, resume = 0; i < v->end; i++) {
			size_t len = i < resume ? 0 : ref_match(s, i, v->end, phrases[k]);
			if (len == 0)
				continue;
			if (first_only) {
				if (k < best) {
					best = k;
					best_at = i;
				}
				break;
			}
			struct pm_pos pos = pm_hotfix_pos(hf, (uint32_t)i);
			pm_buf_printf(out, "%u:%u \"%s\"\n", pos.line, pos.column, phrases[k]);
			resume = i + len;
		}
	}
	if (best != SIZE_MAX) {
		struct pm_pos pos = pm_hotfix_pos(hf, (uint32_t)best_at);
		pm_buf_printf(out, "%u:%u \"%s\"\n", pos.line, pos.column, phrases[best]);
	}
}

/* The notes of CODE in REP, as ref_notes writes them. */
static void
got_notes(const struct pm_report *rep, const char *code, struct pm_buf *out)
{
	for (size_t i = 0; i < rep->nnotes; i++) {
		if (strcmp(rep->notes[i].code, code) != 0)
			continue;
		const char *q = strchr(rep->notes[i].message, '"');
		const char *e = strstr(q + 1, "\": ");
		pm_buf_printf(out, "%u:%u %.*s\n", rep->notes[i].pos.line,
		              rep->notes[i].pos.column, (int)(e - q + 1), q);
	}
}

static int
line_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* BUF's lines sorted, in place. */
static void
sort_lines(struct pm_buf *buf)
{
	if (buf->len == 0)
		return;
	char *copy = pm_xstrdup(buf->data);
	size_t n = 0, most = 1;
	for (size_t i = 0; i < buf->len; i++)
		most += buf->data[i] == '\n';
	char **lines = pm_xmalloc(most * sizeof(*lines));
	for (char *l = strtok(copy, "\n"); l && n < most; l = strtok(NULL, "\n"))
		lines[n++] = l;
	qsort(lines, n, sizeof(lines[0]), line_cmp);
	pm_buf_clear(buf);
	for (size_t i = 0; i < n; i++)
		pm_buf_printf(buf, "%s\n", lines[i]);
	free(lines);
	free(copy);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static unsigned
rng(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}

/* Random text of 1 to WORDS words that overlap the phrases below, in a
 * block scalar indented by INDENT spaces, on several lines when LINES;
 * without its last line feed when LAST. */
static void
random_text(struct pm_buf *out, unsigned indent, bool lines, size_t words,
            bool last)
{
	static const char *const word[] = {
		"a", "b", "ab", "ba", "aba", "bab", "abab", "A", "AB", "Ab", "x's",
		"'s", "x", "q", "Q", "tbd", "TBD", "\xc3\xa9", "\xc3\x89", "\xc3\xa9" "a",
		"-", "a-b", "b-", "'", "_", "1", "a1", "1ab", "x1b", "2024", "to",
		"To", "blame", "BLAME", "BAB",
	};
	static const char *const gaps[] = {
		" ", " ", " ", "  ", "\t", ", ", ".", "'", "-", "(", "\n",
	};
	size_t n = 1 + rng((unsigned)words);
	pm_buf_repeat(out, ' ', indent);
	for (size_t i = 0; i < n; i++) {
		pm_buf_puts(out, word[rng(sizeof(word) / sizeof(word[0]))]);
		const char *gap = gaps[rng(sizeof(gaps) / sizeof(gaps[0]) - !lines)];
		/* The last word, or another gap than a line feed. */
		if (i + 1 == n)
			break;
		pm_buf_puts(out, gap);
		if (strcmp(gap, "\n") == 0)
			pm_buf_repeat(out, ' ', indent);
	}
	if (!last)
		pm_buf_putc(out, '\n');
}

/* Judges the LEN bytes at YAML under POLICY, from a copy that ends where
 * they do, so that a read past the source's end is caught. */
static char *
judge_exact(struct pm_hotfix *hf, struct pm_report *rep,
            const struct pm_policy *policy, const char *yaml, size_t len)
{
	char *src = pm_xmalloc(len ? len : 1);
	memcpy(src, yaml, len);
	struct pm_error err;
	pm_error_clear(&err);
	pm_hotfix_init(hf);
	if (pm_parse(hf, src, len, &err) != 0)
		fail_msg("parse failed at %u:%u: %s\n%.*s", err.line, err.column,
		         err.message, (int)len, yaml);
	pm_report_build(rep, hf, policy, TODAY);
	return src;
}

/* Phrase lists that overlap one another and themselves, start inside
 * words or with a space, span white space, are one byte long, or differ
 * from the text in case.  The lists of a row are searched together; their
 * phrases that start with neither a letter, a digit nor a space start
 * with more than two different bytes in the first and the last rows (the
 * search goes byte by byte; in the last, each list alone has two), with
 * two in the second, with none in the others (the search goes sixteen
 * bytes a step, looking for digits and white space only where phrases
 * start with them). */
static const char *const mixed_blameful[] = {
	"ab", "aba", "bab", "a b", "b  a", " a", "'s", "x's", "a-", "-b", "AB",
	"q", "ab ab", "\xc3\xa9", "tbd", "b\ta", "to blame", "1", "", ",",
	"abababab", "a b a b a", NULL,
};
static const char *const mixed_vague[] = {
	"bab", "ab", "a b", "q", " a", "'s", "x", NULL,
};
static const char *const two_blameful[] = {
	"ab", "aba", "bab", "a b", "b  a", " a", "'s", "x's", "AB", "q",
	"ab ab", "\xc3\xa9", "\xc3\x89" "A", "tbd", "b\ta", "to blame", "1",
	"2024", "abababab", "a b a b a", "a-", NULL,
};
static const char *const two_vague[] = {
	"bab", "ab", "a b", "q", "'s", "x", NULL,
};
static const char *const letter_blameful[] = {
	"ab", "aba", "bab", "a b", "b  a", "x's", "AB", "q", "ab ab", "tbd",
	"b\ta", "To Blame", "abababab", "a b a b a", "a-b", "ba ", NULL,
};
static const char *const letter_vague[] = {
	"bab", "ab", "a b", "Q", "x", "TBD", NULL,
};
static const char *const digit_blameful[] = {
	"1", "a1", "2024", "ab", "to", "b 1", "1ab", NULL,
};
static const char *const digit_vague[] = { "1", "b", NULL };
static const char *const apart_blameful[] = {
	"'s", "-b", "ab", "bab", "a-", NULL,
};
static const char *const apart_vague[] = { ",", "\xc3\xa9", "q", NULL };

static const struct {
	const char *const *blameful, *const *vague;
} scan_lists[] = {
	{ mixed_blameful, mixed_vague },
	{ two_blameful, two_vague },
	{ letter_blameful, letter_vague },
	{ digit_blameful, digit_vague },
	{ apart_blameful, apart_vague },
};

/* Compares the notes of REP with the reference search of every value
 * searched, for the lists BLAMEFUL and VAGUE. */
static void
check_scan(const struct pm_hotfix *hf, const struct pm_report *rep,
           const char *const *blameful, const char *const *vague,
           const char *yaml, struct pm_buf *want, struct pm_buf *got)
{
	static const enum pm_field text[] = {
		PM_F_TITLE, PM_F_SUMMARY, PM_F_IMPACT_DESCRIPTION,
		PM_F_ROOT_CAUSE_DESCRIPTION, PM_F_POSTMORTEM_WAIVED,
	};
	const struct pm_value *risks = &hf->f[PM_F_FIX_RISKS];
	const struct pm_value *tl = &hf->f[PM_F_TIMELINE];
	const struct pm_value *items = &hf->f[PM_F_ACTION_ITEMS];

	pm_buf_clear(want);
	pm_buf_clear(got);
	for (size_t i = 0; i < sizeof(text) / sizeof(text[0]); i++)
		if (hf->f[text[i]].type == PM_V_STR)
			ref_notes(hf, &hf->f[text[i]], blameful, false, want);
	for (size_t i = 0; i < risks->count; i++)
		ref_notes(hf, &risks->items[i], blameful, false, want);
	for (size_t i = 0; i < tl->count; i++)
		ref_notes(hf, &tl->items[i].items[PM_EVENT_EVENT], blameful, false, want);
	for (size_t i = 0; i < items->count; i++)
		ref_notes(hf, &items->items[i].items[PM_ACTION_TITLE], blameful,
		          false, want);
	got_notes(rep, "blameful_wording", got);
	sort_lines(want);
	sort_lines(got);
	if (strcmp(want->data ? want->data : "", got->data ? got->data : "") != 0)
		fail_msg("blameful notes differ for\n%s\nwant:\n%s\ngot:\n%s",
		         yaml, want->data, got->data);

	pm_buf_clear(want);
	pm_buf_clear(got);
	for (size_t i = 0; i < items->count; i++)
		ref_notes(hf, &items->items[i].items[PM_ACTION_TITLE], vague, true,
		          want);
	got_notes(rep, "vague_action", got);
	sort_lines(want);
	sort_lines(got);
	if (strcmp(want->data ? want->data : "", got->data ? got->data : "") != 0)
		fail_msg("vague notes differ for\n%s\nwant:\n%s\ngot:\n%s",
		         yaml, want->data, got->data);
}

static void
test_scan_matches_reference(void **state)
{
	(void)state;
	struct pm_arena arena;
	pm_arena_init(&arena);
	struct pm_buf yaml = PM_BUF_INIT, want = PM_BUF_INIT, got = PM_BUF_INIT;
	for (size_t c = 0; c < sizeof(scan_lists) / sizeof(scan_lists[0]); c++) {
		struct pm_policy indexed = *pm_policy_default();
		indexed.blameful = scan_lists[c].blameful;
		indexed.vague = scan_lists[c].vague;
		struct pm_policy unindexed = indexed;
		pm_policy_prepare(&indexed, &arena);
		const struct pm_policy *policies[] = { &indexed, &unindexed };

		for (int round = 0; round < 150; round++) {
			/* Every free-text field, lists of them long enough to
			 * be searched in more than one batch, and a value that
			 * ends at the end of the source or just before. */
			pm_buf_clear(&yaml);
			pm_buf_puts(&yaml, "title: |-\n");
			random_text(&yaml, 2, false, 12, false);
			pm_buf_puts(&yaml, "summary: |\n");
			random_text(&yaml, 2, true, 1 + rng(3) * 60, false);
			pm_buf_puts(&yaml, "fix:\n  risks:\n");
			for (unsigned i = rng(4); i > 0; i--) {
				pm_buf_puts(&yaml, "    - |-\n");
				random_text(&yaml, 6, false, 8, false);
			}
			pm_buf_puts(&yaml, "timeline:\n");
			for (unsigned i = rng(45); i > 0; i--) {
				pm_buf_puts(&yaml, "  - at: 2024-01-01T10:00:00Z\n    event: |-\n");
				random_text(&yaml, 6, true, 10, false);
			}
			pm_buf_puts(&yaml, "action_items:\n");
			for (unsigned i = 1 + rng(4); i > 0; i--) {
				pm_buf_puts(&yaml, "  - title: |-\n");
				random_text(&yaml, 6, false, 10, false);
			}
			/* A plain scalar, which ends before the white space
			 * after it. */
			static const char *const plain[] = {
				"ab", "bab", "a", "q", "to", "tbd", "AB", "x",
			};
			static const char *const after[] = { "", "\n", " ", "  \n" };
			pm_buf_puts(&yaml, "postmortem:\n  waived: tbd");
			for (unsigned i = rng(4); i > 0; i--)
				pm_buf_printf(&yaml, " %s", plain[rng(8)]);
			pm_buf_puts(&yaml, after[rng(4)]);
			for (size_t p = 0; p < 2; p++) {
				struct pm_hotfix hf;
				struct pm_report rep;
				char *src = judge_exact(&hf, &rep, policies[p], yaml.data,
				                        yaml.len);
				check_scan(&hf, &rep, scan_lists[c].blameful,
				           scan_lists[c].vague, yaml.data, &want, &got);
				pm_hotfix_free(&hf);
				free(src);
			}
		}
	}
	pm_buf_free(&yaml);
	pm_buf_free(&want);
	pm_buf_free(&got);
	pm_arena_free(&arena);
}

/* Values longer than the search keeps marks for on the stack, and a list
 * of them with more than a batch. */
static void
test_scan_long_values(void **state)
{
	(void)state;
	struct pm_arena arena;
	pm_arena_init(&arena);
	struct pm_policy policy = *pm_policy_default();
	policy.blameful = two_blameful;
	policy.vague = two_vague;
	pm_policy_prepare(&policy, &arena);
	struct pm_buf yaml = PM_BUF_INIT, want = PM_BUF_INIT, got = PM_BUF_INIT;
	for (int round = 0; round < 4; round++) {
		pm_buf_clear(&yaml);
		pm_buf_puts(&yaml, "title: t\nsummary: |\n");
		random_text(&yaml, 2, true, 4000, false);
		pm_buf_puts(&yaml, "timeline:\n");
		for (int i = 0; i < 70; i++) {
			pm_buf_puts(&yaml, "  - at: 2024-01-01T10:00:00Z\n    event: |-\n");
			random_text(&yaml, 6, true, round * 100 + 5, false);
		}
		pm_buf_puts(&yaml, "action_items:\n  - title: |-\n");
		random_text(&yaml, 6, false, 2000, true);
		struct pm_hotfix hf;
		struct pm_report rep;
		char *src = judge_exact(&hf, &rep, &policy, yaml.data, yaml.len);
		check_scan(&hf, &rep, two_blameful, two_vague, yaml.data, &want, &got);
		pm_hotfix_free(&hf);
		free(src);
	}
	pm_buf_free(&yaml);
	pm_buf_free(&want);
	pm_buf_free(&got);
	pm_arena_free(&arena);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blameful_wording_positions),
		cmocka_unit_test(test_action_items),
		cmocka_unit_test(test_timeline_notes),
		cmocka_unit_test(test_postmortem_overdue),
		cmocka_unit_test(test_notes_never_change_verdict),
		cmocka_unit_test(test_many_phrases_stay_fast),
		cmocka_unit_test(test_prepared_index_is_shared),
		cmocka_unit_test(test_scan_matches_reference),
		cmocka_unit_test(test_scan_long_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
