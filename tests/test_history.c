/*
 * Incident history tests: a temporary directory of past incident files,
 * read with pm_history_load and compared with parsed hotfixes by
 * pm_history_match.  Similarity (service, component, root-cause category),
 * the window and its edges, the reference time and its fallbacks, the
 * judged file never being its own history, the order of the list, broken
 * files reported and skipped, and a history path that is not a directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "pm_buf.h"
#include "pm_history.h"
#include "pm_parse.h"
#include "pm_report.h"

#define TODAY 19783 /* 2024-03-01 */
#define MAX_BYTES (1024u * 1024u)

/* A scratch directory per test, removed afterwards. */
struct scratch {
	char dir[64];
};

static int
setup(void **state)
{
	struct scratch *s = malloc(sizeof(*s));
	snprintf(s->dir, sizeof(s->dir), "/tmp/pmcheck-history.XXXXXX");
	if (mkdtemp(s->dir) == NULL) {
		free(s);
		return -1;
	}
	*state = s;
	return 0;
}

static int
teardown(void **state)
{
	struct scratch *s = *state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->dir);
	int rc = system(cmd);
	free(s);
	return rc == 0 ? 0 : -1;
}

/* Writes TEXT to DIR/NAME (directories in NAME must exist); the path is
 * returned in a static buffer. */
static const char *
put(const struct scratch *s, const char *name, const char *text)
{
	static char path[256];
	snprintf(path, sizeof(path), "%s/%s", s->dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	return path;
}

static void
sub(const struct scratch *s, const char *name)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", s->dir, name);
	assert_int_equal(mkdir(path, 0700), 0);
}

/* A past incident: service, components (flow list), category and the
 * detected_at timestamp; NULL leaves a key out. */
static const char *
incident(const char *id, const char *service, const char *components,
         const char *category, const char *detected)
{
	static char buf[1024];
	int n = snprintf(buf, sizeof(buf), "title: past incident %s\n", id ? id : "");
	if (id)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "id: %s\n", id);
	if (service)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "service: %s\n", service);
	if (components)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "components: %s\n", components);
	if (category)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n,
		              "root_cause: {category: %s}\n", category);
	if (detected)
		snprintf(buf + n, sizeof(buf) - (size_t)n, "detected_at: %s\n", detected);
	return buf;
}

/* What the warn callback saw. */
struct warnings {
	size_t count;
	char text[2048];
};

static void
collect(void *ctx, const char *file, const struct pm_error *err,
        const struct pm_hotfix *hf)
{
	(void)hf;
	struct warnings *w = ctx;
	const char *base = strrchr(file, '/');
	size_t used = strlen(w->text);
	snprintf(w->text + used, sizeof(w->text) - used, "%s:%u:%u %s %s\n",
	         base ? base + 1 : file, err->line, err->column,
	         pm_errcode_name(err->code), err->message);
	w->count++;
}

static void
load(struct pm_history *h, const struct scratch *s, struct warnings *w)
{
	struct pm_error err;
	pm_error_clear(&err);
	pm_history_init(h);
	if (w)
		memset(w, 0, sizeof(*w));
	struct warnings ignore;
	memset(&ignore, 0, sizeof(ignore));
	if (pm_history_load(h, s->dir, MAX_BYTES, collect, w ? w : &ignore, &err) != 0)
		fail_msg("history load failed: %s", err.message);
}

static void
parse(struct pm_hotfix *hf, const char *yaml)
{
	struct pm_error err;
	pm_error_clear(&err);
	pm_hotfix_init(hf);
	if (pm_parse(hf, yaml, strlen(yaml), &err) != 0)
		fail_msg("parse failed at %u:%u: %s", err.line, err.column, err.message);
}

