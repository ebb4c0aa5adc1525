/*
 * Tests for escape.c: the UTF-8 decoder at its boundaries, and each escaper
 * against the inputs that matter in practice (terminal escape sequences, OSC 8
 * hyperlinks, C1 controls, bidi overrides, line separators, bytes that are not
 * UTF-8, Markdown and HTML syntax, mentions).  A sweep over every two-byte
 * input checks the promises that must hold for any input at all.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pm_buf.h"
#include "pm_escape.h"

enum mode { TERM, TERM_NL, MD_INLINE, MD_BLOCK, JSON };

/* Escapes S (LEN bytes; strlen when LEN is (size_t)-1) in MODE and checks
 * the result is exactly WANT. */
static void
check_len(enum mode mode, const char *s, size_t len, const char *want)
{
	struct pm_buf out = PM_BUF_INIT;
	if (len == (size_t)-1)
		len = strlen(s);
	switch (mode) {
	case TERM:
		pm_escape_term(&out, s, len, false);
		break;
	case TERM_NL:
		pm_escape_term(&out, s, len, true);
		break;
	case MD_INLINE:
		pm_escape_md_inline(&out, s, len);
		break;
	case MD_BLOCK:
		pm_escape_md_block(&out, s, len);
		break;
	case JSON:
		pm_escape_json(&out, s, len);
		break;
	}
	assert_string_equal(out.data ? out.data : "", want);
	assert_int_equal(out.len, strlen(want));
	pm_buf_free(&out);
}

static void
check(enum mode mode, const char *s, const char *want)
{
	check_len(mode, s, (size_t)-1, want);
}

static size_t
decode(const char *s, uint32_t *cp)
{
	return pm_utf8_decode((const unsigned char *)s, strlen(s), cp);
}

static void
test_utf8_valid_boundaries(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		size_t len;
		uint32_t cp;
	} cases[] = {
		{ .s = "A", .len = 1, .cp = 0x41 },
		{ .s = "\x7f", .len = 1, .cp = 0x7f },
		{ .s = "\xc2\x80", .len = 2, .cp = 0x80 },
		{ .s = "\xdf\xbf", .len = 2, .cp = 0x7ff },
		{ .s = "\xe0\xa0\x80", .len = 3, .cp = 0x800 },
		{ .s = "\xed\x9f\xbf", .len = 3, .cp = 0xd7ff },
		{ .s = "\xee\x80\x80", .len = 3, .cp = 0xe000 },
		{ .s = "\xef\xbf\xbf", .len = 3, .cp = 0xffff },
		{ .s = "\xf0\x90\x80\x80", .len = 4, .cp = 0x10000 },
		{ .s = "\xf0\x9f\x98\x80", .len = 4, .cp = 0x1f600 },
		{ .s = "\xf4\x8f\xbf\xbf", .len = 4, .cp = 0x10ffff },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t cp = 0;
		assert_int_equal(decode(cases[i].s, &cp), cases[i].len);
		assert_int_equal(cp, cases[i].cp);
	}
	/* NUL is a valid one-byte character; CP may be NULL. */
	uint32_t cp = 1;
	assert_int_equal(pm_utf8_decode((const unsigned char *)"", 1, &cp), 1);
	assert_int_equal(cp, 0);
	assert_int_equal(pm_utf8_decode((const unsigned char *)"\xc3\xa9", 2,
	    NULL), 2);
}

static void
test_utf8_rejects(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"\x80",                 /* lone continuation byte */
		"\xbf",
		"\xc0\x80",             /* overlong NUL */
		"\xc0\xaf",             /* overlong "/" */
		"\xc1\xbf",             /* overlong U+007F */
		"\xe0\x80\xaf",         /* overlong "/" in three bytes */
		"\xe0\x9f\xbf",         /* overlong U+07FF */
		"\xf0\x80\x80\xaf",     /* overlong "/" in four bytes */
		"\xf0\x8f\xbf\xbf",     /* overlong U+FFFF */
		"\xed\xa0\x80",         /* surrogate U+D800 */
		"\xed\xbf\xbf",         /* surrogate U+DFFF */
		"\xf4\x90\x80\x80",     /* U+110000 */
		"\xf5\x80\x80\x80",
		"\xf8\x88\x80\x80\x80", /* five-byte form */
		"\xfe",
		"\xff",
		"\xc3(",                /* bad continuation */
		"\xe2\x28\xa1",
		"\xe2\x82\x28",
		"\xf0\x28\x8c\xbc",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint32_t cp = 0x1234;
		assert_int_equal(decode(bad[i], &cp), 0);
		assert_int_equal(cp, 0x1234);
	}
	/* Truncated by LEN even when the bytes would go on. */
	assert_int_equal(pm_utf8_decode((const unsigned char *)"\xe2\x82\xac",
	    2, NULL), 0);
	assert_int_equal(pm_utf8_decode((const unsigned char *)"\xf0\x9f\x98\x80",
	    3, NULL), 0);
	assert_int_equal(pm_utf8_decode((const unsigned char *)"a", 0, NULL), 0);
	assert_int_equal(pm_utf8_decode(NULL, 0, NULL), 0);
}

