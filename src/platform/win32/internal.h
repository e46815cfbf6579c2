/*
 * win32/internal.h - what the files of the Windows platform layer share
 * (libuv src/win/internal.h).  The layer is one file per subsystem:
 *
 *   error.c    GetLastError -> errno, the one table
 *   wtf8.c     WTF-8 <-> UTF-16 (pure C, tested natively: wtf8.h)
 *   path.c     UTF-8 paths as \\?\ UTF-16 paths and back
 *   fs.c       operations on paths: stat, link, rename, unlink, readlink,
 *              mount points, a file's names
 *   dir.c      directories held open, read by handle, the *at operations
 *   file.c     open files: read, write, clone, space, metadata, xattrs
 *   console.c  standard streams, the console, Ctrl-C
 *   process.c  CPUs, clock, sleep, random bytes
 *   main.c     wmain
 *
 * Everything here returns what include/hln/platform.h's functions
 * return: 0 (or a count) on success, a negative errno on failure.
 */
#ifndef HLN_WIN32_INTERNAL_H
#define HLN_WIN32_INTERNAL_H

#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <winioctl.h>
#include <ntsecapi.h>

#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hln.h"
#include "hln/failpoint.h"
#include "hln/platform.h"
#include "wtf8.h"

/* wtf8.c works on uint16_t units: with MinGW that is wchar_t itself. */
_Static_assert(sizeof(wchar_t) == sizeof(uint16_t) && (wchar_t)-1 > 0,
	       "wchar_t is a 16-bit unsigned unit");

/* What the headers of mingw-w64 lack. */
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

#define SHARE_ALL (FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)

/* ---- error.c ---- */

/* The errno for the Windows error E (positive); EIO for one not known. */
int win_errno(DWORD e);

/* -win_errno(GetLastError()): always negative. */
int win_last_error(void);

/* ---- path.c ---- */

/* Whether W starts with P.  Returns 1 or 0. */
int win_has_prefix(const wchar_t *w, const wchar_t *p);

/*
 * Make W absolute and give it the \\?\ (or \\?\UNC\) prefix, into a new
 * malloc'd string in *OUT (a path with a prefix already is copied as it
 * is).  Returns 0, or -errno.
 */
int win_absolute(const wchar_t *w, wchar_t **out);

/*
 * The UTF-8 PATH as an absolute, prefixed UTF-16 path in *OUT
 * (malloc'd).  Returns 0, or -ENOENT (empty), -EILSEQ, -ENAMETOOLONG,
 * -ENOMEM, -errno.
 */
int win_path_to_wide(const char *path, wchar_t **out);

/* Turn the backslashes of the WTF-8 path S into slashes. */
void win_to_slashes(char *s);

/*
 * The path W for a person: without the \\?\ prefix, with '/' for '\\',
 * as WTF-8 in BUF of SIZE bytes.  Returns the length or -ENAMETOOLONG.
 */
int win_wide_to_user(const wchar_t *w, char *buf, size_t size);

/* ---- fs.c ---- */

/*
 * Open W for ACCESS (every sharing mode), following a final symlink only
 * with FOLLOW; directories open too.  Returns the handle, or
 * INVALID_HANDLE_VALUE with GetLastError set.
 */
HANDLE win_open(const wchar_t *w, DWORD access, int follow);

/* Whether the reparse TAG is a link (symlink, junction, WSL).  1 or 0. */
int win_is_link_tag(DWORD tag);

/* The type of a file from its attributes and its reparse tag. */
enum hln_type win_type_of_attr(DWORD attr, DWORD tag);

/* SEC.NSEC since 1970 as a FILETIME (100 ns since 1601). */
FILETIME win_to_filetime(int64_t sec, int32_t nsec);

/* Fill ST from the open handle H.  Returns 0 or -errno. */
int win_stat_handle(HANDLE h, struct hln_stat *st);

/* Stat W, following a final link with HLN_FOLLOW.  0 or -errno. */
int win_stat_wide(const wchar_t *w, int flags, struct hln_stat *st);

/*
 * The final path of what W names, links resolved, in *OUT (malloc'd).
 * Returns 0 or -errno.
 */
int win_final_path(const wchar_t *w, wchar_t **out);

/*
 * Make NEWPATH a hard link of TARGET (the final target with FOLLOW).
 * Returns 0, or -errno (-EISDIR for a directory TARGET).
 */
int win_link_wide(const wchar_t *target, const wchar_t *newpath, int follow);

/*
 * Rename WF to WT, replacing a non-directory WT atomically (hln_rename).
 * Returns 0, or -errno (-EISDIR when WT is a directory).
 */
int win_rename_wide(const wchar_t *wf, const wchar_t *wt);

/* Remove the non-directory name W, as POSIX unlink does.  0 or -errno. */
int win_unlink_wide(const wchar_t *w);

/* Set H's attributes to ATTR (0: normal), times untouched.  0 or -errno. */
int win_set_attributes(HANDLE h, DWORD attr);

/*
 * The text of the link W in BUF of SIZE bytes (NUL-terminated).  Returns
 * the length, or -EINVAL (not a link hln can read), -ENAMETOOLONG, -errno.
 */
int win_readlink_wide(const wchar_t *w, char *buf, size_t size);

/* ---- dir.c ---- */

/*
 * NAME in D as a wide path in *OUT (malloc'd); D NULL: NAME is a path.
 * Returns 0 or -errno (-ENOENT for "" in D, -ENAMETOOLONG).
 */
int win_at_wide(const struct hln_dir *d, const char *name, wchar_t **out);

/* What win_two_at does with its two names. */
enum win_two {
	WIN_LINK, /* a hard link of the first as the second */
	WIN_LINK_FOLLOW, /* the same, of the first's final target */
	WIN_RENAME, /* the first renamed to the second */
	WIN_RENAME_NEW /* the same, where the second must not exist */
};

/*
 * OP on SNAME in SD and DNAME in DD (either NULL: the name is a path):
 * hln_dir_linkat, hln_link, hln_dir_renameat, hln_rename and
 * hln_rename_dir_new.  Returns 0,
 * or -errno as win_link_wide and win_rename_wide.
 */
int win_two_at(const struct hln_dir *sd, const char *sname,
	       const struct hln_dir *dd, const char *dname, enum win_two op);

/* ---- file.c ---- */

/*
 * Set the times and (for a file) the read-only attribute of H from ST,
 * as hln_file_setmeta's WHAT says.  Returns 0, or the first -errno.
 */
int win_setmeta_handle(HANDLE h, const struct hln_stat *st, int what);

/* ---- console.c ---- */

/*
 * If FD (1 or 2) is a console, put the converting pipe in front of it.
 * Returns 1 when the pipe is in place (then win_console_finish must run
 * at exit), 0 otherwise.
 */
int win_console_attach(int fd);

/* At exit: flush, close the pipes, let their readers finish. */
void win_console_finish(void);

#endif
