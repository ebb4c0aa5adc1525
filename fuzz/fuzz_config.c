/*
 * Fuzz target: bytes -> pm_config_parse -> pm_config_print -> parse again.
 *
 * The input is one configuration file.  When it is accepted:
 *
 *  - --print-config and --list-rules keep the output promises of
 *    fuzz_common.h;
 *  - --print-config's text must be accepted too, and printing that second
 *    configuration must give the same text (what the printer writes, the
 *    reader takes back whole);
 *  - --list-rules runs on it;
 *  - fixed hotfix files are judged under both configurations, rendered in
 *    every format, and must give the same output: the printed configuration
 *    "yields the same results" (pm_config.h).
 *
 * When it is refused, the error must have a code, a message and a position
 * inside the file.
 */
#include "fuzz_common.h"

/* Hotfixes that reach most rules: everything filled in, and almost nothing. */
static const char pm_fuzz_full[] =
	"pmcheck: 1\n"
	"id: HF-1\n"
	"title: Checkout @here <b>fails</b> | after `config` push\n"
	"kind: incident\n"
	"severity: sev2\n"
	"service: storefront\n"
	"components: [cart, payment-api, \"edge\"]\n"
	"summary: |\n"
	"  The operator should have noticed; human error.\n"
	"  # not a heading\n"
	"started_at: 2024-02-10T08:00:00Z\n"
	"detected_at: 2024-02-10T08:30:00+01:00\n"
	"resolved_at: 2024-02-10T12:45:00Z\n"
	"detected_by: customer\n"
	"impact:\n"
	"  customer_facing: true\n"
	"  users_affected: 12000\n"
	"  user_flows: [checkout, payment, login]\n"
	"  data_loss: false\n"
	"  security: false\n"
	"  revenue: true\n"
	"  slo_breached: true\n"
	"  error_budget_used: 0.35\n"
	"  description: carts emptied\n"
	"root_cause:\n"
	"  known: false\n"
	"  category: configuration\n"
	"recurrence:\n"
	"  previous_occurrences: 3\n"
	"  related: [HF-0, INC-7]\n"
	"  permanent_fix: false\n"
	"teams:\n"
	"  - {name: web, role: owner}\n"
	"  - {name: payments, role: responder}\n"
	"  - sre\n"
	"fix:\n"
	"  type: feature_flag\n"
	"  reviewed: false\n"
	"  tests_added: false\n"
	"  rollback_plan: false\n"
	"  skipped_steps: [qa, canary]\n"
	"  risks: [stale carts]\n"
	"  changes: [\"https://example.com/pr/1\"]\n"
	"stakeholders:\n"
	"  notified: [support]\n"
	"  requested_by: [cfo]\n"
	"  external_communication: true\n"
	"  regulatory: true\n"
	"  leadership: true\n"
	"action_items:\n"
	"  - {title: investigate the flag, owner: ana, due: 2024-01-01, type: prevent}\n"
	"  - {title: add an alert}\n"
	"timeline:\n"
	"  - {at: 2024-02-10T08:00:00Z, event: push}\n"
	"postmortem:\n"
	"  requested: true\n"
	"  owner: ana\n"
	"  due: 2024-02-20\n";

static const char pm_fuzz_minimal[] = "title: t\nseverity: low\n";

static void
pm_fuzz_judge(const struct pm_config *cfg, const char *src, size_t len,
              struct pm_buf *all)
{
	struct pm_hotfix hf;
	pm_hotfix_init(&hf);
	struct pm_error err;
	pm_error_clear(&err);
	if (pm_parse(&hf, src, len, &err) < 0) {
		fprintf(stderr, "fuzz_config: fixed hotfix refused: %s\n", err.message);
		abort();
	}
	struct pm_render_opts opts = {
		.file = "hotfix.yaml",
		.fail_on = cfg->fail_on > 0 ? (enum pm_verdict)cfg->fail_on
		                            : PM_VERDICT_REQUIRED,
		.version = PM_VERSION,
		.config = "fuzz/.pmcheck.yaml",
	};
	struct pm_report rep;
	pm_report_build(&rep, &hf, &cfg->policy, PM_FUZZ_TODAY);
	pm_fuzz_render_all(&rep, NULL, &opts);
	for (int f = PM_FORMAT_NONE + 1; f < PM_FORMAT_COUNT; f++)
		pm_render_report((enum pm_format)f, all, &rep, &opts);
	pm_render_quiet(all, &rep, &opts);
	pm_hotfix_free(&hf);
}

