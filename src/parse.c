/*
 * Bytes to model, through libyaml's event API.
 *
 * The input is first checked in one pass for what libyaml would either
 * accept silently or report without a line: bytes that are not UTF-8, NUL
 * and other control characters, UTF-16/32.  That pass also records where
 * each line starts, so any byte offset can be turned into a line and column.
 *
 * Then events are pulled one at a time and matched against the schema in
 * model.c by recursive descent.  Every limit is enforced on the event that
 * crosses it: depth, scalar size, anchors, aliases, tags, duplicate keys,
 * more than one document.  libyaml's scanner is quadratic in flow nesting
 * (it rechecks every open "[" for each new token), so the input is fed in
 * small chunks and the read callback refuses to go on once the scanner's
 * flow level passes the depth limit: 100 000 "[" cost a few hundred, not
 * ten billion, steps.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "pm_alloc.h"
#include "pm_escape.h"
#include "pm_parse.h"

/* Bytes handed to libyaml per read callback.  Small enough that the
 * scanner's quadratic flow-level bookkeeping stays cheap between two depth
 * checks, large enough that ordinary files take a handful of callbacks. */
#define PM_FEED_CHUNK 512

/* Longest key or value quoted back in a message, in bytes. */
#define PM_QUOTE_MAX 40

/* One key seen in one mapping, for duplicate detection. */
struct pm_key_slot {
	uint64_t hash;         /* 0: empty slot */
	uint32_t map;          /* serial number of the mapping */
	uint32_t line;         /* where the key was first written */
	const char *key;       /* in the hotfix arena */
	size_t len;
};

/* Longest key path in a message, in bytes with the NUL; segments kept. */
#define PM_PATH_MAX 256
#define PM_PATH_SEGS (2 * PM_MAX_DEPTH + 8)

/* One step of a key path: KEY and its length (INDEX), or a list item's
 * INDEX when KEY is NULL. */
struct pm_seg {
	const char *key;
	size_t index;
};

/* Where a known key was given: in mapping number MAP, on LINE. */
struct pm_seen {
	uint32_t map;
	uint32_t line;
};

struct pm_parser {
	/* From here to YP, zeroed when a parse starts. */
	bool have_ev;          /* ev must be deleted before the next parse */
	struct pm_hotfix *hf;
	struct pm_error *err;
	size_t fed;            /* bytes given to libyaml so far */
	bool too_deep;         /* the read callback stopped the scanner */
	int depth;             /* open collections, at the event level */
	uint32_t maps;         /* mappings opened so far */
	size_t nsegs;
	/* Known keys given so far, for duplicates, by field: those of the
	 * top level and sections (numbered as in the table, so a section
	 * nested in the top level never shares a number with it) and those of
	 * list entries (numbered within the entry; entries hold no mappings,
	 * so one entry is read at a time).  Mappings are numbered from 1, so
	 * nothing needs clearing between them.  x- keys, which are not in the
	 * table, go through KEYS. */
	struct pm_seen seen_field[PM_F_COUNT];
	struct pm_seen seen_item[PM_F_COUNT];
	struct pm_key_slot *keys;
	size_t keys_cap, keys_len;
	size_t scratch_len;    /* items in hf->scratch */
	/* Not zeroed: libyaml sets up YP, EV is written by each pull, and
	 * the key path is written before it is read.  Some 3 KiB that a
	 * batch would otherwise clear for every input. */
	yaml_parser_t yp;
	yaml_event_t ev;
	struct pm_seg segs[PM_PATH_SEGS];   /* key path of the node being parsed */
	char path[PM_PATH_MAX];             /* written out by pm_path() */
};

/* ---- encoding pass ------------------------------------------------------ */

int
pm_parse_check_encoding(struct pm_hotfix *hf, const char *src, size_t len,
                        struct pm_error *err)
{
	const unsigned char *s = (const unsigned char *)src;
	/* The index stops at the first byte that is not allowed, with the
	 * lines up to it recorded, so every error below has a line, a column
	 * and a line to show. */
	size_t i = pm_hotfix_index(hf, src, len);
	if ((len >= 2 && ((s[0] == 0xFE && s[1] == 0xFF) ||
	                  (s[0] == 0xFF && s[1] == 0xFE))) ||
	    (len >= 4 && s[0] == 0 && s[1] == 0 && s[2] == 0xFE && s[3] == 0xFF))
		return pm_error_set(err, PM_ERR_ENCODING, 1, 1, NULL,
		    "the file is UTF-16 or UTF-32; pmcheck reads UTF-8 only "
		    "(convert it, e.g. with iconv -t UTF-8)");

	if (i == len)
		return 0;
	struct pm_pos pos = pm_hotfix_pos(hf, (uint32_t)i);
	uint32_t cp;
	if (pm_utf8_decode(s + i, len - i, &cp) == 0)
		return pm_error_set(err, PM_ERR_ENCODING, pos.line, pos.column,
		    NULL, "invalid UTF-8 byte 0x%02X at byte offset %zu", s[i], i);
	if (cp == 0)
		return pm_error_set(err, PM_ERR_ENCODING, pos.line, pos.column,
		    NULL, "NUL byte at byte offset %zu; is this a binary "
		    "or UTF-16 file?", i);
	return pm_error_set(err, PM_ERR_ENCODING, pos.line, pos.column,
	    NULL, "control character U+%04X is not allowed in YAML "
	    "(write it as an escape inside double quotes)", cp);
}

/* ---- edit distance ------------------------------------------------------ */

unsigned
pm_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return 255;
	unsigned d[65][65];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (unsigned)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			unsigned cost = tolower((unsigned char)a[i - 1]) !=
			                tolower((unsigned char)b[j - 1]);
			unsigned best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < best)
				best = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb] > 255 ? 255 : d[la][lb];
}

/* ---- paths and messages ------------------------------------------------- */

/*
 * The key path of the node being parsed ("action_items[2].due") is a stack
 * of segments, written out only when a message needs it: it changes on
 * every key and list item of every input, and nearly no input has an
 * error.  A key segment points at the field table's name or at a copy in
 * the arena, never at libyaml's string, which the next event frees.
 */

/* Appends S[0..N) to the path being written, cut to fit. */
static void
pm_path_append(char *path, size_t *len, const char *s, size_t n)
{
	size_t room = PM_PATH_MAX - 1 - *len;
	if (n > room)
		n = room;
	memcpy(path + *len, s, n);
	*len += n;
	path[*len] = '\0';
}

/* Writes the path into P->path: keys joined by ".", cut to PM_QUOTE_MAX
 * bytes each, list items as "[N]". */
static const char *
pm_path(struct pm_parser *p)
{
	size_t len = 0;
	p->path[0] = '\0';
	for (size_t i = 0; i < p->nsegs; i++) {
		const struct pm_seg *g = &p->segs[i];
		if (g->key == NULL) {
			char digits[24];
			size_t n = sizeof(digits), index = g->index;
			digits[--n] = ']';
			do
				digits[--n] = (char)('0' + index % 10);
			while ((index /= 10) != 0);
			digits[--n] = '[';
			pm_path_append(p->path, &len, digits + n, sizeof(digits) - n);
			continue;
		}
		if (len)
			pm_path_append(p->path, &len, ".", 1);
		pm_path_append(p->path, &len, g->key,
		               g->index > PM_QUOTE_MAX ? PM_QUOTE_MAX : g->index);
	}
	return p->path;
}

static size_t
pm_path_push(struct pm_parser *p, const char *key, size_t n)
{
	size_t old = p->nsegs;
	/* Deeper than the nesting limit allows only in a message's path,
	 * which is cut long before. */
	if (old < PM_PATH_SEGS)
		p->segs[p->nsegs++] = (struct pm_seg){ key, n };
	return old;
}

