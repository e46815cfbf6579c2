#!/usr/bin/env bats
# hln list (SPEC "hln list" and the common rules; the decisions where the
# spec is silent are in the man page, LIST section).
#
# Trees are built on small loop-mounted images (ext4 64 MiB, Btrfs 256 MiB,
# XFS 512 MiB, all sparse) so that the default root -- the FILE's mount
# point -- is small and its scan fast.  Only one test scans a directory of
# the root filesystem, and it does so with --root.

load helpers

# ---- helpers of this file ----------------------------------------------

# hrun_bin FILE ARG...: run hln with its stdout written to FILE, byte for
# byte (bats' $output cannot hold NUL); sets $status and $stderr.
hrun_bin() {
	local f=$1
	shift
	run --separate-stderr bash -c 'out=$1; shift; exec "$@" >"$out"' _ \
		"$f" "$HLN" "$@"
}

# expect_records FILE SEP REC...: FILE holds exactly the RECs, each followed
# by SEP ("nul" or "nl"); an empty REC is an empty record.
expect_records() {
	local f=$1 sep=$2
	shift 2
	python3 -c '
import os, sys
f, sep, recs = sys.argv[1], sys.argv[2], sys.argv[3:]
end = b"\0" if sep == "nul" else b"\n"
want = b"".join(os.fsencode(r) + end for r in recs)
got = open(f, "rb").read()
if got != want:
    sys.exit("records differ\n got: %r\nwant: %r" % (got, want))
' "$f" "$sep" "$@" || fail "records of $f"
}

# new_ext4 [DIR]: a fresh 64 MiB ext4 image mounted on DIR (default mnt),
# without lost+found (a root-only directory: it would be unreadable for
# nobody); MP is the mount point's absolute path.
new_ext4() {
	local d=${1:-mnt}
	mount_ext4 "$d" 64
	rmdir "$d/lost+found"
	MP=$(outpath "$(realpath "$d")")
}

# new_btrfs DIR: a fresh 256 MiB (sparse) Btrfs image mounted on DIR.
new_btrfs() {
	command -v mkfs.btrfs >/dev/null || skip "mkfs.btrfs is missing"
	local img=$BATS_TEST_TMPDIR/.btrfs.img
	truncate -s 256M "$img"
	mkfs.btrfs -q -f "$img" >/dev/null 2>&1 || skip "mkfs.btrfs failed"
	mount_fs "$1" -o loop "$img"
	MP=$(outpath "$(realpath "$1")")
}

# new_xfs DIR: a fresh 512 MiB (sparse) XFS image mounted on DIR.
new_xfs() {
	command -v mkfs.xfs >/dev/null || skip "mkfs.xfs is missing"
	local img=$BATS_TEST_TMPDIR/.xfs.img
	truncate -s 512M "$img"
	mkfs.xfs -q -f "$img" >/dev/null 2>&1 || skip "mkfs.xfs failed"
	mount_fs "$1" -o loop "$img"
	MP=$(outpath "$(realpath "$1")")
}

# three_names DIR: DIR/a/f = DIR/b/g = DIR/h (3 names), DIR/one (1 name).
three_names() {
	mkdir -p "$1/a" "$1/b"
	mkfile "$1/a/f"
	ln "$1/a/f" "$1/b/g"
	ln "$1/a/f" "$1/h"
	mkfile "$1/one"
}

# mount_file_bind SRC DST: bind-mount the file SRC on the existing file DST
# (mount_fs makes directories), recorded for the teardown's unmount_all.
mount_file_bind() {
	mount --bind "$1" "$2" || skip "cannot bind-mount a file here"
	realpath "$2" >>"$BATS_TEST_TMPDIR/.mounts"
}

# random_tree DIR SEED: a few hundred files in 40 nested directories with
# 150 random extra links across them (some files get several), odd but
# newline-free names (spaces, leading dash, upper case, UTF-8, byte 0xff),
# a symlink to a file and one to a directory.
random_tree() {
	python3 - "$1" "$2" <<'EOF'
import os, random, sys
root, r = sys.argv[1], random.Random(int(sys.argv[2]))
# Under Wine (hln.exe): no names Windows cannot hold, no symlinks (Wine
# shows them as their targets).
native = os.environ.get("HLN_WINE") != "1"
os.makedirs(root, exist_ok=True)
dirs = [root]
for i in range(40):
    d = os.path.join(r.choice(dirs), r.choice(["d", "D", "dir ", "-x", "\u00e9"]) + str(i))
    os.mkdir(d)
    dirs.append(d)
files = []
for i in range(300):
    p = os.path.join(r.choice(dirs), r.choice(["f", "F", "file ", "-", "\u00fc"] + ["\udcff"] * native) + str(i))
    with open(p, "wb") as fh:
        fh.write(b"%d" % i)
    files.append(p)
for i in range(150):
    p = os.path.join(r.choice(dirs), r.choice(["l", "L", "-l "] + ["\udcfe"] * native) + str(i))
    os.link(r.choice(files), p)
    files.append(p)
if native:
    os.symlink(os.path.relpath(files[0], root), os.path.join(root, "symlink"))
    os.symlink(".", os.path.join(dirs[-1], "loop"))
EOF
}

# find_groups DIR: what `hln list -0 DIR` should print, from find(1): the
# inodes with 2+ names inside DIR, names sorted bytewise, groups ordered
# by their first name, each name NUL-terminated, each group followed by an
# empty record.
find_groups() {
	find "$1" -type f -links +1 -printf '%i %p\0' | python3 -c '
import sys
groups = {}
for rec in sys.stdin.buffer.read().split(b"\0")[:-1]:
    ino, path = rec.split(b" ", 1)
    groups.setdefault(ino, []).append(path)
out = sorted(sorted(g) for g in groups.values() if len(g) > 1)
sys.stdout.buffer.write(b"".join(b"".join(n + b"\0" for n in g) + b"\0" for g in out))
'
}

