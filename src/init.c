/*
 * The starter file of `pmcheck --init`.  Keys, their order, the comment on
 * each (its one-line doc, whether it is required, the values it takes and
 * its default) all come from the schema table pm_fields[]: a key added to
 * the format appears here with no edit.  Only two things are written by
 * hand, both indexed by field so a renamed field fails to compile: the
 * placeholder values, and a few extra words where the one-line doc leaves
 * a newcomer guessing.  A field without a placeholder is written with an
 * empty value, which the parser reads as "not given"; a unit test insists
 * that every field has one.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "pm_init.h"
#include "pm_model.h"

/* Comments are wrapped to fit this many columns. */
#define PM_INIT_WIDTH 78

/*
 * Placeholder values: a made-up checkout hotfix, realistic enough that the
 * starter file judged as it is shows every part of the report, and worded
 * so that no review note about blame or vague actions fires.
 *
 * The first line goes after "key: "; further lines are indented under the
 * key.  Lists therefore start with a line break.  "" means "leave empty":
 * postmortem.link and postmortem.waived each pass the --fail-on gate, so a
 * placeholder there would wave through a post-mortem nobody wrote.
 */
static const char *const pm_init_values[PM_F_COUNT] = {
	[PM_F_PMCHECK] = "1",
	[PM_F_ID] = "HF-1234",
	[PM_F_TITLE] = "Checkout button stays disabled for saved cards",
	[PM_F_KIND] = "hotfix",
	[PM_F_SEVERITY] = "sev2",
	[PM_F_SERVICE] = "web-shop",
	[PM_F_COMPONENTS] = "\n- payment-form\n- saved-cards",
	[PM_F_SUMMARY] =
		"|\n"
		"Release 2.7.0 of the web shop changed how the payment form\n"
		"validates card details.  The checkout button stayed disabled for\n"
		"saved cards, so returning customers could not pay until hotfix\n"
		"2.7.1 shipped.",
	[PM_F_STARTED_AT] = "2024-02-20T13:10:00Z",
	[PM_F_DETECTED_AT] = "2024-02-20T13:55:00Z",
	[PM_F_RESOLVED_AT] = "2024-02-20T16:20:00Z",
	[PM_F_DETECTED_BY] = "support",
	[PM_F_IMPACT] = NULL,
	[PM_F_IMPACT_CUSTOMER_FACING] = "true",
	[PM_F_IMPACT_USERS_AFFECTED] = "1800",
	[PM_F_IMPACT_USER_FLOWS] = "\n- checkout\n- payment",
	[PM_F_IMPACT_DATA_LOSS] = "false",
	[PM_F_IMPACT_SECURITY] = "false",
	[PM_F_IMPACT_REVENUE] = "true",
	[PM_F_IMPACT_SLO_BREACHED] = "true",
	[PM_F_IMPACT_ERROR_BUDGET_USED] = "0.08",
	[PM_F_IMPACT_DESCRIPTION] =
		">\n"
		"About 1 800 returning customers could not pay with a saved card\n"
		"for three hours; new cards worked.",
	[PM_F_ROOT_CAUSE_KNOWN] = "true",
	[PM_F_ROOT_CAUSE_CATEGORY] = "regression",
	[PM_F_ROOT_CAUSE_DESCRIPTION] =
		">\n"
		"The new validation read the masked number of a saved card as an\n"
		"invalid number; the tests paid with new cards only.",
	[PM_F_RECURRENCE_PREVIOUS_OCCURRENCES] = "1",
	[PM_F_RECURRENCE_RELATED] = "\n- HF-1180",
	[PM_F_RECURRENCE_PERMANENT_FIX] = "true",
	[PM_F_TEAMS] =
		"\n- name: payments\n  role: owner"
		"\n- name: web-platform\n  role: responder"
		"\n- customer-support",
	[PM_F_FIX_TYPE] = "patch",
	[PM_F_FIX_REVIEWED] = "true",
	[PM_F_FIX_TESTS_ADDED] = "true",
	[PM_F_FIX_ROLLBACK_PLAN] = "true",
	[PM_F_FIX_SKIPPED_STEPS] = "\n- canary",
	[PM_F_FIX_RISKS] =
		"\n- Cards saved before 2019 go through an older, untested validation path",
	[PM_F_FIX_CHANGES] = "\n- https://git.example.com/shop/web/pull/1234",
	[PM_F_STAKEHOLDERS_NOTIFIED] = "\n- customer support\n- product management",
	[PM_F_STAKEHOLDERS_REQUESTED_BY] = "\n- head of e-commerce",
	[PM_F_STAKEHOLDERS_EXTERNAL_COMMUNICATION] = "true",
	[PM_F_STAKEHOLDERS_REGULATORY] = "false",
	[PM_F_STAKEHOLDERS_LEADERSHIP] = "true",
	[PM_F_ACTION_ITEMS] =
		"\n- title: Add checkout tests that pay with a saved card"
		"\n  owner: payments"
		"\n  due: 2024-03-15"
		"\n  type: prevent"
		"\n  ticket: PAY-482"
		"\n- title: Alert when checkout success drops below 90% for 10 minutes"
		"\n  owner: web-platform"
		"\n  due: 2024-03-22"
		"\n  type: detect"
		"\n  ticket: WEB-2210",
	[PM_F_TIMELINE] =
		"\n- at: 2024-02-20T13:10:00Z"
		"\n  event: Release 2.7.0 reaches all users"
		"\n- at: 2024-02-20T13:55:00Z"
		"\n  event: Support reports customers unable to pay with saved cards"
		"\n- at: 2024-02-20T16:20:00Z"
		"\n  event: Hotfix 2.7.1 deployed; checkout success back to normal",
	[PM_F_POSTMORTEM_REQUESTED] = "false",
	[PM_F_POSTMORTEM_WAIVED] = "",
	[PM_F_POSTMORTEM_LINK] = "",
	[PM_F_POSTMORTEM_OWNER] = "Alex Kim",
	[PM_F_POSTMORTEM_DUE] = "2024-03-05",
};

