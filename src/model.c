/*
 * The schema of the hotfix format and the model's small services: finding a
 * field by path, turning a byte offset into a line and column, and deriving
 * facts (duration, time to detect, who detected it) from the parsed values.
 *
 * The schema is one table indexed by enum pm_field.  The parser, the rules
 * engine and the documentation all read it, so the format is described in
 * exactly one place.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "pm_escape.h"
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

/* The fields of each mapping of the table, and a hash table from (mapping,
 * key) to field, so that reading a key costs a hash and one comparison, not
 * a walk over the table.  Built on first use, once for every thread.  What
 * a lookup compares (the mapping, the length and the first bytes of the
 * name) is kept here, 24 bytes a field, rather than read from the table's
 * 88-byte entries and their name strings: between two inputs the rest of
 * the work pushes this out of the processor's first-level cache, and each
 * key read would pay for three cache lines instead of one. */
#define PM_LOOKUP_SLOTS 256
#define PM_KEY_INLINE 22
_Static_assert(PM_F_COUNT < 256, "field numbers must fit a byte");
_Static_assert(PM_KEY_INLINE >= 16 && PM_KEY_INLINE <= 24,
               "pm_key_equal reads at most three words");
struct pm_child_key {
	uint8_t parent;
	uint8_t len;
	char name[PM_KEY_INLINE];       /* the first bytes of the name */
};
static struct {
	uint8_t idx[PM_F_COUNT];
	uint8_t start[PM_F_COUNT + 1];
	uint8_t slot[PM_LOOKUP_SLOTS];    /* field number, 0: empty */
	struct pm_child_key key[PM_F_COUNT];
	uint8_t nrequired[PM_F_COUNT];    /* required fields of each mapping */
	uint8_t defaults[PM_F_COUNT];     /* fields with a default, in order */
	uint8_t ndefaults;
} pm_children;
static pthread_once_t pm_children_once = PTHREAD_ONCE_INIT;

static size_t
pm_lookup_hash(int parent, const char *key, size_t len)
{
	/* Every field of the table lands in a slot of its own with these
	 * factors (a test checks), so a lookup takes one probe. */
	return ((size_t)parent + len + (unsigned char)key[0] +
	        (unsigned char)key[len - 1] * 23u +
	        (unsigned char)key[len / 2] * 19u) % PM_LOOKUP_SLOTS;
}

static void
pm_children_build(void)
{
	size_t n = 0;
	for (int parent = 0; parent < PM_F_COUNT; parent++) {
		pm_children.start[parent] = (uint8_t)n;
		for (int i = 1; i < PM_F_COUNT; i++)
			if (pm_fields[i].parent == parent && !pm_fields[i].computed) {
				pm_children.idx[n++] = (uint8_t)i;
				pm_children.nrequired[parent] += pm_fields[i].required;
			}
	}
	pm_children.start[PM_F_COUNT] = (uint8_t)n;
	for (int i = 1; i < PM_F_COUNT; i++) {
		const struct pm_field_def *d = &pm_fields[i];
		size_t len = strlen(d->name);
		struct pm_child_key *k = &pm_children.key[i];
		k->parent = (uint8_t)d->parent;
		k->len = (uint8_t)len;
		memcpy(k->name, d->name, len < PM_KEY_INLINE ? len : PM_KEY_INLINE);
		if (d->dflt)
			pm_children.defaults[pm_children.ndefaults++] = (uint8_t)i;
		if (d->computed)
			continue;
		size_t h = pm_lookup_hash(d->parent, d->name, len);
		while (pm_children.slot[h])
			h = (h + 1) % PM_LOOKUP_SLOTS;
		pm_children.slot[h] = (uint8_t)i;
	}
}

/* The difference of the first and of the last W bytes (W is 4 or 8, at
 * most LEN) of A and B: zero when both ends are equal. */
static inline uint64_t
pm_ends_differ(const char *a, const char *b, size_t len, size_t w)
{
	uint64_t x0 = 0, y0 = 0, x1 = 0, y1 = 0;
	memcpy(&x0, a, w);
	memcpy(&y0, b, w);
	memcpy(&x1, a + len - w, w);
	memcpy(&y1, b + len - w, w);
	return (x0 ^ y0) | (x1 ^ y1);
}

