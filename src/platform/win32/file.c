/*
 * file.c - open files (struct hln_file): what break, create --reflink and
 * dedupe do with them: read, write with holes, clone and share blocks
 * (ReFS block cloning), free space, metadata and the pseudo-xattrs that
 * carry attributes and DACL.
 */
#include "internal.h"

/*
 * SIZE is where the file ends as far as our own writes know: a write or a
 * truncate beyond it first makes the file sparse, so that the gap stays a
 * hole as on POSIX (NTFS fills it with zeros on disk otherwise).
 */
struct hln_file {
	HANDLE h;
	uint64_t size;
	int sparse;
	int how; /* HLN_OPEN_* it was opened with */
	int writable; /* HLN_OPEN_DEDUPE: its data may be written here */
};

/*
 * HLN_OPEN_DEDUPE: nobody else may write the file while it is open (no
 * FILE_SHARE_WRITE; opening fails while someone has it open to write),
 * so that bytes compared stay the bytes shared.  The handle itself may
 * write data (FSCTL_DUPLICATE_EXTENTS_TO_FILE needs it on the destination)
 * and attributes (its times are restored); a file that cannot be opened
 * so (read-only) is opened to read only, and can be a source only.
 */
static HANDLE open_locked(const wchar_t *w, int *writable)
{
	DWORD flags = FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_SEQUENTIAL_SCAN;
	DWORD share = FILE_SHARE_READ | FILE_SHARE_DELETE;
	HANDLE h = CreateFileW(
		w, GENERIC_READ | FILE_WRITE_DATA | FILE_WRITE_ATTRIBUTES,
		share, NULL, OPEN_EXISTING, flags, NULL);
	*writable = h != INVALID_HANDLE_VALUE;
	if (h == INVALID_HANDLE_VALUE && GetLastError() == ERROR_ACCESS_DENIED)
		h = CreateFileW(w, GENERIC_READ, share, NULL, OPEN_EXISTING,
				flags, NULL);
	return h;
}

int hln_file_open(const char *path, int how, struct hln_file **out)
{
	return hln_file_openat(NULL, path, how, out);
}

int hln_file_openat(struct hln_dir *d, const char *name, int how,
		    struct hln_file **out)
{
	HLN_FAILPOINT("open");
	struct hln_file *f = calloc(1, sizeof *f);
	wchar_t *w;
	int rc = f ? win_at_wide(d, name, &w) : -ENOMEM;
	if (rc < 0) {
		free(f);
		return rc;
	}
	if (how == HLN_OPEN_CREATE) {
		/* DELETE shared: the file is renamed while still open.
		 * WRITE_DAC: the owner's right, to copy the DACL later. */
		f->h = CreateFileW(
			w, GENERIC_READ | GENERIC_WRITE | DELETE | WRITE_DAC,
			SHARE_ALL, NULL, CREATE_NEW,
			FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT,
			NULL);
	} else if (how == HLN_OPEN_DEDUPE) {
		f->h = open_locked(w, &f->writable);
	} else {
		f->h = CreateFileW(w, GENERIC_READ, SHARE_ALL, NULL,
				   OPEN_EXISTING,
				   FILE_FLAG_OPEN_REPARSE_POINT |
					   FILE_FLAG_SEQUENTIAL_SCAN,
				   NULL);
	}
	free(w);
	if (f->h == INVALID_HANDLE_VALUE) {
		rc = win_last_error();
		free(f);
		return rc;
	}
	f->how = how;
	FILE_ATTRIBUTE_TAG_INFO ti;
	if (how != HLN_OPEN_CREATE &&
	    GetFileInformationByHandleEx(f->h, FileAttributeTagInfo, &ti,
					 sizeof ti) &&
	    (ti.FileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) &&
	    win_is_link_tag(ti.ReparseTag)) {
		/* What O_NOFOLLOW says of a symlink. */
		CloseHandle(f->h);
		free(f);
		return -ELOOP;
	}
	*out = f;
	return 0;
}

/* Windows has no unnamed files that can be given a name later. */
int hln_file_tmpfile(struct hln_dir *d, const char *dir, uint32_t mode,
		     struct hln_file **out)
{
	HLN_FAILPOINT("tmpfile");
	(void)d;
	(void)dir;
	(void)mode;
	(void)out;
	return -ENOSYS;
}

