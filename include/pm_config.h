/*
 * The configuration file: a team's policy as data.  A configuration starts
 * as a copy of the built-in policy (rules.c) and a file can change any
 * threshold, rule, phrase list or deadline, disable rules and triggers, and
 * add rules of its own (docs/config.md).  It is read as strictly as a
 * hotfix file: every mistake is an error with its line, column and key path.
 */
#ifndef PM_CONFIG_H
#define PM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pm_buf.h"
#include "pm_error.h"
#include "pm_model.h"
#include "pm_rules.h"

/* The name looked for in the working directory and its parents. */
#define PM_CONFIG_NAME ".pmcheck.yaml"

/* Defaults of the settings a configuration may hold. */
#define PM_HISTORY_DAYS_DEFAULT 180

struct pm_config {
	struct pm_policy policy;     /* the effective policy; points into this
	                              * struct, valid until pm_config_free */
	const char *path;            /* the file read, NULL for none */
	int fail_on;                 /* enum pm_verdict, or -1: not set */
	int64_t history_days;        /* -1: not set */
	const char **history;        /* directories (already resolved against
	                              * the configuration's directory) */
	size_t nhistory;
	/* Owned storage. */
	struct pm_rule *rules;
	size_t nrules, rules_cap;
	struct pm_buf src;           /* the file's bytes */
	struct pm_hotfix doc;        /* its line index and parsed tree */
	struct pm_arena arena;       /* rules, conditions, lists */
};

/* Fills CFG with the built-in policy and no settings. */
void pm_config_init(struct pm_config *cfg);

/* Frees everything CFG owns.  NULL is a no-op. */
void pm_config_free(struct pm_config *cfg);

/*
 * Reads the configuration file PATH into CFG (which must hold the defaults,
 * as pm_config_init leaves it).  Returns 0, or -1 with ERR filled; CFG is
 * then only good for pm_config_free, but CFG->doc still holds the source for
 * a caret snippet.
 */
int pm_config_load(struct pm_config *cfg, const char *path, struct pm_error *err);

/* The same from bytes, NAME naming them (relative history directories are
 * resolved against NAME's directory).  SRC must outlive CFG. */
int pm_config_parse(struct pm_config *cfg, const char *name, const char *src,
                    size_t len, struct pm_error *err);

/*
 * The nearest PM_CONFIG_NAME from the working directory upwards, as a path
 * relative to it (".pmcheck.yaml", "../.pmcheck.yaml", ...), stopping at the
 * filesystem root.  Returns NULL when there is none; the caller frees.
 */
char *pm_config_find(void);

/* Appends the effective configuration as commented YAML that, given back
 * with --config, yields the same results. */
void pm_config_print(struct pm_buf *out, const struct pm_config *cfg);

/* Appends --list-rules: every rule with id, trigger, points and what it
 * checks, marking rules the configuration changed, added or disabled. */
void pm_config_list_rules(struct pm_buf *out, const struct pm_config *cfg);

/* Appends COND in words: "fix.type is one of workaround, rollback". */
void pm_cond_describe(struct pm_buf *out, const struct pm_cond *cond);

#endif
