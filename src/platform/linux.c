/*
 * linux.c - the Linux answers to the hooks of fast.h: getdents64 for
 * bulk directory reads, statx for mount ids, /proc/self/mountinfo for
 * mount points, /proc/sys/fs/protected_hardlinks, sched_getaffinity.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/ioctl.h>
#include <sys/xattr.h>
#include <linux/fs.h>
#include <limits.h>
#include <sys/statfs.h>
#include <linux/btrfs.h>
#include <linux/fiemap.h>
#include <unistd.h>

#include "fast.h"
#include "hln/failpoint.h"

/* The record getdents64 fills (linux_dirent64). */
struct dirent64_rec {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

int fast_dir_next(int fd, struct fast_dirbuf *b, struct hln_dirent *e)
{
	if (b->pos >= b->len) {
		ssize_t n = getdents64(fd, b->buf, sizeof b->buf);
		if (n < 0)
			return errno == ENOSYS ? -ENOSYS : -errno;
		if (n == 0)
			return 0;
		b->len = (size_t)n;
		b->pos = 0;
	}
	struct dirent64_rec *r =
		(struct dirent64_rec *)(void *)(b->buf + b->pos);
	b->pos += r->d_reclen;
	e->name = r->d_name;
	e->ino = r->d_ino;
	e->type = type_of_dtype(r->d_type);
	return 1;
}

static void from_statx(const struct statx *sx, struct hln_stat *st)
{
	st->dev = makedev(sx->stx_dev_major, sx->stx_dev_minor);
	st->ino = sx->stx_ino;
	st->nlink = sx->stx_nlink;
	st->size = sx->stx_size;
	st->mnt_id = (sx->stx_mask & STATX_MNT_ID) ? sx->stx_mnt_id : 0;
	st->mode = sx->stx_mode & 07777;
	st->uid = sx->stx_uid;
	st->gid = sx->stx_gid;
	switch (sx->stx_mode & S_IFMT) {
	case S_IFREG:
		st->type = HLN_T_REG;
		break;
	case S_IFDIR:
		st->type = HLN_T_DIR;
		break;
	case S_IFLNK:
		st->type = HLN_T_LNK;
		break;
	default:
		st->type = HLN_T_OTHER;
	}
	st->atime_sec = sx->stx_atime.tv_sec;
	st->atime_nsec = (int32_t)sx->stx_atime.tv_nsec;
	st->mtime_sec = sx->stx_mtime.tv_sec;
	st->mtime_nsec = (int32_t)sx->stx_mtime.tv_nsec;
	st->ctime_sec = sx->stx_ctime.tv_sec;
	st->ctime_nsec = (int32_t)sx->stx_ctime.tv_nsec;
}

int fast_statat(int dirfd, const char *name, int flags, struct hln_stat *st)
{
	struct statx sx;
	int at = AT_STATX_SYNC_AS_STAT;
	if (!*name)
		at |= AT_EMPTY_PATH;
	if (!(flags & HLN_FOLLOW))
		at |= AT_SYMLINK_NOFOLLOW;
	if (statx(dirfd, name, at, STATX_BASIC_STATS | STATX_MNT_ID, &sx) < 0)
		return errno == ENOSYS ? -ENOSYS : -errno;
	if (!(sx.stx_mask & STATX_MNT_ID))
		return -ENOSYS;
	from_statx(&sx, st);
	return 0;
}

/* Undo the octal escapes (\040 ...) of a mountinfo field, in place. */
static void unescape(char *s)
{
	char *o = s;
	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' &&
		    s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 +
				      (s[3] - '0'));
			s += 4;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
}

/*
 * Field FIELD (3: root, 4: mount point) of the mountinfo line of the mount
 * that holds PATH, into BUF.  Returns the length or -errno.
 */
static int mountinfo_field(const char *path, int field, char *buf, size_t size)
{
	struct hln_stat st;
	int rc = fast_statat(AT_FDCWD, path, HLN_FOLLOW, &st);
	if (rc < 0)
		return rc;
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return -ENOSYS;
	char *line = NULL;
	size_t cap = 0;
	rc = -ENOSYS;
	while (getline(&line, &cap, f) > 0) {
		/* id parent major:minor root mountpoint ... */
		unsigned long long id;
		char *mp = NULL;
		char *save = NULL;
		char *tok = strtok_r(line, " ", &save);
		if (!tok || sscanf(tok, "%llu", &id) != 1 || id != st.mnt_id)
			continue;
		for (int i = 0; i < field && tok; i++)
			tok = strtok_r(NULL, " ", &save);
		mp = tok;
		if (!mp)
			break;
		unescape(mp);
		size_t len = strlen(mp);
		if (len + 1 > size) {
			rc = -ENAMETOOLONG;
		} else {
			memcpy(buf, mp, len + 1);
			rc = (int)len;
		}
		break;
	}
	free(line);
	fclose(f);
	return rc;
}

