/*
 * dir.c - directories: held open, read by handle (FileIdBothDirectoryInfo,
 * or FindFirstFileExW where that is missing), and the *at operations on
 * names relative to them.
 */
#include "internal.h"

/*
 * The directory is held open without FILE_SHARE_DELETE for as long as
 * the hln_dir lives: no one can rename it or replace it with a link
 * meanwhile, so the names joined to its path below stay inside it (what
 * openat gives on POSIX).
 */
struct hln_dir {
	HANDLE h;
	wchar_t *path; /* absolute, \\?\-prefixed */
	size_t len; /* wcslen(path) */
	int state; /* below */
	HANDLE find; /* FindFirstFileExW, when state is DIR_FIND */
	WIN32_FIND_DATAW fd;
	int have_fd; /* fd holds an entry not yet returned */
	char *batch; /* FileIdBothDirectoryInfo entries */
	size_t pos; /* offset of the next entry in batch, or (size_t)-1 */
	char *name; /* the last name returned, as WTF-8 */
	size_t name_size;
};

enum { DIR_START, DIR_HANDLE, DIR_FIND, DIR_DONE };

#define BATCH_SIZE 65536 /* the most a network redirector returns */

/* The subdirectory and link checks of openat(O_DIRECTORY|O_NOFOLLOW). */
static int dir_from_wide(wchar_t *w, int follow, struct hln_dir **out)
{
	HANDLE h = CreateFileW(
		w, FILE_LIST_DIRECTORY | FILE_READ_ATTRIBUTES | SYNCHRONIZE,
		FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING,
		FILE_FLAG_BACKUP_SEMANTICS |
			(follow ? 0 : FILE_FLAG_OPEN_REPARSE_POINT),
		NULL);
	if (h == INVALID_HANDLE_VALUE) {
		free(w);
		return win_last_error();
	}
	FILE_ATTRIBUTE_TAG_INFO ti;
	int rc = 0;
	if (!GetFileInformationByHandleEx(h, FileAttributeTagInfo, &ti,
					  sizeof ti))
		rc = win_last_error();
	else if ((ti.FileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) &&
		 win_is_link_tag(ti.ReparseTag))
		rc = -ELOOP;
	else if (!(ti.FileAttributes & FILE_ATTRIBUTE_DIRECTORY))
		rc = -ENOTDIR;
	struct hln_dir *d = rc ? NULL : calloc(1, sizeof *d);
	if (!d) {
		CloseHandle(h);
		free(w);
		return rc ? rc : -ENOMEM;
	}
	if (follow) {
		/* Names are joined to the directory's real path, not to a
		 * link that could be changed to point elsewhere. */
		wchar_t *real;
		if (win_final_path(w, &real) == 0) {
			free(w);
			w = real;
		}
	}
	d->h = h;
	d->path = w;
	d->len = wcslen(w);
	d->find = INVALID_HANDLE_VALUE;
	*out = d;
	return 0;
}

int hln_dir_open(const char *path, int flags, struct hln_dir **out)
{
	HLN_FAILPOINT("dir_open");
	wchar_t *w;
	int rc = win_path_to_wide(path, &w);
	if (rc < 0)
		return rc;
	return dir_from_wide(w, flags & HLN_FOLLOW, out);
}

/* D's path, a backslash and NAME, in *OUT (malloc'd).  0 or -errno. */
static int join(const struct hln_dir *d, const char *name, wchar_t **out)
{
	if (!*name)
		return -ENOENT;
	size_t pre = d->len + 1;
	wchar_t *w;
	int rc = wtf8_to_utf16(name, pre, 1, &w);
	if (rc < 0)
		return rc;
	if (pre + (size_t)rc > 0x7FFF) {
		free(w);
		return -ENAMETOOLONG;
	}
	memcpy(w, d->path, d->len * sizeof *w);
	w[d->len] = L'\\';
	/* A root such as \\?\C:\ ends with the separator already. */
	if (d->len && d->path[d->len - 1] == L'\\')
		memmove(w + d->len, w + d->len + 1,
			((size_t)rc + 1) * sizeof *w);
	*out = w;
	return 0;
}

int win_at_wide(const struct hln_dir *d, const char *name, wchar_t **out)
{
	return d ? join(d, name, out) : win_path_to_wide(name, out);
}

int hln_dir_openat(struct hln_dir *parent, const char *name,
		   struct hln_dir **out)
{
	HLN_FAILPOINT("dir_open");
	wchar_t *w;
	int rc = join(parent, name, &w);
	if (rc < 0)
		return rc;
	return dir_from_wide(w, 0, out);
}

