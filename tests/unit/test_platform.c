/*
 * test_platform.c - the platform layer on real files: stat, link, rename,
 * unlink, mkdir, readlink, mount points, link limits, the process helpers,
 * the directory functions, and a failpoint at every operation.
 */
#include "unit.h"

#include <signal.h>
#include <sys/statfs.h>
#include <sys/time.h>

#include "hln/platform.h"

#define EXT4_MAGIC 0xEF53
#define FILE_SIZE 1234

/*
 * A directory holding:
 *   file (FILE_SIZE bytes, mode 0640)   dir/         fifo
 *   sym -> file    dsym -> dir    loop -> loop
 */
struct fixture {
	char *dir;
	char mnt[PATH_MAX]; /* a tmpfs mounted by the test, or "" */
};

/* DIR/NAME of the fixture, in one of a few rotating buffers. */
static const char *P(const struct fixture *f, const char *name)
{
	static char bufs[4][PATH_MAX];
	static unsigned next;
	return unit_path(bufs[next++ % 4], f->dir, name);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->dir = unit_tmpdir();
	char text[FILE_SIZE + 1];
	memset(text, 'x', FILE_SIZE);
	text[FILE_SIZE] = '\0';
	unit_write_file(P(f, "file"), text);
	assert_int_equal(chmod(P(f, "file"), 0640), 0);
	assert_int_equal(mkdir(P(f, "dir"), 0755), 0);
	assert_int_equal(symlink("file", P(f, "sym")), 0);
	assert_int_equal(symlink("dir", P(f, "dsym")), 0);
	assert_int_equal(symlink("loop", P(f, "loop")), 0);
	assert_int_equal(mkfifo(P(f, "fifo"), 0600), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	unit_failpoints_off();
	if (f->mnt[0])
		unit_umount(f->mnt);
	unit_rmtree(f->dir);
	free(f);
	return 0;
}

/* Mount a tmpfs on the fixture's NAME (made here), or skip. */
static const char *mount_tmpfs(struct fixture *f, const char *name)
{
	unit_need_root("mount a tmpfs");
	unit_path(f->mnt, f->dir, name);
	assert_int_equal(mkdir(f->mnt, 0755), 0);
	int rc = unit_mount_tmpfs(f->mnt);
	if (rc < 0) {
		fprintf(stderr, "skipped: cannot mount tmpfs: %s\n",
			strerror(-rc));
		f->mnt[0] = '\0';
		skip();
	}
	return f->mnt;
}

/* ---- stat ---- */

static void assert_same_as_stat(const struct hln_stat *st,
				const struct stat *sb)
{
	assert_int_equal(st->dev, sb->st_dev);
	assert_int_equal(st->ino, sb->st_ino);
	assert_int_equal(st->nlink, sb->st_nlink);
	assert_int_equal(st->mode, sb->st_mode & 07777);
	assert_int_equal(st->uid, sb->st_uid);
	assert_int_equal(st->gid, sb->st_gid);
	if (S_ISREG(sb->st_mode))
		assert_int_equal(st->size, sb->st_size);
	assert_int_equal(st->mtime_sec, sb->st_mtim.tv_sec);
	assert_int_equal(st->mtime_nsec, sb->st_mtim.tv_nsec);
	assert_int_equal(st->ctime_sec, sb->st_ctim.tv_sec);
	assert_int_equal(st->ctime_nsec, sb->st_ctim.tv_nsec);
}

static const struct {
	const char *name;
	int follow;
	enum hln_type type;
} types[] = {
	{"file", 0, HLN_T_REG},   {"dir", 0, HLN_T_DIR},
	{"sym", 0, HLN_T_LNK},    {"sym", HLN_FOLLOW, HLN_T_REG},
	{"dsym", 0, HLN_T_LNK},   {"dsym", HLN_FOLLOW, HLN_T_DIR},
	{"fifo", 0, HLN_T_OTHER}, {".", 0, HLN_T_DIR},
};

/* Both ways of stating (plain, and statx for the mount id) agree. */
static const int stat_ways[] = {0, HLN_WANT_MNT};

static void test_stat_types(void **state)
{
	struct fixture *f = *state;
	for (size_t w = 0; w < UNIT_ARRAY_LEN(stat_ways); w++)
		for (size_t i = 0; i < UNIT_ARRAY_LEN(types); i++) {
			const char *path = P(f, types[i].name);
			struct hln_stat st;
			struct stat sb;
			assert_int_equal(
				hln_stat_path(path,
					      types[i].follow | stat_ways[w],
					      &st),
				0);
			assert_int_equal(st.type, types[i].type);
			assert_int_equal(types[i].follow ? stat(path, &sb)
							 : lstat(path, &sb),
					 0);
			assert_same_as_stat(&st, &sb);
		}
}

static void test_stat_file(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(link(P(f, "file"), P(f, "file2")), 0);
	for (size_t w = 0; w < UNIT_ARRAY_LEN(stat_ways); w++) {
		struct hln_stat st;
		assert_int_equal(hln_stat_path(P(f, "file"), stat_ways[w], &st),
				 0);
		assert_int_equal(st.nlink, 2);
		assert_int_equal(st.size, FILE_SIZE);
		assert_int_equal(st.mode, 0640);
		assert_int_equal(st.uid, geteuid());
	}
}

static void test_stat_times(void **state)
{
	struct fixture *f = *state;
	const struct timespec ts[2] = {{1000000000, 123456789},
				       {1234567890, 987654321}};
	assert_int_equal(utimensat(AT_FDCWD, P(f, "file"), ts, 0), 0);
	for (size_t w = 0; w < UNIT_ARRAY_LEN(stat_ways); w++) {
		struct hln_stat st;
		assert_int_equal(hln_stat_path(P(f, "file"), stat_ways[w], &st),
				 0);
		assert_int_equal(st.atime_sec, 1000000000);
		assert_int_equal(st.atime_nsec, 123456789);
		assert_int_equal(st.mtime_sec, 1234567890);
		assert_int_equal(st.mtime_nsec, 987654321);
	}
}

static void test_stat_mnt_id(void **state)
{
	struct fixture *f = *state;
	struct hln_stat st;
	assert_int_equal(hln_stat_path(f->dir, HLN_WANT_MNT, &st), 0);
	if (unit_portable()) /* POSIX has no mount ids */
		assert_int_equal(st.mnt_id, 0);
	else
		assert_int_not_equal(st.mnt_id, 0);
	assert_int_equal(hln_stat_path(f->dir, 0, &st), 0);
	assert_int_equal(st.mnt_id, 0);
}

static void test_stat_errors(void **state)
{
	struct fixture *f = *state;
	char longname[NAME_MAX + 2];
	memset(longname, 'n', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	const struct {
		const char *path;
		int flags, rc;
	} cases[] = {
		{"", 0, -ENOENT},
		{P(f, "missing"), 0, -ENOENT},
		{P(f, "file/x"), 0, -ENOTDIR},
		{P(f, "loop"), HLN_FOLLOW, -ELOOP},
		{P(f, longname), 0, -ENAMETOOLONG},
	};
	for (size_t w = 0; w < UNIT_ARRAY_LEN(stat_ways); w++)
		for (size_t i = 0; i < UNIT_ARRAY_LEN(cases); i++) {
			struct hln_stat st;
			assert_int_equal(
				hln_stat_path(cases[i].path,
					      cases[i].flags | stat_ways[w],
					      &st),
				cases[i].rc);
		}
}

/* ---- names: link, rename, unlink, mkdir, readlink ---- */

static void test_link(void **state)
{
	struct fixture *f = *state;
	/* in order: each row may rely on the ones before */
	static const struct {
		const char *target, *newpath;
		int flags, rc;
		const char *same_as; /* the name NEWPATH is then a link of */
	} cases[] = {
		{"file", "new", 0, 0, "file"},
		{"file", "new", 0, -EEXIST, NULL},
		{"missing", "new2", 0, -ENOENT, NULL},
		{"file", "nodir/new", 0, -ENOENT, NULL},
		{"dir", "new3", 0, -EISDIR, NULL},
		{"sym", "lsym", 0, 0, "sym"},
		{"sym", "fsym", HLN_FOLLOW, 0, "file"},
	};
	for (size_t i = 0; i < UNIT_ARRAY_LEN(cases); i++) {
		assert_int_equal(hln_link(P(f, cases[i].target),
					  P(f, cases[i].newpath),
					  cases[i].flags),
				 cases[i].rc);
		if (cases[i].same_as)
			assert_int_equal(unit_ino(P(f, cases[i].newpath)),
					 unit_ino(P(f, cases[i].same_as)));
	}
	struct stat sb;
	assert_int_equal(stat(P(f, "file"), &sb), 0);
	assert_int_equal(sb.st_nlink, 3);
}

static void test_link_exdev(void **state)
{
	struct fixture *f = *state;
	const char *mnt = mount_tmpfs(f, "mnt");
	char path[PATH_MAX];
	assert_int_equal(hln_link(P(f, "file"), unit_path(path, mnt, "x"), 0),
			 -EXDEV);
}

static void test_rename(void **state)
{
	struct fixture *f = *state;
	unit_write_file(P(f, "other"), "o");
	uint64_t ino = unit_ino(P(f, "file"));
	static const struct {
		const char *from, *to;
		int rc;
	} cases[] = {
		{"file", "moved", 0},
		{"moved", "other", 0}, /* replaces */
		{"other", "dir", -EISDIR},
		{"missing", "x", -ENOENT},
	};
	for (size_t i = 0; i < UNIT_ARRAY_LEN(cases); i++)
		assert_int_equal(
			hln_rename(P(f, cases[i].from), P(f, cases[i].to)),
			cases[i].rc);
	assert_int_equal(unit_ino(P(f, "other")), ino);
	assert_int_equal(unit_ino(P(f, "file")), 0);
	assert_int_equal(unit_ino(P(f, "moved")), 0);
}

static void test_unlink(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *name;
		int rc;
	} cases[] = {
		{"sym", 0},
		{"file", 0},
		{"file", -ENOENT},
		{"dir", -EISDIR},
	};
	for (size_t i = 0; i < UNIT_ARRAY_LEN(cases); i++)
		assert_int_equal(hln_unlink(P(f, cases[i].name)), cases[i].rc);
	assert_int_equal(unit_ino(P(f, "file")), 0);
	assert_int_not_equal(unit_ino(P(f, "dir")), 0);
}

static void test_mkdir(void **state)
{
	struct fixture *f = *state;
	mode_t old = umask(022);
	int rc1 = hln_mkdir(P(f, "new"), 0751);
	int rc2 = hln_mkdir(P(f, "new"), 0751);
	int rc3 = hln_mkdir(P(f, "nodir/new"), 0751);
	umask(old);
	assert_int_equal(rc1, 0);
	assert_int_equal(rc2, -EEXIST);
	assert_int_equal(rc3, -ENOENT);
	struct hln_stat st;
	assert_int_equal(hln_stat_path(P(f, "new"), 0, &st), 0);
	assert_int_equal(st.type, HLN_T_DIR);
	assert_int_equal(st.mode, 0751 & ~022);
}

/* The whole filesystem flushed, where the OS can; else -ENOSYS. */
static void test_fs_sync(void **state)
{
	struct fixture *f = *state;
	int rc = hln_fs_sync(f->dir);
	assert_true(rc == 0 || rc == -ENOSYS);
	if (rc == 0)
		assert_int_equal(hln_fs_sync(P(f, "nodir")), -ENOENT);
}

/* hln_readlink and hln_dir_readlinkat answer the same. */
static int readlink_both(struct fixture *f, const char *name, char *buf,
			 size_t size)
{
	int rc = hln_readlink(P(f, name), buf, size);
	struct hln_dir *d;
	assert_int_equal(hln_dir_open(f->dir, 0, &d), 0);
	char other[64];
	assert_true(size <= sizeof other);
	int rc2 = hln_dir_readlinkat(d, name, other, size);
	hln_dir_close(d);
	assert_int_equal(rc2, rc);
	if (rc >= 0)
		assert_string_equal(other, buf);
	return rc;
}

static void test_readlink(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *name;
		size_t size;
		int rc;
		const char *text;
	} cases[] = {
		{"sym", 64, 4, "file"},
		{"sym", 5, 4, "file"},
		{"sym", 4, -ENAMETOOLONG, NULL},
		{"sym", 1, -ENAMETOOLONG, NULL},
		{"file", 64, -EINVAL, NULL},
		{"missing", 64, -ENOENT, NULL},
	};
	for (size_t i = 0; i < UNIT_ARRAY_LEN(cases); i++) {
		char buf[64];
		memset(buf, 'Z', sizeof buf);
		assert_int_equal(
			readlink_both(f, cases[i].name, buf, cases[i].size),
			cases[i].rc);
		if (cases[i].text)
			assert_string_equal(buf, cases[i].text);
	}
}

