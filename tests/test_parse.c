/*
 * Parser tests: every type of the format, every limit, and a table of
 * invalid inputs, each asserting error code, line, column, key path and
 * message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <yaml.h>

#include "pm_buf.h"
#include "pm_parse.h"

static int
parse(struct pm_hotfix *hf, const char *yaml, struct pm_error *err)
{
	pm_error_clear(err);
	return pm_parse(hf, yaml, strlen(yaml), err);
}

static void
test_full_file(void **state)
{
	(void)state;
	static const char yaml[] =
		"pmcheck: 1\n"
		"id: HF-1\n"
		"title: Checkout fails\n"
		"kind: incident\n"
		"severity: High\n"
		"service: shop\n"
		"components: [cart, payments]\n"
		"summary: |\n"
		"  line one\n"
		"  line two\n"
		"started_at: 2024-01-12T09:14:00Z\n"
		"detected_at: 2024-01-12T10:14:00+01:00\n"
		"resolved_at: 2024-01-12 11:44:30Z\n"
		"detected_by: customer\n"
		"impact:\n"
		"  customer_facing: true\n"
		"  users_affected: 1200\n"
		"  user_flows: [checkout]\n"
		"  error_budget_used: 0.25\n"
		"root_cause: {known: false, category: unknown}\n"
		"recurrence:\n"
		"  previous_occurrences: 2\n"
		"  permanent_fix: false\n"
		"teams:\n"
		"  - Payments\n"
		"  - {name: SRE, role: responder}\n"
		"fix:\n"
		"  type: feature_flag\n"
		"  skipped_steps:\n"
		"    - qa\n"
		"    - staging\n"
		"action_items:\n"
		"  - title: Add an alert\n"
		"    owner: ana\n"
		"    due: 2024-02-01\n"
		"    type: detect\n"
		"timeline:\n"
		"  - at: 2024-01-12T09:14:00Z\n"
		"    event: deploy\n"
		"postmortem: {owner: ana, due: 2024-01-20}\n"
		"x-team-notes: {anything: [1, 2, {deep: true}]}\n";
	struct pm_hotfix hf;
	struct pm_error err;
	pm_hotfix_init(&hf);
	assert_int_equal(parse(&hf, yaml, &err), 0);

	assert_int_equal(hf.f[PM_F_PMCHECK].u.i, 1);
	assert_string_equal(hf.f[PM_F_TITLE].s, "Checkout fails");
	assert_int_equal(hf.f[PM_F_TITLE].pos.line, 3);
	assert_int_equal(hf.f[PM_F_TITLE].pos.column, 8);
	/* Aliases and case map to the canonical value. */
	assert_string_equal(hf.f[PM_F_SEVERITY].s, "sev2");
	assert_int_equal(hf.f[PM_F_SEVERITY].u.i, 1);
	assert_string_equal(hf.f[PM_F_KIND].s, "incident");
	assert_int_equal(hf.f[PM_F_COMPONENTS].count, 2);
	assert_string_equal(hf.f[PM_F_COMPONENTS].items[1].s, "payments");
	assert_int_equal(hf.f[PM_F_COMPONENTS].items[1].pos.column, 20);
	/* Block scalars lose their final newline, keep the inner one. */
	assert_string_equal(hf.f[PM_F_SUMMARY].s, "line one\nline two");

	/* Offsets are applied: 10:14+01:00 is 09:14Z. */
	assert_int_equal(hf.f[PM_F_DETECTED_AT].u.t.epoch,
	                 hf.f[PM_F_STARTED_AT].u.t.epoch);
	assert_int_equal(hf.f[PM_F_DETECTED_AT].u.t.offset_min, 60);
	assert_int_equal(hf.f[PM_F_STARTED_AT].u.t.epoch, 1705050840);
	assert_int_equal(hf.f[PM_F_DERIVED_DURATION_MINUTES].u.i, 150);
	assert_int_equal(hf.f[PM_F_DERIVED_TIME_TO_DETECT_MINUTES].u.i, 0);
	assert_true(hf.f[PM_F_DERIVED_MONITORING_MISSED].u.b);
	assert_int_equal(hf.f[PM_F_DERIVED_HELPING_TEAMS].u.i, 1);

	assert_true(hf.f[PM_F_IMPACT_CUSTOMER_FACING].u.b);
	assert_int_equal(hf.f[PM_F_IMPACT_USERS_AFFECTED].u.i, 1200);
	assert_true(hf.f[PM_F_IMPACT_ERROR_BUDGET_USED].u.n == 0.25);
	assert_false(hf.f[PM_F_ROOT_CAUSE_KNOWN].u.b);
	assert_string_equal(hf.f[PM_F_ROOT_CAUSE_CATEGORY].s, "unknown");
	assert_int_equal(hf.f[PM_F_RECURRENCE_PREVIOUS_OCCURRENCES].u.i, 2);

	const struct pm_value *teams = &hf.f[PM_F_TEAMS];
	assert_int_equal(teams->count, 2);
	assert_string_equal(teams->items[0].items[PM_TEAM_NAME].s, "Payments");
	assert_int_equal(teams->items[0].items[PM_TEAM_ROLE].type, PM_V_NONE);
	assert_string_equal(teams->items[1].items[PM_TEAM_ROLE].s, "responder");

	const struct pm_value *ai = &hf.f[PM_F_ACTION_ITEMS];
	assert_int_equal(ai->count, 1);
	assert_string_equal(ai->items[0].items[PM_ACTION_OWNER].s, "ana");
	assert_true(ai->items[0].items[PM_ACTION_DUE].u.t.date_only);
	assert_int_equal(ai->items[0].pos.line, 33);

	assert_int_equal(hf.f[PM_F_TIMELINE].count, 1);
	assert_int_equal(hf.f[PM_F_FIX_SKIPPED_STEPS].count, 2);
	assert_int_equal(hf.f[PM_F_FIX_SKIPPED_STEPS].items[1].pos.line, 31);
	assert_string_equal(hf.f[PM_F_POSTMORTEM_OWNER].s, "ana");

	/* pm_hotfix_get reads the same values by path. */
	assert_ptr_equal(pm_hotfix_get(&hf, "impact.users_affected"),
	                 &hf.f[PM_F_IMPACT_USERS_AFFECTED]);
	assert_null(pm_hotfix_get(&hf, "impact.nope"));
	pm_hotfix_free(&hf);
}

