/*
 * Tests for the atomic output writer: new files with exact bytes and mode,
 * existing files refused or replaced, directories, missing and read-only
 * directories, symbolic links, FIFOs, empty and 8 MiB buffers, a file that
 * appears just before the final step, a write that fails midway (a file
 * size limit stands in for a full disk), and after every case a listing of
 * the directory showing that no temporary file was left behind.  And the
 * directory walk: order, what it skips, and the identity it gives.
 *
 * io.c is compiled into this program rather than taken from the library so
 * that the link() fallback of the no-replace step, which a Linux kernel
 * with renameat2() never reaches, can be called directly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <signal.h>
#include <sys/resource.h>

/* A tiny walk budget, so that a directory of more than a few dozen names
 * is read in several passes: what the walk hands out must not change. */
#define PM_IO_WALK_BUDGET 1024u
#include "../src/io.c"

/* Each test gets a fresh directory, removed afterwards. */
struct t_dir {
	char path[256];
};

static void
t_rmtree(const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		/* A test may have made it read-only. */
		chmod(path, 0700);
		DIR *d = opendir(path);
		if (d != NULL) {
			struct dirent *e;
			while ((e = readdir(d)) != NULL) {
				if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
					continue;
				char sub[1024];
				snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
				t_rmtree(sub);
			}
			closedir(d);
		}
		rmdir(path);
	} else {
		unlink(path);
	}
}

static int
t_setup(void **state)
{
	struct t_dir *t = calloc(1, sizeof(*t));
	const char *base = getenv("TMPDIR");
	snprintf(t->path, sizeof(t->path), "%s/pmcheck-io.XXXXXX",
	         base && base[0] ? base : "/tmp");
	if (mkdtemp(t->path) == NULL) {
		free(t);
		return -1;
	}
	*state = t;
	return 0;
}

static int
t_teardown(void **state)
{
	struct t_dir *t = *state;
	t_rmtree(t->path);
	free(t);
	return 0;
}

/* DIR/NAME in a static buffer of its own per slot, so two can be live. */
static const char *
t_path(const struct t_dir *t, int slot, const char *name)
{
	static char bufs[4][512];
	snprintf(bufs[slot], sizeof(bufs[slot]), "%s/%s", t->path, name);
	return bufs[slot];
}

static void
t_put(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

/* The whole of PATH; the caller frees.  Fails the test when unreadable. */
static char *
t_slurp(const char *path, size_t *len)
{
	struct pm_buf buf = PM_BUF_INIT;
	struct pm_error err;
	pm_error_clear(&err);
	if (pm_io_read(path, 64u << 20, &buf, &err) != 0)
		fail_msg("cannot read %s: %s", path, err.message);
	if (len)
		*len = buf.len;
	return buf.data ? buf.data : calloc(1, 1);
}

static void
t_assert_content(const char *path, const char *want)
{
	char *got = t_slurp(path, NULL);
	assert_string_equal(got, want);
	free(got);
}

static int
t_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The directory holds exactly the names in WANT ("a b c", sorted, "" for
 * none): in particular no temporary file was left behind. */
static void
t_assert_listing(const char *dir, const char *want)
{
	char *names[64];
	size_t n = 0;
	DIR *d = opendir(dir);
	assert_non_null(d);
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		assert_true(n < 64);
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), t_cmp);
	char got[2048] = "";
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(got, " ");
		strncat(got, names[i], sizeof(got) - strlen(got) - 2);
		free(names[i]);
	}
	assert_string_equal(got, want);
}

/* Calls the writer and expects failure with exactly MESSAGE. */
static void
t_refused(const char *path, const char *data, bool force, const char *message)
{
	struct pm_error err;
	pm_error_clear(&err);
	assert_int_equal(pm_io_write_atomic(path, data, strlen(data), force, &err), -1);
	assert_int_equal(err.code, PM_ERR_OUTPUT);
	assert_string_equal(err.path, "");
	assert_string_equal(err.message, message);
}