/* The labels of HF's similar incidents, as "A B C" ("" for none). */
static const char *
labels(const struct pm_hotfix *hf)
{
	static char out[512];
	out[0] = '\0';
	const struct pm_value *v = &hf->f[PM_F_DERIVED_SIMILAR_INCIDENTS];
	if (v->type == PM_V_NONE)
		return out;
	assert_int_equal(v->type, PM_V_LIST);
	for (size_t i = 0; i < v->count; i++) {
		size_t used = strlen(out);
		snprintf(out + used, sizeof(out) - used, "%s%s", i ? " " : "",
		         v->items[i].items[PM_SIMILAR_LABEL].s);
	}
	return out;
}

/* Matches the judged YAML against H with DAYS and no file identity. */
static const char *
similar(const struct pm_history *h, const char *yaml, int64_t days)
{
	static char out[512];
	struct pm_hotfix hf;
	parse(&hf, yaml);
	pm_history_match(h, &hf, days, TODAY, NULL);
	snprintf(out, sizeof(out), "%s", labels(&hf));
	pm_hotfix_free(&hf);
	return out;
}

/* ---- similarity --------------------------------------------------------- */

static void
test_similarity(void **state)
{
	struct scratch *s = *state;
	sub(s, "2023");
	/* Same service in another case, a component in another case. */
	put(s, "a.yaml", incident("A", "web", "[Login-Page, x]", "capacity",
	                          "2024-02-01T10:00:00Z"));
	/* Same service, no shared component, same category. */
	put(s, "b.yaml", incident("B", "WEB", "[other]", "regression",
	                          "2024-02-02T10:00:00Z"));
	/* Same service, nothing else shared. */
	put(s, "c.yaml", incident("C", "web", "[other]", "capacity",
	                          "2024-02-03T10:00:00Z"));
	/* Another service sharing everything else. */
	put(s, "d.yaml", incident("D", "search", "[login-page]", "regression",
	                          "2024-02-04T10:00:00Z"));
	/* No service: read, never similar. */
	put(s, "e.yaml", incident("E", NULL, "[login-page]", "regression",
	                          "2024-02-05T10:00:00Z"));
	/* No date: read, never similar. */
	put(s, "f.yaml", incident("F", "web", "[login-page]", "regression", NULL));
	/* A .yml file in a subdirectory counts; other names do not. */
	put(s, "2023/g.yml", incident("G", "Web", "[login-page]", NULL,
	                              "2024-02-06T10:00:00Z"));
	put(s, "h.txt", incident("H", "web", "[login-page]", "regression",
	                         "2024-02-07T10:00:00Z"));
	/* Service shared, no components and no category on this side. */
	put(s, "i.yaml", incident("I", "web", NULL, NULL, "2024-02-08T10:00:00Z"));

	struct pm_history h;
	struct warnings w;
	load(&h, s, &w);
	assert_int_equal(w.count, 0);
	assert_int_equal(h.files, 8);
	/* Files without a service or a date are not kept. */
	assert_int_equal(h.count, 6);

	static const char judged[] =
	    "title: t\nservice: Web\ncomponents: [login-page]\n"
	    "root_cause: {category: regression}\ndetected_at: 2024-02-12T08:00:00Z\n";
	assert_string_equal(similar(&h, judged, 180), "G B A");

	/* Only a component in common. */
	assert_string_equal(similar(&h,
	    "title: t\nservice: web\ncomponents: [LOGIN-PAGE]\n"
	    "detected_at: 2024-02-12T08:00:00Z\n", 180), "G A");
	/* Only the category in common. */
	assert_string_equal(similar(&h,
	    "title: t\nservice: web\nroot_cause: {category: regression}\n"
	    "detected_at: 2024-02-12T08:00:00Z\n", 180), "B");
	/* The same service alone is not enough. */
	assert_string_equal(similar(&h,
	    "title: t\nservice: web\ndetected_at: 2024-02-12T08:00:00Z\n", 180), "");
	/* Another service. */
	assert_string_equal(similar(&h,
	    "title: t\nservice: search\ncomponents: [login-page]\n"
	    "detected_at: 2024-02-12T08:00:00Z\n", 180), "D");
	/* No service: nothing is similar. */
	assert_string_equal(similar(&h,
	    "title: t\ncomponents: [login-page]\nroot_cause: {category: regression}\n"
	    "detected_at: 2024-02-12T08:00:00Z\n", 180), "");

	/* What an entry carries. */
	struct pm_hotfix hf;
	parse(&hf, judged);
	pm_history_match(&h, &hf, 180, TODAY, NULL);
	const struct pm_value *v = &hf.f[PM_F_DERIVED_SIMILAR_INCIDENTS];
	assert_int_equal(v->count, 3);
	const struct pm_value *g = &v->items[0];
	assert_int_equal(g->type, PM_V_MAP);
	assert_string_equal(g->items[PM_SIMILAR_TITLE].s, "past incident G");
	assert_string_equal(g->items[PM_SIMILAR_WHEN].s, "2024-02-06T10:00:00Z");
	assert_int_equal(g->items[PM_SIMILAR_WHEN].type, PM_V_TIME);
	const char *file = g->items[PM_SIMILAR_FILE].s;
	assert_true(strncmp(file, s->dir, strlen(s->dir)) == 0);
	assert_string_equal(file + strlen(s->dir), "/2023/g.yml");
	/* The derived field is what the similar_incidents rule reads. */
	assert_ptr_equal(pm_hotfix_get(&hf, "derived.similar_incidents"), v);
	struct pm_report rep;
	pm_report_build(&rep, &hf, pm_policy_default(), TODAY);
	const struct pm_trigger_result *rec = &rep.triggers[PM_TRIGGER_RECURRENCE];
	assert_int_equal(rec->nreasons, 1);
	assert_string_equal(rec->reasons[0].rule->id, "similar_incidents");
	assert_int_equal(rec->reasons[0].points, 60);
	assert_string_equal(rec->reasons[0].message,
	                    "3 similar incidents in the history: G, B, A");
	assert_int_equal(rec->reasons[0].pos.line, 0);
	pm_hotfix_free(&hf);
	pm_history_free(&h);
	pm_history_free(NULL);
}