static void
pm_fuzz_differ(const char *what, const struct pm_buf *a, const struct pm_buf *b,
               const uint8_t *data, size_t size)
{
	fprintf(stderr, "*** %s differ.\n--- input:\n", what);
	fwrite(data, 1, size, stderr);
	fputs("\n--- first:\n", stderr);
	fwrite(a->data, 1, a->len, stderr);
	fputs("\n--- second:\n", stderr);
	fwrite(b->data, 1, b->len, stderr);
	fputs("\n", stderr);
	abort();
}

/* IN without its comment lines, which name the file it was read from. */
static void
pm_fuzz_uncomment(struct pm_buf *out, const struct pm_buf *in)
{
	pm_buf_clear(out);
	for (size_t i = 0; i < in->len;) {
		const char *line = in->data + i;
		const char *nl = memchr(line, '\n', in->len - i);
		size_t n = nl ? (size_t)(nl - line) + 1 : in->len - i;
		size_t k = 0;
		while (k < n && line[k] == ' ')
			k++;
		if (k == n || line[k] != '#')
			pm_buf_put(out, line, n);
		i += n;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* pm_config_load reads at most 1 MiB. */
	if (size > 1024 * 1024)
		return -1;
	struct pm_config cfg, again;
	pm_config_init(&cfg);
	pm_config_init(&again);
	struct pm_buf printed = PM_BUF_INIT, reprinted = PM_BUF_INIT;
	struct pm_buf judged = PM_BUF_INIT, rejudged = PM_BUF_INIT;
	struct pm_buf listed = PM_BUF_INIT, bare = PM_BUF_INIT, rebare = PM_BUF_INIT;
	struct pm_error err;
	pm_error_clear(&err);

	if (pm_config_parse(&cfg, "fuzz/.pmcheck.yaml", (const char *)data, size,
	                    &err) < 0) {
		pm_fuzz_check_error(&err, &cfg.doc);
		goto out;
	}

	pm_config_print(&printed, &cfg);
	/* --print-config goes to a terminal like any output. */
	pm_fuzz_check_output(PM_FORMAT_TEXT, &printed);
	pm_error_clear(&err);
	/* Read back as a file in the working directory: printed history
	 * directories are already resolved against the first file's place. */
	if (pm_config_parse(&again, ".pmcheck.yaml",
	                    printed.data ? printed.data : "", printed.len, &err) < 0) {
		fprintf(stderr, "*** --print-config output refused: %u:%u: %s: %s\n",
		        err.line, err.column, err.path, err.message);
		fwrite(printed.data, 1, printed.len, stderr);
		abort();
	}
	pm_config_print(&reprinted, &again);
	pm_fuzz_uncomment(&bare, &printed);
	pm_fuzz_uncomment(&rebare, &reprinted);
	if (bare.len != rebare.len || memcmp(bare.data, rebare.data, bare.len) != 0)
		pm_fuzz_differ("--print-config outputs", &printed, &reprinted, data, size);

	/* A buffer of its own: AGAIN's strings may point into PRINTED. */
	pm_config_list_rules(&listed, &cfg);
	pm_fuzz_check_output(PM_FORMAT_TEXT, &listed);

	pm_fuzz_judge(&cfg, pm_fuzz_full, sizeof(pm_fuzz_full) - 1, &judged);
	pm_fuzz_judge(&cfg, pm_fuzz_minimal, sizeof(pm_fuzz_minimal) - 1, &judged);
	pm_fuzz_judge(&again, pm_fuzz_full, sizeof(pm_fuzz_full) - 1, &rejudged);
	pm_fuzz_judge(&again, pm_fuzz_minimal, sizeof(pm_fuzz_minimal) - 1, &rejudged);
	if (judged.len != rejudged.len ||
	    memcmp(judged.data, rejudged.data, judged.len) != 0)
		pm_fuzz_differ("judgements under the configuration and its printout",
		               &judged, &rejudged, data, size);
out:
	pm_config_free(&again);
	pm_config_free(&cfg);
	pm_buf_free(&printed);
	pm_buf_free(&reprinted);
	pm_buf_free(&listed);
	pm_buf_free(&bare);
	pm_buf_free(&rebare);
	pm_buf_free(&judged);
	pm_buf_free(&rejudged);
	return 0;
}