/* A key that stays valid while it is on the path: a field name, or an
 * arena copy.  Returns the old depth for pm_path_pop. */
static size_t
pm_path_push_key(struct pm_parser *p, const char *key, size_t len)
{
	return pm_path_push(p, key, len);
}

/* A key from the current event, copied (as much as a path shows of it). */
static size_t
pm_path_push_copy(struct pm_parser *p, const char *key, size_t len)
{
	if (len > PM_QUOTE_MAX)
		len = PM_QUOTE_MAX;
	return pm_path_push(p, pm_arena_strndup(&p->hf->arena, key, len), len);
}

static size_t
pm_path_push_index(struct pm_parser *p, size_t index)
{
	return pm_path_push(p, NULL, index);
}

static void
pm_path_pop(struct pm_parser *p, size_t old)
{
	p->nsegs = old;
}

static struct pm_pos
pm_mark_pos(yaml_mark_t m)
{
	struct pm_pos pos = { (uint32_t)m.line + 1, (uint32_t)m.column + 1 };
	return pos;
}

static int
pm_fail(struct pm_parser *p, enum pm_errcode code, yaml_mark_t m,
        const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
pm_fail(struct pm_parser *p, enum pm_errcode code, yaml_mark_t m,
        const char *fmt, ...)
{
	char msg[sizeof(p->err->message)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	struct pm_pos pos = pm_mark_pos(m);
	return pm_error_set(p->err, code, pos.line, pos.column, pm_path(p), "%s", msg);
}

/* A short quotable form of a scalar for messages: at most PM_QUOTE_MAX
 * bytes, cut on a character boundary.  Escaping happens when printed. */
static void
pm_quote(char *out, size_t outsz, const char *s, size_t len)
{
	size_t n = len;
	const char *ell = "";
	if (n > PM_QUOTE_MAX) {
		n = PM_QUOTE_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
		ell = "...";
	}
	snprintf(out, outsz, "\"%.*s%s\"", (int)n, s, ell);
}

/* "got ..." for the current event. */
static void
pm_describe(const yaml_event_t *ev, char *out, size_t outsz)
{
	switch (ev->type) {
	case YAML_SEQUENCE_START_EVENT:
		snprintf(out, outsz, "a list");
		break;
	case YAML_MAPPING_START_EVENT:
		snprintf(out, outsz, "a mapping");
		break;
	case YAML_SCALAR_EVENT: {
		char q[PM_QUOTE_MAX + 8];
		pm_quote(q, sizeof(q), (const char *)ev->data.scalar.value,
		         ev->data.scalar.length);
		bool quoted = ev->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
		              ev->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
		snprintf(out, outsz, "%s%s", quoted ? "the quoted string " : "", q);
		break;
	}
	default:
		snprintf(out, outsz, "something else");
		break;
	}
}

/* ---- events ------------------------------------------------------------- */

/* libyaml's read callback: hands out the source in small chunks and stops
 * the scanner as soon as its nesting passes the limit (see file comment). */
static int
pm_parse_read(void *data, unsigned char *buffer, size_t size, size_t *size_read)
{
	struct pm_parser *p = data;
	ptrdiff_t indents = p->yp.indents.top - p->yp.indents.start;
	if (p->yp.flow_level > PM_MAX_DEPTH || indents > PM_MAX_DEPTH + 1) {
		p->too_deep = true;
		return 0;
	}
	size_t n = p->hf->src_len - p->fed;
	if (n > size)
		n = size;
	if (n > PM_FEED_CHUNK)
		n = PM_FEED_CHUNK;
	memcpy(buffer, p->hf->src + p->fed, n);
	p->fed += n;
	*size_read = n;
	return 1;
}

/* Starts a parse of HF->src with libyaml; pm_parser_end() ends it. */
static void
pm_parser_start(struct pm_parser *p, struct pm_hotfix *hf, struct pm_error *err)
{
	memset(p, 0, offsetof(struct pm_parser, yp));
	p->hf = hf;
	p->err = err;
	if (!yaml_parser_initialize(&p->yp))
		pm_alloc_fail();
	yaml_parser_set_input(&p->yp, pm_parse_read, p);
}

static void
pm_parser_end(struct pm_parser *p)
{
	if (p->have_ev)
		yaml_event_delete(&p->ev);
	yaml_parser_delete(&p->yp);
	free(p->keys);
}

/* Where the nesting limit was crossed: the first queued token that opens a
 * collection beyond it, or where the scanner stopped. */
static yaml_mark_t
pm_too_deep_mark(struct pm_parser *p)
{
	int depth = p->depth;
	for (yaml_token_t *t = p->yp.tokens.head; t != p->yp.tokens.tail; t++) {
		switch (t->type) {
		case YAML_FLOW_SEQUENCE_START_TOKEN:
		case YAML_FLOW_MAPPING_START_TOKEN:
		case YAML_BLOCK_SEQUENCE_START_TOKEN:
		case YAML_BLOCK_MAPPING_START_TOKEN:
			if (++depth > PM_MAX_DEPTH)
				return t->start_mark;
			break;
		case YAML_FLOW_SEQUENCE_END_TOKEN:
		case YAML_FLOW_MAPPING_END_TOKEN:
		case YAML_BLOCK_END_TOKEN:
			depth--;
			break;
		default:
			break;
		}
	}
	return p->yp.mark;
}

static int
pm_yaml_error(struct pm_parser *p)
{
	yaml_parser_t *yp = &p->yp;
	if (p->too_deep)
		return pm_fail(p, PM_ERR_LIMIT, pm_too_deep_mark(p),
		    "nesting deeper than %d levels", PM_MAX_DEPTH);
	if (yp->error == YAML_MEMORY_ERROR) {
		pm_alloc_fail();
	}
	if (yp->error == YAML_READER_ERROR) {
		struct pm_pos pos = pm_hotfix_pos(p->hf, (uint32_t)yp->problem_offset);
		return pm_error_set(p->err, PM_ERR_ENCODING, pos.line, pos.column,
		    pm_path(p), "%s", yp->problem ? yp->problem : "unreadable input");
	}
	const char *problem = yp->problem ? yp->problem : "syntax error";

	/* A quoted scalar that never ends is reported at the end of the file;
	 * where it starts is where the fix goes. */
	yaml_mark_t at = yp->problem_mark;
	if (yp->context && strstr(problem, "end of stream") != NULL)
		at = yp->context_mark;

	/* libyaml reports the problem and, separately, what it was parsing;
	 * the latter's line is worth giving only when it is another line. */
	char msg[400];
	if (yp->context && yp->context_mark.line != at.line)
		snprintf(msg, sizeof(msg), "%s %s (from line %zu)", problem, yp->context,
		         yp->context_mark.line + 1);
	else if (yp->context)
		snprintf(msg, sizeof(msg), "%s %s", problem, yp->context);
	else
		snprintf(msg, sizeof(msg), "%s", problem);

	/* The one YAML mistake people make most deserves a plain hint: a tab
	 * where indentation is read. */
	const char *hint = "";
	uint32_t off = pm_hotfix_offset(p->hf, yp->problem_mark.line,
	                                yp->problem_mark.column);
	if (strstr(problem, "tab") ||
	    (off < p->hf->src_len && p->hf->src[off] == '\t'))
		hint = "; indent with spaces, YAML does not allow tabs there";
	return pm_fail(p, PM_ERR_SYNTAX, at, "invalid YAML: %s%s", msg, hint);
}

/* The current event breaks a rule that holds for any event; says which.
 * Kept out of pm_next(), which runs for every event of every input, so
 * that its messages cost nothing on the way. */
static int __attribute__((cold, noinline))
pm_refuse(struct pm_parser *p)
{
	yaml_event_t *ev = &p->ev;
	const yaml_char_t *anchor = NULL, *tag = NULL;
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		return pm_fail(p, PM_ERR_STRUCTURE, ev->start_mark,
		    "aliases (*%s) are not allowed; write the value out",
		    (const char *)ev->data.alias.anchor);
	case YAML_SCALAR_EVENT:
		anchor = ev->data.scalar.anchor;
		tag = ev->data.scalar.tag;
		if (ev->data.scalar.length > PM_MAX_SCALAR)
			return pm_fail(p, PM_ERR_LIMIT, ev->start_mark,
			    "scalar of %zu bytes is longer than the limit of %u bytes",
			    ev->data.scalar.length, PM_MAX_SCALAR);
		if (memchr(ev->data.scalar.value, '\0', ev->data.scalar.length))
			return pm_fail(p, PM_ERR_ENCODING, ev->start_mark,
			    "a NUL character (\\0) is not allowed in a value");
		break;
	case YAML_SEQUENCE_START_EVENT:
		anchor = ev->data.sequence_start.anchor;
		tag = ev->data.sequence_start.tag;
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = ev->data.mapping_start.anchor;
		tag = ev->data.mapping_start.tag;
		break;
	default:
		break;
	}
	if ((ev->type == YAML_SEQUENCE_START_EVENT ||
	     ev->type == YAML_MAPPING_START_EVENT) && p->depth > PM_MAX_DEPTH)
		return pm_fail(p, PM_ERR_LIMIT, ev->start_mark,
		    "nesting deeper than %d levels", PM_MAX_DEPTH);
	if (anchor)
		return pm_fail(p, PM_ERR_STRUCTURE, ev->start_mark,
		    "anchors (&%.40s) are not allowed; write the value out",
		    (const char *)anchor);
	return pm_fail(p, PM_ERR_STRUCTURE, ev->start_mark,
	    "tags (%.60s) are not allowed", (const char *)tag);
}

/* Pulls the next event into p->ev and applies the checks that hold for any
 * event: no anchors, aliases or tags; scalars within the size limit and
 * without NUL (the encoding pass saw no NUL byte, but a double-quoted "\0"
 * makes one, and every string downstream is a C string); depth within the
 * limit. */
static int
pm_next(struct pm_parser *p)
{
	if (p->have_ev) {
		yaml_event_delete(&p->ev);
		p->have_ev = false;
	}
	if (!yaml_parser_parse(&p->yp, &p->ev))
		return pm_yaml_error(p);
	p->have_ev = true;

	const yaml_event_t *ev = &p->ev;
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		if (ev->data.scalar.anchor || ev->data.scalar.tag ||
		    ev->data.scalar.length > PM_MAX_SCALAR ||
		    (ev->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE &&
		     memchr(ev->data.scalar.value, '\0', ev->data.scalar.length)))
			return pm_refuse(p);
		return 0;
	case YAML_SEQUENCE_START_EVENT:
		if (++p->depth > PM_MAX_DEPTH || ev->data.sequence_start.anchor ||
		    ev->data.sequence_start.tag)
			return pm_refuse(p);
		return 0;
	case YAML_MAPPING_START_EVENT:
		if (++p->depth > PM_MAX_DEPTH || ev->data.mapping_start.anchor ||
		    ev->data.mapping_start.tag)
			return pm_refuse(p);
		return 0;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		p->depth--;
		return 0;
	case YAML_ALIAS_EVENT:
		return pm_refuse(p);
	default:
		return 0;
	}
}

