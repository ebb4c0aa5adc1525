/*
 * The rules engine: the default policy as data, the condition evaluator, and
 * report building (scores, decisive signals, verdict, due date).
 *
 * Every rule is a row {id, trigger, condition, points, message}; a
 * condition names input fields by dotted path, so the evaluator knows no
 * field in particular and a policy read from a file works the same way.
 * The reasoning behind the default weights is in docs/rules.md.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pm_buf.h"
#include "pm_report.h"
#include "pm_rules.h"

/* ---- the default policy ------------------------------------------------- */

static const char *const pm_temporary_fixes[] = { "workaround", "rollback", NULL };
static const char *const pm_risky_fixes[] = {
	"config", "feature_flag", "data_repair", NULL,
};
static const char *const pm_critical_flows[] = {
	"login", "log_in", "signin", "sign_in", "authentication", "checkout",
	"payment", "payments", "signup", "sign_up", NULL,
};
static const char *const pm_high_severities[] = { "sev1", "sev2", NULL };

static const struct pm_cond pm_root_cause_unknown[] = {
	{ .op = PM_OP_EQ, .field = "root_cause.known", .str = "false" },
	{ .op = PM_OP_EQ, .field = "root_cause.category", .str = "unknown" },
};

#define REC PM_TRIGGER_RECURRENCE
#define XT  PM_TRIGGER_CROSS_TEAM
#define FR  PM_TRIGGER_FUTURE_RISK
#define SH  PM_TRIGGER_STAKEHOLDER

