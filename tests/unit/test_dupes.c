/*
 * test_dupes.c - the dedupe engine on real temporary trees: the size
 * parser, the sets found (keeper first, bytes freed), the rules that keep
 * inodes apart, a forged hash collision caught by the byte comparison,
 * the swap-time check, and the EMLINK hand-over.
 */
#include "unit.h"

#include <sys/xattr.h>

#include "hln/dupes.h"
#include "hln/platform.h"
#include "hln/replace.h"
#include "hln/walk.h"

struct fixture {
	char *dir;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->dir = unit_tmpdir();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	unit_failpoints_off();
	unsetenv("HLN_TEST_HOOK");
	unit_rmtree(f->dir);
	free(f);
	return 0;
}

/* DIR/NAME with LEN bytes: a pattern from SEED, byte AT flipped if >= 0. */
static void put(const char *dir, const char *name, size_t len, int seed,
		long at)
{
	char path[PATH_MAX];
	unsigned char *buf = malloc(len ? len : 1);
	assert_non_null(buf);
	for (size_t i = 0; i < len; i++)
		buf[i] = (unsigned char)(i * 31 + (size_t)seed * 7 + i / 251);
	if (at >= 0)
		buf[at] ^= 0x55;
	int fd = open(unit_path(path, dir, name), O_WRONLY | O_CREAT | O_TRUNC,
		      0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	close(fd);
	free(buf);
}

static uint64_t ino_of(const char *dir, const char *name)
{
	char path[PATH_MAX];
	return unit_ino(unit_path(path, dir, name));
}

static struct dupes_opts defaults(void)
{
	struct dupes_opts o;
	memset(&o, 0, sizeof o);
	o.min_size = 1;
	o.max_size = UINT64_MAX;
	o.threads = 2;
	return o;
}

static int errors;
static void count_error(void *ctx, const char *path, int err)
{
	(void)ctx, (void)path, (void)err;
	errors++;
}
static const struct dupes_ops ops = {count_error, NULL};

static void run(const char *dir, const struct dupes_opts *o,
		struct dupes_result *r)
{
	char *paths[] = {(char *)dir};
	errors = 0;
	assert_int_equal(dupes_run(paths, 1, o, &ops, NULL, r), 0);
}

/* ---- the size parser ---- */

static void test_parse_size(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		int rc;
		uint64_t v;
	} cases[] = {
		{"0", 0, 0},
		{"1", 0, 1},
		{"4096", 0, 4096},
		{"010", 0, 10}, /* decimal, not octal */
		{"10K", 0, 10240},
		{"10k", 0, 10240},
		{"3M", 0, 3u << 20},
		{"2G", 0, 2ull << 30},
		{"1T", 0, 1ull << 40},
		{"7B", 0, 7},
		{"18446744073709551615", 0, UINT64_MAX},
		{"18446744073709551616", -ERANGE, 0},
		{"16777216T", -ERANGE, 0},
		{"", -EINVAL, 0},
		{"K", -EINVAL, 0},
		{"-1", -EINVAL, 0},
		{" 1", -EINVAL, 0},
		{"1 ", -EINVAL, 0},
		{"1KB", -EINVAL, 0},
		{"1.5K", -EINVAL, 0},
		{"0x10", -EINVAL, 0},
		{"1X", -EINVAL, 0},
		{"99999999999999999999999999999", -ERANGE, 0},
	};
	for (size_t i = 0; i < UNIT_ARRAY_LEN(cases); i++) {
		uint64_t v = 12345;
		int rc = dupes_parse_size(cases[i].s, &v);
		if (rc != cases[i].rc)
			fail_msg("'%s': %d, expected %d", cases[i].s, rc,
				 cases[i].rc);
		if (rc == 0 && v != cases[i].v)
			fail_msg("'%s': %llu", cases[i].s,
				 (unsigned long long)v);
	}
	assert_int_equal(dupes_parse_size(NULL, NULL), -EINVAL);
}

/* ---- finding ---- */

