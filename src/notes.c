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

/*
 * A phrase list ready for the search.  A value's text is read once for the
 * whole list: the class table passes over every byte that cannot start a
 * phrase where it stands; where one can, a bit set of the bytes that may
 * come second rules most places out, and the first eight bytes of each
 * phrase of the chain most of the rest, before any phrase is compared in
 * full.  So the number of phrases only weighs on the few places where one
 * nearly occurs.  Building the tables costs more than searching an input,
 * so an index is built once per policy (pm_policy_prepare) and never
 * written afterwards, which lets reports judged at the same time share it.
 */
struct pm_phrase_index {
	const char *const *list;      /* the list indexed */
	struct pm_phrase *p;
	size_t n;
	/* First phrase of each chain by the text byte that starts it: both
	 * cases of a letter, every white-space byte for the space chain.
	 * Chains list their phrases in list order and end with PM_PHRASE_END. */
	size_t head[PM_CHAINS][256];
	/* Bytes that may follow that first byte in a phrase of the chain. */
	uint64_t second[PM_CHAINS][256][4];
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
pm_bit(const uint64_t set[4], unsigned char c)
{
	return (set[c >> 6] >> (c & 63)) & 1;
}

/* Whether text byte C can be the first of an occurrence of a phrase of
 * CHAIN whose first byte, in lower case, is FIRST. */
static bool
pm_phrase_starts(int chain, unsigned char first, unsigned char c)
{
	return chain == PM_CHAIN_SPACE ? pm_note_space(c) : pm_note_lower(c) == first;
}

/* Adds to SET the bytes that may follow the first byte of an occurrence of
 * PH.  More than those is harmless, as the phrase is compared in full. */
static void
pm_phrase_follow(const struct pm_phrase *ph, uint64_t set[4])
{
	const unsigned char *t = (const unsigned char *)ph->lower;
	for (unsigned c = 0; c < 256; c++) {
		/* After a leading space comes more white space or the rest;
		 * after a phrase of one byte, anything. */
		bool may = t[0] == ' ' || t[1] == '\0' ||
		           (t[1] == ' ' ? pm_note_space((unsigned char)c)
		                        : pm_note_lower((unsigned char)c) == t[1]);
		if (may)
			set[c >> 6] |= (uint64_t)1 << (c & 63);
	}
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
	for (unsigned b = 0; b < 256; b++)
		ix->cls[b] = pm_word_char((unsigned char)b) ? PM_CLS_WORD : PM_CLS_GAP;
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
		if (len == 0)
			continue;   /* it would match everywhere; it names nothing */
		ph->word_end = pm_note_alnum((unsigned char)lower[len - 1]);
		pm_phrase_key(ph, len);
		unsigned char first = (unsigned char)lower[0];
		int chain = first == ' ' ? PM_CHAIN_SPACE
		          : pm_note_alnum(first) ? PM_CHAIN_WORD : PM_CHAIN_OTHER;
		uint64_t follow[4] = { 0 };
		pm_phrase_follow(ph, follow);
		for (unsigned b = 0; b < 256; b++) {
			if (!pm_phrase_starts(chain, first, (unsigned char)b))
				continue;
			/* Every byte that starts PH starts the same chain so far,
			 * so NEXT is the same whichever of them sets it. */
			ph->next = ix->head[chain][b];
			ix->head[chain][b] = k;
			for (size_t w = 0; w < 4; w++)
				ix->second[chain][b][w] |= follow[w];
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

/* Collects notes in a growable array in the hotfix arena. */
struct pm_notes {
	struct pm_report *rep;
	struct pm_arena *arena;
	size_t cap;
	const struct pm_phrase_index *blameful;
	const struct pm_phrase_index *vague;
	/* Per phrase, where its next occurrence may start in the value being
	 * searched (occurrences of one phrase never overlap); 0 between
	 * values.  Allocated on the first occurrence: most inputs have none. */
	size_t *resume;
	size_t nresume;
};

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

/* What a phrase list looks for, and what its notes say. */
struct pm_phrase_kind {
	const char *code;
	const char *label;
	const char *advice;
	bool first_only;        /* one note per value is enough */
};

static const struct pm_phrase_kind pm_blameful_kind = {
	.code = "blameful_wording", .label = "blameful wording",
	.advice = "describe what the system allowed and what made it likely, "
	          "not who slipped",
};

static const struct pm_phrase_kind pm_vague_kind = {
	.code = "vague_action", .label = "vague action item",
	.advice = "say what will change and how everyone will know it is done",
	.first_only = true,
};

/* The strings of PARTS, ended by NULL, joined in ARENA: the notes' texts
 * are built so, not with printf, which costs more than the text itself. */
static const char *
pm_note_join(struct pm_arena *arena, const char *const *parts)
{
	/* The lengths of the first parts are kept, not measured twice;
	 * notes join a handful. */
	size_t lens[8], len = 0, n;
	for (n = 0; parts[n]; n++) {
		size_t l = strlen(parts[n]);
		if (n < 8)
			lens[n] = l;
		len += l;
	}
	char *out = pm_arena_alloc(arena, len + 1), *o = out;
	for (size_t i = 0; i < n; i++) {
		size_t l = i < 8 ? lens[i] : strlen(parts[i]);
		memcpy(o, parts[i], l);
		o += l;
	}
	*o = '\0';
	return out;
}

/* A note's field path, written out only when a note needs it: BASE, then
 * "[INDEX]" unless INDEX is PM_PHRASE_END, then SUFFIX. */
struct pm_note_path {
	const char *base;
	size_t index;
	const char *suffix;
};

static const char *
pm_note_path_str(struct pm_notes *ns, const struct pm_note_path *path)
{
	if (path->index == PM_PHRASE_END && path->suffix[0] == '\0')
		return path->base;
	char num[PM_DECIMAL_SIZE];
	const char *index = path->index == PM_PHRASE_END ? ""
	                  : pm_report_decimal(num, (int64_t)path->index);
	size_t nbase = strlen(path->base), nindex = strlen(index);
	size_t nsuffix = strlen(path->suffix), brackets = nindex ? 2 : 0;
	char *out = pm_arena_alloc(ns->arena,
	                           nbase + nindex + brackets + nsuffix + 1);
	char *o = out;
	memcpy(o, path->base, nbase);
	o += nbase;
	if (nindex) {
		*o++ = '[';
		memcpy(o, index, nindex);
		o += nindex;
		*o++ = ']';
	}
	memcpy(o, path->suffix, nsuffix + 1);
	return out;
}

/* One value searched for one phrase list. */
struct pm_scan {
	struct pm_notes *ns;
	const struct pm_phrase_index *ix;
	const struct pm_phrase_kind *kind;
	const struct pm_note_path *path;
	const unsigned char *s;
	size_t end;
	const char *field;      /* PATH as text, once a note needs it */
	/* FIRST_ONLY: the lowest phrase index seen so far and where.  A
	 * phrase is tried only while it could still lower it, so BEST_AT
	 * ends at the first occurrence of the first phrase that occurs. */
	size_t best, best_at;
	bool resumed;           /* RESUME was written: clear it at the end */
};

static void
pm_phrase_note(struct pm_scan *sc, const char *phrase, size_t at)
{
	struct pm_notes *ns = sc->ns;
	struct pm_pos pos = pm_hotfix_pos(ns->rep->hf, (uint32_t)at);
	if (sc->field == NULL)
		sc->field = pm_note_path_str(ns, sc->path);
	pm_note_add(ns, sc->kind->code, sc->field, pos,
	    pm_note_join(ns->arena, (const char *const[]){
	        sc->kind->label, " \"", phrase, "\": ", sc->kind->advice, NULL }));
}

/* Phrase K occurs at I, LEN bytes long. */
static void
pm_scan_found(struct pm_scan *sc, size_t k, size_t i, size_t len)
{
	if (sc->kind->first_only) {
		sc->best = k;
		sc->best_at = i;
		return;
	}
	struct pm_notes *ns = sc->ns;
	if (ns->nresume < sc->ix->n) {
		ns->resume = pm_arena_alloc(ns->arena, sc->ix->n * sizeof(*ns->resume));
		ns->nresume = sc->ix->n;
	}
	if (i < ns->resume[k])
		return;         /* inside the previous occurrence */
	pm_phrase_note(sc, sc->ix->p[k].text, i);
	ns->resume[k] = i + len;
	sc->resumed = true;
}

/* Whether a phrase of CHAIN may start at I, judged by the byte there and
 * the byte after, which rules out most places before a phrase is read. */
static bool
pm_scan_may(const struct pm_phrase_index *ix, int chain, const unsigned char *s,
            size_t i, size_t end)
{
	return ix->head[chain][s[i]] != PM_PHRASE_END &&
	       (i + 1 == end || pm_bit(ix->second[chain][s[i]], s[i + 1]));
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
static void
pm_scan_chain(struct pm_scan *sc, int chain, size_t i)
{
	const struct pm_phrase_index *ix = sc->ix;
	/* Eight bytes of text at once rule most phrases out.  Past the end
	 * they are zeros, which only a phrase too long to fit could need. */
	unsigned char window[8] = { 0 };
	memcpy(window, sc->s + i, sc->end - i >= 8 ? 8 : sc->end - i);
	uint64_t text = pm_prefix(window);
	/* Chains are in list order: past BEST nothing can lower it. */
	for (size_t k = ix->head[chain][sc->s[i]];
	     k != PM_PHRASE_END && k < sc->best; k = ix->p[k].next) {
		const struct pm_phrase *ph = &ix->p[k];
		if ((text & ph->mask) == ph->key ||
		    ((text & ph->head) == (ph->key & ph->head) && ph->space &&
		     !pm_single_space(window + ph->space)))
			pm_scan_try(sc, k, i);
	}
}

/*
 * Notes for the listed phrases found in the value's source text: one per
 * occurrence, occurrences of one phrase never overlapping; or, for a
 * FIRST_ONLY kind, one note for the first phrase of the list that occurs,
 * at its first occurrence.
 */
static void
pm_scan_text(struct pm_notes *ns, const struct pm_value *v,
             const struct pm_note_path *path, const struct pm_phrase_index *ix,
             const struct pm_phrase_kind *kind)
{
	const struct pm_hotfix *hf = ns->rep->hf;
	if (v->type != PM_V_STR || ix->n == 0 || v->end <= v->start ||
	    v->end > hf->src_len)
		return;
	struct pm_scan sc = {
		.ns = ns, .ix = ix, .kind = kind, .path = path,
		.s = (const unsigned char *)hf->src, .end = v->end,
		.best = ix->n,
	};
	const unsigned char *s = sc.s, *cls = ix->cls;
	size_t end = sc.end;
	bool inside = v->start > 0 && (cls[s[v->start - 1]] & PM_CLS_WORD);
	for (size_t i = v->start; i < end;) {
		unsigned f = cls[s[i]];
		/* Phrases like "'s fault" may start inside a word or out. */
		if (f & PM_CLS_OTHER_START)
			for (int chain = PM_CHAIN_OTHER; chain <= PM_CHAIN_SPACE; chain++)
				if (pm_scan_may(ix, chain, s, i, end))
					pm_scan_chain(&sc, chain, i);
		if (!(f & PM_CLS_WORD)) {
			inside = false;
			i++;
			continue;
		}
		if (!inside && (f & PM_CLS_WORD_START) &&
		    pm_scan_may(ix, PM_CHAIN_WORD, s, i, end))
			pm_scan_chain(&sc, PM_CHAIN_WORD, i);
		/* The rest of the word changes nothing until a byte that ends
		 * it or starts a phrase of the other chains. */
		inside = true;
		i++;
		while (i < end && !(cls[s[i]] & (PM_CLS_GAP | PM_CLS_OTHER_START)))
			i++;
	}
	if (kind->first_only && sc.best < ix->n)
		pm_phrase_note(&sc, ix->p[sc.best].text, sc.best_at);
	if (sc.resumed)
		memset(ns->resume, 0, ns->nresume * sizeof(*ns->resume));
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
	for (size_t i = 0; i < sizeof(pm_text_fields) / sizeof(pm_text_fields[0]); i++) {
		struct pm_note_path path = {
			pm_fields[pm_text_fields[i]].path, PM_PHRASE_END, "",
		};
		pm_scan_text(ns, &hf->f[pm_text_fields[i]], &path, ns->blameful,
		             &pm_blameful_kind);
	}

	const struct pm_value *risks = &hf->f[PM_F_FIX_RISKS];
	for (size_t i = 0; i < risks->count; i++) {
		struct pm_note_path path = { "fix.risks", i, "" };
		pm_scan_text(ns, &risks->items[i], &path, ns->blameful,
		             &pm_blameful_kind);
	}

	const struct pm_value *tl = &hf->f[PM_F_TIMELINE];
	for (size_t i = 0; i < tl->count; i++) {
		struct pm_note_path path = { "timeline", i, ".event" };
		pm_scan_text(ns, &tl->items[i].items[PM_EVENT_EVENT], &path,
		             ns->blameful, &pm_blameful_kind);
	}
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
		const struct pm_value *title = &item->items[PM_ACTION_TITLE];
		struct pm_note_path title_path = { "action_items", i, ".title" };
		pm_scan_text(ns, title, &title_path, ns->vague, &pm_vague_kind);
		pm_scan_text(ns, title, &title_path, ns->blameful, &pm_blameful_kind);
		const char *path = NULL;
		for (size_t k = 0; k < sizeof(required) / sizeof(required[0]); k++) {
			if (item->items[required[k].field].type != PM_V_NONE)
				continue;
			if (path == NULL)
				path = pm_note_path_str(ns,
				    &(struct pm_note_path){ "action_items", i, "" });
			pm_note_add(ns, required[k].code, path, item->pos,
			            required[k].message);
		}
		const struct pm_value *due = &item->items[PM_ACTION_DUE];
		if (due->type == PM_V_TIME && pm_floor_div(due->u.t.epoch, 86400) < today)
			pm_note_add(ns, "action_overdue",
			    pm_note_path_str(ns,
			        &(struct pm_note_path){ "action_items", i, ".due" }),
			    due->pos,
			    pm_note_join(ns->arena, (const char *const[]){
			        "action item was due on ", due->s, ", which has passed",
			        NULL }));
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
		    pm_note_join(ns->arena, (const char *const[]){
		        "a ", sev->s, " event needs a timeline: add when it started, "
		        "was detected, mitigated and resolved", NULL }));

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
			    pm_note_join(ns->arena, (const char *const[]){
			        pm_fields[order[i].later].path, " is earlier than ",
			        pm_fields[order[i].earlier].path, NULL }));
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
	    pm_note_join(ns->arena, (const char *const[]){
	        "the post-mortem was due on ", pm_note_date(date, rep->due_day),
	        rep->due_from_input ? "" : " (from severity)",
	        " and has no postmortem.link or waiver yet", NULL }));
}

void
pm_notes_build(struct pm_report *rep, const struct pm_policy *policy,
               int64_t today)
{
	struct pm_notes ns = {
		.rep = rep,
		.arena = (struct pm_arena *)&rep->hf->arena,
	};
	/* A policy prepared by pm_policy_prepare has both; another is
	 * indexed here, for this report only. */
	ns.blameful = pm_phrase_index_get(policy->blameful_index,
	                                  policy->blameful, ns.arena);
	ns.vague = pm_phrase_index_get(policy->vague_index, policy->vague,
	                               ns.arena);
	pm_notes_due(&ns, today);
	pm_notes_timeline(&ns);
	pm_notes_blame(&ns);
	pm_notes_actions(&ns, today);

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
