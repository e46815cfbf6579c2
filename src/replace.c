/*
 * replace.c - atomic replacement of a name; see hln/replace.h.
 *
 * As coreutils force-link.c and systemd's linkat_replace: the new file
 * gets a random ".hln-" name in the directory of the name it replaces
 * (a fixed name could collide and would be left as litter, as util-linux
 * hardlink's ".hardlink-temporary" was), then one rename puts it in place.
 */
#include <errno.h>
#include <string.h>

#include "hln/path.h"
#include "hln/platform.h"
#include "hln/replace.h"

#define TMP_PREFIX ".hln-"
#define TMP_RANDOM 10

int replace_tmpname(const char *name, char *buf, size_t size)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyz"
				    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	size_t dirlen = (size_t)(path_tail(name) - name); /* "dir/" kept */
	size_t need = dirlen + sizeof TMP_PREFIX - 1 + TMP_RANDOM + 1;
	if (need > size)
		return -ENAMETOOLONG;
	unsigned char rnd[TMP_RANDOM];
	int rc = hln_random(rnd, sizeof rnd);
	if (rc < 0)
		return rc;
	memcpy(buf, name, dirlen);
	char *p = buf + dirlen;
	memcpy(p, TMP_PREFIX, sizeof TMP_PREFIX - 1);
	p += sizeof TMP_PREFIX - 1;
	for (size_t i = 0; i < TMP_RANDOM; i++)
		*p++ = chars[rnd[i] % (sizeof chars - 1)];
	*p = '\0';
	return 0;
}

static int same_file(const struct hln_stat *a, const struct hln_stat *b)
{
	return a->dev == b->dev && a->ino == b->ino;
}

int replace_tmp_create(const char *name, struct replace_tmp *t)
{
	return replace_tmp_create_at(NULL, name, 0600, t);
}

int replace_tmp_create_at(struct hln_dir *d, const char *name, uint32_t mode,
			  struct replace_tmp *t)
{
	char dir[sizeof t->path];
	t->f = NULL;
	t->path[0] = '\0';
	t->dir = d;
	int rc = path_dir(dir, sizeof dir, name);
	if (rc < 0)
		return rc;
	rc = hln_file_tmpfile(d, dir, mode, &t->f);
	if (rc != -ENOSYS)
		return rc;
	/* A few tries: another process could take the same random name. */
	for (int tries = 0; tries < 8; tries++) {
		rc = replace_tmpname(name, t->path, sizeof t->path);
		if (rc < 0)
			break;
		rc = hln_file_openat(d, t->path, HLN_OPEN_CREATE, &t->f);
		if (rc != -EEXIST)
			break;
	}
	if (rc < 0) {
		t->f = NULL;
		t->path[0] = '\0';
	}
	return rc;
}

int replace_tmp_name(const char *name, struct replace_tmp *t)
{
	int rc = 0;
	if (t->path[0])
		return 0;
	for (int tries = 0; tries < 8; tries++) {
		rc = replace_tmpname(name, t->path, sizeof t->path);
		if (rc < 0)
			break;
		rc = hln_file_link(t->f, t->dir, t->path);
		if (rc != -EEXIST)
			break;
	}
	if (rc < 0)
		t->path[0] = '\0';
	return rc;
}

int replace_tmp_discard(struct replace_tmp *t)
{
	int rc = hln_file_close(t->f);
	t->f = NULL;
	if (t->path[0]) {
		int rc2 = hln_dir_unlinkat(t->dir, t->path);
		if (rc2 < 0 && rc == 0)
			rc = rc2;
		t->path[0] = '\0';
	}
	return rc;
}

/* Where names cannot be exchanged: check NAME, then rename over it. */
static int swap_by_rename(struct replace_tmp *t, const char *name,
			  const struct hln_stat *expect, const char *dir)
{
	struct hln_stat now;
	int rc = hln_dir_statat(t->dir, name, 0, &now);
	if (rc < 0)
		return rc;
	if (!same_file(&now, expect))
		return -ECANCELED;
	rc = hln_dir_renameat(t->dir, t->path, name);
	if (rc < 0)
		return rc;
	/*
	 * rename() of two names of one file does nothing and leaves both:
	 * then the temporary name is still ours to remove.
	 */
	struct hln_stat left;
	if (hln_dir_statat(t->dir, t->path, 0, &left) == 0 &&
	    same_file(&left, &now))
		hln_dir_unlinkat(t->dir, t->path);
	t->path[0] = '\0';
	return hln_dir_sync(t->dir, dir);
}

/*
 * Whether NOW still shows the contents of EXPECT: the same inode, size and
 * modification time to the nanosecond (every write moves the mtime), and
 * with CTIME the same change time too (a rename moves it, so it can only
 * be checked before the exchange).
 */
static int same_contents(const struct hln_stat *now,
			 const struct hln_stat *expect, int ctime)
{
	return same_file(now, expect) && now->size == expect->size &&
	       now->mtime_sec == expect->mtime_sec &&
	       now->mtime_nsec == expect->mtime_nsec &&
	       (!ctime || (now->ctime_sec == expect->ctime_sec &&
			   now->ctime_nsec == expect->ctime_nsec));
}

/*
 * After T->path and NAME were exchanged: check that what came out of NAME
 * is EXPECT (with CONTENTS, unchanged in size and mtime too), then remove
 * the temporary; on any failure exchange back, so that NAME holds what it
 * held and the old file keeps no extra name.  Returns 0, -ECANCELED when
 * NAME held another file, or -errno.
 */
