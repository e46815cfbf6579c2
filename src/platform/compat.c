/*
 * compat.c - the few BSD functions hln's portable code calls that Windows
 * lacks (libbsd is POSIX only), with libbsd's behaviour and nothing more:
 * err(3), humanize_number(3), strtonum, reallocarray, strlcpy, strlcat,
 * setprogname/getprogname.  The headers are in compat/.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <locale.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WIN32_LEAN_AND_MEAN
#include <windows.h>

#include "err.h"
#include "fnmatch.h"
#include "libutil.h"

/* ---- program name ---- */

static char progname[64];

/*
 * BSD keeps what follows the last '/'; on Windows a '\\' ends a directory
 * too, and ".exe" goes, so that messages read "hln: ..." on every system.
 */
void setprogname(const char *name)
{
	const char *base = name;
	for (const char *p = name; *p; p++)
		if (*p == '/' || *p == '\\' || *p == ':')
			base = p + 1;
	size_t n = strlen(base);
	if (n > 4 && _stricmp(base + n - 4, ".exe") == 0)
		n -= 4;
	if (n >= sizeof progname)
		n = sizeof progname - 1;
	memcpy(progname, base, n);
	progname[n] = '\0';
}

const char *getprogname(void)
{
	if (!progname[0]) {
		char path[MAX_PATH];
		DWORD n = GetModuleFileNameA(NULL, path, sizeof path);
		setprogname(n > 0 && n < sizeof path ? path : "hln");
	}
	return progname;
}

/* ---- err(3) ---- */

/* "PROGNAME: FMT...[: strerror(CODE)]\n", in one write where stdio can. */
static void vmsg(int with_code, int code, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", getprogname());
	if (fmt)
		vfprintf(stderr, fmt, ap);
	if (with_code)
		fprintf(stderr, "%s%s", fmt ? ": " : "", strerror(code));
	fputc('\n', stderr);
	fflush(stderr);
}

void warn(const char *fmt, ...)
{
	int code = errno;
	va_list ap;
	va_start(ap, fmt);
	vmsg(1, code, fmt, ap);
	va_end(ap);
}

void warnx(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(0, 0, fmt, ap);
	va_end(ap);
}

void warnc(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(1, code, fmt, ap);
	va_end(ap);
}

void vwarnx(const char *fmt, va_list ap) { vmsg(0, 0, fmt, ap); }

void err(int eval, const char *fmt, ...)
{
	int code = errno;
	va_list ap;
	va_start(ap, fmt);
	vmsg(1, code, fmt, ap);
	va_end(ap);
	exit(eval);
}

void errx(int eval, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(0, 0, fmt, ap);
	va_end(ap);
	exit(eval);
}

/* ---- humanize_number(3) ---- */

/*
 * FreeBSD's algorithm, which libbsd ships: divide while the number does
 * not fit in LEN, keeping the remainder so that the rounding at the end
 * is exact; one decimal for a value under 9.5 with HN_DECIMAL.
 */
int humanize_number(char *buf, size_t len, int64_t quotient, const char *suffix,
		    int scale, int flags)
{
	static const int maxscale = 6;
	const char *prefixes, *sep;
	int i, r, remainder = 0, s1, s2, sign, divisordeccut;
	int64_t divisor, max;
	size_t baselen;

	if (len > 0 && buf)
		buf[0] = '\0';
	if (!buf || !suffix || scale < 0)
		return -1;
	if (scale > maxscale && (scale & ~(HN_AUTOSCALE | HN_GETSCALE)) != 0)
		return -1;
	if ((flags & HN_DIVISOR_1000) && (flags & HN_IEC_PREFIXES))
		return -1;

	/* Each prefix takes 3 bytes: up to 2 characters and a NUL. */
	if (flags & HN_IEC_PREFIXES) {
		baselen = 2;
		divisor = 1024;
		divisordeccut = 973; /* ceil(.95 * 1024) */
		prefixes = (flags & HN_B) ? "B\0\0Ki\0Mi\0Gi\0Ti\0Pi\0Ei"
					  : "\0\0\0Ki\0Mi\0Gi\0Ti\0Pi\0Ei";
	} else if (flags & HN_DIVISOR_1000) {
		baselen = 1;
		divisor = 1000;
		divisordeccut = 950;
		prefixes = (flags & HN_B) ? "B\0\0k\0\0M\0\0G\0\0T\0\0P\0\0E"
					  : "\0\0\0k\0\0M\0\0G\0\0T\0\0P\0\0E";
	} else {
		baselen = 1;
		divisor = 1024;
		divisordeccut = 973;
		prefixes = (flags & HN_B) ? "B\0\0K\0\0M\0\0G\0\0T\0\0P\0\0E"
					  : "\0\0\0K\0\0M\0\0G\0\0T\0\0P\0\0E";
	}

	if (quotient < 0) {
		sign = -1;
		quotient = -quotient;
		baselen += 2; /* sign, digit */
	} else {
		sign = 1;
		baselen += 1; /* digit */
	}
	if (flags & HN_NOSPACE) {
		sep = "";
	} else {
		sep = " ";
		baselen++;
	}
	baselen += strlen(suffix);
	if (len < baselen + 1)
		return -1;

	if (scale & (HN_AUTOSCALE | HN_GETSCALE)) {
		/* The columns left for digits bound the value. */
		max = 1;
		for (size_t k = len - baselen; k-- > 0;)
			max *= 10;
		/* Divide once more if rounding up would overflow them. */
		for (i = 0; (quotient >= max || (quotient == max - 1 &&
						 (remainder >= divisordeccut ||
						  remainder >= divisor / 2))) &&
			    i < maxscale;
		     i++) {
			remainder = (int)(quotient % divisor);
			quotient /= divisor;
		}
		if (scale & HN_GETSCALE)
			return i;
	} else {
		for (i = 0; i < scale && i < maxscale; i++) {
			remainder = (int)(quotient % divisor);
			quotient /= divisor;
		}
	}

	if (((quotient == 9 && remainder < divisordeccut) || quotient < 9) &&
	    i > 0 && (flags & HN_DECIMAL)) {
		s1 = (int)quotient +
		     (int)((remainder * 10 + divisor / 2) / divisor / 10);
		s2 = (int)((remainder * 10 + divisor / 2) / divisor) % 10;
		r = snprintf(buf, len, "%d%s%d%s%s%s", sign * s1,
			     localeconv()->decimal_point, s2, sep,
			     &prefixes[i * 3], suffix);
	} else {
		r = snprintf(
			buf, len, "%" PRId64 "%s%s%s",
			sign * (quotient + (remainder + divisor / 2) / divisor),
			sep, &prefixes[i * 3], suffix);
	}
	return r;
}

