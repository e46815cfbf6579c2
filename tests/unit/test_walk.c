/*
 * test_walk.c - the parallel walker on a generated tree: every
 * non-directory once, every directory with its depth, symlinks never
 * followed, early stop, errors from callbacks, unreadable directories and
 * failpoints, a directory swapped for a symlink mid-walk and a symlink
 * swapped for a directory before its stat, one_fs and
 * same_mount, walk_is_within, walk_reopen and walk_parent_open.
 */
#include "unit.h"

#include <pthread.h>
#include <time.h>

#include "hln/output.h"
#include "hln/platform.h"
#include "hln/walk.h"

/* ---- lists of strings, compared sorted ---- */

struct strs {
	char **v;
	size_t n, cap;
};

static void strs_add(struct strs *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void strs_add(struct strs *s, const char *fmt, ...)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->v = realloc(s->v, s->cap * sizeof *s->v);
		if (!s->v)
			abort();
	}
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&s->v[s->n++], fmt, ap) < 0)
		abort();
	va_end(ap);
}

static void strs_free(struct strs *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof *s);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether GOT and WANT hold the same strings; prints the first difference. */
static int same_strs(const char *what, struct strs *got, struct strs *want)
{
	qsort(got->v, got->n, sizeof *got->v, cmp_str);
	qsort(want->v, want->n, sizeof *want->v, cmp_str);
	for (size_t i = 0; i < got->n || i < want->n; i++) {
		const char *g = i < got->n ? got->v[i] : "(end)";
		const char *w = i < want->n ? want->v[i] : "(end)";
		if (strcmp(g, w) != 0) {
			fprintf(stderr,
				"%s: got '%s', want '%s' (%zu vs %zu)\n", what,
				g, w, got->n, want->n);
			return 0;
		}
	}
	return 1;
}

/* Whether every string of GOT is in WANT, once; prints the first not. */
static int sub_strs(const char *what, struct strs *got, struct strs *want)
{
	qsort(got->v, got->n, sizeof *got->v, cmp_str);
	qsort(want->v, want->n, sizeof *want->v, cmp_str);
	size_t j = 0;
	for (size_t i = 0; i < got->n; i++, j++) {
		while (j < want->n && strcmp(want->v[j], got->v[i]) < 0)
			j++;
		if (j == want->n || strcmp(want->v[j], got->v[i]) != 0) {
			fprintf(stderr, "%s: unexpected or repeated '%s'\n",
				what, got->v[i]);
			return 0;
		}
	}
	return 1;
}

/* WANT without the strings that contain PART. */
static void strs_drop(struct strs *s, const char *part)
{
	size_t o = 0;
	for (size_t i = 0; i < s->n; i++) {
		if (strstr(s->v[i], part))
			free(s->v[i]);
		else
			s->v[o++] = s->v[i];
	}
	s->n = o;
}

static int strs_count(const struct strs *s, const char *part)
{
	int n = 0;
	for (size_t i = 0; i < s->n; i++)
		n += strstr(s->v[i], part) != NULL;
	return n;
}

/* ---- the tree ---- */

/*
 * Records are "f rel" (regular), "l rel" (symlink), "p rel" (fifo) for
 * entries, "DEPTH rel" for directories ("0 ." is the root) and
 * "rel: ERRNO" for errors, rel being the path below the root.
 */
/*
 * Whether the callbacks may check what they get with the platform layer
 * (not while a failpoint counts its calls).
 */
static int platform_checks = 1;

struct fixture {
	char *tmp;
	char cwd[PATH_MAX]; /* restored after each test */
	char root[PATH_MAX]; /* tmp/tree */
	struct strs entries, dirs;
	char mounts[4][PATH_MAX];
	int nmounts;
};

static const struct {
	char kind; /* d dir, f file, h hard link, l symlink, p fifo */
	const char *rel;
	const char *arg; /* h: the file linked; l: the text */
} layout[] = {
	{'f', "f1", NULL},
	{'h', "f2", "f1"},
	{'d', "d1", NULL},
	{'f', "d1/f3", NULL},
	{'d', "d1/d2", NULL},
	{'f', "d1/d2/f4", NULL},
	{'p', "d1/d2/fifo", NULL},
	{'d', "d1/d2/d3", NULL},
	{'l', "lnk_dir", "d1"},
	{'l', "lnk_out", "../outside"},
	{'l', "dangling", "nowhere"},
	{'f', "new\nline \033", NULL},
	{'d', "wide", NULL},
};

enum { WIDE_DIRS = 20, WIDE_FILES = 25 };

static int depth_of(const char *rel)
{
	int d = 1;
	for (const char *p = rel; *p; p++)
		d += *p == '/';
	return d;
}

