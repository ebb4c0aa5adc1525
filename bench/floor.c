/*
 * floor: the least work any libyaml-based checker must do on the same
 * inputs, as the yardstick for pmcheck's timings.
 *
 *     floor [-v] [-l LIST] [FILE | DIR]...
 *
 * Each input is read whole into one reused buffer, handed to libyaml as a
 * string, and every event is pulled with yaml_parser_parse() and thrown
 * away.  A DIR means every *.yaml / *.yml file below it, names starting
 * with "." skipped, sorted by path in byte order, as pmcheck walks it; the
 * type of each entry comes from readdir() where the file system gives it.
 * -l LIST reads paths from LIST ("-": standard input), one per line.
 *
 * A YAML error ends that file's parse and counts as an error, not a
 * failure: the floor measures work, not validity.  -v prints files, bytes,
 * events and YAML errors to standard error.  Exit status: 0, 1 when an
 * input could not be read, 2 on a usage error.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

struct floor_stats {
	size_t files, bytes, events, yaml_errors, io_errors;
};

struct floor_buf {
	unsigned char *data;
	size_t len, cap;
};

static void *
floor_xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (p == NULL) {
		fputs("floor: out of memory\n", stderr);
		exit(1);
	}
	return p;
}

/* Reads PATH into BUF, reusing its storage.  Returns 0 or -1 (errno set). */
static int
floor_read(const char *path, struct floor_buf *buf)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	buf->len = 0;
	for (;;) {
		if (buf->cap - buf->len < 64 * 1024) {
			buf->cap = buf->cap ? buf->cap * 2 : 128 * 1024;
			buf->data = floor_xrealloc(buf->data, buf->cap);
		}
		ssize_t n = read(fd, buf->data + buf->len, buf->cap - buf->len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		if (n == 0)
			break;
		buf->len += (size_t)n;
	}
	return close(fd);
}

static void
floor_parse(const struct floor_buf *buf, struct floor_stats *st)
{
	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser)) {
		fputs("floor: out of memory\n", stderr);
		exit(1);
	}
	yaml_parser_set_input_string(&parser, buf->data, buf->len);
	for (;;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev)) {
			st->yaml_errors++;
			break;
		}
		st->events++;
		bool end = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
		if (end)
			break;
	}
	yaml_parser_delete(&parser);
}

static void
floor_file(const char *path, struct floor_buf *buf, struct floor_stats *st)
{
	if (floor_read(path, buf) < 0) {
		fprintf(stderr, "floor: %s: %s\n", path, strerror(errno));
		st->io_errors++;
		return;
	}
	st->files++;
	st->bytes += buf->len;
	floor_parse(buf, st);
}

/* ---- directories --------------------------------------------------------- */

struct floor_list {
	char **items;
	size_t len, cap;
};

static void
floor_push(struct floor_list *l, char *s)
{
	if (l->len == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->items = floor_xrealloc(l->items, l->cap * sizeof(*l->items));
	}
	l->items[l->len++] = s;
}

static bool
floor_yaml_name(const char *name)
{
	size_t n = strlen(name);
	return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
	       (n > 4 && strcmp(name + n - 4, ".yml") == 0);
}

static int
floor_walk(const char *dir, struct floor_list *out, int depth)
{
	if (depth > 64)
		return -1;
	DIR *d = opendir(dir);
	if (d == NULL) {
		fprintf(stderr, "floor: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	int rc = 0;
	struct dirent *e;
	size_t dlen = strlen(dir);
	bool slash = dlen > 0 && dir[dlen - 1] == '/';
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		size_t n = dlen + strlen(e->d_name) + 2;
		char *path = floor_xrealloc(NULL, n);
		snprintf(path, n, "%s%s%s", dir, slash ? "" : "/", e->d_name);
		unsigned char type = e->d_type;
		if (type == DT_UNKNOWN || type == DT_LNK) {
			struct stat st;
			if (stat(path, &st) == 0)
				type = S_ISDIR(st.st_mode) ? (e->d_type == DT_LNK ? DT_LNK : DT_DIR)
				     : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
		}
		if (type == DT_DIR) {
			rc |= floor_walk(path, out, depth + 1);
			free(path);
		} else if (type == DT_REG && floor_yaml_name(e->d_name)) {
			floor_push(out, path);
		} else {
			free(path);
		}
	}
	closedir(d);
	return rc;
}

static int
floor_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
floor_arg(const char *arg, struct floor_buf *buf, struct floor_stats *st)
{
	struct stat sb;
	if (stat(arg, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		struct floor_list l = { NULL, 0, 0 };
		if (floor_walk(arg, &l, 0) < 0)
			st->io_errors++;
		if (l.len > 1)
			qsort(l.items, l.len, sizeof(*l.items), floor_cmp);
		for (size_t i = 0; i < l.len; i++) {
			floor_file(l.items[i], buf, st);
			free(l.items[i]);
		}
		free(l.items);
	} else {
		floor_file(arg, buf, st);
	}
}

static void
floor_list_file(const char *list, struct floor_buf *buf, struct floor_stats *st)
{
	FILE *f = strcmp(list, "-") == 0 ? stdin : fopen(list, "r");
	if (f == NULL) {
		fprintf(stderr, "floor: %s: %s\n", list, strerror(errno));
		st->io_errors++;
		return;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (n > 0)
			floor_arg(line, buf, st);
	}
	free(line);
	if (f != stdin)
		fclose(f);
}

int
main(int argc, char **argv)
{
	bool verbose = false;
	const char *list = NULL;
	int c;
	while ((c = getopt(argc, argv, "vl:")) != -1) {
		switch (c) {
		case 'v':
			verbose = true;
			break;
		case 'l':
			list = optarg;
			break;
		default:
			fputs("usage: floor [-v] [-l LIST] [FILE | DIR]...\n", stderr);
			return 2;
		}
	}
	struct floor_buf buf = { NULL, 0, 0 };
	struct floor_stats st = { 0, 0, 0, 0, 0 };
	if (list)
		floor_list_file(list, &buf, &st);
	for (int i = optind; i < argc; i++)
		floor_arg(argv[i], &buf, &st);
	free(buf.data);
	if (verbose)
		fprintf(stderr, "floor: %zu files, %zu bytes, %zu events, %zu YAML errors\n",
		        st.files, st.bytes, st.events, st.yaml_errors);
	return st.io_errors ? 1 : 0;
}