static void
t_written(const char *path, const char *data, bool force)
{
	struct pm_error err;
	pm_error_clear(&err);
	if (pm_io_write_atomic(path, data, strlen(data), force, &err) != 0)
		fail_msg("write to %s failed: %s", path, err.message);
	assert_int_equal(err.code, PM_ERR_NONE);
	t_assert_content(path, data);
}

static mode_t
t_mode(const char *path)
{
	struct stat st;
	assert_int_equal(lstat(path, &st), 0);
	return st.st_mode;
}

static void
test_new_file_content_and_mode(void **state)
{
	struct t_dir *t = *state;
	mode_t old = umask(022);
	t_written(t_path(t, 0, "pm.md"), "# Post-mortem\n\nline two\n", false);
	assert_true(S_ISREG(t_mode(t_path(t, 0, "pm.md"))));
	assert_int_equal(t_mode(t_path(t, 0, "pm.md")) & 07777, 0644);
	/* The mode is whatever open(0666) gives under the umask, as for any
	 * new file: a private umask gives a private file. */
	umask(077);
	t_written(t_path(t, 0, "private.md"), "x\n", false);
	assert_int_equal(t_mode(t_path(t, 0, "private.md")) & 07777, 0600);
	umask(old);
	t_assert_listing(t->path, "pm.md private.md");
}

static void
test_existing_refused_and_untouched(void **state)
{
	struct t_dir *t = *state;
	const char *pm = t_path(t, 0, "pm.md");
	t_put(pm, "old\n", 0640);
	struct stat before, after;
	assert_int_equal(stat(pm, &before), 0);
	char want[2048];
	snprintf(want, sizeof(want), "%s already exists; use --force to replace it", pm);
	t_refused(pm, "new\n", false, want);
	t_assert_content(pm, "old\n");
	assert_int_equal(stat(pm, &after), 0);
	assert_int_equal(before.st_ino, after.st_ino);
	assert_int_equal(after.st_mode & 07777, 0640);
	t_assert_listing(t->path, "pm.md");
}

static void
test_force_replaces_and_keeps_mode(void **state)
{
	struct t_dir *t = *state;
	const char *pm = t_path(t, 0, "pm.md");
	t_put(pm, "old and much longer than the new content\n", 0600);
	struct stat before, after;
	assert_int_equal(stat(pm, &before), 0);
	t_written(pm, "new\n", true);
	assert_int_equal(stat(pm, &after), 0);
	/* A new inode: replaced by rename, not rewritten in place, so a reader
	 * holding the old file still sees all of the old content. */
	assert_true(before.st_ino != after.st_ino);
	assert_int_equal(after.st_mode & 07777, 0600);
	/* Forcing where nothing exists simply creates the file. */
	t_written(t_path(t, 1, "fresh.md"), "fresh\n", true);
	t_assert_listing(t->path, "fresh.md pm.md");
}

static void
test_reader_of_old_file_keeps_old_content(void **state)
{
	struct t_dir *t = *state;
	const char *pm = t_path(t, 0, "pm.md");
	t_put(pm, "old\n", 0644);
	int fd = open(pm, O_RDONLY);
	assert_true(fd >= 0);
	t_written(pm, "new\n", true);
	char got[16] = "";
	assert_int_equal(read(fd, got, sizeof(got) - 1), 4);
	assert_string_equal(got, "old\n");
	close(fd);
	t_assert_listing(t->path, "pm.md");
}

