/*
 * fast.h - the hooks src/platform/posix.c calls for what a particular
 * kernel does faster or knows better.  linux.c implements them for Linux;
 * portable.c answers -ENOSYS to all, which is what BSD and macOS get and
 * what `make portable-check` tests.  Internal to src/platform/.
 */
#ifndef HLN_PLATFORM_FAST_H
#define HLN_PLATFORM_FAST_H

#include <dirent.h>
#include <stddef.h>

#include "hln/platform.h"

/* The hln_type of a dirent d_type (DT_REG ...). */
static inline enum hln_type type_of_dtype(unsigned char t)
{
	switch (t) {
	case DT_REG:
		return HLN_T_REG;
	case DT_DIR:
		return HLN_T_DIR;
	case DT_LNK:
		return HLN_T_LNK;
	case DT_UNKNOWN:
		return HLN_T_UNKNOWN;
	default:
		return HLN_T_OTHER;
	}
}

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

/* The mount's root within its filesystem (hln_mount_root), or -ENOSYS. */
int fast_mount_root(const char *path, char *buf, size_t size);

/* Whether a mount lies strictly below PATH (hln_mounts_below), or -ENOSYS. */
int fast_mounts_below(const char *path);

/*
 * Not a fast path but what the kernel knows (sys_): Linux
 * fs.protected_hardlinks, 1 or 0, or -ENOSYS where there is none.
 */
int sys_protected_hardlinks(void);

/* hln_fs_type's answer for the existing PATH, or -ENOSYS. */
int fast_fs_type(const char *path, char *buf, size_t size);

/* Whether d_ino of the directory open as FD is st_ino: 1, 0, or -ENOSYS. */
int fast_ino_trusted(int fd);

/* hln_file_names, where the kernel has a query; else -ENOSYS. */
int fast_file_names(const char *path, void (*fn)(void *ctx, const char *name),
		    void *ctx);

/* CPUs this process may run on, or -ENOSYS. */
int fast_ncpus(void);

/* ---- independent copies (break) ---- */

/*
 * A new unnamed file (O_TMPFILE), 0600, in DIR relative to DIRFD: its
 * fd, -ENOSYS, -errno.
 */
int fast_tmpfile(int dirfd, const char *dir, unsigned mode);

/* Name the unnamed file open as FD NAME in DIRFD: 0, -ENOSYS or -errno. */
int fast_link_fd(int fd, int dirfd, const char *name);

/* FICLONE SRC into DST: 0, -EOPNOTSUPP where impossible, -errno. */
int fast_clone(int dst, int src);

/* copy_file_range at OFF, both files: bytes copied, -ENOSYS, -errno. */
int64_t fast_copy_range(int dst, int src, uint64_t off, uint64_t len);

/*
 * Whether copy_file_range into the file open as FD may share blocks
 * (hln_file_range_shares): 1, 0, or -errno.
 */
int fast_range_shares(int fd);

/* SEEK_DATA (HOLE 0) or SEEK_HOLE (1): offset, -ENXIO, -ENOSYS, -errno. */
int64_t fast_seek_data(int fd, uint64_t off, int hole);

/* The open(2) flag that keeps the access time (O_NOATIME), or 0. */
int fast_noatime_flag(void);

/* flistxattr, fgetxattr, fsetxattr: as hln_file_xattr_*, -ENOSYS. */
int fast_xattr_list(int fd, char *buf, size_t size);
int fast_xattr_get(int fd, const char *name, void *buf, size_t size);
int fast_xattr_set(int fd, const char *name, const void *val, size_t len);
int fast_xattr_remove(int fd, const char *name);

/* FIDEDUPERANGE, as hln_file_dedupe, on descriptors; -EOPNOTSUPP. */
int fast_dedupe(int src, uint64_t off, uint64_t len, const int *dst, size_t n,
		int64_t *done);

/* FIEMAP: as hln_file_same_extents, or -ENOSYS. */
int fast_same_extents(int a, int b);

/* FIEMAP: as hln_file_shared_blocks, or -ENOSYS. */
int fast_shared_blocks(int fd);

/* posix_fadvise, as hln_file_advise: 0 or -ENOSYS. */
int fast_advise(int fd, uint64_t off, uint64_t len, int how);

/* syncfs of the filesystem holding FD, as hln_fs_sync: 0, -ENOSYS, -errno */
int fast_syncfs(int fd);

/* renameat2 RENAME_EXCHANGE of A and B in DIRFD: 0, -ENOSYS, -errno. */
int fast_exchange(int dirfd, const char *a, const char *b);

/*
 * Rename A to B (relative to DIRFD) where B does not exist, never
 * replacing it (renameat2 RENAME_NOREPLACE).  0, -ENOSYS where the OS or
 * the filesystem cannot promise that, or -errno.
 */
int fast_rename_new(int dirfd, const char *a, const char *b);

#endif
