/*
 * hln/platform.h - the platform boundary.
 *
 * Every call hln makes to the operating system goes through this header.
 * src/platform/posix.c (+ linux.c or portable.c) implement it on POSIX,
 * src/platform/win32/ on Windows.  Nothing outside src/platform/ may test
 * which OS it is built for.
 *
 * Conventions:
 *  - paths are byte strings (POSIX) or UTF-8 (Windows, converted to UTF-16
 *    only at the system call);
 *  - functions return 0 (or a count) on success and a negative errno value
 *    on failure; errno itself is never part of the interface;
 *  - a file's identity is (dev, ino) of struct hln_stat.
 */
#ifndef HLN_PLATFORM_H
#define HLN_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

/* What kind of file a name refers to. */
enum hln_type {
	HLN_T_UNKNOWN = 0, /* not known without a stat (DT_UNKNOWN) */
	HLN_T_REG,
	HLN_T_DIR,
	HLN_T_LNK,
	HLN_T_OTHER /* fifo, socket, device */
};

/* A portable stat: filled the same way on every OS. */
struct hln_stat {
	uint64_t dev; /* device (POSIX) or volume serial (Windows) */
	uint64_t ino; /* inode (POSIX) or 64-bit file index (Windows) */
	uint64_t nlink; /* number of hard links */
	uint64_t size; /* apparent size in bytes */
	uint64_t mnt_id; /* mount id where known (Linux statx), else 0 */
	uint32_t mode; /* permission bits, 07777 */
	uint32_t uid, gid;
	enum hln_type type;
	int64_t atime_sec, mtime_sec, ctime_sec;
	int32_t atime_nsec, mtime_nsec, ctime_nsec;
};

/* One directory entry, as read (no stat done). */
struct hln_dirent {
	const char *name; /* valid until the next hln_dir_next/close */
	enum hln_type type; /* HLN_T_UNKNOWN when the filesystem does not say */
	uint64_t ino; /* d_ino where the OS gives one, else 0 */
};

/* An open directory: read it, and operate on names relative to it. */
struct hln_dir;

/* Flags for the stat and open functions. */
#define HLN_FOLLOW 1 /* follow a final symlink */
#define HLN_WANT_MNT 2 /* fill st->mnt_id where the OS can (costs a statx) */

/*
 * Stat PATH, following a final symlink when FLAGS has HLN_FOLLOW.
 * Returns 0, or -errno (-ENOENT, -EACCES, -ELOOP, -ENAMETOOLONG, ...).
 */
int hln_stat_path(const char *path, int flags, struct hln_stat *st);

/*
 * Make NEWPATH a new name of TARGET (link(2) / CreateHardLinkW).  With
 * HLN_FOLLOW a symlink TARGET is resolved first; without, the symlink
 * itself is linked where the OS allows it.
 * Returns 0, or -errno: -EEXIST (NEWPATH exists), -EXDEV, -EMLINK, -EPERM,
 * -EISDIR/-EPERM (TARGET is a directory), -ENOENT, -EACCES, -EROFS,
 * -ENOSPC, -ENAMETOOLONG, -ELOOP.
 */
int hln_link(const char *target, const char *newpath, int flags);

/*
 * Atomically rename FROM to TO in one directory, replacing TO if it exists
 * and is not a directory.  Returns 0 or -errno.
 */
int hln_rename(const char *from, const char *to);

/*
 * Rename the directory FROM to TO, which must not exist: whatever TO is
 * when the call runs is never replaced (Linux renameat2 RENAME_NOREPLACE;
 * elsewhere rename(2), which moves a directory over nothing but an empty
 * directory; Windows MoveFileExW without replacing; failpoint "rename").
 * Returns 0, or -errno: -EEXIST (TO exists), -ENOTEMPTY, -ENOTDIR,
 * -ENOENT, -EACCES, -EXDEV, ...
 */
int hln_rename_dir_new(const char *from, const char *to);

