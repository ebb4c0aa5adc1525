/*
 * Incident history (--history DIR): past incident files of the hotfix
 * format, read once per run and compared with each judged input.  A past
 * incident is similar when it has the same service and shares a component
 * or the root-cause category, and was detected within the window before the
 * judged one.  Similar incidents become the derived field
 * derived.similar_incidents, which rules read like any other field.
 */
#ifndef PM_HISTORY_H
#define PM_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "pm_error.h"
#include "pm_model.h"

/* What is kept of one past incident; strings live in the history arena. */
struct pm_history_entry {
	const char *file;
	const char *label;           /* id, else the file name */
	const char *title;
	const char *service;
	const char **components;
	size_t ncomponents;
	const char *category;        /* root_cause.category, NULL when absent */
	struct pm_time when;         /* detected_at, else resolved_at, else started_at */
	const char *when_text;       /* as written */
	dev_t dev;                   /* the file's identity, so the judged */
	ino_t ino;                   /* file is never its own history */
};

struct pm_file_id {
	dev_t dev;
	ino_t ino;
	bool used;
};

struct pm_history {
	struct pm_history_entry *entries;
	size_t count, cap;
	size_t files;                /* files read, including unusable ones */
	struct pm_file_id *seen;     /* every file read, so a file reached twice
	                              * (overlapping directories, links) counts
	                              * once: open addressing, at most half full */
	size_t seen_len, seen_cap;
	struct pm_arena arena;
};

/* Called for a history file that cannot be read or is invalid; it is
 * skipped.  HF holds its source for a caret snippet (may be NULL). */
typedef void pm_history_warn_fn(void *ctx, const char *file,
                                const struct pm_error *err,
                                const struct pm_hotfix *hf);

void pm_history_init(struct pm_history *h);
/* Frees everything H owns.  NULL is a no-op. */
void pm_history_free(struct pm_history *h);

/*
 * Reads every *.yaml and *.yml below DIR (as pm_io_walk finds them), each
 * at most MAX_BYTES.  A broken file goes to WARN and is skipped; a file
 * without a service or a date is read but cannot be similar to anything.
 * Returns 0, or -1 with ERR filled when DIR itself cannot be read.
 */
int pm_history_load(struct pm_history *h, const char *dir, size_t max_bytes,
                    pm_history_warn_fn *warn, void *ctx, struct pm_error *err);

/*
 * Fills HF's derived.similar_incidents with the entries of H similar to HF,
 * most recent first.  The window is DAYS days up to HF's detected_at, else
 * its resolved_at, else the end of day TODAY.  SELF (may be NULL) is the
 * judged file's identity: that file, and entries with HF's id, are skipped.
 */
struct stat;
void pm_history_match(const struct pm_history *h, struct pm_hotfix *hf,
                      int64_t days, int64_t today, const struct stat *self);

#endif
