/*
 * The schema of the hotfix format and the model's small services: finding a
 * field by path, turning a byte offset into a line and column, and deriving
 * facts (duration, time to detect, who detected it) from the parsed values.
 *
 * The schema is one table indexed by enum pm_field.  The parser, the rules
 * engine and the documentation all read it, so the format is described in
 * exactly one place.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "pm_model.h"

static const struct pm_enum_value pm_kind_values[] = {
	{ "hotfix", NULL }, { "incident", NULL }, { "downtime", NULL },
	{ NULL, NULL },
};

/* The sevN names come first so that the enum index of a canonical value is
 * its severity number minus one. */
static const struct pm_enum_value pm_severity_values[] = {
	{ "sev1", NULL }, { "sev2", NULL }, { "sev3", NULL }, { "sev4", NULL },
	{ "critical", "sev1" }, { "high", "sev2" }, { "medium", "sev3" },
	{ "low", "sev4" },
	{ NULL, NULL },
};

static const struct pm_enum_value pm_detected_by_values[] = {
	{ "monitoring", NULL }, { "customer", NULL }, { "support", NULL },
	{ "engineer", NULL }, { "other", NULL },
	{ NULL, NULL },
};

static const struct pm_enum_value pm_category_values[] = {
	{ "regression", NULL }, { "configuration", NULL }, { "dependency", NULL },
	{ "capacity", NULL }, { "data", NULL }, { "infrastructure", NULL },
	{ "security", NULL }, { "third_party", NULL }, { "process", NULL },
	{ "unknown", NULL },
	{ NULL, NULL },
};

static const struct pm_enum_value pm_fix_type_values[] = {
	{ "patch", NULL }, { "rollback", NULL }, { "config", NULL },
	{ "feature_flag", NULL }, { "data_repair", NULL }, { "workaround", NULL },
	{ "infrastructure", NULL },
	{ NULL, NULL },
};

static const struct pm_enum_value pm_role_values[] = {
	{ "owner", NULL }, { "responder", NULL }, { "consulted", NULL },
	{ NULL, NULL },
};

static const struct pm_enum_value pm_action_type_values[] = {
	{ "prevent", NULL }, { "detect", NULL }, { "mitigate", NULL },
	{ "process", NULL },
	{ NULL, NULL },
};

static const struct pm_field_def pm_team_fields[PM_TEAM_COUNT] = {
	[PM_TEAM_NAME] = { .path = "name", .name = "name", .type = PM_FT_STR,
		.required = true, .doc = "team name" },
	[PM_TEAM_ROLE] = { .path = "role", .name = "role", .type = PM_FT_ENUM,
		.values = pm_role_values, .doc = "owner, responder or consulted" },
};

static const struct pm_field_def pm_action_fields[PM_ACTION_COUNT] = {
	[PM_ACTION_TITLE] = { .path = "title", .name = "title", .type = PM_FT_STR,
		.required = true, .doc = "what will be done" },
	[PM_ACTION_OWNER] = { .path = "owner", .name = "owner", .type = PM_FT_STR,
		.doc = "who makes it happen" },
	[PM_ACTION_DUE] = { .path = "due", .name = "due", .type = PM_FT_DATE,
		.doc = "date it is due, YYYY-MM-DD" },
	[PM_ACTION_TYPE] = { .path = "type", .name = "type", .type = PM_FT_ENUM,
		.values = pm_action_type_values,
		.doc = "prevent, detect, mitigate or process" },
	[PM_ACTION_TICKET] = { .path = "ticket", .name = "ticket", .type = PM_FT_STR,
		.doc = "tracking ticket" },
};

static const struct pm_field_def pm_event_fields[PM_EVENT_COUNT] = {
	[PM_EVENT_AT] = { .path = "at", .name = "at", .type = PM_FT_TIME,
		.required = true, .doc = "when, ISO 8601" },
	[PM_EVENT_EVENT] = { .path = "event", .name = "event", .type = PM_FT_STR,
		.required = true, .doc = "what happened" },
};

