/*
 * hln/path.h - joining and splitting paths, as bytes ('/' separates), with
 * -ENAMETOOLONG instead of a silent cut when a result does not fit.
 *
 * path_dir and path_base follow POSIX dirname(1) and basename(1):
 * trailing slashes are not part of the last component, "a" is in ".",
 * "/a" in "/", and "/" is its own directory and base.
 */
#ifndef HLN_PATH_H
#define HLN_PATH_H

#include <stddef.h>

/*
 * DIR and NAME joined with one '/' into BUF of SIZE bytes: "DIR/NAME", no
 * second '/' when DIR ends with one, NAME alone when DIR is empty.
 * Returns the length of the result (without the NUL), or -ENAMETOOLONG if
 * it does not fit (BUF then holds "", when SIZE > 0).
 */
int path_join(char *buf, size_t size, const char *dir, const char *name);

/* The same, in malloc'd memory.  Returns it, or NULL when out of memory. */
char *path_join_dup(const char *dir, const char *name);

/*
 * The directory part of PATH into BUF of SIZE bytes ("." when PATH has no
 * '/').  Returns its length, or -ENAMETOOLONG if it does not fit (BUF then
 * holds "", when SIZE > 0).
 */
int path_dir(char *buf, size_t size, const char *path);

/* The same, in malloc'd memory.  Returns it, or NULL when out of memory. */
char *path_dir_dup(const char *path);

/*
 * The last component of PATH into BUF of SIZE bytes (trailing slashes
 * dropped; "" for ""). Returns its length, or -ENAMETOOLONG if it does not
 * fit (BUF then holds "", when SIZE > 0).
 */
int path_base(char *buf, size_t size, const char *path);

/*
 * What follows the last '/' of PATH, PATH itself when it has none (a
 * pointer into PATH, no copy; "" when PATH ends with '/').  For names
 * made by hln (temporaries, entries) that never end with a slash.
 */
const char *path_tail(const char *path);

#endif
