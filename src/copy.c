/*
 * copy.c - independent copies of files; see hln/copy.h.
 *
 * The data: a clone (FICLONE) costs no space and no time where the
 * filesystem shares blocks; else copy_file_range lets the kernel copy
 * (and some filesystems still share or offload); else read and write.
 * --reflink=never wants blocks of the copy's own, so it skips
 * copy_file_range where the filesystem may share through it.
 * Only the data segments of a sparse file are copied (SEEK_DATA/SEEK_HOLE,
 * or runs of zeros where the OS cannot say), so holes stay holes.
 * The metadata follows coreutils' copy.c order: times, owner, extended
 * attributes, then the mode last (a chown clears setuid bits and
 * security.capability, an ACL sets the group bits).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hln/copy.h"
#include "hln/failpoint.h"
#include "hln/path.h"
#include "hln/platform.h"
#include "hln/replace.h"

#define CHUNK (1u << 20) /* read/write buffer */
#define RANGE_CHUNK (16u << 20) /* one copy_file_range call */
#define ZBLOCK 4096u /* the unit of holes found by reading */

/* Whether the LEN bytes at P are all zero. */
static int all_zero(const char *p, size_t len)
{
	if (len == 0 || p[0])
		return len == 0;
	return memcmp(p, p + 1, len - 1) == 0;
}

/*
 * Write the N bytes of BUF at OFF; in a sparse file, blocks of zeros are
 * skipped so that they stay holes (the final truncate sets the size).
 */
static int write_data(struct hln_file *dst, const char *buf, size_t n,
		      uint64_t off, int sparse)
{
	size_t i = 0;
	while (i < n) {
		size_t start = i, end;
		if (sparse) {
			while (start < n &&
			       all_zero(buf + start, n - start < ZBLOCK
							     ? n - start
							     : ZBLOCK))
				start += ZBLOCK;
			if (start >= n)
				break;
		}
		end = start;
		do
			end += ZBLOCK;
		while (sparse && end < n &&
		       !all_zero(buf + end,
				 n - end < ZBLOCK ? n - end : ZBLOCK));
		if (!sparse || end > n)
			end = n;
		int64_t w = hln_file_write(dst, buf + start, end - start,
					   off + start);
		if (w < 0)
			return (int)w;
		i = end;
	}
	return 0;
}