static const struct pm_field_def pm_similar_fields[PM_SIMILAR_COUNT] = {
	[PM_SIMILAR_LABEL] = { .path = "label", .name = "label", .type = PM_FT_STR,
		.doc = "the past incident's id, else its file name" },
	[PM_SIMILAR_TITLE] = { .path = "title", .name = "title", .type = PM_FT_STR,
		.doc = "its title" },
	[PM_SIMILAR_WHEN] = { .path = "when", .name = "when", .type = PM_FT_TIME,
		.doc = "when it was detected (else resolved, else started)" },
	[PM_SIMILAR_FILE] = { .path = "file", .name = "file", .type = PM_FT_STR,
		.doc = "the history file it was read from" },
};

#define TOP(id, n, t, ...) \
	[id] = { .path = n, .name = n, .parent = PM_F_NONE, .type = t, __VA_ARGS__ }
#define SUB(id, par, p, n, t, ...) \
	[id] = { .path = p "." n, .name = n, .parent = par, .type = t, __VA_ARGS__ }
/* 2^53: the largest integer a JSON consumer holds exactly. */
#define PM_INT_MAX 9007199254740992.0

const struct pm_field_def pm_fields[PM_F_COUNT] = {
	TOP(PM_F_PMCHECK, "pmcheck", PM_FT_INT, .min = 1, .max = 1,
	    .doc = "format version; only 1 exists"),
	TOP(PM_F_ID, "id", PM_FT_STR, .doc = "ticket key, e.g. HF-2041"),
	TOP(PM_F_TITLE, "title", PM_FT_STR, .required = true,
	    .doc = "one line"),
	TOP(PM_F_KIND, "kind", PM_FT_ENUM, .values = pm_kind_values,
	    .dflt = "hotfix", .doc = "hotfix, incident or downtime"),
	TOP(PM_F_SEVERITY, "severity", PM_FT_ENUM, .values = pm_severity_values,
	    .dflt = "sev3", .doc = "sev1 (worst) to sev4"),
	TOP(PM_F_SERVICE, "service", PM_FT_STR, .doc = "main service affected"),
	TOP(PM_F_COMPONENTS, "components", PM_FT_STR_LIST,
	    .doc = "parts of the service touched"),
	TOP(PM_F_SUMMARY, "summary", PM_FT_STR, .doc = "what happened"),
	TOP(PM_F_STARTED_AT, "started_at", PM_FT_TIME, .doc = "when it began"),
	TOP(PM_F_DETECTED_AT, "detected_at", PM_FT_TIME,
	    .doc = "when it was noticed"),
	TOP(PM_F_RESOLVED_AT, "resolved_at", PM_FT_TIME,
	    .doc = "when the fix was live"),
	TOP(PM_F_DETECTED_BY, "detected_by", PM_FT_ENUM,
	    .values = pm_detected_by_values, .doc = "who noticed first"),
	TOP(PM_F_IMPACT, "impact", PM_FT_MAP, .doc = "what it did to users"),
	SUB(PM_F_IMPACT_CUSTOMER_FACING, PM_F_IMPACT, "impact", "customer_facing",
	    PM_FT_BOOL, .doc = "customers could see it"),
	SUB(PM_F_IMPACT_USERS_AFFECTED, PM_F_IMPACT, "impact", "users_affected",
	    PM_FT_INT, .min = 0, .max = PM_INT_MAX, .doc = "how many users"),
	SUB(PM_F_IMPACT_USER_FLOWS, PM_F_IMPACT, "impact", "user_flows",
	    PM_FT_STR_LIST, .doc = "journeys hit: login, checkout, ..."),
	SUB(PM_F_IMPACT_DATA_LOSS, PM_F_IMPACT, "impact", "data_loss",
	    PM_FT_BOOL, .doc = "data was lost"),
	SUB(PM_F_IMPACT_SECURITY, PM_F_IMPACT, "impact", "security",
	    PM_FT_BOOL, .doc = "security was affected"),
	SUB(PM_F_IMPACT_REVENUE, PM_F_IMPACT, "impact", "revenue",
	    PM_FT_BOOL, .doc = "revenue was lost"),
	SUB(PM_F_IMPACT_SLO_BREACHED, PM_F_IMPACT, "impact", "slo_breached",
	    PM_FT_BOOL, .doc = "an SLO was breached"),
	SUB(PM_F_IMPACT_ERROR_BUDGET_USED, PM_F_IMPACT, "impact",
	    "error_budget_used", PM_FT_NUM, .min = 0, .max = 1,
	    .doc = "fraction of the error budget burned, 0..1"),
	SUB(PM_F_IMPACT_DESCRIPTION, PM_F_IMPACT, "impact", "description",
	    PM_FT_STR, .doc = "impact in words"),
	TOP(PM_F_ROOT_CAUSE, "root_cause", PM_FT_MAP, .doc = "why it happened"),
	SUB(PM_F_ROOT_CAUSE_KNOWN, PM_F_ROOT_CAUSE, "root_cause", "known",
	    PM_FT_BOOL, .doc = "the root cause is understood"),
	SUB(PM_F_ROOT_CAUSE_CATEGORY, PM_F_ROOT_CAUSE, "root_cause", "category",
	    PM_FT_ENUM, .values = pm_category_values, .doc = "kind of cause"),
	SUB(PM_F_ROOT_CAUSE_DESCRIPTION, PM_F_ROOT_CAUSE, "root_cause",
	    "description", PM_FT_STR, .doc = "the cause in words"),
	TOP(PM_F_RECURRENCE, "recurrence", PM_FT_MAP,
	    .doc = "has it happened before"),
	SUB(PM_F_RECURRENCE_PREVIOUS_OCCURRENCES, PM_F_RECURRENCE, "recurrence",
	    "previous_occurrences", PM_FT_INT, .min = 0, .max = PM_INT_MAX,
	    .doc = "times the same problem happened before"),
	SUB(PM_F_RECURRENCE_RELATED, PM_F_RECURRENCE, "recurrence", "related",
	    PM_FT_STR_LIST, .doc = "ids of earlier incidents"),
	SUB(PM_F_RECURRENCE_PERMANENT_FIX, PM_F_RECURRENCE, "recurrence",
	    "permanent_fix", PM_FT_BOOL,
	    .doc = "false: the fix is a workaround"),
	TOP(PM_F_TEAMS, "teams", PM_FT_MAP_LIST, .items = pm_team_fields,
	    .nitems = PM_TEAM_COUNT, .scalar_item = true,
	    .doc = "teams that worked on detection or fix"),
	TOP(PM_F_FIX, "fix", PM_FT_MAP, .doc = "the fix that shipped"),
	SUB(PM_F_FIX_TYPE, PM_F_FIX, "fix", "type", PM_FT_ENUM,
	    .values = pm_fix_type_values, .doc = "kind of fix"),
	SUB(PM_F_FIX_REVIEWED, PM_F_FIX, "fix", "reviewed", PM_FT_BOOL,
	    .doc = "the fix was reviewed"),
	SUB(PM_F_FIX_TESTS_ADDED, PM_F_FIX, "fix", "tests_added", PM_FT_BOOL,
	    .doc = "tests cover the fix"),
	SUB(PM_F_FIX_ROLLBACK_PLAN, PM_F_FIX, "fix", "rollback_plan", PM_FT_BOOL,
	    .doc = "there is a way back"),
	SUB(PM_F_FIX_SKIPPED_STEPS, PM_F_FIX, "fix", "skipped_steps",
	    PM_FT_STR_LIST, .doc = "normal steps bypassed for speed"),
	SUB(PM_F_FIX_RISKS, PM_F_FIX, "fix", "risks", PM_FT_STR_LIST,
	    .doc = "new risks the fix brings"),
	SUB(PM_F_FIX_CHANGES, PM_F_FIX, "fix", "changes", PM_FT_STR_LIST,
	    .doc = "PR or commit links"),
	TOP(PM_F_STAKEHOLDERS, "stakeholders", PM_FT_MAP,
	    .doc = "who needs to know"),
	SUB(PM_F_STAKEHOLDERS_NOTIFIED, PM_F_STAKEHOLDERS, "stakeholders",
	    "notified", PM_FT_STR_LIST, .doc = "who was told"),
	SUB(PM_F_STAKEHOLDERS_REQUESTED_BY, PM_F_STAKEHOLDERS, "stakeholders",
	    "requested_by", PM_FT_STR_LIST,
	    .doc = "who asked for an explanation or a review"),
	SUB(PM_F_STAKEHOLDERS_EXTERNAL_COMMUNICATION, PM_F_STAKEHOLDERS,
	    "stakeholders", "external_communication", PM_FT_BOOL,
	    .doc = "customers or status page were told"),
	SUB(PM_F_STAKEHOLDERS_REGULATORY, PM_F_STAKEHOLDERS, "stakeholders",
	    "regulatory", PM_FT_BOOL, .doc = "a regulator must be told"),
	SUB(PM_F_STAKEHOLDERS_LEADERSHIP, PM_F_STAKEHOLDERS, "stakeholders",
	    "leadership", PM_FT_BOOL, .doc = "leadership is involved"),
	TOP(PM_F_ACTION_ITEMS, "action_items", PM_FT_MAP_LIST,
	    .items = pm_action_fields, .nitems = PM_ACTION_COUNT,
	    .doc = "follow-up work"),
	TOP(PM_F_TIMELINE, "timeline", PM_FT_MAP_LIST, .items = pm_event_fields,
	    .nitems = PM_EVENT_COUNT, .doc = "what happened when"),
	TOP(PM_F_POSTMORTEM, "postmortem", PM_FT_MAP,
	    .doc = "the post-mortem itself"),
	SUB(PM_F_POSTMORTEM_REQUESTED, PM_F_POSTMORTEM, "postmortem", "requested",
	    PM_FT_BOOL, .doc = "someone asked for a post-mortem"),
	SUB(PM_F_POSTMORTEM_WAIVED, PM_F_POSTMORTEM, "postmortem", "waived",
	    PM_FT_STR, .doc = "why it is waived, and by whom"),
	SUB(PM_F_POSTMORTEM_LINK, PM_F_POSTMORTEM, "postmortem", "link",
	    PM_FT_STR, .doc = "where the post-mortem lives"),
	SUB(PM_F_POSTMORTEM_OWNER, PM_F_POSTMORTEM, "postmortem", "owner",
	    PM_FT_STR, .doc = "who runs it"),
	SUB(PM_F_POSTMORTEM_DUE, PM_F_POSTMORTEM, "postmortem", "due",
	    PM_FT_DATE, .doc = "when it is due, YYYY-MM-DD"),
	TOP(PM_F_DERIVED, "derived", PM_FT_MAP, .computed = true,
	    .doc = "facts computed from the input"),
	SUB(PM_F_DERIVED_DURATION_MINUTES, PM_F_DERIVED, "derived",
	    "duration_minutes", PM_FT_INT, .computed = true,
	    .doc = "resolved_at minus started_at (or detected_at)"),
	SUB(PM_F_DERIVED_TIME_TO_DETECT_MINUTES, PM_F_DERIVED, "derived",
	    "time_to_detect_minutes", PM_FT_INT, .computed = true,
	    .doc = "detected_at minus started_at"),
	SUB(PM_F_DERIVED_MONITORING_MISSED, PM_F_DERIVED, "derived",
	    "monitoring_missed", PM_FT_BOOL, .computed = true,
	    .doc = "detected_by is given and is not monitoring"),
	SUB(PM_F_DERIVED_HELPING_TEAMS, PM_F_DERIVED, "derived", "helping_teams",
	    PM_FT_INT, .computed = true,
	    .doc = "teams with role responder or consulted"),
	SUB(PM_F_DERIVED_SIMILAR_INCIDENTS, PM_F_DERIVED, "derived",
	    "similar_incidents", PM_FT_MAP_LIST, .computed = true,
	    .items = pm_similar_fields, .nitems = PM_SIMILAR_COUNT,
	    .doc = "past incidents of --history with the same service and a "
	           "shared component or root-cause category"),
};

