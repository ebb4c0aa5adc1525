/*
 * Reading inputs, expanding directories, and writing the output file
 * atomically.  Errors are returned in a struct pm_error with the operating
 * system's reason; nothing is printed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/syscall.h>
#endif

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
	/* No fstat() first: a directory is refused by read() itself (EISDIR),
	 * and a batch of small files then costs the same system calls as
	 * reading them with cat. */
	int rc = 0;
	for (;;) {
		/* Room for one byte past the limit tells "too large" apart from
		 * "exactly at the limit" without reading any further. */
		size_t want = PM_IO_READ_CHUNK;
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

/* What a directory entry is, as far as readdir() tells without a stat. */
enum pm_io_type {
	PM_IO_UNKNOWN,  /* the file system does not say: ask lstat() */
	PM_IO_DIR,      /* a directory, not a link to one */
	PM_IO_REG,      /* a regular file, not a link to one */
	PM_IO_OTHER     /* a symbolic link, a FIFO, a device, a socket */
};

static enum pm_io_type
pm_io_entry_type(const struct dirent *e)
{
#if defined(DT_UNKNOWN) && defined(DT_DIR) && defined(DT_REG)
	switch (e->d_type) {
	case DT_UNKNOWN:
		return PM_IO_UNKNOWN;
	case DT_DIR:
		return PM_IO_DIR;
	case DT_REG:
		return PM_IO_REG;
	default:
		return PM_IO_OTHER;
	}
#else
	(void)e;
	return PM_IO_UNKNOWN;
#endif
}

/*
 * One pass over a directory packs its entries into one buffer, a record
 * each:
 *
 *     KEY NUL [ID]
 *
 * KEY is the name, with a "/" after it for a subdirectory, so that sorting
 * keys sorts the full paths below them: "a.yaml" < "a/x.yaml" as
 * "a.yaml" < "a/".  When the caller wants identities, a file's ID is a
 * byte saying what is known of it, then that (unaligned, copied out with
 * memcpy).  The sort index, 32-bit offsets of the records, follows them in
 * the same buffer once all are read.  A file with a name like
 * "hf-00001.yaml" costs 18 bytes, 27 with its identity, and nothing else
 * is allocated: no array of fixed entries, no temporary array for the
 * sort.
 */
enum pm_io_id {
	PM_IO_ID_NONE,      /* not known: stat() when the file is handed out */
	PM_IO_ID_INO,       /* an ino_t from readdir(), on the directory's device */
	PM_IO_ID_FULL       /* a dev_t and an ino_t from stat() */
};

/* Bytes of records and index one directory may hold.  Past it, a pass
 * keeps only the lower half of the names it has seen and hands those out;
 * the next pass reads the directory again for the names after them.  So a
 * directory of any size costs this much memory at most, and one of up to
 * some 9000 files with names like "hf-00001.yaml" (14000 without their
 * identities) still takes one pass. */
#ifndef PM_IO_WALK_BUDGET       /* a test build shrinks it to force passes */
#define PM_IO_WALK_BUDGET (256u * 1024u)
#endif
/* Room kept free below the budget: one more record (a name is at most 255
 * bytes), its index slot and the index's alignment. */
#define PM_IO_WALK_SLACK 512u
/* A buffer past this size goes straight to the budget instead of doubling:
 * each doubling would move the records and leave the old block behind,
 * written to and so resident, while pages of the budget that are never
 * used cost nothing. */
#define PM_IO_WALK_SMALL (4u * 1024u)

/* What one walk is asked for. */
struct pm_io_walker {
	pm_io_walk_fn *fn;
	void *ctx;
	struct pm_error *err;
	bool ids;           /* files' identities, or 0 for them */
};

/* The bytes of the record at REC; IDS: a file's record has an ID. */
static size_t
pm_io_rec_len(const char *rec, bool ids)
{
	size_t n = strlen(rec) + 1;
	if (!ids || rec[n - 2] == '/')
		return n;
	switch (rec[n]) {
	case PM_IO_ID_INO:
		return n + 1 + sizeof(ino_t);
	case PM_IO_ID_FULL:
		return n + 1 + sizeof(dev_t) + sizeof(ino_t);
	default:
		return n + 1;
	}
}

#define PM_IO_LESS(a, b) (strcmp(base + (a), base + (b)) < 0)

static void
pm_io_sift(uint32_t *v, size_t root, size_t n, const char *base)
{
	uint32_t x = v[root];
	for (;;) {
		size_t child = 2 * root + 1;
		if (child >= n)
			break;
		if (child + 1 < n && PM_IO_LESS(v[child], v[child + 1]))
			child++;
		if (!PM_IO_LESS(x, v[child]))
			break;
		v[root] = v[child];
		root = child;
	}
	v[root] = x;
}

/*
 * Sorts the record offsets V[0..N) by the keys at BASE + V[i], in place:
 * quicksort on a median of three, insertion sort for short runs, and
 * heapsort where splits keep going badly (after DEPTH levels), so that no
 * set of names costs quadratic time.  Not qsort(): it cannot hand BASE to
 * the comparison, and glibc's allocates a copy of the array it sorts.
 */
static void
pm_io_sort(uint32_t *v, size_t n, const char *base, unsigned depth)
{
	while (n > 16) {
		if (depth-- == 0) {
			for (size_t i = n / 2; i-- > 0;)
				pm_io_sift(v, i, n, base);
			while (n > 1) {
				uint32_t t = v[0];
				v[0] = v[--n];
				v[n] = t;
				pm_io_sift(v, 0, n, base);
			}
			return;
		}
		size_t m = n / 2;
		uint32_t t;
		if (PM_IO_LESS(v[m], v[0]))
			t = v[m], v[m] = v[0], v[0] = t;
		if (PM_IO_LESS(v[n - 1], v[m])) {
			t = v[m], v[m] = v[n - 1], v[n - 1] = t;
			if (PM_IO_LESS(v[m], v[0]))
				t = v[m], v[m] = v[0], v[0] = t;
		}
		/* v[0] <= pivot <= v[n - 1] keep both scans in bounds. */
		const char *pivot = base + v[m];
		size_t i = 0, j = n - 1;
		for (;;) {
			do
				i++;
			while (strcmp(base + v[i], pivot) < 0);
			do
				j--;
			while (strcmp(base + v[j], pivot) > 0);
			if (i >= j)
				break;
			t = v[i], v[i] = v[j], v[j] = t;
		}
		/* V[0..j] <= pivot <= V[j+1..n), both parts not empty: sort
		 * the smaller one first, so the stack stays shallow. */
		size_t left = j + 1;
		if (left < n - left) {
			pm_io_sort(v, left, base, depth);
			v += left;
			n -= left;
		} else {
			pm_io_sort(v + left, n - left, base, depth);
			n = left;
		}
	}
	for (size_t i = 1; i < n; i++) {
		uint32_t x = v[i];
		size_t k = i;
		for (; k > 0 && PM_IO_LESS(x, v[k - 1]); k--)
			v[k] = v[k - 1];
		v[k] = x;
	}
}

#undef PM_IO_LESS

/* Puts the offsets of POOL's N records after them and sorts them by key.
 * Returns the index, valid until POOL changes. */
static uint32_t *
pm_io_index(struct pm_buf *pool, size_t n, bool ids)
{
	if (n == 0)
		return NULL;
	size_t at = (pool->len + sizeof(uint32_t) - 1) / sizeof(uint32_t) *
	            sizeof(uint32_t);
	pm_buf_reserve(pool, at - pool->len + n * sizeof(uint32_t));
	uint32_t *idx = (uint32_t *)(void *)(pool->data + at);
	size_t off = 0;
	for (size_t i = 0; i < n; i++) {
		idx[i] = (uint32_t)off;
		off += pm_io_rec_len(pool->data + off, ids);
	}
	unsigned depth = 0;
	for (size_t k = n; k > 1; k >>= 1)
		depth += 2;
	pm_io_sort(idx, n, pool->data, depth);
	return idx;
}

/* Drops the upper half of POOL's N records by key, keeping the others in
 * place and in the order readdir() gave them.  CUT becomes the lowest key
 * dropped: the rest of the pass takes only keys below it.  Returns the
 * records left. */
static size_t
pm_io_halve(struct pm_buf *pool, size_t n, bool ids, struct pm_buf *cut)
{
	uint32_t *idx = pm_io_index(pool, n, ids);
	pm_buf_clear(cut);
	pm_buf_puts(cut, pool->data + idx[n / 2]);
	size_t kept = 0, to = 0;
	for (size_t from = 0; from < pool->len;) {
		size_t len = pm_io_rec_len(pool->data + from, ids);
		if (strcmp(pool->data + from, cut->data) < 0) {
			memmove(pool->data + to, pool->data + from, len);
			to += len;
			kept++;
		}
		from += len;
	}
	pool->len = to;
	return kept;
}

/* Compares NAME followed by "/" with KEY, as strcmp() would. */
static int
pm_io_cmp_slashed(const char *name, const char *key)
{
	size_t i = 0;
	while (name[i] != '\0' && name[i] == key[i])
		i++;
	if (name[i] != '\0')
		return (unsigned char)name[i] - (unsigned char)key[i];
	if (key[i] != '/')
		return '/' - (unsigned char)key[i];
	return key[i + 1] == '\0' ? 0 : -1;
}

/* PATH = DIR "/" NAME[0..LEN), without doubling a slash DIR ends with. */
static void
pm_io_join(struct pm_buf *path, const char *dir, size_t dlen, const char *name,
           size_t len)
{
	pm_buf_clear(path);
	pm_buf_put(path, dir, dlen);
	if (dlen == 0 || dir[dlen - 1] != '/')
		pm_buf_putc(path, '/');
	pm_buf_put(path, name, len);
}

static int
pm_io_walk_into(const struct pm_io_walker *w, const char *dir, int depth)
{
	/* Symbolic links to directories are not followed, so the walk is a
	 * tree; the depth bound is a second line of defence. */
	if (depth > 64)
		return pm_error_set(w->err, PM_ERR_IO, 0, 0, NULL,
		                    "%s: directories nested too deeply", dir);
	size_t dlen = strlen(dir);
	struct pm_buf pool = PM_BUF_INIT;   /* this pass's records */
	struct pm_buf path = PM_BUF_INIT;
	struct pm_buf after = PM_BUF_INIT;  /* the last key an earlier pass gave */
	struct pm_buf cut = PM_BUF_INIT;    /* keys from here on wait for a later pass */
	int rc = 0;
	bool more = true;
	while (more && rc == 0) {
		more = false;
		pm_buf_clear(&cut);
		DIR *d = opendir(dir);
		if (d == NULL) {
			rc = pm_error_set(w->err, PM_ERR_IO, 0, 0, NULL,
			                  "%s: cannot open: %s", dir, strerror(errno));
			break;
		}
		struct stat dst;
		bool dev_known = w->ids && fstat(dirfd(d), &dst) == 0;
		pm_buf_clear(&pool);
		size_t n = 0;
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			const char *name = e->d_name;
			if (name[0] == '.')
				continue;
			/* Names outside this pass's range cost no system call:
			 * a key is NAME, or NAME "/" for a directory. */
			if ((after.len && pm_io_cmp_slashed(name, after.data) <= 0) ||
			    (cut.len && strcmp(name, cut.data) >= 0))
				continue;
			/* The type readdir() gives spares one or two stat calls
			 * per entry; it answers as lstat() would, so a symbolic
			 * link is "other" and still followed to a regular file
			 * below. */
			enum pm_io_type type = pm_io_entry_type(e);
			if (type != PM_IO_DIR && type != PM_IO_REG)
				pm_io_join(&path, dir, dlen, name, strlen(name));
			bool is_dir = false;
			char id = PM_IO_ID_NONE;
			struct stat st;
			if (type == PM_IO_DIR ||
			    (type == PM_IO_UNKNOWN && lstat(path.data, &st) == 0 &&
			     S_ISDIR(st.st_mode))) {
				is_dir = true;
			} else if (!pm_io_yaml_name(name)) {
				continue;
			} else if (type == PM_IO_REG) {
				/* A regular file's entry holds its own inode
				 * number. */
				if (dev_known) {
					id = PM_IO_ID_INO;
					st.st_ino = e->d_ino;
				}
			} else if (stat(path.data, &st) == 0 && S_ISREG(st.st_mode)) {
				id = PM_IO_ID_FULL;
			} else {
				continue;
			}
			if (pool.len > PM_IO_WALK_SMALL && pool.cap < PM_IO_WALK_BUDGET)
				pm_buf_reserve(&pool, PM_IO_WALK_BUDGET - 1 - pool.len);
			size_t start = pool.len;
			pm_buf_puts(&pool, name);
			if (is_dir)
				pm_buf_putc(&pool, '/');
			const char *key = pool.data + start;
			if ((after.len && strcmp(key, after.data) <= 0) ||
			    (cut.len && strcmp(key, cut.data) >= 0)) {
				pool.len = start;
				continue;
			}
			pm_buf_putc(&pool, '\0');
			if (w->ids && !is_dir) {
				pm_buf_putc(&pool, id);
				if (id == PM_IO_ID_FULL)
					pm_buf_put(&pool, (const char *)&st.st_dev,
					           sizeof(st.st_dev));
				if (id != PM_IO_ID_NONE)
					pm_buf_put(&pool, (const char *)&st.st_ino,
					           sizeof(st.st_ino));
			}
			n++;
			if (n > 1 && pool.len + n * sizeof(uint32_t) >
			             PM_IO_WALK_BUDGET - PM_IO_WALK_SLACK) {
				n = pm_io_halve(&pool, n, w->ids, &cut);
				more = true;
			}
		}
		/* Closed before going down, so that deep trees hold no
		 * descriptors. */
		closedir(d);
		uint32_t *idx = pm_io_index(&pool, n, w->ids);
		for (size_t i = 0; i < n && rc == 0; i++) {
			const char *key = pool.data + idx[i];
			size_t klen = strlen(key);
			bool is_dir = key[klen - 1] == '/';
			pm_io_join(&path, dir, dlen, key, klen - is_dir);
			if (is_dir) {
				rc = pm_io_walk_into(w, path.data, depth + 1);
				continue;
			}
			struct pm_io_file file = { path.data, 0, 0 };
			const char *id = key + klen + 1;
			struct stat st;
			if (!w->ids) {
				/* Not asked for. */
			} else if (*id == PM_IO_ID_FULL) {
				memcpy(&file.dev, id + 1, sizeof(file.dev));
				memcpy(&file.ino, id + 1 + sizeof(file.dev),
				       sizeof(file.ino));
			} else if (*id == PM_IO_ID_INO) {
				file.dev = dst.st_dev;
				memcpy(&file.ino, id + 1, sizeof(file.ino));
			} else if (stat(path.data, &st) == 0) {
				file.dev = st.st_dev;
				file.ino = st.st_ino;
			}
			w->fn(w->ctx, &file);
		}
		if (n == 0)
			break;
		if (more) {
			pm_buf_clear(&after);
			pm_buf_puts(&after, pool.data + idx[n - 1]);
		}
	}
	pm_buf_free(&pool);
	pm_buf_free(&path);
	pm_buf_free(&after);
	pm_buf_free(&cut);
	return rc;
}