int hln_file_createat(struct hln_dir *d, const char *name, uint32_t mode,
		      struct hln_file **out)
{
	HLN_FAILPOINT("create");
	(void)mode; /* no permission bits: the read-only attribute comes with
		       the metadata */
	return hln_file_openat(d, name, HLN_OPEN_CREATE, out);
}

int hln_file_link(struct hln_file *f, struct hln_dir *d, const char *name)
{
	HLN_FAILPOINT("link");
	(void)f;
	(void)d;
	(void)name;
	return -ENOSYS;
}

int hln_file_stat(struct hln_file *f, struct hln_stat *st)
{
	HLN_FAILPOINT("stat");
	return win_stat_handle(f->h, st);
}

/* What NtQueryVolumeInformationFile takes (ntifs.h). */
struct io_status {
	union {
		LONG status;
		void *pointer;
	} u;
	ULONG_PTR information;
};
struct fs_full_size {
	LARGE_INTEGER total, caller_avail, actual_avail;
	ULONG sectors_per_unit, bytes_per_sector;
};
#define FS_FULL_SIZE_INFORMATION 7
typedef LONG(WINAPI *query_volume_fn)(HANDLE, struct io_status *, void *, ULONG,
				      int);

/*
 * The sizes of the handle's own volume (free space for the caller, quotas
 * included; the cluster size): no path needed, so no limit on its length.
 * Returns 0, or -ENOSYS where ntdll does not answer.
 */
static int volume_sizes(HANDLE h, struct fs_full_size *fs)
{
	HMODULE nt = GetModuleHandleW(L"ntdll.dll");
	query_volume_fn q =
		nt ? (query_volume_fn)(void (*)(void))GetProcAddress(
			     nt, "NtQueryVolumeInformationFile")
		   : NULL;
	struct io_status io;
	if (!q || q(h, &io, fs, sizeof *fs, FS_FULL_SIZE_INFORMATION) < 0)
		return -ENOSYS;
	return 0;
}

static int space_by_handle(HANDLE h, uint64_t *avail)
{
	struct fs_full_size fs;
	int rc = volume_sizes(h, &fs);
	if (rc == 0)
		*avail = (uint64_t)fs.caller_avail.QuadPart *
			 fs.sectors_per_unit * fs.bytes_per_sector;
	return rc;
}

/* Free space as the caller's quota sees it, on F's volume. */
int hln_file_space(struct hln_file *f, uint64_t *used, uint64_t *avail)
{
	HLN_FAILPOINT("statfs");
	FILE_STANDARD_INFO si;
	if (!GetFileInformationByHandleEx(f->h, FileStandardInfo, &si,
					  sizeof si))
		return win_last_error();
	*used = (uint64_t)si.AllocationSize.QuadPart;
	if (space_by_handle(f->h, avail) == 0)
		return 0;
	wchar_t *path, *vol;
	int rc = 0;
	DWORD size = MAX_PATH;
	for (;;) {
		if (!(path = malloc(size * sizeof *path)))
			return -ENOMEM;
		DWORD n = GetFinalPathNameByHandleW(f->h, path, size,
						    VOLUME_NAME_DOS);
		if (n == 0) {
			free(path);
			return win_last_error();
		}
		if (n < size)
			break;
		free(path);
		size = n + 1;
	}
	/*
	 * GetDiskFreeSpaceExW takes any directory of the volume: the file's
	 * own, with its final backslash, works for long paths (Wine's
	 * GetVolumePathNameW fails beyond MAX_PATH); the volume's root is
	 * the fallback.
	 */
	ULARGE_INTEGER caller, total, free_bytes;
	wchar_t *slash = wcsrchr(path, L'\\');
	if (slash)
		slash[1] = L'\0';
	if (GetDiskFreeSpaceExW(path, &caller, &total, &free_bytes)) {
		*avail = caller.QuadPart;
		free(path);
		return 0;
	}
	if (!(vol = malloc(size * sizeof *vol))) {
		free(path);
		return -ENOMEM;
	}
	if (!GetVolumePathNameW(path, vol, size) ||
	    !GetDiskFreeSpaceExW(vol, &caller, &total, &free_bytes))
		rc = win_last_error();
	else
		*avail = caller.QuadPart;
	free(vol);
	free(path);
	return rc;
}

