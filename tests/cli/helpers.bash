# shellcheck shell=bash
# Shared helpers of the hln end-to-end tests (load with `load helpers`).
#
# $HLN is the binary under test (absolute path, set by tests/run.sh; the
# repo's ./hln when unset); $HLN_FP is the same CLI built with failpoints
# (HLN_FAILPOINTS=op=N:ERRNO), used only where a failure cannot be produced
# for real.  Every test runs in its own $BATS_TEST_TMPDIR; mounts made with
# the helpers below are undone in teardown.

bats_require_minimum_version 1.5.0

HLN=${HLN:-$BATS_TEST_DIRNAME/../../hln}
HLN_FP=${HLN_FP:-}
NOBODY=65534

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	[ -x "$HLN" ] || skip "no hln binary at $HLN (run make)"
}

teardown() {
	cd "$BATS_TEST_TMPDIR" 2>/dev/null || cd /
	unmount_all
	chmod -R u+rwx "$BATS_TEST_TMPDIR" 2>/dev/null || true
}

# ---- running hln -------------------------------------------------------

# hrun ARG...: run hln; sets $status, $output (stdout) and $stderr.
hrun() { run --separate-stderr "$HLN" "$@"; }

# tty_run CMD...: run CMD with stdout and stderr on a terminal (script(1));
# $output is what the terminal received, carriage returns removed. script
# runs the command line with $SHELL, which CI may leave unset (/bin/sh, no
# $'...' quoting): it is given the bash running the tests.
tty_run() {
	command -v script >/dev/null || skip "script(1) is missing"
	local cmd
	printf -v cmd '%q ' "$@"
	run env SHELL="$BASH" script -qec "$cmd" /dev/null </dev/null
	output=${output//$'\r'/}
}

# fprun SPEC ARG...: run the failpoint build with HLN_FAILPOINTS=SPEC.
# trace_specs TRACE: a failpoint spec for every call a HLN_FAILPOINT_TRACE
# file names, in order: "op=N:EIO" for the Nth call of op.
trace_specs() {
	awk '{ n[$0]++; print $0 "=" n[$0] ":EIO" }' "$1"
}

fprun() {
	local spec=$1
	shift
	run --separate-stderr env HLN_FAILPOINTS="$spec" "$HLN_FP" "$@"
}

# as_nobody CMD...: run CMD as the unprivileged user nobody (need_nobody).
as_nobody() {
	setpriv --reuid="$NOBODY" --regid="$NOBODY" --clear-groups "$@"
}

# nrun ARG...: run hln as nobody.
nrun() { run --separate-stderr as_nobody "$HLN" "$@"; }

# ---- assertions (each prints the whole run on failure) ------------------

show_run() {
	{
		printf -- '--- exit status: %s\n' "${status-}"
		printf -- '--- stdout:\n%s\n' "${output-}"
		printf -- '--- stderr:\n%s\n' "${stderr-}"
	} >&2
}

fail() {
	printf 'FAILED: %s\n' "$*" >&2
	show_run
	return 1
}

expect_status() {
	[ "$status" -eq "$1" ] || fail "expected exit status $1, got $status"
}

# expect_out TEXT: stdout is exactly TEXT (bats strips trailing newlines).
expect_out() {
	[ "$output" = "$1" ] || fail "expected stdout: $(printf '%q' "$1")"
}

expect_out_has() {
	[[ $output == *"$1"* ]] || fail "stdout lacks: $(printf '%q' "$1")"
}

expect_no_out() { [ -z "$output" ] || fail "expected empty stdout"; }

# expect_err TEXT: stderr is exactly TEXT.
expect_err() {
	[ "$stderr" = "$1" ] || fail "expected stderr: $(printf '%q' "$1")"
}

expect_err_has() {
	[[ $stderr == *"$1"* ]] || fail "stderr lacks: $(printf '%q' "$1")"
}

expect_no_err() { [ -z "$stderr" ] || fail "expected empty stderr"; }

# expect_usage_error COMMAND: exit 2, stdout empty, stderr is one line
# `hln: COMMAND: ...` then `Try 'hln COMMAND --help'.`
expect_usage_error() {
	expect_status 2
	expect_no_out
	local first rest
	first=${stderr%%$'\n'*}
	rest=${stderr#*$'\n'}
	[[ $first == "hln: $1: "?* ]] || fail "first line is not 'hln: $1: ...'"
	[ "$rest" = "Try 'hln $1 --help'." ] || fail "second line is not the Try line"
}

# json_ok EXPR [ARG...]: stdout is one JSON document d, and the Python
# expression EXPR holds (a = the ARGs, decoded as os.fsdecode does; os,
# json imported).
json_ok() {
	local expr=$1
	shift
	printf '%s' "$output" | python3 -c '
import json, os, sys
d = json.load(sys.stdin)
a = sys.argv[2:]
if not eval("(" + sys.argv[1] + ")"):
    sys.exit("JSON check failed: %s\ndocument: %r\nargs: %r" % (sys.argv[1], d, a))
' "$expr" "$@" || fail "JSON check: $expr"
}

# ---- files -------------------------------------------------------------

ino() { stat -c %i -- "$1"; }
nlink() { stat -c %h -- "$1"; }

# mkfile NAME [CONTENT]
mkfile() { printf '%s' "${2-data of $1}" >"$1"; }

# mksized NAME BYTES: a file of exactly BYTES bytes.
mksized() { head -c "$2" /dev/zero >"$1"; }

same_file() {
	[ -e "$1" ] || [ -L "$1" ] || fail "$(printf '%q' "$1") does not exist"
	[ -e "$2" ] || [ -L "$2" ] || fail "$(printf '%q' "$2") does not exist"
	[ "$(ino "$1")" = "$(ino "$2")" ] ||
		fail "$(printf '%q' "$1") and $(printf '%q' "$2") are not one inode"
}

expect_nlink() {
	[ "$(nlink "$1")" = "$2" ] ||
		fail "$(printf '%q' "$1") has $(nlink "$1") links, expected $2"
}

expect_ino() {
	[ "$(ino "$1")" = "$2" ] || fail "$(printf '%q' "$1") is not inode $2"
}

expect_absent() {
	local f
	for f; do
		if [ -e "$f" ] || [ -L "$f" ]; then
			fail "$(printf '%q' "$f") exists"
			return 1
		fi
	done
}

expect_content() {
	[ "$(cat -- "$1")" = "$2" ] || fail "$(printf '%q' "$1") does not hold '$2'"
}

# no_temp_left [DIR]: no .hln-* name anywhere under DIR (default .).
no_temp_left() {
	local left
	left=$(find "${1:-.}" -name '.hln-*' -print)
	[ -z "$left" ] || fail "temporary names left: $left"
}

# ---- privileges, mounts ------------------------------------------------

need_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root (mounts, setpriv, chown)"
}

need_fp() {
	if [ -z "$HLN_FP" ] || [ ! -x "$HLN_FP" ]; then
		skip "needs the failpoint build in \$HLN_FP"
	fi
}

# ---- the progress line -------------------------------------------------

# A tree t/ holding t/a/f and its second name t/b/g, for the progress
# tests; skipped where the walk_dir test hook cannot run.
progress_tree() {
	need_fp
	need_native "the test hook is a /bin/sh command"
	mkdir -p t/a t/b
	mkfile t/a/f
	ln t/a/f t/b/g
}

# slow_walk ARG...: run "$HLN_FP" ARG... with every directory read waiting
# 0.15 s, so the progress line (redrawn every 100 ms) is drawn.
slow_walk() {
	run --separate-stderr env HLN_TEST_HOOK="walk_dir:sleep 0.15" "$HLN_FP" "$@"
}

# ---- Windows: hln.exe under Wine ---------------------------------------

# make check-windows runs this suite with HLN=tests/wine-hln and
# HLN_WINE=1: hln.exe works on the files of the Linux side (Wine maps / to
# Z:).  A test that needs what Wine or Windows lacks skips through this
# one helper, saying what.
HLN_WINE=${HLN_WINE:-0}

# need_native REASON: skip under Wine with REASON.
need_native() {
	[ "$HLN_WINE" != 1 ] || skip "Wine: $1"
}

# outpath PATH: the absolute PATH as hln prints it (Z:/... under Wine,
# where / is the drive Z:).
outpath() {
	if [ "$HLN_WINE" = 1 ]; then
		printf 'Z:%s\n' "$1"
	else
		printf '%s\n' "$1"
	fi
}

# devno FILE: FILE's device as hln reports it: st_dev, or under Wine the
# volume serial number that stands for it there (taken from count -j).
devno() {
	if [ "$HLN_WINE" = 1 ]; then
		"$HLN" count -j -- "$1" | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["dev"])'
	else
		stat -L -c %d -- "$1"
	fi
}

