/*
 * output.c - plain / NUL / JSON writers, terminal escaping, human sizes
 * and the progress line; see hln/output.h.
 */
#include <errno.h>
#include <libutil.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hln/output.h"
#include "hln/platform.h"

/*
 * Keep the errno of the first failed write on FP in *ERR: called right
 * after a write, while errno still says why (stdio keeps only the flag).
 */
static void note_error(FILE *fp, int *err)
{
	if (!*err && ferror(fp))
		*err = errno ? errno : EIO;
}

void out_init(struct out *o, FILE *fp, int fd, enum out_format format)
{
	o->fp = fp;
	o->format = format;
	o->tty = hln_isatty(fd);
	o->begun = 0;
	o->err = 0;
	json_init(&o->json, fp);
}

/*
 * The length (1..4) of the valid UTF-8 sequence at P, or 0 if the byte at
 * P does not start one (overlong forms, surrogates and values above
 * U+10FFFF are invalid).
 */
static size_t utf8_len(const unsigned char *p)
{
	unsigned c = p[0];
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		unsigned lo = c == 0xe0 ? 0xa0 : 0x80;
		unsigned hi = c == 0xed ? 0x9f : 0xbf;
		return (p[1] >= lo && p[1] <= hi && (p[2] & 0xc0) == 0x80) ? 3
									   : 0;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		unsigned lo = c == 0xf0 ? 0x90 : 0x80;
		unsigned hi = c == 0xf4 ? 0x8f : 0xbf;
		return (p[1] >= lo && p[1] <= hi && (p[2] & 0xc0) == 0x80 &&
			(p[3] & 0xc0) == 0x80)
			       ? 4
			       : 0;
	}
	return 0;
}

/* The short escape of a C0 control character, or 0. */
static char short_escape(unsigned char c)
{
	switch (c) {
	case '\n':
		return 'n';
	case '\t':
		return 't';
	case '\r':
		return 'r';
	case '\b':
		return 'b';
	case '\f':
		return 'f';
	case '\v':
		return 'v';
	case '\a':
		return 'a';
	default:
		return 0;
	}
}

/* Append the escape of byte C to DST at *N (bounded by SIZE). */
static void put_escaped(char *dst, size_t size, size_t *n, unsigned char c)
{
	char tmp[5];
	char s = short_escape(c);
	if (s)
		snprintf(tmp, sizeof tmp, "\\%c", s);
	else
		snprintf(tmp, sizeof tmp, "\\%03o", c);
	for (char *t = tmp; *t; t++, (*n)++)
		if (*n + 1 < size)
			dst[*n] = *t;
}

size_t out_escape(char *dst, size_t size, const char *src)
{
	const unsigned char *p = (const unsigned char *)src;
	size_t n = 0;
	while (*p) {
		size_t len = utf8_len(p);
		int c1 = len == 2 && p[0] == 0xc2 && p[1] < 0xa0;
		if (len == 0 || c1 || *p < 0x20 || *p == 0x7f) {
			size_t k = len ? len : 1;
			for (size_t i = 0; i < k; i++)
				put_escaped(dst, size, &n, p[i]);
			p += k;
			continue;
		}
		for (size_t i = 0; i < len; i++, n++)
			if (n + 1 < size)
				dst[n] = (char)p[i];
		p += len;
	}
	if (size)
		dst[n < size ? n : size - 1] = '\0';
	return n;
}

static int needs_escape(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p >= 0x7f)
			return 1;
	return 0;
}

void out_name(struct out *o, const char *name)
{
	if (!o->tty || !needs_escape(name)) {
		fputs(name, o->fp);
		note_error(o->fp, &o->err);
		return;
	}
	char small[1024];
	size_t need = out_escape(small, sizeof small, name);
	if (need < sizeof small) {
		fputs(small, o->fp);
		return;
	}
	/* Rare: a long name full of escapes. */
	char *big = malloc(need + 1);
	if (!big) {
		fputs(small, o->fp); /* truncated, but never raw */
		return;
	}
	out_escape(big, need + 1, name);
	fputs(big, o->fp);
	free(big);
}

