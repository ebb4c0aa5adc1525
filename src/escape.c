/*
 * Escaping of input-derived text.  Every output format ends up on a terminal,
 * in a log or in a rendered document sooner or later, so every escaper here
 * starts from the same rule: a character that a terminal would act on (C0/C1
 * controls, DEL, bidi controls, line separators) or a byte that is not UTF-8
 * is shown as a visible escape instead.  On top of that, the Markdown escapers
 * neutralise Markdown and HTML syntax, the JSON escaper produces a string
 * literal that is always valid UTF-8, the GitHub escapers keep input from
 * forming a workflow command and the Slack one from forming mrkdwn markup,
 * links or mentions.
 *
 * The input is walked one character at a time with pm_utf8_decode(); a byte
 * that does not start a valid sequence counts as one character on its own, so
 * a stray byte never swallows the valid text that follows it.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* pm_escape_json tests 16 bytes at a time with SSE2 where the compiler
 * targets it (every x86-64), 8 as a 64-bit word elsewhere.  Defining
 * PM_ESCAPE_NO_SIMD builds the portable word test on an SSE2 machine too,
 * which is how the tests check that one. */
#if defined(__SSE2__) && !defined(PM_ESCAPE_NO_SIMD)
#define PM_JSON_SSE2 1
#include <emmintrin.h>
#else
#define PM_JSON_SSE2 0
#endif

#include "pm_buf.h"
#include "pm_escape.h"

/*
 * Code points a terminal might act on, or that reorder or split what the
 * reader sees.  C0 (tab and newline included: callers decide about those
 * first), DEL and C1; the Arabic letter mark, LRM and RLM; the line and
 * paragraph separators together with the embeddings and overrides that follow
 * them (U+2028..U+202E); the isolates.
 */
static const struct {
	uint32_t lo, hi;
} pm_escape_unsafe[] = {
	{ .lo = 0x0000, .hi = 0x001f },
	{ .lo = 0x007f, .hi = 0x009f },
	{ .lo = 0x061c, .hi = 0x061c },
	{ .lo = 0x200e, .hi = 0x200f },
	{ .lo = 0x2028, .hi = 0x202e },
	{ .lo = 0x2066, .hi = 0x2069 },
};

#define PM_NELEM(a) (sizeof(a) / sizeof((a)[0]))

#define PM_ZWSP "\xe2\x80\x8b"   /* U+200B ZERO WIDTH SPACE */

/*
 * GitHub Actions' runner takes "::" as a workflow command only at the start
 * of a line, but looks for the legacy marker "##[" anywhere in one, and
 * "##[add-mask]..." or "##[group]..." act wherever they stand.  Every format
 * can end up in a CI log, so every escaper breaks the marker up: true when
 * S[I..] starts one.
 */
static bool
pm_escape_marker_at(const char *s, size_t len, size_t i)
{
	return len - i >= 3 && s[i] == '#' && s[i + 1] == '#' && s[i + 2] == '[';
}

static const char pm_escape_hex[] = "0123456789abcdef";

/* One step through the input: a code point, or a lone byte that is not
 * UTF-8 (INVALID set, BYTE holds it).  LEN is how many bytes it covers. */
struct pm_escape_char {
	uint32_t cp;
	size_t len;
	bool invalid;
	unsigned char byte;
};

size_t
pm_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	if (s == NULL || len == 0)
		return 0;
	unsigned char c = s[0];
	if (c < 0x80) {
		if (cp)
			*cp = c;
		return 1;
	}

	size_t n;
	uint32_t v, min;
	/* 0xc0 and 0xc1 could only start overlong forms; 0xf5.. would exceed
	 * U+10FFFF; 0x80..0xbf are continuation bytes. */
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		v = c & 0x1fu;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		v = c & 0x0fu;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		v = c & 0x07u;
		min = 0x10000;
	} else
		return 0;
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0u) != 0x80u)
			return 0;
		v = (v << 6) | (s[i] & 0x3fu);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	if (cp)
		*cp = v;
	return n;
}