static void
test_defaults_and_nulls(void **state)
{
	(void)state;
	struct pm_hotfix hf;
	struct pm_error err;
	pm_hotfix_init(&hf);
	assert_int_equal(parse(&hf, "title: t\nsummary:\nimpact: ~\nteams: null\n", &err), 0);
	assert_string_equal(hf.f[PM_F_SEVERITY].s, "sev3");
	assert_int_equal(hf.f[PM_F_SEVERITY].pos.line, 0);
	assert_string_equal(hf.f[PM_F_KIND].s, "hotfix");
	assert_int_equal(hf.f[PM_F_SUMMARY].type, PM_V_NONE);
	assert_int_equal(hf.f[PM_F_TEAMS].type, PM_V_NONE);
	assert_int_equal(hf.f[PM_F_DERIVED_DURATION_MINUTES].type, PM_V_NONE);
	pm_hotfix_free(&hf);
}

static void
test_string_fields_take_any_scalar(void **state)
{
	(void)state;
	struct pm_hotfix hf;
	struct pm_error err;
	pm_hotfix_init(&hf);
	assert_int_equal(parse(&hf, "title: 2024\nid: 42\nservice: 'true'\n", &err), 0);
	assert_string_equal(hf.f[PM_F_TITLE].s, "2024");
	assert_string_equal(hf.f[PM_F_ID].s, "42");
	assert_string_equal(hf.f[PM_F_SERVICE].s, "true");
	pm_hotfix_free(&hf);
}

static void
test_positions_inside_block_scalar(void **state)
{
	(void)state;
	static const char yaml[] = "title: t\nsummary: |\n  one\n  two\n  three words\n";
	struct pm_hotfix hf;
	struct pm_error err;
	pm_hotfix_init(&hf);
	assert_int_equal(parse(&hf, yaml, &err), 0);
	const struct pm_value *v = &hf.f[PM_F_SUMMARY];
	const char *at = strstr(hf.src + v->start, "words");
	assert_non_null(at);
	assert_true((uint32_t)(at - hf.src) < v->end);
	struct pm_pos pos = pm_hotfix_pos(&hf, (uint32_t)(at - hf.src));
	assert_int_equal(pos.line, 5);
	assert_int_equal(pos.column, 9);
	pm_hotfix_free(&hf);
}

static void
test_utf8_columns_and_bom(void **state)
{
	(void)state;
	/* Columns count characters: "é" is one column, the BOM none. */
	static const char yaml[] = "\xEF\xBB\xBFtitle: \xC3\xA9t\xC3\xA9\nseverity: sev9\n";
	struct pm_hotfix hf;
	struct pm_error err;
	pm_hotfix_init(&hf);
	assert_int_equal(parse(&hf, yaml, &err), -1);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 11);
	assert_int_equal(parse(&hf, "title: \xC3\xA9\xC3\xA9 x\nkind: nope\n", &err), -1);
	assert_int_equal(err.column, 7);
	struct pm_hotfix hf2;
	pm_hotfix_init(&hf2);
	assert_int_equal(parse(&hf2, "title: \xC3\xA9\xC3\xA9 x\n", &err), 0);
	struct pm_pos pos = pm_hotfix_pos(&hf2, 12); /* the "x" */
	assert_int_equal(pos.column, 11);
	pm_hotfix_free(&hf);
	pm_hotfix_free(&hf2);
}