static const struct pm_rule pm_default_rules[] = {
	/* recurrence: can it happen again? */
	{ .id = "seen_before", .trigger = REC, .points = 50,
	  .cond = { .op = PM_OP_GE, .field = "recurrence.previous_occurrences", .num = 1 },
	  .message = "the same problem happened {count} time{s} before",
	  .doc = "A problem that has happened before is recurring by definition." },
	{ .id = "seen_often", .trigger = REC, .points = 20,
	  .cond = { .op = PM_OP_GE, .field = "recurrence.previous_occurrences", .num = 3 },
	  .message = "it keeps coming back ({count} earlier occurrences)",
	  .doc = "Three or more repeats point at a systemic gap." },
	{ .id = "related_incidents", .trigger = REC, .points = 20, .scaled = true,
	  .cap = 40,
	  .cond = { .op = PM_OP_PRESENT, .field = "recurrence.related" },
	  .message = "related to earlier incidents: {value}",
	  .doc = "Each related incident is evidence of a pattern." },
	{ .id = "similar_incidents", .trigger = REC, .points = 30, .scaled = true,
	  .cap = 60,
	  .cond = { .op = PM_OP_PRESENT, .field = "derived.similar_incidents" },
	  .message = "{count} similar incident{s} in the history: {value}",
	  .doc = "Past incidents of the same service with a shared component or "
	         "root cause (--history) show a pattern the author may not know." },
	{ .id = "workaround_only", .trigger = REC, .points = 40,
	  .cond = { .op = PM_OP_EQ, .field = "recurrence.permanent_fix", .str = "false" },
	  .message = "the fix is a workaround, not a permanent fix; the problem can come back",
	  .doc = "A workaround leaves the cause in place." },
	{ .id = "temporary_fix_type", .trigger = REC, .points = 25,
	  .cond = { .op = PM_OP_IN, .field = "fix.type", .set = pm_temporary_fixes },
	  .message = "the fix is a {value}, which removes the symptom but not the cause",
	  .doc = "A rollback or workaround will be followed by another attempt." },
	{ .id = "root_cause_unknown", .trigger = REC, .points = 30,
	  .cond = { .op = PM_OP_ANY, .sub = pm_root_cause_unknown, .nsub = 2 },
	  .message = "the root cause is not known yet",
	  .doc = "What is not understood cannot be prevented." },
	{ .id = "monitoring_missed", .trigger = REC, .points = 20,
	  .cond = { .op = PM_OP_NE, .field = "detected_by", .str = "monitoring" },
	  .message = "detected by {value}, not by monitoring: a repeat could go unnoticed too",
	  .doc = "A blind spot in monitoring lets the same failure hurt again." },

	/* cross_team: did several teams have to work together? */
	{ .id = "several_teams", .trigger = XT, .points = 50,
	  .cond = { .op = PM_OP_GE, .field = "teams", .num = 2 },
	  .message = "{count} teams worked on detection or fix",
	  .doc = "Two teams coordinating is what this trigger is about." },
	{ .id = "many_teams", .trigger = XT, .points = 20,
	  .cond = { .op = PM_OP_GE, .field = "teams", .num = 3 },
	  .message = "more than two teams had to coordinate",
	  .doc = "Hand-offs multiply with every team." },
	{ .id = "helping_teams", .trigger = XT, .points = 10,
	  .cond = { .op = PM_OP_GE, .field = "derived.helping_teams", .num = 1 },
	  .message = "{count} team{s} outside the owning team helped (responder or consulted)",
	  .doc = "Teams other than the owner had to be pulled in." },
	{ .id = "several_components", .trigger = XT, .points = 15,
	  .cond = { .op = PM_OP_GE, .field = "components", .num = 2 },
	  .message = "the fix touched {count} components: {value}",
	  .doc = "Components often map to owners; several suggest several teams." },
	{ .id = "many_components", .trigger = XT, .points = 15,
	  .cond = { .op = PM_OP_GE, .field = "components", .num = 4 },
	  .message = "the fix spread over {count} components",
	  .doc = "A wide fix crosses more boundaries." },

	/* future_risk: does the fix itself bring new risk? */
	{ .id = "risks_listed", .trigger = FR, .points = 50,
	  .cond = { .op = PM_OP_PRESENT, .field = "fix.risks" },
	  .message = "the fix brings new risk: {value}",
	  .doc = "The author already names a risk the fix introduces." },
	{ .id = "skipped_steps", .trigger = FR, .points = 20, .scaled = true,
	  .cap = 60,
	  .cond = { .op = PM_OP_PRESENT, .field = "fix.skipped_steps" },
	  .message = "normal release steps were skipped: {value}",
	  .doc = "Each skipped safeguard is a check the fix never passed." },
	{ .id = "not_reviewed", .trigger = FR, .points = 25,
	  .cond = { .op = PM_OP_EQ, .field = "fix.reviewed", .str = "false" },
	  .message = "the fix shipped without review",
	  .doc = "Nobody else has read the change." },
	{ .id = "no_tests", .trigger = FR, .points = 15,
	  .cond = { .op = PM_OP_EQ, .field = "fix.tests_added", .str = "false" },
	  .message = "no tests cover the fix",
	  .doc = "Nothing stops the fix from regressing." },
	{ .id = "no_rollback_plan", .trigger = FR, .points = 15,
	  .cond = { .op = PM_OP_EQ, .field = "fix.rollback_plan", .str = "false" },
	  .message = "there is no rollback plan",
	  .doc = "If the fix misbehaves there is no known way back." },
	{ .id = "risky_fix_type", .trigger = FR, .points = 20,
	  .cond = { .op = PM_OP_IN, .field = "fix.type", .set = pm_risky_fixes },
	  .message = "a {value} fix changes behaviour outside the normal release path",
	  .doc = "Config, flags and data repairs bypass the usual code checks." },

	/* stakeholder: does someone need an explanation? */
	{ .id = "customer_facing", .trigger = SH, .points = 30,
	  .cond = { .op = PM_OP_EQ, .field = "impact.customer_facing", .str = "true" },
	  .message = "customers could see the problem",
	  .doc = "Customers noticed; someone will ask what happened." },
	{ .id = "users_affected", .trigger = SH, .points = 10,
	  .cond = { .op = PM_OP_GE, .field = "impact.users_affected", .num = 1 },
	  .message = "{count} user{s} affected",
	  .doc = "Any known user impact." },
	{ .id = "many_users_affected", .trigger = SH, .points = 15,
	  .cond = { .op = PM_OP_GE, .field = "impact.users_affected", .num = 1000 },
	  .message = "at least a thousand users affected",
	  .doc = "Impact at this scale reaches support and account managers." },
	{ .id = "mass_users_affected", .trigger = SH, .points = 15,
	  .cond = { .op = PM_OP_GE, .field = "impact.users_affected", .num = 100000 },
	  .message = "at least a hundred thousand users affected",
	  .doc = "Impact at this scale reaches leadership and the press." },
	{ .id = "critical_flow", .trigger = SH, .points = 25,
	  .cond = { .op = PM_OP_IN, .field = "impact.user_flows", .set = pm_critical_flows },
	  .message = "a critical user journey was hit: {value}",
	  .doc = "Login, sign-up, checkout and payment failures are felt at once." },
	{ .id = "revenue_impact", .trigger = SH, .points = 30,
	  .cond = { .op = PM_OP_EQ, .field = "impact.revenue", .str = "true" },
	  .message = "revenue was affected",
	  .doc = "Lost revenue is always explained to the business." },
	{ .id = "slo_breached", .trigger = SH, .points = 25,
	  .cond = { .op = PM_OP_EQ, .field = "impact.slo_breached", .str = "true" },
	  .message = "an SLO was breached",
	  .doc = "An SLO is a promise; breaking it needs an account." },
	{ .id = "error_budget_spent", .trigger = SH, .points = 15,
	  .cond = { .op = PM_OP_GE, .field = "impact.error_budget_used", .num = 0.05 },
	  .message = "{percent} of the period's error budget was burned",
	  .doc = "A visible share of the error budget is gone." },
	{ .id = "external_communication", .trigger = SH, .points = 40,
	  .cond = { .op = PM_OP_EQ, .field = "stakeholders.external_communication", .str = "true" },
	  .message = "customers or the status page were told; they are owed a follow-up",
	  .doc = "Public communication calls for a public explanation." },
	{ .id = "regulatory", .trigger = SH, .points = 50,
	  .cond = { .op = PM_OP_EQ, .field = "stakeholders.regulatory", .str = "true" },
	  .message = "a regulator may need a report",
	  .doc = "Regulatory reporting needs a written account." },
	{ .id = "leadership", .trigger = SH, .points = 30,
	  .cond = { .op = PM_OP_EQ, .field = "stakeholders.leadership", .str = "true" },
	  .message = "leadership is involved and will want an explanation",
	  .doc = "Leadership attention means a summary will be asked for." },
	{ .id = "explanation_requested", .trigger = SH, .points = 50,
	  .cond = { .op = PM_OP_PRESENT, .field = "stakeholders.requested_by" },
	  .message = "an explanation was requested by {value}",
	  .doc = "Someone asked; the trigger is met by definition." },
	{ .id = "stakeholders_notified", .trigger = SH, .points = 10,
	  .cond = { .op = PM_OP_PRESENT, .field = "stakeholders.notified" },
	  .message = "stakeholders were notified: {value}",
	  .doc = "Whoever was notified will expect the end of the story." },
	{ .id = "high_severity", .trigger = SH, .points = 30,
	  .cond = { .op = PM_OP_IN, .field = "severity", .set = pm_high_severities },
	  .message = "severity is {value}",
	  .doc = "High-severity events are reported upwards." },
	{ .id = "downtime", .trigger = SH, .points = 20,
	  .cond = { .op = PM_OP_EQ, .field = "kind", .str = "downtime" },
	  .message = "the service was down",
	  .doc = "Downtime is noticed by everyone who depends on the service." },

	/* decisive: any one makes a post-mortem required */
	{ .id = "data_loss", .decisive = true,
	  .cond = { .op = PM_OP_EQ, .field = "impact.data_loss", .str = "true" },
	  .message = "data was lost",
	  .doc = "Data loss always deserves a full account." },
	{ .id = "security_impact", .decisive = true,
	  .cond = { .op = PM_OP_EQ, .field = "impact.security", .str = "true" },
	  .message = "security was affected",
	  .doc = "Security impact always deserves a full account." },
	{ .id = "sev1", .decisive = true,
	  .cond = { .op = PM_OP_EQ, .field = "severity", .str = "sev1" },
	  .message = "severity is sev1",
	  .doc = "The worst severity is reviewed without discussion." },
	{ .id = "postmortem_requested", .decisive = true,
	  .cond = { .op = PM_OP_EQ, .field = "postmortem.requested", .str = "true" },
	  .message = "a post-mortem was requested",
	  .doc = "When someone asks for one, it is required." },
	{ .id = "error_budget_20pct", .decisive = true,
	  .cond = { .op = PM_OP_GE, .field = "impact.error_budget_used", .num = 0.2 },
	  .message = "{percent} of the error budget was burned (20% or more, the SRE workbook's line for a post-mortem)",
	  .doc = "Google's SRE workbook asks for a post-mortem past 20% of the budget." },
};