static bool
pm_is_null(const yaml_event_t *ev)
{
	if (ev->type != YAML_SCALAR_EVENT ||
	    ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	const char *v = (const char *)ev->data.scalar.value;
	if (ev->data.scalar.length > 4 || (v[0] != '~' && v[0] != 'n' && v[0] != 'N'))
		return ev->data.scalar.length == 0;
	return ev->data.scalar.length == 0 || strcmp(v, "~") == 0 ||
	       strcmp(v, "null") == 0 || strcmp(v, "Null") == 0 ||
	       strcmp(v, "NULL") == 0;
}

static bool
pm_is_plain(const yaml_event_t *ev)
{
	return ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

/* ---- duplicate keys ----------------------------------------------------- */

static uint64_t
pm_key_hash(uint32_t map, const char *key, size_t len)
{
	uint64_t h = 0xcbf29ce484222325u ^ map;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)key[i];
		h *= 0x100000001b3u;
	}
	return h ? h : 1;
}

/* Records KEY in mapping MAP; returns the line of an earlier identical key,
 * or 0 when it is new.  Open addressing, kept at most half full. */
static uint32_t
pm_key_add(struct pm_parser *p, uint32_t map, const char *key, size_t len,
           uint32_t line)
{
	if (2 * (p->keys_len + 1) > p->keys_cap) {
		size_t cap = p->keys_cap ? p->keys_cap * 2 : 16;
		struct pm_key_slot *slots = pm_xcalloc(cap, sizeof(*slots));
		for (size_t i = 0; i < p->keys_cap; i++) {
			struct pm_key_slot *s = &p->keys[i];
			if (!s->hash)
				continue;
			size_t j = s->hash & (cap - 1);
			while (slots[j].hash)
				j = (j + 1) & (cap - 1);
			slots[j] = *s;
		}
		free(p->keys);
		p->keys = slots;
		p->keys_cap = cap;
	}
	uint64_t h = pm_key_hash(map, key, len);
	size_t j = h & (p->keys_cap - 1);
	while (p->keys[j].hash) {
		struct pm_key_slot *s = &p->keys[j];
		if (s->hash == h && s->map == map && s->len == len &&
		    memcmp(s->key, key, len) == 0)
			return s->line;
		j = (j + 1) & (p->keys_cap - 1);
	}
	p->keys[j] = (struct pm_key_slot){
		.hash = h, .map = map, .line = line,
		.key = pm_arena_strndup(&p->hf->arena, key, len), .len = len,
	};
	p->keys_len++;
	return 0;
}

/* Rejects a mapping key (the current event) that is not a scalar. */
static int
pm_key_check(struct pm_parser *p)
{
	yaml_event_t *ev = &p->ev;
	if (ev->type == YAML_SCALAR_EVENT)
		return 0;
	return pm_fail(p, PM_ERR_STRUCTURE, ev->start_mark,
	    "a key must be a word or a quoted string, not %s",
	    ev->type == YAML_MAPPING_START_EVENT ? "a mapping" : "a list");
}

static int
pm_duplicate_key(struct pm_parser *p, const char *key, size_t len, uint32_t first)
{
	char q[PM_QUOTE_MAX + 8];
	pm_quote(q, sizeof(q), key, len);
	size_t old = pm_path_push_key(p, key, len);
	int rc = pm_fail(p, PM_ERR_DUPLICATE_KEY, p->ev.start_mark,
	    "duplicate key %s (first given on line %u)", q, first);
	pm_path_pop(p, old);
	return rc;
}

/* Reads a mapping key (the current event) and rejects what cannot be one:
 * not a scalar, or given before in mapping MAP. */
static int
pm_take_key(struct pm_parser *p, uint32_t map)
{
	if (pm_key_check(p) < 0)
		return -1;
	yaml_event_t *ev = &p->ev;
	const char *key = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	uint32_t first = pm_key_add(p, map, key, len, (uint32_t)ev->start_mark.line + 1);
	return first ? pm_duplicate_key(p, key, len, first) : 0;
}

