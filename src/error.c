/*
 * The shared error struct: first error wins, NULL accepted.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pm_error.h"

static const char *const pm_errcode_names[PM_ERR_COUNT] = {
	[PM_ERR_NONE] = "none",
	[PM_ERR_IO] = "io",
	[PM_ERR_TOO_LARGE] = "too_large",
	[PM_ERR_ENCODING] = "encoding",
	[PM_ERR_SYNTAX] = "syntax",
	[PM_ERR_LIMIT] = "limit",
	[PM_ERR_STRUCTURE] = "structure",
	[PM_ERR_UNKNOWN_KEY] = "unknown_key",
	[PM_ERR_DUPLICATE_KEY] = "duplicate_key",
	[PM_ERR_TYPE] = "type",
	[PM_ERR_VALUE] = "value",
	[PM_ERR_MISSING] = "missing",
	[PM_ERR_USAGE] = "usage",
	[PM_ERR_CONFIG] = "config",
	[PM_ERR_OUTPUT] = "output",
};

void
pm_error_clear(struct pm_error *err)
{
	if (err == NULL)
		return;
	memset(err, 0, sizeof(*err));
}

int
pm_error_set(struct pm_error *err, enum pm_errcode code, uint32_t line,
             uint32_t column, const char *path, const char *fmt, ...)
{
	if (err == NULL || err->code != PM_ERR_NONE)
		return -1;
	err->code = code;
	err->line = line;
	err->column = column;
	snprintf(err->path, sizeof(err->path), "%s", path ? path : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return -1;
}

const char *
pm_errcode_name(enum pm_errcode code)
{
	if ((unsigned)code >= PM_ERR_COUNT)
		return "unknown";
	return pm_errcode_names[code];
}