enum pm_field
pm_field_find(const char *path)
{
	for (int i = 1; i < PM_F_COUNT; i++)
		if (strcmp(pm_fields[i].path, path) == 0)
			return (enum pm_field)i;
	return PM_F_NONE;
}

void
pm_hotfix_init(struct pm_hotfix *hf)
{
	memset(hf, 0, sizeof(*hf));
	pm_arena_init(&hf->arena);
}

void
pm_hotfix_clear(struct pm_hotfix *hf)
{
	pm_arena_reset(&hf->arena);
	memset(hf->f, 0, sizeof(hf->f));
	hf->src = NULL;
	hf->src_len = 0;
	hf->nlines = 0;
	hf->nchars = 0;
}

void
pm_hotfix_free(struct pm_hotfix *hf)
{
	if (hf == NULL)
		return;
	pm_arena_free(&hf->arena);
	free(hf->lines);
	free(hf->chars);
	pm_hotfix_init(hf);
}

static void
pm_u32_push(uint32_t **arr, size_t *len, size_t *cap, uint32_t v)
{
	if (*len == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		*arr = pm_xrealloc(*arr, *cap * sizeof(**arr));
	}
	(*arr)[(*len)++] = v;
}

static bool
pm_is_cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

/* Characters that start in S[0..N): the bytes that do not continue one.
 * Eight bytes at a time, since columns of non-ASCII text count here: a
 * continuation byte has its top bit set and the next bit clear, and the
 * multiplication adds up the eight 0-or-1 bytes in the top one. */
