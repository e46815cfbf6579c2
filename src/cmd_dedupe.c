/*
 * cmd_dedupe.c - hln dedupe: make identical files one (hard links, or
 * shared blocks with --reflink); --list prints the sets instead.  The
 * finding and merging are src/dupes.c's.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hln.h"
#include "hln/cmd.h"
#include "hln/dupes.h"
#include "hln/message.h"
#include "hln/options.h"
#include "hln/output.h"
#include "hln/platform.h"

#define CMD "dedupe"

struct dedupe_opts {
	struct dupes_opts d;
	int verbose, list, bytes;
	enum out_format format; /* -0 / -j: the last wins */
	int progress; /* >0 --progress, <0 --no-progress */
	char **exclude;
	size_t nexclude;
};

static void on_error(void *ctx, const char *path, int err)
{
	(void)ctx;
	msg_error(CMD, path, "%s", msg_reason(err));
}

static void on_no_reflink(void *ctx, const char *path)
{
	char mnt[4096], fs[64];
	(void)ctx;
	if (hln_mount_point(path, mnt, sizeof mnt) < 0)
		snprintf(mnt, sizeof mnt, "%s", path);
	if (hln_fs_type(path, fs, sizeof fs) < 0)
		snprintf(fs, sizeof fs, "this filesystem");
	msg_error(
		CMD, mnt,
		"%s cannot share data blocks (--reflink needs Btrfs, XFS, ReFS or another filesystem with reflinks); nothing changed on it",
		fs);
}

static void quoted(struct out *out, const char *name)
{
	fputc('\'', out->fp);
	out_name(out, name);
	fputc('\'', out->fp);
}

static const char *why_text(int why)
{
	switch (why) {
	case DUPES_METADATA:
		return "its owner, group, mode, extended attributes or time differ from";
	case DUPES_OUTSIDE:
		return "it has names outside the operands; relinking would free nothing:";
	case DUPES_CHANGED:
		return "it changed after being compared with";
	default:
		return "it could not be read or merged with";
	}
}

static void print_verbose(const struct dedupe_opts *o, struct out *out,
			  const struct dupes_result *r)
{
	for (size_t i = 0; i < r->nlist; i++) {
		const struct dupes_set *s = &r->list[i];
		const char *keep = s->v[0]->names[0].path;
		for (size_t j = 1; j < s->n; j++) {
			const struct dupes_inode *d = s->v[j];
			if (d->apart >= 0) {
				quoted(out, d->names[0].path);
				fprintf(out->fp, " left apart: %s ",
					why_text(d->apart));
				quoted(out, keep);
				fputc('\n', out->fp);
				continue;
			}
			for (uint32_t k = 0; k < d->nnames; k++) {
				if (!d->names[k].to)
					continue;
				quoted(out, d->names[k].path);
				fputs(" => ", out->fp);
				quoted(out, d->names[k].to->names[0].path);
				fputs(o->d.reflink ? " (clone)\n" : "\n",
				      out->fp);
			}
		}
	}
}

static void print_size(const struct dedupe_opts *o, struct out *out,
		       const char *key, uint64_t v)
{
	char buf[16];
	if (o->bytes)
		fprintf(out->fp, "%s: %llu\n", key, (unsigned long long)v);
	else
		fprintf(out->fp, "%s: %s\n", key,
			out_human(buf, sizeof buf, v));
}

