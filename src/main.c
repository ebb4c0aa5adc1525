/*
 * pmcheck's command line: options, the loop over inputs, error messages,
 * exit codes.  Everything else happens in the modules, in one direction:
 * read (io.c) -> parse (parse.c) -> judge (rules.c, notes.c) -> render
 * (render*.c) -> write (here).
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pm_alloc.h"
#include "pm_config.h"
#include "pm_escape.h"
#include "pm_history.h"
#include "pm_init.h"
#include "pm_io.h"
#include "pm_parse.h"
#include "pm_render.h"
#include "pm_report.h"
#include "pm_version.h"

/* Exit codes of SPEC §3; when several apply the highest wins. */
enum pm_exit {
	PM_EXIT_OK = 0,
	PM_EXIT_GATE = 1,      /* a post-mortem is needed and not linked or waived */
	PM_EXIT_USAGE = 2,     /* nothing was judged */
	PM_EXIT_INVALID = 3,   /* an input could not be read or is invalid */
	PM_EXIT_OUTPUT = 4     /* the output could not be written */
};

enum pm_color { PM_COLOR_AUTO, PM_COLOR_ALWAYS, PM_COLOR_NEVER };

struct pm_cli {
	enum pm_format format;
	bool quiet;
	enum pm_verdict fail_on;
	bool fail_on_set;           /* given on the command line */
	enum pm_color color;
	const char *stdin_name;
	size_t max_bytes;
	int64_t today;
	const char *output;         /* -o FILE, NULL: standard output */
	bool force;
	const char *config;         /* --config FILE */
	bool no_config;
	bool print_config;
	bool list_rules;
	bool init;                  /* --init [FILE] */
	const char *init_file;
	struct pm_strlist history;  /* --history DIR... */
	int64_t history_days;       /* -1: not given */
	long jobs;                  /* -j: inputs judged at once */
};

/* State of one run: reused buffers and the exit status so far. */
/* What judging one input produced, kept until its turn to be written so
 * that output follows input order whatever order inputs finish in. */
struct pm_result {
	struct pm_buf out;          /* stdout text, without separator */
	struct pm_buf err;          /* stderr text */
	int status;
	bool rendered;              /* OUT is a document (or a JSON line) */
};

/* What one judging thread owns; reused from input to input. */
struct pm_worker {
	struct pm_buf src;
	struct pm_hotfix hf;
	struct pm_render_opts ropts;
};

/* One input, or a message about the inputs (a directory that could not be
 * walked), in command-line order. */
struct pm_task {
	char *path;                 /* NULL: standard input */
	char *name;
	bool message;               /* RES.err only, nothing to judge */
	bool done;
	struct pm_result res;
};

struct pm_run {
	const struct pm_cli *cli;
	struct pm_render_opts ropts;
	struct pm_buf out;          /* rendered output not yet written */
	struct pm_buf msg;          /* stderr text */
	struct pm_worker worker;    /* the main thread's, for -j 1 */
	struct pm_result res;
	const struct pm_config *cfg;
	const struct pm_history *history;
	int64_t history_days;
	size_t judged;              /* inputs rendered so far */
	int status;
	bool output_failed;
	/* -j N: inputs are queued, judged by N threads, written in order. */
	struct pm_task *tasks;
	size_t ntasks, tasks_cap;
};

static const char pm_usage_text[] =
	"Usage: pmcheck [OPTIONS] [FILE | DIR | -]...\n"
	"\n"
	"Decide whether a hotfix deserves a post-mortem, explain why, and draft it.\n"
	"\n"
	"Each FILE is judged on its own; a DIR means every *.yaml and *.yml below\n"
	"it, in sorted order; - (or no argument, when standard input is not a\n"
	"terminal) reads standard input.\n"
	"\n"
	"Options:\n"
	"  -f, --format FMT           output format: markdown (default), text, json,\n"
	"                             gcc, github or slack\n"
	"  -o, --output FILE          write the output to FILE atomically; an existing\n"
	"                             FILE is never replaced without --force\n"
	"      --force                let -o and --init replace an existing file\n"
	"  -q, --quiet                one line per input: FILE: VERDICT (fired triggers)\n"
	"      --fail-on LEVEL        never, recommended or required (default): exit 1\n"
	"                             when an input needs a post-mortem at or above\n"
	"                             LEVEL and has no postmortem.link or .waived\n"
	"      --config FILE          read the policy from FILE\n"
	"      --no-config            use the built-in policy: no file, no PMCHECK_CONFIG\n"
	"      --print-config         print the effective configuration as YAML\n"
	"      --list-rules           list every rule with its trigger and points\n"
	"      --history DIR          compare with past incident files below DIR\n"
	"                             (repeatable) for the recurrence trigger\n"
	"      --history-days N       how far back a similar incident counts\n"
	"                             (default 180)\n"
	"      --init [FILE]          write a commented starter hotfix file\n"
	"  -j, --jobs N               judge N inputs at once (default 1); output\n"
	"                             keeps the order of the inputs\n"
	"      --color WHEN           auto (default), always or never\n"
	"      --stdin-filename NAME  name shown for standard input\n"
	"      --max-bytes N          largest input accepted, in bytes; K and M\n"
	"                             suffixes allowed (default 1M, at most 64M)\n"
	"  -h, --help                 show this help and exit\n"
	"  -V, --version              show the version and exit\n"
	"\n"
	"Exit status:\n"
	"  0  every input judged; none needs a post-mortem at --fail-on without a\n"
	"     link or waiver\n"
	"  1  at least one input needs a post-mortem and has no link or waiver\n"
	"  2  usage or configuration error; nothing was judged\n"
	"  3  at least one input could not be read or is invalid\n"
	"  4  the output could not be written\n"
	"\n"
	"Configuration: --config FILE, else $PMCHECK_CONFIG, else the nearest\n"
	".pmcheck.yaml from the working directory upwards, else the built-in\n"
	"policy.  Options on the command line beat the configuration.\n"
	"\n"
	"Environment:\n"
	"  PMCHECK_CONFIG  configuration file used when --config is not given\n"
	"  NO_COLOR        when set and not empty, --color auto means never\n"
	"  PMCHECK_TODAY   YYYY-MM-DD: the date review notes treat as today\n";

