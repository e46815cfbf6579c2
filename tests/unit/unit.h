/*
 * unit.h - what the cmocka unit tests share: the cmocka includes, fresh
 * temporary directories, small file helpers, failpoint switching, capture
 * of a file descriptor's output, pseudo-terminals, tmpfs mounts and
 * running a function as another user in a child process.
 *
 * Everything here is static inline so that each test uses what it needs.
 */
#ifndef HLN_UNIT_H
#define HLN_UNIT_H

/* Include this first: setresuid, posix_openpt and mount are GNU. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

/* cmocka needs these before its own header. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "hln/failpoint.h"

#define UNIT_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Whether the suite runs against the portable POSIX build (tests/run.sh
 * passes HLN_PLATFORM from the Makefile): no mount ids there.
 */
static inline int unit_portable(void)
{
	const char *p = getenv("HLN_PLATFORM");
	return p && strcmp(p, "portable") == 0;
}

/* ---- paths and files ---- */

/* DIR/NAME into BUF (PATH_MAX bytes).  Returns BUF. */
static inline char *unit_path(char *buf, const char *dir, const char *name)
{
	int n = snprintf(buf, PATH_MAX, "%s/%s", dir, name);
	assert_true(n > 0 && n < PATH_MAX);
	return buf;
}

/* A fresh directory /tmp/hln-unit-XXXXXX, in malloc'd memory. */
static inline char *unit_tmpdir(void)
{
	char *dir = strdup("/tmp/hln-unit-XXXXXX");
	assert_non_null(dir);
	assert_non_null(mkdtemp(dir));
	return dir;
}

static inline int unit_unlock_one(const char *path, const struct stat *sb,
				  int type, struct FTW *ftw)
{
	(void)ftw;
	if (type == FTW_D || type == FTW_DNR)
		chmod(path, (sb->st_mode & 07777) | 0700);
	return 0;
}

static inline int unit_rm_one(const char *path, const struct stat *sb, int type,
			      struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (type == FTW_DP)
		return rmdir(path) < 0 ? -1 : 0;
	return unlink(path) < 0 ? -1 : 0;
}

/*
 * Remove the tree at PATH (not crossing into mounts left behind), make
 * directories that a test locked readable first, and free PATH.
 */
static inline void unit_rmtree(char *path)
{
	if (!path)
		return;
	nftw(path, unit_unlock_one, 16, FTW_PHYS | FTW_MOUNT);
	if (nftw(path, unit_rm_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) < 0)
		fprintf(stderr, "unit: could not remove %s: %s\n", path,
			strerror(errno));
	free(path);
}

/* Create PATH holding TEXT (mode 0644). */
static inline void unit_write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	size_t len = strlen(text);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

