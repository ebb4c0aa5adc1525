/*
 * gen: writes a corpus of realistic hotfix files for the benchmark.
 *
 *     gen -n 5000 -s 42 -o DIR
 *
 * Every file is valid for pmcheck, between 1 and 3 KiB, and uses the whole
 * format in varied mixes: every section, teams as names and as {name, role}
 * mappings, lists of varied length in block and flow style, literal and
 * folded block scalars, single- and double-quoted strings, comments, x-
 * extensions, non-ASCII text, the odd blameful phrase and vague action item.
 * Services come from a small set and components and root-cause categories
 * repeat, so a run with --history finds similar incidents.
 *
 * The output depends only on the seed and the file's number: file k is the
 * same whatever -n is, on every platform (own PRNG, no rand()).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define GEN_MIN_BYTES 1024
#define GEN_MAX_BYTES 3072

/* ---- PRNG: splitmix64 --------------------------------------------------- */

struct rng {
	uint64_t s;
};

static uint64_t
rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* splitmix64's output function on its own: a bijection that scatters
 * nearby inputs, used to derive independent streams. */
static uint64_t
rng_mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* Uniform in [0, n); the modulo bias is below 2^-50 for our small n. */
static unsigned
rng_below(struct rng *r, unsigned n)
{
	return n ? (unsigned)(rng_next(r) % n) : 0;
}

static unsigned
rng_range(struct rng *r, unsigned lo, unsigned hi)
{
	return lo + rng_below(r, hi - lo + 1);
}

/* True with probability PCT percent. */
static bool
rng_chance(struct rng *r, unsigned pct)
{
	return rng_below(r, 100) < pct;
}

#define PICK(r, arr) ((arr)[rng_below((r), NELEM(arr))])

/* ---- output buffer ------------------------------------------------------ */

struct out {
	char *data;
	size_t len, cap;
};

static void
out_reserve(struct out *o, size_t n)
{
	if (o->cap - o->len > n)
		return;
	size_t cap = o->cap ? o->cap : 4096;
	while (cap - o->len <= n)
		cap *= 2;
	char *d = realloc(o->data, cap);
	if (d == NULL) {
		fputs("gen: out of memory\n", stderr);
		exit(1);
	}
	o->data = d;
	o->cap = cap;
}

