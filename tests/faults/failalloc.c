/*
 * Fault injection for tests/faults.sh: an LD_PRELOAD library that makes the
 * Nth call of one kind fail, as if memory, the disk or the file system had
 * given out at that very moment.  Each kind is counted on its own from the
 * start of the program (calls the dynamic loader makes before that are not
 * counted); an unset or zero variable injects nothing.
 *
 *   FAIL_MALLOC=N   the Nth malloc, calloc or realloc returns NULL (ENOMEM)
 *   FAIL_WRITE=N    the Nth write(2) fails with ENOSPC
 *   FAIL_STDOUT=N   before the Nth fwrite, fputs or fflush on stdout, the
 *                   descriptor behind stdout is replaced by /dev/full: from
 *                   there on, writing the output fails with ENOSPC
 *   FAIL_FSYNC=N    the Nth fsync(2) fails with EIO
 *   FAIL_RENAME=N   the Nth rename, link or renameat2 fails with EIO
 *   FAIL_CREATE=N   the Nth open(2) with O_CREAT fails with EACCES
 *   FAIL_HIT=FILE   when a fault is injected, "KIND N" is appended to FILE,
 *                   so the caller knows whether its N was reached at all
 *   FAIL_PROGRAM=P  only a program of that name counts (default pmcheck),
 *                   not a shell or valgrind's launcher in between
 *
 * write(2) is counted only where the program calls it itself: stdio's
 * writes stay inside the C library, which is what FAIL_STDOUT is for.
 * Under valgrind, calls still reach valgrind's allocator (this library
 * forwards to the C library's malloc, which valgrind replaces), so leaks
 * after an injected fault are found too.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

enum fault { F_MALLOC, F_WRITE, F_STDOUT, F_FSYNC, F_RENAME, F_CREATE, F_COUNT };

static const char *const fault_env[F_COUNT] = {
	[F_MALLOC] = "FAIL_MALLOC", [F_WRITE] = "FAIL_WRITE",
	[F_STDOUT] = "FAIL_STDOUT", [F_FSYNC] = "FAIL_FSYNC",
	[F_RENAME] = "FAIL_RENAME", [F_CREATE] = "FAIL_CREATE",
};

static unsigned long fault_at[F_COUNT];
static unsigned long fault_calls[F_COUNT];
static int armed;          /* set once main's world exists (constructor) */
static int inside;         /* this library's own calls are never counted */

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void (*real_free)(void *);
static ssize_t (*real_write)(int, const void *, size_t);
static size_t (*real_fwrite)(const void *, size_t, size_t, FILE *);
static int (*real_fputs)(const char *, FILE *);
static int (*real_fflush)(FILE *);
static int (*real_fsync)(int);
static int (*real_rename)(const char *, const char *);
static int (*real_link)(const char *, const char *);
static long (*real_syscall)(long, ...);
static int (*real_open)(const char *, int, ...);

/* dlsym() may allocate before real_calloc is known: such early requests
 * are served from here and never freed. */
static _Alignas(max_align_t) char boot[8192];
static size_t boot_used;
static int resolving;

static void *
boot_alloc(size_t n)
{
	size_t a = sizeof(max_align_t);
	n = (n + a - 1) / a * a;
	if (n > sizeof(boot) - boot_used)
		return NULL;
	void *p = boot + boot_used;
	boot_used += n;
	return p;
}

static int
is_boot(const void *p)
{
	return (const char *)p >= boot && (const char *)p < boot + sizeof(boot);
}

static void
resolve(void)
{
	if (real_malloc || resolving)
		return;
	resolving = 1;
	real_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
	real_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
	real_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
	real_write = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	real_fwrite = (size_t (*)(const void *, size_t, size_t, FILE *))
		dlsym(RTLD_NEXT, "fwrite");
	real_fputs = (int (*)(const char *, FILE *))dlsym(RTLD_NEXT, "fputs");
	real_fflush = (int (*)(FILE *))dlsym(RTLD_NEXT, "fflush");
	real_fsync = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
	real_rename = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
	real_link = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "link");
	real_syscall = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
	real_open = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
	/* Last: it is what tells the others they may be used. */
	real_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
	resolving = 0;
}

__attribute__((constructor)) static void
fault_init(void)
{
	resolve();
	/* Only the program under test counts: not the shell or the valgrind
	 * launcher that start it with the same environment. */
	const char *only = getenv("FAIL_PROGRAM");
	if (strcmp(program_invocation_short_name, only && only[0] ? only : "pmcheck") != 0)
		return;
	for (int k = 0; k < F_COUNT; k++) {
		const char *v = getenv(fault_env[k]);
		fault_at[k] = v ? strtoul(v, NULL, 10) : 0;
	}
	armed = 1;
}

