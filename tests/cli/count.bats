#!/usr/bin/env bats
# shellcheck disable=SC2154 # $stderr is set by bats' run --separate-stderr
# hln count (SPEC "hln count"; /tmp/hln-decisions.md "## hln count").

load helpers

# ---- helpers of this file ----------------------------------------------

# expect_entry I FILE [P]: element I of the -j array describes FILE as
# stat(1) does (following symlinks unless P is given); exactly the 5 keys.
expect_entry() {
	local -a follow=(-L)
	[ "${3-}" != P ] || follow=()
	local st
	st=$(stat "${follow[@]}" -c '%h %d %i %s' -- "$2")
	if [ "$HLN_WINE" = 1 ]; then
		# Windows: a volume serial, one link and size 0 for a directory
		st="$(dir_nlink "$2") $(devno "$2") $(stat -c %i -- "$2")"
		if [ -d "$2" ]; then st="$st 0"; else st="$st $(stat -c %s -- "$2")"; fi
	fi
	# shellcheck disable=SC2086
	json_ok "d[$1] == {'path': a[0], 'nlink': int(a[1]), 'dev': int(a[2]),
		'ino': int(a[3]), 'size': int(a[4])}" "$2" $st
}

# expect_summary NAMES FILES INODES LNAMES OUTSIDE APPARENT USED SAVED FREED:
# the last run printed exactly this -j summary (one line) ...
expect_json_summary() {
	json_ok "d == {'names': $1, 'files': $2, 'linked': {'inodes': $3, 'names': $4},
		'outside': $5, 'apparent': $6, 'used': $7, 'saved': $8, 'freed': $9}"
	expect_out "{\"names\":$1,\"files\":$2,\"linked\":{\"inodes\":$3,\"names\":$4},\"outside\":$5,\"apparent\":$6,\"used\":$7,\"saved\":$8,\"freed\":$9}"
}

# ... and this plain summary (values as printed: humanized or --bytes).
expect_plain_summary() {
	expect_out "names: $1
files: $2
linked: $3 inodes, $4 names
outside: $5
apparent: $6
used: $7
saved: $8
freed: $9"
}

# known_tree: t/ with known sizes and links, some names outside in out/:
#   t/a 100B (1 name)          t/b1 = t/sub/b2 200B (2 names, both inside)
#   t/c = out/c2 300B          t/sub/deep/d3 = t/d3b = out/d3c 50B
#   t/sym -> a (1B)            t/dl -> ../out (6B, a dir: never followed)
#   t/fifo (0B)                t/empty/ (no names)
# names 9, files 7, linked 3 inodes / 5 names, outside 2,
# apparent 907, used 657, saved 250, freed 100+200+1+6+0 = 307.
#
# Under Wine, which shows symlinks as their targets and has no fifos, the
# tree has neither: names 6, files 4, apparent 900, used 650, freed 300.
# KNOWN and KNOWN_H hold the summary expected, exact and humanized.
known_tree() {
	mkdir -p t/sub/deep t/empty out
	mksized t/a 100
	mksized t/b1 200
	ln t/b1 t/sub/b2
	mksized t/c 300
	ln t/c out/c2
	mksized t/sub/deep/d3 50
	ln t/sub/deep/d3 t/d3b
	ln t/sub/deep/d3 out/d3c
	mksized out/unrelated 5000
	if [ "$HLN_WINE" = 1 ]; then
		KNOWN=(6 4 3 5 2 900 650 250 300)
		KNOWN_H=(6 4 3 5 2 900B 650B 250B 300B)
		return
	fi
	ln -s a t/sym
	ln -s ../out t/dl
	mkfifo t/fifo
	KNOWN=(9 7 3 5 2 907 657 250 307)
	KNOWN_H=(9 7 3 5 2 907B 657B 250B 307B)
}

# ---- one file, several, -j ----------------------------------------------

@test "one operand: its link count alone" {
	mkfile a
	hrun count a
	expect_status 0
	expect_out 1
	expect_no_err
	ln a b
	ln a c
	hrun count a
	expect_out 3
	[ "$output" = "$(stat -c %h a)" ] || fail "differs from stat -c %h"
}

@test "several operands: N<TAB>FILE lines in operand order" {
	mkdir -p d/s1 d/s2
	mkfile a
	ln a b
	mkfile z
	hrun count z a d b
	expect_status 0
	expect_no_err
	expect_out "1	z
2	a
$(dir_nlink d)	d
2	b"
}