static const char *const pm_default_blameful[] = {
	"human error", "operator error", "user error", "should have",
	"should've", "shouldn't have", "should not have", "careless",
	"carelessness", "negligence", "negligent", "fault of", "'s fault",
	"to blame", "blamed", "incompetent", "incompetence", "sloppy", "lazy",
	"forgot to", "dropped the ball", "messed up", "screwed up",
	"didn't bother", "rookie mistake", "failed to follow", NULL,
};

static const char *const pm_default_vague[] = {
	"investigate", "look into", "look at", "follow up", "follow-up",
	"consider", "think about", "explore", "revisit", "discuss", "try to",
	"maybe", "if possible", "tbd", NULL,
};

static const struct pm_policy pm_default_policy = {
	.rules = pm_default_rules,
	.nrules = sizeof(pm_default_rules) / sizeof(pm_default_rules[0]),
	.threshold = { 50, 50, 50, 50 },
	.blameful = pm_default_blameful,
	.vague = pm_default_vague,
	/* Days from resolution to the post-mortem, by severity 1..4. */
	.due_days = { 0, 5, 7, 14, 28 },
};

const struct pm_policy *
pm_policy_default(void)
{
	return &pm_default_policy;
}

static const struct {
	const char *id;
	const char *title;
} pm_trigger_names[PM_TRIGGER_COUNT] = {
	[PM_TRIGGER_RECURRENCE] = { "recurrence", "Recurrence" },
	[PM_TRIGGER_CROSS_TEAM] = { "cross_team", "Cross-team" },
	[PM_TRIGGER_FUTURE_RISK] = { "future_risk", "Future risk" },
	[PM_TRIGGER_STAKEHOLDER] = { "stakeholder", "Stakeholder" },
};

int
pm_trigger_find(const char *id)
{
	for (int t = 0; t < PM_TRIGGER_COUNT; t++)
		if (strcmp(pm_trigger_names[t].id, id) == 0)
			return t;
	return -1;
}

const char *
pm_trigger_id(enum pm_trigger t)
{
	return (unsigned)t < PM_TRIGGER_COUNT ? pm_trigger_names[t].id : "none";
}

const char *
pm_trigger_title(enum pm_trigger t)
{
	return (unsigned)t < PM_TRIGGER_COUNT ? pm_trigger_names[t].title : "None";
}

const char *
pm_verdict_name(enum pm_verdict v)
{
	static const char *const names[] = {
		[PM_VERDICT_NONE] = "never",
		[PM_VERDICT_OPTIONAL] = "optional",
		[PM_VERDICT_RECOMMENDED] = "recommended",
		[PM_VERDICT_REQUIRED] = "required",
	};
	return (unsigned)v <= PM_VERDICT_REQUIRED ? names[v] : "unknown";
}

/* ---- numbers as text ---------------------------------------------------- */