static void add(struct fixture *f, char kind, const char *rel, const char *arg)
{
	char path[PATH_MAX], other[PATH_MAX];
	unit_path(path, f->root, rel);
	switch (kind) {
	case 'd':
		assert_int_equal(mkdir(path, 0755), 0);
		strs_add(&f->dirs, "%d %s", depth_of(rel), rel);
		return;
	case 'f':
		unit_write_file(path, rel);
		break;
	case 'h':
		assert_int_equal(link(unit_path(other, f->root, arg), path), 0);
		kind = 'f';
		break;
	case 'l':
		assert_int_equal(symlink(arg, path), 0);
		break;
	case 'p':
		assert_int_equal(mkfifo(path, 0644), 0);
		break;
	}
	strs_add(&f->entries, "%c %s", kind, rel);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->tmp = unit_tmpdir();
	assert_non_null(getcwd(f->cwd, sizeof f->cwd));
	assert_int_equal(chmod(f->tmp, 0755), 0); /* for the nobody tests */
	char outside[PATH_MAX], secret[PATH_MAX];
	assert_int_equal(mkdir(unit_path(outside, f->tmp, "outside"), 0755), 0);
	unit_write_file(unit_path(secret, outside, "secret"), "s");
	assert_int_equal(mkdir(unit_path(f->root, f->tmp, "tree"), 0755), 0);
	strs_add(&f->dirs, "0 .");
	for (size_t i = 0; i < UNIT_ARRAY_LEN(layout); i++)
		add(f, layout[i].kind, layout[i].rel, layout[i].arg);
	for (int d = 0; d < WIDE_DIRS; d++) {
		char rel[64];
		snprintf(rel, sizeof rel, "wide/w%02d", d);
		add(f, 'd', rel, NULL);
		for (int i = 0; i < WIDE_FILES; i++) {
			snprintf(rel, sizeof rel, "wide/w%02d/x%02d", d, i);
			add(f, 'f', rel, NULL);
		}
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	unit_failpoints_off();
	platform_checks = 1;
	assert_int_equal(chdir(f->cwd), 0);
	while (f->nmounts > 0)
		unit_umount(f->mounts[--f->nmounts]);
	strs_free(&f->entries);
	strs_free(&f->dirs);
	unit_rmtree(f->tmp);
	free(f);
	return 0;
}

/* ---- collecting what the walker reports ---- */

struct collect {
	pthread_mutex_t lock;
	const char *root;
	size_t rootlen; /* what walk_dir.rootlen must be */
	int threads;
	struct strs entries, dirs, errors;
	int bad; /* inconsistencies seen on worker threads (printed) */
	/* optional: what entry() returns for REL, the Nth entry (default 0) */
	int (*entry_result)(struct collect *c, const char *rel, int n);
	/* optional: called when the root directory has been read */
	void (*root_read)(struct collect *c);
	void *arg;
	int seen; /* entries so far (under the lock) */
};

static void collect_init(struct collect *c, const char *root, int threads)
{
	memset(c, 0, sizeof *c);
	pthread_mutex_init(&c->lock, NULL);
	c->root = root;
	size_t len = strlen(root);
	c->rootlen = len > 1 && root[len - 1] == '/' ? len - 1 : len;
	c->threads = threads;
}

static void collect_free(struct collect *c)
{
	strs_free(&c->entries);
	strs_free(&c->dirs);
	strs_free(&c->errors);
	pthread_mutex_destroy(&c->lock);
}

/* Not an assertion: callbacks run on other threads. */
static void check(struct collect *c, int ok, const char *what, const char *path)
{
	if (ok)
		return;
	fprintf(stderr, "walk: %s: %s\n", path, what);
	pthread_mutex_lock(&c->lock);
	c->bad++;
	pthread_mutex_unlock(&c->lock);
}

/* PATH below the root: "" for the root itself, else without the '/'. */
static const char *rel_of(struct collect *c, const char *path, size_t rootlen)
{
	check(c, rootlen == c->rootlen, "wrong rootlen", path);
	check(c, strncmp(path, c->root, c->rootlen) == 0, "not below the root",
	      path);
	check(c, strstr(path + c->rootlen, "//") == NULL, "double slash", path);
	const char *rel = path + rootlen;
	check(c, *rel == '\0' || *rel == '/', "rootlen not at a '/'", path);
	return *rel == '/' ? rel + 1 : rel;
}

static int on_dir_enter(void *ctx, const struct walk_dir *d, void **data)
{
	struct collect *c = ctx;
	const char *rel = rel_of(c, d->path, d->rootlen);
	check(c, d->depth == (*rel ? depth_of(rel) : 0), "wrong depth",
	      d->path);
	struct stat sb;
	check(c,
	      stat(d->path, &sb) == 0 && sb.st_ino == d->st->ino &&
		      d->st->type == HLN_T_DIR,
	      "not the directory's stat", d->path);
	*data = strdup(d->path);
	pthread_mutex_lock(&c->lock);
	strs_add(&c->dirs, "%d %s", d->depth, *rel ? rel : ".");
	pthread_mutex_unlock(&c->lock);
	return 0;
}

static void on_dir_leave(void *ctx, const struct walk_dir *d, void *data)
{
	struct collect *c = ctx;
	check(c, data && strcmp(data, d->path) == 0, "dir_leave: wrong data",
	      d->path);
	free(data);
	if (d->depth == 0 && c->root_read)
		c->root_read(c);
}

static char type_char(enum hln_type t)
{
	switch (t) {
	case HLN_T_REG:
		return 'f';
	case HLN_T_LNK:
		return 'l';
	case HLN_T_OTHER:
		return 'p';
	default:
		return '?';
	}
}

static int on_entry(void *ctx, const struct walk_entry *e)
{
	struct collect *c = ctx;
	const char *rel = rel_of(c, e->path, e->rootlen);
	const char *dir = e->dirdata;
	size_t dl = dir ? strlen(dir) : 0;
	if (dl > 0 && dir[dl - 1] == '/')
		dl--; /* a root given as "dir/" */
	check(c,
	      dir && strncmp(e->path, dir, dl) == 0 && e->path[dl] == '/' &&
		      strcmp(e->path + dl + 1, e->name) == 0,
	      "not DIRDATA/NAME", e->path);
	check(c, e->worker >= 0 && e->worker < c->threads, "bad worker index",
	      e->path);
	struct stat sb;
	struct hln_stat st;
	check(c, lstat(e->path, &sb) == 0 && (!e->ino || e->ino == sb.st_ino),
	      "wrong ino", e->path);
	check(c,
	      !platform_checks ||
		      (hln_dir_statat(e->dir, e->name, 0, &st) == 0 &&
		       st.ino == sb.st_ino && st.type == e->type),
	      "wrong dir, name or type", e->path);
	pthread_mutex_lock(&c->lock);
	strs_add(&c->entries, "%c %s", type_char(e->type), rel);
	int n = ++c->seen;
	pthread_mutex_unlock(&c->lock);
	return c->entry_result ? c->entry_result(c, rel, n) : 0;
}

static void on_error(void *ctx, const char *path, int err)
{
	struct collect *c = ctx;
	pthread_mutex_lock(&c->lock);
	strs_add(&c->errors, "%s: %s", path ? path : "(null)",
		 strerrorname_np(err) ? strerrorname_np(err) : "?");
	pthread_mutex_unlock(&c->lock);
}

static const struct walk_ops ops = {on_dir_enter, on_entry, on_dir_leave,
				    on_error, NULL};

/* Walk ROOT with THREADS (and the other options of O) into C. */
static int walk(struct collect *c, const char *root, int threads,
		struct walk_opts *o)
{
	struct walk_opts plain = {0};
	if (!o)
		o = &plain;
	o->threads = threads;
	collect_init(c, root, threads > 0 ? threads : WALK_MAX_THREADS);
	int rc = walk_tree(root, o, &ops, c);
	assert_int_equal(c->bad, 0);
	return rc;
}

static void assert_walked(struct collect *c, struct strs *entries,
			  struct strs *dirs)
{
	assert_true(same_strs("entries", &c->entries, entries));
	assert_true(same_strs("dirs", &c->dirs, dirs));
}

static const int thread_counts[] = {1, 4, 0};

/* ---- the walks ---- */

static void test_walk_all(void **state)
{
	struct fixture *f = *state;
	for (size_t i = 0; i < UNIT_ARRAY_LEN(thread_counts); i++) {
		struct collect c;
		assert_int_equal(walk(&c, f->root, thread_counts[i], NULL), 0);
		assert_walked(&c, &f->entries, &f->dirs);
		assert_int_equal(c.errors.n, 0);
		collect_free(&c);
	}
}

/*
 * Entries that come as DT_UNKNOWN without d_ino (the failpoint
 * dirent_unknown makes every one so): the walker stats them, descends into
 * the directories among them, and reports the rest with their types.
 */
static void test_walk_dtype_unknown(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(unit_failpoints("dirent_unknown=*:EIO"), 0);
	for (size_t i = 0; i < UNIT_ARRAY_LEN(thread_counts); i++) {
		struct collect c;
		assert_int_equal(walk(&c, f->root, thread_counts[i], NULL), 0);
		assert_walked(&c, &f->entries, &f->dirs);
		assert_int_equal(c.errors.n, 0);
		collect_free(&c);
	}
	unit_failpoints_off();
}

/* "tree/" and "." as roots: paths are "tree/x" and "./x". */
static void test_walk_root_forms(void **state)
{
	struct fixture *f = *state;
	char slash[PATH_MAX + 1];
	snprintf(slash, sizeof slash, "%s/", f->root);
	assert_int_equal(chdir(f->root), 0); /* teardown goes back */
	const char *const roots[] = {slash, ".", "./", f->root};
	for (size_t i = 0; i < UNIT_ARRAY_LEN(roots); i++) {
		struct collect c;
		int rc = walk(&c, roots[i], 4, NULL);
		assert_int_equal(rc, 0);
		assert_walked(&c, &f->entries, &f->dirs);
		collect_free(&c);
	}
}

static int stop_at_10(struct collect *c, const char *rel, int n)
{
	(void)c;
	(void)rel;
	return n >= 10;
}

/* entry() returning 1 stops the whole walk, promptly. */
static void test_walk_stop(void **state)
{
	struct fixture *f = *state;
	for (size_t i = 0; i < 2; i++) {
		int threads = thread_counts[i];
		struct collect c;
		collect_init(&c, f->root, threads);
		c.entry_result = stop_at_10;
		struct walk_opts o = {.threads = threads};
		assert_int_equal(walk_tree(f->root, &o, &ops, &c), 1);
		assert_int_equal(c.bad, 0);
		/* each other worker may finish the entry it was at */
		assert_true(c.entries.n >= 10);
		assert_true(c.entries.n <= (size_t)(10 + threads - 1));
		collect_free(&c);
	}
}

static int fail_f3(struct collect *c, const char *rel, int n)
{
	(void)c;
	(void)n;
	return strcmp(rel, "d1/f3") == 0 ? -EIO : 0;
}

static int enter_some(void *ctx, const struct walk_dir *d, void **data)
{
	const char *rel = d->path + d->rootlen;
	if (strcmp(rel, "/d1/d2") == 0)
		return 1; /* skipped quietly */
	if (strcmp(rel, "/wide") == 0)
		return -EPERM; /* skipped, reported */
	return on_dir_enter(ctx, d, data);
}

/* Errors from the callbacks are reported and the walk goes on. */
static void test_walk_callback_errors(void **state)
{
	struct fixture *f = *state;
	const struct walk_ops some = {enter_some, on_entry, on_dir_leave,
				      on_error, NULL};
	strs_drop(&f->entries, " d1/d2/");
	strs_drop(&f->dirs, " d1/d2");
	strs_drop(&f->entries, " wide/");
	strs_drop(&f->dirs, " wide");
	for (size_t i = 0; i < UNIT_ARRAY_LEN(thread_counts); i++) {
		struct collect c;
		collect_init(&c, f->root, thread_counts[i]);
		if (!thread_counts[i])
			c.threads = WALK_MAX_THREADS; /* it may grow */
		c.entry_result = fail_f3;
		struct walk_opts o = {.threads = thread_counts[i]};
		assert_int_equal(walk_tree(f->root, &o, &some, &c), 0);
		assert_int_equal(c.bad, 0);
		assert_walked(&c, &f->entries, &f->dirs);
		struct strs want = {0};
		strs_add(&want, "%s/d1/f3: EIO", f->root);
		strs_add(&want, "%s/wide: EPERM", f->root);
		assert_true(same_strs("errors", &c.errors, &want));
		strs_free(&want);
		collect_free(&c);
	}
}

/* ---- unreadable directories, failpoints ---- */

struct nobody_walk {
	struct fixture *f;
	const char *root;
	int rc; /* what walk_tree must return */
};

/* As nobody: d1/d2 (mode 000) is reported once and the rest walked. */
static int walk_as_nobody(void *arg)
{
	struct nobody_walk *n = arg;
	struct collect c;
	collect_init(&c, n->root, 2);
	struct walk_opts o = {.threads = 2};
	int rc = walk_tree(n->root, &o, &ops, &c);
	if (rc != n->rc) {
		fprintf(stderr, "walk_tree: %d, want %d\n", rc, n->rc);
		return 1;
	}
	if (rc < 0)
		return 0;
	struct strs want = {0};
	strs_add(&want, "%s/d1/d2: EACCES", n->root);
	int ok = c.bad == 0 && same_strs("errors", &c.errors, &want) &&
		 same_strs("entries", &c.entries, &n->f->entries) &&
		 same_strs("dirs", &c.dirs, &n->f->dirs);
	strs_free(&want);
	collect_free(&c);
	return ok ? 0 : 2;
}

static void test_walk_unreadable(void **state)
{
	struct fixture *f = *state;
	unit_need_root("become a user that a mode 000 directory stops");
	char d2[PATH_MAX];
	assert_int_equal(chmod(unit_path(d2, f->root, "d1/d2"), 0), 0);
	strs_drop(&f->entries, " d1/d2/");
	strs_drop(&f->dirs, " d1/d2");
	struct nobody_walk n = {f, f->root, 0};
	assert_int_equal(unit_run_as(UNIT_NOBODY, walk_as_nobody, &n), 0);
}

/* A root that exists but cannot be opened is the walk's own failure. */
static void test_walk_root_unreadable(void **state)
{
	struct fixture *f = *state;
	unit_need_root("become a user that a mode 000 directory stops");
	assert_int_equal(chmod(f->root, 0), 0);
	struct nobody_walk n = {f, f->root, -EACCES};
	assert_int_equal(unit_run_as(UNIT_NOBODY, walk_as_nobody, &n), 0);
}

static void test_walk_root_errors(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *rel;
		const char *failpoints;
		int rc;
	} cases[] = {
		{"f1", NULL, -ENOTDIR},
		{"missing", NULL, -ENOENT},
		{"lnk_dir", NULL, -ENOTDIR}, /* not followed */
		{".", "stat=1:EIO", -EIO},
		{".", "dir_open=1:EACCES", -EACCES},
	};
	for (size_t i = 0; i < UNIT_ARRAY_LEN(cases); i++) {
		char root[PATH_MAX];
		unit_path(root, f->root, cases[i].rel);
		assert_int_equal(unit_failpoints(cases[i].failpoints), 0);
		struct collect c;
		int rc = walk(&c, root, 2, NULL);
		unit_failpoints_off();
		size_t n = c.entries.n;
		collect_free(&c);
		if (rc != cases[i].rc)
			fprintf(stderr, "root %s, failpoints %s\n", root,
				cases[i].failpoints);
		assert_int_equal(rc, cases[i].rc);
		assert_int_equal(n, 0);
	}
}

