/*
 * Tests for the gcc, github and slack formats (render_annotations.c,
 * render_slack.c), their rows in the format table, and the escapers they
 * rely on (pm_escape_github_data, pm_escape_github_property,
 * pm_escape_slack).  Renderers are checked for exact output on a report built
 * by hand, for positions, gate severities and links, for their caps on huge
 * reports, and, on a report parsed from hostile YAML, for the promises that
 * must hold whatever the input: no raw control character, one finding per
 * line, no line that input text could have started.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "pm_buf.h"
#include "pm_error.h"
#include "pm_escape.h"
#include "pm_model.h"
#include "pm_parse.h"
#include "pm_render.h"
#include "pm_report.h"
#include "pm_rules.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define TODAY 19783 /* 2024-03-01 */

#define ZWSP "\xe2\x80\x8b"
#define BULLET "\xe2\x80\xa2 "

static const struct pm_rule rule_seen = {
	.id = "seen_before", .trigger = PM_TRIGGER_RECURRENCE, .points = 50,
};
static const struct pm_rule rule_workaround = {
	.id = "workaround", .trigger = PM_TRIGGER_RECURRENCE, .points = 30,
};
static const struct pm_rule rule_teams = {
	.id = "several_teams", .trigger = PM_TRIGGER_CROSS_TEAM, .points = 20,
};
static const struct pm_rule rule_customer = {
	.id = "customer_facing", .trigger = PM_TRIGGER_STAKEHOLDER, .points = 85,
};
static const struct pm_rule rule_data_loss = {
	.id = "data_loss", .decisive = true,
};

struct fixture {
	struct pm_hotfix hf;
	struct pm_report rep;
	struct pm_reason recurrence[2];
	struct pm_reason cross_team[1];
	struct pm_reason stakeholder[1];
	struct pm_reason decisive[1];
	struct pm_note notes[2];
	struct pm_value teams[2];
	struct pm_value team_fields[2][PM_TEAM_COUNT];
	struct pm_render_opts opts;
	struct pm_buf out;
};

static void
set_str(struct pm_value *v, const char *s, uint32_t line, uint32_t column)
{
	v->type = PM_V_STR;
	v->s = s;
	v->len = strlen(s);
	v->pos.line = line;
	v->pos.column = column;
}

static void
set_team(struct fixture *fx, size_t i, const char *name)
{
	set_str(&fx->team_fields[i][PM_TEAM_NAME], name, 20 + (uint32_t)i, 11);
	fx->teams[i].type = PM_V_MAP;
	fx->teams[i].items = fx->team_fields[i];
	fx->teams[i].count = PM_TEAM_COUNT;
	fx->teams[i].pos.line = 20 + (uint32_t)i;
}

/* A required verdict: recurrence and stakeholder fired, one decisive
 * signal, one note with a place and one without, a due date from the
 * severity, an owner and two teams, no link or waiver. */
static int
setup(void **state)
{
	static struct fixture fx;
	memset(&fx, 0, sizeof(fx));
	set_str(&fx.hf.f[PM_F_ID], "HF-2041", 2, 5);
	set_str(&fx.hf.f[PM_F_TITLE], "Login button unresponsive on Safari", 3, 8);
	set_str(&fx.hf.f[PM_F_POSTMORTEM_OWNER], "Dana Novak", 30, 10);
	set_team(&fx, 0, "web");
	set_team(&fx, 1, "identity");
	fx.hf.f[PM_F_TEAMS].type = PM_V_LIST;
	fx.hf.f[PM_F_TEAMS].items = fx.teams;
	fx.hf.f[PM_F_TEAMS].count = 2;
	fx.hf.f[PM_F_TEAMS].pos.line = 20;

	fx.recurrence[0] = (struct pm_reason){
		.rule = &rule_seen, .points = 50,
		.field = "recurrence.previous_occurrences", .value = "2",
		.message = "happened 2 times before", .pos = { 14, 25 },
	};
	fx.recurrence[1] = (struct pm_reason){
		.rule = &rule_workaround, .points = 30,
		.field = "recurrence.permanent_fix", .value = "false",
		.message = "the fix is a workaround", .pos = { 15, 18 },
	};
	fx.cross_team[0] = (struct pm_reason){
		.rule = &rule_teams, .points = 20, .field = "teams",
		.value = "2", .message = "2 teams worked on it",
		.pos = { 20, 3 },
	};
	fx.stakeholder[0] = (struct pm_reason){
		.rule = &rule_customer, .points = 85,
		.field = "impact.customer_facing", .value = "true",
		.message = "customers saw it", .pos = { 8, 20 },
	};
	fx.decisive[0] = (struct pm_reason){
		.rule = &rule_data_loss, .field = "impact.data_loss",
		.value = "true", .message = "data loss reported",
		.pos = { 9, 14 },
	};
	fx.notes[0] = (struct pm_note){
		.code = "blameful_wording", .severity = "warning",
		.message = "\"human error\" assigns blame", .field = "summary",
		.pos = { 5, 12 },
	};
	fx.notes[1] = (struct pm_note){
		.code = "missing_timeline", .severity = "warning",
		.message = "sev1 without a timeline", .field = "timeline",
	};

	struct pm_report *rep = &fx.rep;
	rep->hf = &fx.hf;
	rep->verdict = PM_VERDICT_REQUIRED;
	rep->triggers[PM_TRIGGER_RECURRENCE] = (struct pm_trigger_result){
		.id = PM_TRIGGER_RECURRENCE, .score = 80, .threshold = 50,
		.fired = true, .reasons = fx.recurrence, .nreasons = 2,
	};
	rep->triggers[PM_TRIGGER_CROSS_TEAM] = (struct pm_trigger_result){
		.id = PM_TRIGGER_CROSS_TEAM, .score = 20, .threshold = 50,
		.reasons = fx.cross_team, .nreasons = 1,
	};
	rep->triggers[PM_TRIGGER_FUTURE_RISK] = (struct pm_trigger_result){
		.id = PM_TRIGGER_FUTURE_RISK, .score = 0, .threshold = 50,
	};
	rep->triggers[PM_TRIGGER_STAKEHOLDER] = (struct pm_trigger_result){
		.id = PM_TRIGGER_STAKEHOLDER, .score = 85, .threshold = 50,
		.fired = true, .reasons = fx.stakeholder, .nreasons = 1,
	};
	rep->decisive = fx.decisive;
	rep->ndecisive = 1;
	rep->nfired = 2;
	rep->notes = fx.notes;
	rep->nnotes = 2;
	rep->has_due = true;
	rep->due_day = 19741;           /* 2024-01-19 */

	fx.opts = (struct pm_render_opts){
		.file = "hf.yaml", .color = false,
		.fail_on = PM_VERDICT_REQUIRED, .version = "0.1.0",
	};
	pm_buf_init(&fx.out);
	*state = &fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;
	pm_buf_free(&fx->out);
	return 0;
}

static const char *
str(const struct pm_buf *b)
{
	return b->data ? b->data : "";
}

/* An optional verdict with nothing fired, no decisive signal, no notes. */
static void
make_optional(struct fixture *fx)
{
	for (int t = 0; t < PM_TRIGGER_COUNT; t++)
		fx->rep.triggers[t].fired = false;
	fx->rep.nfired = 0;
	fx->rep.ndecisive = 0;
	fx->rep.nnotes = 0;
	fx->rep.verdict = PM_VERDICT_OPTIONAL;
	fx->rep.has_due = false;
}

static void
set_link(struct fixture *fx, const char *link)
{
	set_str(&fx->hf.f[PM_F_POSTMORTEM_LINK], link, 31, 9);
	fx->rep.satisfied = true;
}

