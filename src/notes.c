/*
 * Review notes: warnings that help a post-mortem stay blame-free and
 * actionable, and never change the verdict.  Each note points at the exact
 * line and column of what it is about; for words inside free text that is
 * found by searching the value's span in the source, so a phrase on the
 * third line of a "summary: |" block is reported on that line.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pm_report.h"

/*
 * With SSE2 (every x86-64) the search reads sixteen bytes a step: where
 * words start and where a phrase of the other chains may start come out
 * as bit masks for all sixteen at once.  Elsewhere, and for lists whose
 * phrases start with too many different non-letters (PM_OTHER_MAX), it
 * goes byte by byte with a class table.  Defining PM_NOTES_NO_SIMD builds
 * only the latter.
 */
#if defined(__SSE2__) && !defined(PM_NOTES_NO_SIMD)
#include <emmintrin.h>
#define PM_SCAN_SSE2 1
#else
#define PM_SCAN_SSE2 0
#endif

/* ---- what the notes say ------------------------------------------------- */

/* What a phrase list looks for, and what its notes say. */
struct pm_phrase_kind {
	const char *code;
	const char *label;
	const char *advice;
	bool first_only;        /* one note per value is enough */
};

enum { PM_KIND_BLAMEFUL, PM_KIND_VAGUE, PM_KINDS };

static const struct pm_phrase_kind pm_kinds[PM_KINDS] = {
	[PM_KIND_BLAMEFUL] = {
		.code = "blameful_wording", .label = "blameful wording",
		.advice = "describe what the system allowed and what made it "
		          "likely, not who slipped",
	},
	[PM_KIND_VAGUE] = {
		.code = "vague_action", .label = "vague action item",
		.advice = "say what will change and how everyone will know it is "
		          "done",
		.first_only = true,
	},
};

/* A part of a note's text: LEN bytes at S, or up to its NUL when LEN is
 * PM_MEASURE.  Literals are measured by the compiler. */
struct pm_part {
	const char *s;
	size_t len;
};

#define PM_MEASURE ((size_t)-1)
#define PM_LIT(lit) { lit, sizeof(lit) - 1 }
#define PM_STR(str) { str, PM_MEASURE }

/* The N PARTS joined in ARENA: the notes' texts are built so, not with
 * printf, which costs more than the text itself. */
static const char *
pm_note_join(struct pm_arena *arena, struct pm_part *parts, size_t n)
{
	size_t len = 0;
	for (size_t i = 0; i < n; i++) {
		if (parts[i].len == PM_MEASURE)
			parts[i].len = strlen(parts[i].s);
		len += parts[i].len;
	}
	char *out = pm_arena_alloc(arena, len + 1), *o = out;
	for (size_t i = 0; i < n; i++) {
		memcpy(o, parts[i].s, parts[i].len);
		o += parts[i].len;
	}
	*o = '\0';
	return out;
}

#define PM_JOIN(arena, ...)                                                   \
	pm_note_join((arena), (struct pm_part[]){ __VA_ARGS__ },              \
	             sizeof((struct pm_part[]){ __VA_ARGS__ }) /              \
	                 sizeof(struct pm_part))

/* ---- the phrase index --------------------------------------------------- */

/* One phrase of a list, with what the search needs to know about it. */
struct pm_phrase {
	const char *text;       /* as listed: what a note quotes */
	const char *lower;      /* in lower case: what the search compares */
	size_t next;            /* next phrase of its chain */
	bool word_end;          /* ends with a letter or digit: whole words */
	/* Its first bytes (at most 8, up to a second space), each with bit
	 * 0x20 set as in pm_prefix(), and the mask of those bytes: text that
	 * differs from KEY under MASK cannot match.  A space matches white
	 * space of any length, so the bytes after the first space, at SPACE
	 * when SPACE is not 0, count only where the text has a single ' '
	 * there; HEAD masks the bytes before it. */
	uint64_t key, mask, head;
	size_t space;
	/* The message of its note, for each kind: the same for every
	 * occurrence, so written once. */
	const char *message[PM_KINDS];
};

#define PM_PHRASE_END ((size_t)-1)

/* The chains a phrase is on, by how it starts: with a letter or digit, so
 * only at the start of a word ("careless"); with a space, which matches
 * any white space; or with anything else, so anywhere ("'s fault"). */
enum { PM_CHAIN_WORD, PM_CHAIN_OTHER, PM_CHAIN_SPACE, PM_CHAINS };

/* What a byte of text is to the search. */
enum {
	PM_CLS_WORD = 1,          /* a word character: the next byte is inside a word */
	PM_CLS_GAP = 2,           /* any other byte */
	PM_CLS_WORD_START = 4,    /* the first byte of a phrase of the word chain */
	PM_CLS_OTHER_START = 8,   /* the first byte of a phrase of another chain */
};

/* The most different first bytes of the other chains that the
 * sixteen-byte step compares the text with, for all the lists searched at
 * once; with more, a value is searched byte by byte.  Lists seldom have
 * any: most phrases start with a letter. */
#define PM_OTHER_MAX 2

/*
 * A phrase list ready for the search.  A value's text is read once for the
 * whole list.  Phrases of the word chain are tried only where a word
 * starts, and there only if its first two bytes may start one of them
 * (PAIR), then its first four (WORD3, NEXT3): most words of a text are
 * ruled out so, and the first eight bytes of each phrase of the chain rule
 * out most of the rest, before any phrase is compared in full.  Phrases of
 * the other chains are tried where the byte may start one and the next
 * may follow it (SECOND).  So the number of phrases only weighs on the few
 * places where one nearly occurs.  Building the tables costs more than
 * searching an input, so an index is built once per policy
 * (pm_policy_prepare) and never written afterwards, which lets reports
 * judged at the same time share it.
 */
struct pm_phrase_index {
	const char *const *list;      /* the list indexed */
	struct pm_phrase *p;
	size_t n;
	/* First phrase of each chain by the text byte that starts it: both
	 * cases of a letter, every white-space byte for the space chain.
	 * Chains list their phrases in list order and end with PM_PHRASE_END. */
	size_t head[PM_CHAINS][256];
	/* For the other chains: the bytes that may follow that first byte. */
	uint64_t second[PM_CHAINS][256][4];
	/* For the word chain: bit B0 | B1 << 8 of PAIR is set when a phrase
	 * may start with the bytes B0 B1 (a bit each, so that the table is
	 * small enough to build for every run).  Then bit F(B2) of WORD3[F(B0) << 5
	 * | F(B1)] is set when it may start with B0 B1 B2, and bit F(B3) of
	 * NEXT3[F(B1) << 5 | F(B2)] when it may go on with B3, where F is FOLD
	 * and bytes past the value's end count as 0.  FOLD gives each letter
	 * (in either case) its own number, and white space and a few kinds of
	 * other bytes one each. */
	uint64_t pair[65536 / 64];
	unsigned char fold[256];
	uint32_t word3[32 * 32], next3[32 * 32];
	bool digits;                  /* a phrase of the word chain starts with one */
	/* The first bytes of the other chain, NOTHER of them, or more than
	 * PM_OTHER_MAX, when only the first are kept; and whether there is a
	 * space chain: what the sixteen-byte step looks for besides words. */
	unsigned char other[PM_OTHER_MAX];
	size_t nother;
	bool spaces;
	unsigned char cls[256];       /* PM_CLS_* of each byte */
};

