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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
