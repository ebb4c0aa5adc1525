/*
 * Tests of the Markdown renderer.  Hotfixes and reports are built by hand,
 * field by field, so these tests depend neither on the parser nor on the
 * rules: each one sets only what it is about and checks the output for
 * substrings and for structure (headings, table cells, blank lines).
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
#include "pm_model.h"
#include "pm_render.h"
#include "pm_report.h"
#include "pm_rules.h"

/* 2024-01-12T09:14:00Z and friends. */
#define T_STARTED   1705050840
#define T_DETECTED  (T_STARTED + 45 * 60)
#define T_RESOLVED  (T_STARTED + 136 * 60)
#define DAY_DUE     19741          /* 2024-01-19 */
#define DAY_ACTION  19754          /* 2024-02-01 */

struct fx {
	struct pm_hotfix hf;
	struct pm_report rep;
	struct pm_value components[2];
	struct pm_value flows[2];
	struct pm_value related[2];
	struct pm_value teams[2];
	struct pm_value team_fields[2][PM_TEAM_COUNT];
	struct pm_value risks[1];
	struct pm_value skipped[1];
	struct pm_value changes[1];
	struct pm_value requested[1];
	struct pm_value actions[2];
	struct pm_value action_fields[2][PM_ACTION_COUNT];
	struct pm_value timeline[2];
	struct pm_value event_fields[2][PM_EVENT_COUNT];
	struct pm_reason reasons[PM_TRIGGER_COUNT][2];
	struct pm_reason decisive[1];
	struct pm_note notes[1];
};

static const struct pm_rule rule_seen = {
	.id = "seen_before", .trigger = PM_TRIGGER_RECURRENCE, .points = 50,
};
static const struct pm_rule rule_teams = {
	.id = "several_teams", .trigger = PM_TRIGGER_CROSS_TEAM, .points = 60,
};
static const struct pm_rule rule_skipped = {
	.id = "skipped_steps", .trigger = PM_TRIGGER_FUTURE_RISK, .points = 20,
};
static const struct pm_rule rule_flows = {
	.id = "critical_flow", .trigger = PM_TRIGGER_STAKEHOLDER, .points = 40,
};
static const struct pm_rule rule_data_loss = {
	.id = "data_loss", .decisive = true,
};

/* ---- Building values ----------------------------------------------------- */

static void
set_str(struct pm_value *v, const char *s)
{
	v->type = PM_V_STR;
	v->s = s;
	v->len = strlen(s);
	v->pos.line = 1;
	v->pos.column = 1;
}

static void
set_enum(struct pm_value *v, const char *s)
{
	set_str(v, s);
	v->type = PM_V_ENUM;
}

static void
set_bool(struct pm_value *v, bool b)
{
	v->type = PM_V_BOOL;
	v->u.b = b;
	v->pos.line = 1;
}

static void
set_int(struct pm_value *v, int64_t i)
{
	v->type = PM_V_INT;
	v->u.i = i;
	v->pos.line = 1;
}

static void
set_num(struct pm_value *v, double n)
{
	v->type = PM_V_NUM;
	v->u.n = n;
	v->pos.line = 1;
}

static void
set_time(struct pm_value *v, int64_t epoch, bool date_only)
{
	v->type = PM_V_TIME;
	v->u.t.epoch = epoch;
	v->u.t.date_only = date_only;
	v->u.t.has_zone = !date_only;
	v->s = "";
	v->pos.line = 1;
}

static void
set_list(struct pm_value *v, struct pm_value *items, size_t n)
{
	v->type = PM_V_LIST;
	v->items = items;
	v->count = n;
	v->pos.line = 1;
}

static void
set_map(struct pm_value *v, struct pm_value *fields, size_t n)
{
	v->type = PM_V_MAP;
	v->items = fields;
	v->count = n;
	v->pos.line = 1;
}

static void
fx_trigger(struct fx *fx, enum pm_trigger t, int score, bool fired)
{
	fx->rep.triggers[t].id = t;
	fx->rep.triggers[t].score = score;
	fx->rep.triggers[t].threshold = 50;
	fx->rep.triggers[t].fired = fired;
}

static void
fx_reason(struct fx *fx, enum pm_trigger t, const struct pm_rule *rule,
    const char *field, const char *value, const char *message, uint32_t line)
{
	struct pm_trigger_result *tr = &fx->rep.triggers[t];
	struct pm_reason *r = &fx->reasons[t][tr->nreasons];

	r->rule = rule;
	r->points = rule->points;
	r->field = field;
	r->value = value;
	r->message = message;
	r->pos.line = line;
	r->pos.column = 3;
	tr->reasons = fx->reasons[t];
	tr->nreasons++;
}

static void
fx_recount(struct fx *fx)
{
	fx->rep.nfired = 0;
	for (int t = 0; t < PM_TRIGGER_COUNT; t++)
		if (fx->rep.triggers[t].fired)
			fx->rep.nfired++;
}