# ---- one FILE, default root -----------------------------------------------

@test "FILE: every name under its mount point, absolute, sorted, its own included" {
	need_root
	new_ext4
	three_names mnt
	hrun list mnt/b/g
	expect_status 0
	expect_no_err
	expect_out "$MP/a/f
$MP/b/g
$MP/h"
	# the same from inside the tree, by a relative name
	cd mnt/a
	hrun list ../h
	expect_status 0
	expect_out "$MP/a/f
$MP/b/g
$MP/h"
}

@test "FILE: the default root is the FILE's own mount point (a mount inside a mount)" {
	need_root
	new_ext4 outer
	mkfile outer/x
	ln outer/x outer/y
	mount_ext4 outer/inner 64
	mkfile outer/inner/x
	ln outer/inner/x outer/inner/z
	hrun list outer/inner/z
	expect_status 0
	expect_no_err
	expect_out "$MP/inner/x
$MP/inner/z"
	hrun list outer/x
	expect_status 0
	expect_out "$MP/x
$MP/y"
}

@test "FILE with one link: its resolved absolute path at once, without a scan" {
	need_native "Windows resolves '..' before symlinks"
	mkdir -p real/d
	ln -s real/d via
	mkfile real/d/solo
	# on /: fine without --root, because no scan happens
	hrun list via/../d/solo
	expect_status 0
	expect_no_err
	expect_out "$(realpath real/d/solo)"
	hrun list -j via/solo
	json_ok "d == [{'file': 'via/solo', 'dev': int(a[0]), 'ino': int(a[1]),
		'nlink': 1, 'names': [a[2]], 'complete': True}]" \
		"$(devno real/d/solo)" "$(ino real/d/solo)" "$(realpath real/d/solo)"
	if command -v strace >/dev/null; then
		run env ASAN_OPTIONS=detect_leaks=0 strace -f -e trace=getdents64,getdents "$HLN" list via/solo
		[ "$status" -eq 0 ] || fail "strace run failed"
		[[ $output != *getdents* ]] || fail "a one-link FILE was scanned for"
	fi
}

@test "FILE whose every name is in its own directory: that directory alone is read" {
	need_native "strace traces Wine's own threads"
	command -v strace >/dev/null || skip "needs strace"
	need_root
	new_ext4
	cd mnt
	mkdir d d/sub
	mkfile d/a data
	ln d/a d/a.orig
	mkfile d/sub/x
	run env ASAN_OPTIONS=detect_leaks=0 strace -f -qq -e trace=getdents64,getdents \
		-o trace "$HLN" list d/a
	[ "$status" -eq 0 ] || fail "list failed: $output"
	[ "$output" = "$(realpath d/a)"$'\n'"$(realpath d/a.orig)" ] || fail "not both names: $output"
	[ "$(grep -c getdents trace)" -le 2 ] || fail "more than d was read: $(cat trace)"
	# a name elsewhere: the whole filesystem is searched as before
	ln d/a d/sub/a2
	hrun list d/a
	expect_status 0
	expect_out "$(realpath d/a)"$'\n'"$(realpath d/a.orig)"$'\n'"$(realpath d/sub/a2)"
}

@test "several FILEs in one scan: headers, a blank line between, operand order" {
	need_root
	new_ext4
	three_names mnt
	mkfile mnt/p
	ln mnt/p mnt/a/q
	hrun list mnt/p mnt/h mnt/one mnt/a/f
	expect_status 0
	expect_no_err
	expect_out "mnt/p:
$MP/a/q
$MP/p

mnt/h:
$MP/a/f
$MP/b/g
$MP/h

mnt/one:
$MP/one

mnt/a/f:
$MP/a/f
$MP/b/g
$MP/h"
	# the same operand twice: answered twice
	hrun list mnt/p mnt/p
	expect_status 0
	expect_out "mnt/p:
$MP/a/q
$MP/p

mnt/p:
$MP/a/q
$MP/p"
}

@test "several FILEs: the tree is read once for all of them" {
	need_native "strace counts Linux system calls"
	need_root
	command -v strace >/dev/null || skip "strace is missing"
	new_ext4
	three_names mnt
	mkfile mnt/a/p
	ln mnt/a/p mnt/b/q
	run env ASAN_OPTIONS=detect_leaks=0 strace -f -e trace=openat -o "$BATS_TEST_TMPDIR/trace" \
		"$HLN" list mnt/h mnt/a/p mnt/b/g
	expect_status 0
	local n
	n=$(grep -c "openat(AT_FDCWD, \"$MP\"" "$BATS_TEST_TMPDIR/trace")
	[ "$n" -eq 1 ] || fail "the root was opened $n times"
}

@test "several FILEs on two filesystems: one scan each, every answer right" {
	need_root
	new_ext4 one
	local mp1=$MP
	new_ext4 two
	local mp2=$MP
	mkfile one/f
	ln one/f one/g
	mkfile two/f
	ln two/f two/h
	ln two/f two/i
	hrun list two/h one/g
	expect_status 0
	expect_no_err
	expect_out "two/h:
$mp2/f
$mp2/h
$mp2/i

one/g:
$mp1/f
$mp1/g"
}

# ---- --root ----------------------------------------------------------------