/* An incident without an id is labelled with its file name. */
static void
test_label_and_placement(void **state)
{
	struct scratch *s = *state;
	put(s, "no-id.yaml", incident(NULL, "web", "[a]", NULL, "2024-02-01T10:00:00Z"));
	/* Placed at resolved_at when not detected, else at started_at. */
	put(s, "resolved.yaml",
	    "title: r\nid: R\nservice: web\ncomponents: [a]\n"
	    "started_at: 2023-01-01T00:00:00Z\nresolved_at: 2024-02-03T00:00:00Z\n");
	put(s, "started.yaml",
	    "title: s\nid: S\nservice: web\ncomponents: [a]\n"
	    "started_at: 2024-02-02T00:00:00Z\n");
	/* detected_at wins over both. */
	put(s, "detected.yaml",
	    "title: d\nid: D\nservice: web\ncomponents: [a]\n"
	    "started_at: 2024-02-04T00:00:00Z\ndetected_at: 2023-01-01T00:00:00Z\n"
	    "resolved_at: 2024-02-05T00:00:00Z\n");
	struct pm_history h;
	load(&h, s, NULL);
	assert_string_equal(similar(&h,
	    "title: t\nservice: web\ncomponents: [a]\ndetected_at: 2024-02-10T00:00:00Z\n",
	    30), "R S no-id.yaml");
	assert_string_equal(similar(&h,
	    "title: t\nservice: web\ncomponents: [a]\ndetected_at: 2024-02-10T00:00:00Z\n",
	    500), "R S no-id.yaml D");
	pm_history_free(&h);
}

/* ---- the window --------------------------------------------------------- */