const char *
pm_report_number(char *buf, double v)
{
	/* Scales of ten, all exact in a double. */
	static const double pow10[] = {
		1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
	};
	double a = v < 0 ? -v : v;
	if (!(a >= 1e-4 && a < 1e5)) {
		/* Exponent notation, zero, infinities, NaN: left to printf. */
		snprintf(buf, PM_NUMBER_SIZE, "%g", v);
		return buf;
	}
	/* The decimal exponent X of A, and A scaled to six digits before the
	 * point, SCALED = A * 10^(5 - X) in [1e5, 1e6).  One multiplication
	 * by an exact power of ten: SCALED is within 1e-10 of the real
	 * product. */
	int x = 4;
	double scaled = a * pow10[5 - x];
	while (scaled < 1e5 && x > -4) {
		x--;
		scaled = a * pow10[5 - x];
	}
	/* Six significant digits, rounded as printf rounds the exact value:
	 * the same unless that is within 1e-10 of halfway, which is left to
	 * printf. */
	uint32_t whole = scaled >= 1e5 && scaled < 1e6 ? (uint32_t)scaled : 0;
	double frac = scaled - whole;
	if (whole == 0 || (frac > 0.5 - 1e-6 && frac < 0.5 + 1e-6)) {
		snprintf(buf, PM_NUMBER_SIZE, "%g", v);
		return buf;
	}
	uint32_t digits = whole + (frac > 0.5);
	if (digits == 1000000) {
		digits = 100000;    /* 9.999996 is 10.0000 */
		x++;
	}
	/* %g with exponent -4..5 is %f with 5 - X decimals, without the
	 * trailing zeros, nor the point when no decimal is left. */
	char six[6];
	for (int k = 5; k >= 0; k--, digits /= 10)
		six[k] = (char)('0' + digits % 10);
	int last = 5;           /* the last significant digit to write */
	while (last > x && six[last] == '0')
		last--;
	char *o = buf;
	if (v < 0)
		*o++ = '-';
	if (x < 0) {
		*o++ = '0';
		*o++ = '.';
		for (int k = x + 1; k < 0; k++)
			*o++ = '0';
	}
	for (int k = 0; k <= last; k++) {
		if (k == x + 1 && x >= 0)
			*o++ = '.';
		*o++ = six[k];
	}
	*o = '\0';
	return buf;
}

const char *
pm_report_decimal(char *buf, int64_t v)
{
	/* The magnitude as unsigned, which INT64_MIN has too. */
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	char *p = buf + PM_DECIMAL_SIZE;
	*--p = '\0';
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	return p;
}

/* ---- conditions --------------------------------------------------------- */

/* tolower() as the C locale has it, which pmcheck runs in, without a call
 * per byte. */
static unsigned char
pm_ascii_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* Whether A[0..ALEN) is the string B but for case. */
static bool
pm_text_ieq(const char *a, size_t alen, const char *b)
{
	for (size_t i = 0; i < alen; i++)
		if (b[i] == '\0' || pm_ascii_lower((unsigned char)a[i]) !=
		                     pm_ascii_lower((unsigned char)b[i]))
			return false;
	return b[alen] == '\0';
}

/* A list item as text: a scalar's own, a mapping's first field's. */
static const char *
pm_item_text(const struct pm_value *it, size_t *len)
{
	const char *s = it->type == PM_V_MAP ? (it->items[0].s ? it->items[0].s : "?")
	              : it->s ? it->s : "";
	*len = it->type == PM_V_MAP || it->s == NULL ? strlen(s) : it->len;
	return s;
}

/* The text of a number or a list, written in the arena. */
/* A text built in pieces: on the stack while it fits, as messages and
 * lists nearly always do, then in the arena; it ends in the arena in one
 * piece either way. */
struct pm_text {
	struct pm_arena *arena;
	char *p;                 /* BUF, or an arena block once BUF is outgrown */
	size_t len, cap;
	char buf[256];
};

static void
pm_text_init(struct pm_text *t, struct pm_arena *arena)
{
	t->arena = arena;
	t->p = t->buf;
	t->len = 0;
	t->cap = sizeof(t->buf);
}

