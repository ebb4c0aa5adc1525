/*
 * What every fuzz target checks on top of the sanitizers: the promises
 * pmcheck makes about its output whatever the input (docs/security.md).
 *
 *  - no byte a terminal acts on: C0 controls other than tab and newline,
 *    DEL, and (as code points) C1 controls, bidirectional controls and the
 *    line and paragraph separators;
 *  - valid UTF-8 throughout;
 *  - nothing a GitHub Actions log takes for a command: "##[" anywhere, a
 *    line starting with "::" (but the github format's own);
 *  - JSON Lines: every line one well-formed JSON object;
 *  - GitHub workflow commands: every line starts with "::";
 *  - gcc: no blank lines.
 *
 * A broken promise aborts with the format, the offset and the output, so
 * libFuzzer saves the input like any crash.  Included by each target only.
 */
#ifndef PM_FUZZ_COMMON_H
#define PM_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pm_buf.h"
#include "pm_config.h"
#include "pm_error.h"
#include "pm_escape.h"
#include "pm_history.h"
#include "pm_model.h"
#include "pm_parse.h"
#include "pm_render.h"
#include "pm_report.h"
#include "pm_rules.h"
#include "pm_version.h"

/* 2024-03-01, the date the golden tests pin: review notes depend on it, and
 * a fuzz target must give the same result for the same input every time. */
#define PM_FUZZ_TODAY 19783

static inline void pm_fuzz_fail(const char *what, const char *fmt, const struct pm_buf *out,
                         size_t at) __attribute__((noreturn));

static inline void
pm_fuzz_fail(const char *what, const char *fmt, const struct pm_buf *out, size_t at)
{
	fprintf(stderr, "\n*** promise broken: %s in %s output at byte %zu\n", what,
	        fmt, at);
	if (out && out->data)
		fwrite(out->data, 1, out->len, stderr);
	fputs("\n*** end of output\n", stderr);
	abort();
}

/* A minimal JSON validator (RFC 8259), enough to tell that a line of
 * JSON Lines output parses; the depth bound keeps it off the stack. */
struct pm_fuzz_json {
	const char *s;
	size_t len, i;
	int depth;
};

static inline bool pm_fuzz_json_value(struct pm_fuzz_json *j);

static inline void
pm_fuzz_json_ws(struct pm_fuzz_json *j)
{
	while (j->i < j->len && (j->s[j->i] == ' ' || j->s[j->i] == '\t' ||
	                         j->s[j->i] == '\r' || j->s[j->i] == '\n'))
		j->i++;
}

static inline bool
pm_fuzz_json_lit(struct pm_fuzz_json *j, const char *lit)
{
	size_t n = strlen(lit);
	if (j->len - j->i < n || memcmp(j->s + j->i, lit, n) != 0)
		return false;
	j->i += n;
	return true;
}

static inline bool
pm_fuzz_json_string(struct pm_fuzz_json *j)
{
	if (j->i >= j->len || j->s[j->i] != '"')
		return false;
	j->i++;
	while (j->i < j->len) {
		unsigned char c = (unsigned char)j->s[j->i];
		if (c == '"') {
			j->i++;
			return true;
		}
		if (c < 0x20)
			return false;
		if (c == '\\') {
			if (++j->i >= j->len)
				return false;
			c = (unsigned char)j->s[j->i++];
			if (c == 'u') {
				for (int k = 0; k < 4; k++, j->i++)
					if (j->i >= j->len ||
					    !strchr("0123456789abcdefABCDEF", j->s[j->i]) ||
					    j->s[j->i] == '\0')
						return false;
			} else if (!strchr("\"\\/bfnrt", c) || c == '\0') {
				return false;
			}
			continue;
		}
		size_t n = pm_utf8_decode((const unsigned char *)j->s + j->i,
		                          j->len - j->i, NULL);
		if (n == 0)
			return false;
		j->i += n;
	}
	return false;
}