/*
 * Remove the empty directory PATH (failpoint "rmdir").  Returns 0 or
 * -errno: -ENOTEMPTY, -ENOENT, -ENOTDIR, -EACCES, -EBUSY, ...
 */
int hln_rmdir(const char *path);

/* Remove the non-directory name PATH.  Returns 0 or -errno. */
int hln_unlink(const char *path);

/* Create directory PATH with MODE (before umask).  Returns 0 or -errno. */
int hln_mkdir(const char *path, uint32_t mode);

/*
 * Read the text of symlink PATH into BUF (NUL-terminated).
 * Returns the length of the text, or -errno (-ENAMETOOLONG if it does not
 * fit in SIZE-1 bytes, -EINVAL if PATH is not a symlink).
 */
int hln_readlink(const char *path, char *buf, size_t size);

/*
 * The absolute path of PATH with every symlink and "." or ".." resolved
 * (realpath / GetFinalPathNameByHandleW), in malloc'd memory at *OUT.
 * Returns 0, or -errno (-ENOENT if PATH does not exist).
 */
int hln_realpath(const char *path, char **out);

/*
 * The mount point (top directory) of the filesystem that holds PATH, into
 * BUF (NUL-terminated).  PATH need not exist: its nearest existing parent
 * is used.  Returns the length, or -errno (-ENAMETOOLONG if BUF is small).
 */
int hln_mount_point(const char *path, char *buf, size_t size);

/*
 * Which directory of its filesystem the mount holding the existing PATH
 * shows at its mount point, into BUF: "/" for an ordinary mount, "/sub"
 * for a bind mount of a subdirectory (names outside it are then out of
 * reach).  Returns the length, or -errno (-ENOSYS where the OS does not
 * say: the portable path, Windows).
 */
int hln_mount_root(const char *path, char *buf, size_t size);

/*
 * The type of the filesystem holding PATH ("ext4", "btrfs", "xfs",
 * "tmpfs", "NTFS", "ReFS"...) into BUF (NUL-terminated; PATH need not
 * exist: its nearest existing parent is asked).  Returns the length, or
 * -errno (-ENOSYS where the OS does not say, or the type has no name
 * here).
 */
int hln_fs_type(const char *path, char *buf, size_t size);

/*
 * Whether anything is mounted strictly below the directory PATH (a walk
 * of it that meets no mount need not look for one).  Returns 1, 0, or
 * -errno (-ENOSYS where the OS does not say: the portable path, Windows).
 */
int hln_mounts_below(const char *path);

/*
 * The largest number of links the filesystem holding PATH allows for one
 * file.  Returns the limit (> 0), or -errno (-ENOSYS when not known).
 */
long hln_link_max(const char *path);

/*
 * Whether the OS refuses links to files the caller does not own
 * (Linux fs.protected_hardlinks=1).  Returns 1, 0, or -errno (-ENOSYS
 * where the system cannot say).
 */
int hln_protected_hardlinks(void);

/* The effective user id, or (uint32_t)-1 where the OS has none. */
uint32_t hln_euid(void);

/* Whether FD (0, 1 or 2) is a terminal: 1 or 0. */
int hln_isatty(int fd);

/*
 * The width in columns of the terminal on FD (0..2), read again after the
 * terminal was resized (POSIX: TIOCGWINSZ, re-read once SIGWINCH came;
 * Windows: the console window's width, asked each time).  Returns the
 * columns (> 0), or -ENOTTY when FD is no terminal or says no width.
 */
int hln_term_columns(int fd);

/* Write LEN bytes of BUF to FD (0..2) completely.  Returns 0 or -errno. */
int hln_write(int fd, const void *buf, size_t len);

/*
 * Read one line (up to and including '\n') of the user's answer to a
 * question.  FROM_TTY reads the controlling terminal, else standard input.
 * Returns the number of bytes stored in BUF (NUL-terminated, 0 at end of
 * input), or -errno.
 */
int hln_read_answer(int from_tty, char *buf, size_t size);

