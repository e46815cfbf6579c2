/*
 * test_names.c - names.c on real temporary trees: every name of a file
 * found by the scan (several files in one scan, one with names outside
 * the root), the early stop once every name is found, the d_ino
 * comparison that stats only the candidates, a file bind-mounted onto a
 * name, unreadable directories, and the fast path: nothing kept where the
 * filesystem cannot answer, the whole answer on a loop-mounted Btrfs;
 * names_start's root and its answers without a scan.
 */
#include "unit.h"

#include "hln/names.h"
#include "hln/platform.h"
#include "hln/walk.h"

static void sub(const char *dir, const char *rel)
{
	char path[PATH_MAX];
	assert_int_equal(mkdir(unit_path(path, dir, rel), 0755), 0);
}

static void put(const char *dir, const char *rel)
{
	char path[PATH_MAX];
	unit_write_file(unit_path(path, dir, rel), rel);
}

static void ln(const char *dir, const char *from, const char *to)
{
	char a[PATH_MAX], b[PATH_MAX];
	assert_int_equal(link(unit_path(a, dir, from), unit_path(b, dir, to)),
			 0);
}

/* F set up for the file DIR/REL. */
static void want(struct names_file *f, const char *dir, const char *rel)
{
	char path[PATH_MAX];
	memset(f, 0, sizeof *f);
	assert_int_equal(hln_stat_path(unit_path(path, dir, rel), 0, &f->st),
			 0);
}

