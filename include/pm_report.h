/*
 * Model + policy -> report: trigger scores with every contribution, decisive
 * signals, the verdict, review notes and derived facts (post-mortem due date).
 * Renderers read only the report and the hotfix it points to.
 */
#ifndef PM_REPORT_H
#define PM_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "pm_model.h"
#include "pm_rules.h"

enum pm_verdict {
	PM_VERDICT_NONE,
	PM_VERDICT_OPTIONAL,
	PM_VERDICT_RECOMMENDED,
	PM_VERDICT_REQUIRED
};

/* One rule that contributed (or, for decisive rules, that held). */
struct pm_reason {
	const struct pm_rule *rule;
	int points;
	const char *field;               /* dotted path of the value */
	const char *value;               /* the value as text */
	const char *message;             /* the rule's sentence, filled in */
	struct pm_pos pos;               /* line 0: default or derived */
};

struct pm_trigger_result {
	enum pm_trigger id;
	int score;                       /* 0..100, capped sum of points */
	int threshold;
	bool fired;
	bool disabled;                   /* turned off by the configuration */
	struct pm_reason *reasons;
	size_t nreasons;
};

struct pm_note {
	const char *code;                /* "blameful_wording", ... */
	const char *severity;            /* "warning" */
	const char *message;
	const char *field;               /* dotted path, with [i] for list entries */
	struct pm_pos pos;
};

struct pm_report {
	const struct pm_hotfix *hf;
	enum pm_verdict verdict;
	struct pm_trigger_result triggers[PM_TRIGGER_COUNT];
	struct pm_reason *decisive;
	size_t ndecisive;
	size_t nfired;
	struct pm_note *notes;
	size_t nnotes;
	bool has_due;                    /* post-mortem due date known */
	int64_t due_day;                 /* days since epoch */
	bool due_from_input;             /* postmortem.due was written */
	struct pm_pos due_pos;           /* the date the due day comes from */
	bool satisfied;                  /* postmortem.link or postmortem.waived given */
};

/*
 * Judges HF under POLICY.  TODAY (days since epoch) dates the review notes.
 * All memory comes from HF's arena and lives as long as HF's values, but
 * for the policy's own strings (rules, field paths, messages with nothing
 * to fill in), which the report points to.
 */
void pm_report_build(struct pm_report *rep, const struct pm_hotfix *hf,
                     const struct pm_policy *policy, int64_t today);

/* Review notes only (called by pm_report_build). */
void pm_notes_build(struct pm_report *rep, const struct pm_policy *policy,
                    int64_t today);

/*
 * Numbers in reasons and notes, written for every report, so mostly
 * without printf, which costs more than the text itself: an integer as
 * "%lld" writes it, in BUF of PM_DECIMAL_SIZE bytes; a number as "%g"
 * writes it, in BUF of PM_NUMBER_SIZE bytes.  Both return where the text
 * starts in BUF.
 */
#define PM_DECIMAL_SIZE 24
#define PM_NUMBER_SIZE 32
const char *pm_report_decimal(char *buf, int64_t v);
const char *pm_report_number(char *buf, double v);

/* "optional", "recommended", "required". */
const char *pm_verdict_name(enum pm_verdict v);

#endif