static size_t
count_lines(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static bool
starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/*
 * The promise every escaper and renderer keeps: the bytes are valid UTF-8,
 * and hold no C0 control but tab (and, when LINES, the newline that ends a
 * line), no DEL, no C1 control, no bidi control and no line separator.
 */
static void
assert_terminal_safe(const char *s, size_t len, bool lines)
{
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = pm_utf8_decode((const unsigned char *)s + i, len - i,
		    &cp);
		if (n == 0)
			fail_msg("invalid UTF-8 at byte %zu of \"%s\"", i, s);
		bool ok = cp >= 0x20 || cp == '\t' || (cp == '\n' && lines);
		ok = ok && !(cp >= 0x7f && cp <= 0x9f) && cp != 0x061c &&
		    !(cp >= 0x200e && cp <= 0x200f) &&
		    !(cp >= 0x2028 && cp <= 0x202e) &&
		    !(cp >= 0x2066 && cp <= 0x2069);
		if (!ok)
			fail_msg("unsafe U+%04X at byte %zu of \"%s\"",
			    (unsigned)cp, i, s);
		i += n;
	}
}

/* --- the format table ---------------------------------------------------- */

static void
test_format_rows(void **state)
{
	(void)state;
	assert_int_equal(pm_format_find("gcc"), PM_FORMAT_GCC);
	assert_int_equal(pm_format_find("github"), PM_FORMAT_GITHUB);
	assert_int_equal(pm_format_find("slack"), PM_FORMAT_SLACK);
	assert_int_equal(pm_format_find("GCC"), PM_FORMAT_NONE);
	assert_string_equal(pm_format_name(PM_FORMAT_GCC), "gcc");
	assert_string_equal(pm_format_name(PM_FORMAT_GITHUB), "github");
	assert_string_equal(pm_format_name(PM_FORMAT_SLACK), "slack");
	assert_true(PM_FORMAT_GCC == PM_FORMAT_JSON + 1);
	assert_true(PM_FORMAT_GITHUB == PM_FORMAT_GCC + 1);
	assert_true(PM_FORMAT_SLACK == PM_FORMAT_GITHUB + 1);
	assert_non_null(strstr(pm_format_names(), "json, gcc, github, slack"));

	/* Lines need no separator between inputs; documents do. */
	assert_true(pm_format_line_based(PM_FORMAT_JSON));
	assert_true(pm_format_line_based(PM_FORMAT_GCC));
	assert_true(pm_format_line_based(PM_FORMAT_GITHUB));
	assert_false(pm_format_line_based(PM_FORMAT_SLACK));
	assert_false(pm_format_line_based(PM_FORMAT_MARKDOWN));
	assert_false(pm_format_line_based(PM_FORMAT_TEXT));
	assert_false(pm_format_line_based(PM_FORMAT_NONE));
	assert_false(pm_format_line_based(PM_FORMAT_COUNT));
}

static void
test_dispatch(void **state)
{
	struct fixture *fx = *state;
	static const struct {
		enum pm_format fmt;
		void (*fn)(struct pm_buf *, const struct pm_report *,
		    const struct pm_render_opts *);
	} rows[] = {
		{ PM_FORMAT_GCC, pm_render_gcc },
		{ PM_FORMAT_GITHUB, pm_render_github },
		{ PM_FORMAT_SLACK, pm_render_slack },
	};
	for (size_t i = 0; i < NELEM(rows); i++) {
		struct pm_buf direct = PM_BUF_INIT;
		pm_buf_clear(&fx->out);
		pm_render_report(rows[i].fmt, &fx->out, &fx->rep, &fx->opts);
		rows[i].fn(&direct, &fx->rep, &fx->opts);
		assert_true(fx->out.len > 0);
		assert_string_equal(str(&fx->out), str(&direct));
		pm_buf_free(&direct);
	}

	/* gcc and github show an error on stdout; slack leaves it to stderr. */
	struct pm_error err;
	pm_error_clear(&err);
	pm_error_set(&err, PM_ERR_SYNTAX, 2, 3, NULL, "bad");
	pm_buf_clear(&fx->out);
	pm_render_error(PM_FORMAT_SLACK, &fx->out, &err, &fx->opts);
	assert_int_equal(fx->out.len, 0);
	pm_render_error(PM_FORMAT_GCC, &fx->out, &err, &fx->opts);
	assert_string_equal(str(&fx->out), "hf.yaml:2:3: error: bad [syntax]\n");
	pm_buf_clear(&fx->out);
	pm_render_error(PM_FORMAT_GITHUB, &fx->out, &err, &fx->opts);
	assert_string_equal(str(&fx->out),
	    "::error file=hf.yaml,line=2,col=3,title=pmcheck%3A invalid input "
	    "(syntax)::bad\n");
}

/* --- gcc ----------------------------------------------------------------- */

static const char gcc_full[] =
	"hf.yaml:3:8: error: post-mortem required: 2 of 4 triggers fired "
	"(recurrence, stakeholder); decisive: data_loss; due 2024-01-19, "
	"no link or waiver yet [verdict]\n"
	"hf.yaml:14:25: note: recurrence fired (80/50): happened 2 times "
	"before [trigger]\n"
	"hf.yaml:8:20: note: stakeholder fired (85/50): customers saw it "
	"[trigger]\n"
	"hf.yaml:9:14: note: decisive signal data_loss: data loss reported "
	"[decisive]\n"
	"hf.yaml:5:12: warning: \"human error\" assigns blame "
	"[blameful_wording]\n"
	"hf.yaml:3:8: warning: sev1 without a timeline [missing_timeline]\n";

static void
test_gcc_full(void **state)
{
	struct fixture *fx = *state;
	pm_render_gcc(&fx->out, &fx->rep, &fx->opts);
	assert_string_equal(str(&fx->out), gcc_full);
}

/* The verdict is an error only when the gate fails. */
static void
test_gcc_gate(void **state)
{
	struct fixture *fx = *state;
	fx->opts.fail_on = PM_VERDICT_NONE;
	pm_render_gcc(&fx->out, &fx->rep, &fx->opts);
	assert_true(starts_with(str(&fx->out), "hf.yaml:3:8: note: post-mortem "
	    "required: 2 of 4 triggers fired"));
	assert_null(strstr(str(&fx->out), ": error:"));

	/* Recommended under the default gate (required): a note. */
	pm_buf_clear(&fx->out);
	fx->opts.fail_on = PM_VERDICT_REQUIRED;
	fx->rep.verdict = PM_VERDICT_RECOMMENDED;
	fx->rep.ndecisive = 0;
	fx->rep.triggers[PM_TRIGGER_STAKEHOLDER].fired = false;
	fx->rep.nnotes = 0;
	pm_render_gcc(&fx->out, &fx->rep, &fx->opts);
	assert_string_equal(str(&fx->out),
	    "hf.yaml:3:8: note: post-mortem recommended: 1 of 4 triggers fired "
	    "(recurrence); due 2024-01-19, no link or waiver yet [verdict]\n"
	    "hf.yaml:14:25: note: recurrence fired (80/50): happened 2 times "
	    "before [trigger]\n");

	/* ... and an error under --fail-on recommended. */
	pm_buf_clear(&fx->out);
	fx->opts.fail_on = PM_VERDICT_RECOMMENDED;
	pm_render_gcc(&fx->out, &fx->rep, &fx->opts);
	assert_true(starts_with(str(&fx->out), "hf.yaml:3:8: error: "));

	/* A link satisfies the gate and is quoted. */
	pm_buf_clear(&fx->out);
	set_link(fx, "https://wiki/pm/1");
	pm_render_gcc(&fx->out, &fx->rep, &fx->opts);
	assert_true(starts_with(str(&fx->out),
	    "hf.yaml:3:8: note: post-mortem recommended: 1 of 4 triggers fired "
	    "(recurrence); linked: https://wiki/pm/1 [verdict]\n"));

	/* So does a waiver; with both, both are quoted. */
	pm_buf_clear(&fx->out);
	set_str(&fx->hf.f[PM_F_POSTMORTEM_WAIVED], "covered by INC-9", 32, 11);
	pm_render_gcc(&fx->out, &fx->rep, &fx->opts);
	assert_true(starts_with(str(&fx->out),
	    "hf.yaml:3:8: note: post-mortem recommended: 1 of 4 triggers fired "
	    "(recurrence); linked: https://wiki/pm/1; waived: covered by INC-9 "
	    "[verdict]\n"));
}