/* follow_root walks what a symlink root points to, under its name. */
static void test_walk_follow_root(void **state)
{
	struct fixture *f = *state;
	char root[PATH_MAX];
	unit_path(root, f->root, "lnk_dir");
	struct collect c;
	struct walk_opts o = {.follow_root = 1};
	assert_int_equal(walk(&c, root, 2, &o), 0);
	struct strs want = {0}, dirs = {0};
	strs_add(&want, "f f3");
	strs_add(&want, "f d2/f4");
	strs_add(&want, "p d2/fifo");
	strs_add(&dirs, "0 .");
	strs_add(&dirs, "1 d2");
	strs_add(&dirs, "2 d2/d3");
	assert_walked(&c, &want, &dirs);
	strs_free(&want);
	strs_free(&dirs);
	collect_free(&c);
}

/*
 * A failing operation below the root is reported once, the walk ends
 * (all threads) and returns 0.
 */
static void test_walk_failpoints(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *spec;
		const char *err;
	} cases[] = {
		{"dir_open=2:EACCES", "EACCES"},
		{"dir_open=7:EMFILE", "EMFILE"},
		{"dir_next=3:EIO", "EIO"},
		{"stat=4:EIO", "EIO"}, /* a directory's fstat */
	};
	platform_checks = 0;
	for (size_t i = 0; i < UNIT_ARRAY_LEN(cases); i++)
		for (size_t t = 0; t < UNIT_ARRAY_LEN(thread_counts); t++) {
			assert_int_equal(unit_failpoints(cases[i].spec), 0);
			struct collect c;
			int rc = walk(&c, f->root, thread_counts[t], NULL);
			unit_failpoints_off();
			assert_int_equal(rc, 0);
			assert_int_equal(c.errors.n, 1);
			assert_non_null(strstr(c.errors.v[0], cases[i].err));
			/* which directory failed depends on the threads */
			assert_true(
				sub_strs("entries", &c.entries, &f->entries));
			assert_true(sub_strs("dirs", &c.dirs, &f->dirs));
			collect_free(&c);
		}
}

