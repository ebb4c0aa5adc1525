/*
 * Incident history: read past incident files once, keep the few facts that
 * similarity needs, and list the similar ones for each judged input.
 *
 * Each file is parsed with the hotfix parser into one reused model, so
 * reading thousands of files costs one parse each and memory holds only the
 * kept facts (a few strings per incident), not the models.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "pm_alloc.h"
#include "pm_buf.h"
#include "pm_history.h"
#include "pm_io.h"
#include "pm_parse.h"

void
pm_history_init(struct pm_history *h)
{
	memset(h, 0, sizeof(*h));
	pm_arena_init(&h->arena);
}

void
pm_history_free(struct pm_history *h)
{
	if (h == NULL)
		return;
	free(h->entries);
	free(h->seen);
	pm_arena_free(&h->arena);
	pm_history_init(h);
}

static const char *
pm_history_str(struct pm_history *h, const struct pm_value *v)
{
	return v->type == PM_V_STR || v->type == PM_V_ENUM
	     ? pm_arena_strndup(&h->arena, v->s, v->len) : NULL;
}

/* The time an incident is placed at: when it was detected, else resolved,
 * else started. */
static const struct pm_value *
pm_history_when(const struct pm_hotfix *hf)
{
	static const enum pm_field order[] = {
		PM_F_DETECTED_AT, PM_F_RESOLVED_AT, PM_F_STARTED_AT,
	};
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (hf->f[order[i]].type == PM_V_TIME)
			return &hf->f[order[i]];
	return NULL;
}

static void
pm_history_keep(struct pm_history *h, const char *file, const struct pm_hotfix *hf,
                const struct stat *st)
{
	const struct pm_value *service = &hf->f[PM_F_SERVICE];
	const struct pm_value *when = pm_history_when(hf);
	if (service->type != PM_V_STR || when == NULL)
		return;
	if (h->count == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 64;
		h->entries = pm_xrealloc(h->entries, h->cap * sizeof(*h->entries));
	}
	struct pm_history_entry *e = &h->entries[h->count++];
	memset(e, 0, sizeof(*e));
	e->file = pm_arena_strndup(&h->arena, file, strlen(file));
	e->label = pm_history_str(h, &hf->f[PM_F_ID]);
	if (e->label == NULL) {
		/* Into the kept copy: FILE belongs to the caller's walk. */
		const char *base = strrchr(e->file, '/');
		e->label = base ? base + 1 : e->file;
	}
	e->title = pm_history_str(h, &hf->f[PM_F_TITLE]);
	e->service = pm_history_str(h, service);
	e->category = pm_history_str(h, &hf->f[PM_F_ROOT_CAUSE_CATEGORY]);
	const struct pm_value *comps = &hf->f[PM_F_COMPONENTS];
	if (comps->type == PM_V_LIST && comps->count) {
		e->components = pm_arena_alloc(&h->arena,
		                               comps->count * sizeof(*e->components));
		for (size_t i = 0; i < comps->count; i++)
			e->components[i] = pm_history_str(h, &comps->items[i]);
		e->ncomponents = comps->count;
	}
	e->when = when->u.t;
	e->when_text = pm_arena_strndup(&h->arena, when->s, when->len);
	e->dev = st->st_dev;
	e->ino = st->st_ino;
}

/* True when the file ST names is already an entry: directories given twice,
 * one inside another, or links to one file must not count it twice. */
static size_t
pm_file_id_slot(const struct pm_file_id *set, size_t cap, const struct stat *st)
{
	uint64_t h = ((uint64_t)st->st_dev * 0x9E3779B97F4A7C15u) ^
	             ((uint64_t)st->st_ino * 0xC2B2AE3D27D4EB4Fu);
	size_t j = (size_t)(h ^ (h >> 29)) & (cap - 1);
	while (set[j].used && (set[j].dev != st->st_dev || set[j].ino != st->st_ino))
		j = (j + 1) & (cap - 1);
	return j;
}

/* True when ST's file was read before; records it otherwise.  Constant
 * time, so thousands of history files cost no more than one lookup each. */
static bool
pm_history_seen(struct pm_history *h, const struct stat *st)
{
	if (2 * (h->seen_len + 1) > h->seen_cap) {
		size_t cap = h->seen_cap ? h->seen_cap * 2 : 256;
		struct pm_file_id *set = pm_xcalloc(cap, sizeof(*set));
		for (size_t i = 0; i < h->seen_cap; i++)
			if (h->seen[i].used) {
				struct stat old = { .st_dev = h->seen[i].dev,
				                    .st_ino = h->seen[i].ino };
				set[pm_file_id_slot(set, cap, &old)] = h->seen[i];
			}
		free(h->seen);
		h->seen = set;
		h->seen_cap = cap;
	}
	size_t j = pm_file_id_slot(h->seen, h->seen_cap, st);
	if (h->seen[j].used)
		return true;
	h->seen[j] = (struct pm_file_id){ st->st_dev, st->st_ino, true };
	h->seen_len++;
	return false;
}

/* What loading one history directory needs for each of its files. */
struct pm_history_walk {
	struct pm_history *h;
	size_t max_bytes;
	pm_history_warn_fn *warn;
	void *ctx;
	struct pm_buf src;       /* reused from file to file */
	struct pm_hotfix hf;
};

