/*
 * test_options.c - the shared options: taken into the command's fields,
 * the command's own returned to it, -h, unknown options and missing
 * arguments; operands permuted after the options as getopt_long does.
 */
#include "unit.h"

#include "hln.h"
#include "hln/options.h"

static int helped;

static void help(void) { helped++; }

enum { OPT_ROOT = OPT_OWN };

/* Options returned to the command: --root; -v/--verbose. */
static const struct opt_def own[] = {
	OPT_CASE(OPT_ROOT, "root", required_argument),
	OPT_END,
};
static const struct opt_def own_v[] = {
	OPT_CASE('v', "verbose", no_argument),
	OPT_END,
};
static const struct opt_def none[] = {OPT_END};

struct fields {
	int progress, follow;
	enum out_format format;
	int verbose;
	const char *root;
};

/*
 * Parse ARGV (NULL-terminated) into F (-v the shared flag option);
 * returns opt_next's last answer.
 */
static int parse(char **argv, struct fields *f, struct opt_parser *p)
{
	int argc = 0;
	while (argv[argc])
		argc++;
	memset(f, 0, sizeof *f);
	f->follow = 1;
	opt_init(p, "test", own, help,
		 (struct opt_shared){.progress = &f->progress,
				     .follow = &f->follow,
				     .json = &f->format,
				     .nul = &f->format,
				     .verbose = &f->verbose});
	int c;
	while ((c = opt_next(p, argc, argv)) > 0) {
		if (c == OPT_ROOT)
			f->root = optarg;
		else
			fail_msg("option %d reached the command", c);
	}
	return c;
}

static void test_shared_taken(void **state)
{
	(void)state;
	char *argv[] = {"test", "--progress", "a", "-P", "-j",
			"-v",   "--root=/r",  "b", NULL};
	struct fields f;
	struct opt_parser p;
	assert_int_equal(parse(argv, &f, &p), 0);
	assert_int_equal(f.progress, 1);
	assert_int_equal(f.follow, 0);
	assert_int_equal(f.format, OUT_JSON);
	assert_int_equal(f.verbose, 1);
	assert_string_equal(f.root, "/r");
	/* the operands, permuted after the options */
	assert_int_equal(optind, 6);
	assert_string_equal(argv[optind], "a");
	assert_string_equal(argv[optind + 1], "b");
}

/* The last of -0 and -j wins; --no-progress and -L, long and short. */
static void test_last_wins(void **state)
{
	(void)state;
	char *argv[] = {"test",
			"-j0",
			"--no-dereference",
			"--dereference",
			"--no-progress",
			"--",
			"-v",
			NULL};
	struct fields f;
	struct opt_parser p;
	assert_int_equal(parse(argv, &f, &p), 0);
	assert_int_equal(f.format, OUT_NUL);
	assert_int_equal(f.follow, 1);
	assert_int_equal(f.progress, -1);
	assert_int_equal(f.verbose, 0); /* after "--": an operand */
	assert_string_equal(argv[optind], "-v");
}

/* A command that does not take -L has no -L (it is unknown). */
static void test_not_shared(void **state)
{
	(void)state;
	char *argv[] = {"test", "-L", NULL};
	int progress = 0;
	struct opt_parser p;
	opt_init(&p, "test", own_v, help,
		 (struct opt_shared){.progress = &progress});
	assert_int_equal(opt_next(&p, 2, argv), -1);
	assert_int_equal(p.status, HLN_EXIT_USAGE);
	/* nor its long names */
	char *argv2[] = {"test", "--dereference", "--json", NULL};
	opt_init(&p, "test", own_v, help,
		 (struct opt_shared){.progress = &progress});
	assert_int_equal(opt_next(&p, 3, argv2), -1);
	assert_int_equal(p.status, HLN_EXIT_USAGE);
}

/*
 * The long names of -r, -n and -v come with the fields that take them:
 * --recursive, --dry-run, --verbose, and "--verb" as getopt_long
 * abbreviates; unknown for a command that does not take them.
 */
