/*
 * posix.c - the platform layer on POSIX systems: link, stat, openat,
 * readdir and friends, the portable path.  Where a kernel does better,
 * it asks the hooks of fast.h (linux.c), which say -ENOSYS elsewhere.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "answer.h"
#include "fast.h"
#include "hln/failpoint.h"
#include "hln/platform.h"

#define NEG_ERRNO() (errno ? -errno : -EIO)

static enum hln_type type_of_mode(mode_t m)
{
	if (S_ISREG(m))
		return HLN_T_REG;
	if (S_ISDIR(m))
		return HLN_T_DIR;
	if (S_ISLNK(m))
		return HLN_T_LNK;
	return HLN_T_OTHER;
}

static void from_stat(const struct stat *sb, struct hln_stat *st)
{
	st->dev = (uint64_t)sb->st_dev;
	st->ino = (uint64_t)sb->st_ino;
	st->nlink = (uint64_t)sb->st_nlink;
	st->size = sb->st_size > 0 ? (uint64_t)sb->st_size : 0;
	st->mnt_id = 0;
	st->mode = (uint32_t)(sb->st_mode & 07777);
	st->uid = (uint32_t)sb->st_uid;
	st->gid = (uint32_t)sb->st_gid;
	st->type = type_of_mode(sb->st_mode);
	st->atime_sec = (int64_t)sb->st_atim.tv_sec;
	st->atime_nsec = (int32_t)sb->st_atim.tv_nsec;
	st->mtime_sec = (int64_t)sb->st_mtim.tv_sec;
	st->mtime_nsec = (int32_t)sb->st_mtim.tv_nsec;
	st->ctime_sec = (int64_t)sb->st_ctim.tv_sec;
	st->ctime_nsec = (int32_t)sb->st_ctim.tv_nsec;
}

static int statat(int dirfd, const char *name, int flags, struct hln_stat *st)
{
	HLN_FAILPOINT("stat");
	if (flags & HLN_WANT_MNT) {
		int rc = fast_statat(dirfd, name, flags, st);
		if (rc != -ENOSYS)
			return rc;
	}
	struct stat sb;
	int rc;
	if (*name)
		rc = fstatat(dirfd, name, &sb,
			     (flags & HLN_FOLLOW) ? 0 : AT_SYMLINK_NOFOLLOW);
	else
		rc = fstat(dirfd, &sb);
	if (rc < 0)
		return NEG_ERRNO();
	from_stat(&sb, st);
	return 0;
}

int hln_stat_path(const char *path, int flags, struct hln_stat *st)
{
	if (!*path)
		return -ENOENT;
	return statat(AT_FDCWD, path, flags, st);
}

/* linkat says EPERM for a directory on Linux; say what it is. */
static int link_error(int dirfd, const char *target, int err)
{
	struct stat sb;
	if (err == EPERM && fstatat(dirfd, target, &sb, 0) == 0 &&
	    S_ISDIR(sb.st_mode))
		return -EISDIR;
	return -err;
}

int hln_link(const char *target, const char *newpath, int flags)
{
	HLN_FAILPOINT("link");
	if (linkat(AT_FDCWD, target, AT_FDCWD, newpath,
		   (flags & HLN_FOLLOW) ? AT_SYMLINK_FOLLOW : 0) < 0)
		return link_error(AT_FDCWD, target, errno);
	return 0;
}

int hln_rename(const char *from, const char *to)
{
	HLN_FAILPOINT("rename");
	return rename(from, to) < 0 ? NEG_ERRNO() : 0;
}

int hln_rename_dir_new(const char *from, const char *to)
{
	HLN_FAILPOINT("rename");
	int rc = fast_rename_new(AT_FDCWD, from, to);
	if (rc != -ENOSYS)
		return rc;
	/* rename(2) moves a directory over an empty directory only. */
	return rename(from, to) < 0 ? NEG_ERRNO() : 0;
}

int hln_rmdir(const char *path)
{
	HLN_FAILPOINT("rmdir");
	return rmdir(path) < 0 ? NEG_ERRNO() : 0;
}