/* Copy LEN bytes at OFF with read and write; skip zero runs if SPARSE. */
static int copy_rw(struct hln_file *dst, struct hln_file *src, uint64_t off,
		   uint64_t len, int sparse, char *buf, struct copy_result *r)
{
	while (len > 0) {
		if (hln_signal_pending())
			return -EINTR;
		size_t want = len < CHUNK ? (size_t)len : CHUNK;
		int64_t n = hln_file_read(src, buf, want, off);
		if (n < 0)
			return (int)n;
		if (n == 0)
			return 0; /* it shrank: the change check says so */
		int rc = write_data(dst, buf, (size_t)n, off, sparse);
		if (rc < 0)
			return rc;
		r->bytes += (uint64_t)n;
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return 0;
}

/*
 * Copy the LEN bytes at OFF, in the kernel while it can (*RANGE stays 1),
 * else with read and write.
 */
static int copy_segment(struct hln_file *dst, struct hln_file *src,
			uint64_t off, uint64_t len, int sparse, int *range,
			char **buf, struct copy_result *r)
{
	while (len > 0 && *range) {
		if (hln_signal_pending())
			return -EINTR;
		uint64_t want = len < RANGE_CHUNK ? len : RANGE_CHUNK;
		int64_t n = hln_file_copy_range(dst, src, off, want);
		if (n == -ENOSYS) {
			*range = 0;
			break;
		}
		if (n < 0)
			return (int)n;
		if (n == 0)
			return 0;
		r->bytes += (uint64_t)n;
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	if (len == 0)
		return 0;
	if (!*buf && !(*buf = malloc(CHUNK)))
		return -ENOMEM;
	return copy_rw(dst, src, off, len, sparse, *buf, r);
}

int copy_data(struct hln_file *dst, struct hln_file *src,
	      const struct hln_stat *st, enum copy_reflink reflink,
	      struct copy_result *r)
{
	int rc;
	if (reflink != COPY_REFLINK_NEVER) {
		rc = hln_file_clone(dst, src);
		if (rc == 0) {
			r->cloned = 1;
			return 0;
		}
		if (rc != -EOPNOTSUPP || reflink == COPY_REFLINK_ALWAYS)
			return rc;
	}
	/* Fail before writing anything rather than fill the disk. */
	uint64_t used, avail;
	rc = hln_file_space(src, &used, &avail);
	if (rc < 0)
		return rc;
	uint64_t need = used < st->size ? used : st->size;
	if (need > avail)
		return -ENOSPC;
	int sparse = used < st->size; /* fewer blocks than bytes: holes */
	int seek = sparse, range = 1;
	if (reflink == COPY_REFLINK_NEVER) {
		/* A copy_file_range that may clone is no copy. */
		rc = hln_file_range_shares(dst);
		if (rc < 0)
			return rc;
		range = !rc;
	}
	char *buf = NULL;
	uint64_t off = 0;
	rc = 0;
	while (off < st->size && rc == 0) {
		uint64_t start = off, end = st->size;
		if (seek) {
			int64_t d = hln_file_seek_data(src, off, 0);
			if (d == -ENXIO)
				break; /* only a hole is left */
			int64_t h = d >= 0 ? hln_file_seek_data(src, d, 1) : d;
			if (h == -ENOSYS) {
				seek = 0; /* look for runs of zeros instead */
			} else if (h < 0) {
				rc = (int)h;
				break;
			} else {
				start = (uint64_t)d;
				end = (uint64_t)h < st->size ? (uint64_t)h
							     : st->size;
				if (start >= end)
					break;
			}
		}
		rc = copy_segment(dst, src, start, end - start, sparse, &range,
				  &buf, r);
		off = end;
	}
	free(buf);
	if (rc < 0)
		return rc;
	/* The size, holes at the end included. */
	return hln_file_truncate(dst, st->size);
}

/* Whether the extended attribute NAME may be left out when not ours to set. */
static int optional_xattr(const char *name)
{
	return strncmp(name, "trusted.", 8) == 0 ||
	       strncmp(name, "security.", 9) == 0;
}

/* Whether NAME is among the LEN bytes of NUL-terminated NAMES. */
static int has_name(const char *names, int len, const char *name)
{
	for (int i = 0; i < len; i += (int)strlen(names + i) + 1)
		if (strcmp(names + i, name) == 0)
			return 1;
	return 0;
}

/* What the extended attributes of a copy needed. */
struct xattr_pass {
	int bare_known; /* in: DST came with none of its own (COPY_BARE) */
	int bare; /* out: DST came with none of its own */
	int changed; /* out: one was set or removed (the mode may follow) */
};

/*
 * Remove from DST what the source does not have (its LEN bytes of NAMES):
 * a new file may get an ACL from its directory's default ACL at creation,
 * which the original never had.
 */
static int drop_extra_xattrs(struct hln_file *dst, const char *names, int len,
			     struct xattr_pass *x)
{
	if (x->bare_known)
		return 0;
	int dlen = hln_file_xattr_list(dst, NULL, 0);
	x->bare = dlen == 0 || dlen == -ENOSYS;
	if (dlen <= 0)
		return dlen == -ENOSYS ? 0 : dlen;
	char *mine = malloc((size_t)dlen);
	if (!mine)
		return -ENOMEM;
	int rc = dlen = hln_file_xattr_list(dst, mine, (size_t)dlen);
	for (int i = 0; rc >= 0 && i < dlen; i += (int)strlen(mine + i) + 1) {
		if (has_name(names, len, mine + i))
			continue;
		rc = hln_file_xattr_remove(dst, mine + i);
		x->changed = 1;
		if (rc == -ENODATA ||
		    ((rc == -EPERM || rc == -EACCES || rc == -ENOSYS) &&
		     optional_xattr(mine + i)))
			rc = 0;
	}
	free(mine);
	return rc < 0 ? rc : 0;
}

static int copy_xattrs(struct hln_file *dst, struct hln_file *src,
		       struct xattr_pass *x)
{
	char *names = NULL, *val = NULL;
	int len, rc;
	/* The list may grow between asking its size and reading it. */
	for (int tries = 0;; tries++) {
		len = hln_file_xattr_list(src, NULL, 0);
		if (len == -ENOSYS)
			return 0; /* no extended attributes here */
		if (len == 0) /* none: the copy must have none either */
			return drop_extra_xattrs(dst, NULL, 0, x);
		if (len < 0)
			return len;
		free(names);
		if (!(names = malloc((size_t)len)))
			return -ENOMEM;
		len = hln_file_xattr_list(src, names, (size_t)len);
		if (len != -ERANGE || tries == 3)
			break;
	}
	rc = len < 0 ? len : drop_extra_xattrs(dst, names, len, x);
	size_t cap = 0;
	for (int i = 0; i < len && rc == 0; i += (int)strlen(names + i) + 1) {
		const char *name = names + i;
		int vlen;
		for (int tries = 0;; tries++) {
			vlen = hln_file_xattr_get(src, name, NULL, 0);
			if (vlen < 0)
				break;
			if ((size_t)vlen + 1 > cap) {
				free(val);
				cap = (size_t)vlen + 1;
				if (!(val = malloc(cap))) {
					vlen = -ENOMEM;
					break;
				}
			}
			vlen = hln_file_xattr_get(src, name, val, cap);
			if (vlen != -ERANGE || tries == 3)
				break;
		}
		if (vlen == -ENODATA)
			continue; /* removed meanwhile */
		if (vlen < 0) {
			rc = vlen;
			break;
		}
		rc = hln_file_xattr_set(dst, name, val, (size_t)vlen);
		x->changed = 1;
		if ((rc == -EPERM || rc == -EACCES || rc == -ENOSYS) &&
		    optional_xattr(name))
			rc = 0;
	}
	free(names);
	free(val);
	return rc;
}

/*
 * copy_meta, with X saying what the extended attributes needed.  The
 * chown and the chmod are made only where the new file's stat differs:
 * a file made without a name has the mode of its source already where
 * the umask and its directory let it (replace_tmp_create_at).
 */
static int meta_copy(struct hln_file *dst, struct hln_file *src,
		     const struct hln_stat *st, struct xattr_pass *x)
{
	struct hln_stat now;
	int rc = hln_file_stat(dst, &now);
	if (rc < 0)
		return rc;
	int what = HLN_META_TIMES;
	if (now.uid != st->uid || now.gid != st->gid)
		what |= HLN_META_OWNER;
	rc = hln_file_setmeta(dst, st, what);
	if (rc == 0 && (what & HLN_META_OWNER))
		rc = hln_file_stat(dst, &now); /* whether the owner was kept */
	if (rc < 0)
		return rc;
	rc = copy_xattrs(dst, src, x);
	if (rc < 0)
		return rc;
	struct hln_stat m = *st;
	if (now.uid != st->uid || now.gid != st->gid)
		m.mode &= ~(uint32_t)06000; /* setuid/setgid: another owner */
	/* An ACL set or removed may have moved the mode: set it after. */
	if (!x->changed && now.mode == m.mode)
		return 0;
	return hln_file_setmeta(dst, &m, HLN_META_MODE);
}

int copy_meta(struct hln_file *dst, struct hln_file *src,
	      const struct hln_stat *st)
{
	struct xattr_pass x = {0, 0, 0};
	return meta_copy(dst, src, st, &x);
}

/* Whether the file changed between the stats A and B (size, mtime, ctime). */
static int changed(const struct hln_stat *a, const struct hln_stat *b)
{
	return a->size != b->size || a->mtime_sec != b->mtime_sec ||
	       a->mtime_nsec != b->mtime_nsec || a->ctime_sec != b->ctime_sec ||
	       a->ctime_nsec != b->ctime_nsec;
}

/*
 * Give the new file DST the data and metadata of SRC (stat ST) and flush it,
 * checking, for a break (CHECK), that SRC did not change while it was
 * copied (-EAGAIN); FLAGS as copy_to_name's (0 for a break).
 * Returns 0, or -errno (-EINTR when a signal came).
 */
static int fill_copy(struct hln_file *dst, struct hln_file *src,
		     const struct hln_stat *st, enum copy_reflink reflink,
		     int check, int flags, struct copy_result *r)
{
	int rc = 0;
	if (st->size == 0 && (flags & COPY_CLONES) &&
	    reflink != COPY_REFLINK_NEVER)
		r->cloned = 1; /* no blocks to share, where cloning works */
	else
		rc = copy_data(dst, src, st, reflink, r);
	HLN_HOOK("copied");
	struct hln_stat after;
	if (rc == 0 && check && (rc = hln_file_stat(src, &after)) == 0 &&
	    changed(st, &after))
		rc = -EAGAIN;
	struct xattr_pass x = {(flags & COPY_BARE) != 0, 0, 0};
	if (rc == 0)
		rc = meta_copy(dst, src, st, &x);
	r->bare = x.bare_known || x.bare;
	if (rc == 0 && !((flags & COPY_LAZY) && r->cloned))
		rc = hln_file_sync(dst);
	if (rc == 0 && hln_signal_pending())
		rc = -EINTR;
	return rc;
}

/*
 * One attempt: copy *SRCP (stat ST) beside NAME and swap it in.  *SRCP is
 * closed (and set to NULL) before the swap: Windows cannot rename over a
 * file that is still open, and the swap checks NAME by (dev, ino), not
 * through the open file.  It stays open when the attempt may be retried.
 */
static int break_once(struct hln_dir *dir, const char *name,
		      struct hln_file **srcp, const struct hln_stat *st,
		      enum copy_reflink reflink, struct copy_result *r)
{
	struct hln_file *src = *srcp;
	struct replace_tmp t;
	int rc = replace_tmp_create_at(dir, name, 0600, &t);
	if (rc < 0)
		return rc;
	rc = fill_copy(t.f, src, st, reflink, 1, 0, r);
	if (rc == 0) {
		*srcp = NULL;
		rc = hln_file_close(src);
	}
	if (rc == 0)
		rc = replace_tmp_name(name, &t);
	if (rc == 0) {
		HLN_HOOK("before_swap");
		rc = replace_swap(&t, name, st);
	}
	/* Past the swap (T's name gone), the copy is in place. */
	if (rc == 0 || !t.path[0]) {
		hln_file_close(t.f);
		return rc;
	}
	replace_tmp_discard(&t);
	return rc;
}

int copy_break(struct hln_dir *dir, const char *name, enum copy_reflink reflink,
	       struct copy_result *r)
{
	memset(r, 0, sizeof *r);
	struct hln_file *src;
	int rc = hln_file_openat(dir, name, HLN_OPEN_READ, &src);
	if (rc < 0)
		return rc;
	for (;;) {
		/* A retry after the source was closed opens it again. */
		if (!src &&
		    (rc = hln_file_openat(dir, name, HLN_OPEN_READ, &src)) < 0)
			break;
		/* Taken before the data is read: the times to keep. */
		struct hln_stat st;
		rc = hln_file_stat(src, &st);
		if (rc < 0)
			break;
		if (st.type != HLN_T_REG) {
			rc = st.type == HLN_T_DIR ? -EISDIR : -EINVAL;
			break;
		}
		if (st.nlink <= 1) {
			r->nothing = 1;
			break;
		}
		r->cloned = 0;
		r->bytes = 0;
		r->attempts++;
		rc = break_once(dir, name, &src, &st, reflink, r);
		if (rc != -EAGAIN || r->attempts > COPY_RETRIES)
			break;
	}
	hln_file_close(src);
	return rc;
}

/*
 * Put the finished file T at NAME (relative to T's directory, as T's own
 * name is), which must not exist.  0 or -errno.
 */
static int place_new(struct replace_tmp *t, const char *name)
{
	if (!t->path[0])
		return hln_file_link(t->f, t->dir,
				     name); /* O_TMPFILE: linkat */
	/* A link, not a rename: a NAME made meanwhile is never clobbered. */
	int rc = t->dir ? hln_dir_linkat(t->dir, t->path, t->dir, name)
			: hln_link(t->path, name, 0);
	if (rc == 0) {
		hln_dir_unlinkat(t->dir, t->path);
		t->path[0] = '\0';
	}
	return rc;
}

/*
 * COPY_UNSEEN: the copy made as NAME itself in DIR, a directory nobody
 * sees until its tree is complete: on failure NAME is removed again.
 */
static int copy_unseen(struct hln_file *src, const struct hln_stat *st,
		       struct hln_dir *dir, const char *name,
		       enum copy_reflink reflink, int flags,
		       struct copy_result *r)
{
	struct hln_file *f;
	int rc = hln_file_createat(dir, name, st->mode, &f);
	if (rc < 0)
		return rc;
	rc = fill_copy(f, src, st, reflink, 0, flags, r);
	int rc2 = hln_file_close(f);
	if (rc == 0)
		rc = rc2;
	if (rc < 0)
		hln_dir_unlinkat(dir, name);
	return rc;
}

int copy_to_name(struct hln_file *src, const struct hln_stat *st,
		 struct hln_dir *dir, const char *name,
		 enum copy_reflink reflink, const struct hln_stat *expect,
		 int flags, struct copy_result *r)
{
	memset(r, 0, sizeof *r);
	r->attempts = 1;
	if ((flags & COPY_UNSEEN) && !expect)
		return copy_unseen(src, st, dir, name, reflink, flags, r);
	struct replace_tmp t;
	int rc = replace_tmp_create_at(dir, name, st->mode, &t);
	if (rc < 0)
		return rc;
	rc = fill_copy(t.f, src, st, reflink, 0, flags, r);
	int lazy = (flags & COPY_LAZY) && r->cloned;
	HLN_HOOK("before_place");
	if (rc == 0 && !expect) {
		rc = place_new(&t, name);
	} else if (rc == 0) {
		rc = replace_tmp_name(name, &t);
		if (rc == 0)
			rc = replace_swap(&t, name, expect);
	}
	if (rc == 0 && !expect && !lazy) {
		char *where = path_dir_dup(name);
		rc = where ? hln_dir_sync(dir, where) : -ENOMEM;
		free(where);
	}
	/*
	 * T's name, if it still has one, is only the temporary: removed.
	 * Past the link or the swap it has none (the copy is in place).
	 */
	replace_tmp_discard(&t);
	return rc;
}