static void test_flag_long_names(void **state)
{
	(void)state;
	char *argv[] = {"test", "--recursive", "--dry-run", "--verb", NULL};
	int r = 0, n = 0, v = 0;
	struct opt_parser p;
	opt_init(&p, "test", none, help,
		 (struct opt_shared){
			 .recursive = &r, .dry_run = &n, .verbose = &v});
	assert_int_equal(opt_next(&p, 4, argv), 0);
	assert_int_equal(r + n + v, 3);
	char *argv2[] = {"test", "--dry-run", NULL};
	opt_init(&p, "test", none, help,
		 (struct opt_shared){.recursive = &r, .verbose = &v});
	assert_int_equal(opt_next(&p, 2, argv2), -1);
	assert_int_equal(p.status, HLN_EXIT_USAGE);
}

/* OPT_STR: the argument kept, the last one wins; opt_parse to the end. */
static void test_args_and_parse(void **state)
{
	(void)state;
	char *argv[] = {"test", "--root=/a", "x", "--root", "/b", "-v", NULL};
	const char *root = NULL;
	int v = 0;
	const struct opt_def defs[] = {OPT_STR(OPT_ROOT, "root", &root),
				       OPT_END};
	struct opt_parser p;
	opt_init(&p, "test", defs, help, (struct opt_shared){.verbose = &v});
	assert_int_equal(opt_parse(&p, 6, argv), -1);
	assert_string_equal(root, "/b");
	assert_int_equal(v, 1);
	assert_string_equal(argv[optind], "x");
	/* a usage error: its exit status */
	char *argv2[] = {"test", "--root", NULL};
	opt_init(&p, "test", defs, help, (struct opt_shared){.verbose = &v});
	assert_int_equal(opt_parse(&p, 2, argv2), HLN_EXIT_USAGE);
}

static void test_help(void **state)
{
	(void)state;
	char *argv[] = {"test", "a", "-h", "-v", NULL};
	struct fields f;
	struct opt_parser p;
	helped = 0;
	assert_int_equal(parse(argv, &f, &p), -1);
	assert_int_equal(p.status, HLN_EXIT_OK);
	assert_int_equal(helped, 1);
	char *argv2[] = {"test", "--help", NULL};
	assert_int_equal(parse(argv2, &f, &p), -1);
	assert_int_equal(helped, 2);
}

/* Unknown options and missing arguments: exit 2, said on stderr. */
static void test_bad(void **state)
{
	(void)state;
	static const char *const bad[][3] = {
		{"test", "-q", NULL},
		{"test", "--nosuch", NULL},
		{"test", "--root", NULL},
		{"test", "--verbose=3", NULL},
	};
	for (size_t i = 0; i < UNIT_ARRAY_LEN(bad); i++) {
		char *argv[3] = {(char *)bad[i][0], (char *)bad[i][1], NULL};
		struct fields f;
		struct opt_parser p;
		helped = 0;
		assert_int_equal(parse(argv, &f, &p), -1);
		assert_int_equal(p.status, HLN_EXIT_USAGE);
		assert_int_equal(helped, 0);
	}
}

/* P->missing: no operand after the options is a usage error. */
static void test_missing_operand(void **state)
{
	(void)state;
	char *argv[] = {"test", "-v", NULL};
	struct fields f;
	struct opt_parser p;
	assert_int_equal(parse(argv, &f, &p), 0); /* not asked: fine */
	int verbose = 0;
	opt_init(&p, "test", own_v, help,
		 (struct opt_shared){.progress = &verbose});
	p.missing = "missing file operand";
	assert_int_equal(opt_next(&p, 2, argv), 'v');
	assert_int_equal(opt_next(&p, 2, argv), -1);
	assert_int_equal(p.status, HLN_EXIT_USAGE);
	char *argv2[] = {"test", "-v", "x", NULL};
	opt_init(&p, "test", own_v, help,
		 (struct opt_shared){.progress = &verbose});
	p.missing = "missing file operand";
	assert_int_equal(opt_next(&p, 3, argv2), 'v');
	assert_int_equal(opt_next(&p, 3, argv2), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shared_taken),
		cmocka_unit_test(test_last_wins),
		cmocka_unit_test(test_not_shared),
		cmocka_unit_test(test_flag_long_names),
		cmocka_unit_test(test_args_and_parse),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_missing_operand),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
