/*
 * main.c - hln's global options, the dispatch table of subcommands,
 * usage, and "did you mean".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hln.h"
#include "hln/cmd.h"
#include "hln/failpoint.h"
#include "hln/message.h"
#include "hln/output.h"
#include "hln/platform.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv, struct out *out);
	void (*help)(void);
	const char *summary;
};

static int cmd_help(int argc, char **argv, struct out *out);
static void cmd_help_help(void);

static const struct command commands[] = {
	{"create", cmd_create, cmd_create_help,
	 "make hard links (ln, cp -al, mklink /H)"},
	{"count", cmd_count, cmd_count_help,
	 "link counts, and what a tree really costs on disk"},
	{"list", cmd_list, cmd_list_help,
	 "every name of a file; the groups of names in a tree"},
	{"break", cmd_break, cmd_break_help,
	 "make a name an independent copy (atomic, clone where possible)"},
	{"dedupe", cmd_dedupe, cmd_dedupe_help,
	 "make identical files one (hard links, or shared blocks)"},
	{"help", cmd_help, cmd_help_help, "show help on a command"},
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *fp)
{
	fputs("Usage: hln COMMAND [OPTION]... OPERAND...\n", fp);
	fputs("       hln --help | hln help COMMAND | hln --version\n", fp);
}

static void general_help(void)
{
	usage(stdout);
	fputs("\nEverything about hard links.\n\nCommands:\n", stdout);
	for (size_t i = 0; i < NCOMMANDS; i++)
		printf("  %-8s %s\n", commands[i].name, commands[i].summary);
	fputs("\n"
	      "Options of every command are listed by 'hln COMMAND --help'.\n"
	      "  -h, --help     show this help\n"
	      "      --version  print the version\n"
	      "\n"
	      "Exit status: 0 all done, 1 some operand failed, 2 usage error,\n"
	      "130/143 interrupted by SIGINT/SIGTERM.\n"
	      "Manual: man hln\n",
	      stdout);
}

static void cmd_help_help(void)
{
	fputs("Usage: hln help [COMMAND]\n"
	      "Show the help of COMMAND, or the list of commands.\n",
	      stdout);
}

/* Edit distance of A and B (Levenshtein), capped at 9. */
static int distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 32 || lb > 32)
		return 9;
	int row[33];
	for (size_t j = 0; j <= lb; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		int diag = row[0];
		row[0] = (int)i;
		for (size_t j = 1; j <= lb; j++) {
			int up = row[j];
			int best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb] < 9 ? row[lb] : 9;
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static int unknown_command(const char *name)
{
	const struct command *best = NULL;
	int bestd = 3; /* suggest only within two edits */
	for (size_t i = 0; i < NCOMMANDS; i++) {
		int d = distance(name, commands[i].name);
		if (d < bestd) {
			bestd = d;
			best = &commands[i];
		}
	}
	const char *shown = msg_name(name, hln_isatty(2));
	if (best)
		fprintf(stderr,
			"hln: '%s' is not a hln command; did you mean '%s'?\n",
			shown, best->name);
	else
		fprintf(stderr,
			"hln: '%s' is not a hln command; see 'hln --help'.\n",
			shown);
	return HLN_EXIT_USAGE;
}

/* Print the help of the command NAME.  Returns 0, or -1 if there is none. */
static int help_command(const char *name)
{
	const struct command *c = find_command(name);
	if (!c)
		return -1;
	c->help();
	return 0;
}

static int cmd_help(int argc, char **argv, struct out *out)
{
	(void)out;
	if (argc < 2) {
		general_help();
		return HLN_EXIT_OK;
	}
	if (argc > 2 && strcmp(argv[1], "--") != 0)
		return msg_usage("help", "extra operand '%s'", argv[2]);
	const char *name = strcmp(argv[1], "--") == 0 ? argv[2] : argv[1];
	if (!name) {
		general_help();
		return HLN_EXIT_OK;
	}
	if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0) {
		cmd_help_help();
		return HLN_EXIT_OK;
	}
	if (help_command(name) < 0)
		return unknown_command(name);
	return HLN_EXIT_OK;
}

/*
 * End OUT (the JSON document closed, stdout flushed) and make sure what
 * went to stdout got there: a full disk or a closed pipe is an error of
 * its own (exit 1), said once, the same way for every command.
 */
static int finish(const char *cmd, struct out *out, int status)
{
	int rc = out_finish(out);
	if (rc == 0)
		return status;
	msg_stdout_error(cmd, -rc);
	return status == HLN_EXIT_OK ? HLN_EXIT_FAIL : status;
}

/*
 * Whether ARG is the long option OPT or an abbreviation of it ("--vers"),
 * as getopt_long takes them after a command.
 */
static int long_option(const char *arg, const char *opt)
{
	size_t len = strlen(arg);
	return len > 2 && strncmp(arg, opt, len) == 0;
}

int hln_main(int argc, char **argv)
{
	setprogname("hln");
	if (failpoint_init() < 0) {
		fputs("hln: HLN_FAILPOINTS is malformed (NAME=N:ERRNO,...)\n",
		      stderr);
		return HLN_EXIT_USAGE;
	}
	if (argc < 2) {
		usage(stderr);
		fputs("Try 'hln --help'.\n", stderr);
		return HLN_EXIT_USAGE;
	}
	struct out out;
	out_init(&out, stdout, 1, OUT_PLAIN);
	const char *first = argv[1];
	if (long_option(first, "--help") || strcmp(first, "-h") == 0) {
		general_help();
		return finish(NULL, &out, HLN_EXIT_OK);
	}
	if (long_option(first, "--version")) {
		/* through out, which keeps the errno of a failed write (the
		   C library may fail it in puts, before the final flush) */
		out_name(&out, "hln " HLN_VERSION);
		out_end(&out);
		return finish(NULL, &out, HLN_EXIT_OK);
	}
	if (first[0] == '-') {
		fprintf(stderr, "hln: unknown option '%s'\n",
			msg_name(first, hln_isatty(2)));
		fputs("Try 'hln --help'.\n", stderr);
		return HLN_EXIT_USAGE;
	}
	const struct command *c = find_command(first);
	if (!c)
		return unknown_command(first);
	/* finish closes the JSON document on every exit path */
	return finish(c->name, &out, c->run(argc - 1, argv + 1, &out));
}
