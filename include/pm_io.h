/*
 * The small I/O module: reading inputs within a size limit, expanding
 * directories, writing output.  With main.c, the only code that touches
 * files; everything else works on buffers.
 */
#ifndef PM_IO_H
#define PM_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "pm_buf.h"
#include "pm_error.h"

/* A list of owned strings. */
struct pm_strlist {
	char **items;
	size_t len, cap;
};

void pm_strlist_push(struct pm_strlist *list, const char *s);
/* Frees every string and the array.  NULL is a no-op. */
void pm_strlist_free(struct pm_strlist *list);

/*
 * Reads all of PATH, or standard input when PATH is NULL, into BUF (cleared
 * first; NUL-terminated).  Refuses more than MAX bytes without reading past
 * MAX + 1, so /dev/zero or a runaway pipe cost nothing.  Returns 0, or -1
 * with ERR filled (PM_ERR_IO, PM_ERR_TOO_LARGE).
 */
int pm_io_read(const char *path, size_t max, struct pm_buf *buf,
               struct pm_error *err);

/* pm_io_read() reads in pieces of this many bytes: a buffer with this much
 * room takes any smaller input without growing. */
#define PM_IO_READ_CHUNK (64 * 1024)

/* True when PATH names a directory (symbolic links followed). */
bool pm_io_is_dir(const char *path);

/* A file found by pm_io_walk(): its path, and its device and inode numbers
 * as stat() gives them, which tell a file reached twice apart. */
struct pm_io_file {
	const char *path;
	dev_t dev;
	ino_t ino;
};

/* Called for each file pm_io_walk() finds; FILE is valid during the call. */
typedef void pm_io_walk_fn(void *ctx, const struct pm_io_file *file);

/*
 * Calls FN for every *.yaml and *.yml regular file below DIR, in byte order
 * of their paths.  Entries whose name starts with "." are skipped (so .git
 * and .pmcheck.yaml are not judged) and symbolic links to directories are
 * not followed.  Only the names of the directory being read and of those
 * above it are held, packed, and at most 256 KiB of them per directory: a
 * larger one is read again for each further run of names, so memory does
 * not grow with the number of files.  Returns 0, or -1 with ERR filled;
 * the files found before the error have been given to FN.
 */
int pm_io_walk(const char *dir, pm_io_walk_fn *fn, void *ctx, struct pm_error *err);

/* The same without identities (FILE's dev and ino are 0), for a caller
 * that only reads the files: a directory's names then take a third less
 * memory. */
int pm_io_walk_paths(const char *dir, pm_io_walk_fn *fn, void *ctx,
                     struct pm_error *err);

/*
 * Writes DATA[0..LEN) to PATH so that PATH never holds a partial file, and
 * never replaces anything unless FORCE says so.
 *
 * The bytes go to a new temporary file ".pmcheck-XXXXXXXXXX.tmp" in PATH's
 * own directory (created with O_CREAT|O_EXCL and mode 0666 less the umask,
 * like any new file), are written in full and fsync()ed, and the temporary
 * file is then given PATH's name in one atomic step:
 *
 *  - FORCE false: renameat2(RENAME_NOREPLACE), or where the kernel or the
 *    file system lacks it, link() then unlink().  Both fail when PATH
 *    exists at that very moment, so a file that appears while the output is
 *    being written is never replaced.  Nothing is checked beforehand.  A
 *    file system with neither (rare: some FUSE mounts) fails the write
 *    rather than risk replacing a file.
 *  - FORCE true: rename(), so a reader of PATH sees the old file or the new
 *    one, never a mix.  A regular file keeps its permission bits.  A
 *    symbolic link is replaced itself; the file it points to is untouched.
 *    A directory, device, FIFO or socket, or a link to one of these, is
 *    refused: atomic replacement only makes sense for regular files, and
 *    replacing /dev/stdout or /dev/null would damage the system.
 *
 * Afterwards the directory is fsync()ed (best effort: the data is already
 * in place).  On every error the temporary file is removed and PATH is left
 * as it was.  Only a process killed between creating and renaming the
 * temporary file can leave one behind.
 *
 * PATH is taken literally: "-" is a file named "-"; a caller that gives "-"
 * the meaning "standard output" handles it before calling.  DATA may be NULL
 * when LEN is 0 (an empty file is written).
 *
 * Returns 0, or -1 with ERR filled: code PM_ERR_OUTPUT and a message naming
 * PATH (raw, not escaped for a terminal) and the reason, e.g.
 * "pm.md already exists; use --force to replace it",
 * "out is a directory", "cannot write out/pm.md: directory out does not exist",
 * "cannot write pm.md: No space left on device".
 */
int pm_io_write_atomic(const char *path, const char *data, size_t len,
                       bool force, struct pm_error *err);

#endif
