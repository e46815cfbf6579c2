/*
 * fast.h - the hooks src/platform/posix.c calls for what a particular
 * kernel does faster or knows better.  linux.c implements them for Linux;
 * portable.c answers -ENOSYS to all, which is what BSD and macOS get and
 * what `make portable-check` tests.  Internal to src/platform/.
 */
#ifndef HLN_PLATFORM_FAST_H
#define HLN_PLATFORM_FAST_H

#include <stddef.h>

#include "hln/platform.h"

/* A buffer of raw directory entries read in bulk. */
struct fast_dirbuf {
	size_t pos, len;
	_Alignas(8) char buf[32768];
};

/*
 * Read the next entry of the directory open as FD, through B.
 * Returns 1 with *E set, 0 at the end, -errno, or -ENOSYS if the kernel
 * has no bulk read (then the caller uses readdir).
 */
int fast_dir_next(int fd, struct fast_dirbuf *b, struct hln_dirent *e);

/*
 * Stat NAME relative to DIRFD (NAME "" with DIRFD: the directory itself),
 * filling st->mnt_id too.  FLAGS: HLN_FOLLOW.  Returns 0, -errno, or
 * -ENOSYS if the kernel cannot say the mount id.
 */
int fast_statat(int dirfd, const char *name, int flags, struct hln_stat *st);

/*
 * The mount point of the existing file PATH into BUF.  Returns the length,
 * -errno, or -ENOSYS (then the caller walks up while the device stays).
 */
int fast_mount_point(const char *path, char *buf, size_t size);

/* Linux fs.protected_hardlinks: 1, 0, or -ENOSYS where there is none. */
int fast_protected_hardlinks(void);

/* Whether d_ino of the directory open as FD is st_ino: 1, 0, or -ENOSYS. */
int fast_ino_trusted(int fd);

/* hln_file_names, where the kernel has a query; else -ENOSYS. */
int fast_file_names(const char *path, void (*fn)(void *ctx, const char *name),
		    void *ctx);

/* CPUs this process may run on, or -ENOSYS. */
int fast_ncpus(void);

#endif
