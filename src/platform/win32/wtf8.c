/*
 * wtf8.c - WTF-8 <-> UTF-16 (see wtf8.h): pure C, no Windows header, so
 * that it is tested natively as well as built into hln.exe.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wtf8.h"

/*
 * Decode one code point of WTF-8 at *PP and advance.  Returns the code
 * point, or -1 for bytes that are not WTF-8 (overlong, beyond U+10FFFF,
 * stray continuation).
 */
static long wtf8_next(const unsigned char **pp)
{
	const unsigned char *p = *pp;
	unsigned long c = p[0], min;
	int n;
	if (c < 0x80) {
		*pp = p + 1;
		return (long)c;
	}
	if ((c & 0xE0) == 0xC0) {
		n = 1, c &= 0x1F, min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		n = 2, c &= 0x0F, min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		n = 3, c &= 0x07, min = 0x10000;
	} else {
		return -1;
	}
	/* The NUL terminator is not a continuation byte: no overrun. */
	for (int i = 1; i <= n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return -1;
		c = c << 6 | (p[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF)
		return -1;
	*pp = p + n + 1;
	return (long)c;
}

/* Two passes: count the units (and check every byte), then convert. */
int wtf8_to_utf16(const char *s, size_t prefix, int slashes, uint16_t **out)
{
	size_t n = 0;
	int prev_high = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		long c = wtf8_next(&p);
		if (c < 0 || (prev_high && c >= 0xDC00 && c <= 0xDFFF))
			return -EILSEQ;
		prev_high = c >= 0xD800 && c <= 0xDBFF;
		n += c >= 0x10000 ? 2 : 1;
	}
	if (n > WTF8_MAX_UNITS)
		return -ENAMETOOLONG; /* the longest path Windows takes */
	uint16_t *w = malloc((prefix + n + 1) * sizeof *w);
	if (!w)
		return -ENOMEM;
	uint16_t *q = w + prefix;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		long c = wtf8_next(&p);
		if (c >= 0x10000) {
			c -= 0x10000;
			*q++ = (uint16_t)(0xD800 | (c >> 10));
			*q++ = (uint16_t)(0xDC00 | (c & 0x3FF));
		} else {
			*q++ = (slashes && c == '/') ? '\\' : (uint16_t)c;
		}
	}
	*q = 0;
	*out = w;
	return (int)n;
}

/* A sequence that does not fit is not written, but still counted. */
long utf16_to_wtf8(const uint16_t *w, size_t n, char *buf, size_t size)
{
	size_t len = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned long c = w[i];
		if (c >= 0xD800 && c <= 0xDBFF && i + 1 < n &&
		    w[i + 1] >= 0xDC00 && w[i + 1] <= 0xDFFF)
			c = 0x10000 + ((c - 0xD800) << 10) + (w[++i] - 0xDC00);
		unsigned char b[4];
		int k;
		if (c < 0x80) {
			b[0] = (unsigned char)c, k = 1;
		} else if (c < 0x800) {
			b[0] = (unsigned char)(0xC0 | c >> 6);
			b[1] = (unsigned char)(0x80 | (c & 0x3F)), k = 2;
		} else if (c < 0x10000) {
			b[0] = (unsigned char)(0xE0 | c >> 12);
			b[1] = (unsigned char)(0x80 | (c >> 6 & 0x3F));
			b[2] = (unsigned char)(0x80 | (c & 0x3F)), k = 3;
		} else {
			b[0] = (unsigned char)(0xF0 | c >> 18);
			b[1] = (unsigned char)(0x80 | (c >> 12 & 0x3F));
			b[2] = (unsigned char)(0x80 | (c >> 6 & 0x3F));
			b[3] = (unsigned char)(0x80 | (c & 0x3F)), k = 4;
		}
		if (len + (size_t)k < size)
			memcpy(buf + len, b, (size_t)k);
		len += (size_t)k;
	}
	if (!buf || len >= size)
		return -(long)(len + 1);
	buf[len] = '\0';
	return (long)len;
}

/* W (N units) as malloc'd WTF-8, or NULL when out of memory. */
char *utf16_to_wtf8_dup(const uint16_t *w, size_t n)
{
	size_t size = (size_t)-utf16_to_wtf8(w, n, NULL, 0);
	char *s = malloc(size);
	if (s)
		utf16_to_wtf8(w, n, s, size);
	return s;
}
