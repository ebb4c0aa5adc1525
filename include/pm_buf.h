/*
 * A growable byte buffer.  Renderers write into one; only the output module
 * and main.c move its bytes to a file.
 */
#ifndef PM_BUF_H
#define PM_BUF_H

#include <stddef.h>

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
/* Makes room for N more bytes (plus the terminating NUL) without adding
 * any: DATA + LEN is then writable for N bytes, e.g. by read(2). */
void pm_buf_reserve(struct pm_buf *buf, size_t n);
void pm_buf_put(struct pm_buf *buf, const char *data, size_t len);
void pm_buf_puts(struct pm_buf *buf, const char *s);
void pm_buf_putc(struct pm_buf *buf, char c);
/* Appends C N times. */
void pm_buf_repeat(struct pm_buf *buf, char c, size_t n);
void pm_buf_printf(struct pm_buf *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