static void
test_window_edges(void **state)
{
	struct scratch *s = *state;
	/* The judged incident is detected 2024-02-12T08:00:00Z; 30 days
	 * before is 2024-01-13T08:00:00Z. */
	put(s, "edge.yaml", incident("EDGE", "web", "[a]", NULL, "2024-01-13T08:00:00Z"));
	/* The same instant written with an offset. */
	put(s, "edge-offset.yaml", incident("EDGE2", "web", "[a]", NULL,
	                                    "2024-01-13T09:00:00+01:00"));
	put(s, "too-old.yaml", incident("OLD", "web", "[a]", NULL, "2024-01-13T07:59:59Z"));
	put(s, "at-ref.yaml", incident("REF", "web", "[a]", NULL, "2024-02-12T08:00:00Z"));
	put(s, "after.yaml", incident("AFTER", "web", "[a]", NULL, "2024-02-12T08:00:01Z"));
	put(s, "date-only.yaml", incident("DAY", "web", "[a]", NULL, "2024-02-12"));
	struct pm_history h;
	load(&h, s, NULL);
	static const char judged[] =
	    "title: t\nservice: web\ncomponents: [a]\ndetected_at: 2024-02-12T08:00:00Z\n";

	/* Both edges are inside; a second more is outside. */
	assert_string_equal(similar(&h, judged, 30), "REF DAY EDGE2 EDGE");
	assert_string_equal(similar(&h, judged, 29), "REF DAY");
	/* 0 days: only what happened at the very same time. */
	assert_string_equal(similar(&h, judged, 0), "REF");
	assert_string_equal(similar(&h, judged, 36500), "REF DAY EDGE2 EDGE OLD");

	/* The reference falls back to resolved_at, then to the end of today. */
	assert_string_equal(similar(&h,
	    "title: t\nservice: web\ncomponents: [a]\nstarted_at: 2020-01-01T00:00:00Z\n"
	    "resolved_at: 2024-02-12T08:00:00Z\n", 0), "REF");
	assert_string_equal(similar(&h,
	    "title: t\nservice: web\ncomponents: [a]\nstarted_at: 2024-02-12T08:00:01Z\n",
	    19), "AFTER REF DAY");
	pm_history_free(&h);
}

static void
test_window_today(void **state)
{
	struct scratch *s = *state;
	/* TODAY is 2024-03-01: the window of 10 days ends at 2024-03-01T23:59:59Z
	 * and starts at 2024-02-20T23:59:59Z. */
	put(s, "end.yaml", incident("END", "web", "[a]", NULL, "2024-03-01T23:59:59Z"));
	put(s, "tomorrow.yaml", incident("TOMORROW", "web", "[a]", NULL, "2024-03-02"));
	put(s, "start.yaml", incident("START", "web", "[a]", NULL, "2024-02-20T23:59:59Z"));
	put(s, "before.yaml", incident("BEFORE", "web", "[a]", NULL, "2024-02-20T23:59:58Z"));
	struct pm_history h;
	load(&h, s, NULL);
	static const char judged[] = "title: t\nservice: web\ncomponents: [a]\n";
	assert_string_equal(similar(&h, judged, 10), "END START");
	assert_string_equal(similar(&h, judged, 0), "END");
	pm_history_free(&h);
}

/* ---- self-exclusion and order ------------------------------------------- */