/* Extra words after the doc, where it alone leaves a newcomer guessing. */
static const char *const pm_init_notes[PM_F_COUNT] = {
	[PM_F_DETECTED_BY] = "anything but monitoring means monitoring missed it",
	[PM_F_FIX_SKIPPED_STEPS] = "e.g. code_review, qa, staging, canary",
	[PM_F_POSTMORTEM_REQUESTED] = "true makes the post-mortem required",
	[PM_F_POSTMORTEM_WAIVED] =
		"leave empty unless it is waived; a waiver passes the --fail-on gate",
	[PM_F_POSTMORTEM_LINK] =
		"leave empty until it is written; a link passes the --fail-on gate",
};

static const char pm_init_header[] =
	"#\n"
	"# A hotfix for pmcheck to judge: does it deserve a post-mortem?  Only\n"
	"# `title` is required.  The values below are placeholders for a made-up\n"
	"# checkout hotfix: replace them, delete the keys that do not apply, then\n"
	"# run `pmcheck` on this file.  Keys starting with x- are yours: pmcheck\n"
	"# accepts and ignores them.\n";

/* Nesting depth of a field: 0 at the top, 1 inside impact, ... */
static int
pm_init_depth(const struct pm_field_def *def)
{
	int depth = 0;
	for (int p = def->parent; p != PM_F_NONE && depth < 8; p = pm_fields[p].parent)
		depth++;
	return depth;
}

/* True when every canonical value of DEF is already named in its doc
 * ("hotfix, incident or downtime"), so listing them again is noise. */
static bool
pm_init_doc_names_values(const struct pm_field_def *def)
{
	for (const struct pm_enum_value *v = def->values; v->name; v++)
		if (v->canonical == NULL && strstr(def->doc, v->name) == NULL)
			return false;
	return true;
}

/* Appends S to OUT, separated from what is there by "; ". */
static void
pm_init_clause(struct pm_buf *out, const char *s)
{
	if (out->len > 0)
		pm_buf_puts(out, "; ");
	pm_buf_puts(out, s);
}

/*
 * What DEF means and takes, as one line of clauses: its doc, "required",
 * then what the type allows (what the placeholder cannot show: the other
 * enum values, the default, the range).  The timestamp format is spelled
 * out at the first timestamp only; *TIME_SEEN remembers it was.
 */
static void
pm_init_describe(struct pm_buf *out, const struct pm_field_def *def,
                 bool *time_seen)
{
	pm_init_clause(out, def->doc);
	if (def->required)
		pm_init_clause(out, "required");
	switch (def->type) {
	case PM_FT_BOOL:
		if (strstr(def->doc, "true") == NULL && strstr(def->doc, "false") == NULL)
			pm_init_clause(out, "true or false");
		break;
	case PM_FT_INT:
		if (def->min < def->max)
			pm_buf_printf(out, "; a whole number, %.0f or more", def->min);
		break;
	case PM_FT_NUM: {
		char range[64];
		snprintf(range, sizeof(range), "%g..%g", def->min, def->max);
		if (strstr(def->doc, range) == NULL)
			pm_buf_printf(out, "; a number from %g to %g", def->min, def->max);
		break;
	}
	case PM_FT_ENUM:
		if (!pm_init_doc_names_values(def)) {
			pm_buf_puts(out, "; one of");
			const char *sep = " ";
			for (const struct pm_enum_value *v = def->values; v->name; v++) {
				if (v->canonical == NULL) {
					pm_buf_printf(out, "%s%s", sep, v->name);
					sep = ", ";
				}
			}
		}
		for (const struct pm_enum_value *v = def->values; v->name; v++) {
			if (v->canonical != NULL) {
				pm_buf_puts(out, "; also");
				const char *sep = " ";
				for (; v->name; v++) {
					if (v->canonical != NULL) {
						pm_buf_printf(out, "%s%s (%s)", sep, v->name,
						              v->canonical);
						sep = ", ";
					}
				}
				break;
			}
		}
		if (def->dflt)
			pm_buf_printf(out, "; default %s", def->dflt);
		break;
	case PM_FT_TIME:
		if (!*time_seen && strstr(def->doc, "ISO 8601") == NULL)
			pm_init_clause(out, "ISO 8601 like 2024-01-12T09:14:00Z, "
			               "with Z or an offset like +01:00, or a bare date");
		*time_seen = true;
		break;
	case PM_FT_DATE:
		if (strstr(def->doc, "YYYY") == NULL)
			pm_init_clause(out, "YYYY-MM-DD");
		break;
	default:
		break;
	}
}