static int exchanged(struct replace_tmp *t, const char *name,
		     const struct hln_stat *expect, int contents)
{
	struct hln_stat out;
	int rc = hln_dir_statat(t->dir, t->path, 0, &out);
	if (rc == 0 && !(contents ? same_contents(&out, expect, 0)
				  : same_file(&out, expect)))
		rc = -ECANCELED;
	if (rc == 0)
		rc = hln_dir_unlinkat(t->dir, t->path);
	if (rc < 0) {
		if (hln_exchange(t->dir, t->path, name) < 0) {
			/*
			 * Stuck half-way: NAME holds the new file and
			 * T->path what NAME held, perhaps someone else's
			 * file, which must not be removed.
			 */
			t->path[0] = '\0';
		}
		return rc;
	}
	t->path[0] = '\0';
	return 0;
}

int replace_swap(struct replace_tmp *t, const char *name,
		 const struct hln_stat *expect)
{
	char dir[sizeof t->path];
	int rc = path_dir(dir, sizeof dir, name);
	if (rc < 0)
		return rc;
	rc = hln_exchange(t->dir, t->path, name);
	if (rc == -ENOSYS)
		return swap_by_rename(t, name, expect, dir);
	if (rc == 0) /* what came out of NAME must be the file copied */
		rc = exchanged(t, name, expect, 0);
	return rc < 0 ? rc : hln_dir_sync(t->dir, dir);
}

int replace_swap_unchanged(struct replace_tmp *t, const char *name,
			   const struct hln_stat *expect, int flags)
{
	struct hln_stat now;
	int rc = hln_dir_statat(t->dir, name, 0, &now);
	if (rc < 0)
		return rc;
	if (!same_contents(&now, expect, 1))
		return -ECANCELED;
	rc = hln_exchange(t->dir, t->path, name);
	if (rc == -ENOSYS) {
		rc = hln_dir_renameat(t->dir, t->path, name);
		if (rc == 0)
			t->path[0] = '\0';
	} else if (rc == 0) {
		rc = exchanged(t, name, expect, 1);
	}
	if (rc < 0 || !(flags & REPLACE_SYNC))
		return rc;
	char dir[sizeof t->path];
	rc = path_dir(dir, sizeof dir, name);
	return rc < 0 ? rc : hln_dir_sync(t->dir, dir);
}

int replace_with_link(const char *target, const char *name, int flags)
{
	struct replace_tmp t = {NULL, "", NULL};
	int rc;
	/* A few tries: another process could take the same random name. */
	for (int tries = 0; tries < 8; tries++) {
		rc = replace_tmpname(name, t.path, sizeof t.path);
		if (rc < 0)
			return rc;
		rc = hln_link(target, t.path, flags);
		if (rc != -EEXIST)
			break;
	}
	if (rc < 0)
		return rc;
	struct hln_stat expect;
	rc = hln_stat_path(name, 0, &expect);
	if (rc == -ENOENT) {
		/* Nothing there to keep: a plain rename makes the name. */
		rc = hln_rename(t.path, name);
		if (rc == 0) {
			char dir[sizeof t.path];
			rc = path_dir(dir, sizeof dir, name);
			return rc < 0 ? rc : hln_dir_sync(NULL, dir);
		}
	} else if (rc == 0 && expect.type == HLN_T_DIR) {
		rc = -EISDIR;
	} else if (rc == 0) {
		rc = replace_swap(&t, name, &expect);
		if (rc == 0 || !t.path[0])
			return rc;
	}
	hln_unlink(t.path);
	return rc;
}

/* Make a temporary name in D with MAKE, then rename it over NAME. */
static int replace_at(struct hln_dir *d, const char *name,
		      int (*make)(void *arg, struct hln_dir *d,
				  const char *tmp),
		      void *arg)
{
	char tmp[sizeof TMP_PREFIX + TMP_RANDOM + 1];
	int rc;
	/* A few tries: another process could take the same random name. */
	for (int tries = 0; tries < 8; tries++) {
		rc = replace_tmpname("", tmp, sizeof tmp);
		if (rc < 0)
			return rc;
		rc = make(arg, d, tmp);
		if (rc != -EEXIST)
			break;
	}
	if (rc < 0)
		return rc;
	rc = hln_dir_renameat(d, tmp, name);
	/*
	 * rename() of two names of one file does nothing and leaves both:
	 * then the temporary name is still ours to remove.
	 */
	struct hln_stat left;
	if (rc < 0 || hln_dir_statat(d, tmp, 0, &left) == 0)
		hln_dir_unlinkat(d, tmp);
	return rc;
}

struct linkat_arg {
	struct hln_dir *sd;
	const char *sname;
};

static int make_link(void *arg, struct hln_dir *d, const char *tmp)
{
	const struct linkat_arg *a = arg;
	return hln_dir_linkat(a->sd, a->sname, d, tmp);
}

static int make_symlink(void *arg, struct hln_dir *d, const char *tmp)
{
	return hln_dir_symlinkat(d, tmp, arg);
}

int replace_with_linkat(struct hln_dir *sd, const char *sname,
			struct hln_dir *dd, const char *dname)
{
	struct linkat_arg a = {sd, sname};
	return replace_at(dd, dname, make_link, &a);
}

int replace_with_symlink(struct hln_dir *d, const char *name, const char *text)
{
	return replace_at(d, name, make_symlink, (void *)text);
}