enum {
	PM_OPT_FAIL_ON = 256,
	PM_OPT_COLOR,
	PM_OPT_STDIN_FILENAME,
	PM_OPT_MAX_BYTES,
	PM_OPT_FORCE,
	PM_OPT_CONFIG,
	PM_OPT_NO_CONFIG,
	PM_OPT_PRINT_CONFIG,
	PM_OPT_LIST_RULES,
	PM_OPT_HISTORY,
	PM_OPT_HISTORY_DAYS,
	PM_OPT_INIT,
	PM_OPT_JOBS,
};

static const struct option pm_options[] = {
	{ .name = "format", .has_arg = required_argument, .val = 'f' },
	{ .name = "output", .has_arg = required_argument, .val = 'o' },
	{ .name = "force", .has_arg = no_argument, .val = PM_OPT_FORCE },
	{ .name = "quiet", .has_arg = no_argument, .val = 'q' },
	{ .name = "config", .has_arg = required_argument, .val = PM_OPT_CONFIG },
	{ .name = "no-config", .has_arg = no_argument, .val = PM_OPT_NO_CONFIG },
	{ .name = "print-config", .has_arg = no_argument, .val = PM_OPT_PRINT_CONFIG },
	{ .name = "list-rules", .has_arg = no_argument, .val = PM_OPT_LIST_RULES },
	{ .name = "history", .has_arg = required_argument, .val = PM_OPT_HISTORY },
	{ .name = "history-days", .has_arg = required_argument,
	  .val = PM_OPT_HISTORY_DAYS },
	{ .name = "init", .has_arg = optional_argument, .val = PM_OPT_INIT },
	{ .name = "jobs", .has_arg = required_argument, .val = 'j' },
	{ .name = "fail-on", .has_arg = required_argument, .val = PM_OPT_FAIL_ON },
	{ .name = "color", .has_arg = required_argument, .val = PM_OPT_COLOR },
	{ .name = "stdin-filename", .has_arg = required_argument,
	  .val = PM_OPT_STDIN_FILENAME },
	{ .name = "max-bytes", .has_arg = required_argument, .val = PM_OPT_MAX_BYTES },
	{ .name = "help", .has_arg = no_argument, .val = 'h' },
	{ .name = "version", .has_arg = no_argument, .val = 'V' },
	{ 0 },
};

/* Option values that are names: one table per option, looked up by
 * pm_lookup(). */
struct pm_name {
	const char *name;
	int value;
};

static const struct pm_name pm_fail_on_names[] = {
	{ "never", PM_VERDICT_NONE },
	{ "recommended", PM_VERDICT_RECOMMENDED },
	{ "required", PM_VERDICT_REQUIRED },
	{ NULL, 0 },
};

static const struct pm_name pm_color_names[] = {
	{ "auto", PM_COLOR_AUTO },
	{ "always", PM_COLOR_ALWAYS },
	{ "never", PM_COLOR_NEVER },
	{ NULL, 0 },
};

/* The value of NAME in TABLE, or -1. */
static int
pm_lookup(const struct pm_name *table, const char *name)
{
	for (; table->name; table++)
		if (strcmp(table->name, name) == 0)
			return table->value;
	return -1;
}

/* Prints "pmcheck: MESSAGE" and the hint, and exits 2. */
static _Noreturn void
pm_usage_error(const char *fmt, const char *arg)
{
	struct pm_buf b = PM_BUF_INIT;
	pm_buf_puts(&b, "pmcheck: ");
	const char *pct = strstr(fmt, "%s");
	if (pct && arg) {
		pm_buf_put(&b, fmt, (size_t)(pct - fmt));
		pm_escape_term(&b, arg, strlen(arg), false);
		pm_buf_puts(&b, pct + 2);
	} else {
		pm_buf_puts(&b, fmt);
	}
	pm_buf_puts(&b, "\nTry 'pmcheck --help'.\n");
	fputs(b.data, stderr);
	pm_buf_free(&b);
	exit(PM_EXIT_USAGE);
}

