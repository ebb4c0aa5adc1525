/*
 * The hotfix model: every key of the input format, as one table of field
 * definitions (the schema) and one array of values indexed by the same enum.
 *
 * The parser fills values by looking keys up in the table; rules, notes and
 * renderers read them by index, or by dotted path for rules written as data.
 * Every value keeps the line and column where it was written and its byte
 * span in the source, so a message can always point into the file.
 */
#ifndef PM_MODEL_H
#define PM_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pm_alloc.h"

/* Where a value stands in the file: 1-based line and column (characters).
 * Line 0 means "not written in the file" (a default, or a derived fact). */
struct pm_pos {
	uint32_t line;
	uint32_t column;
};

/* Top-level fields and sections, in the order of SPEC §1.  The "derived"
 * section is computed after parsing and never accepted as input. */
enum pm_field {
	PM_F_NONE,
	PM_F_PMCHECK,
	PM_F_ID,
	PM_F_TITLE,
	PM_F_KIND,
	PM_F_SEVERITY,
	PM_F_SERVICE,
	PM_F_COMPONENTS,
	PM_F_SUMMARY,
	PM_F_STARTED_AT,
	PM_F_DETECTED_AT,
	PM_F_RESOLVED_AT,
	PM_F_DETECTED_BY,
	PM_F_IMPACT,
	PM_F_IMPACT_CUSTOMER_FACING,
	PM_F_IMPACT_USERS_AFFECTED,
	PM_F_IMPACT_USER_FLOWS,
	PM_F_IMPACT_DATA_LOSS,
	PM_F_IMPACT_SECURITY,
	PM_F_IMPACT_REVENUE,
	PM_F_IMPACT_SLO_BREACHED,
	PM_F_IMPACT_ERROR_BUDGET_USED,
	PM_F_IMPACT_DESCRIPTION,
	PM_F_ROOT_CAUSE,
	PM_F_ROOT_CAUSE_KNOWN,
	PM_F_ROOT_CAUSE_CATEGORY,
	PM_F_ROOT_CAUSE_DESCRIPTION,
	PM_F_RECURRENCE,
	PM_F_RECURRENCE_PREVIOUS_OCCURRENCES,
	PM_F_RECURRENCE_RELATED,
	PM_F_RECURRENCE_PERMANENT_FIX,
	PM_F_TEAMS,
	PM_F_FIX,
	PM_F_FIX_TYPE,
	PM_F_FIX_REVIEWED,
	PM_F_FIX_TESTS_ADDED,
	PM_F_FIX_ROLLBACK_PLAN,
	PM_F_FIX_SKIPPED_STEPS,
	PM_F_FIX_RISKS,
	PM_F_FIX_CHANGES,
	PM_F_STAKEHOLDERS,
	PM_F_STAKEHOLDERS_NOTIFIED,
	PM_F_STAKEHOLDERS_REQUESTED_BY,
	PM_F_STAKEHOLDERS_EXTERNAL_COMMUNICATION,
	PM_F_STAKEHOLDERS_REGULATORY,
	PM_F_STAKEHOLDERS_LEADERSHIP,
	PM_F_ACTION_ITEMS,
	PM_F_TIMELINE,
	PM_F_POSTMORTEM,
	PM_F_POSTMORTEM_REQUESTED,
	PM_F_POSTMORTEM_WAIVED,
	PM_F_POSTMORTEM_LINK,
	PM_F_POSTMORTEM_OWNER,
	PM_F_POSTMORTEM_DUE,
	PM_F_DERIVED,
	PM_F_DERIVED_DURATION_MINUTES,       /* resolved_at - (started_at or detected_at) */
	PM_F_DERIVED_TIME_TO_DETECT_MINUTES, /* detected_at - started_at */
	PM_F_DERIVED_MONITORING_MISSED,      /* detected_by present and not monitoring */
	PM_F_DERIVED_HELPING_TEAMS,          /* teams with role responder or consulted */
	PM_F_DERIVED_SIMILAR_INCIDENTS,      /* similar past incidents (--history) */
	PM_F_COUNT
};