/* ---- a directory swapped for a symlink mid-walk ---- */

static void swap_d1(struct collect *c)
{
	const char *root = c->arg;
	char d1[PATH_MAX], moved[PATH_MAX];
	unit_path(d1, root, "d1");
	unit_path(moved, root, "d1.moved");
	/* read but not yet opened: make it a symlink out of the tree */
	if (rename(d1, moved) < 0 || symlink("../outside", d1) < 0)
		check(c, 0, "could not swap", d1);
}

static void test_walk_swap(void **state)
{
	struct fixture *f = *state;
	for (size_t i = 0; i < UNIT_ARRAY_LEN(thread_counts); i++) {
		char d1[PATH_MAX], moved[PATH_MAX];
		unit_path(d1, f->root, "d1");
		unit_path(moved, f->root, "d1.moved");
		struct collect c;
		collect_init(&c, f->root,
			     thread_counts[i] ? thread_counts[i]
					      : WALK_MAX_THREADS);
		c.root_read = swap_d1;
		c.arg = f->root;
		struct walk_opts o = {.threads = thread_counts[i]};
		assert_int_equal(walk_tree(f->root, &o, &ops, &c), 0);
		assert_int_equal(c.bad, 0);
		assert_int_equal(strs_count(&c.entries, "secret"), 0);
		assert_int_equal(strs_count(&c.entries, "d1/"), 0);
		assert_int_equal(c.errors.n, 1);
		char loop[PATH_MAX + 16], notdir[PATH_MAX + 16];
		snprintf(loop, sizeof loop, "%s: ELOOP", d1);
		snprintf(notdir, sizeof notdir, "%s: ENOTDIR", d1);
		assert_true(strcmp(c.errors.v[0], loop) == 0 ||
			    strcmp(c.errors.v[0], notdir) == 0);
		collect_free(&c);
		/* put it back for the next round */
		assert_int_equal(unlink(d1), 0);
		assert_int_equal(rename(moved, d1), 0);
	}
}