static uint32_t
pm_count_chars(const unsigned char *s, size_t n)
{
	uint32_t chars = (uint32_t)n;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, sizeof(w));
		uint64_t cont = w & ~(w << 1) & 0x8080808080808080u;
		chars -= (uint32_t)(((cont >> 7) * 0x0101010101010101u) >> 56);
	}
	for (; i < n; i++)
		chars -= pm_is_cont(s[i]);
	return chars;
}

void
pm_hotfix_index(struct pm_hotfix *hf, const char *src, size_t len)
{
	const unsigned char *s = (const unsigned char *)src;
	hf->src = src;
	hf->src_len = len;
	hf->nlines = 0;
	hf->nchars = 0;
	/* A UTF-8 byte order mark is skipped by libyaml without counting a
	 * column, so line 1 starts after it. */
	size_t i = (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) ? 3 : 0;
	pm_u32_push(&hf->lines, &hf->nlines, &hf->lines_cap, (uint32_t)i);
	uint32_t chars = 0;
	for (size_t k = 0; k < len; k += PM_CHAR_STEP) {
		pm_u32_push(&hf->chars, &hf->nchars, &hf->chars_cap, chars);
		size_t to = len - k < PM_CHAR_STEP ? len : k + PM_CHAR_STEP;
		chars += pm_count_chars(s + k, to - k);
	}
	pm_u32_push(&hf->chars, &hf->nchars, &hf->chars_cap, chars);
	/* Most files end their lines with LF alone and hold neither NEL nor
	 * U+2028/9: then memchr() finds every line, several bytes a step. */
	if (memchr(s, '\r', len) == NULL && memchr(s, 0xC2, len) == NULL &&
	    memchr(s, 0xE2, len) == NULL) {
		const unsigned char *nl;
		while (i < len && (nl = memchr(s + i, '\n', len - i)) != NULL) {
			i = (size_t)(nl - s) + 1;
			pm_u32_push(&hf->lines, &hf->nlines, &hf->lines_cap, (uint32_t)i);
		}
		return;
	}
	while (i < len) {
		unsigned char c = s[i++];
		/* Most bytes are none of the four that can end a line. */
		if (c > '\r' && c != 0xC2 && c != 0xE2)
			continue;
		bool brk = c == '\n' || c == '\r';
		if (c == '\r' && i < len && s[i] == '\n')
			i++;
		/* NEL is C2 85; U+2028/9 are E2 80 A8/A9. */
		if (c == 0xC2 && i < len && s[i] == 0x85) {
			i++;
			brk = true;
		} else if (c == 0xE2 && i + 1 < len && s[i] == 0x80 &&
		           (s[i + 1] == 0xA8 || s[i + 1] == 0xA9)) {
			i += 2;
			brk = true;
		}
		if (brk)
			pm_u32_push(&hf->lines, &hf->nlines, &hf->lines_cap, (uint32_t)i);
	}
}