static struct pm_escape_char
pm_escape_next(const char *s, size_t len, size_t i)
{
	struct pm_escape_char ch = { 0 };
	const unsigned char *p = (const unsigned char *)s + i;

	ch.len = pm_utf8_decode(p, len - i, &ch.cp);
	if (ch.len == 0) {
		ch.len = 1;
		ch.invalid = true;
		ch.byte = p[0];
	}
	return ch;
}

static bool
pm_escape_is_unsafe(uint32_t cp)
{
	for (size_t i = 0; i < PM_NELEM(pm_escape_unsafe); i++)
		if (cp >= pm_escape_unsafe[i].lo && cp <= pm_escape_unsafe[i].hi)
			return true;
	return false;
}

/* "\xNN" for a byte. */
static void
pm_escape_byte(struct pm_buf *out, unsigned char b)
{
	char e[4] = { '\\', 'x', pm_escape_hex[b >> 4], pm_escape_hex[b & 0xf] };
	pm_buf_put(out, e, sizeof(e));
}

/* "\uNNNN" for a BMP code point: every unsafe one is in the BMP. */
static void
pm_escape_u16(struct pm_buf *out, uint32_t cp)
{
	char e[6] = {
		'\\', 'u',
		pm_escape_hex[(cp >> 12) & 0xf], pm_escape_hex[(cp >> 8) & 0xf],
		pm_escape_hex[(cp >> 4) & 0xf], pm_escape_hex[cp & 0xf],
	};
	pm_buf_put(out, e, sizeof(e));
}

/* The visible form of an unsafe character or a byte that is not UTF-8:
 * "\n" and "\r" for the line breaks people know, "\xNN" below 0x80 and for
 * stray bytes, "\uNNNN" for unsafe code points above. */
static void
pm_escape_visible(struct pm_buf *out, const struct pm_escape_char *ch)
{
	if (ch->invalid)
		pm_escape_byte(out, ch->byte);
	else if (ch->cp == '\n')
		pm_buf_put(out, "\\n", 2);
	else if (ch->cp == '\r')
		pm_buf_put(out, "\\r", 2);
	else if (ch->cp < 0x80)
		pm_escape_byte(out, (unsigned char)ch->cp);
	else
		pm_escape_u16(out, ch->cp);
}

void
pm_escape_term(struct pm_buf *out, const char *s, size_t len, bool newlines)
{
	if (s == NULL) {
		s = "";
		len = 0;
	}
	size_t run = 0;     /* start of the pending stretch of safe bytes */
	size_t i = 0;
	while (i < len) {
		struct pm_escape_char ch = pm_escape_next(s, len, i);
		bool keep = !ch.invalid && (!pm_escape_is_unsafe(ch.cp) ||
		    ch.cp == '\t' || (ch.cp == '\n' && newlines));
		if (!keep) {
			pm_buf_put(out, s + run, i - run);
			pm_escape_visible(out, &ch);
			run = i + ch.len;
		} else if (pm_escape_marker_at(s, len, i)) {
			/* "#" U+200B "#[": reads the same, matches nothing. */
			pm_buf_put(out, s + run, i + 1 - run);
			pm_buf_put(out, PM_ZWSP, 3);
			run = i + 1;
		}
		i += ch.len;
	}
	pm_buf_put(out, s + run, len - run);
}

/* Blanks, for pm_escape_term_start (defined with the Markdown helpers). */
static bool pm_escape_is_blank(char c);

void
pm_escape_term_start(struct pm_buf *out, const char *s, size_t len)
{
	if (s == NULL) {
		s = "";
		len = 0;
	}
	size_t lead = 0;
	while (lead < len && pm_escape_is_blank(s[lead]))
		lead++;
	if (lead < len && s[lead] == ':') {
		pm_escape_term(out, s, lead, false);
		pm_escape_byte(out, ':');
		lead++;
	} else {
		lead = 0;
	}
	pm_escape_term(out, s + lead, len - lead, false);
}

