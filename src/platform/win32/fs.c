/*
 * fs.c - operations on paths: stat, realpath, link (CreateHardLinkW),
 * rename, unlink, mkdir, readlink, mount points, and the names of a file
 * (FindFirstFileNameW).
 */
#include "internal.h"

/* NTFS allows 1024 names per file (the first one included). */
#define NTFS_LINK_MAX 1023

/*
 * Open W for ACCESS, following a final symlink only with FOLLOW.  BACKUP
 * SEMANTICS is what lets CreateFileW open a directory at all.
 */
HANDLE win_open(const wchar_t *w, DWORD access, int follow)
{
	return CreateFileW(w, access, SHARE_ALL, NULL, OPEN_EXISTING,
			   FILE_FLAG_BACKUP_SEMANTICS |
				   (follow ? 0 : FILE_FLAG_OPEN_REPARSE_POINT),
			   NULL);
}

/* Reparse points that are links: followed by the OS, never by a walk. */
int win_is_link_tag(DWORD tag)
{
	return tag == IO_REPARSE_TAG_SYMLINK ||
	       tag == IO_REPARSE_TAG_MOUNT_POINT ||
	       tag == IO_REPARSE_TAG_LX_SYMLINK;
}

/*
 * The type of a file from its attributes and (for a reparse point) its
 * tag.  Other reparse points (OneDrive placeholders, deduplicated files)
 * are what they hold: plain files or directories.
 */
enum hln_type win_type_of_attr(DWORD attr, DWORD tag)
{
	if ((attr & FILE_ATTRIBUTE_REPARSE_POINT) && win_is_link_tag(tag))
		return HLN_T_LNK;
	if (attr & FILE_ATTRIBUTE_DIRECTORY)
		return HLN_T_DIR;
	if (attr & FILE_ATTRIBUTE_DEVICE)
		return HLN_T_OTHER;
	return HLN_T_REG;
}

/* 100 ns intervals from 1601 to 1970. */
#define EPOCH_DIFF 116444736000000000LL

static void from_ticks(int64_t t, int64_t *sec, int32_t *nsec)
{
	t -= EPOCH_DIFF;
	int64_t s = t / 10000000, r = t % 10000000;
	if (r < 0) {
		r += 10000000;
		s--;
	}
	*sec = s;
	*nsec = (int32_t)(r * 100);
}

static int64_t ticks_of(FILETIME ft)
{
	return (int64_t)((uint64_t)ft.dwHighDateTime << 32 | ft.dwLowDateTime);
}

FILETIME win_to_filetime(int64_t sec, int32_t nsec)
{
	uint64_t t = (uint64_t)(sec * 10000000 + nsec / 100 + EPOCH_DIFF);
	FILETIME ft = {(DWORD)t, (DWORD)(t >> 32)};
	return ft;
}

int win_stat_handle(HANDLE h, struct hln_stat *st)
{
	BY_HANDLE_FILE_INFORMATION bi;
	if (!GetFileInformationByHandle(h, &bi))
		return win_last_error();
	DWORD tag = 0;
	if (bi.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) {
		FILE_ATTRIBUTE_TAG_INFO ti;
		/* Where the tag cannot be read, a reparse point is a link:
		 * not descending into it is the safe mistake. */
		tag = GetFileInformationByHandleEx(h, FileAttributeTagInfo, &ti,
						   sizeof ti)
			      ? ti.ReparseTag
			      : IO_REPARSE_TAG_SYMLINK;
	}
	memset(st, 0, sizeof *st);
	st->dev = bi.dwVolumeSerialNumber;
	st->ino = (uint64_t)bi.nFileIndexHigh << 32 | bi.nFileIndexLow;
	st->nlink = bi.nNumberOfLinks;
	st->size = (uint64_t)bi.nFileSizeHigh << 32 | bi.nFileSizeLow;
	st->type = win_type_of_attr(bi.dwFileAttributes, tag);
	st->mode =
		(bi.dwFileAttributes & FILE_ATTRIBUTE_READONLY) ? 0444 : 0666;
	if (st->type == HLN_T_DIR)
		st->mode |= 0111;
	from_ticks(ticks_of(bi.ftLastAccessTime), &st->atime_sec,
		   &st->atime_nsec);
	from_ticks(ticks_of(bi.ftLastWriteTime), &st->mtime_sec,
		   &st->mtime_nsec);
	/* ctime is the change time, as on POSIX, not the creation time
	 * GetFileInformationByHandle gives: break compares it to see if the
	 * file changed while being copied. */
	FILE_BASIC_INFO basic;
	if (GetFileInformationByHandleEx(h, FileBasicInfo, &basic,
					 sizeof basic))
		from_ticks(basic.ChangeTime.QuadPart, &st->ctime_sec,
			   &st->ctime_nsec);
	else
		from_ticks(ticks_of(bi.ftLastWriteTime), &st->ctime_sec,
			   &st->ctime_nsec);
	return 0;
}

