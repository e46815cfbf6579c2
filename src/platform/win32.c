/*
 * win32.c - the platform layer on Windows: CreateHardLinkW, handle-based
 * stat and directory reads, the GetLastError -> errno table, and wmain.
 *
 * Paths are UTF-8 everywhere else in hln and become UTF-16 only here, at
 * the call (git compat/mingw.c, libuv fs__capture_path).  The encoding is
 * WTF-8, as Rust's std does on Windows: a name holding a lone surrogate
 * (NTFS allows any 16-bit unit) becomes the 3-byte form of that surrogate
 * and converts back to the same units, so every name read from a directory
 * can be reached again.  MultiByteToWideChar cannot do that: it either
 * rejects the name or turns it into U+FFFD, which may name another file.
 *
 * Absolute paths get the \\?\ prefix so that paths longer than MAX_PATH
 * work; relative ones are made absolute first, since the prefix turns off
 * the resolution of "." and "..".
 */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <winioctl.h>
#include <ntsecapi.h>

#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hln.h"
#include "hln/failpoint.h"
#include "hln/platform.h"

#ifndef SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE
#define SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE 0x2
#endif
#ifndef FILE_RENAME_FLAG_REPLACE_IF_EXISTS
#define FILE_RENAME_FLAG_REPLACE_IF_EXISTS 0x1
#endif
#ifndef FILE_RENAME_FLAG_POSIX_SEMANTICS
#define FILE_RENAME_FLAG_POSIX_SEMANTICS 0x2
#endif
#ifndef FILE_RENAME_FLAG_IGNORE_READONLY_ATTRIBUTE
#define FILE_RENAME_FLAG_IGNORE_READONLY_ATTRIBUTE 0x40
#endif
#ifndef FILE_DISPOSITION_FLAG_DELETE
#define FILE_DISPOSITION_FLAG_DELETE 0x1
#endif
#ifndef FILE_DISPOSITION_FLAG_POSIX_SEMANTICS
#define FILE_DISPOSITION_FLAG_POSIX_SEMANTICS 0x2
#endif
#ifndef FILE_DISPOSITION_FLAG_IGNORE_READONLY_ATTRIBUTE
#define FILE_DISPOSITION_FLAG_IGNORE_READONLY_ATTRIBUTE 0x10
#endif
#ifndef ERROR_DISK_QUOTA_EXCEEDED
#define ERROR_DISK_QUOTA_EXCEEDED 1295L
#endif
/* mingw-w64 hides these two behind a test that is never true. */
#define FILE_DISPOSITION_INFO_EX_CLASS ((FILE_INFO_BY_HANDLE_CLASS)21)
#define FILE_RENAME_INFO_EX_CLASS ((FILE_INFO_BY_HANDLE_CLASS)22)
#ifndef IO_REPARSE_TAG_LX_SYMLINK
#define IO_REPARSE_TAG_LX_SYMLINK 0xA000001D
#endif

/* NTFS allows 1024 names per file (the first one included). */
#define NTFS_LINK_MAX 1023

/* ---- errors ---- */

/* The one table from Windows errors to errno (libuv src/win/error.c). */
static const struct {
	DWORD win;
	int err;
} errtab[] = {
	{ERROR_FILE_NOT_FOUND, ENOENT},
	{ERROR_PATH_NOT_FOUND, ENOENT},
	{ERROR_INVALID_DRIVE, ENOENT},
	{ERROR_BAD_NETPATH, ENOENT},
	{ERROR_BAD_NET_NAME, ENOENT},
	{ERROR_DEV_NOT_EXIST, ENOENT},
	{ERROR_DELETE_PENDING, ENOENT}, /* being deleted: gone for us */
	{ERROR_ACCESS_DENIED, EACCES},
	{ERROR_CANT_ACCESS_FILE, EACCES},
	{ERROR_PRIVILEGE_NOT_HELD, EPERM},
	{ERROR_ALREADY_EXISTS, EEXIST},
	{ERROR_FILE_EXISTS, EEXIST},
	{ERROR_NOT_SAME_DEVICE, EXDEV},
	{ERROR_TOO_MANY_LINKS, EMLINK},
	{ERROR_DISK_FULL, ENOSPC},
	{ERROR_HANDLE_DISK_FULL, ENOSPC},
	{ERROR_DISK_QUOTA_EXCEEDED, EDQUOT}, /* compat/errno.h */
	{ERROR_WRITE_PROTECT, EROFS},
	{ERROR_FILENAME_EXCED_RANGE, ENAMETOOLONG},
	{ERROR_BUFFER_OVERFLOW, ENAMETOOLONG},
	{ERROR_DIRECTORY, ENOTDIR},
	{ERROR_DIR_NOT_EMPTY, ENOTEMPTY},
	{ERROR_SHARING_VIOLATION, EBUSY},
	{ERROR_LOCK_VIOLATION, EBUSY},
	{ERROR_BUSY, EBUSY},
	{ERROR_INVALID_NAME, EINVAL},
	{ERROR_BAD_PATHNAME, EINVAL},
	{ERROR_INVALID_PARAMETER, EINVAL},
	{ERROR_NOT_A_REPARSE_POINT, EINVAL},
	{ERROR_INVALID_REPARSE_DATA, EINVAL},
	{ERROR_NOT_ENOUGH_MEMORY, ENOMEM},
	{ERROR_OUTOFMEMORY, ENOMEM},
	{ERROR_NOT_ENOUGH_QUOTA, ENOMEM},
	{ERROR_CANT_RESOLVE_FILENAME, ELOOP},
	{ERROR_TOO_MANY_OPEN_FILES, EMFILE},
	{ERROR_INVALID_HANDLE, EBADF},
	{ERROR_BROKEN_PIPE, EPIPE},
	{ERROR_NO_DATA, EPIPE},
	{ERROR_NO_UNICODE_TRANSLATION, EILSEQ},
	{ERROR_INVALID_FUNCTION, ENOSYS},
	{ERROR_CALL_NOT_IMPLEMENTED, ENOSYS},
	{ERROR_NOT_SUPPORTED, ENOSYS}, /* msvcrt has no text for ENOTSUP */
};

static int errno_of(DWORD e)
{
	for (size_t i = 0; i < sizeof errtab / sizeof errtab[0]; i++)
		if (errtab[i].win == e)
			return errtab[i].err;
	return EIO;
}

static int neg_last(void) { return -errno_of(GetLastError()); }

/* ---- WTF-8 <-> UTF-16 ---- */

/*
 * Decode one code point of WTF-8 at *PP and advance.  Returns the code
 * point, or -1 for bytes that are not WTF-8 (overlong, beyond U+10FFFF,
 * stray continuation).
 */
