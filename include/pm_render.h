/*
 * Report -> bytes.  Each output format is a row of a table (render.c) with a
 * function that renders one judged input and one that renders an input that
 * could not be judged.  Renderers append to a buffer and never print.
 */
#ifndef PM_RENDER_H
#define PM_RENDER_H

#include <stdbool.h>

#include "pm_buf.h"
#include "pm_error.h"
#include "pm_report.h"

enum pm_format {
	PM_FORMAT_NONE,
	PM_FORMAT_MARKDOWN,
	PM_FORMAT_TEXT,
	PM_FORMAT_JSON,
	PM_FORMAT_GCC,
	PM_FORMAT_GITHUB,
	PM_FORMAT_SLACK,
	PM_FORMAT_COUNT
};

struct pm_render_opts {
	const char *file;            /* the input's display name ("-" -> "<stdin>") */
	bool color;                  /* text format: ANSI colours */
	enum pm_verdict fail_on;     /* PM_VERDICT_NONE: --fail-on never */
	const char *version;         /* PM_VERSION */
	const char *config;          /* the configuration file used, or NULL */
};

/* Looks a format up by name; PM_FORMAT_NONE when unknown. */
enum pm_format pm_format_find(const char *name);
const char *pm_format_name(enum pm_format fmt);
/* Comma-separated list of format names, for --help and usage errors. */
const char *pm_format_names(void);

/* True when FMT writes self-contained lines (JSON Lines, gcc, GitHub
 * workflow commands): the outputs of several inputs follow each other with
 * nothing between them, where documents are set apart by a blank line. */
bool pm_format_line_based(enum pm_format fmt);

/* True when REP is at or above FAIL_ON and has neither a link nor a waiver. */
bool pm_gate_fails(const struct pm_report *rep, enum pm_verdict fail_on);

/* Appends the rendering of REP in FMT to OUT. */
void pm_render_report(enum pm_format fmt, struct pm_buf *out,
                      const struct pm_report *rep,
                      const struct pm_render_opts *opts);

/* Appends what FMT shows on stdout for an input that could not be judged
 * (JSON: an error object; gcc and github: one error line; other formats:
 * nothing, the error goes to stderr only). */
void pm_render_error(enum pm_format fmt, struct pm_buf *out,
                     const struct pm_error *err,
                     const struct pm_render_opts *opts);

/* -q: "FILE: VERDICT (fired triggers)". */
void pm_render_quiet(struct pm_buf *out, const struct pm_report *rep,
                     const struct pm_render_opts *opts);

/* The individual renderers, for the table and for tests. */
void pm_render_markdown(struct pm_buf *out, const struct pm_report *rep,
                        const struct pm_render_opts *opts);
void pm_render_text(struct pm_buf *out, const struct pm_report *rep,
                    const struct pm_render_opts *opts);
void pm_render_json(struct pm_buf *out, const struct pm_report *rep,
                    const struct pm_render_opts *opts);
void pm_render_json_error(struct pm_buf *out, const struct pm_error *err,
                          const struct pm_render_opts *opts);
/* gcc: "FILE:LINE:COL: SEVERITY: MESSAGE [CODE]" lines for the verdict, each
 * fired trigger, each decisive signal and each review note. */
void pm_render_gcc(struct pm_buf *out, const struct pm_report *rep,
                   const struct pm_render_opts *opts);
/* "FILE:LINE:COL: error: PATH: MESSAGE [ERRCODE]". */
void pm_render_gcc_error(struct pm_buf *out, const struct pm_error *err,
                         const struct pm_render_opts *opts);
/* github: a ::notice (::error when the gate fails) for the verdict, a
 * ::warning per review note. */
void pm_render_github(struct pm_buf *out, const struct pm_report *rep,
                      const struct pm_render_opts *opts);
/* One ::error workflow command. */
void pm_render_github_error(struct pm_buf *out, const struct pm_error *err,
                            const struct pm_render_opts *opts);
/* slack: a kickoff message in Slack mrkdwn, always under 40 lines. */
void pm_render_slack(struct pm_buf *out, const struct pm_report *rep,
                     const struct pm_render_opts *opts);

/* Shared helpers for renderers (render.c). */
/* "2024-01-12 09:14 UTC" (or "2024-01-12" for a bare date) from a time value. */
void pm_render_time(struct pm_buf *out, const struct pm_value *v);
/* "YYYY-MM-DD" from days since epoch. */
void pm_render_day(struct pm_buf *out, int64_t day);
/* "2h 16m", "3d 4h", "45m" from minutes. */
void pm_render_minutes(struct pm_buf *out, int64_t minutes);

#endif