# dir_nlink PATH: PATH's link count as hln sees it: stat's, but 1 for a
# directory under Wine, which gives every directory one link.
dir_nlink() {
	if [ "$HLN_WINE" = 1 ] && [ -d "$1" ]; then
		echo 1
	else
		stat -L -c %h -- "$1"
	fi
}

# need_nobody: root, setpriv, and a path to $BATS_TEST_TMPDIR that the
# user nobody can traverse (bats makes its run directory 0700).
need_nobody() {
	need_native "runs hln as nobody, but the Wine prefix belongs to root"
	need_root
	command -v setpriv >/dev/null || skip "setpriv (util-linux) is missing"
	local d=$BATS_TEST_TMPDIR stop
	stop=$(dirname "$BATS_RUN_TMPDIR")
	while [ "$d" != "$stop" ] && [ "$d" != / ]; do
		chmod o+x "$d"
		d=$(dirname "$d")
	done
	as_nobody test -x "$HLN" || skip "user nobody cannot run $HLN"
}

# mount_fs DIR ARG...: mount ARG... on DIR (created), recorded for teardown.
mount_fs() {
	local dir=$1
	shift
	mkdir -p "$dir"
	mount "$@" "$dir" || skip "cannot mount $* here"
	realpath "$dir" >>"$BATS_TEST_TMPDIR/.mounts"
}