@test "-j: a JSON array of {path, nlink, dev, ino, size}, in operand order" {
	mkfile a hello
	ln a b
	mkdir d
	hrun count -j a d
	expect_status 0
	expect_no_err
	json_ok "isinstance(d, list) and len(d) == 2"
	expect_entry 0 a
	expect_entry 1 d
	json_ok "d[0]['nlink'] == 2 and d[0]['size'] == 5"
	hrun count --json b
	json_ok "isinstance(d, list) and len(d) == 1"
	expect_entry 0 b
	[ "${output:0:1}" = "[" ] || fail "not an array"
}

@test "-j: names that are not UTF-8 are written as \\udcXX" {
	need_native "Windows names cannot hold control characters or bytes that are not UTF-8"
	mkfile $'\xff\xfeok'
	hrun count -j $'\xff\xfeok'
	expect_status 0
	expect_out_has '\udcff\udcfeok'
	json_ok "os.fsencode(d[0]['path']) == b'\\xff\\xfeok'"
	expect_entry 0 $'\xff\xfeok'
}

@test "symlink operand: followed by default and with -L, the link itself with -P" {
	need_native "Wine shows a symlink as the file it points to"
	mkfile a
	ln a b
	ln a c
	ln -s a l
	hrun count l
	expect_out 3
	hrun count -L l
	expect_out 3
	hrun count --dereference l
	expect_out 3
	hrun count -P l
	expect_status 0
	expect_out 1
	hrun count --no-dereference l
	expect_out 1
	hrun count -P -j l
	expect_entry 0 l P
	hrun count -j l
	expect_entry 0 l
}

@test "a directory without -r prints its own link count" {
	need_native "Wine gives a directory one link"
	mkdir -p d/s1 d/s2 d/s3
	hrun count d
	expect_status 0
	expect_out 5
	[ "$output" = "$(stat -c %h d)" ] || fail "differs from stat -c %h"
}

@test "a missing operand: message, exit 1, the others still printed" {
	mkfile a
	ln a b
	mkfile z
	hrun count a missing z
	expect_status 1
	expect_out "2	a
1	z"
	expect_err "hln: count: missing: no such file or directory"
	hrun count -j missing a
	expect_status 1
	json_ok "len(d) == 1"
	expect_entry 0 a
	hrun count missing
	expect_status 1
	expect_no_out
}

@test "names with newline are written raw to a pipe" {
	need_native "Windows names cannot hold control characters or bytes that are not UTF-8"
	mkfile a
	mkfile $'n\nl'
	ln $'n\nl' x
	hrun count a $'n\nl'
	expect_status 0
	expect_out "1	a
2	n
l"
}

@test "stdout a terminal: control characters in names are escaped" {
	need_native "Wine's console redraws what is written to a terminal"
	mkfile a
	mkfile $'n\nl'
	tty_run "$HLN" count a $'n\nl'
	expect_status 0
	[[ $output == *'n\nl'* ]] || fail "name not shown as n\\nl"
	[[ $output != *n$'\n'l* ]] || fail "raw newline written to the terminal"
}

# ---- -r ------------------------------------------------------------------

@test "-r -j: every key of the summary, exact integers" {
	known_tree
	hrun count -r -j t
	expect_status 0
	expect_no_err
	expect_json_summary "${KNOWN[@]}"
}

@test "-r --bytes: plain summary with exact bytes" {
	known_tree
	hrun count -r --bytes t
	expect_status 0
	expect_no_err
	expect_plain_summary "${KNOWN[@]}"
}

@test "-r plain: sizes humanized (1536 bytes is 1.5K)" {
	mkdir h
	mksized h/f 1536
	hrun count -r h
	expect_status 0
	expect_plain_summary 1 1 0 0 0 1.5K 1.5K 0B 1.5K
	known_tree
	hrun count --recursive t
	expect_plain_summary "${KNOWN_H[@]}"
}

@test "-r plain: megabytes (a 23 MiB sparse file is 23M)" {
	mkdir t
	truncate -s 23M t/big
	ln t/big t/big2
	hrun count -r t
	expect_status 0
	expect_plain_summary 2 1 1 2 0 46M 23M 23M 23M
}

@test "-r: several operands, each inode counted once across all" {
	mkdir t1 t2
	mksized t1/x 10
	ln t1/x t2/y
	mksized t2/z 20
	hrun count -r -j t1 t2
	expect_status 0
	expect_json_summary 3 2 1 2 0 40 30 10 30
	hrun count -r -j t1
	expect_json_summary 1 1 1 1 1 10 10 0 0
}

