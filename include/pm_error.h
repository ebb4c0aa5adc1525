/*
 * One error type for every module, after jansson's json_error_t: a small
 * fixed-size struct the caller owns, filled by the first failure only (later
 * ones never overwrite it), with a NULL pointer accepted where the caller does
 * not care.  Modules never print; main.c formats
 * "FILE:LINE:COL: error: PATH: MESSAGE".
 */
#ifndef PM_ERROR_H
#define PM_ERROR_H

#include <stdint.h>

enum pm_errcode {
	PM_ERR_NONE,
	PM_ERR_IO,          /* the input could not be read */
	PM_ERR_TOO_LARGE,   /* input over --max-bytes */
	PM_ERR_ENCODING,    /* invalid UTF-8, NUL byte, UTF-16/32 */
	PM_ERR_SYNTAX,      /* not well-formed YAML */
	PM_ERR_LIMIT,       /* depth, scalar size */
	PM_ERR_STRUCTURE,   /* not one mapping, anchors, aliases, tags */
	PM_ERR_UNKNOWN_KEY,
	PM_ERR_DUPLICATE_KEY,
	PM_ERR_TYPE,        /* value of the wrong type */
	PM_ERR_VALUE,       /* right type, but out of range or not allowed */
	PM_ERR_MISSING,     /* a required key is absent */
	PM_ERR_USAGE,
	PM_ERR_CONFIG,
	PM_ERR_OUTPUT,      /* the output could not be written */
	PM_ERR_COUNT
};

struct pm_error {
	enum pm_errcode code;      /* PM_ERR_NONE while no error was set */
	uint32_t line;             /* 1-based; 0 when the error has no place */
	uint32_t column;           /* 1-based, in characters */
	char path[256];            /* key path, "impact.users_affected"; may be "" */
	char message[512];         /* what was expected, what was found */
};

/* Empties ERR so it can take a new first error.  NULL is a no-op. */
void pm_error_clear(struct pm_error *err);

/* Fills ERR unless it already holds an error (first error wins) or is NULL.
 * PATH may be NULL.  Always returns -1, so callers can `return pm_error_set(...)`. */
int pm_error_set(struct pm_error *err, enum pm_errcode code, uint32_t line,
                 uint32_t column, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Stable lower-case name of CODE for machine output ("syntax", "type", ...). */
const char *pm_errcode_name(enum pm_errcode code);

#endif
