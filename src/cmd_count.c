/*
 * cmd_count.c - hln count: link counts (stat -c %h), and with -r what a
 * tree really costs on disk.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hln.h"
#include "hln/cmd.h"
#include "hln/groups.h"
#include "hln/message.h"
#include "hln/options.h"
#include "hln/output.h"
#include "hln/platform.h"
#include "hln/summary.h"
#include "hln/walk.h"

#define CMD "count"

struct count_opts {
	int recursive, bytes, one_fs;
	enum out_format format; /* -0 / -j: the last wins */
	int follow; /* operands: 1 unless -P */
	int progress; /* >0 --progress, <0 --no-progress */
};

/* ---- link counts of operands ---- */

static int count_files(const struct count_opts *o, struct out *out, int n,
		       char **files)
{
	int status = HLN_EXIT_OK;
	for (int i = 0; i < n; i++) {
		struct hln_stat st;
		int rc = hln_stat_path(files[i], o->follow ? HLN_FOLLOW : 0,
				       &st);
		if (rc < 0) {
			msg_error(CMD, files[i], "%s", msg_reason(-rc));
			status = HLN_EXIT_FAIL;
			continue;
		}
		if (out->format == OUT_JSON) {
			struct json *j = &out->json;
			json_begin_object(j);
			json_key_string(j, "path", files[i]);
			json_key_uint(j, "nlink", st.nlink);
			json_key_uint(j, "dev", st.dev);
			json_key_uint(j, "ino", st.ino);
			json_key_uint(j, "size", st.size);
			json_end_object(j);
		} else if (n == 1) {
			printf("%llu", (unsigned long long)st.nlink);
			out_end(out);
		} else {
			printf("%llu\t", (unsigned long long)st.nlink);
			out_name(out, files[i]);
			out_end(out);
		}
	}
	return status;
}

/* ---- -r: the summary ---- */

static void sum_error(void *ctx, const char *path, int err)
{
	msg_error(CMD, path, "%s", msg_reason(err));
	walk_fail(ctx);
}

static void print_size(const struct count_opts *o, const char *key, uint64_t v)
{
	char buf[16];
	if (o->bytes)
		printf("%s: %llu\n", key, (unsigned long long)v);
	else
		printf("%s: %s\n", key, out_human(buf, sizeof buf, v));
}

static void print_summary(const struct count_opts *o, struct out *out,
			  const struct tree_summary *t)
{
	if (out->format == OUT_JSON) {
		struct json *j = &out->json; /* the document is the object */
		json_key_uint(j, "names", t->names);
		json_key_uint(j, "files", t->files);
		json_key(j, "linked");
		json_begin_object(j);
		json_key_uint(j, "inodes", t->linked.inodes);
		json_key_uint(j, "names", t->linked.names);
		json_end_object(j);
		json_key_uint(j, "outside", t->outside);
		json_key_uint(j, "apparent", t->apparent);
		json_key_uint(j, "used", t->used);
		json_key_uint(j, "saved", t->saved);
		json_key_uint(j, "freed", t->freed);
		return;
	}
	printf("names: %llu\n"
	       "files: %llu\n"
	       "linked: %llu inodes, %llu names\n"
	       "outside: %llu\n",
	       (unsigned long long)t->names, (unsigned long long)t->files,
	       (unsigned long long)t->linked.inodes,
	       (unsigned long long)t->linked.names,
	       (unsigned long long)t->outside);
	print_size(o, "apparent", t->apparent);
	print_size(o, "used", t->used);
	print_size(o, "saved", t->saved);
	print_size(o, "freed", t->freed);
}

/* Walk the operands OPS into S (each inode once, each tree once). */
static void sum_operands(const struct count_opts *o, struct summary *s, int n,
			 char **ops, struct walk_status *status)
{
	struct hln_stat *sts = calloc((size_t)n, sizeof *sts);
	int *ok = calloc((size_t)n, sizeof *ok);
	if (!sts || !ok) {
		free(sts);
		free(ok);
		sum_error(status, NULL, ENOMEM);
		return;
	}
	for (int i = 0; i < n; i++) {
		int rc = hln_stat_path(ops[i], o->follow ? HLN_FOLLOW : 0,
				       &sts[i]);
		if (rc < 0)
			sum_error(status, ops[i], -rc);
		ok[i] = rc == 0;
	}
	struct walk_progress prog = {0};
	/*
	 * -x: no other mount at all.  Without it other filesystems are
	 * entered (as du does), but never a bind mount of the operand's own
	 * filesystem, where the same names would be counted again.
	 */
	struct walk_opts wo = {.same_mount = o->one_fs,
			       .skip_binds = 1,
			       .follow_root = o->follow,
			       .progress = &prog,
			       .progress_label = "linked names",
			       .progress_force = o->progress};
	for (int i = 0; i < n && !hln_signal_pending(); i++) {
		if (!ok[i] || groups_covered(n, ops, sts, ok, i))
			continue;
		int rc = sts[i].type == HLN_T_DIR
				 ? summary_walk(s, ops[i], &wo, sum_error,
						status)
				 : summary_add(s, 0, &sts[i]);
		if (rc < 0)
			sum_error(status, ops[i], -rc);
	}
	free(sts);
	free(ok);
}

static int count_trees(const struct count_opts *o, struct out *out, int n,
		       char **ops)
{
	struct walk_status status = {0};
	struct summary *s = summary_new();
	if (!s) {
		msg_error(CMD, NULL, "%s", msg_reason(ENOMEM));
		return HLN_EXIT_FAIL;
	}
	hln_signals_catch();
	sum_operands(o, s, n, ops, &status);
	int sig = hln_signal_pending();
	if (sig) {
		summary_free(s);
		return HLN_EXIT_SIGBASE + sig;
	}
	struct tree_summary t;
	summary_result(s, &t);
	summary_free(s);
	print_summary(o, out, &t);
	return walk_status_code(&status);
}

enum { OPT_BYTES = OPT_OWN };

int cmd_count(int argc, char **argv, struct out *out)
{
	struct count_opts o = {.follow = 1};
	const struct opt_def defs[] = {
		OPT_SET(OPT_BYTES, "bytes", &o.bytes, 1),
		OPT_SET('x', "one-file-system", &o.one_fs, 1),
		OPT_END,
	};
	struct opt_parser p;
	opt_init(&p, CMD, defs, cmd_count_help,
		 (struct opt_shared){.progress = &o.progress,
				     .follow = &o.follow,
				     .json = &o.format,
				     .nul = &o.format,
				     .recursive = &o.recursive});
	p.missing = "missing file operand";
	int rc = opt_parse(&p, argc, argv);
	if (rc >= 0)
		return rc;
	int n = argc - optind;
	out_begin(out, o.format, o.recursive ? OUT_DOC_OBJECT : OUT_DOC_ARRAY);
	return o.recursive ? count_trees(&o, out, n, argv + optind)
			   : count_files(&o, out, n, argv + optind);
}