/* The number of CPUs available to this process (>= 1). */
int hln_ncpus(void);

/* A monotonic clock in nanoseconds. */
uint64_t hln_now_ns(void);

/* What the whole process (every thread) has used so far. */
struct hln_usage {
	uint64_t cpu_ns; /* CPU time, user and system */
	uint64_t waits; /* times a thread blocked (on a read, a lock...) */
	uint64_t preempted; /* times a runnable thread was switched out */
	int switches; /* WAITS and PREEMPTED are known (else 0: Windows) */
};

/* Fill *U.  Returns 0, or -errno (-ENOSYS where the system cannot say). */
int hln_usage(struct hln_usage *u);

/* Sleep for MS milliseconds. */
void hln_sleep_ms(unsigned ms);

/* Fill BUF with LEN random bytes.  Returns 0 or -errno. */
int hln_random(void *buf, size_t len);

/*
 * From now on, SIGINT and SIGTERM (Ctrl-C / console close on Windows) only
 * set a flag that hln_signal_pending() reports, so that the operation in
 * flight can finish or roll back.  Returns 0 or -errno.
 */
int hln_signals_catch(void);

/* The signal caught since hln_signals_catch() (SIGINT=2, SIGTERM=15), or 0. */
int hln_signal_pending(void);

/* ---- directories ---- */

/*
 * Open the directory PATH (following a final symlink only with
 * HLN_FOLLOW).  Returns 0 with *OUT set, or -errno (-ENOTDIR, -ELOOP for a
 * symlink without HLN_FOLLOW, -ENOENT, -EACCES, -EMFILE).
 */
int hln_dir_open(const char *path, int flags, struct hln_dir **out);

/*
 * Open the subdirectory NAME of PARENT without following symlinks
 * (openat O_NOFOLLOW|O_DIRECTORY), so a directory swapped for a symlink
 * cannot lead elsewhere.  Returns 0 with *OUT set, or -errno (-ENOTDIR,
 * -ELOOP, ...).
 */
int hln_dir_openat(struct hln_dir *parent, const char *name,
		   struct hln_dir **out);

/*
 * Read the next entry of D ("." and ".." are skipped).
 * Returns 1 with *E filled, 0 at the end, or -errno.
 */
int hln_dir_next(struct hln_dir *d, struct hln_dirent *e);

/*
 * Stat the directory D itself (st->mnt_id filled with HLN_WANT_MNT where
 * the OS has it).  Returns 0 or -errno.
 */
int hln_dir_fstat(struct hln_dir *d, int flags, struct hln_stat *st);

/*
 * Stat NAME in D (symlinks not followed unless HLN_FOLLOW; st->mnt_id
 * filled with HLN_WANT_MNT where the OS has it).  D may be NULL: NAME is
 * then a path.  Returns 0 or -errno.
 */
int hln_dir_statat(struct hln_dir *d, const char *name, int flags,
		   struct hln_stat *st);

/*
 * Link SNAME in SD as DNAME in DD, not following a symlink SNAME.
 * Returns 0 or -errno (as hln_link).
 */
int hln_dir_linkat(struct hln_dir *sd, const char *sname, struct hln_dir *dd,
		   const char *dname);

/* Create directory NAME in D with MODE.  Returns 0 or -errno. */
int hln_dir_mkdirat(struct hln_dir *d, const char *name, uint32_t mode);

/*
 * Rename FROM to TO, both names in D (NULL: both are paths, in one
 * directory), replacing a non-directory TO atomically (failpoint
 * "rename").  Returns 0 or -errno.
 */
int hln_dir_renameat(struct hln_dir *d, const char *from, const char *to);

/*
 * Remove the non-directory NAME in D (NULL: NAME is a path; failpoint
 * "unlink").  Returns 0 or -errno.
 */
int hln_dir_unlinkat(struct hln_dir *d, const char *name);

