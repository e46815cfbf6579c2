/*
 * test_message.c - the sentences for errno values, name quoting, and the
 * error and usage messages on stderr.
 */
#include "unit.h"

#include <getopt.h>

#include "hln.h"
#include "hln/message.h"

static void test_reason_known(void **state)
{
	(void)state;
	/*
	 * SPEC's errno values get a sentence of their own, not strerror's
	 * words alone: what each must say, lower case, without a final
	 * period.
	 */
	static const struct {
		int err;
		const char *must;
	} reasons[] = {
		{ENOENT, "no such file"},
		{EACCES, "permission denied"},
		{EEXIST, "already exists"},
		{EXDEV, "cannot cross filesystems"},
		{EMLINK, "the most this filesystem allows"},
		{EISDIR, "is a directory"},
		{EROFS, "mounted read-only"},
		{ENOSPC, "no free blocks or inodes"},
		{ELOOP, "symlink loop"},
		{ENAMETOOLONG, "255 bytes, the whole path 4096"},
		{EIO, "the device failed"},
	};
	for (size_t i = 0; i < UNIT_ARRAY_LEN(reasons); i++) {
		const char *r = msg_reason(reasons[i].err);
		assert_non_null(strstr(r, reasons[i].must));
		assert_true(r[0] >= 'a' && r[0] <= 'z');
		assert_true(r[strlen(r) - 1] != '.');
	}
	/* the others the commands meet are plain and lower case too */
	const int plain[] = {EPERM, ENOTDIR, EDQUOT, ENOMEM, EMFILE,
			     EBUSY, EINVAL,  ENOSYS, EINTR};
	for (size_t i = 0; i < UNIT_ARRAY_LEN(plain); i++) {
		const char *r = msg_reason(plain[i]);
		assert_true(r[0] >= 'a' && r[0] <= 'z');
		assert_true(r[strlen(r) - 1] != '.');
	}
}

/* Other values fall back to the C library's text; never NULL. */
static void test_reason_other(void **state)
{
	(void)state;
	assert_string_equal(msg_reason(EPIPE), strerror(EPIPE));
	assert_non_null(msg_reason(0));
	assert_non_null(msg_reason(99999));
	assert_non_null(msg_reason(-1));
}

static void test_name(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		const char *tty;
	} cases[] = {
		{"plain", "plain"},
		{"a\nb", "a\\nb"},
		{"\033]0;title\a", "\\033]0;title\\a"},
		{"x\302\233y\377", "x\\302\\233y\\377"},
		{"caf\303\251", "caf\303\251"},
	};
	for (size_t i = 0; i < UNIT_ARRAY_LEN(cases); i++) {
		/* not a terminal: the name itself */
		assert_ptr_equal(msg_name(cases[i].name, 0), cases[i].name);
		assert_string_equal(msg_name(cases[i].name, 1), cases[i].tty);
	}
}

/* Four results can be used together (one message has a few names). */
static void test_name_rotating(void **state)
{
	(void)state;
	const char *r[4];
	static const char *const names[4] = {"1\n", "2\t", "3\r", "4\a"};
	static const char *const want[4] = {"1\\n", "2\\t", "3\\r", "4\\a"};
	for (int i = 0; i < 4; i++)
		r[i] = msg_name(names[i], 1);
	for (int i = 0; i < 4; i++)
		assert_string_equal(r[i], want[i]);
}

/* A name longer than the buffers is cut, not overflowed. */
static void test_name_long(void **state)
{
	(void)state;
	enum { LEN = 20000 };
	char *name = malloc(LEN + 1);
	assert_non_null(name);
	memset(name, '\n', LEN);
	name[LEN] = '\0';
	const char *q = msg_name(name, 1);
	size_t len = strlen(q);
	assert_true(len > 0 && len < LEN);
	assert_true(strncmp(q, "\\n\\n\\n", 6) == 0);
	free(name);
}

/* ---- what goes to stderr ---- */

