/*
 * console.c - standard streams and the console: writing UTF-8 to it,
 * isatty, reading an answer, and Ctrl-C / Ctrl-Break as signals.
 *
 * A console shows UTF-16 given to WriteConsoleW; bytes given to WriteFile
 * are read in its code page, UTF-8 or not.  So what hln writes to a
 * console is converted: standard output and error, which stdio writes,
 * reach the console through a pipe whose reader thread converts and calls
 * WriteConsoleW (git's compat/winansi.c does the same), and hln_write
 * writes into that pipe too, so that the progress line and the messages
 * keep their order.  To pipes and files, UTF-8 bytes go as they are.
 */
#include "../answer.h"
#include "internal.h"

struct console {
	HANDLE con; /* the console, or NULL when FD is not one */
	HANDLE thread; /* the pipe's reader */
};
static struct console consoles[3];

static HANDLE std_handle(int fd)
{
	static const DWORD which[] = {STD_INPUT_HANDLE, STD_OUTPUT_HANDLE,
				      STD_ERROR_HANDLE};
	if (fd < 0 || fd > 2)
		return INVALID_HANDLE_VALUE;
	return GetStdHandle(which[fd]);
}

/*
 * Show the N bytes at P on the console CON; unless FINAL, an unfinished
 * UTF-8 sequence at the end is kept in CARRY (*NCARRY bytes) for the next
 * call.  Bytes that are not UTF-8 show as U+FFFD.
 */
static void console_show(HANDLE con, char *carry, size_t *ncarry, const char *p,
			 size_t n, int final)
{
	char buf[4096 + 4];
	wchar_t w[4096 + 4];
	while (n > 0 || *ncarry) {
		size_t k = n < 4096 ? n : 4096;
		memcpy(buf, carry, *ncarry);
		memcpy(buf + *ncarry, p, k);
		size_t len = *ncarry + k, cut = len;
		p += k;
		n -= k;
		/* Hold back a sequence cut short, if more may follow. */
		for (size_t back = 1; back <= 3 && back <= len; back++) {
			unsigned char c = (unsigned char)buf[len - back];
			if ((c & 0xC0) == 0x80)
				continue;
			size_t need = c >= 0xF0   ? 4
				      : c >= 0xE0 ? 3
				      : c >= 0xC0 ? 2
						  : 1;
			if (need > back)
				cut = len - back;
			break;
		}
		if (n == 0 && final)
			cut = len; /* nothing more will come */
		*ncarry = len - cut;
		memcpy(carry, buf + cut, *ncarry);
		int wn = MultiByteToWideChar(CP_UTF8, 0, buf, (int)cut, w,
					     (int)(sizeof w / sizeof w[0]));
		for (int off = 0; off < wn;) {
			DWORD done;
			if (!WriteConsoleW(con, w + off, (DWORD)(wn - off),
					   &done, NULL) ||
			    done == 0)
				return;
			off += (int)done;
		}
		if (n == 0)
			break;
	}
}

static DWORD WINAPI console_reader(void *arg)
{
	HANDLE *ends = arg;
	HANDLE rd = ends[0], con = ends[1];
	free(ends);
	char buf[4096], carry[4];
	size_t ncarry = 0;
	DWORD n;
	while (ReadFile(rd, buf, sizeof buf, &n, NULL) && n > 0)
		console_show(con, carry, &ncarry, buf, n, 0);
	if (ncarry)
		console_show(con, carry, &ncarry, "", 0, 1);
	CloseHandle(rd);
	return 0;
}

/* See internal.h. */
void win_console_finish(void)
{
	fflush(stdout);
	fflush(stderr);
	for (int fd = 1; fd <= 2; fd++) {
		if (!consoles[fd].thread)
			continue;
		_close(fd);
		WaitForSingleObject(consoles[fd].thread, 5000);
		CloseHandle(consoles[fd].thread);
		consoles[fd].thread = NULL;
	}
}

/* See internal.h. */
int win_console_attach(int fd)
{
	DWORD mode;
	HANDLE con = std_handle(fd);
	if (con == INVALID_HANDLE_VALUE || !con || !GetConsoleMode(con, &mode))
		return 0;
	consoles[fd].con = con;
	/* _dup2 below closes the handle FD had: keep one of our own. */
	if (!DuplicateHandle(GetCurrentProcess(), con, GetCurrentProcess(),
			     &con, 0, FALSE, DUPLICATE_SAME_ACCESS))
		return 0; /* then WriteFile to the console, as before */
	HANDLE rd, wr;
	HANDLE *ends = malloc(2 * sizeof *ends);
	if (!ends || !CreatePipe(&rd, &wr, NULL, 0)) {
		free(ends);
		CloseHandle(con);
		return 0;
	}
	int wfd = _open_osfhandle((intptr_t)wr, _O_BINARY);
	if (wfd < 0) {
		CloseHandle(rd);
		CloseHandle(wr);
		CloseHandle(con);
		free(ends);
		return 0;
	}
	ends[0] = rd;
	ends[1] = con;
	HANDLE t = CreateThread(NULL, 0, console_reader, ends, 0, NULL);
	if (!t || _dup2(wfd, fd) != 0) {
		_close(wfd); /* the reader, if any, sees the end */
		if (t) {
			WaitForSingleObject(t, INFINITE);
			CloseHandle(t);
		} else {
			CloseHandle(rd);
			free(ends);
		}
		CloseHandle(con);
		return 0;
	}
	_close(wfd);
	consoles[fd].con = con;
	consoles[fd].thread = t;
	return 1;
}

