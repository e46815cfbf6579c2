/*
 * test_linktree.c - a tree replicated by links on real temporary trees:
 * files linked, directories made with the source's mode and times,
 * symlinks recreated; existing names kept, replaced or already linked;
 * the names made by a run never replaced; -n; a tree deeper than
 * PATH_MAX; a tree into itself; a failing mkdir; the set of names made.
 */
#include "unit.h"

#include <dirent.h>
#include <sys/time.h>

#include "hln.h"
#include "hln/copy.h"
#include "hln/linktree.h"
#include "hln/platform.h"

/* What the callbacks saw. */
struct seen {
	pthread_mutex_t lock;
	int linked, already, failed, asked;
	enum linktree_fail why; /* of the last failure */
	int err;
	char dest[PATH_MAX]; /* of the last failure */
	int answer; /* what ask returns */
};

static void on_made(void *ctx, const char *dest, const char *src,
		    enum linktree_made what)
{
	struct seen *s = ctx;
	(void)dest, (void)src;
	pthread_mutex_lock(&s->lock);
	if (what == LINKTREE_LINKED)
		s->linked++;
	else
		s->already++;
	pthread_mutex_unlock(&s->lock);
}

static void on_failed(void *ctx, const char *src, const char *dest,
		      enum linktree_fail why, int err)
{
	struct seen *s = ctx;
	(void)src;
	pthread_mutex_lock(&s->lock);
	s->failed++;
	s->why = why;
	s->err = err;
	snprintf(s->dest, sizeof s->dest, "%s", dest);
	pthread_mutex_unlock(&s->lock);
}

static int on_ask(void *ctx, const char *dest)
{
	struct seen *s = ctx;
	(void)dest;
	s->asked++;
	return s->answer;
}

static const struct linktree_cb cb = {on_made, on_failed, on_ask};

