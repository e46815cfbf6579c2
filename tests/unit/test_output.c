/*
 * test_output.c - terminal escaping, JSON strings, human sizes, names,
 * record ends and the progress line.
 */
#include "unit.h"

#include <time.h>

#include "hln/output.h"

struct conv {
	const char *in;
	const char *want;
};

/* ---- out_escape ---- */

static const struct conv escapes[] = {
	{"plain name.txt", "plain name.txt"},
	{"", ""},
	{"a\nb", "a\\nb"},
	{"\t", "\\t"},
	{"\r\b\f\v\a", "\\r\\b\\f\\v\\a"},
	{"\001x\037", "\\001x\\037"},
	{"\033[31mred", "\\033[31mred"},
	{"del\177", "del\\177"},
	/* C1 controls: U+0080 and U+009B (CSI) */
	{"\302\200", "\\302\\200"},
	{"x\302\233y", "x\\302\\233y"},
	/* U+00A0 is the first character after the C1 block */
	{"\302\240", "\302\240"},
	{"\377", "\\377"},
	{"a\200b", "a\\200b"},
	/* a sequence cut short, at the end and before an ASCII byte */
	{"\303", "\\303"},
	{"\342\202x", "\\342\\202x"},
	/* overlong '/' and a UTF-16 surrogate (U+D800) */
	{"\300\257", "\\300\\257"},
	{"\355\240\200", "\\355\\240\\200"},
	/* valid UTF-8 passes: é, €, an emoji */
	{"caf\303\251", "caf\303\251"},
	{"\342\202\254", "\342\202\254"},
	{"\360\237\230\200", "\360\237\230\200"},
};

static void test_escape(void **state)
{
	(void)state;
	for (size_t i = 0; i < UNIT_ARRAY_LEN(escapes); i++) {
		char buf[256];
		memset(buf, 'Z', sizeof buf);
		size_t n = out_escape(buf, sizeof buf, escapes[i].in);
		assert_string_equal(buf, escapes[i].want);
		assert_int_equal(n, strlen(escapes[i].want));
	}
}

/* Truncated as snprintf: NUL-terminated, returns the length needed. */
static void test_escape_truncates(void **state)
{
	(void)state;
	static const struct {
		size_t size;
		const char *want;
	} cases[] = {
		{1, ""},         {3, "a\\"},       {5, "a\\nb"},
		{8, "a\\nbcde"}, {9, "a\\nbcdef"},
	};
	const char *src = "a\nbcdef"; /* escapes to 8 characters */
	for (size_t i = 0; i < UNIT_ARRAY_LEN(cases); i++) {
		char buf[16];
		memset(buf, 'Z', sizeof buf);
		assert_int_equal(out_escape(buf, cases[i].size, src), 8);
		assert_string_equal(buf, cases[i].want);
		assert_int_equal(buf[cases[i].size], 'Z');
	}
	/* size 0: nothing written, the length still returned */
	char z = 'Z';
	assert_int_equal(out_escape(&z, 0, src), 8);
	assert_int_equal(z, 'Z');
}

/* ---- the JSON emitter ---- */

/* What json_string writes for S, in malloc'd memory. */
static char *json_of(const char *s)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	assert_non_null(fp);
	struct json j;
	json_init(&j, fp);
	json_string(&j, s);
	assert_int_equal(fclose(fp), 0);
	return text;
}

static const struct conv jsons[] = {
	{"", "\"\""},
	{"plain", "\"plain\""},
	{"a\"b\\c/d", "\"a\\\"b\\\\c/d\""},
	{"\n\t\r\b\f", "\"\\n\\t\\r\\b\\f\""},
	{"\001\v\033\037", "\"\\u0001\\u000b\\u001b\\u001f\""},
	/* DEL and C1 controls are valid in JSON strings */
	{"\177\302\233", "\"\177\302\233\""},
	{"caf\303\251 \360\237\230\200", "\"caf\303\251 \360\237\230\200\""},
	{"\377", "\"\\udcff\""},
	{"a\200b", "\"a\\udc80b\""},
	{"\303", "\"\\udcc3\""},
	/* overlong forms: every byte escaped on its own */
	{"\300\257", "\"\\udcc0\\udcaf\""},
	{"\340\200\257", "\"\\udce0\\udc80\\udcaf\""},
	{"\360\200\200\257", "\"\\udcf0\\udc80\\udc80\\udcaf\""},
	/* a surrogate, and a value above U+10FFFF */
	{"\355\240\200", "\"\\udced\\udca0\\udc80\""},
	{"\364\220\200\200", "\"\\udcf4\\udc90\\udc80\\udc80\""},
	/* a valid sequence right after an invalid byte survives */
	{"\377\303\251", "\"\\udcff\303\251\""},
};

