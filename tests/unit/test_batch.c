/*
 * test_batch.c - the --batch parser: pairs and bad lines, with their
 * numbers, from buffers and streams, in TAB and NUL mode.
 */
#include "unit.h"

#include "hln/batch.h"

/* What one batch_next call should give. */
struct want {
	int rc; /* BATCH_PAIR, BATCH_BAD, BATCH_END */
	unsigned long lineno;
	const char *target, *name; /* BATCH_PAIR */
	const char *why; /* BATCH_BAD: a part of the sentence */
};

static void expect_all(struct batch *b, const struct want *w, size_t n)
{
	struct batch_pair p;
	const char *why;
	for (size_t i = 0; i < n; i++) {
		int rc = batch_next(b, &p, &why);
		assert_int_equal(rc, w[i].rc);
		if (rc == BATCH_END)
			continue;
		assert_int_equal(p.lineno, w[i].lineno);
		if (rc == BATCH_PAIR) {
			assert_null(why);
			assert_string_equal(p.target, w[i].target);
			assert_string_equal(p.name, w[i].name);
		} else {
			assert_null(p.target);
			assert_null(p.name);
			assert_non_null(why);
			assert_non_null(strstr(why, w[i].why));
		}
	}
	/* the end stays the end */
	assert_int_equal(batch_next(b, &p, &why), BATCH_END);
	batch_free(b);
}

static void parse_buf(const char *data, size_t len, int nul,
		      const struct want *w, size_t n)
{
	struct batch b;
	batch_init_buffer(&b, data, len, nul);
	expect_all(&b, w, n);
}

#define PARSE(lit, nul, ...)                                                   \
	do {                                                                   \
		static const struct want w_[] = {__VA_ARGS__};                 \
		parse_buf(lit, sizeof lit - 1, nul, w_, UNIT_ARRAY_LEN(w_));   \
	} while (0)

static void test_tab_pairs(void **state)
{
	(void)state;
	PARSE("a\tb c\nsub/x y\td/z z\na\tlast", 0,
	      {BATCH_PAIR, 1, "a", "b c", NULL},
	      {BATCH_PAIR, 2, "sub/x y", "d/z z", NULL},
	      {BATCH_PAIR, 3, "a", "last", NULL}, {BATCH_END, 0, 0, 0, 0});
	/* the first TAB splits: LINK_NAME may hold more */
	PARSE("a\tb\tc\n", 0, {BATCH_PAIR, 1, "a", "b\tc", NULL},
	      {BATCH_END, 0, 0, 0, 0});
	/* CRLF loses the CR; empty lines count but are no pair */
	PARSE("a\tb\r\n\n\r\na\tc\r\n", 0, {BATCH_PAIR, 1, "a", "b", NULL},
	      {BATCH_PAIR, 4, "a", "c", NULL}, {BATCH_END, 0, 0, 0, 0});
	PARSE("", 0, {BATCH_END, 0, 0, 0, 0});
}

static void test_tab_bad_lines(void **state)
{
	(void)state;
	PARSE("a\tok1\nno tab here\n\tempty-target\na\t\na\tok5\n", 0,
	      {BATCH_PAIR, 1, "a", "ok1", NULL},
	      {BATCH_BAD, 2, NULL, NULL, "no TAB between TARGET and LINK_NAME"},
	      {BATCH_BAD, 3, NULL, NULL, "empty target"},
	      {BATCH_BAD, 4, NULL, NULL, "empty link name"},
	      {BATCH_PAIR, 5, "a", "ok5", NULL}, {BATCH_END, 0, 0, 0, 0});
}

/* A NUL inside a TAB line makes it bad: never cut at the NUL (issue 8.2). */
static void test_tab_nul_byte(void **state)
{
	(void)state;
	PARSE("a\tvictim\0.bak\nb\tok\n", 0,
	      {BATCH_BAD, 1, NULL, NULL, "NUL byte"},
	      {BATCH_PAIR, 2, "b", "ok", NULL}, {BATCH_END, 0, 0, 0, 0});
	PARSE("a\0\tb\n", 0, {BATCH_BAD, 1, NULL, NULL, "NUL byte"},
	      {BATCH_END, 0, 0, 0, 0});
	PARSE("\0\n", 0, {BATCH_BAD, 1, NULL, NULL, "NUL byte"},
	      {BATCH_END, 0, 0, 0, 0});
	/* at the very end, without LF */
	PARSE("a\tb\0", 0, {BATCH_BAD, 1, NULL, NULL, "NUL byte"},
	      {BATCH_END, 0, 0, 0, 0});
}

static void test_nul_pairs(void **state)
{
	(void)state;
	PARSE("new\nline\0link\nname\0a\0tab\there x\0", 1,
	      {BATCH_PAIR, 1, "new\nline", "link\nname", NULL},
	      {BATCH_PAIR, 2, "a", "tab\there x", NULL},
	      {BATCH_END, 0, 0, 0, 0});
	/* the last record may lack its NUL */
	PARSE("a\0b", 1, {BATCH_PAIR, 1, "a", "b", NULL},
	      {BATCH_END, 0, 0, 0, 0});
	PARSE("a\0p1\0\0p2\0a\0p3\0a\0", 1, {BATCH_PAIR, 1, "a", "p1", NULL},
	      {BATCH_BAD, 2, NULL, NULL, "empty target"},
	      {BATCH_PAIR, 3, "a", "p3", NULL},
	      {BATCH_BAD, 4, NULL, NULL, "TARGET without LINK_NAME"},
	      {BATCH_END, 0, 0, 0, 0});
	PARSE("a\0\0", 1, {BATCH_BAD, 1, NULL, NULL, "empty link name"},
	      {BATCH_END, 0, 0, 0, 0});
}

/* Long records grow the buffer; a stream gives what a buffer gives. */
static void test_stream_long(void **state)
{
	(void)state;
	size_t n = 100000;
	char *data = malloc(2 * n + 3);
	assert_non_null(data);
	memset(data, 'x', 2 * n + 2);
	data[n] = '\t';
	data[2 * n + 1] = '\n';
	FILE *fp = tmpfile();
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, 2 * n + 2, fp), 2 * n + 2);
	rewind(fp);
	struct batch b;
	batch_init_stream(&b, fp, 0);
	struct batch_pair p;
	const char *why;
	assert_int_equal(batch_next(&b, &p, &why), BATCH_PAIR);
	assert_int_equal(strlen(p.target), n);
	assert_int_equal(strlen(p.name), n);
	assert_int_equal(batch_next(&b, &p, &why), BATCH_END);
	batch_free(&b);
	fclose(fp);
	free(data);
}

/* A stream that cannot be read: its errno, not a pair or the end. */
static void test_stream_closed(void **state)
{
	(void)state;
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	FILE *fp = fdopen(fds[0], "r");
	assert_non_null(fp);
	close(fds[1]);
	close(fds[0]); /* the stream's descriptor is gone: EBADF */
	struct batch b;
	batch_init_stream(&b, fp, 0);
	struct batch_pair p;
	const char *why;
	assert_int_equal(batch_next(&b, &p, &why), -EBADF);
	batch_free(&b);
	fclose(fp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tab_pairs),
		cmocka_unit_test(test_tab_bad_lines),
		cmocka_unit_test(test_tab_nul_byte),
		cmocka_unit_test(test_nul_pairs),
		cmocka_unit_test(test_stream_long),
		cmocka_unit_test(test_stream_closed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
