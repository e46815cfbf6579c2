/*
 * test_wtf8.c - WTF-8 <-> UTF-16 (src/platform/win32/wtf8.c), the
 * encoding of every name hln.exe passes to Windows, tested natively: the
 * four UTF-8 lengths, lone surrogates both ways, what is refused (overlong,
 * beyond U+10FFFF, stray and missing continuation bytes, a surrogate pair
 * spelt as two halves), '/' -> '\\', the room left for a prefix, the
 * longest path, a buffer too small, and every code point round trip.
 */
#include "unit.h"

#include "win32/wtf8.h"

/* S converted; asserts success and the unit count N. */
static uint16_t *to16(const char *s, size_t prefix, int slashes, int n)
{
	uint16_t *w = NULL;
	assert_int_equal(wtf8_to_utf16(s, prefix, slashes, &w), n);
	assert_non_null(w);
	assert_int_equal(w[prefix + (size_t)n], 0);
	return w;
}

/* W (N units) back to WTF-8 must give EXPECT exactly. */
static void back_is(const uint16_t *w, size_t n, const char *expect)
{
	char buf[64];
	long len = utf16_to_wtf8(w, n, buf, sizeof buf);
	assert_int_equal(len, (long)strlen(expect));
	assert_string_equal(buf, expect);
}

static void test_ascii_and_empty(void **state)
{
	(void)state;
	uint16_t *w = to16("a b-c.txt", 0, 0, 9);
	for (int i = 0; i < 9; i++)
		assert_int_equal(w[i], (uint16_t) "a b-c.txt"[i]);
	back_is(w, 9, "a b-c.txt");
	free(w);
	w = to16("", 0, 0, 0);
	back_is(w, 0, "");
	free(w);
}

static void test_every_length(void **state)
{
	(void)state;
	/* U+00FC (2 bytes), U+20AC (3), U+1F600 (4: a surrogate pair). */
	const char *s = "\303\274\342\202\254\360\237\230\200";
	uint16_t *w = to16(s, 0, 0, 4);
	assert_int_equal(w[0], 0x00FC);
	assert_int_equal(w[1], 0x20AC);
	assert_int_equal(w[2], 0xD83D);
	assert_int_equal(w[3], 0xDE00);
	back_is(w, 4, s);
	free(w);
	/* The edges of each length, and of the planes beyond the BMP. */
	s = "\177\302\200\337\277\340\240\200\357\277\277"
	    "\360\220\200\200\364\217\277\277";
	w = to16(s, 0, 0, 9);
	const uint16_t want[] = {0x7F,   0x80,   0x7FF,  0x800, 0xFFFF,
				 0xD800, 0xDC00, 0xDBFF, 0xDFFF};
	for (size_t i = 0; i < UNIT_ARRAY_LEN(want); i++)
		assert_int_equal(w[i], want[i]);
	back_is(w, 9, s);
	free(w);
}

/* What NTFS allows and UTF-8 does not: a surrogate on its own. */
static void test_lone_surrogates(void **state)
{
	(void)state;
	uint16_t *w = to16("a\355\240\200b", 0, 0, 3); /* U+D800 */
	assert_int_equal(w[1], 0xD800);
	back_is(w, 3, "a\355\240\200b");
	free(w);
	w = to16("\355\277\277", 0, 0, 1); /* U+DFFF */
	assert_int_equal(w[0], 0xDFFF);
	back_is(w, 1, "\355\277\277");
	free(w);
	/* A low then a high half are two lone surrogates, not a pair. */
	w = to16("\355\260\200\355\240\200", 0, 0, 2);
	assert_int_equal(w[0], 0xDC00);
	assert_int_equal(w[1], 0xD800);
	back_is(w, 2, "\355\260\200\355\240\200");
	free(w);
	/* A high surrogate last, from UTF-16, has no partner to join. */
	const uint16_t hi_end[] = {'x', 0xD83D};
	back_is(hi_end, 2, "x\355\240\275");
}

static void test_refused(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"\300\257", /* overlong '/' */
		"\340\200\257", /* overlong, 3 bytes */
		"\360\200\200\257", /* overlong, 4 bytes */
		"\364\220\200\200", /* U+110000 */
		"\200", /* a stray continuation byte */
		"a\277b", /* another */
		"\342\202", /* cut short by the end */
		"\342\202x", /* cut short by a plain byte */
		"\370\210\200\200\200", /* 5 bytes: not UTF-8 */
		"\377",
		/* U+1F600 as two 3-byte halves: a second spelling */
		"\355\240\275\355\270\200",
	};
	for (size_t i = 0; i < UNIT_ARRAY_LEN(bad); i++) {
		static uint16_t untouched;
		uint16_t *w = &untouched;
		assert_int_equal(wtf8_to_utf16(bad[i], 0, 0, &w), -EILSEQ);
		assert_ptr_equal(w, &untouched);
	}
}

