/*
 * err.h - err(3) for Windows, where libbsd (POSIX only) is not.
 * Messages read "PROGNAME: text" on stderr; warn and warnc add
 * ": " and strerror of errno (or of CODE).
 */
#ifndef HLN_COMPAT_ERR_H
#define HLN_COMPAT_ERR_H

#include <stdarg.h>
#include <stdio.h> /* __MINGW_PRINTF_FORMAT: gnu_printf with ANSI stdio */

#define HLN_COMPAT_PRINTF(f, a)                                                \
	__attribute__((format(__MINGW_PRINTF_FORMAT, f, a)))

/* Print "PROGNAME: FMT...: strerror(errno)". */
void warn(const char *fmt, ...) HLN_COMPAT_PRINTF(1, 2);

/* Print "PROGNAME: FMT...". */
void warnx(const char *fmt, ...) HLN_COMPAT_PRINTF(1, 2);

/* Print "PROGNAME: FMT...: strerror(CODE)". */
void warnc(int code, const char *fmt, ...) HLN_COMPAT_PRINTF(2, 3);

/* Print "PROGNAME: FMT..." with the arguments of AP. */
void vwarnx(const char *fmt, va_list ap) HLN_COMPAT_PRINTF(1, 0);

/* As warn, then exit with EVAL. */
_Noreturn void err(int eval, const char *fmt, ...) HLN_COMPAT_PRINTF(2, 3);

/* As warnx, then exit with EVAL. */
_Noreturn void errx(int eval, const char *fmt, ...) HLN_COMPAT_PRINTF(2, 3);

#endif