/* Whether the LEN bytes at NAME and at KEY are equal (LEN at most 24): a
 * few word loads a side, each within the LEN bytes, and no loop whose end,
 * different for every key, the branch predictor would miss. */
static bool
pm_key_equal(const char *name, const char *key, size_t len)
{
	if (len >= 8) {
		uint64_t d = pm_ends_differ(name, key, len, 8);
		if (len > 16)
			d |= pm_ends_differ(name + 8, key + 8, 8, 8);
		return d == 0;
	}
	if (len >= 4)
		return pm_ends_differ(name, key, len, 4) == 0;
	return len == 0 || ((name[0] ^ key[0]) | (name[len / 2] ^ key[len / 2]) |
	                    (name[len - 1] ^ key[len - 1])) == 0;
}

size_t
pm_field_children(enum pm_field parent, const uint8_t **fields)
{
	pthread_once(&pm_children_once, pm_children_build);
	*fields = pm_children.idx + pm_children.start[parent];
	return (size_t)(pm_children.start[parent + 1] - pm_children.start[parent]);
}

size_t
pm_field_required(enum pm_field parent)
{
	pthread_once(&pm_children_once, pm_children_build);
	return pm_children.nrequired[parent];
}

size_t
pm_field_defaults(const uint8_t **fields)
{
	pthread_once(&pm_children_once, pm_children_build);
	*fields = pm_children.defaults;
	return pm_children.ndefaults;
}

enum pm_field
pm_field_child(enum pm_field parent, const char *key, size_t len)
{
	pthread_once(&pm_children_once, pm_children_build);
	if (len == 0 || len > UINT8_MAX)
		return PM_F_NONE;
	for (size_t h = pm_lookup_hash((int)parent, key, len);
	     pm_children.slot[h]; h = (h + 1) % PM_LOOKUP_SLOTS) {
		int i = pm_children.slot[h];
		const struct pm_child_key *k = &pm_children.key[i];
		if (k->parent != (uint8_t)parent || k->len != len)
			continue;
		size_t n = len < PM_KEY_INLINE ? len : PM_KEY_INLINE;
		if (pm_key_equal(k->name, key, n) &&
		    (len == n || memcmp(pm_fields[i].name + n, key + n, len - n) == 0))
			return (enum pm_field)i;
	}
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
	hf->nwide = 0;
}

void
pm_hotfix_free(struct pm_hotfix *hf)
{
	if (hf == NULL)
		return;
	pm_arena_free(&hf->arena);
	free(hf->lines);
	free(hf->wide);
	free(hf->scratch);
	pm_hotfix_init(hf);
}

/* Room for N more line starts. */
static void
pm_lines_reserve(struct pm_hotfix *hf, size_t n)
{
	if (hf->lines_cap - hf->nlines >= n)
		return;
	size_t cap = hf->lines_cap ? hf->lines_cap * 2 : 256;
	while (cap - hf->nlines < n)
		cap *= 2;
	hf->lines = pm_xrealloc(hf->lines, cap * sizeof(*hf->lines));
	hf->lines_cap = cap;
}

static void
pm_line_push(struct pm_hotfix *hf, size_t at)
{
	pm_lines_reserve(hf, 1);
	hf->lines[hf->nlines++] = (uint32_t)at;
}

static void
pm_wide_push(struct pm_hotfix *hf, size_t end, size_t chars)
{
	if (hf->nwide == hf->wide_cap) {
		hf->wide_cap = hf->wide_cap ? hf->wide_cap * 2 : 64;
		hf->wide = pm_xrealloc(hf->wide, hf->wide_cap * sizeof(*hf->wide));
	}
	hf->wide[hf->nwide++] = (struct pm_wide){ (uint32_t)end, (uint32_t)chars };
}