/* ---- filesystems ---- */

static void test_mount_point_root(void **state)
{
	struct fixture *f = *state;
	char buf[PATH_MAX];
	assert_int_equal(hln_mount_point("/", buf, sizeof buf), 1);
	assert_string_equal(buf, "/");
	assert_int_equal(hln_mount_point("/", buf, 1), -ENAMETOOLONG);

	struct stat a, b;
	assert_int_equal(stat("/", &a), 0);
	assert_int_equal(stat(f->dir, &b), 0);
	if (a.st_dev != b.st_dev) {
		fprintf(stderr, "skipped: %s is not on the root filesystem\n",
			f->dir);
		skip();
	}
	assert_int_equal(hln_mount_point(P(f, "file"), buf, sizeof buf), 1);
	assert_string_equal(buf, "/");
	assert_int_equal(hln_mount_point(P(f, "no/such/file"), buf, sizeof buf),
			 1);
	assert_string_equal(buf, "/");
}

static void test_mount_point_tmpfs(void **state)
{
	struct fixture *f = *state;
	const char *mnt = mount_tmpfs(f, "mnt");
	char file[PATH_MAX], missing[PATH_MAX], buf[PATH_MAX];
	unit_write_file(unit_path(file, mnt, "f"), "f");
	unit_path(missing, mnt, "no/such/file");
	const char *const paths[] = {mnt, file, missing};
	for (size_t i = 0; i < UNIT_ARRAY_LEN(paths); i++) {
		memset(buf, 0, sizeof buf);
		assert_int_equal(hln_mount_point(paths[i], buf, sizeof buf),
				 (int)strlen(mnt));
		assert_string_equal(buf, mnt);
	}
	assert_int_equal(hln_mount_point(file, buf, strlen(mnt)),
			 -ENAMETOOLONG);
	assert_int_equal(hln_mount_point(file, buf, strlen(mnt) + 1),
			 (int)strlen(mnt));
}

