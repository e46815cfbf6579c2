/*
 * test_copy.c - independent copies: copy_data keeps bytes and holes and
 * says clone or copy, copy_meta keeps times, mode and xattrs, copy_break
 * leaves every other name on the original and, on every failure, the name
 * and the original untouched with no temporary left.
 */
#include "unit.h"

#include <sys/xattr.h>

#include "hln/copy.h"
#include "hln/platform.h"

struct fixture {
	char *dir;
	char f[PATH_MAX], g[PATH_MAX];
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);
	assert_non_null(fx);
	fx->dir = unit_tmpdir();
	unit_write_file(unit_path(fx->f, fx->dir, "f"), "some bytes");
	unit_path(fx->g, fx->dir, "g");
	assert_int_equal(link(fx->f, fx->g), 0);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	unit_failpoints_off();
	unit_rmtree(fx->dir);
	free(fx);
	return 0;
}

static void test_break_basic(void **state)
{
	struct fixture *fx = *state;
	uint64_t orig = unit_ino(fx->f);
	struct copy_result r;
	assert_int_equal(copy_break(NULL, fx->f, COPY_REFLINK_NEVER, &r), 0);
	assert_int_equal(r.nothing, 0);
	assert_int_equal(r.cloned, 0);
	assert_int_equal(r.attempts, 1);
	assert_int_equal(r.bytes, 10);
	assert_int_not_equal(unit_ino(fx->f), orig);
	assert_int_equal(unit_ino(fx->g), orig);
	char buf[64];
	assert_string_equal(unit_read_file(fx->f, buf, sizeof buf),
			    "some bytes");
	assert_int_equal(unit_count_prefix(fx->dir, ".hln-"), 0);
	/* now one link each: nothing to do */
	assert_int_equal(copy_break(NULL, fx->f, COPY_REFLINK_AUTO, &r), 0);
	assert_int_equal(r.nothing, 1);
}

static void test_break_refuses(void **state)
{
	struct fixture *fx = *state;
	char sym[PATH_MAX], sub[PATH_MAX];
	struct copy_result r;
	assert_int_equal(symlink("f", unit_path(sym, fx->dir, "sym")), 0);
	assert_int_equal(copy_break(NULL, sym, COPY_REFLINK_AUTO, &r), -ELOOP);
	assert_int_equal(mkdir(unit_path(sub, fx->dir, "sub"), 0755), 0);
	assert_int_equal(copy_break(NULL, sub, COPY_REFLINK_AUTO, &r), -EISDIR);
	assert_int_equal(
		copy_break(NULL, "/nonexistent/x", COPY_REFLINK_AUTO, &r),
		-ENOENT);
}

/* Every failure: F and G still the original inode, no temporary. */
static void test_break_failures(void **state)
{
	struct fixture *fx = *state;
	static const struct {
		const char *fp;
		int rc;
	} cases[] = {
		{"open=1:EACCES", -EACCES},
		{"tmpfile=1:ENOSPC", -ENOSPC},
		{"copy_range=1:ENOSPC", -ENOSPC},
		{"copy_range=1:EIO", -EIO},
		{"statfs=1:EIO", -EIO},
		{"setmeta=1:EPERM", -EPERM},
		{"sync=1:EIO", -EIO},
		{"rename=1:EIO", -EIO},
		{"xattr_list=1:EIO", -EIO},
		{"truncate=1:EDQUOT", -EDQUOT},
		{"copy_range=1:ENOSYS,write=1:ENOSPC", -ENOSPC},
		{"copy_range=1:ENOSYS,read=1:EIO", -EIO},
		/* EOPNOTSUPP (95) with --reflink=always: cloning is impossible
		 */
		{"clone=1:95", -EOPNOTSUPP},
	};
	uint64_t orig = unit_ino(fx->f);
	for (size_t i = 0; i < UNIT_ARRAY_LEN(cases); i++) {
		struct copy_result r;
		enum copy_reflink how = cases[i].rc == -EOPNOTSUPP
						? COPY_REFLINK_ALWAYS
						: COPY_REFLINK_NEVER;
		assert_int_equal(unit_failpoints(cases[i].fp), 0);
		int rc = copy_break(NULL, fx->f, how, &r);
		unit_failpoints_off();
		if (rc != cases[i].rc)
			fprintf(stderr, "case %s: %d\n", cases[i].fp, rc);
		assert_int_equal(rc, cases[i].rc);
		assert_int_equal(unit_ino(fx->f), orig);
		assert_int_equal(unit_ino(fx->g), orig);
		assert_int_equal(unit_count_prefix(fx->dir, ".hln-"), 0);
	}
}

/* Without O_TMPFILE, exchange and copy_file_range: the portable path. */
static void test_break_portable_path(void **state)
{
	struct fixture *fx = *state;
	uint64_t orig = unit_ino(fx->f);
	struct copy_result r;
	assert_int_equal(unit_failpoints("tmpfile=*:ENOSYS,rename=1:ENOSYS,"
					 "copy_range=*:ENOSYS"),
			 0);
	assert_int_equal(copy_break(NULL, fx->f, COPY_REFLINK_AUTO, &r), 0);
	unit_failpoints_off();
	assert_int_not_equal(unit_ino(fx->f), orig);
	assert_int_equal(unit_ino(fx->g), orig);
	assert_int_equal(r.bytes, 10);
	assert_int_equal(unit_count_prefix(fx->dir, ".hln-"), 0);
}

