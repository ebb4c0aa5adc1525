/*
 * Escaping of input-derived text for each place it lands.  Every function
 * first makes text terminal-safe: C0 and C1 control characters, DEL, escape
 * sequences, bidirectional controls (U+061C, U+200E/F, U+202A-U+202E,
 * U+2066-U+2069) and line/paragraph separators (U+2028/9) are shown as
 * visible escapes ("\x1b", "\u202e"), and bytes that are not UTF-8 as "\xNN".
 * Tabs stay; newlines stay only where the function says so.  The GitHub
 * Actions runner acts on the log command marker "##[" anywhere in a line, so
 * every escaper breaks it up: "#", U+200B, "#[" (JSON: "#\u0023[", which
 * decodes to the input exactly).
 */
#ifndef PM_ESCAPE_H
#define PM_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pm_buf.h"

/* Terminal-safe text.  NEWLINES: keep "\n"; otherwise show it as "\n".
 * "\r" shows as "\r", other C0 and DEL as "\xNN", C1, bidi controls and
 * U+2028/9 as "\uNNNN", bytes that are not UTF-8 as "\xNN".  Everything else,
 * backslashes included, is copied as is.  S may be NULL when LEN is 0. */
void pm_escape_term(struct pm_buf *out, const char *s, size_t len, bool newlines);

/* Terminal-safe text that starts a line (a file name before ":LINE:COL:",
 * a value after an indent): as pm_escape_term without newlines, and a ":"
 * that starts it, blanks before it skipped, is shown as "\x3a", because a
 * CI log takes a line starting with "::" as a command (and a name ":" makes
 * one with the ":" that follows it). */
void pm_escape_term_start(struct pm_buf *out, const char *s, size_t len);

/* Markdown inline text (table cells, headings, list items): terminal-safe,
 * every line break (with the blanks around it) folded to one space, leading
 * and trailing blanks dropped, and every character that could start Markdown
 * or HTML structure backslash-escaped: \ ` * _ [ ] < > | # ! ~ { } anywhere,
 * + - = : and the "." or ")" of "12." / "12)" at the start.  "&" becomes
 * "&amp;"; "@" before an ASCII letter or digit gets a U+200B after it so it
 * cannot mention anyone.  Never writes a line break. */
void pm_escape_md_inline(struct pm_buf *out, const char *s, size_t len);

/* Markdown paragraphs: as inline, but each line ("\n" or "\r\n") is
 * escaped on its own and kept, with its leading and trailing blanks dropped
 * so no line becomes code.  Blank lines become one empty line (a paragraph
 * break); none are written before the first or after the last line of
 * text, so the result neither starts nor ends with a line break. */
void pm_escape_md_block(struct pm_buf *out, const char *s, size_t len);

/* A JSON string literal with its quotes: " and \ escaped, \b \f \n \r \t
 * in short form, other C0 and DEL, C1, U+2028/9 and bidi controls as
 * \u00XX / \uXXXX (lower-case hex); bytes that are not UTF-8 become U+FFFD
 * so the output is always valid UTF-8; other text is copied as is. */
void pm_escape_json(struct pm_buf *out, const char *s, size_t len);

/* The most bytes pm_escape_json_to writes for LEN bytes of text: no
 * escape is longer than 6 bytes for each byte it replaces ("\u001b"), and
 * there are the two quotes. */
#define PM_ESCAPE_JSON_ROOM(len) (6 * (size_t)(len) + 2)

/* As pm_escape_json, but written at D, which the caller has made room for
 * (PM_ESCAPE_JSON_ROOM(LEN) bytes), without the terminating NUL; returns
 * where the string literal ends.  For renderers that write a whole line
 * into room they reserved once. */
char *pm_escape_json_to(char *d, const char *s, size_t len);

/* GitHub Actions workflow command message (the text after the second
 * "::"): terminal-safe with line breaks shown as "\n" and "\r", never kept
 * and never encoded as "%0A", so no input text can begin a line of the step
 * output or of the job log (no "::command", no "##[group]"); "%" becomes
 * "%25" so that the runner's decoding cannot make a line break either. */
void pm_escape_github_data(struct pm_buf *out, const char *s, size_t len);

/* A GitHub Actions workflow command property value (file=, title=): as
 * pm_escape_github_data, and ":" becomes "%3A", "," becomes "%2C", so the
 * value can neither end the property list nor start another property. */
void pm_escape_github_property(struct pm_buf *out, const char *s, size_t len);

/* Slack mrkdwn text: terminal-safe, folded to one line (a line break and the
 * blanks around it become one space; leading and trailing blanks dropped).
 * "&", "<", ">" become "&amp;", "&lt;", "&gt;", so no "<!channel>",
 * "<@U123>" or "<url|text>" can form; the formatting characters * _ ~ `
 * become their full-width forms U+FF0A, U+FF3F, U+FF5E, U+FF40, because
 * mrkdwn has no escape character; "@" before an ASCII letter or digit gets a
 * U+200B after it, so "@here" and "@channel" mention nobody.  Never writes a
 * line break. */
void pm_escape_slack(struct pm_buf *out, const char *s, size_t len);

/* Length in bytes of the valid UTF-8 sequence at S (1..4), or 0 when the
 * bytes at S are not valid UTF-8 (truncated, overlong, a surrogate, above
 * U+10FFFF) or LEN is 0.  CP (may be NULL) receives the code point. */
size_t pm_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);

#endif
