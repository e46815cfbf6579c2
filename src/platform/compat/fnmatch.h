/*
 * fnmatch.h - fnmatch(3) for Windows, whose C library has none: the
 * POSIX patterns *, ? and [...] (with ! or ^ and ranges), \ quoting.
 */
#ifndef HLN_COMPAT_FNMATCH_H
#define HLN_COMPAT_FNMATCH_H

#define FNM_NOMATCH 1
#define FNM_NOESCAPE 0x01

/*
 * Whether STRING matches PATTERN.  FLAGS: 0 or FNM_NOESCAPE.
 * Returns 0 on a match, FNM_NOMATCH otherwise.
 */
int fnmatch(const char *pattern, const char *string, int flags);

#endif