/* Character classes for the phrase search, ASCII only: the C library's
 * would answer the same (pmcheck runs in the C locale) at the price of a
 * call per byte. */
static bool
pm_note_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static bool
pm_note_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static unsigned char
pm_note_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static bool
pm_word_char(unsigned char c)
{
	/* Hyphens and apostrophes join words: "blame-free" is not "blame". */
	return pm_note_alnum(c) || c == '_' || c == '-' || c == '\'' || c >= 0x80;
}

static bool
pm_bit(const uint64_t *set, size_t c)
{
	return (set[c >> 6] >> (c & 63)) & 1;
}

static void
pm_bit_set(uint64_t *set, size_t c)
{
	set[c >> 6] |= (uint64_t)1 << (c & 63);
}

/* Whether text byte C can be the first of an occurrence of a phrase of
 * CHAIN whose first byte, in lower case, is FIRST. */
static bool
pm_phrase_starts(int chain, unsigned char first, unsigned char c)
{
	return chain == PM_CHAIN_SPACE ? pm_note_space(c) : pm_note_lower(c) == first;
}

/* The number FOLD gives byte C: 1 to 26 for the letters, then one for
 * white space, one for digits, one for the other word characters ('_',
 * '-', '\'' and bytes from 0x80), and 0 for the rest. */
static unsigned char
pm_fold_of(unsigned char c)
{
	static const struct {
		bool (*is)(unsigned char);
		unsigned char fold;
	} groups[] = {
		{ pm_note_space, 27 }, { pm_note_alnum, 28 }, { pm_word_char, 29 },
	};
	unsigned char lower = pm_note_lower(c);
	if (lower >= 'a' && lower <= 'z')
		return (unsigned char)(lower - 'a' + 1);
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
		if (groups[g].is(c))
			return groups[g].fold;
	return 0;
}

/* Adds byte C to the sets BYTES (256 bits) and FOLDS (FOLD numbers). */
static void
pm_set_add(const struct pm_phrase_index *ix, uint64_t bytes[4], uint32_t *folds,
           unsigned char c)
{
	pm_bit_set(bytes, c);
	*folds |= (uint32_t)1 << ix->fold[c];
}

/*
 * Adds to BYTES and FOLDS every byte that may be byte J of an occurrence
 * of PH, LEN bytes long.  A space of the phrase matches a run of white
 * space, so after J bytes of text the occurrence may be at several bytes
 * of the phrase: bit K of AT says K bytes of it may be matched, bit K of
 * RUN that they may end with a space whose run goes on.  Past the
 * phrase's end any byte may be, which is more than the end check allows,
 * but saying yes too often only costs a comparison in full.
 */
static void
pm_phrase_next(const struct pm_phrase_index *ix, const struct pm_phrase *ph,
               size_t len, size_t j, uint64_t bytes[4], uint32_t *folds)
{
	const unsigned char *t = (const unsigned char *)ph->lower;
	uint64_t at = 1, run = 0;
	for (size_t step = 0; step <= j; step++) {
		if (len <= step && ((at >> len) & 1)) {
			memset(bytes, 0xff, 4 * sizeof(*bytes));
			*folds = UINT32_MAX;
			return;
		}
		if (step == j)
			break;
		uint64_t next = run, nrun = run;
		for (size_t k = 0; k < len && k <= step; k++)
			if ((at >> k) & 1) {
				next |= (uint64_t)1 << (k + 1);
				if (t[k] == ' ')
					nrun |= (uint64_t)1 << (k + 1);
			}
		at = next;
		run = nrun;
	}
	for (size_t k = 0; k < len && k <= j; k++) {
		if (!((at >> k) & 1))
			continue;
		if (t[k] == ' ') {
			run = 1;
		} else {
			pm_set_add(ix, bytes, folds, t[k]);
			if (t[k] >= 'a' && t[k] <= 'z')
				pm_set_add(ix, bytes, folds, (unsigned char)(t[k] - 32));
		}
	}
	for (unsigned c = 0; run && c < 256; c++)
		if (pm_note_space((unsigned char)c))
			pm_set_add(ix, bytes, folds, (unsigned char)c);
}

/* Eight bytes of text at S with bit 0x20 set in each, which makes a letter
 * lower case: text that is the same but for case gives the same prefix
 * (some other text too, which the full comparison rules out).  Read in the
 * machine's byte order, the same for keys and text. */
static uint64_t
pm_prefix(const unsigned char *s)
{
	uint64_t w;
	memcpy(&w, s, sizeof(w));
	return w | 0x2020202020202020u;
}

/* The number of the lowest set bit of M, which is not 0. */
static unsigned
pm_ctz64(uint64_t m)
{
#if defined(__GNUC__)
	return (unsigned)__builtin_ctzll(m);
#else
	unsigned n = 0;
	while (!(m & 1)) {
		m >>= 1;
		n++;
	}
	return n;
#endif
}

/* Sets PH's KEY, MASK, HEAD and SPACE from its LOWER text of LEN bytes.
 * What follows the first space is in the key (as far as the next space)
 * only if some of it fits: the space is not the first or last byte. */
static void
pm_phrase_key(struct pm_phrase *ph, size_t len)
{
	unsigned char bytes[8] = { 0 }, mask[8] = { 0 }, head[8] = { 0 };
	ph->space = 0;
	for (size_t j = 0; j < len && j < 8; j++) {
		if (ph->lower[j] == ' ') {
			if (j == 0 || j >= 7 || ph->space)
				break;
			ph->space = j;
		}
		bytes[j] = (unsigned char)ph->lower[j];
		mask[j] = 0xff;
		head[j] = ph->space ? 0 : 0xff;
	}
	memcpy(&ph->mask, mask, sizeof(mask));
	memcpy(&ph->head, head, sizeof(head));
	ph->key = pm_prefix(bytes) & ph->mask;
}

/* Adds PH, LEN bytes long and starting with FIRST, to the tables of CHAIN
 * that rule places out. */
