/*
 * path.c - joining and splitting paths; see hln/path.h.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "hln/path.h"

/* Copy LEN bytes of SRC into BUF as a string, or fail as the header says. */
static int put(char *buf, size_t size, const char *src, size_t len)
{
	if (len >= size) {
		if (size > 0)
			buf[0] = '\0';
		return -ENAMETOOLONG;
	}
	memmove(buf, src, len);
	buf[len] = '\0';
	return len > (size_t)INT_MAX ? -ENAMETOOLONG : (int)len;
}

/* The length of DIR's part in "DIR/NAME": without one trailing slash. */
static size_t join_dirlen(const char *dir, int *slash)
{
	size_t dl = strlen(dir);
	*slash = dl > 0 && dir[dl - 1] != '/';
	return dl;
}

int path_join(char *buf, size_t size, const char *dir, const char *name)
{
	int slash;
	size_t dl = join_dirlen(dir, &slash);
	size_t nl = strlen(name);
	size_t len = dl + (size_t)slash + nl;
	if (len >= size || len > (size_t)INT_MAX) {
		if (size > 0)
			buf[0] = '\0';
		return -ENAMETOOLONG;
	}
	memmove(buf, dir, dl);
	if (slash)
		buf[dl] = '/';
	memmove(buf + dl + (size_t)slash, name, nl + 1);
	return (int)len;
}

char *path_join_dup(const char *dir, const char *name)
{
	int slash;
	size_t len = join_dirlen(dir, &slash) + 1 + strlen(name) + 1;
	char *p = malloc(len);
	if (p && path_join(p, len, dir, name) < 0) {
		free(p);
		p = NULL;
	}
	return p;
}

/*
 * Where the last component of PATH starts and ends (trailing slashes
 * excluded): PATH[*START..*END).  "/" and "//" give the empty range after
 * the root.
 */
static void last_component(const char *path, size_t *start, size_t *end)
{
	size_t e = strlen(path);
	while (e > 0 && path[e - 1] == '/')
		e--;
	size_t s = e;
	while (s > 0 && path[s - 1] != '/')
		s--;
	*start = s;
	*end = e;
}

/* The directory part of PATH: its start is PATH, its length *LEN. */
static const char *dir_part(const char *path, size_t *len)
{
	size_t s, e;
	last_component(path, &s, &e);
	if (e == 0) { /* "", or only slashes */
		*len = 1;
		return path[0] == '/' ? "/" : ".";
	}
	if (s == 0) { /* no slash before the last component */
		*len = 1;
		return ".";
	}
	size_t d = s;
	while (d > 0 && path[d - 1] == '/') /* "a//b": the slashes go */
		d--;
	if (d == 0) { /* "/b": the root stays */
		*len = 1;
		return "/";
	}
	*len = d;
	return path;
}

int path_dir(char *buf, size_t size, const char *path)
{
	size_t len;
	const char *d = dir_part(path, &len);
	return put(buf, size, d, len);
}

char *path_dir_dup(const char *path)
{
	size_t len;
	const char *d = dir_part(path, &len);
	char *p = malloc(len + 1);
	if (p)
		put(p, len + 1, d, len);
	return p;
}

int path_base(char *buf, size_t size, const char *path)
{
	size_t s, e;
	last_component(path, &s, &e);
	if (e == 0 && path[0] == '/')
		return put(buf, size, "/", 1);
	return put(buf, size, path + s, e - s);
}

const char *path_tail(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}
