/*
 * cmd_create.c - hln create: make hard links (ln for hard links,
 * mklink /H, cp -al).
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hln.h"
#include "hln/batch.h"
#include "hln/cmd.h"
#include "hln/message.h"
#include "hln/output.h"
#include "hln/platform.h"
#include "hln/replace.h"
#include "hln/walk.h"

#define CMD "create"

enum replace_mode { REPLACE_NEVER, REPLACE_FORCE, REPLACE_ASK };

struct create_opts {
	enum replace_mode replace;
	int follow; /* -L: link what a symlink TARGET points to */
	int no_target_dir; /* -T */
	const char *target_dir;
	int dry_run, verbose, recursive, batch, null;
	int progress; /* >0 --progress, <0 --no-progress */
	struct out *out; /* -v and -n lines */
	pthread_mutex_t out_lock;
};

void cmd_create_help(void)
{
	fputs("Usage: hln create [OPTION]... [-T] TARGET LINK_NAME\n"
	      "  or:  hln create [OPTION]... TARGET\n"
	      "  or:  hln create [OPTION]... TARGET... DIRECTORY\n"
	      "  or:  hln create [OPTION]... -t DIRECTORY TARGET...\n"
	      "  or:  hln create [OPTION]... --batch [-0] < PAIRS\n"
	      "Make hard links: LINK_NAME becomes another name of TARGET.\n"
	      "The order is ln's: the existing file first, the new name last\n"
	      "(mklink /H takes the new name first).\n"
	      "\n"
	      "  -f, --force          replace an existing LINK_NAME "
	      "atomically\n"
	      "  -i, --interactive    ask before replacing a name\n"
	      "  -L, --logical        link what a symbolic link TARGET points "
	      "to\n"
	      "  -P, --physical       link a symbolic link TARGET itself "
	      "(default)\n"
	      "  -T, --no-target-directory  LINK_NAME is the name, never a\n"
	      "                       directory to link into\n"
	      "  -t, --target-directory=DIRECTORY  link every TARGET into "
	      "DIRECTORY\n"
	      "  -n, --dry-run        print what would be done, change "
	      "nothing\n"
	      "  -v, --verbose        print 'LINK_NAME' => 'TARGET' for each "
	      "link\n"
	      "  -r, -R, --recursive  TARGET may be a directory: make a copy "
	      "of the\n"
	      "                       tree whose files are hard links (cp "
	      "-al)\n"
	      "      --batch          read TARGET<TAB>LINK_NAME lines from "
	      "stdin\n"
	      "  -0, --null           with --batch: TARGET\\0LINK_NAME\\0 "
	      "records\n"
	      "      --progress       show progress of -r on stderr\n"
	      "      --no-progress    never show progress\n"
	      "  -h, --help           show this help\n"
	      "\n"
	      "Exit status: 0 all done, 1 some link failed, 2 usage error.\n",
	      stdout);
}

/* ---- messages ---- */

static void say_link(struct create_opts *o, const char *name,
		     const char *target, const char *note)
{
	pthread_mutex_lock(&o->out_lock);
	fputc('\'', o->out->fp);
	out_name(o->out, name);
	fputs(note ? "' and '" : "' => '", o->out->fp);
	out_name(o->out, target);
	fputc('\'', o->out->fp);
	if (note)
		fputs(note, o->out->fp);
	fputc('\n', o->out->fp);
	pthread_mutex_unlock(&o->out_lock);
}

/* The directory part of PATH ("." if none), in BUF. */
static const char *dir_of(const char *path, char *buf, size_t size)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return ".";
	size_t len = slash == path ? 1 : (size_t)(slash - path);
	if (len >= size)
		len = size - 1;
	memcpy(buf, path, len);
	buf[len] = '\0';
	return buf;
}

/*
 * Report the failure RC of making NAME a link of TARGET, with the
 * sentence SPEC.md asks for.  Returns HLN_EXIT_FAIL.
 */