static void
test_gcc_optional(void **state)
{
	struct fixture *fx = *state;
	make_optional(fx);
	pm_render_gcc(&fx->out, &fx->rep, &fx->opts);
	assert_string_equal(str(&fx->out),
	    "hf.yaml:3:8: note: post-mortem optional: no trigger fired "
	    "[verdict]\n");

	/* Recommended without a due date. */
	pm_buf_clear(&fx->out);
	fx->rep.verdict = PM_VERDICT_RECOMMENDED;
	pm_render_gcc(&fx->out, &fx->rep, &fx->opts);
	assert_string_equal(str(&fx->out),
	    "hf.yaml:3:8: note: post-mortem recommended: no trigger fired; "
	    "no link or waiver yet [verdict]\n");
}

/* Places outside the file point at the title, or at 1:1 without one. */
static void
test_gcc_positions(void **state)
{
	struct fixture *fx = *state;
	fx->recurrence[0].pos = (struct pm_pos){ 0, 0 };
	fx->decisive[0].pos = (struct pm_pos){ 0, 0 };
	pm_render_gcc(&fx->out, &fx->rep, &fx->opts);
	assert_non_null(strstr(str(&fx->out), "hf.yaml:3:8: note: recurrence "
	    "fired"));
	assert_non_null(strstr(str(&fx->out), "hf.yaml:3:8: note: decisive "
	    "signal"));

	pm_buf_clear(&fx->out);
	fx->hf.f[PM_F_TITLE].pos = (struct pm_pos){ 0, 0 };
	pm_render_gcc(&fx->out, &fx->rep, &fx->opts);
	assert_true(starts_with(str(&fx->out), "hf.yaml:1:1: error: "));
	assert_non_null(strstr(str(&fx->out),
	    "hf.yaml:1:1: warning: sev1 without a timeline"));
	assert_non_null(strstr(str(&fx->out), "hf.yaml:5:12: warning: "));

	/* A line without a column still gets one. */
	pm_buf_clear(&fx->out);
	fx->notes[0].pos.column = 0;
	make_optional(fx);
	fx->rep.nnotes = 1;
	pm_render_gcc(&fx->out, &fx->rep, &fx->opts);
	assert_non_null(strstr(str(&fx->out), "hf.yaml:5:1: warning: "));

	/* No name: standard input. */
	pm_buf_clear(&fx->out);
	fx->opts.file = NULL;
	pm_render_gcc(&fx->out, &fx->rep, &fx->opts);
	assert_true(starts_with(str(&fx->out), "<stdin>:1:1: note: "));
}

/* The heaviest reason speaks for its trigger; the first one on a tie. */
static void
test_top_reason(void **state)
{
	struct fixture *fx = *state;
	fx->recurrence[1].points = 70;
	pm_render_gcc(&fx->out, &fx->rep, &fx->opts);
	assert_non_null(strstr(str(&fx->out), "hf.yaml:15:18: note: recurrence "
	    "fired (80/50): the fix is a workaround [trigger]\n"));
	pm_buf_clear(&fx->out);
	pm_render_slack(&fx->out, &fx->rep, &fx->opts);
	assert_non_null(strstr(str(&fx->out), "*Recurrence* 80/50: the fix is "
	    "a workaround\n"));

	pm_buf_clear(&fx->out);
	fx->recurrence[1].points = 50;
	pm_render_gcc(&fx->out, &fx->rep, &fx->opts);
	assert_non_null(strstr(str(&fx->out), "hf.yaml:14:25: note: recurrence "
	    "fired (80/50): happened 2 times before [trigger]\n"));

	/* A trigger that fired without a reason (threshold 0 in a policy). */
	pm_buf_clear(&fx->out);
	fx->rep.triggers[PM_TRIGGER_FUTURE_RISK].fired = true;
	fx->rep.triggers[PM_TRIGGER_FUTURE_RISK].threshold = 0;
	pm_render_gcc(&fx->out, &fx->rep, &fx->opts);
	assert_non_null(strstr(str(&fx->out), "hf.yaml:3:8: note: future_risk "
	    "fired (0/0) [trigger]\n"));
}

static void
test_gcc_error(void **state)
{
	struct fixture *fx = *state;
	struct pm_error err;
	pm_error_clear(&err);
	pm_error_set(&err, PM_ERR_TYPE, 4, 19, "impact.users_affected",
	    "expected an integer, got \"many\"");
	pm_render_gcc_error(&fx->out, &err, &fx->opts);
	assert_string_equal(str(&fx->out),
	    "hf.yaml:4:19: error: impact.users_affected: expected an integer, "
	    "got \"many\" [type]\n");

	/* No place (a file that cannot be read): the file's start. */
	pm_buf_clear(&fx->out);
	pm_error_clear(&err);
	pm_error_set(&err, PM_ERR_IO, 0, 0, NULL, "No such file or directory");
	pm_render_gcc_error(&fx->out, &err, &fx->opts);
	assert_string_equal(str(&fx->out),
	    "hf.yaml:1:1: error: No such file or directory [io]\n");

	/* Hostile name, path and message stay on one line. */
	pm_buf_clear(&fx->out);
	pm_error_clear(&err);
	pm_error_set(&err, PM_ERR_UNKNOWN_KEY, 7, 1, "x\x1b[2J",
	    "unknown key \"a\nb\xe2\x80\xae\"");
	fx->opts.file = "bad\x1b]0;t\x07\n.yaml";
	pm_render_gcc_error(&fx->out, &err, &fx->opts);
	assert_string_equal(str(&fx->out),
	    "bad\\x1b]0;t\\x07\\n.yaml:7:1: error: x\\x1b[2J: unknown key "
	    "\"a\\nb\\u202e\" [unknown_key]\n");
}