static void
test_term_plain(void **state)
{
	(void)state;
	check(TERM, "", "");
	check_len(TERM, NULL, 0, "");
	check(TERM, "hello, world", "hello, world");
	check(TERM, "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80",
	    "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80");
	/* Backslashes and Markdown syntax mean nothing to a terminal. */
	check(TERM, "C:\\x1b | # [x](y) <b>", "C:\\x1b | # [x](y) <b>");
	check(TERM, "a\tb", "a\tb");
}

static void
test_term_newlines(void **state)
{
	(void)state;
	check(TERM, "one\ntwo", "one\\ntwo");
	check(TERM_NL, "one\ntwo\n", "one\ntwo\n");
	check(TERM, "dos\r\n", "dos\\r\\n");
	check(TERM_NL, "dos\r\n", "dos\\r\n");
}

static void
test_term_escape_sequences(void **state)
{
	(void)state;
	/* CSI colour and screen clearing. */
	check(TERM, "\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m");
	check(TERM, "\x1b[2J\x1b[H", "\\x1b[2J\\x1b[H");
	/* OSC 8 hyperlink hiding its target, ended by ST and by BEL. */
	check(TERM, "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",
	    "\\x1b]8;;https://evil.example\\x1b\\click\\x1b]8;;\\x1b\\");
	check(TERM, "\x1b]0;title\x07", "\\x1b]0;title\\x07");
	/* Every C0 control but tab, and DEL. */
	check(TERM, "\x01\x08\x0b\x0c\x1f\x7f", "\\x01\\x08\\x0b\\x0c\\x1f\\x7f");
	check_len(TERM, "a\0b", 3, "a\\x00b");
}

static void
test_term_c1_bidi_separators(void **state)
{
	(void)state;
	/* U+009B is CSI on its own for terminals that honour C1. */
	check(TERM, "\xc2\x9b" "31m", "\\u009b31m");
	check(TERM, "\xc2\x80\xc2\x85\xc2\x9f", "\\u0080\\u0085\\u009f");
	check(TERM, "\xc2\xa0", "\xc2\xa0");    /* NBSP is printable */
	/* Trojan Source: RLO reverses what follows. */
	check(TERM, "admin\xe2\x80\xae" "txt.exe", "admin\\u202etxt.exe");
	check(TERM, "\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad",
	    "\\u202a\\u202b\\u202c\\u202d");
	check(TERM, "\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9",
	    "\\u2066\\u2067\\u2068\\u2069");
	check(TERM, "\xd8\x9c\xe2\x80\x8e\xe2\x80\x8f", "\\u061c\\u200e\\u200f");
	check(TERM, "a\xe2\x80\xa8" "b\xe2\x80\xa9", "a\\u2028b\\u2029");
	/* Neighbours that are harmless stay. */
	check(TERM, "\xe2\x80\x8b\xe2\x80\x94\xe2\x80\xaf",
	    "\xe2\x80\x8b\xe2\x80\x94\xe2\x80\xaf");
}

static void
test_term_invalid_utf8(void **state)
{
	(void)state;
	check(TERM, "\xff", "\\xff");
	check(TERM, "a\xc3(b", "a\\xc3(b");
	check(TERM, "end\xe2\x82", "end\\xe2\\x82");
	check(TERM, "\xc0\xaf", "\\xc0\\xaf");
	check(TERM, "\xe0\x80\xaf", "\\xe0\\x80\\xaf");
	check(TERM, "\xed\xa0\x80", "\\xed\\xa0\\x80");
	check(TERM, "\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");
	/* A bad byte does not swallow the valid character after it. */
	check(TERM, "\xe2\xc3\xa9", "\\xe2\xc3\xa9");
	/* Latin-1 file name. */
	check(TERM, "r\xe9sum\xe9.yaml", "r\\xe9sum\\xe9.yaml");
}

static void
test_md_inline_syntax(void **state)
{
	(void)state;
	check(MD_INLINE, "| # [x](y) <script> @here",
	    "\\| \\# \\[x\\](y) \\<script\\> @\xe2\x80\x8bhere");
	check(MD_INLINE, "a*b_c`d~e!f{g}h\\i",
	    "a\\*b\\_c\\`d\\~e\\!f\\{g\\}h\\\\i");
	check(MD_INLINE, "![img](javascript:alert(1))",
	    "\\!\\[img\\](javascript:alert(1))");
	check(MD_INLINE, "AT&T &amp; &#60;", "AT&amp;T &amp;amp; &amp;\\#60;");
	check(MD_INLINE, "<!-- hidden -->", "\\<\\!-- hidden --\\>");
	check(MD_INLINE, "plain words, commas; dots.", "plain words, commas; dots.");
	check(MD_INLINE, "", "");
	check_len(MD_INLINE, NULL, 0, "");
}