/* ---- an entry that is a directory by the time it is looked at ---- */

struct swapped_in {
	pthread_mutex_t lock;
	const char *root;
	struct strs files; /* entries whose stat said a file */
	int skipped; /* walk_entry_stat returned 1 */
	int errors;
};

/*
 * Entry s, a symlink when its directory was read, becomes a directory
 * holding g before walk_entry_stat: the stat decides, s is walked.
 */
static int swap_in_entry(void *ctx, const struct walk_entry *e)
{
	struct swapped_in *x = ctx;
	const char *rel = e->path + e->rootlen + 1;
	if (strcmp(rel, "s") == 0 && e->type == HLN_T_LNK) {
		char s[PATH_MAX], g[PATH_MAX];
		unit_path(s, x->root, "s");
		if (unlink(s) < 0 || mkdir(s, 0755) < 0)
			return -EIO;
		unit_write_file(unit_path(g, x->root, "s/g"), "gg");
	}
	struct hln_stat buf;
	const struct hln_stat *st;
	int rc = walk_entry_stat(e, 0, &buf, &st);
	pthread_mutex_lock(&x->lock);
	if (rc == 1)
		x->skipped++;
	else if (rc == 0 && st->type != HLN_T_DIR)
		strs_add(&x->files, "%s", rel);
	else
		x->errors++;
	pthread_mutex_unlock(&x->lock);
	return rc < 0 ? rc : 0;
}

static void count_error(void *ctx, const char *path, int err)
{
	struct swapped_in *x = ctx;
	(void)path, (void)err;
	pthread_mutex_lock(&x->lock);
	x->errors++;
	pthread_mutex_unlock(&x->lock);
}

static void test_walk_swapped_in_dir(void **state)
{
	struct fixture *f = *state;
	for (size_t i = 0; i < UNIT_ARRAY_LEN(thread_counts); i++) {
		char root[PATH_MAX], path[PATH_MAX];
		snprintf(path, sizeof path, "swapped%zu", i);
		unit_path(root, f->tmp, path);
		assert_int_equal(mkdir(root, 0755), 0);
		unit_write_file(unit_path(path, root, "f"), "f");
		assert_int_equal(symlink("f", unit_path(path, root, "s")), 0);
		struct swapped_in x = {.lock = PTHREAD_MUTEX_INITIALIZER,
				       .root = root};
		struct walk_ops wops = {NULL, swap_in_entry, NULL, count_error,
					NULL};
		struct walk_opts o = {.threads = thread_counts[i]};
		assert_int_equal(walk_tree(root, &o, &wops, &x), 0);
		struct strs want = {0};
		strs_add(&want, "f");
		strs_add(&want, "s/g");
		assert_true(same_strs("files", &x.files, &want));
		assert_int_equal(x.skipped, 1);
		assert_int_equal(x.errors, 0);
		strs_free(&want);
		strs_free(&x.files);
	}
}

/* ---- stopping while another worker's entry fails ---- */

struct race {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int a_started, b_returning, timed_out;
};