static void test_find_sets(void **state)
{
	struct fixture *f = *state;
	/* a set of three, a set of two, decoys of the same size */
	put(f->dir, "a1", 20000, 1, -1);
	put(f->dir, "a2", 20000, 1, -1);
	put(f->dir, "a3", 20000, 1, -1);
	put(f->dir, "first", 20000, 1, 0);
	put(f->dir, "middle", 20000, 1, 10000);
	put(f->dir, "last", 20000, 1, 19999);
	put(f->dir, "b1", 100, 2, -1);
	put(f->dir, "b2", 100, 2, -1);
	put(f->dir, "lone", 300, 3, -1);
	put(f->dir, "empty1", 0, 0, -1);
	put(f->dir, "empty2", 0, 0, -1);
	struct dupes_opts o = defaults();
	o.find_only = 1;
	struct dupes_result r;
	run(f->dir, &o, &r);
	assert_int_equal(errors, 0);
	assert_int_equal(r.files, 9); /* empty files are not considered */
	assert_int_equal(r.sets, 2);
	assert_int_equal(r.nlist, 2);
	/* the set freeing most comes first, its first name first */
	assert_int_equal(r.list[0].n, 3);
	assert_int_equal(r.list[0].size, 20000);
	assert_non_null(strstr(r.list[0].v[0]->names[0].path, "/a1"));
	assert_non_null(strstr(r.list[0].v[1]->names[0].path, "/a2"));
	assert_non_null(strstr(r.list[0].v[2]->names[0].path, "/a3"));
	assert_int_equal(dupes_set_frees(&r.list[0]), 40000);
	assert_int_equal(r.list[1].n, 2);
	assert_int_equal(dupes_set_frees(&r.list[1]), 100);
	assert_int_equal(r.merged, 0);
	dupes_result_free(&r);
	/* nothing changed */
	assert_int_not_equal(ino_of(f->dir, "a1"), ino_of(f->dir, "a2"));
}

/*
 * Each candidate is read once: the first 4 KiB of every file of a size
 * held by more than two, then every file of a set once in full as it is
 * compared with the keeper (no second read for a hash); a set of two is
 * compared directly.  The progress counts what was read.
 */
static void test_read_once(void **state)
{
	struct fixture *f = *state;
	put(f->dir, "a1", 300000, 6, -1);
	put(f->dir, "a2", 300000, 6, -1);
	put(f->dir, "a3", 300000, 6, -1);
	put(f->dir, "a4", 300000, 6, -1);
	put(f->dir, "p1", 70000, 7, -1);
	put(f->dir, "p2", 70000, 7, -1);
	put(f->dir, "u1", 5000, 8, -1);
	put(f->dir, "u2", 5000, 9, -1);
	put(f->dir, "u3", 5000, 10, -1);
	struct walk_progress counts = {.reads = 1};
	struct dupes_opts o = defaults();
	o.find_only = 1;
	o.progress = &counts;
	struct dupes_result r;
	run(f->dir, &o, &r);
	assert_int_equal(errors, 0);
	assert_int_equal(r.sets, 2);
	assert_int_equal(atomic_load(&counts.candidates), 9);
	/* the prefixes of the four, each of them once; the pair once; the
	 * prefixes of the three that differ */
	assert_int_equal(atomic_load(&counts.bytes),
			 4 * 4096 + 4 * 300000 + 2 * 70000 + 3 * 4096);
	dupes_result_free(&r);
}

static void test_merge_and_keeper(void **state)
{
	struct fixture *f = *state;
	char p1[PATH_MAX], p2[PATH_MAX];
	put(f->dir, "x", 5000, 4, -1);
	put(f->dir, "y", 5000, 4, -1);
	put(f->dir, "z", 5000, 4, -1);
	/* z has the most links: it is the keeper, though it sorts last */
	assert_int_equal(
		link(unit_path(p1, f->dir, "z"), unit_path(p2, f->dir, "z2")),
		0);
	uint64_t keep = ino_of(f->dir, "z");
	struct dupes_opts o = defaults();
	struct dupes_result r;
	run(f->dir, &o, &r);
	assert_int_equal(errors, 0);
	assert_int_equal(r.files, 3);
	assert_int_equal(r.sets, 1);
	assert_int_equal(r.merged, 2);
	assert_int_equal(r.names, 2);
	assert_int_equal(r.freed, 10000);
	assert_int_equal(ino_of(f->dir, "x"), keep);
	assert_int_equal(ino_of(f->dir, "y"), keep);
	assert_int_equal(unit_count_prefix(f->dir, ".hln-"), 0);
	dupes_result_free(&r);
	/* again: one inode, one file, nothing to do */
	run(f->dir, &o, &r);
	assert_int_equal(r.files, 1);
	assert_int_equal(r.sets, 0);
	dupes_result_free(&r);
}