/* What PATH holds (up to 4095 bytes) into BUF; "" if unreadable. */
static inline char *unit_read_file(const char *path, char *buf, size_t size)
{
	buf[0] = '\0';
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return buf;
	ssize_t n = read(fd, buf, size - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
	return buf;
}

/* The inode number of PATH (not following a symlink), or 0 if absent. */
static inline uint64_t unit_ino(const char *path)
{
	struct stat sb;
	return lstat(path, &sb) == 0 ? (uint64_t)sb.st_ino : 0;
}

/* The number of names in directory DIR that start with PREFIX. */
static inline int unit_count_prefix(const char *dir, const char *prefix)
{
	DIR *dp = opendir(dir);
	assert_non_null(dp);
	int n = 0;
	struct dirent *de;
	while ((de = readdir(dp)))
		if (strncmp(de->d_name, prefix, strlen(prefix)) == 0)
			n++;
	closedir(dp);
	return n;
}

/* ---- failpoints ---- */

/* Arm the failpoints of SPEC (NULL: none); returns failpoint_init()'s. */
static inline int unit_failpoints(const char *spec)
{
	if (spec)
		setenv("HLN_FAILPOINTS", spec, 1);
	else
		unsetenv("HLN_FAILPOINTS");
	return failpoint_init();
}

static inline void unit_failpoints_off(void)
{
	unsetenv("HLN_FAILPOINTS");
	unsetenv("HLN_FAILPOINT_TRACE");
	failpoint_init();
}

/* ---- capturing what is written to a descriptor ---- */

struct unit_capture {
	int fd; /* the descriptor captured */
	int saved; /* its original */
	FILE *tmp; /* where it goes meanwhile */
};

/* Send what FD receives to a temporary file until unit_capture_end. */
static inline void unit_capture_begin(struct unit_capture *c, int fd)
{
	fflush(NULL);
	c->fd = fd;
	c->tmp = tmpfile();
	assert_non_null(c->tmp);
	c->saved = dup(fd);
	assert_true(c->saved >= 0);
	assert_true(dup2(fileno(c->tmp), fd) >= 0);
}

/* Restore the descriptor; returns what it received, in malloc'd memory. */
static inline char *unit_capture_end(struct unit_capture *c)
{
	fflush(NULL);
	assert_true(dup2(c->saved, c->fd) >= 0);
	close(c->saved);
	long len = ftell(c->tmp);
	if (len < 0)
		len = lseek(fileno(c->tmp), 0, SEEK_END);
	char *text = calloc(1, (size_t)len + 1);
	assert_non_null(text);
	assert_int_equal(pread(fileno(c->tmp), text, (size_t)len, 0), len);
	fclose(c->tmp);
	return text;
}

/* ---- pseudo-terminals ---- */

/*
 * Open a pseudo-terminal in raw mode: *MASTER to read what is written to
 * *SLAVE.  Returns 0, or -1 (with a reason printed) when there is none.
 */
static inline int unit_pty(int *master, int *slave)
{
	*master = posix_openpt(O_RDWR | O_NOCTTY);
	if (*master < 0 || grantpt(*master) < 0 || unlockpt(*master) < 0) {
		fprintf(stderr, "unit: no pseudo-terminal: %s\n",
			strerror(errno));
		if (*master >= 0)
			close(*master);
		return -1;
	}
	*slave = open(ptsname(*master), O_RDWR | O_NOCTTY);
	if (*slave < 0) {
		close(*master);
		return -1;
	}
	struct termios t;
	tcgetattr(*slave, &t);
	cfmakeraw(&t);
	tcsetattr(*slave, TCSANOW, &t);
	return 0;
}

/* Read what is waiting on MASTER (written before) into BUF. */
static inline char *unit_pty_read(int master, char *buf, size_t size)
{
	int fl = fcntl(master, F_GETFL);
	fcntl(master, F_SETFL, fl | O_NONBLOCK);
	size_t n = 0;
	ssize_t r;
	while (n + 1 < size && (r = read(master, buf + n, size - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = '\0';
	fcntl(master, F_SETFL, fl);
	return buf;
}

/* ---- privileges ---- */

#define UNIT_NOBODY 65534

/*
 * Skip the calling test unless running as root, saying WHY root is
 * needed.
 */
#define unit_need_root(why)                                                    \
	do {                                                                   \
		if (geteuid() != 0) {                                          \
			fprintf(stderr, "skipped: needs root to %s\n", why);   \
			skip();                                                \
		}                                                              \
	} while (0)

/*
 * Run FN(ARG) in a child process as user and group UID (root only).
 * The child must not use cmocka's assertions: it returns 0 if all went
 * well, or a non-zero code after printing why.  Returns the child's exit
 * status (128 + signal if it was killed).
 */
static inline int unit_run_as(uint32_t uid, int (*fn)(void *), void *arg)
{
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setresgid(uid, uid, uid) < 0 ||
		    setresuid(uid, uid, uid) < 0) {
			perror("unit: setresuid");
			_exit(100);
		}
		int rc = fn(arg);
		fflush(NULL);
		_exit(rc);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* ---- mounts ---- */

/* Mount a fresh tmpfs on DIR (root only).  Returns 0 or -errno. */
static inline int unit_mount_tmpfs(const char *dir)
{
	return mount("tmpfs", dir, "tmpfs", 0, "size=4m") < 0 ? -errno : 0;
}

/* Bind-mount FROM on TO (root only).  Returns 0 or -errno. */
static inline int unit_mount_bind(const char *from, const char *to)
{
	return mount(from, to, NULL, MS_BIND, NULL) < 0 ? -errno : 0;
}

/* Unmount DIR if something is mounted there (lazily, never fails). */
static inline void unit_umount(const char *dir)
{
	if (dir)
		umount2(dir, MNT_DETACH);
}

#endif