@test "--root: absolute or relative, paths printed from the root as given" {
	need_root
	new_ext4
	three_names mnt
	hrun list --root="$MP" mnt/h
	expect_status 0
	expect_out "$MP/a/f
$MP/b/g
$MP/h"
	hrun list --root=mnt mnt/h
	expect_out "mnt/a/f
mnt/b/g
mnt/h"
	hrun list --root=mnt/ mnt/h
	expect_out "mnt/a/f
mnt/b/g
mnt/h"
	cd mnt/b
	hrun list --root=.. g
	expect_status 0
	expect_out "../a/f
../b/g
../h"
	cd ..
	hrun list --root=. h
	expect_out "./a/f
./b/g
./h"
}

@test "--root: names outside it are not listed; complete:false, exit 0, warning only with -v" {
	need_root
	new_ext4
	three_names mnt
	hrun list --root=mnt/a mnt/h
	expect_status 0
	expect_no_err
	expect_out "mnt/a/f"
	hrun list -j --root=mnt/a mnt/h
	expect_status 0
	expect_no_err
	json_ok "d == [{'file': 'mnt/h', 'dev': int(a[0]), 'ino': int(a[1]),
		'nlink': 3, 'names': ['mnt/a/f'], 'complete': False}]" \
		"$(devno mnt/h)" "$(ino mnt/h)"
	hrun list -v --root=mnt/a mnt/h
	expect_status 0
	expect_out "mnt/a/f"
	expect_err "hln: list: mnt/h: found 1 of 3 names under mnt/a"
	hrun list --verbose --root=mnt/a mnt/h
	expect_err "hln: list: mnt/h: found 1 of 3 names under mnt/a"
	# a one-link FILE outside the root: nothing found, still exit 0
	hrun list -j --root=mnt/a mnt/one
	expect_status 0
	json_ok "d[0]['names'] == [] and d[0]['complete'] is False and d[0]['nlink'] == 1"
}

@test "--root on the root filesystem (a directory of the test, not /)" {
	mkdir -p t/x t/y
	mkfile t/x/f
	ln t/x/f t/y/g
	ln t/x/f outside
	hrun list --root="$BATS_TEST_TMPDIR/t" t/y/g
	expect_status 0
	expect_no_err
	expect_out "$BATS_TEST_TMPDIR/t/x/f
$BATS_TEST_TMPDIR/t/y/g"
	hrun list -j --root=t outside
	expect_status 0
	json_ok "d[0]['names'] == ['t/x/f', 't/y/g'] and d[0]['complete'] is False"
}

@test "--root: a missing directory or a file is an error (exit 1)" {
	mkfile f
	hrun list --root=nowhere f
	expect_status 1
	expect_no_out
	expect_err "hln: list: nowhere: no such file or directory"
	hrun list --root=f f
	expect_status 1
	expect_err "hln: list: f: not a directory"
}

# ---- output formats ----------------------------------------------------------

@test "-0: every name NUL-terminated; one FILE has no extra empty record" {
	need_root
	new_ext4
	three_names mnt
	hrun_bin out list -0 mnt/h
	expect_status 0
	expect_records out nul "$MP/a/f" "$MP/b/g" "$MP/h"
	hrun_bin out list --null --root=mnt mnt/h
	expect_records out nul mnt/a/f mnt/b/g mnt/h
}

@test "-0 with several FILEs: no header, each group ends with an empty record" {
	need_root
	new_ext4
	three_names mnt
	hrun_bin out list -0 --root=mnt mnt/h mnt/one mnt/h
	expect_status 0
	expect_records out nul mnt/a/f mnt/b/g mnt/h "" mnt/one "" \
		mnt/a/f mnt/b/g mnt/h ""
}

@test "-0 output feeds xargs -0" {
	need_root
	new_ext4
	three_names mnt
	run bash -c '"$1" list -0 --root=mnt mnt/h | xargs -0 stat -c %i' _ "$HLN"
	expect_status 0
	local i
	i=$(ino mnt/h)
	expect_out "$i
$i
$i"
}

@test "-j: one array of FILE objects with exact values, in operand order" {
	need_root
	new_ext4
	three_names mnt
	hrun list -j mnt/one mnt/b/g
	expect_status 0
	expect_no_err
	json_ok "d == [
		{'file': 'mnt/one', 'dev': int(a[0]), 'ino': int(a[1]), 'nlink': 1,
		 'names': [a[3] + '/one'], 'complete': True},
		{'file': 'mnt/b/g', 'dev': int(a[0]), 'ino': int(a[2]), 'nlink': 3,
		 'names': [a[3] + '/a/f', a[3] + '/b/g', a[3] + '/h'], 'complete': True}]" \
		"$(devno mnt/h)" "$(ino mnt/one)" "$(ino mnt/h)" "$MP"
	hrun list --json mnt/h
	json_ok "len(d) == 1 and d[0]['nlink'] == 3 and len(d[0]['names']) == 3"
}

# ---- symbolic links ----------------------------------------------------------

@test "symlink operand: followed (-L, the default); -P lists the link's own names" {
	need_native "Wine shows a symlink as the file it points to"
	need_root
	new_ext4
	three_names mnt
	ln -s a/f mnt/sym
	ln mnt/sym mnt/sym2
	ln -s h mnt/lone
	for opt in "" -L --dereference; do
		hrun list $opt mnt/sym
		expect_status 0
		expect_out "$MP/a/f
$MP/b/g
$MP/h"
	done
	hrun list -P mnt/sym
	expect_status 0
	expect_out "$MP/sym
$MP/sym2"
	hrun list --no-dereference -j mnt/sym2
	json_ok "d[0]['ino'] == int(a[0]) and d[0]['nlink'] == 2" "$(ino mnt/sym)"
	# one link: its own absolute path, not the target's
	hrun list -P mnt/lone
	expect_status 0
	expect_out "$MP/lone"
	# a dangling symlink is listed with -P, an error without
	ln -s nowhere mnt/dang
	hrun list -P mnt/dang
	expect_status 0
	expect_out "$MP/dang"
	hrun list mnt/dang
	expect_status 1
	expect_err "hln: list: mnt/dang: no such file or directory"
}

