#!/bin/sh
# tests/release/fresh.sh: `make demo` as a new user meets it (make
# fresh-check; root and the network to a Debian mirror needed, so not in
# CI).  debootstrap makes a Debian 12 (bookworm, minbase) that has only
# build-essential and git; the project is cloned into it (HEAD of this
# tree); then, in the chroot:
#   1. as a user, `make demo` stops, printing the apt-get command to run;
#   2. as root, `make demo` installs what building needs, builds, and
#      runs the tour to its end (exit 0);
#   3. nothing that only the tests need (bats, Wine, MinGW, cmocka...)
#      was installed.
# The host's /dev is never bind-mounted into the chroot (debootstrap
# makes its few device nodes); only /proc is mounted, and unmounted at
# the end.  MIRROR (default http://deb.debian.org/debian) and
# HLN_FRESH_CACHE (a directory for the downloaded .debs, kept between
# runs; default none) may be set; KEEP=1 keeps the chroot.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
mirror=${MIRROR:-http://deb.debian.org/debian}
[ "$(id -u)" -eq 0 ] || {
	echo "fresh-check: debootstrap and chroot take root" >&2
	exit 2
}
command -v debootstrap >/dev/null || {
	echo "fresh-check: needs debootstrap (apt-get install debootstrap)" >&2
	exit 2
}
root=$(mktemp -d /var/tmp/hln-fresh.XXXXXX)
chmod 755 "$root" # it is /, which mktemp made for root alone
cleanup() {
	if mountpoint -q "$root/proc" 2>/dev/null; then umount "$root/proc"; fi
	# Never remove a tree with something still mounted under it.
	if grep -q " $root/" /proc/self/mounts; then
		echo "fresh-check: $root still has mounts; left in place" >&2
	elif [ "${KEEP:-}" = 1 ]; then
		echo "fresh-check: chroot kept in $root"
	else
		rm -rf "$root"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
t0=$(date +%s)
since() { echo "$(($(date +%s) - t0)) s"; }
step() { echo "fresh-check: [$(since)] $*"; }

cache=
if [ -n "${HLN_FRESH_CACHE:-}" ]; then
	mkdir -p "$HLN_FRESH_CACHE"
	cache="--cache-dir=$HLN_FRESH_CACHE"
fi
step "debootstrap --variant=minbase --include=build-essential,git bookworm $root $mirror"
# shellcheck disable=SC2086 # $cache is one option or none
debootstrap --variant=minbase --include=build-essential,git $cache \
	bookworm "$root" "$mirror" >"$root.debootstrap.log" 2>&1 || {
	tail -n 20 "$root.debootstrap.log" >&2
	rm -f "$root.debootstrap.log"
	echo "fresh-check: debootstrap failed" >&2
	exit 1
}
rm -f "$root.debootstrap.log"
step "debootstrap done"
in_root() {
	chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 TERM=dumb "$@"
}
# Whether the package $1 is installed in the chroot.
installed() {
	# shellcheck disable=SC2016 # dpkg-query's format, not the shell's
	in_root dpkg-query -W -f '${Status}' "$1" 2>/dev/null |
		grep -q 'ok installed'
}
for p in pkg-config libbsd-dev; do
	if installed "$p"; then
		echo "fresh-check: $p is in the fresh system already" >&2
		exit 1
	fi
done
cp /etc/resolv.conf "$root/etc/resolv.conf"
echo "deb $mirror bookworm main" >"$root/etc/apt/sources.list"
mount -t proc proc "$root/proc"
in_root useradd -m -s /bin/sh user
git clone -q --no-local "$top" "$root/home/user/hln"
in_root chown -R user:user /home/user/hln
step "cloned $(git -C "$top" rev-parse --short HEAD) into /home/user/hln"

step "as user: make demo"
if in_root su user -c 'cd ~/hln && make demo' >"$root/user.log" 2>&1; then
	cat "$root/user.log"
	echo "fresh-check: FAIL: make demo as a user succeeded without the packages" >&2
	exit 1
fi
cat "$root/user.log"
if ! grep -q 'apt-get install -y.* pkg-config' "$root/user.log" ||
	! grep -q 'apt-get install -y.* libbsd-dev' "$root/user.log"; then
	echo "fresh-check: FAIL: make demo as a user did not print the apt-get command" >&2
	exit 1
fi
step "as user: stopped with the apt-get command, as it should"

step "as root: make demo"
s=$(date +%s)
in_root sh -c 'cd /home/user/hln && make demo' || {
	echo "fresh-check: FAIL: make demo as root" >&2
	exit 1
}
step "as root: make demo succeeded in $(($(date +%s) - s)) s"
extra=
for p in bats wine gcc-mingw-w64-x86-64 libcmocka-dev clang shellcheck \
	cppcheck hyperfine mandoc btrfs-progs xfsprogs lintian debhelper; do
	if installed "$p"; then
		extra="$extra $p"
	fi
done
[ -z "$extra" ] || {
	echo "fresh-check: FAIL: make demo installed what only the tests need:$extra" >&2
	exit 1
}
step "nothing only the tests need was installed; all done in $(since)"