void out_end(struct out *o)
{
	note_error(o->fp, &o->err); /* a printf of the record before */
	fputc(o->format == OUT_NUL ? '\0' : '\n', o->fp);
	note_error(o->fp, &o->err);
}

static void json_write_string(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	fputc('"', fp);
	while (*p) {
		size_t len = utf8_len(p);
		if (len == 0) {
			fprintf(fp, "\\udc%02x", *p);
			p++;
		} else if (*p == '"' || *p == '\\') {
			fputc('\\', fp);
			fputc(*p++, fp);
		} else if (*p < 0x20) {
			char e = short_escape(*p);
			if (e == 'n' || e == 't' || e == 'r' || e == 'b' ||
			    e == 'f')
				fprintf(fp, "\\%c", e);
			else
				fprintf(fp, "\\u%04x", *p);
			p++;
		} else {
			fwrite(p, 1, len, fp);
			p += len;
		}
	}
	fputc('"', fp);
}

/* ---- the JSON emitter ---- */

void json_init(struct json *j, FILE *fp)
{
	memset(j, 0, sizeof *j);
	j->fp = fp;
}

/* Before a value: the comma that separates it from the one before. */
static void json_value(struct json *j)
{
	note_error(j->fp, &j->err); /* what was written before */
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->depth > 0) {
		if (j->members[j->depth - 1])
			fputc(',', j->fp);
		j->members[j->depth - 1] = 1;
	}
}

static void json_begin(struct json *j, char open, char close)
{
	if (j->depth >= JSON_MAX_DEPTH)
		abort(); /* no document of hln's nests that deep */
	json_value(j);
	fputc(open, j->fp);
	j->close[j->depth] = close;
	j->members[j->depth] = 0;
	j->depth++;
}

void json_begin_object(struct json *j) { json_begin(j, '{', '}'); }

void json_begin_array(struct json *j) { json_begin(j, '[', ']'); }

static void json_end(struct json *j, char close)
{
	if (j->depth == 0)
		return;
	if (j->close[j->depth - 1] != close)
		abort(); /* an array ended as an object, or the reverse */
	j->depth--;
	j->after_key = 0;
	fputc(j->close[j->depth], j->fp);
	note_error(j->fp, &j->err);
}

void json_end_object(struct json *j) { json_end(j, '}'); }

void json_end_array(struct json *j) { json_end(j, ']'); }

void json_end_all(struct json *j)
{
	while (j->depth > 0)
		json_end(j, j->close[j->depth - 1]);
}

void json_key(struct json *j, const char *key)
{
	json_value(j);
	json_write_string(j->fp, key);
	fputc(':', j->fp);
	j->after_key = 1;
}

void json_string(struct json *j, const char *s)
{
	json_value(j);
	json_write_string(j->fp, s);
}

void json_uint(struct json *j, uint64_t v)
{
	json_value(j);
	fprintf(j->fp, "%llu", (unsigned long long)v);
}

void json_int(struct json *j, int64_t v)
{
	json_value(j);
	fprintf(j->fp, "%lld", (long long)v);
}

void json_bool(struct json *j, int v)
{
	json_value(j);
	fputs(v ? "true" : "false", j->fp);
}

void json_key_string(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_string(j, s);
}

void json_key_uint(struct json *j, const char *key, uint64_t v)
{
	json_key(j, key);
	json_uint(j, v);
}

void json_key_bool(struct json *j, const char *key, int v)
{
	json_key(j, key);
	json_bool(j, v);
}

/* ---- a command's stdout ---- */

void out_begin(struct out *o, enum out_format format, enum out_doc doc)
{
	o->format = format;
	o->begun = 1;
	json_init(&o->json, o->fp);
	if (format != OUT_JSON)
		return;
	if (doc == OUT_DOC_OBJECT)
		json_begin_object(&o->json);
	else
		json_begin_array(&o->json);
}