int fast_mount_point(const char *path, char *buf, size_t size)
{
	return mountinfo_field(path, 4, buf, size);
}

int fast_mount_root(const char *path, char *buf, size_t size)
{
	return mountinfo_field(path, 3, buf, size);
}

int fast_fs_type(const char *path, char *buf, size_t size)
{
	static const struct {
		unsigned long magic;
		const char *name;
	} types[] = {
		{0xEF53, "ext4"},          {0x9123683E, "btrfs"},
		{0x58465342, "xfs"},       {0x01021994, "tmpfs"},
		{0xCA451A4E, "bcachefs"},  {0x2FC12FC1, "zfs"},
		{0xF2F52010, "f2fs"},      {0x6969, "nfs"},
		{0xFF534D42, "cifs"},      {0xFE534D42, "smb2"},
		{0x794C7630, "overlayfs"}, {0x4D44, "vfat"},
		{0x5346544E, "ntfs"},      {0x7366746E, "ntfs3"},
		{0x65735546, "fuse"},      {0x2011BAB0, "exfat"},
		{0x3153464A, "jfs"},       {0x52654973, "reiserfs"},
		{0x73717368, "squashfs"},  {0x858458F6, "ramfs"},
	};
	struct statfs sf;
	if (statfs(path, &sf) < 0)
		return -errno;
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if ((unsigned long)(unsigned int)sf.f_type == types[i].magic) {
			int n = snprintf(buf, size, "%s", types[i].name);
			return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : n;
		}
	return -ENOSYS;
}

int fast_mounts_below(const char *path)
{
	char *real = realpath(path, NULL);
	if (!real)
		return -errno;
	size_t len = strcmp(real, "/") == 0 ? 0 : strlen(real);
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f) {
		free(real);
		return -ENOSYS;
	}
	char *line = NULL;
	size_t cap = 0;
	int found = 0;
	while (!found && getline(&line, &cap, f) > 0) {
		/* id parent major:minor root mountpoint ... */
		char *save = NULL;
		char *tok = strtok_r(line, " ", &save);
		for (int i = 0; i < 4 && tok; i++)
			tok = strtok_r(NULL, " ", &save);
		if (!tok)
			continue;
		unescape(tok);
		found = strncmp(tok, real, len) == 0 && tok[len] == '/' &&
			tok[len + 1] != '\0';
	}
	free(line);
	fclose(f);
	free(real);
	return found;
}

int sys_protected_hardlinks(void)
{
	FILE *f = fopen("/proc/sys/fs/protected_hardlinks", "re");
	if (!f)
		return -ENOSYS;
	int v = 0;
	int ok = fscanf(f, "%d", &v) == 1;
	fclose(f);
	return ok ? (v != 0) : -ENOSYS;
}

int fast_ncpus(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set) < 0)
		return -ENOSYS;
	int n = CPU_COUNT(&set);
	return n > 0 ? n : -ENOSYS;
}

/*
 * Filesystems whose getdents64 d_ino is the inode's st_ino.  Overlayfs,
 * FUSE and network filesystems are left out on purpose: their d_ino may be
 * another layer's or the server's number.
 */
static const long trusted_magic[] = {
	0xEF53, /* ext2/3/4 */
	0x58465342, /* XFS */
	0x9123683E, /* Btrfs */
	0x01021994, /* tmpfs */
	0xF2F52010, /* F2FS */
	0x858458f6, /* ramfs */
	0x3153464a, /* JFS */
	0x52654973, /* ReiserFS */
	(long)0xCA451A4E, /* bcachefs */
};

int fast_ino_trusted(int fd)
{
	struct statfs sf;
	if (fstatfs(fd, &sf) < 0)
		return -errno;
	for (size_t i = 0; i < sizeof trusted_magic / sizeof trusted_magic[0];
	     i++)
		if ((long)sf.f_type == trusted_magic[i])
			return 1;
	return 0;
}

#define BTRFS_FIRST_FREE_OBJECTID 256