#ifndef FSCTL_DUPLICATE_EXTENTS_TO_FILE
#define FSCTL_DUPLICATE_EXTENTS_TO_FILE                                        \
	CTL_CODE(FILE_DEVICE_FILE_SYSTEM, 209, METHOD_BUFFERED, FILE_WRITE_DATA)
#endif
#ifndef FSCTL_GET_INTEGRITY_INFORMATION
#define FSCTL_GET_INTEGRITY_INFORMATION                                        \
	CTL_CODE(FILE_DEVICE_FILE_SYSTEM, 159, METHOD_BUFFERED, FILE_ANY_ACCESS)
#endif
#ifndef FSCTL_SET_INTEGRITY_INFORMATION
#define FSCTL_SET_INTEGRITY_INFORMATION                                        \
	CTL_CODE(FILE_DEVICE_FILE_SYSTEM, 160, METHOD_BUFFERED,                \
		 FILE_READ_DATA | FILE_WRITE_DATA)
#endif
#ifndef FILE_SUPPORTS_BLOCK_REFCOUNTING
#define FILE_SUPPORTS_BLOCK_REFCOUNTING 0x08000000
#endif

/* winioctl.h of mingw-w64 lacks these (ReFS block cloning). */
struct dup_extents {
	HANDLE src;
	LARGE_INTEGER src_off, dst_off, count;
};

struct integrity_info {
	WORD algorithm, reserved;
	DWORD flags, chunk_size, cluster_size;
};

struct integrity_set {
	WORD algorithm, reserved;
	DWORD flags;
};

/* H's end of file in *SIZE, whether it is sparse in *SPARSE; 0 or -errno. */
static int size_sparse(HANDLE h, uint64_t *size, int *sparse)
{
	FILE_STANDARD_INFO si;
	FILE_BASIC_INFO bi;
	if (!GetFileInformationByHandleEx(h, FileStandardInfo, &si,
					  sizeof si) ||
	    !GetFileInformationByHandleEx(h, FileBasicInfo, &bi, sizeof bi))
		return win_last_error();
	*size = (uint64_t)si.EndOfFile.QuadPart;
	*sparse = (bi.FileAttributes & FILE_ATTRIBUTE_SPARSE_FILE) != 0;
	return 0;
}

static int make_sparse(struct hln_file *f)
{
	FILE_SET_SPARSE_BUFFER sb = {TRUE};
	DWORD got;
	if (!DeviceIoControl(f->h, FSCTL_SET_SPARSE, &sb, sizeof sb, NULL, 0,
			     &got, NULL))
		return win_last_error();
	f->sparse = 1;
	return 0;
}

static int set_size(HANDLE h, uint64_t size)
{
	FILE_END_OF_FILE_INFO eof;
	eof.EndOfFile.QuadPart = (LONGLONG)size;
	return SetFileInformationByHandle(h, FileEndOfFileInfo, &eof,
					  sizeof eof)
		       ? 0
		       : win_last_error();
}

/* What a failed FSCTL_DUPLICATE_EXTENTS_TO_FILE says, as an errno. */
static int clone_error(DWORD e)
{
	switch (e) {
	case ERROR_INVALID_FUNCTION:
	case ERROR_NOT_SUPPORTED:
	case ERROR_INVALID_PARAMETER:
	case ERROR_NOT_SAME_DEVICE:
	case ERROR_CALL_NOT_IMPLEMENTED:
		return -EOPNOTSUPP;
	default:
		return -win_errno(e);
	}
}

/*
 * Whether the volume of H shares blocks between files: ReFS and Dev
 * Drives say so with FILE_SUPPORTS_BLOCK_REFCOUNTING (NTFS, FAT and
 * every volume under Wine do not).  Its cluster size, the unit of a
 * clone, into *CLUSTER.  Returns 0, -EOPNOTSUPP, or -errno.
 */
