/*
 * Tests for pm_escape_json's block copying: it must give exactly what a
 * plain byte-at-a-time walk gives (ref_json below, the escaper as it was
 * first written), wherever the bytes that need escaping fall against the
 * 8- and 16-byte blocks, at the very end of the text, or straddling a
 * block boundary, and whatever room the buffer had.  Inputs are copied to
 * allocations of their exact size, so that AddressSanitizer catches a block
 * read past the end.  Also: the printf-free dates and integers of the JSON
 * renderer against printf.  pm_escape_json_to, which writes into room
 * the caller made, is held to the same reference in exactly that room.
 *
 * test_escape_json_portable.c runs all of this again against escape.c built
 * with its portable 64-bit word test instead of SSE2.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pm_buf.h"
#include "pm_escape.h"
#include "pm_model.h"
#include "pm_render.h"
#include "pm_report.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* C0, DEL, C1, U+061C, U+200E/F, U+2028..U+202E, U+2066..U+2069. */
static bool
ref_unsafe(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x061c ||
	    cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069);
}

/* The reference: one character at a time, every decision spelled out. */
static void
ref_json(struct pm_buf *out, const char *s, size_t len)
{
	pm_buf_putc(out, '"');
	size_t i = 0;
	while (i < len) {
		unsigned char b = (unsigned char)s[i];
		if (len - i >= 3 && b == '#' && s[i + 1] == '#' && s[i + 2] == '[') {
			pm_buf_puts(out, "\\u0023");
			i++;
			continue;
		}
		uint32_t cp;
		size_t n = pm_utf8_decode((const unsigned char *)s + i, len - i, &cp);
		char e[8];
		if (n == 0) {
			pm_buf_puts(out, "\xef\xbf\xbd");
			n = 1;
		} else if (cp == '"') {
			pm_buf_puts(out, "\\\"");
		} else if (cp == '\\') {
			pm_buf_puts(out, "\\\\");
		} else if (cp == '\b') {
			pm_buf_puts(out, "\\b");
		} else if (cp == '\f') {
			pm_buf_puts(out, "\\f");
		} else if (cp == '\n') {
			pm_buf_puts(out, "\\n");
		} else if (cp == '\r') {
			pm_buf_puts(out, "\\r");
		} else if (cp == '\t') {
			pm_buf_puts(out, "\\t");
		} else if (ref_unsafe(cp)) {
			snprintf(e, sizeof(e), "\\u%04x", (unsigned)cp);
			pm_buf_puts(out, e);
		} else {
			pm_buf_put(out, s + i, n);
		}
		i += n;
	}
	pm_buf_putc(out, '"');
}

/* Text already in the buffer before the string: none, and lengths around
 * the first capacity (256), so that every way of running out of room is
 * taken. */
static const size_t prefixes[] = { 0, 1, 200, 250, 253, 254, 255, 256 };

/* Escapes IN[0..LEN) after each prefix and checks the result is the
 * reference's, NUL-terminated. */
static void
check_same(const char *in, size_t len)
{
	/* An allocation of exactly LEN bytes (1 for none, passed as 0). */
	char *s = malloc(len ? len : 1);
	assert_non_null(s);
	if (len)
		memcpy(s, in, len);

	struct pm_buf want = PM_BUF_INIT;
	ref_json(&want, s, len);

	for (size_t p = 0; p < NELEM(prefixes); p++) {
		struct pm_buf got = PM_BUF_INIT;
		pm_buf_repeat(&got, 'x', prefixes[p]);
		pm_escape_json(&got, s, len);
		assert_int_equal(got.len, prefixes[p] + want.len);
		assert_memory_equal(got.data + prefixes[p], want.data, want.len);
		assert_int_equal(got.data[got.len], '\0');
		pm_buf_free(&got);
	}

	/* pm_escape_json_to in exactly the room it asks for. */
	size_t room = PM_ESCAPE_JSON_ROOM(len);
	char *d = malloc(room);
	assert_non_null(d);
	char *end = pm_escape_json_to(d, len ? s : NULL, len);
	assert_true(end >= d && (size_t)(end - d) <= room);
	assert_int_equal((size_t)(end - d), want.len);
	assert_memory_equal(d, want.data, want.len);
	free(d);

	pm_buf_free(&want);
	free(s);
}

/* Characters that stop the block copy, or pass through it as is although
 * they are not ASCII, or look like one that stops it. */
static const struct {
	const char *s;
	size_t len;
} specials[] = {
#define S(lit) { lit, sizeof(lit) - 1 }
	S("\x00"), S("\x01"), S("\x08"), S("\t"), S("\n"), S("\x0c"),
	S("\r"), S("\x1b"), S("\x1f"), S(" "), S("!"), S("\""), S("#"),
	S("$"), S("##["), S("#["), S("##"), S("\\"), S("]"), S("~"),
	S("\x7f"), S("\x80"), S("\xbf"), S("\xc0\xaf"), S("\xc2\x85"),
	S("\xc2\x9f"), S("\xc2\xa0"), S("\xc3\xa9"), S("\xd8\x9c"),
	S("\xe2\x80\x8e"), S("\xe2\x80\xa8"), S("\xe2\x80\xa9"),
	S("\xe2\x80\xae"), S("\xe2\x81\xa6"), S("\xe2\x82\xac"),
	S("\xe2\x82"), S("\xed\xa0\x80"), S("\xef\xbf\xbd"),
	S("\xf0\x9f\x98\x80"), S("\xf4\x90\x80\x80"), S("\xfe"), S("\xff"),
#undef S
};

