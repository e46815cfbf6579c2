/*
 * options.c - the options of the commands; see hln/options.h.
 */
#include <stdlib.h>
#include <string.h>

#include "hln.h"
#include "hln/message.h"
#include "hln/options.h"

/* The shared options, in the order their long names are added. */
static const struct opt_def shared[] = {
	OPT_CASE(OPT_PROGRESS, "progress", no_argument),
	OPT_CASE(OPT_NO_PROGRESS, "no-progress", no_argument),
	OPT_CASE('h', "help", no_argument),
	OPT_CASE('L', "dereference", no_argument),
	OPT_CASE('P', "no-dereference", no_argument),
	OPT_CASE('j', "json", no_argument),
	OPT_CASE('0', "null", no_argument),
	OPT_CASE('r', "recursive", no_argument),
	OPT_CASE('R', NULL, no_argument),
	OPT_CASE('n', "dry-run", no_argument),
	OPT_CASE('v', "verbose", no_argument),
	OPT_END,
};

/*
 * Whether the command of TO takes the shared option C: 1 or 0; with SET,
 * taken into its field too.  The one place that knows them.
 */
static int shared_option(const struct opt_shared *to, int c, int set)
{
	switch (c) {
	case OPT_PROGRESS:
	case OPT_NO_PROGRESS:
		if (set && to->progress)
			*to->progress = c == OPT_PROGRESS ? 1 : -1;
		return to->progress != NULL;
	case 'h':
		return 1; /* said by opt_next */
	case 'L':
	case 'P':
		if (set && to->follow)
			*to->follow = c == 'L';
		return to->follow != NULL;
	case 'j':
	case '0': {
		enum out_format *format = c == 'j' ? to->json : to->nul;
		if (set && format)
			*format = c == 'j' ? OUT_JSON : OUT_NUL;
		return format != NULL;
	}
	default:
		break;
	}
	/* the rest only set a flag of the command's */
	int *flag = c == 'r' || c == 'R' ? to->recursive
		    : c == 'n'           ? to->dry_run
		    : c == 'v'           ? to->verbose
					 : NULL;
	if (set && flag)
		*flag = 1;
	return flag != NULL;
}

/* Add the option D to P's getopt tables (abort when they are full). */
static void add(struct opt_parser *p, const struct opt_def *d)
{
	if (d->id < 0x100) {
		size_t n = strlen(p->shortopts);
		if (n + 4 > sizeof p->shortopts)
			abort();
		p->shortopts[n++] = (char)d->id;
		if (d->has_arg != no_argument)
			p->shortopts[n++] = ':';
		if (d->has_arg == optional_argument)
			p->shortopts[n++] = ':';
		p->shortopts[n] = '\0';
	}
	if (d->name) {
		size_t k = 0;
		while (p->longopts[k].name)
			k++;
		if (k >= OPT_MAX_LONG)
			abort();
		p->longopts[k] =
			(struct option){d->name, d->has_arg, NULL, d->id};
	}
}

void opt_init(struct opt_parser *p, const char *cmd, const struct opt_def *defs,
	      void (*help)(void), struct opt_shared to)
{
	memset(p, 0, sizeof *p);
	p->cmd = cmd;
	p->help = help;
	p->defs = defs;
	p->to = to;
	/* ':' first: a missing argument is told from an unknown option */
	p->shortopts[0] = ':';
	for (const struct opt_def *d = defs; d->id; d++)
		add(p, d);
	for (const struct opt_def *d = shared; d->id; d++)
		if (shared_option(&to, d->id, 0))
			add(p, d);
	/* p->longopts ends with the zero entry that memset left */
	opterr = 0;
	optind = 0;
}

/* The command's own option C in P's table, or NULL. */
static const struct opt_def *own(const struct opt_parser *p, int c)
{
	for (const struct opt_def *d = p->defs; d->id; d++)
		if (d->id == c)
			return d;
	return NULL;
}

/* Take the own option D if its table says where it goes: 1, else 0. */
static int take_own(const struct opt_def *d)
{
	if (d->flag)
		*d->flag = d->value;
	else if (d->arg)
		*d->arg = optarg;
	return d->flag || d->arg;
}

int opt_next(struct opt_parser *p, int argc, char **argv)
{
	for (;;) {
		int c = getopt_long(argc, argv, p->shortopts, p->longopts,
				    NULL);
		if (c == -1 && p->missing && optind >= argc) {
			p->status = msg_usage(p->cmd, "%s", p->missing);
			return -1;
		}
		if (c == -1)
			return 0;
		const struct opt_def *d = own(p, c);
		if (d && take_own(d))
			continue;
		if (d)
			return c;
		if (c == 'h') {
			p->help();
			p->status = HLN_EXIT_OK;
			return -1;
		}
		if (c == '?' || c == ':') {
			p->status = msg_bad_option(p->cmd, c, argv, optind,
						   p->longopts);
			return -1;
		}
		shared_option(&p->to, c, 1); /* getopt knows no other */
	}
}

int opt_parse(struct opt_parser *p, int argc, char **argv)
{
	int c = opt_next(p, argc, argv);
	if (c > 0)
		abort(); /* an option of the command's own that nothing takes */
	return c < 0 ? p->status : -1;
}