static void test_json_string(void **state)
{
	(void)state;
	for (size_t i = 0; i < UNIT_ARRAY_LEN(jsons); i++) {
		char *got = json_of(jsons[i].in);
		assert_string_equal(got, jsons[i].want);
		free(got);
	}
}

/* A memory stream and the text written to it. */
struct mem {
	char *text;
	size_t len;
	FILE *fp;
};

static void mem_open(struct mem *m)
{
	m->text = NULL;
	m->len = 0;
	m->fp = open_memstream(&m->text, &m->len);
	assert_non_null(m->fp);
}

/* Close M, compare its text with WANT, free it. */
static void mem_check(struct mem *m, const char *want)
{
	assert_int_equal(fclose(m->fp), 0);
	assert_string_equal(m->text, want);
	free(m->text);
}

/* Commas and colons come from the emitter, at every depth. */
static void test_json_nesting(void **state)
{
	(void)state;
	struct mem m;
	mem_open(&m);
	struct json j;
	json_init(&j, m.fp);
	json_begin_array(&j);
	for (int i = 0; i < 2; i++) {
		json_begin_object(&j);
		json_key_string(&j, "file", i ? "b" : "a\377");
		json_key_uint(&j, "nlink", 18446744073709551615ULL);
		json_key(&j, "names");
		json_begin_array(&j);
		json_string(&j, "x");
		json_string(&j, "y");
		json_end_array(&j);
		json_key(&j, "empty");
		json_begin_object(&j);
		json_end_object(&j);
		json_key_bool(&j, "complete", i);
		json_key(&j, "d");
		json_int(&j, -5);
		json_end_object(&j);
	}
	json_begin_array(&j);
	json_end_array(&j);
	json_uint(&j, 0);
	json_end_array(&j);
	assert_int_equal(j.depth, 0);
	mem_check(&m, "[{\"file\":\"a\\udcff\",\"nlink\":18446744073709551615,"
		      "\"names\":[\"x\",\"y\"],\"empty\":{},\"complete\":false,"
		      "\"d\":-5},"
		      "{\"file\":\"b\",\"nlink\":18446744073709551615,"
		      "\"names\":[\"x\",\"y\"],\"empty\":{},\"complete\":true,"
		      "\"d\":-5},[],0]");
}

/* json_end_all closes whatever is open, innermost first. */
static void test_json_end_all(void **state)
{
	(void)state;
	struct mem m;
	mem_open(&m);
	struct json j;
	json_init(&j, m.fp);
	json_begin_object(&j);
	json_key(&j, "a");
	json_begin_array(&j);
	json_begin_object(&j);
	json_key_uint(&j, "n", 1);
	json_end_all(&j);
	json_end_all(&j); /* nothing more */
	json_end_array(&j); /* nothing open: nothing written */
	mem_check(&m, "{\"a\":[{\"n\":1}]}");
}

/*
 * The document rule: out_begin opens it before any operand, out_finish
 * closes it whatever was written, once; a document nothing was put in is
 * an empty array or object, never nothing.
 */
static void test_out_document(void **state)
{
	(void)state;
	static const struct {
		enum out_format format;
		enum out_doc doc;
		int records;
		const char *want;
	} cases[] = {
		{OUT_JSON, OUT_DOC_ARRAY, 0, "[]\n"},
		{OUT_JSON, OUT_DOC_OBJECT, 0, "{}\n"},
		{OUT_JSON, OUT_DOC_ARRAY, 2, "[{\"k\":0},{\"k\":1}]\n"},
		{OUT_PLAIN, OUT_DOC_ARRAY, 0, ""},
		{OUT_NUL, OUT_DOC_OBJECT, 0, ""},
	};
	for (size_t i = 0; i < UNIT_ARRAY_LEN(cases); i++) {
		struct mem m;
		mem_open(&m);
		struct out o;
		out_init(&o, m.fp, -1, OUT_PLAIN);
		out_begin(&o, cases[i].format, cases[i].doc);
		for (int r = 0; r < cases[i].records; r++) {
			json_begin_object(&o.json);
			json_key_uint(&o.json, "k", (uint64_t)r);
			if (r + 1 < cases[i].records) /* the last left open: */
				json_end_object(
					&o.json); /* out_finish closes it */
		}
		out_finish(&o);
		out_finish(&o); /* once */
		mem_check(&m, cases[i].want);
	}
	/* never begun: out_finish writes nothing */
	struct mem m;
	mem_open(&m);
	struct out o;
	out_init(&o, m.fp, -1, OUT_JSON);
	out_finish(&o);
	mem_check(&m, "");
}