/* The end of checkpoint block K: where block K + 1 starts, or the end of
 * the source. */
static size_t
pm_block_end(const struct pm_hotfix *hf, size_t k)
{
	size_t to = (k + 1) * PM_CHAR_STEP;
	return to < hf->src_len ? to : hf->src_len;
}

/* True when no byte of checkpoint block K continues a character, so that
 * inside it bytes and characters count alike: all of an ASCII file's blocks,
 * and most of any other's.  Offsets and columns then need no scan. */
static bool
pm_block_plain(const struct pm_hotfix *hf, size_t k)
{
	return k + 1 < hf->nchars &&
	       hf->chars[k + 1] - hf->chars[k] == pm_block_end(hf, k) - k * PM_CHAR_STEP;
}

/* Characters in the source before byte X: a checkpoint, then at most
 * PM_CHAR_STEP bytes, none in a plain block. */
static uint32_t
pm_chars_before(const struct pm_hotfix *hf, size_t x)
{
	size_t k = x / PM_CHAR_STEP;
	if (k >= hf->nchars)
		k = hf->nchars - 1;
	uint32_t n = hf->chars[k];
	size_t from = k * PM_CHAR_STEP, to = x < hf->src_len ? x : hf->src_len;
	if (to <= from)
		return n;
	if (pm_block_plain(hf, k))
		return n + (uint32_t)(to - from);
	return n + pm_count_chars((const unsigned char *)hf->src + from, to - from);
}