/*
 * A console answers GetConsoleMode.  _isatty would also say yes for the
 * NUL device, and a redirection to NUL is no terminal.
 */
int hln_isatty(int fd)
{
	DWORD mode;
	if (fd >= 1 && fd <= 2 && consoles[fd].con)
		return 1;
	HANDLE h = std_handle(fd);
	return h != INVALID_HANDLE_VALUE && h && GetConsoleMode(h, &mode);
}

int hln_term_columns(int fd)
{
	CONSOLE_SCREEN_BUFFER_INFO info;
	HANDLE h = std_handle(fd);
	if (h == INVALID_HANDLE_VALUE || !h ||
	    !GetConsoleScreenBufferInfo(h, &info))
		return -ENOTTY;
	int cols = info.srWindow.Right - info.srWindow.Left + 1;
	return cols > 0 ? cols : -ENOTTY;
}

int hln_write(int fd, const void *buf, size_t len)
{
	HANDLE h = std_handle(fd);
	if (fd >= 1 && fd <= 2 && consoles[fd].thread)
		h = (HANDLE)_get_osfhandle(fd); /* the pipe: see above */
	if (h == INVALID_HANDLE_VALUE || !h)
		return -EBADF;
	DWORD mode;
	if (GetConsoleMode(h, &mode)) {
		/* A console without the pipe (it could not be made). */
		char carry[4];
		size_t ncarry = 0;
		console_show(h, carry, &ncarry, buf, len, 1);
		return 0;
	}
	const char *p = buf;
	while (len > 0) {
		DWORD chunk = len > (1u << 30) ? (1u << 30) : (DWORD)len;
		DWORD n;
		if (!WriteFile(h, p, chunk, &n, NULL))
			return win_last_error();
		if (n == 0)
			return -EIO;
		p += n;
		len -= n;
	}
	return 0;
}

/* NEXT of answer_line: a byte of the handle *CTX. */
static int answer_byte(void *ctx, char *c)
{
	DWORD r;
	if (ReadFile(*(HANDLE *)ctx, c, 1, &r, NULL))
		return r ? 1 : 0;
	DWORD e = GetLastError();
	/* The end of a pipe is the end of input. */
	return e == ERROR_BROKEN_PIPE || e == ERROR_HANDLE_EOF ? 0
							       : -win_errno(e);
}

/* CONIN$ is the console even when standard input is redirected. */
int hln_read_answer(int from_tty, char *buf, size_t size)
{
	HANDLE h =
		from_tty ? CreateFileW(L"CONIN$", GENERIC_READ | GENERIC_WRITE,
				       FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
				       OPEN_EXISTING, 0, NULL)
			 : std_handle(0);
	if (h == INVALID_HANDLE_VALUE || !h)
		return from_tty ? win_last_error() : -EBADF;
	int rc = answer_line(answer_byte, &h, 1, buf, size);
	if (from_tty)
		CloseHandle(h);
	return rc;
}

static atomic_int caught;

/*
 * Runs on a thread of its own.  Returning from a console close lets
 * Windows end the process at once; waiting here instead gives the main
 * thread the seconds Windows allows to finish or roll back and exit.
 */
static BOOL WINAPI on_ctrl(DWORD type)
{
	switch (type) {
	case CTRL_C_EVENT:
		atomic_store(&caught, 2);
		return TRUE;
	case CTRL_BREAK_EVENT:
		atomic_store(&caught, 15);
		return TRUE;
	case CTRL_CLOSE_EVENT:
	case CTRL_LOGOFF_EVENT:
	case CTRL_SHUTDOWN_EVENT:
		atomic_store(&caught, 15);
		Sleep(INFINITE);
		return TRUE;
	default:
		return FALSE;
	}
}

int hln_signals_catch(void)
{
	return SetConsoleCtrlHandler(on_ctrl, TRUE) ? 0 : win_last_error();
}

int hln_signal_pending(void) { return atomic_load(&caught); }