/*
 * A write error is kept with its errno: for a record that stdio had to
 * write before the end (the first failure, not EIO later) and for one
 * only flushed at the end.
 */
static void test_out_write_error(void **state)
{
	(void)state;
	for (int big = 0; big < 2; big++) {
		FILE *fp = fopen("/dev/full", "w");
		if (!fp)
			skip();
		struct out o;
		out_init(&o, fp, fileno(fp), OUT_PLAIN);
		out_begin(&o, OUT_JSON, OUT_DOC_ARRAY);
		for (int i = 0; i < (big ? 5000 : 1); i++) {
			json_begin_object(&o.json);
			json_key_string(&o.json, "name", "some name");
			json_end_object(&o.json);
		}
		errno = 0;
		assert_int_equal(out_finish(&o), -ENOSPC);
		assert_int_equal(out_flush(&o), -ENOSPC); /* kept */
		fclose(fp);
	}
}

/* ---- out_human ---- */

static void test_human(void **state)
{
	(void)state;
	/* what libbsd's humanize_number gives, as du -h */
	static const struct {
		uint64_t bytes;
		const char *want;
	} sizes[] = {
		{0, "0B"},
		{1, "1B"},
		{512, "512B"},
		{999, "999B"},
		{1023, "1.0K"},
		{1024, "1.0K"},
		{1536, "1.5K"},
		{10 * 1024, "10K"},
		{100 * 1024, "100K"},
		{1024 * 1024, "1.0M"},
		{1536ull * 1024 * 1024, "1.5G"},
		{1ull << 40, "1.0T"},
		{1ull << 60, "1.0E"},
	};
	for (size_t i = 0; i < UNIT_ARRAY_LEN(sizes); i++) {
		char buf[16];
		assert_ptr_equal(out_human(buf, sizeof buf, sizes[i].bytes),
				 buf);
		assert_string_equal(buf, sizes[i].want);
	}
}

/* Sizes above INT64_MAX are sizes too, not negative numbers. */
static void test_human_huge(void **state)
{
	(void)state;
	char buf[16];
	static const struct {
		uint64_t bytes;
		const char *want;
	} sizes[] = {
		{(uint64_t)INT64_MAX, "8.0E"},
		{(uint64_t)INT64_MAX + 1, "8.0E"},
		{UINT64_MAX, "16E"},
	};
	for (size_t i = 0; i < UNIT_ARRAY_LEN(sizes); i++) {
		out_human(buf, sizeof buf, sizes[i].bytes);
		assert_string_equal(buf, sizes[i].want);
	}
}

/* ---- out_name, out_end, out_init ---- */

/* What out_name writes for NAME with TTY, then out_end, in malloc'd memory. */
static char *name_of(const char *name, int tty, enum out_format format)
{
	char *text = NULL;
	size_t len = 0;
	struct out o;
	memset(&o, 0, sizeof o);
	o.fp = open_memstream(&text, &len);
	o.format = format;
	o.tty = tty;
	assert_non_null(o.fp);
	out_name(&o, name);
	out_end(&o);
	assert_int_equal(fclose(o.fp), 0);
	return text;
}

static void test_name(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		int tty;
		const char *want;
	} cases[] = {
		{"a\nb", 0, "a\nb\n"},
		{"a\nb", 1, "a\\nb\n"},
		{"\033[2J\377", 0, "\033[2J\377\n"},
		{"\033[2J\377", 1, "\\033[2J\\377\n"},
		{"caf\303\251", 1, "caf\303\251\n"},
	};
	for (size_t i = 0; i < UNIT_ARRAY_LEN(cases); i++) {
		char *got = name_of(cases[i].name, cases[i].tty, OUT_PLAIN);
		assert_string_equal(got, cases[i].want);
		free(got);
	}
}

/*
 * A name whose escaped form is longer than out_name's buffer is escaped
 * exactly as a short one: valid UTF-8 in it is kept.
 */
