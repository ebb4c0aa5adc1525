/*
 * Fuzz target: bytes -> pm_parse -> pm_report_build -> every output format.
 *
 * The input is one hotfix file.  When it parses, it is judged twice, under
 * the built-in policy and under a configuration that uses every kind of
 * condition, and each report is rendered in every format of the format
 * table, as the -q line and as coloured text; when it does not, the error is
 * checked for a code, a message and a position inside the file, and
 * rendered in every format.  Every output is held to the promises of
 * fuzz_common.h.  The display name is made of the input's first bytes, so
 * hostile file names are fuzzed along with hostile content.
 */
#include "fuzz_common.h"

/* Every operator, nesting, scaled points, a decisive rule, phrase lists and
 * deadlines: the paths a configuration opens in the rules engine. */
static const char pm_fuzz_config[] =
	"pmcheck: 1\n"
	"fail_on: recommended\n"
	"triggers:\n"
	"  recurrence: {threshold: 30}\n"
	"  cross_team: {enabled: false}\n"
	"rules:\n"
	"  monitoring_missed: {points: 40}\n"
	"  several_components: {enabled: false}\n"
	"custom_rules:\n"
	"  every_op:\n"
	"    trigger: stakeholder\n"
	"    points: 7\n"
	"    scaled: true\n"
	"    cap: 60\n"
	"    when:\n"
	"      any:\n"
	"        - all:\n"
	"            - {field: service, eq: storefront}\n"
	"            - {field: severity, ne: sev4}\n"
	"            - {field: impact.users_affected, ge: 10}\n"
	"            - {field: impact.error_budget_used, lt: 0.9}\n"
	"        - {field: fix.skipped_steps, in: [qa, code_review]}\n"
	"        - {field: teams, gt: 1}\n"
	"        - {field: components, le: 3}\n"
	"        - not: {field: postmortem.link, present: true}\n"
	"        - {field: summary, absent: true}\n"
	"        - {field: derived.similar_incidents, present: true}\n"
	"    message: \"{count} thing{s} matched: {value} ({percent})\"\n"
	"  decisive_flag:\n"
	"    decisive: true\n"
	"    when: {field: impact.revenue, eq: true}\n"
	"    message: revenue {value}\n"
	"blameful_phrases: [\"human error\", \"should have\"]\n"
	"extra_vague_words: [\"maybe\"]\n"
	"postmortem_due_days: {sev1: 1, sev2: 2, sev3: 30, sev4: 365}\n";

static struct pm_config pm_fuzz_cfg;

static void
pm_fuzz_init(void)
{
	static bool done;
	if (done)
		return;
	done = true;
	struct pm_error err;
	pm_error_clear(&err);
	pm_config_init(&pm_fuzz_cfg);
	if (pm_config_parse(&pm_fuzz_cfg, "fuzz/.pmcheck.yaml", pm_fuzz_config,
	                    sizeof(pm_fuzz_config) - 1, &err) < 0) {
		fprintf(stderr, "fuzz_hotfix: built-in config: %u:%u: %s: %s\n",
		        err.line, err.column, err.path, err.message);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Over the default --max-bytes pmcheck never parses it. */
	if (size > PM_DEFAULT_MAX_BYTES)
		return -1;
	pm_fuzz_init();

	char name[80];
	pm_fuzz_file_name(name, sizeof(name), data, size);
	struct pm_render_opts opts = {
		.file = name,
		.fail_on = PM_VERDICT_REQUIRED,
		.version = PM_VERSION,
	};

	struct pm_hotfix hf;
	pm_hotfix_init(&hf);
	struct pm_error err;
	pm_error_clear(&err);
	if (pm_parse(&hf, (const char *)data, size, &err) == 0) {
		struct pm_report rep;
		pm_report_build(&rep, &hf, pm_policy_default(), PM_FUZZ_TODAY);
		pm_fuzz_render_all(&rep, NULL, &opts);

		opts.file = "fuzz.yaml";
		opts.config = pm_fuzz_cfg.path;
		opts.fail_on = PM_VERDICT_RECOMMENDED;
		pm_report_build(&rep, &hf, &pm_fuzz_cfg.policy, PM_FUZZ_TODAY);
		pm_fuzz_render_all(&rep, NULL, &opts);
	} else {
		pm_fuzz_check_error(&err, &hf);
		pm_fuzz_render_all(NULL, &err, &opts);
	}
	pm_hotfix_free(&hf);
	return 0;
}