static int clone_support(HANDLE h, uint64_t *cluster)
{
	DWORD flags = 0;
	if (!GetVolumeInformationByHandleW(h, NULL, 0, NULL, NULL, &flags, NULL,
					   0))
		return clone_error(GetLastError());
	if (!(flags & FILE_SUPPORTS_BLOCK_REFCOUNTING))
		return -EOPNOTSUPP;
	struct fs_full_size fs;
	if (volume_sizes(h, &fs) < 0)
		return -EOPNOTSUPP;
	*cluster = (uint64_t)fs.sectors_per_unit * fs.bytes_per_sector;
	return *cluster ? 0 : -EOPNOTSUPP;
}

/*
 * Make the LEN bytes at OFF of DST share the blocks of the same range of
 * SRC (FSCTL_DUPLICATE_EXTENTS_TO_FILE), in cluster-aligned calls of
 * under 4 GiB each.  OFF is a multiple of the cluster size CL; LEN is
 * rounded up to one: a range that ends at the end of both files takes
 * their last cluster whole, which the end of file cuts.  Returns 0,
 * -EOPNOTSUPP where these files cannot share blocks, or -errno.
 */
static int clone_range(HANDLE dst, HANDLE src, uint64_t off, uint64_t len,
		       uint64_t cl)
{
	uint64_t end = off + (len + cl - 1) / cl * cl;
	uint64_t chunk = (0xFFFFFFFFu / cl) * cl;
	for (; off < end; off += chunk) {
		struct dup_extents de;
		DWORD got;
		de.src = src;
		de.src_off.QuadPart = (LONGLONG)off;
		de.dst_off.QuadPart = (LONGLONG)off;
		de.count.QuadPart =
			(LONGLONG)(end - off < chunk ? end - off : chunk);
		if (!DeviceIoControl(dst, FSCTL_DUPLICATE_EXTENTS_TO_FILE, &de,
				     sizeof de, NULL, 0, &got, NULL))
			return clone_error(GetLastError());
	}
	return 0;
}

/*
 * Blocks are shared only between files with the same integrity-stream
 * setting: the new, empty DST takes SRC's (ReFS; elsewhere nothing to
 * match).
 */
static void match_integrity(HANDLE dst, HANDLE src)
{
	struct integrity_info si, di;
	DWORD got;
	if (!DeviceIoControl(src, FSCTL_GET_INTEGRITY_INFORMATION, NULL, 0, &si,
			     sizeof si, &got, NULL) ||
	    !DeviceIoControl(dst, FSCTL_GET_INTEGRITY_INFORMATION, NULL, 0, &di,
			     sizeof di, &got, NULL) ||
	    (si.algorithm == di.algorithm && si.flags == di.flags))
		return;
	struct integrity_set set = {si.algorithm, 0, si.flags};
	DeviceIoControl(dst, FSCTL_SET_INTEGRITY_INFORMATION, &set, sizeof set,
			NULL, 0, &got, NULL);
}

/*
 * The new file DST becomes a clone of SRC: the end of file set first (a
 * clone may not extend a file), then every cluster shared.
 */
int hln_file_clone(struct hln_file *dst, struct hln_file *src)
{
	HLN_FAILPOINT("clone");
	uint64_t cl;
	int rc = clone_support(src->h, &cl);
	if (rc < 0)
		return rc;
	uint64_t size;
	int sparse;
	rc = size_sparse(src->h, &size, &sparse);
	if (rc < 0)
		return rc;
	match_integrity(dst->h, src->h);
	if (sparse)
		rc = make_sparse(dst);
	if (rc == 0)
		rc = set_size(dst->h, size);
	if (rc == 0)
		rc = clone_range(dst->h, src->h, 0, size, cl);
	if (rc < 0) {
		set_size(dst->h, 0); /* a clean start for the byte copy */
		return rc;
	}
	dst->size = size;
	return 0;
}

/*
 * One destination of hln_file_dedupe: its size checked, made sparse where
 * SRC is (a clone from a sparse file needs it), the range cloned, and the
 * times it had put back.  Returns LEN, or -errno.
 */
