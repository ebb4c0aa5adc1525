/*
 * Review notes: warnings that help a post-mortem stay blame-free and
 * actionable, and never change the verdict.  Each note points at the exact
 * line and column of what it is about; for words inside free text that is
 * found by searching the value's span in the source, so a phrase on the
 * third line of a "summary: |" block is reported on that line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pm_report.h"

/* One phrase of a list, with what the search needs to know about it. */
struct pm_phrase {
	const char *text;
	size_t next;            /* next phrase with the same first byte */
	size_t resume;          /* where its next match may start (per value) */
	bool word_start;        /* starts with a letter or digit: whole words */
	bool word_end;          /* ends with one */
};

#define PM_PHRASE_END ((size_t)-1)

/*
 * A phrase list indexed by first byte (lower case), so that a value's text
 * is read once for the whole list instead of once per phrase: the number of
 * phrases only multiplies the few positions where a phrase could start.
 * Phrases that start a word ("careless") are kept apart from the others
 * ("'s fault"), since inside a word only the others can match; phrases that
 * start with a space match any white space, so they have a chain of their
 * own.  Each chain ends with PM_PHRASE_END.
 */
struct pm_phrase_index {
	struct pm_phrase *p;
	size_t n;
	size_t word[256];       /* phrases that start with a letter or digit */
	size_t other[256];      /* the rest, but for a leading space */
	size_t space;           /* phrases that start with a space */
	unsigned char cls[256]; /* PM_CLS_* of each byte */
};

/* What a byte of text is to the search: a word character (so the next
 * position is inside a word), the first byte of a phrase that starts a
 * word, or the first byte of another phrase. */
enum {
	PM_CLS_WORD = 1,
	PM_CLS_WORD_START = 2,
	PM_CLS_OTHER_START = 4,
};