/* ---- skipping extension values ------------------------------------------ */

/* Consumes the node that starts at the current event, checking the same
 * limits as everywhere else.  Used for x- extension values. */
static int
pm_skip_node(struct pm_parser *p)
{
	switch (p->ev.type) {
	case YAML_SCALAR_EVENT:
		return 0;
	case YAML_SEQUENCE_START_EVENT:
		for (size_t i = 0;; i++) {
			size_t old = pm_path_push_index(p, i);
			int rc = pm_next(p);
			bool end = rc == 0 && p->ev.type == YAML_SEQUENCE_END_EVENT;
			if (rc == 0 && !end)
				rc = pm_skip_node(p);
			pm_path_pop(p, old);
			if (rc < 0)
				return -1;
			if (end)
				return 0;
		}
	case YAML_MAPPING_START_EVENT: {
		uint32_t map = ++p->maps;
		for (;;) {
			if (pm_next(p) < 0)
				return -1;
			if (p->ev.type == YAML_MAPPING_END_EVENT)
				return 0;
			if (pm_take_key(p, map) < 0)
				return -1;
			size_t old = pm_path_push_copy(p, (const char *)p->ev.data.scalar.value,
			                               p->ev.data.scalar.length);
			int rc = pm_next(p);
			if (rc == 0)
				rc = pm_skip_node(p);
			pm_path_pop(p, old);
			if (rc < 0)
				return -1;
		}
	}
	default:
		return pm_fail(p, PM_ERR_SYNTAX, p->ev.start_mark, "unexpected YAML event");
	}
}

/* ---- scalars ------------------------------------------------------------ */

static unsigned
pm_digits(const char *s, size_t n)
{
	unsigned v = 0;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return UINT32_MAX;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	return v;
}

static bool
pm_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned
pm_month_days(int64_t y, unsigned m)
{
	static const unsigned days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && pm_leap(y) ? 29 : days[m - 1];
}

/*
 * ISO 8601 as hotfix files write it: YYYY-MM-DD, optionally followed by
 * T (or a space) HH:MM[:SS[.fraction]] and Z or an offset ±HH:MM, ±HHMM,
 * ±HH.  A time without a zone is taken as UTC.  Returns 0, or -1 with WHY
 * saying what is wrong.
 */
static int
pm_parse_time_text(const char *s, size_t len, bool date_only,
                   struct pm_time *t, const char **why)
{
	*why = date_only ? "expected a date (YYYY-MM-DD)"
	                 : "expected an ISO 8601 timestamp (2024-01-12T09:14:00Z) "
	                   "or a date (2024-01-12)";
	if (len < 10 || s[4] != '-' || s[7] != '-')
		return -1;
	unsigned y = pm_digits(s, 4), mo = pm_digits(s + 5, 2), d = pm_digits(s + 8, 2);
	if (y == UINT32_MAX || mo == UINT32_MAX || d == UINT32_MAX)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > pm_month_days(y, mo)) {
		*why = "no such date";
		return -1;
	}
	memset(t, 0, sizeof(*t));
	int64_t days = pm_days_from_civil(y, mo, d);
	t->epoch = days * 86400;
	if (len == 10) {
		t->date_only = true;
		return 0;
	}
	if (date_only) {
		*why = "expected a date (YYYY-MM-DD) without a time";
		return -1;
	}
	if (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
		return -1;
	size_t i = 11;
	if (len < i + 5 || s[i + 2] != ':')
		return -1;
	unsigned hh = pm_digits(s + i, 2), mm = pm_digits(s + i + 3, 2), ss = 0;
	if (hh == UINT32_MAX || mm == UINT32_MAX)
		return -1;
	i += 5;
	if (i < len && s[i] == ':') {
		if (len < i + 3 || (ss = pm_digits(s + i + 1, 2)) == UINT32_MAX)
			return -1;
		i += 3;
		if (i < len && (s[i] == '.' || s[i] == ',')) {
			size_t j = ++i;
			while (i < len && isdigit((unsigned char)s[i]))
				i++;
			if (i == j)
				return -1;
		}
	}
	if (hh > 23 || mm > 59 || ss > 59) {
		*why = "no such time of day";
		return -1;
	}
	int32_t off = 0;
	if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
		t->has_zone = true;
		i++;
	} else if (i < len && (s[i] == '+' || s[i] == '-')) {
		int sign = s[i] == '-' ? -1 : 1;
		i++;
		unsigned oh, om = 0;
		if (len - i == 2) {
			oh = pm_digits(s + i, 2);
		} else if (len - i == 4) {
			oh = pm_digits(s + i, 2);
			om = pm_digits(s + i + 2, 2);
		} else if (len - i == 5 && s[i + 2] == ':') {
			oh = pm_digits(s + i, 2);
			om = pm_digits(s + i + 3, 2);
		} else {
			return -1;
		}
		if (oh == UINT32_MAX || om == UINT32_MAX)
			return -1;
		if (oh > 23 || om > 59) {
			*why = "no such UTC offset";
			return -1;
		}
		off = sign * (int32_t)(oh * 60 + om);
		t->has_zone = true;
		i = len;
	}
	if (i != len)
		return -1;
	t->offset_min = off;
	t->epoch += (int64_t)hh * 3600 + mm * 60 + ss - (int64_t)off * 60;
	return 0;
}

static const char *
pm_expected(const struct pm_field_def *def)
{
	switch (def->type) {
	case PM_FT_MAP: return "a mapping of keys";
	case PM_FT_STR: return "a string";
	case PM_FT_BOOL: return "true or false";
	case PM_FT_INT: return "an integer";
	case PM_FT_NUM: return "a number";
	case PM_FT_ENUM: return "one of its values";
	case PM_FT_TIME: return "an ISO 8601 timestamp";
	case PM_FT_DATE: return "a date (YYYY-MM-DD)";
	case PM_FT_STR_LIST: return "a list of strings";
	case PM_FT_MAP_LIST: return "a list of mappings";
	default: return "a value";
	}
}

static int
pm_type_error(struct pm_parser *p, const struct pm_field_def *def)
{
	char got[PM_QUOTE_MAX + 32];
	pm_describe(&p->ev, got, sizeof(got));
	const char *hint = "";
	if (def->type == PM_FT_STR_LIST && p->ev.type == YAML_SCALAR_EVENT)
		hint = "; write a list, e.g. [a, b] or one \"- item\" per line";
	else if (def->type == PM_FT_MAP_LIST && p->ev.type == YAML_SCALAR_EVENT)
		hint = "; write one \"- ...\" entry per line";
	if (def->type == PM_FT_ENUM) {
		char list[256] = "";
		for (const struct pm_enum_value *e = def->values; e->name; e++) {
			size_t used = strlen(list);
			snprintf(list + used, sizeof(list) - used, "%s%s",
			         used ? ", " : "", e->name);
		}
		return pm_fail(p, PM_ERR_TYPE, p->ev.start_mark,
		               "expected one of %s; got %s", list, got);
	}
	return pm_fail(p, PM_ERR_TYPE, p->ev.start_mark, "expected %s, got %s%s",
	               pm_expected(def), got, hint);
}