static void
pm_phrase_filter(struct pm_phrase_index *ix, int chain,
                 const struct pm_phrase *ph, size_t len, unsigned char first)
{
	uint64_t bytes[4][4] = { { 0 } };
	uint32_t fold[4] = { 0 };
	for (size_t j = 0; j < 4; j++)
		pm_phrase_next(ix, ph, len, j, bytes[j], &fold[j]);
	if (chain == PM_CHAIN_WORD) {
		ix->digits |= first >= '0' && first <= '9';
		/* Only the set bits of each byte set: a handful of pairs. */
		for (unsigned wa = 0; wa < 4; wa++)
			for (uint64_t ma = bytes[0][wa]; ma; ma &= ma - 1) {
				unsigned a = wa * 64 + pm_ctz64(ma);
				for (unsigned wb = 0; wb < 4; wb++)
					for (uint64_t mb = bytes[1][wb]; mb; mb &= mb - 1) {
						unsigned b = wb * 64 + pm_ctz64(mb);
						unsigned two = a | b << 8;
						ix->pair[two >> 6] |= UINT64_C(1) << (two & 63);
					}
			}
		for (unsigned a = 0; a < 32; a++)
			for (unsigned b = 0; b < 32 && (fold[0] >> a) & 1; b++)
				if ((fold[1] >> b) & 1)
					ix->word3[a << 5 | b] |= fold[2];
		for (unsigned a = 0; a < 32; a++)
			for (unsigned b = 0; b < 32 && (fold[1] >> a) & 1; b++)
				if ((fold[2] >> b) & 1)
					ix->next3[a << 5 | b] |= fold[3];
		return;
	}
	if (chain == PM_CHAIN_SPACE) {
		ix->spaces = true;
	} else {
		bool known = false;
		for (size_t k = 0; k < ix->nother && k < PM_OTHER_MAX; k++)
			known |= ix->other[k] == first;
		if (!known && ix->nother++ < PM_OTHER_MAX)
			ix->other[ix->nother - 1] = first;
	}
	for (unsigned b = 0; b < 256; b++)
		if (pm_phrase_starts(chain, first, (unsigned char)b))
			for (size_t w = 0; w < 4; w++)
				ix->second[chain][b][w] |= bytes[1][w];
}

static const struct pm_phrase_index *
pm_phrase_index_build(const char *const *phrases, struct pm_arena *arena)
{
	struct pm_phrase_index *ix = pm_arena_alloc(arena, sizeof(*ix));
	ix->list = phrases;
	while (phrases && phrases[ix->n])
		ix->n++;
	ix->p = ix->n ? pm_arena_alloc(arena, ix->n * sizeof(*ix->p)) : NULL;
	/* PM_PHRASE_END is all bits set. */
	memset(ix->head, 0xff, sizeof(ix->head));
	for (unsigned b = 0; b < 256; b++) {
		ix->cls[b] = pm_word_char((unsigned char)b) ? PM_CLS_WORD : PM_CLS_GAP;
		ix->fold[b] = pm_fold_of((unsigned char)b);
	}
	/* Backwards, so that every chain lists its phrases in list order. */
	for (size_t k = ix->n; k-- > 0;) {
		struct pm_phrase *ph = &ix->p[k];
		size_t len = strlen(phrases[k]);
		char *lower = pm_arena_alloc(arena, len + 1);
		for (size_t j = 0; j < len; j++)
			lower[j] = (char)pm_note_lower((unsigned char)phrases[k][j]);
		ph->text = phrases[k];
		ph->lower = lower;
		ph->next = PM_PHRASE_END;
		for (size_t kind = 0; kind < PM_KINDS; kind++)
			ph->message[kind] = PM_JOIN(arena,
			    PM_STR(pm_kinds[kind].label), PM_LIT(" \""), PM_STR(ph->text),
			    PM_LIT("\": "), PM_STR(pm_kinds[kind].advice));
		if (len == 0)
			continue;   /* it would match everywhere; it names nothing */
		ph->word_end = pm_note_alnum((unsigned char)lower[len - 1]);
		pm_phrase_key(ph, len);
		unsigned char first = (unsigned char)lower[0];
		int chain = first == ' ' ? PM_CHAIN_SPACE
		          : pm_note_alnum(first) ? PM_CHAIN_WORD : PM_CHAIN_OTHER;
		pm_phrase_filter(ix, chain, ph, len, first);
		for (unsigned b = 0; b < 256; b++) {
			if (!pm_phrase_starts(chain, first, (unsigned char)b))
				continue;
			/* Every byte that starts PH starts the same chain so far,
			 * so NEXT is the same whichever of them sets it. */
			ph->next = ix->head[chain][b];
			ix->head[chain][b] = k;
			ix->cls[b] |= chain == PM_CHAIN_WORD ? PM_CLS_WORD_START
			                                     : PM_CLS_OTHER_START;
		}
	}
	return ix;
}

const struct pm_phrase_index *
pm_phrase_index_get(const struct pm_phrase_index *index,
                    const char *const *phrases, struct pm_arena *arena)
{
	if (index != NULL && index->list == phrases)
		return index;
	return pm_phrase_index_build(phrases, arena);
}

/* ---- the search --------------------------------------------------------- */

/* The most phrase lists one value is searched for at once. */
#define PM_SCAN_LISTS 2

/* Values collected before they are searched, PM_BATCH at a time: the
 * sixteen-byte step reads them all in one go. */
#define PM_BATCH 32

/* A note's field path, written out only when a note needs it: BASE
 * alone when INDEX is PM_PHRASE_END, else BASE, "[INDEX]" and SUFFIX,
 * NBASE and NSUFFIX bytes long: made with PM_PATH, from literals the
 * compiler measures. */
struct pm_note_path {
	const char *base;
	size_t nbase;
	size_t index;
	const char *suffix;
	size_t nsuffix;
};

#define PM_PATH(base, index, suffix)                                          \
	((struct pm_note_path){ base, sizeof(base) - 1, index, suffix,         \
	                        sizeof(suffix) - 1 })

/* A value to search: its span in the source, and the path of its
 * notes. */
struct pm_span {
	size_t start, end;
	unsigned lists;         /* the lists it is searched for, a bit each */
	/* Its masks of the sixteen-byte step: AT in the search's, MASKS of
	 * them, a multiple of 4. */
	size_t at, masks;
	struct pm_note_path path;
};

/* Per phrase of a list, where its next occurrence may start in the value
 * being searched (occurrences of one phrase never overlap); 0 between
 * values.  Allocated on the first occurrence: most inputs have none. */
struct pm_resume {
	size_t *at;
	size_t n;
};