/*
 * The root directory of the Btrfs subvolume holding the existing file
 * PATH, into a malloc'd string: walk up while the device stays the same
 * until a directory with inode 256 (a subvolume's root).
 */
static char *btrfs_subvol_root(const char *path, dev_t dev)
{
	char *p = strdup(path);
	if (!p)
		return NULL;
	for (;;) {
		char *slash = strrchr(p, '/');
		if (!slash)
			break;
		if (slash == p)
			slash[1] = '\0';
		else
			*slash = '\0';
		struct stat sb;
		if (stat(p, &sb) < 0 || sb.st_dev != dev)
			break;
		if (sb.st_ino == BTRFS_FIRST_FREE_OBJECTID)
			return p;
		if (slash == p)
			break;
	}
	free(p);
	return NULL;
}

int fast_file_names(const char *path, void (*fn)(void *ctx, const char *name),
		    void *ctx)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	struct statfs sf;
	struct stat sb;
	if (fstatfs(fd, &sf) < 0 || fstat(fd, &sb) < 0 ||
	    (long)sf.f_type != 0x9123683E) {
		close(fd);
		return -ENOSYS;
	}
	char *root = btrfs_subvol_root(path, sb.st_dev);
	if (!root) {
		close(fd);
		return -ENOSYS;
	}
	/*
	 * Kernels cap one answer at 4 KiB; a larger buffer is tried once in
	 * case a kernel does not, then the scan answers instead.
	 */
	int rc = -E2BIG;
	for (size_t size = 4096; size <= 65536; size *= 16) {
		struct btrfs_data_container *dc = calloc(1, size);
		if (!dc) {
			rc = -ENOMEM;
			break;
		}
		struct btrfs_ioctl_ino_path_args args;
		memset(&args, 0, sizeof args);
		args.inum = sb.st_ino;
		args.size = size;
		args.fspath = (uint64_t)(uintptr_t)dc;
		if (ioctl(fd, BTRFS_IOC_INO_PATHS, &args) < 0) {
			rc = -errno;
			free(dc);
			break;
		}
		if (dc->elem_missed > 0 || dc->bytes_missing > 0) {
			free(dc);
			continue;
		}
		size_t rlen = strlen(root);
		for (uint32_t i = 0; i < dc->elem_cnt; i++) {
			const char *rel = (const char *)dc->val + dc->val[i];
			char *full = malloc(rlen + strlen(rel) + 2);
			if (!full)
				continue;
			sprintf(full, "%s%s%s", root,
				rlen && root[rlen - 1] == '/' ? "" : "/", rel);
			fn(ctx, full);
			free(full);
		}
		rc = (int)dc->elem_cnt;
		free(dc);
		break;
	}
	free(root);
	close(fd);
	return rc;
}

/* ---- independent copies (break) ---- */

int fast_tmpfile(int dirfd, const char *dir, unsigned mode)
{
	int fd = openat(dirfd, *dir ? dir : ".", O_TMPFILE | O_RDWR | O_CLOEXEC,
			(mode_t)mode);
	if (fd >= 0)
		return fd;
	/* Kernels and filesystems without O_TMPFILE say one of these. */
	if (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL ||
	    errno == ENOSYS)
		return -ENOSYS;
	return -errno;
}

int fast_link_fd(int fd, int dirfd, const char *name)
{
	/* AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH; /proc works for all. */
	if (linkat(fd, "", dirfd, name, AT_EMPTY_PATH) == 0)
		return 0;
	if (errno != ENOENT && errno != EPERM)
		return -errno;
	char proc[64];
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	if (linkat(AT_FDCWD, proc, dirfd, name, AT_SYMLINK_FOLLOW) < 0)
		return -errno;
	return 0;
}

int fast_clone(int dst, int src)
{
	if (ioctl(dst, FICLONE, src) == 0)
		return 0;
	switch (errno) {
	case EOPNOTSUPP:
	case EINVAL:
	case EXDEV:
	case ENOTTY:
	case ENOSYS:
	case EBADF: /* the destination is on another kind of filesystem */
		return -EOPNOTSUPP;
	default:
		return -errno;
	}
}

int64_t fast_copy_range(int dst, int src, uint64_t off, uint64_t len)
{
	loff_t in = (loff_t)off, out = (loff_t)off;
	for (;;) {
		ssize_t n =
			copy_file_range(src, &in, dst, &out, (size_t)len, 0);
		if (n >= 0)
			return (int64_t)n;
		switch (errno) {
		case EINTR:
			continue;
		case ENOSYS:
		case EXDEV:
		case EINVAL:
		case EOPNOTSUPP:
		case EBADF:
			return -ENOSYS;
		default:
			return -errno;
		}
	}
}

