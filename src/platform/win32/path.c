/*
 * path.c - a UTF-8 path as the UTF-16 path Windows is given, and back.
 *
 * Absolute paths get the \\?\ prefix so that paths longer than MAX_PATH
 * work; relative ones are made absolute first, since the prefix turns off
 * the resolution of "." and "..".
 */
#include "internal.h"

int win_has_prefix(const wchar_t *w, const wchar_t *p)
{
	return wcsncmp(w, p, wcslen(p)) == 0;
}

/*
 * Make W absolute and give it the \\?\ (or \\?\UNC\) prefix, into a new
 * malloc'd string in *OUT.  GetFullPathNameW does what the prefix then
 * no longer does: the current directory, "." and "..", '/'.
 * Returns 0, or -errno.
 */
int win_absolute(const wchar_t *w, wchar_t **out)
{
	if (win_has_prefix(w, L"\\\\?\\") || win_has_prefix(w, L"\\\\.\\")) {
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
			int rc = win_last_error();
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
		if (win_has_prefix(full, L"\\\\?\\") ||
		    win_has_prefix(full, L"\\\\.\\")) {
			start = full; /* a device such as \\.\NUL */
		} else if (win_has_prefix(full, L"\\\\")) {
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
int win_path_to_wide(const char *path, wchar_t **out)
{
	if (!*path)
		return -ENOENT;
	wchar_t *w;
	int rc = wtf8_to_utf16(path, 0, 1, &w);
	if (rc < 0)
		return rc;
	rc = win_absolute(w, out);
	free(w);
	return rc;
}

/* Turn the backslashes of the WTF-8 path S into slashes. */
void win_to_slashes(char *s)
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
int win_wide_to_user(const wchar_t *w, char *buf, size_t size)
{
	long n;
	if (win_has_prefix(w, L"\\\\?\\UNC\\")) {
		/* Keep one backslash of the prefix: \\server\share. */
		w += 7;
		if (size < 2)
			return -ENAMETOOLONG;
		buf[0] = '\\';
		n = utf16_to_wtf8(w, wcslen(w), buf + 1, size - 1);
		if (n >= 0)
			n++;
	} else {
		if (win_has_prefix(w, L"\\\\?\\"))
			w += 4;
		n = utf16_to_wtf8(w, wcslen(w), buf, size);
	}
	if (n < 0)
		return -ENAMETOOLONG;
	win_to_slashes(buf);
	return (int)n;
}
