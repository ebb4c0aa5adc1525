/*
 * The xmalloc family and the per-input arena.  Out of memory is not an error
 * pmcheck can recover from usefully, so it is reported once and the process
 * ends with a documented status (docs/security.md), never with a crash.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pm_alloc.h"

void
pm_alloc_fail(void)
{
	/* What stdio holds for stdout is whole renderings of earlier inputs
	 * (each reaches stdio in one piece), so it is worth delivering; the
	 * input being judged never got there.  -o output is written in one
	 * go at the very end and its temporary file exists only inside
	 * pm_io_write_atomic, which allocates nothing once it is created:
	 * no output file is ever half written or left behind. */
	fflush(stdout);
	fputs("pmcheck: out of memory\n", stderr);
	/* _exit, not exit: the memory still in use is reachable and goes back
	 * to the system; exit() would run atexit handlers, which may need
	 * memory, and have LeakSanitizer report that memory as leaked. */
	_exit(PM_EXIT_NOMEM);
}

void *
pm_xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (p == NULL)
		pm_alloc_fail();
	return p;
}

void *
pm_xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (p == NULL)
		pm_alloc_fail();
	return p;
}

void *
pm_xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);
	if (p == NULL)
		pm_alloc_fail();
	return p;
}

char *
pm_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(pm_xmalloc(n), s, n);
}

/* A chunk header followed by its bytes.  Chunks grow geometrically so an
 * input of any size needs few of them; the first is kept across resets. */
struct pm_arena_chunk {
	struct pm_arena_chunk *next;
	size_t size;
	size_t used;
	max_align_t data[];
};

#define PM_ARENA_FIRST (16u * 1024u)
#define PM_ALIGN (sizeof(max_align_t))

void
pm_arena_init(struct pm_arena *arena)
{
	arena->head = NULL;
}

static struct pm_arena_chunk *
pm_arena_grow(struct pm_arena *arena, size_t need)
{
	size_t size = arena->head ? arena->head->size * 2 : PM_ARENA_FIRST;
	while (size < need)
		size *= 2;
	struct pm_arena_chunk *c = pm_xmalloc(sizeof(*c) + size);
	c->next = arena->head;
	c->size = size;
	c->used = 0;
	arena->head = c;
	return c;
}

/* Room for SIZE bytes, not cleared. */
static void *
pm_arena_take(struct pm_arena *arena, size_t size)
{
	size_t rounded = (size + PM_ALIGN - 1) / PM_ALIGN * PM_ALIGN;
	if (rounded < size)
		pm_alloc_fail();
	struct pm_arena_chunk *c = arena->head;
	if (c == NULL || c->size - c->used < rounded)
		c = pm_arena_grow(arena, rounded);
	void *p = (char *)c->data + c->used;
	c->used += rounded;
	return p;
}

void *
pm_arena_alloc(struct pm_arena *arena, size_t size)
{
	return memset(pm_arena_take(arena, size), 0, size);
}

char *
pm_arena_strndup(struct pm_arena *arena, const char *s, size_t len)
{
	char *p = pm_arena_take(arena, len + 1);
	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
pm_arena_printf(struct pm_arena *arena, const char *fmt, ...)
{
	/* Format once into a stack buffer, which holds nearly every result;
	 * only a longer one is formatted again, straight into the arena. */
	char small[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		n = 0;
		small[0] = '\0';
	}
	char *p = pm_arena_take(arena, (size_t)n + 1);
	if ((size_t)n < sizeof(small)) {
		memcpy(p, small, (size_t)n + 1);
		return p;
	}
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void
pm_arena_reset(struct pm_arena *arena)
{
	struct pm_arena_chunk *c = arena->head;
	if (c == NULL)
		return;
	/* Keep the newest chunk, the largest, and free the others: the next
	 * input of a batch most likely fits in it, and a batch holds at most
	 * the largest chunk one input needed. */
	struct pm_arena_chunk *keep = c;
	c = c->next;
	while (c != NULL) {
		struct pm_arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	keep->next = NULL;
	keep->used = 0;
	arena->head = keep;
}

void
pm_arena_free(struct pm_arena *arena)
{
	if (arena == NULL)
		return;
	struct pm_arena_chunk *c = arena->head;
	while (c != NULL) {
		struct pm_arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	arena->head = NULL;
}
