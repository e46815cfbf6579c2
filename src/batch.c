/*
 * batch.c - the parser of `hln create --batch`; see hln/batch.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hln/batch.h"

void batch_init_stream(struct batch *b, FILE *fp, int nul)
{
	memset(b, 0, sizeof *b);
	b->fp = fp;
	b->nul = nul;
}

void batch_init_buffer(struct batch *b, const void *data, size_t len, int nul)
{
	memset(b, 0, sizeof *b);
	b->mem = data;
	b->memlen = len;
	b->nul = nul;
}

void batch_free(struct batch *b)
{
	free(b->rec);
	free(b->rec2);
	b->rec = b->rec2 = NULL;
	b->cap = b->cap2 = 0;
}

/* The next byte of input, or EOF (then b->eof, or the stream's error). */
static int next_byte(struct batch *b)
{
	if (!b->fp) {
		if (b->mempos < b->memlen)
			return (unsigned char)b->mem[b->mempos++];
		b->eof = 1;
		return EOF;
	}
	int c = getc(b->fp);
	if (c == EOF)
		b->eof = 1;
	return c;
}

/* The stream's error, as -errno, or 0. */
static int read_error(const struct batch *b)
{
	if (!b->fp || !ferror(b->fp))
		return 0;
	return errno > 0 ? -errno : -EIO;
}

/*
 * Read one record ending with DELIM (or at the end of input) into *BUF,
 * NUL-terminated, its length into *LEN.  Returns 1 with a record, 0 at the
 * end of input (nothing read), or -errno.
 */
static int read_record(struct batch *b, int delim, char **buf, size_t *cap,
		       size_t *len)
{
	size_t n = 0;
	int c = EOF;
	errno = 0;
	while (!b->eof && (c = next_byte(b)) != EOF && c != delim) {
		if (n + 1 >= *cap) {
			size_t ncap = *cap ? *cap * 2 : 256;
			char *nb = realloc(*buf, ncap);
			if (!nb)
				return -ENOMEM;
			*buf = nb;
			*cap = ncap;
		}
		(*buf)[n++] = (char)c;
	}
	int rc = read_error(b);
	if (rc < 0)
		return rc;
	if (c == EOF && n == 0)
		return 0;
	if (!*buf) {
		if (!(*buf = malloc(256)))
			return -ENOMEM;
		*cap = 256;
	}
	(*buf)[n] = '\0';
	*len = n;
	return 1;
}

/* Check the pair's names: BATCH_PAIR, or BATCH_BAD with *WHY. */
static int check_pair(struct batch_pair *p, const char *target,
		      const char *name, const char **why)
{
	if (!*target || !*name) {
		*why = *target ? "empty link name" : "empty target";
		return BATCH_BAD;
	}
	p->target = target;
	p->name = name;
	return BATCH_PAIR;
}

static int next_nul(struct batch *b, struct batch_pair *p, const char **why)
{
	size_t len;
	int rc = read_record(b, '\0', &b->rec, &b->cap, &len);
	if (rc <= 0)
		return rc;
	p->lineno = ++b->lineno;
	rc = read_record(b, '\0', &b->rec2, &b->cap2, &len);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		*why = "TARGET without LINK_NAME";
		return BATCH_BAD;
	}
	return check_pair(p, b->rec, b->rec2, why);
}

static int next_tab(struct batch *b, struct batch_pair *p, const char **why)
{
	for (;;) {
		size_t len;
		int rc = read_record(b, '\n', &b->rec, &b->cap, &len);
		if (rc <= 0)
			return rc;
		p->lineno = ++b->lineno;
		/* CRLF lines (from Windows): the CR is not part of the name */
		if (len > 0 && b->rec[len - 1] == '\r')
			b->rec[--len] = '\0';
		if (len == 0)
			continue; /* an empty line is no pair: nothing to do */
		/* A NUL would cut a name short: the line is not what it says.
		 */
		if (memchr(b->rec, '\0', len)) {
			*why = "the line holds a NUL byte, which no name can "
			       "hold";
			return BATCH_BAD;
		}
		char *tab = memchr(b->rec, '\t', len);
		if (!tab) {
			*why = "no TAB between TARGET and LINK_NAME";
			return BATCH_BAD;
		}
		*tab = '\0';
		return check_pair(p, b->rec, tab + 1, why);
	}
}

int batch_next(struct batch *b, struct batch_pair *p, const char **why)
{
	p->target = p->name = NULL;
	*why = NULL;
	return b->nul ? next_nul(b, p, why) : next_tab(b, p, why);
}
