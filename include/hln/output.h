/*
 * hln/output.h - the writers behind every command's output: plain lines,
 * NUL-terminated records, JSON; terminal escaping of names; human sizes;
 * the progress line on stderr (hln/progress.h).
 */
#ifndef HLN_OUTPUT_H
#define HLN_OUTPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hln/progress.h" /* the progress line, drawn here too */

/* How a command prints: the one choice every command with output makes. */
enum out_format {
	OUT_PLAIN, /* lines (names escaped on a terminal) */
	OUT_NUL, /* -0: every record ends with NUL */
	OUT_JSON, /* -j: exactly one JSON document */
};

/* ---- the JSON emitter ---- */

#define JSON_MAX_DEPTH 16

/*
 * A JSON writer that tracks its own commas and nesting: the caller says
 * what comes (begin an object, a key, a value, end it) and the emitter puts
 * the commas and colons.  Compact output, no spaces.
 */
struct json {
	FILE *fp;
	int depth; /* containers open */
	char close[JSON_MAX_DEPTH]; /* '}' or ']' for each open container */
	unsigned char members[JSON_MAX_DEPTH]; /* it has a member already */
	int after_key; /* a key was written: the next value is its */
	int err; /* the errno of the first failed write, or 0 */
};

/* Set J up to write to FP, nothing open. */
void json_init(struct json *j, FILE *fp);

/*
 * Begin an object or an array: as a value (after a key, in an array, or at
 * the top).  Nesting deeper than JSON_MAX_DEPTH is a programming error
 * (abort).
 */
void json_begin_object(struct json *j);
void json_begin_array(struct json *j);

/*
 * End the innermost object or array (nothing when none is open); ending
 * an array as an object or the reverse is a programming error (abort).
 */
void json_end_object(struct json *j);
void json_end_array(struct json *j);

/* Close every container still open; nothing when none is. */
void json_end_all(struct json *j);

/* A member's key in the innermost object (escaped as json_string). */
void json_key(struct json *j, const char *key);

/*
 * Values.  json_string: S with its quotes; valid UTF-8 is copied (with the
 * escapes JSON requires); every byte that is not part of valid UTF-8 is
 * written as \udcXX (surrogate escape, reversed by Python's os.fsencode).
 */
void json_string(struct json *j, const char *s);
void json_uint(struct json *j, uint64_t v);
void json_int(struct json *j, int64_t v);
void json_bool(struct json *j, int v);

/* A key and its value in one call. */
void json_key_string(struct json *j, const char *key, const char *s);
void json_key_uint(struct json *j, const char *key, uint64_t v);
void json_key_bool(struct json *j, const char *key, int v);

/* ---- a command's stdout ---- */

/* The top of a JSON document: an array of records or one summary object. */
enum out_doc { OUT_DOC_ARRAY, OUT_DOC_OBJECT };

struct out {
	FILE *fp;
	enum out_format format;
	int tty; /* escape control characters in names */
	struct json json; /* OUT_JSON: the document */
	int begun; /* out_begin was called and out_finish not yet */
	int err; /* the errno of the first failed write, or 0 */
};

/*
 * Set O up to write FORMAT to FP, whose file descriptor is FD (used only
 * to ask whether it is a terminal).  Nothing is written.
 */
void out_init(struct out *o, FILE *fp, int fd, enum out_format format);

/*
 * The document rule (SPEC: with -j, stdout is always exactly one JSON
 * document): a command calls out_begin once its options are parsed and
 * before it touches any operand.  With OUT_JSON it writes the opening '['
 * or '{' of DOC, so whatever fails afterwards, out_finish makes the
 * document whole: main.c calls out_finish after every command, on every
 * exit path.  FORMAT replaces O's format.
 */
void out_begin(struct out *o, enum out_format format, enum out_doc doc);

/*
 * End what out_begin began: with OUT_JSON close every open container and
 * write the final newline (once; nothing when out_begin was not called).
 * Then flush O's stream.  Returns 0 when everything written to the stream
 * got there, or -errno of the first write that failed (-ENOSPC on a full
 * disk; -EIO when the stream failed and the cause is no longer known).
 */
int out_finish(struct out *o);

/*
 * Flush O's stream now (before a message on stderr that should follow
 * what was printed).  Returns 0, or -errno as out_finish; the error is
 * kept for out_finish.
 */
int out_flush(struct out *o);

/*
 * Write NAME: raw, or with control characters escaped (\n, \t, \033, ...)
 * when O is a terminal.  No terminator.
 */
void out_name(struct out *o, const char *name);

/* End a record: '\0' for OUT_NUL, '\n' otherwise. */
void out_end(struct out *o);

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

#endif