static int
pm_enum_error(struct pm_parser *p, const struct pm_field_def *def,
              const char *v, size_t len)
{
	char list[256] = "", q[PM_QUOTE_MAX + 8];
	const char *best = NULL;
	unsigned best_d = 3;
	bool tie = false;
	for (const struct pm_enum_value *e = def->values; e->name; e++) {
		size_t used = strlen(list);
		snprintf(list + used, sizeof(list) - used, "%s%s", used ? ", " : "", e->name);
		unsigned d = pm_edit_distance(v, e->name);
		if (d < best_d) {
			best_d = d;
			best = e->name;
			tie = false;
		} else if (d == best_d && best) {
			tie = true;
		}
	}
	/* "sev5" is as close to sev1 as to sev4: a guess would mislead. */
	if (tie)
		best = NULL;
	pm_quote(q, sizeof(q), v, len);
	if (best)
		return pm_fail(p, PM_ERR_VALUE, p->ev.start_mark,
		    "expected one of %s; got %s; did you mean \"%s\"?", list, q, best);
	return pm_fail(p, PM_ERR_VALUE, p->ev.start_mark,
	    "expected one of %s; got %s", list, q);
}

/* Plain decimal: optional sign, digits.  YAML 1.1 reads a leading 0 as
 * octal and 1_000 as 1000, so neither is accepted as an integer here. */
static bool
pm_decimal(const char *v, size_t len, int64_t *out, bool *overflow)
{
	size_t i = (len > 0 && (v[0] == '-' || v[0] == '+')) ? 1 : 0;
	if (i == len)
		return false;
	if (v[i] == '0' && len - i > 1)
		return false;
	int64_t acc = 0;
	*overflow = false;
	for (; i < len; i++) {
		if (!isdigit((unsigned char)v[i]))
			return false;
		int dg = v[i] - '0';
		if (acc > (INT64_MAX - dg) / 10)
			*overflow = true;
		else
			acc = acc * 10 + dg;
	}
	*out = v[0] == '-' ? -acc : acc;
	return true;
}

static bool
pm_number(const char *v, size_t len, double *out)
{
	/* Digits, one optional point, an optional exponent: no hex, no inf,
	 * no nan, no YAML 1.1 sexagesimal. */
	size_t i = (len > 0 && (v[0] == '-' || v[0] == '+')) ? 1 : 0;
	size_t digits = 0;
	while (i < len && isdigit((unsigned char)v[i]))
		i++, digits++;
	if (i < len && v[i] == '.') {
		i++;
		while (i < len && isdigit((unsigned char)v[i]))
			i++, digits++;
	}
	if (digits == 0)
		return false;
	if (i < len && (v[i] == 'e' || v[i] == 'E')) {
		i++;
		if (i < len && (v[i] == '-' || v[i] == '+'))
			i++;
		size_t e = i;
		while (i < len && isdigit((unsigned char)v[i]))
			i++;
		if (i == e)
			return false;
	}
	if (i != len)
		return false;
	*out = strtod(v, NULL);
	return isfinite(*out);
}

/* Line breaks as YAML knows them: LF, CR, NEL, U+2028, U+2029. */
static bool
pm_has_break(const char *v, size_t len)
{
	/* memchr() looks at many bytes a step; most titles hold none of these. */
	if (memchr(v, '\n', len) || memchr(v, '\r', len))
		return true;
	for (const char *c = v; (c = memchr(c, 0xC2, len - (size_t)(c - v))) != NULL; c++)
		if ((size_t)(c - v) + 1 < len && (unsigned char)c[1] == 0x85)
			return true;
	for (const char *c = v; (c = memchr(c, 0xE2, len - (size_t)(c - v))) != NULL; c++)
		if ((size_t)(c - v) + 2 < len && (unsigned char)c[1] == 0x80 &&
		    ((unsigned char)c[2] == 0xA8 || (unsigned char)c[2] == 0xA9))
			return true;
	return false;
}

static bool
pm_ieq(const char *a, const char *b)
{
	/* ASCII case folding, as tolower() does in the C locale. */
	unsigned char x, y;
	do {
		x = (unsigned char)*a++;
		y = (unsigned char)*b++;
		x |= (unsigned char)((unsigned)(x - 'A') < 26u) << 5;
		y |= (unsigned char)((unsigned)(y - 'A') < 26u) << 5;
	} while (x && x == y);
	return x == y;
}

/* Byte offset of a mark's character INDEX: the same number in an ASCII
 * file, which needs no lookup. */
static uint32_t
pm_char_offset(const struct pm_hotfix *hf, size_t index)
{
	if (hf->nwide == 0)
		return (uint32_t)(index < hf->src_len ? index : hf->src_len);
	return pm_hotfix_char_offset(hf, index);
}

/* YAML's white space and line breaks, and the C locale's isspace(). */
static bool
pm_is_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Fills SLOT from the scalar event, converted to DEF's type. */
static int
pm_scalar(struct pm_parser *p, const struct pm_field_def *def,
          struct pm_value *slot)
{
	yaml_event_t *ev = &p->ev;
	const char *v = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	/* Quoted only when a message needs it: this runs for every scalar. */
	char q[PM_QUOTE_MAX + 8];
#define PM_Q() (pm_quote(q, sizeof(q), v, len), q)

