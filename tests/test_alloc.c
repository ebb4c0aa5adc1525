/*
 * Tests for src/alloc.c: the arena, and the cache libyaml allocates through.
 *
 * The cache tests call yaml_malloc and friends the way libyaml does, and
 * check that libyaml itself reaches them (its calls go through the dynamic
 * linker, so a parser's buffers must land in this thread's cache).  Where
 * the cache is compiled out (PM_NO_YAML_CACHE, a C library other than
 * glibc) they are skipped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "pm_alloc.h"
#include "pm_parse.h"

/* libyaml's allocation functions (yaml_private.h is not installed). */
void *yaml_malloc(size_t size);
void *yaml_realloc(void *ptr, size_t size);
void yaml_free(void *ptr);
unsigned char *yaml_strdup(const unsigned char *str);

#if defined(__GLIBC__) && !defined(PM_NO_YAML_CACHE)
#define T_CACHE 1
#else
#define T_CACHE 0
#endif

#define T_CACHE_MAX (512u * 1024u)   /* PM_YAML_CACHE_MAX */

static void
t_need_cache(void)
{
	if (!T_CACHE)
		skip();
}

static int
t_setup(void **state)
{
	(void)state;
	pm_alloc_yaml_release();
	return 0;
}

/* ---- arena --------------------------------------------------------------- */

static void
test_arena_alloc_zeroed_aligned(void **state)
{
	(void)state;
	struct pm_arena a;
	pm_arena_init(&a);
	for (size_t n = 1; n < 70000; n = n * 3 + 1) {
		unsigned char *p = pm_arena_alloc(&a, n);
		assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(p[i], 0);
		memset(p, 0xAA, n);
	}
	pm_arena_reset(&a);
	unsigned char *p = pm_arena_alloc(&a, 100);
	for (size_t i = 0; i < 100; i++)
		assert_int_equal(p[i], 0);
	pm_arena_free(&a);
}

static void
test_arena_strings(void **state)
{
	(void)state;
	struct pm_arena a;
	pm_arena_init(&a);
	char *s = pm_arena_strndup(&a, "hotfix-and-more", 6);
	assert_string_equal(s, "hotfix");
	char *f = pm_arena_printf(&a, "%s #%d", s, 42);
	assert_string_equal(f, "hotfix #42");
	assert_string_equal(s, "hotfix");
	pm_arena_free(&a);
}

/* ---- libyaml's cache ------------------------------------------------------- */

/* libyaml's own calls come here: a parser's buffers (16 and 48 KiB) and
 * stacks are kept when it is deleted, and the next parser takes them. */
static void
test_yaml_parser_reaches_cache(void **state)
{
	(void)state;
	t_need_cache();
	yaml_parser_t parser;
	assert_true(yaml_parser_initialize(&parser));
	yaml_parser_delete(&parser);
	size_t kept = pm_alloc_yaml_cached();
	assert_true(kept >= 64u * 1024u + 16u * 1024u);
	assert_true(yaml_parser_initialize(&parser));
	assert_int_equal(pm_alloc_yaml_cached(), 0);
	yaml_parser_delete(&parser);
	assert_int_equal(pm_alloc_yaml_cached(), kept);
}

/* A whole parse gives back what it took: nothing grows from one input to
 * the next. */
static void
test_yaml_parse_steady(void **state)
{
	(void)state;
	t_need_cache();
	static const char src[] =
		"title: Login fails\nseverity: sev2\nsummary: |\n  a longer text "
		"that makes libyaml grow its strings a few times over\n"
		"teams: [auth, web, mobile]\nroot_cause: cache\n";
	struct pm_hotfix hf;
	pm_hotfix_init(&hf);
	struct pm_error err;
	size_t first = 0;
	for (int i = 0; i < 5; i++) {
		pm_error_clear(&err);
		(void)pm_parse(&hf, src, sizeof(src) - 1, &err);
		if (i == 0)
			first = pm_alloc_yaml_cached();
		else
			assert_int_equal(pm_alloc_yaml_cached(), first);
	}
	assert_true(first > 0);
	pm_hotfix_free(&hf);
	pm_alloc_yaml_release();
	assert_int_equal(pm_alloc_yaml_cached(), 0);
}

static void
test_yaml_malloc_sizes(void **state)
{
	(void)state;
	for (size_t n = 0; n <= 200000; n = n < 64 ? n + 1 : n * 2 - 7) {
		unsigned char *p = yaml_malloc(n);
		assert_non_null(p);
		assert_true(malloc_usable_size(p) >= n);
		memset(p, 0x5A, n);
		yaml_free(p);
	}
	yaml_free(NULL);
	pm_alloc_yaml_release();
}

/* A freed block is the next one handed out for a request of its class,
 * and not for a larger one. */
