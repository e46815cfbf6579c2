/*
 * entry_posix.c - the program's entry point on POSIX: argv is already
 * bytes.  (On Windows, win32/main.c has wmain, which re-encodes argv to UTF-8.)
 */
#include "hln.h"

int main(int argc, char **argv) { return hln_main(argc, argv); }