	slot->pos = pm_mark_pos(ev->start_mark);
	switch (def->type) {
	case PM_FT_STR: {
		/* Block scalars end in a newline; it carries no meaning here. */
		while (len > 0 && (v[len - 1] == '\n' || v[len - 1] == '\r'))
			len--;
		size_t k = 0;
		while (k < len && pm_is_space((unsigned char)v[k]))
			k++;
		if (k == len) {
			/* A blank link or waiver must not pass the gate: blank
			 * text counts as not given. */
			if (def->required)
				return pm_fail(p, PM_ERR_VALUE, ev->start_mark,
				    "expected a non-empty string");
			return 0;
		}
		/* Titles (the hotfix's and action items') are one line. */
		if (def->parent == PM_F_NONE && def->name[0] == 't' &&
		    strcmp(def->name, "title") == 0 && pm_has_break(v, len))
			return pm_fail(p, PM_ERR_VALUE, ev->start_mark,
			    "expected one line; put details in summary");
		slot->type = PM_V_STR;
		slot->s = pm_arena_strndup(&p->hf->arena, v, len);
		slot->len = len;
		/* Marks count characters; the model keeps byte spans. */
		slot->start = pm_char_offset(p->hf, ev->start_mark.index);
		slot->end = pm_char_offset(p->hf, ev->end_mark.index);
		return 0;
	}
	case PM_FT_BOOL: {
		static const char *const yaml11[] = {
			"yes", "no", "on", "off", "y", "n", "true", "false", NULL,
		};
		if (pm_is_plain(ev) && strcmp(v, "true") == 0) {
			slot->type = PM_V_BOOL;
			slot->u.b = true;
		} else if (pm_is_plain(ev) && strcmp(v, "false") == 0) {
			slot->type = PM_V_BOOL;
			slot->u.b = false;
		} else {
			for (size_t i = 0; yaml11[i]; i++)
				if (pm_ieq(v, yaml11[i])) {
					bool yes = i % 2 == 0;
					return pm_fail(p, PM_ERR_TYPE, ev->start_mark,
					    "expected true or false, got %s%s; write %s",
					    pm_is_plain(ev) ? "" : "the quoted string ", PM_Q(),
					    yes ? "true" : "false");
				}
			char got[PM_QUOTE_MAX + 32];
			pm_describe(ev, got, sizeof(got));
			return pm_fail(p, PM_ERR_TYPE, ev->start_mark,
			    "expected true or false, got %s", got);
		}
		slot->s = slot->u.b ? "true" : "false";
		slot->len = strlen(slot->s);
		return 0;
	}
	case PM_FT_INT: {
		int64_t i;
		bool overflow;
		if (!pm_is_plain(ev) || !pm_decimal(v, len, &i, &overflow)) {
			char got[PM_QUOTE_MAX + 32];
			pm_describe(ev, got, sizeof(got));
			return pm_fail(p, PM_ERR_TYPE, ev->start_mark,
			    "expected an integer, got %s", got);
		}
		if (overflow || i < (int64_t)def->min || i > (int64_t)def->max) {
			if (def->min == def->max)
				return pm_fail(p, PM_ERR_VALUE, ev->start_mark,
				    "expected %.0f, got %s; this pmcheck reads format "
				    "version %.0f", def->min, PM_Q(), def->min);
			return pm_fail(p, PM_ERR_VALUE, ev->start_mark,
			    "expected an integer from %.0f to %.0f, got %s",
			    def->min, def->max, PM_Q());
		}
		slot->type = PM_V_INT;
		slot->u.i = i;
		slot->s = pm_arena_strndup(&p->hf->arena, v, len);
		slot->len = len;
		return 0;
	}
	case PM_FT_NUM: {
		double n;
		if (!pm_is_plain(ev) || !pm_number(v, len, &n)) {
			char got[PM_QUOTE_MAX + 32];
			pm_describe(ev, got, sizeof(got));
			bool pct = len > 1 && v[len - 1] == '%';
			return pm_fail(p, PM_ERR_TYPE, ev->start_mark,
			    "expected a number, got %s%s", got,
			    pct ? "; write a fraction: 0.25 for 25%" : "");
		}
		if (n < def->min || n > def->max)
			return pm_fail(p, PM_ERR_VALUE, ev->start_mark,
			    "expected a number from %g to %g, got %s%s", def->min,
			    def->max, PM_Q(), n > 1 && def->max == 1 ?
			    "; write a fraction: 0.25 for 25%" : "");
		slot->type = PM_V_NUM;
		slot->u.n = n;
		slot->s = pm_arena_strndup(&p->hf->arena, v, len);
		slot->len = len;
		return 0;
	}
	case PM_FT_ENUM:
		for (size_t i = 0; def->values[i].name; i++) {
			if (!pm_ieq(v, def->values[i].name))
				continue;
			/* An alias ("high") stands for the value it names
			 * ("sev2"), found by name; most spellings are that value. */
			const char *canon = def->values[i].canonical ?
			                    def->values[i].canonical : def->values[i].name;
			size_t k = i;
			if (def->values[i].canonical)
				for (k = 0; strcmp(def->values[k].name, canon) != 0; k++)
					;
			slot->type = PM_V_ENUM;
			slot->u.i = (int64_t)k;
			slot->s = canon;
			slot->len = strlen(canon);
			return 0;
		}
		return pm_enum_error(p, def, v, len);
	case PM_FT_TIME:
	case PM_FT_DATE: {
		const char *why;
		if (pm_parse_time_text(v, len, def->type == PM_FT_DATE, &slot->u.t, &why) < 0)
			return pm_fail(p, PM_ERR_VALUE, ev->start_mark, "%s, got %s", why, PM_Q());
		slot->type = PM_V_TIME;
		slot->s = pm_arena_strndup(&p->hf->arena, v, len);
		slot->len = len;
		return 0;
	}
	default:
		return pm_type_error(p, def);
	}
#undef PM_Q
}

/* ---- collections -------------------------------------------------------- */

static void
pm_scratch_push(struct pm_parser *p, const struct pm_value *v)
{
	struct pm_hotfix *hf = p->hf;
	if (p->scratch_len == hf->scratch_cap) {
		hf->scratch_cap = hf->scratch_cap ? hf->scratch_cap * 2 : 16;
		hf->scratch = pm_xrealloc(hf->scratch, hf->scratch_cap * sizeof(*v));
	}
	hf->scratch[p->scratch_len++] = *v;
}

/* A set of fields that one mapping fills: the top level or a section of
 * the table (FIELDS lists their numbers, VALUES is indexed by them) or the
 * fields of a list entry (FIELDS is NULL: all of DEFS, in order). */
struct pm_scope {
	const struct pm_field_def *defs;
	size_t ndefs;
	const uint8_t *fields;
	int parent;              /* the section, PM_F_NONE at the top, -1: entry */
	size_t nrequired;        /* how many of DEFS are required */
	struct pm_value *values;
};

/* The scope of the top level (PM_F_NONE) or of a section. */
static struct pm_scope
pm_section_scope(struct pm_parser *p, enum pm_field section)
{
	struct pm_scope scope = {
		.defs = pm_fields, .parent = (int)section, .values = p->hf->f,
	};
	scope.ndefs = pm_field_children(section, &scope.fields);
	scope.nrequired = pm_field_required(section);
	return scope;
}

/* The number of the scope's K-th field: its index into DEFS and VALUES. */
static size_t
pm_scope_at(const struct pm_scope *scope, size_t k)
{
	return scope->fields ? scope->fields[k] : k;
}

static int pm_mapping(struct pm_parser *p, const struct pm_scope *scope);

static int
pm_entry(struct pm_parser *p, const struct pm_field_def *def, struct pm_value *out)
{
	memset(out, 0, sizeof(*out));
	out->type = PM_V_MAP;
	out->pos = pm_mark_pos(p->ev.start_mark);
	out->count = def->nitems;
	out->items = pm_arena_alloc(&p->hf->arena, def->nitems * sizeof(*out->items));
	if (p->ev.type == YAML_SCALAR_EVENT && def->scalar_item && !pm_is_null(&p->ev)) {
		const struct pm_field_def *first = &def->items[0];
		size_t old = pm_path_push_key(p, first->name, strlen(first->name));
		int rc = pm_scalar(p, first, &out->items[0]);
		pm_path_pop(p, old);
		return rc;
	}
	if (p->ev.type != YAML_MAPPING_START_EVENT) {
		char got[PM_QUOTE_MAX + 32];
		pm_describe(&p->ev, got, sizeof(got));
		if (pm_is_null(&p->ev))
			snprintf(got, sizeof(got), "nothing");
		return pm_fail(p, PM_ERR_TYPE, p->ev.start_mark, "expected %s, got %s",
		    def->scalar_item ? "a name or a mapping {name, role}" : "a mapping",
		    got);
	}
	struct pm_scope scope = {
		.defs = def->items, .ndefs = def->nitems, .parent = -1,
		.values = out->items,
	};
	/* Entry fields are few, and read for every key of the entry. */
	for (size_t k = 0; k < def->nitems; k++)
		scope.nrequired += def->items[k].required;
	return pm_mapping(p, &scope);
}

static int
pm_list(struct pm_parser *p, const struct pm_field_def *def, struct pm_value *slot)
{
	slot->type = PM_V_LIST;
	slot->pos = pm_mark_pos(p->ev.start_mark);
	size_t base = p->scratch_len;
	int rc = 0;
	for (size_t i = 0;; i++) {
		/* The index is on the path before the item's first event is
		 * read, so an error in that event names the item. */
		size_t old = pm_path_push_index(p, i);
		if ((rc = pm_next(p)) < 0 || p->ev.type == YAML_SEQUENCE_END_EVENT) {
			pm_path_pop(p, old);
			break;
		}
		struct pm_value item;
		memset(&item, 0, sizeof(item));
		if (def->type == PM_FT_MAP_LIST) {
			rc = pm_entry(p, def, &item);
		} else if (p->ev.type == YAML_SCALAR_EVENT && !pm_is_null(&p->ev)) {
			/* A blank item is a slip, not an absent value. */
			static const struct pm_field_def item_def = {
				.path = "", .name = "", .type = PM_FT_STR, .required = true,
			};
			rc = pm_scalar(p, &item_def, &item);
		} else {
			char got[PM_QUOTE_MAX + 32];
			pm_describe(&p->ev, got, sizeof(got));
			rc = pm_fail(p, PM_ERR_TYPE, p->ev.start_mark,
			    "expected a string, got %s",
			    pm_is_null(&p->ev) ? "nothing" : got);
		}
		pm_path_pop(p, old);
		if (rc < 0)
			break;
		pm_scratch_push(p, &item);
	}
	if (rc == 0) {
		/* Entries hold only scalars, so lists never nest and the
		 * scratch space is used by one list at a time. */
		slot->count = p->scratch_len - base;
		slot->items = pm_arena_alloc(&p->hf->arena, slot->count * sizeof(*slot->items));
		if (slot->count)
			memcpy(slot->items, p->hf->scratch + base, slot->count * sizeof(*slot->items));
	}
	p->scratch_len = base;
	return rc;
}