/* The encoding check reads eight bytes at a time: a byte it must refuse is
 * found at every position of a word, after a line break or a tab in the
 * same word too, and nothing else is refused. */
static void
test_encoding_check_every_position(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"\x01", "\x0B", "\x1F", "\x7F", "\x80", "\xC0\xAF", "\xFF", "\xC2\x80",
		"\xED\xA0\x80", "\xEF\xBF\xBE",
	};
	static const char *const fillers[] = { "abcdefghijklmnopqrst", "a\tb\nc d\re\r\nf:g\tk l\nmn" };
	struct pm_hotfix hf;
	struct pm_error err;
	pm_hotfix_init(&hf);
	for (size_t f = 0; f < 2; f++) {
		for (size_t at = 0; at <= 20; at++) {
			char src[64];
			memcpy(src, fillers[f], at);
			src[at] = '\0';
			size_t clean = strlen(src);
			/* Without the bad byte, all of it is fine. */
			assert_int_equal(pm_parse_check_encoding(&hf, src, clean, &err), 0);
			for (size_t b = 0; b < sizeof(bad) / sizeof(bad[0]); b++) {
				size_t len = clean;
				memcpy(src + len, bad[b], strlen(bad[b]));
				len += strlen(bad[b]);
				memcpy(src + len, "xyzxyzxyz", 9);
				len += 9;
				pm_error_clear(&err);
				assert_int_equal(pm_hotfix_index(&hf, src, len), clean);
				assert_int_equal(pm_parse_check_encoding(&hf, src, len, &err), -1);
				assert_int_equal(err.code, PM_ERR_ENCODING);
			}
		}
	}
	pm_hotfix_free(&hf);
}

/* Byte offset of libyaml's character INDEX in SRC, the slow way: count
 * every character from the start (a byte order mark counts none). */
static size_t
slow_char_offset(const char *src, size_t len, size_t index)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i = len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF ? 3 : 0;
	for (size_t n = 0; n < index && i < len; n++) {
		i++;
		while (i < len && (s[i] & 0xC0) == 0x80)
			i++;
	}
	return i;
}

/* Every mark libyaml reports for a random mix of ASCII, two-, three- and
 * four-byte characters, CR LF, CR, NEL, U+2028/9 and a byte order mark must
 * map to the same byte offset through the index as counted the slow way,
 * and that offset back to the mark's line and column. */
static void
test_index_matches_libyaml_marks(void **state)
{
	(void)state;
	static const char *const pieces[] = {
		"a", "key", " ", ": ", "\n", "\r\n", "\r", "\xC2\x85", "\xE2\x80\xA8",
		"\xE2\x80\xA9", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "- ",
		"\"q\xC3\xA9\"", "'s'", "|\n  x\n", "  ", "\t", "# c\n", "[a, \xC3\xA9]",
		"{k: v}", "z",
	};
	const size_t npieces = sizeof(pieces) / sizeof(pieces[0]);
	struct pm_hotfix hf;
	pm_hotfix_init(&hf);
	unsigned seed = 12345;
	size_t checked = 0;
	for (int round = 0; round < 3000; round++) {
		char src[512];
		size_t len = 0;
		if (round % 7 == 0) {
			memcpy(src, "\xEF\xBB\xBF", 3);
			len = 3;
		}
		int n = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 40;
		for (int k = 0; k < n; k++) {
			seed = seed * 1103515245u + 12345u;
			const char *piece = pieces[(seed >> 16) % npieces];
			size_t pl = strlen(piece);
			if (len + pl >= sizeof(src))
				break;
			memcpy(src + len, piece, pl);
			len += pl;
		}
		src[len] = '\0';
		assert_int_equal(pm_hotfix_index(&hf, src, len), len);

		yaml_parser_t yp;
		yaml_event_t ev;
		assert_true(yaml_parser_initialize(&yp));
		yaml_parser_set_input_string(&yp, (const unsigned char *)src, len);
		while (yaml_parser_parse(&yp, &ev)) {
			yaml_mark_t marks[2] = { ev.start_mark, ev.end_mark };
			for (int m = 0; m < 2; m++) {
				size_t off = slow_char_offset(src, len, marks[m].index);
				assert_int_equal(pm_hotfix_char_offset(&hf, marks[m].index), off);
				assert_int_equal(pm_hotfix_offset(&hf, marks[m].line,
				                                  marks[m].column), off);
				/* A mark just after a line break names the next line,
				 * which may not exist at the very end. */
				if (off < len || marks[m].column > 0) {
					struct pm_pos pos = pm_hotfix_pos(&hf, (uint32_t)off);
					assert_int_equal(pos.line, marks[m].line + 1);
					assert_int_equal(pos.column, marks[m].column + 1);
				}
				checked++;
			}
			bool end = ev.type == YAML_STREAM_END_EVENT;
			yaml_event_delete(&ev);
			if (end)
				break;
		}
		yaml_parser_delete(&yp);
	}
	assert_true(checked > 10000);
	pm_hotfix_free(&hf);
}

