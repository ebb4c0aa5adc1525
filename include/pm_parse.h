/*
 * Bytes to model.  The input is checked for encoding first (UTF-8 only, no
 * NUL, no UTF-16/32), then read as libyaml events; every limit is enforced as
 * the events arrive, so hostile input is refused before a big tree exists.
 */
#ifndef PM_PARSE_H
#define PM_PARSE_H

#include <stddef.h>

#include "pm_error.h"
#include "pm_model.h"

/* Limits of SPEC §1.  The input size limit is the reader's (--max-bytes). */
#define PM_MAX_DEPTH         64
#define PM_MAX_SCALAR        (64u * 1024u)
#define PM_DEFAULT_MAX_BYTES (1024u * 1024u)
#define PM_LIMIT_MAX_BYTES   (64u * 1024u * 1024u)

/*
 * Parses SRC[0..LEN) into HF (cleared first).  SRC must outlive HF.
 * Returns 0, or -1 with ERR filled (code, 1-based line and column, key path,
 * message); HF then holds nothing useful but is still safe to clear or free.
 */
int pm_parse(struct pm_hotfix *hf, const char *src, size_t len,
             struct pm_error *err);

/*
 * Checks that SRC is UTF-8 without NUL bytes and records where lines start.
 * On failure fills ERR with the line and column of the offending byte.
 * Exposed for tests and for the config loader.
 */
int pm_parse_check_encoding(struct pm_hotfix *hf, const char *src, size_t len,
                            struct pm_error *err);

/* Damerau-Levenshtein distance (optimal string alignment), capped at 255. */
unsigned pm_edit_distance(const char *a, const char *b);

#endif