static int link_failed(const struct create_opts *o, const char *target,
		       const char *name, int rc)
{
	struct hln_stat st;
	char dbuf[4096];
	int follow = o->follow ? HLN_FOLLOW : 0;
	switch (-rc) {
	case EXDEV: {
		char m1[4096], m2[4096];
		if (hln_mount_point(target, m1, sizeof m1) < 0)
			strcpy(m1, "?");
		if (hln_mount_point(name, m2, sizeof m2) < 0)
			strcpy(m2, "?");
		msg_error(CMD, name,
			  "hard links cannot cross filesystems: '%s' is on %s, "
			  "'%s' on %s",
			  target, m1, name, m2);
		break;
	}
	case EMLINK: {
		unsigned long long n = 0;
		if (hln_stat_path(target, follow, &st) == 0)
			n = st.nlink;
		long max = hln_link_max(target);
		if (max > 0 && (unsigned long long)max > n)
			n = (unsigned long long)max;
		msg_error(CMD, target,
			  "already has %llu links, the most this filesystem "
			  "allows",
			  n);
		break;
	}
	case EPERM: {
		int prot = hln_protected_hardlinks();
		if (prot != 0 && hln_stat_path(target, follow, &st) == 0 &&
		    st.uid != hln_euid()) {
			msg_error(
				CMD, target,
				prot == 1
					? "not permitted: "
					  "fs.protected_hardlinks=1 lets "
					  "only the owner (or a user who "
					  "can read and write the file) "
					  "link it"
					: "not permitted: this system may "
					  "let only the owner link a file "
					  "(as Linux fs.protected_hardlinks=1 "
					  "does)");
			break;
		}
		msg_error(CMD, name, "%s", msg_reason(EPERM));
		break;
	}
	case EISDIR:
		msg_error(CMD, target,
			  "is a directory: hard links to directories are not "
			  "allowed; use -r to link a tree");
		break;
	case EEXIST:
		msg_error(CMD, name, "already exists; use -f to replace it");
		break;
	case ENOENT: {
		const char *dir = dir_of(name, dbuf, sizeof dbuf);
		if (hln_stat_path(target, follow, &st) < 0)
			msg_error(CMD, target, "%s", msg_reason(ENOENT));
		else if (hln_stat_path(dir, HLN_FOLLOW, &st) < 0)
			msg_error(CMD, name, "no such directory: '%s'", dir);
		else
			msg_error(CMD, name, "%s", msg_reason(ENOENT));
		break;
	}
	default: {
		/* the target's error, when it cannot be reached itself */
		int trc = hln_stat_path(target, follow, &st);
		if (trc < 0)
			msg_error(CMD, target, "%s", msg_reason(-trc));
		else if (rc == -EACCES)
			msg_error(
				CMD, name,
				"permission denied: the directory '%s' cannot "
				"be written (or a directory on the way "
				"searched)",
				dir_of(name, dbuf, sizeof dbuf));
		else
			msg_error(CMD, name, "%s", msg_reason(-rc));
	}
	}
	return HLN_EXIT_FAIL;
}

/* Whether paths A and B are the same directory entry. */
static int same_entry(const char *a, const char *b)
{
	const char *ba = strrchr(a, '/'), *bb = strrchr(b, '/');
	ba = ba ? ba + 1 : a;
	bb = bb ? bb + 1 : b;
	if (strcmp(ba, bb) != 0)
		return 0;
	char d1[4096], d2[4096];
	struct hln_stat s1, s2;
	return hln_stat_path(dir_of(a, d1, sizeof d1), HLN_FOLLOW, &s1) == 0 &&
	       hln_stat_path(dir_of(b, d2, sizeof d2), HLN_FOLLOW, &s2) == 0 &&
	       s1.dev == s2.dev && s1.ino == s2.ino;
}

/* Ask whether to replace NAME.  Returns 1 for yes. */
static int ask_replace(const struct create_opts *o, const char *name)
{
	char answer[64];
	fprintf(stderr, "hln: " CMD ": replace '%s'? ",
		msg_name(name, hln_isatty(2)));
	fflush(stderr);
	if (hln_read_answer(o->batch, answer, sizeof answer) <= 0)
		return 0;
	return answer[0] == 'y' || answer[0] == 'Y';
}