static void
test_yaml_reuse_by_class(void **state)
{
	(void)state;
	t_need_cache();
	void *a = yaml_malloc(20);                 /* class 32 */
	yaml_free(a);
	assert_int_equal(pm_alloc_yaml_cached(), 32);
	assert_ptr_equal(yaml_malloc(17), a);
	assert_int_equal(pm_alloc_yaml_cached(), 0);
	yaml_free(a);
	void *b = yaml_malloc(33);
	assert_ptr_not_equal(b, a);
	assert_true(malloc_usable_size(b) >= 33);
	yaml_free(b);
	yaml_free(yaml_malloc(48));
	pm_alloc_yaml_release();
}

/* A block libyaml took from malloc itself (where some of its calls do not
 * come here) is kept for the largest class it can serve. */
static void
test_yaml_foreign_block(void **state)
{
	(void)state;
	t_need_cache();
	void *f = malloc(100);                     /* usable 104: class 64 */
	size_t usable = malloc_usable_size(f);
	size_t cls = 16;
	while (cls * 2 <= usable)
		cls *= 2;
	yaml_free(f);
	assert_int_equal(pm_alloc_yaml_cached(), cls);
	void *big = yaml_malloc(cls + 1);
	assert_ptr_not_equal(big, f);
	assert_ptr_equal(yaml_malloc(cls), f);
	yaml_free(big);
	free(f);                                   /* and back to malloc */
	pm_alloc_yaml_release();
}

static void
test_yaml_realloc(void **state)
{
	(void)state;
	unsigned char *p = yaml_realloc(NULL, 10);
	assert_non_null(p);
	for (int i = 0; i < 10; i++)
		p[i] = (unsigned char)i;
	size_t usable = malloc_usable_size(p);
	if (T_CACHE)
		assert_ptr_equal(yaml_realloc(p, usable), p);    /* fits: stays */
	size_t n = 10;
	for (size_t to = 16; to <= 300000; to *= 3) {
		p = yaml_realloc(p, to);
		assert_non_null(p);
		assert_true(malloc_usable_size(p) >= to);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(p[i], (unsigned char)i);
		for (size_t i = n; i < to; i++)
			p[i] = (unsigned char)i;
		n = to;
	}
	yaml_free(p);
	pm_alloc_yaml_release();
}

static void
test_yaml_strdup(void **state)
{
	(void)state;
	assert_null(yaml_strdup(NULL));
	unsigned char *s = yaml_strdup((const unsigned char *)"tag:yaml.org,2002:str");
	assert_string_equal((char *)s, "tag:yaml.org,2002:str");
	yaml_free(s);
	s = yaml_strdup((const unsigned char *)"");
	assert_string_equal((char *)s, "");
	yaml_free(s);
	pm_alloc_yaml_release();
}

/* The cache holds at most 512 KiB; blocks beyond it, and blocks of twice
 * the largest class (64 KiB) or more, go back to malloc. */
static void
test_yaml_cache_bounded(void **state)
{
	(void)state;
	t_need_cache();
	enum { N = 64 };
	void *p[N];
	for (int i = 0; i < N; i++)
		p[i] = yaml_malloc(16384);
	for (int i = 0; i < N; i++)
		yaml_free(p[i]);
	assert_int_equal(pm_alloc_yaml_cached(), T_CACHE_MAX);
	pm_alloc_yaml_release();
	yaml_free(yaml_malloc(128u * 1024u));
	yaml_free(yaml_malloc(1u << 20));
	assert_int_equal(pm_alloc_yaml_cached(), 0);
	pm_alloc_yaml_release();
}

/* Each thread has a cache of its own. */
static void *
t_other_thread(void *arg)
{
	size_t *seen = arg;
	seen[0] = pm_alloc_yaml_cached();
	yaml_free(yaml_malloc(1000));
	seen[1] = pm_alloc_yaml_cached();
	pm_alloc_yaml_release();
	return NULL;
}

static void
test_yaml_cache_per_thread(void **state)
{
	(void)state;
	t_need_cache();
	yaml_free(yaml_malloc(100));
	assert_int_equal(pm_alloc_yaml_cached(), 128);
	size_t seen[2] = { 99, 99 };
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, t_other_thread, seen), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(seen[0], 0);
	assert_int_equal(seen[1], 1024);
	assert_int_equal(pm_alloc_yaml_cached(), 128);
	pm_alloc_yaml_release();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arena_alloc_zeroed_aligned),
		cmocka_unit_test(test_arena_strings),
		cmocka_unit_test_setup(test_yaml_parser_reaches_cache, t_setup),
		cmocka_unit_test_setup(test_yaml_parse_steady, t_setup),
		cmocka_unit_test_setup(test_yaml_malloc_sizes, t_setup),
		cmocka_unit_test_setup(test_yaml_reuse_by_class, t_setup),
		cmocka_unit_test_setup(test_yaml_foreign_block, t_setup),
		cmocka_unit_test_setup(test_yaml_realloc, t_setup),
		cmocka_unit_test_setup(test_yaml_strdup, t_setup),
		cmocka_unit_test_setup(test_yaml_cache_bounded, t_setup),
		cmocka_unit_test_setup(test_yaml_cache_per_thread, t_setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