static void
test_gcc_hostile(void **state)
{
	struct fixture *fx = *state;
	fx->opts.file = "a\x1b]8;;http://x\x07\nb\xe2\x80\xae\xff.yaml";
	fx->stakeholder[0].message = "asked by \x1b[31mred\r\nfake.yaml:1:1: "
	    "error: forged [x]\xc2\x9b";
	fx->notes[0].message = "\"human\nerror\"";
	set_link(fx, "https://x/\x1b]8;;evil\x07");
	pm_render_gcc(&fx->out, &fx->rep, &fx->opts);
	assert_terminal_safe(fx->out.data, fx->out.len, true);
	/* One line per finding, however many line breaks the input holds. */
	assert_int_equal(count_lines(str(&fx->out)), 6);
	assert_string_equal(str(&fx->out),
	    "a\\x1b]8;;http://x\\x07\\nb\\u202e\\xff.yaml:3:8: note: post-mortem "
	    "required: 2 of 4 triggers fired (recurrence, stakeholder); "
	    "decisive: data_loss; linked: https://x/\\x1b]8;;evil\\x07 "
	    "[verdict]\n"
	    "a\\x1b]8;;http://x\\x07\\nb\\u202e\\xff.yaml:14:25: note: "
	    "recurrence fired (80/50): happened 2 times before [trigger]\n"
	    "a\\x1b]8;;http://x\\x07\\nb\\u202e\\xff.yaml:8:20: note: "
	    "stakeholder fired (85/50): asked by \\x1b[31mred\\r\\nfake.yaml:1:1: "
	    "error: forged [x]\\u009b [trigger]\n"
	    "a\\x1b]8;;http://x\\x07\\nb\\u202e\\xff.yaml:9:14: note: decisive "
	    "signal data_loss: data loss reported [decisive]\n"
	    "a\\x1b]8;;http://x\\x07\\nb\\u202e\\xff.yaml:5:12: warning: "
	    "\"human\\nerror\" [blameful_wording]\n"
	    "a\\x1b]8;;http://x\\x07\\nb\\u202e\\xff.yaml:3:8: warning: sev1 "
	    "without a timeline [missing_timeline]\n");
}

/* --- github -------------------------------------------------------------- */

static const char github_full[] =
	"::error file=hf.yaml,line=3,col=8,title=pmcheck%3A post-mortem "
	"required::post-mortem required: 2 of 4 triggers fired (recurrence, "
	"stakeholder); decisive: data_loss; due 2024-01-19, no link or waiver "
	"yet%0Arecurrence fired (80/50): happened 2 times before"
	"%0Astakeholder fired (85/50): customers saw it"
	"%0Adecisive signal data_loss: data loss reported\n"
	"::warning file=hf.yaml,line=5,col=12,title=pmcheck%3A "
	"blameful_wording::\"human error\" assigns blame\n"
	"::warning file=hf.yaml,line=3,col=8,title=pmcheck%3A "
	"missing_timeline::sev1 without a timeline\n";

static void
test_github_full(void **state)
{
	struct fixture *fx = *state;
	pm_render_github(&fx->out, &fx->rep, &fx->opts);
	assert_string_equal(str(&fx->out), github_full);
}

static void
test_github_gate(void **state)
{
	struct fixture *fx = *state;
	fx->opts.fail_on = PM_VERDICT_NONE;
	pm_render_github(&fx->out, &fx->rep, &fx->opts);
	assert_true(starts_with(str(&fx->out), "::notice file=hf.yaml,line=3,"
	    "col=8,title=pmcheck%3A post-mortem required::"));
	assert_null(strstr(str(&fx->out), "::error"));

	pm_buf_clear(&fx->out);
	fx->opts.fail_on = PM_VERDICT_REQUIRED;
	make_optional(fx);
	pm_render_github(&fx->out, &fx->rep, &fx->opts);
	assert_string_equal(str(&fx->out),
	    "::notice file=hf.yaml,line=3,col=8,title=pmcheck%3A post-mortem "
	    "optional::post-mortem optional: no trigger fired\n");

	/* Satisfied by a link: a notice that quotes it. */
	pm_buf_clear(&fx->out);
	fx->rep.verdict = PM_VERDICT_REQUIRED;
	set_link(fx, "https://wiki/pm?a=1,b=50%");
	pm_render_github(&fx->out, &fx->rep, &fx->opts);
	assert_string_equal(str(&fx->out),
	    "::notice file=hf.yaml,line=3,col=8,title=pmcheck%3A post-mortem "
	    "required::post-mortem required: no trigger fired; linked: "
	    "https://wiki/pm?a=1,b=50%25\n");
}

static void
test_github_positions(void **state)
{
	struct fixture *fx = *state;
	fx->hf.f[PM_F_TITLE].pos = (struct pm_pos){ 0, 0 };
	pm_render_github(&fx->out, &fx->rep, &fx->opts);
	/* No place at all: an annotation of the whole file. */
	assert_true(starts_with(str(&fx->out), "::error file=hf.yaml,"
	    "title=pmcheck%3A post-mortem required::"));
	assert_non_null(strstr(str(&fx->out), "\n::warning file=hf.yaml,"
	    "title=pmcheck%3A missing_timeline::sev1 without a timeline\n"));
	assert_non_null(strstr(str(&fx->out), "\n::warning file=hf.yaml,"
	    "line=5,col=12,title="));

	pm_buf_clear(&fx->out);
	fx->opts.file = NULL;
	make_optional(fx);
	pm_render_github(&fx->out, &fx->rep, &fx->opts);
	assert_true(starts_with(str(&fx->out), "::notice file=<stdin>,title="));
}

/* Notes of any other severity map onto GitHub's three commands. */
static void
test_github_levels(void **state)
{
	struct fixture *fx = *state;
	fx->notes[0].severity = "error";
	fx->notes[1].severity = "note";
	fx->rep.ndecisive = 0;
	pm_render_github(&fx->out, &fx->rep, &fx->opts);
	assert_non_null(strstr(str(&fx->out), "\n::error file=hf.yaml,line=5,"));
	assert_non_null(strstr(str(&fx->out), "\n::notice file=hf.yaml,line=3,"
	    "col=8,title=pmcheck%3A missing_timeline::"));

	pm_buf_clear(&fx->out);
	fx->notes[0].severity = "remark";
	fx->notes[1].severity = NULL;
	pm_render_github(&fx->out, &fx->rep, &fx->opts);
	assert_non_null(strstr(str(&fx->out), "\n::warning file=hf.yaml,line=5,"));
	assert_non_null(strstr(str(&fx->out), "\n::warning file=hf.yaml,line=3,"));

	/* gcc writes the severity as the note gives it. */
	pm_buf_clear(&fx->out);
	pm_render_gcc(&fx->out, &fx->rep, &fx->opts);
	assert_non_null(strstr(str(&fx->out), "hf.yaml:5:12: remark: "));
	assert_non_null(strstr(str(&fx->out), "hf.yaml:3:8: warning: sev1"));
}

static void
test_github_error(void **state)
{
	struct fixture *fx = *state;
	struct pm_error err;
	pm_error_clear(&err);
	pm_error_set(&err, PM_ERR_TYPE, 4, 19, "impact.users_affected",
	    "expected an integer, got \"many\"");
	pm_render_github_error(&fx->out, &err, &fx->opts);
	assert_string_equal(str(&fx->out),
	    "::error file=hf.yaml,line=4,col=19,title=pmcheck%3A invalid input "
	    "(type)::impact.users_affected: expected an integer, got \"many\"\n");

	pm_buf_clear(&fx->out);
	pm_error_clear(&err);
	pm_error_set(&err, PM_ERR_TOO_LARGE, 0, 0, NULL, "%s", "over 100% of it");
	pm_render_github_error(&fx->out, &err, &fx->opts);
	assert_string_equal(str(&fx->out),
	    "::error file=hf.yaml,title=pmcheck%3A invalid input "
	    "(too_large)::over 100%25 of it\n");

	/* A message cannot start a command on a line of its own. */
	pm_buf_clear(&fx->out);
	pm_error_clear(&err);
	pm_error_set(&err, PM_ERR_UNKNOWN_KEY, 3, 1, "a\n::stop-commands::x",
	    "%s", "got \"\n##[group]g\r\n::add-mask::s%0A::error::y\"");
	fx->opts.file = "dir,x/f:1.yaml";
	pm_render_github_error(&fx->out, &err, &fx->opts);
	assert_string_equal(str(&fx->out),
	    "::error file=dir%2Cx/f%3A1.yaml,line=3,col=1,title=pmcheck%3A "
	    "invalid input (unknown_key)::a\\n::stop-commands::x: got "
	    "\"\\n#\xe2\x80\x8b#[group]g\\r\\n::add-mask::s%250A::error::y\"\n");
	assert_int_equal(count_lines(str(&fx->out)), 1);
}