/* Parses the node at the current event into SLOT, as DEF says. */
static int
pm_node(struct pm_parser *p, const struct pm_field_def *def, struct pm_value *slot)
{
	yaml_event_t *ev = &p->ev;
	if (pm_is_null(ev)) {
		if (def->required)
			return pm_fail(p, PM_ERR_TYPE, ev->start_mark,
			    "expected %s, got nothing", pm_expected(def));
		if (def->type == PM_FT_MAP)
			return 0;
		slot->pos = pm_mark_pos(ev->start_mark);
		return 0;
	}
	switch (def->type) {
	case PM_FT_MAP: {
		if (ev->type != YAML_MAPPING_START_EVENT)
			return pm_type_error(p, def);
		slot->type = PM_V_MAP;
		slot->pos = pm_mark_pos(ev->start_mark);
		struct pm_scope scope = pm_section_scope(p, (enum pm_field)(def - pm_fields));
		return pm_mapping(p, &scope);
	}
	case PM_FT_STR_LIST:
	case PM_FT_MAP_LIST:
		if (ev->type != YAML_SEQUENCE_START_EVENT)
			return pm_type_error(p, def);
		return pm_list(p, def, slot);
	default:
		if (ev->type != YAML_SCALAR_EVENT)
			return pm_type_error(p, def);
		return pm_scalar(p, def, slot);
	}
}

/* NAME equals KEY[0..LEN), which holds no NUL.  A few bytes compared in
 * place: a call to strcmp() costs more than the comparison. */
static bool
pm_name_is(const char *name, const char *key, size_t len)
{
	size_t i = 0;
	while (i < len && name[i] == key[i])
		i++;
	return i == len && name[i] == '\0';
}

static const struct pm_field_def *
pm_scope_find(const struct pm_scope *scope, const char *key, size_t len,
              size_t *index)
{
	if (scope->fields) {
		enum pm_field f = pm_field_child((enum pm_field)scope->parent, key, len);
		*index = (size_t)f;
		return f == PM_F_NONE ? NULL : &pm_fields[f];
	}
	for (size_t i = 0; i < scope->ndefs; i++) {
		const struct pm_field_def *d = &scope->defs[i];
		if (pm_name_is(d->name, key, len)) {
			*index = i;
			return d;
		}
	}
	return NULL;
}

static int
pm_unknown_key(struct pm_parser *p, const struct pm_scope *scope,
               const char *key, size_t len)
{
	char q[PM_QUOTE_MAX + 8];
	pm_quote(q, sizeof(q), key, len);
	const char *best = NULL;
	unsigned best_d = 255;
	size_t keylen = strlen(key);
	unsigned limit = keylen <= 4 ? 1 : keylen <= 8 ? 2 : 3;
	char known[400] = "";
	for (size_t k = 0; k < scope->ndefs; k++) {
		const struct pm_field_def *d = &scope->defs[pm_scope_at(scope, k)];
		size_t used = strlen(known);
		snprintf(known + used, sizeof(known) - used, "%s%s", used ? ", " : "", d->name);
		unsigned dist = pm_edit_distance(key, d->name);
		if (dist < best_d) {
			best_d = dist;
			best = d->name;
		}
	}
	/* A key written in the wrong section ("users_affected" at the top)
	 * is better answered with where it belongs. */
	if (scope->parent >= 0 && best_d > 0) {
		for (int i = 1; i < PM_F_COUNT; i++) {
			const struct pm_field_def *d = &pm_fields[i];
			if (!d->computed && d->parent != scope->parent &&
			    strcmp(d->name, key) == 0)
				return pm_fail(p, PM_ERR_UNKNOWN_KEY, p->ev.start_mark,
				    "unknown key %s here; did you mean \"%s\"?", q, d->path);
		}
	}
	if (best && best_d <= limit)
		return pm_fail(p, PM_ERR_UNKNOWN_KEY, p->ev.start_mark,
		    "unknown key %s; did you mean \"%s\"?", q, best);
	return pm_fail(p, PM_ERR_UNKNOWN_KEY, p->ev.start_mark,
	    "unknown key %s; expected one of %s (or an x- extension)", q, known);
}

/* The current event is MAPPING_START; fills SCOPE's values. */
static int
pm_mapping(struct pm_parser *p, const struct pm_scope *scope)
{
	yaml_mark_t start = p->ev.start_mark;
	uint32_t map = ++p->maps;
	struct pm_seen *seen = scope->fields ? p->seen_field : p->seen_item;
	size_t given = 0;        /* required fields given a value */
	for (;;) {
		if (pm_next(p) < 0)
			return -1;
		if (p->ev.type == YAML_MAPPING_END_EVENT)
			break;
		if (pm_key_check(p) < 0)
			return -1;
		const char *key = (const char *)p->ev.data.scalar.value;
		size_t len = p->ev.data.scalar.length;
		size_t old, index;
		int rc;
		const struct pm_field_def *def;
		if (len >= 2 && key[0] == 'x' && key[1] == '-') {
			if (pm_take_key(p, map) < 0)
				return -1;
			old = pm_path_push_copy(p, key, len);
			rc = pm_next(p);
			if (rc == 0)
				rc = pm_skip_node(p);
		} else if ((def = pm_scope_find(scope, key, len, &index)) == NULL) {
			old = pm_path_push_key(p, key, len);
			rc = pm_unknown_key(p, scope, key, len);
		} else if (seen[index].map == map) {
			return pm_duplicate_key(p, key, len, seen[index].line);
		} else {
			seen[index].map = map;
			seen[index].line = (uint32_t)p->ev.start_mark.line + 1;
			/* The field's own name, which outlives the event. */
			old = pm_path_push_key(p, def->name, len);
			rc = pm_next(p);
			if (rc == 0)
				rc = pm_node(p, def, &scope->values[index]);
			given += (size_t)(def->required &
			                  (scope->values[index].type != PM_V_NONE));
		}
		pm_path_pop(p, old);
		if (rc < 0)
			return -1;
	}
	/* Counted as they came, so that the scope's definitions are walked
	 * only to name a missing one. */
	if (given == scope->nrequired)
		return 0;
	for (size_t k = 0; k < scope->ndefs; k++) {
		size_t i = pm_scope_at(scope, k);
		const struct pm_field_def *d = &scope->defs[i];
		if (!d->required || scope->values[i].type != PM_V_NONE)
			continue;
		size_t old = pm_path_push_key(p, d->name, strlen(d->name));
		int rc = pm_fail(p, PM_ERR_MISSING, start,
		    "missing required key \"%s\"", d->name);
		pm_path_pop(p, old);
		return rc;
	}
	return 0;
}

/* Defaults for enums the file left out; they have no line. */
static void
pm_defaults(struct pm_hotfix *hf)
{
	const uint8_t *fields;
	size_t n = pm_field_defaults(&fields);
	for (size_t j = 0; j < n; j++) {
		struct pm_value *v = &hf->f[fields[j]];
		if (v->type != PM_V_NONE)
			continue;
		const struct pm_field_def *d = &pm_fields[fields[j]];
		for (size_t k = 0; d->values[k].name; k++)
			if (strcmp(d->values[k].name, d->dflt) == 0) {
				v->type = PM_V_ENUM;
				v->u.i = (int64_t)k;
				v->s = d->values[k].name;
				v->len = strlen(v->s);
			}
	}
}