static inline bool
pm_fuzz_json_number(struct pm_fuzz_json *j)
{
	size_t start = j->i;
	if (j->i < j->len && j->s[j->i] == '-')
		j->i++;
	if (j->i < j->len && j->s[j->i] == '0') {
		j->i++;
	} else {
		size_t d = j->i;
		while (j->i < j->len && j->s[j->i] >= '0' && j->s[j->i] <= '9')
			j->i++;
		if (j->i == d)
			return false;
	}
	if (j->i < j->len && j->s[j->i] == '.') {
		size_t d = ++j->i;
		while (j->i < j->len && j->s[j->i] >= '0' && j->s[j->i] <= '9')
			j->i++;
		if (j->i == d)
			return false;
	}
	if (j->i < j->len && (j->s[j->i] == 'e' || j->s[j->i] == 'E')) {
		j->i++;
		if (j->i < j->len && (j->s[j->i] == '+' || j->s[j->i] == '-'))
			j->i++;
		size_t d = j->i;
		while (j->i < j->len && j->s[j->i] >= '0' && j->s[j->i] <= '9')
			j->i++;
		if (j->i == d)
			return false;
	}
	return j->i > start;
}

static inline bool
pm_fuzz_json_container(struct pm_fuzz_json *j, char open, char close)
{
	if (++j->depth > 64)
		return false;
	j->i++;                            /* OPEN */
	(void)open;
	pm_fuzz_json_ws(j);
	if (j->i < j->len && j->s[j->i] == close) {
		j->i++;
		j->depth--;
		return true;
	}
	for (;;) {
		pm_fuzz_json_ws(j);
		if (close == '}') {
			if (!pm_fuzz_json_string(j))
				return false;
			pm_fuzz_json_ws(j);
			if (j->i >= j->len || j->s[j->i] != ':')
				return false;
			j->i++;
		}
		if (!pm_fuzz_json_value(j))
			return false;
		pm_fuzz_json_ws(j);
		if (j->i >= j->len)
			return false;
		if (j->s[j->i] == ',') {
			j->i++;
			continue;
		}
		if (j->s[j->i] != close)
			return false;
		j->i++;
		j->depth--;
		return true;
	}
}

static inline bool
pm_fuzz_json_value(struct pm_fuzz_json *j)
{
	pm_fuzz_json_ws(j);
	if (j->i >= j->len)
		return false;
	switch (j->s[j->i]) {
	case '{': return pm_fuzz_json_container(j, '{', '}');
	case '[': return pm_fuzz_json_container(j, '[', ']');
	case '"': return pm_fuzz_json_string(j);
	case 't': return pm_fuzz_json_lit(j, "true");
	case 'f': return pm_fuzz_json_lit(j, "false");
	case 'n': return pm_fuzz_json_lit(j, "null");
	default: return pm_fuzz_json_number(j);
	}
}

/* Checks OUT, rendered in format FMT (color off), against the promises in
 * the file comment. */
