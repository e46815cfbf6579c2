#!/bin/sh
# tests/release/zip.sh ZIP VERSION: what a Windows user meets (make
# windows-zip-check): the zip holds hln.exe, README.txt, hln.html and
# LICENSE.txt in one folder; hln.exe needs no DLL beyond Windows' own
# (objdump -p); and, unzipped, it runs README.txt's examples under Wine
# (WINEPREFIX as the caller set it): `hln create old.txt new.txt`,
# `hln list old.txt`, `hln count old.txt`.  Exits 1 at the first
# failure.  Root (to mount a tmpfs).
set -eu
zip=${1:?usage: tests/release/zip.sh ZIP VERSION}
version=${2:?usage: tests/release/zip.sh ZIP VERSION}
here=$(cd "$(dirname "$0")/.." && pwd)
fail() {
	echo "windows-zip-check: FAIL: $*" >&2
	exit 1
}
ok() { echo "windows-zip-check: ok: $*"; }
# The DLLs every Windows has (hln.exe is linked -static).
system_dlls='ADVAPI32.dll KERNEL32.dll msvcrt.dll ntdll.dll USER32.dll'

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hln-zip.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
unzip -q "$zip" -d "$tmp"
top=$(basename "$zip" .zip)
dir=$tmp/$top
for f in hln.exe README.txt hln.html LICENSE.txt; do
	[ -s "$dir/$f" ] || fail "$top/$f is not in the zip"
done
n=$(find "$tmp" -type f | wc -l)
[ "$n" -eq 4 ] || fail "the zip holds $n files, not 4: $(find "$tmp" -type f)"
ok "$top/: hln.exe README.txt hln.html LICENSE.txt"

dlls=$(x86_64-w64-mingw32-objdump -p "$dir/hln.exe" |
	sed -n 's/^[[:space:]]*DLL Name: //p' | sort -u)
for d in $dlls; do
	case " $system_dlls " in
	*" $d "*) ;;
	*) fail "hln.exe needs $d, which Windows does not ship" ;;
	esac
done
ok "hln.exe imports only system DLLs: $(echo "$dlls" | tr '\n' ' ')"
grep -q "hln $version" "$dir/hln.html" || fail "hln.html does not say hln $version"
grep -q 'mklink /H' "$dir/README.txt" || fail "README.txt has no mklink /H"
grep -q 'fsutil hardlink' "$dir/README.txt" || fail "README.txt has no fsutil"
tr -d '\n' <"$dir/README.txt" | grep -q "$(printf '\r')" ||
	fail "README.txt does not end its lines with CRLF"
ok "hln.html says hln $version; README.txt has the mklink and fsutil equivalents"

# shellcheck source=tests/wine-env
. "$here/wine-env"
WINEDLLOVERRIDES=mscoree,mshtml=
export WINEDLLOVERRIDES
wine_hln() { wine "$dir/hln.exe" "$@"; }
got=$(wine_hln --version </dev/null) || fail "wine hln.exe --version"
[ "$got" = "hln $version" ] || fail "hln.exe --version says '$got'"
ok "wine hln.exe --version: $got"
# README.txt's examples, in a small tmpfs of their own: under Wine, list
# searches from the file's Unix mount point (Z:, the Linux root, would be
# the whole machine; on Windows FindFirstFileNameW answers at once).
vol=$tmp/vol
mkdir "$vol"
mount -t tmpfs -o size=4m tmpfs "$vol" || fail "cannot mount a tmpfs (root needed)"
trap 'cd / && umount "$vol"; rm -rf "$tmp"' EXIT
cd "$vol"
echo "meeting at 10" >old.txt
wine_hln create old.txt new.txt </dev/null || fail "wine hln.exe create old.txt new.txt"
[ "$(cat new.txt)" = "meeting at 10" ] || fail "new.txt does not hold old.txt's bytes"
[ "$(stat -c %h old.txt)" = 2 ] || fail "old.txt does not have 2 links after create"
ok "wine hln.exe create old.txt new.txt: one file, two names"
got=$(wine_hln list old.txt </dev/null | tr -d '\r')
zvol=Z:$vol
want=$(printf '%s/new.txt\n%s/old.txt' "$zvol" "$zvol")
[ "$got" = "$want" ] || fail "hln.exe list old.txt printed '$got', not '$want'"
ok "wine hln.exe list old.txt: $(echo "$got" | tr '\n' ' ')"
got=$(wine_hln count old.txt </dev/null | tr -d '\r')
[ "$got" = 2 ] || fail "hln.exe count old.txt printed '$got'"
ok "wine hln.exe count old.txt: 2"
cd /
