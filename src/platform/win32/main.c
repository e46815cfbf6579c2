/*
 * main.c - wmain: argv from UTF-16 to UTF-8, binary standard streams, the
 * console set up, then hln_main.
 */
#include "internal.h"

int wmain(int argc, wchar_t **argv);

static UINT saved_cp;

static void restore_cp(void) { SetConsoleOutputCP(saved_cp); }

/*
 * argv arrives as UTF-16; the rest of hln speaks UTF-8 (git's
 * compat/mingw.c does the same).  Standard streams are binary, so "\n"
 * stays "\n" and a name passes through byte for byte (and "--batch -0"
 * is not cut short by a ^Z).  Output to a console goes through
 * WriteConsoleW (win_console_attach, console.c); the console's code page
 * is also UTF-8 for the run, for whatever writes to it otherwise, and
 * restored at exit.
 */
int wmain(int argc, wchar_t **argv)
{
	char **argv8 = calloc((size_t)argc + 1, sizeof *argv8);
	if (!argv8) {
		fputs("hln: out of memory\n", stderr);
		return HLN_EXIT_FAIL;
	}
	for (int i = 0; i < argc; i++) {
		if (!(argv8[i] = utf16_to_wtf8_dup(argv[i], wcslen(argv[i])))) {
			fputs("hln: out of memory\n", stderr);
			return HLN_EXIT_FAIL;
		}
	}
	_setmode(_fileno(stdin), _O_BINARY);
	_setmode(_fileno(stdout), _O_BINARY);
	_setmode(_fileno(stderr), _O_BINARY);
	if (hln_isatty(1) || hln_isatty(2)) {
		saved_cp = GetConsoleOutputCP();
		if (saved_cp != CP_UTF8 && SetConsoleOutputCP(CP_UTF8))
			atexit(restore_cp);
	}
	int piped = win_console_attach(1);
	if (win_console_attach(2))
		piped = 1;
	if (piped)
		atexit(win_console_finish);
	if (argc > 0)
		setprogname(argv8[0]);
	int status = hln_main(argc, argv8);
	for (int i = 0; i < argc; i++)
		free(argv8[i]);
	free(argv8);
	return status;
}
