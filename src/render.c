/*
 * The output formats and what they share.  Each format is one row of
 * pm_formats: its name, the function that renders a judged input and the one
 * that renders an input that could not be judged (NULL: nothing on stdout,
 * main.c reports the error on stderr), and whether it writes lines that need
 * no separator between inputs.  Adding a format is adding a row and
 * its enum value.  The -q line, the --fail-on gate and the date, time and
 * duration helpers live here so every format words them the same way.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pm_buf.h"
#include "pm_escape.h"
#include "pm_model.h"
#include "pm_render.h"
#include "pm_report.h"
#include "pm_rules.h"

struct pm_format_def {
	const char *name;
	void (*report)(struct pm_buf *, const struct pm_report *,
	    const struct pm_render_opts *);
	void (*error)(struct pm_buf *, const struct pm_error *,
	    const struct pm_render_opts *);
	bool lines;             /* see pm_format_line_based() */
};

static const struct pm_format_def pm_formats[PM_FORMAT_COUNT] = {
	[PM_FORMAT_MARKDOWN] = {
		.name = "markdown",
		.report = pm_render_markdown,
		.error = NULL,
	},
	[PM_FORMAT_TEXT] = {
		.name = "text",
		.report = pm_render_text,
		.error = NULL,
	},
	[PM_FORMAT_JSON] = {
		.name = "json",
		.report = pm_render_json,
		.error = pm_render_json_error,
		.lines = true,
	},
	[PM_FORMAT_GCC] = {
		.name = "gcc",
		.report = pm_render_gcc,
		.error = pm_render_gcc_error,
		.lines = true,
	},
	[PM_FORMAT_GITHUB] = {
		.name = "github",
		.report = pm_render_github,
		.error = pm_render_github_error,
		.lines = true,
	},
	[PM_FORMAT_SLACK] = {
		.name = "slack",
		.report = pm_render_slack,
		.error = NULL,
	},
};

static const struct pm_format_def *
pm_format_get(enum pm_format fmt)
{
	if ((unsigned)fmt >= PM_FORMAT_COUNT || pm_formats[fmt].name == NULL)
		return NULL;
	return &pm_formats[fmt];
}

enum pm_format
pm_format_find(const char *name)
{
	if (name == NULL)
		return PM_FORMAT_NONE;
	for (int f = PM_FORMAT_NONE + 1; f < PM_FORMAT_COUNT; f++)
		if (pm_formats[f].name && strcmp(pm_formats[f].name, name) == 0)
			return (enum pm_format)f;
	return PM_FORMAT_NONE;
}

const char *
pm_format_name(enum pm_format fmt)
{
	const struct pm_format_def *def = pm_format_get(fmt);
	return def ? def->name : "none";
}

const char *
pm_format_names(void)
{
	/* Built from the table once, so a new row shows up in --help and in
	 * usage errors by itself.  Format names are short: 256 bytes hold
	 * far more rows than pmcheck will ever have. */
	static char names[256];
	if (names[0] != '\0')
		return names;
	size_t n = 0;
	for (int f = PM_FORMAT_NONE + 1; f < PM_FORMAT_COUNT; f++) {
		const char *name = pm_formats[f].name;
		if (name == NULL)
			continue;
		size_t len = strlen(name);
		if (n + len + 3 > sizeof(names))
			break;
		if (n > 0) {
			memcpy(names + n, ", ", 2);
			n += 2;
		}
		memcpy(names + n, name, len);
		n += len;
	}
	names[n] = '\0';
	return names;
}

bool
pm_format_line_based(enum pm_format fmt)
{
	const struct pm_format_def *def = pm_format_get(fmt);
	return def != NULL && def->lines;
}

bool
pm_gate_fails(const struct pm_report *rep, enum pm_verdict fail_on)
{
	return fail_on != PM_VERDICT_NONE && rep->verdict >= fail_on &&
	    !rep->satisfied;
}

void
pm_render_report(enum pm_format fmt, struct pm_buf *out,
                 const struct pm_report *rep, const struct pm_render_opts *opts)
{
	const struct pm_format_def *def = pm_format_get(fmt);
	if (def && def->report)
		def->report(out, rep, opts);
}