static void
test_reuse_across_inputs(void **state)
{
	(void)state;
	struct pm_hotfix hf;
	struct pm_error err;
	pm_hotfix_init(&hf);
	for (int i = 0; i < 50; i++) {
		assert_int_equal(parse(&hf, "title: a\nteams: [x, y]\n", &err), 0);
		assert_int_equal(hf.f[PM_F_TEAMS].count, 2);
		assert_int_equal(parse(&hf, "title: [\n", &err), -1);
		assert_int_equal(parse(&hf, "title: b\n", &err), 0);
		assert_int_equal(hf.f[PM_F_TEAMS].type, PM_V_NONE);
	}
	pm_hotfix_free(&hf);
	pm_hotfix_free(NULL);
}

/* One invalid input and what the error must say. */
struct bad {
	const char *yaml;
	enum pm_errcode code;
	uint32_t line, column;
	const char *path;
	const char *message;      /* a substring of the message */
};

static const struct bad bad_inputs[] = {
	{ "title: x\nseverty: high\n", PM_ERR_UNKNOWN_KEY, 2, 1, "severty",
	  "did you mean \"severity\"?" },
	{ "title: x\nimpact:\n  custmer_facing: true\n", PM_ERR_UNKNOWN_KEY, 3, 3,
	  "impact.custmer_facing", "did you mean \"customer_facing\"?" },
	{ "title: x\nusers_affected: 3\n", PM_ERR_UNKNOWN_KEY, 2, 1, "users_affected",
	  "did you mean \"impact.users_affected\"?" },
	{ "title: x\nzzz: 1\n", PM_ERR_UNKNOWN_KEY, 2, 1, "zzz", "expected one of pmcheck" },
	{ "title: x\ntitle: y\n", PM_ERR_DUPLICATE_KEY, 2, 1, "title",
	  "duplicate key \"title\" (first given on line 1)" },
	{ "title: x\nimpact: {revenue: true, revenue: false}\n", PM_ERR_DUPLICATE_KEY,
	  2, 25, "impact.revenue", "duplicate key" },
	{ "title: x\nx-a: 1\nx-a: 2\n", PM_ERR_DUPLICATE_KEY, 3, 1, "x-a", "duplicate" },
	/* Keys are remembered per mapping across the mappings nested in it:
	 * list entries and sections in between, themselves without fault. */
	{ "title: x\nteams: [{name: a, role: owner}, {name: b}]\nid: 1\ntitle: y\n",
	  PM_ERR_DUPLICATE_KEY, 4, 1, "title", "(first given on line 1)" },
	{ "kind: hotfix\nid: 1\ntitle: x\naction_items:\n"
	  "  - {title: a, due: 2024-01-01, type: prevent, ticket: T-1}\n"
	  "title: y\n",
	  PM_ERR_DUPLICATE_KEY, 6, 1, "title", "(first given on line 3)" },
	{ "title: x\nimpact: {revenue: true}\nfix: {reviewed: true}\nimpact: {}\n",
	  PM_ERR_DUPLICATE_KEY, 4, 1, "impact", "(first given on line 2)" },
	{ "title: x\naction_items:\n  - {title: a, owner: b}\n  - {title: c, title: d}\n",
	  PM_ERR_DUPLICATE_KEY, 4, 16, "action_items[1].title", "(first given on line 4)" },
	{ "title: x\nx-a: {b: 1, b: 2}\n", PM_ERR_DUPLICATE_KEY, 2, 13, "x-a.b", "duplicate" },
	{ "title: x\nimpact:\n  users_affected: many\n", PM_ERR_TYPE, 3, 19,
	  "impact.users_affected", "expected an integer, got \"many\"" },
	{ "title: x\nimpact: {users_affected: -1}\n", PM_ERR_VALUE, 2, 26,
	  "impact.users_affected", "expected an integer from 0 to" },
	{ "title: x\nimpact: {users_affected: 99999999999999999999}\n", PM_ERR_VALUE,
	  2, 26, "impact.users_affected", "from 0 to" },
	{ "title: x\nimpact: {users_affected: 1.5}\n", PM_ERR_TYPE, 2, 26,
	  "impact.users_affected", "expected an integer" },
	{ "title: x\nimpact: {users_affected: 010}\n", PM_ERR_TYPE, 2, 26,
	  "impact.users_affected", "expected an integer" },
	{ "title: x\nimpact: {users_affected: \"5\"}\n", PM_ERR_TYPE, 2, 26,
	  "impact.users_affected", "got the quoted string \"5\"" },
	{ "title: x\nimpact: {customer_facing: yes}\n", PM_ERR_TYPE, 2, 27,
	  "impact.customer_facing", "expected true or false, got \"yes\"; write true" },
	{ "title: x\nimpact: {customer_facing: Off}\n", PM_ERR_TYPE, 2, 27,
	  "impact.customer_facing", "write false" },
	{ "title: x\nimpact: {customer_facing: \"true\"}\n", PM_ERR_TYPE, 2, 27,
	  "impact.customer_facing", "the quoted string \"true\"" },
	{ "title: x\nimpact: {customer_facing: maybe}\n", PM_ERR_TYPE, 2, 27,
	  "impact.customer_facing", "expected true or false, got \"maybe\"" },
	{ "title: x\nimpact: {error_budget_used: 1.5}\n", PM_ERR_VALUE, 2, 29,
	  "impact.error_budget_used", "from 0 to 1" },
	{ "title: x\nimpact: {error_budget_used: 35%}\n", PM_ERR_TYPE, 2, 29,
	  "impact.error_budget_used", "0.25 for 25%" },
	{ "title: x\nimpact: {error_budget_used: .nan}\n", PM_ERR_TYPE, 2, 29,
	  "impact.error_budget_used", "expected a number" },
	{ "title: x\nseverity: sev5\n", PM_ERR_VALUE, 2, 11, "severity",
	  "expected one of sev1, sev2, sev3, sev4, critical, high, medium, low; got \"sev5\"" },
	{ "title: x\nkind: hotfx\n", PM_ERR_VALUE, 2, 7, "kind", "did you mean \"hotfix\"?" },
	{ "title: x\ndetected_by: customers\n", PM_ERR_VALUE, 2, 14, "detected_by",
	  "did you mean \"customer\"?" },
	{ "title: x\nstarted_at: 2024-02-30\n", PM_ERR_VALUE, 2, 13, "started_at",
	  "no such date" },
	{ "title: x\nstarted_at: 2023-02-29T10:00:00Z\n", PM_ERR_VALUE, 2, 13,
	  "started_at", "no such date" },
	{ "title: x\nstarted_at: 2024-01-12T25:00:00Z\n", PM_ERR_VALUE, 2, 13,
	  "started_at", "no such time of day" },
	{ "title: x\nstarted_at: 12/01/2024\n", PM_ERR_VALUE, 2, 13, "started_at",
	  "expected an ISO 8601 timestamp" },
	{ "title: x\nstarted_at: 2024-01-12T09:14:00+25:00\n", PM_ERR_VALUE, 2, 13,
	  "started_at", "no such UTC offset" },
	{ "title: x\npostmortem: {due: 2024-01-12T10:00:00Z}\n", PM_ERR_VALUE, 2, 19,
	  "postmortem.due", "without a time" },
	{ "severity: sev1\n", PM_ERR_MISSING, 1, 1, "title", "missing required key \"title\"" },
	{ "title: ''\n", PM_ERR_VALUE, 1, 8, "title", "non-empty" },
	{ "title:\n", PM_ERR_TYPE, 1, 7, "title", "got nothing" },
	{ "title: |\n  one\n  two\n", PM_ERR_VALUE, 1, 8, "title", "one line" },
	{ "title: \"one\\rtwo\"\n", PM_ERR_VALUE, 1, 8, "title", "one line" },
	{ "title: \"one\\Ltwo\"\n", PM_ERR_VALUE, 1, 8, "title", "one line" },
	{ "title: x\nimpact: {users_affected: 9007199254740993}\n", PM_ERR_VALUE, 2, 26,
	  "impact.users_affected", "from 0 to 9007199254740992" },
	{ "title: x\ncomponents: api\n", PM_ERR_TYPE, 2, 13, "components",
	  "expected a list of strings, got \"api\"" },
	{ "title: x\ncomponents: [a, {b: c}]\n", PM_ERR_TYPE, 2, 17, "components[1]",
	  "expected a string, got a mapping" },
	{ "title: x\ncomponents: [a, '  ']\n", PM_ERR_VALUE, 2, 17, "components[1]",
	  "expected a non-empty string" },
	{ "title: x\nservice: {a: b}\n", PM_ERR_TYPE, 2, 10, "service",
	  "expected a string, got a mapping" },
	{ "title: x\nimpact: true\n", PM_ERR_TYPE, 2, 9, "impact", "expected a mapping" },
	{ "title: x\nteams:\n  - role: owner\n", PM_ERR_MISSING, 3, 5, "teams[0].name",
	  "missing required key \"name\"" },
	{ "title: x\nteams: [{name: a, role: boss}]\n", PM_ERR_VALUE, 2, 25,
	  "teams[0].role", "expected one of owner, responder, consulted" },
	{ "title: x\nteams: [[a]]\n", PM_ERR_TYPE, 2, 9, "teams[0]",
	  "expected a name or a mapping" },
	{ "title: x\naction_items:\n  - owner: me\n", PM_ERR_MISSING, 3, 5,
	  "action_items[0].title", "missing required key \"title\"" },
	{ "title: x\naction_items: [{title: a, typ: detect}]\n", PM_ERR_UNKNOWN_KEY, 2, 27,
	  "action_items[0].typ", "did you mean \"type\"?" },
	{ "title: x\ntimeline:\n  - event: deploy\n", PM_ERR_MISSING, 3, 5,
	  "timeline[0].at", "missing required key \"at\"" },
	{ "pmcheck: 2\ntitle: x\n", PM_ERR_VALUE, 1, 10, "pmcheck", "format version 1" },
	{ "title: &a x\n", PM_ERR_STRUCTURE, 1, 8, "title", "anchors (&a) are not allowed" },
	{ "title: x\nteams:\n  - &a x\n", PM_ERR_STRUCTURE, 3, 5, "teams[0]", "anchors" },
	{ "title: x\nx-k: [1, !!str 2]\n", PM_ERR_STRUCTURE, 2, 10, "x-k[1]", "tags" },
	{ "title: x\nkind: [a]\n", PM_ERR_TYPE, 2, 7, "kind",
	  "expected one of hotfix, incident, downtime; got a list" },
	{ "title: x\nimpact:\n\tcustomer_facing: true\n", PM_ERR_SYNTAX, 3, 1, "impact",
	  "YAML does not allow tabs" },
	{ "title: x\nid: *a\n", PM_ERR_STRUCTURE, 2, 5, "id", "aliases (*a)" },
	{ "title: !!python/object:os.system x\n", PM_ERR_STRUCTURE, 1, 8, "title",
	  "tags (tag:yaml.org,2002:python/object:os.system) are not allowed" },
	{ "title: x\n---\ntitle: y\n", PM_ERR_STRUCTURE, 2, 1, "", "a second document" },
	{ "", PM_ERR_STRUCTURE, 1, 1, "", "the file is empty" },
	{ "# only a comment\n", PM_ERR_STRUCTURE, 1, 1, "", "the file is empty" },
	{ "- title: x\n", PM_ERR_STRUCTURE, 1, 1, "", "expected a mapping of keys" },
	{ "just text\n", PM_ERR_STRUCTURE, 1, 1, "", "got \"just text\"" },
	{ "title: x\n\tseverity: sev1\n", PM_ERR_SYNTAX, 2, 1, "title",
	  "YAML does not allow tabs" },
	{ "title: \"unclosed\n", PM_ERR_SYNTAX, 1, 8, "title",
	  "found unexpected end of stream" },
	{ "title: x\n  severity: sev1\n", PM_ERR_SYNTAX, 2, 11, "",
	  "mapping values are not allowed" },
	{ "title: x\n? [a]\n: b\n", PM_ERR_STRUCTURE, 2, 3, "", "a key must be a word or a quoted string" },
	{ "title: \"a\xFF\"\n", PM_ERR_ENCODING, 1, 10, "", "invalid UTF-8 byte 0xFF at byte offset 9" },
	{ "title: \"\xC0\xAF\"\n", PM_ERR_ENCODING, 1, 9, "", "invalid UTF-8" },
	{ "title: \"\xED\xA0\x80\"\n", PM_ERR_ENCODING, 1, 9, "", "invalid UTF-8" },
	{ "title: x\x1b[31m\n", PM_ERR_ENCODING, 1, 9, "", "control character U+001B" },
	{ "\xFF\xFEt\0i\0", PM_ERR_ENCODING, 1, 1, "", "UTF-16" },
	{ "title: \"a\\0b\"\n", PM_ERR_ENCODING, 1, 8, "title", "NUL character" },
	{ "title: x\nx-k: {\"\\0\": 1}\n", PM_ERR_ENCODING, 2, 7, "x-k", "NUL character" },
};