/* ---- stdlib, string ---- */

long long strtonum(const char *numstr, long long minval, long long maxval,
		   const char **errstr)
{
	static const struct {
		const char *str;
		int err;
	} ev[] = {{NULL, 0},
		  {"invalid", EINVAL},
		  {"too small", ERANGE},
		  {"too large", ERANGE}};
	long long ll = 0;
	int error = 0;
	char *ep;
	int saved = errno;

	errno = 0;
	if (minval > maxval) {
		error = 1;
	} else {
		ll = strtoll(numstr, &ep, 10);
		if (numstr == ep || *ep != '\0')
			error = 1;
		else if ((ll == LLONG_MIN && errno == ERANGE) || ll < minval)
			error = 2;
		else if ((ll == LLONG_MAX && errno == ERANGE) || ll > maxval)
			error = 3;
	}
	if (errstr)
		*errstr = ev[error].str;
	errno = error ? ev[error].err : saved;
	return error ? 0 : ll;
}

void *reallocarray(void *ptr, size_t nmemb, size_t size)
{
	if (size && nmemb > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(ptr, nmemb * size);
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);
	if (size) {
		size_t k = n < size ? n : size - 1;
		memcpy(dst, src, k);
		dst[k] = '\0';
	}
	return n;
}

size_t strlcat(char *dst, const char *src, size_t size)
{
	size_t d = strnlen(dst, size);
	if (d == size)
		return size + strlen(src);
	return d + strlcpy(dst + d, src, size - d);
}

/* ---- expand_number (libutil) ---- */

int expand_number(const char *buf, uint64_t *num)
{
	uint64_t v = 0;
	const char *p = buf;
	if (*p < '0' || *p > '9') {
		errno = EINVAL;
		return -1;
	}
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10) {
			errno = ERANGE;
			return -1;
		}
		v = v * 10 + d;
	}
	static const char units[] = "bkmgtpe";
	unsigned shift = 0;
	if (*p) {
		const char *u = strchr(units, *p | 0x20);
		if (!u || p[1]) {
			errno = EINVAL;
			return -1;
		}
		shift = 10 * (unsigned)(u - units);
	}
	if (shift && v > (UINT64_MAX >> shift)) {
		errno = ERANGE;
		return -1;
	}
	*num = v << shift;
	return 0;
}

/* ---- fnmatch ---- */

/* Whether C is in the bracket expression at *P; *P moves past it. */
static int bracket(const char **pp, unsigned char c, int flags)
{
	const char *p = *pp;
	int neg = *p == '!' || *p == '^', ok = 0;
	if (neg)
		p++;
	for (int first = 1; *p && (first || *p != ']'); first = 0) {
		unsigned char lo = (unsigned char)*p++, hi = lo;
		if (lo == '\\' && !(flags & FNM_NOESCAPE) && *p)
			lo = hi = (unsigned char)*p++;
		if (*p == '-' && p[1] && p[1] != ']') {
			hi = (unsigned char)p[1];
			p += 2;
		}
		if (c >= lo && c <= hi)
			ok = 1;
	}
	if (*p != ']')
		return -1; /* no closing ']': a plain '[' */
	*pp = p + 1;
	return ok != neg;
}

int fnmatch(const char *pattern, const char *string, int flags)
{
	const char *p = pattern, *s = string;
	const char *star = NULL, *retry = NULL;
	while (*s) {
		if (*p == '*') {
			while (*p == '*')
				p++;
			star = p;
			retry = s;
			continue;
		}
		if (*p == '?') {
			p++, s++;
			continue;
		}
		if (*p == '[') {
			const char *q = p + 1;
			int m = bracket(&q, (unsigned char)*s, flags);
			if (m == 1) {
				p = q, s++;
				continue;
			}
			if (m < 0 && *s == '[') {
				p++, s++;
				continue;
			}
		} else {
			const char *q = p;
			if (*q == '\\' && !(flags & FNM_NOESCAPE) && q[1])
				q++;
			if (*q && *q == *s) {
				p = q + 1, s++;
				continue;
			}
		}
		if (!star)
			return FNM_NOMATCH;
		p = star;
		s = ++retry;
	}
	while (*p == '*')
		p++;
	return *p ? FNM_NOMATCH : 0;
}