static int is_dot_w(const wchar_t *n, size_t len)
{
	return (len == 1 && n[0] == L'.') ||
	       (len == 2 && n[0] == L'.' && n[1] == L'.');
}

/* Store the name N (LEN units) in D, where E points to it. */
static int set_name(struct hln_dir *d, const wchar_t *n, size_t len,
		    struct hln_dirent *e)
{
	long need = utf16_to_wtf8(n, len, d->name, d->name_size);
	if (need < 0) {
		size_t size = (size_t)-need;
		char *p = realloc(d->name, size);
		if (!p)
			return -ENOMEM;
		d->name = p;
		d->name_size = size;
		utf16_to_wtf8(n, len, d->name, d->name_size);
	}
	e->name = d->name;
	e->ino = 0;
	return 1;
}

/*
 * FileIdBothDirectoryInfo reads the open handle itself, so the listing is
 * of the directory held and not of whatever its path names now; 64 KiB
 * at a time, like getdents.  Returns 1, 0 at the end, -ENOSYS where the
 * filesystem does not have it (FAT on old systems, some redirectors), or
 * -errno.
 */
static int next_by_handle(struct hln_dir *d, struct hln_dirent *e)
{
	for (;;) {
		if (d->pos == (size_t)-1) {
			if (!GetFileInformationByHandleEx(
				    d->h, FileIdBothDirectoryInfo, d->batch,
				    BATCH_SIZE)) {
				DWORD err = GetLastError();
				if (err == ERROR_NO_MORE_FILES)
					return 0;
				if (d->state == DIR_START &&
				    (err == ERROR_INVALID_PARAMETER ||
				     err == ERROR_INVALID_FUNCTION ||
				     err == ERROR_NOT_SUPPORTED ||
				     err == ERROR_INVALID_LEVEL))
					return -ENOSYS;
				return -win_errno(err);
			}
			d->state = DIR_HANDLE;
			d->pos = 0;
		}
		const FILE_ID_BOTH_DIR_INFO *fi =
			(const FILE_ID_BOTH_DIR_INFO *)(d->batch + d->pos);
		d->pos = fi->NextEntryOffset ? d->pos + fi->NextEntryOffset
					     : (size_t)-1;
		size_t len = fi->FileNameLength / sizeof(WCHAR);
		if (is_dot_w(fi->FileName, len))
			continue;
		/* For a reparse point, EaSize holds the tag. */
		e->type = win_type_of_attr(fi->FileAttributes, fi->EaSize);
		int rc = set_name(d, fi->FileName, len, e);
		e->ino = (uint64_t)fi->FileId.QuadPart;
		return rc;
	}
}

static int next_by_find(struct hln_dir *d, struct hln_dirent *e)
{
	if (d->find == INVALID_HANDLE_VALUE) {
		wchar_t *pat;
		int rc = join(d, "*", &pat);
		if (rc < 0)
			return rc;
		d->find = FindFirstFileExW(pat, FindExInfoBasic, &d->fd,
					   FindExSearchNameMatch, NULL,
					   FIND_FIRST_EX_LARGE_FETCH);
		free(pat);
		if (d->find == INVALID_HANDLE_VALUE)
			return GetLastError() == ERROR_FILE_NOT_FOUND
				       ? 0
				       : win_last_error();
		d->have_fd = 1;
	}
	for (;;) {
		if (!d->have_fd && !FindNextFileW(d->find, &d->fd))
			return GetLastError() == ERROR_NO_MORE_FILES
				       ? 0
				       : win_last_error();
		d->have_fd = 0;
		size_t len = wcslen(d->fd.cFileName);
		if (is_dot_w(d->fd.cFileName, len))
			continue;
		/* For a reparse point, dwReserved0 holds the tag. */
		e->type = win_type_of_attr(d->fd.dwFileAttributes,
					   d->fd.dwReserved0);
		return set_name(d, d->fd.cFileName, len, e);
	}
}

int hln_dir_next(struct hln_dir *d, struct hln_dirent *e)
{
	HLN_FAILPOINT("dir_next");
	int rc;
	switch (d->state) {
	case DIR_START:
		if (!(d->batch = malloc(BATCH_SIZE)))
			return -ENOMEM;
		d->pos = (size_t)-1;
		rc = next_by_handle(d, e);
		if (rc != -ENOSYS)
			break;
		free(d->batch);
		d->batch = NULL;
		d->state = DIR_FIND;
		rc = next_by_find(d, e);
		break;
	case DIR_HANDLE:
		rc = next_by_handle(d, e);
		break;
	case DIR_FIND:
		rc = next_by_find(d, e);
		break;
	default:
		return 0;
	}
	if (rc == 0)
		d->state = DIR_DONE;
	return rc;
}