int hln_unlink(const char *path)
{
	HLN_FAILPOINT("unlink");
	return unlink(path) < 0 ? NEG_ERRNO() : 0;
}

int hln_mkdir(const char *path, uint32_t mode)
{
	HLN_FAILPOINT("mkdir");
	return mkdir(path, (mode_t)mode) < 0 ? NEG_ERRNO() : 0;
}

static int readlink_at(int dirfd, const char *name, char *buf, size_t size)
{
	HLN_FAILPOINT("readlink");
	if (size < 2)
		return -ENAMETOOLONG;
	ssize_t n = readlinkat(dirfd, name, buf, size);
	if (n < 0)
		return NEG_ERRNO();
	if ((size_t)n >= size)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	return (int)n;
}

int hln_readlink(const char *path, char *buf, size_t size)
{
	return readlink_at(AT_FDCWD, path, buf, size);
}

int hln_realpath(const char *path, char **out)
{
	HLN_FAILPOINT("realpath");
	*out = realpath(path, NULL);
	return *out ? 0 : NEG_ERRNO();
}

/*
 * The nearest existing ancestor of PATH (PATH itself if it exists),
 * resolved to an absolute path in malloc'd memory, or NULL.
 */
static char *existing_realpath(const char *path)
{
	char *p = strdup(path);
	if (!p)
		return NULL;
	for (;;) {
		char *r = realpath(*p ? p : ".", NULL);
		if (r) {
			free(p);
			return r;
		}
		if (errno != ENOENT && errno != ENOTDIR)
			break;
		char *slash = strrchr(p, '/');
		if (!slash) {
			p[0] = '\0';
			continue;
		}
		while (slash > p && slash[-1] == '/')
			slash--;
		if (slash == p)
			slash[1] = '\0'; /* "/" */
		else
			*slash = '\0';
	}
	free(p);
	return NULL;
}

int hln_mount_point(const char *path, char *buf, size_t size)
{
	char *real = existing_realpath(path);
	if (!real)
		return NEG_ERRNO();
	int rc = fast_mount_point(real, buf, size);
	if (rc != -ENOSYS) {
		free(real);
		return rc;
	}
	/* Walk up while the device stays the same. */
	struct stat sb;
	if (stat(real, &sb) < 0) {
		rc = NEG_ERRNO();
		free(real);
		return rc;
	}
	dev_t dev = sb.st_dev;
	size_t len = strlen(real);
	while (len > 1) {
		char *slash = strrchr(real, '/');
		size_t plen = slash == real ? 1 : (size_t)(slash - real);
		char save = real[plen];
		real[plen] = '\0';
		if (stat(real, &sb) < 0 || sb.st_dev != dev) {
			real[plen] = save;
			break;
		}
		len = plen;
	}
	real[len] = '\0';
	if (len + 1 > size) {
		free(real);
		return -ENAMETOOLONG;
	}
	memcpy(buf, real, len + 1);
	free(real);
	return (int)len;
}

int hln_mount_root(const char *path, char *buf, size_t size)
{
	return fast_mount_root(path, buf, size);
}

int hln_fs_type(const char *path, char *buf, size_t size)
{
	char *p = existing_realpath(path);
	if (!p)
		return -ENOMEM;
	int rc = fast_fs_type(p, buf, size);
	free(p);
	return rc;
}

int hln_mounts_below(const char *path)
{
	HLN_FAILPOINT("mounts_below");
	return fast_mounts_below(path);
}

long hln_link_max(const char *path)
{
	errno = 0;
	long v = pathconf(path, _PC_LINK_MAX);
	if (v > 0)
		return v;
	return errno ? NEG_ERRNO() : -ENOSYS;
}

int hln_protected_hardlinks(void) { return sys_protected_hardlinks(); }

uint32_t hln_euid(void) { return (uint32_t)geteuid(); }

int hln_isatty(int fd) { return isatty(fd) ? 1 : 0; }

/* Set by SIGWINCH: the widths known are stale. */
static atomic_int resized = 1;

