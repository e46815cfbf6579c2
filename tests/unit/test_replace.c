/*
 * test_replace.c - temporary names, and replacing a name by a hard link
 * atomically: on success the name is the target's inode, on every failure
 * it keeps its old inode and content and no ".hln-" name is left.
 */
#include "unit.h"

#include <ctype.h>

#include "hln/platform.h"
#include "hln/replace.h"

#define TMP_LEN 15 /* ".hln-" and 10 random characters */

/* A directory with "target" (content T) and "name" (content N). */
struct fixture {
	char *dir;
	char target[PATH_MAX], name[PATH_MAX];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->dir = unit_tmpdir();
	unit_write_file(unit_path(f->target, f->dir, "target"), "T");
	unit_write_file(unit_path(f->name, f->dir, "name"), "N");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	unit_failpoints_off();
	unit_rmtree(f->dir);
	free(f);
	return 0;
}

/* ---- replace_tmpname ---- */

static void assert_tmpname(const char *buf, const char *dir)
{
	size_t dl = strlen(dir);
	assert_int_equal(strlen(buf), dl + TMP_LEN);
	assert_true(strncmp(buf, dir, dl) == 0);
	assert_true(strncmp(buf + dl, ".hln-", 5) == 0);
	for (const char *p = buf + dl + 5; *p; p++)
		assert_true(isalnum((unsigned char)*p));
}

static void test_tmpname(void **state)
{
	(void)state;
	static const struct {
		const char *name, *dir;
	} cases[] = {
		{"dir/name", "dir/"}, {"name", ""},
		{"/a/b/c", "/a/b/"},  {"a//b", "a//"},
		{"/name", "/"},       {"../x/.hln-old", "../x/"},
	};
	for (size_t i = 0; i < UNIT_ARRAY_LEN(cases); i++) {
		char a[64], b[64];
		assert_int_equal(replace_tmpname(cases[i].name, a, sizeof a),
				 0);
		assert_int_equal(replace_tmpname(cases[i].name, b, sizeof b),
				 0);
		assert_tmpname(a, cases[i].dir);
		assert_tmpname(b, cases[i].dir);
		assert_string_not_equal(a, b); /* 62^10 names: never equal */
	}
}

static void test_tmpname_buffer(void **state)
{
	(void)state;
	char buf[64];
	size_t need = strlen("dir/") + TMP_LEN + 1;
	assert_int_equal(replace_tmpname("dir/x", buf, need), 0);
	assert_int_equal(replace_tmpname("dir/x", buf, need - 1),
			 -ENAMETOOLONG);
	assert_int_equal(replace_tmpname("x", buf, 0), -ENAMETOOLONG);
	/* no randomness, no name */
	assert_int_equal(unit_failpoints("random=1:EIO"), 0);
	assert_int_equal(replace_tmpname("dir/x", buf, sizeof buf), -EIO);
	unit_failpoints_off();
}

/* ---- replace_with_link ---- */

static void assert_no_temporary(const struct fixture *f)
{
	assert_int_equal(unit_count_prefix(f->dir, ".hln-"), 0);
}

static void test_replace(void **state)
{
	struct fixture *f = *state;
	char text[16];
	uint64_t target = unit_ino(f->target);
	assert_int_not_equal(unit_ino(f->name), target);
	assert_int_equal(replace_with_link(f->target, f->name, 0), 0);
	assert_int_equal(unit_ino(f->name), target);
	assert_string_equal(unit_read_file(f->name, text, sizeof text), "T");
	struct stat sb;
	assert_int_equal(stat(f->target, &sb), 0);
	assert_int_equal(sb.st_nlink, 2);
	assert_no_temporary(f);
}

/* A name that does not exist yet is simply created. */
static void test_replace_new_name(void **state)
{
	struct fixture *f = *state;
	char fresh[PATH_MAX];
	unit_path(fresh, f->dir, "fresh");
	assert_int_equal(replace_with_link(f->target, fresh, 0), 0);
	assert_int_equal(unit_ino(fresh), unit_ino(f->target));
	assert_no_temporary(f);
}