int hln_dir_fstat(struct hln_dir *d, int flags, struct hln_stat *st)
{
	HLN_FAILPOINT("stat");
	(void)flags;
	return win_stat_handle(d->h, st);
}

int hln_dir_statat(struct hln_dir *d, const char *name, int flags,
		   struct hln_stat *st)
{
	HLN_FAILPOINT("stat");
	wchar_t *w;
	int rc = d || *name ? win_at_wide(d, name, &w) : -ENOENT;
	if (rc < 0)
		return rc;
	rc = win_stat_wide(w, flags, st);
	free(w);
	return rc;
}

int win_two_at(const struct hln_dir *sd, const char *sname,
	       const struct hln_dir *dd, const char *dname, enum win_two op)
{
	wchar_t *ws, *wd = NULL;
	int rc = win_at_wide(sd, sname, &ws);
	if (rc < 0)
		return rc;
	rc = win_at_wide(dd, dname, &wd);
	/* Without MOVEFILE_REPLACE_EXISTING an existing second is kept. */
	if (rc == 0 && op == WIN_RENAME_NEW)
		rc = MoveFileExW(ws, wd, MOVEFILE_WRITE_THROUGH)
			     ? 0
			     : win_last_error();
	else if (rc == 0)
		rc = op == WIN_RENAME
			     ? win_rename_wide(ws, wd)
			     : win_link_wide(ws, wd, op == WIN_LINK_FOLLOW);
	free(ws);
	free(wd);
	return rc;
}

int hln_dir_linkat(struct hln_dir *sd, const char *sname, struct hln_dir *dd,
		   const char *dname)
{
	HLN_FAILPOINT("link");
	return win_two_at(sd, sname, dd, dname, WIN_LINK);
}

int hln_dir_renameat(struct hln_dir *d, const char *from, const char *to)
{
	HLN_FAILPOINT("rename");
	return win_two_at(d, from, d, to, WIN_RENAME);
}

int hln_dir_unlinkat(struct hln_dir *d, const char *name)
{
	HLN_FAILPOINT("unlink");
	wchar_t *w;
	int rc = win_at_wide(d, name, &w);
	if (rc < 0)
		return rc;
	rc = win_unlink_wide(w);
	free(w);
	return rc;
}

/* D NULL: NAME is a path (hln_mkdir).  The mode has no Windows meaning. */
int hln_dir_mkdirat(struct hln_dir *d, const char *name, uint32_t mode)
{
	HLN_FAILPOINT("mkdir");
	(void)mode;
	wchar_t *w;
	int rc = win_at_wide(d, name, &w);
	if (rc < 0)
		return rc;
	rc = CreateDirectoryW(w, NULL) ? 0 : win_last_error();
	free(w);
	return rc;
}

static int is_absolute_w(const wchar_t *t)
{
	return t[0] == L'\\' || (t[0] && t[1] == L':');
}

/*
 * Whether the link text T, read from the directory D, names a directory:
 * Windows wants to know when the link is made.  A target that does not
 * exist (yet) makes a file link.
 */
static int names_dir(const struct hln_dir *d, const wchar_t *t)
{
	wchar_t *joined = NULL, *abs;
	if (!is_absolute_w(t)) {
		/* Unprefixed, so that GetFullPathNameW resolves "..". */
		const wchar_t *base = d->path;
		if (win_has_prefix(base, L"\\\\?\\") &&
		    !win_has_prefix(base, L"\\\\?\\UNC\\"))
			base += 4;
		size_t bl = wcslen(base), tl = wcslen(t);
		if (!(joined = malloc((bl + tl + 2) * sizeof *joined)))
			return 0;
		memcpy(joined, base, bl * sizeof *joined);
		joined[bl] = L'\\';
		memcpy(joined + bl + 1, t, (tl + 1) * sizeof *joined);
		t = joined;
	}
	int dir = 0;
	if (win_absolute(t, &abs) == 0) {
		DWORD attr = GetFileAttributesW(abs);
		dir = attr != INVALID_FILE_ATTRIBUTES &&
		      (attr & FILE_ATTRIBUTE_DIRECTORY);
		free(abs);
	}
	free(joined);
	return dir;
}