static void on_winch(int sig)
{
	(void)sig;
	atomic_store(&resized, 1);
}

int hln_term_columns(int fd)
{
	static atomic_int columns[3]; /* 0: not known yet */
	static atomic_flag watching = ATOMIC_FLAG_INIT;
	if (fd < 0 || fd > 2)
		return -EBADF;
	if (!atomic_flag_test_and_set(&watching)) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_winch;
		sa.sa_flags = SA_RESTART;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGWINCH, &sa, NULL);
	}
	if (atomic_exchange(&resized, 0))
		for (int i = 0; i < 3; i++)
			atomic_store(&columns[i], 0);
	int cols = atomic_load(&columns[fd]);
	if (cols == 0) {
		struct winsize ws;
		if (ioctl(fd, TIOCGWINSZ, &ws) < 0 || ws.ws_col == 0)
			cols = -ENOTTY;
		else
			cols = ws.ws_col;
		atomic_store(&columns[fd], cols);
	}
	return cols;
}

int hln_write(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return NEG_ERRNO();
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* NEXT of answer_line: a byte of the descriptor *CTX. */
static int answer_byte(void *ctx, char *c)
{
	for (;;) {
		ssize_t r = read(*(int *)ctx, c, 1);
		if (r >= 0)
			return (int)r;
		if (errno != EINTR)
			return NEG_ERRNO();
	}
}

int hln_read_answer(int from_tty, char *buf, size_t size)
{
	int fd = 0;
	if (from_tty) {
		fd = open("/dev/tty", O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return NEG_ERRNO();
	}
	int rc = answer_line(answer_byte, &fd, 0, buf, size);
	if (from_tty)
		close(fd);
	return rc;
}

int hln_ncpus(void)
{
	int n = fast_ncpus();
	if (n > 0)
		return n;
	long v = sysconf(_SC_NPROCESSORS_ONLN);
	return v > 0 ? (int)v : 1;
}

uint64_t hln_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int hln_usage(struct hln_usage *u)
{
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru) < 0)
		return -errno;
	u->cpu_ns =
		((uint64_t)ru.ru_utime.tv_sec + (uint64_t)ru.ru_stime.tv_sec) *
			1000000000u +
		((uint64_t)ru.ru_utime.tv_usec +
		 (uint64_t)ru.ru_stime.tv_usec) *
			1000u;
	u->waits = (uint64_t)ru.ru_nvcsw;
	u->preempted = (uint64_t)ru.ru_nivcsw;
	u->switches = 1;
	return 0;
}

void hln_sleep_ms(unsigned ms)
{
	struct timespec ts = {(time_t)(ms / 1000),
			      (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int hln_random(void *buf, size_t len)
{
	HLN_FAILPOINT("random");
	arc4random_buf(buf, len);
	return 0;
}

extern char **environ;

#ifdef HLN_FAILPOINTS
/* Not system(): it would ignore the SIGINT a hook may send us. */
int hln_run_shell(const char *cmd)
{
	char *argv[] = {"sh", "-c", (char *)cmd, NULL};
	pid_t pid;
	int rc = posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ);
	if (rc != 0)
		return -rc;
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return 0;
}
#endif

static atomic_int caught;

static void on_signal(int sig) { atomic_store(&caught, sig); }

int hln_signals_catch(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) < 0 ||
	    sigaction(SIGTERM, &sa, NULL) < 0)
		return NEG_ERRNO();
	return 0;
}

int hln_signal_pending(void) { return atomic_load(&caught); }

/* ---- directories ---- */

struct hln_dir {
	int fd;
	DIR *dp; /* readdir, once the fast path said ENOSYS */
	struct fast_dirbuf *fb; /* the fast path's buffer while reading */
	int fast; /* still trying the fast path */
	int done;
};

static int dir_from_fd(int fd, struct hln_dir **out)
{
	struct hln_dir *d = calloc(1, sizeof *d);
	if (!d) {
		close(fd);
		return -ENOMEM;
	}
	d->fd = fd;
	d->fast = 1;
	*out = d;
	return 0;
}