/* A value searched for one phrase list. */
struct pm_scan {
	/* Set once per report. */
	struct pm_notes *ns;
	const struct pm_phrase_index *ix;
	size_t kind;            /* PM_KIND_* */
	struct pm_resume *resume;
	const unsigned char *s;
	size_t avail;           /* bytes of S */
	/* Set for each value (pm_scan_begin). */
	const struct pm_note_path *path;
	size_t end;
	/* Set as a value is searched, and back to none found after it
	 * (pm_scan_end). */
	const char *field;      /* PATH as text, once a note needs it */
	/* FIRST_ONLY: the lowest phrase index seen so far and where.  A
	 * phrase is tried only while it could still lower it, so BEST_AT
	 * ends at the first occurrence of the first phrase that occurs. */
	size_t best, best_at;
	bool resumed;           /* RESUME was written: clear it at the end */
};

/* The phrase lists of a report's search, by their bit in a value's
 * LISTS: titles are searched for both, other text for blameful wording. */
enum { PM_LIST_VAGUE, PM_LIST_BLAMEFUL };

/* The phrase lists values are searched for, what the search looks for in
 * them together, and the values waiting; made once per report. */
struct pm_search {
	struct pm_scan scan[PM_SCAN_LISTS];
	unsigned lists;         /* the lists with phrases, a bit each */
	bool blockwise;         /* sixteen bytes a step (PM_SCAN_SSE2) */
#if PM_SCAN_SSE2
	/* The first bytes of the other chains, sixteen copies of each, and
	 * whether white space and digits start phrases too.  Where there are
	 * fewer bytes, NUL fills in: parsed text has none, and
	 * pm_scan_other() would pass over one. */
	__m128i other[PM_OTHER_MAX];
	bool spaces, digits;
#endif
	struct pm_span span[PM_BATCH];
	size_t nspan;
	size_t masks;                   /* of all the values */
	/* The first value searched for each list, or PM_BATCH: other text
	 * comes before titles. */
	size_t first[PM_SCAN_LISTS];
};

/* Collects notes in a growable array in the hotfix arena. */
struct pm_notes {
	struct pm_report *rep;
	struct pm_arena *arena;
	size_t cap;
	struct pm_resume resume[PM_SCAN_LISTS];
	struct pm_search search;
};

/* Readies the search of NS for the lists IX, whose notes are of KIND,
 * by PM_LIST_*. */
static void
pm_search_init(struct pm_notes *ns, const struct pm_phrase_index *const ix[],
               const size_t kind[])
{
	struct pm_search *se = &ns->search;
	const struct pm_hotfix *hf = ns->rep->hf;
	unsigned char other[PM_OTHER_MAX] = { 0 };
	size_t nother = 0;
	se->lists = 0;
	se->nspan = se->masks = 0;
	for (size_t l = 0; l < PM_SCAN_LISTS; l++)
		se->first[l] = PM_BATCH;
	se->blockwise = PM_SCAN_SSE2;
#if PM_SCAN_SSE2
	se->spaces = se->digits = false;
#endif
	for (size_t l = 0; l < PM_SCAN_LISTS; l++) {
		struct pm_scan *sc = &se->scan[l];
		sc->ns = ns;
		sc->ix = ix[l];
		sc->kind = kind[l];
		sc->resume = &ns->resume[l];
		sc->s = (const unsigned char *)hf->src;
		sc->avail = hf->src_len;
		sc->field = NULL;
		sc->best = ix[l]->n;
		sc->resumed = false;
		if (ix[l]->n == 0)
			continue;
		se->lists |= 1u << l;
#if PM_SCAN_SSE2
		se->spaces |= ix[l]->spaces;
		se->digits |= ix[l]->digits;
#endif
		/* The first bytes of both lists, each once. */
		se->blockwise = se->blockwise && ix[l]->nother <= PM_OTHER_MAX;
		for (size_t k = 0; k < ix[l]->nother && se->blockwise; k++) {
			size_t known = 0;
			while (known < nother && other[known] != ix[l]->other[k])
				known++;
			if (known < nother)
				continue;
			if (nother == PM_OTHER_MAX)
				se->blockwise = false;
			else
				other[nother++] = ix[l]->other[k];
		}
	}
#if PM_SCAN_SSE2
	for (size_t k = 0; k < PM_OTHER_MAX; k++)
		se->other[k] = _mm_set1_epi8((char)other[k]);
#endif
}

static void
pm_note_add(struct pm_notes *ns, const char *code, const char *field,
            struct pm_pos pos, const char *message)
{
	struct pm_report *rep = ns->rep;
	if (rep->nnotes == ns->cap) {
		size_t cap = ns->cap ? ns->cap * 2 : 8;
		struct pm_note *notes = pm_arena_alloc(ns->arena, cap * sizeof(*notes));
		if (rep->nnotes)
			memcpy(notes, rep->notes, rep->nnotes * sizeof(*notes));
		rep->notes = notes;
		ns->cap = cap;
	}
	rep->notes[rep->nnotes++] = (struct pm_note){
		.code = code, .severity = "warning", .message = message,
		.field = field, .pos = pos,
	};
}

/*
 * Whether phrase PH matches S at I (not past END), case-insensitively and
 * as whole words, a space in the phrase matching any run of white space (a
 * phrase may be wrapped across lines of a block scalar).  The match length
 * goes to *LEN.  A phrase that starts a word is only tried where a word
 * starts, so only its end is checked here.
 */
static bool
pm_phrase_at(const unsigned char *s, size_t i, size_t end,
             const struct pm_phrase *ph, size_t *len)
{
	size_t j = i;
	const unsigned char *p = (const unsigned char *)ph->lower;
	while (*p && j < end) {
		if (*p == ' ') {
			if (!pm_note_space(s[j]))
				return false;
			while (j < end && pm_note_space(s[j]))
				j++;
		} else if (pm_note_lower(s[j]) == *p) {
			j++;
		} else {
			return false;
		}
		p++;
	}
	if (*p != '\0')
		return false;
	if (j < end && pm_word_char(s[j]) && ph->word_end)
		return false;
	*len = j - i;
	return true;
}

static const char *
pm_note_path_str(struct pm_notes *ns, const struct pm_note_path *path)
{
	if (path->index == PM_PHRASE_END)
		return path->base;
	char num[PM_DECIMAL_SIZE];
	const char *index = pm_report_decimal(num, (int64_t)path->index);
	size_t nindex = (size_t)(num + PM_DECIMAL_SIZE - 1 - index);
	char *out = pm_arena_alloc(ns->arena,
	                           path->nbase + nindex + path->nsuffix + 3);
	char *o = out;
	memcpy(o, path->base, path->nbase);
	o += path->nbase;
	*o++ = '[';
	memcpy(o, index, nindex);
	o += nindex;
	*o++ = ']';
	memcpy(o, path->suffix, path->nsuffix + 1);
	return out;
}