static void
test_github_hostile(void **state)
{
	struct fixture *fx = *state;
	fx->opts.file = "x,line=1::evil\n::error::a%0A\x1b[2J.yaml";
	fx->stakeholder[0].message = "ok\n::set-output name=a::b\r\n##[group]g"
	    " 100% %0A::warning::w \xe2\x80\xae";
	fx->notes[0].message = "n\n::error file=z::forged";
	fx->notes[0].code = "c,o:de";
	pm_render_github(&fx->out, &fx->rep, &fx->opts);
	assert_terminal_safe(fx->out.data, fx->out.len, true);
	assert_int_equal(count_lines(str(&fx->out)), 3);
	assert_string_equal(str(&fx->out),
	    "::error file=x%2Cline=1%3A%3Aevil\\n%3A%3Aerror%3A%3Aa%250A"
	    "\\x1b[2J.yaml,line=3,col=8,title=pmcheck%3A post-mortem required::"
	    "post-mortem required: 2 of 4 triggers fired (recurrence, "
	    "stakeholder); decisive: data_loss; due 2024-01-19, no link or "
	    "waiver yet%0Arecurrence fired (80/50): happened 2 times before"
	    "%0Astakeholder fired (85/50): ok\\n::set-output name=a::b\\r\\n"
	    "#\xe2\x80\x8b#[group]g 100%25 %250A::warning::w \\u202e"
	    "%0Adecisive signal data_loss: data loss reported\n"
	    "::warning file=x%2Cline=1%3A%3Aevil\\n%3A%3Aerror%3A%3Aa%250A"
	    "\\x1b[2J.yaml,line=5,col=12,title=pmcheck%3A c%2Co%3Ade::"
	    "n\\n::error file=z::forged\n"
	    "::warning file=x%2Cline=1%3A%3Aevil\\n%3A%3Aerror%3A%3Aa%250A"
	    "\\x1b[2J.yaml,line=3,col=8,title=pmcheck%3A missing_timeline::"
	    "sev1 without a timeline\n");
}

/* --- slack --------------------------------------------------------------- */

static const char slack_tail[] =
	"_Blame-free: we look at how our systems and processes let this "
	"happen, not at who did what._\n"
	"From hf.yaml, checked by pmcheck 0.1.0.\n";

static void
test_slack_full(void **state)
{
	struct fixture *fx = *state;
	pm_render_slack(&fx->out, &fx->rep, &fx->opts);
	char want[2048];
	snprintf(want, sizeof(want),
	    "*Post-mortem required*: HF-2041 \xe2\x80\x94 Login button "
	    "unresponsive on Safari\n"
	    "*Why*\n"
	    BULLET "*Recurrence* 80/50: happened 2 times before\n"
	    BULLET "*Stakeholder* 85/50: customers saw it\n"
	    BULLET "*Decisive*: data loss reported\n"
	    "*Owner*: Dana Novak\n"
	    "*Due*: 2024-01-19 (from severity)\n"
	    "*Document*: not linked yet\n"
	    "*Teams*: web, identity\n"
	    "%s", slack_tail);
	assert_string_equal(str(&fx->out), want);
}

static void
test_slack_optional(void **state)
{
	struct fixture *fx = *state;
	make_optional(fx);
	fx->hf.f[PM_F_ID].type = PM_V_NONE;
	fx->hf.f[PM_F_POSTMORTEM_OWNER].type = PM_V_NONE;
	fx->hf.f[PM_F_TEAMS].type = PM_V_NONE;
	pm_render_slack(&fx->out, &fx->rep, &fx->opts);
	char want[2048];
	snprintf(want, sizeof(want),
	    "*Post-mortem optional*: Login button unresponsive on Safari\n"
	    "*Why*\n"
	    BULLET "No trigger fired; a short write-up is still worth it if "
	    "the fix taught us something.\n"
	    "*Owner*: _to be assigned_\n"
	    "*Due*: not set\n"
	    "*Document*: not linked yet\n"
	    "%s", slack_tail);
	assert_string_equal(str(&fx->out), want);

	/* A due date written in the file is not "from severity". */
	pm_buf_clear(&fx->out);
	fx->rep.has_due = true;
	fx->rep.due_from_input = true;
	pm_render_slack(&fx->out, &fx->rep, &fx->opts);
	assert_non_null(strstr(str(&fx->out), "\n*Due*: 2024-01-19\n"));
}

static void
test_slack_links(void **state)
{
	struct fixture *fx = *state;
	static const struct {
		const char *link;
		const char *want;
	} cases[] = {
		{ "https://wiki.example.com/pm/HF-2041",
		  "*Document*: <https://wiki.example.com/pm/HF-2041|post-mortem "
		  "document>\n" },
		{ "http://wiki/pm?a=1&b=2",
		  "*Document*: <http://wiki/pm?a=1&amp;b=2|post-mortem "
		  "document>\n" },
		/* "|" would let the input choose the link text. */
		{ "https://evil.example|Official doc",
		  "*Document*: https://evil.example|Official doc\n" },
		{ "https://a/<!channel>",
		  "*Document*: https://a/&lt;!channel&gt;\n" },
		{ "https://a/>x", "*Document*: https://a/&gt;x\n" },
		{ "javascript:alert(1)", "*Document*: javascript:alert(1)\n" },
		{ "HTTPS://shout", "*Document*: HTTPS://shout\n" },
		{ "https://", "*Document*: https://\n" },
		{ "https://a b", "*Document*: https://a b\n" },
		{ "https://caf\xc3\xa9", "*Document*: https://caf\xc3\xa9\n" },
		{ "https://a/\x1b[31m", "*Document*: https://a/\\x1b[31m\n" },
		{ "wiki page *PM*",
		  "*Document*: wiki page \xef\xbc\x8aPM\xef\xbc\x8a\n" },
	};
	for (size_t i = 0; i < NELEM(cases); i++) {
		pm_buf_clear(&fx->out);
		set_link(fx, cases[i].link);
		pm_render_slack(&fx->out, &fx->rep, &fx->opts);
		if (strstr(str(&fx->out), cases[i].want) == NULL)
			fail_msg("link %zu: want \"%s\" in\n%s", i, cases[i].want,
			    str(&fx->out));
		assert_null(strstr(str(&fx->out), "not linked yet"));
	}

	/* A waiver is shown too; with both, both. */
	pm_buf_clear(&fx->out);
	set_str(&fx->hf.f[PM_F_POSTMORTEM_WAIVED], "covered by _INC-9_", 32, 11);
	pm_render_slack(&fx->out, &fx->rep, &fx->opts);
	assert_non_null(strstr(str(&fx->out), "*Document*: wiki page"));
	assert_non_null(strstr(str(&fx->out), "\n*Waived*: covered by "
	    "\xef\xbc\xbfINC-9\xef\xbc\xbf\n"));
	pm_buf_clear(&fx->out);
	fx->hf.f[PM_F_POSTMORTEM_LINK].type = PM_V_NONE;
	pm_render_slack(&fx->out, &fx->rep, &fx->opts);
	assert_null(strstr(str(&fx->out), "*Document*"));
	assert_non_null(strstr(str(&fx->out), "\n*Waived*: covered by "));
}