static int64_t dedupe_one(struct hln_file *dst, struct hln_file *src,
			  uint64_t off, uint64_t len, uint64_t cl)
{
	FILE_STANDARD_INFO ds;
	FILE_BASIC_INFO keep;
	if (dst->how != HLN_OPEN_DEDUPE)
		return -EBADF;
	if (!dst->writable)
		return -EACCES;
	uint64_t size;
	int sparse;
	int rc = size_sparse(src->h, &size, &sparse);
	if (rc < 0)
		return rc;
	if (!GetFileInformationByHandleEx(dst->h, FileStandardInfo, &ds,
					  sizeof ds) ||
	    !GetFileInformationByHandleEx(dst->h, FileBasicInfo, &keep,
					  sizeof keep))
		return win_last_error();
	if ((uint64_t)ds.EndOfFile.QuadPart != size)
		return -ECANCELED;
	if (off + len > size || off % cl)
		return -EINVAL;
	if (sparse && !(keep.FileAttributes & FILE_ATTRIBUTE_SPARSE_FILE))
		rc = make_sparse(dst);
	if (rc == 0)
		rc = clone_range(dst->h, src->h, off, len, cl);
	/* Times as they were (FileAttributes 0: left as they are). */
	keep.FileAttributes = 0;
	if (!SetFileInformationByHandle(dst->h, FileBasicInfo, &keep,
					sizeof keep) &&
	    rc == 0)
		rc = win_last_error();
	return rc < 0 ? rc : (int64_t)len;
}

/*
 * Windows cannot compare and share in one call as FIDEDUPERANGE does:
 * FSCTL_DUPLICATE_EXTENTS_TO_FILE shares whatever it is given.  So both
 * files must be open HLN_OPEN_DEDUPE, which keeps every other writer out
 * from before the caller's byte comparison to the close: the bytes
 * compared are the bytes shared.
 */
int hln_file_dedupe(struct hln_file *src, uint64_t off, uint64_t len,
		    struct hln_file *const *dst, size_t n, int64_t *done)
{
	HLN_FAILPOINT("dedupe");
	uint64_t cl;
	int rc = clone_support(src->h, &cl);
	if (rc < 0 || len == 0)
		return rc;
	if (src->how != HLN_OPEN_DEDUPE || n > HLN_DEDUPE_MAX_DEST)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		done[i] = dedupe_one(dst[i], src, off, len, cl);
	return 0;
}

/* Windows does not say where a file's clusters lie on ReFS's shared ones. */
int hln_file_same_extents(struct hln_file *a, struct hln_file *b)
{
	HLN_FAILPOINT("extents");
	(void)a, (void)b;
	return -ENOSYS;
}

int hln_file_shared_blocks(struct hln_file *f)
{
	HLN_FAILPOINT("extents");
	(void)f;
	return -ENOSYS;
}

/* FSCTL_DUPLICATE_EXTENTS_TO_FILE clones what it is given, unread. */
int hln_file_dedupe_compares(void) { return 0; }

/* FILE_FLAG_SEQUENTIAL_SCAN, given at the open, is the advice here. */
int hln_file_advise(struct hln_file *f, uint64_t off, uint64_t len, int how)
{
	(void)f, (void)off, (void)len, (void)how;
	return -ENOSYS;
}

/* Windows copies ranges only between paths (CopyFileEx): read, write. */
int64_t hln_file_copy_range(struct hln_file *dst, struct hln_file *src,
			    uint64_t off, uint64_t len)
{
	HLN_FAILPOINT("copy_range");
	(void)dst;
	(void)src;
	(void)off;
	(void)len;
	return -ENOSYS;
}

int hln_file_range_shares(struct hln_file *f)
{
	HLN_FAILPOINT("statfs");
	(void)f;
	return 0; /* hln_file_copy_range is never used here */
}

/* An OVERLAPPED with an offset: pread/pwrite on a synchronous handle. */
static OVERLAPPED at(uint64_t off)
{
	OVERLAPPED ov;
	memset(&ov, 0, sizeof ov);
	ov.Offset = (DWORD)off;
	ov.OffsetHigh = (DWORD)(off >> 32);
	return ov;
}

int64_t hln_file_read(struct hln_file *f, void *buf, size_t len, uint64_t off)
{
	HLN_FAILPOINT("read");
	DWORD want = len > (1u << 30) ? (1u << 30) : (DWORD)len, n;
	OVERLAPPED ov = at(off);
	if (!ReadFile(f->h, buf, want, &n, &ov))
		return GetLastError() == ERROR_HANDLE_EOF ? 0
							  : win_last_error();
	return (int64_t)n;
}