static void
test_directory_target(void **state)
{
	struct t_dir *t = *state;
	const char *sub = t_path(t, 0, "sub");
	assert_int_equal(mkdir(sub, 0755), 0);
	char want[2048];
	snprintf(want, sizeof(want), "%s is a directory", sub);
	t_refused(sub, "x\n", false, want);
	t_refused(sub, "x\n", true, want);
	/* An empty directory must survive --force as well: rename() would
	 * happily replace it with a file on some systems. */
	assert_true(S_ISDIR(t_mode(sub)));
	const char *slashed = t_path(t, 1, "sub/");
	snprintf(want, sizeof(want), "%s is a directory", slashed);
	t_refused(slashed, "x\n", true, want);
	const char *dot = t_path(t, 1, "sub/.");
	snprintf(want, sizeof(want), "%s is a directory", dot);
	t_refused(dot, "x\n", false, want);
	const char *nodir = t_path(t, 1, "nothing/");
	snprintf(want, sizeof(want),
	         "cannot write %s: a file name cannot end with '/'", nodir);
	t_refused(nodir, "x\n", false, want);
	t_assert_listing(t->path, "sub");
	t_assert_listing(sub, "");
}

static void
test_missing_directory(void **state)
{
	struct t_dir *t = *state;
	const char *pm = t_path(t, 0, "nope/pm.md");
	char want[2048];
	snprintf(want, sizeof(want), "cannot write %s: directory %s/nope does not exist",
	         pm, t->path);
	t_refused(pm, "x\n", false, want);
	t_refused(pm, "x\n", true, want);
	/* A file where a directory should be. */
	t_put(t_path(t, 1, "file"), "f\n", 0644);
	const char *under = t_path(t, 0, "file/pm.md");
	snprintf(want, sizeof(want), "cannot write %s: %s/file is not a directory",
	         under, t->path);
	t_refused(under, "x\n", false, want);
	t_assert_listing(t->path, "file");
}

static void
test_unwritable_directory(void **state)
{
	struct t_dir *t = *state;
	if (geteuid() == 0) {
		/* Permission bits do not stop root. */
		skip();
	}
	const char *ro = t_path(t, 0, "ro");
	assert_int_equal(mkdir(ro, 0755), 0);
	t_put(t_path(t, 1, "ro/pm.md"), "old\n", 0644);
	assert_int_equal(chmod(ro, 0555), 0);
	const char *fresh = t_path(t, 1, "ro/new.md");
	char want[2048];
	snprintf(want, sizeof(want),
	         "cannot write %s: cannot create a file in %s: Permission denied",
	         fresh, ro);
	t_refused(fresh, "x\n", false, want);
	const char *pm = t_path(t, 1, "ro/pm.md");
	snprintf(want, sizeof(want),
	         "cannot write %s: cannot create a file in %s: Permission denied",
	         pm, ro);
	t_refused(pm, "x\n", true, want);
	t_assert_content(pm, "old\n");
	t_assert_listing(ro, "pm.md");
}

static void
test_symlink_without_force_is_refused(void **state)
{
	struct t_dir *t = *state;
	const char *real = t_path(t, 0, "real.md");
	const char *link = t_path(t, 1, "link.md");
	t_put(real, "real\n", 0644);
	assert_int_equal(symlink("real.md", link), 0);
	char want[2048];
	snprintf(want, sizeof(want), "%s already exists (a symbolic link); use "
	         "--force to replace the link itself", link);
	t_refused(link, "new\n", false, want);
	t_assert_content(real, "real\n");
	assert_true(S_ISLNK(t_mode(link)));
	/* A dangling link is an existing name too. */
	const char *dangling = t_path(t, 1, "dangling.md");
	assert_int_equal(symlink("missing.md", dangling), 0);
	snprintf(want, sizeof(want), "%s already exists (a symbolic link); use "
	         "--force to replace the link itself", dangling);
	t_refused(dangling, "new\n", false, want);
	assert_true(S_ISLNK(t_mode(dangling)));
	t_assert_listing(t->path, "dangling.md link.md real.md");
}

