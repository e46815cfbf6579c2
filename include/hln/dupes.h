/*
 * hln/dupes.h - sets of identical files, and making each set one (hln
 * dedupe).
 *
 * Finding: the regular files under the operands are grouped by
 * (filesystem, size); a group of two is compared directly; larger groups
 * are split by a hash of the first 4 KiB, and each class compared byte
 * for byte with its keeper, every file read once; only what differs from
 * the keeper is read again, split by XXH3-128 of the whole content and
 * compared again.  No name changes before its file was compared byte for
 * byte with the keeper, since a hash alone can be forged.  Merging: every name
 * of every other inode of a set is swapped for a link to the keeper through
 * replace.c, checking at the swap that the name still holds the inode compared,
 * unchanged; or, with
 * --reflink, the data blocks are shared (FIDEDUPERANGE).
 */
#ifndef HLN_DUPES_H
#define HLN_DUPES_H

#include <stddef.h>
#include <stdint.h>

struct groups;
struct walk_progress;

/* Why an inode of a set was left apart (the keys of "skipped"). */
enum dupes_why {
	DUPES_METADATA, /* owner, group, mode, xattrs (or mtime) differ */
	DUPES_OUTSIDE, /* it has names outside the operands */
	DUPES_CHANGED, /* it changed, or a name moved, since the comparison */
	DUPES_ERROR, /* it could not be read or merged (reported) */
	DUPES_NWHY
};

struct dupes_opts {
	uint64_t min_size; /* smallest size considered (1: no empty files) */
	uint64_t max_size; /* largest, UINT64_MAX for no limit */
	int ignore_owner, ignore_mode, ignore_xattrs;
	int same_time; /* mtimes must be equal too */
	int reflink; /* share data blocks instead of linking */
	int dry_run; /* compare, but change nothing */
	int find_only; /* --list: find the sets, decide nothing */
	int threads; /* readers and mergers; <= 0: chosen from the CPUs */
	char *const *exclude; /* fnmatch(3) patterns on entry names */
	size_t nexclude;
	struct walk_progress *progress; /* entries, dirs, and sets found as
					   "found"; or NULL */
};

/* One name of an inode, and what became of it. */
struct dupes_name {
	const char *path; /* in the result's store */
	const struct dupes_inode *to; /* the keeper it now names (or would
					 with -n), NULL if unchanged */
};

/* One inode of a set. */
struct dupes_inode {
	uint64_t dev, ino, size;
	uint64_t shared; /* --reflink: bytes newly shared with the keeper */
	struct dupes_name *names; /* bytewise, each once */
	uint32_t nlink; /* its link count (at most UINT32_MAX) */
	uint32_t op; /* index of the first operand that reached it */
	uint32_t nnames; /* names seen under the operands */
	int8_t apart; /* -1, or the enum dupes_why it was left apart for */
	int8_t merged; /* 1 if it now shares the keeper's inode or blocks */
	int8_t already; /* --reflink: it shared all its blocks with the
			   keeper before (not counted) */
};

/* A set of two or more inodes with the same bytes. */
struct dupes_set {
	uint64_t size; /* of each file */
	size_t n;
	struct dupes_inode **v; /* the keeper first, then by first name */
};

struct dupes_result {
	uint64_t files; /* distinct inodes considered */
	uint64_t sets, merged, names, freed;
	uint64_t skipped[DUPES_NWHY];
	struct dupes_set *list; /* the sets, by the bytes merging them
				   frees, largest first */
	size_t nlist;
	struct dupes_inode *inodes; /* every candidate (owned) */
	size_t ninodes;
	struct dupes_name *namev; /* the names of them all (owned) */
	struct groups *store; /* where their paths are kept (owned) */
	int failed; /* some file could not be read or merged */
	int signal; /* SIGINT/SIGTERM caught: stopped after the name in
		       flight */
};

struct dupes_ops {
	/*
	 * PATH could not be read or merged; ERR is a positive errno.  Called
	 * from any thread (the engine serializes the calls).
	 */
	void (*error)(void *ctx, const char *path, int err);
	/*
	 * --reflink: the filesystem holding PATH cannot share data blocks;
	 * nothing was changed on it.  Called once per filesystem.  May be
	 * NULL (then error() is called with EOPNOTSUPP).
	 */
	void (*no_reflink)(void *ctx, const char *path);
};

/*
 * Find the sets of identical files under the N operands PATHS (each a
 * directory, walked without following symlinks or leaving its mount, or a
 * regular file) and, unless O says find_only or dry_run, merge each.
 * Fills R (free it with dupes_result_free).  Every file is processed even
 * when some fail (R->failed).  Operands that cannot be used are reported
 * through ops->error (ENOENT...) or, when they are symbolic links or
 * special files, left alone without an error.
 * Returns 0, or -ENOMEM when the sets could not be held (R is then what
 * was done so far).
 */
int dupes_run(char *const *paths, int n, const struct dupes_opts *o,
	      const struct dupes_ops *ops, void *ctx, struct dupes_result *r);

/* Free what R holds.  R may be zeroed. */
void dupes_result_free(struct dupes_result *r);

/*
 * Parse the --min-size/--max-size argument S: decimal digits, then at most
 * one of K, M, G, T (either case, powers of 1024) or B (bytes), e.g. "0",
 * "4096", "10K", "1G".  Pure: no allocation, no global state.
 * Returns 0 with *OUT set, -EINVAL if S is not such a size, or -ERANGE if
 * it does not fit in 64 bits.
 */
int dupes_parse_size(const char *s, uint64_t *out);

/* The bytes that merging SET would free (hard links; by the rules). */
uint64_t dupes_set_frees(const struct dupes_set *set);

#endif