/* Characters that can open Markdown or HTML structure anywhere in a line. */
static bool
pm_escape_md_special(uint32_t cp)
{
	return cp < 0x80 && cp != 0 && strchr("\\`*_[]<>|#!~{}", (int)cp) != NULL;
}

static bool
pm_escape_is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z');
}

static bool
pm_escape_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * One Markdown line (or, inline, the whole text with newlines already folded
 * into blanks by the caller): S[0..LEN) without line breaks.  Leading and
 * trailing blanks are dropped: leading ones would make an indented code block
 * (or, after a list marker, a nested one), trailing ones a hard line break.
 * Inner runs of blanks are kept as written.
 */
static void
pm_escape_md_line(struct pm_buf *out, const char *s, size_t len)
{
	size_t i = 0;
	while (i < len && pm_escape_is_blank(s[i]))
		i++;
	while (len > i && pm_escape_is_blank(s[len - 1]))
		len--;
	if (i == len)
		return;

	/* Markers that only count at the start of a line: bullets "+" "-",
	 * setext underlines "=" "-", ordered list items "1." "1)"; and ":",
	 * because a CI log takes a line starting with "::" as a command. */
	if (s[i] == '+' || s[i] == '-' || s[i] == '=' || s[i] == ':') {
		pm_buf_putc(out, '\\');
	} else if (s[i] >= '0' && s[i] <= '9') {
		size_t j = i;
		while (j < len && s[j] >= '0' && s[j] <= '9')
			j++;
		if (j < len && (s[j] == '.' || s[j] == ')')) {
			pm_buf_put(out, s + i, j - i);
			pm_buf_putc(out, '\\');
			pm_buf_putc(out, s[j]);
			i = j + 1;
		}
	}

	size_t run = i;
	while (i < len) {
		struct pm_escape_char ch = pm_escape_next(s, len, i);
		size_t next = i + ch.len;
		if (ch.invalid || (pm_escape_is_unsafe(ch.cp) && ch.cp != '\t')) {
			pm_buf_put(out, s + run, i - run);
			pm_escape_visible(out, &ch);
			run = next;
		} else if (ch.cp == '&') {
			pm_buf_put(out, s + run, i - run);
			pm_buf_put(out, "&amp;", 5);
			run = next;
		} else if (pm_escape_md_special(ch.cp)) {
			pm_buf_put(out, s + run, i - run);
			pm_buf_putc(out, '\\');
			run = i;        /* the character itself follows */
		} else if (ch.cp == '@' && next < len && pm_escape_is_alnum(s[next])) {
			/* A zero-width space keeps "@here" readable but stops
			 * GitHub, Slack and chat bridges from seeing a mention. */
			pm_buf_put(out, s + run, next - run);
			pm_buf_put(out, "\xe2\x80\x8b", 3);
			run = next;
		}
		i = next;
	}
	pm_buf_put(out, s + run, len - run);
}

/* Length of the line break at S[I]: "\n", "\r\n", or 0 when there is none.
 * A lone "\r" is not a break: it is shown escaped. */
static size_t
pm_escape_newline(const char *s, size_t len, size_t i)
{
	if (s[i] == '\n')
		return 1;
	if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
		return 2;
	return 0;
}

/* Appends S to LINE with every line break, and the blanks on either side of
 * it, folded into one space: the first step of every one-line escaper that
 * would rather join lines than show "\n". */
static void
pm_escape_fold(struct pm_buf *line, const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		size_t nl = pm_escape_newline(s, len, i);
		if (nl == 0) {
			pm_buf_putc(line, s[i++]);
			continue;
		}
		while (line->len > 0 && pm_escape_is_blank(line->data[line->len - 1]))
			line->len--;
		pm_buf_putc(line, ' ');
		for (i += nl; i < len; ) {
			if (pm_escape_is_blank(s[i]))
				i++;
			else if ((nl = pm_escape_newline(s, len, i)) > 0)
				i += nl;
			else
				break;
		}
	}
}