/* A note for phrase K at AT. */
static void
pm_phrase_note(struct pm_scan *sc, size_t k, size_t at)
{
	struct pm_notes *ns = sc->ns;
	struct pm_pos pos = pm_hotfix_pos(ns->rep->hf, (uint32_t)at);
	if (sc->field == NULL)
		sc->field = pm_note_path_str(ns, sc->path);
	pm_note_add(ns, pm_kinds[sc->kind].code, sc->field, pos,
	            sc->ix->p[k].message[sc->kind]);
}

/* Phrase K occurs at I, LEN bytes long. */
static void
pm_scan_found(struct pm_scan *sc, size_t k, size_t i, size_t len)
{
	if (pm_kinds[sc->kind].first_only) {
		sc->best = k;
		sc->best_at = i;
		return;
	}
	struct pm_resume *r = sc->resume;
	if (r->n < sc->ix->n) {
		r->at = pm_arena_alloc(sc->ns->arena, sc->ix->n * sizeof(*r->at));
		r->n = sc->ix->n;
	}
	if (i < r->at[k])
		return;         /* inside the previous occurrence */
	pm_phrase_note(sc, k, i);
	r->at[k] = i + len;
	sc->resumed = true;
}

/* Compares phrase K at I in full, and notes it if it is there.  Out of
 * line: few places get this far, and the loops that call it stay small. */
static __attribute__((noinline)) void
pm_scan_try(struct pm_scan *sc, size_t k, size_t i)
{
	size_t len;
	if (pm_phrase_at(sc->s, i, sc->end, &sc->ix->p[k], &len))
		pm_scan_found(sc, k, i, len);
}

/* Whether S holds a single ' ', as a phrase's key past its first space
 * expects, and not a longer run of white space or another white byte. */
static bool
pm_single_space(const unsigned char *s)
{
	return s[0] == ' ' && !pm_note_space(s[1]);
}

/* Tries the phrases of CHAIN that start with the byte at I. */
static __attribute__((noinline)) void
pm_scan_chain(struct pm_scan *sc, int chain, size_t i)
{
	const struct pm_phrase_index *ix = sc->ix;
	/* Chains are in list order: past BEST nothing can lower it.  The
	 * end of a chain, PM_PHRASE_END, is past every BEST. */
	size_t k = ix->head[chain][sc->s[i]];
	if (k >= sc->best)
		return;
	/* Eight bytes of text at once rule most phrases out.  Past the end
	 * they are zeros, which only a phrase too long to fit could need. */
	unsigned char window[8] = { 0 };
	const unsigned char *w = sc->s + i;
	if (sc->end - i < 8) {
		memcpy(window, w, sc->end - i);
		w = window;
	}
	uint64_t text = pm_prefix(w);
	for (; k < sc->best; k = ix->p[k].next) {
		const struct pm_phrase *ph = &ix->p[k];
		if ((text & ph->mask) == ph->key ||
		    (ph->space && (text & ph->head) == (ph->key & ph->head) &&
		     !pm_single_space(w + ph->space)))
			pm_scan_try(sc, k, i);
	}
}

/* Whether the four bytes at B may start a phrase of the word chain of IX
 * (see WORD3 and NEXT3). */
static inline bool
pm_word4_may(const struct pm_phrase_index *ix, const unsigned char *b)
{
	/* Both tables read, without a branch between: whether a word passes
	 * either is nothing a branch predictor can learn, and the loads cost
	 * less than its mistakes. */
	const unsigned char *f = ix->fold;
	return (ix->word3[(size_t)f[b[0]] << 5 | f[b[1]]] >> f[b[2]]) &
	       (ix->next3[(size_t)f[b[1]] << 5 | f[b[2]]] >> f[b[3]]) & 1;
}

/* Tries the phrases of the word chain at I, where a letter or digit
 * follows a byte that is not one, if a word starts there and its first
 * four bytes (zeros past the end) allow it. */
static __attribute__((noinline)) void
pm_scan_word(struct pm_scan *sc, size_t i)
{
	const struct pm_phrase_index *ix = sc->ix;
	/* Inside a word after '-', '\'', '_' or a byte from 0x80, or a
	 * letter after a digit: not a word's start. */
	if (i > 0 && (ix->cls[sc->s[i - 1]] & PM_CLS_WORD))
		return;
	const unsigned char *b = sc->s + i;
	unsigned char last[4] = { 0 };
	if (sc->end - i < 4) {
		memcpy(last, b, sc->end - i);
		b = last;
	}
	if (pm_word4_may(ix, b))
		pm_scan_chain(sc, PM_CHAIN_WORD, i);
}

/* Tries the phrases of the other chains at I, which may start there
 * inside a word or out ("'s fault"), if the byte there and the byte after
 * allow it. */
static void
pm_scan_other(struct pm_scan *sc, size_t i)
{
	const struct pm_phrase_index *ix = sc->ix;
	const unsigned char *s = sc->s;
	if (!(ix->cls[s[i]] & PM_CLS_OTHER_START))
		return;
	for (int chain = PM_CHAIN_OTHER; chain <= PM_CHAIN_SPACE; chain++)
		if (ix->head[chain][s[i]] != PM_PHRASE_END &&
		    (i + 1 == sc->end || pm_bit(ix->second[chain][s[i]], s[i + 1])))
			pm_scan_chain(sc, chain, i);
}

/* The value from START, byte by byte: the class table passes over the
 * rest of a word at once. */
static void
pm_scan_bytes(struct pm_scan *sc, size_t start)
{
	const unsigned char *s = sc->s, *cls = sc->ix->cls;
	size_t end = sc->end;
	bool inside = start > 0 && (cls[s[start - 1]] & PM_CLS_WORD);
	for (size_t i = start; i < end;) {
		unsigned f = cls[s[i]];
		if (f & PM_CLS_OTHER_START)
			pm_scan_other(sc, i);
		if (!(f & PM_CLS_WORD)) {
			inside = false;
			i++;
			continue;
		}
		if (!inside && (f & PM_CLS_WORD_START))
			pm_scan_word(sc, i);
		/* The rest of the word changes nothing until a byte that ends
		 * it or starts a phrase of the other chains. */
		inside = true;
		i++;
		while (i < end && !(cls[s[i]] & (PM_CLS_GAP | PM_CLS_OTHER_START)))
			i++;
	}
}

/* Readies SC for the value of SPAN. */
static void
pm_scan_begin(struct pm_scan *sc, const struct pm_span *span)
{
	sc->path = &span->path;
	sc->end = span->end;
}