/* Records the injected fault in $FAIL_HIT with plain system calls, which
 * neither allocate nor pass through the counted functions. */
static void
note_hit(enum fault k, unsigned long n)
{
	const char *path = getenv("FAIL_HIT");
	if (path == NULL || path[0] == '\0')
		return;
	int fd = (int)syscall(SYS_openat, AT_FDCWD, path,
	                      O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	char line[64];
	int len = snprintf(line, sizeof(line), "%s %lu\n", fault_env[k] + 5, n);
	if (len > 0)
		(void)syscall(SYS_write, fd, line, (size_t)len);
	syscall(SYS_close, fd);
}

/* True when this call of kind K is the one to fail. */
static int
fault_now(enum fault k)
{
	if (!armed || inside)
		return 0;
	unsigned long n = ++fault_calls[k];
	if (fault_at[k] == 0 || n != fault_at[k])
		return 0;
	inside = 1;
	note_hit(k, n);
	inside = 0;
	return 1;
}

void *
malloc(size_t n)
{
	if (real_malloc == NULL) {
		resolve();
		if (real_malloc == NULL)
			return boot_alloc(n);
	}
	if (fault_now(F_MALLOC)) {
		errno = ENOMEM;
		return NULL;
	}
	return real_malloc(n);
}

void *
calloc(size_t count, size_t size)
{
	if (real_calloc == NULL || real_malloc == NULL) {
		if (count && size > SIZE_MAX / count)
			return NULL;
		return boot_alloc(count * size);   /* static storage: zeroed */
	}
	if (fault_now(F_MALLOC)) {
		errno = ENOMEM;
		return NULL;
	}
	return real_calloc(count, size);
}

void *
realloc(void *p, size_t n)
{
	if (real_realloc == NULL || real_malloc == NULL)
		return NULL;
	if (fault_now(F_MALLOC)) {
		errno = ENOMEM;
		return NULL;
	}
	if (is_boot(p)) {
		void *q = real_malloc(n);
		if (q) {
			size_t have = (size_t)(boot + sizeof(boot) - (char *)p);
			memcpy(q, p, n < have ? n : have);
		}
		return q;
	}
	return real_realloc(p, n);
}

void
free(void *p)
{
	if (p == NULL || is_boot(p))
		return;
	resolve();
	real_free(p);
}

ssize_t
write(int fd, const void *buf, size_t n)
{
	resolve();
	if (fault_now(F_WRITE)) {
		errno = ENOSPC;
		return -1;
	}
	return real_write(fd, buf, n);
}

/* From the Nth write to stdout on, stdout is a full disk. */
static void
stdout_fault(FILE *f)
{
	if (f != stdout || !fault_now(F_STDOUT))
		return;
	inside = 1;
	int full = (int)syscall(SYS_openat, AT_FDCWD, "/dev/full", O_WRONLY | O_CLOEXEC);
	if (full >= 0) {
		dup2(full, fileno(stdout));
		syscall(SYS_close, full);
	}
	inside = 0;
}

size_t
fwrite(const void *p, size_t size, size_t n, FILE *f)
{
	resolve();
	stdout_fault(f);
	return real_fwrite(p, size, n, f);
}

int
fputs(const char *s, FILE *f)
{
	resolve();
	stdout_fault(f);
	return real_fputs(s, f);
}

int
fflush(FILE *f)
{
	resolve();
	stdout_fault(f);
	return real_fflush(f);
}

int
fsync(int fd)
{
	resolve();
	if (fault_now(F_FSYNC)) {
		errno = EIO;
		return -1;
	}
	return real_fsync(fd);
}

int
rename(const char *from, const char *to)
{
	resolve();
	if (fault_now(F_RENAME)) {
		errno = EIO;
		return -1;
	}
	return real_rename(from, to);
}

int
link(const char *from, const char *to)
{
	resolve();
	if (fault_now(F_RENAME)) {
		errno = EIO;
		return -1;
	}
	return real_link(from, to);
}

long
syscall(long nr, ...)
{
	va_list ap;
	va_start(ap, nr);
	long a[6];
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	resolve();
#ifdef SYS_renameat2
	if (nr == SYS_renameat2 && fault_now(F_RENAME)) {
		errno = EIO;
		return -1;
	}
#endif
	return real_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

int
open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	if (flags & (O_CREAT | O_TMPFILE)) {
		va_list ap;
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	resolve();
	if ((flags & O_CREAT) && fault_now(F_CREATE)) {
		errno = EACCES;
		return -1;
	}
	return real_open(path, flags, mode);
}