/* Which part of its filesystem a mount shows: "/", or a bind's "/sub". */
static void test_mount_root(void **state)
{
	struct fixture *f = *state;
	char buf[PATH_MAX];
	if (unit_portable()) {
		assert_int_equal(hln_mount_root(f->dir, buf, sizeof buf),
				 -ENOSYS);
		return;
	}
	const char *mnt = mount_tmpfs(f, "mnt");
	char sub[PATH_MAX], bind[PATH_MAX], file[PATH_MAX];
	assert_int_equal(mkdir(unit_path(sub, mnt, "sub"), 0755), 0);
	assert_int_equal(mkdir(unit_path(bind, mnt, "bind"), 0755), 0);
	unit_write_file(unit_path(file, sub, "f"), "f");
	assert_int_equal(hln_mount_root(mnt, buf, sizeof buf), 1);
	assert_string_equal(buf, "/");
	assert_int_equal(mount(sub, bind, NULL, MS_BIND, NULL), 0);
	unit_path(file, bind, "f");
	int rc = hln_mount_root(file, buf, sizeof buf);
	int rc_small = hln_mount_root(file, buf + 8, 4);
	unit_umount(bind);
	assert_int_equal(rc, 4);
	assert_string_equal(buf, "/sub");
	assert_int_equal(rc_small, -ENAMETOOLONG);
}