/* F's names, sorted, joined by spaces, relative to DIR. */
static char *joined(struct names_file *f, const char *dir)
{
	static char buf[8 * PATH_MAX];
	size_t len = strlen(dir) + 1;
	buf[0] = '\0';
	names_sort(f);
	for (size_t i = 0; i < f->n; i++) {
		assert_true(strncmp(f->names[i], dir, len - 1) == 0);
		if (i)
			strcat(buf, " ");
		strcat(buf, f->names[i] + len);
	}
	return buf;
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
 * t/a = t/x/a2 = t/x/y/a3; t/b = t/x/b2 = out/b3 (outside t); t/one;
 * and 200 other files in t/many.
 */
static char *make_tree(void)
{
	char *d = unit_tmpdir();
	sub(d, "t");
	sub(d, "t/x");
	sub(d, "t/x/y");
	sub(d, "t/many");
	sub(d, "out");
	put(d, "t/a");
	ln(d, "t/a", "t/x/a2");
	ln(d, "t/a", "t/x/y/a3");
	put(d, "t/b");
	ln(d, "t/b", "t/x/b2");
	ln(d, "t/b", "out/b3");
	put(d, "t/one");
	for (int i = 0; i < 200; i++) {
		char rel[64];
		snprintf(rel, sizeof rel, "t/many/%d", i);
		put(d, rel);
	}
	return d;
}

static void test_scan(void **state)
{
	(void)state;
	char *d = make_tree();
	char root[PATH_MAX];
	unit_path(root, d, "t");
	for (int threads = 1; threads <= 4; threads += 3) {
		struct names_file a, b, one;
		want(&a, d, "t/a");
		want(&b, d, "t/b");
		want(&one, d, "t/one");
		struct names_scan *s = names_scan_new();
		assert_non_null(s);
		assert_int_equal(names_scan_want(s, &b), 0);
		assert_int_equal(names_scan_want(s, &a), 0);
		assert_int_equal(names_scan_want(s, &one), 0);
		struct walk_progress prog = {0};
		struct walk_opts o = {0};
		o.threads = threads;
		o.progress = &prog;
		struct errs e = {0};
		assert_int_equal(names_scan_run(s, root, &o, on_error, &e), 0);
		names_scan_free(s);
		assert_int_equal(e.n, 0);
		assert_true(a.complete);
		assert_string_equal(joined(&a, root), "a x/a2 x/y/a3");
		assert_false(b.complete); /* out/b3 is not under t */
		assert_string_equal(joined(&b, root), "b x/b2");
		assert_true(one.complete);
		assert_string_equal(joined(&one, root), "one");
		assert_int_equal(atomic_load(&prog.found), 6);
		names_clear(&a);
		names_clear(&b);
		names_clear(&one);
		assert_int_equal(a.n, 0);
		assert_null(a.names);
	}
	names_scan_free(NULL);
	unit_rmtree(d);
}

/* Every name found: the walk stops (one worker, names in the root). */
static void test_early_stop(void **state)
{
	(void)state;
	char *d = make_tree();
	char root[PATH_MAX];
	unit_path(root, d, "t");
	put(d, "t/c");
	ln(d, "t/c", "t/c2");
	struct names_file c;
	want(&c, d, "t/c");
	struct names_scan *s = names_scan_new();
	assert_int_equal(names_scan_want(s, &c), 0);
	struct walk_progress prog = {0};
	struct walk_opts o = {0};
	o.threads = 1;
	o.progress = &prog;
	assert_int_equal(names_scan_run(s, root, &o, NULL, NULL), 0);
	assert_true(c.complete);
	assert_string_equal(joined(&c, root), "c c2");
	/* the root was read; none of its three subdirectories */
	assert_int_equal(atomic_load(&prog.dirs), 1);
	/* nothing left to look for: no walk at all */
	struct walk_progress again = {0};
	o.progress = &again;
	assert_int_equal(names_scan_run(s, root, &o, NULL, NULL), 0);
	assert_int_equal(atomic_load(&again.dirs), 0);
	names_scan_free(s);
	names_clear(&c);
	unit_rmtree(d);
}

/* On ext4 (d_ino is st_ino) only the candidates are stat'ed. */
static void test_stats_only_candidates(void **state)
{
	(void)state;
	char *d = make_tree();
	char root[PATH_MAX], trace[PATH_MAX];
	unit_path(root, d, "t");
	unit_path(trace, d, "trace");
	struct hln_dir *dir;
	assert_int_equal(hln_dir_open(root, 0, &dir), 0);
	int trusted = hln_dir_ino_trusted(dir);
	hln_dir_close(dir);
	if (!trusted) {
		fprintf(stderr, "skipped: d_ino is not st_ino under %s\n", d);
		unit_rmtree(d);
		skip();
	}
	struct names_file a;
	want(&a, d, "t/b"); /* never complete: every entry is seen */
	struct names_scan *s = names_scan_new();
	assert_int_equal(names_scan_want(s, &a), 0);
	setenv("HLN_FAILPOINT_TRACE", trace, 1);
	unit_failpoints(NULL);
	struct walk_opts o = {0};
	o.threads = 1;
	assert_int_equal(names_scan_run(s, root, &o, NULL, NULL), 0);
	unit_failpoints_off();
	names_scan_free(s);
	assert_int_equal(a.n, 2);
	FILE *fp = fopen(trace, "r");
	assert_non_null(fp);
	char line[64];
	int stats = 0;
	while (fgets(line, sizeof line, fp))
		stats += strcmp(line, "stat\n") == 0;
	fclose(fp);
	/* 207 entries: the 2 names of b (and the walk's own few) */
	if (stats > 20)
		fail_msg("%d stats for 2 candidates among 207 entries", stats);
	names_clear(&a);
	unit_rmtree(d);
}

/* A directory that cannot be read goes to ERROR; the rest is found. */
static int scan_as_nobody(void *arg)
{
	const char *d = arg;
	char root[PATH_MAX];
	snprintf(root, sizeof root, "%s/t", d);
	struct names_file a;
	memset(&a, 0, sizeof a);
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/t/a", d);
	if (hln_stat_path(path, 0, &a.st) < 0)
		return 10;
	struct names_scan *s = names_scan_new();
	names_scan_want(s, &a);
	struct errs e = {0};
	struct walk_opts o = {0};
	int rc = names_scan_run(s, root, &o, on_error, &e);
	names_scan_free(s);
	if (rc != 0 || e.n != 1 || e.last != EACCES)
		return 11;
	return a.n == 2 && !a.complete ? 0 : 12;
}

static void test_unreadable(void **state)
{
	(void)state;
	unit_need_root("read the tree as another user");
	char *d = make_tree();
	char path[PATH_MAX];
	chmod(d, 0755); /* mkdtemp's 0700 would hide everything */
	chmod(unit_path(path, d, "t/x/y"), 0700);
	assert_int_equal(unit_run_as(UNIT_NOBODY, scan_as_nobody, d), 0);
	unit_rmtree(d);
}

/* A file bind-mounted onto a name is another mount's, not a name. */
static void test_bind_mounted_file(void **state)
{
	(void)state;
	unit_need_root("bind-mount a file");
	if (unit_portable()) {
		fprintf(stderr, "skipped: no mount ids on the portable path\n");
		skip();
	}
	char *d = make_tree();
	char from[PATH_MAX], onto[PATH_MAX], root[PATH_MAX];
	put(d, "t/m");
	assert_int_equal(unit_mount_bind(unit_path(from, d, "t/a"),
					 unit_path(onto, d, "t/m")),
			 0);
	struct names_file a;
	want(&a, d, "t/a");
	struct names_scan *s = names_scan_new();
	assert_int_equal(names_scan_want(s, &a), 0);
	struct walk_opts o = {0};
	int rc = names_scan_run(s, unit_path(root, d, "t"), &o, NULL, NULL);
	unit_umount(onto);
	names_scan_free(s);
	assert_int_equal(rc, 0);
	assert_string_equal(joined(&a, root), "a x/a2 x/y/a3");
	names_clear(&a);
	unit_rmtree(d);
}

/* Where the filesystem cannot answer, nothing is kept. */
static void test_fast_unsupported(void **state)
{
	(void)state;
	char *d = make_tree();
	char path[PATH_MAX];
	struct names_file a;
	want(&a, d, "t/a");
	assert_int_equal(names_fast(&a, unit_path(path, d, "t/a")), 0);
	assert_int_equal(a.n, 0);
	assert_false(a.complete);
	/* a complete file needs no question */
	names_add(&a, path);
	names_add(&a, path);
	names_add(&a, path);
	assert_true(a.complete);
	assert_int_equal(names_fast(&a, path), 1);
	names_clear(&a);
	unit_rmtree(d);
}

static int sh(const char *cmd)
{
	int rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

/* Btrfs INO_PATHS: the whole answer, checked, kept; or nothing. */
static void test_fast_btrfs(void **state)
{
	(void)state;
	unit_need_root("mount a Btrfs image and ask BTRFS_IOC_INO_PATHS");
	if (unit_portable()) {
		fprintf(stderr,
			"skipped: the portable path has no fast path\n");
		skip();
	}
	char *d = unit_tmpdir();
	char cmd[8 * PATH_MAX], mnt[PATH_MAX], img[PATH_MAX];
	unit_path(img, d, "btrfs.img");
	unit_path(mnt, d, "mnt");
	mkdir(mnt, 0755);
	snprintf(cmd, sizeof cmd,
		 "truncate -s 256M %s && mkfs.btrfs -q -f %s >/dev/null 2>&1 "
		 "&& mount -o loop %s %s",
		 img, img, img, mnt);
	if (sh(cmd) != 0) {
		fprintf(stderr, "skipped: cannot make or mount Btrfs\n");
		unit_rmtree(d);
		skip();
	}
	sub(mnt, "p");
	sub(mnt, "p/q");
	put(mnt, "f");
	ln(mnt, "f", "p/f2");
	ln(mnt, "f", "p/q/f3");
	struct names_file f;
	want(&f, mnt, "f");
	char path[PATH_MAX];
	int got = names_fast(&f, unit_path(path, mnt, "f"));
	char *names = got ? strdup(joined(&f, mnt)) : NULL;
	names_clear(&f);
	/* a file with a name the answer lacks: not complete, none kept */
	want(&f, mnt, "f");
	f.st.nlink = 4;
	int short_answer = names_fast(&f, path);
	size_t kept = f.n;
	names_clear(&f);
	umount2(mnt, MNT_DETACH);
	unit_rmtree(d);
	assert_int_equal(got, 1);
	assert_string_equal(names, "f p/f2 p/q/f3");
	free(names);
	assert_int_equal(short_answer, 0);
	assert_int_equal(kept, 0);
}

/* names_resolve: what a symlink points to, or the link itself. */
static void test_resolve(void **state)
{
	(void)state;
	char *d = make_tree();
	char link_path[PATH_MAX], want_path[PATH_MAX], *real;
	assert_int_equal(symlink("x/a2", unit_path(link_path, d, "t/sym")), 0);
	char *rd = realpath(d, NULL); /* /tmp may be a symlink */
	assert_non_null(rd);
	assert_int_equal(names_resolve(link_path, 1, &real), 0);
	assert_string_equal(real, unit_path(want_path, rd, "t/x/a2"));
	free(real);
	assert_int_equal(names_resolve(link_path, 0, &real), 0);
	assert_string_equal(real, unit_path(want_path, rd, "t/sym"));
	free(real);
	assert_int_equal(
		names_resolve(unit_path(link_path, d, "nosuch/f"), 0, &real),
		-ENOENT);
	assert_null(real);
	free(rd);
	unit_rmtree(d);
}

/* names_default_root: the mount point of the file's filesystem. */
static void test_default_root(void **state)
{
	(void)state;
	unit_need_root("mount a tmpfs");
	char *d = make_tree();
	char mnt[PATH_MAX], path[PATH_MAX], *root;
	char *rd = realpath(d, NULL);
	unit_path(mnt, rd, "t/x/y");
	assert_int_equal(unit_mount_tmpfs(mnt), 0);
	put(mnt, "f");
	assert_int_equal(
		names_default_root(unit_path(path, mnt, "f"), 1, &root), 0);
	assert_string_equal(root, mnt);
	free(root);
	/* without FOLLOW the link's directory decides: t/x is on / (tmp) */
	assert_int_equal(symlink(path, unit_path(path, rd, "t/x/l")), 0);
	assert_int_equal(names_default_root(path, 0, &root), 0);
	assert_string_not_equal(root, mnt);
	free(root);
	unit_umount(mnt);
	free(rd);
	unit_rmtree(d);
}

/*
 * names_start: the root is the mount point of the file's filesystem; a
 * file with one link is answered at once, complete; one with more has
 * all of its names or none (left to the scan).
 */
static void test_start(void **state)
{
	(void)state;
	char *d = make_tree();
	char *rd = realpath(d, NULL);
	char path[PATH_MAX], *root, *want_root;
	struct names_file f;
	want(&f, rd, "t/one");
	assert_int_equal(
		names_start(&f, unit_path(path, rd, "t/one"), 1, &root), 0);
	assert_int_equal(names_default_root(path, 1, &want_root), 0);
	assert_string_equal(root, want_root);
	assert_int_equal(f.n, 1);
	assert_true(f.complete);
	assert_string_equal(f.names[0], path);
	names_clear(&f);
	free(root);
	want(&f, rd, "t/a");
	assert_int_equal(names_start(&f, unit_path(path, rd, "t/a"), 1, &root),
			 0);
	assert_string_equal(root, want_root);
	assert_true(f.n == 0 || (f.n == 3 && f.complete));
	names_clear(&f);
	free(root);
	/* every name beside it: found without a scan, whatever the fs */
	char other[PATH_MAX];
	assert_int_equal(link(unit_path(path, rd, "t/one"),
			      unit_path(other, rd, "t/one.orig")),
			 0);
	want(&f, rd, "t/one");
	assert_int_equal(
		names_start(&f, unit_path(path, rd, "t/one"), 1, &root), 0);
	assert_true(f.complete);
	assert_int_equal(f.n, 2);
	names_sort(&f);
	assert_string_equal(f.names[0], path);
	assert_string_equal(f.names[1], other);
	names_clear(&f);
	free(root);
	root = want_root;
	assert_true(names_start(&f, unit_path(path, rd, "nosuch/f"), 0, &root) <
		    0);
	assert_null(root);
	free(want_root);
	free(rd);
	unit_rmtree(d);
}

struct failures {
	int n, err;
	char root[PATH_MAX];
};

static void on_failed(void *ctx, const char *root, int err)
{
	struct failures *f = ctx;
	f->n++;
	f->err = err;
	snprintf(f->root, sizeof f->root, "%s", root);
}

/* names_find: one scan per root; a root that fails leaves the others. */
static void test_find(void **state)
{
	(void)state;
	char *d = make_tree();
	char t[PATH_MAX], x[PATH_MAX], bad[PATH_MAX];
	unit_path(t, d, "t");
	unit_path(x, d, "t/x");
	unit_path(bad, d, "nosuch");
	struct names_file a, b, a_in_x, c;
	want(&a, d, "t/a");
	want(&b, d, "t/b");
	want(&a_in_x, d, "t/a");
	want(&c, d, "t/one");
	struct names_file *files[] = {&a, &c, &a_in_x, &b};
	char *roots[] = {t, bad, x, t};
	struct failures f = {0};
	struct walk_progress prog = {0};
	struct walk_opts o = {0};
	o.progress = &prog;
	assert_int_equal(names_find(files, roots, 4, &o, NULL, on_failed, &f),
			 0);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.err, ENOENT);
	assert_string_equal(f.root, bad);
	assert_true(a.complete);
	assert_string_equal(joined(&a, t), "a x/a2 x/y/a3");
	assert_false(a_in_x.complete);
	assert_string_equal(joined(&a_in_x, x), "a2 y/a3");
	assert_string_equal(joined(&b, t), "b x/b2");
	assert_int_equal(c.n, 0);
	/* the last scan (of x) counted from zero: a2 and a3 */
	assert_int_equal(atomic_load(&prog.found), 2);
	names_clear(&a);
	names_clear(&a_in_x);
	names_clear(&b);
	assert_int_equal(names_find(files, roots, 0, &o, NULL, NULL, NULL), 0);
	unit_rmtree(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan),
		cmocka_unit_test(test_early_stop),
		cmocka_unit_test(test_stats_only_candidates),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_bind_mounted_file),
		cmocka_unit_test(test_fast_unsupported),
		cmocka_unit_test(test_fast_btrfs),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_default_root),
		cmocka_unit_test(test_start),
		cmocka_unit_test(test_find),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
