/*
 * fuzz_jsondoc.c - the JSON emitter's commas, colons and nesting
 * (hln/output.h): any sequence of begin/key/value/end calls that a
 * command could make gives exactly one valid JSON document, and
 * json_end_all closes whatever is open (as out_finish does on every exit
 * path).  Each input byte is one call; calls the emitter's contract
 * forbids (a value in an object without its key, a key outside an
 * object, nesting past JSON_MAX_DEPTH) are turned into allowed ones.
 * FUZZ_SHOW=1 in the environment prints each document.
 */
#include "fuzz_common.h"
#include "hln/output.h"

/* A recursive-descent validator: the value at *P, skipped. */
static void value(const char **pp, int depth);

static void string(const char **pp)
{
	const char *p = *pp;
	CHECK(*p++ == '"');
	while (*p != '"') {
		CHECK(*p && (unsigned char)*p >= 0x20);
		if (*p++ == '\\') {
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++)
					CHECK(strchr("0123456789abcdefABCDEF",
						     p[i]) &&
					      p[i]);
				p += 5;
			} else {
				CHECK(*p && strchr("\"\\/bfnrt", *p));
				p++;
			}
		}
	}
	*pp = p + 1;
}

static void value(const char **pp, int depth)
{
	const char *p = *pp;
	if (*p == '{' || *p == '[') {
		CHECK(depth <= JSON_MAX_DEPTH); /* DEPTH: containers open */
		char close = *p == '{' ? '}' : ']';
		p++;
		if (*p == close) {
			*pp = p + 1;
			return;
		}
		for (;;) {
			if (close == '}') {
				string(&p);
				CHECK(*p++ == ':');
			}
			value(&p, depth + 1);
			if (*p == ',') {
				p++;
				continue;
			}
			CHECK(*p++ == close);
			break;
		}
	} else if (*p == '"') {
		string(&p);
	} else if (*p == '-' || (*p >= '0' && *p <= '9')) {
		if (*p == '-')
			p++;
		CHECK(*p >= '0' && *p <= '9');
		CHECK(*p != '0' || !(p[1] >= '0' && p[1] <= '9'));
		while (*p >= '0' && *p <= '9')
			p++;
	} else if (strncmp(p, "true", 4) == 0) {
		p += 4;
	} else if (strncmp(p, "false", 5) == 0) {
		p += 5;
	} else {
		CHECK(!"not a JSON value");
	}
	*pp = p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	CHECK(fp);
	struct out o;
	memset(&o, 0, sizeof o);
	o.fp = fp;
	/* the document's top: an array or an object, as a command's */
	out_begin(&o, OUT_JSON,
		  size && data[0] & 1 ? OUT_DOC_OBJECT : OUT_DOC_ARRAY);
	struct json *j = &o.json;
	char kinds[JSON_MAX_DEPTH + 1]; /* 'o' or 'a' per open container */
	int depth = 1, after_key = 0;
	kinds[0] = size && data[0] & 1 ? 'o' : 'a';
	char key[8];
	for (size_t i = 1; i < size && depth > 0; i++) {
		unsigned op = data[i] % 9, arg = data[i] / 9;
		int in_object = kinds[depth - 1] == 'o';
		if ((op == 0 || op == 8) && depth == JSON_MAX_DEPTH)
			op = 6; /* the emitter aborts past it: a value instead
				 */
		/* a value in an object needs its key first */
		if (op != 1 && op != 7 && in_object && !after_key) {
			snprintf(key, sizeof key, "k%u", arg);
			json_key(j, key);
			after_key = 1;
		}
		switch (op) {
		case 0: /* begin an object or an array */
		case 8:
			if (op == 0)
				json_begin_object(j);
			else
				json_begin_array(j);
			kinds[depth++] = op == 0 ? 'o' : 'a';
			after_key = 0;
			continue;
		case 1: /* a key, in an object not waiting for a value */
			if (in_object && !after_key) {
				snprintf(key, sizeof key, "%u\"", arg);
				json_key(j, key);
				after_key = 1;
			}
			continue;
		case 2:
			json_string(j, arg & 1 ? "v\n\xff" : "");
			break;
		case 3:
			json_uint(j, (uint64_t)arg * 0x0123456789abcdefu);
			break;
		case 4:
			json_int(j, -(int64_t)arg * 1000000007);
			break;
		case 5:
			json_bool(j, arg & 1);
			break;
		case 6:
			json_uint(j, 0);
			break;
		case 7: /* end the innermost, unless a key waits */
			if (after_key)
				continue;
			if (kinds[depth - 1] == 'o')
				json_end_object(j);
			else
				json_end_array(j);
			depth--;
			continue;
		}
		after_key = 0;
	}
	/* A key left without its value: give it one, as a command would. */
	if (after_key)
		json_uint(j, 1);
	out_finish(&o);
	CHECK(fclose(fp) == 0);
	CHECK(len > 0 && buf[len - 1] == '\n');
	buf[len - 1] = '\0';
	CHECK(fuzz_utf8_valid(buf, len - 1));
	const char *p = buf;
	if (getenv("FUZZ_SHOW"))
		dprintf(fuzz_report_fd, "%s\n", buf);
	value(&p, 1);
	CHECK(*p == '\0'); /* one document, nothing after it */
	free(buf);
	return 0;
}
