/*
 * linkerr.c - why a link could not be made, in the sentence SPEC.md asks
 * for; see hln/linkerr.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hln/linkerr.h"
#include "hln/message.h"
#include "hln/path.h"
#include "hln/platform.h"

void linkerr_report(const char *cmd, const char *target, const char *name,
		    int rc, int follow_target)
{
	struct hln_stat st;
	char *dir = path_dir_dup(name); /* NULL: out of memory */
	int follow = follow_target ? HLN_FOLLOW : 0;
	switch (-rc) {
	case EXDEV: {
		char m1[4096], m2[4096];
		if (hln_mount_point(target, m1, sizeof m1) < 0)
			strcpy(m1, "?");
		if (hln_mount_point(name, m2, sizeof m2) < 0)
			strcpy(m2, "?");
		msg_error(cmd, name,
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
		msg_error(cmd, target,
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
				cmd, target,
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
		msg_error(cmd, name, "%s", msg_reason(EPERM));
		break;
	}
	case EISDIR:
		msg_error(cmd, target,
			  "is a directory: hard links to directories are not "
			  "allowed; use -r to link a tree");
		break;
	case EEXIST:
		msg_error(cmd, name, "already exists; use -f to replace it");
		break;
	case ENOENT: {
		if (hln_stat_path(target, follow, &st) < 0)
			msg_error(cmd, target, "%s", msg_reason(ENOENT));
		else if (dir && hln_stat_path(dir, HLN_FOLLOW, &st) < 0)
			msg_error(cmd, name, "no such directory: '%s'", dir);
		else
			msg_error(cmd, name, "%s", msg_reason(ENOENT));
		break;
	}
	default: {
		/* the target's error, when it cannot be reached itself */
		int trc = hln_stat_path(target, follow, &st);
		if (trc < 0)
			msg_error(cmd, target, "%s", msg_reason(-trc));
		else if (rc == -EACCES && dir)
			msg_error(
				cmd, name,
				"permission denied: the directory '%s' cannot "
				"be written (or a directory on the way "
				"searched)",
				dir);
		else
			msg_error(cmd, name, "%s", msg_reason(-rc));
	}
	}
	free(dir);
}

void linkerr_no_clone(const char *cmd, const char *target, const char *name)
{
	struct hln_stat ts, ds;
	char fs[64], dbuf[4096];
	if (hln_stat_path(target, HLN_FOLLOW, &ts) == 0 &&
	    path_dir(dbuf, sizeof dbuf, name) >= 0 &&
	    hln_stat_path(dbuf, HLN_FOLLOW, &ds) == 0 && ts.dev != ds.dev) {
		msg_error(cmd, name,
			  "'%s' is on another filesystem: data blocks cannot "
			  "be shared across filesystems; use --reflink=auto to "
			  "copy the bytes",
			  msg_name(target, hln_isatty(2)));
		return;
	}
	if (hln_fs_type(name, fs, sizeof fs) < 0)
		snprintf(fs, sizeof fs, "this filesystem");
	msg_error(cmd, name,
		  "%s cannot share data blocks; use --reflink=auto to copy "
		  "the bytes",
		  fs);
}