int
pm_io_walk(const char *dir, pm_io_walk_fn *fn, void *ctx, struct pm_error *err)
{
	struct pm_io_walker w = { fn, ctx, err, true };
	return pm_io_walk_into(&w, dir, 0);
}

int
pm_io_walk_paths(const char *dir, pm_io_walk_fn *fn, void *ctx,
                 struct pm_error *err)
{
	struct pm_io_walker w = { fn, ctx, err, false };
	return pm_io_walk_into(&w, dir, 0);
}

/* ---- writing the output file -------------------------------------------- */

#define PM_IO_TMP_PREFIX ".pmcheck-"
#define PM_IO_TMP_SUFFIX ".tmp"
#define PM_IO_TMP_RANDOM 10

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1u << 0)   /* <linux/fs.h>; stable kernel ABI */
#endif

/* splitmix64: spreads a seed that differs in a few bits over all 64. */
static uint64_t
pm_io_mix(uint64_t x)
{
	x += 0x9E3779B97F4A7C15u;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9u;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBu;
	return x ^ (x >> 31);
}

/*
 * Creates a new temporary file next to PATH (DIRLEN bytes of PATH are its
 * directory, trailing slash included).  The name only has to be unlikely:
 * O_EXCL makes a clash (or a planted symbolic link) an EEXIST and another
 * try, never a shared file or a write through the link.
 * Returns the descriptor and the name in *TMP (caller frees), or -1 with
 * errno set.
 */