static void
pm_history_file(void *ctx, const struct pm_io_file *file)
{
	struct pm_history_walk *w = ctx;
	struct pm_history *h = w->h;
	struct pm_error ferr;
	pm_error_clear(&ferr);
	/* The walk gives the identity stat() would, without a call per file;
	 * a file it could not tell (inode 0) is never taken for another. */
	struct stat st;
	memset(&st, 0, sizeof(st));
	st.st_dev = file->dev;
	st.st_ino = file->ino;
	if (file->ino != 0 && pm_history_seen(h, &st))
		return;
	h->files++;
	if (pm_io_read(file->path, w->max_bytes, &w->src, &ferr) < 0) {
		w->warn(w->ctx, file->path, &ferr, NULL);
		return;
	}
	if (pm_parse(&w->hf, w->src.data ? w->src.data : "", w->src.len, &ferr) < 0) {
		w->warn(w->ctx, file->path, &ferr, &w->hf);
		return;
	}
	pm_history_keep(h, file->path, &w->hf, &st);
}

int
pm_history_load(struct pm_history *h, const char *dir, size_t max_bytes,
                pm_history_warn_fn *warn, void *ctx, struct pm_error *err)
{
	struct stat dst;
	if (stat(dir, &dst) < 0)
		return pm_error_set(err, PM_ERR_IO, 0, 0, NULL,
		    "history directory %s: %s", dir, strerror(errno));
	if (!S_ISDIR(dst.st_mode))
		return pm_error_set(err, PM_ERR_IO, 0, 0, NULL,
		    "history directory %s is not a directory", dir);
	struct pm_history_walk w = {
		.h = h, .max_bytes = max_bytes, .warn = warn, .ctx = ctx,
		.src = PM_BUF_INIT,
	};
	pm_hotfix_init(&w.hf);
	int rc = pm_io_walk(dir, pm_history_file, &w, err);
	pm_hotfix_free(&w.hf);
	pm_buf_free(&w.src);
	return rc;
}

/* ---- matching ----------------------------------------------------------- */

static bool
pm_history_shares_component(const struct pm_history_entry *e,
                            const struct pm_value *comps)
{
	if (comps->type != PM_V_LIST)
		return false;
	for (size_t i = 0; i < comps->count; i++)
		for (size_t k = 0; k < e->ncomponents; k++)
			if (e->components[k] && comps->items[i].s &&
			    strcasecmp(e->components[k], comps->items[i].s) == 0)
				return true;
	return false;
}

static bool
pm_history_similar(const struct pm_history_entry *e, const struct pm_hotfix *hf)
{
	const struct pm_value *service = &hf->f[PM_F_SERVICE];
	const struct pm_value *category = &hf->f[PM_F_ROOT_CAUSE_CATEGORY];
	if (service->type != PM_V_STR || strcasecmp(service->s, e->service) != 0)
		return false;
	if (category->type == PM_V_ENUM && e->category &&
	    strcmp(category->s, e->category) == 0)
		return true;
	return pm_history_shares_component(e, &hf->f[PM_F_COMPONENTS]);
}

/* Most recent first; the file name breaks ties so the order never depends
 * on how the directory was read. */
static int
pm_history_cmp(const void *a, const void *b)
{
	const struct pm_history_entry *x = *(const struct pm_history_entry *const *)a;
	const struct pm_history_entry *y = *(const struct pm_history_entry *const *)b;
	if (x->when.epoch != y->when.epoch)
		return x->when.epoch > y->when.epoch ? -1 : 1;
	return strcmp(x->file, y->file);
}

static void
pm_history_set_str(struct pm_value *v, const char *s)
{
	if (s == NULL)
		return;
	v->type = PM_V_STR;
	v->s = s;
	v->len = strlen(s);
}

void
pm_history_match(const struct pm_history *h, struct pm_hotfix *hf, int64_t days,
                 int64_t today, const struct stat *self)
{
	if (h == NULL || h->count == 0)
		return;
	const struct pm_value *ref = &hf->f[PM_F_DETECTED_AT];
	if (ref->type != PM_V_TIME)
		ref = &hf->f[PM_F_RESOLVED_AT];
	int64_t end = ref->type == PM_V_TIME ? ref->u.t.epoch : today * 86400 + 86399;
	int64_t start = end - days * 86400;
	const struct pm_value *id = &hf->f[PM_F_ID];

	size_t n = 0;
	const struct pm_history_entry **hits = NULL;
	for (size_t i = 0; i < h->count; i++) {
		const struct pm_history_entry *e = &h->entries[i];
		if (e->when.epoch < start || e->when.epoch > end)
			continue;
		if (self && e->dev == self->st_dev && e->ino == self->st_ino)
			continue;
		if (id->type == PM_V_STR && e->label && strcmp(id->s, e->label) == 0)
			continue;
		if (!pm_history_similar(e, hf))
			continue;
		if (hits == NULL)
			hits = pm_xmalloc(h->count * sizeof(*hits));
		hits[n++] = e;
	}
	if (n == 0)
		return;
	qsort(hits, n, sizeof(*hits), pm_history_cmp);

	struct pm_value *list = &hf->f[PM_F_DERIVED_SIMILAR_INCIDENTS];
	list->type = PM_V_LIST;
	list->count = n;
	list->items = pm_arena_alloc(&hf->arena, n * sizeof(*list->items));
	for (size_t i = 0; i < n; i++) {
		struct pm_value *item = &list->items[i];
		item->type = PM_V_MAP;
		item->count = PM_SIMILAR_COUNT;
		item->items = pm_arena_alloc(&hf->arena,
		                             PM_SIMILAR_COUNT * sizeof(*item->items));
		pm_history_set_str(&item->items[PM_SIMILAR_LABEL], hits[i]->label);
		pm_history_set_str(&item->items[PM_SIMILAR_TITLE], hits[i]->title);
		pm_history_set_str(&item->items[PM_SIMILAR_FILE], hits[i]->file);
		struct pm_value *when = &item->items[PM_SIMILAR_WHEN];
		when->type = PM_V_TIME;
		when->u.t = hits[i]->when;
		when->s = hits[i]->when_text;
		when->len = strlen(when->s);
	}
	free(hits);
}
