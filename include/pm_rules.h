/*
 * The policy as data: rules, thresholds, decisive signals, phrase lists and
 * post-mortem deadlines.  A rule is {id, trigger, condition, points, message};
 * its condition reads input fields by dotted path, so rules can come from a
 * table in this binary or, later, from a configuration file.
 */
#ifndef PM_RULES_H
#define PM_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "pm_model.h"

enum pm_trigger {
	PM_TRIGGER_RECURRENCE,
	PM_TRIGGER_CROSS_TEAM,
	PM_TRIGGER_FUTURE_RISK,
	PM_TRIGGER_STAKEHOLDER,
	PM_TRIGGER_COUNT
};

enum pm_op {
	PM_OP_NONE,
	PM_OP_PRESENT,   /* the field has a value (lists: at least one item) */
	PM_OP_ABSENT,
	PM_OP_EQ,        /* value, as text, equals STR (case-insensitive) */
	PM_OP_NE,        /* present and not equal */
	PM_OP_IN,        /* scalar: value is one of SET; list: some item is */
	PM_OP_GE,        /* numeric value (or list length) >= NUM */
	PM_OP_GT,
	PM_OP_LE,
	PM_OP_LT,
	/* Made of other conditions: these come last. */
	PM_OP_ALL,       /* every SUB holds */
	PM_OP_ANY,       /* at least one SUB holds */
	PM_OP_NOT        /* SUB[0] does not hold */
};

struct pm_cond {
	enum pm_op op;
	const char *field;               /* dotted path */
	enum pm_field fid;               /* FIELD resolved, or PM_F_NONE: then
	                                  * looked up by path on every use */
	const char *str;                 /* EQ, NE */
	double num;                      /* GE, GT, LE, LT */
	const char *const *set;          /* IN: NULL-terminated */
	const struct pm_cond *sub;       /* ALL, ANY */
	size_t nsub;
};

struct pm_rule {
	const char *id;
	enum pm_trigger trigger;         /* ignored when decisive */
	bool decisive;                   /* makes the verdict "required" alone */
	int points;                      /* per unit when SCALED */
	bool scaled;                     /* points x (list length or integer value) */
	int cap;                         /* SCALED: at most this many points */
	struct pm_cond cond;
	/* A sentence for people.  "{value}" becomes the value that matched,
	 * "{count}" the list length or integer, "{percent}" a fraction as a
	 * percentage, "{s}" an "s" unless {count} is 1. */
	const char *message;
	const char *doc;                 /* why the rule exists, for docs */
	bool disabled;                   /* never evaluated */
};

/* A phrase list made ready for the search of review notes (notes.c). */
struct pm_phrase_index;
/* A rule's message split at its placeholders (rules.c). */
struct pm_message;

struct pm_policy {
	const struct pm_rule *rules;
	size_t nrules;
	int threshold[PM_TRIGGER_COUNT];
	bool trigger_disabled[PM_TRIGGER_COUNT];   /* never fires */
	const char *const *blameful;     /* NULL-terminated phrases */
	const char *const *vague;        /* words that make an action item vague */
	int due_days[5];                 /* post-mortem deadline by severity, [1..4] */
	/* Made once by pm_policy_prepare, so that judging does not redo it
	 * for every input: BLAMEFUL and VAGUE indexed for the search, and
	 * the messages of RULES split at their placeholders (NMESSAGES of
	 * them, in the order of RULES).  Whatever is missing, or was made
	 * from another list or message, is made again for every report. */
	const struct pm_phrase_index *blameful_index;
	const struct pm_phrase_index *vague_index;
	const struct pm_message *const *messages;
	size_t nmessages;
};

/* The policy built into the binary, not prepared: a program that judges
 * many inputs uses a copy that pm_policy_prepare made ready (as
 * pm_config_init does). */
const struct pm_policy *pm_policy_default(void);

/*
 * Makes POLICY ready for judging: indexes its phrase lists and splits its
 * messages, in ARENA, unless that is done already.  Call it after the
 * last change to POLICY and before judging; POLICY is then only read, so
 * any number of threads may judge with it at once.
 */
void pm_policy_prepare(struct pm_policy *policy, struct pm_arena *arena);

/* INDEX if it was built from the list PHRASES itself, else a new index of
 * PHRASES (NULL-terminated, or NULL for none) built in ARENA. */
const struct pm_phrase_index *pm_phrase_index_get(
    const struct pm_phrase_index *index, const char *const *phrases,
    struct pm_arena *arena);

/* The trigger named ID, or -1. */
int pm_trigger_find(const char *id);

/* "recurrence", "cross_team", "future_risk", "stakeholder". */
const char *pm_trigger_id(enum pm_trigger t);
/* "Recurrence", "Cross-team", "Future risk", "Stakeholder". */
const char *pm_trigger_title(enum pm_trigger t);

/* What a matched condition points at: the leaf field, its value and where. */
struct pm_match {
	const char *field;               /* dotted path of the leaf that matched */
	const struct pm_value *value;
	const char *text;                /* matched items or value as text (arena) */
	int64_t count;                   /* list length or integer value */
};

/* Evaluates COND on HF.  On a match fills M (may be NULL) and returns true.
 * Strings for M come from ARENA. */
bool pm_cond_eval(const struct pm_cond *cond, const struct pm_hotfix *hf,
                  struct pm_arena *arena, struct pm_match *m);

#endif
