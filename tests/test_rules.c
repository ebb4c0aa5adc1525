/*
 * Rules engine tests: the condition evaluator on every operator, the
 * default policy on the scenarios docs/rules.md promises, verdicts,
 * decisive signals, the gate and the post-mortem due date.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pm_parse.h"
#include "pm_render.h"
#include "pm_report.h"

#define TODAY 19783 /* 2024-03-01 */

struct fixture {
	struct pm_hotfix hf;
	struct pm_report rep;
};

static void
judge(struct fixture *fx, const char *yaml)
{
	struct pm_error err;
	pm_error_clear(&err);
	pm_hotfix_init(&fx->hf);
	if (pm_parse(&fx->hf, yaml, strlen(yaml), &err) != 0)
		fail_msg("parse failed at %u:%u: %s", err.line, err.column, err.message);
	pm_report_build(&fx->rep, &fx->hf, pm_policy_default(), TODAY);
}

static const struct pm_reason *
find_reason(const struct pm_report *rep, const char *rule)
{
	for (int t = 0; t < PM_TRIGGER_COUNT; t++)
		for (size_t i = 0; i < rep->triggers[t].nreasons; i++)
			if (strcmp(rep->triggers[t].reasons[i].rule->id, rule) == 0)
				return &rep->triggers[t].reasons[i];
	for (size_t i = 0; i < rep->ndecisive; i++)
		if (strcmp(rep->decisive[i].rule->id, rule) == 0)
			return &rep->decisive[i];
	return NULL;
}