/* Collects notes in a growable array in the hotfix arena. */
struct pm_notes {
	struct pm_report *rep;
	struct pm_arena *arena;
	size_t cap;
	struct pm_phrase_index blameful;
	struct pm_phrase_index vague;
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

/* Character classes for the phrase search, ASCII only: the C library's
 * would answer the same (pmcheck runs in the C locale) at the price of a
 * call per byte, and this loop sees every byte of every free-text value. */
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

static void
pm_phrase_index_build(struct pm_phrase_index *ix, const char *const *phrases,
                      struct pm_arena *arena)
{
	ix->n = 0;
	while (phrases && phrases[ix->n])
		ix->n++;
	ix->p = ix->n ? pm_arena_alloc(arena, ix->n * sizeof(*ix->p)) : NULL;
	/* PM_PHRASE_END is all bits set. */
	memset(ix->word, 0xff, sizeof(ix->word));
	memset(ix->other, 0xff, sizeof(ix->other));
	ix->space = PM_PHRASE_END;
	for (size_t b = 0; b < 256; b++)
		ix->cls[b] = pm_word_char((unsigned char)b) ? PM_CLS_WORD : 0;
	for (size_t k = ix->n; k-- > 0;) {
		const char *t = phrases[k];
		size_t len = strlen(t);
		struct pm_phrase *ph = &ix->p[k];
		ph->text = t;
		if (len == 0) {
			/* An empty phrase would match everywhere; it names nothing. */
			ph->next = PM_PHRASE_END;
			continue;
		}
		ph->word_start = pm_note_alnum((unsigned char)t[0]);
		ph->word_end = pm_note_alnum((unsigned char)t[len - 1]);
		unsigned char first = pm_note_lower((unsigned char)t[0]);
		size_t *chain;
		if (t[0] == ' ') {
			chain = &ix->space;
			for (unsigned b = 0; b < 256; b++)
				if (pm_note_space((unsigned char)b))
					ix->cls[b] |= PM_CLS_OTHER_START;
		} else {
			chain = ph->word_start ? &ix->word[first] : &ix->other[first];
			unsigned flag = ph->word_start ? PM_CLS_WORD_START : PM_CLS_OTHER_START;
			/* Both cases of a letter start the phrase. */
			for (unsigned b = first >= 'a' && first <= 'z' ? first - 32u : first;
			     b <= first; b += 32)
				ix->cls[b] |= (unsigned char)flag;
		}
		/* Backwards, so that every chain lists its phrases in list order. */
		ph->next = *chain;
		*chain = k;
	}
}

/*
 * Whether phrase PH matches S at I (not past END), case-insensitively and
 * as whole words, a space in the phrase matching any run of white space (a
 * phrase may be wrapped across lines of a block scalar).  The match length
 * goes to *LEN.
 */
static bool
pm_phrase_at(const char *s, size_t i, size_t end, const struct pm_phrase *ph,
             size_t *len)
{
	if (ph->word_start && i > 0 && pm_word_char((unsigned char)s[i - 1]))
		return false;
	size_t j = i;
	const char *p = ph->text;
	while (*p && j < end) {
		unsigned char c = (unsigned char)s[j];
		if (*p == ' ') {
			if (!pm_note_space(c))
				return false;
			while (j < end && pm_note_space((unsigned char)s[j]))
				j++;
			p++;
		} else if (pm_note_lower(c) == pm_note_lower((unsigned char)*p)) {
			j++;
			p++;
		} else {
			return false;
		}
	}
	if (*p != '\0')
		return false;
	if (j < end && pm_word_char((unsigned char)s[j]) && ph->word_end)
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
	if (path->index == PM_PHRASE_END)
		return pm_arena_printf(ns->arena, "%s%s", path->base, path->suffix);
	return pm_arena_printf(ns->arena, "%s[%zu]%s", path->base, path->index,
	                       path->suffix);
}

static void
pm_phrase_note(struct pm_notes *ns, const struct pm_note_path *path,
               const struct pm_phrase_kind *kind, const char *phrase,
               size_t at, const char **field)
{
	struct pm_pos pos = pm_hotfix_pos(ns->rep->hf, (uint32_t)at);
	if (*field == NULL)
		*field = pm_note_path_str(ns, path);
	pm_note_add(ns, kind->code, *field, pos,
	    pm_arena_printf(ns->arena, "%s \"%s\": %s", kind->label, phrase,
	        kind->advice));
}

/*
 * Notes for the listed phrases found in the value's source text: one per
 * occurrence, occurrences of one phrase never overlapping; or, for a
 * FIRST_ONLY kind, one note for the first phrase of the list that occurs,
 * at its first occurrence.
 */
static void
pm_scan_text(struct pm_notes *ns, const struct pm_value *v,
             const struct pm_note_path *path, struct pm_phrase_index *ix,
             const struct pm_phrase_kind *kind)
{
	const struct pm_hotfix *hf = ns->rep->hf;
	if (v->type != PM_V_STR || ix->n == 0 || v->end <= v->start ||
	    v->end > hf->src_len)
		return;
	const char *s = hf->src;
	size_t end = v->end;
	const char *field = NULL;
	/* A FIRST_ONLY kind keeps the lowest phrase index seen so far: a
	 * phrase is looked at only while it could still lower it, so BEST_AT
	 * ends at the first occurrence of the first phrase that occurs. */
	size_t best = ix->n, best_at = 0;
	for (size_t k = 0; k < ix->n; k++)
		ix->p[k].resume = v->start;
	bool after_word = v->start > 0 && pm_word_char((unsigned char)s[v->start - 1]);
	for (size_t i = v->start; i < end; i++) {
		unsigned char c = (unsigned char)s[i];
		unsigned f = ix->cls[c];
		bool inside = after_word;
		after_word = (f & PM_CLS_WORD) != 0;
		/* Most bytes start no phrase that could match here. */
		if (!(f & PM_CLS_OTHER_START) && (inside || !(f & PM_CLS_WORD_START)))
			continue;
		unsigned char l = pm_note_lower(c);
		size_t chains[3] = {
			inside ? PM_PHRASE_END : ix->word[l],
			ix->other[l],
			pm_note_space(c) ? ix->space : PM_PHRASE_END,
		};
		for (size_t h = 0; h < 3; h++) {
			for (size_t k = chains[h]; k != PM_PHRASE_END; k = ix->p[k].next) {
				struct pm_phrase *ph = &ix->p[k];
				size_t len;
				if (k >= best || i < ph->resume || !pm_phrase_at(s, i, end, ph, &len))
					continue;
				if (kind->first_only) {
					best = k;
					best_at = i;
					continue;
				}
				pm_phrase_note(ns, path, kind, ph->text, i, &field);
				ph->resume = i + len;
			}
		}
	}
	if (kind->first_only && best < ix->n)
		pm_phrase_note(ns, path, kind, ix->p[best].text, best_at, &field);
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
		pm_scan_text(ns, &hf->f[pm_text_fields[i]], &path, &ns->blameful,
		             &pm_blameful_kind);
	}

