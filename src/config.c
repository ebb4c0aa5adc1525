/*
 * The configuration file: built-in policy + a team's file -> effective
 * policy, and back to YAML (--print-config) and to a table (--list-rules).
 *
 * The file is read into a generic tree (pm_parse_tree, with every limit of
 * the hotfix parser) and walked with tables of keys, one per mapping, so an
 * unknown key gets the same "did you mean" answer as in a hotfix file.  A
 * rule condition names input fields by dotted path; each path is checked
 * against the format's schema and resolved to its field once, here, so
 * judging an input never looks a path up.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pm_config.h"
#include "pm_escape.h"
#include "pm_io.h"
#include "pm_parse.h"
#include "pm_report.h"
#include "pm_version.h"

/* A configuration is a few kilobytes; this bounds a hostile one. */
#define PM_CONFIG_MAX_BYTES (1024u * 1024u)

/* Longest phrase of a phrase list and longest rule id, in bytes. */
#define PM_PHRASE_MAX 200
#define PM_RULE_ID_MAX 64

/* ---- defaults ----------------------------------------------------------- */

/* Deep copy of SRC into the arena with every field path resolved. */
static void
pm_cond_copy(struct pm_arena *arena, struct pm_cond *dst, const struct pm_cond *src)
{
	*dst = *src;
	if (src->field)
		dst->fid = pm_field_find(src->field);
	if (src->nsub) {
		struct pm_cond *sub = pm_arena_alloc(arena, src->nsub * sizeof(*sub));
		for (size_t i = 0; i < src->nsub; i++)
			pm_cond_copy(arena, &sub[i], &src->sub[i]);
		dst->sub = sub;
	}
}

static struct pm_rule *
pm_config_add_rule(struct pm_config *cfg)
{
	if (cfg->nrules == cfg->rules_cap) {
		cfg->rules_cap = cfg->rules_cap ? cfg->rules_cap * 2 : 64;
		cfg->rules = pm_xrealloc(cfg->rules, cfg->rules_cap * sizeof(*cfg->rules));
	}
	struct pm_rule *r = &cfg->rules[cfg->nrules++];
	memset(r, 0, sizeof(*r));
	cfg->policy.rules = cfg->rules;
	cfg->policy.nrules = cfg->nrules;
	return r;
}

void
pm_config_init(struct pm_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	pm_arena_init(&cfg->arena);
	pm_hotfix_init(&cfg->doc);
	cfg->fail_on = -1;
	cfg->history_days = -1;

	const struct pm_policy *def = pm_policy_default();
	cfg->policy = *def;
	cfg->policy.rules = NULL;
	cfg->policy.nrules = 0;
	for (size_t i = 0; i < def->nrules; i++) {
		struct pm_rule *r = pm_config_add_rule(cfg);
		*r = def->rules[i];
		pm_cond_copy(&cfg->arena, &r->cond, &def->rules[i].cond);
	}
	pm_policy_prepare(&cfg->policy, &cfg->arena);
}

void
pm_config_free(struct pm_config *cfg)
{
	if (cfg == NULL)
		return;
	free(cfg->rules);
	pm_buf_free(&cfg->src);
	pm_hotfix_free(&cfg->doc);
	pm_arena_free(&cfg->arena);
	memset(cfg, 0, sizeof(*cfg));
}

/* ---- the walk ----------------------------------------------------------- */

struct pm_cfg_parser {
	struct pm_config *cfg;
	struct pm_error *err;
	const char *dir;          /* the file's directory, for relative paths */
	char path[256];           /* key path of the node being read */
	size_t pathlen;
	size_t nbuiltin;          /* rules from the built-in policy */
};

/* A table of the keys one mapping accepts. */
struct pm_cfg_key {
	const char *name;
	int (*read)(struct pm_cfg_parser *p, const struct pm_node *n, void *obj);
};

static size_t
pm_cfg_push(struct pm_cfg_parser *p, const char *key)
{
	size_t old = p->pathlen;
	int n = snprintf(p->path + old, sizeof(p->path) - old, "%s%.40s",
	                 old ? "." : "", key);
	if (n > 0)
		p->pathlen = old + (size_t)n < sizeof(p->path) ? old + (size_t)n
		                                                : sizeof(p->path) - 1;
	return old;
}

static size_t
pm_cfg_push_index(struct pm_cfg_parser *p, size_t index)
{
	size_t old = p->pathlen;
	int n = snprintf(p->path + old, sizeof(p->path) - old, "[%zu]", index);
	if (n > 0)
		p->pathlen = old + (size_t)n < sizeof(p->path) ? old + (size_t)n
		                                                : sizeof(p->path) - 1;
	return old;
}

static void
pm_cfg_pop(struct pm_cfg_parser *p, size_t old)
{
	p->pathlen = old;
	p->path[old] = '\0';
}

