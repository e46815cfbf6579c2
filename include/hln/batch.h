/*
 * hln/batch.h - the input of `hln create --batch`: pairs of TARGET and
 * LINK_NAME, one a line as "TARGET<TAB>LINK_NAME" (TAB mode), or as two
 * NUL-terminated records "TARGET\0LINK_NAME\0" (NUL mode, -0).
 *
 * A pure parser: it reads bytes from a stream or a buffer and hands back
 * pairs or a bad line with its number; it opens, links and prints
 * nothing.  TAB mode: the first TAB splits a line (LINK_NAME may hold
 * more); a final CR is dropped (CRLF lines from Windows); an empty line is
 * no pair and is skipped (it still counts as a line); a line holding a NUL
 * byte is bad, never cut at the NUL; the last line may lack its LF.  NUL
 * mode: pair N is records 2N-1 and 2N, and counts as line N.  In both, an
 * empty TARGET or LINK_NAME is a bad line.
 */
#ifndef HLN_BATCH_H
#define HLN_BATCH_H

#include <stddef.h>
#include <stdio.h>

struct batch {
	FILE *fp; /* the stream read, or NULL for a buffer */
	const char *mem; /* the buffer read when fp is NULL */
	size_t memlen, mempos;
	int nul; /* 1: NUL mode */
	unsigned long lineno; /* the line (NUL mode: pair) last returned */
	char *rec, *rec2; /* the records read (target, and NUL mode's name) */
	size_t cap, cap2;
	int eof;
};

/* One pair, valid until the next batch_next or batch_free. */
struct batch_pair {
	const char *target;
	const char *name;
	unsigned long lineno; /* its line (NUL mode: pair number), from 1 */
};

/* Read pairs from FP (NUL mode when NUL is non-zero).  Takes no memory. */
void batch_init_stream(struct batch *b, FILE *fp, int nul);

/* Read pairs from the LEN bytes at DATA, which must outlive B. */
void batch_init_buffer(struct batch *b, const void *data, size_t len, int nul);

/* What batch_next found. */
enum batch_result {
	BATCH_END = 0, /* no more input */
	BATCH_PAIR = 1, /* *P holds a pair */
	BATCH_BAD = 2 /* P->lineno is a bad line, *WHY says why; skip it */
};

/*
 * The next pair of B into *P.  Returns BATCH_PAIR, BATCH_BAD (then
 * P->lineno is the bad line's number, P->target and P->name are NULL, and
 * *WHY a static sentence: "no TAB between TARGET and LINK_NAME", "empty
 * target", "empty link name", "the line holds a NUL byte, which no name
 * can hold", "TARGET without LINK_NAME" (NUL mode: input ends after an
 * odd record); reading goes on after a bad line), BATCH_END, or -errno:
 * -ENOMEM, or the stream's read error (-EBADF when it is closed, -EIO when
 * the stream does not say); after an error the rest of the input is not
 * read.
 */
int batch_next(struct batch *b, struct batch_pair *p, const char **why);

/* Free B's memory (the stream is not closed). */
void batch_free(struct batch *b);

#endif
