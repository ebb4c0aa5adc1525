/*
 * Reading inputs and expanding directories.  Errors are returned in a
 * struct pm_error with the operating system's reason; nothing is printed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pm_alloc.h"
#include "pm_io.h"

void
pm_strlist_push(struct pm_strlist *list, const char *s)
{
	if (list->len == list->cap) {
		list->cap = list->cap ? list->cap * 2 : 16;
		list->items = pm_xrealloc(list->items, list->cap * sizeof(*list->items));
	}
	list->items[list->len++] = pm_xstrdup(s);
}

void
pm_strlist_free(struct pm_strlist *list)
{
	if (list == NULL)
		return;
	for (size_t i = 0; i < list->len; i++)
		free(list->items[i]);
	free(list->items);
	list->items = NULL;
	list->len = list->cap = 0;
}

int
pm_io_read(const char *path, size_t max, struct pm_buf *buf, struct pm_error *err)
{
	pm_buf_clear(buf);
	int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
	if (fd < 0)
		return pm_error_set(err, PM_ERR_IO, 0, 0, NULL, "cannot open: %s",
		                    strerror(errno));
	int rc = 0;
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		rc = pm_error_set(err, PM_ERR_IO, 0, 0, NULL, "cannot read: %s",
		                  strerror(EISDIR));
		goto out;
	}
	for (;;) {
		/* Room for one byte past the limit tells "too large" apart from
		 * "exactly at the limit" without reading any further. */
		size_t want = 64 * 1024;
		if (buf->len + want > max + 1)
			want = max + 1 - buf->len;
		if (want == 0) {
			rc = pm_error_set(err, PM_ERR_TOO_LARGE, 0, 0, NULL,
			    "input is larger than %zu bytes (raise the limit with "
			    "--max-bytes, up to 64 MiB)", max);
			goto out;
		}
		pm_buf_reserve(buf, want);
		ssize_t n = read(fd, buf->data + buf->len, want);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = pm_error_set(err, PM_ERR_IO, 0, 0, NULL, "cannot read: %s",
			                  strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		buf->len += (size_t)n;
	}
out:
	if (buf->data)
		buf->data[buf->len] = '\0';
	if (path)
		close(fd);
	return rc;
}

bool
pm_io_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool
pm_io_yaml_name(const char *name)
{
	size_t n = strlen(name);
	return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
	       (n > 4 && strcmp(name + n - 4, ".yml") == 0);
}

static int
pm_io_walk_into(const char *dir, struct pm_strlist *list, int depth,
                struct pm_error *err)
{
	/* Symbolic links to directories are not followed, so the walk is a
	 * tree; the depth bound is a second line of defence. */
	if (depth > 64)
		return pm_error_set(err, PM_ERR_IO, 0, 0, NULL,
		                    "%s: directories nested too deeply", dir);
	DIR *d = opendir(dir);
	if (d == NULL)
		return pm_error_set(err, PM_ERR_IO, 0, 0, NULL, "%s: cannot open: %s",
		                    dir, strerror(errno));
	int rc = 0;
	struct dirent *e;
	size_t dlen = strlen(dir);
	bool slash = dlen > 0 && dir[dlen - 1] == '/';
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		size_t n = dlen + strlen(e->d_name) + 2;
		char *path = pm_xmalloc(n);
		snprintf(path, n, "%s%s%s", dir, slash ? "" : "/", e->d_name);
		struct stat st;
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			rc = pm_io_walk_into(path, list, depth + 1, err);
		} else if (pm_io_yaml_name(e->d_name) && stat(path, &st) == 0 &&
		           S_ISREG(st.st_mode)) {
			pm_strlist_push(list, path);
		}
		free(path);
		if (rc < 0)
			break;
	}
	closedir(d);
	return rc;
}

static int
pm_io_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
pm_io_walk(const char *dir, struct pm_strlist *list, struct pm_error *err)
{
	size_t first = list->len;
	if (pm_io_walk_into(dir, list, 0, err) < 0)
		return -1;
	if (list->len - first > 1)
		qsort(list->items + first, list->len - first, sizeof(*list->items),
		      pm_io_cmp);
	return 0;
}