void
pm_escape_md_inline(struct pm_buf *out, const char *s, size_t len)
{
	if (s == NULL) {
		s = "";
		len = 0;
	}
	/* Fold the text into one line first, then escape it as a line. */
	struct pm_buf line = PM_BUF_INIT;
	pm_escape_fold(&line, s, len);
	if (line.len > 0)
		pm_escape_md_line(out, line.data, line.len);
	pm_buf_free(&line);
}

void
pm_escape_md_block(struct pm_buf *out, const char *s, size_t len)
{
	if (s == NULL) {
		s = "";
		len = 0;
	}
	/*
	 * Empty lines are held back and written only before the next line with
	 * text, at most one in a row: so the text neither starts nor ends with
	 * a line break, and a run of empty lines is one paragraph break, which
	 * is all Markdown makes of it anyway.
	 */
	size_t breaks = 0;
	bool any = false;
	size_t i = 0;
	while (i < len) {
		size_t end = i, nl = 0;
		while (end < len && (nl = pm_escape_newline(s, len, end)) == 0)
			end++;
		size_t mark = out->len;
		if (any)
			pm_buf_put(out, "\n\n", breaks > 1 ? 2 : 1);
		size_t text = out->len;
		pm_escape_md_line(out, s + i, end - i);
		if (out->len == text) {
			/* Blank line: take back the breaks written for it. */
			out->len = mark;
			if (out->data)
				out->data[mark] = '\0';
			breaks++;
		} else {
			any = true;
			breaks = 1;
		}
		i = end + nl;
	}
}

/*
 * JSON strings are most of a JSON report, and nearly all of their bytes are
 * printable ASCII that is copied as it is.  So pm_escape_json copies plain
 * text a block at a time and stops only at the bytes that need a closer
 * look: C0 controls, '"', '\\', DEL, '#' (it may start "##[") and every byte
 * from 0x80 up (a multi-byte character may be C1, a bidi control or a line
 * separator, or the bytes may not be UTF-8 at all).  With PM_JSON_SSE2 a
 * block is 16 bytes tested with vector compares, without it 8 bytes tested
 * as one 64-bit word.  With SSE2, text of 4 to 7 bytes is tested as one
 * block too; shorter text, and text shorter than 8 bytes without SSE2, is
 * looked up byte by byte.
 */

