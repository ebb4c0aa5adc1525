/*
 * Tests for render.c (format table, gate, -q line, date and duration
 * helpers), render_text.c and render_json.c.  Reports and hotfixes are built
 * by hand, so these tests do not depend on the parser or the rules engine:
 * what is checked is exactly what the renderers make of a given report.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pm_buf.h"
#include "pm_error.h"
#include "pm_model.h"
#include "pm_render.h"
#include "pm_report.h"
#include "pm_rules.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

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

/* The report and hotfix every test starts from; reset before each test. */
struct fixture {
	struct pm_hotfix hf;
	struct pm_report rep;
	struct pm_reason recurrence[2];
	struct pm_reason cross_team[1];
	struct pm_reason stakeholder[1];
	struct pm_reason decisive[1];
	struct pm_note notes[2];
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

static int
setup(void **state)
{
	static struct fixture fx;
	memset(&fx, 0, sizeof(fx));
	set_str(&fx.hf.f[PM_F_ID], "HF-2041", 2, 5);
	set_str(&fx.hf.f[PM_F_TITLE], "Login button unresponsive on Safari", 3, 8);

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

/* Drops the fired triggers, the decisive signal and the notes. */
static void
make_quiet_report(struct fixture *fx)
{
	for (int t = 0; t < PM_TRIGGER_COUNT; t++)
		fx->rep.triggers[t].fired = false;
	fx->rep.nfired = 0;
	fx->rep.ndecisive = 0;
	fx->rep.nnotes = 0;
	fx->rep.verdict = PM_VERDICT_OPTIONAL;
	fx->rep.has_due = false;
}

/* --- render.c ----------------------------------------------------------- */

static void
test_format_table(void **state)
{
	(void)state;
	assert_int_equal(pm_format_find("markdown"), PM_FORMAT_MARKDOWN);
	assert_int_equal(pm_format_find("text"), PM_FORMAT_TEXT);
	assert_int_equal(pm_format_find("json"), PM_FORMAT_JSON);
	assert_int_equal(pm_format_find("JSON"), PM_FORMAT_NONE);
	assert_int_equal(pm_format_find("jso"), PM_FORMAT_NONE);
	assert_int_equal(pm_format_find(""), PM_FORMAT_NONE);
	assert_int_equal(pm_format_find("none"), PM_FORMAT_NONE);
	assert_int_equal(pm_format_find(NULL), PM_FORMAT_NONE);
	for (int f = PM_FORMAT_NONE + 1; f < PM_FORMAT_COUNT; f++)
		assert_int_equal(pm_format_find(pm_format_name(f)), f);
	assert_string_equal(pm_format_name(PM_FORMAT_NONE), "none");
	assert_string_equal(pm_format_name(PM_FORMAT_COUNT), "none");
	assert_string_equal(pm_format_names(), "markdown, text, json, gcc, github, slack");
	/* Built once, then the same. */
	assert_ptr_equal(pm_format_names(), pm_format_names());
}

static void
test_gate(void **state)
{
	struct fixture *fx = *state;
	struct pm_report *rep = &fx->rep;
	static const struct {
		enum pm_verdict verdict, fail_on;
		bool satisfied, fails;
	} cases[] = {
		{ PM_VERDICT_REQUIRED, PM_VERDICT_REQUIRED, false, true },
		{ PM_VERDICT_REQUIRED, PM_VERDICT_REQUIRED, true, false },
		{ PM_VERDICT_REQUIRED, PM_VERDICT_RECOMMENDED, false, true },
		{ PM_VERDICT_REQUIRED, PM_VERDICT_NONE, false, false },
		{ PM_VERDICT_RECOMMENDED, PM_VERDICT_REQUIRED, false, false },
		{ PM_VERDICT_RECOMMENDED, PM_VERDICT_RECOMMENDED, false, true },
		{ PM_VERDICT_RECOMMENDED, PM_VERDICT_RECOMMENDED, true, false },
		{ PM_VERDICT_OPTIONAL, PM_VERDICT_RECOMMENDED, false, false },
		{ PM_VERDICT_OPTIONAL, PM_VERDICT_NONE, false, false },
	};
	for (size_t i = 0; i < NELEM(cases); i++) {
		rep->verdict = cases[i].verdict;
		rep->satisfied = cases[i].satisfied;
		assert_int_equal(pm_gate_fails(rep, cases[i].fail_on),
		    cases[i].fails);
	}
}

static void
test_quiet(void **state)
{
	struct fixture *fx = *state;
	pm_render_quiet(&fx->out, &fx->rep, &fx->opts);
	assert_string_equal(str(&fx->out),
	    "hf.yaml: required (recurrence, stakeholder; decisive: data_loss)\n");

	pm_buf_clear(&fx->out);
	fx->rep.ndecisive = 0;
	fx->rep.triggers[PM_TRIGGER_RECURRENCE].fired = false;
	fx->rep.verdict = PM_VERDICT_RECOMMENDED;
	pm_render_quiet(&fx->out, &fx->rep, &fx->opts);
	assert_string_equal(str(&fx->out),
	    "hf.yaml: recommended (stakeholder)\n");

	pm_buf_clear(&fx->out);
	make_quiet_report(fx);
	pm_render_quiet(&fx->out, &fx->rep, &fx->opts);
	assert_string_equal(str(&fx->out), "hf.yaml: optional (none)\n");

	pm_buf_clear(&fx->out);
	fx->rep.verdict = PM_VERDICT_REQUIRED;
	fx->rep.ndecisive = 1;
	pm_render_quiet(&fx->out, &fx->rep, &fx->opts);
	assert_string_equal(str(&fx->out),
	    "hf.yaml: required (none; decisive: data_loss)\n");
}

static void
test_quiet_hostile_file_name(void **state)
{
	struct fixture *fx = *state;
	make_quiet_report(fx);
	fx->opts.file = "a\x1b]8;;http://x\x07\nb\xe2\x80\xae\xff.yaml";
	pm_render_quiet(&fx->out, &fx->rep, &fx->opts);
	assert_string_equal(str(&fx->out),
	    "a\\x1b]8;;http://x\\x07\\nb\\u202e\\xff.yaml: optional (none)\n");
}

static void
test_render_time(void **state)
{
	struct fixture *fx = *state;
	struct pm_value v = { .type = PM_V_TIME };

	v.u.t.epoch = 1705050840;       /* 2024-01-12T09:14:00Z */
	pm_render_time(&fx->out, &v);
	assert_string_equal(str(&fx->out), "2024-01-12 09:14 UTC");

	pm_buf_clear(&fx->out);
	v.u.t.epoch = 1705050840 + 7;
	pm_render_time(&fx->out, &v);
	assert_string_equal(str(&fx->out), "2024-01-12 09:14:07 UTC");

	/* Written with an offset: still shown in UTC. */
	pm_buf_clear(&fx->out);
	v.u.t.epoch = 1705050840;
	v.u.t.offset_min = 120;
	v.u.t.has_zone = true;
	pm_render_time(&fx->out, &v);
	assert_string_equal(str(&fx->out), "2024-01-12 09:14 UTC");

	pm_buf_clear(&fx->out);
	v.u.t.epoch = 1705017600;       /* 2024-01-12 */
	v.u.t.date_only = true;
	pm_render_time(&fx->out, &v);
	assert_string_equal(str(&fx->out), "2024-01-12");

	/* Before the epoch: days round down, not towards zero. */
	pm_buf_clear(&fx->out);
	v.u.t.epoch = -1;
	v.u.t.date_only = false;
	pm_render_time(&fx->out, &v);
	assert_string_equal(str(&fx->out), "1969-12-31 23:59:59 UTC");

	pm_buf_clear(&fx->out);
	v.type = PM_V_NONE;
	pm_render_time(&fx->out, &v);
	pm_render_time(&fx->out, NULL);
	assert_string_equal(str(&fx->out), "");
}

static void
test_render_day(void **state)
{
	struct fixture *fx = *state;
	pm_render_day(&fx->out, 0);
	pm_buf_putc(&fx->out, ' ');
	pm_render_day(&fx->out, 19741);
	pm_buf_putc(&fx->out, ' ');
	pm_render_day(&fx->out, 11016);        /* 2000-02-29 */
	pm_buf_putc(&fx->out, ' ');
	pm_render_day(&fx->out, -1);
	assert_string_equal(str(&fx->out),
	    "1970-01-01 2024-01-19 2000-02-29 1969-12-31");
}

static void
test_render_minutes(void **state)
{
	struct fixture *fx = *state;
	static const struct {
		int64_t minutes;
		const char *want;
	} cases[] = {
		{ 0, "0m" },
		{ 1, "1m" },
		{ 45, "45m" },
		{ 60, "1h" },
		{ 136, "2h 16m" },
		{ 1440, "1d" },
		{ 1440 + 180 + 5, "1d 3h 5m" },
		{ 1440 + 5, "1d 5m" },
		{ 3 * 1440 + 4 * 60, "3d 4h" },
		{ -5, "-5m" },
		{ -136, "-2h 16m" },
	};
	for (size_t i = 0; i < NELEM(cases); i++) {
		pm_buf_clear(&fx->out);
		pm_render_minutes(&fx->out, cases[i].minutes);
		assert_string_equal(str(&fx->out), cases[i].want);
	}
	pm_buf_clear(&fx->out);
	pm_render_minutes(&fx->out, INT64_MIN);
	assert_string_equal(str(&fx->out), "-6405119470038038d 18h 8m");
}

static void
test_dispatch(void **state)
{
	struct fixture *fx = *state;
	struct pm_buf direct = PM_BUF_INIT;

	pm_render_report(PM_FORMAT_JSON, &fx->out, &fx->rep, &fx->opts);
	pm_render_json(&direct, &fx->rep, &fx->opts);
	assert_string_equal(str(&fx->out), str(&direct));

	pm_buf_clear(&fx->out);
	pm_buf_clear(&direct);
	pm_render_report(PM_FORMAT_TEXT, &fx->out, &fx->rep, &fx->opts);
	pm_render_text(&direct, &fx->rep, &fx->opts);
	assert_string_equal(str(&fx->out), str(&direct));

	pm_buf_clear(&fx->out);
	pm_render_report(PM_FORMAT_NONE, &fx->out, &fx->rep, &fx->opts);
	pm_render_report(PM_FORMAT_COUNT, &fx->out, &fx->rep, &fx->opts);
	assert_int_equal(fx->out.len, 0);

	/* Only JSON shows an error on stdout. */
	struct pm_error err;
	pm_error_clear(&err);
	pm_error_set(&err, PM_ERR_SYNTAX, 1, 1, NULL, "bad");
	pm_render_error(PM_FORMAT_TEXT, &fx->out, &err, &fx->opts);
	pm_render_error(PM_FORMAT_MARKDOWN, &fx->out, &err, &fx->opts);
	pm_render_error(PM_FORMAT_NONE, &fx->out, &err, &fx->opts);
	assert_int_equal(fx->out.len, 0);
	pm_render_error(PM_FORMAT_JSON, &fx->out, &err, &fx->opts);
	assert_true(fx->out.len > 0);
	pm_buf_free(&direct);
}

/* --- render_text.c ------------------------------------------------------ */

static const char text_full[] =
	"hf.yaml: post-mortem REQUIRED (2 of 4 triggers fired, 1 decisive)\n"
	"  HF-2041 \xe2\x80\x94 Login button unresponsive on Safari\n"
	"  recurrence   80/50  fired\n"
	"    +50  happened 2 times before  [seen_before: "
	"recurrence.previous_occurrences = 2, line 14]\n"
	"    +30  the fix is a workaround  [workaround: "
	"recurrence.permanent_fix = false, line 15]\n"
	"  cross_team   20/50\n"
	"    +20  2 teams worked on it  [several_teams: teams = 2, line 20]\n"
	"  future_risk   0/50\n"
	"  stakeholder  85/50  fired\n"
	"    +85  customers saw it  [customer_facing: "
	"impact.customer_facing = true, line 8]\n"
	"  decisive: data loss reported  [data_loss: impact.data_loss = true, "
	"line 9]\n"
	"  post-mortem: due 2024-01-19; no link or waiver yet\n"
	"  gate: fail under --fail-on required\n"
	"hf.yaml:5:12: warning: \"human error\" assigns blame [blameful_wording]\n"
	"hf.yaml: warning: sev1 without a timeline [missing_timeline]\n";

static void
test_text_full(void **state)
{
	struct fixture *fx = *state;
	pm_render_text(&fx->out, &fx->rep, &fx->opts);
	assert_string_equal(str(&fx->out), text_full);
}

static void
test_text_linked_and_waived(void **state)
{
	struct fixture *fx = *state;
	make_quiet_report(fx);
	fx->rep.verdict = PM_VERDICT_RECOMMENDED;
	fx->rep.triggers[PM_TRIGGER_STAKEHOLDER].fired = true;
	fx->rep.satisfied = true;
	set_str(&fx->hf.f[PM_F_POSTMORTEM_LINK], "https://wiki/pm/1", 30, 9);
	set_str(&fx->hf.f[PM_F_ID], "", 0, 0);
	fx->hf.f[PM_F_ID].type = PM_V_NONE;
	fx->opts.fail_on = PM_VERDICT_RECOMMENDED;
	pm_render_text(&fx->out, &fx->rep, &fx->opts);
	assert_string_equal(str(&fx->out),
	    "hf.yaml: post-mortem RECOMMENDED (1 of 4 triggers fired)\n"
	    "  Login button unresponsive on Safari\n"
	    "  recurrence   80/50\n"
	    "    +50  happened 2 times before  [seen_before: "
	    "recurrence.previous_occurrences = 2, line 14]\n"
	    "    +30  the fix is a workaround  [workaround: "
	    "recurrence.permanent_fix = false, line 15]\n"
	    "  cross_team   20/50\n"
	    "    +20  2 teams worked on it  [several_teams: teams = 2, line 20]\n"
	    "  future_risk   0/50\n"
	    "  stakeholder  85/50  fired\n"
	    "    +85  customers saw it  [customer_facing: "
	    "impact.customer_facing = true, line 8]\n"
	    "  post-mortem: linked: https://wiki/pm/1\n");

	pm_buf_clear(&fx->out);
	fx->hf.f[PM_F_POSTMORTEM_LINK].type = PM_V_NONE;
	set_str(&fx->hf.f[PM_F_POSTMORTEM_WAIVED], "trivial, by @lead", 31, 11);
	fx->rep.has_due = true;
	fx->rep.nnotes = 0;
	pm_render_text(&fx->out, &fx->rep, &fx->opts);
	assert_non_null(strstr(str(&fx->out),
	    "\n  post-mortem: due 2024-01-19; waived: trivial, by @lead\n"));
}

static void
test_text_optional_says_little(void **state)
{
	struct fixture *fx = *state;
	make_quiet_report(fx);
	for (int t = 0; t < PM_TRIGGER_COUNT; t++) {
		fx->rep.triggers[t].score = 0;
		fx->rep.triggers[t].nreasons = 0;
	}
	pm_render_text(&fx->out, &fx->rep, &fx->opts);
	assert_string_equal(str(&fx->out),
	    "hf.yaml: post-mortem OPTIONAL (0 of 4 triggers fired)\n"
	    "  HF-2041 \xe2\x80\x94 Login button unresponsive on Safari\n"
	    "  recurrence    0/50\n"
	    "  cross_team    0/50\n"
	    "  future_risk   0/50\n"
	    "  stakeholder   0/50\n");
}

static void
test_text_color(void **state)
{
	struct fixture *fx = *state;
	fx->opts.color = true;
	pm_render_text(&fx->out, &fx->rep, &fx->opts);
	const char *s = str(&fx->out);
	assert_non_null(strstr(s, "\033[1mhf.yaml:\033[0m post-mortem "
	    "\033[1;31mREQUIRED\033[0m (2 of 4"));
	assert_non_null(strstr(s, "\n  \033[1mrecurrence   80/50  fired\033[0m\n"));
	assert_non_null(strstr(s, "\n  cross_team   20/50\n"));
	assert_non_null(strstr(s, "\n  \033[1mdecisive:\033[0m data loss"));
	assert_non_null(strstr(s, "\n  gate: \033[1;31mfail\033[0m under "
	    "--fail-on required\n"));
	assert_non_null(strstr(s, "\n\033[1mhf.yaml:5:12:\033[0m "
	    "\033[1;35mwarning:\033[0m \"human error\""));

	pm_buf_clear(&fx->out);
	fx->rep.verdict = PM_VERDICT_RECOMMENDED;
	pm_render_text(&fx->out, &fx->rep, &fx->opts);
	assert_non_null(strstr(str(&fx->out), "\033[1;33mRECOMMENDED\033[0m"));

	pm_buf_clear(&fx->out);
	fx->rep.verdict = PM_VERDICT_OPTIONAL;
	pm_render_text(&fx->out, &fx->rep, &fx->opts);
	assert_non_null(strstr(str(&fx->out), "\033[32mOPTIONAL\033[0m"));
}

/* Input text everywhere it can appear; plain output must hold no ESC, no
 * bidi control, and exactly one line per item. */
static void
test_text_hostile(void **state)
{
	struct fixture *fx = *state;
	fx->opts.file = "x\x1b[2J.yaml";
	set_str(&fx->hf.f[PM_F_TITLE], "Title\nFAKE: post-mortem OPTIONAL "
	    "\x1b]8;;https://evil\x1b\\link\x1b]8;;\x1b\\ \xe2\x80\xae" "cba", 3, 8);
	set_str(&fx->hf.f[PM_F_ID], "HF\xc2\x9b" "2J", 2, 5);
	fx->recurrence[0].value = "\x1b[31m2\n";
	fx->recurrence[0].message = "seen \x07 before";
	fx->notes[0].message = "\"human\x1b[0m error\"\r\nrm -rf";
	fx->rep.satisfied = true;
	set_str(&fx->hf.f[PM_F_POSTMORTEM_WAIVED], "ok\xe2\x80\xa8" "bye", 31, 11);
	pm_render_text(&fx->out, &fx->rep, &fx->opts);

	const char *s = str(&fx->out);
	assert_null(strchr(s, '\x1b'));
	assert_null(strchr(s, '\x07'));
	assert_null(strchr(s, '\r'));
	assert_null(strstr(s, "\xe2\x80\xae"));
	assert_null(strstr(s, "\xe2\x80\xa8"));
	assert_null(strstr(s, "\xc2\x9b"));
	size_t lines = 0;
	for (const char *p = s; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 14);    /* the gate line is gone: waived */
	assert_non_null(strstr(s, "x\\x1b[2J.yaml: post-mortem REQUIRED"));
	assert_non_null(strstr(s, "  HF\\u009b2J \xe2\x80\x94 Title\\nFAKE: "
	    "post-mortem OPTIONAL \\x1b]8;;https://evil\\x1b\\link"
	    "\\x1b]8;;\\x1b\\ \\u202ecba\n"));
	assert_non_null(strstr(s, "    +50  seen \\x07 before  [seen_before: "
	    "recurrence.previous_occurrences = \\x1b[31m2\\n, line 14]\n"));
	assert_non_null(strstr(s, "x\\x1b[2J.yaml:5:12: warning: "
	    "\"human\\x1b[0m error\"\\r\\nrm -rf [blameful_wording]\n"));
	assert_non_null(strstr(s, "  post-mortem: due 2024-01-19; waived: "
	    "ok\\u2028bye\n"));
}

/* --- render_json.c ------------------------------------------------------ */

static const char json_full[] =
	"{\"schema_version\":1,\"tool\":\"pmcheck\",\"version\":\"0.1.0\",\"config\":null,"
	"\"file\":\"hf.yaml\",\"id\":\"HF-2041\","
	"\"title\":\"Login button unresponsive on Safari\","
	"\"verdict\":\"required\",\"gate\":\"fail\","
	"\"triggers\":["
	"{\"id\":\"recurrence\",\"score\":80,\"threshold\":50,\"fired\":true,"
	"\"reasons\":["
	"{\"rule\":\"seen_before\",\"points\":50,"
	"\"message\":\"happened 2 times before\","
	"\"field\":\"recurrence.previous_occurrences\",\"value\":\"2\","
	"\"line\":14,\"column\":25},"
	"{\"rule\":\"workaround\",\"points\":30,"
	"\"message\":\"the fix is a workaround\","
	"\"field\":\"recurrence.permanent_fix\",\"value\":\"false\","
	"\"line\":15,\"column\":18}]},"
	"{\"id\":\"cross_team\",\"score\":20,\"threshold\":50,\"fired\":false,"
	"\"reasons\":["
	"{\"rule\":\"several_teams\",\"points\":20,"
	"\"message\":\"2 teams worked on it\",\"field\":\"teams\","
	"\"value\":\"2\",\"line\":20,\"column\":3}]},"
	"{\"id\":\"future_risk\",\"score\":0,\"threshold\":50,\"fired\":false,"
	"\"reasons\":[]},"
	"{\"id\":\"stakeholder\",\"score\":85,\"threshold\":50,\"fired\":true,"
	"\"reasons\":["
	"{\"rule\":\"customer_facing\",\"points\":85,"
	"\"message\":\"customers saw it\",\"field\":\"impact.customer_facing\","
	"\"value\":\"true\",\"line\":8,\"column\":20}]}],"
	"\"decisive\":[\"data_loss\"],"
	"\"notes\":["
	"{\"severity\":\"warning\",\"code\":\"blameful_wording\","
	"\"message\":\"\\\"human error\\\" assigns blame\",\"field\":\"summary\","
	"\"line\":5,\"column\":12},"
	"{\"severity\":\"warning\",\"code\":\"missing_timeline\","
	"\"message\":\"sev1 without a timeline\",\"field\":\"timeline\","
	"\"line\":null,\"column\":null}],"
	"\"postmortem\":{\"due\":\"2024-01-19\",\"link\":null,\"waived\":null}}\n";

static void
test_json_full(void **state)
{
	struct fixture *fx = *state;
	pm_render_json(&fx->out, &fx->rep, &fx->opts);
	assert_string_equal(str(&fx->out), json_full);
}

static void
test_json_minimal(void **state)
{
	struct fixture *fx = *state;
	make_quiet_report(fx);
	for (int t = 0; t < PM_TRIGGER_COUNT; t++)
		fx->rep.triggers[t].nreasons = 0;
	fx->hf.f[PM_F_ID].type = PM_V_NONE;
	fx->rep.satisfied = true;
	set_str(&fx->hf.f[PM_F_POSTMORTEM_LINK], "https://wiki/pm/1", 30, 9);
	set_str(&fx->hf.f[PM_F_POSTMORTEM_WAIVED], "not needed", 31, 11);
	fx->opts.fail_on = PM_VERDICT_NONE;
	pm_render_json(&fx->out, &fx->rep, &fx->opts);
	assert_string_equal(str(&fx->out),
	    "{\"schema_version\":1,\"tool\":\"pmcheck\",\"version\":\"0.1.0\",\"config\":null,"
	    "\"file\":\"hf.yaml\",\"id\":null,"
	    "\"title\":\"Login button unresponsive on Safari\","
	    "\"verdict\":\"optional\",\"gate\":\"pass\",\"triggers\":["
	    "{\"id\":\"recurrence\",\"score\":80,\"threshold\":50,"
	    "\"fired\":false,\"reasons\":[]},"
	    "{\"id\":\"cross_team\",\"score\":20,\"threshold\":50,"
	    "\"fired\":false,\"reasons\":[]},"
	    "{\"id\":\"future_risk\",\"score\":0,\"threshold\":50,"
	    "\"fired\":false,\"reasons\":[]},"
	    "{\"id\":\"stakeholder\",\"score\":85,\"threshold\":50,"
	    "\"fired\":false,\"reasons\":[]}],"
	    "\"decisive\":[],\"notes\":[],"
	    "\"postmortem\":{\"due\":null,\"link\":\"https://wiki/pm/1\","
	    "\"waived\":\"not needed\"}}\n");
}

static void
test_json_hostile(void **state)
{
	struct fixture *fx = *state;
	fx->opts.file = "r\xe9sum\xe9\n.yaml";
	set_str(&fx->hf.f[PM_F_TITLE], "\"}\n{\"x\":1 \x1b[2J \xe2\x80\xa8 "
	    "\xe2\x80\xae \xc2\x9b \\ \x7f", 3, 8);
	fx->notes[1].field = NULL;
	fx->recurrence[1].value = NULL;
	pm_render_json(&fx->out, &fx->rep, &fx->opts);
	const char *s = str(&fx->out);
	/* One line: the only newline ends the object. */
	assert_ptr_equal(strchr(s, '\n'), s + fx->out.len - 1);
	assert_non_null(strstr(s, "\"file\":\"r\xef\xbf\xbdsum\xef\xbf\xbd"
	    "\\n.yaml\","));
	assert_non_null(strstr(s, "\"title\":\"\\\"}\\n{\\\"x\\\":1 "
	    "\\u001b[2J \\u2028 \\u202e \\u009b \\\\ \\u007f\","));
	assert_non_null(strstr(s, "\"message\":\"sev1 without a timeline\","
	    "\"field\":null,\"line\":null"));
	assert_non_null(strstr(s, "\"field\":\"recurrence.permanent_fix\","
	    "\"value\":null,\"line\":15"));
}

static void
test_json_error(void **state)
{
	struct fixture *fx = *state;
	struct pm_error err;

	pm_error_clear(&err);
	pm_error_set(&err, PM_ERR_SYNTAX, 3, 7, NULL,
	    "did not find expected key");
	fx->opts.file = "bad.yaml";
	pm_render_json_error(&fx->out, &err, &fx->opts);
	assert_string_equal(str(&fx->out),
	    "{\"schema_version\":1,\"tool\":\"pmcheck\",\"version\":\"0.1.0\",\"config\":null,"
	    "\"file\":\"bad.yaml\",\"error\":{\"code\":\"syntax\","
	    "\"message\":\"did not find expected key\",\"path\":null,"
	    "\"line\":3,\"column\":7}}\n");

	pm_buf_clear(&fx->out);
	pm_error_clear(&err);
	pm_error_set(&err, PM_ERR_TYPE, 9, 20, "impact.users_affected",
	    "expected an integer, got \"many\"");
	pm_render_json_error(&fx->out, &err, &fx->opts);
	assert_string_equal(str(&fx->out),
	    "{\"schema_version\":1,\"tool\":\"pmcheck\",\"version\":\"0.1.0\",\"config\":null,"
	    "\"file\":\"bad.yaml\",\"error\":{\"code\":\"type\","
	    "\"message\":\"expected an integer, got \\\"many\\\"\","
	    "\"path\":\"impact.users_affected\",\"line\":9,\"column\":20}}\n");

	pm_buf_clear(&fx->out);
	pm_error_clear(&err);
	pm_error_set(&err, PM_ERR_IO, 0, 0, "", "cannot open: \x1b[2J\xff");
	fx->opts.file = "\xff.yaml";
	pm_render_json_error(&fx->out, &err, &fx->opts);
	assert_string_equal(str(&fx->out),
	    "{\"schema_version\":1,\"tool\":\"pmcheck\",\"version\":\"0.1.0\",\"config\":null,"
	    "\"file\":\"\xef\xbf\xbd.yaml\",\"error\":{\"code\":\"io\","
	    "\"message\":\"cannot open: \\u001b[2J\xef\xbf\xbd\",\"path\":null,"
	    "\"line\":null,\"column\":null}}\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_format_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quiet, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quiet_hostile_file_name,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_render_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_render_day, setup, teardown),
		cmocka_unit_test_setup_teardown(test_render_minutes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_dispatch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_linked_and_waived,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_optional_says_little,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_color, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_hostile, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_json_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_minimal, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_json_hostile, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_json_error, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