int64_t hln_file_write(struct hln_file *f, const void *buf, size_t len,
		       uint64_t off)
{
	HLN_FAILPOINT("write");
	if (off > f->size && !f->sparse) {
		int rc = make_sparse(f);
		if (rc < 0)
			return rc;
	}
	const char *p = buf;
	size_t left = len;
	while (left > 0) {
		DWORD want = left > (1u << 30) ? (1u << 30) : (DWORD)left, n;
		OVERLAPPED ov = at(off);
		if (!WriteFile(f->h, p, want, &n, &ov))
			return win_last_error();
		if (n == 0)
			return -EIO;
		p += n;
		off += n;
		left -= n;
	}
	if (off > f->size)
		f->size = off;
	return (int64_t)len;
}

/*
 * FSCTL_QUERY_ALLOCATED_RANGES lists where a sparse file has data; any
 * other file is data from end to end, which -ENOSYS says.
 */
int64_t hln_file_seek_data(struct hln_file *f, uint64_t off, int hole)
{
	HLN_FAILPOINT("seek");
	uint64_t size;
	int sparse;
	int rc = size_sparse(f->h, &size, &sparse);
	if (rc < 0)
		return rc;
	if (!sparse)
		return -ENOSYS;
	if (off >= size)
		return -ENXIO;
	uint64_t pos = off;
	for (;;) {
		FILE_ALLOCATED_RANGE_BUFFER q, r[64];
		q.FileOffset.QuadPart = (LONGLONG)pos;
		q.Length.QuadPart = (LONGLONG)(size - pos);
		DWORD got;
		BOOL ok =
			DeviceIoControl(f->h, FSCTL_QUERY_ALLOCATED_RANGES, &q,
					sizeof q, r, sizeof r, &got, NULL);
		if (!ok && GetLastError() != ERROR_MORE_DATA)
			return win_last_error();
		size_t n = got / sizeof r[0];
		if (n == 0) /* no data from POS on */
			return hole ? (int64_t)pos : -ENXIO;
		for (size_t i = 0; i < n; i++) {
			uint64_t start = (uint64_t)r[i].FileOffset.QuadPart;
			uint64_t end = start + (uint64_t)r[i].Length.QuadPart;
			if (!hole)
				return (int64_t)(start > pos ? start : pos);
			if (start > pos)
				return (int64_t)pos;
			if (end > pos)
				pos = end;
		}
		if (pos >= size)
			return (int64_t)size;
		if (ok)
			return (int64_t)pos; /* all listed: a hole at POS */
	}
}

int hln_file_truncate(struct hln_file *f, uint64_t size)
{
	HLN_FAILPOINT("truncate");
	if (size > f->size && !f->sparse) {
		int rc = make_sparse(f);
		if (rc < 0)
			return rc;
	}
	int rc = set_size(f->h, size);
	if (rc == 0)
		f->size = size;
	return rc;
}

int hln_file_sync(struct hln_file *f)
{
	HLN_FAILPOINT("sync");
	return FlushFileBuffers(f->h) ? 0 : win_last_error();
}

/* Times and the read-only attribute of the handle H, as setmeta says. */
int win_setmeta_handle(HANDLE h, const struct hln_stat *st, int what)
{
	int first = 0;
	if (what & HLN_META_TIMES) {
		FILETIME at_ = win_to_filetime(st->atime_sec, st->atime_nsec);
		FILETIME mt = win_to_filetime(st->mtime_sec, st->mtime_nsec);
		if (!SetFileTime(h, NULL, &at_, &mt))
			first = win_last_error();
	}
	BY_HANDLE_FILE_INFORMATION bi;
	if ((what & HLN_META_MODE) && st->type != HLN_T_LNK &&
	    st->type != HLN_T_DIR) {
		if (!GetFileInformationByHandle(h, &bi)) {
			if (!first)
				first = win_last_error();
		} else {
			DWORD attr = bi.dwFileAttributes &
				     ~(DWORD)FILE_ATTRIBUTE_READONLY;
			if (!(st->mode & 0200))
				attr |= FILE_ATTRIBUTE_READONLY;
			int rc = attr == bi.dwFileAttributes
					 ? 0
					 : win_set_attributes(h, attr);
			if (rc && !first)
				first = rc;
		}
	}
	return first;
}

int hln_file_setmeta(struct hln_file *f, const struct hln_stat *st, int what)
{
	HLN_FAILPOINT("setmeta");
	return win_setmeta_handle(f->h, st, what);
}