/* hln_mounts_below: 1 once something is mounted inside, 0 before. */
static void test_mounts_below(void **state)
{
	struct fixture *f = *state;
	if (unit_portable()) {
		assert_int_equal(hln_mounts_below(f->dir), -ENOSYS);
		return;
	}
	assert_int_equal(hln_mounts_below("/"), 1); /* /proc at least */
	assert_int_equal(hln_mounts_below(P(f, "missing")), -ENOENT);
	char sub[PATH_MAX];
	assert_int_equal(mkdir(unit_path(sub, f->dir, "a"), 0755), 0);
	assert_int_equal(hln_mounts_below(f->dir), 0);
	const char *mnt = mount_tmpfs(f, "a/mnt");
	assert_int_equal(hln_mounts_below(f->dir), 1);
	assert_int_equal(hln_mounts_below(sub), 1);
	/* the mount itself is not below itself; "a/mn" is no parent of it */
	assert_int_equal(hln_mounts_below(mnt), 0);
	char mn[PATH_MAX];
	assert_int_equal(mkdir(unit_path(mn, f->dir, "a/mn"), 0755), 0);
	assert_int_equal(hln_mounts_below(mn), 0);
}

static void test_link_max(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(hln_link_max(P(f, "missing")), -ENOENT);
	assert_true(hln_link_max(P(f, "file")) > 0);
	struct statfs sf;
	assert_int_equal(statfs(f->dir, &sf), 0);
	if (sf.f_type != EXT4_MAGIC) {
		fprintf(stderr, "skipped: %s is not on ext4\n", f->dir);
		skip();
	}
	assert_int_equal(hln_link_max(P(f, "file")), 65000);
	assert_int_equal(hln_link_max(f->dir), 65000);
}

static void test_protected_hardlinks(void **state)
{
	(void)state;
	char text[16];
	if (unit_portable()) {
		/* the portable path cannot know: it says so */
		assert_int_equal(hln_protected_hardlinks(), -ENOSYS);
		return;
	}
	unit_read_file("/proc/sys/fs/protected_hardlinks", text, sizeof text);
	if (!text[0]) {
		assert_int_equal(hln_protected_hardlinks(), -ENOSYS);
		return;
	}
	assert_int_equal(hln_protected_hardlinks(), atoi(text) != 0);
}

/* ---- the process ---- */

static void test_process(void **state)
{
	(void)state;
	assert_int_equal(hln_euid(), geteuid());
	int n = hln_ncpus();
	assert_true(n >= 1);
	assert_true(n <= sysconf(_SC_NPROCESSORS_CONF));
	for (int fd = 0; fd <= 2; fd++)
		assert_int_equal(hln_isatty(fd), isatty(fd) ? 1 : 0);
}

static void test_isatty(void **state)
{
	(void)state;
	int master = -1, slave = -1;
	if (unit_pty(&master, &slave) < 0)
		skip();
	int saved = dup(0);
	dup2(slave, 0);
	int on_pty = hln_isatty(0);
	int p[2];
	assert_int_equal(pipe(p), 0);
	dup2(p[0], 0);
	int on_pipe = hln_isatty(0);
	dup2(saved, 0);
	close(saved);
	close(p[0]);
	close(p[1]);
	close(slave);
	close(master);
	assert_int_equal(on_pty, 1);
	assert_int_equal(on_pipe, 0);
}

static void test_clock(void **state)
{
	(void)state;
	uint64_t t0 = hln_now_ns();
	hln_sleep_ms(30);
	uint64_t t1 = hln_now_ns();
	assert_true(t1 - t0 >= 30000000u);
	assert_true(t1 - t0 < 5000000000u);
}

static void test_write(void **state)
{
	(void)state;
	enum { BIG = 300000 };
	char *big = malloc(BIG + 1);
	assert_non_null(big);
	memset(big, 'w', BIG);
	big[BIG] = '\0';
	struct unit_capture c;
	unit_capture_begin(&c, 1);
	int rc1 = hln_write(1, "hello ", 6);
	int rc2 = hln_write(1, big, BIG);
	char *text = unit_capture_end(&c);
	assert_int_equal(rc1, 0);
	assert_int_equal(rc2, 0);
	assert_int_equal(strlen(text), 6 + BIG);
	assert_true(strncmp(text, "hello www", 9) == 0);
	free(text);
	free(big);
}

/* Answers come one line at a time from standard input (a pipe here). */
static void test_read_answer(void **state)
{
	(void)state;
	static const struct {
		size_t size;
		int rc;
		const char *text;
	} calls[] = {
		{64, 4, "yes\n"}, {3, 2, "no"}, {64, 1, "\n"},
		{64, 4, "last"},  {64, 0, ""},
	};
	int p[2];
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "yes\nno\nlast", 11), 11);
	close(p[1]);
	int saved = dup(0);
	dup2(p[0], 0);
	close(p[0]);
	int rc[UNIT_ARRAY_LEN(calls)];
	char got[UNIT_ARRAY_LEN(calls)][64];
	for (size_t i = 0; i < UNIT_ARRAY_LEN(calls); i++)
		rc[i] = hln_read_answer(0, got[i], calls[i].size);
	dup2(saved, 0);
	close(saved);
	for (size_t i = 0; i < UNIT_ARRAY_LEN(calls); i++) {
		assert_int_equal(rc[i], calls[i].rc);
		assert_string_equal(got[i], calls[i].text);
	}
}