/* Appends TEXT as "# " comment lines at INDENT, wrapped at spaces to fit
 * PM_INIT_WIDTH columns (a word longer than the line stays whole). */
static void
pm_init_comment(struct pm_buf *out, int indent, const char *text)
{
	size_t room = PM_INIT_WIDTH - (size_t)indent - 2;
	const char *s = text;
	while (*s) {
		size_t n = strlen(s);
		if (n > room) {
			n = room;
			while (n > 0 && s[n] != ' ')
				n--;
			if (n == 0)
				n = strcspn(s, " ");
		}
		pm_buf_repeat(out, ' ', (size_t)indent);
		pm_buf_puts(out, "# ");
		pm_buf_put(out, s, n);
		pm_buf_putc(out, '\n');
		s += n;
		while (*s == ' ')
			s++;
	}
}

/* For a list of mappings: one aligned row per entry field, under the
 * field's own comment. */
static void
pm_init_entry_rows(struct pm_buf *out, int indent, const struct pm_field_def *def)
{
	size_t width = 0;
	for (size_t i = 0; i < def->nitems; i++)
		if (strlen(def->items[i].name) > width)
			width = strlen(def->items[i].name);
	for (size_t i = 0; i < def->nitems; i++) {
		struct pm_buf row = PM_BUF_INIT;
		bool time_seen = false;
		pm_init_describe(&row, &def->items[i], &time_seen);
		pm_buf_repeat(out, ' ', (size_t)indent);
		pm_buf_printf(out, "#   %-*s  %s\n", (int)width, def->items[i].name,
		              row.data);
		pm_buf_free(&row);
	}
}

/* "key: value", further value lines indented under the key. */
static void
pm_init_key(struct pm_buf *out, int indent, const char *name, const char *value)
{
	pm_buf_repeat(out, ' ', (size_t)indent);
	pm_buf_puts(out, name);
	pm_buf_putc(out, ':');
	if (value == NULL)
		value = "";
	size_t first = strcspn(value, "\n");
	if (first > 0) {
		pm_buf_putc(out, ' ');
		pm_buf_put(out, value, first);
	}
	pm_buf_putc(out, '\n');
	for (const char *s = value + first; *s == '\n';) {
		s++;
		size_t n = strcspn(s, "\n");
		if (n > 0)
			pm_buf_repeat(out, ' ', (size_t)indent + 2);
		pm_buf_put(out, s, n);
		pm_buf_putc(out, '\n');
		s += n;
	}
}

void
pm_init_render(struct pm_buf *out)
{
	pm_buf_puts(out, "# yaml-language-server: $schema=" PM_INIT_SCHEMA_URL "\n");
	pm_buf_puts(out, pm_init_header);
	bool time_seen = false;
	for (int i = PM_F_NONE + 1; i < PM_F_COUNT; i++) {
		const struct pm_field_def *def = &pm_fields[i];
		if (def->computed)
			continue;
		int indent = 2 * pm_init_depth(def);
		if (def->parent == PM_F_NONE)
			pm_buf_putc(out, '\n');

		struct pm_buf text = PM_BUF_INIT;
		pm_init_describe(&text, def, &time_seen);
		if (pm_init_notes[i])
			pm_init_clause(&text, pm_init_notes[i]);
		if (def->type == PM_FT_MAP_LIST)
			pm_init_clause(&text, def->scalar_item
			               ? "each entry a bare name, or:" : "each entry:");
		pm_init_comment(out, indent, text.data);
		pm_buf_free(&text);
		if (def->type == PM_FT_MAP_LIST)
			pm_init_entry_rows(out, indent, def);

		pm_init_key(out, indent, def->name,
		            def->type == PM_FT_MAP ? NULL : pm_init_values[i]);
	}
}