static void
test_cond_operators(void **state)
{
	(void)state;
	struct fixture fx;
	judge(&fx, "title: t\nservice: Payments\ncomponents: [a, b, c]\n"
	           "impact: {users_affected: 50, error_budget_used: 0.1, revenue: false}\n"
	           "fix: {skipped_steps: [qa, staging]}\n");
	struct pm_arena *a = &fx.hf.arena;
	static const char *const flows[] = { "qa", "canary", NULL };
	static const char *const none[] = { "x", NULL };
	static const struct {
		struct pm_cond cond;
		bool expect;
	} cases[] = {
		{ { .op = PM_OP_PRESENT, .field = "service" }, true },
		{ { .op = PM_OP_PRESENT, .field = "summary" }, false },
		{ { .op = PM_OP_ABSENT, .field = "summary" }, true },
		{ { .op = PM_OP_EQ, .field = "service", .str = "payments" }, true },
		{ { .op = PM_OP_NE, .field = "service", .str = "payments" }, false },
		{ { .op = PM_OP_NE, .field = "summary", .str = "x" }, false },
		{ { .op = PM_OP_EQ, .field = "impact.revenue", .str = "false" }, true },
		{ { .op = PM_OP_EQ, .field = "impact.users_affected", .str = "50.0" }, true },
		{ { .op = PM_OP_GE, .field = "impact.users_affected", .num = 50 }, true },
		{ { .op = PM_OP_GT, .field = "impact.users_affected", .num = 50 }, false },
		{ { .op = PM_OP_LT, .field = "impact.error_budget_used", .num = 0.2 }, true },
		{ { .op = PM_OP_LE, .field = "impact.error_budget_used", .num = 0.05 }, false },
		{ { .op = PM_OP_GE, .field = "components", .num = 3 }, true },
		{ { .op = PM_OP_IN, .field = "fix.skipped_steps", .set = flows }, true },
		{ { .op = PM_OP_IN, .field = "fix.skipped_steps", .set = none }, false },
		{ { .op = PM_OP_IN, .field = "severity", .set = none }, false },
		{ { .op = PM_OP_EQ, .field = "severity", .str = "sev3" }, true },
		{ { .op = PM_OP_PRESENT, .field = "no.such.field" }, false },
		{ { .op = PM_OP_NONE }, false },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (pm_cond_eval(&cases[i].cond, &fx.hf, a, NULL) != cases[i].expect)
			fail_msg("case %zu", i);

	/* all / any, and what the match points at. */
	static const struct pm_cond both[] = {
		{ .op = PM_OP_EQ, .field = "service", .str = "payments" },
		{ .op = PM_OP_GE, .field = "impact.users_affected", .num = 10 },
	};
	struct pm_cond all = { .op = PM_OP_ALL, .sub = both, .nsub = 2 };
	struct pm_match m;
	assert_true(pm_cond_eval(&all, &fx.hf, a, &m));
	assert_string_equal(m.field, "service");
	assert_string_equal(m.text, "Payments");
	assert_int_equal(m.value->pos.line, 2);
	struct pm_cond any = { .op = PM_OP_ANY, .sub = both + 1, .nsub = 1 };
	assert_true(pm_cond_eval(&any, &fx.hf, a, &m));
	assert_string_equal(m.field, "impact.users_affected");
	assert_int_equal(m.count, 50);
	struct pm_cond in = { .op = PM_OP_IN, .field = "fix.skipped_steps", .set = flows };
	assert_true(pm_cond_eval(&in, &fx.hf, a, &m));
	assert_string_equal(m.text, "qa");
	assert_int_equal(m.count, 1);
	pm_hotfix_free(&fx.hf);
}

static void
test_trivial_patch_is_optional(void **state)
{
	(void)state;
	struct fixture fx;
	judge(&fx, "title: Fix typo in invoice footer\nseverity: low\n"
	           "detected_by: monitoring\nteams: [Billing]\n"
	           "impact: {customer_facing: false, users_affected: 0}\n"
	           "root_cause: {known: true, category: regression}\n"
	           "recurrence: {previous_occurrences: 0, permanent_fix: true}\n"
	           "fix: {type: patch, reviewed: true, tests_added: true, rollback_plan: true}\n");
	assert_int_equal(fx.rep.verdict, PM_VERDICT_OPTIONAL);
	assert_int_equal(fx.rep.nfired, 0);
	for (int t = 0; t < PM_TRIGGER_COUNT; t++)
		assert_int_equal(fx.rep.triggers[t].score, 0);
	assert_false(pm_gate_fails(&fx.rep, PM_VERDICT_RECOMMENDED));
	pm_hotfix_free(&fx.hf);
}

static void
test_each_trigger_alone_is_recommended(void **state)
{
	(void)state;
	static const struct {
		const char *yaml;
		enum pm_trigger fired;
	} cases[] = {
		{ "title: t\nrecurrence: {previous_occurrences: 1}\n", PM_TRIGGER_RECURRENCE },
		{ "title: t\nrecurrence: {permanent_fix: false}\nroot_cause: {known: false}\n",
		  PM_TRIGGER_RECURRENCE },
		{ "title: t\nteams: [a, b]\n", PM_TRIGGER_CROSS_TEAM },
		{ "title: t\nfix: {risks: [cache may serve stale prices]}\n", PM_TRIGGER_FUTURE_RISK },
		{ "title: t\nfix: {reviewed: false, tests_added: false, rollback_plan: false}\n",
		  PM_TRIGGER_FUTURE_RISK },
		{ "title: t\nimpact: {customer_facing: true, user_flows: [checkout]}\n",
		  PM_TRIGGER_STAKEHOLDER },
		{ "title: t\nstakeholders: {requested_by: [CFO]}\n", PM_TRIGGER_STAKEHOLDER },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fixture fx;
		judge(&fx, cases[i].yaml);
		if (fx.rep.verdict != PM_VERDICT_RECOMMENDED || fx.rep.nfired != 1 ||
		    !fx.rep.triggers[cases[i].fired].fired)
			fail_msg("case %zu: verdict %s", i, pm_verdict_name(fx.rep.verdict));
		pm_hotfix_free(&fx.hf);
	}
}

static void
test_login_hotfix_is_required(void **state)
{
	(void)state;
	struct fixture fx;
	judge(&fx, "title: Login button dead on Safari\nseverity: sev2\n"
	           "components: [login-form]\n"
	           "teams: [{name: Frontend, role: owner}, {name: Identity, role: responder}]\n"
	           "recurrence: {previous_occurrences: 2, related: [HF-1, HF-2]}\n"
	           "impact: {customer_facing: true, users_affected: 3000, user_flows: [login]}\n"
	           "resolved_at: 2024-01-12T11:00:00Z\n");
	assert_int_equal(fx.rep.verdict, PM_VERDICT_REQUIRED);
	assert_true(fx.rep.triggers[PM_TRIGGER_RECURRENCE].fired);
	assert_true(fx.rep.triggers[PM_TRIGGER_CROSS_TEAM].fired);
	assert_true(fx.rep.triggers[PM_TRIGGER_STAKEHOLDER].fired);
	assert_false(fx.rep.triggers[PM_TRIGGER_FUTURE_RISK].fired);
	assert_int_equal(fx.rep.ndecisive, 0);

	const struct pm_reason *r = find_reason(&fx.rep, "seen_before");
	assert_non_null(r);
	assert_int_equal(r->points, 50);
	assert_string_equal(r->field, "recurrence.previous_occurrences");
	assert_string_equal(r->value, "2");
	assert_string_equal(r->message, "the same problem happened 2 times before");
	assert_int_equal(r->pos.line, 5);
	/* Scaled rule: 20 per related incident. */
	r = find_reason(&fx.rep, "related_incidents");
	assert_int_equal(r->points, 40);
	assert_string_equal(r->message, "related to earlier incidents: HF-1, HF-2");
	r = find_reason(&fx.rep, "helping_teams");
	assert_string_equal(r->message, "1 team outside the owning team helped (responder or consulted)");
	r = find_reason(&fx.rep, "critical_flow");
	assert_string_equal(r->value, "login");

	/* Scores are capped at 100. */
	assert_int_equal(fx.rep.triggers[PM_TRIGGER_STAKEHOLDER].score, 100);
	assert_true(pm_gate_fails(&fx.rep, PM_VERDICT_REQUIRED));
	assert_true(pm_gate_fails(&fx.rep, PM_VERDICT_RECOMMENDED));
	assert_false(pm_gate_fails(&fx.rep, PM_VERDICT_NONE));

	/* sev2 resolved 2024-01-12: due seven days later. */
	assert_true(fx.rep.has_due);
	assert_false(fx.rep.due_from_input);
	assert_int_equal(fx.rep.due_day, pm_days_from_civil(2024, 1, 19));
	pm_hotfix_free(&fx.hf);
}

static void
test_decisive_signals(void **state)
{
	(void)state;
	static const struct {
		const char *yaml;
		const char *rule;
	} cases[] = {
		{ "title: t\nimpact: {data_loss: true}\n", "data_loss" },
		{ "title: t\nimpact: {security: true}\n", "security_impact" },
		{ "title: t\nseverity: critical\n", "sev1" },
		{ "title: t\npostmortem: {requested: true}\n", "postmortem_requested" },
		{ "title: t\nimpact: {error_budget_used: 0.2}\n", "error_budget_20pct" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fixture fx;
		judge(&fx, cases[i].yaml);
		if (fx.rep.verdict != PM_VERDICT_REQUIRED || fx.rep.ndecisive != 1 ||
		    strcmp(fx.rep.decisive[0].rule->id, cases[i].rule) != 0)
			fail_msg("case %zu", i);
		assert_int_equal(fx.rep.decisive[0].points, 0);
		pm_hotfix_free(&fx.hf);
	}
	/* Just under the error budget line is not decisive. */
	struct fixture fx;
	judge(&fx, "title: t\nimpact: {error_budget_used: 0.19}\n");
	assert_int_equal(fx.rep.ndecisive, 0);
	assert_non_null(find_reason(&fx.rep, "error_budget_spent"));
	pm_hotfix_free(&fx.hf);
}

static void
test_link_or_waiver_satisfies_gate(void **state)
{
	(void)state;
	struct fixture fx;
	judge(&fx, "title: t\nimpact: {data_loss: true}\n"
	           "postmortem: {link: 'https://wiki/pm/1', due: 2024-02-10}\n");
	assert_int_equal(fx.rep.verdict, PM_VERDICT_REQUIRED);
	assert_true(fx.rep.satisfied);
	assert_false(pm_gate_fails(&fx.rep, PM_VERDICT_REQUIRED));
	assert_true(fx.rep.due_from_input);
	assert_int_equal(fx.rep.due_day, pm_days_from_civil(2024, 2, 10));
	pm_hotfix_free(&fx.hf);

	judge(&fx, "title: t\nimpact: {data_loss: true}\npostmortem: {waived: 'dup of PM-7, by Ana'}\n");
	assert_true(fx.rep.satisfied);
	pm_hotfix_free(&fx.hf);
}

static void
test_due_date_by_severity(void **state)
{
	(void)state;
	static const struct {
		const char *yaml;
		int days;
	} cases[] = {
		{ "title: t\nseverity: sev1\nresolved_at: 2024-01-10T23:59:00Z\n", 5 },
		{ "title: t\nseverity: sev2\nresolved_at: 2024-01-10\n", 7 },
		{ "title: t\ndetected_at: 2024-01-10T10:00:00Z\n", 14 },
		{ "title: t\nseverity: low\nstarted_at: 2024-01-10T10:00:00Z\n", 28 },
		/* An offset that crosses midnight counts in UTC. */
		{ "title: t\nseverity: sev2\nresolved_at: 2024-01-11T00:30:00+02:00\n", 7 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fixture fx;
		judge(&fx, cases[i].yaml);
		assert_true(fx.rep.has_due);
		if (fx.rep.due_day != pm_days_from_civil(2024, 1, 10) + cases[i].days)
			fail_msg("case %zu", i);
		pm_hotfix_free(&fx.hf);
	}
	struct fixture fx;
	judge(&fx, "title: t\n");
	assert_false(fx.rep.has_due);
	pm_hotfix_free(&fx.hf);
}

static void
test_policy_table_is_sound(void **state)
{
	(void)state;
	/* Every rule reads a field the format has, and ids are unique. */
	const struct pm_policy *p = pm_policy_default();
	for (size_t i = 0; i < p->nrules; i++) {
		const struct pm_rule *r = &p->rules[i];
		assert_non_null(r->id);
		assert_non_null(r->message);
		const struct pm_cond *c = &r->cond;
		size_t n = c->op == PM_OP_ANY || c->op == PM_OP_ALL ? c->nsub : 1;
		const struct pm_cond *leaves = c->op == PM_OP_ANY || c->op == PM_OP_ALL ? c->sub : c;
		for (size_t k = 0; k < n; k++)
			if (pm_field_find(leaves[k].field) == PM_F_NONE)
				fail_msg("rule %s reads unknown field %s", r->id, leaves[k].field);
		for (size_t j = 0; j < i; j++)
			if (strcmp(p->rules[j].id, r->id) == 0)
				fail_msg("duplicate rule id %s", r->id);
		assert_true(r->decisive || r->points > 0);
	}
	assert_string_equal(pm_trigger_id(PM_TRIGGER_CROSS_TEAM), "cross_team");
	assert_string_equal(pm_trigger_title(PM_TRIGGER_FUTURE_RISK), "Future risk");
	assert_string_equal(pm_verdict_name(PM_VERDICT_RECOMMENDED), "recommended");
}

/* ---- text without printf ------------------------------------------------- */

static uint64_t rng_state = 0x2545f4914f6cdd1du;

static uint64_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void
check_number(double v)
{
	char want[64], buf[PM_NUMBER_SIZE];
	snprintf(want, sizeof(want), "%g", v);
	const char *got = pm_report_number(buf, v);
	if (strcmp(got, want) != 0)
		fail_msg("%.17g: \"%s\", printf says \"%s\"", v, got, want);
}

static void
test_numbers_as_printf_writes_them(void **state)
{
	(void)state;
	static const double edges[] = {
		0.0, -0.0, 1.0, -1.0, 0.1, 0.05, 0.05 * 100, 0.2, 0.2 * 100, 1e-4,
		-1e-4, 9.99995e-5, 1e5, 99999.95, 99999.949999, 99999.5, 9.999995,
		9.9999949, 0.000123456789, 123456.5, 1e300, 1e-300, 5e-324,
		INFINITY, -INFINITY, NAN, 1234.5, 1234.55, 0.00012345,
		2.5, 0.125, 1.0000005, 1.0000015, 999999.5, 0.3 * 100, 0.07 * 100,
	};
	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
		check_number(edges[i]);
	for (int i = 0; i < 200000; i++) {
		uint64_t r = rng();
		double v;
		switch (i % 4) {
		case 0:         /* any double at all */
			memcpy(&v, &r, sizeof(v));
			break;
		case 1:         /* decimals as inputs write them, and percentages */
			v = (double)(r % 10000000) / (double)(1u << (r >> 60)) / 1000.0 *
			    ((r >> 40) % 100 + 1);
			break;
		case 2:         /* halfway between two six-digit values */
			v = ((double)(r % 1000000) + 0.5) /
			    (double)(uint64_t)(1 + (r >> 32) % 100000);
			break;
		default:        /* the range written without printf, and around it */
			v = (double)(r >> 11) / 9007199254740992.0 *
			    (r & 1 ? 2e5 : 2e-3) * (r & 2 ? -1 : 1);
			break;
		}
		check_number(v);
	}
}

static void
test_integers_as_printf_writes_them(void **state)
{
	(void)state;
	static const int64_t edges[] = {
		0, 1, -1, 9, 10, -10, INT64_MAX, INT64_MIN, INT64_MIN + 1, 1000000,
	};
	char want[64], buf[PM_DECIMAL_SIZE];
	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]) + 10000; i++) {
		int64_t v = i < sizeof(edges) / sizeof(edges[0]) ? edges[i]
		          : (int64_t)(rng() >> (rng() % 64));
		snprintf(want, sizeof(want), "%lld", (long long)v);
		assert_string_equal(pm_report_decimal(buf, v), want);
	}
}