int win_stat_wide(const wchar_t *w, int flags, struct hln_stat *st)
{
	HANDLE h = win_open(w, FILE_READ_ATTRIBUTES, flags & HLN_FOLLOW);
	if (h == INVALID_HANDLE_VALUE)
		return win_last_error();
	int rc = win_stat_handle(h, st);
	CloseHandle(h);
	return rc;
}

/* The path functions are the hln_dir_* ones with no directory. */
int hln_stat_path(const char *path, int flags, struct hln_stat *st)
{
	return hln_dir_statat(NULL, path, flags, st);
}

/*
 * The final path of what W names, symlinks resolved, in *OUT (malloc'd).
 * Returns 0 or -errno.
 */
int win_final_path(const wchar_t *w, wchar_t **out)
{
	HANDLE h = win_open(w, FILE_READ_ATTRIBUTES, 1);
	if (h == INVALID_HANDLE_VALUE)
		return win_last_error();
	int rc = 0;
	DWORD size = MAX_PATH;
	for (;;) {
		wchar_t *buf = malloc(size * sizeof *buf);
		if (!buf) {
			rc = -ENOMEM;
			break;
		}
		DWORD n = GetFinalPathNameByHandleW(h, buf, size,
						    VOLUME_NAME_DOS);
		if (n == 0 && GetLastError() == ERROR_MORE_DATA &&
		    size < 0x8000) {
			/* Wine says so, without the size, past MAX_PATH. */
			free(buf);
			size = 0x8000;
			continue;
		}
		if (n == 0 && GetLastError() == ERROR_MORE_DATA) {
			/*
			 * Still so with room for the longest path: Wine
			 * cannot name a handle past MAX_PATH.  The path as
			 * given, made absolute, is the answer there (Wine
			 * resolves links below Windows anyway).
			 */
			free(buf);
			size_t len = wcslen(w) + 1;
			if (!(buf = malloc(len * sizeof *buf))) {
				rc = -ENOMEM;
				break;
			}
			memcpy(buf, w, len * sizeof *buf);
			*out = buf;
			break;
		}
		if (n == 0) {
			rc = win_last_error();
			free(buf);
			break;
		}
		if (n < size) {
			*out = buf;
			break;
		}
		free(buf);
		size = n + 1;
	}
	CloseHandle(h);
	return rc;
}

/*
 * The handle's own idea of its path: links and 8.3 short names resolved,
 * the case as stored.
 */
int hln_realpath(const char *path, char **out)
{
	HLN_FAILPOINT("realpath");
	wchar_t *w, *real;
	int rc = win_path_to_wide(path, &w);
	if (rc < 0)
		return rc;
	rc = win_final_path(w, &real);
	free(w);
	if (rc < 0)
		return rc;
	size_t size = wcslen(real) * 3 + 2;
	char *s = malloc(size);
	if (!s) {
		free(real);
		return -ENOMEM;
	}
	rc = win_wide_to_user(real, s, size);
	free(real);
	if (rc < 0) {
		free(s);
		return rc;
	}
	*out = s;
	return 0;
}