static void
test_invalid_inputs(void **state)
{
	(void)state;
	struct pm_hotfix hf;
	pm_hotfix_init(&hf);
	int failures = 0;
	for (size_t i = 0; i < sizeof(bad_inputs) / sizeof(bad_inputs[0]); i++) {
		const struct bad *b = &bad_inputs[i];
		struct pm_error err;
		pm_error_clear(&err);
		int rc = pm_parse(&hf, b->yaml, strlen(b->yaml) + (b->code == PM_ERR_ENCODING &&
		                  b->yaml[0] == '\xFF' ? 4 : 0), &err);
		if (rc != -1 || err.code != b->code || err.line != b->line ||
		    err.column != b->column || strcmp(err.path, b->path) != 0 ||
		    strstr(err.message, b->message) == NULL)
		{
			print_error("case %zu (%s): got rc %d code %s at %u:%u path '%s': %s\n",
			            i, b->yaml, rc, pm_errcode_name(err.code), err.line,
			            err.column, err.path, err.message);
			failures++;
		}
	}
	pm_hotfix_free(&hf);
	assert_int_equal(failures, 0);
}

static void
test_nul_byte(void **state)
{
	(void)state;
	struct pm_hotfix hf;
	struct pm_error err;
	pm_hotfix_init(&hf);
	pm_error_clear(&err);
	assert_int_equal(pm_parse(&hf, "title: a\0b\n", 11, &err), -1);
	assert_int_equal(err.code, PM_ERR_ENCODING);
	assert_int_equal(err.line, 1);
	assert_int_equal(err.column, 9);
	assert_non_null(strstr(err.message, "NUL byte at byte offset 8"));
	pm_hotfix_free(&hf);
}