	const struct pm_value *risks = &hf->f[PM_F_FIX_RISKS];
	for (size_t i = 0; i < risks->count; i++) {
		struct pm_note_path path = { "fix.risks", i, "" };
		pm_scan_text(ns, &risks->items[i], &path, &ns->blameful,
		             &pm_blameful_kind);
	}

	const struct pm_value *tl = &hf->f[PM_F_TIMELINE];
	for (size_t i = 0; i < tl->count; i++) {
		struct pm_note_path path = { "timeline", i, ".event" };
		pm_scan_text(ns, &tl->items[i].items[PM_EVENT_EVENT], &path,
		             &ns->blameful, &pm_blameful_kind);
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
		pm_scan_text(ns, title, &title_path, &ns->vague, &pm_vague_kind);
		pm_scan_text(ns, title, &title_path, &ns->blameful, &pm_blameful_kind);
		const char *path = NULL;
		for (size_t k = 0; k < sizeof(required) / sizeof(required[0]); k++) {
			if (item->items[required[k].field].type != PM_V_NONE)
				continue;
			if (path == NULL)
				path = pm_arena_printf(ns->arena, "action_items[%zu]", i);
			pm_note_add(ns, required[k].code, path, item->pos,
			            required[k].message);
		}
		const struct pm_value *due = &item->items[PM_ACTION_DUE];
		if (due->type == PM_V_TIME && pm_floor_div(due->u.t.epoch, 86400) < today)
			pm_note_add(ns, "action_overdue",
			    pm_arena_printf(ns->arena, "action_items[%zu].due", i), due->pos,
			    pm_arena_printf(ns->arena,
			        "action item was due on %s, which has passed", due->s));
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
		    pm_arena_printf(ns->arena,
		        "a %s event needs a timeline: add when it started, was "
		        "detected, mitigated and resolved", sev->s));

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
			    pm_arena_printf(ns->arena, "%s is earlier than %s",
			        pm_fields[order[i].later].path,
			        pm_fields[order[i].earlier].path));
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

/* A post-mortem that is needed, has no link or waiver, and is past its due
 * day is the one that quietly never happens. */
static void
pm_notes_due(struct pm_notes *ns, int64_t today)
{
	const struct pm_report *rep = ns->rep;
	if (rep->verdict < PM_VERDICT_RECOMMENDED || rep->satisfied ||
	    !rep->has_due || rep->due_day >= today)
		return;
	int64_t y;
	unsigned m, d;
	pm_civil_from_days(rep->due_day, &y, &m, &d);
	pm_note_add(ns, "postmortem_overdue",
	    rep->due_from_input ? "postmortem.due" : NULL, rep->due_pos,
	    pm_arena_printf(ns->arena, "the post-mortem was due on %04lld-%02u-%02u%s "
	        "and has no postmortem.link or waiver yet", (long long)y, m, d,
	        rep->due_from_input ? "" : " (from severity)"));
}

void
pm_notes_build(struct pm_report *rep, const struct pm_policy *policy,
               int64_t today)
{
	struct pm_notes ns = {
		.rep = rep,
		.arena = (struct pm_arena *)&rep->hf->arena,
	};
	pm_phrase_index_build(&ns.blameful, policy->blameful, ns.arena);
	pm_phrase_index_build(&ns.vague, policy->vague, ns.arena);
	pm_notes_due(&ns, today);
	pm_notes_timeline(&ns);
	pm_notes_blame(&ns);
	pm_notes_actions(&ns, today);

	/* Notes are read top to bottom, like the file.  The comparison orders
	 * every field, so the result is the same on every libc. */
	if (rep->nnotes > 1)
		qsort(rep->notes, rep->nnotes, sizeof(*rep->notes), pm_note_cmp);
}