/* ---- one link ---- */

static int link_tree(struct create_opts *o, const char *src, const char *dest);

/*
 * NAME exists and link() said EEXIST: decide between "already linked",
 * an error, and an atomic replacement.
 */
static int replace_existing(struct create_opts *o, const char *target,
			    const char *name)
{
	int follow = o->follow ? HLN_FOLLOW : 0;
	struct hln_stat ts, ns;
	int rc = hln_stat_path(target, follow, &ts);
	if (rc < 0)
		return link_failed(o, target, name, rc);
	/* a directory is refused even where its own name is LINK_NAME */
	if (ts.type == HLN_T_DIR)
		return link_failed(o, target, name, -EISDIR);
	rc = hln_stat_path(name, 0, &ns);
	if (rc < 0)
		return link_failed(o, target, name, rc);
	if (ts.dev == ns.dev && ts.ino == ns.ino) {
		if (o->replace == REPLACE_FORCE && same_entry(target, name)) {
			msg_error(CMD, name, "'%s' and '%s' are the same file",
				  target, name);
			return HLN_EXIT_FAIL;
		}
		if (o->verbose)
			say_link(o, name, target, " are already linked");
		return HLN_EXIT_OK;
	}
	if (ns.type == HLN_T_DIR) {
		msg_error(CMD, name,
			  "is a directory; a directory is never replaced");
		return HLN_EXIT_FAIL;
	}
	if (o->replace == REPLACE_NEVER)
		return link_failed(o, target, name, -EEXIST);
	if (o->replace == REPLACE_ASK && !ask_replace(o, name))
		return HLN_EXIT_OK;
	if (o->dry_run) {
		say_link(o, name, target, NULL);
		return HLN_EXIT_OK;
	}
	rc = replace_with_link(target, name, follow);
	if (rc < 0)
		return link_failed(o, target, name, rc);
	if (o->verbose)
		say_link(o, name, target, NULL);
	return HLN_EXIT_OK;
}

/* What link() would say, without making the link (for -n). */
static int dry_link(const struct create_opts *o, const char *target,
		    const char *name)
{
	struct hln_stat ts, ns;
	int rc = hln_stat_path(target, o->follow ? HLN_FOLLOW : 0, &ts);
	if (rc < 0)
		return rc;
	if (ts.type == HLN_T_DIR)
		return -EISDIR;
	rc = hln_stat_path(name, 0, &ns);
	if (rc == 0)
		return -EEXIST;
	if (rc != -ENOENT)
		return rc;
	char dbuf[4096];
	rc = hln_stat_path(dir_of(name, dbuf, sizeof dbuf), HLN_FOLLOW, &ns);
	if (rc < 0)
		return rc;
	return ns.type == HLN_T_DIR ? 0 : -ENOTDIR;
}

/* Whether TARGET is a directory (a symlink to one only with -L). */
static int is_dir_nofollow(const struct create_opts *o, const char *target)
{
	struct hln_stat st;
	return hln_stat_path(target, o->follow ? HLN_FOLLOW : 0, &st) == 0 &&
	       st.type == HLN_T_DIR;
}

/* Make NAME (exactly that name) a hard link of TARGET. */
static int link_one(struct create_opts *o, const char *target, const char *name)
{
	/* -r: a directory TARGET is a tree to link, whatever NAME is */
	if (o->recursive && is_dir_nofollow(o, target))
		return link_tree(o, target, name);
	int rc = o->dry_run
			 ? dry_link(o, target, name)
			 : hln_link(target, name, o->follow ? HLN_FOLLOW : 0);
	/*
	 * -f and -i promise that what they report done survives a power
	 * cut, as a replaced name does (replace.c): a new name too.
	 */
	if (rc == 0 && !o->dry_run && o->replace != REPLACE_NEVER) {
		char dbuf[4096];
		rc = hln_dir_sync(dir_of(name, dbuf, sizeof dbuf));
		if (rc < 0)
			return link_failed(o, target, name, rc);
	}
	if (rc == 0) {
		if (o->verbose || o->dry_run)
			say_link(o, name, target, NULL);
		return HLN_EXIT_OK;
	}
	if (rc == -EEXIST)
		return replace_existing(o, target, name);
	return link_failed(o, target, name, rc);
}