static void test_random(void **state)
{
	(void)state;
	unsigned char a[64], b[64], zero[64] = {0};
	assert_int_equal(hln_random(a, sizeof a), 0);
	assert_int_equal(hln_random(b, sizeof b), 0);
	assert_memory_not_equal(a, b, sizeof a);
	assert_memory_not_equal(a, zero, sizeof a);
	assert_int_equal(hln_random(a, 0), 0);
}

/* In a child: SIGTERM only sets the flag. */
static int catch_signal(void *arg)
{
	(void)arg;
	if (hln_signal_pending() != 0 || hln_signals_catch() != 0)
		return 1;
	raise(SIGTERM);
	if (hln_signal_pending() != SIGTERM)
		return 2;
	raise(SIGINT);
	return hln_signal_pending() == SIGINT ? 0 : 3;
}

static void test_signals(void **state)
{
	(void)state;
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(catch_signal(NULL));
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* ---- directories ---- */

static void assert_open_refused(int rc)
{
	/* a symlink: ELOOP from O_NOFOLLOW, or ENOTDIR from O_DIRECTORY */
	assert_true(rc == -ELOOP || rc == -ENOTDIR);
}

static void test_dir_open(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *name;
		int flags, rc;
	} cases[] = {
		{"dir", 0, 0},           {"dsym", HLN_FOLLOW, 0},
		{"dsym", 0, -ELOOP},     {"file", 0, -ENOTDIR},
		{"missing", 0, -ENOENT}, {"sym", HLN_FOLLOW, -ENOTDIR},
	};
	for (size_t i = 0; i < UNIT_ARRAY_LEN(cases); i++) {
		struct hln_dir *d = NULL;
		int rc = hln_dir_open(P(f, cases[i].name), cases[i].flags, &d);
		if (cases[i].rc == -ELOOP)
			assert_open_refused(rc);
		else
			assert_int_equal(rc, cases[i].rc);
		if (rc == 0)
			assert_int_equal(hln_dir_close(d), 0);
	}
}

/* openat never follows: a directory swapped for a symlink is refused. */
static void test_dir_openat(void **state)
{
	struct fixture *f = *state;
	struct hln_dir *top, *d;
	assert_int_equal(hln_dir_open(f->dir, 0, &top), 0);
	assert_int_equal(hln_dir_openat(top, "dir", &d), 0);
	hln_dir_close(d);
	assert_open_refused(hln_dir_openat(top, "dsym", &d));
	assert_int_equal(hln_dir_openat(top, "file", &d), -ENOTDIR);
	assert_int_equal(hln_dir_openat(top, "missing", &d), -ENOENT);

	/* the swap itself: "dir" becomes a symlink to a directory */
	assert_int_equal(rename(P(f, "dir"), P(f, "dir.old")), 0);
	assert_int_equal(symlink("dir.old", P(f, "dir")), 0);
	assert_open_refused(hln_dir_openat(top, "dir", &d));
	hln_dir_close(top);
}

/* Read every entry of directory PATH; check it against the OS. */
static size_t read_all(const char *path, char (*names)[NAME_MAX + 1],
		       size_t max)
{
	struct hln_dir *d;
	assert_int_equal(hln_dir_open(path, 0, &d), 0);
	struct hln_dirent e;
	size_t n = 0;
	int rc;
	while ((rc = hln_dir_next(d, &e)) == 1) {
		assert_true(n < max);
		assert_string_not_equal(e.name, ".");
		assert_string_not_equal(e.name, "..");
		char full[PATH_MAX];
		struct stat sb;
		assert_int_equal(lstat(unit_path(full, path, e.name), &sb), 0);
		assert_int_equal(e.ino, sb.st_ino);
		if (e.type != HLN_T_UNKNOWN) {
			struct hln_stat st;
			assert_int_equal(hln_dir_statat(d, e.name, 0, &st), 0);
			assert_int_equal(e.type, st.type);
		}
		strcpy(names[n++], e.name);
	}
	assert_int_equal(rc, 0);
	assert_int_equal(hln_dir_next(d, &e), 0); /* and stays at the end */
	assert_int_equal(hln_dir_close(d), 0);
	return n;
}

static int cmp_name(const void *a, const void *b) { return strcmp(a, b); }

static void test_dir_next(void **state)
{
	struct fixture *f = *state;
	static const char *const want[] = {"dir",  "dsym", "fifo",
					   "file", "loop", "sym"};
	char names[16][NAME_MAX + 1];
	size_t n = read_all(f->dir, names, 16);
	qsort(names, n, sizeof names[0], cmp_name);
	assert_int_equal(n, UNIT_ARRAY_LEN(want));
	for (size_t i = 0; i < n; i++)
		assert_string_equal(names[i], want[i]);
	/* an empty directory */
	assert_int_equal(read_all(P(f, "dir"), names, 16), 0);
}

/* More entries than one bulk read returns: each once. */
static void test_dir_next_large(void **state)
{
	struct fixture *f = *state;
	enum { N = 3000 };
	const char *big = P(f, "dir");
	for (int i = 0; i < N; i++) {
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s/entry-with-a-long-name-%05d",
			 big, i);
		int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
		assert_true(fd >= 0);
		close(fd);
	}
	char(*names)[NAME_MAX + 1] = calloc(N + 1, sizeof *names);
	assert_non_null(names);
	size_t n = read_all(big, names, N + 1);
	assert_int_equal(n, N);
	qsort(names, n, sizeof names[0], cmp_name);
	for (int i = 0; i < N; i++) {
		char want[64];
		snprintf(want, sizeof want, "entry-with-a-long-name-%05d", i);
		assert_string_equal(names[i], want);
	}
	free(names);
}