/* Every special at every position of plain texts of 0 to 48 bytes (cut
 * short at the end, so that sequences are also truncated there). */
static void
test_json_special_everywhere(void **state)
{
	(void)state;
	char text[64];
	for (size_t len = 1; len <= 48; len++) {
		for (size_t at = 0; at < len; at++) {
			for (size_t k = 0; k < NELEM(specials); k++) {
				memset(text, 'a', len);
				size_t n = specials[k].len;
				if (n > len - at)
					n = len - at;
				memcpy(text + at, specials[k].s, n);
				check_same(text, len);
			}
		}
	}
	check_same("", 0);
}

/* Two specials, every pair of positions: a stop found after another one,
 * in the same block or the next. */
static void
test_json_two_specials(void **state)
{
	(void)state;
	static const char *const pairs[][2] = {
		{ "\"", "\xe2\x80\xa8" }, { "\n", "##[" }, { "\xc3\xa9", "\x7f" },
		{ "\xff", "\\" },
	};
	char text[64];
	for (size_t pr = 0; pr < NELEM(pairs); pr++) {
		size_t n0 = strlen(pairs[pr][0]), n1 = strlen(pairs[pr][1]);
		for (size_t len = 2; len <= 40; len++) {
			for (size_t a = 0; a + n0 <= len; a++) {
				for (size_t b = a + n0; b < len; b++) {
					memset(text, 'q', len);
					memcpy(text + a, pairs[pr][0], n0);
					size_t n = n1 < len - b ? n1 : len - b;
					memcpy(text + b, pairs[pr][1], n);
					check_same(text, len);
				}
			}
		}
	}
}

/* xorshift64*: the same "random" texts on every run. */
static uint64_t
next_random(uint64_t *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * UINT64_C(2685821657736338717);
}

/* Texts of 0 to 99 bytes, mostly plain ASCII with some of everything. */
static void
test_json_random(void **state)
{
	(void)state;
	static const unsigned char odd[] = {
		0x00, 0x01, 0x08, '\t', '\n', '\r', 0x1f, '"', '\\', '#', '#',
		'[', 0x7f, 0x80, 0x85, 0x9f, 0xa8, 0xae, 0xbf, 0xc2, 0xc3,
		0xd8, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xff,
	};
	uint64_t rnd = UINT64_C(0x9e3779b97f4a7c15);
	char text[100];
	for (int round = 0; round < 20000; round++) {
		size_t len = next_random(&rnd) % sizeof(text);
		for (size_t i = 0; i < len; i++) {
			uint64_t r = next_random(&rnd);
			if (r % 8 < 5)
				text[i] = (char)(' ' + (r >> 8) % 95);
			else if (r % 8 < 7)
				text[i] = (char)odd[(r >> 8) % sizeof(odd)];
			else
				text[i] = (char)(r >> 8);
		}
		check_same(text, len);
	}
}

static void
check(const char *s, size_t len, const char *want)
{
	struct pm_buf out = PM_BUF_INIT;
	pm_escape_json(&out, s, len);
	assert_string_equal(out.data, want);
	assert_int_equal(out.len, strlen(want));
	pm_buf_free(&out);
}