bool
pm_yaml_printable(uint32_t c)
{
	return c == 0x09 || c == 0x0A || c == 0x0D || (c >= 0x20 && c <= 0x7E) ||
	       c == 0x85 || (c >= 0xA0 && c <= 0xD7FF) ||
	       (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

/*
 * The index is built eight bytes at a time where the compiler lets us find
 * the lowest flagged byte of a little-endian word: most of a hotfix file is
 * printable ASCII, and a word of it needs a handful of instructions where a
 * byte-by-byte loop needs several per byte.
 */
#if defined(__GNUC__) && defined(__SSE2__) && !defined(PM_INDEX_NO_SIMD) && \
    !defined(PM_INDEX_NO_SSE2)
/* Sixteen bytes a step with SSE2 (every x86-64): one signed comparison
 * flags controls and non-ASCII bytes together, and line feeds are found in
 * the same step, so a line costs a bit test instead of a slow path. */
#include <emmintrin.h>
#define PM_BLOCKWISE 1
#else
#define PM_BLOCKWISE 0
#endif

#if defined(__GNUC__) && defined(__BYTE_ORDER__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && !defined(PM_INDEX_NO_SIMD)
#define PM_WORDWISE 1
#define PM_ONES UINT64_C(0x0101010101010101)

/* The high bit of a byte of the result is set for every byte of W that is
 * not printable ASCII (below 0x20, 0x7F, or 0x80 and up).  The subtractions
 * may also flag a byte above a flagged one (a borrow runs upwards), but the
 * lowest flagged byte is always a real one, and that is the only one used. */
static uint64_t
pm_word_odd(uint64_t w)
{
	uint64_t low = (w - PM_ONES * 0x20) & ~w;
	uint64_t t = w ^ (PM_ONES * 0x7F);
	uint64_t del = (t - PM_ONES) & ~t;
	return (low | del | w) & (PM_ONES * 0x80);
}
#else
#define PM_WORDWISE 0
#endif

/* Stops the index at byte I, which is not allowed: the line it is on is
 * still ended, so that an error there can show that line. */
static size_t
pm_index_stop(struct pm_hotfix *hf, const unsigned char *s, size_t i, size_t len)
{
	for (size_t k = i; k < len; k++)
		if (s[k] == '\n' || s[k] == '\r') {
			pm_line_push(hf, k + 1);
			break;
		}
	return i;
}

size_t
pm_hotfix_index(struct pm_hotfix *hf, const char *src, size_t len)
{
	const unsigned char *s = (const unsigned char *)src;
	hf->src = src;
	hf->src_len = len;
	hf->nlines = 0;
	hf->nwide = 0;
	size_t i = 0, extra = 0;   /* bytes so far that libyaml does not count */
	/* A UTF-8 byte order mark is skipped by libyaml without counting a
	 * character, so line 1 and character 0 start after it. */
	if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) {
		i = extra = 3;
		pm_wide_push(hf, 3, 0);
	}
	pm_line_push(hf, i);
	while (i < len) {
#if PM_BLOCKWISE
		if (len - i >= 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
			__m128i lf = _mm_cmpeq_epi8(v, _mm_set1_epi8('\n'));
			__m128i fine = _mm_or_si128(lf, _mm_cmpeq_epi8(v, _mm_set1_epi8('\t')));
			__m128i odd = _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
			                           _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F)));
			unsigned stop = (unsigned)_mm_movemask_epi8(_mm_andnot_si128(fine, odd));
			unsigned lines = (unsigned)_mm_movemask_epi8(lf);
			size_t plain = stop ? (size_t)__builtin_ctz(stop) : 16;
			if (plain < 16)
				lines &= (1u << plain) - 1;
			/* The first two line feeds are stored without a test
			 * (past the last line start when there are fewer), and
			 * only a third goes through a loop: a loop over each
			 * block's line feeds would end, mispredicted, at a
			 * different place in nearly every block. */
			pm_lines_reserve(hf, 16);
			uint32_t *at = hf->lines + hf->nlines;
			unsigned more = lines & (lines - 1);
			at[0] = (uint32_t)(i + 1 + (size_t)__builtin_ctz(lines | 0x10000u));
			at[1] = (uint32_t)(i + 1 + (size_t)__builtin_ctz(more | 0x10000u));
			hf->nlines += (size_t)(lines != 0) + (size_t)(more != 0);
			for (more &= more - 1; more; more &= more - 1)
				hf->lines[hf->nlines++] =
				    (uint32_t)(i + 1 + (size_t)__builtin_ctz(more));
			i += plain;
			if (plain == 16)
				continue;
		}