@test "-P: a symlink pointing to another filesystem is searched on its own" {
	need_native "Wine shows a symlink as the file it points to"
	need_root
	new_ext4
	mkfile target
	ln -s "$BATS_TEST_TMPDIR/target" mnt/sym
	ln mnt/sym mnt/sym2
	# the link's names are on the image; the target is on / (which must
	# not be searched: bounded in time in case it is)
	run --separate-stderr timeout 60 "$HLN" list -P mnt/sym
	expect_status 0
	expect_no_err
	expect_out "$MP/sym
$MP/sym2"
}

@test "symlinks inside the tree are never names and never followed" {
	need_native "Wine shows a symlink as the file it points to"
	need_root
	new_ext4
	mkdir mnt/d
	mkfile mnt/d/f
	ln mnt/d/f mnt/g
	ln -s d/f mnt/sym_to_file
	ln -s d mnt/sym_to_dir
	ln -s / mnt/sym_to_root
	hrun list mnt/g
	expect_status 0
	expect_out "$MP/d/f
$MP/g"
	hrun list mnt
	expect_status 0
	expect_out "mnt/d/f
mnt/g"
}

# ---- names -------------------------------------------------------------------

@test "names are sorted bytewise (upper case first, bytes > 0x7f last)" {
	need_native "Windows names cannot hold control characters or bytes that are not UTF-8"
	need_root
	new_ext4
	mkfile mnt/a
	local n
	for n in b B Z z _ -x é $'\xff' $'\x7f' 0 a.b A; do
		ln mnt/a "mnt/$n"
	done
	hrun_bin out list --root=mnt mnt/a
	expect_status 0
	expect_records out nl mnt/-x mnt/0 mnt/A mnt/B mnt/Z mnt/_ mnt/a \
		mnt/a.b mnt/b mnt/z $'mnt/\x7f' mnt/é $'mnt/\xff'
}

@test "names with newline, space, leading dash: raw bytes to a pipe" {
	need_native "Windows names cannot hold control characters or bytes that are not UTF-8"
	need_root
	new_ext4
	mkfile "mnt/-dash"
	ln "mnt/-dash" "mnt/with space"
	ln "mnt/-dash" $'mnt/new\nline'
	ln "mnt/-dash" $'mnt/tab\tx'
	cd mnt
	hrun_bin ../out list --root=. -- -dash
	expect_status 0
	expect_records ../out nl ./-dash $'./new\nline' $'./tab\tx' "./with space"
	hrun_bin ../out list -0 -- -dash
	expect_records ../out nul "$MP/-dash" "$MP/new"$'\n'line "$MP/tab"$'\t'x \
		"$MP/with space"
}

@test "-j: names that are not UTF-8 are written as \\udcXX" {
	need_native "Windows names cannot hold control characters or bytes that are not UTF-8"
	need_root
	new_ext4
	mkfile $'mnt/bad\xff'
	ln $'mnt/bad\xff' $'mnt/\xc3\xa9t\xe9'
	hrun list -j --root=mnt $'mnt/bad\xff'
	expect_status 0
	expect_out_has '"file":"mnt/bad\udcff"'
	expect_out_has '"mnt/bad\udcff"'
	expect_out_has '\udce9'
	printf '%s' "$output" | iconv -f UTF-8 -t UTF-8 >/dev/null ||
		fail "the JSON is not valid UTF-8"
	json_ok "[os.fsencode(n) for n in d[0]['names']] == [b'mnt/bad\\xff', b'mnt/\\xc3\\xa9t\\xe9']
		and os.fsencode(d[0]['file']) == b'mnt/bad\\xff'"
}

@test "-j: quotes, backslashes and control characters are escaped in JSON strings" {
	need_native "Windows names cannot hold control characters or bytes that are not UTF-8"
	mkfile 'q"b\s'
	ln 'q"b\s' $'c\001\n\t'
	hrun list -j --root=. 'q"b\s'
	expect_status 0
	[[ $output != *$'\n'* && $output != *$'\001'* ]] || fail "raw control bytes in JSON"
	json_ok "d[0]['file'] == 'q\"b\\\\s' and d[0]['names'] == ['./c\\x01\\n\\t', './q\"b\\\\s']"
}

@test "stdout a terminal: control characters in names and headers are escaped" {
	need_native "Wine's console redraws what is written to a terminal"
	need_root
	new_ext4
	mkfile $'mnt/new\nline'
	ln $'mnt/new\nline' $'mnt/esc\033[31m'
	tty_run "$HLN" list --no-progress --root=mnt $'mnt/new\nline'
	expect_status 0
	[[ $output == *'mnt/new\nline'* ]] || fail "newline not shown as \\n"
	[[ $output == *'mnt/esc\033[31m'* ]] || fail "ESC not shown as \\033"
	[[ $output != *$'\033'* ]] || fail "a raw ESC reached the terminal"
	[[ $output != *$'new\nline'* ]] || fail "a raw newline in a name"
	tty_run "$HLN" list --no-progress --root=mnt $'mnt/new\nline' mnt/esc*
	[[ $output == *'mnt/new\nline:'* ]] || fail "header not escaped"
	[[ $output != *$'\033'* ]] || fail "a raw ESC reached the terminal"
}

# ---- progress ----------------------------------------------------------------