static void test_dry_run(void **state)
{
	struct fixture *f = *state;
	put(f->dir, "x", 5000, 4, -1);
	put(f->dir, "y", 5000, 4, -1);
	struct dupes_opts o = defaults();
	o.dry_run = 1;
	struct dupes_result r;
	run(f->dir, &o, &r);
	assert_int_equal(r.merged, 1);
	assert_int_equal(r.names, 1);
	assert_int_equal(r.freed, 5000);
	assert_non_null(r.list[0].v[1]->names[0].to);
	dupes_result_free(&r);
	assert_int_not_equal(ino_of(f->dir, "x"), ino_of(f->dir, "y"));
}

static void test_rules_metadata(void **state)
{
	struct fixture *f = *state;
	char p[PATH_MAX];
	put(f->dir, "k", 3000, 5, -1);
	put(f->dir, "mode", 3000, 5, -1);
	chmod(unit_path(p, f->dir, "mode"), 0600);
	put(f->dir, "xattr", 3000, 5, -1);
	/* the portable build sees no extended attributes */
	int have_xattr =
		!unit_portable() && setxattr(unit_path(p, f->dir, "xattr"),
					     "user.t", "v", 1, 0) == 0;
	struct dupes_opts o = defaults();
	struct dupes_result r;
	run(f->dir, &o, &r);
	assert_int_equal(r.sets, 1);
	assert_int_equal(r.skipped[DUPES_METADATA], have_xattr ? 2 : 1);
	assert_int_equal(r.merged, have_xattr ? 0 : 1);
	dupes_result_free(&r);
	assert_int_not_equal(ino_of(f->dir, "mode"), ino_of(f->dir, "k"));
	if (have_xattr)
		assert_int_not_equal(ino_of(f->dir, "xattr"),
				     ino_of(f->dir, "k"));
	/* the bytes alone (-c) */
	o.ignore_owner = o.ignore_mode = o.ignore_xattrs = 1;
	run(f->dir, &o, &r);
	assert_int_equal(r.skipped[DUPES_METADATA], 0);
	dupes_result_free(&r);
	assert_int_equal(ino_of(f->dir, "mode"), ino_of(f->dir, "k"));
	assert_int_equal(ino_of(f->dir, "xattr"), ino_of(f->dir, "k"));
}

static void test_rules_outside(void **state)
{
	struct fixture *f = *state;
	char p[PATH_MAX], q[PATH_MAX];
	char *other = unit_tmpdir();
	put(f->dir, "k", 3000, 5, -1);
	put(f->dir, "extra", 3000, 5, -1);
	put(f->dir, "plain", 3000, 5, -1);
	/* the keeper k has three names; extra has one outside the tree */
	assert_int_equal(
		link(unit_path(p, f->dir, "k"), unit_path(q, f->dir, "k.2")),
		0);
	assert_int_equal(link(p, unit_path(q, f->dir, "k.3")), 0);
	assert_int_equal(
		link(unit_path(p, f->dir, "extra"), unit_path(q, other, "o")),
		0);
	struct dupes_opts o = defaults();
	struct dupes_result r;
	run(f->dir, &o, &r);
	assert_int_equal(r.skipped[DUPES_OUTSIDE], 1);
	assert_int_equal(r.merged, 1);
	assert_int_equal(r.freed, 3000);
	dupes_result_free(&r);
	assert_int_not_equal(ino_of(f->dir, "extra"), ino_of(f->dir, "k"));
	assert_int_equal(ino_of(f->dir, "plain"), ino_of(f->dir, "k"));
	unit_rmtree(other);
}

static void test_collision_caught(void **state)
{
	struct fixture *f = *state;
	/* larger than the prefix, so the whole-content hash is used */
	put(f->dir, "a", 10000, 6, -1);
	put(f->dir, "b", 10000, 6, -1);
	put(f->dir, "c", 10000, 6, 9000);
	put(f->dir, "d", 10000, 6, 5000);
	put(f->dir, "e", 10000, 6, 5000);
	/* every file hashes alike: the byte comparison must tell */
	assert_int_equal(unit_failpoints("hash_collide=*:EIO"), 0);
	struct dupes_opts o = defaults();
	struct dupes_result r;
	run(f->dir, &o, &r);
	unit_failpoints_off();
	assert_int_equal(errors, 0);
	assert_int_equal(r.sets, 2);
	assert_int_equal(r.merged, 2);
	dupes_result_free(&r);
	assert_int_equal(ino_of(f->dir, "a"), ino_of(f->dir, "b"));
	assert_int_not_equal(ino_of(f->dir, "a"), ino_of(f->dir, "c"));
	assert_int_not_equal(ino_of(f->dir, "a"), ino_of(f->dir, "d"));
	assert_int_equal(ino_of(f->dir, "d"), ino_of(f->dir, "e"));
	assert_int_equal(unit_count_prefix(f->dir, ".hln-"), 0);
}

