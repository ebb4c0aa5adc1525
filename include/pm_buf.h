/*
 * A growable byte buffer.  Renderers write into one; only the output module
 * and main.c move its bytes to a file.
 *
 * Renderers append a few bytes at a time, tens of thousands of times per
 * report, so the appends are inline: when there is room, which is nearly
 * always, an append is a bounds test and a copy.  Growing is out of line.
 */
#ifndef PM_BUF_H
#define PM_BUF_H

#include <stddef.h>
#include <string.h>

struct pm_buf {
	char *data;     /* always NUL-terminated once anything was added */
	size_t len;
	size_t cap;
};

#define PM_BUF_INIT { NULL, 0, 0 }

void pm_buf_init(struct pm_buf *buf);
/* Frees the storage; the buffer is empty and reusable afterwards. */
void pm_buf_free(struct pm_buf *buf);
/* Empties the buffer but keeps its storage. */
void pm_buf_clear(struct pm_buf *buf);
/* The slow half of pm_buf_reserve: reallocates so that N more bytes and
 * the terminating NUL fit. */
void pm_buf_grow(struct pm_buf *buf, size_t n);
/* Appends C N times. */
void pm_buf_repeat(struct pm_buf *buf, char c, size_t n);
/* Appends a NUL-terminated string; PM_BUF_LIT is cheaper for a literal. */
void pm_buf_puts(struct pm_buf *buf, const char *s);
void pm_buf_printf(struct pm_buf *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Makes room for N more bytes (plus the terminating NUL) without adding
 * any: DATA + LEN is then writable for N bytes, e.g. by read(2). */
static inline void
pm_buf_reserve(struct pm_buf *buf, size_t n)
{
	if (buf->cap - buf->len <= n)
		pm_buf_grow(buf, n);
}

static inline void
pm_buf_put(struct pm_buf *buf, const char *data, size_t len)
{
	pm_buf_reserve(buf, len);
	if (len)        /* DATA may be NULL then, which memcpy does not allow */
		memcpy(buf->data + buf->len, data, len);
	buf->len += len;
	buf->data[buf->len] = '\0';
}

static inline void
pm_buf_putc(struct pm_buf *buf, char c)
{
	pm_buf_reserve(buf, 1);
	buf->data[buf->len++] = c;
	buf->data[buf->len] = '\0';
}

/* Appends a string literal, its length counted by the compiler (the ""
 * makes anything but a literal a compile error). */
#define PM_BUF_LIT(buf, lit) pm_buf_put((buf), "" lit, sizeof(lit) - 1)

#endif
