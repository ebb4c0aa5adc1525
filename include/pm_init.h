/*
 * The starter hotfix file that `pmcheck --init` writes: every key of the
 * format with a comment saying what it means and which values it takes,
 * filled with placeholder values that pmcheck accepts as written.
 */
#ifndef PM_INIT_H
#define PM_INIT_H

#include "pm_buf.h"

/* The schema URL on the file's first line, for editors that validate YAML
 * (the yaml-language-server convention); docs/pmcheck.schema.json has the
 * same $id. */
#define PM_INIT_SCHEMA_URL \
	"https://raw.githubusercontent.com/pmcheck/pmcheck/main/docs/pmcheck.schema.json"

/*
 * Appends the commented starter hotfix file to OUT: the schema line, a short
 * header, then every key that is read from input (derived facts excluded),
 * in the order of the schema table pm_fields[], which is the order of SPEC
 * §1.  Keys, types, allowed values and defaults in the comments come from
 * that table, so they cannot drift from what the parser accepts.  The text
 * is the same on every run and every machine (no dates from the clock).
 */
void pm_init_render(struct pm_buf *out);

#endif
