/*
 * portable.c - the fast-path hooks of fast.h for systems that have none:
 * every hook answers -ENOSYS and posix.c takes its portable path.
 */
#include <errno.h>

#include "fast.h"

int fast_dir_next(int fd, struct fast_dirbuf *b, struct hln_dirent *e)
{
	(void)fd, (void)b, (void)e;
	return -ENOSYS;
}

int fast_statat(int dirfd, const char *name, int flags, struct hln_stat *st)
{
	(void)dirfd, (void)name, (void)flags, (void)st;
	return -ENOSYS;
}

int fast_mount_point(const char *path, char *buf, size_t size)
{
	(void)path, (void)buf, (void)size;
	return -ENOSYS;
}

int fast_protected_hardlinks(void) { return -ENOSYS; }

int fast_ncpus(void) { return -ENOSYS; }

int fast_ino_trusted(int fd)
{
	(void)fd;
	return -ENOSYS;
}

int fast_file_names(const char *path, void (*fn)(void *ctx, const char *name),
		    void *ctx)
{
	(void)path, (void)fn, (void)ctx;
	return -ENOSYS;
}