/* ---- -r: a tree of links ---- */

struct dirmeta {
	char *path;
	struct hln_stat st;
};

struct tree {
	struct create_opts *o;
	const char *dest;
	pthread_mutex_t lock;
	struct dirmeta *dirs; /* directories made, for their final metadata */
	size_t ndirs, capdirs;
	struct walk_status status;
	struct walk_progress progress;
};

/* DEST followed by the part of PATH below the source root. */
static char *dest_path(const struct tree *t, const char *path, size_t rootlen)
{
	const char *rel = path + rootlen;
	size_t dl = strlen(t->dest), rl = strlen(rel);
	char *p = malloc(dl + rl + 1);
	if (p) {
		memcpy(p, t->dest, dl);
		memcpy(p + dl, rel, rl + 1);
	}
	return p;
}

static int tree_dir_enter(void *ctx, const struct walk_dir *d, void **data)
{
	struct tree *t = ctx;
	struct create_opts *o = t->o;
	char *dp = dest_path(t, d->path, d->rootlen);
	if (!dp)
		return -ENOMEM;
	*data = NULL;
	/* -v and -n name the links (every non-directory), not directories */
	if (o->dry_run) {
		free(dp);
		return 0;
	}
	int rc = hln_mkdir(dp, 0700);
	if (rc == -EEXIST) {
		struct hln_stat st;
		if (hln_stat_path(dp, 0, &st) == 0 && st.type == HLN_T_DIR)
			rc = 0; /* merge into it */
		else
			rc = -EEXIST;
	}
	struct hln_dir *dd = NULL;
	if (rc == 0)
		rc = hln_dir_open(dp, 0, &dd);
	if (rc < 0) {
		msg_error(CMD, dp, "%s", msg_reason(-rc));
		free(dp);
		walk_fail(&t->status);
		return 1; /* reported here, with the destination's name */
	}
	pthread_mutex_lock(&t->lock);
	if (t->ndirs == t->capdirs) {
		size_t cap = t->capdirs ? t->capdirs * 2 : 64;
		struct dirmeta *nd = reallocarray(t->dirs, cap, sizeof *nd);
		if (nd) {
			t->dirs = nd;
			t->capdirs = cap;
		}
	}
	if (t->ndirs < t->capdirs) {
		t->dirs[t->ndirs].path = dp;
		t->dirs[t->ndirs].st = *d->st;
		t->ndirs++;
		dp = NULL;
	}
	pthread_mutex_unlock(&t->lock);
	free(dp);
	*data = dd;
	return 0;
}

static void tree_dir_leave(void *ctx, const struct walk_dir *d, void *data)
{
	(void)ctx, (void)d;
	hln_dir_close(data);
}

/*
 * The symlink E of the source exists in the destination already: with -f
 * (or -i and a yes) make TEXT under a temporary name and rename it over,
 * as replace_with_link does for files.  Returns 0 (done, or declined), or
 * -EEXIST to report, or the -errno of the step that failed.
 */
static int replace_symlink(struct tree *t, const struct walk_entry *e,
			   const char *text)
{
	struct create_opts *o = t->o;
	if (o->replace == REPLACE_NEVER)
		return -EEXIST;
	char *dp = dest_path(t, e->path, e->rootlen);
	if (!dp)
		return -ENOMEM;
	char tmp[4096 + 32];
	int rc = 0;
	if (o->replace == REPLACE_ASK && !ask_replace(o, dp))
		goto out;
	rc = replace_tmpname(dp, tmp, sizeof tmp);
	if (rc < 0)
		goto out;
	const char *base = strrchr(tmp, '/');
	rc = hln_dir_symlinkat(e->dirdata, base ? base + 1 : tmp, text);
	if (rc < 0)
		goto out;
	rc = hln_rename(tmp, dp);
	if (rc < 0)
		hln_unlink(tmp);
out:
	free(dp);
	return rc;
}