int fast_range_shares(int fd)
{
	/*
	 * The filesystems where copy_file_range remaps extents (the VFS
	 * tries ->remap_file_range first) or where the server may clone;
	 * <linux/magic.h> lacks some of them, so the numbers are here.
	 */
	static const unsigned long sharing[] = {
		0x9123683eUL, /* Btrfs */
		0x58465342UL, /* XFS */
		0xca451a4eUL, /* bcachefs */
		0x2fc12fc1UL, /* ZFS (block cloning, 2.2+) */
		0x7461636fUL, /* OCFS2 */
		0x00006969UL, /* NFS (server-side copy or clone) */
		0xff534d42UL, /* CIFS */
		0xfe534d42UL, /* SMB2/3 */
		0x794c7630UL, /* overlayfs: passes it to the layer below */
		0x65735546UL, /* FUSE: whatever the daemon does */
	};
	struct statfs sf;
	if (fstatfs(fd, &sf) < 0)
		return -errno;
	for (size_t i = 0; i < sizeof sharing / sizeof sharing[0]; i++)
		if ((unsigned long)sf.f_type == sharing[i])
			return 1;
	return 0;
}

int64_t fast_seek_data(int fd, uint64_t off, int hole)
{
	off_t r = lseek(fd, (off_t)off, hole ? SEEK_HOLE : SEEK_DATA);
	if (r >= 0)
		return (int64_t)r;
	if (errno == EINVAL || errno == EOPNOTSUPP)
		return -ENOSYS;
	return -errno;
}

int fast_noatime_flag(void) { return O_NOATIME; }

static int xattr_rc(ssize_t n)
{
	if (n >= 0)
		return n > INT_MAX ? -E2BIG : (int)n;
	return errno == ENOTSUP ? -ENOSYS : -errno;
}

int fast_xattr_list(int fd, char *buf, size_t size)
{
	return xattr_rc(flistxattr(fd, buf, size));
}

int fast_xattr_get(int fd, const char *name, void *buf, size_t size)
{
	return xattr_rc(fgetxattr(fd, name, buf, size));
}

int fast_xattr_set(int fd, const char *name, const void *val, size_t len)
{
	return xattr_rc(fsetxattr(fd, name, val, len, 0) < 0 ? -1 : 0);
}

int fast_xattr_remove(int fd, const char *name)
{
	return xattr_rc(fremovexattr(fd, name) < 0 ? -1 : 0);
}

/* renameat2 with FLAGS in DIRFD; -ENOSYS where it or they are missing. */
static int rename2(int dirfd, const char *a, const char *b, unsigned flags)
{
	if (renameat2(dirfd, a, dirfd, b, flags) == 0)
		return 0;
	/* No renameat2, or a filesystem without the flag. */
	if (errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP)
		return -ENOSYS;
	return -errno;
}

int fast_exchange(int dirfd, const char *a, const char *b)
{
	return rename2(dirfd, a, b, RENAME_EXCHANGE);
}

int fast_rename_new(int dirfd, const char *a, const char *b)
{
	return rename2(dirfd, a, b, RENAME_NOREPLACE);
}

/* ---- sharing blocks (dedupe --reflink) ---- */

int fast_dedupe(int src, uint64_t off, uint64_t len, const int *dst, size_t n,
		int64_t *done)
{
	struct file_dedupe_range *r =
		calloc(1, sizeof *r + n * sizeof r->info[0]);
	if (!r)
		return -ENOMEM;
	r->src_offset = off;
	r->src_length = len;
	r->dest_count = (uint16_t)n;
	for (size_t i = 0; i < n; i++) {
		r->info[i].dest_fd = dst[i];
		r->info[i].dest_offset = off;
	}
	int rc = 0;
	if (ioctl(src, FIDEDUPERANGE, r) < 0) {
		rc = -errno;
		/* filesystems without it: ENOTTY, EOPNOTSUPP, EINVAL (tmpfs) */
		if (rc == -ENOTTY || rc == -EINVAL || rc == -EXDEV)
			rc = -EOPNOTSUPP;
	}
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (r->info[i].status == FILE_DEDUPE_RANGE_DIFFERS)
			done[i] = -ECANCELED;
		else if (r->info[i].status < 0)
			done[i] = r->info[i].status;
		else
			done[i] = (int64_t)r->info[i].bytes_deduped;
	}
	free(r);
	return rc;
}

