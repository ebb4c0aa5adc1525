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

/* ---- libyaml's allocations ---------------------------------------------- */

/*
 * libyaml allocates through four functions of its own, yaml_malloc,
 * yaml_realloc, yaml_free and yaml_strdup, which it exports and calls
 * through its procedure linkage table; defining them here makes every
 * call of the shared library come to these.  A typical hotfix costs
 * libyaml some 400 allocations (most of them the 16-byte starts of the
 * strings it grows while scanning a scalar) and 40 reallocations, a fifth
 * of the time libyaml takes with the C library's general-purpose malloc,
 * which pays for reallocations and for blocks above its per-thread cache
 * with bin searches and coalescing.  Here a freed block is kept on a
 * per-thread list of its power-of-two size class and handed out again
 * as is, and a reallocation that fits the block's usable size stays in
 * place.
 *
 * Every block is an ordinary malloc block, allocated at its class size:
 * a block may be freed by libyaml's own yaml_free and a block of libyaml's
 * may reach ours, so a build where only some of libyaml's calls come here
 * (a static or differently linked libyaml) stays correct; its class comes
 * from malloc_usable_size().  Each thread keeps at most
 * PM_YAML_CACHE_MAX bytes; pm_alloc_yaml_release() frees them.
 *
 * Define PM_NO_YAML_CACHE to leave libyaml on malloc (needed to link
 * against a static libyaml, which defines the same four names).
 */
#if defined(__GLIBC__) && !defined(PM_NO_YAML_CACHE)

#include <malloc.h>

/* libyaml's prototypes (yaml_private.h, which is not installed). */
void *yaml_malloc(size_t size);
void *yaml_realloc(void *ptr, size_t size);
void yaml_free(void *ptr);
unsigned char *yaml_strdup(const unsigned char *str);

#define PM_YAML_CLASS_MIN 16u          /* class 0 */
#define PM_YAML_CLASSES 13             /* 16 B .. 64 KiB: libyaml's largest
                                        * buffer is 48 KiB */
#define PM_YAML_CACHE_MAX (512u * 1024u)

struct pm_yaml_free {
	struct pm_yaml_free *next;
};

static _Thread_local struct pm_yaml_free *pm_yaml_list[PM_YAML_CLASSES];
static _Thread_local size_t pm_yaml_cached;

static size_t
pm_yaml_class_size(unsigned k)
{
	return (size_t)PM_YAML_CLASS_MIN << k;
}

/* The smallest class that holds SIZE bytes (PM_YAML_CLASSES if none). */
static unsigned
pm_yaml_class_up(size_t size)
{
	if (size <= PM_YAML_CLASS_MIN)
		return 0;
	if (size > pm_yaml_class_size(PM_YAML_CLASSES - 1))
		return PM_YAML_CLASSES;
	return (unsigned)(64 - __builtin_clzll((unsigned long long)size - 1)) - 4;
}

void *
yaml_malloc(size_t size)
{
	unsigned k = pm_yaml_class_up(size);
	if (k == PM_YAML_CLASSES)
		return malloc(size);
	struct pm_yaml_free *b = pm_yaml_list[k];
	if (b == NULL)
		return malloc(pm_yaml_class_size(k));
	pm_yaml_list[k] = b->next;
	pm_yaml_cached -= pm_yaml_class_size(k);
	return b;
}

void
yaml_free(void *ptr)
{
	if (ptr == NULL)
		return;
	/* The largest class the block can serve: usable sizes are not
	 * powers of two (a 16-byte request is given 24). */
	size_t usable = malloc_usable_size(ptr);
	unsigned k = usable < PM_YAML_CLASS_MIN ? PM_YAML_CLASSES
		: (unsigned)(63 - __builtin_clzll((unsigned long long)usable)) - 4;
	if (k >= PM_YAML_CLASSES ||
	    pm_yaml_cached + pm_yaml_class_size(k) > PM_YAML_CACHE_MAX) {
		free(ptr);
		return;
	}
	struct pm_yaml_free *b = ptr;
	b->next = pm_yaml_list[k];
	pm_yaml_list[k] = b;
	pm_yaml_cached += pm_yaml_class_size(k);
}

void *
yaml_realloc(void *ptr, size_t size)
{
	if (ptr == NULL)
		return yaml_malloc(size);
	size_t usable = malloc_usable_size(ptr);
	if (size <= usable)
		return ptr;
	void *p = yaml_malloc(size);
	if (p == NULL)
		return NULL;
	memcpy(p, ptr, usable);
	yaml_free(ptr);
	return p;
}

unsigned char *
yaml_strdup(const unsigned char *str)
{
	if (str == NULL)
		return NULL;
	size_t n = strlen((const char *)str) + 1;
	unsigned char *p = yaml_malloc(n);
	return p ? memcpy(p, str, n) : NULL;
}

void
pm_alloc_yaml_release(void)
{
	for (unsigned k = 0; k < PM_YAML_CLASSES; k++) {
		while (pm_yaml_list[k]) {
			struct pm_yaml_free *b = pm_yaml_list[k];
			pm_yaml_list[k] = b->next;
			free(b);
		}
	}
	pm_yaml_cached = 0;
}

size_t
pm_alloc_yaml_cached(void)
{
	return pm_yaml_cached;
}

#else

void
pm_alloc_yaml_release(void)
{
}

size_t
pm_alloc_yaml_cached(void)
{
	return 0;
}

#endif