/* The notes that wait for the end of a value, out of line: most values
 * have none.  Only a FIRST_ONLY kind lowers BEST. */
static __attribute__((noinline)) void
pm_scan_finish(struct pm_scan *sc)
{
	if (sc->best < sc->ix->n)
		pm_phrase_note(sc, sc->best, sc->best_at);
	if (sc->resumed)
		memset(sc->resume->at, 0, sc->resume->n * sizeof(*sc->resume->at));
	/* Ready for the next value: nothing found, no path written. */
	sc->field = NULL;
	sc->best = sc->ix->n;
	sc->resumed = false;
}

static inline void
pm_scan_end(struct pm_scan *sc)
{
	if (sc->best < sc->ix->n || sc->resumed)
		pm_scan_finish(sc);
}

#if PM_SCAN_SSE2
/* Each byte of X that is in LO .. LO + N - 1: SSE2 compares bytes as
 * signed only, so the range is moved to start at -128 first. */
static __m128i
pm_bytes_in(__m128i x, unsigned char lo, unsigned char n)
{
	return _mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8((char)(0x80 - lo))),
	                      _mm_set1_epi8((char)(n - 0x80)));
}

/* What the sixteen-byte step looks for besides letters: the first bytes
 * of the other chains, sixteen copies of each, and whether digits and
 * white space start phrases too. */
struct pm_look {
	__m128i other0, other1;
	bool digits, spaces;
};

/* The sixteen bytes at P as masks, bit K for byte K: in *HEADS the letters
 * (and digits, if phrases start with one), in *OTHER the bytes that may
 * start a phrase of the other chains.  Inlined where LOOK's flags are
 * known, so that the tests it does not need are left out. */
static inline __attribute__((always_inline)) void
pm_block_read(const unsigned char *p, const struct pm_look *look,
              unsigned *heads, unsigned *other)
{
	__m128i b = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i h = pm_bytes_in(_mm_or_si128(b, _mm_set1_epi8(0x20)), 'a', 26);
	if (look->digits)
		h = _mm_or_si128(h, pm_bytes_in(b, '0', 10));
	__m128i o = _mm_or_si128(_mm_cmpeq_epi8(b, look->other0),
	                         _mm_cmpeq_epi8(b, look->other1));
	if (look->spaces)
		o = _mm_or_si128(o, _mm_or_si128(_mm_cmpeq_epi8(b, _mm_set1_epi8(' ')),
		                                 pm_bytes_in(b, '\t', 5)));
	*heads = (unsigned)_mm_movemask_epi8(h);
	*other = (unsigned)_mm_movemask_epi8(o);
}

/*
 * The values of SE as masks, sixteen bytes a step, one after another in
 * WORDS and OTHER: for each value, bit K of its mask K / 16 is set in
 * WORDS when byte K is a letter (or a digit, if phrases start with one)
 * that follows another kind of byte, which is where words may start, and
 * in OTHER when it may start a phrase of the other chains.  The byte
 * before a value counts as a gap: pm_scan_word() looks at it.  A load
 * never passes the end of the source: the last bytes are copied.
 */
static inline __attribute__((always_inline)) void
pm_marks_look(const struct pm_search *se, const struct pm_look *look,
              uint16_t *words, uint16_t *other)
{
	const unsigned char *s = se->scan[0].s;
	size_t avail = se->scan[0].avail;
	for (size_t v = 0; v < se->nspan; v++) {
		size_t start = se->span[v].start, end = se->span[v].end, m = 0;
		/* Steps that start before FAST have their sixteen bytes in the
		 * source. */
		size_t fast = avail < 16 ? 0 : end < avail - 15 ? end : avail - 15;
		unsigned carry = 0, h, o;
		size_t i = start;
		for (; i < fast; i += 16, m++) {
			pm_block_read(s + i, look, &h, &o);
			words[m] = (uint16_t)(h & ~(h << 1 | carry));
			other[m] = (uint16_t)o;
			carry = h >> 15;
		}
		for (; i < end; i += 16, m++) {
			unsigned char tail[16] = { 0 };
			memcpy(tail, s + i, avail - i < 16 ? avail - i : 16);
			pm_block_read(tail, look, &h, &o);
			words[m] = (uint16_t)(h & ~(h << 1 | carry));
			other[m] = (uint16_t)o;
			carry = h >> 15;
		}
		/* The last step may read past the end; empty masks fill the
		 * last four (the room has three to spare). */
		if ((end - start) % 16) {
			uint16_t keep = (uint16_t)((1u << (end - start) % 16) - 1);
			words[m - 1] &= keep;
			other[m - 1] &= keep;
		}
		for (size_t k = 0; k < 3; k++)
			words[m + k] = other[m + k] = 0;
		words += (m + 3) / 4 * 4;
		other += (m + 3) / 4 * 4;
	}
}

static void
pm_marks_read(const struct pm_search *se, uint16_t *words, uint16_t *other)
{
	struct pm_look look = {
		se->other[0], se->other[1], se->digits, se->spaces,
	};
	/* Lists seldom have phrases that start with a digit or a space. */
	if (look.digits || look.spaces) {
		pm_marks_look(se, &look, words, other);
	} else {
		const struct pm_look letters = { se->other[0], se->other[1], false, false };
		pm_marks_look(se, &letters, words, other);
	}
}

/* Looks at the marks of SPAN, N of them from WORDS and OTHER, for the
 * list of SC, reading the bytes of the source with bounds checks, as the
 * value ends near the source's end. */
static __attribute__((noinline)) void
pm_scan_marks_near(struct pm_scan *sc, const struct pm_span *span,
                   const uint16_t *words, const uint16_t *other, size_t n)
{
	for (size_t j = 0; j < n; j++) {
		for (unsigned w = words[j]; w; w &= w - 1)
			pm_scan_word(sc, span->start + j * 16 + (unsigned)__builtin_ctz(w));
		for (unsigned o = other[j]; o; o &= o - 1)
			pm_scan_other(sc, span->start + j * 16 + (unsigned)__builtin_ctz(o));
	}
}

/* Looks at the places of the values of SE marked in WORDS and OTHER, as
 * pm_marks_read() wrote them, for the list of SC: where a word may start,
 * and where a byte may start a phrase of the other chains. */