/* Builds "x-k: " followed by N copies of OPEN. */
static char *
nested(const char *open, size_t n)
{
	size_t len = strlen(open);
	char *s = malloc(16 + n * len);
	strcpy(s, "title: t\nx-k: ");
	char *p = s + strlen(s);
	for (size_t i = 0; i < n; i++, p += len)
		memcpy(p, open, len);
	*p = '\0';
	return s;
}

static void
test_depth_limit(void **state)
{
	(void)state;
	struct pm_hotfix hf;
	struct pm_error err;
	pm_hotfix_init(&hf);

	/* 63 levels under the top-level mapping is the most allowed. */
	char *ok = nested("[", 63);
	size_t n = strlen(ok);
	char *closed = malloc(n + 70);
	strcpy(closed, ok);
	memset(closed + n, ']', 63);
	closed[n + 63] = '\0';
	assert_int_equal(parse(&hf, closed, &err), 0);
	free(ok);
	free(closed);

	/* 100 000 "[" are refused at the 64th, quickly (the scanner is
	 * stopped, see parse.c). */
	const char *opens[] = { "[", "{", "[{a: " };
	for (size_t k = 0; k < 3; k++) {
		char *deep = nested(opens[k], 100000);
		assert_int_equal(parse(&hf, deep, &err), -1);
		assert_int_equal(err.code, PM_ERR_LIMIT);
		assert_int_equal(err.line, 2);
		assert_non_null(strstr(err.message, "nesting deeper than 64 levels"));
		free(deep);
	}
	char *deep = nested("[", 100000);
	assert_int_equal(parse(&hf, deep, &err), -1);
	assert_int_equal(err.column, 5 + 64);
	free(deep);

	/* Block nesting hits the same limit. */
	struct pm_buf b = PM_BUF_INIT;
	pm_buf_puts(&b, "title: t\nx-k:\n");
	for (int i = 1; i < 80; i++) {
		pm_buf_repeat(&b, ' ', (size_t)i);
		pm_buf_puts(&b, "k:\n");
	}
	assert_int_equal(parse(&hf, b.data, &err), -1);
	assert_int_equal(err.code, PM_ERR_LIMIT);
	pm_buf_free(&b);
	pm_hotfix_free(&hf);
}

