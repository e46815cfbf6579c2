/*
 * libutil.h - humanize_number(3) for Windows, where libbsd (POSIX only)
 * is not; the flags and the output are libbsd's.
 */
#ifndef HLN_COMPAT_LIBUTIL_H
#define HLN_COMPAT_LIBUTIL_H

#include <stddef.h>
#include <stdint.h>

/* Values of FLAGS. */
#define HN_DECIMAL 0x01 /* one decimal under 10: "1.5K" */
#define HN_NOSPACE 0x02 /* no space before the prefix */
#define HN_B 0x04 /* "B" for bytes when there is no prefix */
#define HN_DIVISOR_1000 0x08 /* powers of 1000 and SI prefixes */
#define HN_IEC_PREFIXES 0x10 /* Ki, Mi, Gi... */

/* Values of SCALE besides a fixed power. */
#define HN_GETSCALE 0x10 /* return the scale AUTOSCALE would pick */
#define HN_AUTOSCALE 0x20 /* the largest prefix that fits in LEN */

/*
 * Format NUMBER with a unit prefix and SUFFIX into BUF of LEN bytes
 * (NUL-terminated).  Returns the length written, the scale for
 * HN_GETSCALE, or -1 if the arguments are bad or LEN is too small.
 */
int humanize_number(char *buf, size_t len, int64_t number, const char *suffix,
		    int scale, int flags);

/*
 * The number in BUF, digits with at most one suffix B, K, M, G, T, P or E
 * (either case; powers of 1024), into *NUM.  Returns 0, or -1 with errno
 * EINVAL (not such a number) or ERANGE (too large).
 */
int expand_number(const char *buf, uint64_t *num);

#endif