static int setup(void **state)
{
	(void)state;
	setprogname("hln");
	return 0;
}

static void test_usage(void **state)
{
	(void)state;
	struct unit_capture c;
	unit_capture_begin(&c, 2);
	int rc = msg_usage("create", "missing %s operand after '%s'", "file",
			   "a");
	char *text = unit_capture_end(&c);
	assert_int_equal(rc, HLN_EXIT_USAGE);
	assert_int_equal(rc, 2);
	assert_string_equal(text, "hln: create: missing file operand after "
				  "'a'\nTry 'hln create --help'.\n");
	free(text);
}

/* stderr is a file here: the path is written as it is. */
static void test_error(void **state)
{
	(void)state;
	static const struct {
		const char *path;
		const char *want;
	} cases[] = {
		{"dir/a\nb", "hln: count: dir/a\nb: x 3\n"},
		{NULL, "hln: count: x 3\n"},
	};
	for (size_t i = 0; i < UNIT_ARRAY_LEN(cases); i++) {
		struct unit_capture c;
		unit_capture_begin(&c, 2);
		msg_error("count", cases[i].path, "%s %d", "x", 3);
		char *text = unit_capture_end(&c);
		assert_string_equal(text, cases[i].want);
		free(text);
	}
}

/* stderr is a terminal: control characters in the path are escaped. */
static void test_error_tty(void **state)
{
	(void)state;
	int master = -1, slave = -1;
	if (unit_pty(&master, &slave) < 0)
		skip();
	fflush(stderr);
	int saved = dup(2);
	assert_true(saved >= 0);
	dup2(slave, 2);
	msg_error("list", "x\033[2Jy", "%s", msg_reason(ENOENT));
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	char buf[512];
	unit_pty_read(master, buf, sizeof buf);
	close(slave);
	close(master);
	assert_string_equal(
		buf, "hln: list: x\\033[2Jy: no such file or directory\n");
}

static void test_bad_option(void **state)
{
	(void)state;
	static const struct option longopts[] = {
		{"target-directory", required_argument, NULL, 't'},
		{"bytes", no_argument, NULL, 256},
		{NULL, 0, NULL, 0},
	};
	/* what getopt_long leaves: the argument it failed on is argv[1] */
	static const struct {
		const char *arg;
		int c, optopt;
		const char *want;
	} cases[] = {
		{"-x", '?', 'x', "unknown option '-x'"},
		{"--bogus", '?', 0, "unknown option '--bogus'"},
		{"--bogus=1", '?', 0, "unknown option '--bogus'"},
		{"-t", ':', 't', "option '-t' needs an argument"},
		{"--target-directory", ':', 't',
		 "option '--target-directory' needs an argument"},
		{"--bytes=3", '?', 256, "option '--bytes' takes no argument"},
		{"-\001", '?', 1, "unknown option '-?'"},
	};
	for (size_t i = 0; i < UNIT_ARRAY_LEN(cases); i++) {
		char want[256];
		snprintf(want, sizeof want,
			 "hln: create: %s\nTry 'hln create --help'.\n",
			 cases[i].want);
		char *argv[] = {"create", (char *)cases[i].arg, NULL};
		optopt = cases[i].optopt;
		struct unit_capture c;
		unit_capture_begin(&c, 2);
		int rc =
			msg_bad_option("create", cases[i].c, argv, 2, longopts);
		char *text = unit_capture_end(&c);
		assert_int_equal(rc, HLN_EXIT_USAGE);
		assert_string_equal(text, want);
		free(text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reason_known),
		cmocka_unit_test(test_reason_other),
		cmocka_unit_test(test_name),
		cmocka_unit_test(test_name_rotating),
		cmocka_unit_test(test_name_long),
		cmocka_unit_test(test_usage),
		cmocka_unit_test(test_error),
		cmocka_unit_test(test_error_tty),
		cmocka_unit_test(test_bad_option),
	};
	return cmocka_run_group_tests_name("message", tests, setup, NULL);
}
