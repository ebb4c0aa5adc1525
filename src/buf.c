/*
 * The growable output buffer.  Growth doubles, so appending N bytes in any
 * pieces costs O(N).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pm_alloc.h"
#include "pm_buf.h"

void
pm_buf_init(struct pm_buf *buf)
{
	buf->data = NULL;
	buf->len = 0;
	buf->cap = 0;
}

void
pm_buf_free(struct pm_buf *buf)
{
	if (buf == NULL)
		return;
	free(buf->data);
	pm_buf_init(buf);
}

void
pm_buf_clear(struct pm_buf *buf)
{
	buf->len = 0;
	if (buf->data)
		buf->data[0] = '\0';
}

void
pm_buf_grow(struct pm_buf *buf, size_t n)
{
	if (buf->cap - buf->len > n)
		return;
	size_t cap = buf->cap ? buf->cap : 256;
	while (cap - buf->len <= n) {
		if (cap > (size_t)-1 / 2)
			pm_alloc_fail();
		cap *= 2;
	}
	buf->data = pm_xrealloc(buf->data, cap);
	buf->cap = cap;
}

void
pm_buf_puts(struct pm_buf *buf, const char *s)
{
	pm_buf_put(buf, s, strlen(s));
}

void
pm_buf_repeat(struct pm_buf *buf, char c, size_t n)
{
	pm_buf_reserve(buf, n);
	memset(buf->data + buf->len, c, n);
	buf->len += n;
	buf->data[buf->len] = '\0';
}

void
pm_buf_printf(struct pm_buf *buf, const char *fmt, ...)
{
	/* Format straight into the spare room, which is nearly always big
	 * enough; only a longer result is formatted a second time. */
	pm_buf_reserve(buf, 64);
	size_t room = buf->cap - buf->len;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf->data + buf->len, room, fmt, ap);
	va_end(ap);
	if (n <= 0) {
		buf->data[buf->len] = '\0';
		return;
	}
	if ((size_t)n >= room) {
		pm_buf_reserve(buf, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(buf->data + buf->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	buf->len += (size_t)n;
}