@test "progress: never on a pipe by default; --progress forces it on stderr only" {
	need_native "Wine's console redraws what is written to a terminal"
	need_root
	new_ext4
	three_names mnt
	hrun list --root=mnt mnt/h
	expect_no_err
	hrun list mnt
	expect_no_err
	hrun list --progress --root=mnt mnt/h
	expect_status 0
	expect_out "mnt/a/f
mnt/b/g
mnt/h"
	[ -n "$stderr" ] || fail "--progress wrote nothing on stderr"
	hrun list --progress --no-progress --root=mnt mnt/h
	expect_no_err
	tty_run "$HLN" list --no-progress --root=mnt mnt/h
	[[ $output != *$'\033'* ]] || fail "--no-progress on a terminal drew a progress line"
	[ "$output" = "mnt/a/f
mnt/b/g
mnt/h" ] || fail "terminal output differs"
}

@test "progress: entries, directories, names found so far, elapsed (FILE and DIR)" {
	progress_tree
	slow_walk list --progress --root=t t/a/f
	expect_status 0
	[[ $stderr =~ [0-9]+\ entries,\ [0-9]+\ directories,\ [0-9]+\ names,\ [0-9]+\.[0-9]s ]] ||
		fail "FILE: no progress line with every field: $stderr"
	[[ $stderr == *$'\r\033[K' ]] || fail "FILE: the line is not erased at the end"
	slow_walk list --progress t
	expect_status 0
	[[ $stderr =~ [0-9]+\ entries,\ [0-9]+\ directories,\ [0-9]+\ linked\ names,\ [0-9]+\.[0-9]s ]] ||
		fail "DIR: no progress line with every field: $stderr"
	[ "$output" = "t/a/f
t/b/g" ] || fail "DIR: stdout changed by --progress"
}

# ---- other filesystems -------------------------------------------------------

@test "Btrfs: names in the top volume and in a subvolume, default root and --root" {
	need_native "Wine gives every Linux filesystem under Z: one volume serial"
	need_linux_path "mounts are told apart by device, so a Btrfs subvolume looks like another filesystem"
	need_root
	new_btrfs b
	btrfs subvolume create b/sv >/dev/null || skip "cannot create a subvolume"
	mkdir -p b/d b/sv/x
	mkfile b/d/f
	ln b/d/f b/g
	mkfile b/sv/x/f
	ln b/sv/x/f b/sv/y
	ln b/sv/x/f b/sv/x/z
	# the subvolume's files have their own inode numbers: often the same
	hrun list b/sv/y
	expect_status 0
	expect_no_err
	expect_out "$MP/sv/x/f
$MP/sv/x/z
$MP/sv/y"
	hrun list b/g
	expect_out "$MP/d/f
$MP/g"
	# --root: the scan, which enters the subvolume (same mount)
	hrun list -j --root=b b/sv/y b/d/f
	expect_status 0
	json_ok "[x['names'] for x in d] == [['b/sv/x/f', 'b/sv/x/z', 'b/sv/y'], ['b/d/f', 'b/g']]
		and all(x['complete'] for x in d)
		and d[0]['dev'] == int(a[0]) and d[0]['ino'] == int(a[1])" \
		"$(devno b/sv/y)" "$(ino b/sv/y)"
	hrun list b
	expect_status 0
	expect_out "b/d/f
b/g

b/sv/x/f
b/sv/x/z
b/sv/y"
}

@test "Btrfs as root: BTRFS_IOC_INO_PATHS answers, no scan" {
	need_native "strace counts Linux system calls"
	need_linux_path "no BTRFS_IOC_INO_PATHS"
	need_root
	command -v strace >/dev/null || skip "strace is missing"
	new_btrfs b
	btrfs subvolume create b/sv >/dev/null || skip "cannot create a subvolume"
	mkdir -p b/sv/x b/other
	mkfile b/sv/x/f
	ln b/sv/x/f b/sv/y
	run env ASAN_OPTIONS=detect_leaks=0 strace -f -e trace=ioctl,getdents64 -o "$BATS_TEST_TMPDIR/trace" \
		"$HLN" list b/sv/y
	expect_status 0
	expect_out "$MP/sv/x/f
$MP/sv/y"
	grep -q BTRFS_IOC_INO_PATHS "$BATS_TEST_TMPDIR/trace" ||
		fail "INO_PATHS not asked"
	! grep -q getdents64 "$BATS_TEST_TMPDIR/trace" ||
		fail "scanned although INO_PATHS answered"
}

@test "Btrfs as nobody (INO_PATHS not permitted): the scan gives the same answer" {
	need_nobody
	new_btrfs b
	btrfs subvolume create b/sv >/dev/null || skip "cannot create a subvolume"
	mkdir -p b/sv/x
	mkfile b/sv/x/f
	ln b/sv/x/f b/sv/y
	ln b/sv/x/f b/sv/z
	nrun list b/sv/z
	expect_status 0
	expect_no_err
	expect_out "$MP/sv/x/f
$MP/sv/y
$MP/sv/z"
}

@test "Btrfs: a file whose names take more than 4 KiB is still complete" {
	need_root
	new_btrfs b
	mkdir b/many
	mkfile b/many/f
	local i long
	long=$(printf '%0100d' 0)
	for i in $(seq 1 100); do
		ln b/many/f "b/many/n${i}_$long"
	done
	hrun_bin out list -0 b/many/f
	expect_status 0
	python3 -c '
import sys
recs = open(sys.argv[1], "rb").read().split(b"\0")
sys.exit(0 if len(recs) == 102 and recs[-1] == b"" else "got %d records" % len(recs))
' out || fail "not 101 names"
	hrun list -j b/many/f
	json_ok "d[0]['complete'] is True and len(d[0]['names']) == 101"
}

@test "XFS: default root, --root and groups" {
	need_root
	new_xfs x
	mkdir -p x/a/b x/c
	mkfile x/a/b/f
	ln x/a/b/f x/c/g
	mkfile x/solo
	hrun list x/c/g
	expect_status 0
	expect_no_err
	expect_out "$MP/a/b/f
$MP/c/g"
	hrun list --root=x/c x/a/b/f
	expect_status 0
	expect_out "x/c/g"
	hrun list -j x
	json_ok "d == [{'dev': int(a[0]), 'ino': int(a[1]), 'nlink': 2,
		'names': ['x/a/b/f', 'x/c/g']}]" "$(devno x/c/g)" "$(ino x/c/g)"
}

