/*
 * test_swap.c - replace_swap: the new file goes in for a name only while
 * the name still holds the file expected; a replaced name is swapped back
 * and never clobbered; every failure leaves the name as it was.
 */
#include "unit.h"

#include "hln/platform.h"
#include "hln/replace.h"

struct fixture {
	char *dir;
	char name[PATH_MAX];
	struct replace_tmp t;
	struct hln_stat expect;
};

/* NAME holds "old"; T a named new file holding "new". */
static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);
	assert_non_null(fx);
	fx->dir = unit_tmpdir();
	unit_write_file(unit_path(fx->name, fx->dir, "name"), "old");
	assert_int_equal(hln_stat_path(fx->name, 0, &fx->expect), 0);
	assert_int_equal(replace_tmp_create(fx->name, &fx->t), 0);
	assert_int_equal(hln_file_write(fx->t.f, "new", 3, 0), 3);
	assert_int_equal(replace_tmp_name(fx->name, &fx->t), 0);
	assert_int_equal(strncmp(strrchr(fx->t.path, '/'), "/.hln-", 6), 0);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	unit_failpoints_off();
	replace_tmp_discard(&fx->t);
	unit_rmtree(fx->dir);
	free(fx);
	return 0;
}

static void test_swap(void **state)
{
	struct fixture *fx = *state;
	char buf[16];
	assert_int_equal(replace_swap(&fx->t, fx->name, &fx->expect), 0);
	assert_string_equal(fx->t.path, "");
	assert_string_equal(unit_read_file(fx->name, buf, sizeof buf), "new");
	assert_int_equal(unit_count_prefix(fx->dir, ".hln-"), 0);
}

static void test_swap_portable(void **state)
{
	struct fixture *fx = *state;
	char buf[16];
	assert_int_equal(unit_failpoints("rename=1:ENOSYS"), 0);
	assert_int_equal(replace_swap(&fx->t, fx->name, &fx->expect), 0);
	assert_string_equal(unit_read_file(fx->name, buf, sizeof buf), "new");
	assert_int_equal(unit_count_prefix(fx->dir, ".hln-"), 0);
}

/* Someone put another file at NAME: swapped back, theirs kept. */
static void test_swap_replaced(void **state)
{
	struct fixture *fx = *state;
	char other[PATH_MAX], buf[16];
	unit_write_file(unit_path(other, fx->dir, "other"), "theirs");
	assert_int_equal(rename(other, fx->name), 0);
	const char *fps[] = {NULL, "rename=1:ENOSYS"};
	for (size_t i = 0; i < UNIT_ARRAY_LEN(fps); i++) {
		assert_int_equal(unit_failpoints(fps[i]), 0);
		assert_int_equal(replace_swap(&fx->t, fx->name, &fx->expect),
				 -ECANCELED);
		unit_failpoints_off();
		assert_string_equal(unit_read_file(fx->name, buf, sizeof buf),
				    "theirs");
		assert_string_equal(unit_read_file(fx->t.path, buf, sizeof buf),
				    "new");
	}
}

/* Whether this build exchanges names (the portable path renames). */
static int can_exchange(const char *dir)
{
	char a[PATH_MAX], b[PATH_MAX];
	unit_write_file(unit_path(a, dir, "xa"), "a");
	unit_write_file(unit_path(b, dir, "xb"), "b");
	int rc = hln_exchange(NULL, a, b);
	unlink(a);
	unlink(b);
	return rc == 0;
}

static void test_swap_failures(void **state)
{
	struct fixture *fx = *state;
	static const char *fps[] = {
		"rename=1:EIO",  "stat=1:EIO",   "rename=1:EXDEV",
		"stat=1:ENOENT", "unlink=1:EIO", /* the last: exchange only */
	};
	size_t n = UNIT_ARRAY_LEN(fps) - !can_exchange(fx->dir);
	for (size_t i = 0; i < n; i++) {
		char buf[16];
		assert_int_equal(unit_failpoints(fps[i]), 0);
		int rc = replace_swap(&fx->t, fx->name, &fx->expect);
		unit_failpoints_off();
		assert_true(rc < 0);
		assert_string_equal(unit_read_file(fx->name, buf, sizeof buf),
				    "old");
		assert_int_equal(unit_ino(fx->name), fx->expect.ino);
		/* the new file is still there for the caller to remove */
		assert_string_equal(unit_read_file(fx->t.path, buf, sizeof buf),
				    "new");
	}
	assert_int_equal(replace_tmp_discard(&fx->t), 0);
	assert_int_equal(unit_count_prefix(fx->dir, ".hln-"), 0);
}

/* The directory flush fails after the swap: done, reported, no temp. */
static void test_swap_dir_sync(void **state)
{
	struct fixture *fx = *state;
	char buf[16];
	assert_int_equal(unit_failpoints("dir_sync=1:EIO"), 0);
	assert_int_equal(replace_swap(&fx->t, fx->name, &fx->expect), -EIO);
	unit_failpoints_off();
	assert_string_equal(fx->t.path, "");
	assert_string_equal(unit_read_file(fx->name, buf, sizeof buf), "new");
	assert_int_equal(unit_count_prefix(fx->dir, ".hln-"), 0);
}

/* Named temporary files where O_TMPFILE is missing; discard removes. */
static void test_tmp_create_named(void **state)
{
	struct fixture *fx = *state;
	struct replace_tmp t;
	assert_int_equal(unit_failpoints("tmpfile=1:ENOSYS"), 0);
	assert_int_equal(replace_tmp_create(fx->name, &t), 0);
	unit_failpoints_off();
	assert_true(t.path[0] != '\0');
	struct stat sb;
	assert_int_equal(lstat(t.path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(replace_tmp_discard(&t), 0);
	assert_int_equal(unit_count_prefix(fx->dir, ".hln-"), 1); /* fx's */
	assert_int_equal(unit_failpoints("tmpfile=1:ENOSYS,open=1:EEXIST"), 0);
	assert_int_equal(replace_tmp_create(fx->name, &t), 0); /* retried */
	unit_failpoints_off();
	assert_int_equal(replace_tmp_discard(&t), 0);
	assert_int_equal(unit_failpoints("tmpfile=1:EIO"), 0);
	assert_int_equal(replace_tmp_create(fx->name, &t), -EIO);
	unit_failpoints_off();
	assert_int_equal(unit_count_prefix(fx->dir, ".hln-"), 1);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_swap),          T(test_swap_portable),
		T(test_swap_replaced), T(test_swap_failures),
		T(test_swap_dir_sync), T(test_tmp_create_named),
	};
#undef T
	return cmocka_run_group_tests_name("swap", tests, NULL, NULL);
}