static void
test_self_exclusion(void **state)
{
	struct scratch *s = *state;
	put(s, "other.yaml", incident("HF-1", "web", "[a]", NULL, "2024-02-01T00:00:00Z"));
	/* A copy of the judged incident under another name: same id. */
	put(s, "copy.yaml", incident("HF-9", "web", "[a]", NULL, "2024-02-02T00:00:00Z"));
	static const char judged_text[] =
	    "title: t\nid: HF-9\nservice: web\ncomponents: [a]\n"
	    "detected_at: 2024-02-10T00:00:00Z\n";
	char judged_path[256];
	snprintf(judged_path, sizeof(judged_path), "%s", put(s, "judged.yaml", judged_text));
	/* A second name of the judged file (hard link) is the same file. */
	char link_path[256];
	snprintf(link_path, sizeof(link_path), "%s/link.yaml", s->dir);
	assert_int_equal(link(judged_path, link_path), 0);

	struct pm_history h;
	load(&h, s, NULL);
	/* The hard link is one file: read once. */
	assert_int_equal(h.count, 3);

	struct stat st;
	assert_int_equal(stat(judged_path, &st), 0);
	struct pm_hotfix hf;
	parse(&hf, judged_text);
	pm_history_match(&h, &hf, 180, TODAY, &st);
	assert_string_equal(labels(&hf), "HF-1");
	pm_hotfix_free(&hf);

	/* Without an id, only the file identity keeps it out. */
	static const char no_id[] =
	    "title: t\nservice: web\ncomponents: [a]\ndetected_at: 2024-02-10T00:00:00Z\n";
	parse(&hf, no_id);
	pm_history_match(&h, &hf, 180, TODAY, &st);
	assert_string_equal(labels(&hf), "HF-9 HF-1");
	pm_hotfix_free(&hf);
	/* And without either (standard input), it is its own history. */
	parse(&hf, no_id);
	pm_history_match(&h, &hf, 180, TODAY, NULL);
	assert_string_equal(labels(&hf), "HF-9 HF-9 HF-1");
	pm_hotfix_free(&hf);
	pm_history_free(&h);
}

static void
test_order(void **state)
{
	struct scratch *s = *state;
	/* Same time: the file name decides, whatever the directory order. */
	put(s, "b.yaml", incident("TIE-B", "web", "[a]", NULL, "2024-02-01T00:00:00Z"));
	put(s, "a.yaml", incident("TIE-A", "web", "[a]", NULL, "2024-02-01T01:00:00+01:00"));
	put(s, "z.yaml", incident("OLDEST", "web", "[a]", NULL, "2023-12-01"));
	put(s, "0.yaml", incident("NEWEST", "web", "[a]", NULL, "2024-02-09T23:00:00Z"));
	put(s, "m.yaml", incident("MIDDLE", "web", "[a]", NULL, "2024-01-15T12:00:00Z"));
	struct pm_history h;
	load(&h, s, NULL);
	assert_string_equal(similar(&h,
	    "title: t\nservice: web\ncomponents: [a]\ndetected_at: 2024-02-10T00:00:00Z\n",
	    180), "NEWEST TIE-A TIE-B MIDDLE OLDEST");
	pm_history_free(&h);
}

/* ---- broken files and directories --------------------------------------- */

static void
test_broken_files(void **state)
{
	struct scratch *s = *state;
	put(s, "good.yaml", incident("OK", "web", "[a]", NULL, "2024-02-01T00:00:00Z"));
	put(s, "syntax.yaml", "title: t\nservice: \"web\n");
	put(s, "unknown-key.yaml", "title: t\nservce: web\n");
	put(s, "bad-date.yaml", "title: t\nservice: web\ndetected_at: yesterday\n");
	put(s, "no-title.yaml", "service: web\ndetected_at: 2024-02-01\n");
	put(s, "utf8.yaml", "title: \"caf\xE9\"\n");
	put(s, "empty.yaml", "");
	put(s, "big.yaml", "title: t\nsummary: >\n"
	    "  This file is over the limit of the history load, which is 200 bytes\n"
	    "  in this test: the limit of --max-bytes applies to history files as\n"
	    "  it applies to inputs.  The file is still skipped with a warning, and\n"
	    "  the files around it are still read.\n");

	struct pm_history h;
	struct pm_error err;
	struct warnings w;
	memset(&w, 0, sizeof(w));
	pm_history_init(&h);
	pm_error_clear(&err);
	assert_int_equal(pm_history_load(&h, s->dir, 200, collect, &w, &err), 0);
	assert_int_equal(err.code, PM_ERR_NONE);
	assert_int_equal(h.files, 8);
	assert_int_equal(h.count, 1);
	assert_int_equal(w.count, 7);
	/* In file name order, each with its place in the file. */
	assert_string_equal(w.text,
	    "bad-date.yaml:3:14 value expected an ISO 8601 timestamp (2024-01-12T09:14:00Z)"
	    " or a date (2024-01-12), got \"yesterday\"\n"
	    "big.yaml:0:0 too_large input is larger than 200 bytes (raise the limit with --max-bytes, up to 64 MiB)\n"
	    "empty.yaml:1:1 structure the file is empty; expected a mapping with at least a title\n"
	    "no-title.yaml:1:1 missing missing required key \"title\"\n"
	    "syntax.yaml:2:10 syntax invalid YAML: found unexpected end of stream while"
	    " scanning a quoted scalar\n"
	    "unknown-key.yaml:2:1 unknown_key unknown key \"servce\"; did you mean \"service\"?\n"
	    "utf8.yaml:1:12 encoding invalid UTF-8 byte 0xE9 at byte offset 11\n");
	assert_string_equal(similar(&h,
	    "title: t\nservice: web\ncomponents: [a]\ndetected_at: 2024-02-10T00:00:00Z\n",
	    180), "OK");
	pm_history_free(&h);
}