static void
test_symlink_with_force_replaces_the_link(void **state)
{
	struct t_dir *t = *state;
	const char *real = t_path(t, 0, "real.md");
	const char *link = t_path(t, 1, "link.md");
	t_put(real, "real\n", 0600);
	assert_int_equal(symlink("real.md", link), 0);
	mode_t old = umask(022);
	t_written(link, "new\n", true);
	umask(old);
	/* The link became a regular file with the new bytes and a new file's
	 * mode; the file it pointed to is untouched. */
	assert_true(S_ISREG(t_mode(link)));
	assert_int_equal(t_mode(link) & 07777, 0644);
	t_assert_content(real, "real\n");
	const char *dangling = t_path(t, 1, "dangling.md");
	assert_int_equal(symlink("missing.md", dangling), 0);
	t_written(dangling, "new\n", true);
	assert_true(S_ISREG(t_mode(dangling)));
	t_assert_listing(t->path, "dangling.md link.md real.md");
}

static void
test_symlink_to_non_file_is_refused(void **state)
{
	struct t_dir *t = *state;
	const char *out = t_path(t, 0, "stdout");
	assert_int_equal(symlink("/dev/null", out), 0);
	char want[2048];
	snprintf(want, sizeof(want), "%s is a symbolic link to a device, pipe or "
	         "socket, not to a regular file; refusing to replace it", out);
	t_refused(out, "x\n", true, want);
	t_refused(out, "x\n", false, want);
	assert_true(S_ISLNK(t_mode(out)));
	const char *todir = t_path(t, 0, "todir");
	assert_int_equal(symlink(".", todir), 0);
	snprintf(want, sizeof(want), "%s is a symbolic link to a directory, not "
	         "to a regular file; refusing to replace it", todir);
	t_refused(todir, "x\n", true, want);
	assert_true(S_ISLNK(t_mode(todir)));
	t_assert_listing(t->path, "stdout todir");
}

static void
test_fifo_is_refused(void **state)
{
	struct t_dir *t = *state;
	const char *fifo = t_path(t, 0, "fifo");
	assert_int_equal(mkfifo(fifo, 0644), 0);
	char want[2048];
	snprintf(want, sizeof(want), "%s is a device, pipe or socket, not a regular "
	         "file; refusing to replace it", fifo);
	t_refused(fifo, "x\n", true, want);
	t_refused(fifo, "x\n", false, want);
	assert_true(S_ISFIFO(t_mode(fifo)));
	t_assert_listing(t->path, "fifo");
}

static void
test_empty_buffer(void **state)
{
	struct t_dir *t = *state;
	struct pm_error err;
	pm_error_clear(&err);
	assert_int_equal(pm_io_write_atomic(t_path(t, 0, "empty.md"), NULL, 0,
	                                    false, &err), 0);
	struct stat st;
	assert_int_equal(stat(t_path(t, 0, "empty.md"), &st), 0);
	assert_int_equal(st.st_size, 0);
	t_put(t_path(t, 0, "full.md"), "something\n", 0644);
	assert_int_equal(pm_io_write_atomic(t_path(t, 0, "full.md"), "", 0, true,
	                                    &err), 0);
	assert_int_equal(stat(t_path(t, 0, "full.md"), &st), 0);
	assert_int_equal(st.st_size, 0);
	t_assert_listing(t->path, "empty.md full.md");
}

static void
test_large_buffer(void **state)
{
	struct t_dir *t = *state;
	size_t n = 8u << 20;
	char *data = malloc(n);
	/* No two 64 KiB blocks alike, so a block written twice or skipped
	 * shows up. */
	for (size_t i = 0; i < n; i++)
		data[i] = (char)((i * 7u + (i >> 16)) & 0xff);
	struct pm_error err;
	pm_error_clear(&err);
	const char *big = t_path(t, 0, "big.md");
	assert_int_equal(pm_io_write_atomic(big, data, n, false, &err), 0);
	size_t len;
	char *got = t_slurp(big, &len);
	assert_int_equal(len, n);
	assert_memory_equal(got, data, n);
	free(got);
	free(data);
	t_assert_listing(t->path, "big.md");
}