#endif
#if PM_WORDWISE
		if (len - i >= 8) {
			uint64_t w;
			memcpy(&w, s + i, sizeof(w));
			uint64_t odd = pm_word_odd(w);
			if (odd == 0) {
				i += 8;
				continue;
			}
			i += (size_t)__builtin_ctzll(odd) / 8;
		}
#endif
		unsigned char c = s[i];
		if (c >= 0x20 && c < 0x7F) {
			i++;
		} else if (c == '\n') {
			pm_line_push(hf, ++i);
		} else if (c == '\r') {
			i += i + 1 < len && s[i + 1] == '\n' ? 2 : 1;
			pm_line_push(hf, i);
		} else if (c == '\t') {
			i++;
		} else if (c < 0x80) {
			return pm_index_stop(hf, s, i, len);
		} else {
			uint32_t cp;
			size_t n = pm_utf8_decode(s + i, len - i, &cp);
			if (n == 0 || !pm_yaml_printable(cp))
				return pm_index_stop(hf, s, i, len);
			i += n;
			extra += n - 1;
			pm_wide_push(hf, i, i - extra);
			/* NEL, U+2028 and U+2029 end a line for libyaml too. */
			if (cp == 0x85 || cp == 0x2028 || cp == 0x2029)
				pm_line_push(hf, i);
		}
	}
	return len;
}

/* The number of the last wide character whose KEY (end or chars) is at or
 * before X, plus one; 0 when there is none. */
static size_t
pm_wide_upto(const struct pm_hotfix *hf, size_t x, bool by_chars)
{
	/* A binary search whose steps are conditional moves, not branches:
	 * which way each step goes is different for every mark. */
	const struct pm_wide *base = hf->wide;
	size_t n = hf->nwide;
	if (n == 0)
		return 0;
	while (n > 1) {
		size_t half = n / 2;
		const struct pm_wide *w = &base[half];
		base = (by_chars ? w->chars : w->end) <= x ? w : base;
		n -= half;
	}
	return (size_t)(base - hf->wide) + ((by_chars ? base->chars : base->end) <= x);
}

/* Characters (as libyaml counts them) before byte X.  A byte inside a wide
 * character counts that character as begun. */
static size_t
pm_chars_before(const struct pm_hotfix *hf, size_t x)
{
	if (x > hf->src_len)
		x = hf->src_len;
	size_t k = pm_wide_upto(hf, x, false);
	size_t end = k ? hf->wide[k - 1].end : 0;
	size_t chars = k ? hf->wide[k - 1].chars : 0;
	size_t n = chars + (x - end);
	if (k < hf->nwide && hf->wide[k].chars > chars) {
		/* The next wide character may have begun before X (the byte
		 * order mark, which is no character, cannot). */
		const struct pm_wide *w = &hf->wide[k];
		size_t lead = end + (w->chars - 1 - chars);
		if (x > lead + 1)
			n -= x - lead - 1;
	}
	return n;
}

uint32_t
pm_hotfix_char_offset(const struct pm_hotfix *hf, size_t index)
{
	size_t off = index;
	if (hf->nwide) {
		size_t k = pm_wide_upto(hf, index, true);
		if (k)
			off = hf->wide[k - 1].end + (index - hf->wide[k - 1].chars);
	}
	return (uint32_t)(off < hf->src_len ? off : hf->src_len);
}

struct pm_pos
pm_hotfix_pos(const struct pm_hotfix *hf, uint32_t offset)
{
	struct pm_pos pos = { 0, 0 };
	if (hf->nlines == 0)
		return pos;
	if (offset > hf->src_len)
		offset = (uint32_t)hf->src_len;
	if (offset < hf->lines[0])
		offset = hf->lines[0];
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
	pos.column = 1 + (uint32_t)(hf->nwide == 0 ? offset - start :
	    pm_chars_before(hf, offset) - pm_chars_before(hf, start));
	return pos;
}

uint32_t
pm_hotfix_offset(const struct pm_hotfix *hf, size_t line, size_t column)
{
	if (line >= hf->nlines)
		return (uint32_t)hf->src_len;
	return pm_hotfix_char_offset(hf,
	    pm_chars_before(hf, hf->lines[line]) + column);
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