static void
test_prepared_messages(void **state)
{
	(void)state;
	static const char *const samples[] = {
		"title: t\nseverity: sev1\nteams: [a, b, c]\ncomponents: [x, y, z, w]\n"
		"detected_by: customer\nfix: {type: rollback, skipped_steps: [qa]}\n"
		"recurrence: {previous_occurrences: 1, related: [HF-1, HF-2]}\n"
		"impact: {users_affected: 1, error_budget_used: 0.25,\n"
		"  user_flows: [login, search, checkout]}\n"
		"stakeholders: {notified: [cto, support], requested_by: [vp]}\n",
		"title: t\nimpact: {users_affected: 150000, error_budget_used: 0.0001}\n"
		"recurrence: {previous_occurrences: 7, permanent_fix: false}\n",
	};
	struct pm_arena arena;
	pm_arena_init(&arena);
	struct pm_policy policy = *pm_policy_default();
	pm_policy_prepare(&policy, &arena);
	assert_int_equal(policy.nmessages, policy.nrules);
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		struct fixture a, b;
		judge(&a, samples[i]);
		struct pm_error err;
		pm_error_clear(&err);
		pm_hotfix_init(&b.hf);
		assert_int_equal(pm_parse(&b.hf, samples[i], strlen(samples[i]), &err), 0);
		pm_report_build(&b.rep, &b.hf, &policy, TODAY);
		/* The same reasons, with the same messages, as when the
		 * messages are split for this report only. */
		for (int t = 0; t < PM_TRIGGER_COUNT; t++) {
			assert_int_equal(a.rep.triggers[t].nreasons, b.rep.triggers[t].nreasons);
			for (size_t k = 0; k < a.rep.triggers[t].nreasons; k++)
				assert_string_equal(a.rep.triggers[t].reasons[k].message,
				                    b.rep.triggers[t].reasons[k].message);
		}
		assert_int_equal(a.rep.ndecisive, b.rep.ndecisive);
		for (size_t k = 0; k < a.rep.ndecisive; k++)
			assert_string_equal(a.rep.decisive[k].message,
			                    b.rep.decisive[k].message);
		pm_hotfix_free(&a.hf);
		pm_hotfix_free(&b.hf);
	}
	/* Placeholders filled in; a message without any is the rule's own. */
	struct fixture fx;
	judge(&fx, samples[0]);
	assert_string_equal(find_reason(&fx.rep, "seen_before")->message,
	                    "the same problem happened 1 time before");
	assert_string_equal(find_reason(&fx.rep, "error_budget_spent")->message,
	                    "25% of the period's error budget was burned");
	assert_string_equal(find_reason(&fx.rep, "users_affected")->message,
	                    "1 user affected");
	assert_string_equal(find_reason(&fx.rep, "critical_flow")->message,
	                    "a critical user journey was hit: login, checkout");
	const struct pm_reason *sev1 = find_reason(&fx.rep, "sev1");
	assert_ptr_equal(sev1->message, sev1->rule->message);
	pm_hotfix_free(&fx.hf);
	pm_arena_free(&arena);
}

