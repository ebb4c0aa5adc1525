/*
 * Tests for the --init starter file: the schema line comes first, the file
 * parses as written, every key the format reads is there with a value in
 * its own section and a comment above it naming its allowed values, the
 * placeholders raise no review note, lines fit a terminal, and the output
 * is the same every time.
 */
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
#include "pm_init.h"
#include "pm_parse.h"
#include "pm_report.h"

#define TODAY 19783 /* 2024-03-01, the golden tests' today */

static char *
render(void)
{
	struct pm_buf out = PM_BUF_INIT;
	pm_init_render(&out);
	assert_non_null(out.data);
	assert_int_equal(strlen(out.data), out.len);
	return out.data;
}

static int
depth(const struct pm_field_def *def)
{
	int d = 0;
	for (int p = def->parent; p != PM_F_NONE; p = pm_fields[p].parent)
		d++;
	return d;
}

/* The start of the line "INDENT NAME:" (value or not) in TEXT, or NULL. */
static const char *
key_line(const char *text, int indent, const char *name)
{
	char want[128];
	snprintf(want, sizeof(want), "\n%*s%s:", indent, "", name);
	const char *at = strstr(text, want);
	while (at) {
		char next = at[strlen(want)];
		if (next == ' ' || next == '\n')
			return at + 1;
		at = strstr(at + 1, want);
	}
	return NULL;
}

/* The comment lines directly above LINE, as one string; caller frees. */
static char *
comment_above(const char *text, const char *line)
{
	const char *start = line;
	for (;;) {
		if (start == text)
			break;
		const char *prev = start - 1;
		while (prev > text && prev[-1] != '\n')
			prev--;
		const char *p = prev;
		while (*p == ' ')
			p++;
		if (*p != '#')
			break;
		start = prev;
	}
	size_t n = (size_t)(line - start);
	char *s = malloc(n + 1);
	memcpy(s, start, n);
	s[n] = '\0';
	return s;
}

static void
test_starts_with_schema_line(void **state)
{
	(void)state;
	char *text = render();
	static const char want[] =
		"# yaml-language-server: $schema=https://raw.githubusercontent.com/"
		"pmcheck/pmcheck/main/docs/pmcheck.schema.json\n";
	assert_int_equal(strncmp(text, want, strlen(want)), 0);
	assert_string_equal(PM_INIT_SCHEMA_URL,
	    "https://raw.githubusercontent.com/pmcheck/pmcheck/main/docs/"
	    "pmcheck.schema.json");
	free(text);
}

static void
test_parses_as_written(void **state)
{
	(void)state;
	char *text = render();
	struct pm_hotfix hf;
	struct pm_error err;
	pm_hotfix_init(&hf);
	pm_error_clear(&err);
	if (pm_parse(&hf, text, strlen(text), &err) != 0)
		fail_msg("%u:%u: %s: %s", err.line, err.column, err.path, err.message);
	assert_string_equal(hf.f[PM_F_TITLE].s,
	                    "Checkout button stays disabled for saved cards");
	pm_hotfix_free(&hf);
	free(text);
}

/* Every key read from input is written, at its section's indentation,
 * with a comment directly above it. */
static void
test_every_field_is_a_key_with_a_comment(void **state)
{
	(void)state;
	char *text = render();
	size_t checked = 0;
	for (int i = PM_F_NONE + 1; i < PM_F_COUNT; i++) {
		const struct pm_field_def *def = &pm_fields[i];
		if (def->computed)
			continue;
		const char *line = key_line(text, 2 * depth(def), def->name);
		if (line == NULL)
			fail_msg("no key for %s", def->path);
		char *comment = comment_above(text, line);
		if (comment[0] == '\0')
			fail_msg("no comment above %s", def->path);
		free(comment);
		checked++;
	}
	assert_true(checked >= 50);
	assert_null(strstr(text, "derived"));
	free(text);
}

/* Parsed back, every field has a value (so each placeholder has the right
 * type and sits in the right section), except the two left empty on
 * purpose because either would pass the --fail-on gate. */