static void
out_printf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
out_printf(struct out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	out_reserve(o, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(o->data + o->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	o->len += (size_t)n;
}

static void
out_puts(struct out *o, const char *s)
{
	out_printf(o, "%s", s);
}

/* ---- vocabulary --------------------------------------------------------- */

struct service {
	const char *name;
	const char *team;          /* the owning team */
	const char *prefix;        /* ticket prefix */
	const char *components[6];
};

static const struct service services[] = {
	{ "checkout-api", "payments", "PAY",
	  { "cart", "pricing", "tax-calculator", "order-writer", "retry-queue", "fraud-check" } },
	{ "web-frontend", "frontend", "WEB",
	  { "login-page", "session-refresh", "asset-pipeline", "cdn-config", "feature-flags", "search-box" } },
	{ "identity", "identity", "IDN",
	  { "token-service", "oauth-gateway", "password-reset", "mfa", "session-store", "user-db" } },
	{ "search", "discovery", "SRCH",
	  { "indexer", "query-parser", "ranking", "autocomplete", "shard-router", "synonyms" } },
	{ "notifications", "messaging", "MSG",
	  { "email-sender", "push-gateway", "sms-provider", "templates", "rate-limiter", "digest-job" } },
	{ "mobile-gateway", "mobile", "MOB",
	  { "api-proxy", "app-config", "image-resizer", "push-tokens", "version-gate", "offline-sync" } },
	{ "billing", "billing", "BIL",
	  { "invoice-job", "ledger", "currency-rates", "dunning", "payment-provider", "exports" } },
	{ "data-platform", "data", "DATA",
	  { "kafka-cluster", "etl-runner", "warehouse", "schema-registry", "backfill", "cdc-stream" } },
};

static const char *const other_teams[] = {
	"sre", "platform", "database", "networking", "security", "support",
	"qa", "release-engineering", "observability", "infra", "customer-success",
	"legal",
};

static const char *const severities[] = {
	"sev1", "sev2", "sev2", "sev3", "sev3", "sev3", "sev3", "sev3", "sev4",
	"sev4", "sev4", "sev4", "critical", "high", "medium", "low", "low",
};

static const char *const kinds[] = { "hotfix", "hotfix", "hotfix", "incident", "downtime" };

static const char *const detectors[] = {
	"monitoring", "monitoring", "monitoring", "customer", "support",
	"engineer", "other",
};

static const char *const categories[] = {
	"regression", "regression", "regression", "configuration", "configuration",
	"dependency", "capacity", "data", "infrastructure", "security",
	"third_party", "process", "unknown",
};

static const char *const fix_types[] = {
	"patch", "patch", "patch", "rollback", "config", "feature_flag",
	"data_repair", "workaround", "infrastructure",
};

static const char *const flows[] = {
	"login", "checkout", "signup", "payment", "search", "password_reset",
	"order_history", "notifications", "profile", "sign_in", "export",
};

static const char *const steps[] = {
	"code_review", "qa", "staging", "canary", "load_test", "change_approval",
	"security_review",
};

static const char *const roles[] = { "owner", "responder", "responder", "consulted" };

static const char *const action_types[] = { "prevent", "detect", "mitigate", "process" };

static const char *const people[] = {
	"Dana Novak", "Jorge Ortiz", "Amélie Laurent", "Priya Raman", "Kenji Watanabe",
	"Sam O'Brien", "Fatima Zahra", "Lukas Müller", "Chen Wei", "Ana Souza",
};

static const char *const audiences[] = {
	"customer support", "product management", "account management",
	"the VP of engineering", "finance", "sales engineering", "legal",
	"the data protection officer", "partner success", "the on-call rotation",
};

static const char *const symptoms[] = {
	"timeouts", "a redirect loop", "duplicate charges", "stale results",
	"502 errors", "missing emails", "slow page loads", "wrong prices",
	"crash on start", "empty dashboards", "expired sessions", "lost updates",
};

static const char *const triggers[] = {
	"a config change", "the 4.18 release", "a dependency upgrade",
	"a certificate rotation", "a schema migration", "a traffic spike",
	"a provider outage", "a feature flag rollout", "a cache eviction storm",
	"a DNS change",
};

/* Free-text building blocks; %s is a component name.  A few carry accents,
 * dashes or curly quotes so that the text is not all ASCII. */
static const char *const summary_lines[] = {
	"A change to %s went out with the regular deploy and misbehaved under load.",
	"Requests touching %s started to fail for a subset of users.",
	"The on-call engineer traced the errors to %s within the first hour.",
	"Retries from clients amplified the problem — %s saw three times its usual traffic.",
	"Rolling the change back in %s stopped the errors but left a backlog to drain.",
	"Caches in front of %s hid the problem for a while, then expired all at once.",
	"Customers in the EU region were hit first; other regions followed later.",
	"The dashboards showed normal latency because %s reported only successful calls.",
	"A partner reported the issue before our alerts fired on %s.",
	"Traffic was shifted away from %s while a fix was prepared and reviewed.",
	"Les utilisateurs voyaient une page blanche après la connexion (%s).",
	"Die Fehlerrate von %s stieg auf über 20 % an.",
	"The fix for %s was straightforward once the “refresh order” was understood.",
};

/* Sentences that earn a review note (blameful wording); used sparingly. */
static const char *const blameful_lines[] = {
	"The engineer on duty should have checked %s before deploying.",
	"This was human error during the manual change to %s.",
	"A careless edit to the %s settings slipped through.",
	"It was the fault of the release manager who skipped %s checks.",
};

static const char *const cause_lines[] = {
	"Two calls in %s were reordered in a refactoring and no test covered the new order.",
	"A default in %s changed with the library upgrade and nobody noticed the release note.",
	"The connection pool of %s was sized for last year's traffic.",
	"A migration left rows in %s that the new code could not read.",
	"The provider behind %s changed its rate limits without notice.",
	"An expired certificate broke the handshake between %s and its upstream.",
	"A feature flag enabled the new path in %s for every tenant at once.",
};

static const char *const impact_lines[] = {
	"About %u users could not complete their task for up to %u minutes.",
	"Roughly %u requests failed; retries succeeded for most users after %u minutes.",
	"%u customers saw errors; the status page was updated after %u minutes.",
};

static const char *const event_texts[] = {
	"Deploy of %s reaches 100%% of hosts",
	"Error rate on %s starts to climb",
	"Alert fires: %s error rate above 5%%",
	"Support escalates a spike of tickets about %s",
	"Incident declared; %s owners paged",
	"Traffic shifted away from %s",
	"Root cause identified in %s",
	"Fix for %s deployed to canary",
	"Fix for %s rolled out everywhere",
	"Metrics for %s back to normal",
	"Status page updated: \"%s degraded\"",
	"Backlog in %s fully drained",
};

static const char *const action_titles[] = {
	"Add an end-to-end test that covers %s under expired tokens",
	"Alert when %s error rate is above 2%% for 10 minutes",
	"Document the rollback procedure for %s",
	"Add a canary stage to the %s deploy pipeline",
	"Cap client retries towards %s with exponential backoff",
	"Load-test %s at twice the peak traffic",
	"Move %s settings into reviewed configuration",
	"Investigate why %s metrics hid the failures",
	"Look into the dependency pinning for %s",
	"Follow up with the vendor about %s limits",
	"Consider splitting %s into its own deploy unit",
};

static const char *const risks[] = {
	"cache warm-up is disabled until the next release",
	"the retry limit may drop legitimate requests at peak",
	"a manual config override must be removed later",
	"the flag hides the new path for all tenants",
	"data repaired by hand: %s rows were not re-validated",
	"old clients keep the broken behaviour until they update",
	"rollback needs a schema downgrade",
};

static const char *const waivers[] = {
	"Cosmetic; agreed by %s",
	"Covered by the quarterly reliability review (%s)",
	"Duplicate of an earlier post-mortem; waived by %s",
};

static const char *const ext_tools[] = { "incident-bot", "pagerduty-sync", "jira-import", "manual" };

/* ---- scalars ------------------------------------------------------------ */

/* True when S can be written as a plain scalar in block context and reads
 * back as the same string (not a bool, null or number either). */
static bool
plain_ok(const char *s)
{
	static const char indicators[] = "-?:,[]{}#&*!|>'\"%@`";
	if (*s == '\0' || strchr(indicators, *s) || *s == ' ')
		return false;
	size_t n = strlen(s);
	if (s[n - 1] == ' ' || s[n - 1] == ':')
		return false;
	if (strstr(s, ": ") || strstr(s, " #") || strchr(s, '\n') || strchr(s, '\t'))
		return false;
	/* A flow indicator anywhere breaks a value inside a flow collection;
	 * keep plain text free of them everywhere for simplicity. */
	if (strpbrk(s, ",[]{}"))
		return false;
	static const char *const special[] = {
		"true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
	};
	for (size_t i = 0; i < NELEM(special); i++)
		if (strcasecmp(s, special[i]) == 0)
			return false;
	if (strspn(s, "0123456789.+-eE") == n)
		return false;
	return true;
}

static void
put_double_quoted(struct out *o, const char *s)
{
	out_puts(o, "\"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			out_printf(o, "\\%c", *s);
		else
			out_printf(o, "%c", *s);
	}
	out_puts(o, "\"");
}

static void
put_single_quoted(struct out *o, const char *s)
{
	out_puts(o, "'");
	for (; *s; s++) {
		if (*s == '\'')
			out_puts(o, "''");
		else
			out_printf(o, "%c", *s);
	}
	out_puts(o, "'");
}

/* A one-line string in whichever style fits; QUOTE_PCT is how often a
 * string that could be plain is quoted anyway. */
static void
put_str(struct out *o, struct rng *r, const char *s, unsigned quote_pct)
{
	bool plain = plain_ok(s);
	if (plain && !rng_chance(r, quote_pct)) {
		out_puts(o, s);
		return;
	}
	if (!strchr(s, '\\') && rng_chance(r, 40))
		put_single_quoted(o, s);
	else
		put_double_quoted(o, s);
}

/* Free text: a plain, quoted, literal (|) or folded (>) scalar, as the value
 * of a key whose own line is already written up to ": ".  INDENT is the
 * indentation of the key. */
static void
put_text(struct out *o, struct rng *r, const char *const *lines, size_t nlines,
         unsigned indent)
{
	unsigned style = rng_below(r, 10);
	if (nlines == 1 && style < 4) {
		put_str(o, r, lines[0], 30);
		out_puts(o, "\n");
		return;
	}
	if (style < 2 && nlines <= 2) {
		/* A double-quoted scalar continued on the next line. */
		out_puts(o, "\"");
		for (size_t i = 0; i < nlines; i++) {
			if (i)
				out_printf(o, "\n%*s", indent + 2, "");
			for (const char *s = lines[i]; *s; s++)
				if (*s == '"' || *s == '\\')
					out_printf(o, "\\%c", *s);
				else
					out_printf(o, "%c", *s);
		}
		out_puts(o, "\"\n");
		return;
	}
	static const char *const headers[] = { "|", ">", "|-", ">-", "|", ">" };
	const char *h = PICK(r, headers);
	if (rng_chance(r, 10))
		out_printf(o, "%s  # as written in the ticket\n", h);
	else
		out_printf(o, "%s\n", h);
	for (size_t i = 0; i < nlines; i++) {
		/* Folded text keeps a blank line as a paragraph break. */
		if (i && h[0] == '>' && rng_chance(r, 15))
			out_puts(o, "\n");
		out_printf(o, "%*s%s\n", indent + 2, "", lines[i]);
	}
}

/* ---- one file ----------------------------------------------------------- */

struct incident {
	const struct service *svc;
	unsigned comp[4];
	unsigned ncomp;
	int64_t start;          /* epoch seconds */
	unsigned detect_min, resolve_min;
	int offset_min;         /* UTC offset used for the file's timestamps */
	char id[32];
	unsigned number;
};

static void
days_to_civil(int64_t z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t yy = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yy + (*m <= 2));
}

static void
put_date(struct out *o, int64_t epoch)
{
	int y;
	unsigned m, d;
	int64_t days = epoch >= 0 ? epoch / 86400 : -((-epoch + 86399) / 86400);
	days_to_civil(days, &y, &m, &d);
	out_printf(o, "%04d-%02u-%02u", y, m, d);
}

/* An ISO 8601 timestamp, in UTC ("Z") or in the incident's offset. */
static void
put_time(struct out *o, const struct incident *in, int64_t epoch, bool date_only)
{
	if (date_only) {
		put_date(o, epoch);
		return;
	}
	int64_t local = epoch + (int64_t)in->offset_min * 60;
	put_date(o, local);
	int64_t sod = ((local % 86400) + 86400) % 86400;
	out_printf(o, "T%02d:%02d:%02d", (int)(sod / 3600), (int)(sod / 60 % 60),
	           (int)(sod % 60));
	if (in->offset_min == 0)
		out_puts(o, "Z");
	else
		out_printf(o, "%c%02d:%02d", in->offset_min < 0 ? '-' : '+',
		           abs(in->offset_min) / 60, abs(in->offset_min) % 60);
}

static const char *
comp_name(const struct incident *in, unsigned k)
{
	return in->svc->components[in->comp[k % (in->ncomp ? in->ncomp : 1)]];
}

/*
 * A fresh sentence from TEMPLATE: each "%s" becomes S, each "%u" the next of
 * A and B, "%%" a percent sign; anything else is copied.  (A tiny formatter
 * of our own keeps the templates out of printf.)  The buffers rotate so that
 * several results can be alive at once.
 */
static const char *
fill3(const char *tmpl, const char *s, unsigned a, unsigned b)
{
	static char bufs[16][256];
	static unsigned next;
	char *out = bufs[next++ % NELEM(bufs)];
	size_t n = 0, cap = sizeof(bufs[0]) - 1;
	unsigned nums[2] = { a, b }, k = 0;
	for (const char *t = tmpl; *t && n < cap; t++) {
		char tmp[24];
		const char *ins = NULL;
		if (t[0] == '%' && t[1] == 's') {
			ins = s;
		} else if (t[0] == '%' && t[1] == 'u') {
			snprintf(tmp, sizeof(tmp), "%u", nums[k++ % 2]);
			ins = tmp;
		} else if (t[0] == '%' && t[1] == '%') {
			ins = "%";
		}
		if (ins == NULL) {
			out[n++] = *t;
			continue;
		}
		t++;
		for (; *ins && n < cap; ins++)
			out[n++] = *ins;
	}
	out[n] = '\0';
	return out;
}

static const char *
fill(const char *tmpl, const char *s)
{
	return fill3(tmpl, s, 0, 0);
}

static const char *
fill_uu(const char *tmpl, unsigned a, unsigned b)
{
	return fill3(tmpl, "", a, b);
}

static void
put_string_list(struct out *o, struct rng *r, const char *const *items, size_t n,
                unsigned indent)
{
	if (n <= 4 && rng_chance(r, 50)) {
		out_puts(o, " [");
		for (size_t i = 0; i < n; i++) {
			if (i)
				out_puts(o, ", ");
			put_str(o, r, items[i], 10);
		}
		out_puts(o, "]\n");
		return;
	}
	out_puts(o, "\n");
	/* Both "- item" under the key and indented two more are common. */
	unsigned pad = rng_chance(r, 50) ? indent : indent + 2;
	for (size_t i = 0; i < n; i++) {
		out_printf(o, "%*s- ", pad, "");
		put_str(o, r, items[i], 10);
		out_puts(o, "\n");
	}
}

/* Picks N distinct entries of POOL (N <= NPOOL) into OUT. */
static void
pick_distinct(struct rng *r, const char *const *pool, size_t npool, size_t n,
              const char **out)
{
	size_t idx[64];
	for (size_t i = 0; i < npool; i++)
		idx[i] = i;
	for (size_t i = 0; i < n; i++) {
		size_t j = i + rng_below(r, (unsigned)(npool - i));
		size_t t = idx[i];
		idx[i] = idx[j];
		idx[j] = t;
		out[i] = pool[idx[i]];
	}
}

static void
sec_impact(struct out *o, struct rng *r, const struct incident *in)
{
	out_puts(o, "impact:\n");
	bool facing = rng_chance(r, 45);
	if (rng_chance(r, 85))
		out_printf(o, "  customer_facing: %s\n", facing ? "true" : "false");
	unsigned users = 0;
	if (rng_chance(r, 70)) {
		static const unsigned scale[] = { 0, 12, 140, 1300, 4200, 25000, 180000 };
		users = PICK(r, scale);
		users += users ? rng_below(r, users) : 0;
		out_printf(o, "  users_affected: %u\n", users);
	}
	if (rng_chance(r, 40)) {
		const char *f[4];
		size_t n = rng_range(r, 1, 3);
		pick_distinct(r, flows, NELEM(flows), n, f);
		out_puts(o, "  user_flows:");
		put_string_list(o, r, f, n, 4);
	}
	if (rng_chance(r, 50))
		out_printf(o, "  data_loss: %s\n", rng_chance(r, 6) ? "true" : "false");
	if (rng_chance(r, 40))
		out_printf(o, "  security: %s\n", rng_chance(r, 5) ? "true" : "false");
	if (rng_chance(r, 50))
		out_printf(o, "  revenue: %s\n", rng_chance(r, 20) ? "true" : "false");
	if (rng_chance(r, 50))
		out_printf(o, "  slo_breached: %s\n", rng_chance(r, 30) ? "true" : "false");
	if (rng_chance(r, 35))
	{
		if (rng_chance(r, 5))
			out_puts(o, "  error_budget_used: 1.0\n");
		else
			out_printf(o, "  error_budget_used: 0.%02u\n",
			           rng_below(r, 100) / (rng_chance(r, 85) ? 5 : 1));
	}
	if (rng_chance(r, 60)) {
		const char *l = fill_uu(PICK(r, impact_lines), users ? users : 50,
		                        in->resolve_min);
		out_puts(o, "  description: ");
		put_text(o, r, &l, 1, 2);
	}
}

static void
sec_root_cause(struct out *o, struct rng *r, const struct incident *in)
{
	out_puts(o, "root_cause:\n");
	const char *cat = PICK(r, categories);
	bool unknown = strcmp(cat, "unknown") == 0;
	if (rng_chance(r, 80))
		out_printf(o, "  known: %s\n", unknown || rng_chance(r, 10) ? "false" : "true");
	if (rng_chance(r, 90))
		out_printf(o, "  category: %s\n", cat);
	if (rng_chance(r, 80)) {
		const char *l[3];
		size_t n = rng_range(r, 1, 2);
		for (size_t i = 0; i < n; i++)
			l[i] = fill(PICK(r, cause_lines), comp_name(in, (unsigned)i));
		if (rng_chance(r, 12))
			l[n++] = fill(PICK(r, blameful_lines), comp_name(in, 0));
		out_puts(o, "  description: ");
		put_text(o, r, l, n, 2);
	}
}

static void
sec_recurrence(struct out *o, struct rng *r, const struct incident *in)
{
	out_puts(o, "recurrence:\n");
	unsigned prev = rng_chance(r, 55) ? 0 : rng_range(r, 1, 5);
	if (rng_chance(r, 85))
		out_printf(o, "  previous_occurrences: %u\n", prev);
	if (prev && rng_chance(r, 70)) {
		char ids[4][32];
		const char *p[4];
		size_t n = rng_range(r, 1, prev < 4 ? prev : 4);
		for (size_t i = 0; i < n; i++) {
			snprintf(ids[i], sizeof(ids[i]), "%s-%u",
			         rng_chance(r, 50) ? "INC" : in->svc->prefix,
			         in->number > 50 ? in->number - rng_range(r, 1, 50) : 1000 + (unsigned)i);
			p[i] = ids[i];
		}
		out_puts(o, "  related:");
		put_string_list(o, r, p, n, 4);
	}
	if (rng_chance(r, 70))
		out_printf(o, "  permanent_fix: %s\n", rng_chance(r, 70) ? "true" : "false");
}

static void
sec_teams(struct out *o, struct rng *r, const struct incident *in)
{
	const char *names[5];
	static const size_t counts[] = { 1, 1, 1, 1, 2, 2, 2, 3, 3, 4 };
	size_t n = PICK(r, counts);
	names[0] = in->svc->team;
	const char *more[4];
	pick_distinct(r, other_teams, NELEM(other_teams), n - 1, more);
	for (size_t i = 1; i < n; i++)
		names[i] = more[i - 1];
	unsigned style = rng_below(r, 4);
	if (style == 0) {
		out_puts(o, "teams:");
		put_string_list(o, r, names, n, 2);
		return;
	}
	out_puts(o, "teams:\n");
	for (size_t i = 0; i < n; i++) {
		const char *role = i == 0 ? "owner" : PICK(r, roles);
		unsigned s = style == 3 ? rng_below(r, 3) : style;
		if (s == 0 || (s == 2 && rng_chance(r, 30))) {
			out_puts(o, "  - ");
			put_str(o, r, names[i], 10);
			out_puts(o, "\n");
		} else if (s == 1) {
			out_printf(o, "  - name: %s\n", names[i]);
			if (rng_chance(r, 85))
				out_printf(o, "    role: %s\n", role);
		} else {
			out_printf(o, "  - {name: %s, role: %s}\n", names[i], role);
		}
	}
}

static void
sec_fix(struct out *o, struct rng *r, const struct incident *in)
{
	out_puts(o, "fix:\n");
	out_printf(o, "  type: %s\n", PICK(r, fix_types));
	if (rng_chance(r, 80))
		out_printf(o, "  reviewed: %s\n", rng_chance(r, 80) ? "true" : "false");
	if (rng_chance(r, 70))
		out_printf(o, "  tests_added: %s\n", rng_chance(r, 60) ? "true" : "false");
	if (rng_chance(r, 60))
		out_printf(o, "  rollback_plan: %s\n", rng_chance(r, 70) ? "true" : "false");
	if (rng_chance(r, 35)) {
		const char *s[4];
		size_t n = rng_range(r, 1, 3);
		pick_distinct(r, steps, NELEM(steps), n, s);
		out_puts(o, "  skipped_steps:");
		put_string_list(o, r, s, n, 4);
	}
	if (rng_chance(r, 40)) {
		const char *s[4];
		size_t n = rng_range(r, 1, 3);
		pick_distinct(r, risks, NELEM(risks), n, s);
		for (size_t i = 0; i < n; i++)
			s[i] = fill(s[i], comp_name(in, (unsigned)i));
		out_puts(o, "  risks:");
		put_string_list(o, r, s, n, 4);
	}
	if (rng_chance(r, 75)) {
		char urls[3][96];
		const char *u[3];
		size_t n = rng_range(r, 1, 3);
		for (size_t i = 0; i < n; i++) {
			snprintf(urls[i], sizeof(urls[i]),
			         "https://git.example.com/%s/%s/pull/%u", in->svc->team,
			         comp_name(in, (unsigned)i), rng_range(r, 100, 9999));
			u[i] = urls[i];
		}
		out_puts(o, "  changes:");
		out_puts(o, "\n");
		for (size_t i = 0; i < n; i++)
			out_printf(o, "    - %s\n", u[i]);
	}
}

static void
sec_stakeholders(struct out *o, struct rng *r)
{
	out_puts(o, "stakeholders:");
	out_puts(o, rng_chance(r, 15) ? "   # who needs to hear about it\n" : "\n");
	if (rng_chance(r, 40)) {
		const char *a[4];
		size_t n = rng_range(r, 1, 3);
		pick_distinct(r, audiences, NELEM(audiences), n, a);
		out_puts(o, "  notified:");
		put_string_list(o, r, a, n, 4);
	}
	if (rng_chance(r, 12)) {
		const char *a[2];
		size_t n = rng_range(r, 1, 2);
		pick_distinct(r, audiences, NELEM(audiences), n, a);
		out_puts(o, "  requested_by:");
		put_string_list(o, r, a, n, 4);
	}
	if (rng_chance(r, 60))
		out_printf(o, "  external_communication: %s\n", rng_chance(r, 20) ? "true" : "false");
	if (rng_chance(r, 40))
		out_printf(o, "  regulatory: %s\n", rng_chance(r, 8) ? "true" : "false");
	if (rng_chance(r, 50))
		out_printf(o, "  leadership: %s\n", rng_chance(r, 25) ? "true" : "false");
}

static void
sec_timeline(struct out *o, struct rng *r, const struct incident *in)
{
	size_t n = rng_range(r, 2, 7);
	out_puts(o, "timeline:\n");
	int64_t t = in->start;
	int64_t end = in->start + (int64_t)in->resolve_min * 60;
	bool flow = rng_chance(r, 25);
	for (size_t i = 0; i < n; i++) {
		/* Events run in story order, with some variety at each step. */
		size_t e = (i * NELEM(event_texts)) / n + rng_below(r, 2);
		if (e >= NELEM(event_texts))
			e = NELEM(event_texts) - 1;
		const char *ev = fill(event_texts[e], comp_name(in, (unsigned)i));
		if (flow) {
			out_puts(o, "  - {at: ");
			put_time(o, in, t, false);
			out_puts(o, ", event: ");
			put_str(o, r, ev, 20);
			out_puts(o, "}\n");
		} else {
			out_puts(o, "  - at: ");
			put_time(o, in, t, false);
			out_puts(o, "\n    event: ");
			put_str(o, r, ev, 20);
			out_puts(o, "\n");
		}
		t += (end - t) / (int64_t)(n - i) + 60 * (int64_t)rng_below(r, 5);
	}
}

static void
sec_actions(struct out *o, struct rng *r, const struct incident *in)
{
	size_t n = rng_range(r, 1, 4);
	out_puts(o, "action_items:\n");
	for (size_t i = 0; i < n; i++) {
		const char *title = fill(PICK(r, action_titles), comp_name(in, (unsigned)i));
		out_puts(o, "  - title: ");
		put_str(o, r, title, 15);
		out_puts(o, "\n");
		if (rng_chance(r, 85)) {
			out_puts(o, "    owner: ");
			put_str(o, r, rng_chance(r, 50) ? in->svc->team : PICK(r, people), 10);
			out_puts(o, "\n");
		}
		if (rng_chance(r, 80)) {
			out_puts(o, "    due: ");
			put_date(o, in->start + 86400 * (int64_t)rng_range(r, 7, 60));
			out_puts(o, "\n");
		}
		if (rng_chance(r, 85))
			out_printf(o, "    type: %s\n", PICK(r, action_types));
		if (rng_chance(r, 60))
			out_printf(o, "    ticket: %s-%u\n", in->svc->prefix, rng_range(r, 100, 9999));
	}
}

static void
sec_postmortem(struct out *o, struct rng *r, const struct incident *in)
{
	out_puts(o, "postmortem:\n");
	if (rng_chance(r, 20))
		out_printf(o, "  requested: %s\n", rng_chance(r, 50) ? "true" : "false");
	unsigned what = rng_below(r, 10);
	if (what < 4)
		out_printf(o, "  link: https://wiki.example.com/postmortems/%s\n", in->id);
	else if (what < 5) {
		out_puts(o, "  waived: ");
		put_str(o, r, fill(PICK(r, waivers), PICK(r, people)), 50);
		out_puts(o, "\n");
	}
	out_puts(o, "  owner: ");
	put_str(o, r, PICK(r, people), 20);
	out_puts(o, "\n");
	if (rng_chance(r, 40)) {
		out_puts(o, "  due: ");
		put_date(o, in->start + 86400 * (int64_t)rng_range(r, 3, 30));
		out_puts(o, "\n");
	}
}

static void
sec_extension(struct out *o, struct rng *r)
{
	switch (rng_below(r, 3)) {
	case 0:
		out_printf(o, "x-source: {tool: %s, version: %u}\n", PICK(r, ext_tools),
		           rng_range(r, 1, 9));
		break;
	case 1:
		out_printf(o, "x-labels: [%s, %s]\n", PICK(r, flows), PICK(r, steps));
		break;
	default:
		out_printf(o, "x-review:\n  board: reliability\n  week: %u\n",
		           rng_range(r, 1, 52));
		break;
	}
}

typedef void section_fn(struct out *, struct rng *, const struct incident *);

static void
sec_stakeholders_wrap(struct out *o, struct rng *r, const struct incident *in)
{
	(void)in;
	sec_stakeholders(o, r);
}

static void
gen_file(struct out *o, struct rng *r, unsigned number)
{
	struct incident in;
	memset(&in, 0, sizeof(in));
	in.number = 1000 + number;
	in.svc = &PICK(r, services);
	in.ncomp = rng_range(r, 1, 4);
	{
		unsigned idx[6] = { 0, 1, 2, 3, 4, 5 };
		for (unsigned i = 0; i < in.ncomp; i++) {
			unsigned j = i + rng_below(r, 6 - i);
			unsigned t = idx[i];
			idx[i] = idx[j];
			idx[j] = t;
			in.comp[i] = idx[i];
		}
	}
	/* 2023-01-01 plus up to two years, at any minute. */
	in.start = 1672531200 + 60 * (int64_t)rng_below(r, 2 * 365 * 24 * 60);
	in.detect_min = rng_range(r, 1, 240);
	in.resolve_min = in.detect_min + rng_range(r, 10, 600);
	static const int offsets[] = { 0, 0, 0, 60, 120, -300, 330 };
	in.offset_min = PICK(r, offsets);
	snprintf(in.id, sizeof(in.id), "%s-%u",
	         rng_chance(r, 70) ? "HF" : in.svc->prefix, in.number);

	if (rng_chance(r, 70))
		out_printf(o, "# %s: hotfix description for %s\n", in.id, in.svc->name);
	if (rng_chance(r, 25))
		out_puts(o, "# Reviewed in the weekly reliability meeting.\n");
	if (rng_chance(r, 80))
		out_puts(o, "pmcheck: 1\n");
	out_printf(o, "id: %s\n", in.id);

	char title[160];
	snprintf(title, sizeof(title), "%s%s%s %s after %s",
	         rng_chance(r, 20) ? "[hotfix] " : "", comp_name(&in, 0),
	         rng_chance(r, 50) ? ":" : "", PICK(r, symptoms), PICK(r, triggers));
	if (rng_chance(r, 10))
		snprintf(title + strlen(title), sizeof(title) - strlen(title),
		         " (the \"%s\" path)", comp_name(&in, 1));
	out_puts(o, "title: ");
	put_str(o, r, title, 0);
	out_puts(o, "\n");
	if (rng_chance(r, 60))
		out_printf(o, "kind: %s\n", PICK(r, kinds));
	const char *sev = PICK(r, severities);
	bool high = strcmp(sev, "sev1") == 0 || strcmp(sev, "sev2") == 0 ||
	            strcmp(sev, "critical") == 0 || strcmp(sev, "high") == 0;
	if (high || rng_chance(r, 85))
		out_printf(o, "severity: %s%s\n", sev,
		           rng_chance(r, 10) ? "   # paged the on-call" : "");
	out_printf(o, "service: %s\n", in.svc->name);
	if (rng_chance(r, 85)) {
		const char *c[4];
		for (unsigned i = 0; i < in.ncomp; i++)
			c[i] = in.svc->components[in.comp[i]];
		out_puts(o, "components:");
		put_string_list(o, r, c, in.ncomp, 2);
	}
	if (rng_chance(r, 90)) {
		const char *l[6];
		size_t n = rng_range(r, 1, 4);
		for (size_t i = 0; i < n; i++)
			l[i] = fill(PICK(r, summary_lines), comp_name(&in, (unsigned)i));
		if (rng_chance(r, 10))
			l[n++] = fill(PICK(r, blameful_lines), comp_name(&in, 0));
		out_puts(o, "summary: ");
		put_text(o, r, l, n, 0);
	}
	bool date_only = rng_chance(r, 5);
	if (rng_chance(r, 80)) {
		out_puts(o, "started_at: ");
		put_time(o, &in, in.start, date_only);
		out_puts(o, "\n");
	}
	if (rng_chance(r, 85)) {
		out_puts(o, "detected_at: ");
		put_time(o, &in, in.start + 60 * (int64_t)in.detect_min, date_only);
		out_puts(o, "\n");
	}
	if (rng_chance(r, 85)) {
		out_puts(o, "resolved_at: ");
		put_time(o, &in, in.start + 60 * (int64_t)in.resolve_min, date_only);
		out_puts(o, "\n");
	}
	if (rng_chance(r, 85))
		out_printf(o, "detected_by: %s\n", PICK(r, detectors));
	out_puts(o, "\n");

	/* The sections in a shuffled order, most of them present. */
	static section_fn *const sections[] = {
		sec_impact, sec_root_cause, sec_recurrence, sec_teams, sec_fix,
		sec_stakeholders_wrap, sec_timeline, sec_actions, sec_postmortem,
	};
	static const unsigned presence[] = { 90, 85, 70, 90, 95, 70, 75, 75, 70 };
	unsigned order[NELEM(sections)];
	for (unsigned i = 0; i < NELEM(sections); i++)
		order[i] = i;
	/* Mostly the usual order; sometimes shuffled. */
	if (rng_chance(r, 40))
		for (unsigned i = 0; i + 1 < NELEM(sections); i++) {
			unsigned j = i + rng_below(r, (unsigned)NELEM(sections) - i);
			unsigned t = order[i];
			order[i] = order[j];
			order[j] = t;
		}
	/* sev1/sev2 without a timeline is a note; keep it possible but rare. */
	for (unsigned i = 0; i < NELEM(sections); i++) {
		unsigned s = order[i];
		unsigned p = presence[s];
		if (sections[s] == sec_timeline && high)
			p = 95;
		if (!rng_chance(r, p))
			continue;
		sections[s](o, r, &in);
		if (rng_chance(r, 60))
			out_puts(o, "\n");
	}
	if (rng_chance(r, 25))
		sec_extension(o, r);
}

/* ---- main --------------------------------------------------------------- */

static void
usage(void)
{
	fputs("usage: gen -n COUNT -s SEED -o DIR\n"
	      "Writes COUNT hotfix files DIR/hf-00001.yaml ... deterministically from SEED.\n",
	      stderr);
	exit(2);
}

static int
write_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	size_t done = 0;
	while (done < len) {
		ssize_t n = write(fd, data + done, len - done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		done += (size_t)n;
	}
	return close(fd);
}

int
main(int argc, char **argv)
{
	unsigned long count = 0;
	unsigned long long seed = 0;
	const char *dir = NULL;
	int c;
	while ((c = getopt(argc, argv, "n:s:o:")) != -1) {
		char *end;
		switch (c) {
		case 'n':
			count = strtoul(optarg, &end, 10);
			if (*end || count == 0 || count > 9999999)
				usage();
			break;
		case 's':
			seed = strtoull(optarg, &end, 10);
			if (*end)
				usage();
			break;
		case 'o':
			dir = optarg;
			break;
		default:
			usage();
		}
	}
	if (count == 0 || dir == NULL || optind != argc)
		usage();
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "gen: %s: %s\n", dir, strerror(errno));
		return 1;
	}

	struct out o = { NULL, 0, 0 };
	size_t total = 0;
	for (unsigned long k = 1; k <= count; k++) {
		/* Each file has its own stream, so file k does not depend on -n. */
		struct rng r = { rng_mix(rng_mix(seed) ^ rng_mix(k + 0x51ed27u)) };
		do {
			o.len = 0;
			gen_file(&o, &r, (unsigned)k);
		} while (o.len < GEN_MIN_BYTES || o.len > GEN_MAX_BYTES);
		char path[4096];
		snprintf(path, sizeof(path), "%s/hf-%05lu.yaml", dir, k);
		if (write_file(path, o.data, o.len) < 0) {
			fprintf(stderr, "gen: %s: %s\n", path, strerror(errno));
			return 1;
		}
		total += o.len;
	}
	free(o.data);
	fprintf(stderr, "gen: %lu files, %zu bytes, seed %llu, in %s\n", count, total,
	        seed, dir);
	return 0;
}
