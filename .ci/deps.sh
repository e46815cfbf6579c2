#!/bin/sh
# .ci/deps.sh [--build] - install the Debian packages hln needs.
#   --build  only what building ./hln needs (make demo): build-essential
#            and debian/control's Build-Depends, debhelper-compat aside;
#   (none)   that, and what the tests, linters, benchmarks, the Windows
#            build and the release targets need (make deps).
# As root it runs apt-get; as another user it prints the exact command to
# run and exits 1.  debian/control's Build-Depends is the one list of
# what the build needs: the Debian package, make demo and make deps use it.
set -eu
here=$(cd "$(dirname "$0")" && pwd)

# Build-Depends, one name a line: continuation lines joined, versions,
# architectures and build profiles dropped, the first of alternatives.
build_depends() {
	awk '
	/^[^ \t#]/ { on = 0 }
	/^Build-Depends:/ { on = 1; sub(/^Build-Depends:/, "") }
	on && !/^#/ { deps = deps " " $0 }
	END {
		n = split(deps, dep, ",")
		for (i = 1; i <= n; i++) {
			d = dep[i]
			sub(/\|.*/, "", d)
			gsub(/\([^)]*\)|\[[^]]*\]|<[^>]*>|[ \t]/, "", d)
			if (d != "" && d != "debhelper-compat")
				print d
		}
	}' "$here/../debian/control"
}

build="build-essential $(build_depends | tr '\n' ' ')"
if [ "${1:-}" = --build ]; then
	who="make demo"
	pkgs=$build
else
	who="make deps"
	pkgs="$build clang libcmocka-dev bats mandoc hyperfine bfs strace
btrfs-progs xfsprogs e2fsprogs acl attr util-linux python3 gcc-mingw-w64-x86-64
wine shellcheck cppcheck clang-format clang-14 libclang-rt-14-dev
libfuzzer-14-dev git debhelper dpkg-dev lintian man-db bash-completion tmux zip
unzip debootstrap zsh fish jdupes rdfind fdupes duperemove"
fi
missing=
for p in $pkgs; do
	if ! dpkg-query -W -f '${Status}' "$p" 2>/dev/null |
		grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "$who: missing packages; as root run:" >&2
	echo "  apt-get update && apt-get install -y --no-install-recommends$missing" >&2
	exit 1
fi
echo "$who: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# Without the network the lists there are may still do.
apt-get update -qq || echo "$who: apt-get update failed; trying anyway" >&2
# shellcheck disable=SC2086 # the list is meant to split into words
apt-get install -y -qq --no-install-recommends $missing