/*
 * Windows 10 1703+ in developer mode lets anyone make symlinks with
 * ALLOW_UNPRIVILEGED_CREATE; older systems reject the flag itself, so
 * try again without it (then it takes the privilege: -EPERM).
 */
int hln_dir_symlinkat(struct hln_dir *d, const char *name, const char *text)
{
	HLN_FAILPOINT("symlink");
	wchar_t *w, *t = NULL;
	int rc = join(d, name, &w);
	if (rc < 0)
		return rc;
	rc = wtf8_to_utf16(text, 0, 1, &t);
	if (rc < 0)
		goto out;
	DWORD flags = names_dir(d, t) ? SYMBOLIC_LINK_FLAG_DIRECTORY : 0;
	rc = 0;
	if (!CreateSymbolicLinkW(
		    w, t,
		    flags | SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE)) {
		if (GetLastError() != ERROR_INVALID_PARAMETER ||
		    !CreateSymbolicLinkW(w, t, flags))
			rc = win_last_error();
	}
	/* Wine's CreateSymbolicLinkW says yes and makes nothing. */
	if (rc == 0 && GetFileAttributesW(w) == INVALID_FILE_ATTRIBUTES)
		rc = -ENOSYS;
out:
	free(w);
	free(t);
	return rc;
}

int hln_dir_readlinkat(struct hln_dir *d, const char *name, char *buf,
		       size_t size)
{
	HLN_FAILPOINT("readlink");
	wchar_t *w;
	int rc = win_at_wide(d, name, &w);
	if (rc < 0)
		return rc;
	rc = win_readlink_wide(w, buf, size);
	free(w);
	return rc;
}

/*
 * Windows has no owner ids to copy (SIDs are not in struct hln_stat), and
 * of the mode only the owner's write bit means something: the read-only
 * attribute.  Directories are left alone: there the attribute does not
 * stop writes but marks a folder Explorer customises.  Times come first,
 * the attribute last, as cp does with the mode.
 */
int hln_dir_setmeta(struct hln_dir *d, const char *name,
		    const struct hln_stat *st, int what)
{
	HLN_FAILPOINT("setmeta");
	wchar_t *w;
	int rc = win_at_wide(d, name, &w);
	if (rc < 0)
		return rc;
	/* "." in D is D itself (a \\?\ path is taken literally). */
	if (d && strcmp(name, ".") == 0)
		w[d->len] = L'\0';
	HANDLE h = win_open(w, FILE_READ_ATTRIBUTES | FILE_WRITE_ATTRIBUTES, 0);
	free(w);
	if (h == INVALID_HANDLE_VALUE)
		return win_last_error();
	rc = win_setmeta_handle(h, st, what);
	CloseHandle(h);
	return rc;
}

/*
 * On NTFS the FileId of FileIdBothDirectoryInfo is the file index that
 * GetFileInformationByHandle gives (ReFS has 128-bit ids, FAT none that
 * last).  An entry read by FindFirstFileExW has ino 0: not to compare.
 */
int hln_dir_ino_trusted(struct hln_dir *d)
{
	wchar_t fs[MAX_PATH + 1];
	if (!GetVolumeInformationByHandleW(d->h, NULL, 0, NULL, NULL, NULL, fs,
					   MAX_PATH + 1))
		return 0;
	return wcscmp(fs, L"NTFS") == 0;
}

int hln_dir_close(struct hln_dir *d)
{
	if (!d)
		return 0;
	int rc = CloseHandle(d->h) ? 0 : win_last_error();
	if (d->find != INVALID_HANDLE_VALUE)
		FindClose(d->find);
	free(d->batch);
	free(d->name);
	free(d->path);
	free(d);
	return rc;
}

/*
 * NTFS journals its directories, and hln_rename asked MOVEFILE_WRITE_
 * THROUGH, which returns only once the rename is on disk: nothing is left
 * to flush (and FlushFileBuffers takes a directory opened for writing,
 * which only administrators may do).
 */
int hln_dir_sync(struct hln_dir *d, const char *dir)
{
	HLN_FAILPOINT("dir_sync");
	(void)d;
	(void)dir;
	return 0;
}

/* A volume is flushed only through a handle administrators may open. */
int hln_fs_sync(const char *dir)
{
	HLN_FAILPOINT("fs_sync");
	(void)dir;
	return -ENOSYS;
}