/* 1 for the bytes the block tests stop at, for text too short for them. */
static const unsigned char pm_json_stop[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,     /* 0x00 C0 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,     /* 0x10 C0 */
	0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,     /* 0x20 " # */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,     /* 0x30 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,     /* 0x40 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,     /* 0x50 \ */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,     /* 0x60 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,     /* 0x70 DEL */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,     /* 0x80.. */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

#if PM_JSON_SSE2
#define PM_JSON_BLOCK 16

/* The bytes of the 16 in V where pm_escape_json must stop, one bit each
 * (bit N for byte N in memory order). */
static inline unsigned
pm_json_stops(__m128i v)
{
	/* Adding 1 takes DEL to 0x80 and 0x80..0xfe to 0x81..0xff, all of
	 * them negative to the signed compare, 0xff to 0 and C0 to 0x01..0x20:
	 * so "below 0x21" after it picks out C0, DEL and everything above. */
	__m128i ones = _mm_set1_epi8(1);
	__m128i stop = _mm_cmpgt_epi8(_mm_set1_epi8(0x21), _mm_add_epi8(v, ones));
	/* '"' is 0x22 and '#' 0x23: both are 0x23 once bit 0 is set. */
	stop = _mm_or_si128(stop, _mm_cmpeq_epi8(_mm_or_si128(v, ones),
	    _mm_set1_epi8(0x23)));
	stop = _mm_or_si128(stop, _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
	return (unsigned)_mm_movemask_epi8(stop);
}

/* Copies the block at S to D; returns the index of its first stop, or
 * PM_JSON_BLOCK when it has none. */
static inline size_t
pm_json_block(const char *s, char *d)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
	_mm_storeu_si128((__m128i *)(void *)d, v);
	unsigned stops = pm_json_stops(v);
	return stops != 0 ? (size_t)__builtin_ctz(stops) : PM_JSON_BLOCK;
}

/* As pm_json_block for 8 to 16 bytes S[0..LEN), which are one block made
 * of their first and their last 8 (overlapping unless LEN is 16): a stop
 * among the last 8 (index 8 up) counts only when the first 8 have none. */
static inline size_t
pm_json_short_block(const char *s, size_t len, char *d)
{
	__m128i a = _mm_loadl_epi64((const __m128i *)(const void *)s);
	__m128i b = _mm_loadl_epi64((const __m128i *)(const void *)(s + len - 8));
	_mm_storel_epi64((__m128i *)(void *)d, a);
	_mm_storel_epi64((__m128i *)(void *)(d + len - 8), b);
	unsigned stops = pm_json_stops(_mm_unpacklo_epi64(a, b));
	if (stops == 0)
		return len;
	size_t k = (size_t)__builtin_ctz(stops);
	return k < 8 ? k : len - 8 + (k - 8);
}

/* The same for 4 to 8 bytes, made of their first and their last 4.  The
 * upper half of the vector is zero, which the test takes for C0 controls:
 * only the lower 8 bits of its answer count. */
static inline size_t
pm_json_tiny_block(const char *s, size_t len, char *d)
{
	uint32_t a, b;
	memcpy(&a, s, sizeof(a));
	memcpy(&b, s + len - 4, sizeof(b));
	memcpy(d, &a, sizeof(a));
	memcpy(d + len - 4, &b, sizeof(b));
	__m128i v = _mm_unpacklo_epi32(_mm_cvtsi32_si128((int)a),
	    _mm_cvtsi32_si128((int)b));
	unsigned stops = pm_json_stops(v) & 0xffu;
	if (stops == 0)
		return len;
	size_t k = (size_t)__builtin_ctz(stops);
	return k < 4 ? k : len - 4 + (k - 4);
}

#else
#define PM_JSON_BLOCK 8
#define PM_JSON_ONES  UINT64_C(0x0101010101010101)
#define PM_JSON_HIGHS UINT64_C(0x8080808080808080)

/*
 * The bytes of W (eight bytes of text in memory order) where pm_escape_json
 * must stop, each marked by its high bit.  The tests work on the low seven
 * bits of each byte with the high bit set first, so that no subtraction
 * borrows from, and no addition carries into, the next byte: every byte is
 * marked exactly, and the first marked byte is the first one to stop at.
 */
static inline uint64_t
pm_json_stops(uint64_t w)
{
	uint64_t low = w & ~PM_JSON_HIGHS;
	/* 0x80.. (high bit of W) or DEL (0x7f + 1 sets the high bit). */
	uint64_t high = w | (low + PM_JSON_ONES);
	/* High bit cleared by the subtraction when the byte is below 0x20. */
	uint64_t notc0 = (low | PM_JSON_HIGHS) - 0x20 * PM_JSON_ONES;
	/* '"' is 0x22 and '#' 0x23: both are 0x23 once bit 0 is set, and the
	 * XOR leaves 0 there, which the subtraction of 1 takes below 0x80. */
	uint64_t notqh = (((low | PM_JSON_ONES) ^ (0x23 * PM_JSON_ONES)) |
	    PM_JSON_HIGHS) - PM_JSON_ONES;
	uint64_t notbs = ((low ^ ('\\' * PM_JSON_ONES)) | PM_JSON_HIGHS) -
	    PM_JSON_ONES;
	return (high | ~(notc0 & notqh & notbs)) & PM_JSON_HIGHS;
}

/* Copies the block at S to D; returns the index of its first stop, or
 * PM_JSON_BLOCK when it has none. */
static inline size_t
pm_json_block(const char *s, char *d)
{
	uint64_t w;
	memcpy(&w, s, sizeof(w));
	memcpy(d, &w, sizeof(w));
	uint64_t stops = pm_json_stops(w);
	if (stops == 0)
		return PM_JSON_BLOCK;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return (size_t)__builtin_clzll(stops) / 8;
#else
	return (size_t)__builtin_ctzll(stops) / 8;
#endif
}
#endif

/*
 * Copies the plain bytes that start S[0..LEN) to D and returns how many
 * there are.  D must have room for LEN bytes: blocks are stored before they
 * are tested, so bytes past the plain ones may be written too.
 *
 * When less than a block is left, the last block of the text is taken
 * whole.  The bytes it shares with the blocks before are plain, so its
 * first stop is the first one left, and storing them again writes what is
 * already there.
 */
static inline __attribute__((always_inline)) size_t
pm_json_plain(const char *s, size_t len, char *d)
{
	size_t i = 0;
	if (len < 8) {
#if PM_JSON_SSE2
		/* About a fifth of the strings of a report ("true", short ids,
		 * numbers as text) are 4 to 7 bytes long. */
		if (len >= 4)
			return pm_json_tiny_block(s, len, d);
#endif
		while (i < len && !pm_json_stop[(unsigned char)s[i]]) {
			d[i] = s[i];
			i++;
		}
		return i;
	}
#if PM_JSON_SSE2
	if (len < PM_JSON_BLOCK)
		return pm_json_short_block(s, len, d);
#endif
	for (; len - i > PM_JSON_BLOCK; i += PM_JSON_BLOCK) {
		size_t k = pm_json_block(s + i, d + i);
		if (k < PM_JSON_BLOCK)
			return i + k;
	}
	i = len - PM_JSON_BLOCK;
	return i + pm_json_block(s + i, d + i);
}

/* The two-character escapes JSON has, by byte; the other ASCII bytes that
 * need one are written as \u00XX. */
static const char pm_json_short[0x80][3] = {
	['\b'] = "\\b", ['\t'] = "\\t", ['\n'] = "\\n", ['\f'] = "\\f",
	['\r'] = "\\r", ['"'] = "\\\"", ['\\'] = "\\\\",
};

/* "\uNNNN" at D for a BMP code point; returns the end. */
static char *
pm_json_u16(char *d, uint32_t cp)
{
	d[0] = '\\';
	d[1] = 'u';
	d[2] = pm_escape_hex[(cp >> 12) & 0xf];
	d[3] = pm_escape_hex[(cp >> 8) & 0xf];
	d[4] = pm_escape_hex[(cp >> 4) & 0xf];
	d[5] = pm_escape_hex[cp & 0xf];
	return d + 6;
}

/* Writes the character at S[I], a byte pm_json_plain stops at, at *D as
 * it belongs in a JSON string, and moves *D past it: at most 6 bytes, and
 * at most 6 for each byte of S taken, which is what PM_ESCAPE_JSON_ROOM
 * counts on.  Returns how many bytes of S it took.  Kept out of line: it
 * is rare, and the callers stay small without it. */
static __attribute__((noinline)) size_t
pm_json_char(char **dp, const char *s, size_t len, size_t i)
{
	char *d = *dp;
	unsigned char b = (unsigned char)s[i];
	size_t took = 1;
	if (b == '#') {
		/* "\u0023#[" decodes to the same text. */
		if (pm_escape_marker_at(s, len, i)) {
			memcpy(d, "\\u0023", 6);
			d += 6;
		} else
			*d++ = '#';
	} else if (b < 0x80) {
		if (pm_json_short[b][0] != '\0') {
			memcpy(d, pm_json_short[b], 2);
			d += 2;
		} else
			d = pm_json_u16(d, b);
	} else {
		uint32_t cp;
		size_t n = pm_utf8_decode((const unsigned char *)s + i, len - i, &cp);
		if (n == 0) {
			/* U+FFFD keeps the output UTF-8. */
			memcpy(d, "\xef\xbf\xbd", 3);
			d += 3;
		} else if (pm_escape_is_unsafe(cp)) {
			d = pm_json_u16(d, cp);   /* 6 bytes for 2 or 3 */
			took = n;
		} else {
			memcpy(d, s + i, n);
			d += n;
			took = n;
		}
	}
	*dp = d;
	return took;
}

void
pm_escape_json(struct pm_buf *out, const char *s, size_t len)
{
	if (s == NULL) {
		s = "";
		len = 0;
	}
	/* Room for the quotes and the text as it is: all that a string with
	 * nothing to escape needs.  Before an escape, room is made for it
	 * and for the rest of the text and the closing quote, so that a long
	 * text takes no more room than it turns out to need.  D is where the
	 * next byte goes; OUT->LEN catches up with it around escapes and at
	 * the end. */
	pm_buf_reserve(out, len + 2);
	char *d = out->data + out->len;
	*d++ = '"';
	size_t i = 0;
	for (;;) {
		size_t n = pm_json_plain(s + i, len - i, d);
		d += n;
		i += n;
		if (i == len)
			break;
		out->len = (size_t)(d - out->data);
		pm_buf_reserve(out, 6 + (len - i));
		d = out->data + out->len;
		i += pm_json_char(&d, s, len, i);
	}
	*d++ = '"';
	*d = '\0';
	out->len = (size_t)(d - out->data);
}

/* The rest of pm_escape_json_to from the first byte that needs a closer
 * look, S[I], on: out of line, so that the call for plain text, which is
 * nearly every call, saves and restores nothing it does not use. */
static __attribute__((noinline)) char *
pm_json_rest(char *d, const char *s, size_t len, size_t i)
{
	for (;;) {
		i += pm_json_char(&d, s, len, i);
		size_t n = pm_json_plain(s + i, len - i, d);
		d += n;
		i += n;
		if (i == len)
			break;
	}
	*d++ = '"';
	return d;
}

char *
pm_escape_json_to(char *d, const char *s, size_t len)
{
	*d++ = '"';
	/* S is not touched when LEN is 0, so it may be NULL then. */
	size_t n = pm_json_plain(s, len, d);
	if (n < len)
		return pm_json_rest(d + n, s, len, n);
	d[len] = '"';
	return d + len + 1;
}

/*
 * GitHub Actions takes any line of a step's output that starts with "::" as
 * a workflow command, and decodes "%25", "%0D" and "%0A" in its message
 * ("%3A" and "%2C" too in its properties).  So input text must hold no raw
 * line break, which would start a line of its own, and no "%" that decoding
 * could turn into one.  Line breaks are shown as "\n" and "\r", as everywhere
 * else, rather than encoded as "%0A": decoded, they would still start a line
 * of the job log with input text, and the log viewer acts on "##[group]" and
 * its kin at the start of a line.
 */
static void
pm_escape_github(struct pm_buf *out, const char *s, size_t len, bool property)
{
	if (s == NULL) {
		s = "";
		len = 0;
	}
	size_t run = 0;
	size_t i = 0;
	while (i < len) {
		struct pm_escape_char ch = pm_escape_next(s, len, i);
		const char *rep = NULL;
		if (!ch.invalid && ch.cp == '%')
			rep = "%25";
		else if (!ch.invalid && property && ch.cp == ':')
			rep = "%3A";        /* "::" would end the properties */
		else if (!ch.invalid && property && ch.cp == ',')
			rep = "%2C";        /* "," would start another property */
		if (rep != NULL) {
			pm_buf_put(out, s + run, i - run);
			pm_buf_puts(out, rep);
			run = i + ch.len;
		} else if (ch.invalid || (pm_escape_is_unsafe(ch.cp) &&
		    ch.cp != '\t')) {
			pm_buf_put(out, s + run, i - run);
			pm_escape_visible(out, &ch);
			run = i + ch.len;
		} else if (pm_escape_marker_at(s, len, i)) {
			pm_buf_put(out, s + run, i + 1 - run);
			pm_buf_put(out, PM_ZWSP, 3);
			run = i + 1;
		}
		i += ch.len;
	}
	pm_buf_put(out, s + run, len - run);
}

void
pm_escape_github_data(struct pm_buf *out, const char *s, size_t len)
{
	pm_escape_github(out, s, len, false);
}

void
pm_escape_github_property(struct pm_buf *out, const char *s, size_t len)
{
	pm_escape_github(out, s, len, true);
}

/*
 * Slack mrkdwn has no escape character.  Its three entities are the only
 * way to show "&", "<" and ">" (and without them "<!channel>", "<@U123>" or
 * "<url|text>" would be live), and the characters that start formatting can
 * only be kept out: they become their full-width forms, which read the same
 * and which Slack does not parse.
 */
static const struct {
	char c;
	const char *rep;
} pm_escape_slack_map[] = {
	{ .c = '&', .rep = "&amp;" },
	{ .c = '<', .rep = "&lt;" },
	{ .c = '>', .rep = "&gt;" },
	{ .c = '*', .rep = "\xef\xbc\x8a" },    /* U+FF0A FULLWIDTH ASTERISK */
	{ .c = '_', .rep = "\xef\xbc\xbf" },    /* U+FF3F FULLWIDTH LOW LINE */
	{ .c = '~', .rep = "\xef\xbd\x9e" },    /* U+FF5E FULLWIDTH TILDE */
	{ .c = '`', .rep = "\xef\xbd\x80" },    /* U+FF40 FULLWIDTH GRAVE ACCENT */
};

static const char *
pm_escape_slack_rep(uint32_t cp)
{
	for (size_t i = 0; i < PM_NELEM(pm_escape_slack_map); i++)
		if (cp == (unsigned char)pm_escape_slack_map[i].c)
			return pm_escape_slack_map[i].rep;
	return NULL;
}

void
pm_escape_slack(struct pm_buf *out, const char *s, size_t len)
{
	if (s == NULL) {
		s = "";
		len = 0;
	}
	struct pm_buf line = PM_BUF_INIT;
	pm_escape_fold(&line, s, len);
	const char *l = line.data ? line.data : "";
	size_t i = 0, n = line.len;
	while (i < n && pm_escape_is_blank(l[i]))
		i++;
	while (n > i && pm_escape_is_blank(l[n - 1]))
		n--;

	size_t run = i;
	while (i < n) {
		struct pm_escape_char ch = pm_escape_next(l, n, i);
		size_t next = i + ch.len;
		const char *rep = ch.invalid ? NULL : pm_escape_slack_rep(ch.cp);
		if (ch.invalid || (pm_escape_is_unsafe(ch.cp) && ch.cp != '\t')) {
			pm_buf_put(out, l + run, i - run);
			pm_escape_visible(out, &ch);
			run = next;
		} else if (rep != NULL) {
			pm_buf_put(out, l + run, i - run);
			pm_buf_puts(out, rep);
			run = next;
		} else if (pm_escape_marker_at(l, n, i)) {
			pm_buf_put(out, l + run, next - run);
			pm_buf_put(out, PM_ZWSP, 3);
			run = next;
		} else if (ch.cp == '@' && next < n && pm_escape_is_alnum(l[next])) {
			/* With link_names, Slack turns "@here", "@channel" and
			 * "@name" into mentions; a zero-width space stops it. */
			pm_buf_put(out, l + run, next - run);
			pm_buf_put(out, "\xe2\x80\x8b", 3);
			run = next;
		}
		i = next;
	}
	pm_buf_put(out, l + run, n - run);
	pm_buf_free(&line);
}