/* Fields of one `teams` entry. */
enum pm_team_field { PM_TEAM_NAME, PM_TEAM_ROLE, PM_TEAM_COUNT };
/* Fields of one `action_items` entry. */
enum pm_action_field {
	PM_ACTION_TITLE, PM_ACTION_OWNER, PM_ACTION_DUE, PM_ACTION_TYPE,
	PM_ACTION_TICKET, PM_ACTION_COUNT
};
/* Fields of one `timeline` entry. */
enum pm_event_field { PM_EVENT_AT, PM_EVENT_EVENT, PM_EVENT_COUNT };
/* Fields of one `derived.similar_incidents` entry.  LABEL (the id, else the
 * file name) comes first: it is what a rule message lists. */
enum pm_similar_field {
	PM_SIMILAR_LABEL, PM_SIMILAR_TITLE, PM_SIMILAR_WHEN, PM_SIMILAR_FILE,
	PM_SIMILAR_COUNT
};

enum pm_ftype {
	PM_FT_NONE,
	PM_FT_MAP,       /* a section: impact, fix, ... */
	PM_FT_STR,
	PM_FT_BOOL,
	PM_FT_INT,
	PM_FT_NUM,
	PM_FT_ENUM,
	PM_FT_TIME,      /* ISO 8601 timestamp, or a bare date */
	PM_FT_DATE,      /* a bare date, YYYY-MM-DD */
	PM_FT_STR_LIST,
	PM_FT_MAP_LIST   /* a list of mappings with their own field table */
};

/* One accepted spelling of an enum value; CANONICAL is the value it means
 * (NULL: the name itself).  Arrays of these end with a NULL name. */
struct pm_enum_value {
	const char *name;
	const char *canonical;
};

struct pm_field_def {
	const char *path;        /* dotted path: "impact.users_affected" */
	const char *name;        /* last component: "users_affected" */
	int parent;              /* enum pm_field of the section, PM_F_NONE at top */
	enum pm_ftype type;
	const struct pm_enum_value *values;  /* ENUM: accepted spellings */
	const char *dflt;        /* ENUM default when absent, or NULL */
	double min, max;         /* INT and NUM: inclusive range */
	bool required;
	bool computed;           /* derived: never read from the input */
	bool scalar_item;        /* MAP_LIST: an entry may be a bare string that
	                          * fills item field 0 (teams: "Payments") */
	const struct pm_field_def *items;    /* MAP_LIST: entry fields */
	size_t nitems;
	const char *doc;         /* one line, for docs and --init */
};

/* The schema, indexed by enum pm_field (entry PM_F_NONE is empty). */
extern const struct pm_field_def pm_fields[PM_F_COUNT];

/* Finds a field by dotted path, computed ones included.  Returns its
 * enum pm_field, or PM_F_NONE when the format has no such field. */
enum pm_field pm_field_find(const char *path);

/* The fields a mapping of the input holds, in table order: those of the
 * top level (PM_F_NONE) or of a section, computed ones left out.  Sets
 * *FIELDS to their enum pm_field values and returns how many there are. */
size_t pm_field_children(enum pm_field parent, const uint8_t **fields);

/* How many of the fields pm_field_children() gives for PARENT are
 * required. */
size_t pm_field_required(enum pm_field parent);

/* The fields that have a default (an ENUM's dflt), in table order: sets
 * *FIELDS and returns how many there are. */
size_t pm_field_defaults(const uint8_t **fields);

/* The field named KEY (LEN bytes, computed ones left out) of the top level
 * (PM_F_NONE) or of a section, or PM_F_NONE when there is none. */
enum pm_field pm_field_child(enum pm_field parent, const char *key, size_t len);

struct pm_time {
	int64_t epoch;        /* seconds since 1970-01-01T00:00:00Z */
	int32_t offset_min;   /* offset written in the file, minutes east of UTC */
	bool date_only;       /* written as YYYY-MM-DD */
	bool has_zone;        /* Z or an offset was written */
};

enum pm_vtype {
	PM_V_NONE,   /* absent (or written as null) */
	PM_V_BOOL,
	PM_V_INT,
	PM_V_NUM,
	PM_V_STR,
	PM_V_ENUM,
	PM_V_TIME,
	PM_V_LIST,   /* items[] are scalars (STR) or MAPs */
	PM_V_MAP     /* items[] indexed by the entry's field enum */
};