struct pm_pos
pm_hotfix_pos(const struct pm_hotfix *hf, uint32_t offset)
{
	struct pm_pos pos = { 0, 0 };
	if (hf->nlines == 0 || hf->nchars == 0)
		return pos;
	if (offset > hf->src_len)
		offset = (uint32_t)hf->src_len;
	/* Binary search for the last line starting at or before OFFSET. */
	size_t lo = 0, hi = hf->nlines;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (hf->lines[mid] <= offset)
			lo = mid;
		else
			hi = mid;
	}
	uint32_t start = hf->lines[lo];
	pos.line = (uint32_t)lo + 1;
	/* Columns count characters, as libyaml's marks do. */
	pos.column = offset > start ?
	    pm_chars_before(hf, offset) - pm_chars_before(hf, start) + 1 : 1;
	return pos;
}

uint32_t
pm_hotfix_offset(const struct pm_hotfix *hf, size_t line, size_t column)
{
	if (line >= hf->nlines || hf->nchars == 0)
		return (uint32_t)hf->src_len;
	size_t start = hf->lines[line];
	uint32_t target = pm_chars_before(hf, start) + (uint32_t)column;
	/* The last checkpoint at or after START that does not pass TARGET. */
	size_t lo = start / PM_CHAR_STEP, hi = hf->nchars;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (hf->chars[mid] <= target)
			lo = mid;
		else
			hi = mid;
	}
	size_t i = lo * PM_CHAR_STEP > start ? lo * PM_CHAR_STEP : start;
	uint32_t n = pm_chars_before(hf, i);
	while (i < hf->src_len && pm_is_cont((unsigned char)hf->src[i]))
		i++;
	if (pm_block_plain(hf, lo) && i < pm_block_end(hf, lo)) {
		/* One byte per character up to the block's end. */
		size_t step = pm_block_end(hf, lo) - i;
		if (step > target - n)
			step = target - n;
		i += step;
		n += (uint32_t)step;
		while (i < hf->src_len && pm_is_cont((unsigned char)hf->src[i]))
			i++;
	}
	while (n < target && i < hf->src_len) {
		i++;
		while (i < hf->src_len && pm_is_cont((unsigned char)hf->src[i]))
			i++;
		n++;
	}
	/* The last checkpoint stands at the end of the source, which need not
	 * be a multiple of the step: never answer past the end. */
	return (uint32_t)(i < hf->src_len ? i : hf->src_len);
}