/* "1048576", "512K", "64M" (binary multiples). */
static bool
pm_parse_size(const char *s, size_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (end == s || errno || s[0] == '-')
		return false;
	unsigned long long mult = 1;
	if (*end == 'K' || *end == 'k')
		mult = 1024, end++;
	else if (*end == 'M' || *end == 'm')
		mult = 1024 * 1024, end++;
	if (mult > 1 && (*end == 'i' || *end == 'I'))
		end++;
	if (mult > 1 && (*end == 'B' || *end == 'b'))
		end++;
	if (*end != '\0' || v > PM_LIMIT_MAX_BYTES / mult)
		return false;
	*out = (size_t)(v * mult);
	return true;
}

static bool
pm_parse_day(const char *s, int64_t *day)
{
	static const char shape[] = "dddd-dd-dd";
	if (strlen(s) != sizeof(shape) - 1)
		return false;
	for (size_t i = 0; shape[i]; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != shape[i])
			return false;
	unsigned y = (unsigned)atoi(s), m = (unsigned)atoi(s + 5), d = (unsigned)atoi(s + 8);
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	/* 2024-02-31 would silently become March 2: round-trip instead. */
	*day = pm_days_from_civil(y, m, d);
	int64_t ry;
	unsigned rm, rd;
	pm_civil_from_days(*day, &ry, &rm, &rd);
	return ry == y && rm == m && rd == d;
}