int hln_dir_open(const char *path, int flags, struct hln_dir **out)
{
	HLN_FAILPOINT("dir_open");
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
				    ((flags & HLN_FOLLOW) ? 0 : O_NOFOLLOW));
	if (fd < 0)
		return NEG_ERRNO();
	return dir_from_fd(fd, out);
}

int hln_dir_openat(struct hln_dir *parent, const char *name,
		   struct hln_dir **out)
{
	HLN_FAILPOINT("dir_open");
	int fd = openat(parent->fd, name,
			O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return NEG_ERRNO();
	return dir_from_fd(fd, out);
}

static int is_dot(const char *n)
{
	return n[0] == '.' && (!n[1] || (n[1] == '.' && !n[2]));
}

static int dir_next(struct hln_dir *d, struct hln_dirent *e)
{
	if (d->done)
		return 0;
	if (d->fast) {
		if (!d->fb) {
			if (!(d->fb = malloc(sizeof *d->fb)))
				return -ENOMEM;
			d->fb->pos = d->fb->len = 0;
		}
		int rc;
		do
			rc = fast_dir_next(d->fd, d->fb, e);
		while (rc == 1 && is_dot(e->name));
		if (rc != -ENOSYS) {
			if (rc == 0) {
				d->done = 1;
				free(d->fb);
				d->fb = NULL;
			}
			return rc;
		}
		free(d->fb);
		d->fb = NULL;
		d->fast = 0;
	}
	if (!d->dp) {
		/* fdopendir takes the descriptor; keep our own for openat. */
		int fd2 = dup(d->fd);
		if (fd2 < 0)
			return NEG_ERRNO();
		d->dp = fdopendir(fd2);
		if (!d->dp) {
			int rc = NEG_ERRNO();
			close(fd2);
			return rc;
		}
	}
	for (;;) {
		errno = 0;
		struct dirent *de = readdir(d->dp);
		if (!de) {
			if (errno)
				return NEG_ERRNO();
			d->done = 1;
			return 0;
		}
		if (is_dot(de->d_name))
			continue;
		e->name = de->d_name;
		e->ino = (uint64_t)de->d_ino;
		e->type = type_of_dtype(de->d_type);
		return 1;
	}
}

int hln_dir_next(struct hln_dir *d, struct hln_dirent *e)
{
	HLN_FAILPOINT("dir_next");
	int rc = dir_next(d, e);
	/*
	 * Test builds: HLN_FAILPOINTS=dirent_unknown=*:EIO makes every entry
	 * look as some filesystems give them, DT_UNKNOWN and no d_ino, so the
	 * stat fallbacks are tested where the filesystem would not need them.
	 */
	if (rc == 1 && HLN_FAILPOINT_FIRES("dirent_unknown")) {
		e->type = HLN_T_UNKNOWN;
		e->ino = 0;
	}
	return rc;
}

int hln_dir_fstat(struct hln_dir *d, int flags, struct hln_stat *st)
{
	return statat(d->fd, "", flags, st);
}

/* The descriptor NAMEs in D are relative to: the current directory's
 * for a NULL D (NAME is then a path). */
static int fd_of(const struct hln_dir *d) { return d ? d->fd : AT_FDCWD; }

int hln_dir_statat(struct hln_dir *d, const char *name, int flags,
		   struct hln_stat *st)
{
	if (!d && !*name)
		return -ENOENT; /* as hln_stat_path: "" names nothing */
	return statat(fd_of(d), name, flags, st);
}

int hln_dir_linkat(struct hln_dir *sd, const char *sname, struct hln_dir *dd,
		   const char *dname)
{
	HLN_FAILPOINT("link");
	if (linkat(sd->fd, sname, dd->fd, dname, 0) < 0)
		return link_error(sd->fd, sname, errno);
	return 0;
}

int hln_dir_mkdirat(struct hln_dir *d, const char *name, uint32_t mode)
{
	HLN_FAILPOINT("mkdir");
	return mkdirat(d->fd, name, (mode_t)mode) < 0 ? NEG_ERRNO() : 0;
}

int hln_dir_renameat(struct hln_dir *d, const char *from, const char *to)
{
	HLN_FAILPOINT("rename");
	return renameat(fd_of(d), from, fd_of(d), to) < 0 ? NEG_ERRNO() : 0;
}

int hln_dir_unlinkat(struct hln_dir *d, const char *name)
{
	HLN_FAILPOINT("unlink");
	return unlinkat(fd_of(d), name, 0) < 0 ? NEG_ERRNO() : 0;
}

int hln_dir_symlinkat(struct hln_dir *d, const char *name, const char *text)
{
	HLN_FAILPOINT("symlink");
	return symlinkat(text, d->fd, name) < 0 ? NEG_ERRNO() : 0;
}

int hln_dir_readlinkat(struct hln_dir *d, const char *name, char *buf,
		       size_t size)
{
	return readlink_at(fd_of(d), name, buf, size);
}

int hln_dir_setmeta(struct hln_dir *d, const char *name,
		    const struct hln_stat *st, int what)
{
	HLN_FAILPOINT("setmeta");
	int fd = d ? d->fd : AT_FDCWD;
	int first = 0;
	uint32_t mode = st->mode;
	if (what & HLN_META_OWNER) {
		if (fchownat(fd, name, (uid_t)st->uid, (gid_t)st->gid,
			     AT_SYMLINK_NOFOLLOW) < 0) {
			/* Not root: keeping the owner is not ours to do. */
			if (errno != EPERM && !first)
				first = NEG_ERRNO();
			mode &= ~(uint32_t)(S_ISUID | S_ISGID);
		}
	}
	/* A symlink has no mode of its own to set on most systems. */
	if ((what & HLN_META_MODE) && st->type != HLN_T_LNK &&
	    fchmodat(fd, name, (mode_t)mode, 0) < 0 && !first)
		first = NEG_ERRNO();
	if (what & HLN_META_TIMES) {
		struct timespec ts[2] = {
			{(time_t)st->atime_sec, st->atime_nsec},
			{(time_t)st->mtime_sec, st->mtime_nsec},
		};
		if (utimensat(fd, name, ts, AT_SYMLINK_NOFOLLOW) < 0 && !first)
			first = NEG_ERRNO();
	}
	return first;
}

int hln_dir_ino_trusted(struct hln_dir *d)
{
	int rc = fast_ino_trusted(d->fd);
	return rc == 1;
}

int hln_file_names(const char *path, void (*fn)(void *ctx, const char *name),
		   void *ctx)
{
	HLN_FAILPOINT("file_names");
	return fast_file_names(path, fn, ctx);
}

int hln_dir_close(struct hln_dir *d)
{
	if (!d)
		return 0;
	int rc = 0;
	if (d->dp)
		closedir(d->dp);
	if (close(d->fd) < 0)
		rc = NEG_ERRNO();
	free(d->fb);
	free(d);
	return rc;
}

/* ---- independent copies (break) ---- */

struct hln_file {
	int fd;
};

static int file_from_fd(int fd, struct hln_file **out)
{
	struct hln_file *f = malloc(sizeof *f);
	if (!f) {
		close(fd);
		return -ENOMEM;
	}
	f->fd = fd;
	*out = f;
	return 0;
}

int hln_file_open(const char *path, int how, struct hln_file **out)
{
	return hln_file_openat(NULL, path, how, out);
}

int hln_file_openat(struct hln_dir *d, const char *name, int how,
		    struct hln_file **out)
{
	HLN_FAILPOINT("open");
	int fd;
	if (how == HLN_OPEN_CREATE) {
		fd = openat(fd_of(d), name,
			    O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			    0600);
	} else {
		int flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
		int noatime = fast_noatime_flag();
		fd = openat(fd_of(d), name, flags | noatime);
		/* O_NOATIME is for the owner (or CAP_FOWNER) only. */
		if (fd < 0 && errno == EPERM && noatime)
			fd = openat(fd_of(d), name, flags);
	}
	if (fd < 0)
		return NEG_ERRNO();
	return file_from_fd(fd, out);
}

int hln_file_tmpfile(struct hln_dir *d, const char *dir, uint32_t mode,
		     struct hln_file **out)
{
	HLN_FAILPOINT("tmpfile");
	int fd = fast_tmpfile(fd_of(d), dir, mode & 0777);
	if (fd < 0)
		return fd;
	return file_from_fd(fd, out);
}

int hln_file_createat(struct hln_dir *d, const char *name, uint32_t mode,
		      struct hln_file **out)
{
	HLN_FAILPOINT("create");
	int fd = openat(fd_of(d), name,
			O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			(mode_t)(mode & 0777));
	if (fd < 0)
		return NEG_ERRNO();
	return file_from_fd(fd, out);
}

int hln_file_link(struct hln_file *f, struct hln_dir *d, const char *name)
{
	HLN_FAILPOINT("link");
	return fast_link_fd(f->fd, fd_of(d), name);
}

int hln_file_stat(struct hln_file *f, struct hln_stat *st)
{
	return statat(f->fd, "", 0, st);
}

int hln_file_space(struct hln_file *f, uint64_t *used, uint64_t *avail)
{
	HLN_FAILPOINT("statfs");
	struct stat sb;
	struct statvfs sv;
	if (fstat(f->fd, &sb) < 0 || fstatvfs(f->fd, &sv) < 0)
		return NEG_ERRNO();
	*used = (uint64_t)sb.st_blocks * 512u;
	/* root may use the blocks reserved for it, as cp run by root would */
	*avail = (uint64_t)(geteuid() == 0 ? sv.f_bfree : sv.f_bavail) *
		 (uint64_t)sv.f_frsize;
	return 0;
}

int hln_file_clone(struct hln_file *dst, struct hln_file *src)
{
	HLN_FAILPOINT("clone");
	int rc = fast_clone(dst->fd, src->fd);
	return rc == -ENOSYS ? -EOPNOTSUPP : rc;
}

int64_t hln_file_copy_range(struct hln_file *dst, struct hln_file *src,
			    uint64_t off, uint64_t len)
{
	HLN_FAILPOINT("copy_range");
	return fast_copy_range(dst->fd, src->fd, off, len);
}

int hln_file_range_shares(struct hln_file *f)
{
	HLN_FAILPOINT("statfs");
	return fast_range_shares(f->fd);
}

int64_t hln_file_read(struct hln_file *f, void *buf, size_t len, uint64_t off)
{
	HLN_FAILPOINT("read");
	for (;;) {
		ssize_t n = pread(f->fd, buf, len, (off_t)off);
		if (n >= 0)
			return (int64_t)n;
		if (errno != EINTR)
			return NEG_ERRNO();
	}
}

int64_t hln_file_write(struct hln_file *f, const void *buf, size_t len,
		       uint64_t off)
{
	HLN_FAILPOINT("write");
	const char *p = buf;
	size_t left = len;
	while (left > 0) {
		ssize_t n = pwrite(f->fd, p, left, (off_t)off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return NEG_ERRNO();
		}
		if (n == 0)
			return -EIO;
		p += n;
		off += (uint64_t)n;
		left -= (size_t)n;
	}
	return (int64_t)len;
}

int64_t hln_file_seek_data(struct hln_file *f, uint64_t off, int hole)
{
	HLN_FAILPOINT("seek");
	return fast_seek_data(f->fd, off, hole);
}

int hln_file_truncate(struct hln_file *f, uint64_t size)
{
	HLN_FAILPOINT("truncate");
	return ftruncate(f->fd, (off_t)size) < 0 ? NEG_ERRNO() : 0;
}

int hln_file_sync(struct hln_file *f)
{
	HLN_FAILPOINT("sync");
	return fsync(f->fd) < 0 ? NEG_ERRNO() : 0;
}

int hln_file_setmeta(struct hln_file *f, const struct hln_stat *st, int what)
{
	HLN_FAILPOINT("setmeta");
	int first = 0;
	uint32_t mode = st->mode;
	if (what & HLN_META_TIMES) {
		struct timespec ts[2] = {
			{(time_t)st->atime_sec, st->atime_nsec},
			{(time_t)st->mtime_sec, st->mtime_nsec},
		};
		if (futimens(f->fd, ts) < 0 && !first)
			first = NEG_ERRNO();
	}
	if (what & HLN_META_OWNER) {
		if (fchown(f->fd, (uid_t)st->uid, (gid_t)st->gid) < 0) {
			/* Not root: keeping the owner is not ours to do. */
			if (errno != EPERM && !first)
				first = NEG_ERRNO();
			mode &= ~(uint32_t)(S_ISUID | S_ISGID);
		}
	}
	if ((what & HLN_META_MODE) && fchmod(f->fd, (mode_t)mode) < 0 && !first)
		first = NEG_ERRNO();
	return first;
}

int hln_file_xattr_list(struct hln_file *f, char *buf, size_t size)
{
	HLN_FAILPOINT("xattr_list");
	return fast_xattr_list(f->fd, buf, size);
}

int hln_file_xattr_get(struct hln_file *f, const char *name, void *buf,
		       size_t size)
{
	HLN_FAILPOINT("xattr_get");
	return fast_xattr_get(f->fd, name, buf, size);
}

int hln_file_xattr_set(struct hln_file *f, const char *name, const void *val,
		       size_t len)
{
	HLN_FAILPOINT("xattr_set");
	return fast_xattr_set(f->fd, name, val, len);
}

int hln_file_xattr_remove(struct hln_file *f, const char *name)
{
	HLN_FAILPOINT("xattr_remove");
	return fast_xattr_remove(f->fd, name);
}

int hln_file_close(struct hln_file *f)
{
	if (!f)
		return 0;
	int rc = HLN_FAILPOINT_RC("close");
	if (close(f->fd) < 0 && rc == 0 && errno != EINTR)
		rc = NEG_ERRNO();
	free(f);
	return rc;
}

int hln_file_dedupe(struct hln_file *src, uint64_t off, uint64_t len,
		    struct hln_file *const *dst, size_t n, int64_t *done)
{
	HLN_FAILPOINT("dedupe");
	int fds[HLN_DEDUPE_MAX_DEST];
	if (n > HLN_DEDUPE_MAX_DEST || len > HLN_DEDUPE_MAX_LEN)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		fds[i] = dst[i]->fd;
	int rc = fast_dedupe(src->fd, off, len, fds, n, done);
	return rc == -ENOSYS ? -EOPNOTSUPP : rc;
}

int hln_file_same_extents(struct hln_file *a, struct hln_file *b)
{
	HLN_FAILPOINT("extents");
	return fast_same_extents(a->fd, b->fd);
}

int hln_file_shared_blocks(struct hln_file *f)
{
	HLN_FAILPOINT("extents");
	return fast_shared_blocks(f->fd);
}

/* FIDEDUPERANGE compares; elsewhere fast_dedupe shares nothing at all. */
int hln_file_dedupe_compares(void) { return 1; }

int hln_file_advise(struct hln_file *f, uint64_t off, uint64_t len, int how)
{
	return fast_advise(f->fd, off, len, how);
}

int hln_exchange(struct hln_dir *d, const char *a, const char *b)
{
	HLN_FAILPOINT("rename");
	return fast_exchange(fd_of(d), a, b);
}

int hln_fs_sync(const char *dir)
{
	HLN_FAILPOINT("fs_sync");
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return NEG_ERRNO();
	int rc = fast_syncfs(fd);
	close(fd);
	return rc;
}

int hln_dir_sync(struct hln_dir *d, const char *dir)
{
	HLN_FAILPOINT("dir_sync");
	int fd = openat(fd_of(d), *dir ? dir : ".",
			O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return NEG_ERRNO();
	int rc = fsync(fd) < 0 ? NEG_ERRNO() : 0;
	/* Some filesystems cannot flush a directory; nothing to flush then. */
	if (rc == -EINVAL || rc == -EROFS)
		rc = 0;
	close(fd);
	return rc;
}