static int
pm_document(struct pm_parser *p)
{
	if (pm_next(p) < 0 || pm_next(p) < 0)   /* STREAM_START, then the next */
		return -1;
	if (p->ev.type == YAML_STREAM_END_EVENT) {
		/* The end of an empty stream can lie past the last line. */
		yaml_mark_t first = { 0, 0, 0 };
		return pm_fail(p, PM_ERR_STRUCTURE, first,
		    "the file is empty; expected a mapping with at least a title");
	}
	/* DOCUMENT_START, then the root node */
	if (pm_next(p) < 0)
		return -1;
	if (p->ev.type != YAML_MAPPING_START_EVENT) {
		char got[PM_QUOTE_MAX + 32];
		pm_describe(&p->ev, got, sizeof(got));
		return pm_fail(p, PM_ERR_STRUCTURE, p->ev.start_mark,
		    "expected a mapping of keys (title: ..., severity: ...), got %s",
		    pm_is_null(&p->ev) ? "nothing" : got);
	}
	struct pm_scope scope = pm_section_scope(p, PM_F_NONE);
	if (pm_mapping(p, &scope) < 0)
		return -1;
	if (pm_next(p) < 0)                       /* DOCUMENT_END */
		return -1;
	if (pm_next(p) < 0)
		return -1;
	if (p->ev.type == YAML_DOCUMENT_START_EVENT)
		return pm_fail(p, PM_ERR_STRUCTURE, p->ev.start_mark,
		    "a second document; a hotfix file holds one document");
	return 0;
}

int
pm_parse(struct pm_hotfix *hf, const char *src, size_t len, struct pm_error *err)
{
	pm_hotfix_clear(hf);
	if (len > UINT32_MAX - 1)
		return pm_error_set(err, PM_ERR_TOO_LARGE, 0, 0, NULL,
		    "input of %zu bytes is too large", len);
	if (pm_parse_check_encoding(hf, src, len, err) < 0)
		return -1;

	struct pm_parser p;
	pm_parser_start(&p, hf, err);
	int rc = pm_document(&p);
	if (rc == 0) {
		pm_defaults(hf);
		pm_hotfix_derive(hf);
	}
	pm_parser_end(&p);
	return rc;
}

/* ---- generic trees ------------------------------------------------------ */

static int pm_tree_node(struct pm_parser *p, struct pm_node *out);

/* Children of one collection, collected in a growable array and moved to
 * the arena once their number is known. */
static void
pm_tree_finish(struct pm_parser *p, struct pm_node *out, struct pm_node *kids,
               size_t n)
{
	out->count = n;
	if (n) {
		out->items = pm_arena_alloc(&p->hf->arena, n * sizeof(*kids));
		memcpy(out->items, kids, n * sizeof(*kids));
	}
	free(kids);
}

static struct pm_node *
pm_tree_grow(struct pm_node **kids, size_t n, size_t *cap)
{
	if (n == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		*kids = pm_xrealloc(*kids, *cap * sizeof(**kids));
	}
	memset(&(*kids)[n], 0, sizeof(**kids));
	return &(*kids)[n];
}

static int
pm_tree_list(struct pm_parser *p, struct pm_node *out)
{
	struct pm_node *kids = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		size_t old = pm_path_push_index(p, n);
		int rc = pm_next(p);
		bool end = rc == 0 && p->ev.type == YAML_SEQUENCE_END_EVENT;
		if (rc == 0 && !end)
			rc = pm_tree_node(p, pm_tree_grow(&kids, n++, &cap));
		pm_path_pop(p, old);
		if (rc < 0) {
			free(kids);
			return -1;
		}
		if (end)
			break;
	}
	pm_tree_finish(p, out, kids, n);
	return 0;
}

static int
pm_tree_map(struct pm_parser *p, struct pm_node *out)
{
	uint32_t map = ++p->maps;
	struct pm_node *kids = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (pm_next(p) < 0)
			goto fail;
		if (p->ev.type == YAML_MAPPING_END_EVENT)
			break;
		if (pm_take_key(p, map) < 0)
			goto fail;
		struct pm_node *kid = pm_tree_grow(&kids, n++, &cap);
		size_t len = p->ev.data.scalar.length;
		kid->key = pm_arena_strndup(&p->hf->arena,
		                            (const char *)p->ev.data.scalar.value, len);
		kid->key_pos = pm_mark_pos(p->ev.start_mark);
		size_t old = pm_path_push_key(p, kid->key, len);
		int rc = pm_next(p);
		if (rc == 0)
			rc = pm_tree_node(p, kid);
		pm_path_pop(p, old);
		if (rc < 0)
			goto fail;
	}
	pm_tree_finish(p, out, kids, n);
	return 0;
fail:
	free(kids);
	return -1;
}

/* The current event starts a node; fills OUT (whose key is already set). */
static int
pm_tree_node(struct pm_parser *p, struct pm_node *out)
{
	out->pos = pm_mark_pos(p->ev.start_mark);
	switch (p->ev.type) {
	case YAML_SCALAR_EVENT:
		out->type = PM_NODE_SCALAR;
		out->plain = pm_is_plain(&p->ev);
		out->null = pm_is_null(&p->ev);
		out->len = p->ev.data.scalar.length;
		out->s = pm_arena_strndup(&p->hf->arena,
		                          (const char *)p->ev.data.scalar.value, out->len);
		return 0;
	case YAML_SEQUENCE_START_EVENT:
		out->type = PM_NODE_LIST;
		return pm_tree_list(p, out);
	case YAML_MAPPING_START_EVENT:
		out->type = PM_NODE_MAP;
		return pm_tree_map(p, out);
	default:
		return pm_fail(p, PM_ERR_SYNTAX, p->ev.start_mark, "unexpected YAML event");
	}
}

static int
pm_tree_document(struct pm_parser *p, struct pm_node *root)
{
	if (pm_next(p) < 0 || pm_next(p) < 0)   /* STREAM_START, then the next */
		return -1;
	if (p->ev.type == YAML_STREAM_END_EVENT)
		return 0;                          /* empty: root stays NONE */
	if (pm_next(p) < 0 || pm_tree_node(p, root) < 0)
		return -1;
	if (pm_next(p) < 0 || pm_next(p) < 0)   /* DOCUMENT_END, then the next */
		return -1;
	if (p->ev.type == YAML_DOCUMENT_START_EVENT)
		return pm_fail(p, PM_ERR_STRUCTURE, p->ev.start_mark,
		    "a second document; the file holds one document");
	return 0;
}

int
pm_parse_tree(struct pm_hotfix *doc, const char *src, size_t len,
              const struct pm_node **root, struct pm_error *err)
{
	pm_hotfix_clear(doc);
	*root = NULL;
	if (len > UINT32_MAX - 1)
		return pm_error_set(err, PM_ERR_TOO_LARGE, 0, 0, NULL,
		    "input of %zu bytes is too large", len);
	if (pm_parse_check_encoding(doc, src, len, err) < 0)
		return -1;

	struct pm_parser p;
	pm_parser_start(&p, doc, err);
	struct pm_node *node = pm_arena_alloc(&doc->arena, sizeof(*node));
	int rc = pm_tree_document(&p, node);
	if (rc == 0)
		*root = node;
	pm_parser_end(&p);
	return rc;
}