static int
pm_io_create_temp(const char *path, size_t dirlen, char **tmp)
{
	static const char alnum[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	static uint64_t counter;
	size_t n = dirlen + sizeof(PM_IO_TMP_PREFIX) - 1 + PM_IO_TMP_RANDOM +
	           sizeof(PM_IO_TMP_SUFFIX);
	char *name = pm_xmalloc(n);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t seed = ((uint64_t)ts.tv_sec << 30) ^ (uint64_t)ts.tv_nsec ^
	                ((uint64_t)getpid() << 40);
	for (int attempt = 0; attempt < 100; attempt++) {
		uint64_t r = pm_io_mix(seed + ++counter);
		char *p = name;
		memcpy(p, path, dirlen);
		p += dirlen;
		memcpy(p, PM_IO_TMP_PREFIX, sizeof(PM_IO_TMP_PREFIX) - 1);
		p += sizeof(PM_IO_TMP_PREFIX) - 1;
		for (int i = 0; i < PM_IO_TMP_RANDOM; i++) {
			*p++ = alnum[r % (sizeof(alnum) - 1)];
			r /= sizeof(alnum) - 1;
		}
		memcpy(p, PM_IO_TMP_SUFFIX, sizeof(PM_IO_TMP_SUFFIX));
		int fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd >= 0) {
			*tmp = name;
			return fd;
		}
		if (errno != EEXIST)
			break;
	}
	int saved = errno;
	free(name);
	errno = saved;
	return -1;
}

