/*
 * Configuration tests: every key of the file and what it changes in a
 * judgement, a table of invalid files (each asserting error code, line,
 * column, key path and message), --print-config read back to the same
 * output and the same reports, --list-rules marks, the condition evaluator
 * on every operator, and discovery of .pmcheck.yaml upwards.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "pm_buf.h"
#include "pm_config.h"
#include "pm_parse.h"
#include "pm_render.h"
#include "pm_report.h"

#define TODAY 19783 /* 2024-03-01 */

/* Reads YAML as the configuration file "team/.pmcheck.yaml" into CFG,
 * which starts from the defaults. */
static int
load(struct pm_config *cfg, const char *yaml, struct pm_error *err)
{
	pm_config_init(cfg);
	pm_error_clear(err);
	return pm_config_parse(cfg, "team/.pmcheck.yaml", yaml, strlen(yaml), err);
}

/* The same, failing the test on an error. */
static void
load_ok(struct pm_config *cfg, const char *yaml)
{
	struct pm_error err;
	if (load(cfg, yaml, &err) != 0)
		fail_msg("config failed at %u:%u: %s: %s", err.line, err.column,
		         err.path, err.message);
}

/* Judges the hotfix YAML under POLICY into HF and REP. */
static void
judge(struct pm_hotfix *hf, struct pm_report *rep, const struct pm_policy *policy,
      const char *yaml)
{
	struct pm_error err;
	pm_error_clear(&err);
	pm_hotfix_init(hf);
	if (pm_parse(hf, yaml, strlen(yaml), &err) != 0)
		fail_msg("parse failed at %u:%u: %s", err.line, err.column, err.message);
	pm_report_build(rep, hf, policy, TODAY);
}