static void
test_every_field_has_a_placeholder(void **state)
{
	(void)state;
	char *text = render();
	struct pm_hotfix hf;
	struct pm_error err;
	pm_hotfix_init(&hf);
	pm_error_clear(&err);
	assert_int_equal(pm_parse(&hf, text, strlen(text), &err), 0);
	for (int i = PM_F_NONE + 1; i < PM_F_COUNT; i++) {
		const struct pm_field_def *def = &pm_fields[i];
		if (def->computed)
			continue;
		bool empty = hf.f[i].type == PM_V_NONE;
		bool want_empty = i == PM_F_POSTMORTEM_LINK || i == PM_F_POSTMORTEM_WAIVED;
		if (empty != want_empty)
			fail_msg("%s: %s", def->path,
			         empty ? "no placeholder value" : "should be left empty");
		/* Each field of a list's entries is shown in at least one entry. */
		if (def->type != PM_FT_MAP_LIST)
			continue;
		for (size_t k = 0; k < def->nitems; k++) {
			bool seen = false;
			for (size_t e = 0; e < hf.f[i].count; e++)
				if (hf.f[i].items[e].type == PM_V_MAP &&
				    hf.f[i].items[e].items[k].type != PM_V_NONE)
					seen = true;
			if (!seen)
				fail_msg("%s: no entry shows %s", def->path, def->items[k].name);
		}
	}
	pm_hotfix_free(&hf);
	free(text);
}

/* The comment above an enum key names every value it takes and its
 * default, straight from the schema. */
static void
test_enum_comments_list_values(void **state)
{
	(void)state;
	char *text = render();
	for (int i = PM_F_NONE + 1; i < PM_F_COUNT; i++) {
		const struct pm_field_def *def = &pm_fields[i];
		if (def->computed || def->type != PM_FT_ENUM)
			continue;
		char *comment = comment_above(text, key_line(text, 2 * depth(def),
		                                              def->name));
		for (const struct pm_enum_value *v = def->values; v->name; v++)
			if (strstr(comment, v->name) == NULL)
				fail_msg("%s: comment does not name %s", def->path, v->name);
		if (def->dflt) {
			char want[64];
			snprintf(want, sizeof(want), "default %s", def->dflt);
			assert_non_null(strstr(comment, want));
		}
		free(comment);
	}
	char *teams = comment_above(text, key_line(text, 0, "teams"));
	assert_non_null(strstr(teams, "owner, responder or consulted"));
	free(teams);
	char *actions = comment_above(text, key_line(text, 0, "action_items"));
	assert_non_null(strstr(actions, "prevent, detect, mitigate or process"));
	free(actions);
	free(text);
}

/* Placeholders must not teach blameful or vague wording: judged on the
 * golden tests' today, the starter file raises no review note at all. */
static void
test_no_review_notes(void **state)
{
	(void)state;
	char *text = render();
	struct pm_hotfix hf;
	struct pm_error err;
	struct pm_report rep;
	pm_hotfix_init(&hf);
	pm_error_clear(&err);
	assert_int_equal(pm_parse(&hf, text, strlen(text), &err), 0);
	pm_report_build(&rep, &hf, pm_policy_default(), TODAY);
	for (size_t i = 0; i < rep.nnotes; i++)
		fail_msg("%u:%u: %s: %s", rep.notes[i].pos.line,
		         rep.notes[i].pos.column, rep.notes[i].code,
		         rep.notes[i].message);
	/* Whatever the day, wording notes never fire. */
	pm_report_build(&rep, &hf, pm_policy_default(), TODAY + 3650);
	for (size_t i = 0; i < rep.nnotes; i++) {
		assert_string_not_equal(rep.notes[i].code, "blameful_wording");
		assert_string_not_equal(rep.notes[i].code, "vague_action");
	}
	pm_hotfix_free(&hf);
	free(text);
}

/* Readable in an 80-column terminal and paste-friendly: no line (but the
 * schema URL) over 78 columns, no tabs, no trailing blanks, one final
 * line break. */
static void
test_layout(void **state)
{
	(void)state;
	char *text = render();
	size_t n = strlen(text);
	assert_true(n > 0 && text[n - 1] == '\n' && text[n - 2] != '\n');
	assert_null(strchr(text, '\t'));
	const char *line = strchr(text, '\n') + 1;
	while (*line) {
		size_t len = strcspn(line, "\n");
		if (len > 78)
			fail_msg("line too long: %.*s", (int)len, line);
		if (len > 0 && line[len - 1] == ' ')
			fail_msg("trailing blank: %.*s", (int)len, line);
		line += len + 1;
	}
	free(text);
}

static void
test_deterministic_and_appends(void **state)
{
	(void)state;
	char *a = render();
	char *b = render();
	assert_string_equal(a, b);
	struct pm_buf out = PM_BUF_INIT;
	pm_buf_puts(&out, "before\n");
	pm_init_render(&out);
	assert_int_equal(strncmp(out.data, "before\n", 7), 0);
	assert_string_equal(out.data + 7, a);
	pm_buf_free(&out);
	free(a);
	free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_starts_with_schema_line),
		cmocka_unit_test(test_parses_as_written),
		cmocka_unit_test(test_every_field_is_a_key_with_a_comment),
		cmocka_unit_test(test_every_field_has_a_placeholder),
		cmocka_unit_test(test_enum_comments_list_values),
		cmocka_unit_test(test_no_review_notes),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_deterministic_and_appends),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