/* Wait (at most 5 s) until *FLAG; returns 0, or -1 on time-out. */
static int race_wait(struct race *r, int *flag)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 5;
	int rc = 0;
	pthread_mutex_lock(&r->lock);
	while (!*flag && rc == 0)
		rc = pthread_cond_timedwait(&r->cond, &r->lock, &ts);
	if (!*flag)
		r->timed_out = 1;
	pthread_mutex_unlock(&r->lock);
	return *flag ? 0 : -1;
}

static void race_set(struct race *r, int *flag)
{
	pthread_mutex_lock(&r->lock);
	*flag = 1;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
}

/*
 * x/a fails after y/b has stopped the walk: a's error is reported, and
 * nothing else (the walk stopped, it did not fail to read x).
 */
static int race_entry(struct collect *c, const char *rel, int n)
{
	struct race *r = c->arg;
	(void)n;
	if (strcmp(rel, "x/a") == 0) {
		race_set(r, &r->a_started);
		race_wait(r, &r->b_returning);
		hln_sleep_ms(50); /* b's return has set the stop flag */
		return -EIO;
	}
	if (strcmp(rel, "y/b") == 0) {
		race_wait(r, &r->a_started);
		race_set(r, &r->b_returning);
		return 1;
	}
	return 0;
}

static void test_walk_error_while_stopping(void **state)
{
	struct fixture *f = *state;
	char root[PATH_MAX], path[PATH_MAX], x[PATH_MAX];
	unit_path(root, f->tmp, "race");
	assert_int_equal(mkdir(root, 0755), 0);
	assert_int_equal(mkdir(unit_path(x, root, "x"), 0755), 0);
	assert_int_equal(mkdir(unit_path(path, root, "y"), 0755), 0);
	unit_write_file(unit_path(path, root, "x/a"), "a");
	unit_write_file(unit_path(path, root, "y/b"), "b");

	struct race r = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0,
			 0, 0};
	struct collect c;
	collect_init(&c, root, 2);
	c.entry_result = race_entry;
	c.arg = &r;
	struct walk_opts o = {.threads = 2};
	assert_int_equal(walk_tree(root, &o, &ops, &c), 1);
	assert_int_equal(c.bad, 0);
	assert_int_equal(r.timed_out, 0);
	struct strs want = {0};
	strs_add(&want, "%s/x/a: EIO", root);
	assert_true(same_strs("errors", &c.errors, &want));
	strs_free(&want);
	collect_free(&c);
}

/* ---- filesystems ---- */

static void mount_in_tree(struct fixture *f, const char *rel,
			  const char *bind_from)
{
	unit_need_root("mount a filesystem in the tree");
	char *mnt = f->mounts[f->nmounts];
	unit_path(mnt, f->root, rel);
	assert_int_equal(mkdir(mnt, 0755), 0);
	char from[PATH_MAX];
	int rc = bind_from ? unit_mount_bind(
				     unit_path(from, f->root, bind_from), mnt)
			   : unit_mount_tmpfs(mnt);
	if (rc < 0) {
		fprintf(stderr, "skipped: cannot mount on %s: %s\n", mnt,
			strerror(-rc));
		skip();
	}
	f->nmounts++;
}

static void test_walk_one_fs(void **state)
{
	struct fixture *f = *state;
	mount_in_tree(f, "mnt", NULL);
	char path[PATH_MAX];
	unit_write_file(unit_path(path, f->root, "mnt/inner"), "i");
	mount_in_tree(f, "bind", "d1");
	static const struct {
		int one_fs, same_mount;
		int tmpfs, bind; /* whether each is entered */
	} cases[] = {
		{0, 0, 1, 1},
		{1, 0, 0, 1},
		{0, 1, 0, 0},
		{1, 1, 0, 0},
	};
	for (size_t i = 0; i < UNIT_ARRAY_LEN(cases); i++) {
		struct collect c;
		struct walk_opts o = {.one_fs = cases[i].one_fs,
				      .same_mount = cases[i].same_mount};
		assert_int_equal(walk(&c, f->root, 4, &o), 0);
		assert_int_equal(strs_count(&c.entries, "f mnt/inner"),
				 cases[i].tmpfs);
		assert_int_equal(strs_count(&c.dirs, "1 mnt"), cases[i].tmpfs);
		/* without mount ids a bind mount is the same filesystem */
		int bind = unit_portable() ? 1 : cases[i].bind;
		assert_int_equal(strs_count(&c.entries, "f bind/d2/f4"), bind);
		assert_int_equal(strs_count(&c.dirs, "1 bind"), bind);
		/* the rest of the tree is walked as always */
		assert_int_equal(strs_count(&c.entries, "f d1/d2/f4"), 1);
		assert_int_equal(c.errors.n, 0);
		collect_free(&c);
	}
}

/* The progress counters count entries read and directories entered. */
static void test_walk_progress(void **state)
{
	struct fixture *f = *state;
	struct walk_progress p;
	memset(&p, 0, sizeof p);
	struct walk_opts o = {.progress = &p};
	struct collect c;
	assert_int_equal(walk(&c, f->root, 4, &o), 0);
	assert_int_equal(atomic_load(&p.dirs), f->dirs.n);
	/* every name but the root's is an entry of its directory */
	assert_int_equal(atomic_load(&p.entries), f->entries.n + f->dirs.n - 1);
	collect_free(&c);
}

/* ---- more workers while the walk waits ---- */