/* A hotfix with only a title and a report where nothing fired. */
static struct fx *
fx_minimal(void)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	set_str(&fx->hf.f[PM_F_TITLE], "Typo on the pricing page");
	fx->rep.hf = &fx->hf;
	fx->rep.verdict = PM_VERDICT_OPTIONAL;
	for (int t = 0; t < PM_TRIGGER_COUNT; t++)
		fx_trigger(fx, (enum pm_trigger)t, 0, false);
	return fx;
}

/* The login hotfix of the examples: three triggers fire. */
static struct fx *
fx_login(void)
{
	struct fx *fx = fx_minimal();
	struct pm_value *f = fx->hf.f;

	set_str(&f[PM_F_ID], "HF-2041");
	set_str(&f[PM_F_TITLE], "Login button unresponsive on Safari");
	set_enum(&f[PM_F_KIND], "hotfix");
	set_enum(&f[PM_F_SEVERITY], "sev2");
	set_str(&f[PM_F_SERVICE], "web");
	set_str(&fx->components[0], "auth-ui");
	set_str(&fx->components[1], "session");
	set_list(&f[PM_F_COMPONENTS], fx->components, 2);
	set_str(&f[PM_F_SUMMARY], "Safari users could not log in.\n"
	    "A CSS change hid the button's click target.");
	set_time(&f[PM_F_STARTED_AT], T_STARTED, false);
	set_time(&f[PM_F_DETECTED_AT], T_DETECTED, false);
	set_time(&f[PM_F_RESOLVED_AT], T_RESOLVED, false);
	set_enum(&f[PM_F_DETECTED_BY], "customer");
	set_int(&f[PM_F_DERIVED_DURATION_MINUTES], 136);
	set_int(&f[PM_F_DERIVED_TIME_TO_DETECT_MINUTES], 45);
	set_bool(&f[PM_F_DERIVED_MONITORING_MISSED], true);
	set_bool(&f[PM_F_IMPACT_CUSTOMER_FACING], true);
	set_int(&f[PM_F_IMPACT_USERS_AFFECTED], 1200);
	set_str(&fx->flows[0], "login");
	set_list(&f[PM_F_IMPACT_USER_FLOWS], fx->flows, 1);
	set_bool(&f[PM_F_IMPACT_DATA_LOSS], false);
	set_num(&f[PM_F_IMPACT_ERROR_BUDGET_USED], 0.35);
	set_bool(&f[PM_F_ROOT_CAUSE_KNOWN], true);
	set_enum(&f[PM_F_ROOT_CAUSE_CATEGORY], "regression");
	set_str(&f[PM_F_ROOT_CAUSE_DESCRIPTION], "A z-index override.");
	set_int(&f[PM_F_RECURRENCE_PREVIOUS_OCCURRENCES], 2);
	set_str(&fx->related[0], "HF-1987");
	set_str(&fx->related[1], "INC-311");
	set_list(&f[PM_F_RECURRENCE_RELATED], fx->related, 2);
	set_bool(&f[PM_F_RECURRENCE_PERMANENT_FIX], false);
	set_str(&fx->team_fields[0][PM_TEAM_NAME], "Web");
	set_enum(&fx->team_fields[0][PM_TEAM_ROLE], "owner");
	set_map(&fx->teams[0], fx->team_fields[0], PM_TEAM_COUNT);
	set_str(&fx->team_fields[1][PM_TEAM_NAME], "Identity");
	set_enum(&fx->team_fields[1][PM_TEAM_ROLE], "responder");
	set_map(&fx->teams[1], fx->team_fields[1], PM_TEAM_COUNT);
	set_list(&f[PM_F_TEAMS], fx->teams, 2);
	set_enum(&f[PM_F_FIX_TYPE], "patch");
	set_bool(&f[PM_F_FIX_REVIEWED], true);
	set_bool(&f[PM_F_FIX_TESTS_ADDED], false);
	set_str(&fx->skipped[0], "qa");
	set_list(&f[PM_F_FIX_SKIPPED_STEPS], fx->skipped, 1);
	set_str(&fx->risks[0], "Safari-only CSS override");
	set_list(&f[PM_F_FIX_RISKS], fx->risks, 1);
	set_str(&fx->changes[0], "https://git.example.com/web/pull/812");
	set_list(&f[PM_F_FIX_CHANGES], fx->changes, 1);
	set_str(&fx->requested[0], "VP Sales");
	set_list(&f[PM_F_STAKEHOLDERS_REQUESTED_BY], fx->requested, 1);
	set_bool(&f[PM_F_STAKEHOLDERS_LEADERSHIP], true);
	set_str(&f[PM_F_POSTMORTEM_OWNER], "dana");

	set_str(&fx->action_fields[0][PM_ACTION_TITLE], "Add a Safari e2e login test");
	set_str(&fx->action_fields[0][PM_ACTION_OWNER], "alice");
	set_time(&fx->action_fields[0][PM_ACTION_DUE], DAY_ACTION * 86400LL, true);
	set_enum(&fx->action_fields[0][PM_ACTION_TYPE], "prevent");
	set_str(&fx->action_fields[0][PM_ACTION_TICKET], "WEB-990");
	set_map(&fx->actions[0], fx->action_fields[0], PM_ACTION_COUNT);
	set_str(&fx->action_fields[1][PM_ACTION_TITLE], "Alert on login error rate");
	set_map(&fx->actions[1], fx->action_fields[1], PM_ACTION_COUNT);
	set_list(&f[PM_F_ACTION_ITEMS], fx->actions, 2);

	set_time(&fx->event_fields[0][PM_EVENT_AT], T_STARTED, false);
	set_str(&fx->event_fields[0][PM_EVENT_EVENT], "Release 4.2.0 goes out");
	set_map(&fx->timeline[0], fx->event_fields[0], PM_EVENT_COUNT);
	set_time(&fx->event_fields[1][PM_EVENT_AT], T_DETECTED, false);
	set_str(&fx->event_fields[1][PM_EVENT_EVENT], "Support escalates");
	set_map(&fx->timeline[1], fx->event_fields[1], PM_EVENT_COUNT);
	set_list(&f[PM_F_TIMELINE], fx->timeline, 2);

	fx->rep.verdict = PM_VERDICT_REQUIRED;
	fx_trigger(fx, PM_TRIGGER_RECURRENCE, 80, true);
	fx_trigger(fx, PM_TRIGGER_CROSS_TEAM, 60, true);
	fx_trigger(fx, PM_TRIGGER_FUTURE_RISK, 20, false);
	fx_trigger(fx, PM_TRIGGER_STAKEHOLDER, 70, true);
	fx_reason(fx, PM_TRIGGER_RECURRENCE, &rule_seen,
	    "recurrence.previous_occurrences", "2",
	    "it happened 2 times before", 14);
	fx_reason(fx, PM_TRIGGER_CROSS_TEAM, &rule_teams, "teams", "Web, Identity",
	    "2 teams worked on it", 20);
	fx_reason(fx, PM_TRIGGER_FUTURE_RISK, &rule_skipped,
	    "fix.skipped_steps", "qa", "steps were skipped: qa", 30);
	fx_reason(fx, PM_TRIGGER_STAKEHOLDER, &rule_flows,
	    "impact.user_flows", "login", "a critical flow was hit: login.", 12);
	fx_recount(fx);

	fx->rep.has_due = true;
	fx->rep.due_day = DAY_DUE;
	fx->rep.due_from_input = false;

	fx->notes[0].code = "vague_action";
	fx->notes[0].severity = "warning";
	fx->notes[0].message = "action item 2 has no owner";
	fx->notes[0].field = "action_items[1]";
	fx->notes[0].pos.line = 40;
	fx->notes[0].pos.column = 5;
	fx->rep.notes = fx->notes;
	fx->rep.nnotes = 1;
	return fx;
}