/* Create symlink NAME in D holding TEXT.  Returns 0 or -errno. */
int hln_dir_symlinkat(struct hln_dir *d, const char *name, const char *text);

/*
 * Read symlink NAME in D (NULL: NAME is a path), as hln_readlink.
 * Returns the length or -errno.
 */
int hln_dir_readlinkat(struct hln_dir *d, const char *name, char *buf,
		       size_t size);

/*
 * Give NAME in D (not following symlinks; D may be NULL, then NAME is a
 * path; NAME "." is D itself) the owner, mode and times of ST.  The owner is
 * set only when HLN_META_OWNER is in WHAT, the mode with HLN_META_MODE
 * (setuid/setgid dropped when the owner could not be set), the access and
 * modification times with HLN_META_TIMES.  Returns 0, or the first -errno met
 * (the other steps are still tried); a failure to set the owner as a non-root
 * user is not an error.
 */
#define HLN_META_OWNER 1
#define HLN_META_MODE 2
#define HLN_META_TIMES 4
int hln_dir_setmeta(struct hln_dir *d, const char *name,
		    const struct hln_stat *st, int what);

/*
 * Whether the inode numbers in D's entries (hln_dirent.ino) are the files'
 * st_ino on D's filesystem, so a scan may compare them before any stat.
 * Returns 1 where known (ext2/3/4, XFS, Btrfs, tmpfs, F2FS, ...), 0 where
 * not or unknown (overlayfs, FUSE, network filesystems, the portable path).
 */
int hln_dir_ino_trusted(struct hln_dir *d);

/* Close D.  Returns 0 or -errno. */
int hln_dir_close(struct hln_dir *d);

/* ---- asking the filesystem for a file's names ---- */

/*
 * Ask the filesystem itself for every name of the file PATH (an absolute,
 * resolved path): Btrfs BTRFS_IOC_INO_PATHS (root or CAP_DAC_READ_SEARCH),
 * Windows FindFirstFileNameW.  FN(CTX, NAME) is called with each name as
 * an absolute path; the caller checks each (dev, ino) itself.
 * Returns the number of names passed to FN, or -errno: -ENOSYS where the
 * OS or filesystem has no such query, -EPERM/-EACCES when not permitted,
 * -E2BIG when the answer did not fit.
 */
int hln_file_names(const char *path, void (*fn)(void *ctx, const char *name),
		   void *ctx);

/* ---- independent copies (break) ---- */

/*
 * An open regular file, for making an independent copy of it.  Every
 * function below takes part in `hln break` and `create -f`; each starts
 * with a failpoint named as its comment says (hln/failpoint.h).
 */
struct hln_file;

/*
 * How hln_file_open opens PATH.  HLN_OPEN_READ: read only, no final
 * symlink, O_NOATIME where permitted, never blocking on a fifo.
 * HLN_OPEN_CREATE: a new file, read-write, O_CREAT|O_EXCL|O_NOFOLLOW, mode
 * 0600.  HLN_OPEN_DEDUPE: as HLN_OPEN_READ, for hln_file_dedupe: on
 * Windows nobody else may write the file while it is open (the open
 * fails with -EBUSY while someone has it open to write), and the handle
 * may share blocks into it; elsewhere just HLN_OPEN_READ (FIDEDUPERANGE
 * locks the files itself).
 */
#define HLN_OPEN_READ 1
#define HLN_OPEN_CREATE 2
#define HLN_OPEN_DEDUPE 3

/*
 * Open PATH as HOW says (failpoint "open").  Returns 0 with *OUT set, or
 * -errno: -ELOOP (a symlink), -EEXIST (HLN_OPEN_CREATE and PATH exists),
 * -ENOENT, -EACCES, -EMFILE, -ENOSPC, ...
 */
int hln_file_open(const char *path, int how, struct hln_file **out);

/*
 * Open NAME in D as hln_file_open opens a path (D NULL: NAME is a path),
 * so that names deeper than a path can reach work (failpoint "open").
 * Returns as hln_file_open.
 */
