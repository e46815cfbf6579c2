/*
 * hln/output.h - the writers behind every command's output: plain lines,
 * NUL-terminated records, JSON; terminal escaping of names; human sizes;
 * the progress line on stderr.
 */
#ifndef HLN_OUTPUT_H
#define HLN_OUTPUT_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <pthread.h>

enum out_format { OUT_PLAIN, OUT_NUL, OUT_JSON };

struct out {
	FILE *fp;
	enum out_format format;
	int tty; /* escape control characters in names */
};

/*
 * Set O up to write FORMAT to FP, whose file descriptor is FD (used only
 * to ask whether it is a terminal).
 */
void out_init(struct out *o, FILE *fp, int fd, enum out_format format);

/*
 * Write NAME: raw, or with control characters escaped (\n, \t, \033, ...)
 * when O is a terminal.  No terminator.
 */
void out_name(struct out *o, const char *name);

/* End a record: '\0' for OUT_NUL, '\n' otherwise. */
void out_end(struct out *o);

/*
 * Write S as a JSON string with its quotes.  Valid UTF-8 is copied (with
 * the escapes JSON requires); every byte that is not part of valid UTF-8
 * is written as \udcXX (surrogate escape, reversed by Python's
 * os.fsencode).
 */
void out_json_string(FILE *fp, const char *s);

/*
 * Escape SRC for a terminal into DST of SIZE bytes (NUL-terminated,
 * truncated if needed): C0 controls and DEL as \n \t \r \b \f \v \a or
 * octal \033; C1 controls (U+0080..U+009F) and bytes that are not valid
 * UTF-8 as octal bytes (\302\233, \377).  Returns the length DST would
 * need, without the NUL, as snprintf.
 */
size_t out_escape(char *dst, size_t size, const char *src);

/*
 * Format BYTES for a person ("0B", "512B", "1.5K", "23M") with libbsd's
 * humanize_number into BUF.  Returns BUF.
 */
char *out_human(char *buf, size_t size, uint64_t bytes);

/* The progress line of a long scan. */
struct progress {
	atomic_uint_fast64_t entries, dirs, found;
	const char *what; /* the word for "found": "links", "groups", ... */
	uint64_t start_ns;
	int enabled;
	atomic_int stop;
	pthread_t thread;
	int running;
};

/* Whether to show progress: FORCE > 0 yes, < 0 no, 0 if stderr is a tty. */
int progress_wanted(int force);

/*
 * Start showing P (when ENABLED) on stderr, at most 10 times a second,
 * until progress_end.  WHAT names the "found" counter, or NULL to omit it.
 */
void progress_begin(struct progress *p, int enabled, const char *what);

/* Stop the display and erase the line. */
void progress_end(struct progress *p);

/* One more found, from any thread; P may be NULL or not shown. */
static inline void progress_found(struct progress *p)
{
	if (p && p->running)
		atomic_fetch_add_explicit(&p->found, 1, memory_order_relaxed);
}

#endif
