#!/bin/sh
# debian/changelog.sh > debian/changelog: the Debian changelog of this
# version, made by make deb from VERSION and the newest heading of CHANGES
# (its date), so that the package's version has no second home.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
version=$(cat "$top/VERSION")
date=$(sed -n 's/^## \([^ ]*\) (\([0-9]*-[0-9]*-[0-9]*\))$/\1 \2/p' \
	"$top/CHANGES" | head -n 1)
if [ "${date%% *}" != "$version" ]; then
	echo "debian/changelog.sh: the newest heading of CHANGES is not $version" >&2
	exit 1
fi
cat <<END
hln ($version-1) unstable; urgency=medium

  * Upstream release $version: see /usr/share/doc/hln/changelog.gz.

 -- the hln developers <hln@hln.invalid>  $(LC_ALL=C date -u -R -d "${date#* } 12:00")
END
