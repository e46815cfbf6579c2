/*
 * hln/copy.h - an independent copy of a file: its data shared
 * copy-on-write (clone) or copied (copy_file_range, else read/write, holes
 * kept), its metadata in cp's order, and the whole of `hln break FILE`:
 * the copy made beside FILE and swapped in for it atomically.
 */
#ifndef HLN_COPY_H
#define HLN_COPY_H

#include <stdint.h>

#include "hln/platform.h"

/* --reflink=WHEN */
enum copy_reflink {
	COPY_REFLINK_AUTO, /* clone where the filesystem can, else copy */
	COPY_REFLINK_ALWAYS, /* clone or fail */
	COPY_REFLINK_NEVER /* always copy the bytes */
};

/* What one copy did. */
struct copy_result {
	int cloned; /* 1: the data blocks are shared copy-on-write */
	int nothing; /* 1: the file had one name; nothing was done */
	int attempts; /* copies made (more than 1 if the file changed) */
	uint64_t bytes; /* bytes of data copied (0 for a clone) */
	int bare; /* copy_to_name: the new file came with no extended
		     attributes of its own (none inherited from its directory)
		   */
};

/*
 * How many times a file that changes while being copied is copied again
 * before copy_break gives up with -EAGAIN.
 */
#define COPY_RETRIES 3

/*
 * Copy the data of SRC, whose stat is ST, into the empty file DST:
 * clone first unless REFLINK is COPY_REFLINK_NEVER; else check the free
 * space, then copy_file_range or read/write, leaving holes as holes.
 * With COPY_REFLINK_NEVER the bytes go into blocks of DST's own:
 * copy_file_range is not used where it may share blocks
 * (hln_file_range_shares).
 * Stops between chunks when hln_signal_pending().  Adds to R.
 * Returns 0, or -errno: -EOPNOTSUPP (COPY_REFLINK_ALWAYS where cloning is
 * impossible), -ENOSPC (also when the free space is short before
 * copying), -EDQUOT, -EIO, -EINTR (a signal came).
 */
int copy_data(struct hln_file *dst, struct hln_file *src,
	      const struct hln_stat *st, enum copy_reflink reflink,
	      struct copy_result *r);

/*
 * Give DST the metadata of SRC, whose stat is ST, in cp's order: access
 * and modification times (ST's, to the nanosecond), owner and group
 * (when permitted), every extended attribute (POSIX ACLs, security.*,
 * trusted.* and others the caller may set; those of security.* and
 * trusted.* it may not are left out), then the mode, without
 * setuid/setgid when the owner or group could not be kept.
 * Returns 0, or the -errno of the step that failed.
 */
int copy_meta(struct hln_file *dst, struct hln_file *src,
	      const struct hln_stat *st);

/*
 * Make NAME in the directory DIR (NULL: NAME is a path) an independent
 * file with the same data and metadata, every other name keeping the
 * original: the copy is made in NAME's directory,
 * flushed, and swapped in for NAME atomically (hln/replace.h), so that
 * NAME always holds the original or the complete copy.  A NAME with one
 * link is left alone (R->nothing).  Fills R.
 * Returns 0, or -errno: -ELOOP (NAME is a symlink), -EISDIR, -EINVAL (not
 * a regular file), -EAGAIN (it changed while being copied, COPY_RETRIES
 * more times), -ECANCELED (NAME was replaced by another file meanwhile; that
 * file is left in place), -EINTR (a signal came: rolled back), or what
 * copy_data and the platform said.  On failure NAME and the original are
 * untouched and no temporary name is left.
 */
int copy_break(struct hln_dir *dir, const char *name, enum copy_reflink reflink,
	       struct copy_result *r);

/*
 * Make NAME in the directory DIR (NULL: NAME is a path; a name in DIR
 * works at any depth, whatever the length of its path) a new,
 * independent file with the data and metadata of the
 * open regular file SRC, whose stat is ST (create --reflink): the data
 * cloned as REFLINK says (copy_data), the metadata as copy_meta gives it;
 * the file is made without a name (O_TMPFILE) or under a ".hln-" name in
 * NAME's directory, flushed, then put in place: with EXPECT NULL, linked
 * to NAME, which must not exist (-EEXIST, nothing changed); else swapped
 * for NAME atomically if NAME still holds EXPECT (replace_swap).  Then the
 * directory is flushed.  FLAGS, for the many files of create -r
 * --reflink: with COPY_LAZY, a clone is neither flushed nor its
 * directory: its data is the source's, already on disk, and a journaling
 * filesystem that clones (Btrfs, XFS) commits the clone before the name
 * that links it, so a crash still leaves NAME absent or complete; a byte
 * copy is flushed whatever COPY_LAZY says.  COPY_BARE: a file made
 * before in this directory came with no extended attributes of its own
 * (R->bare said so), so this one's are not listed to remove what it
 * inherited.  COPY_CLONES: a clone of a file of SRC's filesystem worked
 * before, so an empty SRC needs no clone call (it is reported cloned).
 * COPY_UNSEEN (with EXPECT NULL): DIR is in a tree nobody can see until
 * it is complete (create -r --reflink builds a new tree under a ".hln-"
 * name and renames it into place at the end), so the copy is made as
 * NAME itself (O_CREAT|O_EXCL), with no temporary and no link: where a
 * crash cuts it, the whole tree is still hidden.  On failure NAME is
 * removed again.
 * The new file is made with SRC's permission bits (O_TMPFILE, or
 * COPY_UNSEEN's create), so that no chmod follows where the umask kept
 * them.
 * Fills R.
 * Returns 0, or -errno: -EOPNOTSUPP (COPY_REFLINK_ALWAYS where cloning is
 * impossible), -EEXIST, -ECANCELED (NAME no longer held EXPECT), -EINTR
 * (a signal came), or what copy_data and the platform said.  On failure
 * NAME is as it was and no temporary name is left.
 */
#define COPY_LAZY 1
#define COPY_BARE 2
#define COPY_CLONES 4
#define COPY_UNSEEN 8
int copy_to_name(struct hln_file *src, const struct hln_stat *st,
		 struct hln_dir *dir, const char *name,
		 enum copy_reflink reflink, const struct hln_stat *expect,
		 int flags, struct copy_result *r);

#endif
