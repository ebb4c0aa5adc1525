/*
 * Review notes: warnings that help a post-mortem stay blame-free and
 * actionable, and never change the verdict.  Each note points at the exact
 * line and column of what it is about; for words inside free text that is
 * found by searching the value's span in the source, so a phrase on the
 * third line of a "summary: |" block is reported on that line.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pm_report.h"

/* Collects notes in a growable array in the hotfix arena. */
struct pm_notes {
	struct pm_report *rep;
	struct pm_arena *arena;
	size_t cap;
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

static bool
pm_word_char(unsigned char c)
{
	/* Hyphens and apostrophes join words: "blame-free" is not "blame". */
	return isalnum(c) || c == '_' || c == '-' || c == '\'' || c >= 0x80;
}

/*
 * Finds PHRASE in S[from..end) case-insensitively, as whole words, with a
 * space in the phrase matching any run of white space (a phrase may be
 * wrapped across lines of a block scalar).  Returns the offset or -1; the
 * match length goes to *LEN.
 */
static long
pm_find_phrase(const char *s, size_t from, size_t end, const char *phrase,
               size_t *len)
{
	bool word_start = isalnum((unsigned char)phrase[0]);
	for (size_t i = from; i < end; i++) {
		if (word_start && i > 0 && pm_word_char((unsigned char)s[i - 1]))
			continue;
		size_t j = i;
		const char *p = phrase;
		while (*p && j < end) {
			if (*p == ' ') {
				if (!isspace((unsigned char)s[j]))
					break;
				while (j < end && isspace((unsigned char)s[j]))
					j++;
				p++;
			} else if (tolower((unsigned char)s[j]) == tolower((unsigned char)*p)) {
				j++;
				p++;
			} else {
				break;
			}
		}
		if (*p != '\0')
			continue;
		if (j < end && pm_word_char((unsigned char)s[j]) &&
		    isalnum((unsigned char)phrase[strlen(phrase) - 1]))
			continue;
		*len = j - i;
		return (long)i;
	}
	return -1;
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

/* One note per listed phrase found in the value's source text. */
static void
pm_scan_text(struct pm_notes *ns, const struct pm_value *v, const char *field,
             const char *const *phrases, const struct pm_phrase_kind *kind)
{
	const struct pm_hotfix *hf = ns->rep->hf;
	if (v->type != PM_V_STR || phrases == NULL || v->end <= v->start ||
	    v->end > hf->src_len)
		return;
	for (size_t k = 0; phrases[k]; k++) {
		size_t from = v->start, len;
		long at;
		while ((at = pm_find_phrase(hf->src, from, v->end, phrases[k], &len)) >= 0) {
			struct pm_pos pos = pm_hotfix_pos(hf, (uint32_t)at);
			pm_note_add(ns, kind->code, field, pos,
			    pm_arena_printf(ns->arena, "%s \"%s\": %s", kind->label,
			        phrases[k], kind->advice));
			if (kind->first_only)
				return;
			from = (size_t)at + len;
		}
	}
}

/* Free-text fields read for blameful wording. */
static const enum pm_field pm_text_fields[] = {
	PM_F_TITLE, PM_F_SUMMARY, PM_F_IMPACT_DESCRIPTION,
	PM_F_ROOT_CAUSE_DESCRIPTION, PM_F_POSTMORTEM_WAIVED,
};

static void
pm_notes_blame(struct pm_notes *ns, const struct pm_policy *policy)
{
	const struct pm_hotfix *hf = ns->rep->hf;
	for (size_t i = 0; i < sizeof(pm_text_fields) / sizeof(pm_text_fields[0]); i++)
		pm_scan_text(ns, &hf->f[pm_text_fields[i]], pm_fields[pm_text_fields[i]].path,
		             policy->blameful, &pm_blameful_kind);

	const struct pm_value *risks = &hf->f[PM_F_FIX_RISKS];
	for (size_t i = 0; i < risks->count; i++)
		pm_scan_text(ns, &risks->items[i],
		             pm_arena_printf(ns->arena, "fix.risks[%zu]", i),
		             policy->blameful, &pm_blameful_kind);

	const struct pm_value *tl = &hf->f[PM_F_TIMELINE];
	for (size_t i = 0; i < tl->count; i++)
		pm_scan_text(ns, &tl->items[i].items[PM_EVENT_EVENT],
		             pm_arena_printf(ns->arena, "timeline[%zu].event", i),
		             policy->blameful, &pm_blameful_kind);
}

static void
pm_notes_actions(struct pm_notes *ns, const struct pm_policy *policy,
                 int64_t today)
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
		const char *path = pm_arena_printf(ns->arena, "action_items[%zu]", i);
		const struct pm_value *title = &item->items[PM_ACTION_TITLE];
		const char *title_path = pm_arena_printf(ns->arena, "%s.title", path);
		pm_scan_text(ns, title, title_path, policy->vague, &pm_vague_kind);
		pm_scan_text(ns, title, title_path, policy->blameful, &pm_blameful_kind);
		for (size_t k = 0; k < sizeof(required) / sizeof(required[0]); k++)
			if (item->items[required[k].field].type == PM_V_NONE)
				pm_note_add(ns, required[k].code, path, item->pos,
				            required[k].message);
		const struct pm_value *due = &item->items[PM_ACTION_DUE];
		if (due->type == PM_V_TIME && pm_floor_div(due->u.t.epoch, 86400) < today)
			pm_note_add(ns, "action_overdue",
			    pm_arena_printf(ns->arena, "%s.due", path), due->pos,
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
	pm_notes_due(&ns, today);
	pm_notes_timeline(&ns);
	pm_notes_blame(&ns, policy);
	pm_notes_actions(&ns, policy, today);

	/* Notes are read top to bottom, like the file.  The comparison orders
	 * every field, so the result is the same on every libc. */
	if (rep->nnotes > 1)
		qsort(rep->notes, rep->nnotes, sizeof(*rep->notes), pm_note_cmp);
}