static void
pm_text_put(struct pm_text *t, const char *s, size_t n)
{
	if (n == 0)
		return;
	if (t->len + n >= t->cap) {   /* room is kept for the final NUL */
		size_t cap = 2 * (t->len + n);
		char *p = pm_arena_alloc(t->arena, cap);
		memcpy(p, t->p, t->len);
		t->p = p;
		t->cap = cap;
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
}

static const char *
pm_text_done(struct pm_text *t)
{
	if (t->p == t->buf)
		return pm_arena_strndup(t->arena, t->buf, t->len);
	t->p[t->len] = '\0';
	return t->p;
}

static const char *
pm_value_format(const struct pm_value *v, struct pm_arena *arena)
{
	if (v->type == PM_V_INT) {
		/* Written where it stays: a few bytes before it go unused. */
		return pm_report_decimal(pm_arena_alloc(arena, PM_DECIMAL_SIZE), v->u.i);
	}
	char num[PM_NUMBER_SIZE];
	const char *t;
	if (v->type == PM_V_NUM) {
		t = pm_report_number(num, v->u.n);
		return pm_arena_strndup(arena, t, strlen(t));
	}
	/* A list: the items joined with ", ". */
	struct pm_text out;
	pm_text_init(&out, arena);
	for (size_t i = 0; i < v->count; i++) {
		size_t n;
		t = pm_item_text(&v->items[i], &n);
		if (i)
			pm_text_put(&out, ", ", 2);
		pm_text_put(&out, t, n);
	}
	return pm_text_done(&out);
}

/* The texts of numbers and lists one evaluation keeps. */
#define PM_TEXTS 8

/* What conditions are evaluated on: the input, the arena for texts, and
 * the texts of numbers and lists written so far, as rules often look at
 * the same field ("teams" at least 2, at least 3). */
struct pm_eval {
	const struct pm_hotfix *hf;
	struct pm_arena *arena;
	const struct pm_value *value[PM_TEXTS];
	const char *text[PM_TEXTS];
	size_t ntexts;
};

/* The text of number or list V, written once per evaluation. */
static __attribute__((noinline)) const char *
pm_value_written(struct pm_eval *ev, const struct pm_value *v)
{
	for (size_t i = 0; i < ev->ntexts; i++)
		if (ev->value[i] == v)
			return ev->text[i];
	const char *t = pm_value_format(v, ev->arena);
	if (ev->ntexts < PM_TEXTS) {
		ev->value[ev->ntexts] = v;
		ev->text[ev->ntexts++] = t;
	}
	return t;
}

/* The value as text, for comparisons and messages. */
static inline const char *
pm_value_text(struct pm_eval *ev, const struct pm_value *v)
{
	switch (v->type) {
	case PM_V_BOOL:
		return v->u.b ? "true" : "false";
	case PM_V_STR:
	case PM_V_ENUM:
	case PM_V_TIME:
		return v->s;
	case PM_V_INT:
	case PM_V_NUM:
	case PM_V_LIST:
		return pm_value_written(ev, v);
	default:
		return "";
	}
}

static bool
pm_in_set(const char *s, size_t len, const char *const *set)
{
	for (size_t i = 0; set[i]; i++)
		if (pm_text_ieq(s, len, set[i]))
			return true;
	return false;
}

/* Whether the strings A and B are equal but for case: pm_text_ieq() with
 * A measured as it goes, which saves a pass over it. */
static inline bool
pm_text_ieq_str(const char *a, const char *b)
{
	if (a == b)
		return true;
	for (;; a++, b++) {
		unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
		if (x != y && pm_ascii_lower(x) != pm_ascii_lower(y))
			return false;
		if (x == '\0')
			return true;
	}
}

static bool
pm_numeric(const struct pm_value *v, double *out)
{
	switch (v->type) {
	case PM_V_INT: *out = (double)v->u.i; return true;
	case PM_V_NUM: *out = v->u.n; return true;
	case PM_V_LIST: *out = (double)v->count; return true;
	default: return false;
	}
}

/* Leaf C held on V: fills M, if not NULL, with what a message needs to
 * know: TEXT, if not NULL, and COUNT, if not 0, when the comparison
 * found them already.  Returns true, for the caller to return. */
static __attribute__((noinline)) bool
pm_leaf_held(struct pm_eval *ev, const struct pm_cond *c,
             const struct pm_value *v, struct pm_match *m, const char *text,
             int64_t count)
{
	if (m == NULL)
		return true;
	double d;
	m->field = c->field;
	m->value = v;
	m->text = text ? text : pm_value_text(ev, v);
	m->count = count ? count : pm_numeric(v, &d) ? (int64_t)d : 1;
	return true;
}

/* Leaf C (eq, ne or in) on list V, which is present: it matches when some
 * item is in SET, and the message names the items that are. */
static __attribute__((noinline)) bool
pm_leaf_list(struct pm_eval *ev, const struct pm_cond *c,
             const struct pm_value *v, const char *const *set,
             struct pm_match *m)
{
	struct pm_buf b = PM_BUF_INIT;
	size_t hits = 0;
	for (size_t i = 0; i < v->count; i++) {
		const struct pm_value *it = &v->items[i];
		if (it->s == NULL || !pm_in_set(it->s, it->len, set))
			continue;
		if (hits++)
			pm_buf_puts(&b, ", ");
		pm_buf_put(&b, it->s, it->len);
	}
	const char *text = hits ? pm_arena_strndup(ev->arena, b.data, b.len) : NULL;
	pm_buf_free(&b);
	if (c->op == PM_OP_NE ? hits != 0 : hits == 0)
		return false;
	return pm_leaf_held(ev, c, v, m, text, (int64_t)hits);
}

/* Leaf C (eq, ne or in) on V, which is present: V as text is one of the
 * set, or, being a number, equals one of its numbers by value ("1" equals
 * "1.0", for eq and for every member of an in list). */
static __attribute__((noinline)) bool
pm_leaf_in(struct pm_eval *ev, const struct pm_cond *c,
           const struct pm_value *v, struct pm_match *m)
{
	const char *one[2] = { c->str, NULL };
	const char *const *set = c->op == PM_OP_IN ? c->set : one;
	if (set == NULL || set[0] == NULL)
		return false;
	if (v->type == PM_V_LIST)
		return pm_leaf_list(ev, c, v, set, m);
	const char *t = pm_value_text(ev, v);
	bool hit = false;
	for (size_t k = 0; !hit && set[k]; k++)
		hit = pm_text_ieq_str(t, set[k]);
	double dv, dc;
	char *end;
	for (size_t k = 0; !hit && set[k] && pm_numeric(v, &dv); k++)
		if ((dc = strtod(set[k], &end), *end == '\0' && end != set[k]))
			hit = dv == dc;
	return (c->op == PM_OP_NE ? !hit : hit) && pm_leaf_held(ev, c, v, m, t, 0);
}

/* A condition on one field.  The comparisons that need more than a look
 * at the value are out of line, so that the others need no set-up: this
 * is inlined into the loop over a policy's rules. */
static inline __attribute__((always_inline)) bool
pm_leaf(struct pm_eval *ev, const struct pm_cond *c, struct pm_match *m)
{
	const struct pm_value *v = c->fid != PM_F_NONE ? &ev->hf->f[c->fid]
	                         : c->field ? pm_hotfix_get(ev->hf, c->field) : NULL;
	if (v == NULL)
		return false;
	/* Without short cuts: one branch on the outcome, below, rather than
	 * one per test (which of them decides is the input's business). */
	bool present = (v->type != PM_V_NONE) &
	               !((v->type == PM_V_LIST) & (v->count == 0));
	double d;
	switch (c->op) {
	case PM_OP_PRESENT:
		if (!present)
			return false;
		break;
	case PM_OP_ABSENT:
		if (present)
			return false;
		break;
	case PM_OP_EQ:
	case PM_OP_NE:
	case PM_OP_IN: {
		if (!present)
			return false;
		/* Most rules compare a flag or a word with one text: that is
		 * done here, the rest out of line. */
		if (c->op == PM_OP_IN || v->type == PM_V_INT || v->type == PM_V_NUM ||
		    v->type == PM_V_LIST)
			return pm_leaf_in(ev, c, v, m);
		if (c->str == NULL)
			return false;
		const char *t = pm_value_text(ev, v);
		if (pm_text_ieq_str(t, c->str) == (c->op == PM_OP_NE))
			return false;
		/* What pm_leaf_held() would write: a flag or a word counts
		 * one. */
		if (m)
			*m = (struct pm_match){ c->field, v, t, 1 };
		return true;
	}
	case PM_OP_GE:
	case PM_OP_GT:
	case PM_OP_LE:
	case PM_OP_LT:
		if (!present || !pm_numeric(v, &d))
			return false;
		if (!(c->op == PM_OP_GE ? d >= c->num :
		      c->op == PM_OP_GT ? d > c->num :
		      c->op == PM_OP_LE ? d <= c->num : d < c->num))
			return false;
		break;
	default:
		return false;
	}
	return pm_leaf_held(ev, c, v, m, NULL, 0);
}

static inline bool pm_cond_in(struct pm_eval *ev, const struct pm_cond *cond,
                              struct pm_match *m);

/* The conditions made of others: all, any, not.  Out of line, so that a
 * leaf, which most rules are, is evaluated without the set-up these
 * need. */
static __attribute__((noinline)) bool
pm_cond_tree(struct pm_eval *ev, const struct pm_cond *cond, struct pm_match *m)
{
	switch (cond->op) {
	case PM_OP_ALL: {
		/* The first condition names the field the reason points at. */
		struct pm_match first;
		for (size_t i = 0; i < cond->nsub; i++)
			if (!pm_cond_in(ev, &cond->sub[i], i == 0 ? &first : NULL))
				return false;
		if (m && cond->nsub)
			*m = first;
		return cond->nsub > 0;
	}
	case PM_OP_ANY:
		for (size_t i = 0; i < cond->nsub; i++)
			if (pm_cond_in(ev, &cond->sub[i], m))
				return true;
		return false;
	case PM_OP_NOT: {
		/* Nothing matched, so the reason points at the field that was
		 * looked at, with its value if it has one. */
		if (cond->nsub == 0 || pm_cond_in(ev, &cond->sub[0], NULL))
			return false;
		const struct pm_cond *leaf = &cond->sub[0];
		while ((leaf->op == PM_OP_NOT || leaf->op == PM_OP_ALL ||
		        leaf->op == PM_OP_ANY) && leaf->nsub)
			leaf = &leaf->sub[0];
		if (m && leaf->field) {
			const struct pm_value *v = leaf->fid != PM_F_NONE
			    ? &ev->hf->f[leaf->fid] : pm_hotfix_get(ev->hf, leaf->field);
			memset(m, 0, sizeof(*m));
			m->field = leaf->field;
			if (v && v->type != PM_V_NONE) {
				double d;
				m->value = v;
				m->text = pm_value_text(ev, v);
				m->count = pm_numeric(v, &d) ? (int64_t)d : 1;
			}
		}
		return true;
	}
	default:
		return false;
	}
}

/* A condition: the ones made of others come last among the operators;
 * a leaf without one (PM_OP_NONE) never holds. */
static inline __attribute__((always_inline)) bool
pm_cond_in(struct pm_eval *ev, const struct pm_cond *cond, struct pm_match *m)
{
	if (cond->op >= PM_OP_ALL)
		return pm_cond_tree(ev, cond, m);
	return pm_leaf(ev, cond, m);
}

bool
pm_cond_eval(const struct pm_cond *cond, const struct pm_hotfix *hf,
             struct pm_arena *arena, struct pm_match *m)
{
	struct pm_eval ev = { .hf = hf, .arena = arena };
	return pm_cond_in(&ev, cond, m);
}

/* ---- reports ------------------------------------------------------------ */

/* The placeholders of a rule's message: {value}, {count}, {percent} (a
 * fraction as a percentage), {s} (plural ending of {count}). */
enum pm_slot { PM_SLOT_VALUE, PM_SLOT_COUNT, PM_SLOT_PERCENT, PM_SLOT_S, PM_SLOTS };

static const struct {
	const char *name;
	size_t len;
} pm_slots[PM_SLOTS] = {
	[PM_SLOT_VALUE] = { "{value}", 7 },
	[PM_SLOT_COUNT] = { "{count}", 7 },
	[PM_SLOT_PERCENT] = { "{percent}", 9 },
	[PM_SLOT_S] = { "{s}", 3 },
};

/* One piece of a split message: plain text, or a placeholder. */
struct pm_message_piece {
	const char *text;       /* plain text, LEN bytes, when SLOT is -1 */
	size_t len;
	int slot;               /* enum pm_slot, or -1 */
};

/* A message template split at its placeholders, so that filling it in
 * for a report only copies pieces. */
struct pm_message {
	const char *tmpl;       /* the template split */
	size_t nslots;          /* placeholders; none: the message is TMPL */
	size_t n;
	struct pm_message_piece piece[];
};

/* The placeholder at S, which starts with a brace, or -1. */
static int
pm_slot_at(const char *s)
{
	for (int k = 0; k < PM_SLOTS; k++)
		if (s[1] == pm_slots[k].name[1] &&
		    strncmp(s, pm_slots[k].name, pm_slots[k].len) == 0)
			return k;
	return -1;
}

/* TMPL split, in ARENA. */
static const struct pm_message *
pm_message_split(const char *tmpl, struct pm_arena *arena)
{
	/* Text and placeholders alternate: at most two pieces a brace, and
	 * the text after the last. */
	size_t most = 1;
	for (const char *b = tmpl; (b = strchr(b, '{')) != NULL; b++)
		most += 2;
	struct pm_message *msg = pm_arena_alloc(arena,
	    sizeof(*msg) + most * sizeof(msg->piece[0]));
	msg->tmpl = tmpl;
	for (const char *s = tmpl; *s;) {
		int k = *s == '{' ? pm_slot_at(s) : -1;
		if (k >= 0) {
			msg->piece[msg->n++] = (struct pm_message_piece){ .slot = k };
			msg->nslots++;
			s += pm_slots[k].len;
			continue;
		}
		/* Plain text up to the next brace; a brace that starts no
		 * placeholder is plain text too, joined to the text before. */
		const char *brace = strchr(s + 1, '{');
		size_t n = brace ? (size_t)(brace - s) : strlen(s);
		struct pm_message_piece *last = msg->n ? &msg->piece[msg->n - 1] : NULL;
		if (last && last->slot < 0)
			last->len += n;
		else
			msg->piece[msg->n++] = (struct pm_message_piece){ s, n, -1 };
		s += n;
	}
	return msg;
}

/* What the placeholders of one message become, each formatted when the
 * message first uses it. */
struct pm_fill {
	const struct pm_match *m;
	const char *text[PM_SLOTS];
	size_t len[PM_SLOTS];
	char count[PM_DECIMAL_SIZE];
	char percent[PM_NUMBER_SIZE + 1];
};

static void
pm_fill_slot(struct pm_fill *f, enum pm_slot slot)
{
	const struct pm_match *m = f->m;
	if (f->text[slot])
		return;
	switch (slot) {
	case PM_SLOT_VALUE:
		f->text[slot] = m->text ? m->text : "";
		f->len[slot] = strlen(f->text[slot]);
		break;
	case PM_SLOT_COUNT:
		f->text[slot] = pm_report_decimal(f->count, m->count);
		f->len[slot] = (size_t)(f->count + PM_DECIMAL_SIZE - 1 - f->text[slot]);
		break;
	case PM_SLOT_PERCENT: {
		double n = m->value && m->value->type == PM_V_NUM ? m->value->u.n : 0;
		char num[PM_NUMBER_SIZE];
		strcat(strcpy(f->percent, pm_report_number(num, n * 100)), "%");
		f->text[slot] = f->percent;
		f->len[slot] = strlen(f->percent);
		break;
	}
	default:
		f->text[slot] = m->count != 1 ? "s" : "";
		f->len[slot] = m->count != 1;
		break;
	}
}

/* MSG filled in for the match M, in the arena; a message with nothing to
 * fill in, as many are, is its template itself. */
static const char *
pm_message_fill(const struct pm_message *msg, const struct pm_match *m,
                struct pm_arena *arena)
{
	if (msg->nslots == 0)
		return msg->tmpl;
	/* Only TEXT needs clearing: it says which slots are filled. */
	struct pm_fill f;
	f.m = m;
	memset(f.text, 0, sizeof(f.text));
	struct pm_text out;
	pm_text_init(&out, arena);
	for (size_t i = 0; i < msg->n; i++) {
		const struct pm_message_piece *pc = &msg->piece[i];
		if (pc->slot >= 0)
			pm_fill_slot(&f, (enum pm_slot)pc->slot);
		pm_text_put(&out, pc->slot < 0 ? pc->text : f.text[pc->slot],
		            pc->slot < 0 ? pc->len : f.len[pc->slot]);
	}
	return pm_text_done(&out);
}

/* ---- preparing a policy ------------------------------------------------- */

void
pm_policy_prepare(struct pm_policy *policy, struct pm_arena *arena)
{
	policy->blameful_index = pm_phrase_index_get(policy->blameful_index,
	                                             policy->blameful, arena);
	policy->vague_index = pm_phrase_index_get(policy->vague_index,
	                                          policy->vague, arena);
	const struct pm_message **messages =
	    pm_arena_alloc(arena, policy->nrules * sizeof(*messages));
	for (size_t i = 0; i < policy->nrules; i++) {
		const char *tmpl = policy->rules[i].message;
		messages[i] = i < policy->nmessages && policy->messages[i]->tmpl == tmpl
		            ? policy->messages[i] : pm_message_split(tmpl, arena);
	}
	policy->messages = messages;
	policy->nmessages = policy->nrules;
}

static int64_t
pm_epoch_day(int64_t epoch)
{
	return pm_floor_div(epoch, 86400);
}

/* The post-mortem deadline: postmortem.due when written, else the day the
 * incident ended (or was detected, or began) plus the severity's days. */
static void
pm_due(struct pm_report *rep, const struct pm_policy *policy)
{
	const struct pm_hotfix *hf = rep->hf;
	const struct pm_value *due = &hf->f[PM_F_POSTMORTEM_DUE];
	if (due->type == PM_V_TIME) {
		rep->has_due = true;
		rep->due_from_input = true;
		rep->due_day = pm_epoch_day(due->u.t.epoch);
		rep->due_pos = due->pos;
		return;
	}
	static const enum pm_field bases[] = {
		PM_F_RESOLVED_AT, PM_F_DETECTED_AT, PM_F_STARTED_AT,
	};
	const struct pm_value *sev = &hf->f[PM_F_SEVERITY];
	int level = sev->type == PM_V_ENUM ? (int)sev->u.i + 1 : 3;
	if (level < 1 || level > 4)
		level = 3;
	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		const struct pm_value *v = &hf->f[bases[i]];
		if (v->type == PM_V_TIME) {
			rep->has_due = true;
			rep->due_day = pm_epoch_day(v->u.t.epoch) + policy->due_days[level];
			rep->due_pos = v->pos;
			return;
		}
	}
}