/* Writes all of DATA[0..LEN) to FD, through short writes and signals. */
static int
pm_io_write_all(int fd, const char *data, size_t len)
{
	size_t off = 0;
	while (off < len) {
		/* Linux moves at most about 2 GiB per call; ask for less. */
		size_t chunk = len - off < (1u << 30) ? len - off : (1u << 30);
		ssize_t n = write(fd, data + off, chunk);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			/* No progress and no reason: the only honest name is a
			 * full device. */
			errno = ENOSPC;
			return -1;
		}
		off += (size_t)n;
	}
	return 0;
}

/*
 * Gives FROM the name TO unless TO exists: link() fails with EEXIST in one
 * step, whatever appeared at TO a moment earlier, and unlink() then drops
 * the temporary name.  Returns 0, or -1 with errno set and FROM in place.
 */
static int
pm_io_link_noreplace(const char *from, const char *to)
{
	if (link(from, to) != 0) {
		/* link(2): EPERM on our own file means the file system has no
		 * hard links (FAT, some FUSE); name that for the caller. */
		if (errno == EPERM)
			errno = ENOTSUP;
		return -1;
	}
	/* The data is in place under TO.  Should this fail (it hardly can:
	 * same directory, our own file) a second name stays on the same
	 * bytes; TO is still right. */
	(void)unlink(from);
	return 0;
}