/* A long policy: its reasons, in rule order within each trigger and among
 * the decisive ones, hold what pm_cond_eval() says of each rule alone;
 * several rules on one field, long lists and long messages included. */
static void
test_many_rules_in_order(void **state)
{
	(void)state;
	static const char *const sets[][3] = {
		{ "qa", "staging", NULL }, { "1.0", "x", NULL }, { "NONE", NULL, NULL },
	};
	static const struct pm_cond sub[] = {
		{ .op = PM_OP_EQ, .field = "service", .str = "PAYMENTS" },
		{ .op = PM_OP_GE, .field = "teams", .num = 2 },
	};
	const struct pm_cond conds[] = {
		{ .op = PM_OP_GE, .field = "teams", .num = 2 },
		{ .op = PM_OP_GE, .field = "teams", .num = 50 },
		{ .op = PM_OP_PRESENT, .field = "teams" },
		{ .op = PM_OP_EQ, .field = "service", .str = "payments" },
		{ .op = PM_OP_NE, .field = "service", .str = "Payments" },
		{ .op = PM_OP_IN, .field = "fix.skipped_steps", .set = sets[0] },
		{ .op = PM_OP_IN, .field = "recurrence.previous_occurrences", .set = sets[1] },
		{ .op = PM_OP_EQ, .field = "recurrence.previous_occurrences", .str = "1" },
		{ .op = PM_OP_IN, .field = "severity", .set = sets[2] },
		{ .op = PM_OP_EQ, .field = "impact.revenue", .str = "FALSE" },
		{ .op = PM_OP_LT, .field = "impact.error_budget_used", .num = 0.5 },
		{ .op = PM_OP_ALL, .sub = sub, .nsub = 2 },
		{ .op = PM_OP_ANY, .sub = sub, .nsub = 2 },
		{ .op = PM_OP_NOT, .sub = sub + 1, .nsub = 1 },
		{ .op = PM_OP_ABSENT, .field = "summary" },
		{ .op = PM_OP_NONE },
	};
	static const char *const messages[] = {
		"plain",
		"{count} team{s}: {value}",
		"{percent} of it, {value}, and {value} again, {count} time{s}, "
		"written out at length so that the message outgrows any small "
		"buffer: {value} {value} {value} {value}",
	};
	enum { NRULES = 100 };
	static struct pm_rule rules[NRULES];
	static char ids[NRULES][8];
	const size_t nconds = sizeof(conds) / sizeof(conds[0]);
	for (size_t i = 0; i < NRULES; i++) {
		snprintf(ids[i], sizeof(ids[i]), "r%zu", i);
		rules[i] = (struct pm_rule){
			.id = ids[i], .trigger = (enum pm_trigger)(i % PM_TRIGGER_COUNT),
			.decisive = i % 7 == 3, .points = (int)(i % 5) + 1,
			.scaled = i % 3 == 0, .cap = 20, .cond = conds[i % nconds],
			.message = messages[i % 3],
		};
	}
	struct pm_policy unprepared = *pm_policy_default();
	unprepared.rules = rules;
	unprepared.nrules = NRULES;
	unprepared.nmessages = 0;
	struct pm_policy prepared = unprepared;
	struct pm_arena arena;
	pm_arena_init(&arena);
	pm_policy_prepare(&prepared, &arena);

	/* Forty teams: their names run past two hundred bytes. */
	char yaml[2048] = "title: t\nservice: payments\nseverity: sev3\n"
	                  "fix: {skipped_steps: [qa, canary]}\n"
	                  "recurrence: {previous_occurrences: 1}\n"
	                  "impact: {revenue: false, error_budget_used: 0.25}\nteams: [";
	for (int i = 0; i < 40; i++)
		snprintf(yaml + strlen(yaml), sizeof(yaml) - strlen(yaml), "%steam-%02d",
		         i ? ", " : "", i);
	strcat(yaml, "]\n");

	/* What rule r32 (teams at least 2, the long message) says. */
	char teams[512] = "", expect[4096];
	for (int i = 0; i < 40; i++)
		snprintf(teams + strlen(teams), sizeof(teams) - strlen(teams), "%steam-%02d",
		         i ? ", " : "", i);
	snprintf(expect, sizeof(expect),
	         "0%% of it, %s, and %s again, 40 times, written out at length so "
	         "that the message outgrows any small buffer: %s %s %s %s",
	         teams, teams, teams, teams, teams, teams);

	const struct pm_policy *policies[] = { &unprepared, &prepared };
	const char *first[NRULES] = { 0 };
	for (size_t p = 0; p < 2; p++) {
		struct fixture fx;
		struct pm_error err;
		pm_error_clear(&err);
		pm_hotfix_init(&fx.hf);
		assert_int_equal(pm_parse(&fx.hf, yaml, strlen(yaml), &err), 0);
		pm_report_build(&fx.rep, &fx.hf, policies[p], TODAY);
		size_t at[PM_TRIGGER_COUNT] = { 0 }, decisive = 0;
		for (size_t i = 0; i < NRULES; i++) {
			struct pm_match m;
			memset(&m, 0, sizeof(m));
			if (!pm_cond_eval(&rules[i].cond, &fx.hf, &fx.hf.arena, &m))
				continue;
			const struct pm_reason *r = rules[i].decisive
			    ? (decisive < fx.rep.ndecisive ? &fx.rep.decisive[decisive++] : NULL)
			    : (at[rules[i].trigger] < fx.rep.triggers[rules[i].trigger].nreasons
			       ? &fx.rep.triggers[rules[i].trigger].reasons[at[rules[i].trigger]++]
			       : NULL);
			if (r == NULL || r->rule != &rules[i])
				fail_msg("rule %zu is missing or out of order", i);
			assert_string_equal(r->field ? r->field : "-", m.field ? m.field : "-");
			assert_string_equal(r->value ? r->value : "-", m.text ? m.text : "-");
			int points = rules[i].points;
			if (rules[i].scaled)
				points = rules[i].points * m.count > rules[i].cap
				       ? rules[i].cap : (int)(rules[i].points * m.count);
			assert_int_equal(r->points, rules[i].decisive ? 0 : points);
			/* The same message whether the policy was prepared. */
			if (p == 0)
				first[i] = pm_xstrdup(r->message);
			else
				assert_string_equal(r->message, first[i]);
		}
		for (int t = 0; t < PM_TRIGGER_COUNT; t++)
			assert_int_equal(at[t], fx.rep.triggers[t].nreasons);
		assert_int_equal(decisive, fx.rep.ndecisive);
		const struct pm_reason *r32 = find_reason(&fx.rep, "r32");
		assert_non_null(r32);
		assert_string_equal(r32->value, teams);
		assert_string_equal(r32->message, expect);
		pm_hotfix_free(&fx.hf);
	}
	for (size_t i = 0; i < NRULES; i++)
		free((char *)first[i]);
	pm_arena_free(&arena);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cond_operators),
		cmocka_unit_test(test_trivial_patch_is_optional),
		cmocka_unit_test(test_each_trigger_alone_is_recommended),
		cmocka_unit_test(test_login_hotfix_is_required),
		cmocka_unit_test(test_decisive_signals),
		cmocka_unit_test(test_link_or_waiver_satisfies_gate),
		cmocka_unit_test(test_due_date_by_severity),
		cmocka_unit_test(test_policy_table_is_sound),
		cmocka_unit_test(test_numbers_as_printf_writes_them),
		cmocka_unit_test(test_integers_as_printf_writes_them),
		cmocka_unit_test(test_prepared_messages),
		cmocka_unit_test(test_many_rules_in_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