static void
test_slack_hostile(void **state)
{
	struct fixture *fx = *state;
	set_str(&fx->hf.f[PM_F_TITLE], "<!channel> deploy *now*\n> quoted "
	    "@here", 3, 8);
	set_str(&fx->hf.f[PM_F_POSTMORTEM_OWNER], "<@U123> \x1b[5m@everyone"
	    "\xe2\x80\xae", 30, 10);
	fx->stakeholder[0].message = "by ~ops~ `x` _y_ & <https://e|f>";
	set_team(fx, 0, "a\r\nb");
	fx->opts.file = "f\x1b]0;t\x07.yaml";
	pm_render_slack(&fx->out, &fx->rep, &fx->opts);
	assert_terminal_safe(fx->out.data, fx->out.len, true);
	char want[2048];
	snprintf(want, sizeof(want),
	    "*Post-mortem required*: HF-2041 \xe2\x80\x94 &lt;!channel&gt; "
	    "deploy \xef\xbc\x8anow\xef\xbc\x8a &gt; quoted @" ZWSP "here\n"
	    "*Why*\n"
	    BULLET "*Recurrence* 80/50: happened 2 times before\n"
	    BULLET "*Stakeholder* 85/50: by \xef\xbd\x9eops\xef\xbd\x9e "
	    "\xef\xbd\x80x\xef\xbd\x80 \xef\xbc\xbfy\xef\xbc\xbf &amp; "
	    "&lt;https://e|f&gt;\n"
	    BULLET "*Decisive*: data loss reported\n"
	    "*Owner*: &lt;@" ZWSP "U123&gt; \\x1b[5m@" ZWSP "everyone\\u202e\n"
	    "*Due*: 2024-01-19 (from severity)\n"
	    "*Document*: not linked yet\n"
	    "*Teams*: a b, identity\n"
	    "_Blame-free: we look at how our systems and processes let this "
	    "happen, not at who did what._\n"
	    "From f\\x1b]0;t\\x07.yaml, checked by pmcheck 0.1.0.\n");
	assert_string_equal(str(&fx->out), want);
}

/* However big the report, the message stays under 40 short lines. */
static void
test_slack_caps(void **state)
{
	struct fixture *fx = *state;
	static struct pm_reason decisive[100];
	static struct pm_value teams[100];
	static struct pm_value team_fields[100][PM_TEAM_COUNT];
	static char title[10001], owner[1001], waiver[5001], reason[3001];

	memset(title, 'T', sizeof(title) - 1);
	memset(owner, 'O', sizeof(owner) - 1);
	for (size_t i = 0; i < sizeof(waiver) - 1; i++)
		waiver[i] = i % 10 == 9 ? '\n' : 'w';
	memset(reason, 'r', sizeof(reason) - 1);
	set_str(&fx->hf.f[PM_F_TITLE], title, 3, 8);
	set_str(&fx->hf.f[PM_F_POSTMORTEM_OWNER], owner, 30, 10);
	set_str(&fx->hf.f[PM_F_POSTMORTEM_WAIVED], waiver, 32, 10);
	set_str(&fx->hf.f[PM_F_POSTMORTEM_LINK], waiver, 31, 10);
	for (size_t i = 0; i < NELEM(decisive); i++)
		decisive[i] = (struct pm_reason){
			.rule = &rule_data_loss, .message = reason,
		};
	for (size_t i = 0; i < NELEM(teams); i++) {
		set_str(&team_fields[i][PM_TEAM_NAME], owner, 40, 3);
		teams[i].type = PM_V_MAP;
		teams[i].items = team_fields[i];
		teams[i].count = PM_TEAM_COUNT;
	}
	fx->hf.f[PM_F_TEAMS].items = teams;
	fx->hf.f[PM_F_TEAMS].count = NELEM(teams);
	for (int t = 0; t < PM_TRIGGER_COUNT; t++) {
		fx->rep.triggers[t].fired = true;
		fx->rep.triggers[t].reasons = decisive;
		fx->rep.triggers[t].nreasons = NELEM(decisive);
	}
	fx->rep.decisive = decisive;
	fx->rep.ndecisive = NELEM(decisive);

	pm_render_slack(&fx->out, &fx->rep, &fx->opts);
	const char *s = str(&fx->out);
	assert_true(count_lines(s) < 40);
	assert_int_equal(count_lines(s), 17);
	assert_non_null(strstr(s, "\n" BULLET "and 97 more decisive signals\n"));
	assert_non_null(strstr(s, " and 94 more\n"));
	/* Every text is cut, with an ellipsis, and every line is short. */
	for (const char *line = s; *line; ) {
		const char *end = strchr(line, '\n');
		assert_non_null(end);
		assert_true(end - line < 800);
		line = end + 1;
	}
	assert_non_null(strstr(s, "TTTT\xe2\x80\xa6\n"));
	assert_non_null(strstr(s, "*Owner*: OOOO"));
	assert_non_null(strstr(s, "OOO\xe2\x80\xa6\n*Due*"));
	assert_non_null(strstr(s, "rrr\xe2\x80\xa6\n"));
	/* A cut never ends on the blank a line break was folded into. */
	assert_non_null(strstr(s, "\n*Waived*: wwwwwwwww wwwwwwwww"));
	assert_non_null(strstr(s, "wwwwwwwww\xe2\x80\xa6\n"));
	assert_terminal_safe(fx->out.data, fx->out.len, true);

	/* One more than the cap: "1 more ... signal". */
	pm_buf_clear(&fx->out);
	fx->rep.ndecisive = 4;
	fx->hf.f[PM_F_TEAMS].count = 7;
	pm_render_slack(&fx->out, &fx->rep, &fx->opts);
	assert_non_null(strstr(str(&fx->out), BULLET "and 1 more decisive "
	    "signal\n"));
	assert_non_null(strstr(str(&fx->out), " and 1 more\n"));

	/* Exactly at the caps: nothing more to say. */
	pm_buf_clear(&fx->out);
	fx->rep.ndecisive = 3;
	fx->hf.f[PM_F_TEAMS].count = 6;
	pm_render_slack(&fx->out, &fx->rep, &fx->opts);
	assert_null(strstr(str(&fx->out), "more"));
}

/* The cut counts characters, not bytes, and never splits one. */
static void
test_slack_cut_utf8(void **state)
{
	struct fixture *fx = *state;
	static char owner[3 * 70 + 1];
	for (size_t i = 0; i < 70; i++)
		memcpy(owner + 3 * i, "\xe2\x82\xac", 3);          /* "€" */
	set_str(&fx->hf.f[PM_F_POSTMORTEM_OWNER], owner, 30, 10);
	pm_render_slack(&fx->out, &fx->rep, &fx->opts);
	char want[3 * 60 + 64] = "*Owner*: ";
	for (size_t i = 0; i < 60; i++)
		strcat(want, "\xe2\x82\xac");
	strcat(want, "\xe2\x80\xa6\n");
	assert_non_null(strstr(str(&fx->out), want));
	assert_terminal_safe(fx->out.data, fx->out.len, true);
}

/* --- escapers ------------------------------------------------------------ */

enum esc { GH_DATA, GH_PROP, SLACK };

static void
check_esc(enum esc mode, const char *s, const char *want)
{
	struct pm_buf out = PM_BUF_INIT;
	if (mode == GH_DATA)
		pm_escape_github_data(&out, s, strlen(s));
	else if (mode == GH_PROP)
		pm_escape_github_property(&out, s, strlen(s));
	else
		pm_escape_slack(&out, s, strlen(s));
	if (strcmp(str(&out), want) != 0)
		fail_msg("escape %d of \"%s\": got \"%s\", want \"%s\"", (int)mode,
		    s, str(&out), want);
	assert_int_equal(out.len, strlen(want));
	pm_buf_free(&out);
}