static int tree_entry(void *ctx, const struct walk_entry *e)
{
	struct tree *t = ctx;
	struct create_opts *o = t->o;
	struct hln_dir *dd = e->dirdata;
	if (hln_signal_pending())
		return 1;
	if (o->dry_run) {
		char *dp = dest_path(t, e->path, e->rootlen);
		if (!dp)
			return -ENOMEM;
		say_link(o, dp, e->path, NULL);
		free(dp);
		return 0;
	}
	int rc;
	if (e->type == HLN_T_LNK) {
		char text[4096];
		rc = hln_dir_readlinkat(e->dir, e->name, text, sizeof text);
		if (rc >= 0)
			rc = hln_dir_symlinkat(dd, e->name, text);
		if (rc == -EEXIST)
			rc = replace_symlink(t, e, text);
		if (rc == 0) {
			struct hln_stat st;
			if (hln_dir_statat(e->dir, e->name, 0, &st) == 0)
				hln_dir_setmeta(dd, e->name, &st,
						HLN_META_OWNER |
							HLN_META_TIMES);
		}
	} else {
		rc = hln_dir_linkat(e->dir, e->name, dd, e->name);
	}
	if (rc == 0) {
		walk_found(&t->progress);
		if (o->verbose) {
			char *dp = dest_path(t, e->path, e->rootlen);
			if (dp)
				say_link(o, dp, e->path, NULL);
			free(dp);
		}
		return 0;
	}
	char *dp = dest_path(t, e->path, e->rootlen);
	if (!dp)
		return -ENOMEM;
	int status = rc == -EEXIST && e->type != HLN_T_LNK
			     ? replace_existing(o, e->path, dp)
			     : link_failed(o, e->path, dp, rc);
	free(dp);
	if (status != HLN_EXIT_OK)
		walk_fail(&t->status);
	return 0;
}

static void tree_error(void *ctx, const char *path, int err)
{
	struct tree *t = ctx;
	msg_error(CMD, path, "%s", msg_reason(err));
	walk_fail(&t->status);
}

static int link_tree(struct create_opts *o, const char *src, const char *dest)
{
	struct hln_stat ss, ds;
	int rc = hln_stat_path(src, o->follow ? HLN_FOLLOW : 0, &ss);
	if (rc < 0)
		return link_failed(o, src, dest, rc);
	/* The destination, or the directory it will be made in. */
	char dbuf[4096];
	const char *probe = dest;
	if (hln_stat_path(dest, 0, &ds) < 0)
		probe = dir_of(dest, dbuf, sizeof dbuf);
	if (walk_is_within(probe, ss.dev, ss.ino) == 1) {
		msg_error(CMD, dest, "cannot link a directory into itself");
		return HLN_EXIT_FAIL;
	}

	struct tree t;
	memset(&t, 0, sizeof t);
	t.o = o;
	t.dest = dest;
	pthread_mutex_init(&t.lock, NULL);
	struct walk_opts wo = {0};
	wo.follow_root = o->follow;
	wo.progress = &t.progress;
	wo.progress_label = "links";
	wo.progress_force = o->progress;
	struct walk_ops ops = {tree_dir_enter, tree_entry, tree_dir_leave,
			       tree_error};
	rc = walk_tree(src, &wo, &ops, &t);
	if (rc < 0) {
		msg_error(CMD, src, "%s", msg_reason(-rc));
		walk_fail(&t.status);
	}
	/*
	 * Modes and times last: a directory's mtime changes while entries are
	 * made in it, and a read-only one could not be filled.
	 */
	for (size_t i = t.ndirs; i-- > 0;) {
		struct dirmeta *m = &t.dirs[i];
		rc = hln_dir_setmeta(NULL, m->path, &m->st,
				     HLN_META_OWNER | HLN_META_MODE |
					     HLN_META_TIMES);
		if (rc < 0) {
			msg_error(CMD, m->path, "%s", msg_reason(-rc));
			walk_fail(&t.status);
		}
		free(m->path);
	}
	free(t.dirs);
	pthread_mutex_destroy(&t.lock);
	return walk_status_code(&t.status);
}