static void test_changed_at_swap(void **state)
{
	struct fixture *f = *state;
	char p[PATH_MAX], cmd[PATH_MAX * 2];
	put(f->dir, "a", 5000, 7, -1);
	put(f->dir, "b", 5000, 7, -1);
	uint64_t b = ino_of(f->dir, "b");
	/* b is rewritten in place after the comparison, before the swap */
	snprintf(cmd, sizeof cmd, "dedupe_swap:printf x >> '%s'",
		 unit_path(p, f->dir, "b"));
	setenv("HLN_TEST_HOOK", cmd, 1);
	struct dupes_opts o = defaults();
	struct dupes_result r;
	run(f->dir, &o, &r);
	unsetenv("HLN_TEST_HOOK");
	assert_int_equal(r.merged, 0);
	assert_int_equal(r.skipped[DUPES_CHANGED], 1);
	dupes_result_free(&r);
	assert_int_equal(ino_of(f->dir, "b"), b);
	struct stat sb;
	assert_int_equal(stat(p, &sb), 0);
	assert_int_equal(sb.st_size, 5001);
	assert_int_equal(unit_count_prefix(f->dir, ".hln-"), 0);
}

static void test_emlink_hands_over(void **state)
{
	struct fixture *f = *state;
	put(f->dir, "a", 5000, 8, -1);
	put(f->dir, "b", 5000, 8, -1);
	put(f->dir, "c", 5000, 8, -1);
	/* the first link to the keeper a finds it full */
	assert_int_equal(unit_failpoints("link=1:EMLINK"), 0);
	struct dupes_opts o = defaults();
	struct dupes_result r;
	run(f->dir, &o, &r);
	unit_failpoints_off();
	assert_int_equal(errors, 0);
	assert_int_equal(r.failed, 0);
	assert_int_equal(r.merged, 1);
	dupes_result_free(&r);
	assert_int_not_equal(ino_of(f->dir, "a"), ino_of(f->dir, "b"));
	assert_int_equal(ino_of(f->dir, "b"), ino_of(f->dir, "c"));
	assert_int_equal(unit_count_prefix(f->dir, ".hln-"), 0);
}

static void test_read_error(void **state)
{
	struct fixture *f = *state;
	put(f->dir, "a", 5000, 9, -1);
	put(f->dir, "b", 5000, 9, -1);
	assert_int_equal(unit_failpoints("read=2:EIO"), 0);
	struct dupes_opts o = defaults();
	o.threads = 1;
	struct dupes_result r;
	run(f->dir, &o, &r);
	unit_failpoints_off();
	assert_int_equal(errors, 1);
	assert_int_equal(r.failed, 1);
	assert_int_equal(r.merged, 0);
	dupes_result_free(&r);
	assert_int_not_equal(ino_of(f->dir, "a"), ino_of(f->dir, "b"));
}

static void test_sizes_and_exclude(void **state)
{
	struct fixture *f = *state;
	char p[PATH_MAX];
	put(f->dir, "s1", 10, 1, -1);
	put(f->dir, "s2", 10, 1, -1);
	put(f->dir, "m1", 2000, 1, -1);
	put(f->dir, "m2", 2000, 1, -1);
	put(f->dir, "m3.tmp", 2000, 1, -1);
	mkdir(unit_path(p, f->dir, "skip"), 0755);
	put(p, "m4", 2000, 1, -1);
	struct dupes_opts o = defaults();
	o.find_only = 1;
	o.min_size = 11;
	o.max_size = 2000;
	char *ex[] = {"*.tmp", "skip"};
	o.exclude = ex;
	o.nexclude = 2;
	struct dupes_result r;
	run(f->dir, &o, &r);
	assert_int_equal(r.files, 2);
	assert_int_equal(r.sets, 1);
	assert_int_equal(r.list[0].n, 2);
	dupes_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test_setup_teardown(test_find_sets, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_read_once, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_merge_and_keeper, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dry_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rules_metadata, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rules_outside, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_collision_caught, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_changed_at_swap, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_emlink_hands_over, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_read_error, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sizes_and_exclude, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