static long wtf8_next(const unsigned char **pp)
{
	const unsigned char *p = *pp;
	unsigned long c = p[0], min;
	int n;
	if (c < 0x80) {
		*pp = p + 1;
		return (long)c;
	}
	if ((c & 0xE0) == 0xC0) {
		n = 1, c &= 0x1F, min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		n = 2, c &= 0x0F, min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		n = 3, c &= 0x07, min = 0x10000;
	} else {
		return -1;
	}
	/* The NUL terminator is not a continuation byte: no overrun. */
	for (int i = 1; i <= n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return -1;
		c = c << 6 | (p[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF)
		return -1;
	*pp = p + n + 1;
	return (long)c;
}

/*
 * Convert the WTF-8 string S to malloc'd UTF-16 in *OUT, leaving PREFIX
 * free units at its start.  With SLASHES, '/' becomes '\\'.  Returns the
 * number of units written after the prefix, or -ENOMEM, -EILSEQ (not
 * WTF-8, or a surrogate pair spelt as two 3-byte halves, which would make
 * a second spelling of one name).
 */
static int wtf8_to_wide(const char *s, size_t prefix, int slashes,
			wchar_t **out)
{
	size_t n = 0;
	int prev_high = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		long c = wtf8_next(&p);
		if (c < 0 || (prev_high && c >= 0xDC00 && c <= 0xDFFF))
			return -EILSEQ;
		prev_high = c >= 0xD800 && c <= 0xDBFF;
		n += c >= 0x10000 ? 2 : 1;
	}
	if (n > 0x7FFF)
		return -ENAMETOOLONG; /* the longest path Windows takes */
	wchar_t *w = malloc((prefix + n + 1) * sizeof *w);
	if (!w)
		return -ENOMEM;
	wchar_t *q = w + prefix;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		long c = wtf8_next(&p);
		if (c >= 0x10000) {
			c -= 0x10000;
			*q++ = (wchar_t)(0xD800 | (c >> 10));
			*q++ = (wchar_t)(0xDC00 | (c & 0x3FF));
		} else {
			*q++ = (slashes && c == '/') ? L'\\' : (wchar_t)c;
		}
	}
	*q = 0;
	*out = w;
	return (int)n;
}

/*
 * Convert N units of UTF-16 at W to WTF-8 in BUF of SIZE bytes
 * (NUL-terminated).  Returns the length, or if BUF is too small the size
 * it would need (the NUL included), negated: the caller grows it.
 */
static long wide_to_wtf8(const wchar_t *w, size_t n, char *buf, size_t size)
{
	size_t len = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned long c = w[i];
		if (c >= 0xD800 && c <= 0xDBFF && i + 1 < n &&
		    w[i + 1] >= 0xDC00 && w[i + 1] <= 0xDFFF)
			c = 0x10000 + ((c - 0xD800) << 10) + (w[++i] - 0xDC00);
		unsigned char b[4];
		int k;
		if (c < 0x80) {
			b[0] = (unsigned char)c, k = 1;
		} else if (c < 0x800) {
			b[0] = (unsigned char)(0xC0 | c >> 6);
			b[1] = (unsigned char)(0x80 | (c & 0x3F)), k = 2;
		} else if (c < 0x10000) {
			b[0] = (unsigned char)(0xE0 | c >> 12);
			b[1] = (unsigned char)(0x80 | (c >> 6 & 0x3F));
			b[2] = (unsigned char)(0x80 | (c & 0x3F)), k = 3;
		} else {
			b[0] = (unsigned char)(0xF0 | c >> 18);
			b[1] = (unsigned char)(0x80 | (c >> 12 & 0x3F));
			b[2] = (unsigned char)(0x80 | (c >> 6 & 0x3F));
			b[3] = (unsigned char)(0x80 | (c & 0x3F)), k = 4;
		}
		if (len + (size_t)k < size)
			memcpy(buf + len, b, (size_t)k);
		len += (size_t)k;
	}
	if (len >= size)
		return -(long)(len + 1);
	buf[len] = '\0';
	return (long)len;
}

/* W (N units) as malloc'd WTF-8, or NULL when out of memory. */
static char *wide_to_wtf8_dup(const wchar_t *w, size_t n)
{
	size_t size = (size_t)-wide_to_wtf8(w, n, NULL, 0);
	char *s = malloc(size);
	if (s)
		wide_to_wtf8(w, n, s, size);
	return s;
}

static int has_prefix(const wchar_t *w, const wchar_t *p)
{
	return wcsncmp(w, p, wcslen(p)) == 0;
}

/*
 * Make W absolute and give it the \\?\ (or \\?\UNC\) prefix, into a new
 * malloc'd string in *OUT.  GetFullPathNameW does what the prefix then
 * no longer does: the current directory, "." and "..", '/'.
 * Returns 0, or -errno.
 */
static int wide_absolute(const wchar_t *w, wchar_t **out)
{
	if (has_prefix(w, L"\\\\?\\") || has_prefix(w, L"\\\\.\\")) {
		size_t n = wcslen(w) + 1;
		if (!(*out = malloc(n * sizeof **out)))
			return -ENOMEM;
		memcpy(*out, w, n * sizeof **out);
		return 0;
	}
	/* Room for the longest prefix, \\?\UNC\, before the full path. */
	const size_t room = 8;
	DWORD size = MAX_PATH;
	for (;;) {
		wchar_t *buf = malloc((room + size) * sizeof *buf);
		if (!buf)
			return -ENOMEM;
		DWORD n = GetFullPathNameW(w, size, buf + room, NULL);
		if (n == 0) {
			int rc = neg_last();
			free(buf);
			return rc;
		}
		if (n >= size) {
			/* Too small (or the current directory just changed). */
			free(buf);
			size = n + 1;
			continue;
		}
		wchar_t *full = buf + room;
		wchar_t *start;
		if (has_prefix(full, L"\\\\?\\") ||
		    has_prefix(full, L"\\\\.\\")) {
			start = full; /* a device such as \\.\NUL */
		} else if (has_prefix(full, L"\\\\")) {
			/* \\server\share -> \\?\UNC\server\share */
			start = full + 1 - 7;
			memcpy(start, L"\\\\?\\UNC", 7 * sizeof *start);
		} else {
			start = full - 4;
			memcpy(start, L"\\\\?\\", 4 * sizeof *start);
		}
		memmove(buf, start, (wcslen(start) + 1) * sizeof *buf);
		*out = buf;
		return 0;
	}
}

/* The UTF-8 PATH as an absolute, prefixed UTF-16 path.  0 or -errno. */
static int path_to_wide(const char *path, wchar_t **out)
{
	if (!*path)
		return -ENOENT;
	wchar_t *w;
	int rc = wtf8_to_wide(path, 0, 1, &w);
	if (rc < 0)
		return rc;
	rc = wide_absolute(w, out);
	free(w);
	return rc;
}