/* A tree of 64 directories of 4 files each under ROOT. */
static void make_wide_tree(const char *root)
{
	char path[PATH_MAX + 16];
	assert_int_equal(mkdir(root, 0755), 0);
	for (int d = 0; d < 64; d++) {
		snprintf(path, sizeof path, "%s/d%02d", root, d);
		assert_int_equal(mkdir(path, 0755), 0);
		for (int i = 0; i < 4; i++) {
			snprintf(path, sizeof path, "%s/d%02d/f%d", root, d, i);
			unit_write_file(path, "x");
		}
	}
}

struct workers_seen {
	atomic_int top; /* the highest worker index seen */
	atomic_int entries;
	int spin; /* entry() computes for 200 us instead of sleeping 3 ms */
};

static int slow_entry(void *ctx, const struct walk_entry *e)
{
	struct workers_seen *s = ctx;
	int top = atomic_load(&s->top);
	while (e->worker > top &&
	       !atomic_compare_exchange_weak(&s->top, &top, e->worker))
		;
	atomic_fetch_add(&s->entries, 1);
	if (!s->spin) {
		hln_sleep_ms(3); /* a read of a cold disk */
		return 0;
	}
	uint64_t end = hln_now_ns() + 200000;
	while (hln_now_ns() < end)
		;
	return 0;
}

/*
 * With the default thread count, workers that block (entry() sleeps, as on
 * a cold disk) make the walk start more than one per CPU; workers that
 * compute do not.  An exact thread count is kept either way.
 */
static void test_walk_grows_when_blocked(void **state)
{
	struct fixture *f = *state;
	char root[PATH_MAX];
	make_wide_tree(unit_path(root, f->tmp, "wide64"));
	const struct walk_ops slow = {NULL, slow_entry, NULL, NULL, NULL};
	int cpus = hln_ncpus();
	if (cpus * WALK_GROW <= cpus + 1 || cpus >= WALK_MAX_THREADS) {
		fprintf(stderr, "skipped: %d CPUs leave no room to grow\n",
			cpus);
		return;
	}
	static const struct {
		int threads, spin, grows;
	} cases[] = {
		{0, 0, 1}, /* blocked: more workers */
		{2, 0, 0}, /* an exact count stays */
		{0, 1, 0}, /* computing: no more */
	};
	for (size_t i = 0; i < UNIT_ARRAY_LEN(cases); i++) {
		struct workers_seen s = {.spin = cases[i].spin};
		struct walk_opts o = {.threads = cases[i].threads};
		uint64_t t0 = hln_now_ns();
		assert_int_equal(walk_tree(root, &o, &slow, &s), 0);
		double ms = (double)(hln_now_ns() - t0) / 1e6;
		int top = atomic_load(&s.top);
		fprintf(stderr, "threads %d, %s: top worker %d, %.0f ms\n",
			cases[i].threads,
			cases[i].spin ? "computing" : "blocked", top, ms);
		assert_int_equal(atomic_load(&s.entries), 256);
		int limit = cases[i].threads ? cases[i].threads : cpus;
		if (cases[i].grows)
			assert_true(top >= limit);
		else
			assert_true(top < limit);
		assert_true(top < WALK_MAX_THREADS);
	}
}

/* ---- walk_is_within ---- */

static void test_is_within(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(chdir(f->root), 0); /* teardown goes back */
	static const struct {
		const char *path, *ancestor;
		int want;
	} cases[] = {
		{"d1/d2/d3", "d1", 1},
		{"d1/d2/d3", "d1/d2/d3", 1},
		{"d1/d2/d3/", "d1/d2", 1},
		{"d1", "d1/d2", 0},
		{"d1/d2/f4", "d1/d2", 1}, /* a file operand: its directory */
		{"d1/d2/f4", "d1", 1},
		{"d1/d2/f4", "d1/d2/f4", 1},
		{"d1/d2/f4", "d1/d2/d3", 0},
		{"f1", ".", 1},
		{"f1", "d1", 0},
		{"wide/w03", "d1", 0},
		{"d1/d2", "/", 1},
		{"lnk_dir/d2", "d1", 1}, /* physical ".." */
		{".", "d1", 0},
		{"d1/missing", "d1", -ENOENT},
	};
	for (size_t i = 0; i < UNIT_ARRAY_LEN(cases); i++) {
		struct stat sb;
		assert_int_equal(stat(cases[i].ancestor, &sb), 0);
		int rc = walk_is_within(cases[i].path, sb.st_dev, sb.st_ino);
		if (rc != cases[i].want)
			fprintf(stderr, "%s within %s\n", cases[i].path,
				cases[i].ancestor);
		assert_int_equal(rc, cases[i].want);
	}
}

/* ---- walk_reopen ---- */

/* Whether the directory D is the one at PATH (same dev and ino). */
static int is_dir_at(struct hln_dir *d, const char *path)
{
	struct hln_stat st;
	struct stat sb;
	assert_int_equal(hln_dir_fstat(d, 0, &st), 0);
	assert_int_equal(stat(path, &sb), 0);
	return st.dev == (uint64_t)sb.st_dev && st.ino == (uint64_t)sb.st_ino;
}

enum { LINK = 1 };

