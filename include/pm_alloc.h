/*
 * Memory for pmcheck: one xmalloc family that never returns NULL (on
 * exhaustion it reports and ends the process, so callers stay free of
 * out-of-memory branches), and a bump arena that holds everything one input
 * needs, freed in one go.
 */
#ifndef PM_ALLOC_H
#define PM_ALLOC_H

#include <stddef.h>

/* The exit status after running out of memory: the output is incomplete,
 * which is what status 4 ("the output could not be written") means. */
#define PM_EXIT_NOMEM 4

/* Flushes stdout, prints "pmcheck: out of memory" to stderr and ends the
 * process with PM_EXIT_NOMEM (through _exit: no atexit handlers).  For every
 * allocation that fails, the xmalloc family's and libyaml's alike. */
_Noreturn void pm_alloc_fail(void);

/* Like malloc/calloc/realloc/strdup, but call pm_alloc_fail() instead of
 * returning NULL. */
void *pm_xmalloc(size_t size);
void *pm_xcalloc(size_t count, size_t size);
void *pm_xrealloc(void *ptr, size_t size);
char *pm_xstrdup(const char *s);

/*
 * Arena: allocations are never freed one by one; pm_arena_reset() drops them
 * all but keeps the first chunk for reuse by the next input, and
 * pm_arena_free() gives every chunk back.  Memory is aligned for any scalar.
 */
struct pm_arena_chunk;
struct pm_arena {
	struct pm_arena_chunk *head;   /* newest chunk first */
};

void pm_arena_init(struct pm_arena *arena);
/* Returns SIZE bytes (zeroed) that live until reset or free. */
void *pm_arena_alloc(struct pm_arena *arena, size_t size);
/* Copies S[0..LEN) into the arena and NUL-terminates it. */
char *pm_arena_strndup(struct pm_arena *arena, const char *s, size_t len);
/* Formats into the arena, like asprintf. */
char *pm_arena_printf(struct pm_arena *arena, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void pm_arena_reset(struct pm_arena *arena);
void pm_arena_free(struct pm_arena *arena);

/*
 * libyaml allocates through pmcheck (src/alloc.c): freed blocks are kept per
 * thread for the next input.  pm_alloc_yaml_release() gives the calling
 * thread's kept blocks back (at the end of a thread, and of the program, so
 * that leak checkers see nothing held); pm_alloc_yaml_cached() tells how many
 * bytes it keeps (0 where libyaml is left on malloc).
 */
void pm_alloc_yaml_release(void);
size_t pm_alloc_yaml_cached(void);

#endif