static void
test_file_created_just_before_is_not_replaced(void **state)
{
	struct t_dir *t = *state;
	const char *pm = t_path(t, 0, "pm.md");
	/* Nothing is checked before the final step, so a file that appears
	 * at any moment before it meets the same atomic refusal as this one. */
	t_put(pm, "someone else's\n", 0644);
	char want[2048];
	snprintf(want, sizeof(want), "%s already exists; use --force to replace it", pm);
	t_refused(pm, "ours\n", false, want);
	t_assert_content(pm, "someone else's\n");
	t_assert_listing(t->path, "pm.md");
}

/* Both no-replace steps, called directly: renameat2() where the kernel
 * has it and the link() fallback that other systems use. */
static void
test_noreplace_steps(void **state)
{
	struct t_dir *t = *state;
	int (*const steps[])(const char *, const char *) = {
		pm_io_rename_noreplace, pm_io_link_noreplace,
	};
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		const char *from = t_path(t, 0, "from");
		const char *to = t_path(t, 1, "to");
		t_put(from, "from\n", 0644);
		t_put(to, "to\n", 0644);
		errno = 0;
		assert_int_equal(steps[i](from, to), -1);
		assert_int_equal(errno, EEXIST);
		t_assert_content(to, "to\n");
		t_assert_content(from, "from\n");
		t_assert_listing(t->path, "from to");
		assert_int_equal(unlink(to), 0);
		assert_int_equal(steps[i](from, to), 0);
		t_assert_content(to, "from\n");
		t_assert_listing(t->path, "to");
		assert_int_equal(unlink(to), 0);
	}
}

/*
 * A write that fails midway.  A tiny tmpfs would need privileges, so a file
 * size limit stands in for the full disk: past it write() fails with EFBIG
 * exactly as it fails with ENOSPC, after a short write.
 */
static void
test_write_failure_leaves_nothing(void **state)
{
	struct t_dir *t = *state;
	struct rlimit old, small;
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small = old;
	small.rlim_cur = 4096;
	if (old.rlim_max != RLIM_INFINITY && old.rlim_max < 4096)
		skip();
	void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);

	size_t n = 64 * 1024;
	char *data = malloc(n);
	memset(data, 'x', n);
	const char *pm = t_path(t, 0, "pm.md");
	struct pm_error err;
	pm_error_clear(&err);
	int rc_new = pm_io_write_atomic(pm, data, n, false, &err);
	struct pm_error err_new = err;
	t_put(t_path(t, 1, "old.md"), "old\n", 0644);
	pm_error_clear(&err);
	int rc_old = pm_io_write_atomic(t_path(t, 1, "old.md"), data, n, true, &err);

	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, prev);
	free(data);

	char want[2048];
	assert_int_equal(rc_new, -1);
	assert_int_equal(err_new.code, PM_ERR_OUTPUT);
	snprintf(want, sizeof(want), "cannot write %s: %s", pm, strerror(EFBIG));
	assert_string_equal(err_new.message, want);
	assert_int_equal(rc_old, -1);
	snprintf(want, sizeof(want), "cannot write %s: %s", t_path(t, 1, "old.md"),
	         strerror(EFBIG));
	assert_string_equal(err.message, want);
	t_assert_content(t_path(t, 1, "old.md"), "old\n");
	t_assert_listing(t->path, "old.md");
}

static void
test_relative_and_odd_names(void **state)
{
	struct t_dir *t = *state;
	char cwd[4096];
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(t->path), 0);
	struct pm_error err;
	pm_error_clear(&err);
	/* No directory part: the temporary file goes to the current one. */
	int rc1 = pm_io_write_atomic("pm.md", "a\n", 2, false, &err);
	/* "-" is taken literally; the caller decides what it means. */
	int rc2 = pm_io_write_atomic("-", "b\n", 2, false, &err);
	int rc3 = pm_io_write_atomic("./sub//", "c\n", 2, false, &err);
	assert_int_equal(chdir(cwd), 0);
	assert_int_equal(rc1, 0);
	assert_int_equal(rc2, 0);
	assert_int_equal(rc3, -1);
	assert_string_equal(err.message,
	                    "cannot write ./sub//: a file name cannot end with '/'");
	t_assert_content(t_path(t, 0, "pm.md"), "a\n");
	t_assert_content(t_path(t, 0, "-"), "b\n");
	t_refused("", "x", true, "the output file name is empty");
	t_assert_listing(t->path, "- pm.md");
}