/*
 * Windows keeps no extended attributes that matter here, but two things
 * break must keep travel as if they were: the attributes (hidden, system,
 * archive, not-indexed; read-only is the mode's) as 4 bytes, little
 * endian, and the DACL with its inheritance flags, as a self-relative
 * security descriptor.  "security." lets copy.c go on where the DACL may
 * not be set.  The owner is not kept: setting another takes
 * SeRestorePrivilege, so the copy belongs to whoever breaks the link, as
 * with cp.
 */
#define XATTR_ATTRS "windows.attributes"
#define XATTR_SD "security.windows"
#define ATTRS_KEPT                                                             \
	(FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM |                       \
	 FILE_ATTRIBUTE_ARCHIVE | FILE_ATTRIBUTE_NOT_CONTENT_INDEXED)

int hln_file_xattr_list(struct hln_file *f, char *buf, size_t size)
{
	HLN_FAILPOINT("xattr_list");
	(void)f;
	static const char names[] = XATTR_ATTRS "\0" XATTR_SD;
	if (size == 0)
		return (int)sizeof names;
	if (size < sizeof names)
		return -ERANGE;
	memcpy(buf, names, sizeof names);
	return (int)sizeof names;
}

int hln_file_xattr_get(struct hln_file *f, const char *name, void *buf,
		       size_t size)
{
	HLN_FAILPOINT("xattr_get");
	if (strcmp(name, XATTR_ATTRS) == 0) {
		BY_HANDLE_FILE_INFORMATION bi;
		if (size == 0)
			return 4;
		if (size < 4)
			return -ERANGE;
		if (!GetFileInformationByHandle(f->h, &bi))
			return win_last_error();
		DWORD a = bi.dwFileAttributes & ATTRS_KEPT;
		unsigned char *p = buf;
		for (int i = 0; i < 4; i++)
			p[i] = (unsigned char)(a >> (8 * i));
		return 4;
	}
	if (strcmp(name, XATTR_SD) == 0) {
		DWORD need = 0;
		if (GetKernelObjectSecurity(f->h, DACL_SECURITY_INFORMATION,
					    buf, (DWORD)size, &need))
			return (int)GetSecurityDescriptorLength(buf);
		if (GetLastError() != ERROR_INSUFFICIENT_BUFFER)
			return win_last_error();
		return size == 0 ? (int)need : -ERANGE;
	}
	return -ENODATA;
}

/* The pseudo-attributes here (attributes, DACL) always exist: none to drop. */
int hln_file_xattr_remove(struct hln_file *f, const char *name)
{
	HLN_FAILPOINT("xattr_remove");
	(void)f, (void)name;
	return -ENOSYS;
}

int hln_file_xattr_set(struct hln_file *f, const char *name, const void *val,
		       size_t len)
{
	HLN_FAILPOINT("xattr_set");
	if (strcmp(name, XATTR_ATTRS) == 0) {
		BY_HANDLE_FILE_INFORMATION bi;
		if (len != 4)
			return -EINVAL;
		if (!GetFileInformationByHandle(f->h, &bi))
			return win_last_error();
		const unsigned char *p = val;
		DWORD a = (DWORD)p[0] | (DWORD)p[1] << 8 | (DWORD)p[2] << 16 |
			  (DWORD)p[3] << 24;
		DWORD attr = (bi.dwFileAttributes & ~(DWORD)ATTRS_KEPT) |
			     (a & ATTRS_KEPT);
		return attr == bi.dwFileAttributes
			       ? 0
			       : win_set_attributes(f->h, attr);
	}
	if (strcmp(name, XATTR_SD) == 0) {
		if (len == 0 || !IsValidSecurityDescriptor((void *)val))
			return -EINVAL;
		return SetKernelObjectSecurity(f->h, DACL_SECURITY_INFORMATION,
					       (void *)val)
			       ? 0
			       : win_last_error();
	}
	return -ENOSYS;
}

int hln_file_close(struct hln_file *f)
{
	if (!f)
		return 0;
	int rc = HLN_FAILPOINT_RC("close");
	if (!CloseHandle(f->h) && rc == 0)
		rc = win_last_error();
	free(f);
	return rc;
}
