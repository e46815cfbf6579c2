/*
 * fuzz_escape.c - the terminal escaper (out_escape, out_name on a
 * terminal): whatever the name, what reaches the terminal is valid UTF-8
 * with no C0 control, DEL or C1 control (so a crafted name can never drive
 * the terminal); the length returned is the whole escape's; a small buffer
 * gets a NUL-terminated prefix of it and nothing past its end; a name
 * without backslashes is given back by undoing the escapes.
 * Input: one byte, the size of the small buffer, then the name.
 */
#include "fuzz_common.h"
#include "hln/output.h"

/* Undo the escapes of out_escape: \n \t \r \b \f \v \a and \ooo. */
static size_t unescape(const char *e, char *out)
{
	static const char letters[] = "ntrbfva", bytes[] = "\n\t\r\b\f\v\a";
	size_t n = 0;
	while (*e) {
		if (*e != '\\') {
			out[n++] = *e++;
			continue;
		}
		const char *l = strchr(letters, e[1]);
		if (e[1] && l) {
			out[n++] = bytes[l - letters];
			e += 2;
			continue;
		}
		CHECK(e[1] >= '0' && e[1] <= '3' && e[2] >= '0' &&
		      e[2] <= '7' && e[3] >= '0' && e[3] <= '7');
		out[n++] = (char)((e[1] - '0') << 6 | (e[2] - '0') << 3 |
				  (e[3] - '0'));
		e += 4;
	}
	out[n] = '\0';
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t small = data[0];
	char *name = fuzz_cstring(data + 1, size - 1);

	size_t need = out_escape(NULL, 0, name);
	char *full = malloc(need + 1);
	CHECK(full);
	CHECK(out_escape(full, need + 1, name) == need);
	CHECK(strlen(full) == need);
	CHECK(fuzz_utf8_valid(full, need));
	for (const unsigned char *p = (const unsigned char *)full; *p; p++) {
		CHECK(*p >= 0x20 && *p != 0x7f);
		CHECK(!(p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f));
	}
	if (!strchr(name, '\\')) {
		char *back = malloc(need + 1);
		CHECK(back);
		unescape(full, back);
		CHECK(strcmp(back, name) == 0);
		free(back);
	}

	/* Truncated: a NUL-terminated prefix, nothing written past SMALL. */
	char *cut = malloc(small ? small : 1);
	CHECK(cut);
	CHECK(out_escape(small ? cut : NULL, small, name) == need);
	if (small) {
		size_t got = strlen(cut);
		CHECK(got == (need < small ? need : small - 1));
		CHECK(memcmp(cut, full, got) == 0);
	}
	free(cut);

	/* out_name: escaped on a terminal, raw elsewhere. */
	for (int tty = 0; tty <= 1; tty++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *fp = open_memstream(&buf, &len);
		CHECK(fp);
		struct out o;
		memset(&o, 0, sizeof o);
		o.fp = fp;
		o.format = OUT_PLAIN;
		o.tty = tty;
		out_name(&o, name);
		CHECK(fclose(fp) == 0);
		CHECK(strcmp(buf, tty ? full : name) == 0);
		free(buf);
	}
	free(full);
	free(name);
	return 0;
}