static void test_dir_fstat(void **state)
{
	struct fixture *f = *state;
	struct hln_dir *d;
	assert_int_equal(hln_dir_open(f->dir, 0, &d), 0);
	for (size_t w = 0; w < UNIT_ARRAY_LEN(stat_ways); w++) {
		struct hln_stat st, want;
		assert_int_equal(hln_dir_fstat(d, stat_ways[w], &st), 0);
		assert_int_equal(hln_stat_path(f->dir, stat_ways[w], &want), 0);
		assert_int_equal(st.type, HLN_T_DIR);
		assert_int_equal(st.dev, want.dev);
		assert_int_equal(st.ino, want.ino);
		assert_int_equal(st.mnt_id, want.mnt_id);
	}
	hln_dir_close(d);
}

static void test_dir_statat(void **state)
{
	struct fixture *f = *state;
	struct hln_dir *d;
	assert_int_equal(hln_dir_open(f->dir, 0, &d), 0);
	for (size_t w = 0; w < UNIT_ARRAY_LEN(stat_ways); w++)
		for (size_t i = 0; i < UNIT_ARRAY_LEN(types); i++) {
			struct hln_stat st, want;
			int flags = types[i].follow | stat_ways[w];
			assert_int_equal(
				hln_dir_statat(d, types[i].name, flags, &st),
				0);
			assert_int_equal(hln_stat_path(P(f, types[i].name),
						       flags, &want),
					 0);
			assert_int_equal(st.type, types[i].type);
			assert_int_equal(st.ino, want.ino);
			assert_int_equal(st.mnt_id, want.mnt_id);
		}
	struct hln_stat st;
	assert_int_equal(hln_dir_statat(d, "missing", 0, &st), -ENOENT);
	assert_int_equal(hln_dir_statat(d, "loop", HLN_FOLLOW, &st), -ELOOP);
	hln_dir_close(d);
}

static void test_dir_linkat(void **state)
{
	struct fixture *f = *state;
	struct hln_dir *top, *sub;
	assert_int_equal(hln_dir_open(f->dir, 0, &top), 0);
	assert_int_equal(hln_dir_open(P(f, "dir"), 0, &sub), 0);
	static const struct {
		const char *sname, *dname;
		int rc;
		const char *same_as; /* in the top directory */
	} cases[] = {
		{"file", "file", 0, "file"}, {"file", "file", -EEXIST, NULL},
		{"sym", "sym", 0, "sym"}, /* the symlink itself */
		{"dir", "d", -EISDIR, NULL}, {"missing", "m", -ENOENT, NULL},
	};
	for (size_t i = 0; i < UNIT_ARRAY_LEN(cases); i++) {
		assert_int_equal(hln_dir_linkat(top, cases[i].sname, sub,
						cases[i].dname),
				 cases[i].rc);
		if (cases[i].same_as) {
			char path[PATH_MAX];
			unit_path(path, P(f, "dir"), cases[i].dname);
			assert_int_equal(unit_ino(path),
					 unit_ino(P(f, cases[i].same_as)));
		}
	}
	hln_dir_close(sub);
	hln_dir_close(top);
}

static void test_dir_mkdirat_symlinkat(void **state)
{
	struct fixture *f = *state;
	struct hln_dir *d;
	assert_int_equal(hln_dir_open(f->dir, 0, &d), 0);
	mode_t old = umask(0);
	int rc1 = hln_dir_mkdirat(d, "new", 0705);
	int rc2 = hln_dir_mkdirat(d, "new", 0705);
	umask(old);
	assert_int_equal(rc1, 0);
	assert_int_equal(rc2, -EEXIST);
	struct hln_stat st;
	assert_int_equal(hln_stat_path(P(f, "new"), 0, &st), 0);
	assert_int_equal(st.type, HLN_T_DIR);
	assert_int_equal(st.mode, 0705);

	static const char text[] = "../some where/\n odd";
	assert_int_equal(hln_dir_symlinkat(d, "s", text), 0);
	assert_int_equal(hln_dir_symlinkat(d, "s", text), -EEXIST);
	char buf[64];
	assert_int_equal(hln_dir_readlinkat(d, "s", buf, sizeof buf),
			 (int)strlen(text));
	assert_string_equal(buf, text);
	hln_dir_close(d);
}

/* setmeta on NAME in the directory, or (D NULL) on the path. */
static void test_dir_setmeta(void **state)
{
	struct fixture *f = *state;
	struct hln_dir *top;
	assert_int_equal(hln_dir_open(f->dir, 0, &top), 0);
	struct hln_dir *const dirs[] = {top, NULL};
	for (size_t i = 0; i < UNIT_ARRAY_LEN(dirs); i++) {
		const char *name = dirs[i] ? "file" : P(f, "file");
		struct hln_stat want;
		assert_int_equal(hln_stat_path(P(f, "file"), 0, &want), 0);
		want.mode = 0604 + (uint32_t)i;
		want.atime_sec = 1000000000 + (int64_t)i;
		want.atime_nsec = 123456789;
		want.mtime_sec = 1234567890;
		want.mtime_nsec = 987654321 - (int32_t)i;
		assert_int_equal(
			hln_dir_setmeta(dirs[i], name, &want,
					HLN_META_MODE | HLN_META_TIMES),
			0);
		struct hln_stat st;
		assert_int_equal(hln_stat_path(P(f, "file"), 0, &st), 0);
		assert_int_equal(st.mode, want.mode);
		assert_int_equal(st.atime_sec, want.atime_sec);
		assert_int_equal(st.atime_nsec, want.atime_nsec);
		assert_int_equal(st.mtime_sec, want.mtime_sec);
		assert_int_equal(st.mtime_nsec, want.mtime_nsec);
	}
	hln_dir_close(top);
}