static void test_reopen(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *rel, *is; /* is: the directory it must be */
		int want;
	} cases[] = {
		{"", ".", 0},
		{"/d1", "d1", 0},
		{"/d1/d2/d3", "d1/d2/d3", 0},
		{"d1//d2/", "d1/d2", 0},
		/* a symlink is never followed: -ENOTDIR or -ELOOP (LINK) */
		{"/lnk_dir", NULL, LINK},
		{"/lnk_dir/d2", NULL, LINK},
		{"/d1/f3", NULL, -ENOTDIR},
		{"/missing", NULL, -ENOENT},
	};
	char path[PATH_MAX];
	for (size_t i = 0; i < UNIT_ARRAY_LEN(cases); i++) {
		struct hln_dir *d = NULL;
		int rc = walk_reopen(f->root, cases[i].rel, &d);
		if (cases[i].want == LINK && rc == -ELOOP)
			rc = -ENOTDIR;
		if (rc != (cases[i].want == LINK ? -ENOTDIR : cases[i].want))
			fprintf(stderr, "walk_reopen '%s': %d\n", cases[i].rel,
				rc);
		assert_int_equal(rc, cases[i].want == LINK ? -ENOTDIR
							   : cases[i].want);
		if (rc == 0) {
			assert_true(is_dir_at(
				d, unit_path(path, f->root, cases[i].is)));
			hln_dir_close(d);
		}
	}
	/* the root is not followed either */
	struct hln_dir *d;
	int rc = walk_reopen(unit_path(path, f->root, "lnk_dir"), "", &d);
	assert_true(rc == -ENOTDIR || rc == -ELOOP);
}

/* Deeper than PATH_MAX: reached one directory at a time. */
static void test_reopen_deep(void **state)
{
	struct fixture *f = *state;
	char name[201], rel[8192] = "";
	memset(name, 'n', 200);
	name[200] = '\0';
	assert_int_equal(chdir(f->root), 0); /* teardown goes back */
	for (int i = 0; i < 30; i++) {
		assert_int_equal(mkdir(name, 0755), 0);
		assert_int_equal(chdir(name), 0);
		strcat(rel, "/");
		strcat(rel, name);
	}
	assert_true(strlen(rel) > PATH_MAX);
	struct stat here;
	assert_int_equal(stat(".", &here), 0);
	struct hln_dir *d;
	assert_int_equal(walk_reopen(f->root, rel, &d), 0);
	struct hln_stat st;
	assert_int_equal(hln_dir_fstat(d, 0, &st), 0);
	assert_true(st.ino == (uint64_t)here.st_ino);
	hln_dir_close(d);
	/* unit_rmtree cannot remove what is deeper than PATH_MAX */
	for (int i = 0; i < 30; i++) {
		assert_int_equal(chdir(".."), 0);
		assert_int_equal(rmdir(name), 0);
	}
}

static void test_path_rel(void **state)
{
	(void)state;
	assert_int_equal(walk_path_rel("d", "d/x"), 1);
	assert_int_equal(walk_path_rel("d/", "d/x/y"), 1);
	assert_int_equal(walk_path_rel("/", "/x"), 0);
	assert_int_equal(walk_path_rel("a/b", "a/b/c"), 3);
	assert_int_equal(walk_path_rel("d", "dx/y"), -1);
	assert_int_equal(walk_path_rel("d", "d"), -1);
	assert_int_equal(walk_path_rel("d", "e/d/x"), -1);
}

/* The directory of each name, reopened; kept while names share it. */
static void test_parent_open(void **state)
{
	struct fixture *f = *state;
	char p1[PATH_MAX], p2[PATH_MAX], p3[PATH_MAX];
	struct walk_parent p;
	memset(&p, 0, sizeof p);
	const char *name;
	assert_int_equal(walk_parent_open(&p, f->root,
					  unit_path(p1, f->root, "d1/d2/f4"),
					  &name),
			 0);
	assert_string_equal(name, "f4");
	struct hln_dir *first = p.dir;
	struct hln_stat st;
	assert_int_equal(hln_dir_statat(p.dir, name, 0, &st), 0);
	assert_int_equal(st.ino, unit_ino(p1));
	/* the same directory: kept open, not reopened */
	assert_int_equal(walk_parent_open(&p, f->root,
					  unit_path(p2, f->root, "d1/d2/fifo"),
					  &name),
			 0);
	assert_ptr_equal(p.dir, first);
	assert_string_equal(name, "fifo");
	/* another: the root itself */
	assert_int_equal(walk_parent_open(&p, f->root,
					  unit_path(p3, f->root, "f1"), &name),
			 0);
	assert_int_equal(hln_dir_statat(p.dir, name, 0, &st), 0);
	assert_int_equal(st.ino, unit_ino(p3));
	/* not under the root, or through a symlink: nothing held */
	assert_int_equal(walk_parent_open(&p, f->root, "/etc/passwd", &name),
			 -EINVAL);
	assert_null(p.dir);
	int rc = walk_parent_open(&p, f->root,
				  unit_path(p1, f->root, "lnk_dir/f3"), &name);
	assert_true(rc == -ENOTDIR || rc == -ELOOP);
	assert_null(p.dir);
	walk_parent_close(&p);
}

int main(void)
{
	alarm(300); /* a walk that never ends fails the run */
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_walk_all),
		T(test_walk_dtype_unknown),
		T(test_walk_root_forms),
		T(test_walk_stop),
		T(test_walk_callback_errors),
		T(test_walk_unreadable),
		T(test_walk_root_unreadable),
		T(test_walk_root_errors),
		T(test_walk_follow_root),
		T(test_walk_failpoints),
		T(test_walk_swap),
		T(test_walk_swapped_in_dir),
		T(test_walk_error_while_stopping),
		T(test_walk_one_fs),
		T(test_walk_progress),
		T(test_walk_grows_when_blocked),
		T(test_is_within),
		T(test_reopen),
		T(test_reopen_deep),
		T(test_path_rel),
		T(test_parent_open),
	};
#undef T
	return cmocka_run_group_tests_name("walk", tests, NULL, NULL);
}
