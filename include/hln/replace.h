/*
 * hln/replace.h - atomic replacement of a name: the new file is made
 * under a random ".hln-" name in the same directory and renamed over the
 * name, so that at every instant the name holds the old file or the new
 * one; the temporary name is removed on every error path.
 */
#ifndef HLN_REPLACE_H
#define HLN_REPLACE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Put a fresh temporary name for the directory of NAME in BUF:
 * "DIR/.hln-XXXXXXXXXX" (DIR as in NAME; none if NAME has no slash).
 * Returns 0, or -ENAMETOOLONG if BUF is too small.
 */
int replace_tmpname(const char *name, char *buf, size_t size);

/*
 * Make NAME a hard link to TARGET, replacing what NAME held atomically
 * (link TARGET to a temporary name, rename it over NAME).  FLAGS may hold
 * HLN_FOLLOW to link what a symlink TARGET points to.
 * Returns 0, or the -errno of the step that failed; then NAME is as it was
 * and no temporary name is left.
 */
int replace_with_link(const char *target, const char *name, int flags);

/* ---- the same, relative to open directories (create -r, any depth) ---- */

struct hln_dir;

/*
 * Make DNAME in DD a hard link to SNAME in SD (a symlink SNAME is linked
 * itself), replacing what DNAME held atomically: the link is made under a
 * fresh ".hln-" name in DD (another is tried while one is taken) and
 * renamed over DNAME.
 * Returns 0, or the -errno of the step that failed (-EISDIR when DNAME is
 * a directory); then DNAME is as it was and no temporary name is left.
 */
int replace_with_linkat(struct hln_dir *sd, const char *sname,
			struct hln_dir *dd, const char *dname);

/*
 * Make NAME in D a symbolic link holding TEXT, replacing what NAME held
 * atomically, as replace_with_linkat does.
 * Returns 0, or the -errno of the step that failed; then NAME is as it
 * was and no temporary name is left.
 */
int replace_with_symlink(struct hln_dir *d, const char *name, const char *text);

/* ---- a new file swapped in for a name (break; create -f shares it) ---- */

struct hln_file;
struct hln_stat;

/*
 * A new file made to replace a name, in the name's directory.  Its names
 * and the name it replaces are paths, or names relative to DIR when it
 * was made by replace_tmp_create_at (DIR is the caller's, not closed).
 */
struct replace_tmp {
	struct hln_file *f; /* open read-write; NULL for a link (create -f) */
	char path[4096 + 32]; /* its ".hln-" name, "" while it has none */
	struct hln_dir *dir; /* what PATH and the name are relative to, or
				NULL (paths) */
};

/*
 * Make a new empty file T to replace the path NAME, in NAME's directory:
 * without a name where the OS can (O_TMPFILE, mode 0600), else under a
 * fresh ".hln-" name opened O_CREAT|O_EXCL|O_NOFOLLOW with mode 0600.
 * Returns 0, or -errno; then nothing was made.
 */
int replace_tmp_create(const char *name, struct replace_tmp *t);

/*
 * As replace_tmp_create, for NAME in the directory DIR (NULL: NAME is a
 * path): T's name and the NAME given to replace_tmp_name and replace_swap
 * are then relative to DIR, so a name deeper than a path can reach works.
 * DIR must stay open while T is used.  A file made without a name gets
 * the permission bits MODE & 0777 less the umask (nobody can open it by
 * a name before it has one; the file's final mode, which may spare the
 * caller a chmod); a named one always 0600.
 * Returns 0, or -errno; then nothing was made.
 */
int replace_tmp_create_at(struct hln_dir *dir, const char *name, uint32_t mode,
			  struct replace_tmp *t);

/*
 * Give T a fresh ".hln-" name in the directory of NAME (relative to T's
 * directory) if it has none.
 * Returns 0, or -errno (T keeps no name then).
 */
int replace_tmp_name(const char *name, struct replace_tmp *t);

/*
 * Close T's file and remove its name, if any (both tried).
 * Returns 0, or the first -errno met.
 */
int replace_tmp_discard(struct replace_tmp *t);

/*
 * Put the file named T->path in place of NAME (both relative to T's
 * directory, when it has one), if NAME still holds the
 * file EXPECT (same dev and ino), in one step: exchange the two names
 * (renameat2 RENAME_EXCHANGE) and check that what came out of NAME is
 * EXPECT — if it is not (someone replaced NAME meanwhile), exchange back,
 * so their file is never clobbered.  Then remove the old file's name (now
 * T->path) and flush the directory.  Where names cannot be exchanged, NAME
 * is checked and T->path renamed over it.
 * Returns 0 (T->path is then ""), or -errno: -ECANCELED when NAME no longer
 * held EXPECT.  On failure NAME holds what it held and T->path, if not "",
 * still names the new file for the caller to remove; but if the directory
 * could not be flushed the swap is done, T->path is "" and that -errno is
 * returned.
 */
int replace_swap(struct replace_tmp *t, const char *name,
		 const struct hln_stat *expect);

/* replace_swap_unchanged: flush NAME's directory after the swap. */
#define REPLACE_SYNC 1

/*
 * As replace_swap, for a name whose file must not have changed since it
 * was examined (dedupe: EXPECT is the stat made before its bytes were
 * compared).  Just before the exchange NAME must still hold EXPECT's
 * inode with its size, mtime and ctime to the nanosecond; what comes out
 * of NAME after the exchange must be that inode with that size and mtime
 * (the exchange itself moves the ctime); else the names are exchanged
 * back.  Where names cannot be exchanged, NAME is checked and T->path
 * renamed over it.  The directory is flushed only with REPLACE_SYNC in
 * FLAGS: a name that holds either of two files with the same bytes needs
 * no flush to lose nothing.
 * Returns 0 (T->path is then ""), -ECANCELED when NAME no longer held
 * EXPECT unchanged, or another -errno; on failure NAME holds what it held
 * and T->path, if not "", still names the new file for the caller to
 * remove (if the flush failed, the swap is done and T->path is "").
 */
int replace_swap_unchanged(struct replace_tmp *t, const char *name,
			   const struct hln_stat *expect, int flags);

#endif
