/*
 * errno.h - the C library's, plus the one errno value hln names that the
 * Windows C runtime lacks: EDQUOT (win32/error.c maps ERROR_DISK_QUOTA_EXCEEDED
 * to it).  The number is Winsock's WSAEDQUOT, clear of the CRT's values.
 */
#include_next <errno.h>

#ifndef EDQUOT
#define EDQUOT 10069
#endif
