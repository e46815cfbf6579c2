/*
 * test_groups.c - groups.c on real temporary trees: the groups of names
 * that share an inode, their order (names bytewise, groups by their first
 * name, checked against strcmp of the full paths on names chosen to trip
 * component-wise comparison), GROUPS_ALL, MIN_NAMES, several roots in one
 * collection, a name seen twice, the filter's verdicts, errors,
 * groups_visit (break -r's names, each in its directory) and
 * groups_covered.
 */
#include "unit.h"

#include <sys/stat.h>

#include "hln/groups.h"
#include "hln/platform.h"
#include "hln/walk.h"

/* mkdir -p of DIR/REL's directory, then REL as a file holding TEXT. */
static void put(const char *dir, const char *rel, const char *text)
{
	char path[PATH_MAX];
	unit_path(path, dir, rel);
	for (char *p = path + strlen(dir) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	unit_write_file(path, text);
}

/* DIR/TO as another link of DIR/FROM (directories made as needed). */
static void ln(const char *dir, const char *from, const char *to)
{
	char a[PATH_MAX], b[PATH_MAX];
	unit_path(a, dir, from);
	unit_path(b, dir, to);
	for (char *p = b + strlen(dir) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(b, 0755);
		*p = '/';
	}
	assert_int_equal(link(a, b), 0);
}

/*
 * Every group of G, printed as "nlink names: path path ...\n" lines in
 * order, into a malloc'd string.
 */
static char *dump(const struct groups *g)
{
	struct name_group gbuf;
	char *out = NULL, *buf = NULL;
	size_t len = 0, cap = 0;
	FILE *fp = open_memstream(&out, &len);
	assert_non_null(fp);
	for (size_t i = 0; i < groups_count(g); i++) {
		const struct name_group *gr = groups_at(g, i, &gbuf);
		fprintf(fp, "%llu %zu:", (unsigned long long)gr->nlink,
			gr->names);
		for (size_t k = 0; k < gr->names; k++) {
			const char *p = groups_path(g, gr, k, &buf, &cap);
			assert_non_null(p);
			fprintf(fp, " %s", p);
		}
		fputc('\n', fp);
	}
	fclose(fp);
	free(buf);
	return out;
}

static struct walk_opts opts(int threads)
{
	struct walk_opts o = {0};
	o.threads = threads;
	o.same_mount = 1;
	return o;
}

/* list DIR's use: files with 2+ names inside, in order. */
static void test_linked_groups(void **state)
{
	struct name_group gbuf;
	(void)state;
	char *d = unit_tmpdir();
	put(d, "t/b/one", "1");
	ln(d, "t/b/one", "t/a/one");
	ln(d, "t/b/one", "t/z");
	put(d, "t/single", "no links");
	put(d, "t/c/outside", "22");
	ln(d, "t/c/outside", "elsewhere"); /* its other name is not under t */
	put(d, "t/c/two", "333");
	ln(d, "t/c/two", "t/c/deep/er/two");
	char root[PATH_MAX];
	unit_path(root, d, "t");

	struct groups *g = groups_new(0);
	assert_non_null(g);
	struct walk_opts o = opts(2);
	assert_int_equal(groups_walk(g, root, &o, NULL), 0);
	/* one group of one name (outside) kept with MIN_NAMES 1 ... */
	assert_int_equal(groups_sort(g, 1), 3);
	char *got = dump(g);
	char want[8 * PATH_MAX];
	snprintf(want, sizeof want,
		 "3 3: %s/a/one %s/b/one %s/z\n"
		 "2 2: %s/c/deep/er/two %s/c/two\n"
		 "2 1: %s/c/outside\n",
		 root, root, root, root, root, root);
	assert_string_equal(got, want);
	free(got);
	groups_free(g);

	/* ... and dropped with 2, as list DIR asks */
	g = groups_new(0);
	assert_int_equal(groups_walk(g, root, &o, NULL), 0);
	assert_int_equal(groups_sort(g, 2), 2);
	assert_int_equal(groups_count(g), 2);
	assert_int_equal(groups_at(g, 1, &gbuf)->size, 3);
	got = dump(g);
	snprintf(want, sizeof want,
		 "3 3: %s/a/one %s/b/one %s/z\n"
		 "2 2: %s/c/deep/er/two %s/c/two\n",
		 root, root, root, root, root);
	assert_string_equal(got, want);
	free(got);
	groups_free(g);
	unit_rmtree(d);
}

/* dedupe's use: every file, one link too; never a directory. */
static void test_all_files(void **state)
{
	struct name_group gbuf;
	(void)state;
	char *d = unit_tmpdir();
	put(d, "t/x", "12345");
	put(d, "t/sub/y", "1");
	ln(d, "t/sub/y", "t/y2");
	char root[PATH_MAX];
	unit_path(root, d, "t");
	struct groups *g = groups_new(GROUPS_ALL);
	struct walk_opts o = opts(1);
	assert_int_equal(groups_walk(g, root, &o, NULL), 0);
	assert_int_equal(groups_sort(g, 1), 2);
	char *got = dump(g);
	char want[8 * PATH_MAX];
	snprintf(want, sizeof want, "2 2: %s/sub/y %s/y2\n1 1: %s/x\n", root,
		 root, root);
	assert_string_equal(got, want);
	const struct name_group *x = groups_at(g, 1, &gbuf);
	char path[PATH_MAX];
	assert_int_equal(x->size, 5);
	assert_int_equal(x->ino, unit_ino(unit_path(path, root, "x")));
	assert_int_equal(groups_at(g, 0, &gbuf)->size, 1);
	free(got);
	groups_free(g);
	unit_rmtree(d);
}

/*
 * Names that make component-wise order differ from bytewise order
 * ('-' and '.' sort before '/', '0' after it) and a tree of them four
 * deep: every file has one link in another directory.  The groups must
 * come out as strcmp orders the full paths, for 1 and 4 workers.
 */
static void test_bytewise_order(void **state)
{
	struct name_group gbuf;
	(void)state;
	static const char *const parts[] = {"a", "a-",  "a.",   "a0", "ab",
					    "-", "a-b", "\xff", "a b"};
	const size_t np = UNIT_ARRAY_LEN(parts);
	char *d = unit_tmpdir();
	char root[PATH_MAX];
	unit_path(root, d, "t");
	mkdir(root, 0755);
	/* every file: t/P1/P2/P3/F linked to t/P3/=P2F ('=' after '/') */
	unsigned seed = 7;
	size_t nfiles = 0;
	for (size_t i = 0; i < 60; i++) {
		char a[PATH_MAX], b[PATH_MAX];
		seed = seed * 1103515245 + 12345;
		const char *p1 = parts[(seed >> 8) % np];
		const char *p2 = parts[(seed >> 12) % np];
		const char *p3 = parts[(seed >> 16) % np];
		const char *f = parts[(seed >> 20) % np];
		snprintf(a, sizeof a, "t/%s/%s/%s/%s", p1, p2, p3, f);
		snprintf(b, sizeof b, "t/%s/=%s%s", p3, p2, f);
		char pa[PATH_MAX], pb[PATH_MAX];
		struct stat sb;
		if (lstat(unit_path(pa, d, a), &sb) == 0 ||
		    lstat(unit_path(pb, d, b), &sb) == 0)
			continue;
		put(d, a, "x");
		ln(d, a, b);
		nfiles++;
	}
	assert_true(nfiles > 30);

	for (int threads = 1; threads <= 4; threads += 3) {
		struct groups *g = groups_new(0);
		struct walk_opts o = opts(threads);
		assert_int_equal(groups_walk(g, root, &o, NULL), 0);
		assert_int_equal(groups_sort(g, 2), (long)nfiles);
		char *buf = NULL, *prev = NULL;
		size_t cap = 0;
		for (size_t i = 0; i < groups_count(g); i++) {
			const struct name_group *gr = groups_at(g, i, &gbuf);
			assert_int_equal(gr->names, 2);
			char *first = strdup(groups_path(g, gr, 0, &buf, &cap));
			const char *second = groups_path(g, gr, 1, &buf, &cap);
			if (strcmp(first, second) >= 0)
				fail_msg("names out of order: '%s', '%s'",
					 first, second);
			if (prev && strcmp(prev, first) >= 0)
				fail_msg("groups out of order: '%s', '%s'",
					 prev, first);
			free(prev);
			prev = first;
		}
		free(prev);
		free(buf);
		groups_free(g);
	}
	unit_rmtree(d);
}

/* Two roots in one collection (break -r DIR1 DIR2), one with a '/'. */
static void test_two_roots(void **state)
{
	struct name_group gbuf;
	(void)state;
	char *d = unit_tmpdir();
	put(d, "r1/f", "1");
	ln(d, "r1/f", "r2/sub/f");
	ln(d, "r1/f", "r1/g");
	char r1[PATH_MAX], r2[PATH_MAX];
	unit_path(r1, d, "r1");
	unit_path(r2, d, "r2/"); /* paths as the walker makes them: r2/sub */
	struct groups *g = groups_new(0);
	struct walk_opts o = opts(2);
	assert_int_equal(groups_walk(g, r2, &o, NULL), 0);
	assert_int_equal(groups_walk(g, r1, &o, NULL), 0);
	/* walked twice: each name once */
	assert_int_equal(groups_walk(g, r1, &o, NULL), 0);
	assert_int_equal(groups_sort(g, 1), 1);
	char *got = dump(g);
	char want[8 * PATH_MAX];
	snprintf(want, sizeof want, "3 3: %s/f %s/g %ssub/f\n", r1, r1, r2);
	assert_string_equal(got, want);
	free(got);
	/* nothing is added once sorted */
	assert_int_equal(groups_walk(g, r1, &o, NULL), 0);
	assert_int_equal(groups_count(g), 1);
	assert_int_equal(groups_at(g, 0, &gbuf)->names, 3);
	groups_free(g);
	unit_rmtree(d);
}

/* What groups_visit passed: "name path" lines, and the errors. */
struct visited {
	char lines[4 * PATH_MAX];
	int errors, last_err;
	char last_path[PATH_MAX];
};

static void visit_name(void *ctx, struct hln_dir *dir, const char *name,
		       const char *path)
{
	struct visited *v = ctx;
	struct hln_stat st;
	/* the directory is open and holds the name */
	assert_int_equal(hln_dir_statat(dir, name, 0, &st), 0);
	size_t len = strlen(v->lines);
	snprintf(v->lines + len, sizeof v->lines - len, "%s %s\n", name, path);
}

static void visit_error(void *ctx, const char *path, int err)
{
	struct visited *v = ctx;
	v->errors++;
	v->last_err = err;
	snprintf(v->last_path, sizeof v->last_path, "%s", path ? path : "");
}

/*
 * break -r's use: every name to change, reached in its directory, but the
 * first of a file whose every name is inside (it keeps the file); a name
 * whose directory went away is an error, the rest are still passed.
 */
static void test_visit(void **state)
{
	(void)state;
	char *d = unit_tmpdir();
	put(d, "r/a", "a");
	ln(d, "r/a", "r/sub/a2");
	put(d, "r/b", "b");
	ln(d, "r/b", "out/b2");
	put(d, "r/c", "c");
	ln(d, "r/c", "r/gone/c2");
	ln(d, "r/c", "out/c3");
	char r[PATH_MAX], p[PATH_MAX], x[PATH_MAX];
	unit_path(r, d, "r");
	struct groups *g = groups_new(0);
	struct walk_opts o = opts(1);
	assert_int_equal(groups_walk(g, r, &o, NULL), 0);
	assert_int_equal(groups_sort(g, 1), 3);
	assert_int_equal(
		rename(unit_path(p, d, "r/gone"), unit_path(x, d, "x")), 0);
	struct visited v;
	memset(&v, 0, sizeof v);
	char *roots[] = {NULL, r};
	struct groups_visit gv = {
		.name = visit_name, .error = visit_error, .ctx = &v};
	groups_visit(g, 2, roots, &gv);
	char want[4 * PATH_MAX];
	snprintf(want, sizeof want, "a2 %s/sub/a2\nb %s/b\nc %s/c\n", r, r, r);
	assert_string_equal(v.lines, want);
	assert_int_equal(v.errors, 1);
	assert_int_equal(v.last_err, ENOENT);
	assert_string_equal(v.last_path, unit_path(p, r, "gone/c2"));
	groups_free(g);
	unit_rmtree(d);
}

struct seen {
	int errors, last_err;
	char last_path[PATH_MAX];
	int stop_at_x;
};

static int filter(void *ctx, const struct walk_entry *e,
		  const struct hln_stat *st)
{
	struct seen *s = ctx;
	(void)st;
	if (strcmp(e->name, "skip") == 0)
		return GROUPS_SKIP;
	if (strcmp(e->name, "bad") == 0)
		return -EIO;
	if (s->stop_at_x && strcmp(e->name, "x") == 0)
		return GROUPS_STOP;
	return GROUPS_KEEP;
}

static void on_error(void *ctx, const char *path, int err)
{
	struct seen *s = ctx;
	s->errors++;
	s->last_err = err;
	snprintf(s->last_path, sizeof s->last_path, "%s", path);
}

static void test_filter_and_errors(void **state)
{
	(void)state;
	char *d = unit_tmpdir();
	put(d, "t/keep", "1");
	ln(d, "t/keep", "t/keep2");
	put(d, "t/skip", "1");
	ln(d, "t/skip", "t/skip2");
	put(d, "t/bad", "1");
	ln(d, "t/bad", "t/bad2");
	char root[PATH_MAX];
	unit_path(root, d, "t");
	struct seen s = {0};
	struct groups_walk w = {filter, on_error, &s};
	struct groups *g = groups_new(0);
	struct walk_opts o = opts(1);
	assert_int_equal(groups_walk(g, root, &o, &w), 0);
	assert_int_equal(s.errors, 1);
	assert_int_equal(s.last_err, EIO);
	char want[8 * PATH_MAX];
	assert_string_equal(s.last_path, unit_path(want, root, "bad"));
	assert_int_equal(groups_sort(g, 1), 3); /* keep, skip2, bad2 */
	char *got = dump(g);
	snprintf(want, sizeof want,
		 "2 1: %s/bad2\n2 2: %s/keep %s/keep2\n"
		 "2 1: %s/skip2\n",
		 root, root, root, root);
	assert_string_equal(got, want);
	free(got);
	groups_free(g);

	/* GROUPS_STOP stops the walk: walk_tree's 1 */
	put(d, "u/x", "1");
	ln(d, "u/x", "u/x2");
	unit_path(root, d, "u");
	s.stop_at_x = 1;
	g = groups_new(0);
	assert_int_equal(groups_walk(g, root, &o, &w), 1);
	groups_free(g);

	/* the root itself: -errno, nothing added */
	g = groups_new(0);
	unit_path(root, d, "nosuch");
	assert_int_equal(groups_walk(g, root, &o, &w), -ENOENT);
	unit_path(root, d, "t/keep");
	assert_int_equal(groups_walk(g, root, &o, &w), -ENOTDIR);
	assert_int_equal(groups_sort(g, 1), 0);
	groups_free(g);

	/* an unreadable directory goes to ERROR (not as root: it reads) */
	if (geteuid() != 0) {
		put(d, "v/locked/f", "1");
		unit_path(root, d, "v/locked");
		chmod(root, 0);
		unit_path(root, d, "v");
		s.errors = 0;
		g = groups_new(0);
		assert_int_equal(groups_walk(g, root, &o, &w), 0);
		assert_int_equal(s.errors, 1);
		assert_int_equal(s.last_err, EACCES);
		groups_free(g);
	}
	unit_rmtree(d);
}

/* groups_add and groups_dir_enter from a walk of one's own. */
struct own {
	struct groups *g;
	int added, not_kept;
};

static int own_dir(void *ctx, const struct walk_dir *d, void **data)
{
	struct own *k = ctx;
	return groups_dir_enter(k->g, d, data);
}

static int own_entry(void *ctx, const struct walk_entry *e)
{
	struct own *k = ctx;
	struct hln_stat st;
	const struct hln_stat *sp;
	int rc = walk_entry_stat(e, 0, &st, &sp);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	rc = groups_add(k->g, e, sp);
	if (rc == 0)
		k->added++;
	else if (rc == 1)
		k->not_kept++;
	else
		fail_msg("groups_add: %d", rc);
	/* never without the directory's record */
	struct walk_entry bare = *e;
	bare.dirdata = NULL;
	assert_int_equal(groups_add(k->g, &bare, sp),
			 sp->nlink >= 2 ? -EINVAL : 1);
	return 0;
}

static void test_own_walk(void **state)
{
	(void)state;
	char *d = unit_tmpdir();
	put(d, "t/a", "1");
	ln(d, "t/a", "t/b");
	put(d, "t/one", "1");
	char root[PATH_MAX];
	unit_path(root, d, "t");
	struct own k = {groups_new(0), 0, 0};
	struct walk_opts o = opts(1);
	struct walk_ops ops = {own_dir, own_entry, NULL, NULL, NULL};
	assert_int_equal(walk_tree(root, &o, &ops, &k), 0);
	assert_int_equal(k.added, 2);
	assert_int_equal(k.not_kept, 1);
	assert_int_equal(groups_sort(k.g, 2), 1);
	/* sorting again changes nothing */
	assert_int_equal(groups_sort(k.g, 1), 1);
	char *got = dump(k.g);
	char want[8 * PATH_MAX];
	snprintf(want, sizeof want, "2 2: %s/a %s/b\n", root, root);
	assert_string_equal(got, want);
	free(got);
	groups_free(k.g);
	groups_free(NULL);
	unit_rmtree(d);
}

/* Many names of one inode (one group of 3,000) and many groups. */
static void test_large(void **state)
{
	struct name_group gbuf;
	(void)state;
	char *d = unit_tmpdir();
	char root[PATH_MAX], path[PATH_MAX];
	unit_path(root, d, "t");
	put(d, "t/big/0", "x");
	for (int i = 1; i < 3000; i++) {
		snprintf(path, sizeof path, "t/big/%d", i);
		ln(d, "t/big/0", path);
	}
	for (int i = 0; i < 500; i++) {
		char a[64], b[64];
		snprintf(a, sizeof a, "t/p/%03d/f", i);
		snprintf(b, sizeof b, "t/q/%03d", 499 - i);
		put(d, a, "y");
		ln(d, a, b);
	}
	struct groups *g = groups_new(0);
	struct walk_opts o = opts(4);
	assert_int_equal(groups_walk(g, root, &o, NULL), 0);
	assert_int_equal(groups_sort(g, 2), 501);
	struct name_group bigbuf;
	const struct name_group *big = groups_at(g, 0, &bigbuf);
	assert_int_equal(big->names, 3000);
	assert_int_equal(big->nlink, 3000);
	char *buf = NULL;
	size_t cap = 0;
	char want[PATH_MAX];
	assert_string_equal(groups_path(g, big, 0, &buf, &cap),
			    unit_path(want, root, "big/0"));
	assert_string_equal(groups_path(g, big, 1, &buf, &cap),
			    unit_path(want, root, "big/1"));
	assert_string_equal(groups_path(g, big, 2, &buf, &cap),
			    unit_path(want, root, "big/10"));
	/* then p/000/f (with q/499), ..., p/499/f */
	for (int i = 0; i < 500; i++) {
		const struct name_group *gr =
			groups_at(g, 1 + (size_t)i, &gbuf);
		char rel[64];
		snprintf(rel, sizeof rel, "p/%03d/f", i);
		assert_string_equal(groups_path(g, gr, 0, &buf, &cap),
				    unit_path(want, root, rel));
		snprintf(rel, sizeof rel, "q/%03d", 499 - i);
		assert_string_equal(groups_path(g, gr, 1, &buf, &cap),
				    unit_path(want, root, rel));
	}
	free(buf);
	groups_free(g);
	unit_rmtree(d);
}

static void test_covered(void **state)
{
	(void)state;
	char *d = unit_tmpdir();
	put(d, "a/b/f", "1");
	char a[PATH_MAX], b[PATH_MAX], f[PATH_MAX], c[PATH_MAX];
	unit_path(a, d, "a");
	unit_path(b, d, "a/b");
	unit_path(f, d, "a/b/f");
	unit_path(c, d, "c");
	mkdir(c, 0755);
	char *paths[] = {b, a, f, c, a};
	struct hln_stat sts[5];
	int ok[5];
	for (int i = 0; i < 5; i++)
		ok[i] = hln_stat_path(paths[i], HLN_FOLLOW, &sts[i]) == 0;
	assert_int_equal(groups_covered(5, paths, sts, ok, 0), 1); /* in a */
	assert_int_equal(groups_covered(5, paths, sts, ok, 1), 0); /* first a */
	assert_int_equal(groups_covered(5, paths, sts, ok, 2), 1); /* a file */
	assert_int_equal(groups_covered(5, paths, sts, ok, 3), 0);
	assert_int_equal(groups_covered(5, paths, sts, ok, 4), 1); /* again */
	ok[1] = ok[4] = 0; /* a could not be stat'ed: nothing covers b */
	assert_int_equal(groups_covered(5, paths, sts, ok, 0), 0);
	assert_int_equal(groups_covered(5, paths, sts, ok, 2), 1); /* in b */
	unit_rmtree(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linked_groups),
		cmocka_unit_test(test_all_files),
		cmocka_unit_test(test_bytewise_order),
		cmocka_unit_test(test_two_roots),
		cmocka_unit_test(test_filter_and_errors),
		cmocka_unit_test(test_own_walk),
		cmocka_unit_test(test_large),
		cmocka_unit_test(test_visit),
		cmocka_unit_test(test_covered),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