# ---- mounts inside the tree -------------------------------------------------------

@test "a bind mount inside the tree is not entered: its names are not listed, the answer complete" {
	need_native "Wine gives every Linux filesystem under Z: one volume serial"
	need_linux_path "no mount ids, a bind mount of the same filesystem cannot be told apart"
	need_root
	new_ext4
	mkdir -p mnt/sub mnt/bind
	mkfile mnt/sub/f
	ln mnt/sub/f mnt/g
	mount_fs mnt/bind --bind mnt/sub
	[ "$(ino mnt/bind/f)" = "$(ino mnt/g)" ] || fail "bind mount not in place"
	hrun list mnt/g
	expect_status 0
	expect_no_err
	expect_out "$MP/g
$MP/sub/f"
	hrun list -j --root=mnt mnt/bind/f
	expect_status 0
	json_ok "d[0]['names'] == ['mnt/g', 'mnt/sub/f'] and d[0]['complete'] is True"
	hrun list mnt
	expect_status 0
	expect_out "mnt/g
mnt/sub/f"
}

@test "FILE in a bind mount of a subdirectory: the mount is the root, the warning says the rest may be outside it" {
	need_native "Wine gives every Linux filesystem under Z: one volume serial"
	need_linux_path "the portable path cannot see which part of a filesystem a mount shows"
	need_root
	new_ext4
	mkdir -p mnt/sub bind
	mkfile mnt/sub/f
	ln mnt/sub/f mnt/g
	mount_fs bind --bind mnt/sub
	hrun list bind/f
	expect_status 1
	expect_out "$PWD/bind/f"
	expect_err "hln: list: bind/f: found 1 of 2 names under $PWD/bind; the rest are in directories that could not be read, or the file changed during the search, or they lie outside /sub, the part of its filesystem that this bind mount shows"
	hrun list --root=mnt bind/f
	expect_status 0
	expect_out "mnt/g
mnt/sub/f"
}

@test "a file bind-mounted over a name in the tree is not another name" {
	need_native "Wine gives every Linux filesystem under Z: one volume serial"
	need_linux_path "no mount ids, a bind mount of the same filesystem cannot be told apart"
	need_root
	new_ext4
	mkdir mnt/t
	mkfile mnt/t/a
	ln mnt/t/a mnt/t/b
	mkfile mnt/t/x other
	mount_file_bind mnt/t/a mnt/t/x
	hrun list --root=mnt/t mnt/t/a
	expect_status 0
	expect_out "mnt/t/a
mnt/t/b"
	hrun list mnt/t
	expect_status 0
	expect_out "mnt/t/a
mnt/t/b"
}

@test "another filesystem (tmpfs) mounted inside is not entered" {
	need_native "Wine gives every Linux filesystem under Z: one volume serial"
	need_root
	new_ext4
	mkfile mnt/a
	ln mnt/a mnt/b
	mount_tmpfs mnt/tm
	mkfile mnt/tm/x
	ln mnt/tm/x mnt/tm/y
	hrun list mnt
	expect_status 0
	expect_out "mnt/a
mnt/b"
	hrun list -j --root=mnt mnt/tm/x
	expect_status 0
	json_ok "d[0]['names'] == [] and d[0]['complete'] is False"
	# its own mount point is its default root
	hrun list mnt/tm/y
	expect_status 0
	expect_out "$MP/tm/x
$MP/tm/y"
}

# ---- unreadable directories (as the user nobody) ---------------------------

# secret_tree: on a fresh image, mnt/pub = mnt/sec/hid with mnt/sec 0700
# owned by root, and mnt/open/f = mnt/open/g readable.
secret_tree() {
	new_ext4
	mkdir -p mnt/sec mnt/open
	chmod 700 mnt/sec
	mkfile mnt/pub
	ln mnt/pub mnt/sec/hid
	mkfile mnt/open/f
	ln mnt/open/f mnt/open/g
	ln mnt/open/f mnt/sec/h2
	mkdir mnt/open/deeper
}

@test "unreadable directory, default root: found K of N, one summary line, exit 1" {
	need_nobody
	secret_tree
	nrun list mnt/pub
	expect_status 1
	expect_out "$MP/pub"
	expect_err "hln: list: mnt/pub: found 1 of 2 names under $MP; the rest are in directories that could not be read, or the file changed during the search
hln: list: 1 directory could not be read (the first: $MP/sec: permission denied)"
	nrun list -j mnt/pub
	expect_status 1
	json_ok "d[0]['names'] == [a[0] + '/pub'] and d[0]['complete'] is False" "$MP"
}

