/*
 * fuzz_batch.c - the --batch parser (src/batch.c) in TAB and NUL modes,
 * against a reference written from hln/batch.h's contract, and from a
 * stream (fmemopen) as from a buffer: the same pairs, bad lines, line
 * numbers and end, for every input; a NUL byte never cuts a name.
 * Input: the first byte's low bit picks NUL mode; the rest is stdin.
 */
#include "fuzz_common.h"
#include "hln/batch.h"

/* One result, as the reference or batch_next gives it. */
struct item {
	int kind; /* BATCH_PAIR, BATCH_BAD or BATCH_END */
	unsigned long lineno;
	const char *target, *name; /* PAIR: NUL-terminated */
	size_t tlen, nlen;
};

#define MAX_ITEMS 4096

/* The reference: what hln/batch.h says the input holds. */
static size_t reference(const char *in, size_t len, int nul, struct item *out,
			char *store)
{
	size_t n = 0, pos = 0;
	unsigned long line = 0;
	char *s = store;
	const char *recs[2];
	size_t rlen[2];
	int have = 0;
	while (pos < len && n < MAX_ITEMS - 1) {
		char delim = nul ? '\0' : '\n';
		const char *end = memchr(in + pos, delim, len - pos);
		size_t rl = end ? (size_t)(end - (in + pos)) : len - pos;
		const char *rec = in + pos;
		pos += rl + (end ? 1 : 0);
		if (nul) {
			recs[have] = rec, rlen[have] = rl;
			if (++have < 2)
				continue;
			have = 0;
			struct item it = {BATCH_PAIR, ++line, 0, 0, 0, 0};
			if (!rlen[0] || !rlen[1]) {
				it.kind = BATCH_BAD;
			} else {
				it.target = s, it.tlen = rlen[0];
				memcpy(s, recs[0], rlen[0]), s += rlen[0];
				*s++ = '\0';
				it.name = s, it.nlen = rlen[1];
				memcpy(s, recs[1], rlen[1]), s += rlen[1];
				*s++ = '\0';
			}
			out[n++] = it;
			continue;
		}
		line++;
		if (rl && rec[rl - 1] == '\r')
			rl--;
		if (!rl)
			continue;
		struct item it = {BATCH_BAD, line, 0, 0, 0, 0};
		const char *tab = memchr(rec, '\t', rl);
		if (!memchr(rec, '\0', rl) && tab && tab > rec &&
		    tab < rec + rl - 1) {
			it.kind = BATCH_PAIR;
			it.target = s, it.tlen = (size_t)(tab - rec);
			memcpy(s, rec, it.tlen), s += it.tlen;
			*s++ = '\0';
			it.name = s, it.nlen = rl - it.tlen - 1;
			memcpy(s, tab + 1, it.nlen), s += it.nlen;
			*s++ = '\0';
		}
		out[n++] = it;
	}
	if (nul && have == 1 && n < MAX_ITEMS - 1) {
		struct item it = {BATCH_BAD, ++line, 0, 0, 0, 0};
		out[n++] = it;
	}
	struct item end = {BATCH_END, 0, 0, 0, 0, 0};
	out[n++] = end;
	return n;
}

/* Check that B gives the N items of REF, in order. */
static void compare(struct batch *b, const struct item *ref, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct batch_pair p;
		const char *why = NULL;
		int rc = batch_next(b, &p, &why);
		CHECK(rc == ref[i].kind);
		if (rc == BATCH_END)
			break;
		CHECK(p.lineno == ref[i].lineno);
		if (rc == BATCH_BAD) {
			CHECK(why && *why);
			CHECK(!p.target && !p.name);
			continue;
		}
		CHECK(p.target && p.name);
		CHECK(strlen(p.target) == ref[i].tlen &&
		      memcmp(p.target, ref[i].target, ref[i].tlen) == 0);
		CHECK(strlen(p.name) == ref[i].nlen &&
		      memcmp(p.name, ref[i].name, ref[i].nlen) == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	int nul = data[0] & 1;
	const char *in = (const char *)data + 1;
	size_t len = size - 1;
	struct item *ref = malloc(MAX_ITEMS * sizeof *ref);
	char *store = malloc(2 * len + 2);
	CHECK(ref && store);
	size_t n = reference(in, len, nul, ref, store);
	if (n == MAX_ITEMS) {
		free(ref), free(store);
		return -1; /* more lines than the reference keeps */
	}

	struct batch b;
	batch_init_buffer(&b, in, len, nul);
	compare(&b, ref, n);
	batch_free(&b);

	/* The same bytes from a stream (as stdin is read). */
	char *copy = malloc(len ? len : 1);
	CHECK(copy);
	memcpy(copy, in, len);
	FILE *fp = len ? fmemopen(copy, len, "r") : fopen("/dev/null", "r");
	CHECK(fp);
	batch_init_stream(&b, fp, nul);
	compare(&b, ref, n);
	batch_free(&b);
	fclose(fp);
	free(copy);
	free(ref);
	free(store);
	return 0;
}