/*
 * The same, by renameat2(RENAME_NOREPLACE) where the kernel and the file
 * system have it (Linux 3.15+, most local file systems), by link()
 * elsewhere: NFS, FUSE, older kernels, other systems.
 */
static int
pm_io_rename_noreplace(const char *from, const char *to)
{
#if defined(__linux__) && defined(SYS_renameat2)
	if (syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to,
	            RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != ENOSYS && errno != EINVAL && errno != ENOTSUP &&
	    errno != EOPNOTSUPP)
		return -1;
#endif
	return pm_io_link_noreplace(from, to);
}

/* PATH's directory as people write it, for messages and for fsync():
 * "out" for "out/pm.md", "/" for "/pm.md", "." for "pm.md".  DIRLEN bytes
 * of PATH are the directory, its trailing slash included.  Caller frees. */
static char *
pm_io_dirname(const char *path, size_t dirlen)
{
	if (dirlen == 0)
		return pm_xstrdup(".");
	while (dirlen > 1 && path[dirlen - 1] == '/')
		dirlen--;
	char *dir = pm_xmalloc(dirlen + 1);
	memcpy(dir, path, dirlen);
	dir[dirlen] = '\0';
	return dir;
}

/* Whether the existing entry ST (from lstat) at PATH may be replaced.
 * Returns 0 for a regular file, a link to one or a dangling link; else -1
 * with ERR filled. */