struct fixture {
	char *dir;
	struct seen seen;
	struct linktree_opts o;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->dir = unit_tmpdir();
	pthread_mutex_init(&f->seen.lock, NULL);
	f->o.cb = &cb;
	f->o.ctx = &f->seen;
	f->o.progress_force = -1;
	assert_int_equal(chdir(f->dir), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	unit_failpoints_off();
	assert_int_equal(chdir("/"), 0);
	pthread_mutex_destroy(&f->seen.lock);
	unit_rmtree(f->dir);
	free(f);
	return 0;
}

static void reset(struct fixture *f)
{
	pthread_mutex_t lock = f->seen.lock;
	memset(&f->seen, 0, sizeof f->seen);
	f->seen.lock = lock;
}

static void same_inode(const char *a, const char *b)
{
	uint64_t ia = unit_ino(a), ib = unit_ino(b);
	if (!ia || ia != ib)
		fail_msg("%s and %s are not one inode", a, b);
}

/* src/: f, sub/g, sub/deep/h (0555 dir, old mtime), sl -> f, empty/ */
static void make_src(void)
{
	assert_int_equal(mkdir("src", 0755), 0);
	assert_int_equal(mkdir("src/sub", 0750), 0);
	assert_int_equal(mkdir("src/sub/deep", 0755), 0);
	assert_int_equal(mkdir("src/empty", 0700), 0);
	unit_write_file("src/f", "f");
	unit_write_file("src/sub/g", "g");
	unit_write_file("src/sub/deep/h", "h");
	assert_int_equal(symlink("f", "src/sl"), 0);
	struct timespec ts[2] = {{1000000000, 123456789},
				 {1000000000, 123456789}};
	assert_int_equal(utimensat(AT_FDCWD, "src/sub", ts, 0), 0);
	assert_int_equal(chmod("src/sub/deep", 0555), 0);
}

static void test_replicate(void **state)
{
	struct fixture *f = *state;
	make_src();
	assert_int_equal(linktree_make("src", "dst", &f->o), HLN_EXIT_OK);
	assert_int_equal(f->seen.failed, 0);
	assert_int_equal(f->seen.linked, 4);
	same_inode("src/f", "dst/f");
	same_inode("src/sub/g", "dst/sub/g");
	same_inode("src/sub/deep/h", "dst/sub/deep/h");
	char text[64];
	ssize_t n = readlink("dst/sl", text, sizeof text - 1);
	assert_int_equal(n, 1);
	assert_memory_equal(text, "f", 1);
	struct stat a, b;
	assert_int_equal(stat("src/sub", &a), 0);
	assert_int_equal(stat("dst/sub", &b), 0);
	assert_int_equal(b.st_mode & 07777, 0750);
	assert_int_equal(b.st_mtim.tv_sec, a.st_mtim.tv_sec);
	assert_int_equal(b.st_mtim.tv_nsec, a.st_mtim.tv_nsec);
	assert_int_equal(stat("dst/sub/deep", &b), 0);
	assert_int_equal(b.st_mode & 07777, 0555);
	assert_int_equal(stat("dst/empty", &b), 0);
	assert_int_equal(b.st_mode & 07777, 0700);
	/* again: every name is there, already linked (the symlink anew) */
	reset(f);
	assert_int_equal(linktree_make("src", "dst", &f->o), HLN_EXIT_FAIL);
	assert_int_equal(f->seen.already, 3);
	assert_int_equal(f->seen.failed, 1); /* the symlink: EEXIST */
	assert_int_equal(f->seen.err, -EEXIST);
	chmod("src/sub/deep", 0755);
	chmod("dst/sub/deep", 0755);
}

static void test_existing(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(mkdir("src", 0755), 0);
	assert_int_equal(mkdir("dst", 0755), 0);
	assert_int_equal(mkdir("dst/d", 0755), 0);
	unit_write_file("src/a", "new");
	unit_write_file("src/d", "file where a directory is");
	assert_int_equal(symlink("a", "src/sl"), 0);
	unit_write_file("dst/a", "old");
	unit_write_file("dst/sl", "old");
	uint64_t old = unit_ino("dst/a");
	/* kept, with EEXIST; a directory in the way is never replaced */
	assert_int_equal(linktree_make("src", "dst", &f->o), HLN_EXIT_FAIL);
	assert_int_equal(f->seen.failed, 3);
	assert_int_equal(unit_ino("dst/a"), old);
	/* asked, and declined */
	reset(f);
	f->o.replace = LINKTREE_ASK;
	assert_int_equal(linktree_make("src", "dst", &f->o), HLN_EXIT_FAIL);
	assert_int_equal(f->seen.asked, 2);
	assert_int_equal(f->seen.failed, 1);
	assert_int_equal(f->seen.why, LINKTREE_DEST_IS_DIR);
	assert_int_equal(unit_ino("dst/a"), old);
	/* no answer to be had: a failure, nothing replaced */
	reset(f);
	f->seen.answer = -1;
	assert_int_equal(linktree_make("src", "dst", &f->o), HLN_EXIT_FAIL);
	assert_int_equal(unit_ino("dst/a"), old);
	/* forced: replaced atomically, no temporary left */
	reset(f);
	f->o.replace = LINKTREE_FORCE;
	assert_int_equal(linktree_make("src", "dst", &f->o), HLN_EXIT_FAIL);
	assert_int_equal(f->seen.failed, 1);
	assert_int_equal(f->seen.why, LINKTREE_DEST_IS_DIR);
	same_inode("src/a", "dst/a");
	char text[8] = "";
	assert_int_equal(readlink("dst/sl", text, sizeof text - 1), 1);
	assert_int_equal(unit_count_prefix("dst", ".hln-"), 0);
}

static void test_just_made(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(mkdir("a", 0755), 0);
	assert_int_equal(mkdir("b", 0755), 0);
	unit_write_file("a/x", "a");
	unit_write_file("b/x", "b");
	unit_write_file("b/y", "b");
	struct made made;
	made_init(&made);
	f->o.made = &made;
	f->o.replace = LINKTREE_FORCE;
	assert_int_equal(linktree_make("a", "c", &f->o), HLN_EXIT_OK);
	assert_int_equal(linktree_make("b", "c", &f->o), HLN_EXIT_FAIL);
	assert_int_equal(f->seen.failed, 1);
	assert_int_equal(f->seen.why, LINKTREE_JUST_MADE);
	assert_string_equal(f->seen.dest, "c/x");
	same_inode("a/x", "c/x");
	same_inode("b/y", "c/y");
	made_free(&made);
}

static void test_made_set(void **state)
{
	(void)state;
	struct made m;
	made_init(&m);
	assert_false(made_has(&m, 1, 2, "x"));
	char name[32];
	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof name, "n%d", i);
		assert_int_equal(made_add(&m, 1, (uint64_t)i % 7, name), 0);
	}
	assert_int_equal(made_add(&m, 1, 0, "n0"), 0); /* once only */
	assert_int_equal(m.count, 1000);
	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof name, "n%d", i);
		assert_true(made_has(&m, 1, (uint64_t)i % 7, name));
		assert_false(made_has(&m, 2, (uint64_t)i % 7, name));
		assert_false(made_has(&m, 1, (uint64_t)i % 7 + 7, name));
	}
	assert_false(made_has(&m, 1, 0, "n"));
	made_free(&m);
}

static void test_dry_run(void **state)
{
	struct fixture *f = *state;
	make_src();
	f->o.dry_run = 1;
	assert_int_equal(linktree_make("src", "dst", &f->o), HLN_EXIT_OK);
	assert_int_equal(f->seen.linked, 4);
	struct stat sb;
	assert_int_equal(lstat("dst", &sb), -1);
	chmod("src/sub/deep", 0755);
}