static void test_name_long(void **state)
{
	(void)state;
	enum { NL = 700 };
	char name[NL + 8];
	memset(name, '\n', NL);
	strcpy(name + NL, "\303\251\377");
	char want[4 * sizeof name];
	size_t n = out_escape(want, sizeof want, name);
	assert_true(n + 1 < sizeof want);
	strcat(want, "\n");
	char *got = name_of(name, 1, OUT_PLAIN);
	char tail[64];
	snprintf(tail, sizeof tail, "%s", got + 2 * NL);
	int same = strcmp(got, want) == 0;
	free(got);
	assert_string_equal(tail, "\303\251\\377\n");
	assert_true(same);
}

static void test_end(void **state)
{
	(void)state;
	static const struct {
		enum out_format format;
		char end;
	} cases[] = {{OUT_PLAIN, '\n'}, {OUT_NUL, '\0'}, {OUT_JSON, '\n'}};
	for (size_t i = 0; i < UNIT_ARRAY_LEN(cases); i++) {
		char *text = NULL;
		size_t len = 0;
		struct out o;
		memset(&o, 0, sizeof o);
		o.fp = open_memstream(&text, &len);
		o.format = cases[i].format;
		out_name(&o, "x");
		out_end(&o);
		fclose(o.fp);
		assert_int_equal(len, 2);
		assert_int_equal(text[1], cases[i].end);
		free(text);
	}
}

/* out_init asks the descriptor: a pipe is no terminal, a pty is one. */
static void test_init_tty(void **state)
{
	(void)state;
	struct out o;
	int p[2];
	assert_int_equal(pipe(p), 0);
	out_init(&o, stdout, p[1], OUT_NUL);
	assert_ptr_equal(o.fp, stdout);
	assert_int_equal(o.format, OUT_NUL);
	assert_int_equal(o.tty, 0);
	close(p[0]);
	close(p[1]);

	int master = -1, slave = -1;
	if (unit_pty(&master, &slave) < 0)
		skip();
	out_init(&o, stdout, slave, OUT_PLAIN);
	assert_int_equal(o.tty, 1);
	close(slave);
	close(master);
}

/* ---- progress ---- */

static void test_progress_wanted(void **state)
{
	(void)state;
	assert_int_equal(progress_wanted(1), 1);
	assert_int_equal(progress_wanted(-1), 0);
	assert_int_equal(progress_wanted(0), isatty(2) ? 1 : 0);
}

/* Run a progress display for about MS milliseconds; what it wrote. */
static char *progress_run(int enabled, const char *what, unsigned ms)
{
	struct progress p;
	struct walk_progress n;
	memset(&p, 0, sizeof p);
	memset(&n, 0, sizeof n);
	struct unit_capture c;
	unit_capture_begin(&c, 2);
	progress_begin(&p, &n, enabled, what);
	atomic_store(&n.entries, 1234);
	atomic_store(&n.dirs, 56);
	atomic_store(&n.found, 7);
	struct timespec ts = {0, (long)ms * 1000000L};
	nanosleep(&ts, NULL);
	progress_end(&p);
	int running = p.running;
	char *text = unit_capture_end(&c);
	assert_int_equal(running, 0);
	return text;
}

static void test_progress_disabled(void **state)
{
	(void)state;
	char *text = progress_run(0, "links", 300);
	assert_string_equal(text, "");
	free(text);
}

static void test_progress_enabled(void **state)
{
	(void)state;
	static const struct {
		const char *what;
		const char *want;
	} cases[] = {
		{"links", "1234 entries, 56 directories, 7 links, "},
		{NULL, "1234 entries, 56 directories, "},
	};
	for (size_t i = 0; i < UNIT_ARRAY_LEN(cases); i++) {
		char *text = progress_run(1, cases[i].what, 450);
		assert_non_null(strstr(text, cases[i].want));
		assert_true(strncmp(text, "\r\033[K", 4) == 0);
		/* the line is erased at the end */
		size_t len = strlen(text);
		assert_true(len > 4);
		assert_string_equal(text + len - 4, "\r\033[K");
		free(text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_escape_truncates),
		cmocka_unit_test(test_json_string),
		cmocka_unit_test(test_json_nesting),
		cmocka_unit_test(test_json_end_all),
		cmocka_unit_test(test_out_document),
		cmocka_unit_test(test_out_write_error),
		cmocka_unit_test(test_human),
		cmocka_unit_test(test_human_huge),
		cmocka_unit_test(test_name),
		cmocka_unit_test(test_name_long),
		cmocka_unit_test(test_end),
		cmocka_unit_test(test_init_tty),
		cmocka_unit_test(test_progress_wanted),
		cmocka_unit_test(test_progress_disabled),
		cmocka_unit_test(test_progress_enabled),
	};
	return cmocka_run_group_tests_name("output", tests, NULL, NULL);
}