static int
pm_cfg_fail(struct pm_cfg_parser *p, enum pm_errcode code, struct pm_pos pos,
            const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
pm_cfg_fail(struct pm_cfg_parser *p, enum pm_errcode code, struct pm_pos pos,
            const char *fmt, ...)
{
	char msg[sizeof(p->err->message)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return pm_error_set(p->err, code, pos.line, pos.column, p->path, "%s", msg);
}

/* "a list", "a mapping", "nothing" or the scalar quoted, for messages. */
static const char *
pm_cfg_got(const struct pm_node *n, char *buf, size_t size)
{
	switch (n->type) {
	case PM_NODE_LIST:
		return n->count ? "a list" : "an empty list";
	case PM_NODE_MAP:
		return "a mapping";
	case PM_NODE_SCALAR:
		if (n->null)
			return "nothing";
		snprintf(buf, size, "%s\"%.40s%s\"", n->plain ? "" : "the quoted string ",
		         n->s, n->len > 40 ? "..." : "");
		return buf;
	default:
		return "nothing";
	}
}

static int
pm_cfg_expected(struct pm_cfg_parser *p, const struct pm_node *n, const char *what)
{
	char buf[80];
	return pm_cfg_fail(p, PM_ERR_TYPE, n->pos, "expected %s, got %s", what,
	                   pm_cfg_got(n, buf, sizeof(buf)));
}

/* The closest of NAMES (NULL-terminated, or COUNT entries of a stride) to
 * KEY, when close enough to be a typo. */
static const char *
pm_cfg_nearest(const char *key, const char *const *names, size_t count)
{
	const char *best = NULL;
	unsigned best_d = 255;
	size_t keylen = strlen(key);
	unsigned limit = keylen <= 4 ? 1 : keylen <= 8 ? 2 : 3;
	for (size_t i = 0; i < count && names[i]; i++) {
		unsigned d = pm_edit_distance(key, names[i]);
		if (d < best_d) {
			best_d = d;
			best = names[i];
		}
	}
	return best_d <= limit ? best : NULL;
}

/* Reports KID, a key KEYS does not hold, with the nearest known key. */
static int
pm_cfg_unknown(struct pm_cfg_parser *p, const struct pm_node *kid,
               const struct pm_cfg_key *keys)
{
	const char *names[32];
	size_t count = 0;
	char known[400] = "";
	for (const struct pm_cfg_key *k = keys; k->name && count < 32; k++) {
		names[count++] = k->name;
		size_t used = strlen(known);
		snprintf(known + used, sizeof(known) - used, "%s%s", used ? ", " : "",
		         k->name);
	}
	const char *best = pm_cfg_nearest(kid->key, names, count);
	size_t old = pm_cfg_push(p, kid->key);
	if (best)
		pm_cfg_fail(p, PM_ERR_UNKNOWN_KEY, kid->key_pos,
		    "unknown key \"%.40s\"; did you mean \"%s\"?", kid->key, best);
	else
		pm_cfg_fail(p, PM_ERR_UNKNOWN_KEY, kid->key_pos,
		    "unknown key \"%.40s\"; expected one of %s (or an x- extension)",
		    kid->key, known);
	pm_cfg_pop(p, old);
	return -1;
}

static const struct pm_cfg_key *
pm_cfg_key_find(const struct pm_cfg_key *keys, const char *name)
{
	for (; keys->name; keys++)
		if (strcmp(keys->name, name) == 0)
			return keys;
	return NULL;
}

/* Walks the mapping N with the key table KEYS (NULL name ends it); x- keys
 * are extensions and skipped. */
static int
pm_cfg_map(struct pm_cfg_parser *p, const struct pm_node *n,
           const struct pm_cfg_key *keys, void *obj)
{
	if (n->type != PM_NODE_MAP)
		return pm_cfg_expected(p, n, "a mapping");
	for (size_t i = 0; i < n->count; i++) {
		const struct pm_node *kid = &n->items[i];
		if (strncmp(kid->key, "x-", 2) == 0)
			continue;
		const struct pm_cfg_key *k = pm_cfg_key_find(keys, kid->key);
		if (k == NULL)
			return pm_cfg_unknown(p, kid, keys);
		size_t old = pm_cfg_push(p, kid->key);
		int rc = k->read(p, kid, obj);
		pm_cfg_pop(p, old);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* ---- scalars ------------------------------------------------------------ */

static int
pm_cfg_int(struct pm_cfg_parser *p, const struct pm_node *n, int64_t min,
           int64_t max, int64_t *out)
{
	if (n->type != PM_NODE_SCALAR || !n->plain || n->null)
		return pm_cfg_expected(p, n, "an integer");
	const char *s = n->s;
	bool neg = *s == '-';
	const char *d = neg ? s + 1 : s;
	if (*d == '\0' || strspn(d, "0123456789") != strlen(d) ||
	    (d[0] == '0' && d[1] != '\0'))
		return pm_cfg_expected(p, n, "an integer");
	errno = 0;
	long long v = strtoll(s, NULL, 10);
	if (errno || v < min || v > max)
		return pm_cfg_fail(p, PM_ERR_VALUE, n->pos,
		    "%s is out of range; expected an integer from %lld to %lld", s,
		    (long long)min, (long long)max);
	*out = v;
	return 0;
}

static int
pm_cfg_bool(struct pm_cfg_parser *p, const struct pm_node *n, bool *out)
{
	if (n->type == PM_NODE_SCALAR && n->plain && strcmp(n->s, "true") == 0)
		*out = true;
	else if (n->type == PM_NODE_SCALAR && n->plain && strcmp(n->s, "false") == 0)
		*out = false;
	else
		return pm_cfg_expected(p, n, "true or false");
	return 0;
}

/* A number as YAML writes it: decimal, optional fraction and exponent. */
static bool
pm_cfg_number_text(const struct pm_node *n, double *out)
{
	if (n->type != PM_NODE_SCALAR || !n->plain || n->null)
		return false;
	const char *s = n->s;
	if (*s == '-' || *s == '+')
		s++;
	if (!isdigit((unsigned char)*s) && !(*s == '.' && isdigit((unsigned char)s[1])))
		return false;
	char *end;
	errno = 0;
	double v = strtod(n->s, &end);
	if (*end != '\0' || errno || !isfinite(v))
		return false;
	*out = v;
	return true;
}

static int
pm_cfg_string(struct pm_cfg_parser *p, const struct pm_node *n, const char **out)
{
	if (n->type != PM_NODE_SCALAR || n->null || n->len == 0)
		return pm_cfg_expected(p, n, "a string");
	*out = n->s;
	return 0;
}

/* A list of non-empty strings (a single string is a list of one), as a
 * NULL-terminated array; EXTRA entries of BASE are kept in front. */
static int
pm_cfg_strings(struct pm_cfg_parser *p, const struct pm_node *n,
               const char *const *base, size_t maxlen, const char ***out,
               size_t *count)
{
	const struct pm_node *items = n;
	size_t nitems = 1;
	if (n->type == PM_NODE_LIST) {
		items = n->items;
		nitems = n->count;
	} else if (n->type != PM_NODE_SCALAR || n->null) {
		return pm_cfg_expected(p, n, "a list of strings");
	}
	size_t nbase = 0;
	while (base && base[nbase])
		nbase++;
	const char **arr = pm_arena_alloc(&p->cfg->arena,
	                                  (nbase + nitems + 1) * sizeof(*arr));
	for (size_t i = 0; i < nbase; i++)
		arr[i] = base[i];
	for (size_t i = 0; i < nitems; i++) {
		const struct pm_node *it = &items[i];
		size_t old = n->type == PM_NODE_LIST ? pm_cfg_push_index(p, i) : p->pathlen;
		int rc = 0;
		if (it->type != PM_NODE_SCALAR || it->null || it->len == 0)
			rc = pm_cfg_expected(p, it, "a non-empty string");
		else if (it->len > maxlen)
			rc = pm_cfg_fail(p, PM_ERR_VALUE, it->pos,
			    "%zu bytes is longer than the limit of %zu", it->len, maxlen);
		pm_cfg_pop(p, old);
		if (rc < 0)
			return -1;
		arr[nbase + i] = it->s;
	}
	*out = arr;
	if (count)
		*count = nbase + nitems;
	return 0;
}

/* ---- top-level settings ------------------------------------------------- */

static int
pm_cfg_version(struct pm_cfg_parser *p, const struct pm_node *n, void *obj)
{
	(void)obj;
	int64_t v;
	if (pm_cfg_int(p, n, 0, INT32_MAX, &v) < 0)
		return -1;
	if (v != 1)
		return pm_cfg_fail(p, PM_ERR_VALUE, n->pos,
		    "configuration version %lld is not known; this pmcheck reads "
		    "version 1", (long long)v);
	return 0;
}

static const char *const pm_fail_on_names[] = {
	[PM_VERDICT_NONE] = "never",
	[PM_VERDICT_OPTIONAL] = NULL,
	[PM_VERDICT_RECOMMENDED] = "recommended",
	[PM_VERDICT_REQUIRED] = "required",
};

static int
pm_cfg_fail_on(struct pm_cfg_parser *p, const struct pm_node *n, void *obj)
{
	(void)obj;
	if (n->type == PM_NODE_SCALAR)
		for (int v = 0; v <= PM_VERDICT_REQUIRED; v++)
			if (pm_fail_on_names[v] && strcmp(n->s, pm_fail_on_names[v]) == 0) {
				p->cfg->fail_on = v;
				return 0;
			}
	return pm_cfg_expected(p, n, "never, recommended or required");
}

static int
pm_cfg_history(struct pm_cfg_parser *p, const struct pm_node *n, void *obj)
{
	(void)obj;
	const char **dirs;
	size_t count;
	if (pm_cfg_strings(p, n, NULL, PATH_MAX, &dirs, &count) < 0)
		return -1;
	/* Relative to the configuration's own directory, so the file means
	 * the same wherever pmcheck is started. */
	for (size_t i = 0; i < count; i++)
		if (dirs[i][0] != '/' && strcmp(p->dir, ".") != 0)
			dirs[i] = pm_arena_printf(&p->cfg->arena, "%s%s%s", p->dir,
			                          strcmp(p->dir, "/") == 0 ? "" : "/",
			                          dirs[i]);
	p->cfg->history = dirs;
	p->cfg->nhistory = count;
	return 0;
}

static int
pm_cfg_history_days(struct pm_cfg_parser *p, const struct pm_node *n, void *obj)
{
	(void)obj;
	return pm_cfg_int(p, n, 0, 36500, &p->cfg->history_days);
}

/* ---- triggers ----------------------------------------------------------- */

static int
pm_cfg_threshold(struct pm_cfg_parser *p, const struct pm_node *n, void *obj)
{
	int64_t v;
	if (pm_cfg_int(p, n, 1, 100, &v) < 0)
		return -1;
	p->cfg->policy.threshold[*(int *)obj] = (int)v;
	return 0;
}

static int
pm_cfg_trigger_enabled(struct pm_cfg_parser *p, const struct pm_node *n, void *obj)
{
	bool on = true;
	if (pm_cfg_bool(p, n, &on) < 0)
		return -1;
	p->cfg->policy.trigger_disabled[*(int *)obj] = !on;
	return 0;
}

static const struct pm_cfg_key pm_trigger_keys[] = {
	{ "threshold", pm_cfg_threshold },
	{ "enabled", pm_cfg_trigger_enabled },
	{ NULL, NULL },
};

static int
pm_cfg_triggers(struct pm_cfg_parser *p, const struct pm_node *n, void *obj)
{
	(void)obj;
	if (n->type != PM_NODE_MAP)
		return pm_cfg_expected(p, n, "a mapping of triggers");
	for (size_t i = 0; i < n->count; i++) {
		const struct pm_node *kid = &n->items[i];
		if (strncmp(kid->key, "x-", 2) == 0)
			continue;
		size_t old = pm_cfg_push(p, kid->key);
		int t = pm_trigger_find(kid->key);
		int rc;
		if (t < 0) {
			const char *names[PM_TRIGGER_COUNT];
			for (int k = 0; k < PM_TRIGGER_COUNT; k++)
				names[k] = pm_trigger_id((enum pm_trigger)k);
			const char *best = pm_cfg_nearest(kid->key, names, PM_TRIGGER_COUNT);
			rc = pm_cfg_fail(p, PM_ERR_UNKNOWN_KEY, kid->key_pos,
			    "unknown trigger \"%.40s\"; %s%s%sexpected recurrence, "
			    "cross_team, future_risk or stakeholder", kid->key,
			    best ? "did you mean \"" : "", best ? best : "",
			    best ? "\"? " : "");
		} else {
			rc = pm_cfg_map(p, kid, pm_trigger_keys, &t);
		}
		pm_cfg_pop(p, old);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* ---- conditions --------------------------------------------------------- */

/* Operators as written in a `when` mapping. */
static const struct {
	const char *name;
	enum pm_op op;
} pm_op_names[] = {
	{ "present", PM_OP_PRESENT }, { "absent", PM_OP_ABSENT },
	{ "eq", PM_OP_EQ }, { "ne", PM_OP_NE }, { "in", PM_OP_IN },
	{ "ge", PM_OP_GE }, { "gt", PM_OP_GT }, { "le", PM_OP_LE },
	{ "lt", PM_OP_LT }, { "all", PM_OP_ALL }, { "any", PM_OP_ANY },
	{ "not", PM_OP_NOT },
};
#define PM_NOPS (sizeof(pm_op_names) / sizeof(pm_op_names[0]))

static const char *
pm_op_name(enum pm_op op)
{
	for (size_t i = 0; i < PM_NOPS; i++)
		if (pm_op_names[i].op == op)
			return pm_op_names[i].name;
	return "?";
}

static bool
pm_is_list_type(enum pm_ftype t)
{
	return t == PM_FT_STR_LIST || t == PM_FT_MAP_LIST;
}

/* The field a condition names, checked against the format. */
static int
pm_cfg_field(struct pm_cfg_parser *p, const struct pm_node *n, enum pm_field *out)
{
	if (n->type != PM_NODE_SCALAR || n->null)
		return pm_cfg_expected(p, n, "a field path such as impact.customer_facing");
	enum pm_field f = pm_field_find(n->s);
	if (f != PM_F_NONE && pm_fields[f].type == PM_FT_MAP) {
		char keys[400] = "";
		for (int i = 1; i < PM_F_COUNT; i++) {
			size_t used = strlen(keys);
			if (pm_fields[i].parent == (int)f)
				snprintf(keys + used, sizeof(keys) - used, "%s%s",
				         used ? ", " : "", pm_fields[i].path);
		}
		return pm_cfg_fail(p, PM_ERR_VALUE, n->pos,
		    "\"%.40s\" is a section; name one of its fields: %s", n->s, keys);
	}
	if (f == PM_F_NONE) {
		if (strncmp(n->s, "x-", 2) == 0 || strstr(n->s, ".x-"))
			return pm_cfg_fail(p, PM_ERR_VALUE, n->pos,
			    "\"%.40s\": x- extension keys are ignored by pmcheck and "
			    "cannot be read by rules", n->s);
		const char *names[PM_F_COUNT];
		size_t count = 0;
		for (int i = 1; i < PM_F_COUNT; i++)
			if (pm_fields[i].type != PM_FT_MAP)
				names[count++] = pm_fields[i].path;
		const char *best = pm_cfg_nearest(n->s, names, count);
		if (best)
			return pm_cfg_fail(p, PM_ERR_VALUE, n->pos,
			    "no field \"%.60s\" in the hotfix format; did you mean \"%s\"?",
			    n->s, best);
		return pm_cfg_fail(p, PM_ERR_VALUE, n->pos,
		    "no field \"%.60s\" in the hotfix format (see docs/format.md; "
		    "computed facts are under derived.)", n->s);
	}
	*out = f;
	return 0;
}

/* A value to compare field F with: checked against F's type and stored as
 * the text the evaluator compares (enum aliases become their canonical
 * name, so `eq: critical` on severity means sev1). */
static int
pm_cfg_operand(struct pm_cfg_parser *p, const struct pm_node *n, enum pm_field f,
               const char **out)
{
	const struct pm_field_def *def = &pm_fields[f];
	if (n->type != PM_NODE_SCALAR || n->null)
		return pm_cfg_expected(p, n, "a value to compare with");
	double d;
	switch (def->type) {
	case PM_FT_BOOL:
		if (!n->plain || (strcmp(n->s, "true") != 0 && strcmp(n->s, "false") != 0))
			return pm_cfg_fail(p, PM_ERR_TYPE, n->pos,
			    "%s is true or false; got \"%.40s\"", def->path, n->s);
		break;
	case PM_FT_INT:
	case PM_FT_NUM:
		if (!pm_cfg_number_text(n, &d))
			return pm_cfg_fail(p, PM_ERR_TYPE, n->pos,
			    "%s is a number; got \"%.40s\"", def->path, n->s);
		break;
	case PM_FT_ENUM:
		for (size_t i = 0; def->values[i].name; i++)
			if (strcasecmp(def->values[i].name, n->s) == 0) {
				*out = def->values[i].canonical ? def->values[i].canonical
				                                : def->values[i].name;
				return 0;
			}
		{
			char vals[300] = "";
			for (size_t i = 0; def->values[i].name; i++) {
				size_t used = strlen(vals);
				if (def->values[i].canonical == NULL)
					snprintf(vals + used, sizeof(vals) - used, "%s%s",
					         used ? ", " : "", def->values[i].name);
			}
			return pm_cfg_fail(p, PM_ERR_VALUE, n->pos,
			    "%s has no value \"%.40s\"; expected one of %s", def->path,
			    n->s, vals);
		}
	case PM_FT_STR:
	case PM_FT_STR_LIST:
		break;
	default:
		return pm_cfg_fail(p, PM_ERR_VALUE, n->pos,
		    "%s cannot be compared with a value; use present, absent%s",
		    def->path, pm_is_list_type(def->type) ? " or a length (ge, le...)" : "");
	}
	*out = n->s;
	return 0;
}

static int pm_cfg_cond(struct pm_cfg_parser *p, const struct pm_node *n,
                       struct pm_cond *out, int depth);

static int
pm_cfg_subs(struct pm_cfg_parser *p, const struct pm_node *n, struct pm_cond *out,
            int depth)
{
	const struct pm_node *items = n;
	size_t count = 1;
	if (out->op != PM_OP_NOT) {
		if (n->type != PM_NODE_LIST || n->count == 0)
			return pm_cfg_expected(p, n, "a non-empty list of conditions");
		items = n->items;
		count = n->count;
	}
	struct pm_cond *sub = pm_arena_alloc(&p->cfg->arena, count * sizeof(*sub));
	for (size_t i = 0; i < count; i++) {
		size_t old = out->op != PM_OP_NOT ? pm_cfg_push_index(p, i) : p->pathlen;
		int rc = pm_cfg_cond(p, &items[i], &sub[i], depth + 1);
		pm_cfg_pop(p, old);
		if (rc < 0)
			return -1;
	}
	out->sub = sub;
	out->nsub = count;
	return 0;
}

/* A `when` mapping: {field: PATH, OP: VALUE} or {all|any: [...]} or
 * {not: {...}}.  The tree is already bounded in depth by the parser. */
static int
pm_cfg_cond(struct pm_cfg_parser *p, const struct pm_node *n, struct pm_cond *out,
            int depth)
{
	(void)depth;
	memset(out, 0, sizeof(*out));
	if (n->type != PM_NODE_MAP)
		return pm_cfg_expected(p, n,
		    "a condition mapping such as {field: fix.reviewed, eq: false}");
	const struct pm_node *field = NULL, *opnode = NULL;
	for (size_t i = 0; i < n->count; i++) {
		const struct pm_node *kid = &n->items[i];
		if (strncmp(kid->key, "x-", 2) == 0)
			continue;
		if (strcmp(kid->key, "field") == 0) {
			field = kid;
			continue;
		}
		size_t k = 0;
		while (k < PM_NOPS && strcmp(pm_op_names[k].name, kid->key) != 0)
			k++;
		size_t old = pm_cfg_push(p, kid->key);
		int rc = 0;
		if (k == PM_NOPS) {
			const char *names[PM_NOPS + 1];
			for (size_t j = 0; j < PM_NOPS; j++)
				names[j] = pm_op_names[j].name;
			names[PM_NOPS] = "field";
			const char *best = pm_cfg_nearest(kid->key, names, PM_NOPS + 1);
			rc = pm_cfg_fail(p, PM_ERR_UNKNOWN_KEY, kid->key_pos,
			    "unknown key \"%.40s\" in a condition; %s%s%sexpected field "
			    "with one of present, absent, eq, ne, in, ge, gt, le, lt, "
			    "or one of all, any, not", kid->key,
			    best ? "did you mean \"" : "", best ? best : "",
			    best ? "\"? " : "");
		} else if (opnode) {
			rc = pm_cfg_fail(p, PM_ERR_VALUE, kid->key_pos,
			    "a condition has one operator; \"%s\" was already given "
			    "(combine conditions with all or any)", opnode->key);
		}
		pm_cfg_pop(p, old);
		if (rc < 0)
			return -1;
		opnode = kid;
		out->op = pm_op_names[k].op;
	}
	if (opnode == NULL)
		return pm_cfg_fail(p, PM_ERR_MISSING, n->pos,
		    "a condition needs an operator: present, absent, eq, ne, in, ge, "
		    "gt, le, lt, all, any or not");

	bool group = out->op == PM_OP_ALL || out->op == PM_OP_ANY || out->op == PM_OP_NOT;
	if (group && field) {
		size_t old = pm_cfg_push(p, "field");
		int rc = pm_cfg_fail(p, PM_ERR_VALUE, field->key_pos,
		    "\"%s\" combines conditions and takes no field; put the field "
		    "in each condition", opnode->key);
		pm_cfg_pop(p, old);
		return rc;
	}
	if (!group && field == NULL)
		return pm_cfg_fail(p, PM_ERR_MISSING, n->pos,
		    "missing key \"field\": the condition \"%s\" needs the field it "
		    "reads", opnode->key);

	size_t old;
	int rc = 0;
	if (field) {
		old = pm_cfg_push(p, "field");
		rc = pm_cfg_field(p, field, &out->fid);
		pm_cfg_pop(p, old);
		if (rc < 0)
			return -1;
		out->field = pm_fields[out->fid].path;
	}
	old = pm_cfg_push(p, opnode->key);
	const struct pm_field_def *def = field ? &pm_fields[out->fid] : NULL;
	switch (out->op) {
	case PM_OP_PRESENT:
	case PM_OP_ABSENT: {
		bool v = true;
		rc = pm_cfg_bool(p, opnode, &v);
		/* present: false reads as absent, and the other way round. */
		if (rc == 0 && !v)
			out->op = out->op == PM_OP_PRESENT ? PM_OP_ABSENT : PM_OP_PRESENT;
		break;
	}
	case PM_OP_EQ:
	case PM_OP_NE:
		rc = pm_cfg_operand(p, opnode, out->fid, &out->str);
		break;
	case PM_OP_IN: {
		if (opnode->type != PM_NODE_LIST || opnode->count == 0) {
			rc = pm_cfg_expected(p, opnode, "a non-empty list of values");
			break;
		}
		const char **set = pm_arena_alloc(&p->cfg->arena,
		                                  (opnode->count + 1) * sizeof(*set));
		for (size_t i = 0; i < opnode->count && rc == 0; i++) {
			size_t o2 = pm_cfg_push_index(p, i);
			rc = pm_cfg_operand(p, &opnode->items[i], out->fid, &set[i]);
			pm_cfg_pop(p, o2);
		}
		out->set = set;
		break;
	}
	case PM_OP_GE:
	case PM_OP_GT:
	case PM_OP_LE:
	case PM_OP_LT:
		if (def->type != PM_FT_INT && def->type != PM_FT_NUM &&
		    !pm_is_list_type(def->type)) {
			rc = pm_cfg_fail(p, PM_ERR_VALUE, opnode->key_pos,
			    "%s is not a number or a list; %s compares numbers and "
			    "list lengths", def->path, opnode->key);
			break;
		}
		if (!pm_cfg_number_text(opnode, &out->num))
			rc = pm_cfg_expected(p, opnode, "a number");
		break;
	default:
		rc = pm_cfg_subs(p, opnode, out, depth);
		break;
	}
	pm_cfg_pop(p, old);
	return rc;
}

/* ---- rules -------------------------------------------------------------- */

static const char *const pm_placeholders[] = {
	"{value}", "{count}", "{percent}", "{s}", NULL,
};

/* A message may only hold the placeholders the report fills in. */
static int
pm_cfg_message(struct pm_cfg_parser *p, const struct pm_node *n, const char **out)
{
	if (pm_cfg_string(p, n, out) < 0)
		return -1;
	for (const char *s = strchr(*out, '{'); s; s = strchr(s + 1, '{')) {
		size_t k = 0;
		while (pm_placeholders[k] &&
		       strncmp(s, pm_placeholders[k], strlen(pm_placeholders[k])) != 0)
			k++;
		if (pm_placeholders[k] == NULL) {
			size_t len = strcspn(s, "} ");
			return pm_cfg_fail(p, PM_ERR_VALUE, n->pos,
			    "unknown placeholder \"%.*s%s\" in the message; use {value}, "
			    "{count}, {percent} or {s}", (int)(len > 30 ? 30 : len), s,
			    s[len] == '}' ? "}" : "");
		}
	}
	return 0;
}

/* What a rule entry sets, before it is applied to a rule. */
struct pm_cfg_rule {
	struct pm_rule *rule;
	bool has_trigger, has_points, has_when, has_decisive;
};

/*
 * What a rule entry N must hold once read.  A rule that gives points names
 * its trigger and points: a custom one always, a built-in one when the entry
 * takes its decisive status away (the built-in row has neither, and a rule
 * worth 0 points to whatever trigger comes first would be a silent no-op).
 * A decisive rule takes neither.  A scaled rule without a cap may reach 100.
 */
static int
pm_cfg_rule_check(struct pm_cfg_parser *p, const struct pm_node *n,
                  struct pm_cfg_rule *cr, bool custom, bool was_decisive)
{
	struct pm_rule *r = cr->rule;
	bool needs_points = !r->decisive && (custom || was_decisive);
	if (custom && !cr->has_when)
		return pm_cfg_fail(p, PM_ERR_MISSING, n->pos,
		    "missing key \"when\": a custom rule needs its condition");
	if (needs_points && !cr->has_trigger)
		return pm_cfg_fail(p, PM_ERR_MISSING, n->pos,
		    "missing key \"trigger\" (or decisive: true)");
	if (needs_points && !cr->has_points)
		return pm_cfg_fail(p, PM_ERR_MISSING, n->pos,
		    "missing key \"points\"");
	if (r->decisive && (cr->has_trigger || cr->has_points))
		return pm_cfg_fail(p, PM_ERR_VALUE, n->pos,
		    "a decisive rule makes the verdict required by itself and "
		    "takes no trigger or points");
	if (r->scaled && r->cap == 0)
		r->cap = 100;
	return 0;
}

static int
pm_cfg_rule_trigger(struct pm_cfg_parser *p, const struct pm_node *n, void *obj)
{
	struct pm_cfg_rule *cr = obj;
	int t = n->type == PM_NODE_SCALAR ? pm_trigger_find(n->s) : -1;
	if (t < 0)
		return pm_cfg_expected(p, n,
		    "a trigger: recurrence, cross_team, future_risk or stakeholder");
	cr->rule->trigger = (enum pm_trigger)t;
	cr->has_trigger = true;
	return 0;
}

static int
pm_cfg_rule_decisive(struct pm_cfg_parser *p, const struct pm_node *n, void *obj)
{
	struct pm_cfg_rule *cr = obj;
	cr->has_decisive = true;
	return pm_cfg_bool(p, n, &cr->rule->decisive);
}

static int
pm_cfg_rule_points(struct pm_cfg_parser *p, const struct pm_node *n, void *obj)
{
	struct pm_cfg_rule *cr = obj;
	int64_t v;
	if (pm_cfg_int(p, n, 0, 100, &v) < 0)
		return -1;
	cr->rule->points = (int)v;
	cr->has_points = true;
	return 0;
}

static int
pm_cfg_rule_scaled(struct pm_cfg_parser *p, const struct pm_node *n, void *obj)
{
	struct pm_cfg_rule *cr = obj;
	return pm_cfg_bool(p, n, &cr->rule->scaled);
}

static int
pm_cfg_rule_cap(struct pm_cfg_parser *p, const struct pm_node *n, void *obj)
{
	struct pm_cfg_rule *cr = obj;
	int64_t v;
	/* A cap of 0 would make a scaled rule worth nothing; disable it
	 * with enabled: false instead. */
	if (pm_cfg_int(p, n, 1, 100, &v) < 0)
		return -1;
	cr->rule->cap = (int)v;
	return 0;
}

static int
pm_cfg_rule_when(struct pm_cfg_parser *p, const struct pm_node *n, void *obj)
{
	struct pm_cfg_rule *cr = obj;
	cr->has_when = true;
	return pm_cfg_cond(p, n, &cr->rule->cond, 0);
}

static int
pm_cfg_rule_message(struct pm_cfg_parser *p, const struct pm_node *n, void *obj)
{
	struct pm_cfg_rule *cr = obj;
	return pm_cfg_message(p, n, &cr->rule->message);
}

static int
pm_cfg_rule_description(struct pm_cfg_parser *p, const struct pm_node *n, void *obj)
{
	struct pm_cfg_rule *cr = obj;
	return pm_cfg_string(p, n, &cr->rule->doc);
}

static int
pm_cfg_rule_enabled(struct pm_cfg_parser *p, const struct pm_node *n, void *obj)
{
	struct pm_cfg_rule *cr = obj;
	bool on = true;
	if (pm_cfg_bool(p, n, &on) < 0)
		return -1;
	cr->rule->disabled = !on;
	return 0;
}

static const struct pm_cfg_key pm_rule_keys[] = {
	{ "trigger", pm_cfg_rule_trigger },
	{ "decisive", pm_cfg_rule_decisive },
	{ "points", pm_cfg_rule_points },
	{ "scaled", pm_cfg_rule_scaled },
	{ "cap", pm_cfg_rule_cap },
	{ "when", pm_cfg_rule_when },
	{ "message", pm_cfg_rule_message },
	{ "description", pm_cfg_rule_description },
	{ "enabled", pm_cfg_rule_enabled },
	{ NULL, NULL },
};

static struct pm_rule *
pm_cfg_find_rule(struct pm_cfg_parser *p, const char *id)
{
	for (size_t i = 0; i < p->nbuiltin; i++)
		if (strcmp(p->cfg->rules[i].id, id) == 0)
			return &p->cfg->rules[i];
	return NULL;
}

/* `rules:` changes built-in rules; an id the built-in policy lacks is a
 * typo until proven otherwise, so it is an error, not a new rule. */
static int
pm_cfg_rules(struct pm_cfg_parser *p, const struct pm_node *n, void *obj)
{
	(void)obj;
	if (n->type != PM_NODE_MAP)
		return pm_cfg_expected(p, n, "a mapping of rule ids");
	for (size_t i = 0; i < n->count; i++) {
		const struct pm_node *kid = &n->items[i];
		if (strncmp(kid->key, "x-", 2) == 0)
			continue;
		size_t old = pm_cfg_push(p, kid->key);
		struct pm_rule *r = pm_cfg_find_rule(p, kid->key);
		int rc;
		if (r == NULL) {
			const char **names = pm_xmalloc(p->nbuiltin * sizeof(*names));
			for (size_t k = 0; k < p->nbuiltin; k++)
				names[k] = p->cfg->rules[k].id;
			const char *best = pm_cfg_nearest(kid->key, names, p->nbuiltin);
			if (best)
				rc = pm_cfg_fail(p, PM_ERR_UNKNOWN_KEY, kid->key_pos,
				    "unknown rule \"%.40s\"; did you mean \"%s\"? (new rules "
				    "go under custom_rules)", kid->key, best);
			else
				rc = pm_cfg_fail(p, PM_ERR_UNKNOWN_KEY, kid->key_pos,
				    "unknown rule \"%.40s\"; pmcheck --list-rules shows the "
				    "built-in rules (new rules go under custom_rules)", kid->key);
			free(names);
		} else {
			bool was_decisive = r->decisive;
			struct pm_cfg_rule cr = { .rule = r };
			rc = pm_cfg_map(p, kid, pm_rule_keys, &cr);
			if (rc == 0)
				rc = pm_cfg_rule_check(p, kid, &cr, false, was_decisive);
		}
		pm_cfg_pop(p, old);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static bool
pm_rule_id_ok(const char *id)
{
	size_t len = strlen(id);
	if (len == 0 || len > PM_RULE_ID_MAX || !islower((unsigned char)id[0]))
		return false;
	return strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789_") == len;
}

static int
pm_cfg_custom_rules(struct pm_cfg_parser *p, const struct pm_node *n, void *obj)
{
	(void)obj;
	if (n->type != PM_NODE_MAP)
		return pm_cfg_expected(p, n, "a mapping of rule ids");
	for (size_t i = 0; i < n->count; i++) {
		const struct pm_node *kid = &n->items[i];
		if (strncmp(kid->key, "x-", 2) == 0)
			continue;
		size_t old = pm_cfg_push(p, kid->key);
		int rc = 0;
		if (!pm_rule_id_ok(kid->key))
			rc = pm_cfg_fail(p, PM_ERR_VALUE, kid->key_pos,
			    "rule id \"%.40s\" must be lower-case letters, digits and _, "
			    "starting with a letter, at most %d characters", kid->key,
			    PM_RULE_ID_MAX);
		else if (pm_cfg_find_rule(p, kid->key))
			rc = pm_cfg_fail(p, PM_ERR_VALUE, kid->key_pos,
			    "\"%s\" is a built-in rule; change it under rules:", kid->key);
		if (rc < 0) {
			pm_cfg_pop(p, old);
			return -1;
		}
		struct pm_rule *r = pm_config_add_rule(p->cfg);
		r->id = kid->key;
		struct pm_cfg_rule cr = { .rule = r };
		rc = pm_cfg_map(p, kid, pm_rule_keys, &cr);
		/* pm_config_add_rule may move the array; R is only used above. */
		r = &p->cfg->rules[p->cfg->nrules - 1];
		if (rc == 0)
			rc = pm_cfg_rule_check(p, kid, &cr, true, false);
		if (rc == 0 && r->message == NULL) {
			struct pm_buf b = PM_BUF_INIT;
			pm_cond_describe(&b, &r->cond);
			r->message = pm_arena_strndup(&p->cfg->arena, b.data, b.len);
			pm_buf_free(&b);
		}
		pm_cfg_pop(p, old);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* ---- phrase lists and deadlines ----------------------------------------- */

/* The phrase lists: which list each key sets, and whether it replaces the
 * list or adds to it. */
static const struct {
	const char *key;
	bool blameful;               /* else the vague-action words */
	bool extend;
} pm_phrase_keys[] = {
	{ "blameful_phrases", true, false },
	{ "extra_blameful_phrases", true, true },
	{ "vague_words", false, false },
	{ "extra_vague_words", false, true },
};

static int
pm_cfg_phrases(struct pm_cfg_parser *p, const struct pm_node *n, void *obj)
{
	(void)obj;
	size_t k = 0;
	while (strcmp(pm_phrase_keys[k].key, n->key) != 0)
		k++;                     /* only called for keys of the table */
	const char *const **list = pm_phrase_keys[k].blameful
	    ? &p->cfg->policy.blameful : &p->cfg->policy.vague;
	const char **arr;
	if (pm_cfg_strings(p, n, pm_phrase_keys[k].extend ? *list : NULL,
	                   PM_PHRASE_MAX, &arr, NULL) < 0)
		return -1;
	*list = arr;
	return 0;
}

static int
pm_cfg_due_days(struct pm_cfg_parser *p, const struct pm_node *n, void *obj)
{
	(void)obj;
	static const char *const sev[] = { "sev1", "sev2", "sev3", "sev4" };
	if (n->type != PM_NODE_MAP)
		return pm_cfg_expected(p, n, "a mapping sev1..sev4: days");
	for (size_t i = 0; i < n->count; i++) {
		const struct pm_node *kid = &n->items[i];
		if (strncmp(kid->key, "x-", 2) == 0)
			continue;
		size_t old = pm_cfg_push(p, kid->key);
		size_t k = 0;
		while (k < 4 && strcmp(sev[k], kid->key) != 0)
			k++;
		int64_t v = 0;
		int rc;
		if (k == 4)
			rc = pm_cfg_fail(p, PM_ERR_UNKNOWN_KEY, kid->key_pos,
			    "unknown severity \"%.40s\"; expected sev1, sev2, sev3 or sev4",
			    kid->key);
		else
			rc = pm_cfg_int(p, kid, 0, 365, &v);
		pm_cfg_pop(p, old);
		if (rc < 0)
			return -1;
		p->cfg->policy.due_days[k + 1] = (int)v;
	}
	return 0;
}

/* Replacing lists come before the extra_ lists in the table, and the table
 * is applied in its own order (below), so "replace, then extend" holds
 * whatever order the file uses. */
static const struct pm_cfg_key pm_top_keys[] = {
	{ "pmcheck", pm_cfg_version },
	{ "fail_on", pm_cfg_fail_on },
	{ "history", pm_cfg_history },
	{ "history_days", pm_cfg_history_days },
	{ "triggers", pm_cfg_triggers },
	{ "rules", pm_cfg_rules },
	{ "custom_rules", pm_cfg_custom_rules },
	{ "blameful_phrases", pm_cfg_phrases },
	{ "extra_blameful_phrases", pm_cfg_phrases },
	{ "vague_words", pm_cfg_phrases },
	{ "extra_vague_words", pm_cfg_phrases },
	{ "postmortem_due_days", pm_cfg_due_days },
	{ NULL, NULL },
};

int
pm_config_parse(struct pm_config *cfg, const char *name, const char *src,
                size_t len, struct pm_error *err)
{
	const struct pm_node *root;
	cfg->path = name;
	if (pm_parse_tree(&cfg->doc, src, len, &root, err) < 0)
		return -1;
	if (root->type == PM_NODE_NONE)
		return 0;                      /* an empty file changes nothing */

	struct pm_cfg_parser p = { .cfg = cfg, .err = err, .nbuiltin = cfg->nrules };
	const char *slash = strrchr(name, '/');
	p.dir = slash == NULL ? "."
	      : slash == name ? "/"
	      : pm_arena_strndup(&cfg->arena, name, (size_t)(slash - name));

	if (root->type != PM_NODE_MAP)
		return pm_cfg_expected(&p, root, "a mapping of settings (rules:, triggers:, ...)");
	/* Every key is checked before any is applied, so the first typo in
	 * the file is the error reported. */
	for (size_t i = 0; i < root->count; i++) {
		const struct pm_node *kid = &root->items[i];
		if (strncmp(kid->key, "x-", 2) != 0 &&
		    pm_cfg_key_find(pm_top_keys, kid->key) == NULL)
			return pm_cfg_unknown(&p, kid, pm_top_keys);
	}
	for (const struct pm_cfg_key *k = pm_top_keys; k->name; k++)
		for (size_t i = 0; i < root->count; i++) {
			const struct pm_node *kid = &root->items[i];
			if (strcmp(kid->key, k->name) != 0)
				continue;
			size_t old = pm_cfg_push(&p, kid->key);
			int rc = k->read(&p, kid, NULL);
			pm_cfg_pop(&p, old);
			if (rc < 0)
				return -1;
		}
	/* What the file set is made ready for judging once, here, not for
	 * every input: phrase lists indexed, rule messages split. */
	pm_policy_prepare(&cfg->policy, &cfg->arena);
	return 0;
}

int
pm_config_load(struct pm_config *cfg, const char *path, struct pm_error *err)
{
	cfg->path = path;
	if (pm_io_read(path, PM_CONFIG_MAX_BYTES, &cfg->src, err) < 0) {
		/* The reader's hint names --max-bytes, which is for inputs: a
		 * configuration has a fixed limit of its own. */
		if (err && err->code == PM_ERR_TOO_LARGE)
			snprintf(err->message, sizeof(err->message),
			         "input is larger than %u bytes, the limit for a "
			         "configuration file", PM_CONFIG_MAX_BYTES);
		return -1;
	}
	return pm_config_parse(cfg, path, cfg->src.data ? cfg->src.data : "",
	                       cfg->src.len, err);
}

char *
pm_config_find(void)
{
	char cwd[PATH_MAX];
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return NULL;
	/* One candidate per directory from here to the root: as many "../"
	 * as the working directory has components. */
	size_t depth = 0;
	for (const char *s = cwd; *s; s++)
		if (*s == '/' && s[1] != '\0' && s[1] != '/')
			depth++;
	struct pm_buf b = PM_BUF_INIT;
	for (size_t up = 0; up <= depth; up++) {
		pm_buf_clear(&b);
		for (size_t k = 0; k < up; k++)
			pm_buf_puts(&b, "../");
		pm_buf_puts(&b, PM_CONFIG_NAME);
		struct stat st;
		if (stat(b.data, &st) == 0 && S_ISREG(st.st_mode))
			return b.data;
	}
	pm_buf_free(&b);
	return NULL;
}

/* ---- conditions in words ------------------------------------------------ */

static void
pm_describe_set(struct pm_buf *out, const char *const *set)
{
	for (size_t i = 0; set && set[i]; i++)
		pm_buf_printf(out, "%s%s", i ? ", " : "", set[i]);
}

static void
pm_describe_num(struct pm_buf *out, double v)
{
	char buf[40];
	snprintf(buf, sizeof(buf), "%.15g", v);
	if (strtod(buf, NULL) != v)
		snprintf(buf, sizeof(buf), "%.17g", v);
	pm_buf_puts(out, buf);
}

static void
pm_describe_in(struct pm_buf *out, const struct pm_cond *c, bool nested)
{
	static const char *const cmp[] = {
		[PM_OP_GE] = ">=", [PM_OP_GT] = ">", [PM_OP_LE] = "<=", [PM_OP_LT] = "<",
	};
	const struct pm_field_def *def = c->fid ? &pm_fields[c->fid] : NULL;
	bool list = def && pm_is_list_type(def->type);
	switch (c->op) {
	case PM_OP_PRESENT:
		pm_buf_printf(out, "%s is %s", c->field, list ? "not empty" : "given");
		break;
	case PM_OP_ABSENT:
		pm_buf_printf(out, "%s is %s", c->field, list ? "empty" : "not given");
		break;
	case PM_OP_EQ:
		pm_buf_printf(out, "%s %s %s", c->field, list ? "includes" : "is", c->str);
		break;
	case PM_OP_NE:
		pm_buf_printf(out, "%s %s %s", c->field, list ? "lacks" : "is not", c->str);
		break;
	case PM_OP_IN:
		pm_buf_printf(out, "%s %s ", c->field, list ? "includes one of" : "is one of");
		pm_describe_set(out, c->set);
		break;
	case PM_OP_GE:
	case PM_OP_GT:
	case PM_OP_LE:
	case PM_OP_LT:
		if (list) {
			static const char *const words[] = {
				[PM_OP_GE] = "at least", [PM_OP_GT] = "more than",
				[PM_OP_LE] = "at most", [PM_OP_LT] = "fewer than",
			};
			pm_buf_printf(out, "%s has %s ", c->field, words[c->op]);
			pm_describe_num(out, c->num);
			pm_buf_puts(out, c->num == 1 ? " item" : " items");
			break;
		}
		pm_buf_printf(out, "%s %s ", c->field, cmp[c->op]);
		pm_describe_num(out, c->num);
		break;
	case PM_OP_ALL:
	case PM_OP_ANY:
		if (nested)
			pm_buf_putc(out, '(');
		for (size_t i = 0; i < c->nsub; i++) {
			if (i)
				pm_buf_puts(out, c->op == PM_OP_ALL ? " and " : " or ");
			pm_describe_in(out, &c->sub[i], true);
		}
		if (nested)
			pm_buf_putc(out, ')');
		break;
	case PM_OP_NOT:
		pm_buf_puts(out, "not ");
		if (c->nsub)
			pm_describe_in(out, &c->sub[0], true);
		break;
	default:
		pm_buf_puts(out, "never");
		break;
	}
}

void
pm_cond_describe(struct pm_buf *out, const struct pm_cond *cond)
{
	pm_describe_in(out, cond, false);
}

/* ---- back to YAML ------------------------------------------------------- */

/* A double-quoted YAML scalar: always quoted, so no text can turn into a
 * number, a boolean, a comment or structure.  What a terminal or a CI log
 * would act on is written as an escape YAML reads back the same: C0 and C1
 * controls, DEL, bidirectional controls, the line breaks NEL, LS and PS
 * (written raw, YAML would fold them into a space), and the "#" of the log
 * command marker "##[" (pm_escape.h).  Bytes that are not UTF-8 (a path
 * from the command line) cannot be said in YAML; "\xNN" shows them. */
static void
pm_yaml_quote(struct pm_buf *out, const char *s)
{
	pm_buf_putc(out, '"');
	size_t len = strlen(s);
	for (size_t i = 0; i < len; i++) {
		const unsigned char *c = (const unsigned char *)s + i;
		uint32_t cp;
		size_t n = c[0] < 0x80 ? 1 : pm_utf8_decode(c, len - i, &cp);
		if (n == 0) {
			pm_buf_printf(out, "\\x%02x", c[0]);
			continue;
		}
		if (n > 1) {
			if (cp == 0x85)
				pm_buf_puts(out, "\\N");
			else if (cp == 0x2028 || cp == 0x2029)
				pm_buf_puts(out, cp == 0x2028 ? "\\L" : "\\P");
			else if (cp <= 0x9f)
				pm_buf_printf(out, "\\x%02x", (unsigned)cp);
			else if (cp == 0x061c || cp == 0x200e || cp == 0x200f ||
			         (cp >= 0x202a && cp <= 0x202e) ||
			         (cp >= 0x2066 && cp <= 0x2069))
				pm_buf_printf(out, "\\u%04x", (unsigned)cp);
			else
				pm_buf_put(out, (const char *)c, n);
			i += n - 1;
			continue;
		}
		switch (*c) {
		case '"': pm_buf_puts(out, "\\\""); break;
		case '\\': pm_buf_puts(out, "\\\\"); break;
		case '\n': pm_buf_puts(out, "\\n"); break;
		case '\t': pm_buf_puts(out, "\\t"); break;
		case '\r': pm_buf_puts(out, "\\r"); break;
		case '#':
			if (c[1] == '#' && c[2] == '[')
				pm_buf_puts(out, "\\x23");
			else
				pm_buf_putc(out, '#');
			break;
		default:
			if (*c < 0x20 || *c == 0x7f)
				pm_buf_printf(out, "\\x%02x", *c);
			else
				pm_buf_putc(out, (char)*c);
		}
	}
	pm_buf_putc(out, '"');
}

/* An operand: plain where the field's type reads it so (booleans, numbers,
 * enum names), quoted otherwise. */
static void
pm_yaml_operand(struct pm_buf *out, const struct pm_cond *c, const char *v)
{
	enum pm_ftype t = c->fid ? pm_fields[c->fid].type : PM_FT_STR;
	if (t == PM_FT_BOOL || t == PM_FT_INT || t == PM_FT_NUM || t == PM_FT_ENUM)
		pm_buf_puts(out, v);
	else
		pm_yaml_quote(out, v);
}

static void
pm_yaml_cond(struct pm_buf *out, const struct pm_cond *c)
{
	pm_buf_putc(out, '{');
	if (c->field)
		pm_buf_printf(out, "field: %s, ", c->field);
	pm_buf_printf(out, "%s: ", pm_op_name(c->op));
	switch (c->op) {
	case PM_OP_PRESENT:
	case PM_OP_ABSENT:
		pm_buf_puts(out, "true");
		break;
	case PM_OP_EQ:
	case PM_OP_NE:
		pm_yaml_operand(out, c, c->str ? c->str : "");
		break;
	case PM_OP_IN:
		pm_buf_putc(out, '[');
		for (size_t i = 0; c->set && c->set[i]; i++) {
			if (i)
				pm_buf_puts(out, ", ");
			pm_yaml_operand(out, c, c->set[i]);
		}
		pm_buf_putc(out, ']');
		break;
	case PM_OP_GE:
	case PM_OP_GT:
	case PM_OP_LE:
	case PM_OP_LT:
		pm_describe_num(out, c->num);
		break;
	case PM_OP_NOT:
		if (c->nsub)
			pm_yaml_cond(out, &c->sub[0]);
		break;
	default:
		pm_buf_putc(out, '[');
		for (size_t i = 0; i < c->nsub; i++) {
			if (i)
				pm_buf_puts(out, ", ");
			pm_yaml_cond(out, &c->sub[i]);
		}
		pm_buf_putc(out, ']');
		break;
	}
	pm_buf_putc(out, '}');
}

static void
pm_yaml_list(struct pm_buf *out, const char *key, const char *const *list)
{
	pm_buf_printf(out, "%s:\n", key);
	if (list == NULL || list[0] == NULL) {
		pm_buf_puts(out, "  []\n");
		return;
	}
	for (size_t i = 0; list[i]; i++) {
		pm_buf_puts(out, "  - ");
		pm_yaml_quote(out, list[i]);
		pm_buf_putc(out, '\n');
	}
}

static const struct pm_rule *
pm_default_rule(const char *id)
{
	const struct pm_policy *def = pm_policy_default();
	for (size_t i = 0; i < def->nrules; i++)
		if (strcmp(def->rules[i].id, id) == 0)
			return &def->rules[i];
	return NULL;
}

static bool
pm_str_same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

static bool
pm_cond_same(const struct pm_cond *a, const struct pm_cond *b)
{
	if (a->op != b->op || !pm_str_same(a->field, b->field) ||
	    !pm_str_same(a->str, b->str) || a->num != b->num || a->nsub != b->nsub)
		return false;
	size_t i = 0;
	for (; a->set && b->set && a->set[i] && b->set[i]; i++)
		if (strcmp(a->set[i], b->set[i]) != 0)
			return false;
	if ((a->set && a->set[i]) || (b->set && b->set[i]) || (!a->set != !b->set))
		return false;
	for (i = 0; i < a->nsub; i++)
		if (!pm_cond_same(&a->sub[i], &b->sub[i]))
			return false;
	return true;
}

/* How R differs from the built-in policy: "added", "changed" or NULL. */
static const char *
pm_rule_origin(const struct pm_rule *r)
{
	const struct pm_rule *d = pm_default_rule(r->id);
	if (d == NULL)
		return "added";
	bool same = d->trigger == r->trigger && d->decisive == r->decisive &&
	            d->points == r->points && d->scaled == r->scaled &&
	            d->cap == r->cap && pm_str_same(d->message, r->message) &&
	            pm_cond_same(&d->cond, &r->cond);
	return same ? NULL : "changed";
}

static void
pm_yaml_rule(struct pm_buf *out, const struct pm_rule *r)
{
	/* A key left out keeps its built-in value when read back, so a
	 * built-in rule that lost its decisive or scaled status says so. */
	const struct pm_rule *d = pm_default_rule(r->id);
	pm_buf_printf(out, "  %s:\n", r->id);
	if (r->decisive)
		pm_buf_puts(out, "    decisive: true\n");
	else
		pm_buf_printf(out, "%s    trigger: %s\n    points: %d\n",
		              d && d->decisive ? "    decisive: false\n" : "",
		              pm_trigger_id(r->trigger), r->points);
	if (r->scaled)
		pm_buf_printf(out, "    scaled: true\n    cap: %d\n", r->cap);
	else if (d && d->scaled)
		pm_buf_puts(out, "    scaled: false\n");
	pm_buf_puts(out, "    when: ");
	pm_yaml_cond(out, &r->cond);
	pm_buf_puts(out, "\n    message: ");
	pm_yaml_quote(out, r->message ? r->message : "");
	pm_buf_putc(out, '\n');
	if (r->doc) {
		pm_buf_puts(out, "    description: ");
		pm_yaml_quote(out, r->doc);
		pm_buf_putc(out, '\n');
	}
	pm_buf_printf(out, "    enabled: %s\n", r->disabled ? "false" : "true");
}

void
pm_config_print(struct pm_buf *out, const struct pm_config *cfg)
{
	const struct pm_policy *pol = &cfg->policy;
	pm_buf_printf(out, "# pmcheck %s configuration: the effective policy, built-in\n"
	    "# defaults ", PM_VERSION);
	if (cfg->path) {
		/* The name is in a comment: no character of it may end the line. */
		pm_buf_puts(out, "changed by ");
		for (const char *s = cfg->path; *s; s++)
			pm_buf_putc(out, (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
	} else {
		pm_buf_puts(out, "with no configuration file");
	}
	pm_buf_puts(out, ".\n"
	    "# Given back with --config it gives the same results; keep only what\n"
	    "# you change.  Every key is described in docs/config.md.\n"
	    "pmcheck: 1\n\n");

	int fail_on = cfg->fail_on >= 0 ? cfg->fail_on : PM_VERDICT_REQUIRED;
	pm_buf_printf(out,
	    "# Exit 1 when an input needs a post-mortem at or above this level\n"
	    "# and has no postmortem.link or postmortem.waived: never,\n"
	    "# recommended or required.  --fail-on overrides it.\n"
	    "fail_on: %s\n\n", pm_fail_on_names[fail_on]);

	pm_buf_puts(out,
	    "# Directories of past incident files (the hotfix format), compared\n"
	    "# with each input for the recurrence trigger; relative paths are\n"
	    "# relative to this file.  --history overrides them.\n");
	if (cfg->nhistory == 0) {
		pm_buf_puts(out, "history: []\n");
	} else {
		pm_buf_puts(out, "history:\n");
		for (size_t i = 0; i < cfg->nhistory; i++) {
			/* Absolute, so this output means the same from anywhere. */
			char *abs = realpath(cfg->history[i], NULL);
			pm_buf_puts(out, "  - ");
			pm_yaml_quote(out, abs ? abs : cfg->history[i]);
			pm_buf_putc(out, '\n');
			free(abs);
		}
	}
	pm_buf_printf(out,
	    "# How many days before an incident a similar one counts.\n"
	    "history_days: %lld\n\n",
	    (long long)(cfg->history_days >= 0 ? cfg->history_days
	                                       : PM_HISTORY_DAYS_DEFAULT));

	pm_buf_puts(out,
	    "# A trigger fires when its score (0-100, the capped sum of its\n"
	    "# rules' points) reaches its threshold.  A disabled trigger never\n"
	    "# fires.\n"
	    "triggers:\n");
	for (int t = 0; t < PM_TRIGGER_COUNT; t++)
		pm_buf_printf(out, "  %s: {threshold: %d, enabled: %s}\n",
		              pm_trigger_id((enum pm_trigger)t), pol->threshold[t],
		              pol->trigger_disabled[t] ? "false" : "true");

	pm_buf_puts(out,
	    "\n# Built-in rules.  When the condition (when) holds, points go to the\n"
	    "# trigger; scaled: points times the list length or number, at most\n"
	    "# cap; decisive: the rule alone makes a post-mortem required.  In the\n"
	    "# message, {value}, {count}, {percent} and {s} are filled in.\n"
	    "rules:\n");
	size_t ncustom = 0;
	for (size_t i = 0; i < pol->nrules; i++) {
		if (pm_default_rule(pol->rules[i].id) == NULL) {
			ncustom++;
			continue;
		}
		pm_yaml_rule(out, &pol->rules[i]);
	}
	pm_buf_puts(out, "\n# Rules of this configuration, after the built-in ones.\n");
	if (ncustom == 0) {
		pm_buf_puts(out, "custom_rules: {}\n");
	} else {
		pm_buf_puts(out, "custom_rules:\n");
		for (size_t i = 0; i < pol->nrules; i++)
			if (pm_default_rule(pol->rules[i].id) == NULL)
				pm_yaml_rule(out, &pol->rules[i]);
	}

	pm_buf_puts(out,
	    "\n# Review notes: wording that assigns blame (matched without regard\n"
	    "# to case, anywhere in free text), and words that make an action\n"
	    "# item vague.  extra_blameful_phrases and extra_vague_words add to\n"
	    "# these lists instead of replacing them.\n");
	pm_yaml_list(out, "blameful_phrases", pol->blameful);
	pm_yaml_list(out, "vague_words", pol->vague);

	pm_buf_printf(out,
	    "\n# Days from the end of the incident to the post-mortem deadline,\n"
	    "# when postmortem.due is not given.\n"
	    "postmortem_due_days: {sev1: %d, sev2: %d, sev3: %d, sev4: %d}\n",
	    pol->due_days[1], pol->due_days[2], pol->due_days[3], pol->due_days[4]);
}

/* ---- --list-rules ------------------------------------------------------- */

/* The points column of R: "-" (decisive), "20", "20 each, max 60". */
static void
pm_rule_points(struct pm_buf *out, const struct pm_rule *r)
{
	if (r->decisive)
		pm_buf_puts(out, "-");
	else if (r->scaled)
		pm_buf_printf(out, "%d each, max %d", r->points, r->cap);
	else
		pm_buf_printf(out, "%d", r->points);
}

void
pm_config_list_rules(struct pm_buf *out, const struct pm_config *cfg)
{
	const struct pm_policy *pol = &cfg->policy;
	size_t idw = 4;
	for (size_t i = 0; i < pol->nrules; i++)
		if (strlen(pol->rules[i].id) > idw)
			idw = strlen(pol->rules[i].id);
	if (cfg->path) {
		pm_buf_puts(out, "# built-in rules, changed by ");
		for (const char *s = cfg->path; *s; s++)
			pm_buf_putc(out, (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
		pm_buf_putc(out, '\n');
	} else {
		pm_buf_puts(out, "# built-in rules, no configuration file\n");
	}
	/* The points column is as wide as its widest entry ("20 each, max
	 * 100"), so the conditions line up whatever the configuration says. */
	struct pm_buf pts = PM_BUF_INIT, what = PM_BUF_INIT;
	size_t ptw = 15;
	for (size_t i = 0; i < pol->nrules; i++) {
		pm_buf_clear(&pts);
		pm_rule_points(&pts, &pol->rules[i]);
		if (pts.len > ptw)
			ptw = pts.len;
	}
	pm_buf_printf(out, "%-*s  %-11s  %-*s  %s\n", (int)idw, "rule", "trigger",
	              (int)ptw, "points", "checks");
	for (size_t i = 0; i < pol->nrules; i++) {
		const struct pm_rule *r = &pol->rules[i];
		pm_buf_clear(&pts);
		pm_buf_clear(&what);
		pm_rule_points(&pts, r);
		pm_cond_describe(&what, &r->cond);
		const char *origin = pm_rule_origin(r);
		bool off = r->disabled ||
		           (!r->decisive && pol->trigger_disabled[r->trigger]);
		pm_buf_printf(out, "%-*s  %-11s  %-*s  %s", (int)idw, r->id,
		              r->decisive ? "decisive" : pm_trigger_id(r->trigger),
		              (int)ptw, pts.data, what.data ? what.data : "");
		if (origin || off)
			pm_buf_printf(out, "  [%s%s%s]", origin ? origin : "",
			              origin && off ? ", " : "", off ? "disabled" : "");
		pm_buf_putc(out, '\n');
	}
	for (int t = 0; t < PM_TRIGGER_COUNT; t++)
		if (pol->threshold[t] != pm_policy_default()->threshold[t] ||
		    pol->trigger_disabled[t])
			pm_buf_printf(out, "# trigger %s: threshold %d%s\n",
			              pm_trigger_id((enum pm_trigger)t), pol->threshold[t],
			              pol->trigger_disabled[t] ? ", disabled" : "");
	pm_buf_free(&pts);
	pm_buf_free(&what);
}