@test "unreadable directories are summarized in one line (count and first path)" {
	need_nobody
	secret_tree
	mkdir -m 700 mnt/sec2 mnt/open/sec3
	nrun list mnt/pub mnt/open/g
	expect_status 1
	local last=${stderr##*$'\n'}
	[[ $last =~ ^"hln: list: 3 directories could not be read (the first: $MP/"(sec|sec2|open/sec3)": permission denied)"$ ]] ||
		fail "summary line"
	[ "$(grep -c 'could not be read (the first' <<<"$stderr")" -eq 1 ] ||
		fail "more than one summary line"
}

@test "unreadable directory, --root: complete:false and exit 0; -v says found K of N" {
	need_nobody
	secret_tree
	nrun list -j --root=mnt mnt/pub
	expect_status 0
	json_ok "d[0]['names'] == ['mnt/pub'] and d[0]['complete'] is False and d[0]['nlink'] == 2"
	expect_err "hln: list: 1 directory could not be read (the first: mnt/sec: permission denied)"
	nrun list -v --root=mnt mnt/pub
	expect_status 0
	expect_out "mnt/pub"
	expect_err "hln: list: mnt/pub: found 1 of 2 names under mnt
hln: list: 1 directory could not be read (the first: mnt/sec: permission denied)"
}

@test "unreadable directory inside a DIR operand: the readable groups, summary, exit 1" {
	need_nobody
	secret_tree
	nrun list mnt
	expect_status 1
	expect_out "mnt/open/f
mnt/open/g"
	expect_err "hln: list: 1 directory could not be read (the first: mnt/sec: permission denied)"
	nrun list -j mnt
	expect_status 1
	json_ok "d[0]['names'] == ['mnt/open/f', 'mnt/open/g'] and d[0]['nlink'] == 3"
}

@test "a directory removed while being read (getdents64 ENOENT) is not 'could not be read'" {
	need_fp
	# t holds only sub; its reads are dir_next calls 1 (sub) and 2 (end),
	# so call 3 is the first read of t/sub, as if rmdir'd after the open
	mkdir -p t/sub
	mkfile t/sub/c
	ln t/sub/c t/sub/d
	fprun dir_next=3:ENOENT list t
	expect_status 0
	expect_no_err
	expect_no_out
}

# ---- the early stop ----------------------------------------------------------

@test "the scan stops once every name is found: later directories are never read" {
	need_nobody
	new_ext4
	mkfile mnt/f
	ln mnt/f mnt/g
	mkdir -m 700 mnt/sec
	local i
	for i in $(seq 1 30); do mkdir "mnt/d$i"; done
	# both names are in the root directory, read first; the unreadable
	# directory would be reported if the walk went on
	nrun list mnt/f
	expect_status 0
	expect_no_err
	expect_out "$MP/f
$MP/g"
	nrun list --root=mnt mnt/g
	expect_status 0
	expect_no_err
	expect_out "mnt/f
mnt/g"
}

@test "a FILE with 2 links in a bigger tree: right, and few directories read" {
	need_native "strace counts Linux system calls"
	need_root
	new_ext4
	python3 -c '
import os
for i in range(100):
    d = "mnt/d%03d" % i
    os.mkdir(d)
    for j in range(30):
        open("%s/f%d" % (d, j), "w").close()
'
	mkfile mnt/top
	ln mnt/top mnt/d050/other
	mkfile mnt/x
	ln mnt/x mnt/y
	hrun list mnt/x
	expect_status 0
	expect_out "$MP/x
$MP/y"
	hrun list mnt/top
	expect_status 0
	expect_out "$MP/d050/other
$MP/top"
	if command -v strace >/dev/null; then
		run env ASAN_OPTIONS=detect_leaks=0 strace -f -e trace=openat -o "$BATS_TEST_TMPDIR/trace" \
			"$HLN" list mnt/x
		local n
		n=$(grep -c "O_DIRECTORY" "$BATS_TEST_TMPDIR/trace")
		[ "$n" -le 3 ] || fail "$n directories opened for names in the root"
	fi
}

# ---- DIR operands ------------------------------------------------------------

# group_tree: t/ with
#   t/a/x = t/b/x = t/c (3 names, all inside)   t/z = t/a/y (2 inside, 1 outside)
#   t/solo (1 name)   t/b/w = out/w (1 inside: no group)
group_tree() {
	mkdir -p t/a t/b out
	mkfile t/a/x
	ln t/a/x t/b/x
	ln t/a/x t/c
	mkfile t/z
	ln t/z t/a/y
	ln t/z out/z
	mkfile t/solo
	mkfile t/b/w
	ln t/b/w out/w
}

@test "DIR: groups of 2+ names inside, sorted, groups by first name, blank line between" {
	group_tree
	hrun list t
	expect_status 0
	expect_no_err
	expect_out "t/a/x
t/b/x
t/c

t/a/y
t/z"
	hrun list t/
	expect_out "t/a/x
t/b/x
t/c

t/a/y
t/z"
	cd t
	hrun list .
	expect_out "./a/x
./b/x
./c

./a/y
./z"
	hrun list a
	expect_status 0
	expect_no_out
}

@test "DIR -0: every group ends with an empty record, even alone" {
	group_tree
	hrun_bin res list -0 t
	expect_status 0
	expect_records res nul t/a/x t/b/x t/c "" t/a/y t/z ""
}

@test "DIR -j: {dev, ino, nlink, names}; nlink > names when names are outside" {
	group_tree
	hrun list -j t
	expect_status 0
	json_ok "d == [
		{'dev': int(a[0]), 'ino': int(a[1]), 'nlink': 3, 'names': ['t/a/x', 't/b/x', 't/c']},
		{'dev': int(a[0]), 'ino': int(a[2]), 'nlink': 3, 'names': ['t/a/y', 't/z']}]" \
		"$(devno t/c)" "$(ino t/c)" "$(ino t/z)"
}