static void
test_scalar_limit(void **state)
{
	(void)state;
	struct pm_hotfix hf;
	struct pm_error err;
	pm_hotfix_init(&hf);
	size_t n = PM_MAX_SCALAR;
	char *s = malloc(n + 32);
	strcpy(s, "title: ");
	memset(s + 7, 'a', n);
	strcpy(s + 7 + n, "\n");
	assert_int_equal(parse(&hf, s, &err), 0);
	strcpy(s + 7 + n, "a\n");
	assert_int_equal(parse(&hf, s, &err), -1);
	assert_int_equal(err.code, PM_ERR_LIMIT);
	assert_int_equal(err.line, 1);
	assert_int_equal(err.column, 8);
	free(s);
	pm_hotfix_free(&hf);
}

static void
test_many_keys(void **state)
{
	(void)state;
	/* 60 000 extension keys: duplicate detection must stay linear. */
	struct pm_buf b = PM_BUF_INIT;
	pm_buf_puts(&b, "title: t\n");
	for (int i = 0; i < 60000; i++)
		pm_buf_printf(&b, "x-%d: %d\n", i, i);
	struct pm_hotfix hf;
	struct pm_error err;
	pm_hotfix_init(&hf);
	assert_int_equal(parse(&hf, b.data, &err), 0);
	pm_buf_printf(&b, "x-17: again\n");
	assert_int_equal(parse(&hf, b.data, &err), -1);
	assert_int_equal(err.code, PM_ERR_DUPLICATE_KEY);
	assert_int_equal(err.line, 60002);
	pm_buf_free(&b);
	pm_hotfix_free(&hf);
}

