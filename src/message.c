/*
 * message.c - what hln says on stderr; see hln/message.h.
 */
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
	{EMLINK, "too many links"},
	{EISDIR, "is a directory"},
	{ENOTDIR, "not a directory"},
	{EROFS, "read-only file system"},
	{ENOSPC, "no space left on device"},
	{EDQUOT, "disk quota exceeded"},
	{ELOOP, "too many levels of symbolic links"},
	{ENAMETOOLONG, "file name too long"},
	{EIO, "input/output error"},
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

void msg_error(const char *cmd, const char *path, const char *fmt, ...)
{
	char reason[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof reason, fmt, ap);
	va_end(ap);
	if (path)
		warnx("%s: %s: %s", cmd, msg_name(path, hln_isatty(2)), reason);
	else
		warnx("%s: %s", cmd, reason);
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

int msg_bad_option(const char *cmd, int c, char *const *argv, int optind)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "";
	if (c == ':') {
		if (optopt)
			return msg_usage(cmd, "option '-%c' needs an argument",
					 optopt);
		return msg_usage(cmd, "option '%s' needs an argument", arg);
	}
	if (optopt)
		return msg_usage(cmd, "unknown option '-%c'", optopt);
	return msg_usage(cmd, "unknown option '%s'", arg);
}
