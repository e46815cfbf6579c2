#!/usr/bin/env bash
# tests/fault/crash.sh HLN [HLN_PORTABLE] - power-cut crash tests
# (DESIGN.md #15).
#
# As xfstests proves filesystems: on a loop-mounted XFS (break and
# --reflink clone there) and ext4 (the byte-copy path), an operation of
# HLN is cut by `xfs_io -x -c shutdown` (FS_IOC_SHUTDOWN without flushing
# the log: what was not made durable is gone, as after a power cut), then
# the filesystem is unmounted and mounted again (log recovery) and every
# name is checked:
#   - no name that existed before is missing; every name holds its old
#     file or its complete new one (content checksum, mode, owner, size,
#     mtime to the nanosecond, extended attributes);
#   - every inode's link count equals the names found for it (no name
#     lost or half made); two names that share a file before and after
#     the operation still do, and two names share a file only if they did
#     before or after it;
#   - durability: when HLN returned 0 before the cut, every name holds its
#     new file and shares it with exactly the names it shares it with in
#     the result (what HLN said it did was on disk);
#   - any ".hln-" name left is reported (allowed: see CRASH RECOVERY in
#     hln(1)).
# HLN_PORTABLE, if given, is the portable POSIX build (what BSD and macOS
# get: no O_TMPFILE, no renameat2, so break's copy has a .hln- name from
# its creation and the swap is a check and a rename); the *_portable
# cases cut it on ext4.
# Each case first runs once uncut (its expected result and its duration),
# then CRASH_DURABLE (3) cuts right after it returned 0, then CRASH_TRIALS
# (20) cuts at a random instant spread over the measured duration.
#
# Environment: CRASH_TRIALS=N, CRASH_DURABLE=N, CRASH_FS="xfs ext4",
# CRASH_CASES="break create_f ..." (default: every case HLN supports),
# CRASH_VERBOSE=1 (a line per trial).
# Output: a line per case and filesystem, then one summary line
# "crash: N trials, ..."; exit 1 if any check failed.  Skipped (exit 0,
# saying why) where it cannot run: not root, no loop devices, no xfs_io.
set -u
HLN=${1:?usage: crash.sh HLN [HLN_PORTABLE]}
HLN_PORTABLE=${2:-}
TRIALS=${CRASH_TRIALS:-20}
DURABLE=${CRASH_DURABLE:-3}
FSES=${CRASH_FS:-xfs ext4}
VERBOSE=${CRASH_VERBOSE:-}

say() { printf 'crash: %s\n' "$*"; }
skip_all() {
	say "skipped: $*"
	exit 0
}

[ "$(id -u)" -eq 0 ] || skip_all "needs root (loop mounts, FS_IOC_SHUTDOWN)"
for tool in xfs_io mkfs.xfs mkfs.ext4 sha256sum getfattr setfattr; do
	command -v "$tool" >/dev/null || skip_all "$tool is missing (make deps)"
done
[ -x "$HLN" ] || {
	say "no hln binary at $HLN"
	exit 1
}

T=$(mktemp -d "${TMPDIR:-/tmp}/hln-crash.XXXXXX") || exit 1
MNT=$T/mnt
mkdir "$MNT"
cleanup() {
	exec 3>&- 4>&- 2>/dev/null
	if mountpoint -q "$MNT"; then
		umount "$MNT" 2>/dev/null || umount -l "$MNT"
	fi
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A wait of a fraction of a second inside bash (read -t on a FIFO that
# never gets data): sleep(1) would cost a fork and exec, as long as the
# operations measured.
mkfifo "$T/never"
exec 3<>"$T/never"
pause() { read -r -t "$1" -u 3 _ || :; }

# Random data, made once: each case copies from it.
head -c $((8 << 20)) /dev/urandom >"$T/data" || exit 1

total=0 bad=0 leftovers=0 mid=0
summary=

# ---- the filesystem ---------------------------------------------------

# make_fs FS: a fresh image of FS at $T/FS.img (XFS with reflink).
make_fs() {
	local img=$T/$1.img
	rm -f "$img"
	case $1 in
	xfs)
		truncate -s 320M "$img" &&
			mkfs.xfs -q -m reflink=1 "$img" >/dev/null
		;;
	ext4)
		truncate -s 256M "$img" && mkfs.ext4 -q -F "$img" >/dev/null
		;;
	esac
}

mount_fs() { mount -o loop "$T/$1.img" "$MNT"; }

# remount FS: unmount (after a shutdown) and mount again, which replays
# the log as after a power cut.
remount() {
	umount "$MNT" || return 1
	mount_fs "$1"
}

