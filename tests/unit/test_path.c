/*
 * test_path.c - path_join, path_dir, path_base, path_tail: POSIX
 * dirname/basename results, and -ENAMETOOLONG (never a cut) when a result
 * does not fit.
 */
#include "unit.h"

#include <libgen.h>

#include "hln/path.h"

struct split {
	const char *path, *dir, *base;
};

/* The results of POSIX dirname(1) and basename(1). */
static const struct split splits[] = {
	{"a", ".", "a"},
	{"a/b", "a", "b"},
	{"a/b/c", "a/b", "c"},
	{"/a", "/", "a"},
	{"/a/b", "/a", "b"},
	{"a/b/", "a", "b"},
	{"a//b", "a", "b"},
	{"a/b//", "a", "b"},
	{"//a", "/", "a"},
	{"/", "/", "/"},
	{"//", "/", "/"},
	{"", ".", ""},
	{".", ".", "."},
	{"..", ".", ".."},
	{"./x", ".", "x"},
	{"-v", ".", "-v"},
	{"a b/\n\377", "a b", "\n\377"},
};

static void test_dir_base(void **state)
{
	(void)state;
	for (size_t i = 0; i < UNIT_ARRAY_LEN(splits); i++) {
		const struct split *c = &splits[i];
		char buf[64];
		assert_int_equal(path_dir(buf, sizeof buf, c->path),
				 strlen(c->dir));
		assert_string_equal(buf, c->dir);
		char *dup = path_dir_dup(c->path);
		assert_non_null(dup);
		assert_string_equal(dup, c->dir);
		free(dup);
		assert_int_equal(path_base(buf, sizeof buf, c->path),
				 strlen(c->base));
		assert_string_equal(buf, c->base);
	}
}

/* The same answers as glibc's dirname(3) and basename(3) (POSIX form). */
static void test_as_libc(void **state)
{
	(void)state;
	for (size_t i = 0; i < UNIT_ARRAY_LEN(splits); i++) {
		const char *p = splits[i].path;
		if (!*p)
			continue; /* basename("") is "." in libc, "" in
				     basename(1) */
		char a[64], b[64], buf[64];
		strcpy(a, p);
		strcpy(b, p);
		if (strncmp(p, "//", 2) == 0)
			continue; /* a leading "//" may stay "//" in libc */
		path_dir(buf, sizeof buf, p);
		assert_string_equal(buf, dirname(a));
		path_base(buf, sizeof buf, p);
		assert_string_equal(buf, basename(b));
	}
}

static void test_join(void **state)
{
	(void)state;
	static const struct {
		const char *dir, *name, *want;
	} cases[] = {
		{"a", "b", "a/b"},    {"a/", "b", "a/b"},
		{"/", "b", "/b"},     {"", "b", "b"},
		{"a", "", "a/"},      {".", "x", "./x"},
		{"a//", "b", "a//b"}, {"/x/y", "z/w", "/x/y/z/w"},
	};
	for (size_t i = 0; i < UNIT_ARRAY_LEN(cases); i++) {
		char buf[64];
		assert_int_equal(
			path_join(buf, sizeof buf, cases[i].dir, cases[i].name),
			strlen(cases[i].want));
		assert_string_equal(buf, cases[i].want);
		char *dup = path_join_dup(cases[i].dir, cases[i].name);
		assert_non_null(dup);
		assert_string_equal(dup, cases[i].want);
		free(dup);
	}
}

/* A result one byte too long is refused, one that just fits is whole. */
static void test_overflow(void **state)
{
	(void)state;
	char buf[8];
	memset(buf, 'Z', sizeof buf);
	assert_int_equal(path_join(buf, 8, "abc", "def"), 7); /* "abc/def" */
	assert_string_equal(buf, "abc/def");
	assert_int_equal(path_join(buf, 7, "abc", "def"), -ENAMETOOLONG);
	assert_string_equal(buf, "");
	assert_int_equal(path_join(buf, 0, "a", "b"), -ENAMETOOLONG);

	assert_int_equal(path_dir(buf, 4, "abc/d"), 3);
	assert_string_equal(buf, "abc");
	assert_int_equal(path_dir(buf, 3, "abc/d"), -ENAMETOOLONG);
	assert_string_equal(buf, "");
	assert_int_equal(path_dir(buf, 2, "x"), 1); /* "." */
	assert_int_equal(path_dir(buf, 1, "x"), -ENAMETOOLONG);

	assert_int_equal(path_base(buf, 4, "d/abc/"), 3);
	assert_string_equal(buf, "abc");
	assert_int_equal(path_base(buf, 3, "d/abc"), -ENAMETOOLONG);
	assert_string_equal(buf, "");

	/* a path longer than PATH_MAX joins in memory */
	char *big = malloc(3 * 4096);
	assert_non_null(big);
	memset(big, 'd', 3 * 4096 - 1);
	big[3 * 4096 - 1] = '\0';
	char *j = path_join_dup(big, "f");
	assert_non_null(j);
	assert_int_equal(strlen(j), 3 * 4096 + 1);
	assert_string_equal(j + 3 * 4096 - 1, "/f");
	free(j);
	char fixed[4096];
	assert_int_equal(path_join(fixed, sizeof fixed, big, "f"),
			 -ENAMETOOLONG);
	free(big);
}

static void test_tail(void **state)
{
	(void)state;
	assert_string_equal(path_tail("a/b/.hln-x"), ".hln-x");
	assert_string_equal(path_tail("x"), "x");
	assert_string_equal(path_tail("/x"), "x");
	assert_string_equal(path_tail("a/"), "");
	const char *p = "d/e";
	assert_ptr_equal(path_tail(p), p + 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dir_base),
		cmocka_unit_test(test_as_libc),
		cmocka_unit_test(test_join),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_tail),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