/*
 * CreateHardLinkW links a symlink itself, never its target (what -P
 * wants); FOLLOW links the final target.  A directory fails with
 * ERROR_ACCESS_DENIED, which would send the user looking at permissions:
 * say what it is.
 */
int win_link_wide(const wchar_t *target, const wchar_t *newpath, int follow)
{
	wchar_t *real = NULL;
	if (follow) {
		int rc = win_final_path(target, &real);
		if (rc < 0)
			return rc;
		target = real;
	}
	int rc = 0;
	if (!CreateHardLinkW(newpath, target, NULL)) {
		DWORD e = GetLastError();
		DWORD attr = GetFileAttributesW(target);
		if (e != ERROR_ALREADY_EXISTS &&
		    attr != INVALID_FILE_ATTRIBUTES &&
		    (attr & FILE_ATTRIBUTE_DIRECTORY))
			rc = -EISDIR;
		else
			rc = -win_errno(e);
	}
	free(real);
	return rc;
}

int hln_link(const char *target, const char *newpath, int flags)
{
	HLN_FAILPOINT("link");
	return win_two_at(NULL, target, NULL, newpath,
			  flags & HLN_FOLLOW ? WIN_LINK_FOLLOW : WIN_LINK);
}

/*
 * The rename of Windows 10 1809+ that POSIX means: replaces a read-only
 * TO, and a TO that another process holds open.  Returns 0, or -errno
 * (-EINVAL where the OS or filesystem does not have it).
 */
static int rename_posix(const wchar_t *from, const wchar_t *to)
{
	size_t len = wcslen(to);
	size_t size = sizeof(FILE_RENAME_INFO) + len * sizeof(wchar_t);
	FILE_RENAME_INFO *ri = calloc(1, size);
	if (!ri)
		return -ENOMEM;
	HANDLE h = win_open(from, DELETE | SYNCHRONIZE, 0);
	if (h == INVALID_HANDLE_VALUE) {
		free(ri);
		return win_last_error();
	}
	ri->Flags = FILE_RENAME_FLAG_REPLACE_IF_EXISTS |
		    FILE_RENAME_FLAG_POSIX_SEMANTICS |
		    FILE_RENAME_FLAG_IGNORE_READONLY_ATTRIBUTE;
	ri->FileNameLength = (DWORD)(len * sizeof(wchar_t));
	memcpy(ri->FileName, to, (len + 1) * sizeof(wchar_t));
	int rc = SetFileInformationByHandle(h, FILE_RENAME_INFO_EX_CLASS, ri,
					    (DWORD)size)
			 ? 0
			 : win_last_error();
	CloseHandle(h);
	free(ri);
	return rc;
}

