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

#include "hln/platform.h"
#include "hln/replace.h"

#define TMP_PREFIX ".hln-"
#define TMP_RANDOM 10

int replace_tmpname(const char *name, char *buf, size_t size)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyz"
				    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	const char *slash = strrchr(name, '/');
	size_t dirlen = slash ? (size_t)(slash - name) + 1 : 0;
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

int replace_with_link(const char *target, const char *name, int flags)
{
	char tmp[4096 + 32];
	int rc;
	/* A few tries: another process could take the same random name. */
	for (int tries = 0; tries < 8; tries++) {
		rc = replace_tmpname(name, tmp, sizeof tmp);
		if (rc < 0)
			return rc;
		rc = hln_link(target, tmp, flags);
		if (rc != -EEXIST)
			break;
	}
	if (rc < 0)
		return rc;
	struct hln_stat before;
	int have = hln_stat_path(tmp, 0, &before) == 0;
	rc = hln_rename(tmp, name);
	if (rc < 0) {
		hln_unlink(tmp);
		return rc;
	}
	/*
	 * rename() of two names of one file does nothing and leaves both:
	 * then the temporary name is still ours to remove.
	 */
	struct hln_stat after;
	if (have && hln_stat_path(tmp, 0, &after) == 0 &&
	    after.dev == before.dev && after.ino == before.ino)
		hln_unlink(tmp);
	return 0;
}