/* 40 levels of 205-byte names: paths of 8,000 bytes and more. */
static void test_deep(void **state)
{
	struct fixture *f = *state;
	char name[256];
	assert_int_equal(mkdir("src", 0755), 0);
	int fd = open("src", O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof name, "d%03d%0200d", i, 0);
		assert_int_equal(mkdirat(fd, name, 0755), 0);
		int sub = openat(fd, name, O_RDONLY | O_DIRECTORY);
		assert_true(sub >= 0);
		close(fd);
		fd = sub;
	}
	int leaf = openat(fd, "leaf", O_CREAT | O_WRONLY, 0644);
	assert_true(leaf >= 0);
	close(leaf);
	struct stat want;
	assert_int_equal(fstatat(fd, "leaf", &want, 0), 0);
	close(fd);
	assert_int_equal(linktree_make("src", "dst", &f->o), HLN_EXIT_OK);
	assert_int_equal(f->seen.failed, 0);
	assert_int_equal(f->seen.linked, 1);
	fd = open("dst", O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof name, "d%03d%0200d", i, 0);
		int sub = openat(fd, name, O_RDONLY | O_DIRECTORY);
		assert_true(sub >= 0);
		close(fd);
		fd = sub;
	}
	struct stat got;
	assert_int_equal(fstatat(fd, "leaf", &got, 0), 0);
	close(fd);
	assert_int_equal(got.st_ino, want.st_ino);
	/* nftw cannot remove a tree this deep: rm(1) works by descriptor */
	assert_int_equal(system("rm -rf src dst"), 0);
}

static void test_refused(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(mkdir("a", 0755), 0);
	assert_int_equal(linktree_make("a", "a/b", &f->o), HLN_EXIT_FAIL);
	assert_int_equal(f->seen.why, LINKTREE_INTO_ITSELF);
	reset(f);
	assert_int_equal(linktree_make("nowhere", "x", &f->o), HLN_EXIT_FAIL);
	assert_int_equal(f->seen.err, -ENOENT);
	reset(f);
	assert_int_equal(linktree_make("a", "missing/x", &f->o), HLN_EXIT_FAIL);
	assert_int_equal(f->seen.err, -ENOENT);
	assert_string_equal(f->seen.dest, "missing/x");
}

static void test_mkdir_fails(void **state)
{
	struct fixture *f = *state;
	make_src();
	assert_int_equal(unit_failpoints("mkdir=2:ENOSPC"), 0);
	assert_int_equal(linktree_make("src", "dst", &f->o), HLN_EXIT_FAIL);
	unit_failpoints_off();
	assert_int_equal(f->seen.failed, 1);
	assert_int_equal(f->seen.err, -ENOSPC);
	assert_int_equal(strncmp(f->seen.dest, "dst/", 4), 0);
	chmod("src/sub/deep", 0755);
	chmod("dst/sub/deep", 0755);
}

/* Whether the current directory holds a name starting with ".hln-". */
static int hidden_left(void)
{
	DIR *d = opendir(".");
	assert_non_null(d);
	struct dirent *e;
	int found = 0;
	while ((e = readdir(d)))
		found |= strncmp(e->d_name, ".hln-", 5) == 0;
	closedir(d);
	return found;
}

/*
 * --reflink to a new name: the copy is made under a hidden name and
 * renamed into place; messages name DEST; where that rename fails, the
 * complete copy is left and said.
 */
static void test_reflink_new(void **state)
{
	struct fixture *f = *state;
	make_src();
	f->o.reflink = 1;
	f->o.when = COPY_REFLINK_AUTO;
	assert_int_equal(linktree_make("src", "dst", &f->o), HLN_EXIT_OK);
	assert_int_equal(f->seen.failed, 0);
	assert_int_equal(f->seen.already, 3); /* f, g, h cloned or copied */
	assert_int_equal(f->seen.linked, 1); /* the symlink */
	assert_false(hidden_left());
	char buf[8];
	assert_string_equal(unit_read_file("dst/sub/deep/h", buf, sizeof buf),
			    "h");
	assert_true(unit_ino("src/f") != unit_ino("dst/f"));
	struct stat a, b;
	assert_int_equal(stat("src/sub", &a), 0);
	assert_int_equal(stat("dst/sub", &b), 0);
	assert_int_equal(b.st_mode & 07777, 0750);
	assert_int_equal(b.st_mtim.tv_nsec, a.st_mtim.tv_nsec);
	reset(f);
	assert_int_equal(unit_failpoints("rename=1:EACCES"), 0);
	assert_int_equal(linktree_make("src", "dst2", &f->o), HLN_EXIT_FAIL);
	unit_failpoints_off();
	assert_int_equal(f->seen.why, LINKTREE_NOT_REVEALED);
	assert_int_equal(f->seen.err, -EACCES);
	assert_string_equal(f->seen.dest, "dst2");
	assert_true(hidden_left());
	assert_int_equal(access("dst2", F_OK), -1);
	chmod("src/sub/deep", 0755);
	chmod("dst/sub/deep", 0755);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_replicate), T(test_existing),    T(test_just_made),
		T(test_made_set),  T(test_dry_run),     T(test_deep),
		T(test_refused),   T(test_mkdir_fails), T(test_reflink_new),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
