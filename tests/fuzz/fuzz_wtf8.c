/*
 * fuzz_wtf8.c - the WTF-8 codec of the Windows port
 * (src/platform/win32/wtf8.c, pure C, built natively): bytes to UTF-16
 * succeed exactly when the bytes are WTF-8 (a reference validator: UTF-8
 * with lone surrogates allowed, no surrogate pair spelt as two halves)
 * and convert back to the same bytes; any UTF-16 without a 0 unit
 * converts to WTF-8 and back to the same units; a buffer too small is
 * never written past and the size it needs is told.
 * Input: byte 0 picks the direction (bit 0) and '/' to '\\' (bit 1),
 * byte 1 the prefix left free (0..7); the rest is the string (bytes, or
 * little-endian units).
 */
#include <errno.h>

#include "fuzz_common.h"
#include "win32/wtf8.h"

/*
 * The length of the WTF-8 sequence at P, its code point in *CP; 0 if the
 * bytes there are not one.
 */
static size_t ref_next(const unsigned char *p, unsigned long *cp)
{
	unsigned long c = p[0], min;
	size_t n;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc0 && c < 0xe0)
		n = 2, c &= 0x1f, min = 0x80;
	else if (c >= 0xe0 && c < 0xf0)
		n = 3, c &= 0x0f, min = 0x800;
	else if (c >= 0xf0 && c < 0xf8)
		n = 4, c &= 0x07, min = 0x10000;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff)
		return 0;
	*cp = c;
	return n;
}

/* Whether S is WTF-8; its length in UTF-16 units in *UNITS. */
static int ref_valid(const char *s, size_t *units)
{
	const unsigned char *p = (const unsigned char *)s;
	int high = 0;
	*units = 0;
	while (*p) {
		unsigned long c;
		size_t n = ref_next(p, &c);
		if (!n)
			return 0;
		if (high && c >= 0xdc00 && c <= 0xdfff)
			return 0; /* a pair must be spelt as 4 bytes */
		high = c >= 0xd800 && c <= 0xdbff;
		*units += c >= 0x10000 ? 2 : 1;
		p += n;
	}
	return 1;
}

static void bytes_to_units(const char *s, size_t prefix, int slashes)
{
	size_t units;
	int valid = ref_valid(s, &units);
	uint16_t *w = NULL;
	int rc = wtf8_to_utf16(s, prefix, slashes, &w);
	if (!valid) {
		CHECK(rc == -EILSEQ && !w);
		return;
	}
	if (units > WTF8_MAX_UNITS) {
		CHECK(rc == -ENAMETOOLONG && !w);
		return;
	}
	CHECK(rc >= 0 && (size_t)rc == units && w);
	CHECK(w[prefix + units] == 0);
	/* Back: the same bytes (with '\\' for '/' if SLASHES). */
	char *back = utf16_to_wtf8_dup(w + prefix, units);
	CHECK(back);
	size_t len = strlen(s);
	CHECK(strlen(back) == len);
	for (size_t i = 0; i < len; i++)
		CHECK(back[i] == (slashes && s[i] == '/' ? '\\' : s[i]));
	free(back);
	free(w);
}

static void units_to_bytes(const uint8_t *data, size_t size, size_t small)
{
	size_t n = size / 2;
	uint16_t *w = malloc((n ? n : 1) * sizeof *w);
	CHECK(w);
	for (size_t i = 0; i < n; i++) {
		w[i] = (uint16_t)(data[2 * i] | data[2 * i + 1] << 8);
		if (!w[i])
			w[i] = 1; /* a 0 unit would end the name */
	}
	long need = utf16_to_wtf8(w, n, NULL, 0);
	CHECK(need < 0);
	char *s = malloc((size_t)-need);
	CHECK(s);
	long len = utf16_to_wtf8(w, n, s, (size_t)-need);
	CHECK(len == -need - 1 && strlen(s) == (size_t)len);
	size_t units;
	CHECK(ref_valid(s, &units) && units == n);
	uint16_t *again = NULL;
	CHECK(wtf8_to_utf16(s, 0, 0, &again) == (int)n);
	CHECK(memcmp(again, w, n * sizeof *w) == 0);
	free(again);
	/* Too small: nothing written past SMALL, the need told. */
	if (small < (size_t)-need) {
		char *cut = malloc(small ? small : 1);
		CHECK(cut);
		CHECK(utf16_to_wtf8(w, n, small ? cut : NULL, small) == need);
		free(cut);
	}
	free(s);
	free(w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	int mode = data[0];
	size_t prefix = data[1] & 7;
	if (mode & 1) {
		units_to_bytes(data + 2, size - 2, data[1]);
		return 0;
	}
	char *s = fuzz_cstring(data + 2, size - 2);
	bytes_to_units(s, prefix, mode & 2);
	free(s);
	return 0;
}
