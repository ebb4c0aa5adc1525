/*
 * Bytes to model.  The input is checked for encoding first (UTF-8 only, no
 * NUL, no UTF-16/32), then read as libyaml events; every limit is enforced as
 * the events arrive, so hostile input is refused before a big tree exists.
 */
#ifndef PM_PARSE_H
#define PM_PARSE_H

#include <stdbool.h>
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

/*
 * A YAML document as a small generic tree, for files whose keys are not the
 * hotfix format (the configuration file).  Read through the same event loop
 * and limits as pm_parse: encoding, depth, scalar size, one document, no
 * anchors, aliases or tags, no duplicate keys.
 */
enum pm_node_type {
	PM_NODE_NONE,      /* an empty document */
	PM_NODE_SCALAR,
	PM_NODE_LIST,
	PM_NODE_MAP
};

struct pm_node {
	enum pm_node_type type;
	struct pm_pos pos;            /* where the node starts */
	bool plain;                   /* SCALAR written without quotes */
	bool null;                    /* plain empty, ~ or null */
	const char *s;                /* SCALAR text, NUL-terminated */
	size_t len;
	const char *key;              /* entries of a MAP: the key ... */
	struct pm_pos key_pos;        /* ... and where it was written */
	struct pm_node *items;        /* LIST items or MAP entries, in order */
	size_t count;
};

/*
 * Parses SRC[0..LEN) into a tree whose nodes, strings and line index live in
 * DOC (cleared first; only its source, line index and arena are used, so
 * positions and caret snippets work as for a hotfix).  *ROOT is never NULL
 * on success.  Returns 0, or -1 with ERR filled.
 */
int pm_parse_tree(struct pm_hotfix *doc, const char *src, size_t len,
                  const struct pm_node **root, struct pm_error *err);

/* Damerau-Levenshtein distance (optimal string alignment), capped at 255. */
unsigned pm_edit_distance(const char *a, const char *b);

#endif
