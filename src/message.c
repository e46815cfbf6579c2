/*
 * message.c - what hln says on stderr; see hln/message.h.
 */
#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hln.h"
#include "hln/message.h"
#include "hln/output.h"
#include "hln/platform.h"

static const struct {
	int err;
	const char *text;
} reasons[] = {
	{ENOENT, "no such file or directory"},
	{EACCES, "permission denied"},
	{EPERM, "operation not permitted"},
	{EEXIST, "already exists"},
	{EXDEV, "hard links cannot cross filesystems"},
	{EMLINK, "too many links: the file has the most this filesystem "
		 "allows"},
	{EISDIR, "is a directory"},
	{ENOTDIR, "not a directory"},
	{EROFS, "read-only file system: it is mounted read-only, nothing on "
		"it can be changed"},
	{ENOSPC, "no space left on device (no free blocks or inodes for the "
		 "new entry)"},
	{EDQUOT, "disk quota exceeded"},
	{ELOOP, "too many levels of symbolic links (a symlink loop?)"},
	{ENAMETOOLONG, "file name too long (a name in a path may have at most "
		       "255 bytes, the whole path 4096)"},
	{EIO, "input/output error (the device failed)"},
	{ENOMEM, "out of memory"},
	{EMFILE, "too many open files"},
	{EBUSY, "device or resource busy"},
	{EINVAL, "invalid argument"},
	{ENOSYS, "not supported on this system"},
	{EINTR, "interrupted"},
	{EILSEQ, "the name is not valid UTF-8"},
	{ENOTSUP, "not supported by this filesystem"},
	{EOPNOTSUPP, "not supported by this filesystem"},
};

const char *msg_reason(int err)
{
	for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
		if (reasons[i].err == err)
			return reasons[i].text;
	return strerror(err);
}

void msg_stdout_error(const char *cmd, int err)
{
	const char *reason =
		err == ENOSPC ? "no space left on device" : msg_reason(err);
	if (cmd)
		warnx("%s: stdout: %s", cmd, reason);
	else
		warnx("stdout: %s", reason);
}

const char *msg_name(const char *name, int tty)
{
	static _Thread_local char bufs[4][4096];
	static _Thread_local unsigned next;
	if (!tty)
		return name;
	char *b = bufs[next++ % 4];
	out_escape(b, sizeof bufs[0], name);
	return b;
}

static const char *context;

void msg_context(const char *ctx) { context = ctx; }

void msg_error(const char *cmd, const char *path, const char *fmt, ...)
{
	char reason[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof reason, fmt, ap);
	va_end(ap);
	const char *ctx = context ? context : "";
	const char *sep = context ? ": " : "";
	if (path)
		warnx("%s: %s%s%s: %s", cmd, ctx, sep,
		      msg_name(path, hln_isatty(2)), reason);
	else
		warnx("%s: %s%s%s", cmd, ctx, sep, reason);
}

int msg_usage(const char *cmd, const char *fmt, ...)
{
	char text[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	warnx("%s: %s", cmd, text);
	fprintf(stderr, "Try 'hln %s --help'.\n", cmd);
	return HLN_EXIT_USAGE;
}

int msg_bad_option(const char *cmd, int c, char *const *argv, int ind,
		   const struct option *longopts)
{
	const char *arg = ind > 0 ? argv[ind - 1] : NULL;
	if (arg && strncmp(arg, "--", 2) == 0 && arg[2]) {
		/* a long option: name it as written, without its value */
		const char *name = arg + 2;
		size_t len = strcspn(name, "=");
		int known = 0;
		for (const struct option *l = longopts; l && l->name; l++)
			if (strlen(l->name) >= len &&
			    strncmp(l->name, name, len) == 0)
				known = 1;
		/* First: BSD getopt_long (mingw's too) returns ':' here. */
		if (known && name[len] == '=')
			return msg_usage(cmd,
					 "option '--%.*s' takes no argument",
					 (int)len, name);
		if (c == ':')
			return msg_usage(cmd,
					 "option '--%.*s' needs an argument",
					 (int)len, name);
		return msg_usage(cmd, "unknown option '--%.*s'", (int)len,
				 name);
	}
	int ch = optopt > 0 && optopt < 128 && isprint(optopt) ? optopt : '?';
	if (c == ':')
		return msg_usage(cmd, "option '-%c' needs an argument", ch);
	return msg_usage(cmd, "unknown option '-%c'", ch);
}