int hln_file_openat(struct hln_dir *d, const char *name, int how,
		    struct hln_file **out);

/*
 * Create a new file without a name in the directory DIR of D (D NULL: DIR
 * is a path; "." for D itself), read-write, with the permission bits
 * MODE & 0777 less the umask (nobody can open it by a name until it has
 * one; Linux O_TMPFILE; failpoint "tmpfile").  If the process dies it vanishes.
 * Returns 0 with *OUT set, -ENOSYS where the OS or the filesystem has no such
 * files (then create a named one), or -errno.
 */
int hln_file_tmpfile(struct hln_dir *d, const char *dir, uint32_t mode,
		     struct hln_file **out);

/*
 * Create the new file NAME in D (D NULL: NAME is a path), read-write,
 * with the permission bits MODE & 0777 less the umask (Windows: none);
 * NAME must not exist, and a final symlink is not followed (failpoint
 * "create").  Returns 0 with *OUT set, or -errno: -EEXIST, -ENOENT,
 * -EACCES, -ENOSPC, -EDQUOT, -EROFS, ...
 */
int hln_file_createat(struct hln_dir *d, const char *name, uint32_t mode,
		      struct hln_file **out);

/*
 * Give the unnamed file F (from hln_file_tmpfile) the name NAME in D (D
 * NULL: NAME is a path), in its directory, or give a named F one more
 * name (failpoint "link"): the link is made from the descriptor, so a
 * name of F swapped for another file since F was opened cannot be linked
 * instead.  Returns 0, or -errno (-EEXIST if NAME exists, -EMLINK, -ENOSYS
 * where a file cannot be linked from its descriptor).
 */
int hln_file_link(struct hln_file *f, struct hln_dir *d, const char *name);

/* Stat the open file F (failpoint "stat").  Returns 0 or -errno. */
int hln_file_stat(struct hln_file *f, struct hln_stat *st);

/*
 * The bytes F really occupies (allocated blocks; less than its size when
 * sparse) into *USED, and the bytes an unprivileged user may still
 * allocate on F's filesystem into *AVAIL (failpoint "statfs").
 * Returns 0 or -errno.
 */
int hln_file_space(struct hln_file *f, uint64_t *used, uint64_t *avail);

/*
 * Make DST share all the data blocks of SRC copy-on-write (Linux FICLONE;
 * Windows FSCTL_DUPLICATE_EXTENTS_TO_FILE where the volume says
 * FILE_SUPPORTS_BLOCK_REFCOUNTING; failpoint "clone").  Returns 0,
 * -EOPNOTSUPP where the filesystem or OS cannot clone these files, or
 * another -errno (-ENOSPC, -EIO, ...).
 */
int hln_file_clone(struct hln_file *dst, struct hln_file *src);

/*
 * Copy up to LEN bytes at offset OFF of SRC to the same offset of DST in
 * the kernel (copy_file_range; failpoint "copy_range").  Returns the
 * number copied (0 at the end of SRC), -ENOSYS where the kernel cannot
 * copy between these files (then read and write), or another -errno.
 */
int64_t hln_file_copy_range(struct hln_file *dst, struct hln_file *src,
			    uint64_t off, uint64_t len);

/*
 * Whether copy_file_range into F (hln_file_copy_range with F as DST) may
 * share data blocks instead of copying them, so that the result is a
 * clone: Btrfs, XFS, bcachefs, ZFS and OCFS2 remap extents through it,
 * NFS and CIFS/SMB may have the server clone, overlayfs and FUSE hand it
 * on to a filesystem that may (failpoint "statfs").  Decided by the
 * filesystem type.  Returns 1 (may share), 0 (it copies the bytes, or
 * hln_file_copy_range is never used here), or -errno.
 */
int hln_file_range_shares(struct hln_file *f);

/*
 * Read up to LEN bytes at OFF (failpoint "read").  Returns the number
 * read (0 at the end), or -errno.
 */