void
pm_report_build(struct pm_report *rep, const struct pm_hotfix *hf,
                const struct pm_policy *policy, int64_t today)
{
	/* The report's arrays live in the hotfix arena; the arena is logically
	 * part of the judged input, so writing to it is not a change of HF. */
	struct pm_arena *arena = (struct pm_arena *)&hf->arena;
	memset(rep, 0, sizeof(*rep));
	rep->hf = hf;

	/* The reasons in rule order, each with its trigger (PM_TRIGGER_COUNT
	 * for a decisive one), then moved to the report's arrays: each
	 * trigger's, then the decisive ones, in one piece as long as the
	 * reasons found.  Few rules hold for an input, so the list is on the
	 * stack unless the policy is long. */
	struct pm_found {
		struct pm_reason reason;
		unsigned trigger;
	} stack[64], *found = stack;
	if (policy->nrules > sizeof(stack) / sizeof(stack[0]))
		found = pm_arena_alloc(arena, policy->nrules * sizeof(*found));
	size_t nfound = 0, count[PM_TRIGGER_COUNT + 1] = { 0 };
	struct pm_eval ev;
	ev.hf = hf;
	ev.arena = arena;
	ev.ntexts = 0;

	for (size_t i = 0; i < policy->nrules; i++) {
		const struct pm_rule *r = &policy->rules[i];
		if (r->disabled || (!r->decisive &&
		    ((unsigned)r->trigger >= PM_TRIGGER_COUNT ||
		     policy->trigger_disabled[r->trigger])))
			continue;
		/* Written in full when the condition holds. */
		struct pm_match m;
		if (!pm_cond_in(&ev, &r->cond, &m))
			continue;
		/* A policy prepared by pm_policy_prepare has every message
		 * split; another has it split here, for this report only. */
		const struct pm_message *msg =
		    i < policy->nmessages && policy->messages[i]->tmpl == r->message
		    ? policy->messages[i] : pm_message_split(r->message, arena);
		int points = r->points;
		if (r->scaled) {
			int64_t p = (int64_t)r->points * m.count;
			points = p > r->cap ? r->cap : (int)p;
		}
		unsigned trigger = r->decisive ? PM_TRIGGER_COUNT : (unsigned)r->trigger;
		found[nfound++] = (struct pm_found){
			.reason = {
				.rule = r,
				.points = r->decisive ? 0 : points,
				.field = m.field,
				.value = m.text,
				.message = pm_message_fill(msg, &m, arena),
				.pos = m.value ? m.value->pos : (struct pm_pos){ 0, 0 },
			},
			.trigger = trigger,
		};
		count[trigger]++;
		if (!r->decisive)
			rep->triggers[trigger].score += points;
	}

	struct pm_reason *room = pm_arena_alloc(arena,
	    (nfound ? nfound : 1) * sizeof(struct pm_reason));
	struct pm_reason *at[PM_TRIGGER_COUNT + 1];
	for (int t = 0; t <= PM_TRIGGER_COUNT; t++) {
		at[t] = room;
		room += count[t];
	}
	for (int t = 0; t < PM_TRIGGER_COUNT; t++) {
		rep->triggers[t].id = (enum pm_trigger)t;
		rep->triggers[t].threshold = policy->threshold[t];
		rep->triggers[t].reasons = at[t];
		rep->triggers[t].nreasons = count[t];
	}
	rep->decisive = at[PM_TRIGGER_COUNT];
	rep->ndecisive = count[PM_TRIGGER_COUNT];
	for (size_t i = 0; i < nfound; i++)
		*at[found[i].trigger]++ = found[i].reason;

	for (int t = 0; t < PM_TRIGGER_COUNT; t++) {
		struct pm_trigger_result *tr = &rep->triggers[t];
		if (tr->score > 100)
			tr->score = 100;
		if (tr->score < 0)
			tr->score = 0;
		tr->disabled = policy->trigger_disabled[t];
		tr->fired = tr->score >= tr->threshold && !tr->disabled;
		if (tr->fired)
			rep->nfired++;
	}
	if (rep->nfired >= 2 || rep->ndecisive > 0)
		rep->verdict = PM_VERDICT_REQUIRED;
	else if (rep->nfired == 1)
		rep->verdict = PM_VERDICT_RECOMMENDED;
	else
		rep->verdict = PM_VERDICT_OPTIONAL;

	rep->satisfied = hf->f[PM_F_POSTMORTEM_LINK].type == PM_V_STR ||
	                 hf->f[PM_F_POSTMORTEM_WAIVED].type == PM_V_STR;
	pm_due(rep, policy);
	pm_notes_build(rep, policy, today);
}