static void
test_escape_github_data(void **state)
{
	(void)state;
	check_esc(GH_DATA, "", "");
	check_esc(GH_DATA, "plain text, a: b", "plain text, a: b");
	check_esc(GH_DATA, "100%", "100%25");
	check_esc(GH_DATA, "%25", "%2525");
	check_esc(GH_DATA, "%0A::error::x", "%250A::error::x");
	check_esc(GH_DATA, "%0D%0a", "%250D%250a");
	check_esc(GH_DATA, "a\n::set-output name=x::y",
	    "a\\n::set-output name=x::y");
	check_esc(GH_DATA, "a\r\n##[group]g", "a\\r\\n#\xe2\x80\x8b#[group]g");
	check_esc(GH_DATA, "\n##[error]x", "\\n#\xe2\x80\x8b#[error]x");
	check_esc(GH_DATA, "a\rb", "a\\rb");
	check_esc(GH_DATA, "tab\tkept", "tab\tkept");
	check_esc(GH_DATA, "\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m");
	check_esc(GH_DATA, "\x1b]8;;http://e\x07link\x1b]8;;\x07",
	    "\\x1b]8;;http://e\\x07link\\x1b]8;;\\x07");
	check_esc(GH_DATA, "c1 \xc2\x9b" "2J \xc2\x85", "c1 \\u009b2J \\u0085");
	check_esc(GH_DATA, "bidi \xe2\x80\xae" "cba \xe2\x81\xa6",
	    "bidi \\u202ecba \\u2066");
	check_esc(GH_DATA, "sep \xe2\x80\xa8", "sep \\u2028");
	check_esc(GH_DATA, "bad \xff\xc3", "bad \\xff\\xc3");
	check_esc(GH_DATA, "del \x7f", "del \\x7f");
	check_esc(GH_DATA, "caf\xc3\xa9 \xe2\x80\x94", "caf\xc3\xa9 \xe2\x80\x94");

	struct pm_buf out = PM_BUF_INIT;
	pm_escape_github_data(&out, NULL, 0);
	assert_int_equal(out.len, 0);
	pm_escape_github_property(&out, NULL, 0);
	assert_int_equal(out.len, 0);
	pm_escape_slack(&out, NULL, 0);
	assert_int_equal(out.len, 0);
	pm_buf_free(&out);
}

static void
test_escape_github_property(void **state)
{
	(void)state;
	check_esc(GH_PROP, "hf.yaml", "hf.yaml");
	check_esc(GH_PROP, "a:b,c", "a%3Ab%2Cc");
	check_esc(GH_PROP, "x,line=1::evil", "x%2Cline=1%3A%3Aevil");
	check_esc(GH_PROP, "50%", "50%25");
	check_esc(GH_PROP, "%3A", "%253A");
	check_esc(GH_PROP, "a\nb\r", "a\\nb\\r");
	check_esc(GH_PROP, "\x1b[2J\xe2\x80\xae\xfe", "\\x1b[2J\\u202e\\xfe");
}

static void
test_escape_slack(void **state)
{
	(void)state;
	check_esc(SLACK, "plain text", "plain text");
	check_esc(SLACK, "<!channel> <!here|here>",
	    "&lt;!channel&gt; &lt;!here|here&gt;");
	check_esc(SLACK, "<@U123> and <#C42>",
	    "&lt;@" ZWSP "U123&gt; and &lt;#C42&gt;");
	check_esc(SLACK, "<https://evil|click>", "&lt;https://evil|click&gt;");
	check_esc(SLACK, "@here @channel @everyone @team1",
	    "@" ZWSP "here @" ZWSP "channel @" ZWSP "everyone @" ZWSP "team1");
	check_esc(SLACK, "mail me@example.com", "mail me@" ZWSP "example.com");
	check_esc(SLACK, "a @ b, @-x, @", "a @ b, @-x, @");
	check_esc(SLACK, "*bold*", "\xef\xbc\x8a" "bold\xef\xbc\x8a");
	check_esc(SLACK, "_it_ ~st~ `code` ```pre```",
	    "\xef\xbc\xbfit\xef\xbc\xbf \xef\xbd\x9est\xef\xbd\x9e "
	    "\xef\xbd\x80" "code\xef\xbd\x80 "
	    "\xef\xbd\x80\xef\xbd\x80\xef\xbd\x80pre"
	    "\xef\xbd\x80\xef\xbd\x80\xef\xbd\x80");
	check_esc(SLACK, "a & b &amp; &lt;", "a &amp; b &amp;amp; &amp;lt;");
	check_esc(SLACK, "> quote", "&gt; quote");
	check_esc(SLACK, "one\ntwo  \r\n  three\n\n\nfour",
	    "one two three four");
	check_esc(SLACK, "  padded\t ", "padded");
	check_esc(SLACK, "\n\n", "");
	check_esc(SLACK, "lone\rcr", "lone\\rcr");
	check_esc(SLACK, "tab\tkept", "tab\tkept");
	check_esc(SLACK, "\x1b[31mred \x1b]0;t\x07", "\\x1b[31mred \\x1b]0;t\\x07");
	check_esc(SLACK, "c1 \xc2\x9b bidi \xe2\x80\xae sep \xe2\x80\xa9",
	    "c1 \\u009b bidi \\u202e sep \\u2029");
	check_esc(SLACK, "bad \xff", "bad \\xff");
	check_esc(SLACK, "caf\xc3\xa9 #general :tada:", "caf\xc3\xa9 #general :tada:");
}

/* Over every input of one or two bytes (and a few longer ones), the
 * promises hold: terminal-safe, and nothing the target would parse. */
static void
check_esc_invariants(const char *s, size_t len)
{
	struct pm_buf out = PM_BUF_INIT;

	pm_escape_github_data(&out, s, len);
	assert_terminal_safe(str(&out), out.len, false);
	for (size_t i = 0; i < out.len; i++)
		if (out.data[i] == '%')
			assert_true(i + 2 < out.len && out.data[i + 1] == '2' &&
			    out.data[i + 2] == '5');

	pm_buf_clear(&out);
	pm_escape_github_property(&out, s, len);
	assert_terminal_safe(str(&out), out.len, false);
	for (size_t i = 0; i < out.len; i++) {
		assert_true(out.data[i] != ':' && out.data[i] != ',');
		if (out.data[i] == '%')
			assert_true(i + 2 < out.len && (out.data[i + 1] == '2' ||
			    out.data[i + 1] == '3'));
	}

	pm_buf_clear(&out);
	pm_escape_slack(&out, s, len);
	assert_terminal_safe(str(&out), out.len, false);
	for (size_t i = 0; i < out.len; i++) {
		char c = out.data[i];
		assert_true(strchr("<>*_~`", c) == NULL || c == '\0');
		if (c == '&')
			assert_true(starts_with(out.data + i, "&amp;") ||
			    starts_with(out.data + i, "&lt;") ||
			    starts_with(out.data + i, "&gt;"));
		if (c == '@' && i + 1 < out.len)
			assert_false((out.data[i + 1] >= 'a' &&
			    out.data[i + 1] <= 'z') ||
			    (out.data[i + 1] >= 'A' && out.data[i + 1] <= 'Z') ||
			    (out.data[i + 1] >= '0' && out.data[i + 1] <= '9'));
	}
	pm_buf_free(&out);
}