int out_flush(struct out *o)
{
	/* the errno a JSON write kept first: the C library may fail a write
	   before the flush and leave no errno for it (MinGW, Wine) */
	if (!o->err && o->json.err)
		o->err = o->json.err;
	errno = 0;
	if (fflush(o->fp) != 0 && !o->err)
		o->err = errno ? errno : EIO;
	note_error(o->fp, &o->err);
	return -o->err;
}

int out_finish(struct out *o)
{
	if (o->begun && o->format == OUT_JSON) {
		json_end_all(&o->json);
		fputc('\n', o->fp);
	}
	o->begun = 0;
	return out_flush(o);
}

char *out_human(char *buf, size_t size, uint64_t bytes)
{
	/* "1.5K" like du -h: at most 4 characters and the NUL */
	size_t len = size < 5 ? size : 5;
	if (bytes >
	    (uint64_t)INT64_MAX) { /* beyond humanize_number's int64_t */
		double e = (double)bytes / (double)(1ULL << 60);
		snprintf(buf, size, e < 9.95 ? "%.1fE" : "%.0fE", e);
	} else if (humanize_number(buf, len, (int64_t)bytes, "", HN_AUTOSCALE,
				   HN_B | HN_NOSPACE | HN_DECIMAL) < 0)
		snprintf(buf, size, "%llu", (unsigned long long)bytes);
	return buf;
}

/* ---- progress ---- */

int progress_wanted(int force)
{
	if (force)
		return force > 0;
	return hln_isatty(2);
}

/*
 * Draw P's line, cut to the terminal's width so that it never wraps (a
 * wrapped line would leave a stale row at every redraw): at most
 * columns - 1 characters, the last column left free as the cursor's.
 */
static void progress_draw(struct progress *p)
{
	char line[256];
	double secs = (double)(hln_now_ns() - p->start_ns) / 1e9;
	int n = snprintf(line, sizeof line,
			 "\r\033[K%llu entries, %llu directories",
			 (unsigned long long)atomic_load(&p->n->entries),
			 (unsigned long long)atomic_load(&p->n->dirs));
	if (p->n->reads && n > 0 && (size_t)n < sizeof line) {
		char read[16];
		out_human(read, sizeof read, atomic_load(&p->n->bytes));
		n += snprintf(
			line + n, sizeof line - (size_t)n,
			", %llu candidates, %s read",
			(unsigned long long)atomic_load(&p->n->candidates),
			read);
	}
	if (p->what && n > 0 && (size_t)n < sizeof line)
		n += snprintf(line + n, sizeof line - (size_t)n, ", %llu %s",
			      (unsigned long long)atomic_load(&p->n->found),
			      p->what);
	if (n > 0 && (size_t)n < sizeof line)
		n += snprintf(line + n, sizeof line - (size_t)n, ", %.1fs",
			      secs);
	if (n <= 0)
		return;
	size_t len = strlen(line);
	int cols = hln_term_columns(2);
	if (cols > 0 && len > (size_t)cols - 1 + 4) /* 4: "\r\033[K" */
		len = (size_t)cols - 1 + 4; /* the text is ASCII */
	hln_write(2, line, len);
}

static void *progress_main(void *arg)
{
	struct progress *p = arg;
	while (!atomic_load(&p->stop)) {
		/* 100 ms between updates, in steps so the end is prompt */
		for (int i = 0; i < 10 && !atomic_load(&p->stop); i++)
			hln_sleep_ms(10);
		if (!atomic_load(&p->stop))
			progress_draw(p);
	}
	return NULL;
}

int progress_begin(struct progress *p, struct walk_progress *n, int enabled,
		   const char *what)
{
	atomic_store(&p->stop, 0);
	p->n = n;
	p->what = what;
	if (!n->start_ns)
		n->start_ns = hln_now_ns();
	p->start_ns = n->start_ns;
	p->running = enabled &&
		     pthread_create(&p->thread, NULL, progress_main, p) == 0;
	return p->running;
}

void progress_end(struct progress *p)
{
	if (!p->running)
		return;
	atomic_store(&p->stop, 1);
	pthread_join(p->thread, NULL);
	p->running = 0;
	hln_write(2, "\r\033[K", 4);
}
