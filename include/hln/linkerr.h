/*
 * hln/linkerr.h - why a link (or a copy-on-write copy) could not be made,
 * said as SPEC.md asks: EXDEV names both mount points, EMLINK gives the
 * count, EPERM under fs.protected_hardlinks says so, a directory TARGET,
 * EEXIST suggesting -f, "no such directory" for a missing parent, and
 * every other errno in msg_reason's words.  Printed to stderr with
 * msg_error, as "hln: CMD: PATH: reason" (the PATH the error is about:
 * TARGET for its own faults, NAME otherwise).
 */
#ifndef HLN_LINKERR_H
#define HLN_LINKERR_H

/*
 * Say why making NAME a link of TARGET failed with RC (a negative errno);
 * FOLLOW_TARGET non-zero when a symlink TARGET stands for what it points
 * to (-L).
 */
void linkerr_report(const char *cmd, const char *target, const char *name,
		    int rc, int follow_target);

/*
 * Say that NAME cannot share TARGET's data blocks (--reflink=always where
 * cloning is impossible): the filesystem's type ("ext4 cannot share data
 * blocks; use --reflink=auto to copy the bytes"), or that the two are on
 * different filesystems.
 */
void linkerr_no_clone(const char *cmd, const char *target, const char *name);

#endif