static __attribute__((noinline)) void
pm_scan_marks(struct pm_scan *sc, size_t list, const struct pm_search *se,
              const uint16_t *words, const uint16_t *other)
{
	const struct pm_phrase_index *ix = sc->ix;
	const unsigned char *s = sc->s;
	const uint16_t *wbase = words, *obase = other;
	for (size_t v = se->first[list]; v < se->nspan; v++) {
		const struct pm_span *span = &se->span[v];
		size_t n = span->masks;
		if (!(span->lists & 1u << list))
			continue;
		words = wbase + span->at;
		other = obase + span->at;
		pm_scan_begin(sc, span);
		/* Below, four bytes are read at every word. */
		if (sc->avail - span->end < 3) {
			pm_scan_marks_near(sc, span, words, other, n);
			n = 0;
		}
		const unsigned char *p = s + span->start;
		for (size_t j = 0; j < n; j += 4, p += 64) {
			/* Four masks at once, in the machine's byte order: the
			 * little-endian order of the x86-64 that sets them. */
			uint64_t w, o;
			memcpy(&w, words + j, sizeof(w));
			memcpy(&o, other + j, sizeof(o));
			for (; w; w &= w - 1) {
				/* The first two bytes, read as one number, then
				 * the first four; bytes after the value's end
				 * are ruled out later. */
				const unsigned char *b = p + (unsigned)__builtin_ctzll(w);
				uint16_t two;
				memcpy(&two, b, sizeof(two));
				/* The pair table and the other two, again with
				 * one branch at the end (see pm_word4_may). */
				if ((unsigned)(ix->pair[two >> 6] >> (two & 63)) &
				    pm_word4_may(ix, b))
					pm_scan_word(sc, (size_t)(b - s));
			}
			for (; o; o &= o - 1)
				pm_scan_other(sc, (size_t)(p - s) + (unsigned)__builtin_ctzll(o));
		}
		pm_scan_end(sc);
	}
}

/* The values of SE, sixteen bytes a step. */
static void
pm_scan_blocks(struct pm_notes *ns, struct pm_search *se)
{
	/* Room for the masks of the values on the stack, unless they are
	 * long, and three to spare. */
	uint16_t room[2 * (16 * PM_BATCH + 3)];
	size_t total = se->masks;
	uint16_t *words = total <= 16 * PM_BATCH ? room
	    : pm_arena_alloc(ns->arena, 2 * (total + 3) * sizeof(*words));
	uint16_t *other = words + total + 3;
	pm_marks_read(se, words, other);
	for (size_t l = 0; l < PM_SCAN_LISTS; l++)
		if (se->lists & 1u << l)
			pm_scan_marks(&se->scan[l], l, se, words, other);
}
#endif

/*
 * Notes for the phrases of the lists of SE found in the values waiting:
 * one per occurrence, occurrences of one phrase never overlapping; or, for
 * a FIRST_ONLY kind, one note for the first phrase of the list that
 * occurs, at its first occurrence.
 */
static void
pm_search_flush(struct pm_notes *ns)
{
	struct pm_search *se = &ns->search;
	if (se->blockwise) {
#if PM_SCAN_SSE2
		pm_scan_blocks(ns, se);
#endif
	} else {
		for (size_t v = 0; v < se->nspan; v++)
			for (size_t l = 0; l < PM_SCAN_LISTS; l++) {
				if (!(se->span[v].lists & se->lists & 1u << l))
					continue;
				pm_scan_begin(&se->scan[l], &se->span[v]);
				pm_scan_bytes(&se->scan[l], se->span[v].start);
				pm_scan_end(&se->scan[l]);
			}
	}
	se->nspan = se->masks = 0;
	for (size_t l = 0; l < PM_SCAN_LISTS; l++)
		se->first[l] = PM_BATCH;
}

/* Adds V, a value whose notes name PATH, to the values searched for the
 * LISTS (a bit each, PM_LIST_*). */
static inline void
pm_search_add(struct pm_notes *ns, const struct pm_value *v, unsigned lists,
              struct pm_note_path path)
{
	struct pm_search *se = &ns->search;
	const struct pm_hotfix *hf = ns->rep->hf;
	if (v->type != PM_V_STR || v->end <= v->start || v->end > hf->src_len ||
	    !(lists & se->lists))
		return;
	/* The masks of the sixteen-byte step: for every sixteen bytes, one,
	 * rounded up to a multiple of four, as they are read four at a
	 * time. */
	size_t masks = ((size_t)(v->end - v->start) + 63) / 64 * 4;
	for (size_t l = 0; l < PM_SCAN_LISTS; l++)
		if ((lists & 1u << l) && se->first[l] == PM_BATCH)
			se->first[l] = se->nspan;
	se->span[se->nspan++] = (struct pm_span){
		v->start, v->end, lists, se->masks, masks, path,
	};
	se->masks += masks;
	if (se->nspan == PM_BATCH)
		pm_search_flush(ns);
}

/* Free-text fields read for blameful wording. */
static const enum pm_field pm_text_fields[] = {
	PM_F_TITLE, PM_F_SUMMARY, PM_F_IMPACT_DESCRIPTION,
	PM_F_ROOT_CAUSE_DESCRIPTION, PM_F_POSTMORTEM_WAIVED,
};

static void
pm_notes_blame(struct pm_notes *ns)
{
	const struct pm_hotfix *hf = ns->rep->hf;
	const unsigned blameful = 1u << PM_LIST_BLAMEFUL;
	for (size_t i = 0; i < sizeof(pm_text_fields) / sizeof(pm_text_fields[0]); i++)
		pm_search_add(ns, &hf->f[pm_text_fields[i]], blameful,
		    (struct pm_note_path){
		        .base = pm_fields[pm_text_fields[i]].path,
		        .index = PM_PHRASE_END });

	const struct pm_value *risks = &hf->f[PM_F_FIX_RISKS];
	for (size_t i = 0; i < risks->count; i++)
		pm_search_add(ns, &risks->items[i], blameful,
		              PM_PATH("fix.risks", i, ""));

	const struct pm_value *tl = &hf->f[PM_F_TIMELINE];
	for (size_t i = 0; i < tl->count; i++)
		pm_search_add(ns, &tl->items[i].items[PM_EVENT_EVENT], blameful,
		              PM_PATH("timeline", i, ".event"));
}

