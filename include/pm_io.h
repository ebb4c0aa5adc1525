/*
 * The small I/O module: reading inputs within a size limit, expanding
 * directories, writing output.  With main.c, the only code that touches
 * files; everything else works on buffers.
 */
#ifndef PM_IO_H
#define PM_IO_H

#include <stdbool.h>
#include <stddef.h>

#include "pm_buf.h"
#include "pm_error.h"

/* A list of owned strings. */
struct pm_strlist {
	char **items;
	size_t len, cap;
};

void pm_strlist_push(struct pm_strlist *list, const char *s);
/* Frees every string and the array.  NULL is a no-op. */
void pm_strlist_free(struct pm_strlist *list);

/*
 * Reads all of PATH, or standard input when PATH is NULL, into BUF (cleared
 * first; NUL-terminated).  Refuses more than MAX bytes without reading past
 * MAX + 1, so /dev/zero or a runaway pipe cost nothing.  Returns 0, or -1
 * with ERR filled (PM_ERR_IO, PM_ERR_TOO_LARGE).
 */
int pm_io_read(const char *path, size_t max, struct pm_buf *buf,
               struct pm_error *err);

/* True when PATH names a directory (symbolic links followed). */
bool pm_io_is_dir(const char *path);

/*
 * Appends to LIST every *.yaml and *.yml regular file below DIR, sorted by
 * path in byte order.  Entries whose name starts with "." are skipped (so
 * .git and .pmcheck.yaml are not judged) and symbolic links to directories
 * are not followed.  Returns 0, or -1 with ERR filled.
 */
int pm_io_walk(const char *dir, struct pm_strlist *list, struct pm_error *err);

#endif