/* ---- Checking output ----------------------------------------------------- */

static char *
render(const struct fx *fx)
{
	struct pm_buf out = PM_BUF_INIT;
	struct pm_render_opts opts = { .file = "hotfix.yaml", .version = "test" };

	pm_render_markdown(&out, &fx->rep, &opts);
	assert_non_null(out.data);
	assert_int_equal(strlen(out.data), out.len);
	return out.data;
}

#define assert_has(s, sub) do {						\
	if (strstr((s), (sub)) == NULL) {				\
		print_error("missing \"%s\" in:\n%s\n", (sub), (s));	\
		fail();							\
	}								\
} while (0)

#define assert_lacks(s, sub) do {					\
	if (strstr((s), (sub)) != NULL) {				\
		print_error("unexpected \"%s\" in:\n%s\n", (sub), (s));	\
		fail();							\
	}								\
} while (0)

/* Pointer to the line of S that starts with PREFIX, or NULL. */
static const char *
line_starting(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	for (const char *p = s; p != NULL && *p != '\0'; ) {
		if (strncmp(p, prefix, n) == 0)
			return p;
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return NULL;
}

static size_t
count_lines_starting(const char *s, const char *prefix)
{
	size_t n = 0, len = strlen(prefix);

	for (const char *p = s; p != NULL && *p != '\0'; ) {
		if (strncmp(p, prefix, len) == 0)
			n++;
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return n;
}

/* Unescaped "|" on the line at P: the cell separators GFM sees. */
static size_t
count_pipes(const char *p)
{
	size_t n = 0;

	for (; *p != '\0' && *p != '\n'; p++) {
		if (*p == '\\' && p[1] != '\0' && p[1] != '\n')
			p++;
		else if (*p == '|')
			n++;
	}
	return n;
}

/* The contract every rendering keeps, whatever the input. */
static void
assert_shape(const char *s)
{
	size_t len = strlen(s);

	assert_true(len > 0);
	assert_int_equal(s[len - 1], '\n');
	assert_true(len < 2 || s[len - 2] != '\n');
	assert_true(s[0] != '\n');
	assert_lacks(s, " \n");
	assert_lacks(s, "\t\n");
	assert_lacks(s, "\n\n\n");
	assert_null(strchr(s, '\x1b'));
	assert_null(strchr(s, '\r'));
	/* No raw HTML: we never write "<" ourselves, input's is escaped. */
	for (const char *p = strchr(s, '<'); p != NULL; p = strchr(p + 1, '<'))
		assert_true(p > s && p[-1] == '\\');
	/* Every table row has as many cells as its header. */
	for (const char *p = s; *p != '\0'; ) {
		if (*p == '|') {
			const char *head = p;
			size_t cells = count_pipes(head);

			while (*p == '|') {
				assert_int_equal(count_pipes(p), cells);
				p = strchr(p, '\n') + 1;
			}
			(void)head;
			continue;
		}
		p = strchr(p, '\n') + 1;
	}
}

/* ---- Tests --------------------------------------------------------------- */

static void
test_recommendation(void **state)
{
	struct fx *fx = fx_login();
	char *s = render(fx);

	(void)state;
	assert_shape(s);
	assert_ptr_equal(line_starting(s, "# Post-mortem check: HF-2041 — Login "
	    "button unresponsive on Safari\n\n"), s);
	assert_has(s, "\n\n**Verdict: required** — 3 of 4 triggers fired "
	    "(recurrence, cross-team, stakeholder).\n\n");
	assert_has(s, "| Trigger | Score | Threshold | Fired |\n"
	    "|---|---:|---:|:---:|\n"
	    "| Recurrence | 80 | 50 | yes |\n"
	    "| Cross-team | 60 | 50 | yes |\n"
	    "| Future risk | 20 | 50 | no |\n"
	    "| Stakeholder | 70 | 50 | yes |\n");
	assert_has(s, "**Why**\n\n- **Recurrence +50** — it happened 2 times "
	    "before (`recurrence.previous_occurrences` = 2, line 14, rule "
	    "`seen_before`)\n");
	/* Reasons of triggers that did not fire are listed too. */
	assert_has(s, "- **Future risk +20** — steps were skipped: qa "
	    "(`fix.skipped_steps` = qa, line 30, rule `skipped_steps`)\n");
	/* The rule's own full stop does not double ours. */
	assert_has(s, "a critical flow was hit: login (`impact.user_flows`");
	assert_has(s, "**Review notes**\n\n- line 40, column 5: action item 2 "
	    "has no owner (`vague_action`)\n\n---\n\n# Post-mortem: HF-2041");
	free(s);
	free(fx);
}

static void
test_verdict_variants(void **state)
{
	struct fx *fx = fx_minimal();
	char *s;

	(void)state;
	s = render(fx);
	assert_shape(s);
	assert_has(s, "# Post-mortem check: Typo on the pricing page\n");
	assert_has(s, "**Verdict: optional** — no trigger fired.\n");
	assert_has(s, "- No rule matched this input.\n");
	assert_has(s, "No trigger fired, so this post-mortem is optional.");
	assert_lacks(s, "**Review notes**");
	free(s);

	fx_trigger(fx, PM_TRIGGER_FUTURE_RISK, 55, true);
	fx_recount(fx);
	fx->rep.verdict = PM_VERDICT_RECOMMENDED;
	s = render(fx);
	assert_has(s, "**Verdict: recommended** — 1 of 4 triggers fired "
	    "(future risk).\n");
	assert_has(s, "## Why this post-mortem\n\n- The fix itself brings new "
	    "risk.\n");
	free(s);

	fx_trigger(fx, PM_TRIGGER_FUTURE_RISK, 0, false);
	fx_recount(fx);
	fx->rep.verdict = PM_VERDICT_REQUIRED;
	fx->decisive[0].rule = &rule_data_loss;
	fx->decisive[0].field = "impact.data_loss";
	fx->decisive[0].value = "true";
	fx->decisive[0].message = "data loss reported";
	fx->decisive[0].pos.line = 9;
	fx->rep.decisive = fx->decisive;
	fx->rep.ndecisive = 1;
	s = render(fx);
	assert_shape(s);
	assert_has(s, "**Verdict: required** — decisive signal: data loss "
	    "reported.\n");
	assert_has(s, "- **Decisive** — data loss reported (`impact.data_loss` "
	    "= true, line 9, rule `data_loss`)\n");
	assert_has(s, "- It is required whatever the scores: data loss "
	    "reported.\n");
	assert_lacks(s, "optional");
	free(s);

	set_str(&fx->hf.f[PM_F_POSTMORTEM_LINK], "https://wiki.example.com/pm/1");
	set_str(&fx->hf.f[PM_F_POSTMORTEM_WAIVED], "covered by INC-9, says Kim");
	s = render(fx);
	assert_has(s, "\n\nPost-mortem: https://wiki.example.com/pm/1\n\n");
	assert_has(s, "\n\nWaived: covered by INC-9, says Kim\n\n");
	free(s);
	free(fx);
}

static void
test_header_table(void **state)
{
	struct fx *fx = fx_login();
	struct fx *min = fx_minimal();
	char *s = render(fx);
	char *m;

	(void)state;
	assert_has(s, "# Post-mortem: HF-2041 — Login button unresponsive on "
	    "Safari\n\n| Field | Value |\n|---|---|\n"
	    "| ID | HF-2041 |\n"
	    "| Title | Login button unresponsive on Safari |\n"
	    "| Kind | hotfix |\n"
	    "| Severity | sev2 |\n"
	    "| Status | **Draft** |\n"
	    "| Started | 2024-01-12 09:14 UTC |\n"
	    "| Detected | 2024-01-12 09:59 UTC |\n"
	    "| Resolved | 2024-01-12 11:30 UTC |\n"
	    "| Duration | 2h 16m |\n"
	    "| Time to detect | 45m |\n"
	    "| Detected by | customer |\n"
	    "| Service | web |\n"
	    "| Components | auth-ui, session |\n"
	    "| Teams | Web (owner), Identity (responder) |\n"
	    "| Post-mortem owner | dana |\n"
	    "| Post-mortem due | 2024-01-19 (from severity) |\n"
	    "| Changes | https://git.example.com/web/pull/812 |\n\n");

	m = render(min);
	assert_shape(m);
	assert_has(m, "| Field | Value |\n|---|---|\n"
	    "| ID | — |\n"
	    "| Title | Typo on the pricing page |\n"
	    "| Severity | — |\n"
	    "| Status | **Draft** |\n"
	    "| Started | — |\n"
	    "| Detected | — |\n"
	    "| Resolved | — |\n"
	    "| Service | — |\n"
	    "| Post-mortem owner | _to be assigned_ |\n\n");
	free(m);

	min->rep.has_due = true;
	min->rep.due_day = DAY_DUE;
	min->rep.due_from_input = true;
	m = render(min);
	assert_has(m, "| Post-mortem due | 2024-01-19 |\n");
	free(m);
	free(min);
	free(s);
	free(fx);
}

static void
test_skeleton_sections(void **state)
{
	struct fx *fx = fx_login();
	char *s = render(fx);
	static const char *const order[] = {
		"\n# Post-mortem: ", "\n## Why this post-mortem\n",
		"\n## Summary\n", "\n## Impact\n", "\n## Timeline\n",
		"\n## Root cause\n", "\n## Detection\n", "\n## Resolution\n",
		"\n## Previous occurrences\n", "\n## Teams involved\n",
		"\n## Stakeholder summary\n", "\n## Lessons learned\n",
		"\n### What went well\n", "\n### What went wrong\n",
		"\n### Where we got lucky\n", "\n## Action items\n",
		"\n## Blame-free reminder\n",
	};
	const char *at = s;

	(void)state;
	assert_shape(s);
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		const char *p = strstr(at, order[i]);

		if (p == NULL) {
			print_error("section %s missing or out of order\n", order[i]);
			fail();
		}
		at = p + 1;
	}
	assert_has(s, "## Why this post-mortem\n\n"
	    "- It may happen again: it happened 2 times before.\n"
	    "- Several teams had to work together: 2 teams worked on it.\n"
	    "- Stakeholders need an explanation: a critical flow was hit: "
	    "login.\n\n");
	assert_has(s, "## Summary\n\nSafari users could not log in.\n"
	    "A CSS change hid the button's click target.\n\n");
	assert_has(s, "## Impact\n\n- Customer facing: yes\n"
	    "- Users affected: 1200\n- User flows: login\n- Data loss: no\n"
	    "- Error budget used: 35%\n\n## Timeline");
	assert_has(s, "| Time | Event |\n|---|---|\n"
	    "| 2024-01-12 09:14 UTC | Release 4.2.0 goes out |\n"
	    "| 2024-01-12 09:59 UTC | Support escalates |\n\n");
	assert_has(s, "## Root cause\n\n- Known: yes\n- Category: regression\n\n"
	    "A z-index override.\n\n## Detection");
	assert_has(s, "## Resolution\n\n- Fix type: patch\n"
	    "- Resolved: 2024-01-12 11:30 UTC\n- Duration: 2h 16m\n"
	    "- Reviewed: yes\n- Tests added: no\n- Skipped steps: qa\n"
	    "- Changes: https://git.example.com/web/pull/812\n\n");
	assert_has(s, "## Previous occurrences\n\nThe same problem happened 2 "
	    "times before.\n\nRelated incidents:\n\n- HF-1987\n- INC-311\n\n"
	    "_The fix is a workaround:");
	assert_has(s, "### Web\n\nRole: owner\n\n- _What did this team see?_\n"
	    "- _What did it need from the others?_\n"
	    "- _What slowed the hand-off?_\n\n### Identity\n\nRole: responder\n");
	assert_has(s, "- **What happened:** HF-2041 — Login button unresponsive on "
	    "Safari, from 2024-01-12 09:14 UTC to 2024-01-12 11:30 UTC.\n"
	    "- **Who was affected:** 1200 users; customers saw the problem; in these "
	    "flows: login; no data was lost.\n"
	    "- **What was done:** fixed by a code change; resolved on 2024-01-12 "
	    "11:30 UTC after 2h 16m.\n");
	assert_has(s, "Who needs it:\n\n- Requested by: VP Sales\n- Leadership\n");
	assert_has(s, "| # | Action | Type | Owner | Due | Ticket |\n"
	    "|---:|---|---|---|---|---|\n"
	    "| 1 | Add a Safari e2e login test | prevent | alice | 2024-02-01 | "
	    "WEB-990 |\n"
	    "| 2 | Alert on login error rate | _to fill_ | _to fill_ | _to fill_ "
	    "| _to fill_ |\n\nEach action item needs an owner, a due date and "
	    "a type");
	assert_has(s, "## Blame-free reminder\n\n> Focus on systems and "
	    "decisions, not on people.");
	/* future_risk did not fire: no risk table. */
	assert_lacks(s, "## Risks introduced by the fix");
	assert_lacks(s, "| Risk | Mitigation | Owner |");
	free(s);
	free(fx);
}

/* Each trigger's section appears exactly when that trigger fired. */
static void
test_sections_follow_triggers(void **state)
{
	static const char *const heading[PM_TRIGGER_COUNT] = {
		[PM_TRIGGER_RECURRENCE] = "\n## Previous occurrences\n",
		[PM_TRIGGER_CROSS_TEAM] = "\n## Teams involved\n",
		[PM_TRIGGER_FUTURE_RISK] = "\n## Risks introduced by the fix\n",
		[PM_TRIGGER_STAKEHOLDER] = "\n## Stakeholder summary\n",
	};

	(void)state;
	for (int fired = 0; fired < PM_TRIGGER_COUNT; fired++) {
		struct fx *fx = fx_login();
		char *s;

		for (int t = 0; t < PM_TRIGGER_COUNT; t++)
			fx->rep.triggers[t].fired = t == fired;
		fx_recount(fx);
		s = render(fx);
		assert_shape(s);
		for (int t = 0; t < PM_TRIGGER_COUNT; t++) {
			if (t == fired)
				assert_has(s, heading[t]);
			else
				assert_lacks(s, heading[t]);
		}
		free(s);
		free(fx);
	}
}

static void
test_risk_table(void **state)
{
	struct fx *fx = fx_login();
	char *s;

	(void)state;
	fx->rep.triggers[PM_TRIGGER_FUTURE_RISK].fired = true;
	s = render(fx);
	assert_has(s, "## Risks introduced by the fix\n\n"
	    "| Risk | Mitigation | Owner |\n|---|---|---|\n"
	    "| Safari-only CSS override | _to fill_ | _to fill_ |\n"
	    "| Skipped: qa | _to fill_ | _to fill_ |\n"
	    "| No tests were added | _to fill_ | _to fill_ |\n\n");
	free(s);
	free(fx);

	fx = fx_minimal();
	fx->rep.triggers[PM_TRIGGER_FUTURE_RISK].fired = true;
	s = render(fx);
	assert_shape(s);
	assert_has(s, "| _What could this fix break, now or later?_ | _to fill_ "
	    "| _to fill_ |\n");
	free(s);
	free(fx);
}

static void
test_prompts_when_empty(void **state)
{
	struct fx *fx = fx_minimal();
	char *s;

	(void)state;
	for (int t = 0; t < PM_TRIGGER_COUNT; t++)
		fx->rep.triggers[t].fired = true;
	s = render(fx);
	assert_shape(s);
	assert_has(s, "\n\n_Checked from hotfix.yaml by pmcheck test._\n\n");
	assert_has(s, "## Summary\n\n_What happened, in two or three plain "
	    "sentences?_\n");
	assert_has(s, "## Impact\n\n_Who was affected");
	assert_has(s, "| _time_ | _When did it start");
	assert_has(s, "## Detection\n\n_How was the problem noticed");
	assert_has(s, "## Resolution\n\n_What was changed to fix it");
	assert_has(s, "## Teams involved\n\n_Which teams took part?");
	assert_has(s, "- **Who was affected:** _to fill_.\n"
	    "- **What was done:** _to fill_.\n");
	assert_has(s, "- _Who needs this summary, and through which channel?_\n");
	assert_has(s, "| 1 | _What will stop this from happening again, or catch "
	    "it sooner?_ | _to fill_ | _to fill_ | _to fill_ | _to fill_ |\n");
	/* Nothing given about the root cause: the five whys. */
	assert_has(s, "\n1. _Why did users see the problem?_\n2. ");
	free(s);
	free(fx);
}

static void
test_five_whys(void **state)
{
	struct fx *fx = fx_login();
	char *s = render(fx);

	(void)state;
	assert_lacks(s, "1. _Why");
	free(s);

	set_bool(&fx->hf.f[PM_F_ROOT_CAUSE_KNOWN], false);
	s = render(fx);
	assert_has(s, "_The root cause is not known yet.");
	for (int i = 1; i <= 5; i++) {
		char item[16];

		snprintf(item, sizeof(item), "\n%d. _Why", i);
		assert_has(s, item);
	}
	free(s);

	set_bool(&fx->hf.f[PM_F_ROOT_CAUSE_KNOWN], true);
	set_enum(&fx->hf.f[PM_F_ROOT_CAUSE_CATEGORY], "unknown");
	s = render(fx);
	assert_has(s, "- Category: unknown\n");
	assert_has(s, "\n5. _Why does the system allow it?");
	free(s);
	free(fx);
}

static void
test_monitoring_prompt(void **state)
{
	struct fx *fx = fx_login();
	char *s = render(fx);

	(void)state;
	assert_has(s, "## Detection\n\n- Detected by: customer\n"
	    "- Started: 2024-01-12 09:14 UTC\n- Detected: 2024-01-12 09:59 UTC\n"
	    "- Time to detect: 45m\n\n_Monitoring did not catch this: why, and "
	    "what alert would have?_\n");
	free(s);

	set_enum(&fx->hf.f[PM_F_DETECTED_BY], "monitoring");
	set_bool(&fx->hf.f[PM_F_DERIVED_MONITORING_MISSED], false);
	s = render(fx);
	assert_lacks(s, "Monitoring did not catch this");
	free(s);
	free(fx);
}

static void
test_error_budget(void **state)
{
	struct fx *fx = fx_login();
	char *s;

	(void)state;
	set_num(&fx->hf.f[PM_F_IMPACT_ERROR_BUDGET_USED], 0.125);
	s = render(fx);
	assert_has(s, "- Error budget used: 12.5%\n");
	free(s);
	set_num(&fx->hf.f[PM_F_IMPACT_ERROR_BUDGET_USED], 1);
	s = render(fx);
	assert_has(s, "- Error budget used: 100%\n");
	free(s);
	set_int(&fx->hf.f[PM_F_IMPACT_ERROR_BUDGET_USED], 0);
	s = render(fx);
	assert_has(s, "- Error budget used: 0%\n");
	free(s);
	free(fx);
}

#define HOSTILE "# | [x](javascript:y) <img src=x> @here \x1b[31m"

static void
test_hostile_title(void **state)
{
	struct fx *fx = fx_login();
	char *s;
	const char *row;

	(void)state;
	set_str(&fx->hf.f[PM_F_TITLE], HOSTILE);
	set_str(&fx->hf.f[PM_F_ID], "@channel | x");
	set_str(&fx->team_fields[0][PM_TEAM_NAME], "# Web | <b>");
	set_str(&fx->event_fields[0][PM_EVENT_EVENT], "1. | `rm` \x1b]0;x\x07");
	set_str(&fx->action_fields[0][PM_ACTION_OWNER], "@alice|bob");
	fx->reasons[PM_TRIGGER_RECURRENCE][0].field = "a`b";
	fx->reasons[PM_TRIGGER_RECURRENCE][0].value = HOSTILE;
	fx->reasons[PM_TRIGGER_RECURRENCE][0].message = HOSTILE;
	fx->rep.triggers[PM_TRIGGER_FUTURE_RISK].fired = true;
	fx_recount(fx);
	s = render(fx);
	assert_shape(s);

	/* Only our own headings: the two titles, ### per team and lessons. */
	assert_int_equal(count_lines_starting(s, "# "), 2);
	assert_non_null(line_starting(s, "# Post-mortem check: @\xe2\x80\x8b"
	    "channel \\| x — \\# \\| \\[x\\](javascript:y) \\<img src=x\\> "
	    "@\xe2\x80\x8bhere \\x1b\\[31m\n"));
	assert_non_null(line_starting(s, "### \\# Web \\| \\<b\\>\n"));
	/* Cells stay cells. */
	row = line_starting(s, "| Title | ");
	assert_non_null(row);
	assert_int_equal(count_pipes(row), 3);
	row = line_starting(s, "| 2024-01-12 09:14 UTC | 1\\. \\| \\`rm\\` "
	    "\\x1b\\]0;x\\x07 |\n");
	assert_non_null(row);
	assert_int_equal(count_pipes(row), 3);
	row = line_starting(s, "| 1 | ");
	assert_non_null(row);
	assert_int_equal(count_pipes(row), 7);
	/* No link, no mention, no code span opened by input. */
	for (const char *p = strstr(s, "]("); p != NULL; p = strstr(p + 1, "]("))
		assert_int_equal(p[-1], '\\');
	assert_lacks(s, "@here");
	assert_lacks(s, "@channel");
	assert_lacks(s, "@alice");
	assert_lacks(s, "`a`b`");
	assert_has(s, "— \\# \\| \\[x\\](javascript:y) \\<img src=x\\> "
	    "@\xe2\x80\x8bhere \\x1b\\[31m (a\\`b = \\#");
	free(s);
	free(fx);
}

static void
test_hostile_summary(void **state)
{
	struct fx *fx = fx_login();
	char *s;

	(void)state;
	set_str(&fx->hf.f[PM_F_SUMMARY], "  # Not a heading  \n"
	    "    code block?\n- not a list\n\n\n\n"
	    "<script>alert(1)</script>\t \n1) nor this\n===\n  ");
	set_str(&fx->hf.f[PM_F_IMPACT_DESCRIPTION], "\n\n---\n> quote\n");
	set_str(&fx->hf.f[PM_F_ROOT_CAUSE_DESCRIPTION], "| a | b |\n|---|---|");
	s = render(fx);
	assert_shape(s);
	assert_has(s, "## Summary\n\n\\# Not a heading\ncode block?\n"
	    "\\- not a list\n\n\\<script\\>alert(1)\\</script\\>\n"
	    "1\\) nor this\n\\===\n\n## Impact");
	assert_has(s, "\n\n\\---\n\\> quote\n\n## Timeline");
	assert_has(s, "\n\n\\| a \\| b \\|\n\\|---\\|---\\|\n\n");
	assert_null(line_starting(s, "    "));
	free(s);
	free(fx);
}

static void
test_blank_values(void **state)
{
	struct fx *fx = fx_login();
	char *s;

	(void)state;
	set_str(&fx->hf.f[PM_F_TITLE], "  \n ");
	set_str(&fx->hf.f[PM_F_SERVICE], "   ");
	set_str(&fx->hf.f[PM_F_SUMMARY], "\n\n  \n");
	set_str(&fx->components[0], "  spaced  ");
	s = render(fx);
	assert_shape(s);
	assert_has(s, "# Post-mortem check: HF-2041 — _untitled_\n");
	assert_has(s, "| Service | — |\n");
	assert_has(s, "| Components | spaced, session |\n");
	assert_has(s, "## Summary\n\n_What happened");
	free(s);
	free(fx);
}

/* Enum names are ours: plain identifiers print as they are, anything else
 * is escaped like input.  Strings never skip escaping. */
static void
test_enum_values(void **state)
{
	struct fx *fx = fx_login();
	char *s;

	(void)state;
	set_enum(&fx->hf.f[PM_F_FIX_TYPE], "feature_flag");
	set_enum(&fx->hf.f[PM_F_ROOT_CAUSE_CATEGORY], "_x|y");
	set_str(&fx->hf.f[PM_F_SERVICE], "web_api");
	s = render(fx);
	assert_shape(s);
	assert_has(s, "- Fix type: feature_flag\n");
	assert_has(s, "fixed by switching a feature flag;");
	assert_has(s, "- Category: \\_x\\|y\n");
	assert_has(s, "| Service | web\\_api |\n");
	free(s);
	free(fx);
}

static void
test_deterministic_and_appends(void **state)
{
	struct fx *fx = fx_login();
	struct pm_buf out = PM_BUF_INIT;
	struct pm_render_opts opts = { .file = "hotfix.yaml", .version = "test" };
	static const char prefix[] = "earlier output  \n\n\n";
	char *a = render(fx);
	char *b = render(fx);

	(void)state;
	assert_string_equal(a, b);
	pm_buf_puts(&out, prefix);
	pm_render_markdown(&out, &fx->rep, &opts);
	assert_memory_equal(out.data, prefix, sizeof(prefix) - 1);
	assert_string_equal(out.data + sizeof(prefix) - 1, a);
	pm_buf_free(&out);
	free(a);
	free(b);
	free(fx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recommendation),
		cmocka_unit_test(test_verdict_variants),
		cmocka_unit_test(test_header_table),
		cmocka_unit_test(test_skeleton_sections),
		cmocka_unit_test(test_sections_follow_triggers),
		cmocka_unit_test(test_risk_table),
		cmocka_unit_test(test_prompts_when_empty),
		cmocka_unit_test(test_five_whys),
		cmocka_unit_test(test_monitoring_prompt),
		cmocka_unit_test(test_error_budget),
		cmocka_unit_test(test_hostile_title),
		cmocka_unit_test(test_hostile_summary),
		cmocka_unit_test(test_blank_values),
		cmocka_unit_test(test_enum_values),
		cmocka_unit_test(test_deterministic_and_appends),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