static void
pm_parse_args(int argc, char **argv, struct pm_cli *cli, struct pm_strlist *args)
{
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":f:o:j:qhV", pm_options, NULL)) != -1) {
		switch (c) {
		case 'f':
			cli->format = pm_format_find(optarg);
			if (cli->format == PM_FORMAT_NONE) {
				char msg[256];
				snprintf(msg, sizeof(msg), "unknown format '%%s'; expected one of %s",
				         pm_format_names());
				pm_usage_error(msg, optarg);
			}
			break;
		case 'q':
			cli->quiet = true;
			break;
		case 'o':
			if (optarg[0] == '\0')
				pm_usage_error("-o needs a file name", NULL);
			cli->output = optarg;
			break;
		case 'j': {
			char *end;
			errno = 0;
			long v = strtol(optarg, &end, 10);
			if (end == optarg || *end != '\0' || errno || v < 1 || v > 64)
				pm_usage_error("-j '%s' is not a number of jobs from 1 to 64",
				               optarg);
			cli->jobs = v;
			break;
		}
		case PM_OPT_FORCE:
			cli->force = true;
			break;
		case PM_OPT_CONFIG:
			if (optarg[0] == '\0')
				pm_usage_error("--config needs a file name", NULL);
			cli->config = optarg;
			break;
		case PM_OPT_NO_CONFIG:
			cli->no_config = true;
			break;
		case PM_OPT_PRINT_CONFIG:
			cli->print_config = true;
			break;
		case PM_OPT_LIST_RULES:
			cli->list_rules = true;
			break;
		case PM_OPT_INIT:
			/* "--init=FILE" or "--init FILE": the file is optional, so
			 * a following word that is not an option is taken as it. */
			cli->init = true;
			if (optarg)
				cli->init_file = optarg;
			else if (optind < argc && argv[optind][0] != '-')
				cli->init_file = argv[optind++];
			if (cli->init_file && cli->init_file[0] == '\0')
				pm_usage_error("--init needs a file name, or none", NULL);
			break;
		case PM_OPT_HISTORY:
			if (optarg[0] == '\0')
				pm_usage_error("--history needs a directory", NULL);
			pm_strlist_push(&cli->history, optarg);
			break;
		case PM_OPT_HISTORY_DAYS: {
			char *end;
			errno = 0;
			long long v = strtoll(optarg, &end, 10);
			if (end == optarg || *end != '\0' || errno || v < 0 || v > 36500 ||
			    !isdigit((unsigned char)optarg[0]))
				pm_usage_error("--history-days '%s' is not a number of days "
				               "from 0 to 36500", optarg);
			cli->history_days = v;
			break;
		}
		case PM_OPT_FAIL_ON: {
			int v = pm_lookup(pm_fail_on_names, optarg);
			if (v < 0)
				pm_usage_error("unknown --fail-on level '%s'; expected never, "
				               "recommended or required", optarg);
			cli->fail_on = (enum pm_verdict)v;
			cli->fail_on_set = true;
			break;
		}
		case PM_OPT_COLOR: {
			int v = pm_lookup(pm_color_names, optarg);
			if (v < 0)
				pm_usage_error("unknown --color value '%s'; expected auto, "
				               "always or never", optarg);
			cli->color = (enum pm_color)v;
			break;
		}
		case PM_OPT_STDIN_FILENAME:
			cli->stdin_name = optarg;
			break;
		case PM_OPT_MAX_BYTES:
			if (!pm_parse_size(optarg, &cli->max_bytes) || cli->max_bytes == 0)
				pm_usage_error("--max-bytes '%s' is not a size from 1 to 64M",
				               optarg);
			break;
		case 'h':
			fputs(pm_usage_text, stdout);
			exit(fflush(stdout) == 0 && !ferror(stdout) ? PM_EXIT_OK : PM_EXIT_OUTPUT);
		case 'V':
			printf("pmcheck %s\n", PM_VERSION);
			exit(fflush(stdout) == 0 && !ferror(stdout) ? PM_EXIT_OK : PM_EXIT_OUTPUT);
		case ':':
			pm_usage_error("option '%s' needs a value", argv[optind - 1]);
		default:
			if (optopt && optopt < 256) {
				char opt[3] = { '-', (char)optopt, '\0' };
				pm_usage_error("unknown option '%s'", opt);
			}
			pm_usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	for (int i = optind; i < argc; i++)
		pm_strlist_push(args, argv[i]);
	if (cli->config && cli->no_config)
		pm_usage_error("--config and --no-config contradict each other", NULL);
}

/* ---- errors ------------------------------------------------------------- */

/* Appends the source line of ERR with a caret under its column:
 *     12 | severty: sev2
 *        | ^
 * Long lines are cut to a window around the column. */
static void
pm_snippet(struct pm_buf *b, const struct pm_hotfix *hf, const struct pm_error *err)
{
	if (err->line == 0 || err->line > hf->nlines)
		return;
	size_t start = hf->lines[err->line - 1];
	size_t end = err->line < hf->nlines ? hf->lines[err->line] : hf->src_len;
	while (end > start && (hf->src[end - 1] == '\n' || hf->src[end - 1] == '\r'))
		end--;
	/* Walk to the column, counting characters as the column does. */
	size_t at = start;
	for (uint32_t col = 1; col < err->column && at < end; col++) {
		at++;
		while (at < end && ((unsigned char)hf->src[at] & 0xC0) == 0x80)
			at++;
	}
	size_t from = start, to = end;
	const size_t window = 60;
	if (at - start > window) {
		from = at - window;
		while (from < at && ((unsigned char)hf->src[from] & 0xC0) == 0x80)
			from++;
	}
	if (to - at > window) {
		to = at + window;
		while (to > at && ((unsigned char)hf->src[to] & 0xC0) == 0x80)
			to--;
	}
	char num[16];
	int w = snprintf(num, sizeof(num), "%u", err->line);
	pm_buf_printf(b, " %s | %s", num, from > start ? "..." : "");
	struct pm_buf pre = PM_BUF_INIT;
	pm_escape_term(&pre, hf->src + from, at - from, false);
	pm_buf_put(b, pre.data ? pre.data : "", pre.len);
	pm_escape_term(b, hf->src + at, to - at, false);
	pm_buf_printf(b, "%s\n %*s | %s", to < end ? "..." : "", w, "",
	              from > start ? "   " : "");
	/* The caret goes under the column: one space per character of the
	 * escaped prefix, tabs kept so they line up the same way. */
	for (size_t i = 0; i < pre.len; i++) {
		unsigned char ch = (unsigned char)pre.data[i];
		if (ch == '\t')
			pm_buf_putc(b, '\t');
		else if ((ch & 0xC0) != 0x80)
			pm_buf_putc(b, ' ');
	}
	pm_buf_puts(b, "^\n");
	pm_buf_free(&pre);
}

/* Writes TEXT to stderr after stdout's pending bytes, so that both stay in
 * input order when they go to one log. */
static void
pm_stderr(const char *text)
{
	fflush(stdout);
	fputs(text, stderr);
}

/* Appends "NAME:LINE:COL: error: PATH: MESSAGE" and, unless QUIET, the
 * caret snippet from HF (may be NULL). */
static void
pm_format_error(struct pm_buf *b, bool quiet, const char *name,
                const struct pm_error *err, const struct pm_hotfix *hf)
{
	pm_escape_term_start(b, name, strlen(name));   /* starts the line */
	if (err->line)
		pm_buf_printf(b, ":%u:%u", err->line, err->column);
	pm_buf_puts(b, ": error: ");
	if (err->path[0]) {
		pm_escape_term(b, err->path, strlen(err->path), false);
		pm_buf_puts(b, ": ");
	}
	pm_escape_term(b, err->message, strlen(err->message), false);
	pm_buf_putc(b, '\n');
	if (hf && !quiet)
		pm_snippet(b, hf, err);
}

static void
pm_print_error(struct pm_run *run, const char *name, const struct pm_error *err,
               const struct pm_hotfix *hf)
{
	pm_buf_clear(&run->msg);
	pm_format_error(&run->msg, run->cli->quiet, name, err, hf);
	pm_stderr(run->msg.data);
}

/* ---- the run ------------------------------------------------------------ */

static void
pm_status(struct pm_run *run, int status)
{
	if (status > run->status)
		run->status = status;
}

/* Writes LEN bytes of output to stdout, or keeps them for -o, whose file
 * is written in one go at the end so that it is never half written.  A
 * closed pipe ends the run quietly; any other failure is reported once. */
static void
pm_write_out(struct pm_run *run, const char *data, size_t len)
{
	if (run->output_failed || len == 0)
		return;
	if (run->cli->output) {
		pm_buf_put(&run->out, data, len);
		return;
	}
	size_t n = fwrite(data, 1, len, stdout);
	if (n == 0 || ferror(stdout)) {
		if (errno != EPIPE)
			fprintf(stderr, "pmcheck: cannot write output: %s\n", strerror(errno));
		run->output_failed = true;
		pm_status(run, PM_EXIT_OUTPUT);
	}
}

/* Moves the output gathered in run->out to stdout (not with -o). */
static void
pm_flush_out(struct pm_run *run)
{
	if (run->cli->output || run->out.len == 0)
		return;
	pm_write_out(run, run->out.data, run->out.len);
	pm_buf_clear(&run->out);
}

/*
 * Judges one input into RES (cleared first), using W's buffers.  Touches
 * nothing else that is not read-only, so several threads can run it.
 */
static void
pm_judge(const struct pm_run *run, struct pm_worker *w, const char *path,
         const char *name, struct pm_result *res)
{
	const struct pm_cli *cli = run->cli;
	struct pm_error err;
	pm_error_clear(&err);
	pm_buf_clear(&res->out);
	pm_buf_clear(&res->err);
	res->status = PM_EXIT_OK;
	res->rendered = false;
	w->ropts.file = name;

	const struct pm_hotfix *src_hf = NULL;
	if (pm_io_read(path, cli->max_bytes, &w->src, &err) == 0) {
		src_hf = &w->hf;
		if (pm_parse(&w->hf, w->src.data ? w->src.data : "", w->src.len,
		             &err) == 0) {
			if (run->history) {
				struct stat st;
				bool self = path && stat(path, &st) == 0;
				pm_history_match(run->history, &w->hf, run->history_days,
				                 cli->today, self ? &st : NULL);
			}
			struct pm_report rep;
			pm_report_build(&rep, &w->hf, &run->cfg->policy, cli->today);
			if (cli->quiet)
				pm_render_quiet(&res->out, &rep, &w->ropts);
			else
				pm_render_report(cli->format, &res->out, &rep, &w->ropts);
			res->rendered = true;
			if (pm_gate_fails(&rep, cli->fail_on))
				res->status = PM_EXIT_GATE;
			return;
		}
	}
	pm_format_error(&res->err, cli->quiet, name, &err, src_hf);
	res->status = PM_EXIT_INVALID;
	if (!cli->quiet) {
		pm_render_error(cli->format, &res->out, &err, &w->ropts);
		res->rendered = res->out.len > 0;
	}
}

/* Writes RES in its turn: its error message, then its output, set apart
 * from the previous document the way its format wants. */
static void
pm_commit(struct pm_run *run, const struct pm_result *res)
{
	if (res->err.len) {
		pm_flush_out(run);
		pm_stderr(res->err.data);
	}
	pm_status(run, res->status);
	if (!res->rendered)
		return;
	/* Markdown and text documents of several inputs are set apart by a
	 * blank line; line-based formats (JSON Lines, gcc, github) and -q
	 * lines need nothing. */
	pm_flush_out(run);
	if (run->judged++ > 0 && !run->cli->quiet &&
	    !pm_format_line_based(run->cli->format))
		pm_write_out(run, "\n", 1);
	/* Straight from the input's own buffer: a batch's output is not
	 * copied once more on its way to stdio. */
	pm_write_out(run, res->out.data, res->out.len);
}

static void
pm_result_free(struct pm_result *res)
{
	pm_buf_free(&res->out);
	pm_buf_free(&res->err);
}

static void
pm_worker_init(struct pm_worker *w, const struct pm_render_opts *ropts)
{
	memset(w, 0, sizeof(*w));
	pm_hotfix_init(&w->hf);
	w->ropts = *ropts;
	/* The input buffer is taken now, before any directory is read.  Taken
	 * at the first input of a directory, it would land on the block the
	 * directory stream had just given back, whose pages are written and
	 * so stay resident under an input of a few KiB, and all that judging
	 * allocates would go above it: some 50 KiB more for a batch than for
	 * a single file. */
	pm_buf_reserve(&w->src, PM_IO_READ_CHUNK);
}

static void
pm_worker_free(struct pm_worker *w)
{
	pm_hotfix_free(&w->hf);
	pm_buf_free(&w->src);
	/* What libyaml gave back to this thread's cache (src/alloc.c). */
	pm_alloc_yaml_release();
}

/* ---- -j: several inputs at once ----------------------------------------- */

/* How far workers may run ahead of the writer, in inputs: bounds the
 * memory held by finished but unwritten outputs. */
#define PM_JOBS_AHEAD 64

struct pm_pool {
	struct pm_run *run;
	pthread_mutex_t lock;
	pthread_cond_t changed;     /* a task finished, or the writer moved on */
	size_t next;                /* next task to hand out */
	size_t written;             /* tasks committed so far */
	bool stop;                  /* the output failed: judge no more */
};

static void *
pm_pool_work(void *arg)
{
	struct pm_pool *pool = arg;
	struct pm_run *run = pool->run;
	struct pm_worker w;
	pm_worker_init(&w, &run->ropts);
	pthread_mutex_lock(&pool->lock);
	for (;;) {
		while (!pool->stop && pool->next < run->ntasks &&
		       pool->next >= pool->written + PM_JOBS_AHEAD)
			pthread_cond_wait(&pool->changed, &pool->lock);
		if (pool->stop || pool->next >= run->ntasks)
			break;
		struct pm_task *t = &run->tasks[pool->next++];
		pthread_mutex_unlock(&pool->lock);
		if (!t->message)
			pm_judge(run, &w, t->path, t->name, &t->res);
		pthread_mutex_lock(&pool->lock);
		t->done = true;
		pthread_cond_broadcast(&pool->changed);
	}
	pthread_mutex_unlock(&pool->lock);
	pm_worker_free(&w);
	return NULL;
}

/* Judges the queued tasks with JOBS threads and writes them in order. */
static void
pm_pool_run(struct pm_run *run, long jobs)
{
	struct pm_pool pool = { .run = run };
	pthread_mutex_init(&pool.lock, NULL);
	pthread_cond_init(&pool.changed, NULL);
	pthread_t *threads = pm_xcalloc((size_t)jobs, sizeof(*threads));
	long started = 0;
	for (; started < jobs; started++)
		if (pthread_create(&threads[started], NULL, pm_pool_work, &pool) != 0)
			break;
	if (started == 0) {
		/* No thread at all: judge here, one by one. */
		for (size_t i = 0; i < run->ntasks && !run->output_failed; i++) {
			struct pm_task *t = &run->tasks[i];
			if (!t->message)
				pm_judge(run, &run->worker, t->path, t->name, &t->res);
			pm_commit(run, &t->res);
			pm_result_free(&t->res);
		}
	}
	for (size_t i = 0; started && i < run->ntasks; i++) {
		struct pm_task *t = &run->tasks[i];
		pthread_mutex_lock(&pool.lock);
		while (!t->done)
			pthread_cond_wait(&pool.changed, &pool.lock);
		pthread_mutex_unlock(&pool.lock);
		pm_commit(run, &t->res);
		pm_result_free(&t->res);
		pthread_mutex_lock(&pool.lock);
		pool.written = i + 1;
		pool.stop = run->output_failed;
		pthread_cond_broadcast(&pool.changed);
		pthread_mutex_unlock(&pool.lock);
		if (run->output_failed)
			break;
	}
	for (long k = 0; k < started; k++)
		pthread_join(threads[k], NULL);
	free(threads);
	pthread_cond_destroy(&pool.changed);
	pthread_mutex_destroy(&pool.lock);
}

static struct pm_task *
pm_task_add(struct pm_run *run, const char *path, const char *name)
{
	if (run->ntasks == run->tasks_cap) {
		run->tasks_cap = run->tasks_cap ? run->tasks_cap * 2 : 64;
		run->tasks = pm_xrealloc(run->tasks, run->tasks_cap * sizeof(*run->tasks));
	}
	struct pm_task *t = &run->tasks[run->ntasks++];
	memset(t, 0, sizeof(*t));
	t->path = path ? pm_xstrdup(path) : NULL;
	t->name = pm_xstrdup(name);
	return t;
}

/* One input: judged now, or queued for the pool under -j. */
static void
pm_input(struct pm_run *run, const char *path, const char *name)
{
	if (run->cli->jobs > 1) {
		pm_task_add(run, path, name);
		return;
	}
	pm_judge(run, &run->worker, path, name, &run->res);
	pm_commit(run, &run->res);
}

/* The files of a directory argument, judged as the walk finds them. */
struct pm_walk {
	struct pm_run *run;
	size_t found;
};

static void
pm_walk_file(void *ctx, const struct pm_io_file *file)
{
	struct pm_walk *walk = ctx;
	walk->found++;
	if (!walk->run->output_failed)
		pm_input(walk->run, file->path, file->path);
}

/* A message about the inputs, kept in its place among them. */
static void
pm_input_message(struct pm_run *run, const char *text, int status)
{
	if (run->cli->jobs > 1) {
		struct pm_task *t = pm_task_add(run, NULL, "");
		t->message = true;
		t->done = true;
		pm_buf_puts(&t->res.err, text);
		t->res.status = status;
		return;
	}
	pm_stderr(text);
	pm_status(run, status);
}

static bool
pm_use_color(enum pm_color color)
{
	if (color != PM_COLOR_AUTO)
		return color == PM_COLOR_ALWAYS;
	const char *term = getenv("TERM");
	const char *no_color = getenv("NO_COLOR");
	return isatty(STDOUT_FILENO) && !(term && strcmp(term, "dumb") == 0) &&
	       !(no_color && no_color[0]);
}

/* A history file that cannot be used is skipped with a warning; it never
 * changes the exit status. */
static void
pm_history_warn(void *ctx, const char *file, const struct pm_error *err,
                const struct pm_hotfix *hf)
{
	(void)hf;
	struct pm_run *run = ctx;
	struct pm_buf *b = &run->msg;
	pm_buf_clear(b);
	pm_escape_term_start(b, file, strlen(file));   /* starts the line */
	if (err->line)
		pm_buf_printf(b, ":%u:%u", err->line, err->column);
	pm_buf_puts(b, ": warning: ");
	if (err->path[0]) {
		pm_escape_term(b, err->path, strlen(err->path), false);
		pm_buf_puts(b, ": ");
	}
	pm_escape_term(b, err->message, strlen(err->message), false);
	pm_buf_puts(b, " (skipped from the history)\n");
	pm_stderr(b->data);
}

/* The configuration file of SPEC §3: --config, else PMCHECK_CONFIG, else
 * the nearest .pmcheck.yaml upwards, else none.  Exits 2 on an error. */
static void
pm_load_config(struct pm_run *run, struct pm_config *cfg, char **found)
{
	const struct pm_cli *cli = run->cli;
	const char *path = cli->config;
	if (path == NULL && !cli->no_config) {
		const char *env = getenv("PMCHECK_CONFIG");
		path = env && env[0] ? env : (*found = pm_config_find());
	}
	if (path == NULL)
		return;
	struct pm_error err;
	pm_error_clear(&err);
	if (pm_config_load(cfg, path, &err) < 0) {
		/* A name nobody typed on this command line needs its origin. */
		if (err.code == PM_ERR_IO && path != cli->config && path != *found) {
			size_t n = strlen(err.message);
			snprintf(err.message + n, sizeof(err.message) - n,
			         " (named by PMCHECK_CONFIG)");
		}
		pm_print_error(run, path, &err, err.line ? &cfg->doc : NULL);
		exit(PM_EXIT_USAGE);
	}
}

/* Writes the whole output to -o FILE, or what is left of it to stdout. */
static void
pm_finish_output(struct pm_run *run)
{
	const char *file = run->cli->output;
	/* Every input failed and nothing was rendered: an empty file would
	 * only stand in the way of the next run. */
	if (file && run->out.len == 0 && run->status == PM_EXIT_INVALID)
		file = NULL;
	if (file && !run->output_failed) {
		struct pm_error err;
		pm_error_clear(&err);
		if (pm_io_write_atomic(file, run->out.data, run->out.len,
		                       run->cli->force, &err) < 0) {
			pm_print_error(run, "pmcheck", &err, NULL);
			pm_status(run, PM_EXIT_OUTPUT);
			run->output_failed = true;
		}
	}
	pm_flush_out(run);
	if (!run->output_failed && (fflush(stdout) != 0 || ferror(stdout))) {
		if (errno != EPIPE)
			fprintf(stderr, "pmcheck: cannot write output: %s\n", strerror(errno));
		pm_status(run, PM_EXIT_OUTPUT);
		run->output_failed = true;
	}
	if (fclose(stdout) != 0 && !run->output_failed) {
		if (errno != EPIPE)
			fprintf(stderr, "pmcheck: cannot write output: %s\n", strerror(errno));
		pm_status(run, PM_EXIT_OUTPUT);
	}
}

int
main(int argc, char **argv)
{
	/* A closed pipe must not kill the process mid-write: writes then fail
	 * with EPIPE and the run ends quietly. */
	signal(SIGPIPE, SIG_IGN);
	/* Fewer, larger writes when the output goes to a file or a pipe; a
	 * terminal keeps its line buffering. */
	static char stdout_buf[32768];
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, stdout_buf, _IOFBF, sizeof(stdout_buf));

	struct pm_cli cli = {
		.format = PM_FORMAT_MARKDOWN,
		.fail_on = PM_VERDICT_REQUIRED,
		.color = PM_COLOR_AUTO,
		.max_bytes = PM_DEFAULT_MAX_BYTES,
		.today = pm_floor_div((int64_t)time(NULL), 86400),
		.history_days = -1,
		.jobs = 1,
	};
	struct pm_strlist args = { 0 };
	pm_parse_args(argc, argv, &cli, &args);
	if (cli.init && cli.init_file) {
		if (cli.output)
			pm_usage_error("give the file to --init or to -o, not both", NULL);
		cli.output = cli.init_file;
	}
	/* "-o -" is standard output, as for inputs. */
	if (cli.output && strcmp(cli.output, "-") == 0)
		cli.output = NULL;

	const char *today = getenv("PMCHECK_TODAY");
	if (today && today[0] && !pm_parse_day(today, &cli.today))
		pm_usage_error("PMCHECK_TODAY='%s' is not a date (YYYY-MM-DD)", today);

	struct pm_config cfg;
	pm_config_init(&cfg);
	struct pm_run run = {
		.cli = &cli,
		.cfg = &cfg,
		.ropts = { .version = PM_VERSION },
	};
	char *found = NULL;
	/* The starter file does not depend on any policy. */
	if (!cli.init)
		pm_load_config(&run, &cfg, &found);

	/* Command line beats the configuration, which beats the defaults. */
	if (cli.fail_on_set || cfg.fail_on < 0)
		cfg.fail_on = (int)cli.fail_on;
	if (cli.history_days >= 0 || cfg.history_days < 0)
		cfg.history_days = cli.history_days >= 0 ? cli.history_days
		                                         : PM_HISTORY_DAYS_DEFAULT;
	if (cli.history.len) {
		cfg.history = (const char **)cli.history.items;
		cfg.nhistory = cli.history.len;
	}
	cli.fail_on = (enum pm_verdict)cfg.fail_on;

	if (cli.init || cli.print_config || cli.list_rules) {
		if (cli.init)
			pm_init_render(&run.out);
		else if (cli.print_config)
			pm_config_print(&run.out, &cfg);
		else
			pm_config_list_rules(&run.out, &cfg);
		pm_finish_output(&run);
		if (cli.init && cli.output && run.status == PM_EXIT_OK && !cli.quiet) {
			struct pm_buf b = PM_BUF_INIT;
			pm_buf_puts(&b, "pmcheck: wrote ");
			pm_escape_term(&b, cli.output, strlen(cli.output), false);
			pm_buf_puts(&b, "; fill it in, then run: pmcheck ");
			pm_escape_term(&b, cli.output, strlen(cli.output), false);
			pm_buf_putc(&b, '\n');
			fputs(b.data, stderr);
			pm_buf_free(&b);
		}
		int status = run.status;
		pm_buf_free(&run.out);
		pm_buf_free(&run.msg);
		pm_config_free(&cfg);
		free(found);
		pm_strlist_free(&cli.history);
		pm_strlist_free(&args);
		pm_alloc_yaml_release();
		return status;
	}

	if (args.len == 0) {
		if (isatty(STDIN_FILENO))
			pm_usage_error("no input; give a FILE, a DIR, or - to read "
			               "standard input", NULL);
		pm_strlist_push(&args, "-");
	}

	struct pm_history history;
	pm_history_init(&history);
	for (size_t i = 0; i < cfg.nhistory; i++) {
		struct pm_error err;
		pm_error_clear(&err);
		if (pm_history_load(&history, cfg.history[i], cli.max_bytes,
		                    pm_history_warn, &run, &err) < 0) {
			pm_print_error(&run, "pmcheck", &err, NULL);
			exit(PM_EXIT_USAGE);
		}
	}
	if (cfg.nhistory) {
		run.history = &history;
		run.history_days = cfg.history_days;
	}

	run.ropts.color = pm_use_color(cli.color) && cli.output == NULL;
	run.ropts.fail_on = cli.fail_on;
	run.ropts.config = cfg.path;
	pm_worker_init(&run.worker, &run.ropts);
	for (size_t i = 0; i < args.len && !run.output_failed; i++) {
		const char *arg = args.items[i];
		if (strcmp(arg, "-") == 0) {
			pm_input(&run, NULL, cli.stdin_name ? cli.stdin_name : "<stdin>");
		} else if (pm_io_is_dir(arg)) {
			struct pm_walk walk = { .run = &run };
			struct pm_error err;
			pm_error_clear(&err);
			struct pm_buf b = PM_BUF_INIT;
			if (pm_io_walk_paths(arg, pm_walk_file, &walk, &err) < 0) {
				/* The message names the directory that failed, which
				 * may lie below ARG. */
				pm_format_error(&b, cli.quiet, "pmcheck", &err, NULL);
				pm_input_message(&run, b.data, PM_EXIT_INVALID);
			} else if (walk.found == 0) {
				pm_buf_puts(&b, "pmcheck: ");
				pm_escape_term(&b, arg, strlen(arg), false);
				pm_buf_puts(&b, ": warning: no *.yaml or *.yml files found\n");
				pm_input_message(&run, b.data, PM_EXIT_OK);
			}
			pm_buf_free(&b);
		} else {
			pm_input(&run, arg, arg);
		}
	}
	if (run.ntasks)
		pm_pool_run(&run, cli.jobs);
	for (size_t i = 0; i < run.ntasks; i++) {
		free(run.tasks[i].path);
		free(run.tasks[i].name);
		pm_result_free(&run.tasks[i].res);
	}
	free(run.tasks);

	pm_finish_output(&run);

	pm_worker_free(&run.worker);
	pm_result_free(&run.res);
	pm_buf_free(&run.out);
	pm_buf_free(&run.msg);
	pm_strlist_free(&args);
	pm_history_free(&history);
	pm_config_free(&cfg);
	free(found);
	pm_strlist_free(&cli.history);
	return run.status;
}