static void
test_null_error_and_first_error_wins(void **state)
{
	struct t_dir *t = *state;
	const char *pm = t_path(t, 0, "pm.md");
	t_put(pm, "old\n", 0644);
	assert_int_equal(pm_io_write_atomic(pm, "x", 1, false, NULL), -1);
	struct pm_error err;
	pm_error_clear(&err);
	pm_error_set(&err, PM_ERR_IO, 3, 4, NULL, "earlier");
	assert_int_equal(pm_io_write_atomic(pm, "x", 1, false, &err), -1);
	assert_int_equal(err.code, PM_ERR_IO);
	assert_string_equal(err.message, "earlier");
	t_assert_content(pm, "old\n");
	t_assert_listing(t->path, "pm.md");
}

/* ---- the directory walk ------------------------------------------------- */

/* What the walk tests collect: each file the walk hands out. */
static struct {
	char path[512];
	dev_t dev;
	ino_t ino;
} t_many[400];
static size_t t_nmany;

static void
t_many_collect(void *ctx, const struct pm_io_file *file)
{
	(void)ctx;
	assert_true(t_nmany < sizeof(t_many) / sizeof(t_many[0]));
	snprintf(t_many[t_nmany].path, sizeof(t_many[0].path), "%s", file->path);
	t_many[t_nmany].dev = file->dev;
	t_many[t_nmany].ino = file->ino;
	t_nmany++;
}

/* Files come in the byte order of their full paths, each directory's names
 * sorted apart ("a.yaml" before "a/..." before "a0.yaml"), with hidden
 * names, other extensions and links to directories left out, links to
 * files followed; the identity given is the one stat() gives. */
static void
test_walk_order_and_identity(void **state)
{
	struct t_dir *t = *state;
	static const char *const dirs[] = { "a", "a/deeper", ".git", "b.yaml.d" };
	static const char *const files[] = {
		"a.yaml", "a/x.yaml", "a/deeper/y.yml", "a0.yaml", "a-b.yaml",
		"b.yaml.d/z.yaml", "c.txt", ".hidden.yaml", ".git/HEAD.yaml", "Z.yaml",
		"b.yml",
	};
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		assert_int_equal(mkdir(t_path(t, 0, dirs[i]), 0700), 0);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		t_put(t_path(t, 0, files[i]), "title: x\n", 0600);
	assert_int_equal(symlink("a.yaml", t_path(t, 0, "link.yaml")), 0);
	assert_int_equal(symlink("a", t_path(t, 0, "linkdir.yaml")), 0);

	static const char *const expected[] = {
		"Z.yaml", "a-b.yaml", "a.yaml", "a/deeper/y.yml", "a/x.yaml",
		"a0.yaml", "b.yaml.d/z.yaml", "b.yml", "link.yaml",
	};
	t_nmany = 0;
	struct pm_error err;
	pm_error_clear(&err);
	assert_int_equal(pm_io_walk(t->path, t_many_collect, NULL, &err), 0);
	assert_int_equal(t_nmany, sizeof(expected) / sizeof(expected[0]));
	for (size_t i = 0; i < t_nmany; i++) {
		assert_string_equal(t_many[i].path, t_path(t, 0, expected[i]));
		if (i > 0)
			assert_true(strcmp(t_many[i - 1].path, t_many[i].path) < 0);
		struct stat st;
		assert_int_equal(stat(t_many[i].path, &st), 0);
		assert_true(t_many[i].dev == st.st_dev);
		assert_true(t_many[i].ino == st.st_ino);
	}

	/* A trailing slash on the directory is not doubled. */
	char slashed[600];
	snprintf(slashed, sizeof(slashed), "%s/", t->path);
	t_nmany = 0;
	assert_int_equal(pm_io_walk(slashed, t_many_collect, NULL, &err), 0);
	assert_int_equal(t_nmany, sizeof(expected) / sizeof(expected[0]));
	assert_string_equal(t_many[0].path, t_path(t, 0, "Z.yaml"));

	/* A directory that cannot be opened is an error naming it. */
	t_nmany = 0;
	assert_int_equal(pm_io_walk(t_path(t, 0, "missing"), t_many_collect, NULL, &err), -1);
	assert_int_equal(t_nmany, 0);
	assert_non_null(strstr(err.message, "missing: cannot open"));
}