/* ---- forms ---- */

/* The last component of PATH, trailing slashes ignored, into BUF. */
static const char *base_of(const char *path, char *buf, size_t size)
{
	size_t len = strlen(path);
	while (len > 1 && path[len - 1] == '/')
		len--;
	size_t start = len;
	while (start > 0 && path[start - 1] != '/')
		start--;
	size_t n = len - start;
	if (n >= size)
		n = size - 1;
	memcpy(buf, path + start, n);
	buf[n] = '\0';
	return buf;
}

/* Link TARGET into the directory DIR under its own base name. */
static int link_into(struct create_opts *o, const char *target, const char *dir)
{
	char base[4096];
	base_of(target, base, sizeof base);
	size_t dl = strlen(dir);
	char *name = malloc(dl + strlen(base) + 2);
	if (!name) {
		msg_error(CMD, target, "%s", msg_reason(ENOMEM));
		return HLN_EXIT_FAIL;
	}
	if (dl > 0 && dir[dl - 1] == '/')
		sprintf(name, "%s%s", dir, base);
	else
		sprintf(name, "%s/%s", dir, base);
	int rc = link_one(o, target, name);
	free(name);
	return rc;
}

static int is_dir(const char *path)
{
	struct hln_stat st;
	return hln_stat_path(path, HLN_FOLLOW, &st) == 0 &&
	       st.type == HLN_T_DIR;
}

static int interrupted(void)
{
	int sig = hln_signal_pending();
	return sig ? HLN_EXIT_SIGBASE + sig : 0;
}

/*
 * One pair of --batch, numbered LINENO: link it; every message about it
 * names its line.
 */
static int batch_pair(struct create_opts *o, unsigned long lineno,
		      const char *target, const char *name, const char *why)
{
	char where[32];
	snprintf(where, sizeof where, "stdin:%lu", lineno);
	msg_context(where);
	int rc = HLN_EXIT_FAIL;
	if (why)
		msg_error(CMD, NULL, "%s", why);
	else
		rc = link_one(o, target, name);
	msg_context(NULL);
	return rc;
}

/* --batch: pairs from stdin. */
static int run_batch(struct create_opts *o)
{
	int status = HLN_EXIT_OK, rc;
	struct batch b;
	struct batch_pair p;
	const char *why;
	batch_init_stream(&b, stdin, o->null);
	while ((rc = batch_next(&b, &p, &why)) > 0) {
		int sig = interrupted();
		if (sig) {
			status = sig;
			break;
		}
		status |= batch_pair(o, p.lineno, p.target, p.name, why);
	}
	if (rc == -EBADF) {
		msg_error(CMD, "stdin",
			  "cannot read the pairs: standard input is closed "
			  "(give them with < FILE or through a pipe)");
		status = HLN_EXIT_FAIL;
	} else if (rc < 0) {
		msg_error(CMD, "stdin", "cannot read the pairs: %s",
			  msg_reason(-rc));
		status = HLN_EXIT_FAIL;
	}
	batch_free(&b);
	return status;
}

static int run_operands(struct create_opts *o, int n, char **ops)
{
	int status = HLN_EXIT_OK;
	if (o->target_dir) {
		if (!is_dir(o->target_dir)) {
			struct hln_stat st;
			int rc = hln_stat_path(o->target_dir, HLN_FOLLOW, &st);
			msg_error(CMD, o->target_dir, "%s",
				  msg_reason(rc < 0 ? -rc : ENOTDIR));
			return HLN_EXIT_FAIL;
		}
		for (int i = 0; i < n; i++) {
			int sig = interrupted();
			if (sig)
				return sig;
			status |= link_into(o, ops[i], o->target_dir);
		}
		return status;
	}
	if (o->no_target_dir)
		return link_one(o, ops[0], ops[1]);
	if (n == 1)
		return link_into(o, ops[0], ".");
	if (is_dir(ops[n - 1])) {
		for (int i = 0; i < n - 1; i++) {
			int sig = interrupted();
			if (sig)
				return sig;
			status |= link_into(o, ops[i], ops[n - 1]);
		}
		return status;
	}
	if (n == 2)
		return link_one(o, ops[0], ops[1]);
	msg_error(CMD, NULL, "target '%s' is not a directory",
		  msg_name(ops[n - 1], hln_isatty(2)));
	return HLN_EXIT_FAIL;
}

