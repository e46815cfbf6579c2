/*
 * test_failpoint.c - HLN_FAILPOINTS parsing, which call fails, resetting,
 * counting across threads, and the HLN_FAILPOINT_TRACE log.
 */
#include "unit.h"

#include <pthread.h>

#include "hln/platform.h"

static int teardown(void **state)
{
	(void)state;
	unit_failpoints_off();
	return 0;
}

static void test_parse(void **state)
{
	(void)state;
	static const struct {
		const char *spec;
		int rc;
	} cases[] = {
		{"", 0},
		{"random=1:ENOSPC", 0},
		{"random=*:EIO", 0},
		{"random=2:28", 0},
		{"random=1:EIO,stat=2:ENOENT", 0},
		{"random", -EINVAL},
		{"random=1", -EINVAL},
		{"random:1=EIO", -EINVAL},
		{"=1:EIO", -EINVAL},
		{"random=:EIO", -EINVAL},
		{"random=0:EIO", -EINVAL},
		{"random=-1:EIO", -EINVAL},
		{"random=1x:EIO", -EINVAL},
		{"random=**:EIO", -EINVAL},
		{"random=1:", -EINVAL},
		{"random=1:EBOGUS", -EINVAL},
		{"random=1:0", -EINVAL},
		{"random=1:5000", -EINVAL},
		{"random=1:28x", -EINVAL},
		{"a_name_far_longer_than_any_operation=1:EIO", -EINVAL},
		{"random=1:EIO,garbage", -EINVAL},
	};
	for (size_t i = 0; i < UNIT_ARRAY_LEN(cases); i++) {
		int rc = unit_failpoints(cases[i].spec);
		if (rc != cases[i].rc)
			fprintf(stderr, "spec '%s'\n", cases[i].spec);
		assert_int_equal(rc, cases[i].rc);
	}
}

/* The result of the Nth call of hln_random (N = 1..CALLS). */
#define CALLS 5

static void test_nth_call(void **state)
{
	(void)state;
	static const struct {
		const char *spec;
		int want[CALLS];
	} cases[] = {
		{"random=1:ENOSPC", {-ENOSPC, 0, 0, 0, 0}},
		{"random=3:EIO", {0, 0, -EIO, 0, 0}},
		{"random=2:28", {0, -28, 0, 0, 0}},
		{"random=*:EACCES",
		 {-EACCES, -EACCES, -EACCES, -EACCES, -EACCES}},
		{"stat=1:EIO", {0, 0, 0, 0, 0}},
		{"stat=1:EIO,random=4:EROFS", {0, 0, 0, -EROFS, 0}},
		/* each rule counts every call of its operation */
		{"random=1:EIO,random=2:ENOSPC", {-EIO, -ENOSPC, 0, 0, 0}},
	};
	for (size_t i = 0; i < UNIT_ARRAY_LEN(cases); i++) {
		assert_int_equal(unit_failpoints(cases[i].spec), 0);
		for (int n = 0; n < CALLS; n++) {
			unsigned char b[4];
			int rc = hln_random(b, sizeof b);
			if (rc != cases[i].want[n])
				fprintf(stderr, "spec '%s', call %d\n",
					cases[i].spec, n + 1);
			assert_int_equal(rc, cases[i].want[n]);
		}
	}
}

/* failpoint_init starts counting again; without a spec nothing fails. */
static void test_reset(void **state)
{
	(void)state;
	unsigned char b[4];
	for (int round = 0; round < 2; round++) {
		assert_int_equal(unit_failpoints("random=1:EIO"), 0);
		assert_int_equal(hln_random(b, sizeof b), -EIO);
		assert_int_equal(hln_random(b, sizeof b), 0);
	}
	assert_int_equal(unit_failpoints(NULL), 0);
	assert_int_equal(hln_random(b, sizeof b), 0);
}

/* The Nth call fails once even when threads race for it. */
enum { THREADS = 4, PER_THREAD = 500 };

static void *call_random(void *arg)
{
	int *fails = arg;
	for (int i = 0; i < PER_THREAD; i++) {
		unsigned char b;
		if (hln_random(&b, 1) < 0)
			(*fails)++;
	}
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	assert_int_equal(unit_failpoints("random=777:EIO"), 0);
	pthread_t t[THREADS];
	int fails[THREADS] = {0};
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(
			pthread_create(&t[i], NULL, call_random, &fails[i]), 0);
	int total = 0;
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		total += fails[i];
	}
	assert_int_equal(total, 1);
}

/* HLN_FAILPOINT_TRACE appends the name of every operation reached. */
static void test_trace(void **state)
{
	(void)state;
	char *dir = unit_tmpdir();
	char trace[PATH_MAX], sub[PATH_MAX], text[4096];
	unit_path(trace, dir, "trace");
	unit_path(sub, dir, "sub");
	unit_write_file(trace, "before\n");
	setenv("HLN_FAILPOINT_TRACE", trace, 1);
	assert_int_equal(unit_failpoints("mkdir=1:EEXIST"), 0);

	unsigned char b[2];
	struct hln_stat st;
	assert_int_equal(hln_random(b, sizeof b), 0);
	assert_int_equal(hln_stat_path(dir, 0, &st), 0);
	assert_int_equal(hln_mkdir(sub, 0700), -EEXIST); /* failed: traced */
	assert_int_equal(hln_mkdir(sub, 0700), 0);
	unit_failpoints_off(); /* closes the trace */
	assert_int_equal(hln_random(b, sizeof b), 0);

	assert_string_equal(unit_read_file(trace, text, sizeof text),
			    "before\nrandom\nstat\nmkdir\nmkdir\n");
	unit_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_parse, teardown),
		cmocka_unit_test_teardown(test_nth_call, teardown),
		cmocka_unit_test_teardown(test_reset, teardown),
		cmocka_unit_test_teardown(test_threads, teardown),
		cmocka_unit_test_teardown(test_trace, teardown),
	};
	return cmocka_run_group_tests_name("failpoint", tests, NULL, NULL);
}