int win_rename_wide(const wchar_t *wf, const wchar_t *wt)
{
	if (MoveFileExW(wf, wt,
			MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
		return 0;
	int rc = win_last_error();
	if (rc != -EACCES)
		return rc;
	/* A directory TO is never replaced; say so rather than EACCES. */
	DWORD attr = GetFileAttributesW(wt);
	if (attr != INVALID_FILE_ATTRIBUTES &&
	    (attr & FILE_ATTRIBUTE_DIRECTORY))
		return -EISDIR;
	/* A read-only or busy TO: POSIX semantics, where there are. */
	if (rename_posix(wf, wt) == 0)
		rc = 0;
	return rc;
}

int hln_rename(const char *from, const char *to)
{
	return hln_dir_renameat(NULL, from, to);
}

int hln_rename_dir_new(const char *from, const char *to)
{
	HLN_FAILPOINT("rename");
	return win_two_at(NULL, from, NULL, to, WIN_RENAME_NEW);
}

int hln_rmdir(const char *path)
{
	HLN_FAILPOINT("rmdir");
	wchar_t *w;
	int rc = win_path_to_wide(path, &w);
	if (rc < 0)
		return rc;
	if (!RemoveDirectoryW(w))
		rc = win_last_error();
	free(w);
	return rc;
}

int win_set_attributes(HANDLE h, DWORD attr)
{
	/* Zero times mean "leave as is"; zero attributes would too. */
	FILE_BASIC_INFO bi;
	memset(&bi, 0, sizeof bi);
	bi.FileAttributes = attr ? attr : FILE_ATTRIBUTE_NORMAL;
	return SetFileInformationByHandle(h, FileBasicInfo, &bi, sizeof bi)
		       ? 0
		       : win_last_error();
}

/*
 * Delete the read-only name W, as POSIX unlink does.  The attribute
 * belongs to the file, not the name: the file's other names must keep
 * it, so it is cleared only on a handle and set again before the close
 * that deletes the name.
 */
static int unlink_readonly(const wchar_t *w, DWORD attr)
{
	HANDLE h = win_open(
		w, DELETE | FILE_READ_ATTRIBUTES | FILE_WRITE_ATTRIBUTES, 0);
	if (h == INVALID_HANDLE_VALUE)
		return win_last_error();
	FILE_DISPOSITION_INFO_EX dx = {
		FILE_DISPOSITION_FLAG_DELETE |
		FILE_DISPOSITION_FLAG_POSIX_SEMANTICS |
		FILE_DISPOSITION_FLAG_IGNORE_READONLY_ATTRIBUTE};
	if (SetFileInformationByHandle(h, FILE_DISPOSITION_INFO_EX_CLASS, &dx,
				       sizeof dx)) {
		CloseHandle(h);
		return 0;
	}
	/* Before Windows 10 1809: clear, mark for deletion, restore. */
	int rc = win_set_attributes(h, attr & ~(DWORD)FILE_ATTRIBUTE_READONLY);
	if (rc == 0) {
		FILE_DISPOSITION_INFO di = {TRUE};
		if (!SetFileInformationByHandle(h, FileDispositionInfo, &di,
						sizeof di))
			rc = win_last_error();
		win_set_attributes(h, attr);
	}
	CloseHandle(h);
	return rc;
}

int win_unlink_wide(const wchar_t *w)
{
	if (DeleteFileW(w))
		return 0;
	int rc = win_last_error();
	if (rc != -EACCES)
		return rc;
	DWORD attr = GetFileAttributesW(w);
	if (attr == INVALID_FILE_ATTRIBUTES)
		return rc;
	/* A directory symlink is removed like a directory, but it is a
	 * name that unlink may remove. */
	if ((attr & FILE_ATTRIBUTE_DIRECTORY) &&
	    (attr & FILE_ATTRIBUTE_REPARSE_POINT))
		return RemoveDirectoryW(w) ? 0 : win_last_error();
	if (attr & FILE_ATTRIBUTE_DIRECTORY)
		return -EISDIR;
	if (attr & FILE_ATTRIBUTE_READONLY)
		return unlink_readonly(w, attr);
	return rc;
}

int hln_unlink(const char *path) { return hln_dir_unlinkat(NULL, path); }

/* The mode of a new directory has no Windows meaning: ACLs inherit. */
int hln_mkdir(const char *path, uint32_t mode)
{
	return hln_dir_mkdirat(NULL, path, mode);
}

/* What FSCTL_GET_REPARSE_POINT returns (ntifs.h, not in winnt.h). */
struct reparse {
	ULONG tag;
	USHORT data_len, reserved;
	union {
		struct {
			USHORT subst_off, subst_len, print_off, print_len;
			ULONG flags;
			WCHAR path[1];
		} sym;
		struct {
			USHORT subst_off, subst_len, print_off, print_len;
			WCHAR path[1];
		} mnt;
		struct {
			ULONG version;
			char text[1];
		} lx;
	} u;
};

/*
 * The text of the link W.  Symlinks and junctions store the absolute
 * target as an NT path (\??\C:\x, \??\UNC\server\share): the text is
 * the DOS path.  WSL symlinks store their text in UTF-8.  Returns the
 * length, or -EINVAL for anything else (a junction to a volume GUID
 * names no path that could be linked again).
 */
int win_readlink_wide(const wchar_t *w, char *buf, size_t size)
{
	if (size < 2)
		return -ENAMETOOLONG;
	HANDLE h = win_open(w, 0, 0);
	if (h == INVALID_HANDLE_VALUE)
		return win_last_error();
	union {
		struct reparse r;
		char bytes[MAXIMUM_REPARSE_DATA_BUFFER_SIZE];
	} *rb = malloc(sizeof *rb);
	if (!rb) {
		CloseHandle(h);
		return -ENOMEM;
	}
	DWORD got;
	int rc;
	if (!DeviceIoControl(h, FSCTL_GET_REPARSE_POINT, NULL, 0, rb,
			     sizeof *rb, &got, NULL)) {
		rc = win_last_error();
		goto out;
	}
	struct reparse *r = &rb->r;
	WCHAR *t;
	size_t tlen;
	if (r->tag == IO_REPARSE_TAG_SYMLINK) {
		t = r->u.sym.path + r->u.sym.subst_off / sizeof(WCHAR);
		tlen = r->u.sym.subst_len / sizeof(WCHAR);
	} else if (r->tag == IO_REPARSE_TAG_MOUNT_POINT) {
		t = r->u.mnt.path + r->u.mnt.subst_off / sizeof(WCHAR);
		tlen = r->u.mnt.subst_len / sizeof(WCHAR);
	} else if (r->tag == IO_REPARSE_TAG_LX_SYMLINK &&
		   r->data_len >= sizeof(ULONG)) {
		size_t n = r->data_len - sizeof(ULONG);
		if (n + 1 > size) {
			rc = -ENAMETOOLONG;
			goto out;
		}
		memcpy(buf, r->u.lx.text, n);
		buf[n] = '\0';
		rc = (int)n;
		goto out;
	} else {
		rc = -EINVAL;
		goto out;
	}
	if (tlen >= 8 && wcsncmp(t, L"\\??\\UNC\\", 8) == 0) {
		/* \??\UNC\server -> \\server: keep one backslash. */
		t += 6;
		tlen -= 6;
		t[0] = L'\\';
	} else if (tlen >= 4 && wcsncmp(t, L"\\??\\", 4) == 0) {
		t += 4;
		tlen -= 4;
		if (tlen >= 7 && wcsncmp(t, L"Volume{", 7) == 0) {
			rc = -EINVAL;
			goto out;
		}
	}
	long n = utf16_to_wtf8(t, tlen, buf, size);
	rc = n < 0 ? -ENAMETOOLONG : (int)n;
out:
	free(rb);
	CloseHandle(h);
	return rc;
}

int hln_readlink(const char *path, char *buf, size_t size)
{
	return hln_dir_readlinkat(NULL, path, buf, size);
}

/*
 * GetVolumePathNameW answers for a path that does not exist too (it
 * works on the text, up to the nearest mount point), so no walk up is
 * needed here.
 */
int hln_mount_point(const char *path, char *buf, size_t size)
{
	wchar_t *w;
	int rc = win_path_to_wide(path, &w);
	if (rc < 0)
		return rc;
	DWORD n = (DWORD)wcslen(w) + 2;
	wchar_t *vol = malloc(n * sizeof *vol);
	if (!vol) {
		free(w);
		return -ENOMEM;
	}
	if (GetVolumePathNameW(w, vol, n))
		rc = win_wide_to_user(vol, buf, size);
	else
		rc = win_last_error();
	/* "C:/x/" -> "C:/x", as POSIX names a mount point; "C:/" stays. */
	if (rc > 1 && buf[rc - 1] == '/' && buf[rc - 2] != ':')
		buf[--rc] = '\0';
	free(vol);
	free(w);
	return rc;
}

/* A Windows volume is always mounted whole. */
int hln_mount_root(const char *path, char *buf, size_t size)
{
	(void)path, (void)buf, (void)size;
	return -ENOSYS;
}

int hln_mounts_below(const char *path)
{
	(void)path;
	return -ENOSYS;
}

long hln_link_max(const char *path)
{
	(void)path;
	return NTFS_LINK_MAX;
}

int hln_fs_type(const char *path, char *buf, size_t size)
{
	wchar_t *w, vol[MAX_PATH + 1], fs[MAX_PATH + 1];
	int rc = win_path_to_wide(path, &w);
	if (rc < 0)
		return rc;
	BOOL ok = GetVolumePathNameW(w, vol, MAX_PATH + 1) &&
		  GetVolumeInformationW(vol, NULL, 0, NULL, NULL, NULL, fs,
					MAX_PATH + 1);
	free(w);
	if (!ok)
		return win_last_error();
	return win_wide_to_user(fs, buf, size);
}

/* Windows refuses no link for want of ownership. */
int hln_protected_hardlinks(void) { return 0; }

/* Asking the filesystem for a file's names. */

typedef HANDLE(WINAPI *first_name_fn)(LPCWSTR, DWORD, LPDWORD, PWSTR);
typedef BOOL(WINAPI *next_name_fn)(HANDLE, LPDWORD, PWSTR);

/*
 * FindFirstFileNameW answers with the names of the file relative to its
 * volume's root ("\dir\file"); the root is put in front.  Loaded at run
 * time: Wine and systems before Vista lack it.
 */
int hln_file_names(const char *path, void (*fn)(void *ctx, const char *name),
		   void *ctx)
{
	HLN_FAILPOINT("file_names");
	HMODULE k32 = GetModuleHandleW(L"kernel32.dll");
	first_name_fn first =
		k32 ? (first_name_fn)(void (*)(void))GetProcAddress(
			      k32, "FindFirstFileNameW")
		    : NULL;
	next_name_fn next = k32 ? (next_name_fn)(void (*)(void))GetProcAddress(
					  k32, "FindNextFileNameW")
				: NULL;
	if (!first || !next)
		return -ENOSYS;
	wchar_t *w, *vol = NULL, *name = NULL;
	char *out = NULL;
	int rc = win_path_to_wide(path, &w);
	if (rc < 0)
		return rc;
	DWORD vsize = (DWORD)wcslen(w) + 2, nsize = MAX_PATH;
	HANDLE h = INVALID_HANDLE_VALUE;
	if (!(vol = malloc(vsize * sizeof *vol)) ||
	    !(name = malloc(nsize * sizeof *name))) {
		rc = -ENOMEM;
		goto out;
	}
	if (!GetVolumePathNameW(w, vol, vsize)) {
		rc = win_last_error();
		goto out;
	}
	/* The root for a person, without its final backslash. */
	size_t osize = 0x8000 * 3;
	if (!(out = malloc(osize))) {
		rc = -ENOMEM;
		goto out;
	}
	int rlen = win_wide_to_user(vol, out, osize);
	if (rlen < 0) {
		rc = rlen;
		goto out;
	}
	if (rlen > 0 && out[rlen - 1] == '/')
		rlen--;
	int count = 0;
	for (;;) {
		DWORD n = nsize;
		BOOL ok;
		if (h == INVALID_HANDLE_VALUE) {
			h = first(w, 0, &n, name);
			ok = h != INVALID_HANDLE_VALUE;
		} else {
			ok = next(h, &n, name);
		}
		if (!ok) {
			DWORD e = GetLastError();
			if (e == ERROR_MORE_DATA) {
				wchar_t *p = realloc(name, n * sizeof *p);
				if (!p) {
					rc = -ENOMEM;
					break;
				}
				name = p;
				nsize = n;
				continue;
			}
			rc = e == ERROR_HANDLE_EOF ? count : -win_errno(e);
			break;
		}
		long len = utf16_to_wtf8(name, wcslen(name), out + rlen,
					 osize - (size_t)rlen);
		if (len < 0) {
			rc = -ENAMETOOLONG;
			break;
		}
		win_to_slashes(out + rlen);
		fn(ctx, out);
		count++;
	}
out:
	if (h != INVALID_HANDLE_VALUE)
		FindClose(h);
	free(out);
	free(name);
	free(vol);
	free(w);
	return rc;
}
/* NTFS cannot swap two names in one step. */
int hln_exchange(struct hln_dir *d, const char *a, const char *b)
{
	HLN_FAILPOINT("rename");
	(void)d;
	(void)a;
	(void)b;
	return -ENOSYS;
}