static int
pm_io_check_kind(const char *path, const struct stat *st, struct pm_error *err)
{
	struct stat to;
	if (S_ISDIR(st->st_mode))
		return pm_error_set(err, PM_ERR_OUTPUT, 0, 0, NULL,
		                    "%s is a directory", path);
	if (S_ISLNK(st->st_mode)) {
		/* A link to a directory, or to a device like /dev/stdout, does
		 * not name a file anyone means to have replaced. */
		if (stat(path, &to) != 0 || S_ISREG(to.st_mode))
			return 0;
		return pm_error_set(err, PM_ERR_OUTPUT, 0, 0, NULL,
		    "%s is a symbolic link to %s, not to a regular file; "
		    "refusing to replace it", path,
		    S_ISDIR(to.st_mode) ? "a directory" : "a device, pipe or socket");
	}
	if (!S_ISREG(st->st_mode))
		return pm_error_set(err, PM_ERR_OUTPUT, 0, 0, NULL,
		    "%s is a device, pipe or socket, not a regular file; "
		    "refusing to replace it", path);
	return 0;
}

/* Fills ERR for a no-replace step that found PATH taken.  Returns -1. */
static int
pm_io_exists_error(const char *path, struct pm_error *err)
{
	struct stat st;
	if (lstat(path, &st) == 0) {
		if (pm_io_check_kind(path, &st, err) < 0)
			return -1;
		if (S_ISLNK(st.st_mode))
			return pm_error_set(err, PM_ERR_OUTPUT, 0, 0, NULL,
			    "%s already exists (a symbolic link); use --force to "
			    "replace the link itself", path);
	}
	return pm_error_set(err, PM_ERR_OUTPUT, 0, 0, NULL,
	                    "%s already exists; use --force to replace it", path);
}

/* Fills ERR for a temporary file that could not be created in DIR. */
static int
pm_io_create_error(const char *path, const char *dir, int e,
                   struct pm_error *err)
{
	if (e == ENOENT)
		return pm_error_set(err, PM_ERR_OUTPUT, 0, 0, NULL,
		    "cannot write %s: directory %s does not exist", path, dir);
	if (e == ENOTDIR)
		return pm_error_set(err, PM_ERR_OUTPUT, 0, 0, NULL,
		    "cannot write %s: %s is not a directory", path, dir);
	return pm_error_set(err, PM_ERR_OUTPUT, 0, 0, NULL,
	    "cannot write %s: cannot create a file in %s: %s", path, dir,
	    strerror(e));
}

