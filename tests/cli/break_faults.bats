#!/usr/bin/env bats
# shellcheck disable=SC2154 # $stderr is set by bats' run --separate-stderr
# hln break and create -f under faults: every failpoint on their path
# failed in turn (HLN_FAILPOINT_TRACE lists the operations a successful run
# reaches; HLN_FAILPOINTS=op=N:EIO fails the Nth), and kill -9 at random
# moments during the break of a large file.

load helpers

# walk_failpoints PREPARE CHECK ARG...: run "$HLN_FP ARG..." once with a
# trace, then once per (op, N) reached with op=N:EIO, each time after
# PREPARE (a function making the files) and followed by CHECK (a function
# asserting what must hold whatever failed). Prints the number walked.
walk_failpoints() {
	local prepare=$1 check=$2
	shift 2
	local trace=$BATS_TEST_TMPDIR/trace op n count walked=0
	rm -rf w && mkdir w && (cd w && "$prepare")
	(cd w && HLN_FAILPOINT_TRACE=$trace "$HLN_FP" "$@") ||
		fail "the run without failpoints failed"
	[ -s "$trace" ] || fail "no operation traced"
	while read -r count op; do
		for ((n = 1; n <= count; n++)); do
			rm -rf w && mkdir w
			(cd w && "$prepare")
			run --separate-stderr env -C w HLN_FAILPOINTS="$op=$n:EIO" "$HLN_FP" "$@"
			[ "$status" -le 1 ] || fail "$op=$n: exit status $status"
			(cd w && "$check") || fail "$op=$n:EIO left a wrong state"
			no_temp_left w || fail "$op=$n:EIO left a temporary"
			walked=$((walked + 1))
		done
	done < <(sort "$trace" | uniq -c)
	echo "# walked $walked failpoints ($(sort -u "$trace" | tr '\n' ' '))" >&3
	[ "$walked" -ge 5 ] || fail "only $walked failpoints"
}

prep_break() {
	printf 'original bytes\n' >f
	ln f f.2
	ln f f.3
	setfattr -n user.k -v v f 2>/dev/null || true
}

check_break() {
	local x
	for x in f f.2 f.3; do
		[ "$(cat "$x")" = "original bytes" ] || return 1
	done
	[ "$(stat -c %i f.2)" = "$(stat -c %i f.3)" ] || return 1
	[ "$(stat -c %h f.2)" -ge 2 ] || return 1
}

prep_create() {
	printf 'target\n' >t
	printf 'old name\n' >n
	ln n n.2
}

check_create() {
	[ "$(cat t)" = target ] || return 1
	[ "$(cat n.2)" = "old name" ] || return 1
	case $(cat n) in target | "old name") ;; *) return 1 ;; esac
	[ "$(stat -c %h t)" -le 2 ] || return 1
}

@test "failpoint walk: break, every op failed in turn (copy path)" {
	need_fp
	walk_failpoints prep_break check_break break --reflink=never f
}

@test "failpoint walk: break --reflink=auto (clone attempt, then copy)" {
	need_fp
	walk_failpoints prep_break check_break break f
}

@test "failpoint walk: create -f, every op failed in turn" {
	need_fp
	walk_failpoints prep_create check_create create -f t n
}

@test "failpoint walk: break -r on a tree" {
	need_fp
	prep_tree() {
		mkdir d
		printf 'original bytes\n' >d/f
		ln d/f d/g
		ln d/f f
	}
	check_tree() {
		[ "$(cat d/f)" = "original bytes" ] && [ "$(cat d/g)" = "original bytes" ] &&
			[ "$(cat f)" = "original bytes" ]
	}
	walk_failpoints prep_tree check_tree break -r d
}

@test "kill -9 at random moments while breaking a 200 MiB file: the original or the complete copy" {
	need_root
	[ "$(stat -f -c %T /tmp)" = ext2/ext3 ] || skip "/tmp is not ext4"
	local dir=$BATS_TEST_TMPDIR/k sum i delay pid
	mkdir "$dir"
	head -c $((200 * 1024 * 1024)) /dev/urandom >"$dir/big"
	ln "$dir/big" "$dir/other"
	sum=$(md5sum <"$dir/big")
	local orig
	orig=$(ino "$dir/other")
	for i in 1 2 3 4 5 6; do
		[ "$(nlink "$dir/other")" -ge 2 ] || ln -f "$dir/other" "$dir/big"
		delay=$(awk -v r="$RANDOM" 'BEGIN { printf "%.3f", (r % 700) / 1000 }')
		"$HLN" break --reflink=never "$dir/big" &
		pid=$!
		sleep "$delay"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" || true
		[ "$(md5sum <"$dir/big")" = "$sum" ] || fail "round $i (${delay}s): big is neither"
		[ "$(md5sum <"$dir/other")" = "$sum" ] || fail "round $i: other changed"
		expect_ino "$dir/other" "$orig"
		# a leftover after kill -9 may only be a .hln- name
		find "$dir" -mindepth 1 ! -name big ! -name other ! -name '.hln-*' | grep -q . &&
			fail "round $i: an unexpected name: $(ls -A "$dir")"
		find "$dir" -name '.hln-*' -delete
	done
}