/* Turn the backslashes of the WTF-8 path S into slashes. */
static void to_slashes(char *s)
{
	for (; *s; s++)
		if (*s == '\\')
			*s = '/';
}

/*
 * The path W for a person: without the \\?\ prefix, with '/' for '\\',
 * as WTF-8 in BUF.  The engine joins names with '/', which Windows takes
 * as well; paths that come back from here use it too, so that what hln
 * prints has one separator (C:/Users/x/f, //server/share/f), and strrchr
 * of '/' finds a path's directory.  Returns the length or -ENAMETOOLONG.
 */
static int wide_to_user(const wchar_t *w, char *buf, size_t size)
{
	long n;
	if (has_prefix(w, L"\\\\?\\UNC\\")) {
		/* Keep one backslash of the prefix: \\server\share. */
		w += 7;
		if (size < 2)
			return -ENAMETOOLONG;
		buf[0] = '\\';
		n = wide_to_wtf8(w, wcslen(w), buf + 1, size - 1);
		if (n >= 0)
			n++;
	} else {
		if (has_prefix(w, L"\\\\?\\"))
			w += 4;
		n = wide_to_wtf8(w, wcslen(w), buf, size);
	}
	if (n < 0)
		return -ENAMETOOLONG;
	to_slashes(buf);
	return (int)n;
}

/* ---- files ---- */

#define SHARE_ALL (FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)

/*
 * Open W for ACCESS, following a final symlink only with FOLLOW.  BACKUP
 * SEMANTICS is what lets CreateFileW open a directory at all.
 */
static HANDLE open_w(const wchar_t *w, DWORD access, int follow)
{
	return CreateFileW(w, access, SHARE_ALL, NULL, OPEN_EXISTING,
			   FILE_FLAG_BACKUP_SEMANTICS |
				   (follow ? 0 : FILE_FLAG_OPEN_REPARSE_POINT),
			   NULL);
}