static void
test_timestamps(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		int64_t epoch;
	} good[] = {
		{ "2024-01-12", 1705017600 },
		{ "2024-01-12T09:14Z", 1705050840 },
		{ "2024-01-12T09:14:00Z", 1705050840 },
		{ "2024-01-12T09:14:00.250Z", 1705050840 },
		{ "2024-01-12t09:14:00z", 1705050840 },
		{ "2024-01-12 09:14:00", 1705050840 },
		{ "2024-01-12T10:14:00+01:00", 1705050840 },
		{ "2024-01-12T10:14:00+0100", 1705050840 },
		{ "2024-01-12T10:14:00+01", 1705050840 },
		{ "2024-01-12T04:14:00-05:00", 1705050840 },
		{ "2024-02-29T00:00:00Z", 1709164800 },
		{ "1969-12-31T23:59:59Z", -1 },
	};
	struct pm_hotfix hf;
	struct pm_error err;
	pm_hotfix_init(&hf);
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		char yaml[128];
		snprintf(yaml, sizeof(yaml), "title: t\nstarted_at: %s\n", good[i].text);
		if (parse(&hf, yaml, &err) != 0)
			fail_msg("%s: %s", good[i].text, err.message);
		if (hf.f[PM_F_STARTED_AT].u.t.epoch != good[i].epoch)
			fail_msg("%s: epoch %lld", good[i].text,
			         (long long)hf.f[PM_F_STARTED_AT].u.t.epoch);
	}
	static const char *const bad[] = {
		"2024-1-12", "2024-01-12T9:14Z", "2024-01-12T09:14:00ZZ", "2024-13-01",
		"2024-00-10", "2024-01-00", "2024-01-12T09:60Z", "2024-01-12T09:14:61Z",
		"2024-01-12T", "2024-01-12T09:14:00.Z", "20240112", "yesterday",
		"2024-01-12T09:14:00+1:00", "2100-02-29",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char yaml[128];
		snprintf(yaml, sizeof(yaml), "title: t\nstarted_at: %s\n", bad[i]);
		if (parse(&hf, yaml, &err) != -1 || err.code != PM_ERR_VALUE)
			fail_msg("%s accepted", bad[i]);
	}
	pm_hotfix_free(&hf);
}

static void
test_suggestions_and_blanks(void **state)
{
	(void)state;
	struct pm_hotfix hf;
	struct pm_error err;
	pm_hotfix_init(&hf);
	/* Equally close candidates give no guess. */
	assert_int_equal(parse(&hf, "title: x\nseverity: sev5\n", &err), -1);
	assert_null(strstr(err.message, "did you mean"));
	assert_int_equal(parse(&hf, "title: x\nseverity: sev11\n", &err), -1);
	assert_non_null(strstr(err.message, "did you mean \"sev1\"?"));
	/* Blank optional text is not given: it cannot satisfy the gate. */
	assert_int_equal(parse(&hf, "title: x\npostmortem: {link: '', waived: '  '}\n", &err), 0);
	assert_int_equal(hf.f[PM_F_POSTMORTEM_LINK].type, PM_V_NONE);
	assert_int_equal(hf.f[PM_F_POSTMORTEM_WAIVED].type, PM_V_NONE);
	pm_hotfix_free(&hf);
}

static void
test_edit_distance(void **state)
{
	(void)state;
	assert_int_equal(pm_edit_distance("severity", "severity"), 0);
	assert_int_equal(pm_edit_distance("severty", "severity"), 1);
	assert_int_equal(pm_edit_distance("sevreity", "severity"), 1);
	assert_int_equal(pm_edit_distance("", "abc"), 3);
	assert_int_equal(pm_edit_distance("Kind", "kind"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_file),
		cmocka_unit_test(test_defaults_and_nulls),
		cmocka_unit_test(test_string_fields_take_any_scalar),
		cmocka_unit_test(test_positions_inside_block_scalar),
		cmocka_unit_test(test_utf8_columns_and_bom),
		cmocka_unit_test(test_reuse_across_inputs),
		cmocka_unit_test(test_invalid_inputs),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_scalar_limit),
		cmocka_unit_test(test_many_keys),
		cmocka_unit_test(test_timestamps),
		cmocka_unit_test(test_suggestions_and_blanks),
		cmocka_unit_test(test_edit_distance),
		cmocka_unit_test(test_index_matches_libyaml_marks),
		cmocka_unit_test(test_encoding_check_every_position),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
