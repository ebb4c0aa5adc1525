/*
 * The source index (model.c: pm_hotfix_index) against a byte-at-a-time
 * reference: the same stopping offset, line starts and wide characters for
 * random mixes of ASCII, tabs, every line break, controls, DEL, valid and
 * invalid UTF-8 and a byte order mark, at every alignment.
 *
 * This program has its own copy of model.c so that the index can be built
 * three ways: as the machine runs it (SSE2 on x86-64), with the 64-bit word
 * step (test_index_words.c) and byte by byte (test_index_bytes.c).  It also
 * checks the table lookup of keys, which model.c keeps private.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "../src/model.c"

struct ref_index {
	uint32_t lines[1100];
	size_t nlines;
	struct pm_wide wide[1100];
	size_t nwide;
};

/* The index the slow way: decode every character. */
static size_t
ref_index(struct ref_index *r, const unsigned char *s, size_t len)
{
	size_t i = 0, extra = 0;
	r->nlines = r->nwide = 0;
	if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) {
		i = extra = 3;
		r->wide[r->nwide++] = (struct pm_wide){ 3, 0 };
	}
	r->lines[r->nlines++] = (uint32_t)i;
	while (i < len) {
		uint32_t cp;
		size_t n = pm_utf8_decode(s + i, len - i, &cp);
		if (n == 0 || cp == 0 || !pm_yaml_printable(cp)) {
			for (size_t k = i; k < len; k++)
				if (s[k] == '\n' || s[k] == '\r') {
					r->lines[r->nlines++] = (uint32_t)(k + 1);
					break;
				}
			return i;
		}
		i += n;
		if (n > 1) {
			extra += n - 1;
			r->wide[r->nwide++] = (struct pm_wide){ (uint32_t)i, (uint32_t)(i - extra) };
		}
		if (cp == '\r' && i < len && s[i] == '\n')
			i++;
		if (cp == '\n' || cp == '\r' || cp == 0x85 || cp == 0x2028 || cp == 0x2029)
			r->lines[r->nlines++] = (uint32_t)i;
	}
	return len;
}

static void
test_index_matches_reference(void **state)
{
	(void)state;
	static const char *const pieces[] = {
		"a", "word ", "\t", "\n", "\r", "\r\n", "\x01", "\x1F", "\x7F", " ",
		"\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xC2\x85", "\xE2\x80\xA8",
		"\xE2\x80\xA9", "\x80", "\xC0\xAF", "\xED\xA0\x80", "\xEF\xBF\xBE",
		"\xC3", "0123456789abcdef", "~", "\xEF\xBB\xBF", "\x00",
	};
	static const size_t plen[] = {
		1, 5, 1, 1, 1, 2, 1, 1, 1, 1, 2, 3, 4, 2, 3, 3, 1, 2, 3, 3, 1, 16, 1, 3, 1,
	};
	const size_t npieces = sizeof(pieces) / sizeof(pieces[0]);
	static unsigned char buf[1024 + 16];
	static struct ref_index ref;
	struct pm_hotfix hf;
	pm_hotfix_init(&hf);
	uint64_t seed = 0x9E3779B97F4A7C15u;
	for (int round = 0; round < 20000; round++) {
		/* Offsets 0..15 into the buffer: every alignment of the steps. */
		size_t shift = (size_t)round % 16, len = 0;
		unsigned char *src = buf + shift;
		seed = seed * 6364136223846793005u + 1442695040888963407u;
		size_t n = (size_t)(seed >> 33) % 60;
		/* Mostly clean text, so the fast steps run long. */
		bool clean = round % 3 != 0;
		for (size_t k = 0; k < n; k++) {
			seed = seed * 6364136223846793005u + 1442695040888963407u;
			size_t which = (size_t)(seed >> 33) % npieces;
			if (clean && (which >= 6 && which <= 8))
				which = 1;
			if (clean && which >= 16 && which <= 20)
				which = 21;
			if (len + plen[which] > 1024)
				break;
			memcpy(src + len, pieces[which], plen[which]);
			len += plen[which];
		}
		size_t got = pm_hotfix_index(&hf, (const char *)src, len);
		size_t want = ref_index(&ref, src, len);
		assert_int_equal(got, want);
		assert_int_equal(hf.nlines, ref.nlines);
		for (size_t k = 0; k < ref.nlines; k++)
			assert_int_equal(hf.lines[k], ref.lines[k]);
		assert_int_equal(hf.nwide, ref.nwide);
		for (size_t k = 0; k < ref.nwide; k++) {
			assert_int_equal(hf.wide[k].end, ref.wide[k].end);
			assert_int_equal(hf.wide[k].chars, ref.wide[k].chars);
		}
	}
	pm_hotfix_free(&hf);
}