int64_t hln_file_read(struct hln_file *f, void *buf, size_t len, uint64_t off);

/*
 * Write all LEN bytes of BUF at OFF (failpoint "write").  Returns LEN, or
 * -errno (-ENOSPC, -EDQUOT, -EIO, ...).
 */
int64_t hln_file_write(struct hln_file *f, const void *buf, size_t len,
		       uint64_t off);

/*
 * Where the next data (HOLE 0) or hole (HOLE 1) of F starts at or after
 * OFF (SEEK_DATA / SEEK_HOLE; failpoint "seek").  Returns the offset,
 * -ENXIO when there is no data after OFF, -ENOSYS where the OS or the
 * filesystem does not say (then treat the whole file as data), or -errno.
 */
int64_t hln_file_seek_data(struct hln_file *f, uint64_t off, int hole);

/* Set F's size to SIZE (failpoint "truncate").  Returns 0 or -errno. */
int hln_file_truncate(struct hln_file *f, uint64_t size);

/* Flush F's data and metadata to disk (failpoint "sync").  0 or -errno. */
int hln_file_sync(struct hln_file *f);

/*
 * Give F the owner, mode and times of ST, as hln_dir_setmeta says
 * (HLN_META_* in WHAT; setuid/setgid dropped when the owner could not be
 * kept; failpoint "setmeta").  Returns 0 or the first -errno met.
 */
int hln_file_setmeta(struct hln_file *f, const struct hln_stat *st, int what);

/*
 * The names of F's extended attributes (POSIX ACLs and security.* among
 * them), each NUL-terminated, into BUF (failpoint "xattr_list").  SIZE 0
 * asks for the size needed.  Returns the length, -ERANGE if BUF is too
 * small, -ENOSYS where the OS has no extended attributes here, or -errno.
 */
int hln_file_xattr_list(struct hln_file *f, char *buf, size_t size);

/*
 * The value of F's extended attribute NAME into BUF (failpoint
 * "xattr_get"); SIZE 0 asks for the size.  Returns the length, -ERANGE,
 * -ENODATA if it vanished, -ENOSYS, or -errno.
 */
int hln_file_xattr_get(struct hln_file *f, const char *name, void *buf,
		       size_t size);

/*
 * Set F's extended attribute NAME to LEN bytes of VAL (failpoint
 * "xattr_set").  Returns 0, -EPERM where not permitted (trusted.*,
 * some security.*), -ENOSYS, or -errno.
 */
int hln_file_xattr_set(struct hln_file *f, const char *name, const void *val,
		       size_t len);

/*
 * Remove F's extended attribute NAME (failpoint "xattr_remove"): one the
 * new file got that the original has not, such as an ACL inherited from
 * its directory's default ACL.  Returns 0, -ENODATA if F has none,
 * -ENOSYS, or -errno.
 */
int hln_file_xattr_remove(struct hln_file *f, const char *name);

/*
 * Close F (failpoint "close"; F is closed and freed even when it fails).
 * Returns 0 or -errno.  F may be NULL.
 */
int hln_file_close(struct hln_file *f);

/* ---- sharing the blocks of identical files (dedupe --reflink) ---- */

/* The most bytes and destinations one hln_file_dedupe call takes. */
#define HLN_DEDUPE_MAX_LEN (16u * 1024 * 1024)
#define HLN_DEDUPE_MAX_DEST 120

