#!/bin/sh
# man/stamp.sh < man/hln.1 > build/man/hln.1: the man page as installed,
# with the version (from VERSION) and its date (from the newest heading
# of CHANGES, "## X.Y.Z (YYYY-MM-DD)") in .Os and .Dd.  Fails if that
# heading does not name the version in VERSION: the two move together.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
version=$(cat "$top/VERSION")
newest=$(sed -n 's/^## \([^ ]*\) (\([0-9]*-[0-9]*-[0-9]*\))$/\1 \2/p' \
	"$top/CHANGES" | head -n 1)
if [ "${newest%% *}" != "$version" ]; then
	echo "man/stamp.sh: the newest heading of CHANGES is '${newest:-none}'," \
		"not version $version of VERSION" >&2
	exit 1
fi
awk -v version="$version" -v date="${newest#* }" '
BEGIN {
	split("January February March April May June July August " \
		"September October November December", month, " ")
	split(date, ymd, "-")
	dd = ".Dd " month[ymd[2] + 0] " " (ymd[3] + 0) ", " ymd[1]
}
/^\.Dd / { print dd; next }
/^\.Os( |$)/ { print ".Os hln " version; next }
{ print }'