/* The next batch of extents of FD from offset START into M. */
static int fiemap_at(int fd, uint64_t start, struct fiemap *m, unsigned max)
{
	memset(m, 0, sizeof *m);
	m->fm_start = start;
	m->fm_length = FIEMAP_MAX_OFFSET - start;
	m->fm_flags = FIEMAP_FLAG_SYNC;
	m->fm_extent_count = max;
	if (ioctl(fd, FS_IOC_FIEMAP, m) < 0)
		return errno == EOPNOTSUPP || errno == ENOTTY ? -ENOSYS
							      : -errno;
	return (int)m->fm_mapped_extents;
}

int fast_same_extents(int a, int b)
{
	enum { MAX = 64 };
	size_t sz = sizeof(struct fiemap) + MAX * sizeof(struct fiemap_extent);
	struct fiemap *ma = malloc(sz), *mb = malloc(sz);
	int rc = -ENOMEM;
	uint64_t off = 0;
	if (!ma || !mb)
		goto out;
	const unsigned unusable =
		FIEMAP_EXTENT_UNKNOWN | FIEMAP_EXTENT_DELALLOC |
		FIEMAP_EXTENT_DATA_INLINE | FIEMAP_EXTENT_NOT_ALIGNED |
		FIEMAP_EXTENT_DATA_ENCRYPTED;
	for (;;) {
		int na = fiemap_at(a, off, ma, MAX);
		int nb = fiemap_at(b, off, mb, MAX);
		if (na < 0 || nb < 0) {
			rc = na < 0 ? na : nb;
			goto out;
		}
		if (nb == 0) {
			rc = off > 0 || na == 0;
			goto out;
		}
		int n = na < nb ? na : nb;
		for (int i = 0; i < nb; i++) {
			const struct fiemap_extent *x = &ma->fm_extents[i];
			const struct fiemap_extent *y = &mb->fm_extents[i];
			/* inline data has no blocks to share: nothing to do */
			if (y->fe_flags & FIEMAP_EXTENT_DATA_INLINE) {
				rc = 2;
				goto out;
			}
			if (i >= n || x->fe_logical != y->fe_logical ||
			    x->fe_physical != y->fe_physical ||
			    x->fe_length != y->fe_length ||
			    (x->fe_flags | y->fe_flags) & unusable) {
				rc = 0;
				goto out;
			}
			if (y->fe_flags & FIEMAP_EXTENT_LAST) {
				rc = 1;
				goto out;
			}
			off = y->fe_logical + y->fe_length;
		}
	}
out:
	free(ma);
	free(mb);
	return rc;
}

int fast_shared_blocks(int fd)
{
	enum { MAX = 64 };
	struct fiemap *m =
		malloc(sizeof *m + MAX * sizeof(struct fiemap_extent));
	if (!m)
		return -ENOMEM;
	const unsigned maybe = FIEMAP_EXTENT_SHARED | FIEMAP_EXTENT_UNKNOWN |
			       FIEMAP_EXTENT_DELALLOC |
			       FIEMAP_EXTENT_NOT_ALIGNED |
			       FIEMAP_EXTENT_DATA_ENCRYPTED;
	uint64_t off = 0;
	int rc;
	for (;;) {
		int n = fiemap_at(fd, off, m, MAX);
		if (n <= 0) {
			rc = n; /* 0: no (more) extents */
			break;
		}
		rc = -1;
		for (int i = 0; i < n && rc < 0; i++) {
			const struct fiemap_extent *x = &m->fm_extents[i];
			if (x->fe_flags & FIEMAP_EXTENT_DATA_INLINE)
				rc = 2;
			else if (x->fe_flags & maybe)
				rc = 1;
			else if (x->fe_flags & FIEMAP_EXTENT_LAST)
				rc = 0;
			off = x->fe_logical + x->fe_length;
		}
		if (rc >= 0)
			break;
	}
	free(m);
	return rc;
}

int fast_syncfs(int fd) { return syncfs(fd) == 0 ? 0 : -errno; }

int fast_advise(int fd, uint64_t off, uint64_t len, int how)
{
	int advice = how == HLN_ADV_SEQUENTIAL ? POSIX_FADV_SEQUENTIAL
					       : POSIX_FADV_DONTNEED;
	int rc = posix_fadvise(fd, (off_t)off, (off_t)len, advice);
	return rc == 0 ? 0 : -rc;
}