struct pm_value {
	enum pm_vtype type;
	struct pm_pos pos;       /* where the value (not its key) starts */
	uint32_t start, end;     /* byte span of the value in the source */
	union {
		bool b;
		int64_t i;           /* INT; ENUM: index into the field's values */
		double n;
		struct pm_time t;
	} u;
	const char *s;           /* STR text, ENUM canonical name, TIME as written;
	                          * NUL-terminated, owned by the hotfix arena */
	size_t len;
	struct pm_value *items;  /* LIST elements, or MAP fields */
	size_t count;
};

/*
 * A character of more than one byte, or the byte order mark.  libyaml counts
 * characters (its marks' index, line and column) where pmcheck needs byte
 * offsets; the list of these turns one into the other.  In an ASCII file it
 * is empty and both counts agree.
 */
struct pm_wide {
	uint32_t end;            /* byte offset just past it */
	uint32_t chars;          /* characters before END, as libyaml counts:
	                          * the byte order mark is not one */
};

/*
 * One parsed input.  All strings and arrays live in ARENA.  SRC points at the
 * caller's bytes (not copied): they must outlive the hotfix, because review
 * notes look for words inside the source span of a value.
 */
struct pm_hotfix {
	struct pm_value f[PM_F_COUNT];
	const char *src;
	size_t src_len;
	uint32_t *lines;         /* byte offset where each line starts; lines[0] = 0 */
	size_t nlines;
	size_t lines_cap;
	struct pm_wide *wide;    /* characters of more than one byte, in order */
	size_t nwide;
	size_t wide_cap;
	/* The parser's room for the items of a list being read, kept from
	 * one input to the next so that a batch allocates it once. */
	struct pm_value *scratch;
	size_t scratch_cap;
	struct pm_arena arena;
};

void pm_hotfix_init(struct pm_hotfix *hf);
/* Drops the previous input's values, keeping storage for reuse. */
void pm_hotfix_clear(struct pm_hotfix *hf);
/* Frees everything the hotfix owns (not the struct, not SRC). NULL is a no-op. */
void pm_hotfix_free(struct pm_hotfix *hf);

/* Records where the lines and the wide characters of SRC are, and checks
 * that SRC is text YAML accepts: UTF-8 without NUL or other control
 * characters (tab, LF and CR aside).  Returns the offset of the first byte
 * that is not, or LEN; the lines before it are recorded either way.  Line
 * breaks are counted as libyaml counts them: CR LF, CR, LF, NEL, U+2028
 * and U+2029 each end a line. */
size_t pm_hotfix_index(struct pm_hotfix *hf, const char *src, size_t len);

/* True when C may appear in a YAML stream (YAML 1.1, as libyaml checks). */
bool pm_yaml_printable(uint32_t c);

/* Line and column of byte OFFSET of the source (clamped to its end). */
struct pm_pos pm_hotfix_pos(const struct pm_hotfix *hf, uint32_t offset);

/* Byte offset of 0-based LINE and character COLUMN (clamped to the source). */
uint32_t pm_hotfix_offset(const struct pm_hotfix *hf, size_t line, size_t column);

/* Byte offset of the character libyaml's marks number INDEX (clamped). */
uint32_t pm_hotfix_char_offset(const struct pm_hotfix *hf, size_t index);

/* The value at dotted PATH ("impact.users_affected", "derived.helping_teams"),
 * or NULL when the format has no such field.  An absent value has type NONE. */
const struct pm_value *pm_hotfix_get(const struct pm_hotfix *hf, const char *path);

/* Fills the "derived" section from the parsed values.  Called by the parser. */
void pm_hotfix_derive(struct pm_hotfix *hf);

/* Calendar helpers shared by parser, rules and renderers (proleptic
 * Gregorian, UTC).  Days are counted from 1970-01-01. */
int64_t pm_days_from_civil(int64_t year, unsigned month, unsigned day);
void pm_civil_from_days(int64_t days, int64_t *year, unsigned *month, unsigned *day);
int64_t pm_floor_div(int64_t a, int64_t b);

#endif
