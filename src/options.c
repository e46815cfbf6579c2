/*
 * options.c - the options every command shares; see hln/options.h.
 */
#include <stdlib.h>
#include <string.h>

#include "hln.h"
#include "hln/message.h"
#include "hln/options.h"

/* The shared long options; all but the first three only where taken. */
static const struct option shared_longopts[] = {
	{"progress", no_argument, NULL, OPT_PROGRESS},
	{"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
	{"help", no_argument, NULL, 'h'},
	{"dereference", no_argument, NULL, 'L'},
	{"no-dereference", no_argument, NULL, 'P'},
	{"json", no_argument, NULL, 'j'},
	{"null", no_argument, NULL, '0'},
	{"recursive", no_argument, NULL, 'r'},
	{"dry-run", no_argument, NULL, 'n'},
	{"verbose", no_argument, NULL, 'v'},
};

/* Whether TO's flag options set something for the option C. */
static int is_flag(const struct opt_shared *to, int c)
{
	for (const struct opt_flag *f = to->flags; f && f->c; f++)
		if (f->c == c)
			return 1;
	return 0;
}

/* Whether the command of P takes the shared long option L. */
static int takes(const struct opt_parser *p, const struct option *l)
{
	switch (l->val) {
	case 'L':
	case 'P':
		return p->to.follow && strchr(p->shortopts, l->val);
	case 'j':
	case '0':
		return p->to.format && strchr(p->shortopts, l->val);
	case 'r':
	case 'n':
	case 'v':
		return is_flag(&p->to, l->val) && strchr(p->shortopts, l->val);
	default:
		return 1;
	}
}

/* Whether the first N of LONGOPTS name NAME already. */
static int listed(const struct option *longopts, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(longopts[i].name, name) == 0)
			return 1;
	return 0;
}

void opt_init(struct opt_parser *p, const char *cmd, const char *shortopts,
	      const struct option *longopts, void (*help)(void),
	      struct opt_shared to)
{
	memset(p, 0, sizeof *p);
	p->cmd = cmd;
	p->help = help;
	p->to = to;
	/* ':' first: a missing argument is told from an unknown option */
	size_t n = strlen(shortopts);
	if (n + 3 > sizeof p->shortopts)
		abort();
	p->shortopts[0] = ':';
	memcpy(p->shortopts + 1, shortopts, n);
	memcpy(p->shortopts + 1 + n, "h", 2);
	size_t k = 0;
	for (const struct option *l = longopts; l->name; l++) {
		if (k >= OPT_MAX_LONG)
			abort();
		p->longopts[k++] = *l;
	}
	for (size_t i = 0; i < sizeof shared_longopts / sizeof *shared_longopts;
	     i++) {
		if (!takes(p, &shared_longopts[i]) ||
		    listed(p->longopts, k, shared_longopts[i].name))
			continue;
		if (k >= OPT_MAX_LONG)
			abort();
		p->longopts[k++] = shared_longopts[i];
	}
	/* p->longopts[k] stays the zero entry that ends the table */
	opterr = 0;
	optind = 0;
}

/* Take C if it is a shared option.  Returns 1 if taken, else 0. */
static int take_shared(struct opt_parser *p, int c)
{
	const struct opt_shared *to = &p->to;
	for (const struct opt_flag *f = to->flags; f && f->c; f++) {
		if (f->c == c) {
			*f->to = f->value;
			return 1;
		}
	}
	for (const struct opt_arg *a = to->args; a && a->c; a++) {
		if (a->c == c) {
			*a->to = optarg;
			return 1;
		}
	}
	switch (c) {
	case OPT_PROGRESS:
	case OPT_NO_PROGRESS:
		if (!to->progress)
			return 0;
		*to->progress = c == OPT_PROGRESS ? 1 : -1;
		return 1;
	case 'L':
	case 'P':
		if (!to->follow)
			return 0;
		*to->follow = c == 'L';
		return 1;
	case '0':
	case 'j':
		if (!to->format)
			return 0;
		*to->format = c == 'j' ? OUT_JSON : OUT_NUL;
		return 1;
	default:
		return 0;
	}
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
		if (take_shared(p, c))
			continue;
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
		return c;
	}
}

int opt_parse(struct opt_parser *p, int argc, char **argv)
{
	int c = opt_next(p, argc, argv);
	if (c > 0)
		abort(); /* an option of the command's own that nothing takes */
	return c < 0 ? p->status : -1;
}
