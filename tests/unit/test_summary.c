/*
 * test_summary.c - summary.c on real temporary trees: every figure of
 * count -r (names, files, linked, outside, apparent, used, saved, freed)
 * for one and four workers, each inode once across several walks, a
 * directory never counted as a file, a root that cannot be walked, and
 * the early stop on a pending signal.
 */
#include "unit.h"

#include <signal.h>

#include "hln/platform.h"
#include "hln/summary.h"
#include "hln/walk.h"

/* DIR/REL holding LEN bytes. */
static void put(const char *dir, const char *rel, size_t len)
{
	char path[PATH_MAX], text[256];
	assert_true(len < sizeof text);
	memset(text, 'x', len);
	text[len] = '\0';
	unit_write_file(unit_path(path, dir, rel), text);
}

static void ln(const char *dir, const char *from, const char *to)
{
	char a[PATH_MAX], b[PATH_MAX];
	assert_int_equal(link(unit_path(a, dir, from), unit_path(b, dir, to)),
			 0);
}

static void sub(const char *dir, const char *rel)
{
	char path[PATH_MAX];
	assert_int_equal(mkdir(unit_path(path, dir, rel), 0755), 0);
}

struct errs {
	int n, last;
};

static void on_error(void *ctx, const char *path, int err)
{
	struct errs *e = ctx;
	(void)path;
	e->n++;
	e->last = err;
}

/*
 * t/a (10 bytes), t/b1 = t/s/b2 (5), t/c (7, also named out/c outside t),
 * t/s/d (3), t/l a symlink to "a" (1 byte).
 */
static char *make_tree(void)
{
	char *d = unit_tmpdir();
	sub(d, "t");
	sub(d, "t/s");
	sub(d, "out");
	put(d, "t/a", 10);
	put(d, "t/b1", 5);
	ln(d, "t/b1", "t/s/b2");
	put(d, "t/c", 7);
	ln(d, "t/c", "out/c");
	put(d, "t/s/d", 3);
	char path[PATH_MAX];
	assert_int_equal(symlink("a", unit_path(path, d, "t/l")), 0);
	return d;
}

static void test_figures(void **state)
{
	(void)state;
	char *d = make_tree();
	char root[PATH_MAX];
	unit_path(root, d, "t");
	for (int threads = 1; threads <= 4; threads += 3) {
		struct summary *s = summary_new();
		assert_non_null(s);
		struct walk_progress prog = {0};
		struct walk_opts o = {0};
		o.threads = threads;
		o.progress = &prog;
		struct errs e = {0};
		assert_int_equal(summary_walk(s, root, &o, on_error, &e), 0);
		assert_int_equal(e.n, 0);
		struct tree_summary t;
		summary_result(s, &t);
		assert_int_equal(t.names, 6);
		assert_int_equal(t.files, 5);
		assert_int_equal(t.linked.inodes, 2);
		assert_int_equal(t.linked.names, 3);
		assert_int_equal(t.outside, 1);
		assert_int_equal(t.apparent, 10 + 5 + 5 + 7 + 3 + 1);
		assert_int_equal(t.used, 10 + 5 + 7 + 3 + 1);
		assert_int_equal(t.saved, 5);
		assert_int_equal(t.freed, 10 + 5 + 3 + 1);
		/* "found": the names of linked files */
		assert_int_equal(atomic_load(&prog.found), 3);
		summary_free(s);
	}
	summary_free(NULL);
	unit_rmtree(d);
}

/* Several trees: each inode once; c's other name makes it all inside. */
static void test_several_walks(void **state)
{
	(void)state;
	char *d = make_tree();
	char t[PATH_MAX], out[PATH_MAX];
	unit_path(t, d, "t");
	unit_path(out, d, "out");
	struct summary *s = summary_new();
	struct walk_opts o = {0};
	assert_int_equal(summary_walk(s, t, &o, NULL, NULL), 0);
	assert_int_equal(summary_walk(s, out, &o, NULL, NULL), 0);
	struct tree_summary r;
	summary_result(s, &r);
	assert_int_equal(r.names, 7);
	assert_int_equal(r.files, 5);
	assert_int_equal(r.linked.inodes, 2);
	assert_int_equal(r.linked.names, 4);
	assert_int_equal(r.outside, 0);
	assert_int_equal(r.freed, r.used);
	assert_int_equal(r.saved, 5 + 7);
	summary_free(s);
	unit_rmtree(d);
}

/*
 * What the stat says decides: a name that is a directory by the time it
 * is stat'ed (swapped after the walk read it as a file) is not a file
 * with links (issue 8.4 found it counted as "linked", "outside", 4096).
 */
static void test_directory_never_a_file(void **state)
{
	(void)state;
	char *d = make_tree();
	struct hln_stat st;
	assert_int_equal(hln_stat_path(d, 0, &st), 0);
	assert_true(st.type == HLN_T_DIR && st.nlink >= 2);
	struct summary *s = summary_new();
	assert_int_equal(summary_add(s, 3, &st), 1);
	struct tree_summary r;
	summary_result(s, &r);
	assert_int_equal(r.names, 0);
	assert_int_equal(r.linked.inodes, 0);
	assert_int_equal(r.outside, 0);
	assert_int_equal(r.apparent, 0);
	/* a file operand (count -r FILE) is one name */
	char path[PATH_MAX];
	assert_int_equal(hln_stat_path(unit_path(path, d, "t/b1"), 0, &st), 0);
	assert_int_equal(summary_add(s, 0, &st), 0);
	assert_int_equal(summary_add(s, WALK_MAX_THREADS + 5, &st), 0);
	summary_result(s, &r);
	assert_int_equal(r.names, 2);
	assert_int_equal(r.files, 1);
	assert_int_equal(r.linked.names, 2);
	assert_int_equal(r.outside, 0);
	assert_int_equal(r.freed, 5);
	summary_free(s);
	unit_rmtree(d);
}

static void test_bad_root(void **state)
{
	(void)state;
	char *d = make_tree();
	char path[PATH_MAX];
	struct summary *s = summary_new();
	struct walk_opts o = {0};
	assert_int_equal(
		summary_walk(s, unit_path(path, d, "nosuch"), &o, NULL, NULL),
		-ENOENT);
	assert_int_equal(
		summary_walk(s, unit_path(path, d, "t/a"), &o, NULL, NULL),
		-ENOTDIR);
	struct tree_summary r;
	summary_result(s, &r);
	assert_int_equal(r.names, 0);
	summary_free(s);
	unit_rmtree(d);
}

/* In a child: a pending SIGINT stops the walk (walk_tree's 1). */
static int walk_after_signal(void *arg)
{
	const char *root = arg;
	if (hln_signals_catch() < 0 || raise(SIGINT) != 0)
		return 10;
	if (hln_signal_pending() != SIGINT)
		return 11;
	struct summary *s = summary_new();
	struct walk_opts o = {0};
	o.threads = 1;
	int rc = summary_walk(s, root, &o, NULL, NULL);
	struct tree_summary r;
	summary_result(s, &r);
	summary_free(s);
	if (rc != 1)
		return 12;
	return r.names == 0 ? 0 : 13;
}

static void test_signal_stops(void **state)
{
	(void)state;
	char *d = make_tree();
	char root[PATH_MAX];
	unit_path(root, d, "t");
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(walk_after_signal(root));
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	unit_rmtree(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_figures),
		cmocka_unit_test(test_several_walks),
		cmocka_unit_test(test_directory_never_a_file),
		cmocka_unit_test(test_bad_root),
		cmocka_unit_test(test_signal_stops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