static void
test_md_inline_mentions(void **state)
{
	(void)state;
	check(MD_INLINE, "@here @channel @team-a @1",
	    "@\xe2\x80\x8bhere @\xe2\x80\x8b" "channel @\xe2\x80\x8bteam-a "
	    "@\xe2\x80\x8b" "1");
	check(MD_INLINE, "ops@example.com", "ops@\xe2\x80\x8b" "example.com");
	/* Nothing to break when no name follows. */
	check(MD_INLINE, "@ all, a @", "@ all, a @");
}

static void
test_md_inline_line_start(void **state)
{
	(void)state;
	check(MD_INLINE, "- item", "\\- item");
	check(MD_INLINE, "+ item", "\\+ item");
	check(MD_INLINE, "===", "\\===");
	check(MD_INLINE, "---", "\\---");
	check(MD_INLINE, "1. first", "1\\. first");
	check(MD_INLINE, "12) twelfth", "12\\) twelfth");
	check(MD_INLINE, "2024 was long", "2024 was long");
	check(MD_INLINE, "3.5 seconds", "3\\.5 seconds");
	/* Leading blanks are dropped, so the marker is still first. */
	check(MD_INLINE, "   - nested", "\\- nested");
	check(MD_INLINE, "\t    code", "code");
	/* Only at the start. */
	check(MD_INLINE, "a - b + c = d 1. e", "a - b + c = d 1. e");
}

static void
test_md_inline_whitespace(void **state)
{
	(void)state;
	check(MD_INLINE, "line one\n  line two\r\nthree",
	    "line one line two three");
	check(MD_INLINE, "a  \n\n\n  b", "a b");
	check(MD_INLINE, "\n\n- x\n", "\\- x");
	check(MD_INLINE, "trailing   ", "trailing");
	check(MD_INLINE, "inner   \tblanks", "inner   \tblanks");
	check(MD_INLINE, "\n \n", "");
	/* A folded line break is not a line start. */
	check(MD_INLINE, "a\n- b\n# c", "a - b \\# c");
}

static void
test_md_inline_terminal(void **state)
{
	(void)state;
	check(MD_INLINE, "\x1b[31mred", "\\x1b\\[31mred");
	check(MD_INLINE, "x\xe2\x80\xaey", "x\\u202ey");
	check(MD_INLINE, "x\xe2\x80\xa8y", "x\\u2028y");
	check(MD_INLINE, "\xc2\x9b" "1m", "\\u009b1m");
	check(MD_INLINE, "bad\xff", "bad\\xff");
	check(MD_INLINE, "lone\rcr", "lone\\rcr");
}

static void
test_md_block(void **state)
{
	(void)state;
	check(MD_BLOCK, "First line\nsecond line", "First line\nsecond line");
	check(MD_BLOCK,
	    "First line\n\n\n    indented\n- item\n# head\n> quote\n",
	    "First line\n\nindented\n\\- item\n\\# head\n\\> quote");
	check(MD_BLOCK, "\n\n  a  \n \n\t\n", "a");
	check(MD_BLOCK, "a\r\nb\r\n\r\nc", "a\nb\n\nc");
	check(MD_BLOCK, "a\rb", "a\\rb");
	check(MD_BLOCK, "```\nrm -rf /\n```", "\\`\\`\\`\nrm -rf /\n\\`\\`\\`");
	check(MD_BLOCK, "1. one\n2) two\n***", "1\\. one\n2\\) two\n\\*\\*\\*");
	check(MD_BLOCK, "| a | b |\n|---|---|",
	    "\\| a \\| b \\|\n\\|---\\|---\\|");
	check(MD_BLOCK, "ping @oncall\n<img src=x onerror=alert(1)>",
	    "ping @\xe2\x80\x8boncall\n\\<img src=x onerror=alert(1)\\>");
	check(MD_BLOCK, "", "");
	check(MD_BLOCK, "\n", "");
	check_len(MD_BLOCK, NULL, 0, "");
}