@test "DIR and FILE operands together: headers, blank lines, -0, -j" {
	group_tree
	hrun list --root=t t t/z
	expect_status 0
	expect_out "t:
t/a/x
t/b/x
t/c

t/a/y
t/z

t/z:
t/a/y
t/z"
	hrun_bin res list -0 --root=t t/z t
	expect_records res nul t/a/y t/z "" t/a/x t/b/x t/c "" t/a/y t/z ""
	hrun list -j --root=t t/z t
	json_ok "len(d) == 3 and d[0]['file'] == 't/z' and d[0]['names'] == ['t/a/y', 't/z']
		and d[0]['complete'] is False and 'file' not in d[1]
		and d[1]['names'] == ['t/a/x', 't/b/x', 't/c'] and d[2]['names'] == ['t/a/y', 't/z']"
}

@test "DIR with no groups among several operands: still a blank line between" {
	group_tree
	mkdir empty
	hrun list --root=t empty t/c
	expect_status 0
	expect_out "empty:

t/c:
t/a/x
t/b/x
t/c"
	hrun list --root=t t/c empty t/z
	expect_out "t/c:
t/a/x
t/b/x
t/c

empty:

t/z:
t/a/y
t/z"
}

# ---- random trees, checked against find(1) --------------------------------

@test "random tree: hln list --root=T F equals find T -samefile F, for many F" {
	random_tree t 1
	mkdir out
	# some names outside T as well
	find t -type f -name '*1' -print0 | head -z -n 20 |
		while IFS= read -r -d '' f; do ln "$f" "out/$RANDOM$RANDOM"; done
	local f n=0 bad=0
	while IFS= read -r -d '' f; do
		n=$((n + 1))
		[ $((n % 3)) -eq 0 ] || continue
		"$HLN" list -0 --root=t "$f" >got || fail "exit $? for $f"
		find t -samefile "$f" -print0 | LC_ALL=C sort -z >want
		cmp -s got want || {
			bad=$((bad + 1))
			printf 'differs: %q\n' "$f" >&2
		}
	done < <(find t -type f -print0)
	[ "$n" -gt 300 ] || fail "only $n files generated"
	[ "$bad" -eq 0 ] || fail "$bad files differ"
}

@test "random tree: several FILEs in one scan, the default root, find -xdev -samefile" {
	need_root
	new_ext4
	random_tree mnt/t 2
	local -a files
	local lmp pre
	lmp=$(realpath mnt)
	pre=$(outpath "")
	mapfile -d '' files < <(find "$lmp/t" -type f -links +1 -print0 | head -z -n 40)
	[ "${#files[@]}" -eq 40 ] || fail "too few linked files"
	hrun_bin got list -0 "${files[@]}"
	expect_status 0
	expect_no_err
	local f
	: >want
	for f in "${files[@]}"; do
		find "$lmp" -xdev -samefile "$f" -print0 | LC_ALL=C sort -z |
			sed -z "s|^|$pre|" >>want
		printf '\0' >>want
	done
	cmp got want || fail "several FILEs differ from find"
	# -j agrees, every answer complete
	hrun list -j "${files[@]}"
	expect_status 0
	json_ok "len(d) == 40 and all(x['complete'] and len(x['names']) == x['nlink'] for x in d)"
}

@test "random tree: hln list T groups equal find T -links +1 grouped by inode" {
	random_tree t 3
	mkdir out
	find t -type f -name '*2' -print0 | head -z -n 20 |
		while IFS= read -r -d '' f; do ln "$f" "out/$RANDOM$RANDOM"; done
	hrun_bin got list -0 t
	expect_status 0
	find_groups t >want
	[ -s want ] || fail "no groups generated"
	cmp got want || fail "groups differ from find"
	# a subdirectory as well
	local sub
	sub=$(find t -mindepth 1 -maxdepth 1 -type d -print -quit)
	hrun_bin got list -0 "$sub"
	find_groups "$sub" >want
	cmp got want || fail "groups of $sub differ from find"
	# -j: nlink is the inode's own count
	hrun list -j t
	expect_status 0
	printf '%s' "$output" | python3 -c '
import json, os, sys
# Under Wine, dev is a volume serial, not st_dev.
native = os.environ.get("HLN_WINE") != "1"
for g in json.load(sys.stdin):
    names = [os.fsencode(n) for n in g["names"]]
    st = os.lstat(names[0])
    assert len(names) >= 2 and names == sorted(names), names
    dev = st.st_dev if native else g["dev"]
    assert (g["dev"], g["ino"], g["nlink"]) == (dev, st.st_ino, st.st_nlink), g
    assert all(os.lstat(n).st_ino == st.st_ino for n in names), names
' || fail "-j groups"
}

# ---- errors and usage ----------------------------------------------------------

@test "a missing FILE: message, exit 1, the others still printed" {
	group_tree
	hrun list --root=t t/c nowhere t/z
	expect_status 1
	expect_out "t/c:
t/a/x
t/b/x
t/c

t/z:
t/a/y
t/z"
	expect_err "hln: list: nowhere: no such file or directory"
	hrun list -j --root=t nowhere t/c
	expect_status 1
	json_ok "len(d) == 1 and d[0]['file'] == 't/c'"
}

@test "no operand, unknown option: usage error, exit 2" {
	hrun list
	expect_usage_error list
	hrun list --bogus x
	expect_usage_error list
	hrun list -x x
	expect_usage_error list
	hrun list --root
	expect_usage_error list
}

@test "-h, --help, hln help list: usage on stdout, exit 0" {
	local h
	for h in "list -h" "list --help" "help list"; do
		# shellcheck disable=SC2086
		hrun $h
		expect_status 0
		expect_no_err
		expect_out_has "Usage: hln list"
		expect_out_has "--root=DIR"
		expect_out_has "--no-dereference"
	done
}