static int
t_strcmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Hundreds of names under a walk budget of 1 KiB, so each directory is
 * read in many passes: every file once, in byte order of the full paths,
 * subdirectories in their place, identities right when asked for. */
static void
test_walk_many_names_in_passes(void **state)
{
	struct t_dir *t = *state;
	enum { N = 300 };
	static char want[400][512];
	size_t nwant = 0;
	bool made[N] = { false };
	unsigned seed = 7;
	for (int k = 0; k < N; k++) {
		/* Created in a scrambled order: readdir() gives them unsorted. */
		seed = seed * 1103515245u + 12345u;
		int i = (int)((seed >> 8) % N);
		while (made[i])
			i = (i + 1) % N;
		made[i] = true;
		char name[64];
		snprintf(name, sizeof(name), i % 7 == 0 ? "f%04d.yml" : "f%04d.yaml", i);
		t_put(t_path(t, 0, name), "title: x\n", 0600);
		snprintf(want[nwant++], sizeof(want[0]), "%s/%s", t->path, name);
		if (i % 50 == 0) {
			snprintf(name, sizeof(name), "f%04d", i);
			assert_int_equal(mkdir(t_path(t, 0, name), 0700), 0);
			snprintf(name, sizeof(name), "f%04d/inner.yaml", i);
			t_put(t_path(t, 0, name), "title: x\n", 0600);
			snprintf(want[nwant++], sizeof(want[0]), "%s/%s", t->path, name);
		}
		if (i % 30 == 0) {
			snprintf(name, sizeof(name), "f%04d.txt", i);
			t_put(t_path(t, 0, name), "x\n", 0600);
		}
	}
	qsort(want, nwant, sizeof(want[0]), t_strcmp);

	for (int ids = 0; ids < 2; ids++) {
		struct pm_error err;
		pm_error_clear(&err);
		t_nmany = 0;
		int rc = ids ? pm_io_walk(t->path, t_many_collect, NULL, &err)
		             : pm_io_walk_paths(t->path, t_many_collect, NULL, &err);
		assert_int_equal(rc, 0);
		assert_int_equal(t_nmany, nwant);
		for (size_t i = 0; i < nwant; i++) {
			assert_string_equal(t_many[i].path, want[i]);
			if (!ids)
				continue;
			struct stat st;
			assert_int_equal(stat(t_many[i].path, &st), 0);
			assert_true(t_many[i].dev == st.st_dev);
			assert_true(t_many[i].ino == st.st_ino);
		}
	}
}

#define T(f) cmocka_unit_test_setup_teardown(f, t_setup, t_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_new_file_content_and_mode),
		T(test_existing_refused_and_untouched),
		T(test_force_replaces_and_keeps_mode),
		T(test_reader_of_old_file_keeps_old_content),
		T(test_directory_target),
		T(test_missing_directory),
		T(test_unwritable_directory),
		T(test_symlink_without_force_is_refused),
		T(test_symlink_with_force_replaces_the_link),
		T(test_symlink_to_non_file_is_refused),
		T(test_fifo_is_refused),
		T(test_empty_buffer),
		T(test_large_buffer),
		T(test_file_created_just_before_is_not_replaced),
		T(test_noreplace_steps),
		T(test_write_failure_leaves_nothing),
		T(test_relative_and_odd_names),
		T(test_null_error_and_first_error_wins),
		T(test_walk_order_and_identity),
		T(test_walk_many_names_in_passes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
