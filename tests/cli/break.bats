#!/usr/bin/env bats
# shellcheck disable=SC2154 # $stderr is set by bats' run --separate-stderr
# hln break (SPEC "hln break"): FILE becomes an independent copy, every
# other name keeps the original; clones on Btrfs/XFS, copies elsewhere;
# metadata, holes, refusals, faults. The failpoint walk and the kill -9
# tests are in break_faults.bats.

load helpers

# ---- helpers of this file ----------------------------------------------

# three NAME: NAME, NAME.2 and NAME.3, one inode holding "data of NAME"
three() {
	mkfile "$1"
	ln "$1" "$1.2"
	ln "$1" "$1.3"
}

# portable_build: whether $HLN is the portable-path build (no xattrs there)
portable_build() { [[ $HLN == */portable/* ]]; }

# meta FILE: what break must keep, one line
meta() { stat -c '%a %u %g %s %X.%x %Y.%y' -- "$1"; }

# used_kib DIR: KiB used on DIR's filesystem
used_kib() { df -k --output=used "$1" | tail -n 1 | tr -d ' '; }

# shared_extents FILE: number of extents filefrag -v marks "shared"
shared_extents() { filefrag -v -- "$1" | grep -c shared || true; }

# ---- the basics ----------------------------------------------------------

@test "FILE with three names: FILE is a new inode, the others keep the original" {
	three f
	local orig
	orig=$(ino f)
	hrun break f
	expect_status 0
	expect_no_out
	expect_no_err
	[ "$(ino f)" != "$orig" ] || fail "f kept the original inode"
	expect_ino f.2 "$orig"
	expect_ino f.3 "$orig"
	expect_nlink f 1
	expect_nlink f.2 2
	expect_content f "data of f"
	expect_content f.2 "data of f"
	no_temp_left
	# independent: writing one does not change the other
	echo more >>f
	expect_content f.2 "data of f"
}

@test "a FILE with one link: nothing to do, exit 0; -v says so" {
	mkfile solo
	local orig
	orig=$(ino solo)
	hrun break solo
	expect_status 0
	expect_no_out
	hrun break -v solo
	expect_status 0
	expect_out "'solo': has one name; nothing to do"
	expect_ino solo "$orig"
}

@test "several FILEs, one missing: the others are done, exit 1" {
	three a
	three b
	hrun break a missing b
	expect_status 1
	expect_err "hln: break: missing: no such file or directory"
	expect_nlink a 1
	expect_nlink b 1
	expect_nlink a.2 2
}

@test "-v says clone or copy; -n changes nothing; -j gives the summary" {
	three f
	three g
	local orig
	orig=$(ino f)
	hrun break -n f g
	expect_status 0
	expect_out "'f': would break (3 names)
'g': would break (3 names)"
	expect_ino f "$orig"
	hrun break -n -j f
	expect_out '{"broken":1,"cloned":0,"copied":0,"bytes_copied":0}'
	expect_ino f "$orig"
	hrun break -v --reflink=never f
	expect_status 0
	expect_out "'f': broken (copy, 9 bytes)"
	hrun break -j --reflink=never g
	expect_status 0
	expect_out '{"broken":1,"cloned":0,"copied":1,"bytes_copied":9}'
	python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert set(d)=={"broken","cloned","copied","bytes_copied"}' "$output"
}

@test "-v: one byte is '1 byte', other counts are plural" {
	printf x >one
	ln one one.2
	: >empty
	ln empty empty.2
	printf xy >two
	ln two two.2
	hrun break -v --reflink=never one empty two
	expect_status 0
	expect_out "'one': broken (copy, 1 byte)
'empty': broken (copy, 0 bytes)
'two': broken (copy, 2 bytes)"
}

@test "a symlink operand is refused, naming the target path" {
	need_native "Wine shows a symlink as the file it points to"
	three f
	mkdir sub
	ln -s ../f sub/link
	hrun break sub/link
	expect_status 1
	expect_err "hln: break: sub/link: is a symbolic link to '../f'; break the file itself by naming it: hln break 'sub/../f'"
	expect_nlink f 3
	[ -L sub/link ] || fail "the link was touched"
	ln -s ../missing sub/dangling
	hrun break sub/dangling
	expect_status 1
	expect_err "hln: break: sub/dangling: is a symbolic link to '../missing', which does not exist; only a file can be broken"
	[ -L sub/dangling ] || fail "the dangling link was touched"
}

@test "a directory operand is refused without -r; a fifo is refused" {
	need_native "Windows has no fifos"
	mkdir d
	mkfifo p
	hrun break d
	expect_status 1
	expect_err "hln: break: d: is a directory; use -r to break the links of the files under it"
	hrun break p
	expect_status 1
	expect_err "hln: break: p: is not a regular file; only the data of regular files can be copied"
}

@test "usage errors: no operand, a bad --reflink, an unknown option" {
	hrun break
	expect_usage_error break
	hrun break --reflink=sometimes f
	expect_usage_error break
	expect_err_has "invalid --reflink 'sometimes'"
	hrun break --bogus f
	expect_usage_error break
}

@test "--help and help break describe the options" {
	hrun break --help
	expect_status 0
	expect_out_has "Usage: hln break [OPTION]... FILE..."
	expect_out_has "--reflink[=WHEN]"
	hrun help break
	expect_status 0
	expect_out_has "--dry-run"
}

@test "names with newlines, spaces and a leading dash" {
	need_native "Windows names cannot hold control characters or bytes that are not UTF-8"
	mkfile $'-new\nline x'
	ln -- $'-new\nline x' other
	hrun break -- $'-new\nline x'
	expect_status 0
	expect_nlink other 1
	expect_nlink $'-new\nline x' 1
	no_temp_left
}

# ---- metadata and data ---------------------------------------------------

@test "metadata round trip: mode with setuid, owner, ns times, user xattr, ACL" {
	need_native "Windows keeps no mode bits, owners, xattrs or ACLs"
	need_root
	three f
	chown 1234:5678 f
	chmod 6750 f
	touch -a -d '@1500000000.123456789' f
	touch -m -d '@1600000000.987654321' f
	if ! portable_build; then
		setfattr -n user.colour -v blue f || skip "no user xattrs on /tmp"
		setfacl -m u:4321:r-x f || skip "no ACLs on /tmp"
	fi
	local want acl
	want=$(meta f)
	acl=$(getfacl -cn f 2>/dev/null)
	hrun break f
	expect_status 0
	[ "$(meta f)" = "$want" ] || fail "metadata: $(meta f), want $want"
	# the portable path cannot read without updating the original's atime
	portable_build || [ "$(meta f)" = "$(meta f.2)" ] || fail "f.2 differs"
	if ! portable_build; then
		[ "$(getfattr --only-values -n user.colour f)" = blue ] ||
			fail "user.colour lost"
		[ "$(getfacl -cn f 2>/dev/null)" = "$acl" ] || fail "ACL differs: $(getfacl -cn f)"
	fi
	expect_nlink f 1
}

@test "an ACL the directory's default ACL would give the copy is not added" {
	need_native "Windows keeps no POSIX ACLs"
	need_linux_path "the portable path copies no extended attributes"
	mkdir d o
	printf x >o/f
	ln o/f d/f
	setfacl -d -m u:nobody:rwx d || skip "no ACLs on /tmp"
	local acl
	acl=$(getfacl -cn o/f 2>/dev/null)
	hrun break d/f
	expect_status 0
	[ "$(getfacl -cn d/f 2>/dev/null)" = "$acl" ] ||
		fail "ACL of the copy: $(getfacl -cn d/f), the original's: $acl"
}

@test "-r: a fifo with two names under DIR is reported, not skipped silently" {
	need_native "Windows has no fifos"
	mkdir D
	mkfifo D/p
	ln D/p D/p2
	hrun break -r D
	expect_status 1
	expect_err_has "is not a regular file"
	expect_nlink D/p 2
}

@test "as a user who cannot keep the owner: setuid and setgid are dropped" {
	need_nobody
	mkdir -m 0777 d
	mkfile d/f
	ln d/f d/g
	chown root:root d/f
	chmod 6755 d/f
	nrun break d/f
	expect_status 0
	[ "$(stat -c '%a %u' d/f)" = "755 $NOBODY" ] || fail "got $(stat -c '%a %u' d/f)"
	[ "$(stat -c '%a %u' d/g)" = "6755 0" ] || fail "the original changed"
}

@test "a sparse file keeps its holes (du before and after)" {
	truncate -s 64M sp
	printf 'head' | dd of=sp conv=notrunc status=none
	printf 'tail' | dd of=sp bs=1 seek=$((64 * 1024 * 1024 - 4)) conv=notrunc status=none
	ln sp sp2
	local before sum
	before=$(du -k sp | cut -f1)
	sum=$(md5sum <sp)
	hrun break --reflink=never sp
	expect_status 0
	[ "$(md5sum <sp)" = "$sum" ] || fail "content differs"
	[ "$(stat -c %s sp)" = $((64 * 1024 * 1024)) ] || fail "size differs"
	[ "$(du -k sp | cut -f1)" -le $((before + 64)) ] ||
		fail "holes filled: $(du -k sp | cut -f1) KiB, was $before"
}

@test "--reflink=always on ext4 fails cleanly and changes nothing" {
	[ "$(stat -f -c %T .)" = ext2/ext3 ] || skip "$(stat -f -c %T .) is not ext4"
	three f
	local orig used
	orig=$(ino f)
	hrun break --reflink=always f
	expect_status 1
	expect_err "hln: break: f: cannot be cloned: its data blocks cannot be shared here (the filesystem cannot, or the file is marked No_COW) (--reflink=always); nothing was changed"
	expect_ino f "$orig"
	expect_nlink f 3
	no_temp_left
}

# ---- other filesystems ---------------------------------------------------

@test "tmpfs: break copies, names keep their data" {
	need_root
	mount_tmpfs mnt size=16m
	three mnt/f
	hrun break -v mnt/f
	expect_status 0
	expect_out_has "broken (copy"
	expect_nlink mnt/f 1
	expect_nlink mnt/f.2 2
	expect_content mnt/f "data of mnt/f"
	no_temp_left mnt
}

@test "ENOSPC on a small tmpfs: exit 1, a clear sentence, nothing changed, no space used" {
	need_root
	mount_tmpfs mnt size=4m
	head -c $((3 * 1024 * 1024)) /dev/urandom >mnt/big
	ln mnt/big mnt/big2
	local orig used sum
	orig=$(ino mnt/big)
	sum=$(md5sum <mnt/big)
	used=$(used_kib mnt)
	hrun break mnt/big
	expect_status 1
	expect_err_has "hln: break: mnt/big: no space left on the device (free blocks or inodes): a copy needs 3.0M; nothing was changed"
	expect_ino mnt/big "$orig"
	[ "$(md5sum <mnt/big2)" = "$sum" ] || fail "content changed"
	[ "$(used_kib mnt)" = "$used" ] || fail "space used: $(used_kib mnt) KiB, was $used"
	no_temp_left mnt
}

@test "Btrfs: a clone (shared extents, no space used); --reflink=never copies" {
	need_native "Wine has no block cloning"
	! portable_build || skip "the portable path cannot clone"
	mount_image mnt btrfs 300
	head -c $((32 * 1024 * 1024)) /dev/urandom >mnt/f
	ln mnt/f mnt/g
	cp mnt/f mnt/h && ln mnt/h mnt/i
	sync
	local used sum
	sum=$(md5sum <mnt/f)
	used=$(used_kib mnt)
	hrun break -v mnt/f
	expect_status 0
	expect_out "'mnt/f': broken (clone)"
	sync
	[ "$(md5sum <mnt/f)" = "$sum" ] || fail "content differs"
	[ "$(shared_extents mnt/f)" -gt 0 ] || fail "no shared extents: $(filefrag -v mnt/f)"
	[ "$(used_kib mnt)" -le $((used + 1024)) ] || fail "df grew: $(used_kib mnt) KiB, was $used"
	hrun break -v --reflink=never mnt/h
	expect_status 0
	expect_out_has "'mnt/h': broken (copy, 33554432 bytes)"
	hrun break --reflink=always mnt/g
	expect_status 0 # one name left: nothing to do
	no_temp_left mnt
}

@test "XFS (reflink=1): a clone with shared extents; --reflink=always works" {
	need_native "Wine has no block cloning"
	! portable_build || skip "the portable path cannot clone"
	mount_image mnt xfs 320
	head -c $((16 * 1024 * 1024)) /dev/urandom >mnt/f
	ln mnt/f mnt/g
	ln mnt/f mnt/h
	sync
	local used sum
	sum=$(md5sum <mnt/f)
	used=$(used_kib mnt)
	hrun break -v --reflink=always mnt/f
	expect_status 0
	expect_out "'mnt/f': broken (clone)"
	sync
	[ "$(md5sum <mnt/f)" = "$sum" ] || fail "content differs"
	[ "$(shared_extents mnt/f)" -gt 0 ] || fail "no shared extents: $(filefrag -v mnt/f)"
	[ "$(used_kib mnt)" -le $((used + 1024)) ] || fail "df grew"
	expect_nlink mnt/g 2
	no_temp_left mnt
}

@test "--reflink=never on XFS and Btrfs: the bytes go into blocks of the copy's own, none shared" {
	need_native "Wine has no block cloning"
	! portable_build || skip "the portable path cannot clone"
	# copy_file_range remaps extents on both: it must not be used for never
	local fs
	for fs in xfs btrfs; do
		mount_image "m$fs" "$fs" 320
		head -c $((8 * 1024 * 1024)) /dev/urandom >"m$fs/f"
		ln "m$fs/f" "m$fs/g"
		sync
		hrun break -v --reflink=never "m$fs/f"
		expect_status 0
		expect_out "'m$fs/f': broken (copy, 8388608 bytes)"
		sync
		cmp "m$fs/f" "m$fs/g" || fail "$fs: content differs"
		[ "$(shared_extents "m$fs/f")" -eq 0 ] || fail "$fs: the copy shares extents: $(filefrag -v "m$fs/f")"
		[ "$(shared_extents "m$fs/g")" -eq 0 ] || fail "$fs: the original shares extents: $(filefrag -v "m$fs/g")"
		no_temp_left "m$fs"
	done
}

# ---- -r ------------------------------------------------------------------

@test "-r: no name under DIR shares data with another; all-inside files keep one original" {
	mkdir -p d/sub
	mkfile d/in1
	ln d/in1 d/sub/in2 # every name under d
	mkfile out
	ln out d/o1
	ln out d/sub/o2 # names outside d too
	mkfile d/solo
	local in_ino out_ino
	in_ino=$(ino d/in1)
	out_ino=$(ino out)
	hrun break -r -j d
	expect_status 0
	expect_out '{"broken":3,"cloned":0,"copied":3,"bytes_copied":35}'
	# d/in1 (first by name) keeps the original inode
	expect_ino d/in1 "$in_ino"
	expect_ino out "$out_ino"
	expect_nlink out 1
	local left
	left=$(find d -type f -links +1)
	[ -z "$left" ] || fail "still shared: $left"
	expect_content d/sub/o2 "data of out"
	no_temp_left
}

@test "-r -v: file by file in the order of their first names, each file's names in byte order" {
	mkdir d
	mkfile d/a
	ln d/a d/c
	ln d/a d/e # every name of a under d: d/a keeps it
	mkfile d/b
	ln d/b out # a name outside: d/b is broken too
	hrun break -r -v --reflink=never d
	expect_status 0
	expect_out "'d/c': broken (copy, 11 bytes)
'd/e': broken (copy, 11 bytes)
'd/b': broken (copy, 11 bytes)"
	expect_nlink d/a 1
	expect_nlink out 1
}

@test "-r -n lists what would be broken and changes nothing" {
	mkdir d
	mkfile d/a
	ln d/a d/b
	hrun break -r -n d
	expect_status 0
	expect_out "'d/b': would break (2 names)"
	expect_nlink d/a 2
}

@test "-r: paths longer than 4,096 bytes are broken like any other" {
	need_native "Wine's paths stop at 32,767 UTF-16 units; this tree is deeper than the test needs there"
	# 25 directories of 200 bytes: the files' paths are about 5,030 bytes
	local n up
	n=$(printf 'd%.0s' $(seq 1 200))
	up=$(printf '../%.0s' $(seq 1 26))
	mkdir top
	(
		cd top || exit 1
		for _ in $(seq 1 25); do mkdir "$n" && cd "$n" || exit 1; done
		printf 'shared\n' >f && ln f g && ln f "${up}out" &&
			printf 'inside\n' >in1 && ln in1 in2
	) || fail "cannot make the deep tree"
	[ "$(find top -name f -printf '%p' | wc -c)" -gt 4096 ] || fail "the tree is not deep enough"
	local in_ino
	in_ino=$(find top -name in1 -printf '%i')
	hrun break -r -n top
	expect_status 0
	expect_no_err
	[ "${#lines[@]}" -eq 3 ] || fail "-n printed ${#lines[@]} lines"
	expect_nlink out 3
	hrun break -r -v top
	expect_status 0
	expect_no_err
	[ "${#lines[@]}" -eq 3 ] || fail "-v printed ${#lines[@]} lines"
	expect_nlink out 1
	local left
	left=$(find top -type f -links +1 -printf '%f\n')
	[ -z "$left" ] || fail "still shared: $left"
	[ "$(find top -name in1 -printf '%i')" = "$in_ino" ] || fail "in1 lost the original inode"
	[ "$(find top -type f -execdir cat {} \; | sort | uniq -c | tr -s ' ')" = " 2 inside
 2 shared" ] || fail "contents differ"
	no_temp_left top
}

# ---- concurrency and signals (failpoint build: HLN_TEST_HOOK) -------------

@test "a name replaced between copy and swap is detected and never clobbered" {
	need_native "test hooks are POSIX shell commands, and Windows has no /bin/sh"
	need_fp
	three f
	mkfile theirs "their new file"
	run --separate-stderr env HLN_TEST_HOOK="before_swap:mv theirs f" "$HLN_FP" break f
	expect_status 1
	expect_err "hln: break: f: was replaced by another file while being copied; that file was left in place and nothing changed"
	expect_content f "their new file"
	expect_content f.2 "data of f"
	expect_nlink f.2 2
	no_temp_left
}

@test "a FILE that changes while being copied is retried, then reported" {
	need_native "test hooks are POSIX shell commands, and Windows has no /bin/sh"
	need_fp
	three f
	# changes once: the second copy succeeds
	run --separate-stderr env HLN_TEST_HOOK="copied:[ -e once ] || { touch once; echo more >>f.2; }" "$HLN_FP" break f
	expect_status 0
	expect_nlink f 1
	[ "$(cat f)" = "$(cat f.2)" ] || fail "the copy is not the changed file"
	# changes every time: 4 tries, then the sentence
	three g
	run --separate-stderr env HLN_TEST_HOOK="copied:echo more >>g.2; echo x >>tries" "$HLN_FP" break g
	expect_status 1
	expect_err "hln: break: g: changed while being copied (tried 4 times); left as it was"
	[ "$(wc -l <tries)" -eq 4 ] || fail "$(wc -l <tries) tries"
	expect_nlink g 3
	no_temp_left
}

@test "SIGTERM and SIGINT during the copy roll back the file in flight: 143, 130" {
	need_native "test hooks are POSIX shell commands, and Windows has no /bin/sh"
	need_fp
	three f
	three g
	local orig
	orig=$(ino f)
	run --separate-stderr env HLN_TEST_HOOK='copied:kill -TERM $PPID' "$HLN_FP" break f g
	expect_status 143
	expect_ino f "$orig"
	expect_nlink g 3 # not started
	no_temp_left
	run --separate-stderr env HLN_TEST_HOOK='copied:kill -INT $PPID' "$HLN_FP" break f
	expect_status 130
	expect_ino f "$orig"
	no_temp_left
}

@test "paths longer than 260 bytes (MAX_PATH on Windows): create, count, list, break" {
	local d
	d=$(printf 'directory-%02d/' $(seq 1 30))
	d=${d%/}
	mkdir -p "$d"
	mkfile "$d/f"
	hrun create "$d/f" "$d/g"
	expect_status 0
	same_file "$d/f" "$d/g"
	hrun count "$d/g"
	expect_out 2
	hrun list --root=. "$d/f"
	expect_status 0
	expect_out "./$d/f
./$d/g"
	hrun break "$d/g"
	expect_status 0
	expect_no_err
	expect_nlink "$d/f" 1
	expect_content "$d/g" "data of $d/f"
	no_temp_left
}
