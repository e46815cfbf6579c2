/*
 * wtf8.h - WTF-8 <-> UTF-16, the encoding of names on Windows.
 *
 * Paths are UTF-8 everywhere in hln and become UTF-16 only at the Win32
 * call (git compat/mingw.c, libuv fs__capture_path).  The encoding is
 * WTF-8, as Rust's std does on Windows: a name holding a lone surrogate
 * (NTFS allows any 16-bit unit) becomes the 3-byte form of that surrogate
 * and converts back to the same units, so every name read from a
 * directory can be reached again.  MultiByteToWideChar cannot do that: it
 * either rejects the name or turns it into U+FFFD, which may name another
 * file.
 *
 * Pure C on uint16_t units (wchar_t is that type with MinGW): wtf8.c is
 * also built natively, for its cmocka test (tests/unit/test_wtf8.c).
 */
#ifndef HLN_WIN32_WTF8_H
#define HLN_WIN32_WTF8_H

#include <stddef.h>
#include <stdint.h>

/* The most UTF-16 units a Windows path may hold (\\?\ paths). */
#define WTF8_MAX_UNITS 0x7FFF

/*
 * Convert the NUL-terminated WTF-8 string S to malloc'd, NUL-terminated
 * UTF-16 in *OUT, leaving PREFIX free units at its start.  With SLASHES,
 * '/' becomes '\\'.  Returns the number of units written after the
 * prefix, or -ENOMEM, -ENAMETOOLONG (more than WTF8_MAX_UNITS units),
 * -EILSEQ (not WTF-8: overlong, beyond U+10FFFF, a stray or missing
 * continuation byte, or a surrogate pair spelt as two 3-byte halves,
 * which would make a second spelling of one name).  *OUT is set only on
 * success.
 */
int wtf8_to_utf16(const char *s, size_t prefix, int slashes, uint16_t **out);

/*
 * Convert N units of UTF-16 at W to WTF-8 in BUF of SIZE bytes,
 * NUL-terminated (a surrogate pair becomes one 4-byte sequence, a lone
 * surrogate its 3-byte form).  Returns the length without the NUL; or,
 * if BUF is too small (SIZE 0 and BUF NULL included), the size it would
 * need with the NUL, negated: the caller grows it.  Never fails otherwise.
 */
long utf16_to_wtf8(const uint16_t *w, size_t n, char *buf, size_t size);

/* W (N units) as malloc'd WTF-8, or NULL when out of memory. */
char *utf16_to_wtf8_dup(const uint16_t *w, size_t n);

#endif