/* Only what WHAT names is set; a symlink is not followed. */
static void test_dir_setmeta_what(void **state)
{
	struct fixture *f = *state;
	struct hln_stat before, st, want;
	assert_int_equal(hln_stat_path(P(f, "file"), 0, &before), 0);
	want = before;
	want.mode = 0600;
	want.mtime_sec = 1;
	want.mtime_nsec = 1;
	want.atime_sec = 1;
	want.atime_nsec = 1;
	assert_int_equal(
		hln_dir_setmeta(NULL, P(f, "file"), &want, HLN_META_MODE), 0);
	assert_int_equal(hln_stat_path(P(f, "file"), 0, &st), 0);
	assert_int_equal(st.mode, 0600);
	assert_int_equal(st.mtime_sec, before.mtime_sec);

	/* the link's own times change, not its target's */
	struct hln_stat lnk;
	assert_int_equal(hln_stat_path(P(f, "sym"), 0, &lnk), 0);
	lnk.mtime_sec = 2;
	lnk.mtime_nsec = 5;
	assert_int_equal(hln_dir_setmeta(NULL, P(f, "sym"), &lnk,
					 HLN_META_MODE | HLN_META_TIMES),
			 0);
	assert_int_equal(hln_stat_path(P(f, "sym"), 0, &st), 0);
	assert_int_equal(st.mtime_sec, 2);
	assert_int_equal(st.mtime_nsec, 5);
	assert_int_equal(hln_stat_path(P(f, "file"), 0, &st), 0);
	assert_int_equal(st.mtime_sec, before.mtime_sec);
	assert_int_equal(st.mode, 0600);

	assert_int_equal(
		hln_dir_setmeta(NULL, P(f, "missing"), &want, HLN_META_TIMES),
		-ENOENT);
}

static void test_dir_setmeta_owner(void **state)
{
	struct fixture *f = *state;
	unit_need_root("give a file to another user");
	struct hln_stat want, st;
	assert_int_equal(hln_stat_path(P(f, "file"), 0, &want), 0);
	want.uid = want.gid = UNIT_NOBODY;
	want.mode = 06755;
	assert_int_equal(hln_dir_setmeta(NULL, P(f, "file"), &want,
					 HLN_META_OWNER | HLN_META_MODE),
			 0);
	assert_int_equal(hln_stat_path(P(f, "file"), 0, &st), 0);
	assert_int_equal(st.uid, UNIT_NOBODY);
	assert_int_equal(st.gid, UNIT_NOBODY);
	assert_int_equal(st.mode, 06755);
}

/* As nobody: giving the file to root fails quietly, setuid is dropped. */
static int setmeta_as_nobody(void *arg)
{
	const char *path = arg;
	struct hln_stat want;
	if (hln_stat_path(path, 0, &want) != 0)
		return 1;
	want.uid = want.gid = 0;
	want.mode = 06755;
	int rc = hln_dir_setmeta(NULL, path, &want,
				 HLN_META_OWNER | HLN_META_MODE);
	if (rc != 0) {
		fprintf(stderr, "setmeta: %d\n", rc);
		return 2;
	}
	struct hln_stat st;
	if (hln_stat_path(path, 0, &st) != 0 || st.uid != UNIT_NOBODY ||
	    st.mode != 0755) {
		fprintf(stderr, "uid %u mode %o\n", st.uid, st.mode);
		return 3;
	}
	return 0;
}

static void test_dir_setmeta_owner_denied(void **state)
{
	struct fixture *f = *state;
	unit_need_root("become another user");
	char path[PATH_MAX];
	strcpy(path, P(f, "file"));
	assert_int_equal(chmod(f->dir, 0755), 0);
	assert_int_equal(chown(path, UNIT_NOBODY, UNIT_NOBODY), 0);
	assert_int_equal(unit_run_as(UNIT_NOBODY, setmeta_as_nobody, path), 0);
}

static void test_dir_close_null(void **state)
{
	(void)state;
	assert_int_equal(hln_dir_close(NULL), 0);
}

/* ---- a failpoint at every operation ---- */

static int op_stat(struct fixture *f)
{
	struct hln_stat st;
	return hln_stat_path(P(f, "file"), 0, &st);
}

static int op_link(struct fixture *f)
{
	return hln_link(P(f, "file"), P(f, "l"), 0);
}

static int op_rename(struct fixture *f)
{
	return hln_rename(P(f, "fifo"), P(f, "fifo2"));
}

static int op_unlink(struct fixture *f) { return hln_unlink(P(f, "loop")); }

static int op_mkdir(struct fixture *f) { return hln_mkdir(P(f, "m"), 0700); }

static int op_readlink(struct fixture *f)
{
	char buf[64];
	return hln_readlink(P(f, "dsym"), buf, sizeof buf);
}

static int op_random(struct fixture *f)
{
	(void)f;
	char buf[8];
	return hln_random(buf, sizeof buf);
}

static int op_fs_sync(struct fixture *f)
{
	int rc = hln_fs_sync(f->dir);
	return rc == -ENOSYS ? 0 : rc; /* no such call: nothing to fail */
}