static const struct pm_rule *
find_rule(const struct pm_policy *pol, const char *id)
{
	for (size_t i = 0; i < pol->nrules; i++)
		if (strcmp(pol->rules[i].id, id) == 0)
			return &pol->rules[i];
	return NULL;
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

static size_t
count_notes(const struct pm_report *rep, const char *code)
{
	size_t n = 0;
	for (size_t i = 0; i < rep->nnotes; i++)
		if (strcmp(rep->notes[i].code, code) == 0)
			n++;
	return n;
}

static size_t
list_len(const char *const *list)
{
	size_t n = 0;
	while (list && list[n])
		n++;
	return n;
}

/* ---- the defaults ------------------------------------------------------- */

static void
test_empty_file_is_defaults(void **state)
{
	(void)state;
	static const char *const files[] = {
		"", "# only a comment\n", "pmcheck: 1\n", "x-owner: sre\n",
		"pmcheck: 1\ntriggers: {}\nrules: {}\ncustom_rules: {}\n",
	};
	const struct pm_policy *def = pm_policy_default();
	for (size_t k = 0; k < sizeof(files) / sizeof(files[0]); k++) {
		struct pm_config cfg;
		load_ok(&cfg, files[k]);
		assert_string_equal(cfg.path, "team/.pmcheck.yaml");
		assert_int_equal(cfg.fail_on, -1);
		assert_int_equal(cfg.history_days, -1);
		assert_int_equal(cfg.nhistory, 0);
		assert_int_equal(cfg.policy.nrules, def->nrules);
		for (size_t i = 0; i < def->nrules; i++) {
			const struct pm_rule *a = &cfg.policy.rules[i], *b = &def->rules[i];
			assert_string_equal(a->id, b->id);
			assert_int_equal(a->points, b->points);
			assert_int_equal(a->decisive, b->decisive);
			assert_int_equal(a->trigger, b->trigger);
			assert_false(a->disabled);
			/* Field paths are resolved once, when the policy is copied. */
			if (a->cond.field)
				assert_int_not_equal(a->cond.fid, PM_F_NONE);
		}
		for (int t = 0; t < PM_TRIGGER_COUNT; t++) {
			assert_int_equal(cfg.policy.threshold[t], def->threshold[t]);
			assert_false(cfg.policy.trigger_disabled[t]);
		}
		assert_ptr_equal(cfg.policy.blameful, def->blameful);
		assert_ptr_equal(cfg.policy.vague, def->vague);
		assert_memory_equal(cfg.policy.due_days, def->due_days,
		                    sizeof(def->due_days));
		pm_config_free(&cfg);
	}
	pm_config_free(NULL);
}

/* ---- every key ---------------------------------------------------------- */

static void
test_every_key(void **state)
{
	(void)state;
	struct pm_config cfg;
	load_ok(&cfg,
	    "pmcheck: 1\n"
	    "x-owner: {team: sre}\n"
	    "fail_on: recommended\n"
	    "history: [incidents, /var/lib/incidents]\n"
	    "history_days: 90\n"
	    "triggers:\n"
	    "  future_risk: {threshold: 40}\n"
	    "  stakeholder: {enabled: false, x-note: later}\n"
	    "  x-draft: {threshold: 1}\n"
	    "rules:\n"
	    "  monitoring_missed: {points: 35, message: \"seen by {value} first\"}\n"
	    "  several_components: {enabled: false}\n"
	    "  related_incidents: {cap: 60, description: \"Each one counts.\"}\n"
	    "  not_reviewed:\n"
	    "    trigger: recurrence\n"
	    "    when: {field: fix.reviewed, eq: false}\n"
	    "  x-draft: {points: 1}\n"
	    "custom_rules:\n"
	    "  payments_customer_facing:\n"
	    "    trigger: stakeholder\n"
	    "    points: 50\n"
	    "    when:\n"
	    "      all:\n"
	    "        - {field: service, eq: payments}\n"
	    "        - {field: impact.customer_facing, eq: true}\n"
	    "  each_skipped_step:\n"
	    "    trigger: future_risk\n"
	    "    points: 10\n"
	    "    scaled: true\n"
	    "    when: {field: fix.skipped_steps, present: true}\n"
	    "  hand_data_repair:\n"
	    "    decisive: true\n"
	    "    when: {field: fix.type, eq: data_repair}\n"
	    "    x-ticket: POL-12\n"
	    "  x-draft: {decisive: true}\n"
	    "blameful_phrases: [\"human error\"]\n"
	    "extra_blameful_phrases: cowboy deploy\n"
	    "vague_words: [investigate]\n"
	    "extra_vague_words: [\"poke at\", tidy]\n"
	    "postmortem_due_days: {sev1: 2, sev4: 60, x-sev5: 1}\n");

	assert_int_equal(cfg.fail_on, PM_VERDICT_RECOMMENDED);
	/* Relative directories are relative to the configuration file. */
	assert_int_equal(cfg.nhistory, 2);
	assert_string_equal(cfg.history[0], "team/incidents");
	assert_string_equal(cfg.history[1], "/var/lib/incidents");
	assert_int_equal(cfg.history_days, 90);

	const struct pm_policy *pol = &cfg.policy;
	assert_int_equal(pol->threshold[PM_TRIGGER_FUTURE_RISK], 40);
	assert_int_equal(pol->threshold[PM_TRIGGER_RECURRENCE], 50);
	assert_true(pol->trigger_disabled[PM_TRIGGER_STAKEHOLDER]);
	assert_false(pol->trigger_disabled[PM_TRIGGER_FUTURE_RISK]);

	const struct pm_rule *r = find_rule(pol, "monitoring_missed");
	assert_int_equal(r->points, 35);
	assert_string_equal(r->message, "seen by {value} first");
	assert_true(find_rule(pol, "several_components")->disabled);
	r = find_rule(pol, "related_incidents");
	assert_int_equal(r->cap, 60);
	assert_true(r->scaled);
	assert_string_equal(r->doc, "Each one counts.");
	r = find_rule(pol, "not_reviewed");
	assert_int_equal(r->trigger, PM_TRIGGER_RECURRENCE);
	assert_int_equal(r->points, 25);
	assert_int_equal(r->cond.fid, PM_F_FIX_REVIEWED);

	/* Custom rules come after the built-in ones, in file order. */
	size_t nb = pm_policy_default()->nrules;
	assert_int_equal(pol->nrules, nb + 3);
	assert_string_equal(pol->rules[nb].id, "payments_customer_facing");
	assert_string_equal(pol->rules[nb + 1].id, "each_skipped_step");
	assert_string_equal(pol->rules[nb + 2].id, "hand_data_repair");
	r = &pol->rules[nb];
	assert_int_equal(r->trigger, PM_TRIGGER_STAKEHOLDER);
	assert_int_equal(r->points, 50);
	assert_int_equal(r->cond.op, PM_OP_ALL);
	assert_int_equal(r->cond.nsub, 2);
	/* Without a message, a custom rule says what it checks. */
	assert_string_equal(r->message,
	    "service is payments and impact.customer_facing is true");
	/* Scaled without a cap: at most 100. */
	assert_int_equal(pol->rules[nb + 1].cap, 100);
	assert_true(pol->rules[nb + 2].decisive);

	assert_int_equal(list_len(pol->blameful), 2);
	assert_string_equal(pol->blameful[0], "human error");
	assert_string_equal(pol->blameful[1], "cowboy deploy");
	assert_int_equal(list_len(pol->vague), 3);
	assert_string_equal(pol->vague[2], "tidy");
	assert_int_equal(pol->due_days[1], 2);
	assert_int_equal(pol->due_days[2], pm_policy_default()->due_days[2]);
	assert_int_equal(pol->due_days[4], 60);
	pm_config_free(&cfg);
}

/* Replacing lists apply before extending ones, whatever their order in the
 * file; a configuration in the root directory resolves against "/". */
static void
test_list_order_and_paths(void **state)
{
	(void)state;
	struct pm_config cfg;
	struct pm_error err;
	pm_config_init(&cfg);
	pm_error_clear(&err);
	static const char yaml[] =
	    "extra_vague_words: [fiddle]\n"
	    "vague_words: [ponder]\n"
	    "history: incidents\n";
	assert_int_equal(pm_config_parse(&cfg, "/.pmcheck.yaml", yaml,
	                                 strlen(yaml), &err), 0);
	assert_int_equal(list_len(cfg.policy.vague), 2);
	assert_string_equal(cfg.policy.vague[0], "ponder");
	assert_string_equal(cfg.policy.vague[1], "fiddle");
	assert_int_equal(cfg.nhistory, 1);
	assert_string_equal(cfg.history[0], "/incidents");
	pm_config_free(&cfg);

	/* No directory in the name: relative to the working directory. */
	pm_config_init(&cfg);
	assert_int_equal(pm_config_parse(&cfg, ".pmcheck.yaml", yaml,
	                                 strlen(yaml), &err), 0);
	assert_string_equal(cfg.history[0], "incidents");
	pm_config_free(&cfg);

	/* An empty list empties: no phrase, no history. */
	load_ok(&cfg, "blameful_phrases: []\nhistory: []\n");
	assert_int_equal(list_len(cfg.policy.blameful), 0);
	assert_int_equal(cfg.nhistory, 0);
	pm_config_free(&cfg);
}

/* ---- invalid files ------------------------------------------------------ */

struct bad {
	const char *yaml;
	enum pm_errcode code;
	uint32_t line, column;
	const char *path;
	const char *message;       /* a substring of the message */
};

#define CR "custom_rules:\n  r: "

static const struct bad bad_configs[] = {
	/* top level */
	{ "pmcheck: 1\nrulez: {}\n", PM_ERR_UNKNOWN_KEY, 2, 1, "rulez",
	  "unknown key \"rulez\"; did you mean \"rules\"?" },
	{ "colour: red\n", PM_ERR_UNKNOWN_KEY, 1, 1, "colour",
	  "expected one of pmcheck, fail_on, history" },
	/* Unknown keys are found before any value is read. */
	{ "fail_on: sometimes\ntrigers: {}\n", PM_ERR_UNKNOWN_KEY, 2, 1, "trigers",
	  "did you mean \"triggers\"?" },
	{ "- rules\n", PM_ERR_TYPE, 1, 1, "",
	  "expected a mapping of settings (rules:, triggers:, ...), got a list" },
	{ "just text\n", PM_ERR_TYPE, 1, 1, "", "got \"just text\"" },
	{ "pmcheck: 2\n", PM_ERR_VALUE, 1, 10, "pmcheck",
	  "configuration version 2 is not known" },
	{ "pmcheck: one\n", PM_ERR_TYPE, 1, 10, "pmcheck", "expected an integer" },
	{ "fail_on: sometimes\n", PM_ERR_TYPE, 1, 10, "fail_on",
	  "expected never, recommended or required, got \"sometimes\"" },
	{ "fail_on: [never]\n", PM_ERR_TYPE, 1, 10, "fail_on", "got a list" },
	{ "history: {a: b}\n", PM_ERR_TYPE, 1, 10, "history",
	  "expected a list of strings, got a mapping" },
	{ "history: [a, \"\"]\n", PM_ERR_TYPE, 1, 14, "history[1]",
	  "expected a non-empty string, got the quoted string \"\"" },
	{ "history: [[a]]\n", PM_ERR_TYPE, 1, 11, "history[0]",
	  "expected a non-empty string, got a list" },
	{ "history:\n", PM_ERR_TYPE, 1, 9, "history", "got nothing" },
	{ "history_days: -1\n", PM_ERR_VALUE, 1, 15, "history_days",
	  "-1 is out of range; expected an integer from 0 to 36500" },
	{ "history_days: 36501\n", PM_ERR_VALUE, 1, 15, "history_days",
	  "out of range" },
	{ "history_days: \"90\"\n", PM_ERR_TYPE, 1, 15, "history_days",
	  "expected an integer, got the quoted string \"90\"" },
	{ "history_days: 99999999999999999999\n", PM_ERR_VALUE, 1, 15,
	  "history_days", "out of range" },

	/* triggers */
	{ "triggers:\n  recurence: {threshold: 10}\n", PM_ERR_UNKNOWN_KEY, 2, 3,
	  "triggers.recurence", "unknown trigger \"recurence\"; did you mean \"recurrence\"?" },
	{ "triggers:\n  speed: {threshold: 10}\n", PM_ERR_UNKNOWN_KEY, 2, 3,
	  "triggers.speed", "expected recurrence, cross_team, future_risk or stakeholder" },
	{ "triggers: [recurrence]\n", PM_ERR_TYPE, 1, 11, "triggers",
	  "expected a mapping of triggers, got a list" },
	{ "triggers: {recurrence: 50}\n", PM_ERR_TYPE, 1, 24, "triggers.recurrence",
	  "expected a mapping, got \"50\"" },
	{ "triggers: {recurrence: {threshold: 0}}\n", PM_ERR_VALUE, 1, 36,
	  "triggers.recurrence.threshold",
	  "0 is out of range; expected an integer from 1 to 100" },
	{ "triggers: {recurrence: {threshold: 101}}\n", PM_ERR_VALUE, 1, 36,
	  "triggers.recurrence.threshold", "101 is out of range" },
	{ "triggers: {recurrence: {threshold: 5.5}}\n", PM_ERR_TYPE, 1, 36,
	  "triggers.recurrence.threshold", "expected an integer, got \"5.5\"" },
	{ "triggers: {recurrence: {treshold: 5}}\n", PM_ERR_UNKNOWN_KEY, 1, 25,
	  "triggers.recurrence.treshold", "did you mean \"threshold\"?" },
	{ "triggers: {recurrence: {enabled: yes}}\n", PM_ERR_TYPE, 1, 34,
	  "triggers.recurrence.enabled", "expected true or false, got \"yes\"" },

	/* rules */
	{ "rules:\n  seen_befor: {points: 10}\n", PM_ERR_UNKNOWN_KEY, 2, 3,
	  "rules.seen_befor",
	  "unknown rule \"seen_befor\"; did you mean \"seen_before\"? (new rules go under custom_rules)" },
	{ "rules:\n  payments_rule: {points: 10}\n", PM_ERR_UNKNOWN_KEY, 2, 3,
	  "rules.payments_rule", "pmcheck --list-rules shows the built-in rules" },
	{ "rules: []\n", PM_ERR_TYPE, 1, 8, "rules",
	  "expected a mapping of rule ids, got an empty list" },
	{ "rules: {seen_before: 5}\n", PM_ERR_TYPE, 1, 22, "rules.seen_before",
	  "expected a mapping, got \"5\"" },
	{ "rules: {seen_before: {pionts: 5}}\n", PM_ERR_UNKNOWN_KEY, 1, 23,
	  "rules.seen_before.pionts", "did you mean \"points\"?" },
	{ "rules: {seen_before: {points: -1}}\n", PM_ERR_VALUE, 1, 31,
	  "rules.seen_before.points", "-1 is out of range; expected an integer from 0 to 100" },
	{ "rules: {seen_before: {points: 101}}\n", PM_ERR_VALUE, 1, 31,
	  "rules.seen_before.points", "101 is out of range" },
	{ "rules: {seen_before: {points: \"5\"}}\n", PM_ERR_TYPE, 1, 31,
	  "rules.seen_before.points", "got the quoted string \"5\"" },
	{ "rules: {seen_before: {points: 007}}\n", PM_ERR_TYPE, 1, 31,
	  "rules.seen_before.points", "expected an integer" },
	{ "rules: {seen_before: {trigger: speed}}\n", PM_ERR_TYPE, 1, 32,
	  "rules.seen_before.trigger",
	  "expected a trigger: recurrence, cross_team, future_risk or stakeholder, got \"speed\"" },
	{ "rules: {seen_before: {enabled: 1}}\n", PM_ERR_TYPE, 1, 32,
	  "rules.seen_before.enabled", "expected true or false, got \"1\"" },
	{ "rules: {seen_before: {decisive: yes}}\n", PM_ERR_TYPE, 1, 33,
	  "rules.seen_before.decisive", "expected true or false" },
	{ "rules: {seen_before: {message: [a]}}\n", PM_ERR_TYPE, 1, 32,
	  "rules.seen_before.message", "expected a string, got a list" },
	{ "rules: {seen_before: {message: \"\"}}\n", PM_ERR_TYPE, 1, 32,
	  "rules.seen_before.message", "expected a string, got the quoted string \"\"" },
	{ "rules: {seen_before: {message: \"seen {vale} times\"}}\n", PM_ERR_VALUE, 1, 32,
	  "rules.seen_before.message",
	  "unknown placeholder \"{vale}\" in the message; use {value}, {count}, {percent} or {s}" },
	{ "rules: {seen_before: {message: \"seen {count times\"}}\n", PM_ERR_VALUE, 1, 32,
	  "rules.seen_before.message", "unknown placeholder \"{count\"" },
	{ "rules: {seen_before: {description: ~}}\n", PM_ERR_TYPE, 1, 36,
	  "rules.seen_before.description", "expected a string, got nothing" },
	{ "rules: {skipped_steps: {scaled: true, cap: 0}}\n", PM_ERR_VALUE, 1, 44,
	  "rules.skipped_steps.cap", "0 is out of range; expected an integer from 1 to 100" },
	/* A decisive rule that stops being decisive needs somewhere to go. */
	{ "rules:\n  sev1: {decisive: false}\n", PM_ERR_MISSING, 2, 9, "rules.sev1",
	  "missing key \"trigger\" (or decisive: true)" },
	{ "rules:\n  sev1: {decisive: false, trigger: stakeholder}\n", PM_ERR_MISSING, 2, 9,
	  "rules.sev1", "missing key \"points\"" },
	{ "rules:\n  sev1: {points: 10}\n", PM_ERR_VALUE, 2, 9, "rules.sev1",
	  "takes no trigger or points" },
	{ "rules:\n  customer_facing: {decisive: true, trigger: stakeholder}\n",
	  PM_ERR_VALUE, 2, 20, "rules.customer_facing", "takes no trigger or points" },

	/* custom rules */
	{ "custom_rules:\n  seen_before: {decisive: true, when: {field: id, present: true}}\n",
	  PM_ERR_VALUE, 2, 3, "custom_rules.seen_before",
	  "\"seen_before\" is a built-in rule; change it under rules:" },
	{ "custom_rules:\n  Bad-Id: {decisive: true, when: {field: id, present: true}}\n",
	  PM_ERR_VALUE, 2, 3, "custom_rules.Bad-Id",
	  "rule id \"Bad-Id\" must be lower-case letters, digits and _, starting with a letter" },
	{ "custom_rules:\n  1st: {decisive: true, when: {field: id, present: true}}\n",
	  PM_ERR_VALUE, 2, 3, "custom_rules.1st", "starting with a letter" },
	{ "custom_rules:\n  a23456789012345678901234567890123456789012345678901234567890123456: {}\n",
	  PM_ERR_VALUE, 2, 3, "custom_rules.a234567890123456789012345678901234567890",
	  "at most 64 characters" },
	{ "custom_rules: [r]\n", PM_ERR_TYPE, 1, 15, "custom_rules",
	  "expected a mapping of rule ids, got a list" },
	{ CR "5\n", PM_ERR_TYPE, 2, 6, "custom_rules.r", "expected a mapping, got \"5\"" },
	{ CR "{trigger: recurrence, points: 5}\n", PM_ERR_MISSING, 2, 6, "custom_rules.r",
	  "missing key \"when\": a custom rule needs its condition" },
	{ CR "{points: 5, when: {field: id, present: true}}\n", PM_ERR_MISSING, 2, 6,
	  "custom_rules.r", "missing key \"trigger\" (or decisive: true)" },
	{ CR "{trigger: recurrence, when: {field: id, present: true}}\n", PM_ERR_MISSING,
	  2, 6, "custom_rules.r", "missing key \"points\"" },
	{ CR "{decisive: true, points: 5, when: {field: id, present: true}}\n", PM_ERR_VALUE,
	  2, 6, "custom_rules.r",
	  "a decisive rule makes the verdict required by itself and takes no trigger or points" },
	{ CR "{decisive: true, trigger: recurrence, when: {field: id, present: true}}\n",
	  PM_ERR_VALUE, 2, 6, "custom_rules.r", "takes no trigger or points" },
	{ CR "{trigger: recurrence, points: 5, scaled: true, cap: 0, when: {field: id, present: true}}\n",
	  PM_ERR_VALUE, 2, 58, "custom_rules.r.cap", "out of range" },
	{ CR "{decisive: true, when: {field: id, present: true}, colour: red}\n",
	  PM_ERR_UNKNOWN_KEY, 2, 57, "custom_rules.r.colour",
	  "expected one of trigger, decisive, points, scaled, cap, when, message, description, enabled" },

	/* conditions */
	{ CR "{decisive: true, when: {field: id, presnt: true}}\n", PM_ERR_UNKNOWN_KEY, 2, 41,
	  "custom_rules.r.when.presnt",
	  "unknown key \"presnt\" in a condition; did you mean \"present\"?" },
	{ CR "{decisive: true, when: {field: id, matches: x}}\n", PM_ERR_UNKNOWN_KEY, 2, 41,
	  "custom_rules.r.when.matches",
	  "expected field with one of present, absent, eq, ne, in, ge, gt, le, lt, or one of all, any, not" },
	{ CR "{decisive: true, when: {field: id, present: true, absent: true}}\n",
	  PM_ERR_VALUE, 2, 56, "custom_rules.r.when.absent",
	  "a condition has one operator; \"present\" was already given" },
	{ CR "{decisive: true, when: {present: true}}\n", PM_ERR_MISSING, 2, 29,
	  "custom_rules.r.when",
	  "missing key \"field\": the condition \"present\" needs the field it reads" },
	{ CR "{decisive: true, when: {field: id}}\n", PM_ERR_MISSING, 2, 29,
	  "custom_rules.r.when", "a condition needs an operator" },
	{ CR "{decisive: true, when: fix.reviewed}\n", PM_ERR_TYPE, 2, 29,
	  "custom_rules.r.when",
	  "expected a condition mapping such as {field: fix.reviewed, eq: false}, got \"fix.reviewed\"" },
	{ CR "{decisive: true, when: {field: servce, present: true}}\n", PM_ERR_VALUE, 2, 37,
	  "custom_rules.r.when.field",
	  "no field \"servce\" in the hotfix format; did you mean \"service\"?" },
	{ CR "{decisive: true, when: {field: blast_radius, present: true}}\n", PM_ERR_VALUE,
	  2, 37, "custom_rules.r.when.field",
	  "no field \"blast_radius\" in the hotfix format (see docs/format.md" },
	{ CR "{decisive: true, when: {field: impact, present: true}}\n", PM_ERR_VALUE, 2, 37,
	  "custom_rules.r.when.field",
	  "\"impact\" is a section; name one of its fields: impact.customer_facing, impact.users_affected" },
	{ CR "{decisive: true, when: {field: derived, present: true}}\n", PM_ERR_VALUE, 2, 37,
	  "custom_rules.r.when.field", "derived.similar_incidents" },
	{ CR "{decisive: true, when: {field: x-tier, present: true}}\n", PM_ERR_VALUE, 2, 37,
	  "custom_rules.r.when.field",
	  "\"x-tier\": x- extension keys are ignored by pmcheck and cannot be read by rules" },
	{ CR "{decisive: true, when: {field: impact.x-cost, present: true}}\n", PM_ERR_VALUE,
	  2, 37, "custom_rules.r.when.field", "x- extension keys are ignored" },
	{ CR "{decisive: true, when: {field: [service], present: true}}\n", PM_ERR_TYPE, 2, 37,
	  "custom_rules.r.when.field", "expected a field path such as impact.customer_facing" },
	{ CR "{decisive: true, when: {field: fix.reviewed, eq: \"yes\"}}\n", PM_ERR_TYPE, 2, 55,
	  "custom_rules.r.when.eq", "fix.reviewed is true or false; got \"yes\"" },
	{ CR "{decisive: true, when: {field: fix.reviewed, eq: yes}}\n", PM_ERR_TYPE, 2, 55,
	  "custom_rules.r.when.eq", "fix.reviewed is true or false; got \"yes\"" },
	/* A quoted "true" is a string, not a boolean. */
	{ CR "{decisive: true, when: {field: fix.reviewed, ne: \"true\"}}\n", PM_ERR_TYPE, 2, 55,
	  "custom_rules.r.when.ne", "fix.reviewed is true or false" },
	{ CR "{decisive: true, when: {field: impact.users_affected, eq: many}}\n", PM_ERR_TYPE,
	  2, 64, "custom_rules.r.when.eq", "impact.users_affected is a number; got \"many\"" },
	{ CR "{decisive: true, when: {field: service, eq: [a]}}\n", PM_ERR_TYPE, 2, 50,
	  "custom_rules.r.when.eq", "expected a value to compare with, got a list" },
	{ CR "{decisive: true, when: {field: service, eq: ~}}\n", PM_ERR_TYPE, 2, 50,
	  "custom_rules.r.when.eq", "got nothing" },
	{ CR "{decisive: true, when: {field: severity, eq: sev5}}\n", PM_ERR_VALUE, 2, 51,
	  "custom_rules.r.when.eq",
	  "severity has no value \"sev5\"; expected one of sev1, sev2, sev3, sev4" },
	{ CR "{decisive: true, when: {field: fix.type, in: [patch, hotpatch]}}\n", PM_ERR_VALUE,
	  2, 59, "custom_rules.r.when.in[1]", "fix.type has no value \"hotpatch\"" },
	{ CR "{decisive: true, when: {field: service, in: []}}\n", PM_ERR_TYPE, 2, 50,
	  "custom_rules.r.when.in", "expected a non-empty list of values, got an empty list" },
	{ CR "{decisive: true, when: {field: service, in: shop}}\n", PM_ERR_TYPE, 2, 50,
	  "custom_rules.r.when.in", "expected a non-empty list of values, got \"shop\"" },
	{ CR "{decisive: true, when: {field: started_at, eq: 2024-01-01}}\n", PM_ERR_VALUE,
	  2, 53, "custom_rules.r.when.eq",
	  "started_at cannot be compared with a value; use present, absent" },
	{ CR "{decisive: true, when: {field: teams, eq: sre}}\n", PM_ERR_VALUE, 2, 48,
	  "custom_rules.r.when.eq",
	  "teams cannot be compared with a value; use present, absent or a length (ge, le...)" },
	{ CR "{decisive: true, when: {field: service, ge: 3}}\n", PM_ERR_VALUE, 2, 46,
	  "custom_rules.r.when.ge",
	  "service is not a number or a list; ge compares numbers and list lengths" },
	{ CR "{decisive: true, when: {field: fix.reviewed, lt: 1}}\n", PM_ERR_VALUE, 2, 51,
	  "custom_rules.r.when.lt", "fix.reviewed is not a number or a list" },
	{ CR "{decisive: true, when: {field: impact.users_affected, ge: \"5\"}}\n", PM_ERR_TYPE,
	  2, 64, "custom_rules.r.when.ge", "expected a number, got the quoted string \"5\"" },
	{ CR "{decisive: true, when: {field: impact.users_affected, gt: lots}}\n", PM_ERR_TYPE,
	  2, 64, "custom_rules.r.when.gt", "expected a number, got \"lots\"" },
	{ CR "{decisive: true, when: {field: impact.users_affected, gt: 1e999}}\n", PM_ERR_TYPE,
	  2, 64, "custom_rules.r.when.gt", "expected a number" },
	{ CR "{decisive: true, when: {field: id, present: 1}}\n", PM_ERR_TYPE, 2, 50,
	  "custom_rules.r.when.present", "expected true or false, got \"1\"" },
	{ CR "{decisive: true, when: {all: []}}\n", PM_ERR_TYPE, 2, 35,
	  "custom_rules.r.when.all",
	  "expected a non-empty list of conditions, got an empty list" },
	{ CR "{decisive: true, when: {any: {field: id, present: true}}}\n", PM_ERR_TYPE, 2, 35,
	  "custom_rules.r.when.any", "expected a non-empty list of conditions, got a mapping" },
	{ CR "{decisive: true, when: {not: [{field: id, present: true}]}}\n", PM_ERR_TYPE, 2, 35,
	  "custom_rules.r.when.not", "expected a condition mapping" },
	{ CR "{decisive: true, when: {field: id, all: [{field: id, present: true}]}}\n",
	  PM_ERR_VALUE, 2, 30, "custom_rules.r.when.field",
	  "\"all\" combines conditions and takes no field; put the field in each condition" },
	/* Errors deep in a condition name the whole path. */
	{ "custom_rules:\n  r:\n    decisive: true\n    when:\n      any:\n"
	  "        - {field: service, present: true}\n"
	  "        - not: {field: fix.reviewd, eq: true}\n",
	  PM_ERR_VALUE, 7, 24, "custom_rules.r.when.any[1].not.field",
	  "did you mean \"fix.reviewed\"?" },

	/* phrase lists and deadlines */
	{ "blameful_phrases: [\"\"]\n", PM_ERR_TYPE, 1, 20, "blameful_phrases[0]",
	  "expected a non-empty string" },
	{ "vague_words: {a: b}\n", PM_ERR_TYPE, 1, 14, "vague_words",
	  "expected a list of strings, got a mapping" },
	{ "extra_vague_words: [ok, [x]]\n", PM_ERR_TYPE, 1, 25, "extra_vague_words[1]",
	  "expected a non-empty string, got a list" },
	{ "extra_blameful_phrases: ~\n", PM_ERR_TYPE, 1, 25, "extra_blameful_phrases",
	  "expected a list of strings, got nothing" },
	{ "postmortem_due_days: {sev5: 3}\n", PM_ERR_UNKNOWN_KEY, 1, 23,
	  "postmortem_due_days.sev5",
	  "unknown severity \"sev5\"; expected sev1, sev2, sev3 or sev4" },
	{ "postmortem_due_days: {critical: 3}\n", PM_ERR_UNKNOWN_KEY, 1, 23,
	  "postmortem_due_days.critical", "unknown severity" },
	{ "postmortem_due_days: {sev1: 366}\n", PM_ERR_VALUE, 1, 29,
	  "postmortem_due_days.sev1", "366 is out of range; expected an integer from 0 to 365" },
	{ "postmortem_due_days: {sev2: -1}\n", PM_ERR_VALUE, 1, 29,
	  "postmortem_due_days.sev2", "out of range" },
	{ "postmortem_due_days: [5, 7]\n", PM_ERR_TYPE, 1, 22, "postmortem_due_days",
	  "expected a mapping sev1..sev4: days, got a list" },

	/* YAML the configuration refuses as the hotfix format does */
	{ "rules: {seen_before: {points: 5}, seen_before: {points: 6}}\n",
	  PM_ERR_DUPLICATE_KEY, 1, 35, "rules.seen_before",
	  "duplicate key \"seen_before\" (first given on line 1)" },
	{ "fail_on: never\nfail_on: required\n", PM_ERR_DUPLICATE_KEY, 2, 1, "fail_on",
	  "duplicate key" },
	{ "rules: &a {seen_before: {points: 5}}\n", PM_ERR_STRUCTURE, 1, 8, "rules",
	  "anchors (&a) are not allowed" },
	{ "x-base: &b 5\nhistory_days: *b\n", PM_ERR_STRUCTURE, 1, 9, "x-base",
	  "anchors (&b) are not allowed" },
	{ "history_days: *b\n", PM_ERR_STRUCTURE, 1, 15, "history_days", "aliases (*b)" },
	{ "rules:\n\tseen_before: {points: 5}\n", PM_ERR_SYNTAX, 2, 1, "rules",
	  "YAML does not allow tabs" },
	{ "fail_on: never\n---\nfail_on: required\n", PM_ERR_STRUCTURE, 2, 1, "",
	  "a second document" },
	{ "fail_on: \"nev\xFFr\"\n", PM_ERR_ENCODING, 1, 14, "", "invalid UTF-8 byte 0xFF" },
	{ "history_days: !!int 5\n", PM_ERR_STRUCTURE, 1, 15, "history_days", "tags" },
};

static void
test_invalid_configs(void **state)
{
	(void)state;
	int failures = 0;
	for (size_t i = 0; i < sizeof(bad_configs) / sizeof(bad_configs[0]); i++) {
		const struct bad *b = &bad_configs[i];
		struct pm_config cfg;
		struct pm_error err;
		int rc = load(&cfg, b->yaml, &err);
		if (rc != -1 || err.code != b->code || err.line != b->line ||
		    err.column != b->column || strcmp(err.path, b->path) != 0 ||
		    strstr(err.message, b->message) == NULL) {
			print_error("case %zu (%s): got rc %d code %s at %u:%u path '%s': %s\n",
			            i, b->yaml, rc, pm_errcode_name(err.code), err.line,
			            err.column, err.path, err.message);
			failures++;
		}
		/* The source stays in the document for the caret snippet. */
		if (rc == -1 && err.line && cfg.doc.nlines < err.line) {
			print_error("case %zu: no source line %u for the snippet\n", i, err.line);
			failures++;
		}
		pm_config_free(&cfg);
	}
	assert_int_equal(failures, 0);
}

/* Values that look wrong but are allowed. */
static void
test_accepted_oddities(void **state)
{
	(void)state;
	static const char *const good[] = {
		/* eq true on a string field compares with the text "true". */
		CR "{decisive: true, when: {field: service, eq: true}}\n",
		/* Enum operands take any case and the aliases of the format. */
		CR "{decisive: true, when: {field: severity, in: [Critical, HIGH, sev3]}}\n",
		/* Numbers may be written as YAML writes them. */
		CR "{decisive: true, when: {field: impact.error_budget_used, ge: .5}}\n",
		CR "{decisive: true, when: {field: impact.users_affected, eq: 1e3}}\n",
		CR "{decisive: true, when: {field: components, lt: -1}}\n",
		/* present: false is absent. */
		CR "{decisive: true, when: {field: id, present: false}}\n",
		/* Computed facts can be read. */
		CR "{decisive: true, when: {field: derived.helping_teams, ge: 2}}\n",
		/* A single string is a list of one. */
		"extra_blameful_phrases: \"not my job\"\n",
		/* A rule entry may change nothing. */
		"rules: {seen_before: {}}\n",
		/* x- keys are ignored in conditions too. */
		CR "{decisive: true, when: {field: id, present: true, x-why: audit}}\n",
		/* A custom rule may be written disabled. */
		CR "{decisive: true, enabled: false, when: {field: id, present: true}}\n",
		/* decisive: false with a trigger is an ordinary rule. */
		CR "{decisive: false, trigger: recurrence, points: 0, when: {field: id, present: true}}\n",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct pm_config cfg;
		struct pm_error err;
		if (load(&cfg, good[i], &err) != 0)
			fail_msg("case %zu (%s): %u:%u %s: %s", i, good[i], err.line,
			         err.column, err.path, err.message);
		pm_config_free(&cfg);
	}

	struct pm_config cfg;
	load_ok(&cfg, CR "{decisive: true, when: {field: severity, in: [Critical, HIGH, sev3]}}\n");
	const struct pm_cond *c = &cfg.policy.rules[cfg.policy.nrules - 1].cond;
	assert_int_equal(c->op, PM_OP_IN);
	assert_string_equal(c->set[0], "sev1");
	assert_string_equal(c->set[1], "sev2");
	assert_string_equal(c->set[2], "sev3");
	assert_null(c->set[3]);
	pm_config_free(&cfg);

	load_ok(&cfg, CR "{decisive: true, when: {field: id, present: false}}\n");
	assert_int_equal(cfg.policy.rules[cfg.policy.nrules - 1].cond.op, PM_OP_ABSENT);
	pm_config_free(&cfg);
	load_ok(&cfg, CR "{decisive: true, when: {field: id, absent: false}}\n");
	assert_int_equal(cfg.policy.rules[cfg.policy.nrules - 1].cond.op, PM_OP_PRESENT);
	pm_config_free(&cfg);
}

/* ---- effects on a judgement --------------------------------------------- */

static const char risky_fix[] =
	"title: Flag flip for the checkout retry\n"
	"service: payments\n"
	"severity: sev3\n"
	"impact: {customer_facing: true}\n"
	"fix: {type: feature_flag, reviewed: false, tests_added: false}\n";

static void
test_threshold_and_points(void **state)
{
	(void)state;
	struct pm_hotfix hf;
	struct pm_report rep;

	/* By default: future_risk 20 + 25 + 15 = 60, stakeholder 30. */
	judge(&hf, &rep, pm_policy_default(), risky_fix);
	assert_int_equal(rep.triggers[PM_TRIGGER_FUTURE_RISK].score, 60);
	assert_true(rep.triggers[PM_TRIGGER_FUTURE_RISK].fired);
	assert_int_equal(rep.triggers[PM_TRIGGER_STAKEHOLDER].score, 30);
	assert_false(rep.triggers[PM_TRIGGER_STAKEHOLDER].fired);
	assert_int_equal(rep.verdict, PM_VERDICT_RECOMMENDED);
	pm_hotfix_free(&hf);

	struct pm_config cfg;
	load_ok(&cfg,
	    "triggers: {stakeholder: {threshold: 30}, future_risk: {threshold: 70}}\n"
	    "rules:\n"
	    "  not_reviewed: {points: 40, message: \"nobody read it ({value})\"}\n");
	judge(&hf, &rep, &cfg.policy, risky_fix);
	assert_int_equal(rep.triggers[PM_TRIGGER_STAKEHOLDER].threshold, 30);
	assert_true(rep.triggers[PM_TRIGGER_STAKEHOLDER].fired);
	assert_int_equal(rep.triggers[PM_TRIGGER_FUTURE_RISK].score, 75);
	assert_int_equal(rep.triggers[PM_TRIGGER_FUTURE_RISK].threshold, 70);
	assert_true(rep.triggers[PM_TRIGGER_FUTURE_RISK].fired);
	const struct pm_reason *r = find_reason(&rep, "not_reviewed");
	assert_non_null(r);
	assert_int_equal(r->points, 40);
	assert_string_equal(r->message, "nobody read it (false)");
	assert_string_equal(r->field, "fix.reviewed");
	assert_int_equal(r->pos.line, 5);
	assert_int_equal(rep.verdict, PM_VERDICT_REQUIRED);
	pm_hotfix_free(&hf);
	pm_config_free(&cfg);
}

static void
test_rule_disabled(void **state)
{
	(void)state;
	struct pm_hotfix hf;
	struct pm_report rep;
	struct pm_config cfg;
	load_ok(&cfg, "rules: {not_reviewed: {enabled: false}, sev1: {enabled: false}}\n");
	judge(&hf, &rep, &cfg.policy,
	      "title: t\nseverity: sev1\nfix: {reviewed: false}\n");
	assert_null(find_reason(&rep, "not_reviewed"));
	assert_null(find_reason(&rep, "sev1"));
	assert_int_equal(rep.ndecisive, 0);
	assert_int_equal(rep.triggers[PM_TRIGGER_FUTURE_RISK].score, 0);
	/* high_severity still counts. */
	assert_non_null(find_reason(&rep, "high_severity"));
	assert_int_equal(rep.verdict, PM_VERDICT_OPTIONAL);
	pm_hotfix_free(&hf);
	pm_config_free(&cfg);
}

static void
test_trigger_disabled(void **state)
{
	(void)state;
	struct pm_hotfix hf;
	struct pm_report rep;
	struct pm_config cfg;
	load_ok(&cfg, "triggers: {stakeholder: {enabled: false, threshold: 1}}\n");
	judge(&hf, &rep, &cfg.policy,
	      "title: t\nseverity: sev1\nimpact: {customer_facing: true, revenue: true,\n"
	      "  users_affected: 500000}\nstakeholders: {requested_by: [cfo]}\n");
	const struct pm_trigger_result *tr = &rep.triggers[PM_TRIGGER_STAKEHOLDER];
	assert_int_equal(tr->score, 0);
	assert_int_equal(tr->nreasons, 0);
	assert_false(tr->fired);
	assert_int_equal(rep.nfired, 0);
	/* Decisive rules belong to no trigger: sev1 still decides. */
	assert_non_null(find_reason(&rep, "sev1"));
	assert_int_equal(rep.verdict, PM_VERDICT_REQUIRED);
	pm_hotfix_free(&hf);
	pm_config_free(&cfg);
}

static void
test_custom_rules(void **state)
{
	(void)state;
	struct pm_hotfix hf;
	struct pm_report rep;
	struct pm_config cfg;
	load_ok(&cfg,
	    "custom_rules:\n"
	    "  payments_customer_facing:\n"
	    "    trigger: stakeholder\n"
	    "    points: 50\n"
	    "    when:\n"
	    "      all:\n"
	    "        - {field: service, eq: Payments}\n"
	    "        - {field: impact.customer_facing, eq: true}\n"
	    "    message: \"customer-facing {value} hotfix\"\n"
	    "  unreviewed:\n"
	    "    trigger: future_risk\n"
	    "    points: 10\n"
	    "    when: {not: {field: fix.reviewed, eq: true}}\n"
	    "  per_step:\n"
	    "    trigger: future_risk\n"
	    "    points: 7\n"
	    "    scaled: true\n"
	    "    cap: 10\n"
	    "    when: {field: fix.skipped_steps, ge: 1}\n");
	judge(&hf, &rep, &cfg.policy, risky_fix);
	const struct pm_trigger_result *sh = &rep.triggers[PM_TRIGGER_STAKEHOLDER];
	assert_int_equal(sh->score, 80);
	assert_true(sh->fired);
	/* A custom rule's reason comes after the built-in ones. */
	assert_string_equal(sh->reasons[sh->nreasons - 1].rule->id,
	                    "payments_customer_facing");
	assert_string_equal(sh->reasons[sh->nreasons - 1].message,
	                    "customer-facing payments hotfix");
	assert_string_equal(sh->reasons[sh->nreasons - 1].field, "service");
	assert_int_equal(sh->reasons[sh->nreasons - 1].pos.line, 2);
	/* NOT points at the field it looked at. */
	const struct pm_reason *r = find_reason(&rep, "unreviewed");
	assert_non_null(r);
	assert_string_equal(r->field, "fix.reviewed");
	assert_string_equal(r->message, "not fix.reviewed is true");
	assert_null(find_reason(&rep, "per_step"));
	assert_int_equal(rep.verdict, PM_VERDICT_REQUIRED);
	pm_hotfix_free(&hf);

	/* Scaled by list length, capped. */
	judge(&hf, &rep, &cfg.policy,
	      "title: t\nfix: {reviewed: true, skipped_steps: [qa, canary]}\n");
	r = find_reason(&rep, "per_step");
	assert_non_null(r);
	assert_int_equal(r->points, 10);
	assert_null(find_reason(&rep, "unreviewed"));
	pm_hotfix_free(&hf);
	pm_config_free(&cfg);
}

static void
test_decisive_added_and_removed(void **state)
{
	(void)state;
	struct pm_hotfix hf;
	struct pm_report rep;
	struct pm_config cfg;
	load_ok(&cfg,
	    "rules:\n"
	    "  sev1: {decisive: false, trigger: stakeholder, points: 20}\n"
	    "  regulatory: {decisive: true}\n"
	    "custom_rules:\n"
	    "  payments_data_repair:\n"
	    "    decisive: true\n"
	    "    when:\n"
	    "      all:\n"
	    "        - {field: fix.type, eq: data_repair}\n"
	    "        - {field: service, eq: payments}\n");

	/* sev1 now gives 20 stakeholder points (+30 high_severity): 50 fires,
	 * but one trigger alone only recommends. */
	judge(&hf, &rep, &cfg.policy, "title: t\nseverity: critical\n");
	assert_int_equal(rep.ndecisive, 0);
	const struct pm_reason *r = find_reason(&rep, "sev1");
	assert_non_null(r);
	assert_int_equal(r->points, 20);
	assert_int_equal(rep.triggers[PM_TRIGGER_STAKEHOLDER].score, 50);
	assert_int_equal(rep.verdict, PM_VERDICT_RECOMMENDED);
	pm_hotfix_free(&hf);

	judge(&hf, &rep, &cfg.policy, "title: t\nstakeholders: {regulatory: true}\n");
	assert_int_equal(rep.ndecisive, 1);
	assert_string_equal(rep.decisive[0].rule->id, "regulatory");
	assert_int_equal(rep.decisive[0].points, 0);
	assert_int_equal(rep.triggers[PM_TRIGGER_STAKEHOLDER].score, 0);
	assert_int_equal(rep.verdict, PM_VERDICT_REQUIRED);
	pm_hotfix_free(&hf);

	judge(&hf, &rep, &cfg.policy,
	      "title: t\nservice: payments\nfix: {type: data_repair}\n");
	assert_int_equal(rep.ndecisive, 1);
	assert_string_equal(rep.decisive[0].rule->id, "payments_data_repair");
	/* Without a message: the condition in words. */
	assert_string_equal(rep.decisive[0].message,
	                    "fix.type is data_repair and service is payments");
	assert_int_equal(rep.verdict, PM_VERDICT_REQUIRED);
	pm_hotfix_free(&hf);
	pm_config_free(&cfg);
}

static void
test_scaled_builtin_without_cap(void **state)
{
	(void)state;
	struct pm_hotfix hf;
	struct pm_report rep;
	struct pm_config cfg;
	/* A rule made scaled gets a cap of 100, not 0 points. */
	load_ok(&cfg, "rules: {several_teams: {scaled: true, points: 20}}\n"
	              "triggers: {cross_team: {threshold: 100}}\n");
	judge(&hf, &rep, &cfg.policy, "title: t\nteams: [a, b, c]\n");
	const struct pm_reason *r = find_reason(&rep, "several_teams");
	assert_non_null(r);
	assert_int_equal(r->points, 60);
	pm_hotfix_free(&hf);
	pm_config_free(&cfg);

	/* And a scaled rule made flat gives its points once. */
	load_ok(&cfg, "rules: {skipped_steps: {scaled: false}}\n");
	judge(&hf, &rep, &cfg.policy, "title: t\nfix: {skipped_steps: [qa, canary, staging]}\n");
	assert_int_equal(find_reason(&rep, "skipped_steps")->points, 20);
	pm_hotfix_free(&hf);
	pm_config_free(&cfg);
}

static void
test_phrases_and_due_days(void **state)
{
	(void)state;
	struct pm_hotfix hf;
	struct pm_report rep;
	struct pm_config cfg;
	static const char text[] =
	    "title: t\n"
	    "severity: sev2\n"
	    "resolved_at: 2024-02-01T10:00:00Z\n"
	    "summary: A cowboy deploy; human error, they say.\n"
	    "action_items:\n"
	    "  - {title: Poke at the retry logic, owner: ana, due: 2024-04-01, type: prevent}\n"
	    "  - {title: Investigate the cache, owner: ana, due: 2024-04-01, type: prevent}\n";

	judge(&hf, &rep, pm_policy_default(), text);
	assert_int_equal(count_notes(&rep, "blameful_wording"), 1);
	assert_int_equal(count_notes(&rep, "vague_action"), 1);
	/* sev2: 7 days after resolution. */
	assert_int_equal(rep.due_day, pm_days_from_civil(2024, 2, 8));
	pm_hotfix_free(&hf);

	/* Extending adds to the built-in lists. */
	load_ok(&cfg, "extra_blameful_phrases: [Cowboy Deploy]\n"
	              "extra_vague_words: [poke at]\n"
	              "postmortem_due_days: {sev2: 3}\n");
	judge(&hf, &rep, &cfg.policy, text);
	assert_int_equal(count_notes(&rep, "blameful_wording"), 2);
	assert_int_equal(count_notes(&rep, "vague_action"), 2);
	assert_int_equal(rep.due_day, pm_days_from_civil(2024, 2, 4));
	bool found = false;
	for (size_t i = 0; i < rep.nnotes; i++)
		if (strcmp(rep.notes[i].code, "blameful_wording") == 0 &&
		    rep.notes[i].pos.line == 4 && rep.notes[i].pos.column == 12)
			found = true;
	assert_true(found);
	pm_hotfix_free(&hf);
	pm_config_free(&cfg);

	/* Replacing drops the built-in phrases. */
	load_ok(&cfg, "blameful_phrases: [cowboy deploy]\nvague_words: [poke at]\n"
	              "postmortem_due_days: {sev2: 0}\n");
	judge(&hf, &rep, &cfg.policy, text);
	assert_int_equal(count_notes(&rep, "blameful_wording"), 1);
	assert_int_equal(count_notes(&rep, "vague_action"), 1);
	for (size_t i = 0; i < rep.nnotes; i++)
		if (strcmp(rep.notes[i].code, "blameful_wording") == 0)
			assert_int_equal(rep.notes[i].pos.column, 12);
	assert_int_equal(rep.due_day, pm_days_from_civil(2024, 2, 1));
	pm_hotfix_free(&hf);
	pm_config_free(&cfg);

	/* The lists a file sets are indexed once, when it is read, and so
	 * are the built-in ones; so are the messages of its rules. */
	load_ok(&cfg, "extra_blameful_phrases: [Cowboy Deploy]\n"
	              "custom_rules: {mine: {trigger: recurrence, points: 5,\n"
	              "  when: {field: title, present: true}, message: \"t {value}\"}}\n");
	struct pm_arena scratch;
	pm_arena_init(&scratch);
	assert_non_null(cfg.policy.blameful_index);
	assert_ptr_equal(pm_phrase_index_get(cfg.policy.blameful_index,
	                                     cfg.policy.blameful, &scratch),
	                 cfg.policy.blameful_index);
	assert_ptr_equal(pm_phrase_index_get(cfg.policy.vague_index,
	                                     cfg.policy.vague, &scratch),
	                 cfg.policy.vague_index);
	assert_int_equal(cfg.policy.nmessages, cfg.policy.nrules);
	judge(&hf, &rep, &cfg.policy, text);
	assert_int_equal(count_notes(&rep, "blameful_wording"), 2);
	assert_string_equal(find_reason(&rep, "mine")->message, "t t");
	pm_hotfix_free(&hf);
	pm_arena_free(&scratch);
	pm_config_free(&cfg);

	/* No phrases at all: no such notes. */
	load_ok(&cfg, "blameful_phrases: []\nvague_words: []\n");
	judge(&hf, &rep, &cfg.policy, text);
	assert_int_equal(count_notes(&rep, "blameful_wording"), 0);
	assert_int_equal(count_notes(&rep, "vague_action"), 0);
	pm_hotfix_free(&hf);
	pm_config_free(&cfg);
}

/* ---- --print-config read back ------------------------------------------- */

/* TEXT without its second line (the header line that names the file). */
static const char *
skip_name_line(const char *text)
{
	const char *nl = strchr(text, '\n');
	assert_non_null(nl);
	nl = strchr(nl + 1, '\n');
	assert_non_null(nl);
	return nl + 1;
}

static const char *const sample_hotfixes[] = {
	"title: trivial\nseverity: low\nfix: {type: patch, reviewed: true}\n",
	"title: risky\nservice: payments\nseverity: sev2\n"
	"impact: {customer_facing: true, users_affected: 4200, user_flows: [checkout],\n"
	"  error_budget_used: 0.12, data_loss: false}\n"
	"fix: {type: data_repair, reviewed: false, tests_added: false,\n"
	"  skipped_steps: [code_review, qa, canary, staging]}\n"
	"teams: [a, {name: b, role: responder}, {name: c, role: consulted}]\n"
	"components: [x, y, z, w]\n"
	"recurrence: {previous_occurrences: 4, related: [HF-1, HF-2, HF-3], permanent_fix: false}\n"
	"summary: human error by a careless deploy\n"
	"action_items: [{title: investigate things}]\n",
	"title: sev1\nseverity: critical\nkind: downtime\ndetected_by: customer\n"
	"root_cause: {known: false}\nstakeholders: {leadership: true, notified: [cto]}\n",
};

/* Prints CFG, reads the output back, and checks that it prints the same
 * apart from the name, and judges every sample the same. */
static void
check_round_trip(const struct pm_config *cfg, const char *what)
{
	struct pm_buf first = PM_BUF_INIT, second = PM_BUF_INIT;
	pm_config_print(&first, cfg);

	struct pm_config back;
	struct pm_error err;
	pm_config_init(&back);
	pm_error_clear(&err);
	if (pm_config_parse(&back, "printed.yaml", first.data, first.len, &err) != 0)
		fail_msg("%s: printed configuration does not read back: %u:%u %s: %s",
		         what, err.line, err.column, err.path, err.message);
	pm_config_print(&second, &back);
	if (strcmp(skip_name_line(first.data), skip_name_line(second.data)) != 0)
		fail_msg("%s: printed twice differently:\n%s\n----\n%s", what,
		         first.data, second.data);

	for (size_t i = 0; i < sizeof(sample_hotfixes) / sizeof(sample_hotfixes[0]); i++) {
		struct pm_hotfix a, b;
		struct pm_report ra, rb;
		struct pm_buf ja = PM_BUF_INIT, jb = PM_BUF_INIT;
		struct pm_render_opts opts = { .file = "h.yaml", .version = "test",
		                               .fail_on = PM_VERDICT_REQUIRED };
		judge(&a, &ra, &cfg->policy, sample_hotfixes[i]);
		judge(&b, &rb, &back.policy, sample_hotfixes[i]);
		pm_render_report(PM_FORMAT_JSON, &ja, &ra, &opts);
		pm_render_report(PM_FORMAT_JSON, &jb, &rb, &opts);
		pm_render_report(PM_FORMAT_MARKDOWN, &ja, &ra, &opts);
		pm_render_report(PM_FORMAT_MARKDOWN, &jb, &rb, &opts);
		if (strcmp(ja.data, jb.data) != 0)
			fail_msg("%s: sample %zu judged differently:\n%s\n----\n%s", what, i,
			         ja.data, jb.data);
		pm_buf_free(&ja);
		pm_buf_free(&jb);
		pm_hotfix_free(&a);
		pm_hotfix_free(&b);
	}
	pm_config_free(&back);
	pm_buf_free(&first);
	pm_buf_free(&second);
}

static void
test_print_round_trip(void **state)
{
	(void)state;
	static const char *const configs[] = {
		"",
		"fail_on: never\nhistory_days: 0\n"
		"triggers: {recurrence: {threshold: 1}, cross_team: {enabled: false}}\n",
		/* Every change a rule can take, incl. those the printer must spell
		 * out because leaving them out means the built-in value. */
		"rules:\n"
		"  sev1: {decisive: false, trigger: stakeholder, points: 20}\n"
		"  related_incidents: {scaled: false}\n"
		"  customer_facing: {scaled: true}\n"
		"  leadership: {decisive: true}\n"
		"  not_reviewed: {enabled: false, message: \"\\\"quoted\\\" \\\\ and\\ttab\"}\n"
		"  seen_before: {when: {field: recurrence.previous_occurrences, gt: 0.5}}\n",
		"custom_rules:\n"
		"  a: {trigger: recurrence, points: 5, when: {not: {any: [\n"
		"      {field: severity, in: [Critical, low]},\n"
		"      {all: [{field: impact.users_affected, le: 1e3},\n"
		"             {field: service, eq: \"true\"},\n"
		"             {field: impact.error_budget_used, lt: 0.125}]}]}}}\n"
		"  b: {decisive: true, when: {field: fix.skipped_steps, in: [\"qa\", \"a: b\", \"#x\"]}}\n"
		"  c: {trigger: future_risk, points: 3, scaled: true, when: {field: components, ge: 2},\n"
		"      message: \"{count} part{s}: {value} ({percent})\", enabled: false}\n"
		"  d: {trigger: stakeholder, points: 1, when: {field: fix.reviewed, present: false},\n"
		"      description: \"line\\nbreaks \\x01 \\N \\L \\P and \\u00e9\"}\n",
		"blameful_phrases: []\nextra_vague_words: [\"it's\", \"{x}\", \"- y\"]\n"
		"postmortem_due_days: {sev1: 0, sev2: 1, sev3: 2, sev4: 365}\n",
	};
	for (size_t i = 0; i < sizeof(configs) / sizeof(configs[0]); i++) {
		struct pm_config cfg;
		load_ok(&cfg, configs[i]);
		char what[32];
		snprintf(what, sizeof(what), "config %zu", i);
		check_round_trip(&cfg, what);
		pm_config_free(&cfg);
	}

	/* The defaults without a file, and the worked example. */
	struct pm_config cfg;
	pm_config_init(&cfg);
	check_round_trip(&cfg, "no file");
	struct pm_buf out = PM_BUF_INIT;
	pm_config_print(&out, &cfg);
	assert_non_null(strstr(out.data, "defaults with no configuration file."));
	assert_non_null(strstr(out.data, "\nfail_on: required\n"));
	assert_non_null(strstr(out.data, "\nhistory: []\n"));
	assert_non_null(strstr(out.data, "\nhistory_days: 180\n"));
	assert_non_null(strstr(out.data, "\ncustom_rules: {}\n"));
	pm_buf_free(&out);
	pm_config_free(&cfg);

	struct pm_error err;
	pm_config_init(&cfg);
	pm_error_clear(&err);
	if (pm_config_load(&cfg, "examples/.pmcheck.yaml", &err) != 0)
		fail_msg("examples/.pmcheck.yaml: %u:%u %s", err.line, err.column, err.message);
	check_round_trip(&cfg, "examples/.pmcheck.yaml");
	pm_config_free(&cfg);
}

static void
test_print_spells_out_changes(void **state)
{
	(void)state;
	struct pm_config cfg;
	load_ok(&cfg,
	    "rules:\n"
	    "  sev1: {decisive: false, trigger: stakeholder, points: 20}\n"
	    "  related_incidents: {scaled: false}\n"
	    "  not_reviewed: {message: \"a\\u0085b\"}\n");
	struct pm_buf out = PM_BUF_INIT;
	pm_config_print(&out, &cfg);
	assert_non_null(strstr(out.data, "  sev1:\n    decisive: false\n"
	                                 "    trigger: stakeholder\n    points: 20\n"));
	assert_non_null(strstr(out.data, "  related_incidents:\n    trigger: recurrence\n"
	                                 "    points: 20\n    scaled: false\n"));
	assert_non_null(strstr(out.data, "    message: \"a\\Nb\"\n"));
	/* Names in the header cannot break out of the comment. */
	pm_buf_clear(&out);
	cfg.path = "evil\nfail_on: never";
	pm_config_print(&out, &cfg);
	assert_non_null(strstr(out.data, "changed by evil?fail_on: never.\n"));
	pm_buf_free(&out);
	pm_config_free(&cfg);
}

/* ---- --list-rules ------------------------------------------------------- */

/* The line of OUT that starts with "ID " (NUL-terminated copy in BUF). */
static const char *
rule_line(const char *out, const char *id, char *buf, size_t size)
{
	size_t len = strlen(id);
	for (const char *s = out; s && *s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : NULL) {
		if (strncmp(s, id, len) == 0 && s[len] == ' ') {
			size_t n = strcspn(s, "\n");
			snprintf(buf, size, "%.*s", (int)n, s);
			return buf;
		}
	}
	fail_msg("no line for %s in:\n%s", id, out);
	return NULL;
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static void
test_list_rules(void **state)
{
	(void)state;
	struct pm_config cfg;
	struct pm_buf out = PM_BUF_INIT;
	char line[300];

	pm_config_init(&cfg);
	pm_config_list_rules(&out, &cfg);
	assert_true(strncmp(out.data, "# built-in rules, no configuration file\n"
	                    "rule ", 45) == 0);
	assert_null(strstr(out.data, "["));
	assert_null(strstr(out.data, "# trigger"));
	rule_line(out.data, "skipped_steps", line, sizeof(line));
	assert_non_null(strstr(line, "  future_risk  "));
	assert_non_null(strstr(line, "20 each, max 60"));
	assert_true(ends_with(line, "fix.skipped_steps is not empty"));
	rule_line(out.data, "data_loss", line, sizeof(line));
	assert_non_null(strstr(line, "  decisive  "));
	assert_true(ends_with(line, "impact.data_loss is true"));
	pm_config_free(&cfg);

	load_ok(&cfg,
	    "triggers: {cross_team: {enabled: false}, future_risk: {threshold: 40}}\n"
	    "rules:\n"
	    "  monitoring_missed: {points: 30}\n"
	    "  seen_before: {enabled: false}\n"
	    "  customer_facing: {enabled: false, points: 5}\n"
	    "  data_loss: {description: \"Changed words only.\"}\n"
	    "custom_rules:\n"
	    "  mine: {trigger: recurrence, points: 5, when: {field: id, present: true}}\n"
	    "  off: {decisive: true, enabled: false, when: {field: id, absent: true}}\n");
	pm_buf_clear(&out);
	pm_config_list_rules(&out, &cfg);
	assert_true(strncmp(out.data, "# built-in rules, changed by team/.pmcheck.yaml\n",
	                    48) == 0);
	assert_true(ends_with(rule_line(out.data, "monitoring_missed", line, sizeof(line)),
	                      "  [changed]"));
	assert_true(ends_with(rule_line(out.data, "seen_before", line, sizeof(line)),
	                      "  [disabled]"));
	assert_true(ends_with(rule_line(out.data, "customer_facing", line, sizeof(line)),
	                      "  [changed, disabled]"));
	/* Rules of a disabled trigger are disabled with it. */
	assert_true(ends_with(rule_line(out.data, "several_teams", line, sizeof(line)),
	                      "  [disabled]"));
	assert_true(ends_with(rule_line(out.data, "mine", line, sizeof(line)),
	                      "id is given  [added]"));
	assert_true(ends_with(rule_line(out.data, "off", line, sizeof(line)),
	                      "id is not given  [added, disabled]"));
	/* Custom rules are listed last. */
	assert_true(strstr(out.data, "\nmine ") > strstr(out.data, "\nerror_budget_20pct "));
	/* A description is no change of what the rule does. */
	assert_true(ends_with(rule_line(out.data, "data_loss", line, sizeof(line)),
	                      "impact.data_loss is true"));
	assert_true(ends_with(rule_line(out.data, "seen_often", line, sizeof(line)),
	                      "recurrence.previous_occurrences >= 3"));
	assert_non_null(strstr(out.data, "\n# trigger cross_team: threshold 50, disabled\n"
	                                 "# trigger future_risk: threshold 40\n"));
	pm_buf_free(&out);
	pm_config_free(&cfg);

	/* The points column widens for "30 each, max 100". */
	load_ok(&cfg, "rules: {skipped_steps: {points: 30, cap: 100}}\n");
	pm_config_list_rules(&out, &cfg);
	assert_non_null(strstr(rule_line(out.data, "skipped_steps", line, sizeof(line)),
	                       "  future_risk  30 each, max 100  fix.skipped_steps is not empty"));
	assert_non_null(strstr(rule_line(out.data, "seen_before", line, sizeof(line)),
	                       "  recurrence   50                recurrence.previous_occurrences >= 1"));
	assert_non_null(strstr(out.data, "  points            checks\n"));
	pm_buf_free(&out);
	pm_config_free(&cfg);
}

/* ---- conditions --------------------------------------------------------- */

/* Evaluates the condition WHEN (YAML) of a custom rule on HF. */
static bool
holds(const struct pm_hotfix *hf, const char *when, struct pm_match *m)
{
	char yaml[1024];
	snprintf(yaml, sizeof(yaml),
	         "custom_rules:\n  r: {decisive: true, when: %s}\n", when);
	struct pm_config cfg;
	load_ok(&cfg, yaml);
	struct pm_match tmp;
	bool ok = pm_cond_eval(&cfg.policy.rules[cfg.policy.nrules - 1].cond, hf,
	                       (struct pm_arena *)&hf->arena, m ? m : &tmp);
	/* The match's strings live in the hotfix arena, the field path in the
	 * schema: both outlive the configuration. */
	pm_config_free(&cfg);
	return ok;
}

static void
test_cond_eval(void **state)
{
	(void)state;
	struct pm_hotfix hf;
	struct pm_report rep;
	judge(&hf, &rep, pm_policy_default(),
	      "title: t\n"
	      "service: Payments\n"
	      "severity: high\n"
	      "components: [api, db, cache]\n"
	      "detected_by: customer\n"
	      "impact: {users_affected: 1, error_budget_used: 0.1, revenue: false}\n"
	      "fix: {skipped_steps: [qa, staging], reviewed: false}\n"
	      "teams: [a, {name: b, role: responder}]\n");
	static const struct {
		const char *when;
		bool expect;
	} cases[] = {
		/* present / absent, on scalars and lists */
		{ "{field: service, present: true}", true },
		{ "{field: summary, present: true}", false },
		{ "{field: summary, absent: true}", true },
		{ "{field: summary, present: false}", true },
		{ "{field: fix.risks, absent: true}", true },
		{ "{field: fix.skipped_steps, absent: true}", false },
		{ "{field: derived.similar_incidents, present: true}", false },
		/* eq / ne: text without regard to case, enums canonical */
		{ "{field: service, eq: payments}", true },
		{ "{field: service, eq: PAYMENTS}", true },
		{ "{field: service, ne: payments}", false },
		{ "{field: service, ne: billing}", true },
		{ "{field: summary, ne: x}", false },
		{ "{field: severity, eq: sev2}", true },
		{ "{field: severity, eq: high}", true },
		{ "{field: severity, eq: High}", true },
		{ "{field: severity, ne: critical}", true },
		{ "{field: detected_by, ne: monitoring}", true },
		{ "{field: fix.reviewed, eq: false}", true },
		{ "{field: fix.reviewed, eq: true}", false },
		{ "{field: impact.revenue, ne: true}", true },
		{ "{field: fix.tests_added, eq: false}", false },
		{ "{field: fix.tests_added, ne: false}", false },
		/* numbers compare by value: 1 equals 1.0 and 1e0 */
		{ "{field: impact.users_affected, eq: 1}", true },
		{ "{field: impact.users_affected, eq: 1.0}", true },
		{ "{field: impact.users_affected, eq: 1e0}", true },
		{ "{field: impact.users_affected, ne: 1.0}", false },
		{ "{field: impact.error_budget_used, eq: 0.10}", true },
		{ "{field: impact.users_affected, eq: 2}", false },
		/* lists: eq means "includes", ne "lacks" */
		{ "{field: fix.skipped_steps, eq: QA}", true },
		{ "{field: fix.skipped_steps, ne: qa}", false },
		{ "{field: fix.skipped_steps, ne: canary}", true },
		{ "{field: components, in: [db, queue]}", true },
		{ "{field: components, in: [queue]}", false },
		/* in on scalars and enums */
		{ "{field: severity, in: [critical, high]}", true },
		{ "{field: severity, in: [sev1, sev3]}", false },
		{ "{field: service, in: [billing, payments]}", true },
		{ "{field: summary, in: [x]}", false },
		/* numbers and list lengths */
		{ "{field: impact.users_affected, ge: 1}", true },
		{ "{field: impact.users_affected, gt: 1}", false },
		{ "{field: impact.users_affected, le: 1}", true },
		{ "{field: impact.users_affected, lt: 1}", false },
		{ "{field: impact.error_budget_used, ge: 0.1}", true },
		{ "{field: impact.error_budget_used, gt: 0.1}", false },
		{ "{field: impact.error_budget_used, lt: 0.2}", true },
		{ "{field: components, ge: 3}", true },
		{ "{field: components, gt: 3}", false },
		{ "{field: components, lt: 4}", true },
		{ "{field: components, le: 2}", false },
		{ "{field: teams, ge: 2}", true },
		{ "{field: derived.helping_teams, ge: 1}", true },
		/* an absent value is neither big nor small */
		{ "{field: recurrence.previous_occurrences, lt: 1}", false },
		{ "{field: recurrence.previous_occurrences, ge: 0}", false },
		/* an empty list has length 0 but is absent */
		{ "{field: fix.risks, lt: 1}", false },
		/* all / any / not, nested */
		{ "{all: [{field: service, present: true}, {field: components, ge: 3}]}", true },
		{ "{all: [{field: service, present: true}, {field: components, ge: 4}]}", false },
		{ "{any: [{field: summary, present: true}, {field: components, ge: 4}]}", false },
		{ "{any: [{field: summary, present: true}, {field: components, ge: 3}]}", true },
		{ "{not: {field: summary, present: true}}", true },
		{ "{not: {field: service, present: true}}", false },
		{ "{not: {not: {field: service, present: true}}}", true },
		{ "{not: {field: fix.tests_added, eq: true}}", true },
		{ "{not: {any: [{field: severity, eq: sev1}, {field: kind, eq: downtime}]}}", true },
		{ "{any: [{not: {field: service, present: true}},"
		  " {all: [{field: severity, in: [sev2]}, {not: {field: fix.reviewed, eq: true}}]}]}",
		  true },
		{ "{all: [{any: [{field: summary, present: true}, {field: id, present: true}]},"
		  " {field: service, present: true}]}", false },
		/* kind has a default: hotfix */
		{ "{field: kind, eq: hotfix}", true },
	};
	int failures = 0;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (holds(&hf, cases[i].when, NULL) != cases[i].expect) {
			print_error("case %zu: %s is not %s\n", i, cases[i].when,
			            cases[i].expect ? "true" : "false");
			failures++;
		}
	assert_int_equal(failures, 0);

	/* What a match points at. */
	struct pm_match m;
	assert_true(holds(&hf, "{field: components, in: [cache, api]}", &m));
	assert_string_equal(m.field, "components");
	assert_string_equal(m.text, "api, cache");
	assert_int_equal(m.count, 2);
	assert_true(holds(&hf, "{field: components, ge: 2}", &m));
	assert_string_equal(m.text, "api, db, cache");
	assert_int_equal(m.count, 3);
	assert_int_equal(m.value->pos.line, 4);
	assert_true(holds(&hf, "{field: severity, eq: high}", &m));
	assert_string_equal(m.text, "sev2");
	assert_true(holds(&hf, "{any: [{field: summary, present: true}, "
	                       "{field: detected_by, ne: monitoring}]}", &m));
	assert_string_equal(m.field, "detected_by");
	assert_string_equal(m.text, "customer");
	assert_true(holds(&hf, "{all: [{field: impact.users_affected, ge: 1}, "
	                       "{field: service, present: true}]}", &m));
	assert_string_equal(m.field, "impact.users_affected");
	assert_int_equal(m.count, 1);
	/* NOT on an absent field points at the field, without a value. */
	assert_true(holds(&hf, "{not: {field: summary, present: true}}", &m));
	assert_string_equal(m.field, "summary");
	assert_null(m.value);
	assert_true(holds(&hf, "{not: {all: [{field: service, eq: billing}]}}", &m));
	assert_string_equal(m.field, "service");
	assert_string_equal(m.text, "Payments");
	pm_hotfix_free(&hf);

	/* ALL and ANY of nothing never hold (the loader refuses them). */
	struct pm_cond empty_all = { .op = PM_OP_ALL };
	struct pm_cond empty_any = { .op = PM_OP_ANY };
	struct pm_cond empty_not = { .op = PM_OP_NOT };
	judge(&hf, &rep, pm_policy_default(), "title: t\n");
	assert_false(pm_cond_eval(&empty_all, &hf, &hf.arena, NULL));
	assert_false(pm_cond_eval(&empty_any, &hf, &hf.arena, NULL));
	assert_false(pm_cond_eval(&empty_not, &hf, &hf.arena, NULL));
	pm_hotfix_free(&hf);
}

static void
test_cond_describe(void **state)
{
	(void)state;
	static const struct {
		const char *when;
		const char *words;
	} cases[] = {
		{ "{field: service, present: true}", "service is given" },
		{ "{field: service, absent: true}", "service is not given" },
		{ "{field: components, present: true}", "components is not empty" },
		{ "{field: components, absent: true}", "components is empty" },
		{ "{field: service, eq: shop}", "service is shop" },
		{ "{field: service, ne: shop}", "service is not shop" },
		{ "{field: components, eq: db}", "components includes db" },
		{ "{field: components, ne: db}", "components lacks db" },
		{ "{field: severity, in: [critical, low]}", "severity is one of sev1, sev4" },
		{ "{field: components, in: [a, b]}", "components includes one of a, b" },
		{ "{field: impact.users_affected, ge: 1000}", "impact.users_affected >= 1000" },
		{ "{field: impact.error_budget_used, gt: 0.1}", "impact.error_budget_used > 0.1" },
		{ "{field: impact.users_affected, le: 5}", "impact.users_affected <= 5" },
		{ "{field: impact.users_affected, lt: 5}", "impact.users_affected < 5" },
		{ "{field: teams, ge: 1}", "teams has at least 1 item" },
		{ "{field: teams, gt: 2}", "teams has more than 2 items" },
		{ "{field: teams, le: 3}", "teams has at most 3 items" },
		{ "{field: teams, lt: 2}", "teams has fewer than 2 items" },
		{ "{not: {field: fix.reviewed, eq: true}}", "not fix.reviewed is true" },
		{ "{all: [{field: service, eq: a}, {any: [{field: kind, eq: downtime},"
		  " {not: {field: id, present: true}}]}]}",
		  "service is a and (kind is downtime or not id is given)" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char yaml[512];
		snprintf(yaml, sizeof(yaml),
		         "custom_rules:\n  r: {decisive: true, when: %s}\n", cases[i].when);
		struct pm_config cfg;
		load_ok(&cfg, yaml);
		struct pm_buf b = PM_BUF_INIT;
		pm_cond_describe(&b, &cfg.policy.rules[cfg.policy.nrules - 1].cond);
		if (strcmp(b.data, cases[i].words) != 0)
			fail_msg("case %zu: \"%s\", expected \"%s\"", i, b.data, cases[i].words);
		pm_buf_free(&b);
		pm_config_free(&cfg);
	}
}

/* ---- discovery ---------------------------------------------------------- */

static void
touch(const char *path)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("pmcheck: 1\n", f);
	fclose(f);
}

static void
test_config_find(void **state)
{
	(void)state;
	char old[4096];
	assert_non_null(getcwd(old, sizeof(old)));
	char root[] = "/tmp/pmcheck-find.XXXXXX";
	assert_non_null(mkdtemp(root));
	assert_int_equal(chdir(root), 0);
	assert_int_equal(mkdir("a", 0700), 0);
	assert_int_equal(mkdir("a/b", 0700), 0);
	assert_int_equal(mkdir("a/b/c", 0700), 0);
	touch(".pmcheck.yaml");

	/* In the working directory. */
	char *found = pm_config_find();
	assert_string_equal(found, ".pmcheck.yaml");
	free(found);

	/* From three levels down, the nearest one wins. */
	assert_int_equal(chdir("a/b/c"), 0);
	found = pm_config_find();
	assert_string_equal(found, "../../../.pmcheck.yaml");
	free(found);
	touch("../.pmcheck.yaml");
	found = pm_config_find();
	assert_string_equal(found, "../.pmcheck.yaml");
	free(found);

	/* A directory of that name is not a configuration. */
	assert_int_equal(mkdir(".pmcheck.yaml", 0700), 0);
	found = pm_config_find();
	assert_string_equal(found, "../.pmcheck.yaml");
	free(found);

	/* pm_config_load reads what was found, errors with the name. */
	struct pm_config cfg;
	struct pm_error err;
	pm_config_init(&cfg);
	pm_error_clear(&err);
	assert_int_equal(pm_config_load(&cfg, "../.pmcheck.yaml", &err), 0);
	assert_string_equal(cfg.path, "../.pmcheck.yaml");
	pm_config_free(&cfg);
	pm_config_init(&cfg);
	assert_int_equal(pm_config_load(&cfg, "nope.yaml", &err), -1);
	assert_int_equal(err.code, PM_ERR_IO);
	assert_int_equal(err.line, 0);
	pm_config_free(&cfg);

	assert_int_equal(rmdir(".pmcheck.yaml"), 0);
	assert_int_equal(unlink("../.pmcheck.yaml"), 0);
	assert_int_equal(chdir(root), 0);
	assert_int_equal(unlink(".pmcheck.yaml"), 0);
	assert_int_equal(rmdir("a/b/c"), 0);
	assert_int_equal(rmdir("a/b"), 0);
	assert_int_equal(rmdir("a"), 0);
	assert_int_equal(chdir(old), 0);
	assert_int_equal(rmdir(root), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_file_is_defaults),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_list_order_and_paths),
		cmocka_unit_test(test_invalid_configs),
		cmocka_unit_test(test_accepted_oddities),
		cmocka_unit_test(test_threshold_and_points),
		cmocka_unit_test(test_rule_disabled),
		cmocka_unit_test(test_trigger_disabled),
		cmocka_unit_test(test_custom_rules),
		cmocka_unit_test(test_decisive_added_and_removed),
		cmocka_unit_test(test_scaled_builtin_without_cap),
		cmocka_unit_test(test_phrases_and_due_days),
		cmocka_unit_test(test_print_round_trip),
		cmocka_unit_test(test_print_spells_out_changes),
		cmocka_unit_test(test_list_rules),
		cmocka_unit_test(test_cond_eval),
		cmocka_unit_test(test_cond_describe),
		cmocka_unit_test(test_config_find),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
