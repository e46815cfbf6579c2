/*
 * portable.c - the fast-path hooks of fast.h for systems that have none:
 * every hook answers -ENOSYS and posix.c takes its portable path.
 */
#include <errno.h>

#include "fast.h"

/* Every hook here answers without looking at what it is asked. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

int fast_dir_next(int fd, struct fast_dirbuf *b, struct hln_dirent *e)
{
	return -ENOSYS;
}

int fast_statat(int dirfd, const char *name, int flags, struct hln_stat *st)
{
	return -ENOSYS;
}

int fast_mount_point(const char *path, char *buf, size_t size)
{
	return -ENOSYS;
}

int fast_mount_root(const char *path, char *buf, size_t size)
{
	return -ENOSYS;
}

int fast_mounts_below(const char *path) { return -ENOSYS; }

int sys_protected_hardlinks(void) { return -ENOSYS; }

int fast_fs_type(const char *path, char *buf, size_t size) { return -ENOSYS; }

int fast_ncpus(void) { return -ENOSYS; }

int fast_ino_trusted(int fd) { return -ENOSYS; }

int fast_file_names(const char *path, void (*fn)(void *ctx, const char *name),
		    void *ctx)
{
	return -ENOSYS;
}

/* ---- independent copies (break) ---- */

int fast_tmpfile(int dirfd, const char *dir, unsigned mode) { return -ENOSYS; }

int fast_link_fd(int fd, int dirfd, const char *name) { return -ENOSYS; }

int fast_clone(int dst, int src) { return -EOPNOTSUPP; }

int64_t fast_copy_range(int dst, int src, uint64_t off, uint64_t len)
{
	return -ENOSYS;
}

/* fast_copy_range is never used: nothing to share */
int fast_range_shares(int fd) { return 0; }

int64_t fast_seek_data(int fd, uint64_t off, int hole) { return -ENOSYS; }

int fast_noatime_flag(void) { return 0; }

int fast_xattr_list(int fd, char *buf, size_t size) { return -ENOSYS; }

int fast_xattr_get(int fd, const char *name, void *buf, size_t size)
{
	return -ENOSYS;
}

int fast_xattr_set(int fd, const char *name, const void *val, size_t len)
{
	return -ENOSYS;
}

int fast_xattr_remove(int fd, const char *name) { return -ENOSYS; }

int fast_dedupe(int src, uint64_t off, uint64_t len, const int *dst, size_t n,
		int64_t *done)
{
	return -ENOSYS;
}

int fast_same_extents(int a, int b) { return -ENOSYS; }

int fast_shared_blocks(int fd) { return -ENOSYS; }

int fast_advise(int fd, uint64_t off, uint64_t len, int how) { return -ENOSYS; }

int fast_syncfs(int fd) { return -ENOSYS; }

int fast_exchange(int dirfd, const char *a, const char *b) { return -ENOSYS; }
int fast_rename_new(int dirfd, const char *a, const char *b) { return -ENOSYS; }