int
pm_io_write_atomic(const char *path, const char *data, size_t len, bool force,
                   struct pm_error *err)
{
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
	const char *base = path + dirlen;
	char *dir = pm_io_dirname(path, dirlen);
	char *tmp = NULL;
	int fd = -1;
	int rc = -1;
	struct stat st;

	if (path[0] == '\0') {
		pm_error_set(err, PM_ERR_OUTPUT, 0, 0, NULL,
		             "the output file name is empty");
		goto out;
	}
	if (base[0] == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
		if (pm_io_is_dir(path))
			pm_error_set(err, PM_ERR_OUTPUT, 0, 0, NULL,
			             "%s is a directory", path);
		else
			pm_error_set(err, PM_ERR_OUTPUT, 0, 0, NULL,
			    "cannot write %s: a file name cannot end with '%s'", path,
			    base[0] ? base : "/");
		goto out;
	}

	/* With FORCE the existing entry is looked at first: not as a guard
	 * against races (rename() replaces whatever is there by then), but so
	 * that a directory or /dev/null is refused before any work, and a
	 * replaced file keeps its permissions. */
	bool keep_mode = false;
	if (force && lstat(path, &st) == 0) {
		if (pm_io_check_kind(path, &st, err) < 0)
			goto out;
		keep_mode = S_ISREG(st.st_mode);
	}

	fd = pm_io_create_temp(path, dirlen, &tmp);
	if (fd < 0) {
		pm_io_create_error(path, dir, errno, err);
		goto out;
	}
	if (pm_io_write_all(fd, data, len) != 0 ||
	    (keep_mode && fchmod(fd, st.st_mode & 0777) != 0))
		goto out_errno;
	/* Without fsync() a crash soon after the rename can leave PATH empty
	 * on some file systems: the new name may reach the disk first. */
	while (fsync(fd) != 0)
		if (errno != EINTR)
			goto out_errno;
	int closed = close(fd);
	fd = -1;
	/* close() can report a write the file system could not finish (NFS,
	 * quotas); after EINTR the descriptor is closed all the same. */
	if (closed != 0 && errno != EINTR)
		goto out_errno;

	if (force) {
		if (rename(tmp, path) != 0) {
			if (errno != EISDIR)
				goto out_errno;
			pm_error_set(err, PM_ERR_OUTPUT, 0, 0, NULL,
			             "%s is a directory", path);
			goto out;
		}
	} else if (pm_io_rename_noreplace(tmp, path) != 0) {
		if (errno == ENOTSUP || errno == EOPNOTSUPP) {
			/* Neither step works here, and a plain rename could
			 * replace a file that appeared meanwhile. */
			pm_error_set(err, PM_ERR_OUTPUT, 0, 0, NULL,
			    "cannot write %s: the file system of %s cannot add a file "
			    "without the risk of replacing one; --force writes it "
			    "anyway", path, dir);
			goto out;
		}
		if (errno != EEXIST)
			goto out_errno;
		pm_io_exists_error(path, err);
		goto out;
	}
	free(tmp);
	tmp = NULL;

	/* The new name must survive a crash too; the data is already in place,
	 * so a directory that cannot be synced is no reason to fail. */
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	rc = 0;
	goto out;

out_errno:
	pm_error_set(err, PM_ERR_OUTPUT, 0, 0, NULL, "cannot write %s: %s", path,
	             strerror(errno));
out:
	if (fd >= 0)
		close(fd);
	if (tmp != NULL) {
		/* Every failure after the temporary file exists ends here, so
		 * none is left behind. */
		(void)unlink(tmp);
		free(tmp);
	}
	free(dir);
	return rc;
}