static void print_summary(const struct dedupe_opts *o, struct out *out,
			  const struct dupes_result *r)
{
	const uint64_t *k = r->skipped;
	uint64_t skipped = k[0] + k[1] + k[2] + k[3];
	if (out->format == OUT_JSON) {
		struct json *j = &out->json;
		json_key_uint(j, "files", r->files);
		json_key_uint(j, "sets", r->sets);
		json_key_uint(j, "merged", r->merged);
		json_key_uint(j, "names", r->names);
		json_key_uint(j, "freed", r->freed);
		json_key(j, "skipped");
		json_begin_object(j);
		json_key_uint(j, "metadata", k[DUPES_METADATA]);
		json_key_uint(j, "outside", k[DUPES_OUTSIDE]);
		json_key_uint(j, "changed", k[DUPES_CHANGED]);
		json_key_uint(j, "error", k[DUPES_ERROR]);
		json_end_object(j);
		return;
	}
	fprintf(out->fp, "files: %llu\nsets: %llu\nmerged: %llu\nnames: %llu\n",
		(unsigned long long)r->files, (unsigned long long)r->sets,
		(unsigned long long)r->merged, (unsigned long long)r->names);
	print_size(o, out, "freed", r->freed);
	fprintf(out->fp, "skipped: %llu", (unsigned long long)skipped);
	if (skipped)
		fprintf(out->fp,
			" (metadata %llu, outside %llu, changed %llu, error %llu)",
			(unsigned long long)k[0], (unsigned long long)k[1],
			(unsigned long long)k[2], (unsigned long long)k[3]);
	fputc('\n', out->fp);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* --list: every name of a set, the keeper's first, the rest bytewise. */
static void print_sets(struct out *out, const struct dupes_result *r)
{
	for (size_t i = 0; i < r->nlist; i++) {
		const struct dupes_set *s = &r->list[i];
		size_t n = 0;
		for (size_t j = 1; j < s->n; j++)
			n += s->v[j]->nnames;
		const char **rest = malloc((n ? n : 1) * sizeof *rest);
		if (!rest) {
			msg_error(CMD, NULL, "%s", msg_reason(ENOMEM));
			break;
		}
		n = 0;
		for (size_t j = 1; j < s->n; j++)
			for (uint32_t k = 0; k < s->v[j]->nnames; k++)
				rest[n++] = s->v[j]->names[k].path;
		if (n > 1)
			qsort(rest, n, sizeof *rest, cmp_name);
		const struct dupes_inode *keep = s->v[0];
		if (out->format == OUT_JSON) {
			struct json *j = &out->json;
			json_begin_object(j);
			json_key_uint(j, "size", s->size);
			json_key_string(j, "keep", keep->names[0].path);
			json_key_uint(j, "inodes", s->n);
			json_key(j, "names");
			json_begin_array(j);
			for (uint32_t k = 0; k < keep->nnames; k++)
				json_string(j, keep->names[k].path);
			for (size_t k = 0; k < n; k++)
				json_string(j, rest[k]);
			json_end_array(j);
			json_end_object(j);
		} else {
			if (i && out->format == OUT_PLAIN)
				fputc('\n', out->fp);
			for (uint32_t k = 0; k < keep->nnames; k++) {
				out_name(out, keep->names[k].path);
				out_end(out);
			}
			for (size_t k = 0; k < n; k++) {
				out_name(out, rest[k]);
				out_end(out);
			}
			if (out->format == OUT_NUL)
				out_end(out);
		}
		free(rest);
	}
}

static int size_arg(const char *opt, const char *arg, uint64_t *v)
{
	int rc = dupes_parse_size(arg, v);
	if (rc == 0)
		return 0;
	return msg_usage(CMD, "invalid size for %s: '%s' (%s)", opt, arg,
			 rc == -ERANGE ? "too large"
				       : "digits, then K, M, G or T");
}

enum {
	OPT_LIST = OPT_OWN,
	OPT_REFLINK,
	OPT_MIN,
	OPT_MAX,
	OPT_EXCLUDE,
	OPT_IGN_OWNER,
	OPT_IGN_MODE,
	OPT_IGN_XATTRS,
	OPT_SAME_TIME,
	OPT_BYTES,
};

/* Parse ARGV into O.  Returns -1 to go on, else the exit status. */
static int parse(struct dedupe_opts *o, int argc, char **argv)
{
	struct dupes_opts *d = &o->d;
	const struct opt_def defs[] = {
		OPT_SET(OPT_LIST, "list", &o->list, 1),
		OPT_SET(OPT_REFLINK, "reflink", &d->reflink, 1),
		OPT_CASE(OPT_MIN, "min-size", required_argument),
		OPT_CASE(OPT_MAX, "max-size", required_argument),
		OPT_CASE(OPT_EXCLUDE, "exclude", required_argument),
		OPT_SET(OPT_IGN_OWNER, "ignore-owner", &d->ignore_owner, 1),
		OPT_SET(OPT_IGN_MODE, "ignore-mode", &d->ignore_mode, 1),
		OPT_SET(OPT_IGN_XATTRS, "ignore-xattrs", &d->ignore_xattrs, 1),
		OPT_CASE('c', "content-only", no_argument),
		OPT_SET(OPT_SAME_TIME, "same-time", &d->same_time, 1),
		OPT_SET(OPT_BYTES, "bytes", &o->bytes, 1),
		OPT_END,
	};
	struct opt_parser p;
	opt_init(&p, CMD, defs, cmd_dedupe_help,
		 (struct opt_shared){.progress = &o->progress,
				     .json = &o->format,
				     .nul = &o->format,
				     .dry_run = &d->dry_run,
				     .verbose = &o->verbose});
	p.missing = "missing operand";
	int c;
	while ((c = opt_next(&p, argc, argv)) > 0) {
		switch (c) {
		case OPT_MIN:
			if (size_arg("--min-size", optarg, &d->min_size))
				return HLN_EXIT_USAGE;
			break;
		case OPT_MAX:
			if (size_arg("--max-size", optarg, &d->max_size))
				return HLN_EXIT_USAGE;
			break;
		case OPT_EXCLUDE:
			o->exclude[o->nexclude++] = optarg;
			break;
		case 'c':
			d->ignore_owner = d->ignore_mode = d->ignore_xattrs = 1;
			break;
		}
	}
	if (c < 0)
		return p.status;
	if (d->max_size < d->min_size)
		return msg_usage(CMD, "--max-size is below --min-size");
	if (o->format == OUT_NUL && !o->list)
		return msg_usage(
			CMD, "-0 prints the sets of --list; give --list too");
	return -1;
}

int cmd_dedupe(int argc, char **argv, struct out *out)
{
	struct dedupe_opts o;
	memset(&o, 0, sizeof o);
	o.d.min_size = 1;
	o.d.max_size = UINT64_MAX;
	o.exclude = calloc((size_t)argc + 1, sizeof *o.exclude);
	if (!o.exclude) {
		msg_error(CMD, NULL, "%s", msg_reason(ENOMEM));
		return HLN_EXIT_FAIL;
	}
	int status = parse(&o, argc, argv);
	if (status >= 0) {
		free(o.exclude);
		return status;
	}
	o.d.find_only = o.list;
	o.d.exclude = o.exclude;
	o.d.nexclude = o.nexclude;

	out_begin(out, o.format, o.list ? OUT_DOC_ARRAY : OUT_DOC_OBJECT);
	/* one line for the whole run: the walk, then the comparisons */
	struct walk_progress counts = {.reads = 1};
	struct progress line;
	progress_begin(&line, &counts, progress_wanted(o.progress), "sets");
	o.d.progress = &counts;
	struct dupes_ops ops = {.error = on_error, .no_reflink = on_no_reflink};
	struct dupes_result r;
	hln_signals_catch();
	int rc = dupes_run(argv + optind, argc - optind, &o.d, &ops, NULL, &r);
	progress_end(&line);
	if (rc < 0)
		msg_error(CMD, NULL, "%s", msg_reason(-rc));

	if (o.list) {
		print_sets(out, &r);
	} else {
		if (o.verbose && o.format != OUT_JSON)
			print_verbose(&o, out, &r);
		print_summary(&o, out, &r);
	}
	status = r.failed || rc < 0 ? HLN_EXIT_FAIL : HLN_EXIT_OK;
	if (r.signal)
		status = HLN_EXIT_SIGBASE + r.signal;
	dupes_result_free(&r);
	free(o.exclude);
	return status;
}
