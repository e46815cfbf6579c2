#!/bin/sh
# .ci/deps.sh - install the Debian packages hln's build and tests need
# (make deps).  As root it runs apt-get; otherwise it prints the command.
set -eu
pkgs="build-essential clang pkg-config libbsd-dev libcmocka-dev bats mandoc
hyperfine bfs strace btrfs-progs xfsprogs e2fsprogs acl attr util-linux python3
gcc-mingw-w64-x86-64 wine shellcheck cppcheck clang-format clang-14
libclang-rt-14-dev libfuzzer-14-dev"
missing=
for p in $pkgs; do
	if ! dpkg-query -W -f '${Status}' "$p" 2>/dev/null |
		grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "make deps: missing packages; as root run:" >&2
	echo "  apt-get update && apt-get install -y$missing" >&2
	exit 1
fi
echo "make deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086 # the list is meant to split into words
apt-get install -y -qq --no-install-recommends $missing