/* Every field is found under its own mapping only, in the slot its hash
 * names (one probe), and nothing else is found. */
static void
test_field_lookup(void **state)
{
	(void)state;
	const uint8_t *kids;
	pm_field_children(PM_F_NONE, &kids);
	for (int i = 1; i < PM_F_COUNT; i++) {
		const struct pm_field_def *d = &pm_fields[i];
		size_t len = strlen(d->name);
		if (d->computed) {
			assert_int_equal(pm_field_child((enum pm_field)d->parent, d->name, len),
			                 PM_F_NONE);
			continue;
		}
		assert_int_equal(pm_field_child((enum pm_field)d->parent, d->name, len), i);
		assert_int_equal(pm_children.slot[pm_lookup_hash(d->parent, d->name, len)], i);
		/* Not under another mapping, not with a byte more or less. */
		int other = d->parent == PM_F_NONE ? PM_F_IMPACT : PM_F_NONE;
		if (pm_fields[i].parent != other)
			assert_int_equal(pm_field_child((enum pm_field)other, d->name, len),
			                 PM_F_NONE);
		char longer[64];
		snprintf(longer, sizeof(longer), "%sx", d->name);
		assert_int_equal(pm_field_child((enum pm_field)d->parent, longer, len + 1),
		                 PM_F_NONE);
		if (len > 1)
			assert_int_equal(pm_field_child((enum pm_field)d->parent, d->name, len - 1),
			                 PM_F_NONE);
		/* Nor with any one byte changed, wherever it is. */
		char other_key[64];
		for (size_t j = 0; j < len; j++) {
			memcpy(other_key, d->name, len);
			other_key[j] ^= 0x20;
			assert_int_not_equal(pm_field_child((enum pm_field)d->parent,
			                                    other_key, len), i);
		}
	}
	assert_int_equal(pm_field_child(PM_F_NONE, "", 0), PM_F_NONE);
	assert_int_equal(pm_field_child(PM_F_NONE, "derived", 7), PM_F_NONE);
	/* Longer than the bytes kept in the lookup table. */
	static const char lengthy[] = "previous_occurrences_of_this_kind";
	assert_int_equal(pm_field_child(PM_F_RECURRENCE, lengthy, strlen(lengthy)),
	                 PM_F_NONE);
}

/* The counts and lists kept beside the lookup agree with the table. */
static void
test_field_required_and_defaults(void **state)
{
	(void)state;
	for (int parent = 0; parent < PM_F_COUNT; parent++) {
		const uint8_t *kids;
		size_t n = pm_field_children((enum pm_field)parent, &kids);
		size_t required = 0;
		for (size_t k = 0; k < n; k++)
			required += pm_fields[kids[k]].required;
		assert_int_equal(pm_field_required((enum pm_field)parent), required);
	}
	assert_int_equal(pm_field_required(PM_F_NONE), 1);     /* title */
	const uint8_t *dflt;
	size_t n = pm_field_defaults(&dflt), k = 0;
	for (int i = 1; i < PM_F_COUNT; i++)
		if (pm_fields[i].dflt) {
			assert_true(k < n);
			assert_int_equal(dflt[k++], i);
		}
	assert_int_equal(k, n);
	assert_true(n >= 2);                                    /* kind, severity */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index_matches_reference),
		cmocka_unit_test(test_field_lookup),
		cmocka_unit_test(test_field_required_and_defaults),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