const struct pm_value *
pm_hotfix_get(const struct pm_hotfix *hf, const char *path)
{
	enum pm_field f = pm_field_find(path);
	return f == PM_F_NONE ? NULL : &hf->f[f];
}

static void
pm_set_int(struct pm_value *v, int64_t i, struct pm_pos pos)
{
	v->type = PM_V_INT;
	v->u.i = i;
	v->pos = pos;
}

void
pm_hotfix_derive(struct pm_hotfix *hf)
{
	const struct pm_value *started = &hf->f[PM_F_STARTED_AT];
	const struct pm_value *detected = &hf->f[PM_F_DETECTED_AT];
	const struct pm_value *resolved = &hf->f[PM_F_RESOLVED_AT];
	const struct pm_value *from = started->type ? started : detected;

	/* A span that runs backwards is a typo the notes point out; it gives
	 * no duration rather than a negative one. */
	if (from->type && resolved->type && resolved->u.t.epoch >= from->u.t.epoch)
		pm_set_int(&hf->f[PM_F_DERIVED_DURATION_MINUTES],
		           (resolved->u.t.epoch - from->u.t.epoch) / 60, resolved->pos);
	if (started->type && detected->type &&
	    detected->u.t.epoch >= started->u.t.epoch)
		pm_set_int(&hf->f[PM_F_DERIVED_TIME_TO_DETECT_MINUTES],
		           (detected->u.t.epoch - started->u.t.epoch) / 60,
		           detected->pos);

	const struct pm_value *by = &hf->f[PM_F_DETECTED_BY];
	if (by->type) {
		struct pm_value *m = &hf->f[PM_F_DERIVED_MONITORING_MISSED];
		m->type = PM_V_BOOL;
		m->u.b = strcmp(by->s, "monitoring") != 0;
		m->pos = by->pos;
		m->s = m->u.b ? "true" : "false";
		m->len = strlen(m->s);
	}

	const struct pm_value *teams = &hf->f[PM_F_TEAMS];
	if (teams->type) {
		int64_t helping = 0;
		for (size_t i = 0; i < teams->count; i++) {
			const struct pm_value *role = &teams->items[i].items[PM_TEAM_ROLE];
			if (role->type && strcmp(role->s, "owner") != 0)
				helping++;
		}
		pm_set_int(&hf->f[PM_F_DERIVED_HELPING_TEAMS], helping, teams->pos);
	}
}

int64_t
pm_floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/* Howard Hinnant's days_from_civil: exact for every proleptic Gregorian
 * date, no tables, no time zone database. */
int64_t
pm_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = pm_floor_div(y, 400);
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
pm_civil_from_days(int64_t z, int64_t *year, unsigned *month, unsigned *day)
{
	z += 719468;
	int64_t era = pm_floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	unsigned d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	unsigned m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*year = y + (m <= 2);
	*month = m;
	*day = d;
}
