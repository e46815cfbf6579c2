/*
 * fuzz_size.c - the --min-size/--max-size parser of dedupe
 * (dupes_parse_size): for every string, the same answer as a reference
 * written from hln/dupes.h's contract (decimal digits, then at most one
 * of K, M, G, T in either case, powers of 1024, or B; -EINVAL for
 * anything else, -ERANGE past 64 bits; digits past 64 bits followed by
 * what is not a suffix may get either); and every size it gives, printed
 * back in bytes, parses to itself.
 * Input: the string (up to its first NUL).
 */
#include <errno.h>
#include <inttypes.h>

#include "fuzz_common.h"
#include "hln/dupes.h"

static int reference(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	int range = 0;
	const char *p = s;
	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			range = 1;
		v = v * 10 + d;
	}
	int shift = 0;
	if (*p) {
		const char *suffixes = "BKMGT", *u = strchr("bkmgt", *p);
		const char *U = strchr(suffixes, *p);
		if (!*p || (!u && !U) || p[1])
			return range ? -EDOM : -EINVAL; /* EDOM: either */
		shift = 10 * (int)(u ? u - "bkmgt" : U - suffixes);
	}
	if (range || (shift && v > (UINT64_MAX >> shift)))
		return -ERANGE;
	*out = v << shift;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstring(data, size);
	uint64_t got = 7, want = 7;
	int rc = dupes_parse_size(s, &got);
	int ref = reference(s, &want);
	/* Too many digits and then not a suffix: either answer is right. */
	if (ref == -EDOM && (rc == -EINVAL || rc == -ERANGE))
		ref = rc;
	if (rc != ref)
		dprintf(fuzz_report_fd, "'%s': %d, the reference %d\n", s, rc,
			ref);
	CHECK(rc == ref);
	if (rc == 0) {
		CHECK(got == want);
		char back[32];
		snprintf(back, sizeof back, "%" PRIu64, got);
		uint64_t again = 0;
		CHECK(dupes_parse_size(back, &again) == 0 && again == got);
	}
	free(s);
	return 0;
}