/* A few of the cases above with the result written out. */
static void
test_json_pinned(void **state)
{
	(void)state;
	check("abcdefg\x01", 8, "\"abcdefg\\u0001\"");
	check("abcdefgh\x01", 9, "\"abcdefgh\\u0001\"");
	check("abcdefghi\x01", 10, "\"abcdefghi\\u0001\"");
	check("abcdefghijklmno\n", 16, "\"abcdefghijklmno\\n\"");
	check("abcdefghijklmnop\n", 17, "\"abcdefghijklmnop\\n\"");
	check("abcdefghijklmnopq\n", 18, "\"abcdefghijklmnopq\\n\"");
	/* U+2028 at the very end, and cut short there. */
	check("abcdefghijklm\xe2\x80\xa8", 16, "\"abcdefghijklm\\u2028\"");
	check("abcdefghijklmn\xe2\x80\xa8", 17, "\"abcdefghijklmn\\u2028\"");
	check("abcdefghijklmn\xe2\x80", 16,
	    "\"abcdefghijklmn\xef\xbf\xbd\xef\xbf\xbd\"");
	/* Sequences across the 8- and 16-byte boundaries. */
	check("abcdefg\xc3\xa9z", 10, "\"abcdefg\xc3\xa9z\"");
	check("abcdefg\xe2\x80\xae", 10, "\"abcdefg\\u202e\"");
	check("abcdefg\xed\xa0\x80", 10,
	    "\"abcdefg\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
	check("abcdefghijklmno\xf0\x9f\x98\x80", 19,
	    "\"abcdefghijklmno\xf0\x9f\x98\x80\"");
	check("abcdefghijklmn##[x", 18, "\"abcdefghijklmn\\u0023#[x\"");
	check("abcdefghijklmno##[", 18, "\"abcdefghijklmno\\u0023#[\"");
	check("abcdefghijklmnop##", 18, "\"abcdefghijklmnop##\"");
	check("a###[", 5, "\"a#\\u0023#[\"");
}

/* Texts that are escapes from end to end take the most room of all: six
 * bytes a byte, which PM_ESCAPE_JSON_ROOM promises is the most. */
static void
test_json_worst_room(void **state)
{
	(void)state;
	static const char *const fill[] = {
		"\x01", "\x1f", "\x7f", "\"", "\\", "\xff", "\xc2\x85",
		"\xe2\x80\xae", "##[", "\xf0\x9f\x98\x80",
	};
	char text[200];
	for (size_t k = 0; k < NELEM(fill); k++) {
		size_t n = strlen(fill[k]);
		for (size_t len = 1; len <= sizeof(text); len++) {
			for (size_t i = 0; i < len; i++)
				text[i] = fill[k][i % n];
			check_same(text, len);
		}
	}
	char ctl[64];
	memset(ctl, 0x01, sizeof(ctl));
	struct pm_buf out = PM_BUF_INIT;
	pm_escape_json(&out, ctl, sizeof(ctl));
	assert_int_equal(out.len, PM_ESCAPE_JSON_ROOM(sizeof(ctl)));
	pm_buf_free(&out);
}

/* pm_render_day writes what "%04lld-%02u-%02u" would, years outside
 * 0000..9999 included. */
static void
test_render_day_printf(void **state)
{
	(void)state;
	struct pm_buf out = PM_BUF_INIT;
	char want[64];
	for (int64_t day = -800000; day <= 3000000; day += 997) {
		int64_t y;
		unsigned m, d;
		pm_civil_from_days(day, &y, &m, &d);
		snprintf(want, sizeof(want), "%04lld-%02u-%02u", (long long)y, m, d);
		pm_buf_clear(&out);
		pm_render_day(&out, day);
		assert_string_equal(out.data, want);
	}
	static const int64_t edges[] = {
		-719529, -719528, -719162, -1, 0, 2932896, 2932897,
	};
	for (size_t i = 0; i < NELEM(edges); i++) {
		int64_t y;
		unsigned m, d;
		pm_civil_from_days(edges[i], &y, &m, &d);
		snprintf(want, sizeof(want), "%04lld-%02u-%02u", (long long)y, m, d);
		pm_buf_clear(&out);
		pm_render_day(&out, edges[i]);
		assert_string_equal(out.data, want);
	}
	pm_buf_free(&out);
}

/* Integers of every length and sign in a JSON report. */
static void
test_json_integers(void **state)
{
	(void)state;
	static const struct {
		int points;
		uint32_t line, column;
	} cases[] = {
		{ 0, 1, 1 }, { 9, 9, 10 }, { 10, 99, 100 }, { 99, 100, 999 },
		{ 100, 1000, 12345 }, { -1, 4294967295u, 65536 },
		{ -10, 7, 8 }, { -100, 10, 99 }, { 2147483647, 3, 4 },
		{ -2147483647 - 1, 5, 6 },
	};
	for (size_t i = 0; i < NELEM(cases); i++) {
		struct pm_reason reason = {
			.points = cases[i].points,
			.pos = { cases[i].line, cases[i].column },
		};
		struct pm_report rep = { 0 };
		rep.triggers[0].reasons = &reason;
		rep.triggers[0].nreasons = 1;
		rep.triggers[0].score = cases[i].points;
		struct pm_render_opts opts = { .file = "f", .version = "v" };
		struct pm_buf out = PM_BUF_INIT;
		pm_render_json(&out, &rep, &opts);

		char want[128];
		snprintf(want, sizeof(want), "\"score\":%d,", cases[i].points);
		assert_non_null(strstr(out.data, want));
		snprintf(want, sizeof(want), ",\"points\":%d,\"message\":null,"
		    "\"field\":null,\"value\":null,\"line\":%u,\"column\":%u}",
		    cases[i].points, (unsigned)cases[i].line,
		    (unsigned)cases[i].column);
		assert_non_null(strstr(out.data, want));
		assert_int_equal(out.len, strlen(out.data));
		pm_buf_free(&out);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_special_everywhere),
		cmocka_unit_test(test_json_two_specials),
		cmocka_unit_test(test_json_random),
		cmocka_unit_test(test_json_pinned),
		cmocka_unit_test(test_json_worst_room),
		cmocka_unit_test(test_render_day_printf),
		cmocka_unit_test(test_json_integers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