enum { OPT_BATCH = 256, OPT_PROGRESS, OPT_NO_PROGRESS };

int cmd_create(int argc, char **argv, struct out *out)
{
	static const struct option longopts[] = {
		{"force", no_argument, NULL, 'f'},
		{"interactive", no_argument, NULL, 'i'},
		{"logical", no_argument, NULL, 'L'},
		{"physical", no_argument, NULL, 'P'},
		{"no-target-directory", no_argument, NULL, 'T'},
		{"target-directory", required_argument, NULL, 't'},
		{"dry-run", no_argument, NULL, 'n'},
		{"verbose", no_argument, NULL, 'v'},
		{"recursive", no_argument, NULL, 'r'},
		{"batch", no_argument, NULL, OPT_BATCH},
		{"null", no_argument, NULL, '0'},
		{"symbolic", no_argument, NULL, 's'},
		{"progress", no_argument, NULL, OPT_PROGRESS},
		{"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct create_opts o;
	memset(&o, 0, sizeof o);
	int c;
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":fiLPTt:nvrR0sh", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'f':
			o.replace = REPLACE_FORCE;
			break;
		case 'i':
			o.replace = REPLACE_ASK;
			break;
		case 'L':
			o.follow = 1;
			break;
		case 'P':
			o.follow = 0;
			break;
		case 'T':
			o.no_target_dir = 1;
			break;
		case 't':
			o.target_dir = optarg;
			break;
		case 'n':
			o.dry_run = 1;
			break;
		case 'v':
			o.verbose = 1;
			break;
		case 'r':
		case 'R':
			o.recursive = 1;
			break;
		case OPT_BATCH:
			o.batch = 1;
			break;
		case '0':
			o.null = 1;
			break;
		case OPT_PROGRESS:
			o.progress = 1;
			break;
		case OPT_NO_PROGRESS:
			o.progress = -1;
			break;
		case 's':
			msg_error(CMD, NULL,
				  "hln makes hard links only; use ln -s for "
				  "symbolic links");
			return HLN_EXIT_USAGE;
		case 'h':
			cmd_create_help();
			return HLN_EXIT_OK;
		default:
			return msg_bad_option(CMD, c, argv, optind, longopts);
		}
	}
	int n = argc - optind;
	char **ops = argv + optind;
	if (o.null && !o.batch)
		return msg_usage(CMD, "-0 goes with --batch");
	if (o.batch && n > 0)
		return msg_usage(CMD, "--batch reads its pairs from stdin and "
				      "takes no operands");
	if (o.target_dir && o.no_target_dir)
		return msg_usage(CMD, "-t and -T cannot be used together");
	if (o.batch && o.target_dir)
		return msg_usage(CMD, "--batch takes every LINK_NAME from its "
				      "pairs; -t cannot be used with it");
	if (!o.batch && n == 0)
		return msg_usage(CMD, "missing file operand");
	if (o.no_target_dir && !o.batch && n != 2)
		return msg_usage(CMD,
				 n < 2 ? "missing LINK_NAME after '%s'"
				       : "extra operand '%s'",
				 ops[n < 2 ? 0 : 2]);

	o.out = out;
	out_begin(out, OUT_PLAIN, OUT_DOC_ARRAY);
	pthread_mutex_init(&o.out_lock, NULL);
	if (o.replace != REPLACE_NEVER || o.recursive || o.batch)
		hln_signals_catch();
	int status = o.batch ? run_batch(&o) : run_operands(&o, n, ops);
	int sig = interrupted();
	if (sig)
		status = sig;
	pthread_mutex_destroy(&o.out_lock);
	return status;
}
