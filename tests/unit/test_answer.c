/*
 * test_answer.c - answer_line (src/platform/answer.h), the line of
 * hln_read_answer on every OS: one line read byte by byte and the rest
 * left for the next question, "\r\n" as "\n" for a console, a full buffer,
 * the end of input, and a read error passed on.
 */
#include "unit.h"

#include "answer.h"

/* A byte source: TEXT from POS, then the end, or ERR (negative) there. */
struct source {
	const char *text;
	size_t pos;
	int err;
};

static int next(void *ctx, char *c)
{
	struct source *s = ctx;
	if (!s->text[s->pos])
		return s->err;
	*c = s->text[s->pos++];
	return 1;
}

static void test_lines(void **state)
{
	(void)state;
	char buf[64];
	struct source s = {"yes\nno\n", 0, 0};
	assert_int_equal(answer_line(next, &s, 0, buf, sizeof buf), 4);
	assert_string_equal(buf, "yes\n");
	assert_int_equal(s.pos, 4); /* "no\n" is left for the next */
	assert_int_equal(answer_line(next, &s, 0, buf, sizeof buf), 3);
	assert_string_equal(buf, "no\n");
	assert_int_equal(answer_line(next, &s, 0, buf, sizeof buf), 0);
	assert_string_equal(buf, "");
}

static void test_crlf(void **state)
{
	(void)state;
	char buf[64];
	struct source s = {"\ry\r\n", 0, 0};
	assert_int_equal(answer_line(next, &s, 1, buf, sizeof buf), 2);
	assert_string_equal(buf, "y\n");
	s = (struct source){"\ry\r\n", 0, 0}; /* kept where lines end in \n */
	assert_int_equal(answer_line(next, &s, 0, buf, sizeof buf), 4);
	assert_string_equal(buf, "\ry\r\n");
}

static void test_full_and_errors(void **state)
{
	(void)state;
	char buf[4];
	struct source s = {"abcdef\n", 0, 0};
	assert_int_equal(answer_line(next, &s, 0, buf, sizeof buf), 3);
	assert_string_equal(buf, "abc");
	assert_int_equal(s.pos, 3);
	s = (struct source){"ab", 0, -EIO}; /* no newline, then an error */
	assert_int_equal(answer_line(next, &s, 0, buf, sizeof buf), -EIO);
	s = (struct source){"ab", 0, 0}; /* the end without a newline */
	assert_int_equal(answer_line(next, &s, 0, buf, sizeof buf), 2);
	assert_string_equal(buf, "ab");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_full_and_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