/*
 * Make the LEN bytes at OFF of each of the N files DST (N <=
 * HLN_DEDUPE_MAX_DEST, LEN <= HLN_DEDUPE_MAX_LEN) share the data blocks
 * of the same range of SRC, where the kernel, having locked both files,
 * finds the bytes identical (Linux FIDEDUPERANGE; failpoint "dedupe").
 * Windows (FSCTL_DUPLICATE_EXTENTS_TO_FILE on ReFS and Dev Drives)
 * cannot compare: there SRC and every DST must be open HLN_OPEN_DEDUPE
 * since before the caller compared their bytes (nobody else could write
 * them since), OFF a multiple of the cluster size, and each DST's times
 * are restored.  DONE[i] gets the bytes shared for DST[i] (each checked:
 * less than LEN if the kernel shared less), or -ECANCELED when its bytes
 * (Windows: its size) differ (it changed since the caller compared it),
 * or its -errno (Windows: -EACCES for a read-only DST, -EBADF for one not
 * open HLN_OPEN_DEDUPE).  Returns 0 when the call was made (see DONE),
 * -EOPNOTSUPP where the filesystem or the OS cannot share blocks (nothing
 * changed), or another -errno (-EINVAL: Windows, SRC not open
 * HLN_OPEN_DEDUPE).  LEN 0 asks only whether the filesystem can.
 */
int hln_file_dedupe(struct hln_file *src, uint64_t off, uint64_t len,
		    struct hln_file *const *dst, size_t n, int64_t *done);

/*
 * Whether every byte of B already lies in the same data blocks as the
 * same byte of A (Linux FIEMAP: the same physical extents at the same
 * offsets; failpoint "extents"), so sharing them again would free
 * nothing.  Returns 1, 2 when B's data is stored inline in its metadata
 * (no blocks to share), 0 (not all, or it cannot tell: delayed
 * extents), -ENOSYS where the OS cannot say, or -errno.
 */
int hln_file_same_extents(struct hln_file *a, struct hln_file *b);

/*
 * Whether another file may share some data block of F (Linux FIEMAP, as
 * hln_file_same_extents asks it: an extent flagged shared, or one it
 * cannot place: delayed, unknown, encrypted; failpoint "extents").  One
 * question about F alone, cheaper than asking hln_file_same_extents of
 * each file of a set: where the keeper's blocks are its own, no other
 * file already shares them.  Returns 0 (every block is F's own, or F has
 * none), 1 (some may be shared), 2 when F's data is stored inline in its
 * metadata, -ENOSYS where the OS cannot say, or -errno.
 */
int hln_file_shared_blocks(struct hln_file *f);

/*
 * Whether hln_file_dedupe itself compares the bytes, under the kernel's
 * locks, and shares nothing of a destination that differs (Linux
 * FIDEDUPERANGE: -ECANCELED in DONE): 1; or 0 where the caller must
 * compare them first (Windows).
 */
int hln_file_dedupe_compares(void);

/*
 * Advise the OS how F's data will be read (failpoint-free): HOW
 * HLN_ADV_SEQUENTIAL before reading it through once, HLN_ADV_DONTNEED
 * for a range that will not be read again (posix_fadvise).  Returns 0,
 * or -ENOSYS where there is no such advice.
 */
#define HLN_ADV_SEQUENTIAL 1
#define HLN_ADV_DONTNEED 2
int hln_file_advise(struct hln_file *f, uint64_t off, uint64_t len, int how);

/*
 * Exchange the names A and B atomically, both in D (D NULL: A and B are
 * paths, in one directory; renameat2 RENAME_EXCHANGE; failpoint "rename",
 * which it is).  Returns 0, -ENOSYS where the OS or the filesystem cannot
 * exchange (then check and rename), or -errno (-ENOENT if either is
 * missing).
 */
int hln_exchange(struct hln_dir *d, const char *a, const char *b);

/*
 * Flush the directory DIR of D (D NULL: DIR is a path; "." for D itself),
 * its entries, to disk (failpoint "dir_sync").  Returns 0 or -errno.
 */
int hln_dir_sync(struct hln_dir *d, const char *dir);

/*
 * Flush to disk everything not yet written of the filesystem that holds
 * the directory DIR, once (Linux syncfs; failpoint "fs_sync"): what
 * hln_dir_sync of each directory made there would do, at the cost of one
 * journal commit.  Returns 0, -ENOSYS where the OS has no such call (then
 * flush directory by directory), or -errno.
 */
int hln_fs_sync(const char *dir);

#endif