@test "-r: overlapping operands (t t/sub, t t) count nothing twice" {
	known_tree
	hrun count -r -j t t/sub
	expect_status 0
	expect_json_summary "${KNOWN[@]}"
	hrun count -r -j t/sub t
	expect_json_summary "${KNOWN[@]}"
	hrun count -r -j t t
	expect_json_summary "${KNOWN[@]}"
}

@test "-r: a symlink operand is followed; a missing one is reported, exit 1" {
	known_tree
	ln -s t tl
	hrun count -r -j tl
	expect_status 0
	expect_json_summary "${KNOWN[@]}"
	hrun count -r -j t missing
	expect_status 1
	expect_err "hln: count: missing: no such file or directory"
	expect_json_summary "${KNOWN[@]}"
}

@test "-r on a FILE operand counts that name" {
	known_tree
	hrun count -r -j out/c2
	expect_status 0
	expect_json_summary 1 1 1 1 1 300 300 0 0
}

@test "-r: names with newlines in the tree" {
	need_native "Windows names cannot hold control characters or bytes that are not UTF-8"
	mkdir -p n/$'sub\ndir'
	mksized n/$'a\nb' 7
	ln n/$'a\nb' n/$'sub\ndir'/$'c\nd'
	mksized n/$'\n' 3
	hrun count -r -j n
	expect_status 0
	expect_json_summary 3 2 1 2 0 17 10 7 10
}

@test "-x: a tmpfs mounted inside the tree is entered without -x, not with it" {
	need_root
	mkdir x
	mksized x/f 10
	mount_tmpfs x/m
	mksized x/m/g 20
	ln x/m/g x/m/g2
	hrun count -r -j x
	expect_status 0
	expect_json_summary 3 2 1 2 0 50 30 20 30
	hrun count -r -x -j x
	expect_status 0
	expect_json_summary 1 1 0 0 0 10 10 0 10
	hrun count -r --one-file-system --bytes x
	expect_plain_summary 1 1 0 0 0 10 10 0 10
}

@test "-r: no progress on a pipe by default; --progress leaves stdout alone" {
	known_tree
	hrun count -r --bytes t
	expect_no_err
	hrun count -r --bytes --progress t
	expect_status 0
	expect_plain_summary "${KNOWN[@]}"
	hrun count -r --bytes --no-progress t
	expect_status 0
	expect_no_err
	expect_plain_summary "${KNOWN[@]}"
}

@test "-r --progress: entries, directories, linked names found so far, elapsed" {
	progress_tree
	slow_walk count -r -j --progress t
	expect_status 0
	[[ $stderr =~ [0-9]+\ entries,\ [0-9]+\ directories,\ [0-9]+\ linked\ names,\ [0-9]+\.[0-9]s ]] ||
		fail "no progress line with every field: $stderr"
	[[ $stderr == *$'\r\033[K' ]] || fail "the line is not erased at the end"
	[[ $output == '{"names":2,'* ]] || fail "stdout changed by --progress"
}

@test "-r: a bind mount of the tree's filesystem inside it is not counted again" {
	need_native "Wine cannot tell a bind mount from its filesystem"
	need_root
	need_linux_path "no mount ids, a bind mount of the same filesystem cannot be told apart"
	mkdir D
	printf 1 >D/a
	ln D/a D/a2
	mount_fs D/bind --bind D
	hrun count -r -j D
	expect_status 0
	expect_json_summary 2 1 1 2 0 2 1 1 1
	hrun count -r -j -x D
	expect_status 0
	expect_json_summary 2 1 1 2 0 2 1 1 1
}

@test "-0: every record ends with NUL instead of a newline" {
	printf x >a
	ln a b
	"$HLN" count -0 a >out
	cmp out <(printf '2\000') || fail "one operand: $(od -c out)"
	"$HLN" count -0 a b >out
	cmp out <(printf '2\ta\0002\tb\000') || fail "several: $(od -c out)"
}

@test "-0 and -j together: the last one given wins" {
	printf x >a
	"$HLN" count -j -0 a >out
	cmp out <(printf '1\000') || fail "-j -0: $(od -c out)"
	hrun count -0 -j a
	expect_status 0
	[[ $output == '[{"path":"a","nlink":1,'* ]] || fail "-0 -j: not JSON: $output"
}

@test "stdout that cannot be written: a message and exit 1" {
	[ -e /dev/full ] || skip "no /dev/full"
	printf x >a
	run --separate-stderr sh -c '"$1" count a >/dev/full' sh "$HLN"
	expect_status 1
	expect_err_has "stdout"
}