# cut: shut the filesystem down now, without flushing its log, through
# the xfs_io started by start_xfs_io (already waiting on its input).
XFS_IN='' XFS_PID=''
start_xfs_io() {
	coproc XFSIO { exec xfs_io -x "$MNT"; }
	XFS_IN=${XFSIO[1]} XFS_PID=$XFSIO_PID
	# Ready once it holds the mount point open (then it reads commands).
	local i fd
	for i in $(seq 500); do
		for fd in /proc/"$XFS_PID"/fd/*; do
			[ "$(readlink "$fd" 2>/dev/null)" = "$MNT" ] && return 0
		done
		pause 0.001
	done
	return 1
}
cut() {
	echo shutdown >&"$XFS_IN"
	echo quit >&"$XFS_IN"
	wait "$XFS_PID"
}

# ---- what a tree holds ------------------------------------------------

# snapshot DIR OUT: one line per regular file under DIR, sorted by name:
# NAME TAB INODE TAB NLINK TAB FINGERPRINT, where the fingerprint is
# mode, owner, group, size, mtime (ns), content SHA-256 and the extended
# attributes.
snapshot() {
	(
		cd "$1" || exit 1
		find . -type f -printf '%P\t%i\t%n\t%m %U %G %s %T@\n' |
			LC_ALL=C sort -t "$(printf '\t')" -k1,1 >"$2.st"
		find . -type f -exec sha256sum {} + |
			sed 's|^\([0-9a-f]*\)  \./\(.*\)$|\2\t\1|' |
			LC_ALL=C sort -t "$(printf '\t')" -k1,1 >"$2.sum"
		getfattr -R -P -d -m - . 2>/dev/null | awk '
			/^# file: / { if (n != "") print n "\t" x
				n = substr($0, 10); sub(/^\.\//, "", n); x = ""; next }
			NF { x = x $0 ";" }
			END { if (n != "") print n "\t" x }' |
			LC_ALL=C sort -t "$(printf '\t')" -k1,1 >"$2.x"
		LC_ALL=C join -t "$(printf '\t')" "$2.st" "$2.sum" |
			LC_ALL=C join -t "$(printf '\t')" -a 1 -e - -o auto - "$2.x" |
			awk -F '\t' -v OFS='\t' '{ print $1, $2, $3, $4 " " $5 " " $6 }' \
				>"$2"
		rm -f "$2.st" "$2.sum" "$2.x"
	)
}

# judge OLD NEW CUT DONE: compare the snapshot CUT taken after a cut with
# OLD (before the operation) and NEW (its uncut result); DONE is 0 when
# the operation had exited 0 before the cut (so CUT must be NEW), 1
# otherwise.  Prints "PROBLEMS LEFT LINKED" (.hln- names left, and how many
# of them are another name of a file with more) and, on stderr, each
# problem and each name left.
judge() {
	awk -F '\t' -v rc="$4" '
	FILENAME == ARGV[1] { old[$1] = $4; oi[$1] = $2; name[$1] = 1; was[$1] = 1; next }
	FILENAME == ARGV[2] { new[$1] = $4; ni[$1] = $2; name[$1] = 1; next }
	{
		n = $1; base = n; sub(/.*\//, "", base)
		cnt[$2]++; nl[$2] = $3; who[$2] = n
		# a .hln- name, or a name in a tree made under one
		if (n ~ /(^|\/)\.hln-/) {
			left++; lname[n] = $2
			next
		}
		cut[n] = $4; ci[n] = $2
		if (!(n in name)) { bad++; print "unexpected name: " n > "/dev/stderr" }
	}
	END {
		for (n in name) {
			if (!(n in cut)) {
				if (n in was || rc == 0) {
					bad++; print "missing: " n > "/dev/stderr"
				}
				continue
			}
			if (rc == 0 && cut[n] != new[n]) {
				bad++; print "not durable (exit 0): " n ": " cut[n] " instead of " new[n] > "/dev/stderr"
			} else if (cut[n] != old[n] && cut[n] != new[n]) {
				bad++; print "neither old nor new: " n ": " cut[n] > "/dev/stderr"
			}
		}
		# Which names share a file: two names that share one before
		# and after the operation share one after the cut; two that
		# share one after the cut shared one before or after; after
		# exit 0, exactly those of the result share one.
		for (n in cut)
			for (m in cut) {
				if (m <= n) continue
				o = (n in oi) && (m in oi) && oi[n] == oi[m]
				w = (n in ni) && (m in ni) && ni[n] == ni[m]
				c = ci[n] == ci[m]
				if (rc == 0 && c != w) {
					bad++
					print "not durable (exit 0): " n " and " m (w ? " do not share a file" : " still share a file") > "/dev/stderr"
				} else if (o && w && !c) {
					bad++; print "no longer one file: " n " and " m > "/dev/stderr"
				} else if (c && !o && !w) {
					bad++; print "one file they never were: " n " and " m > "/dev/stderr"
				}
			}
		for (n in lname) {
			if (nl[lname[n]] > 1) linked++
			print "left: " n " (" nl[lname[n]] " links)" > "/dev/stderr"
		}
		for (i in cnt)
			if (cnt[i] != nl[i]) {
				bad++
				print "link count " nl[i] " but " cnt[i] " names: " who[i] > "/dev/stderr"
			}
		print bad + 0, left + 0, linked + 0
	}' "$1" "$2" "$3"
}

# ---- the cases ----------------------------------------------------------
# A case NAME has case_NAME_setup DIR (builds the tree, on the mounted
# filesystem) and case_NAME_args DIR (the hln arguments, one a line), and
# case_NAME_ok FS saying whether it runs there (it may ask HLN; if it
# prints a reason, the case is not run and the reason is said); it runs
# $HLN, or the program case_NAME_bin prints.

fill() { head -c "$2" "$T/data" >"$1"; } # fill FILE BYTES

# break: an 8 MiB file with three names and a 1 MiB one with two, broken
# in one run; mode, times and an extended attribute to keep.
case_break_ok() { :; }
case_break_setup() {
	fill "$1/f" $((8 << 20))
	tail -c $((1 << 20)) "$T/data" >"$1/k"
	chmod 640 "$1/f"
	setfattr -n user.crash -v kept "$1/f"
	touch -d '2020-02-03 04:05:06.123456789' "$1/f" "$1/k"
	ln "$1/f" "$1/g" && ln "$1/f" "$1/h" && ln "$1/k" "$1/l"
	echo other >"$1/other"
}
case_break_args() { printf '%s\n' break "$1/f" "$1/k"; }

# create_f: 40 names replaced by links to other files in one run, and a
# new name made.
case_create_f_ok() { :; }
case_create_f_setup() {
	mkdir "$1/src" "$1/dst"
	local i
	for i in $(seq -w 40); do
		echo "new $i" >"$1/src/$i"
		echo "old $i" >"$1/dst/$i"
	done
	echo fresh >"$1/src/fresh"
}
case_create_f_args() {
	echo create
	echo -f
	printf '%s\n' "$1"/src/*
	echo "$1/dst"
}

# create_reflink: 12 files made copy-on-write copies of other files in
# one run (--reflink on XFS, --reflink=auto on ext4, which copies the
# bytes), 4 of them replacing a name (-f), 8 new.
case_create_reflink_ok() {
	"$HLN" create --help | grep -q -- --reflink ||
		echo "this hln has no create --reflink"
}
case_create_reflink_setup() {
	mkdir "$1/src" "$1/dst"
	local i
	for i in $(seq -w 12); do
		tail -c +$((10#$i * 4096)) "$T/data" | head -c $((512 << 10)) >"$1/src/$i"
	done
	chmod 600 "$1/src/03"
	setfattr -n user.crash -v kept "$1/src/05"
	touch -d '2020-02-03 04:05:06.123456789' "$1/src/07"
	for i in 01 04 08 12; do echo "old $i" >"$1/dst/$i"; done
}
case_create_reflink_args() {
	echo create
	echo -f
	if [ "$CUR_FS" = xfs ]; then echo --reflink; else echo --reflink=auto; fi
	printf '%s\n' "$1"/src/*
	echo "$1/dst"
}

# dedupe: 8 sets of 3 identical 256 KiB files and 3 unique ones, made
# one: hard links, and on XFS --reflink (shared blocks, every file kept).
case_dedupe_ok() {
	"$HLN" dedupe --help >/dev/null 2>&1 || echo "this hln has no dedupe"
}
case_dedupe_setup() {
	local s k
	for s in 1 2 3 4 5 6 7 8; do
		mkdir "$1/s$s"
		for k in a b c; do
			tail -c +$((s * 65536)) "$T/data" | head -c $((256 << 10)) >"$1/s$s/$k"
		done
	done
	for k in 1 2 3; do
		tail -c +$((k * 12345)) "$T/data" | head -c 1000 >"$1/unique$k"
	done
}
case_dedupe_args() { printf '%s\n' dedupe "$1"; }
case_dedupe_reflink_ok() {
	[ "$1" = xfs ] && "$HLN" dedupe --help 2>/dev/null | grep -q -- --reflink
}
case_dedupe_reflink_setup() { case_dedupe_setup "$@"; }
case_dedupe_reflink_args() { printf '%s\n' dedupe --reflink "$1"; }

# create_r_reflink: a tree replicated with copy-on-write copies (-r
# --reflink): 3 directories of 4 files of 256 KiB, and 70 of one small
# file each, so that the copy is flushed by one syncfs (64 directories or
# more), not directory by directory.
case_create_r_reflink_ok() { case_create_reflink_ok "$@"; }
case_create_r_reflink_setup() {
	mkdir "$1/src"
	local d i
	for i in $(seq 70); do
		mkdir -p "$1/src/m/$i"
		tail -c +$((i * 512)) "$T/data" | head -c 4096 >"$1/src/m/$i/f"
	done
	for d in a b c; do
		mkdir "$1/src/$d"
		for i in 1 2 3 4; do
			tail -c +$((i * 8192 + ${#d} * 100)) "$T/data" |
				head -c $((256 << 10)) >"$1/src/$d/$i"
		done
		touch -d '2020-02-03 04:05:06' "$1/src/$d"
	done
}
case_create_r_reflink_args() {
	echo create
	echo -r
	if [ "$CUR_FS" = xfs ]; then echo --reflink; else echo --reflink=auto; fi
	echo "$1/src"
	echo "$1/dst"
}

# The same two on the portable path (no O_TMPFILE, no exchange).
case_break_portable_ok() { [ -n "$HLN_PORTABLE" ] && [ "$1" = ext4 ]; }
case_break_portable_bin() { echo "$HLN_PORTABLE"; }
case_break_portable_setup() { case_break_setup "$@"; }
case_break_portable_args() { case_break_args "$@"; }
case_create_f_portable_ok() { case_break_portable_ok "$@"; }
case_create_f_portable_bin() { echo "$HLN_PORTABLE"; }
case_create_f_portable_setup() { case_create_f_setup "$@"; }
case_create_f_portable_args() { case_create_f_args "$@"; }

cases_all="break create_f create_reflink create_r_reflink dedupe dedupe_reflink
break_portable create_f_portable"
CASES=${CRASH_CASES:-$cases_all}

# ---- running them ---------------------------------------------------------

# fresh CASE: the case's tree at $MNT/t, made durable; files the setup
# gave no earlier time get one fixed time, so that every tree is the same.
fresh() {
	rm -rf "$MNT/t" && mkdir "$MNT/t" && "case_$1_setup" "$MNT/t" &&
		find "$MNT/t" -newermt '2021-01-01 00:00:00' ! -type d \
			-exec touch -h -d '2021-01-01 00:00:00' {} + &&
		sync -f "$MNT"
}

now_us() { echo "${EPOCHREALTIME/./}"; }

# run_case CASE FS
run_case() {
	local c=$1 fs=$2 args rc t0 t1 dur trial delay res probs left
	CUR_FS=$fs
	local n=0 nbad=0 nleft=0 nlinked=0 nmid=0 nlate=0 nlost=0 bin=$HLN
	local linked
	if declare -F "case_${c}_bin" >/dev/null; then
		bin=$("case_${c}_bin")
	fi
	: >"$T/whyall"
	# The uncut run: what the result is and how long it takes.
	fresh "$c" || return 1
	mapfile -t args < <("case_${c}_args" "$MNT/t")
	snapshot "$MNT/t" "$T/old"
	t0=$(now_us)
	"$bin" "${args[@]}" >"$T/out" 2>&1
	rc=$?
	t1=$(now_us)
	dur=$((t1 - t0))
	if [ "$rc" -ne 0 ]; then
		say "$c on $fs: the uncut run exited $rc:"
		sed 's/^/  /' "$T/out"
		bad=$((bad + 1))
		return 1
	fi
	snapshot "$MNT/t" "$T/new"
	for trial in $(seq $((DURABLE + TRIALS))); do
		fresh "$c" || return 1
		start_xfs_io || {
			say "xfs_io did not start"
			return 1
		}
		if [ "$trial" -le "$DURABLE" ]; then
			delay=after
			t0=$(now_us)
			"$bin" "${args[@]}" >"$T/out" 2>&1
			rc=$?
			t1=$(now_us)
			cut
			# The cuts at random spread over the shortest whole run
			# (the first may have paid for a cold cache).
			[ "$rc" -eq 0 ] && [ $((t1 - t0)) -lt "$dur" ] &&
				dur=$((t1 - t0))
		else
			delay=$((((RANDOM << 15) | RANDOM) % (dur + 1)))
			"$bin" "${args[@]}" >"$T/out" 2>&1 &
			local pid=$!
			pause "$(printf '%d.%06d' $((delay / 1000000)) $((delay % 1000000)))"
			# Whether it had ended before the cut (gone, or a zombie).
			local state=
			read -r _ _ state _ 2>/dev/null <"/proc/$pid/stat"
			cut
			wait "$pid"
			rc=$?
		fi
		# Durability is judged only for a run that had exited 0 before
		# the cut.  One cut while running may still exit 0: on XFS,
		# fsync of a directory opened before the shutdown returns 0
		# after it (xfs_dir_fsync does not check for a shutdown; the
		# aborted log items are unpinned), though what it was to flush
		# is lost.  No real program outlives a power cut to say 0.
		local done=1
		if [ "$delay" = after ] || { [ "$rc" -eq 0 ] &&
			{ [ -z "$state" ] || [ "$state" = Z ]; }; }; then
			done=$rc
		elif [ "$rc" -eq 0 ]; then
			nlate=$((nlate + 1))
		fi
		if ! remount "$fs"; then
			say "$c on $fs: trial $trial: the filesystem does not mount again"
			nbad=$((nbad + 1))
			{ make_fs "$fs" && mount_fs "$fs"; } || return 1
			continue
		fi
		snapshot "$MNT/t" "$T/cut"
		res=$(judge "$T/old" "$T/new" "$T/cut" "$done" 2>"$T/why")
		if [ "$done" -ne 0 ] && [ "$rc" -eq 0 ] && [ "$delay" != after ]; then
			# exit 0 though cut while running: was it all on disk?
			local strict
			strict=$(judge "$T/old" "$T/new" "$T/cut" 0 2>/dev/null)
			[ "${strict%% *}" -ne 0 ] && nlost=$((nlost + 1))
		fi
		read -r probs left linked <<<"$res"
		n=$((n + 1))
		[ "$rc" -ne 0 ] && nmid=$((nmid + 1))
		nleft=$((nleft + left)) nlinked=$((nlinked + linked))
		cat "$T/why" >>"$T/whyall"
		if [ "$probs" -ne 0 ]; then
			nbad=$((nbad + probs))
			say "$c on $fs: trial $trial (cut at ${delay}us of ${dur}us, exit $rc):"
			sed 's/^/  /' "$T/why"
		elif [ -n "$VERBOSE" ]; then
			say "$c on $fs: trial $trial: cut at ${delay}us of ${dur}us, exit $rc, $left left"
			sed 's/^/  /' "$T/why"
		fi
	done
	rm -rf "$MNT/t"
	local lefts="$nleft .hln- left"
	[ "$nleft" -gt 0 ] &&
		lefts="$lefts ($nlinked another name of a file, $((nleft - nlinked)) a file's only name)"
	local late=
	[ "$nlate" -gt 0 ] &&
		late=", $nlate cut while running but exit 0 ($nlost of them not all on disk)"
	if grep -q '^not durable' "$T/whyall"; then
		say "$c on $fs: hln exited 0 but its result was not on disk after the cut: a file or directory it changed was not flushed (fsync) before it exited"
	fi
	say "$c on $fs: $n cuts ($DURABLE after exit 0, $((n - DURABLE)) at random over ${dur}us: $nmid mid-operation$late), $nbad problems, $lefts"
	total=$((total + n)) bad=$((bad + nbad)) leftovers=$((leftovers + nleft))
	mid=$((mid + nmid))
	summary="$summary${summary:+, }$c/$fs $n"
}

for fs in $FSES; do
	if ! make_fs "$fs" || ! mount_fs "$fs"; then
		say "cannot make and mount $fs on a loop device"
		bad=$((bad + 1))
		continue
	fi
	for c in $CASES; do
		# Not run here: silently (not for this filesystem), or saying
		# why (what the program lacks).
		why=$("case_${c}_ok" "$fs") || continue
		if [ -n "$why" ]; then
			say "$c on $fs: not run: $why"
			continue
		fi
		run_case "$c" "$fs" || bad=$((bad + 1))
	done
	umount "$MNT"
	rm -f "$T/$fs.img"
done

say "$total trials ($summary), $mid cut mid-operation, $bad problems, $leftovers .hln- left"
[ "$bad" -eq 0 ]