static int op_dir_open(struct fixture *f)
{
	struct hln_dir *d;
	int rc = hln_dir_open(f->dir, 0, &d);
	if (rc == 0)
		hln_dir_close(d);
	return rc;
}

/* Run OP on the fixture's directory, opened without failpoints. */
static int in_dir(struct fixture *f, int (*op)(struct hln_dir *))
{
	struct hln_dir *d;
	unit_failpoints_off();
	assert_int_equal(hln_dir_open(f->dir, 0, &d), 0);
	int rc = op(d);
	hln_dir_close(d);
	return rc;
}

static int at_openat(struct hln_dir *d)
{
	struct hln_dir *sub;
	int rc = hln_dir_openat(d, "dir", &sub);
	if (rc == 0)
		hln_dir_close(sub);
	return rc;
}

static int at_next(struct hln_dir *d)
{
	struct hln_dirent e;
	return hln_dir_next(d, &e);
}

static int at_fstat(struct hln_dir *d)
{
	struct hln_stat st;
	return hln_dir_fstat(d, 0, &st);
}

static int at_statat(struct hln_dir *d)
{
	struct hln_stat st;
	return hln_dir_statat(d, "file", HLN_WANT_MNT, &st);
}

static int at_linkat(struct hln_dir *d)
{
	return hln_dir_linkat(d, "file", d, "l2");
}

static int at_mkdirat(struct hln_dir *d)
{
	return hln_dir_mkdirat(d, "m2", 0700);
}

static int at_symlinkat(struct hln_dir *d)
{
	return hln_dir_symlinkat(d, "s2", "x");
}

static int at_readlinkat(struct hln_dir *d)
{
	char buf[64];
	return hln_dir_readlinkat(d, "sym", buf, sizeof buf);
}

static int at_setmeta(struct hln_dir *d)
{
	struct hln_stat st;
	assert_int_equal(hln_dir_statat(d, "file", 0, &st), 0);
	return hln_dir_setmeta(d, "file", &st, HLN_META_MODE);
}

/* Apply OP_AT with the failpoint armed only around the operation. */
static int (*current_at)(struct hln_dir *);
static const char *current_spec;

static int at_armed(struct hln_dir *d)
{
	assert_int_equal(unit_failpoints(current_spec), 0);
	return current_at(d);
}

static void test_failpoints(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *name;
		int (*op)(struct fixture *); /* or: */
		int (*op_at)(struct hln_dir *); /* in the open directory */
	} ops[] = {
		{"stat", op_stat, NULL},
		{"stat", NULL, at_fstat},
		{"stat", NULL, at_statat},
		{"link", op_link, NULL},
		{"link", NULL, at_linkat},
		{"rename", op_rename, NULL},
		{"unlink", op_unlink, NULL},
		{"mkdir", op_mkdir, NULL},
		{"mkdir", NULL, at_mkdirat},
		{"readlink", op_readlink, NULL},
		{"readlink", NULL, at_readlinkat},
		{"random", op_random, NULL},
		{"fs_sync", op_fs_sync, NULL},
		{"dir_open", op_dir_open, NULL},
		{"dir_open", NULL, at_openat},
		{"dir_next", NULL, at_next},
		{"symlink", NULL, at_symlinkat},
		{"setmeta", NULL, at_setmeta},
	};
	/* an errno none of these operations gives here by itself */
	const int err = EBADFD;
	for (size_t i = 0; i < UNIT_ARRAY_LEN(ops); i++) {
		char spec[64];
		snprintf(spec, sizeof spec, "%s=1:%d", ops[i].name, err);
		for (int call = 1; call <= 2; call++) {
			int rc;
			if (ops[i].op) {
				assert_int_equal(
					unit_failpoints(call == 1 ? spec
								  : NULL),
					0);
				rc = ops[i].op(f);
			} else {
				current_at = ops[i].op_at;
				current_spec = call == 1 ? spec : NULL;
				rc = in_dir(f, at_armed);
			}
			unit_failpoints_off();
			/* the first call fails as told, the second works */
			int ok = call == 1 ? rc == -err : rc >= 0;
			if (!ok)
				fprintf(stderr, "%s (row %zu), call %d: %d\n",
					ops[i].name, i, call, rc);
			assert_true(ok);
		}
	}
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_stat_types),
		T(test_stat_file),
		T(test_stat_times),
		T(test_stat_mnt_id),
		T(test_stat_errors),
		T(test_link),
		T(test_link_exdev),
		T(test_rename),
		T(test_unlink),
		T(test_mkdir),
		T(test_fs_sync),
		T(test_readlink),
		T(test_mount_point_root),
		T(test_mount_point_tmpfs),
		T(test_mount_root),
		T(test_mounts_below),
		T(test_link_max),
		T(test_protected_hardlinks),
		T(test_process),
		T(test_isatty),
		T(test_clock),
		T(test_write),
		T(test_read_answer),
		T(test_random),
		T(test_signals),
		T(test_dir_open),
		T(test_dir_openat),
		T(test_dir_next),
		T(test_dir_next_large),
		T(test_dir_fstat),
		T(test_dir_statat),
		T(test_dir_linkat),
		T(test_dir_mkdirat_symlinkat),
		T(test_dir_setmeta),
		T(test_dir_setmeta_what),
		T(test_dir_setmeta_owner),
		T(test_dir_setmeta_owner_denied),
		T(test_dir_close_null),
		T(test_failpoints),
	};
#undef T
	return cmocka_run_group_tests_name("platform", tests, NULL, NULL);
}
