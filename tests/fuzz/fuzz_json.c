/*
 * fuzz_json.c - the JSON string writer (json_string, json_key): whatever
 * the bytes of a name, the document is valid JSON in valid UTF-8, and
 * decoding the string with surrogate escapes (Python's os.fsencode: a
 * lone \udcXX is the byte XX) gives back exactly the bytes.
 * Input: the name (up to its first NUL).
 */
#include "fuzz_common.h"
#include "hln/output.h"

static int hex4(const char *p, unsigned *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		unsigned d;
		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return 0;
		*v = *v << 4 | d;
	}
	return 1;
}

static size_t put_utf8(char *out, unsigned cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * Decode the JSON string at *P (its opening quote) into OUT, as Python's
 * json.loads then os.fsencode would; *P is left past the closing quote.
 * Every failure to be valid JSON stops the run.
 */
static size_t decode(const char **pp, char *out)
{
	const char *p = *pp;
	size_t n = 0;
	CHECK(*p == '"');
	p++;
	for (;;) {
		unsigned char c = (unsigned char)*p;
		CHECK(c != '\0'); /* unterminated */
		CHECK(c >= 0x20); /* raw control characters are not JSON */
		if (c == '"')
			break;
		if (c != '\\') {
			size_t len = fuzz_utf8_len((const unsigned char *)p,
						   strlen(p));
			CHECK(len); /* the document must be UTF-8 */
			memcpy(out + n, p, len);
			n += len, p += len;
			continue;
		}
		p++;
		const char *simple = strchr("\"\\/bfnrt", *p);
		if (*p && simple) {
			static const char to[] = "\"\\/\b\f\n\r\t";
			out[n++] = to[simple - "\"\\/bfnrt"];
			p++;
			continue;
		}
		CHECK(*p == 'u');
		unsigned v, w;
		CHECK(hex4(p + 1, &v));
		p += 5;
		if (v >= 0xd800 && v <= 0xdbff && p[0] == '\\' && p[1] == 'u' &&
		    hex4(p + 2, &w) && w >= 0xdc00 && w <= 0xdfff) {
			/* a pair: never what hln writes for a byte */
			n += put_utf8(out + n, 0x10000 + ((v - 0xd800) << 10) +
						       (w - 0xdc00));
			p += 6;
		} else if (v >= 0xdc80 && v <= 0xdcff) {
			out[n++] = (char)(v - 0xdc00); /* surrogate escape */
		} else {
			CHECK(v < 0xd800 ||
			      v > 0xdfff); /* other lone surrogate */
			n += put_utf8(out + n, v);
		}
	}
	*pp = p + 1;
	out[n] = '\0';
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *name = fuzz_cstring(data, size);
	size_t namelen = strlen(name);
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	CHECK(fp);
	struct json j;
	json_init(&j, fp);
	/* {"NAME":["NAME",7]} through json_key and json_string */
	json_begin_object(&j);
	json_key(&j, name);
	json_begin_array(&j);
	json_string(&j, name);
	json_uint(&j, 7);
	json_end_all(&j);
	CHECK(fclose(fp) == 0);

	CHECK(fuzz_utf8_valid(buf, len));
	char *back = malloc(len + 1);
	CHECK(back);
	const char *p = buf;
	CHECK(*p++ == '{');
	CHECK(decode(&p, back) == namelen && memcmp(back, name, namelen) == 0);
	CHECK(*p++ == ':');
	CHECK(*p++ == '[');
	CHECK(decode(&p, back) == namelen && memcmp(back, name, namelen) == 0);
	CHECK(strcmp(p, ",7]}") == 0);
	free(back);
	free(buf);
	free(name);
	return 0;
}
