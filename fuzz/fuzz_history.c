/*
 * Fuzz target: --history.  The input is a judged hotfix followed by up to
 * eight past incident files, set apart by lines that hold only "%%":
 *
 *     title: today's hotfix        <- judged
 *     %%
 *     title: an old incident       <- history/h1.yaml
 *     %%
 *     ...                          <- history/h2.yaml ...
 *
 * The past incidents are written to a directory of this process's own (the
 * same names for every input, the previous input's files removed first),
 * read back with pm_history_load as pmcheck reads --history, and compared
 * with the judged hotfix by pm_history_match under a short and the longest
 * window.  Each report is rendered in every format and held to the promises
 * of fuzz_common.h; every warning about a broken history file must carry a
 * proper error and print terminal-safe.  Nothing depends on the clock or on
 * the file system's order, so an input always gives the same result.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_common.h"

#define PM_FUZZ_PARTS 8
#define PM_FUZZ_SEP "\n%%\n"

static char pm_fuzz_dir[4096];

static void
pm_fuzz_file(char *out, size_t size, int i)
{
	snprintf(out, size, "%s/h%d.yaml", pm_fuzz_dir, i);
}

static void
pm_fuzz_cleanup(void)
{
	char path[4200];
	for (int i = 1; i <= PM_FUZZ_PARTS; i++) {
		pm_fuzz_file(path, sizeof(path), i);
		unlink(path);
	}
	rmdir(pm_fuzz_dir);
}

static void
pm_fuzz_init(void)
{
	if (pm_fuzz_dir[0])
		return;
	const char *tmp = getenv("TMPDIR");
	snprintf(pm_fuzz_dir, sizeof(pm_fuzz_dir), "%s/pmcheck-fuzz-history.XXXXXX",
	         tmp && tmp[0] ? tmp : "/tmp");
	if (mkdtemp(pm_fuzz_dir) == NULL) {
		perror("fuzz_history: mkdtemp");
		abort();
	}
	atexit(pm_fuzz_cleanup);
}

static void
pm_fuzz_write(int i, const uint8_t *data, size_t len)
{
	char path[4200];
	pm_fuzz_file(path, sizeof(path), i);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		perror("fuzz_history: open");
		abort();
	}
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			perror("fuzz_history: write");
			abort();
		}
		data += n;
		len -= (size_t)n;
	}
	close(fd);
}

/* What main.c prints for a skipped history file, checked like any output. */
static void
pm_fuzz_warn(void *ctx, const char *file, const struct pm_error *err,
             const struct pm_hotfix *hf)
{
	(void)ctx;
	pm_fuzz_check_error(err, hf);
	struct pm_buf b = PM_BUF_INIT;
	pm_escape_term(&b, file, strlen(file), false);
	pm_buf_puts(&b, ": warning: ");
	pm_escape_term(&b, err->path, strlen(err->path), false);
	pm_escape_term(&b, err->message, strlen(err->message), false);
	pm_buf_putc(&b, '\n');
	pm_fuzz_check_output(PM_FORMAT_TEXT, &b);
	pm_buf_free(&b);
}

static void
pm_fuzz_judge(const struct pm_history *h, const uint8_t *data, size_t len,
              int64_t days)
{
	struct pm_hotfix hf;
	pm_hotfix_init(&hf);
	struct pm_error err;
	pm_error_clear(&err);
	struct pm_render_opts opts = {
		.file = "hotfix.yaml",
		.fail_on = PM_VERDICT_REQUIRED,
		.version = PM_VERSION,
	};
	if (pm_parse(&hf, (const char *)data, len, &err) == 0) {
		pm_history_match(h, &hf, days, PM_FUZZ_TODAY, NULL);
		const struct pm_value *sim = &hf.f[PM_F_DERIVED_SIMILAR_INCIDENTS];
		if (sim->type == PM_V_LIST && sim->count > h->count) {
			fprintf(stderr, "*** %zu similar incidents out of %zu\n",
			        sim->count, h->count);
			abort();
		}
		struct pm_report rep;
		pm_report_build(&rep, &hf, pm_policy_default(), PM_FUZZ_TODAY);
		pm_fuzz_render_all(&rep, NULL, &opts);
	} else {
		pm_fuzz_check_error(&err, &hf);
	}
	pm_hotfix_free(&hf);
}

/* The first NEEDLE[0..N) in [P, END), or NULL (memmem is not standard C). */
static const uint8_t *
pm_fuzz_find(const uint8_t *p, const uint8_t *end, const char *needle, size_t n)
{
	for (; (size_t)(end - p) >= n; p++)
		if (memcmp(p, needle, n) == 0)
			return p;
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > PM_DEFAULT_MAX_BYTES)
		return -1;
	pm_fuzz_init();

	/* Split at the separator lines. */
	const uint8_t *part[PM_FUZZ_PARTS + 1];
	size_t plen[PM_FUZZ_PARTS + 1];
	size_t nparts = 0;
	const uint8_t *p = data, *end = data + size;
	const size_t seplen = sizeof(PM_FUZZ_SEP) - 1;
	while (nparts < PM_FUZZ_PARTS) {
		const uint8_t *sep = pm_fuzz_find(p, end, PM_FUZZ_SEP, seplen);
		if (sep == NULL)
			break;
		part[nparts] = p;
		plen[nparts++] = (size_t)(sep - p) + 1;   /* keep the line's "\n" */
		p = sep + seplen;
	}
	part[nparts] = p;
	plen[nparts++] = (size_t)(end - p);

	char path[4200];
	for (int i = 1; i <= PM_FUZZ_PARTS; i++) {
		pm_fuzz_file(path, sizeof(path), i);
		if ((size_t)i < nparts)
			pm_fuzz_write(i, part[i], plen[i]);
		else
			unlink(path);
	}

	struct pm_history h;
	pm_history_init(&h);
	struct pm_error err;
	pm_error_clear(&err);
	if (pm_history_load(&h, pm_fuzz_dir, PM_DEFAULT_MAX_BYTES, pm_fuzz_warn, NULL,
	                    &err) < 0) {
		fprintf(stderr, "*** history directory refused: %s\n", err.message);
		abort();
	}
	if (h.files != nparts - 1 || h.count > h.files) {
		fprintf(stderr, "*** %zu files read, %zu kept, %zu written\n", h.files,
		        h.count, nparts - 1);
		abort();
	}
	pm_fuzz_judge(&h, part[0], plen[0], 180);
	pm_fuzz_judge(&h, part[0], plen[0], 36500);
	pm_history_free(&h);
	return 0;
}
