/*
 * stdlib.h - the C library's, plus the BSD functions hln uses that
 * Windows lacks (libbsd's overlay provides them on POSIX).
 */
#include_next <stdlib.h>

#ifndef HLN_COMPAT_STDLIB_H
#define HLN_COMPAT_STDLIB_H

/*
 * The number in NUMSTR (base 10, all of it) if it lies in
 * [MINVAL, MAXVAL]; else 0, with *ERRSTR set to "invalid", "too small" or
 * "too large" and errno to EINVAL or ERANGE.  *ERRSTR is NULL on success.
 */
long long strtonum(const char *numstr, long long minval, long long maxval,
		   const char **errstr);

/* realloc of NMEMB * SIZE bytes, or NULL with errno ENOMEM on overflow. */
void *reallocarray(void *ptr, size_t nmemb, size_t size);

/* Remember the program's name: the last component of NAME, without .exe. */
void setprogname(const char *name);

/* The name setprogname kept, else that of the running executable. */
const char *getprogname(void);

#endif