static void
test_not_a_directory(void **state)
{
	struct scratch *s = *state;
	const char *file = put(s, "file.yaml", "title: t\n");
	char path[256];
	snprintf(path, sizeof(path), "%s", file);
	struct pm_history h;
	struct pm_error err;
	struct warnings w;
	memset(&w, 0, sizeof(w));
	pm_history_init(&h);

	pm_error_clear(&err);
	assert_int_equal(pm_history_load(&h, path, MAX_BYTES, collect, &w, &err), -1);
	assert_int_equal(err.code, PM_ERR_IO);
	assert_int_equal(err.line, 0);
	assert_non_null(strstr(err.message, "is not a directory"));

	snprintf(path, sizeof(path), "%s/missing", s->dir);
	pm_error_clear(&err);
	assert_int_equal(pm_history_load(&h, path, MAX_BYTES, collect, &w, &err), -1);
	assert_int_equal(err.code, PM_ERR_IO);
	assert_non_null(strstr(err.message, "missing: No such file or directory"));
	assert_int_equal(w.count, 0);
	assert_int_equal(h.count, 0);

	/* An empty history matches nothing. */
	assert_string_equal(similar(&h, "title: t\nservice: web\n", 180), "");
	pm_history_free(&h);
}

/* Directories given twice, or one inside another, read each file once. */
static void
test_overlapping_directories(void **state)
{
	struct scratch *s = *state;
	sub(s, "inner");
	put(s, "inner/a.yaml", incident("A", "web", "[a]", NULL, "2024-02-01T00:00:00Z"));
	put(s, "b.yaml", incident("B", "web", "[a]", NULL, "2024-02-02T00:00:00Z"));
	char inner[256];
	snprintf(inner, sizeof(inner), "%s/inner", s->dir);
	struct pm_history h;
	struct pm_error err;
	struct warnings w;
	memset(&w, 0, sizeof(w));
	pm_history_init(&h);
	pm_error_clear(&err);
	assert_int_equal(pm_history_load(&h, inner, MAX_BYTES, collect, &w, &err), 0);
	assert_int_equal(pm_history_load(&h, s->dir, MAX_BYTES, collect, &w, &err), 0);
	assert_int_equal(pm_history_load(&h, s->dir, MAX_BYTES, collect, &w, &err), 0);
	assert_int_equal(w.count, 0);
	assert_int_equal(h.count, 2);
	assert_string_equal(similar(&h,
	    "title: t\nservice: web\ncomponents: [a]\ndetected_at: 2024-02-10T00:00:00Z\n",
	    180), "B A");
	pm_history_free(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_similarity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_label_and_placement, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_edges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_today, setup, teardown),
		cmocka_unit_test_setup_teardown(test_self_exclusion, setup, teardown),
		cmocka_unit_test_setup_teardown(test_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_broken_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_directory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overlapping_directories, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
