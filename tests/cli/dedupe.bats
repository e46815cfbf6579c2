#!/usr/bin/env bats
# shellcheck disable=SC2154 # $stderr is set by bats' run --separate-stderr
# hln dedupe: identical files made one (hard links, or shared blocks with
# --reflink), --list, the rules that keep files apart, and safety under
# races, failpoints, kill -9 and signals.

load helpers

# two_copies: src/ with a small tree, copied twice (c1/, c2/)
two_copies() {
	mkdir -p src/sub src/deep/er
	head -c 70000 /dev/urandom >src/big
	printf 'hello\n' >src/sub/hello
	printf 'unique one\n' >src/sub/u
	head -c 5000 /dev/urandom >src/deep/er/mid
	cp -a src c1
	cp -a src c2
	printf 'only in c2\n' >c2/sub/u
}

# pattern NAME BYTES [FLIP]: BYTES bytes of a fixed pattern, byte FLIP
# changed when given
pattern() {
	python3 -c 'import sys
n = int(sys.argv[2]); b = bytearray((i * 7 + i // 251) & 255 for i in range(n))
if len(sys.argv) > 3: b[int(sys.argv[3])] ^= 0x55
open(sys.argv[1], "wb").write(b)' "$@"
}

json_summary_ok() {
	python3 -c 'import json, sys
d = json.load(sys.stdin)
assert sorted(d) == ["files", "freed", "merged", "names", "sets", "skipped"], d
assert sorted(d["skipped"]) == ["changed", "error", "metadata", "outside"], d
for k in ("files", "freed", "merged", "names", "sets"): assert type(d[k]) is int
print(d["files"], d["sets"], d["merged"], d["names"], d["freed"],
      d["skipped"]["metadata"], d["skipped"]["outside"], d["skipped"]["changed"], d["skipped"]["error"])'
}

# ---- the basics ----------------------------------------------------------

@test "two copies of a tree become one: every duplicate a link to the first" {
	two_copies
	local sum
	sum=$(cat src/big | md5sum)
	hrun dedupe --bytes src c1 c2
	expect_status 0
	expect_no_err
	expect_out "files: 12
sets: 4
merged: 7
names: 7
freed: 150023
skipped: 0"
	same_file src/big c1/big
	same_file src/big c2/big
	same_file src/sub/hello c2/sub/hello
	same_file src/deep/er/mid c1/deep/er/mid
	same_file src/sub/u c1/sub/u
	[ "$(ino c1/big)" = "$(ino c2/big)" ] || fail "not one inode"
	[ "$(ino src/sub/u)" != "$(ino c2/sub/u)" ] || fail "a different file was linked"
	expect_content c2/sub/u "only in c2"
	[ "$(md5sum <c2/big)" = "$sum" ] || fail "content changed"
	no_temp_left
	# again: nothing left to do
	hrun dedupe --bytes src c1 c2
	expect_out_has "sets: 0"
}

@test "-n -v: says what would be done, changes nothing" {
	two_copies
	local before
	before=$(find src c1 c2 -type f -printf '%i %p\n' | sort)
	hrun dedupe -n -v src c1
	expect_status 0
	expect_out "'c1/big' => 'src/big'
'c1/deep/er/mid' => 'src/deep/er/mid'
'c1/sub/u' => 'src/sub/u'
'c1/sub/hello' => 'src/sub/hello'
files: 8
sets: 4
merged: 4
names: 4
freed: 73K
skipped: 0"
	[ "$(find src c1 c2 -type f -printf '%i %p\n' | sort)" = "$before" ] || fail "-n changed something"
}

@test "-v lists each name changed" {
	two_copies
	hrun dedupe -v c1 c2
	expect_status 0
	expect_out_has "'c2/big' => 'c1/big'"
	expect_out_has "'c2/sub/hello' => 'c1/sub/hello'"
	[[ $output != *"c2/sub/u"* ]] || fail "a different file is listed"
}

@test "-j: one object with exactly the spec's keys, exact integers" {
	two_copies
	hrun dedupe -j src c1
	expect_status 0
	[ "$(json_summary_ok <<<"$output")" = "8 4 4 4 75017 0 0 0 0" ] || fail "wrong JSON"
	hrun dedupe -j -v nonexistent
	expect_status 1
	[ "$(json_summary_ok <<<"$output")" = "0 0 0 0 0 0 0 0 0" ] || fail "no JSON when all failed"
	expect_err_has "hln: dedupe: nonexistent: "
}

@test "--list: sets by bytes freed, keeper's names first, blank line between" {
	mkdir d
	pattern d/small2 100
	pattern d/small1 100
	pattern d/big1 9000
	pattern d/big2 9000
	pattern d/big3 9000
	ln d/big3 d/big3.link
	pattern d/decoy 9000 8999
	hrun dedupe --list d
	expect_status 0
	expect_out "d/big3
d/big3.link
d/big1
d/big2

d/small1
d/small2"
	# nothing changed
	[ "$(ino d/big1)" != "$(ino d/big2)" ] || fail "--list linked"
}

@test "--list -0 and --list -j" {
	need_native "Windows names cannot hold control characters"
	mkdir d
	pattern "d/a b" 300
	pattern $'d/new\nline' 300
	"$HLN" dedupe --list -0 d >out || fail "--list -0 failed"
	printf 'd/a b\0d/new\nline\0\0' >want
	cmp out want || fail "wrong -0 records: $(od -c out)"
	hrun dedupe --list -j d
	expect_status 0
	python3 -c 'import json, sys
d = json.loads(sys.argv[1])
assert d == [{"size": 300, "keep": "d/a b", "inodes": 2, "names": ["d/a b", "d/new\nline"]}], d' "$output" ||
		fail "wrong JSON"
	hrun dedupe --list -j empty-dir-missing
	expect_status 1
	expect_out "[]"
}

@test "the keeper: the most links, then the first operand, then bytewise" {
	mkdir a b
	pattern b/x 2000
	pattern a/y 2000
	pattern a/z 2000
	local keep
	keep=$(ino b/x)
	hrun dedupe b a
	expect_status 0
	expect_ino a/y "$keep"
	expect_ino a/z "$keep"
	rm -rf a b && mkdir a b
	pattern a/z 2000
	pattern a/y 2000
	pattern b/x 2000
	ln a/z b/z2
	keep=$(ino a/z)
	hrun dedupe -v a b
	expect_out_has "'a/y' => 'a/z'"
	expect_out_has "'b/x' => 'a/z'"
	expect_ino b/x "$keep"
}

@test "empty files, symlinks and special files are never touched" {
	need_native "Wine shows a symlink as the file it points to, and a fifo as a file it cannot open"
	mkdir d
	: >d/e1
	: >d/e2
	pattern d/f 500
	ln -s f d/link
	pattern d/target 500
	mkfifo d/fifo
	hrun dedupe --bytes d
	expect_status 0
	expect_out_has "files: 2"
	[ -L d/link ] || fail "the symlink was replaced"
	[ -p d/fifo ] || fail "the fifo was replaced"
	[ "$(ino d/e1)" != "$(ino d/e2)" ] || fail "empty files linked"
	same_file d/f d/target
	# a symlink operand to a file is left alone
	pattern g 500
	ln -s g l
	hrun dedupe g l
	expect_status 0
	[ -L l ] || fail "the symlink operand was replaced"
	# --min-size=0 takes empty files too
	hrun dedupe --min-size=0 d
	same_file d/e1 d/e2
}

@test "--min-size, --max-size (K, M, G, T) and bad sizes" {
	mkdir d
	pattern d/s1 1000
	pattern d/s2 1000
	pattern d/m1 3000
	pattern d/m2 3000
	pattern d/l1 20000
	pattern d/l2 20000
	hrun dedupe --bytes --min-size=2K --max-size=10k d
	expect_status 0
	expect_out_has "files: 2"
	same_file d/m1 d/m2
	[ "$(ino d/s1)" != "$(ino d/s2)" ] || fail "below --min-size linked"
	[ "$(ino d/l1)" != "$(ino d/l2)" ] || fail "above --max-size linked"
	hrun dedupe --min-size=1.5K d
	expect_usage_error dedupe
	expect_err_has "--min-size"
	hrun dedupe --max-size=-1 d
	expect_usage_error dedupe
	hrun dedupe --max-size=99999999999999999999 d
	expect_usage_error dedupe
	expect_err_has "too large"
	hrun dedupe --min-size=2M --max-size=1M d
	expect_usage_error dedupe
}

@test "--exclude: names matched are skipped, matching directories not entered" {
	mkdir -p d/keep d/cache
	pattern d/keep/a 700
	pattern d/keep/b.tmp 700
	pattern d/cache/c 700
	pattern d/keep/c 700
	hrun dedupe --exclude='*.tmp' --exclude=cache d
	expect_status 0
	same_file d/keep/a d/keep/c
	expect_nlink d/keep/b.tmp 1
	expect_nlink d/cache/c 1
}

@test "usage errors: no operand, unknown option, -0 without --list" {
	hrun dedupe
	expect_usage_error dedupe
	hrun dedupe --frobnicate d
	expect_usage_error dedupe
	hrun dedupe -0 .
	expect_usage_error dedupe
	hrun dedupe --help
	expect_status 0
	expect_out_has "Usage: hln dedupe"
	hrun help dedupe
	expect_status 0
	expect_out_has "--reflink"
}

@test "names with spaces, newlines and a leading dash" {
	need_native "Windows names cannot hold control characters"
	mkdir d
	pattern "d/-a b" 400
	pattern $'d/new\nline' 400
	hrun dedupe -- d
	expect_status 0
	same_file "d/-a b" $'d/new\nline'
}

@test "operands overlapping: a name is seen once" {
	mkdir -p d/sub
	pattern d/sub/a 400
	pattern d/b 400
	hrun dedupe --bytes d d/sub d/sub/a
	expect_status 0
	expect_out_has "files: 2"
	expect_out_has "names: 1"
	same_file d/sub/a d/b
}

@test "the same name given three times, between links of it: listed once" {
	pattern a 400
	ln a l
	pattern c 400
	# once crashed (a use after free: the third copy of a name was
	# compared with the freed second)
	hrun dedupe --list a a l a c
	expect_status 0
	[ "$(grep -cx a <<<"$output")" = 1 ] || fail "a listed more than once: $output"
	hrun dedupe --bytes a l a a c a
	expect_status 0
	expect_out_has "files: 2"
	same_file a c
	same_file a l
}

# ---- the rules that keep files apart --------------------------------------

@test "different owner, group or mode: left apart; --ignore-owner/-mode and -c merge" {
	need_root
	need_native "Wine has no owners"
	mkdir d
	pattern d/a 600
	pattern d/b 600
	pattern d/c 600
	pattern d/m 600
	chown "$NOBODY" d/b
	chgrp "$NOBODY" d/c
	chmod 600 d/m
	hrun dedupe -v d
	expect_status 0
	expect_out_has "'d/b' left apart:"
	expect_out_has "skipped: 3 (metadata 3, outside 0, changed 0, error 0)"
	expect_nlink d/a 1
	hrun dedupe --ignore-owner d
	expect_out_has "merged: 2"
	same_file d/a d/b
	same_file d/a d/c
	expect_nlink d/m 1
	hrun dedupe --ignore-mode d
	same_file d/a d/m
	# -c: all three at once
	rm -rf d && mkdir d
	pattern d/a 600
	pattern d/b 600
	chown "$NOBODY":"$NOBODY" d/b
	chmod 640 d/b
	hrun dedupe -c d
	same_file d/a d/b
}

@test "extended attributes differ: left apart; --ignore-xattrs merges" {
	need_native "Wine has no extended attributes"
	need_linux_path "the portable build sees no extended attributes"
	mkdir d
	pattern d/a 600
	pattern d/b 600
	setfattr -n user.tag -v x d/b 2>/dev/null || skip "no user xattrs here"
	hrun dedupe -j d
	[ "$(json_summary_ok <<<"$output")" = "2 1 0 0 0 1 0 0 0" ] || fail "not left apart"
	setfattr -n user.tag -v x d/a
	hrun dedupe d
	same_file d/a d/b
	pattern d/c 600
	setfacl -m u:"$NOBODY":r d/c 2>/dev/null || skip "no ACLs here"
	hrun dedupe d
	expect_nlink d/c 1
	hrun dedupe --ignore-xattrs d
	same_file d/a d/c
}

@test "--same-time: only equal modification times are linked" {
	mkdir d
	pattern d/a 600
	pattern d/b 600
	touch -d '2020-01-01 00:00:00' d/b
	hrun dedupe --same-time d
	expect_out_has "skipped: 1 (metadata 1"
	expect_nlink d/a 1
	hrun dedupe d
	same_file d/a d/b
}

@test "an inode with names outside the operands is left apart (skipped.outside)" {
	mkdir d out
	pattern d/k 800
	ln d/k d/k2
	pattern d/x 800
	ln d/x out/x
	hrun dedupe -v -j d
	[ "$(json_summary_ok <<<"$output")" = "2 1 0 0 0 0 1 0 0" ] || fail "not counted outside"
	hrun dedupe -v d
	expect_out_has "'d/x' left apart: it has names outside the operands"
	expect_nlink d/x 2
	# with both trees, it is merged
	hrun dedupe d out
	same_file d/x d/k
}

@test "one filesystem: a mount inside the tree is not entered; no links across" {
	need_root
	need_native "Wine cannot mount"
	mkdir d
	pattern d/a 900
	mount_tmpfs d/m
	pattern d/m/b 900
	hrun dedupe --bytes d
	expect_status 0
	expect_out_has "files: 1"
	mkdir e
	pattern e/c 900
	hrun dedupe --bytes d/m e
	expect_status 0
	expect_out_has "sets: 0"
	expect_nlink e/c 1
}

# ---- errors ----------------------------------------------------------------

@test "an unreadable file: reported, exit 1, the other sets still merged" {
	need_nobody
	mkdir d
	chmod 777 d
	pattern d/a 500
	pattern d/b 500
	pattern d/x 900
	pattern d/y 900
	chown "$NOBODY" d/*
	chmod 000 d/b
	run --separate-stderr as_nobody "$HLN" dedupe --bytes d
	expect_status 1
	expect_err_has "hln: dedupe: d/"
	expect_err_has "ermission denied"
	expect_out_has "skipped: 1 (metadata 0, outside 0, changed 0, error 1)"
	same_file d/x d/y
	expect_nlink d/b 1
}

@test "a missing operand: message, exit 1, the rest processed" {
	mkdir d
	pattern d/a 500
	pattern d/b 500
	hrun dedupe nothere d
	expect_status 1
	expect_err "hln: dedupe: nothere: no such file or directory"
	same_file d/a d/b
}

@test "ENOSPC while linking: reported, exit 1, names intact, no temporary left" {
	need_fp
	mkdir d
	pattern d/a 500
	pattern d/b 500
	fprun link=1:ENOSPC dedupe d
	expect_status 1
	expect_err_has "d/b"
	expect_nlink d/a 1
	expect_nlink d/b 1
	no_temp_left
	fprun rename=1:ENOSPC dedupe d
	expect_status 1
	expect_nlink d/b 1
	no_temp_left
}

@test "EMLINK: a full keeper hands over to the next inode of the set" {
	need_fp
	mkdir d
	pattern d/a 500
	pattern d/b 500
	pattern d/c 500
	pattern d/e 500
	fprun link=1:EMLINK dedupe -v d
	expect_status 0
	expect_no_err
	expect_out_has "'d/c' => 'd/b'"
	expect_out_has "'d/e' => 'd/b'"
	expect_nlink d/a 1
	same_file d/b d/c
	same_file d/b d/e
}

@test "few descriptors allowed: the files kept open are opened again, none fails" {
	need_native "ulimit -n is the shell's"
	mkdir d
	pattern d/a 5000
	pattern d/b 5000
	local i
	for ((i = 0; i < 24; i++)); do pattern "d/u$i" 5000 "$i"; done
	# one size: the files stay open from the prefix hash to the
	# comparison, more than the limit allows
	run --separate-stderr bash -c 'ulimit -n 12 && exec "$@"' sh "$HLN" dedupe --bytes d
	expect_status 0
	expect_no_err
	expect_out_has "sets: 1"
	same_file d/a d/b
}

@test "EMLINK: a next keeper that cannot be opened again is reported; the rest still merge" {
	need_fp
	mkdir d
	pattern d/a 500
	pattern d/b 500
	pattern d/c 500
	# with the keeper full at once, the hand-over's open is the run's last
	HLN_FAILPOINT_TRACE=$BATS_TEST_TMPDIR/trace HLN_FAILPOINTS=link=1:EMLINK "$HLN_FP" dedupe d >/dev/null ||
		fail "the hand-over run failed"
	local n
	n=$(tr -d '\r' <"$BATS_TEST_TMPDIR/trace" | grep -c '^open$')
	rm -rf d
	mkdir d
	pattern d/a 500
	pattern d/b 500
	pattern d/c 500
	fprun "link=1:EMLINK,open=$n:EIO" dedupe d
	expect_status 1
	expect_err_has "d/b"
	expect_out_has "skipped: 1 (metadata 0, outside 0, changed 0, error 1)"
	# the full keeper a stayed the keeper: c still became one of its names
	same_file d/a d/c
	expect_nlink d/b 1
	no_temp_left
}

@test "a forged hash collision is caught by the byte comparison" {
	need_fp
	mkdir d
	pattern d/a 10000
	pattern d/b 10000
	pattern d/c 10000 5000
	pattern d/e 10000 9999
	pattern d/f 10000 0
	# every hash of the test build made equal
	fprun hash_collide='*:EIO' dedupe --bytes d
	expect_status 0
	expect_out_has "sets: 1"
	same_file d/a d/b
	local f
	for f in c e f; do expect_nlink "d/$f" 1; done
}

# ---- races -----------------------------------------------------------------

@test "a name swapped for another file before the link is left alone (changed)" {
	need_fp
	need_native "the test hook is a /bin/sh command"
	mkdir d
	pattern d/a 3000
	pattern d/b 3000
	printf 'someone else\n' >other
	run --separate-stderr env HLN_TEST_HOOK="dedupe_swap:mv $PWD/other $PWD/d/b" "$HLN_FP" dedupe -j d
	expect_status 0
	[ "$(json_summary_ok <<<"$output")" = "2 1 0 0 0 0 0 1 0" ] || fail "not counted as changed"
	expect_content d/b "someone else"
	expect_nlink d/a 1
	no_temp_left
}

@test "a file rewritten in place after the comparison is left alone (changed)" {
	need_fp
	need_native "the test hook is a /bin/sh command"
	mkdir d
	pattern d/a 3000
	pattern d/b 3000
	run --separate-stderr env HLN_TEST_HOOK="dedupe_swap:printf x | dd of=$PWD/d/b bs=1 seek=10 conv=notrunc status=none" "$HLN_FP" dedupe --bytes d
	expect_status 0
	expect_out_has "skipped: 1 (metadata 0, outside 0, changed 1, error 0)"
	expect_nlink d/a 1
	[ "$(head -c 11 d/b | tail -c 1)" = x ] || fail "the write was lost"
	no_temp_left
}

@test "a writer appending to the duplicates while dedupe runs never loses a write" {
	need_fp
	need_native "the test hook is a /bin/sh command"
	mkdir d
	local i
	pattern d/f0 20000
	for i in $(seq 1 40); do cp d/f0 "d/f$i"; done
	(
		for i in $(seq 1 40); do
			printf 'token %s\n' "$i" >>"d/f$i"
			sleep 0.01
		done
	) &
	local writer=$!
	HLN_TEST_HOOK="dedupe_swap:sleep 0.005" "$HLN_FP" dedupe d >/dev/null || true
	wait "$writer"
	for i in $(seq 1 40); do
		grep -aq "token $i\$" "d/f$i" || fail "the write to f$i was lost"
	done
	no_temp_left
}

# ---- faults ------------------------------------------------------------------

prep_dd() {
	mkdir d
	pattern d/a 5000
	pattern d/b 5000
	ln d/b d/b2
	pattern d/c 5000
}

check_dd() {
	local x sum
	sum=$(md5sum <d/a)
	for x in d/b d/b2 d/c; do
		[ "$(md5sum <"$x")" = "$sum" ] || return 1
	done
	[ "$(ls -A d | wc -l)" = 4 ] || return 1
}

@test "failpoint walk: every operation of a dedupe run failed in turn" {
	need_fp
	local trace=$BATS_TEST_TMPDIR/trace op n count walked=0
	prep_dd
	HLN_FAILPOINT_TRACE=$trace "$HLN_FP" dedupe d >/dev/null || fail "the run without failpoints failed"
	check_dd || fail "the plain run broke the files"
	while read -r count op; do
		for ((n = 1; n <= count; n++)); do
			rm -rf d
			prep_dd
			run --separate-stderr env HLN_FAILPOINTS="$op=$n:EIO" "$HLN_FP" dedupe d
			[ "$status" -le 1 ] || fail "$op=$n: exit status $status"
			check_dd || fail "$op=$n:EIO left a wrong state"
			no_temp_left || fail "$op=$n:EIO left a temporary"
			walked=$((walked + 1))
		done
	done < <(sort "$trace" | uniq -c)
	echo "# walked $walked failpoints ($(sort -u "$trace" | tr '\n' ' '))" >&3
	[ "$walked" -ge 10 ] || fail "only $walked failpoints"
}

@test "kill -9 at random moments: every name holds its bytes" {
	local i delay pid f sum
	mkdir d
	head -c 3000000 /dev/urandom >d/f0
	sum=$(md5sum <d/f0)
	for i in $(seq 1 60); do cp d/f0 "d/f$i"; done
	for i in 1 2 3 4 5; do
		delay=$(awk -v r="$RANDOM" 'BEGIN { printf "%.3f", (r % 300) / 1000 }')
		"$HLN" dedupe d >/dev/null &
		pid=$!
		sleep "$delay"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" || true
		for f in $(seq 0 60); do
			[ "$(md5sum <"d/f$f")" = "$sum" ] || fail "round $i: d/f$f lost its bytes"
		done
		# a leftover after kill -9 may only be a .hln- name
		find d -mindepth 1 ! -name 'f[0-9]*' ! -name '.hln-*' | grep -q . &&
			fail "round $i: an unexpected name"
		find d -name '.hln-*' -delete
		# start again from separate copies
		for f in $(seq 1 60); do
			rm "d/f$f" && cp d/f0 "d/f$f"
		done
	done
}

@test "SIGTERM/SIGINT: the name in flight is finished, then 143/130" {
	need_fp
	need_native "the test hook is a /bin/sh command"
	local sig code
	for sig in TERM INT; do
		rm -rf d && mkdir d
		pattern d/a 2000
		pattern d/b 2000
		pattern d/c 2000
		pattern d/e 2000
		run --separate-stderr env HLN_TEST_HOOK="dedupe_swap:kill -$sig \$PPID" "$HLN_FP" dedupe -v d
		code=$([ $sig = TERM ] && echo 143 || echo 130)
		expect_status "$code"
		# the one name in flight was done; no other
		same_file d/a d/b
		expect_nlink d/c 1
		expect_nlink d/e 1
		no_temp_left
	done
}

@test "progress: --progress shows the line on stderr; never on a pipe by default" {
	progress_tree
	pattern t/a/x 100
	pattern t/b/y 100
	slow_walk dedupe --progress t
	expect_status 0
	expect_err_has "entries"
	expect_err_has "sets"
	slow_walk dedupe t
	expect_no_err
}

@test "progress: the line shows the candidates and the bytes read to compare them" {
	progress_tree
	pattern t/a/x 100
	pattern t/b/y 100
	# the line is redrawn while the swap waits: the comparison is done
	run --separate-stderr env HLN_TEST_HOOK="dedupe_swap:sleep 0.3" "$HLN_FP" dedupe --progress t
	expect_status 0
	expect_err_has "2 candidates, 200B read"
	same_file t/a/x t/b/y
}

# ---- --reflink ---------------------------------------------------------------

# dd_image DIR TYPE MIB: a loop-mounted Btrfs or XFS image on DIR
dd_image() {
	need_native "Wine cannot mount, and has no FIDEDUPERANGE"
	need_linux_path "FIDEDUPERANGE is Linux's"
	mount_image "$@"
}

reflink_on() {
	dd_image m "$1" 400
	mkdir m/d
	head -c $((40 * 1024 * 1024)) /dev/urandom >m/d/a
	# separate copies: cp would clone them here
	cp --reflink=never m/d/a m/d/b
	cp --reflink=never m/d/a m/d/c
	chmod 600 m/d/c
	touch -d '2021-02-03 04:05:06' m/d/b
	sync
	local before used_before inos metas
	inos="$(ino m/d/a) $(ino m/d/b) $(ino m/d/c)"
	metas=$(stat -c '%i %a %u %Y %h' m/d/a m/d/b m/d/c)
	used_before=$(df -k --output=used m | tail -n 1)
	hrun dedupe --reflink -v --bytes m/d
	expect_status 0
	expect_out_has "'m/d/b' => 'm/d/a' (clone)"
	expect_out_has "merged: 2"
	expect_out_has "names: 0"
	expect_out_has "freed: 83886080"
	sync
	[ "$(stat -c '%i %a %u %Y %h' m/d/a m/d/b m/d/c)" = "$metas" ] || fail "inodes, modes or times changed"
	[ "$(filefrag -v m/d/b | grep -c shared)" -ge 1 ] || fail "no shared extents: $(filefrag -v m/d/b)"
	local used_after
	used_after=$(df -k --output=used m | tail -n 1)
	[ $((used_before - used_after)) -ge $((70 * 1024)) ] || fail "df: only $((used_before - used_after)) KiB back"
	# editing one leaves the others as they were
	local sum
	sum=$(md5sum <m/d/a)
	printf 'edit' | dd of=m/d/b bs=1 seek=100 conv=notrunc status=none
	[ "$(md5sum <m/d/a)" = "$sum" ] || fail "editing b changed a"
	[ "$(md5sum <m/d/c)" = "$sum" ] || fail "editing b changed c"
	# already sharing: skipped, not counted again
	hrun dedupe --reflink --bytes m/d
	expect_status 0
	expect_out_has "merged: 0"
	expect_out_has "freed: 0"
	[ "$inos" = "$(ino m/d/a) $(ino m/d/b) $(ino m/d/c)" ] || fail "inodes changed"
}

@test "--reflink on Btrfs: blocks shared, space back, files independent" {
	reflink_on btrfs
}

# Files of one call (<= 16 MiB), whose blocks nobody shares yet: the
# kernel's comparison is the only one; a decoy that differs in its last
# byte must come back apart, sharing nothing, and make a set of its own.
reflink_kernel_compares() {
	dd_image m "$1" 300
	mkdir m/d
	head -c $((1024 * 1024)) /dev/urandom >m/d/a
	cp --reflink=never m/d/a m/d/b
	cp --reflink=never m/d/a m/d/c
	cp --reflink=never m/d/a m/d/x
	printf 'Z' | dd of=m/d/x bs=1 seek=$((1024 * 1024 - 1)) conv=notrunc status=none
	cp --reflink=never m/d/x m/d/y
	sync
	local sa sx metas
	sa=$(md5sum <m/d/a)
	sx=$(md5sum <m/d/x)
	metas=$(stat -c '%i %a %u %Y %h' m/d/a m/d/b m/d/c m/d/x m/d/y)
	hrun dedupe --reflink -n --bytes m/d
	expect_status 0
	expect_out_has "sets: 2"
	expect_out_has "merged: 3"
	[ "$(filefrag -v m/d/b | grep -c shared)" = 0 ] || fail "-n shared blocks"
	hrun dedupe --reflink -v --bytes m/d
	expect_status 0
	expect_out_has "'m/d/b' => 'm/d/a' (clone)"
	expect_out_has "'m/d/c' => 'm/d/a' (clone)"
	expect_out_has "'m/d/y' => 'm/d/x' (clone)"
	expect_out_has "sets: 2"
	expect_out_has "merged: 3"
	expect_out_has "freed: $((3 * 1024 * 1024))"
	sync
	[ "$(stat -c '%i %a %u %Y %h' m/d/a m/d/b m/d/c m/d/x m/d/y)" = "$metas" ] || fail "inodes, modes or times changed"
	for f in a b c; do
		[ "$(md5sum <m/d/$f)" = "$sa" ] || fail "$f changed"
	done
	for f in x y; do
		[ "$(md5sum <m/d/$f)" = "$sx" ] || fail "$f changed"
	done
	# the decoy shares nothing with a: its first block is not a's
	[ "$(filefrag -v m/d/x | awk '$1 == "0:" { print $4 }')" != \
		"$(filefrag -v m/d/a | awk '$1 == "0:" { print $4 }')" ] || fail "the decoy shares a's blocks"
	hrun dedupe --reflink --bytes m/d
	expect_status 0
	expect_out_has "sets: 2"
	expect_out_has "merged: 0"
	expect_out_has "freed: 0"
	# empty files (--min-size=0): one set, no call, nothing shared
	mkdir m/e
	: >m/e/a
	: >m/e/b
	hrun dedupe --reflink --min-size=0 --bytes m/e
	expect_status 0
	expect_out_has "sets: 1"
	expect_out_has "merged: 0"
}

@test "--reflink on Btrfs: the kernel's comparison alone; a decoy differing in its last byte is its own set" {
	reflink_kernel_compares btrfs
}

@test "--reflink on XFS: the kernel's comparison alone; a decoy differing in its last byte is its own set" {
	reflink_kernel_compares xfs
}

@test "--reflink on Btrfs: small files kept inline (no blocks to share) are not counted" {
	dd_image m btrfs 300
	mkdir m/d
	pattern m/d/a 300
	pattern m/d/b 300
	sync
	hrun dedupe --reflink --bytes m/d
	expect_status 0
	expect_out_has "sets: 1"
	expect_out_has "merged: 0"
	expect_out_has "freed: 0"
}

@test "--reflink on XFS: blocks shared, space back, files independent" {
	reflink_on xfs
}

@test "--reflink where the suite runs (under Wine too): shared, or one refusal naming the filesystem" {
	mkdir d
	pattern d/a 70000
	pattern d/b 70000
	pattern d/c 9000
	pattern d/e 9000
	local inos
	inos="$(ino d/a) $(ino d/b) $(ino d/c) $(ino d/e)"
	hrun dedupe --reflink --bytes d
	if [ "$status" -eq 0 ]; then
		# a filesystem that shares blocks (the image tests look closer)
		expect_out_has "merged: 2"
	else
		expect_status 1
		# the last line: Wine may say first that the volume has no label
		[[ ${stderr##*$'\n'} == "hln: dedupe: "*": "*" cannot share data blocks (--reflink needs Btrfs, XFS, ReFS or another filesystem with reflinks); nothing changed on it" ]] ||
			fail "not the refusal: $stderr"
		[ "$(grep -c 'cannot share' <<<"$stderr")" = 1 ] || fail "not one error: $stderr"
		expect_out_has "merged: 0"
	fi
	expect_out_has "names: 0"
	[ "$inos" = "$(ino d/a) $(ino d/b) $(ino d/c) $(ino d/e)" ] || fail "inodes changed"
	expect_nlink d/a 1
	expect_nlink d/b 1
	cmp d/a d/b || fail "a and b differ"
	no_temp_left
}

@test "--reflink where blocks cannot be shared: one error naming the filesystem, exit 1" {
	need_root
	need_native "Wine cannot mount"
	mount_ext4 m 64
	mkdir m/d
	pattern m/d/a 5000
	pattern m/d/b 5000
	pattern m/d/c 7000
	pattern m/d/e 7000
	hrun dedupe --reflink m/d
	expect_status 1
	[ "$(grep -c . <<<"$stderr")" = 1 ] || fail "not one error"
	# the portable path cannot read the filesystem's type
	if [ "${HLN_PLATFORM:-linux}" != portable ]; then
		expect_err_has "ext4 cannot share data blocks"
	else
		expect_err_has "this filesystem cannot share data blocks"
	fi
	expect_err_has "$(realpath m)"
	expect_nlink m/d/a 1
	[ "$(ino m/d/a)" != "$(ino m/d/b)" ] || fail "linked"
}
