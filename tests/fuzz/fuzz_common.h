/*
 * fuzz_common.h - what the fuzz targets share: the input as a C string,
 * a UTF-8 validator, and the check that stops a run (abort, so libFuzzer
 * and the replay both see it, whatever NDEBUG says).
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/*
 * Where a failed check is said: standard error, unless the target sent
 * that elsewhere (fuzz_quiet).
 */
static int fuzz_report_fd = 2;

/* Stop the run with a message when COND is false. */
#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			dprintf(fuzz_report_fd, "%s:%d: check failed: %s\n",   \
				__FILE__, __LINE__, #cond);                    \
			abort();                                               \
		}                                                              \
	} while (0)

/* DATA[0..SIZE) as a NUL-terminated string (cut at its first NUL). */
static inline char *fuzz_cstring(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	CHECK(s);
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/*
 * The length of the valid UTF-8 sequence at P (of LEN bytes left), or 0:
 * RFC 3629, no overlong forms, no surrogates, nothing above U+10FFFF.
 */
static inline size_t fuzz_utf8_len(const unsigned char *p, size_t len)
{
	unsigned c = p[0];
	size_t n;
	unsigned cp, min;
	if (c < 0x80)
		return 1;
	if (c >= 0xc0 && c < 0xe0)
		n = 2, cp = c & 0x1f, min = 0x80;
	else if (c >= 0xe0 && c < 0xf0)
		n = 3, cp = c & 0x0f, min = 0x800;
	else if (c >= 0xf0 && c < 0xf8)
		n = 4, cp = c & 0x07, min = 0x10000;
	else
		return 0;
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* Whether the LEN bytes at S are all valid UTF-8. */
static inline int fuzz_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < len;) {
		size_t n = fuzz_utf8_len(p + i, len - i);
		if (!n)
			return 0;
		i += n;
	}
	return 1;
}

#endif