/*
 * NAME in an open directory, from another working directory: the copy,
 * its temporary name and the swap are all made relative to it, with and
 * without O_TMPFILE and exchange.
 */
static void test_break_at(void **state)
{
	struct fixture *fx = *state;
	char cwd[PATH_MAX];
	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(chdir("/"), 0);
	static const char *const fps[] = {
		NULL,
		"tmpfile=*:ENOSYS,rename=1:ENOSYS,copy_range=*:ENOSYS",
	};
	for (size_t i = 0; i < UNIT_ARRAY_LEN(fps); i++) {
		char h[PATH_MAX];
		assert_int_equal(link(fx->g, unit_path(h, fx->dir, "h")), 0);
		uint64_t orig = unit_ino(fx->g);
		struct hln_dir *d;
		assert_int_equal(hln_dir_open(fx->dir, 0, &d), 0);
		if (fps[i])
			assert_int_equal(unit_failpoints(fps[i]), 0);
		struct copy_result r;
		int rc = copy_break(d, "h", COPY_REFLINK_NEVER, &r);
		unit_failpoints_off();
		hln_dir_close(d);
		assert_int_equal(rc, 0);
		assert_int_equal(r.bytes, 10);
		assert_int_not_equal(unit_ino(h), orig);
		assert_int_equal(unit_ino(fx->g), orig);
		char buf[64];
		assert_string_equal(unit_read_file(h, buf, sizeof buf),
				    "some bytes");
		assert_int_equal(unit_count_prefix(fx->dir, ".hln-"), 0);
		assert_int_equal(unlink(h), 0);
	}
	assert_int_equal(chdir(cwd), 0);
}

static void test_meta(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(chmod(fx->f, 0640), 0);
	struct timespec ts[2] = {{1500000000, 123456789}, {1600000000, 987}};
	assert_int_equal(utimensat(AT_FDCWD, fx->f, ts, 0), 0);
	int have_xattr = setxattr(fx->f, "user.k", "v1", 2, 0) == 0;
	struct copy_result r;
	assert_int_equal(copy_break(NULL, fx->f, COPY_REFLINK_AUTO, &r), 0);
	struct stat sb;
	assert_int_equal(stat(fx->f, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0640);
	assert_int_equal(sb.st_nlink, 1);
	assert_int_equal(sb.st_atim.tv_sec, 1500000000);
	assert_int_equal(sb.st_atim.tv_nsec, 123456789);
	assert_int_equal(sb.st_mtim.tv_sec, 1600000000);
	assert_int_equal(sb.st_mtim.tv_nsec, 987);
	if (have_xattr) {
		char v[8] = "";
		ssize_t n = getxattr(fx->f, "user.k", v, sizeof v);
		/* the portable path has no xattrs: then none */
		if (n >= 0) {
			assert_int_equal(n, 2);
			assert_memory_equal(v, "v1", 2);
		}
	}
}

/* A sparse file: holes stay holes, the size and bytes are kept. */
static void test_sparse(void **state)
{
	struct fixture *fx = *state;
	char sp[PATH_MAX], sp2[PATH_MAX];
	int fd = open(unit_path(sp, fx->dir, "sp"), O_RDWR | O_CREAT, 0644);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, "x", 1, 32 << 20), 1);
	assert_int_equal(close(fd), 0);
	assert_int_equal(link(sp, unit_path(sp2, fx->dir, "sp2")), 0);
	struct copy_result r;
	assert_int_equal(copy_break(NULL, sp, COPY_REFLINK_NEVER, &r), 0);
	struct stat sb;
	assert_int_equal(stat(sp, &sb), 0);
	assert_int_equal(sb.st_size, (32 << 20) + 1);
	assert_true(sb.st_blocks * 512 < (1 << 20));
	/* the same with zero runs found by reading (no SEEK_DATA) */
	assert_int_equal(link(sp, unit_path(sp2, fx->dir, "sp3")), 0);
	assert_int_equal(unit_failpoints("seek=*:ENOSYS,copy_range=*:ENOSYS"),
			 0);
	assert_int_equal(copy_break(NULL, sp, COPY_REFLINK_NEVER, &r), 0);
	unit_failpoints_off();
	assert_int_equal(stat(sp, &sb), 0);
	assert_int_equal(sb.st_size, (32 << 20) + 1);
	assert_true(sb.st_blocks * 512 < (1 << 20));
	assert_int_equal(r.bytes, (32 << 20) + 1);
	char c = 0;
	fd = open(sp, O_RDONLY);
	assert_int_equal(pread(fd, &c, 1, 32 << 20), 1);
	close(fd);
	assert_int_equal(c, 'x');
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_break_basic),    T(test_break_refuses),
		T(test_break_failures), T(test_break_portable_path),
		T(test_break_at),       T(test_meta),
		T(test_sparse),
	};
#undef T
	return cmocka_run_group_tests_name("copy", tests, NULL, NULL);
}