static void
test_escape_sweep(void **state)
{
	(void)state;
	char s[2];
	for (int a = 1; a < 256; a++) {
		s[0] = (char)a;
		check_esc_invariants(s, 1);
		for (int b = 1; b < 256; b++) {
			s[1] = (char)b;
			check_esc_invariants(s, 2);
		}
	}
	static const char *const longer[] = {
		"\xe2\x80\xae", "\xe2\x81\xa9", "\xd8\x9c", "\xe2\x80\x8f",
		"\xe2\x80\xa8", "\xef\xbf\xbd", "\xf0\x9f\x98\x80",
		"\xe2\x80", "\xf0\x9f\x98", "\xed\xa0\x80",
	};
	for (size_t i = 0; i < NELEM(longer); i++)
		check_esc_invariants(longer[i], strlen(longer[i]));
}

/* --- a report parsed from hostile YAML ------------------------------------ */

/* The hostile text of the golden escape-hostile-text-* cases, with hostile
 * post-mortem fields, risks and a request on top. */
static const char hostile_yaml[] =
	"id: \"HF-1 | <b>x</b> \\u202Eevil\\u202C\"\n"
	"title: \"Fix \\e[31mred\\e[0m title | with a pipe and @channel "
	"<script>alert(1)</script>\"\n"
	"summary: \"# Not a heading\\n\\n[click](javascript:alert(1)) and "
	"![img](http://x/y.png)\\n| a | b |\\nbidi: \\u202Egnp.exe\\u202C end "
	"human error\"\n"
	"service: \"svc`code`*bold*_em_\"\n"
	"teams:\n"
	"  - \"team\\u0007bell\"\n"
	"  - name: \"@here\"\n"
	"    role: responder\n"
	"recurrence:\n"
	"  related: [\"INC-1\\r\\nINC-2\", \"<!-- c -->\"]\n"
	"timeline:\n"
	"  - at: 2024-02-12T10:00:00Z\n"
	"    event: \"::error file=x::injected\\n::warning::two\"\n"
	"action_items:\n"
	"  - title: \"Close the <details> tag | and the table\"\n"
	"    owner: \"\\u0085next-line \\u2028 line-sep\"\n"
	"    due: 2024-03-15\n"
	"    type: prevent\n"
	"fix:\n"
	"  risks:\n"
	"    - \"cache 100% cold\\n::error file=a,line=1::forged\\r\\n"
	"##[group]fake group\"\n"
	"    - \"%0A::set-output name=x::y, a:b\"\n"
	"stakeholders:\n"
	"  requested_by: [\"<!channel> <@U123> *bold* _it_ ~st~ `code` "
	"@everyone\"]\n"
	"postmortem:\n"
	"  owner: \"<@U999> @here\\u001b[5mblink\\u009b\"\n"
	"  link: \"https://wiki.example.com/pm?id=1&x=<b>|click\"\n";

struct parsed {
	struct pm_hotfix hf;
	struct pm_report rep;
};

static void
judge(struct parsed *p, const char *yaml)
{
	struct pm_error err;
	pm_error_clear(&err);
	pm_hotfix_init(&p->hf);
	if (pm_parse(&p->hf, yaml, strlen(yaml), &err) != 0)
		fail_msg("parse failed at %u:%u: %s", err.line, err.column,
		    err.message);
	pm_report_build(&p->rep, &p->hf, pm_policy_default(), TODAY);
}

/* "FILE:LINE:COL: " with digits for LINE and COL. */
static bool
gcc_prefix(const char *line, const char *file)
{
	if (!starts_with(line, file) || line[strlen(file)] != ':')
		return false;
	const char *p = line + strlen(file) + 1;
	for (int k = 0; k < 2; k++) {
		if (*p < '1' || *p > '9')
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
		if (*p++ != ':')
			return false;
	}
	return starts_with(p, " error: ") || starts_with(p, " warning: ") ||
	    starts_with(p, " note: ");
}

static void
test_parsed_hostile(void **state)
{
	(void)state;
	static struct parsed p;
	judge(&p, hostile_yaml);
	assert_true(p.rep.nnotes >= 1);            /* "human error" */
	size_t fired = 0;
	for (int t = 0; t < PM_TRIGGER_COUNT; t++)
		fired += p.rep.triggers[t].fired;
	assert_int_equal(fired, 3);
	struct pm_render_opts opts = {
		.file = "input.yaml", .fail_on = PM_VERDICT_REQUIRED,
		.version = "0.1.0",
	};
	struct pm_buf out = PM_BUF_INIT;

	pm_render_gcc(&out, &p.rep, &opts);
	assert_terminal_safe(out.data, out.len, true);
	assert_int_equal(count_lines(str(&out)),
	    1 + fired + p.rep.ndecisive + p.rep.nnotes);
	for (const char *line = str(&out); *line; line = strchr(line, '\n') + 1)
		assert_true(gcc_prefix(line, "input.yaml"));
	/* Linked, so the gate passes: a note. */
	assert_true(starts_with(str(&out), "input.yaml:2:8: note: post-mortem "
	    "required"));
	assert_non_null(strstr(str(&out), "[blameful_wording]\n"));
	assert_non_null(strstr(str(&out), "cache 100% cold\\n::error "
	    "file=a,line=1::forged\\r\\n#\xe2\x80\x8b#[group]fake group"));

	pm_buf_clear(&out);
	pm_render_github(&out, &p.rep, &opts);
	assert_terminal_safe(out.data, out.len, true);
	assert_int_equal(count_lines(str(&out)), 1 + p.rep.nnotes);
	for (const char *line = str(&out); *line;
	    line = strchr(line, '\n') + 1) {
		assert_true(starts_with(line, "::error file=input.yaml,line=") ||
		    starts_with(line, "::warning file=input.yaml,line=") ||
		    starts_with(line, "::notice file=input.yaml,line="));
	}
	assert_null(strstr(str(&out), "\n##["));
	assert_non_null(strstr(str(&out), "cache 100%25 cold\\n::error "
	    "file=a,line=1::forged\\r\\n#\xe2\x80\x8b#[group]fake group, %250A::set-output"));

	pm_buf_clear(&out);
	pm_render_slack(&out, &p.rep, &opts);
	assert_terminal_safe(out.data, out.len, true);
	assert_true(count_lines(str(&out)) < 40);
	assert_null(strstr(str(&out), "<!"));
	assert_null(strstr(str(&out), "<@"));
	assert_null(strstr(str(&out), "@here"));
	assert_null(strstr(str(&out), "@everyone"));
	assert_null(strstr(str(&out), "@channel"));
	assert_null(strstr(str(&out), "*bold*"));
	/* The only "<" is none: the link holds "|" and "<", so it is text. */
	assert_null(strchr(str(&out), '<'));
	assert_non_null(strstr(str(&out), "*Document*: https://wiki.example.com/"
	    "pm?id=1&amp;x=&lt;b&gt;|click\n"));
	pm_buf_free(&out);
	pm_hotfix_free(&p.hf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_rows),
		cmocka_unit_test_setup_teardown(test_dispatch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gcc_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gcc_gate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gcc_optional, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_gcc_positions, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_top_reason, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gcc_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gcc_hostile, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_github_full, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_github_gate, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_github_positions, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_github_levels, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_github_error, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_github_hostile, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_slack_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slack_optional, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_slack_links, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_slack_hostile, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_slack_caps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slack_cut_utf8, setup,
		    teardown),
		cmocka_unit_test(test_escape_github_data),
		cmocka_unit_test(test_escape_github_property),
		cmocka_unit_test(test_escape_slack),
		cmocka_unit_test(test_escape_sweep),
		cmocka_unit_test(test_parsed_hostile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
