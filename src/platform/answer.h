/*
 * answer.h - the line of hln_read_answer, the same on every OS: posix.c
 * and win32/console.c read the bytes, each its own way, and hand them
 * here.  Internal to src/platform/.
 */
#ifndef HLN_PLATFORM_ANSWER_H
#define HLN_PLATFORM_ANSWER_H

#include <stddef.h>

/*
 * Read one line (up to and including '\n') into BUF of SIZE bytes,
 * NUL-terminated, one byte at a time from NEXT(CTX, &C) (1 a byte, 0 the
 * end of input, or -errno), so that what follows the line stays for the
 * next question; with CRLF a '\r' is dropped (a console ends lines with
 * "\r\n").  Returns the number of bytes stored, or -errno.
 */
static inline int answer_line(int (*next)(void *ctx, char *c), void *ctx,
			      int crlf, char *buf, size_t size)
{
	size_t n = 0;
	int rc = 0;
	while (n + 1 < size && (rc = next(ctx, &buf[n])) > 0) {
		if (crlf && buf[n] == '\r')
			continue;
		if (buf[n++] == '\n')
			break;
	}
	if (size)
		buf[n] = '\0';
	return rc < 0 ? rc : (int)n;
}

#endif