/* Reparse points that are links: followed by the OS, never by a walk. */
static int is_link_tag(DWORD tag)
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
static enum hln_type type_of_attr(DWORD attr, DWORD tag)
{
	if ((attr & FILE_ATTRIBUTE_REPARSE_POINT) && is_link_tag(tag))
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

static FILETIME to_filetime(int64_t sec, int32_t nsec)
{
	uint64_t t = (uint64_t)(sec * 10000000 + nsec / 100 + EPOCH_DIFF);
	FILETIME ft = {(DWORD)t, (DWORD)(t >> 32)};
	return ft;
}

static int stat_handle(HANDLE h, struct hln_stat *st)
{
	BY_HANDLE_FILE_INFORMATION bi;
	if (!GetFileInformationByHandle(h, &bi))
		return neg_last();
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
	st->type = type_of_attr(bi.dwFileAttributes, tag);
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

static int stat_wide(const wchar_t *w, int flags, struct hln_stat *st)
{
	HANDLE h = open_w(w, FILE_READ_ATTRIBUTES, flags & HLN_FOLLOW);
	if (h == INVALID_HANDLE_VALUE)
		return neg_last();
	int rc = stat_handle(h, st);
	CloseHandle(h);
	return rc;
}

int hln_stat_path(const char *path, int flags, struct hln_stat *st)
{
	HLN_FAILPOINT("stat");
	wchar_t *w;
	int rc = path_to_wide(path, &w);
	if (rc < 0)
		return rc;
	rc = stat_wide(w, flags, st);
	free(w);
	return rc;
}

/*
 * The final path of what W names, symlinks resolved, in *OUT (malloc'd).
 * Returns 0 or -errno.
 */
static int final_path(const wchar_t *w, wchar_t **out)
{
	HANDLE h = open_w(w, FILE_READ_ATTRIBUTES, 1);
	if (h == INVALID_HANDLE_VALUE)
		return neg_last();
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
			rc = neg_last();
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
	int rc = path_to_wide(path, &w);
	if (rc < 0)
		return rc;
	rc = final_path(w, &real);
	free(w);
	if (rc < 0)
		return rc;
	size_t size = wcslen(real) * 3 + 2;
	char *s = malloc(size);
	if (!s) {
		free(real);
		return -ENOMEM;
	}
	rc = wide_to_user(real, s, size);
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
static int link_wide(const wchar_t *target, const wchar_t *newpath, int follow)
{
	wchar_t *real = NULL;
	if (follow) {
		int rc = final_path(target, &real);
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
			rc = -errno_of(e);
	}
	free(real);
	return rc;
}

int hln_link(const char *target, const char *newpath, int flags)
{
	HLN_FAILPOINT("link");
	wchar_t *wt, *wn = NULL;
	int rc = path_to_wide(target, &wt);
	if (rc < 0)
		return rc;
	rc = path_to_wide(newpath, &wn);
	if (rc == 0)
		rc = link_wide(wt, wn, flags & HLN_FOLLOW);
	free(wt);
	free(wn);
	return rc;
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
	HANDLE h = open_w(from, DELETE | SYNCHRONIZE, 0);
	if (h == INVALID_HANDLE_VALUE) {
		free(ri);
		return neg_last();
	}
	ri->Flags = FILE_RENAME_FLAG_REPLACE_IF_EXISTS |
		    FILE_RENAME_FLAG_POSIX_SEMANTICS |
		    FILE_RENAME_FLAG_IGNORE_READONLY_ATTRIBUTE;
	ri->FileNameLength = (DWORD)(len * sizeof(wchar_t));
	memcpy(ri->FileName, to, (len + 1) * sizeof(wchar_t));
	int rc = SetFileInformationByHandle(h, FILE_RENAME_INFO_EX_CLASS, ri,
					    (DWORD)size)
			 ? 0
			 : neg_last();
	CloseHandle(h);
	free(ri);
	return rc;
}

int hln_rename(const char *from, const char *to)
{
	HLN_FAILPOINT("rename");
	wchar_t *wf, *wt = NULL;
	int rc = path_to_wide(from, &wf);
	if (rc < 0)
		return rc;
	rc = path_to_wide(to, &wt);
	if (rc < 0)
		goto out;
	if (MoveFileExW(wf, wt,
			MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
		goto out;
	rc = neg_last();
	if (rc != -EACCES)
		goto out;
	/* A directory TO is never replaced; say so rather than EACCES. */
	DWORD attr = GetFileAttributesW(wt);
	if (attr != INVALID_FILE_ATTRIBUTES &&
	    (attr & FILE_ATTRIBUTE_DIRECTORY)) {
		rc = -EISDIR;
		goto out;
	}
	/* A read-only or busy TO: POSIX semantics, where there are. */
	if (rename_posix(wf, wt) == 0)
		rc = 0;
out:
	free(wf);
	free(wt);
	return rc;
}

static int set_attributes(HANDLE h, DWORD attr)
{
	/* Zero times mean "leave as is"; zero attributes would too. */
	FILE_BASIC_INFO bi;
	memset(&bi, 0, sizeof bi);
	bi.FileAttributes = attr ? attr : FILE_ATTRIBUTE_NORMAL;
	return SetFileInformationByHandle(h, FileBasicInfo, &bi, sizeof bi)
		       ? 0
		       : neg_last();
}

/*
 * Delete the read-only name W, as POSIX unlink does.  The attribute
 * belongs to the file, not the name: the file's other names must keep
 * it, so it is cleared only on a handle and set again before the close
 * that deletes the name.
 */
static int unlink_readonly(const wchar_t *w, DWORD attr)
{
	HANDLE h = open_w(
		w, DELETE | FILE_READ_ATTRIBUTES | FILE_WRITE_ATTRIBUTES, 0);
	if (h == INVALID_HANDLE_VALUE)
		return neg_last();
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
	int rc = set_attributes(h, attr & ~(DWORD)FILE_ATTRIBUTE_READONLY);
	if (rc == 0) {
		FILE_DISPOSITION_INFO di = {TRUE};
		if (!SetFileInformationByHandle(h, FileDispositionInfo, &di,
						sizeof di))
			rc = neg_last();
		set_attributes(h, attr);
	}
	CloseHandle(h);
	return rc;
}

static int unlink_wide(const wchar_t *w)
{
	if (DeleteFileW(w))
		return 0;
	int rc = neg_last();
	if (rc != -EACCES)
		return rc;
	DWORD attr = GetFileAttributesW(w);
	if (attr == INVALID_FILE_ATTRIBUTES)
		return rc;
	/* A directory symlink is removed like a directory, but it is a
	 * name that unlink may remove. */
	if ((attr & FILE_ATTRIBUTE_DIRECTORY) &&
	    (attr & FILE_ATTRIBUTE_REPARSE_POINT))
		return RemoveDirectoryW(w) ? 0 : neg_last();
	if (attr & FILE_ATTRIBUTE_DIRECTORY)
		return -EISDIR;
	if (attr & FILE_ATTRIBUTE_READONLY)
		return unlink_readonly(w, attr);
	return rc;
}

int hln_unlink(const char *path)
{
	HLN_FAILPOINT("unlink");
	wchar_t *w;
	int rc = path_to_wide(path, &w);
	if (rc < 0)
		return rc;
	rc = unlink_wide(w);
	free(w);
	return rc;
}

/* The mode of a new directory has no Windows meaning: ACLs inherit. */
int hln_mkdir(const char *path, uint32_t mode)
{
	HLN_FAILPOINT("mkdir");
	(void)mode;
	wchar_t *w;
	int rc = path_to_wide(path, &w);
	if (rc < 0)
		return rc;
	rc = CreateDirectoryW(w, NULL) ? 0 : neg_last();
	free(w);
	return rc;
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
static int readlink_wide(const wchar_t *w, char *buf, size_t size)
{
	if (size < 2)
		return -ENAMETOOLONG;
	HANDLE h = open_w(w, 0, 0);
	if (h == INVALID_HANDLE_VALUE)
		return neg_last();
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
		rc = neg_last();
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
	long n = wide_to_wtf8(t, tlen, buf, size);
	rc = n < 0 ? -ENAMETOOLONG : (int)n;
out:
	free(rb);
	CloseHandle(h);
	return rc;
}

int hln_readlink(const char *path, char *buf, size_t size)
{
	HLN_FAILPOINT("readlink");
	wchar_t *w;
	int rc = path_to_wide(path, &w);
	if (rc < 0)
		return rc;
	rc = readlink_wide(w, buf, size);
	free(w);
	return rc;
}

/*
 * GetVolumePathNameW answers for a path that does not exist too (it
 * works on the text, up to the nearest mount point), so no walk up is
 * needed here.
 */
int hln_mount_point(const char *path, char *buf, size_t size)
{
	wchar_t *w;
	int rc = path_to_wide(path, &w);
	if (rc < 0)
		return rc;
	DWORD n = (DWORD)wcslen(w) + 2;
	wchar_t *vol = malloc(n * sizeof *vol);
	if (!vol) {
		free(w);
		return -ENOMEM;
	}
	if (GetVolumePathNameW(w, vol, n))
		rc = wide_to_user(vol, buf, size);
	else
		rc = neg_last();
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

long hln_link_max(const char *path)
{
	(void)path;
	return NTFS_LINK_MAX;
}

/* Windows refuses no link for want of ownership. */
int hln_protected_hardlinks(void) { return 0; }

/* Windows has SIDs, not user ids. */
uint32_t hln_euid(void) { return (uint32_t)-1; }

static HANDLE std_handle(int fd)
{
	static const DWORD which[] = {STD_INPUT_HANDLE, STD_OUTPUT_HANDLE,
				      STD_ERROR_HANDLE};
	if (fd < 0 || fd > 2)
		return INVALID_HANDLE_VALUE;
	return GetStdHandle(which[fd]);
}

/*
 * ---- the console ----
 *
 * A console shows UTF-16 given to WriteConsoleW; bytes given to WriteFile
 * are read in its code page, UTF-8 or not.  So what hln writes to a
 * console is converted: standard output and error, which stdio writes,
 * reach the console through a pipe whose reader thread converts and calls
 * WriteConsoleW (git's compat/winansi.c does the same), and hln_write
 * writes into that pipe too, so that the progress line and the messages
 * keep their order.  To pipes and files, UTF-8 bytes go as they are.
 */
struct console {
	HANDLE con; /* the console, or NULL when FD is not one */
	HANDLE thread; /* the pipe's reader */
};
static struct console consoles[3];

/*
 * Show the N bytes at P on the console CON; unless FINAL, an unfinished
 * UTF-8 sequence at the end is kept in CARRY (*NCARRY bytes) for the next
 * call.  Bytes that are not UTF-8 show as U+FFFD.
 */
static void console_show(HANDLE con, char *carry, size_t *ncarry, const char *p,
			 size_t n, int final)
{
	char buf[4096 + 4];
	wchar_t w[4096 + 4];
	while (n > 0 || *ncarry) {
		size_t k = n < 4096 ? n : 4096;
		memcpy(buf, carry, *ncarry);
		memcpy(buf + *ncarry, p, k);
		size_t len = *ncarry + k, cut = len;
		p += k;
		n -= k;
		/* Hold back a sequence cut short, if more may follow. */
		for (size_t back = 1; back <= 3 && back <= len; back++) {
			unsigned char c = (unsigned char)buf[len - back];
			if ((c & 0xC0) == 0x80)
				continue;
			size_t need = c >= 0xF0   ? 4
				      : c >= 0xE0 ? 3
				      : c >= 0xC0 ? 2
						  : 1;
			if (need > back)
				cut = len - back;
			break;
		}
		if (n == 0 && final)
			cut = len; /* nothing more will come */
		*ncarry = len - cut;
		memcpy(carry, buf + cut, *ncarry);
		int wn = MultiByteToWideChar(CP_UTF8, 0, buf, (int)cut, w,
					     (int)(sizeof w / sizeof w[0]));
		for (int off = 0; off < wn;) {
			DWORD done;
			if (!WriteConsoleW(con, w + off, (DWORD)(wn - off),
					   &done, NULL) ||
			    done == 0)
				return;
			off += (int)done;
		}
		if (n == 0)
			break;
	}
}

static DWORD WINAPI console_reader(void *arg)
{
	HANDLE *ends = arg;
	HANDLE rd = ends[0], con = ends[1];
	free(ends);
	char buf[4096], carry[4];
	size_t ncarry = 0;
	DWORD n;
	while (ReadFile(rd, buf, sizeof buf, &n, NULL) && n > 0)
		console_show(con, carry, &ncarry, buf, n, 0);
	if (ncarry)
		console_show(con, carry, &ncarry, "", 0, 1);
	CloseHandle(rd);
	return 0;
}

/* At exit: flush, close the pipes, let the readers finish. */
static void console_finish(void)
{
	fflush(stdout);
	fflush(stderr);
	for (int fd = 1; fd <= 2; fd++) {
		if (!consoles[fd].thread)
			continue;
		_close(fd);
		WaitForSingleObject(consoles[fd].thread, 5000);
		CloseHandle(consoles[fd].thread);
		consoles[fd].thread = NULL;
	}
}

/* If FD (1 or 2) is a console, put the converting pipe in front of it. */
static void console_attach(int fd)
{
	DWORD mode;
	HANDLE con = std_handle(fd);
	if (con == INVALID_HANDLE_VALUE || !con || !GetConsoleMode(con, &mode))
		return;
	consoles[fd].con = con;
	/* _dup2 below closes the handle FD had: keep one of our own. */
	if (!DuplicateHandle(GetCurrentProcess(), con, GetCurrentProcess(),
			     &con, 0, FALSE, DUPLICATE_SAME_ACCESS))
		return; /* then WriteFile to the console, as before */
	HANDLE rd, wr;
	HANDLE *ends = malloc(2 * sizeof *ends);
	if (!ends || !CreatePipe(&rd, &wr, NULL, 0)) {
		free(ends);
		CloseHandle(con);
		return;
	}
	int wfd = _open_osfhandle((intptr_t)wr, _O_BINARY);
	if (wfd < 0) {
		CloseHandle(rd);
		CloseHandle(wr);
		CloseHandle(con);
		free(ends);
		return;
	}
	ends[0] = rd;
	ends[1] = con;
	HANDLE t = CreateThread(NULL, 0, console_reader, ends, 0, NULL);
	if (!t || _dup2(wfd, fd) != 0) {
		_close(wfd); /* the reader, if any, sees the end */
		if (t) {
			WaitForSingleObject(t, INFINITE);
			CloseHandle(t);
		} else {
			CloseHandle(rd);
			free(ends);
		}
		CloseHandle(con);
		return;
	}
	_close(wfd);
	consoles[fd].con = con;
	consoles[fd].thread = t;
}

/*
 * A console answers GetConsoleMode.  _isatty would also say yes for the
 * NUL device, and a redirection to NUL is no terminal.
 */
int hln_isatty(int fd)
{
	DWORD mode;
	if (fd >= 1 && fd <= 2 && consoles[fd].con)
		return 1;
	HANDLE h = std_handle(fd);
	return h != INVALID_HANDLE_VALUE && h && GetConsoleMode(h, &mode);
}

int hln_write(int fd, const void *buf, size_t len)
{
	HANDLE h = std_handle(fd);
	if (fd >= 1 && fd <= 2 && consoles[fd].thread)
		h = (HANDLE)_get_osfhandle(fd); /* the pipe: see above */
	if (h == INVALID_HANDLE_VALUE || !h)
		return -EBADF;
	DWORD mode;
	if (GetConsoleMode(h, &mode)) {
		/* A console without the pipe (it could not be made). */
		char carry[4];
		size_t ncarry = 0;
		console_show(h, carry, &ncarry, buf, len, 1);
		return 0;
	}
	const char *p = buf;
	while (len > 0) {
		DWORD chunk = len > (1u << 30) ? (1u << 30) : (DWORD)len;
		DWORD n;
		if (!WriteFile(h, p, chunk, &n, NULL))
			return neg_last();
		if (n == 0)
			return -EIO;
		p += n;
		len -= n;
	}
	return 0;
}

/* CONIN$ is the console even when standard input is redirected. */
int hln_read_answer(int from_tty, char *buf, size_t size)
{
	HANDLE h =
		from_tty ? CreateFileW(L"CONIN$", GENERIC_READ | GENERIC_WRITE,
				       FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
				       OPEN_EXISTING, 0, NULL)
			 : std_handle(0);
	if (h == INVALID_HANDLE_VALUE || !h)
		return from_tty ? neg_last() : -EBADF;
	size_t n = 0;
	int rc = 0;
	/* One byte at a time: what follows the line stays for the next. */
	while (n + 1 < size) {
		char c;
		DWORD r;
		if (!ReadFile(h, &c, 1, &r, NULL)) {
			DWORD e = GetLastError();
			/* The end of a pipe is the end of input. */
			if (e != ERROR_BROKEN_PIPE && e != ERROR_HANDLE_EOF)
				rc = -errno_of(e);
			break;
		}
		if (r == 0)
			break;
		if (c == '\r')
			continue; /* the console ends lines with \r\n */
		buf[n++] = c;
		if (c == '\n')
			break;
	}
	if (size)
		buf[n] = '\0';
	if (from_tty)
		CloseHandle(h);
	return rc < 0 ? rc : (int)n;
}

/* The CPUs of the affinity mask, as Linux's sched_getaffinity. */
int hln_ncpus(void)
{
	DWORD_PTR proc, sys;
	if (GetProcessAffinityMask(GetCurrentProcess(), &proc, &sys) && proc)
		return __builtin_popcountll((unsigned long long)proc);
	SYSTEM_INFO si;
	GetSystemInfo(&si);
	return si.dwNumberOfProcessors > 0 ? (int)si.dwNumberOfProcessors : 1;
}

uint64_t hln_now_ns(void)
{
	static LARGE_INTEGER freq;
	LARGE_INTEGER c;
	if (!freq.QuadPart)
		QueryPerformanceFrequency(&freq); /* never fails since XP */
	QueryPerformanceCounter(&c);
	uint64_t f = (uint64_t)freq.QuadPart, t = (uint64_t)c.QuadPart;
	/* In two parts, so that t * 1e9 cannot overflow. */
	return t / f * 1000000000u + t % f * 1000000000u / f;
}

void hln_sleep_ms(unsigned ms) { Sleep(ms); }

/*
 * RtlGenRandom (advapi32's SystemFunction036) links statically with no
 * library beyond the default ones; BCryptGenRandom would need -lbcrypt.
 */
int hln_random(void *buf, size_t len)
{
	HLN_FAILPOINT("random");
	char *p = buf;
	while (len > 0) {
		ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
		if (!RtlGenRandom(p, chunk))
			return -EIO;
		p += chunk;
		len -= chunk;
	}
	return 0;
}

static atomic_int caught;

/*
 * Runs on a thread of its own.  Returning from a console close lets
 * Windows end the process at once; waiting here instead gives the main
 * thread the seconds Windows allows to finish or roll back and exit.
 */
static BOOL WINAPI on_ctrl(DWORD type)
{
	switch (type) {
	case CTRL_C_EVENT:
		atomic_store(&caught, 2);
		return TRUE;
	case CTRL_BREAK_EVENT:
		atomic_store(&caught, 15);
		return TRUE;
	case CTRL_CLOSE_EVENT:
	case CTRL_LOGOFF_EVENT:
	case CTRL_SHUTDOWN_EVENT:
		atomic_store(&caught, 15);
		Sleep(INFINITE);
		return TRUE;
	default:
		return FALSE;
	}
}

int hln_signals_catch(void)
{
	return SetConsoleCtrlHandler(on_ctrl, TRUE) ? 0 : neg_last();
}

int hln_signal_pending(void) { return atomic_load(&caught); }

/* The test hooks are POSIX shell commands; Windows has no /bin/sh. */
int hln_run_shell(const char *cmd)
{
	(void)cmd;
	return -ENOSYS;
}

/* ---- directories ---- */

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
		return neg_last();
	}
	FILE_ATTRIBUTE_TAG_INFO ti;
	int rc = 0;
	if (!GetFileInformationByHandleEx(h, FileAttributeTagInfo, &ti,
					  sizeof ti))
		rc = neg_last();
	else if ((ti.FileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) &&
		 is_link_tag(ti.ReparseTag))
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
		if (final_path(w, &real) == 0) {
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
	int rc = path_to_wide(path, &w);
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
	int rc = wtf8_to_wide(name, pre, 1, &w);
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
	long need = wide_to_wtf8(n, len, d->name, d->name_size);
	if (need < 0) {
		size_t size = (size_t)-need;
		char *p = realloc(d->name, size);
		if (!p)
			return -ENOMEM;
		d->name = p;
		d->name_size = size;
		wide_to_wtf8(n, len, d->name, d->name_size);
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
				return -errno_of(err);
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
		e->type = type_of_attr(fi->FileAttributes, fi->EaSize);
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
				       : neg_last();
		d->have_fd = 1;
	}
	for (;;) {
		if (!d->have_fd && !FindNextFileW(d->find, &d->fd))
			return GetLastError() == ERROR_NO_MORE_FILES
				       ? 0
				       : neg_last();
		d->have_fd = 0;
		size_t len = wcslen(d->fd.cFileName);
		if (is_dot_w(d->fd.cFileName, len))
			continue;
		/* For a reparse point, dwReserved0 holds the tag. */
		e->type =
			type_of_attr(d->fd.dwFileAttributes, d->fd.dwReserved0);
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
	return stat_handle(d->h, st);
}

int hln_dir_statat(struct hln_dir *d, const char *name, int flags,
		   struct hln_stat *st)
{
	HLN_FAILPOINT("stat");
	wchar_t *w;
	int rc = join(d, name, &w);
	if (rc < 0)
		return rc;
	rc = stat_wide(w, flags, st);
	free(w);
	return rc;
}

int hln_dir_linkat(struct hln_dir *sd, const char *sname, struct hln_dir *dd,
		   const char *dname)
{
	HLN_FAILPOINT("link");
	wchar_t *ws, *wd = NULL;
	int rc = join(sd, sname, &ws);
	if (rc < 0)
		return rc;
	rc = join(dd, dname, &wd);
	if (rc == 0)
		rc = link_wide(ws, wd, 0);
	free(ws);
	free(wd);
	return rc;
}

int hln_dir_mkdirat(struct hln_dir *d, const char *name, uint32_t mode)
{
	HLN_FAILPOINT("mkdir");
	(void)mode;
	wchar_t *w;
	int rc = join(d, name, &w);
	if (rc < 0)
		return rc;
	rc = CreateDirectoryW(w, NULL) ? 0 : neg_last();
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
		if (has_prefix(base, L"\\\\?\\") &&
		    !has_prefix(base, L"\\\\?\\UNC\\"))
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
	if (wide_absolute(t, &abs) == 0) {
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
	rc = wtf8_to_wide(text, 0, 1, &t);
	if (rc < 0)
		goto out;
	DWORD flags = names_dir(d, t) ? SYMBOLIC_LINK_FLAG_DIRECTORY : 0;
	rc = 0;
	if (!CreateSymbolicLinkW(
		    w, t,
		    flags | SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE)) {
		if (GetLastError() != ERROR_INVALID_PARAMETER ||
		    !CreateSymbolicLinkW(w, t, flags))
			rc = neg_last();
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
	int rc = join(d, name, &w);
	if (rc < 0)
		return rc;
	rc = readlink_wide(w, buf, size);
	free(w);
	return rc;
}

static int setmeta_handle(HANDLE h, const struct hln_stat *st, int what);

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
	int rc = d ? join(d, name, &w) : path_to_wide(name, &w);
	if (rc < 0)
		return rc;
	HANDLE h = open_w(w, FILE_READ_ATTRIBUTES | FILE_WRITE_ATTRIBUTES, 0);
	free(w);
	if (h == INVALID_HANDLE_VALUE)
		return neg_last();
	rc = setmeta_handle(h, st, what);
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
	int rc = CloseHandle(d->h) ? 0 : neg_last();
	if (d->find != INVALID_HANDLE_VALUE)
		FindClose(d->find);
	free(d->batch);
	free(d->name);
	free(d->path);
	free(d);
	return rc;
}

/* ---- the entry point ---- */

int wmain(int argc, wchar_t **argv);

static UINT saved_cp;

static void restore_cp(void) { SetConsoleOutputCP(saved_cp); }

/*
 * argv arrives as UTF-16; the rest of hln speaks UTF-8 (git's
 * compat/mingw.c does the same).  Standard streams are binary, so "\n"
 * stays "\n" and a name passes through byte for byte (and "--batch -0"
 * is not cut short by a ^Z).  Output to a console goes through
 * WriteConsoleW (console_attach above); the console's code page is also
 * UTF-8 for the run, for whatever writes to it otherwise, and restored
 * at exit.
 */
int wmain(int argc, wchar_t **argv)
{
	char **argv8 = calloc((size_t)argc + 1, sizeof *argv8);
	if (!argv8) {
		fputs("hln: out of memory\n", stderr);
		return HLN_EXIT_FAIL;
	}
	for (int i = 0; i < argc; i++) {
		if (!(argv8[i] = wide_to_wtf8_dup(argv[i], wcslen(argv[i])))) {
			fputs("hln: out of memory\n", stderr);
			return HLN_EXIT_FAIL;
		}
	}
	_setmode(_fileno(stdin), _O_BINARY);
	_setmode(_fileno(stdout), _O_BINARY);
	_setmode(_fileno(stderr), _O_BINARY);
	if (hln_isatty(1) || hln_isatty(2)) {
		saved_cp = GetConsoleOutputCP();
		if (saved_cp != CP_UTF8 && SetConsoleOutputCP(CP_UTF8))
			atexit(restore_cp);
	}
	console_attach(1);
	console_attach(2);
	if (consoles[1].thread || consoles[2].thread)
		atexit(console_finish);
	if (argc > 0)
		setprogname(argv8[0]);
	int status = hln_main(argc, argv8);
	for (int i = 0; i < argc; i++)
		free(argv8[i]);
	free(argv8);
	return status;
}

/* ---- asking the filesystem for a file's names ---- */

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
	int rc = path_to_wide(path, &w);
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
		rc = neg_last();
		goto out;
	}
	/* The root for a person, without its final backslash. */
	size_t osize = 0x8000 * 3;
	if (!(out = malloc(osize))) {
		rc = -ENOMEM;
		goto out;
	}
	int rlen = wide_to_user(vol, out, osize);
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
			rc = e == ERROR_HANDLE_EOF ? count : -errno_of(e);
			break;
		}
		long len = wide_to_wtf8(name, wcslen(name), out + rlen,
					osize - (size_t)rlen);
		if (len < 0) {
			rc = -ENAMETOOLONG;
			break;
		}
		to_slashes(out + rlen);
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

/* ---- independent copies (break) ---- */

/*
 * SIZE is where the file ends as far as our own writes know: a write or a
 * truncate beyond it first makes the file sparse, so that the gap stays a
 * hole as on POSIX (NTFS fills it with zeros on disk otherwise).
 */
struct hln_file {
	HANDLE h;
	uint64_t size;
	int sparse;
};

int hln_file_open(const char *path, int how, struct hln_file **out)
{
	HLN_FAILPOINT("open");
	struct hln_file *f = calloc(1, sizeof *f);
	wchar_t *w;
	int rc = f ? path_to_wide(path, &w) : -ENOMEM;
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
	} else {
		f->h = CreateFileW(w, GENERIC_READ, SHARE_ALL, NULL,
				   OPEN_EXISTING,
				   FILE_FLAG_OPEN_REPARSE_POINT |
					   FILE_FLAG_SEQUENTIAL_SCAN,
				   NULL);
	}
	free(w);
	if (f->h == INVALID_HANDLE_VALUE) {
		rc = neg_last();
		free(f);
		return rc;
	}
	FILE_ATTRIBUTE_TAG_INFO ti;
	if (how != HLN_OPEN_CREATE &&
	    GetFileInformationByHandleEx(f->h, FileAttributeTagInfo, &ti,
					 sizeof ti) &&
	    (ti.FileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) &&
	    is_link_tag(ti.ReparseTag)) {
		/* What O_NOFOLLOW says of a symlink. */
		CloseHandle(f->h);
		free(f);
		return -ELOOP;
	}
	*out = f;
	return 0;
}

/* Windows has no unnamed files that can be given a name later. */
int hln_file_tmpfile(const char *dir, struct hln_file **out)
{
	HLN_FAILPOINT("tmpfile");
	(void)dir;
	(void)out;
	return -ENOSYS;
}

int hln_file_link(struct hln_file *f, const char *path)
{
	HLN_FAILPOINT("link");
	(void)f;
	(void)path;
	return -ENOSYS;
}

int hln_file_stat(struct hln_file *f, struct hln_stat *st)
{
	HLN_FAILPOINT("stat");
	return stat_handle(f->h, st);
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
 * The free space of the handle's own volume, for the caller (quotas
 * included): no path needed, so no limit on its length.  Returns 0, or
 * -ENOSYS where ntdll does not answer.
 */
static int space_by_handle(HANDLE h, uint64_t *avail)
{
	HMODULE nt = GetModuleHandleW(L"ntdll.dll");
	query_volume_fn q =
		nt ? (query_volume_fn)(void (*)(void))GetProcAddress(
			     nt, "NtQueryVolumeInformationFile")
		   : NULL;
	struct io_status io;
	struct fs_full_size fs;
	if (!q || q(h, &io, &fs, sizeof fs, FS_FULL_SIZE_INFORMATION) < 0)
		return -ENOSYS;
	*avail = (uint64_t)fs.caller_avail.QuadPart * fs.sectors_per_unit *
		 fs.bytes_per_sector;
	return 0;
}

/* Free space as the caller's quota sees it, on F's volume. */
int hln_file_space(struct hln_file *f, uint64_t *used, uint64_t *avail)
{
	HLN_FAILPOINT("statfs");
	FILE_STANDARD_INFO si;
	if (!GetFileInformationByHandleEx(f->h, FileStandardInfo, &si,
					  sizeof si))
		return neg_last();
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
			return neg_last();
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
		rc = neg_last();
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

/* winioctl.h of mingw-w64 lacks these two (ReFS block cloning). */
struct dup_extents {
	HANDLE src;
	LARGE_INTEGER src_off, dst_off, count;
};

struct integrity_info {
	WORD algorithm, reserved;
	DWORD flags, chunk_size, cluster_size;
};

static int make_sparse(struct hln_file *f)
{
	FILE_SET_SPARSE_BUFFER sb = {TRUE};
	DWORD got;
	if (!DeviceIoControl(f->h, FSCTL_SET_SPARSE, &sb, sizeof sb, NULL, 0,
			     &got, NULL))
		return neg_last();
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
		       : neg_last();
}

/*
 * ReFS (and Dev Drives) share blocks between files with
 * FSCTL_DUPLICATE_EXTENTS_TO_FILE, by whole clusters: the size is rounded
 * up to one, which the end of file then cuts.  FSCTL_GET_INTEGRITY_
 * INFORMATION tells the cluster size, and fails on NTFS, before DST is
 * touched.
 */
int hln_file_clone(struct hln_file *dst, struct hln_file *src)
{
	HLN_FAILPOINT("clone");
	struct integrity_info ii;
	FILE_STANDARD_INFO si;
	FILE_BASIC_INFO bi;
	DWORD got;
	if (!DeviceIoControl(src->h, FSCTL_GET_INTEGRITY_INFORMATION, NULL, 0,
			     &ii, sizeof ii, &got, NULL) ||
	    !ii.cluster_size)
		return -EOPNOTSUPP;
	if (!GetFileInformationByHandleEx(src->h, FileStandardInfo, &si,
					  sizeof si) ||
	    !GetFileInformationByHandleEx(src->h, FileBasicInfo, &bi,
					  sizeof bi))
		return neg_last();
	int rc = 0;
	if (bi.FileAttributes & FILE_ATTRIBUTE_SPARSE_FILE)
		rc = make_sparse(dst);
	uint64_t size = (uint64_t)si.EndOfFile.QuadPart;
	if (rc == 0)
		rc = set_size(dst->h, size);
	uint64_t cl = ii.cluster_size;
	uint64_t all = (size + cl - 1) / cl * cl;
	/* Under 4 GiB per call. */
	uint64_t chunk = (0xFFFFFFFFu / cl) * cl;
	for (uint64_t off = 0; rc == 0 && off < all; off += chunk) {
		struct dup_extents de;
		de.src = src->h;
		de.src_off.QuadPart = (LONGLONG)off;
		de.dst_off.QuadPart = (LONGLONG)off;
		de.count.QuadPart =
			(LONGLONG)(all - off < chunk ? all - off : chunk);
		if (!DeviceIoControl(dst->h, FSCTL_DUPLICATE_EXTENTS_TO_FILE,
				     &de, sizeof de, NULL, 0, &got, NULL)) {
			DWORD e = GetLastError();
			rc = (e == ERROR_INVALID_FUNCTION ||
			      e == ERROR_NOT_SUPPORTED ||
			      e == ERROR_INVALID_PARAMETER)
				     ? -EOPNOTSUPP
				     : -errno_of(e);
		}
	}
	if (rc < 0) {
		set_size(dst->h, 0); /* a clean start for the byte copy */
		return rc;
	}
	dst->size = size;
	return 0;
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
		return GetLastError() == ERROR_HANDLE_EOF ? 0 : neg_last();
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
			return neg_last();
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
	FILE_STANDARD_INFO si;
	FILE_BASIC_INFO bi;
	if (!GetFileInformationByHandleEx(f->h, FileBasicInfo, &bi,
					  sizeof bi) ||
	    !GetFileInformationByHandleEx(f->h, FileStandardInfo, &si,
					  sizeof si))
		return neg_last();
	if (!(bi.FileAttributes & FILE_ATTRIBUTE_SPARSE_FILE))
		return -ENOSYS;
	uint64_t size = (uint64_t)si.EndOfFile.QuadPart;
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
			return neg_last();
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
	return FlushFileBuffers(f->h) ? 0 : neg_last();
}

/* Times and the read-only attribute of the handle H, as setmeta says. */
static int setmeta_handle(HANDLE h, const struct hln_stat *st, int what)
{
	int first = 0;
	if (what & HLN_META_TIMES) {
		FILETIME at_ = to_filetime(st->atime_sec, st->atime_nsec);
		FILETIME mt = to_filetime(st->mtime_sec, st->mtime_nsec);
		if (!SetFileTime(h, NULL, &at_, &mt))
			first = neg_last();
	}
	BY_HANDLE_FILE_INFORMATION bi;
	if ((what & HLN_META_MODE) && st->type != HLN_T_LNK &&
	    st->type != HLN_T_DIR) {
		if (!GetFileInformationByHandle(h, &bi)) {
			if (!first)
				first = neg_last();
		} else {
			DWORD attr = bi.dwFileAttributes &
				     ~(DWORD)FILE_ATTRIBUTE_READONLY;
			if (!(st->mode & 0200))
				attr |= FILE_ATTRIBUTE_READONLY;
			int rc = attr == bi.dwFileAttributes
					 ? 0
					 : set_attributes(h, attr);
			if (rc && !first)
				first = rc;
		}
	}
	return first;
}

int hln_file_setmeta(struct hln_file *f, const struct hln_stat *st, int what)
{
	HLN_FAILPOINT("setmeta");
	return setmeta_handle(f->h, st, what);
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
			return neg_last();
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
			return neg_last();
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
			return neg_last();
		const unsigned char *p = val;
		DWORD a = (DWORD)p[0] | (DWORD)p[1] << 8 | (DWORD)p[2] << 16 |
			  (DWORD)p[3] << 24;
		DWORD attr = (bi.dwFileAttributes & ~(DWORD)ATTRS_KEPT) |
			     (a & ATTRS_KEPT);
		return attr == bi.dwFileAttributes ? 0
						   : set_attributes(f->h, attr);
	}
	if (strcmp(name, XATTR_SD) == 0) {
		if (len == 0 || !IsValidSecurityDescriptor((void *)val))
			return -EINVAL;
		return SetKernelObjectSecurity(f->h, DACL_SECURITY_INFORMATION,
					       (void *)val)
			       ? 0
			       : neg_last();
	}
	return -ENOSYS;
}

static int close_failpoint(void)
{
	HLN_FAILPOINT("close");
	return 0;
}

int hln_file_close(struct hln_file *f)
{
	if (!f)
		return 0;
	int rc = close_failpoint();
	if (!CloseHandle(f->h) && rc == 0)
		rc = neg_last();
	free(f);
	return rc;
}

/* NTFS cannot swap two names in one step. */
int hln_exchange(const char *a, const char *b)
{
	HLN_FAILPOINT("rename");
	(void)a;
	(void)b;
	return -ENOSYS;
}

/*
 * NTFS journals its directories, and hln_rename asked MOVEFILE_WRITE_
 * THROUGH, which returns only once the rename is on disk: nothing is left
 * to flush (and FlushFileBuffers takes a directory opened for writing,
 * which only administrators may do).
 */
int hln_dir_sync(const char *dir)
{
	HLN_FAILPOINT("dir_sync");
	(void)dir;
	return 0;
}