static void test_slashes_and_prefix(void **state)
{
	(void)state;
	uint16_t *w = to16("a/b/c", 0, 1, 5);
	assert_int_equal(w[1], '\\');
	assert_int_equal(w[3], '\\');
	free(w);
	w = to16("a/b", 0, 0, 3);
	assert_int_equal(w[1], '/');
	free(w);
	/* PREFIX units are left free before the name, for \\?\ or a dir. */
	w = to16("x/y", 4, 1, 3);
	assert_int_equal(w[4], 'x');
	assert_int_equal(w[5], '\\');
	assert_int_equal(w[6], 'y');
	assert_int_equal(w[7], 0);
	free(w);
}

static void test_longest_path(void **state)
{
	(void)state;
	size_t n = WTF8_MAX_UNITS;
	char *s = malloc(n + 8);
	assert_non_null(s);
	memset(s, 'a', n);
	s[n] = '\0';
	uint16_t *w = to16(s, 0, 0, (int)n);
	free(w);
	s[n] = 'a';
	s[n + 1] = '\0';
	w = NULL;
	assert_int_equal(wtf8_to_utf16(s, 0, 0, &w), -ENAMETOOLONG);
	assert_null(w);
	/* A 4-byte sequence counts as the two units it becomes. */
	memset(s, 'a', n);
	memcpy(s + n - 1, "\360\237\230\200", 5); /* n + 1 units */
	assert_int_equal(wtf8_to_utf16(s, 0, 0, &w), -ENAMETOOLONG);
	memcpy(s + n - 2, "\360\237\230\200", 5); /* n units */
	w = to16(s, 0, 0, (int)n);
	free(w);
	free(s);
}

static void test_buffer_too_small(void **state)
{
	(void)state;
	const uint16_t w[] = {'a', 0x20AC, 'b'}; /* 5 bytes as WTF-8 */
	char buf[8];
	assert_int_equal(utf16_to_wtf8(w, 3, NULL, 0), -6);
	memset(buf, '#', sizeof buf);
	assert_int_equal(utf16_to_wtf8(w, 3, buf, 5), -6);
	/* What fitted was written, but never past SIZE. */
	assert_int_equal(buf[5], '#');
	assert_int_equal(utf16_to_wtf8(w, 3, buf, 6), 5);
	assert_string_equal(buf, "a\342\202\254b");
	/* A sequence is never cut: it is written whole or not at all. */
	memset(buf, '#', sizeof buf);
	assert_true(utf16_to_wtf8(w, 3, buf, 3) < 0);
	assert_int_equal(buf[1], '#');
	char *d = utf16_to_wtf8_dup(w, 3);
	assert_non_null(d);
	assert_string_equal(d, "a\342\202\254b");
	free(d);
	/* N is a count: a NUL unit inside is converted, not an end. */
	const uint16_t nul[] = {'a', 0, 'b'};
	assert_int_equal(utf16_to_wtf8(nul, 3, buf, sizeof buf), 3);
	assert_memory_equal(buf, "a\0b", 4);
}

/* Every 16-bit unit alone, and every code point beyond the BMP. */
static void test_every_code_point(void **state)
{
	(void)state;
	char buf[8];
	for (uint32_t c = 1; c <= 0xFFFF; c++) {
		uint16_t u = (uint16_t)c, *w = NULL;
		long len = utf16_to_wtf8(&u, 1, buf, sizeof buf);
		assert_true(len >= 1 && len <= 3);
		assert_int_equal(len, c < 0x80 ? 1 : c < 0x800 ? 2 : 3);
		assert_int_equal(wtf8_to_utf16(buf, 0, 0, &w), 1);
		assert_int_equal(w[0], u);
		free(w);
	}
	for (uint32_t c = 0x10000; c <= 0x10FFFF; c++) {
		uint16_t p[2] = {(uint16_t)(0xD800 | (c - 0x10000) >> 10),
				 (uint16_t)(0xDC00 | ((c - 0x10000) & 0x3FF))};
		assert_int_equal(utf16_to_wtf8(p, 2, buf, sizeof buf), 4);
		assert_int_equal((unsigned char)buf[0], 0xF0 | c >> 18);
		uint16_t *w = NULL;
		if (wtf8_to_utf16(buf, 0, 0, &w) != 2 || w[0] != p[0] ||
		    w[1] != p[1])
			fail_msg("U+%X does not round trip", (unsigned)c);
		free(w);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ascii_and_empty),
		cmocka_unit_test(test_every_length),
		cmocka_unit_test(test_lone_surrogates),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_slashes_and_prefix),
		cmocka_unit_test(test_longest_path),
		cmocka_unit_test(test_buffer_too_small),
		cmocka_unit_test(test_every_code_point),
	};
	return cmocka_run_group_tests_name("wtf8", tests, NULL, NULL);
}
