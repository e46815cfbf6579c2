/*
 * string.h - the C library's, plus the BSD functions hln uses that
 * Windows lacks (libbsd's overlay provides them on POSIX).
 */
#include_next <string.h>

#ifndef HLN_COMPAT_STRING_H
#define HLN_COMPAT_STRING_H

/*
 * Copy SRC into DST of SIZE bytes, NUL-terminated, truncating.  Returns
 * strlen(SRC): truncation happened if that is >= SIZE.
 */
size_t strlcpy(char *dst, const char *src, size_t size);

/*
 * Append SRC to the string in DST of SIZE bytes, NUL-terminated,
 * truncating.  Returns the length the result would have had.
 */
size_t strlcat(char *dst, const char *src, size_t size);

#endif