static void
pm_notes_actions(struct pm_notes *ns, int64_t today)
{
	const struct pm_hotfix *hf = ns->rep->hf;
	const struct pm_value *items = &hf->f[PM_F_ACTION_ITEMS];
	static const struct {
		enum pm_action_field field;
		const char *code;
		const char *message;
	} required[] = {
		{ PM_ACTION_OWNER, "action_without_owner",
		  "action item has no owner; without one it will not get done" },
		{ PM_ACTION_DUE, "action_without_due",
		  "action item has no due date" },
		{ PM_ACTION_TYPE, "action_without_type",
		  "action item has no type (prevent, detect, mitigate or process)" },
	};
	for (size_t i = 0; i < items->count; i++) {
		const struct pm_value *item = &items->items[i];
		pm_search_add(ns, &item->items[PM_ACTION_TITLE],
		              1u << PM_LIST_VAGUE | 1u << PM_LIST_BLAMEFUL,
		              PM_PATH("action_items", i, ".title"));
		const char *path = NULL;
		for (size_t k = 0; k < sizeof(required) / sizeof(required[0]); k++) {
			if (item->items[required[k].field].type != PM_V_NONE)
				continue;
			if (path == NULL)
				path = pm_note_path_str(ns,
				    &PM_PATH("action_items", i, ""));
			pm_note_add(ns, required[k].code, path, item->pos,
			            required[k].message);
		}
		const struct pm_value *due = &item->items[PM_ACTION_DUE];
		if (due->type == PM_V_TIME && pm_floor_div(due->u.t.epoch, 86400) < today)
			pm_note_add(ns, "action_overdue",
			    pm_note_path_str(ns,
			        &PM_PATH("action_items", i, ".due")),
			    due->pos,
			    PM_JOIN(ns->arena, PM_LIT("action item was due on "),
			        PM_STR(due->s), PM_LIT(", which has passed")));
	}
}

static void
pm_notes_timeline(struct pm_notes *ns)
{
	const struct pm_hotfix *hf = ns->rep->hf;
	const struct pm_value *sev = &hf->f[PM_F_SEVERITY];
	const struct pm_value *tl = &hf->f[PM_F_TIMELINE];
	if (sev->type == PM_V_ENUM && sev->u.i <= 1 && tl->count == 0)
		pm_note_add(ns, "missing_timeline", "severity", sev->pos,
		    PM_JOIN(ns->arena, PM_LIT("a "), PM_STR(sev->s),
		        PM_LIT(" event needs a timeline: add when it started, "
		               "was detected, mitigated and resolved")));

	/* Times that run backwards are typos; say so rather than guess. */
	static const struct {
		enum pm_field later, earlier;
	} order[] = {
		{ PM_F_DETECTED_AT, PM_F_STARTED_AT },
		{ PM_F_RESOLVED_AT, PM_F_DETECTED_AT },
		{ PM_F_RESOLVED_AT, PM_F_STARTED_AT },
	};
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		const struct pm_value *a = &hf->f[order[i].later];
		const struct pm_value *b = &hf->f[order[i].earlier];
		if (a->type == PM_V_TIME && b->type == PM_V_TIME &&
		    a->u.t.epoch < b->u.t.epoch) {
			pm_note_add(ns, "time_order", pm_fields[order[i].later].path, a->pos,
			    PM_JOIN(ns->arena, PM_STR(pm_fields[order[i].later].path),
			        PM_LIT(" is earlier than "),
			        PM_STR(pm_fields[order[i].earlier].path)));
			break;
		}
	}
}

static int
pm_note_cmp(const void *pa, const void *pb)
{
	const struct pm_note *a = pa, *b = pb;
	if (a->pos.line != b->pos.line)
		return a->pos.line < b->pos.line ? -1 : 1;
	if (a->pos.column != b->pos.column)
		return a->pos.column < b->pos.column ? -1 : 1;
	int c = strcmp(a->code, b->code);
	return c ? c : strcmp(a->message, b->message);
}

/* The date of day DAYS as "%04lld-%02u-%02u" writes it, into DATE (32
 * bytes). */
static const char *
pm_note_date(char *date, int64_t days)
{
	int64_t y;
	unsigned m, d;
	pm_civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999) {
		snprintf(date, 32, "%04lld-%02u-%02u", (long long)y, m, d);
		return date;
	}
	/* Every part has its full width of digits. */
	unsigned part[3] = { (unsigned)y, m, d }, width[3] = { 4, 2, 2 };
	char *o = date;
	for (size_t f = 0; f < 3; f++) {
		for (unsigned w = width[f]; w-- > 0; part[f] /= 10)
			o[w] = (char)('0' + part[f] % 10);
		o += width[f];
		*o++ = f < 2 ? '-' : '\0';
	}
	return date;
}

/* A post-mortem that is needed, has no link or waiver, and is past its due
 * day is the one that quietly never happens. */
static void
pm_notes_due(struct pm_notes *ns, int64_t today)
{
	const struct pm_report *rep = ns->rep;
	if (rep->verdict < PM_VERDICT_RECOMMENDED || rep->satisfied ||
	    !rep->has_due || rep->due_day >= today)
		return;
	char date[32];
	pm_note_add(ns, "postmortem_overdue",
	    rep->due_from_input ? "postmortem.due" : NULL, rep->due_pos,
	    PM_JOIN(ns->arena, PM_LIT("the post-mortem was due on "),
	        PM_STR(pm_note_date(date, rep->due_day)),
	        rep->due_from_input ? (struct pm_part)PM_LIT("")
	                            : (struct pm_part)PM_LIT(" (from severity)"),
	        PM_LIT(" and has no postmortem.link or waiver yet")));
}

void
pm_notes_build(struct pm_report *rep, const struct pm_policy *policy,
               int64_t today)
{
	/* Set field by field: the searches, which hold room for the values
	 * they collect, are readied by pm_search_init(). */
	struct pm_notes ns;
	ns.rep = rep;
	ns.arena = (struct pm_arena *)&rep->hf->arena;
	ns.cap = 0;
	memset(ns.resume, 0, sizeof(ns.resume));
	/* A policy prepared by pm_policy_prepare has both indexes; another
	 * is indexed here, for this report only.  A title is read once for
	 * both lists. */
	const struct pm_phrase_index *ix[] = {
		pm_phrase_index_get(policy->vague_index, policy->vague, ns.arena),
		pm_phrase_index_get(policy->blameful_index, policy->blameful,
		                    ns.arena),
	};
	const size_t kind[] = { PM_KIND_VAGUE, PM_KIND_BLAMEFUL };
	pm_search_init(&ns, ix, kind);
	pm_notes_due(&ns, today);
	pm_notes_timeline(&ns);
	pm_notes_blame(&ns);
	pm_notes_actions(&ns, today);
	pm_search_flush(&ns);

	/* Notes are read top to bottom, like the file.  The comparison orders
	 * every field, so the result is the same on every libc, and with an
	 * insertion sort, which costs less than qsort for the few notes most
	 * inputs have. */
	if (rep->nnotes > 16) {
		qsort(rep->notes, rep->nnotes, sizeof(*rep->notes), pm_note_cmp);
		return;
	}
	for (size_t i = 1; i < rep->nnotes; i++) {
		struct pm_note note = rep->notes[i];
		size_t j = i;
		for (; j > 0 && pm_note_cmp(&rep->notes[j - 1], &note) > 0; j--)
			rep->notes[j] = rep->notes[j - 1];
		rep->notes[j] = note;
	}
}