# mount_tmpfs DIR [OPTIONS]
mount_tmpfs() { mount_fs "$1" -t tmpfs -o "${2:-size=4m}" tmpfs; }

# mount_ext4 DIR MIB: a fresh ext4 image of MIB MiB, loop-mounted on DIR.
mount_ext4() {
	local img=$BATS_TEST_TMPDIR/.img.$RANDOM
	truncate -s "${2}M" "$img"
	mkfs.ext4 -q -F "$img" || skip "mkfs.ext4 failed"
	mount_fs "$1" -o loop "$img"
}

# mount_image DIR TYPE MIB: a fresh sparse image of TYPE (btrfs, xfs) of
# MIB MiB, loop-mounted on DIR (XFS with reflinks); skips, saying why, where
# that cannot be done.
mount_image() {
	need_root
	command -v "mkfs.$2" >/dev/null || skip "mkfs.$2 is missing"
	local img=$BATS_TEST_TMPDIR/.img.$2.$RANDOM
	truncate -s "${3}M" "$img"
	case $2 in
	btrfs) mkfs.btrfs -q -f "$img" >/dev/null 2>&1 || skip "mkfs.btrfs failed" ;;
	xfs) mkfs.xfs -q -f -m reflink=1 "$img" >/dev/null 2>&1 || skip "mkfs.xfs failed" ;;
	esac
	mount_fs "$1" -o loop "$img"
}

unmount_all() {
	local list=$BATS_TEST_TMPDIR/.mounts m
	[ -f "$list" ] || return 0
	tac "$list" | while IFS= read -r m; do
		umount "$m" 2>/dev/null || umount -l "$m"
	done
	rm -f "$list"
}

# Skip, with the reason given, when the suite runs against the portable
# POSIX build (make portable-check sets HLN_PLATFORM=portable): what only
# the Linux path can do (mount ids, Btrfs ioctls) is not tested there.
need_linux_path() {
	[ "${HLN_PLATFORM:-linux}" != portable ] || skip "portable POSIX path: $1"
}