void
pm_render_error(enum pm_format fmt, struct pm_buf *out,
                const struct pm_error *err, const struct pm_render_opts *opts)
{
	const struct pm_format_def *def = pm_format_get(fmt);
	if (def && def->error)
		def->error(out, err, opts);
}

/* The display name, terminal-safe: file names are not validated UTF-8 and
 * may hold any byte but NUL and "/".  It starts the -q line. */
static void
pm_render_file(struct pm_buf *out, const struct pm_render_opts *opts)
{
	const char *file = opts && opts->file ? opts->file : "<stdin>";
	pm_escape_term_start(out, file, strlen(file));
}

void
pm_render_quiet(struct pm_buf *out, const struct pm_report *rep,
                const struct pm_render_opts *opts)
{
	pm_render_file(out, opts);
	pm_buf_printf(out, ": %s (", pm_verdict_name(rep->verdict));
	bool any = false;
	for (int t = 0; t < PM_TRIGGER_COUNT; t++) {
		if (!rep->triggers[t].fired)
			continue;
		pm_buf_printf(out, "%s%s", any ? ", " : "",
		    pm_trigger_id((enum pm_trigger)t));
		any = true;
	}
	if (!any)
		pm_buf_puts(out, "none");
	for (size_t i = 0; i < rep->ndecisive; i++) {
		const struct pm_rule *rule = rep->decisive[i].rule;
		const char *id = rule && rule->id ? rule->id : "?";
		pm_buf_puts(out, i == 0 ? "; decisive: " : ", ");
		/* Rule ids may come from a configuration file. */
		pm_escape_term(out, id, strlen(id), false);
	}
	pm_buf_puts(out, ")\n");
}

void
pm_render_day(struct pm_buf *out, int64_t day)
{
	int64_t y;
	unsigned m, d;
	pm_civil_from_days(day, &y, &m, &d);
	if (y < 0 || y > 9999 || m > 99 || d > 99) {
		pm_buf_printf(out, "%04lld-%02u-%02u", (long long)y, m, d);
		return;
	}
	/* What the printf above writes, digit by digit: most reports show a
	 * date, and printf's format parsing costs more than all the rest of
	 * a JSON report's numbers. */
	const char ymd[10] = {
		(char)('0' + y / 1000), (char)('0' + y / 100 % 10),
		(char)('0' + y / 10 % 10), (char)('0' + y % 10), '-',
		(char)('0' + m / 10), (char)('0' + m % 10), '-',
		(char)('0' + d / 10), (char)('0' + d % 10),
	};
	pm_buf_put(out, ymd, sizeof(ymd));
}

void
pm_render_time(struct pm_buf *out, const struct pm_value *v)
{
	if (v == NULL || v->type != PM_V_TIME)
		return;
	int64_t day = pm_floor_div(v->u.t.epoch, 86400);
	pm_render_day(out, day);
	if (v->u.t.date_only)
		return;
	int64_t sec = v->u.t.epoch - day * 86400;
	pm_buf_printf(out, " %02d:%02d", (int)(sec / 3600), (int)(sec / 60 % 60));
	if (sec % 60 != 0)
		pm_buf_printf(out, ":%02d", (int)(sec % 60));
	pm_buf_puts(out, " UTC");
}

void
pm_render_minutes(struct pm_buf *out, int64_t minutes)
{
	/* Unsigned, so that even INT64_MIN has a magnitude. */
	uint64_t m = (uint64_t)minutes;
	if (minutes < 0) {
		pm_buf_putc(out, '-');
		m = 0 - m;
	}
	uint64_t days = m / 1440, hours = m / 60 % 24, mins = m % 60;
	const char *sep = "";
	if (days) {
		pm_buf_printf(out, "%llud", (unsigned long long)days);
		sep = " ";
	}
	if (hours) {
		pm_buf_printf(out, "%s%lluh", sep, (unsigned long long)hours);
		sep = " ";
	}
	if (mins || m == 0)
		pm_buf_printf(out, "%s%llum", sep, (unsigned long long)mins);
}
