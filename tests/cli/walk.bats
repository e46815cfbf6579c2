#!/usr/bin/env bats
# shellcheck disable=SC2154 # $output, $status are set by bats' run
# The walker's fallback for filesystems that give no type (DT_UNKNOWN) and
# no inode number in their directory entries: the test build's failpoint
# dirent_unknown makes every entry look so, and every command that walks
# must give the same answer as with the types it normally gets.

load helpers

UNKNOWN='dirent_unknown=*:EIO'

# a tree with files, links across directories, a symlink and a fifo
make_tree() {
	mkdir -p t/a/b t/c
	printf 1 >t/a/f
	printf 22 >t/a/b/g
	ln t/a/f t/c/f2
	ln t/a/f t/a/b/f3
	ln t/a/b/g t/g2
	ln -s a/f t/sl
	mkfifo t/fifo
}

# same_answer ARG...: hln ARG... prints the same with and without the failpoint
same_answer() {
	local plain
	run --separate-stderr "$HLN_FP" "$@"
	expect_status 0
	plain=$output
	fprun "$UNKNOWN" "$@"
	expect_status 0
	[ "$output" = "$plain" ] || fail "with DT_UNKNOWN: $output
without: $plain"
}

@test "DT_UNKNOWN entries: count -r, list FILE, list DIR answer the same" {
	need_fp
	need_native "the failpoint dirent_unknown is in the POSIX layer"
	make_tree
	same_answer count -r -j t
	same_answer list --root=t t/a/f
	same_answer list t
	[ "$(printf '%s\n' "$output" | grep -c .)" = 5 ] || fail "groups: $output"
}

@test "DT_UNKNOWN entries: create -r makes the same tree" {
	need_fp
	need_native "the failpoint dirent_unknown is in the POSIX layer"
	make_tree
	fprun "$UNKNOWN" create -r t u
	expect_status 0
	same_file t/a/f u/a/f
	same_file t/a/b/g u/a/b/g
	[ "$(readlink u/sl)" = a/f ] || fail "symlink not recreated"
	[ -d u/a/b ] && [ ! -L u/a ] || fail "directories not recreated"
}