/* A name without a directory part: the temporary is in ".". */
static void test_replace_in_cwd(void **state)
{
	struct fixture *f = *state;
	char cwd[PATH_MAX];
	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(chdir(f->dir), 0);
	int rc = replace_with_link("target", "name", 0);
	assert_int_equal(chdir(cwd), 0);
	assert_int_equal(rc, 0);
	assert_int_equal(unit_ino(f->name), unit_ino(f->target));
	assert_no_temporary(f);
}

/* Name and target already one file: nothing changes, nothing is left. */
static void test_replace_same_inode(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(unlink(f->name), 0);
	assert_int_equal(link(f->target, f->name), 0);
	uint64_t ino = unit_ino(f->target);
	assert_int_equal(replace_with_link(f->target, f->name, 0), 0);
	assert_int_equal(unit_ino(f->name), ino);
	struct stat sb;
	assert_int_equal(stat(f->target, &sb), 0);
	assert_int_equal(sb.st_nlink, 2);
	assert_no_temporary(f);
}

/* A symlink target: itself, or with HLN_FOLLOW the file it points to. */
static void test_replace_symlink_target(void **state)
{
	struct fixture *f = *state;
	char sym[PATH_MAX];
	assert_int_equal(symlink("target", unit_path(sym, f->dir, "sym")), 0);
	static const int flags[] = {0, HLN_FOLLOW};
	for (size_t i = 0; i < UNIT_ARRAY_LEN(flags); i++) {
		assert_int_equal(replace_with_link(sym, f->name, flags[i]), 0);
		uint64_t want = flags[i] ? unit_ino(f->target) : unit_ino(sym);
		assert_int_equal(unit_ino(f->name), want);
		assert_no_temporary(f);
	}
}

/*
 * Every failure leaves NAME with its old inode and content, the target
 * with one link, and no temporary.
 */
static void test_replace_failures(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *failpoints; /* NULL: none */
		const char *target; /* in the fixture's directory */
		const char *name;
		int rc;
	} cases[] = {
		{"link=1:ENOSPC", "target", "name", -ENOSPC},
		{"link=1:EMLINK", "target", "name", -EMLINK},
		{"rename=1:EIO", "target", "name", -EIO},
		{"rename=1:EXDEV", "target", "name", -EXDEV},
		{"random=1:EIO", "target", "name", -EIO},
		/* a taken temporary name is retried, but not forever */
		{"link=*:EEXIST", "target", "name", -EEXIST},
		{NULL, "missing", "name", -ENOENT},
		{NULL, "target", "subdir", -EISDIR},
	};
	char sub[PATH_MAX];
	assert_int_equal(mkdir(unit_path(sub, f->dir, "subdir"), 0755), 0);
	for (size_t i = 0; i < UNIT_ARRAY_LEN(cases); i++) {
		char target[PATH_MAX], name[PATH_MAX], text[16];
		unit_path(target, f->dir, cases[i].target);
		unit_path(name, f->dir, cases[i].name);
		uint64_t before = unit_ino(name);
		assert_int_equal(unit_failpoints(cases[i].failpoints), 0);
		int rc = replace_with_link(target, name, 0);
		unit_failpoints_off();
		if (rc != cases[i].rc)
			fprintf(stderr, "case %zu\n", i);
		assert_int_equal(rc, cases[i].rc);
		assert_int_equal(unit_ino(name), before);
		assert_string_equal(unit_read_file(f->name, text, sizeof text),
				    "N");
		struct stat sb;
		assert_int_equal(stat(f->target, &sb), 0);
		assert_int_equal(sb.st_nlink, 1);
		assert_no_temporary(f);
	}
}

/* One taken temporary name is not a failure: another is tried. */
static void test_replace_retries(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(unit_failpoints("link=1:EEXIST"), 0);
	assert_int_equal(replace_with_link(f->target, f->name, 0), 0);
	assert_int_equal(unit_ino(f->name), unit_ino(f->target));
	assert_no_temporary(f);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_tmpname),
		T(test_tmpname_buffer),
		T(test_replace),
		T(test_replace_new_name),
		T(test_replace_in_cwd),
		T(test_replace_same_inode),
		T(test_replace_symlink_target),
		T(test_replace_failures),
		T(test_replace_retries),
	};
#undef T
	return cmocka_run_group_tests_name("replace", tests, NULL, NULL);
}