static void
test_json_basic(void **state)
{
	(void)state;
	check(JSON, "", "\"\"");
	check_len(JSON, NULL, 0, "\"\"");
	check(JSON, "plain", "\"plain\"");
	check(JSON, "\"q\" \\ / <b>", "\"\\\"q\\\" \\\\ / <b>\"");
	check(JSON, "caf\xc3\xa9 \xf0\x9f\x98\x80", "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"");
}

static void
test_json_controls(void **state)
{
	(void)state;
	check(JSON, "\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"");
	check(JSON, "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"");
	check_len(JSON, "a\0b", 3, "\"a\\u0000b\"");
	check(JSON, "\x1b[31m", "\"\\u001b[31m\"");
	check(JSON, "\xc2\x9b\xc2\x85", "\"\\u009b\\u0085\"");
	check(JSON, "\xe2\x80\xa8\xe2\x80\xa9", "\"\\u2028\\u2029\"");
	check(JSON, "\xe2\x80\xae\xe2\x81\xa6\xd8\x9c", "\"\\u202e\\u2066\\u061c\"");
}

static void
test_json_invalid_utf8(void **state)
{
	(void)state;
	check(JSON, "a\xff" "b", "\"a\xef\xbf\xbd" "b\"");
	check(JSON, "\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\"");
	check(JSON, "\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
	check(JSON, "\xe2\x82", "\"\xef\xbf\xbd\xef\xbf\xbd\"");
	check(JSON, "\xe2\xc3\xa9", "\"\xef\xbf\xbd\xc3\xa9\"");
}

/* True when OUT[0..LEN) is valid UTF-8 holding no character that a
 * terminal acts on, except the ones ALLOW lists. */
static bool
is_safe(const char *out, size_t len, const char *allow)
{
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = pm_utf8_decode((const unsigned char *)out + i,
		    len - i, &cp);
		if (n == 0)
			return false;
		bool control = cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
		    cp == 0x061c || cp == 0x200e || cp == 0x200f ||
		    (cp >= 0x2028 && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069);
		if (control && (cp == 0 || strchr(allow, (int)cp) == NULL))
			return false;
		i += n;
	}
	return true;
}

/* Every input of two bytes, and every three-byte input starting E2 80/E2
 * 81 or D8: whatever comes in, the output is valid UTF-8 and inert. */
static void
test_sweep(void **state)
{
	(void)state;
	struct pm_buf out = PM_BUF_INIT;
	unsigned char in[3];
	for (unsigned a = 0; a < 256; a++) {
		for (unsigned b = 0; b < 256; b++) {
			in[0] = (unsigned char)a;
			in[1] = (unsigned char)b;
			const char *s = (const char *)in;

			pm_buf_clear(&out);
			pm_escape_term(&out, s, 2, false);
			assert_true(is_safe(out.data, out.len, "\t"));
			pm_buf_clear(&out);
			pm_escape_term(&out, s, 2, true);
			assert_true(is_safe(out.data, out.len, "\t\n"));
			pm_buf_clear(&out);
			pm_escape_md_inline(&out, s, 2);
			assert_true(is_safe(out.data, out.len, "\t"));
			pm_buf_clear(&out);
			pm_escape_md_block(&out, s, 2);
			assert_true(is_safe(out.data, out.len, "\t\n"));
			pm_buf_clear(&out);
			pm_escape_json(&out, s, 2);
			assert_true(is_safe(out.data, out.len, ""));
		}
	}
	static const unsigned char leads[][2] = {
		{ 0xe2, 0x80 }, { 0xe2, 0x81 }, { 0xd8, 0x9c }, { 0xc2, 0x9b },
	};
	for (size_t l = 0; l < sizeof(leads) / sizeof(leads[0]); l++) {
		for (unsigned c = 0; c < 256; c++) {
			in[0] = leads[l][0];
			in[1] = leads[l][1];
			in[2] = (unsigned char)c;
			pm_buf_clear(&out);
			pm_escape_term(&out, (const char *)in, 3, false);
			assert_true(is_safe(out.data, out.len, "\t"));
			pm_buf_clear(&out);
			pm_escape_json(&out, (const char *)in, 3);
			assert_true(is_safe(out.data, out.len, ""));
		}
	}
	pm_buf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_valid_boundaries),
		cmocka_unit_test(test_utf8_rejects),
		cmocka_unit_test(test_term_plain),
		cmocka_unit_test(test_term_newlines),
		cmocka_unit_test(test_term_escape_sequences),
		cmocka_unit_test(test_term_c1_bidi_separators),
		cmocka_unit_test(test_term_invalid_utf8),
		cmocka_unit_test(test_md_inline_syntax),
		cmocka_unit_test(test_md_inline_mentions),
		cmocka_unit_test(test_md_inline_line_start),
		cmocka_unit_test(test_md_inline_whitespace),
		cmocka_unit_test(test_md_inline_terminal),
		cmocka_unit_test(test_md_block),
		cmocka_unit_test(test_json_basic),
		cmocka_unit_test(test_json_controls),
		cmocka_unit_test(test_json_invalid_utf8),
		cmocka_unit_test(test_sweep),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