static inline void
pm_fuzz_check_output(enum pm_format fmt, const struct pm_buf *out)
{
	const char *name = pm_format_name(fmt);
	const unsigned char *s = (const unsigned char *)(out->data ? out->data : "");
	size_t len = out->len;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = pm_utf8_decode(s + i, len - i, &cp);
		if (n == 0)
			pm_fuzz_fail("invalid UTF-8", name, out, i);
		if ((cp < 0x20 && cp != '\n' && cp != '\t') || (cp >= 0x7f && cp <= 0x9f))
			pm_fuzz_fail("a control character", name, out, i);
		if (cp == 0x061c || cp == 0x200e || cp == 0x200f ||
		    (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
			pm_fuzz_fail("a bidirectional control or line separator", name,
			             out, i);
		i += n;
	}
	/* Line by line: what each line-based format promises. */
	for (size_t i = 0; i < len;) {
		const char *line = (const char *)s + i;
		const char *nl = memchr(line, '\n', len - i);
		size_t n = nl ? (size_t)(nl - line) : len - i;
		/* What a GitHub Actions log acts on: "##[" anywhere, "::" at
		 * the start of a line (blanks skipped), the github format's own
		 * commands aside. */
		for (size_t k = 0; k + 3 <= n; k++)
			if (memcmp(line + k, "##[", 3) == 0)
				pm_fuzz_fail("a log command marker ##[", name, out, i + k);
		size_t b = 0;
		while (b < n && (line[b] == ' ' || line[b] == '\t'))
			b++;
		if (fmt != PM_FORMAT_GITHUB && n - b >= 2 && line[b] == ':' &&
		    line[b + 1] == ':')
			pm_fuzz_fail("a line starting with ::", name, out, i);
		if (fmt == PM_FORMAT_JSON) {
			struct pm_fuzz_json j = { .s = line, .len = n };
			pm_fuzz_json_ws(&j);
			bool ok = j.i < j.len && line[j.i] == '{' && pm_fuzz_json_value(&j);
			pm_fuzz_json_ws(&j);
			if (!ok || j.i != j.len)
				pm_fuzz_fail("a line that is not a JSON object", name, out, i);
		} else if (fmt == PM_FORMAT_GITHUB) {
			if (n < 2 || line[0] != ':' || line[1] != ':')
				pm_fuzz_fail("a line that is not a workflow command", name,
				             out, i);
		} else if (fmt == PM_FORMAT_GCC) {
			if (n == 0)
				pm_fuzz_fail("a blank line", name, out, i);
		}
		if (nl == NULL && (fmt == PM_FORMAT_JSON || fmt == PM_FORMAT_GITHUB ||
		                   fmt == PM_FORMAT_GCC))
			pm_fuzz_fail("a last line without a newline", name, out, i);
		i += n + 1;
	}
}

/* Every format, the error renderer included, through the format table. */
static inline void
pm_fuzz_render_all(const struct pm_report *rep, const struct pm_error *err,
                   const struct pm_render_opts *opts)
{
	struct pm_buf out = PM_BUF_INIT;
	for (int f = PM_FORMAT_NONE + 1; f < PM_FORMAT_COUNT; f++) {
		pm_buf_clear(&out);
		if (rep)
			pm_render_report((enum pm_format)f, &out, rep, opts);
		else
			pm_render_error((enum pm_format)f, &out, err, opts);
		pm_fuzz_check_output((enum pm_format)f, &out);
	}
	if (rep) {
		pm_buf_clear(&out);
		pm_render_quiet(&out, rep, opts);
		pm_fuzz_check_output(PM_FORMAT_TEXT, &out);
		/* Colour adds escape sequences of its own: only run it. */
		struct pm_render_opts color = *opts;
		color.color = true;
		pm_buf_clear(&out);
		pm_render_report(PM_FORMAT_TEXT, &out, rep, &color);
	}
	pm_buf_free(&out);
}

/* An error must say what and where: a code, a message, a position that
 * lies in the file (its last line + 1 at most: the end of the stream). */
static inline void
pm_fuzz_check_error(const struct pm_error *err, const struct pm_hotfix *hf)
{
	if (err->code <= PM_ERR_NONE || err->code >= PM_ERR_COUNT) {
		fprintf(stderr, "*** error without a valid code: %d\n", (int)err->code);
		abort();
	}
	if (err->message[0] == '\0' ||
	    memchr(err->message, '\0', sizeof(err->message)) == NULL) {
		fprintf(stderr, "*** error without a message\n");
		abort();
	}
	if (memchr(err->path, '\0', sizeof(err->path)) == NULL) {
		fprintf(stderr, "*** error path not terminated\n");
		abort();
	}
	if (hf && err->line > hf->nlines + 1) {
		fprintf(stderr, "*** error at line %u of a %zu-line file: %s\n",
		        err->line, hf->nlines, err->message);
		abort();
	}
	if (err->line && err->column == 0) {
		fprintf(stderr, "*** error at line %u, column 0: %s\n", err->line,
		        err->message);
		abort();
	}
}

/* Up to 64 bytes of DATA as a C string with any byte but NUL: a file name
 * as hostile as a file system allows, to render the error and the report
 * under. */
static inline void
pm_fuzz_file_name(char *name, size_t size, const uint8_t *data, size_t len)
{
	size_t n = len < size - 1 ? len : size - 1;
	if (n > 64)
		n = 64;
	for (size_t i = 0; i < n; i++)
		name[i] = data[i] ? (char)data[i] : '@';
	name[n] = '\0';
	if (n == 0)
		strcpy(name, "-");
}

#endif
