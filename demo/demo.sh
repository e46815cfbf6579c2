#!/bin/sh
# demo/demo.sh - a short tour of hln, in a scratch directory removed at the end.
#
#   sh demo/demo.sh /abs/path/to/hln          (what `make demo` runs)
#
# Each command is shown as typed (`$ hln ...`), then run. Exit status: 0 when
# every command did what the tour expects, 1 otherwise.

HLN=${1:?usage: sh demo/demo.sh /abs/path/to/hln}
case $HLN in /*) ;; *) HLN=$PWD/$HLN ;; esac
[ -x "$HLN" ] || {
	echo "demo: $HLN: not an executable (run make first)" >&2
	exit 2
}

dir=$(mktemp -d "${TMPDIR:-/tmp}/hln-demo.XXXXXX") || exit 2
mnt= # the Btrfs image's mount point, while it is mounted
# Never remove the scratch directory with the image still mounted in it.
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	cd / || return
	if [ -n "$mnt" ] && ! umount "$mnt"; then
		echo "demo: could not unmount $mnt; $dir left in place" >&2
		return
	fi
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
cd "$dir" || exit 2

# hln, as the commands shown call it (through eval, which shellcheck cannot see)
# shellcheck disable=SC2317
hln() { "$HLN" "$@"; }
status=0

# run 'COMMAND': show it, run it; it should succeed.
run() {
	printf '$ %s\n' "$1"
	eval "$1" 2>&1
	rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "(exit status $rc, not expected)"
		status=1
	fi
}

# fails 'COMMAND': show it, run it, show the exit status; it should fail.
fails() {
	printf '$ %s\n' "$1"
	eval "$1" 2>&1
	rc=$?
	echo "(exit status $rc)"
	[ "$rc" -ne 0 ] || status=1
}

# say TEXT: a comment heading a part of the tour, after a blank line
say() {
	[ -z "${said:-}" ] || echo
	said=1
	printf '# %s\n' "$*"
}

say "Two names, one file: TARGET first, the new name last (as ln)."
run 'echo "meeting at 10" > notes.txt'
run 'hln create notes.txt notes-link.txt'
run 'hln count notes.txt'
run 'mkdir archive && hln create -v notes.txt archive'
run 'echo "buy milk" > todo.txt'
run 'hln count notes.txt todo.txt'

say "Mistakes get a sentence and exit status 1."
fails 'hln create notes.txt todo.txt'
fails 'hln create archive archive-link'
run 'hln create -f -v notes.txt todo.txt'

say "A backup that costs no space (like cp -al). What would deleting it free?"
run 'mkdir -p photos/2024 && head -c 300000 /dev/zero > photos/2024/beach.jpg'
run 'head -c 500000 /dev/zero > photos/2024/cat.jpg && echo "my photos" > photos/README'
run 'hln create -r photos backup-monday'
run 'rm photos/2024/cat.jpg'
run 'hln count -r backup-monday'
run 'hln count -r -j backup-monday'

say "Every name of a file (like find -samefile; --root=. searches only here)."
run 'hln list --root=. notes.txt'
run 'hln list --root=. -j photos/README'
say "The groups of names that are one file, inside a directory."
run 'hln list .'

say "Edit one name without changing the others: break makes it a copy."
run 'hln break -v notes-link.txt'
run 'echo "moved to 11" >> notes-link.txt && cat notes.txt'
run 'hln count notes.txt notes-link.txt'
say "A whole tree made independent of its backup (a clone on Btrfs/XFS)."
run 'hln break -r -j photos'
run 'hln list photos'

say "Two copies of a folder made one: dedupe links the identical files."
run 'mkdir -p music/album && head -c 400000 /dev/urandom > music/album/one.flac'
run 'head -c 600000 /dev/urandom > music/album/two.flac && echo "track list" > music/album/README'
run 'cp -R music music-copy'
run 'hln dedupe -n -v music music-copy'
run 'hln dedupe music music-copy'
say "What dedupe freed: 'saved' (counted once, shared by both); deleting the copy now frees nothing."
run 'hln count -r music music-copy'
run 'hln count -r music-copy'

# btrfs_why: mount a fresh Btrfs image on btrfs/, or say why it cannot be.
btrfs_why() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "making and mounting a Btrfs image takes root"
	elif ! command -v mkfs.btrfs >/dev/null 2>&1; then
		echo "mkfs.btrfs is missing (apt-get install btrfs-progs)"
	elif ! truncate -s 256M btrfs.img || ! mkfs.btrfs -q btrfs.img >/dev/null 2>&1; then
		echo "mkfs.btrfs could not make an image here"
	elif ! mkdir btrfs || ! mount -o loop btrfs.img btrfs 2>/dev/null; then
		echo "a loop device cannot be mounted here"
	fi
}

say "A snapshot without doubling the space: on Btrfs, --reflink shares the blocks until one is written."
why=$(btrfs_why)
if [ -n "$why" ]; then
	echo "(skipped: $why)"
else
	mnt=$dir/btrfs
	run 'head -c 30000000 /dev/urandom > btrfs/report.dat && sync -f btrfs && df -k --output=used btrfs'
	run 'hln create -v --reflink btrfs/report.dat btrfs/report-before-edit.dat'
	run 'sync -f btrfs && df -k --output=used btrfs'
	run 'echo "new last line" >> btrfs/report.dat && hln count btrfs/report.dat btrfs/report-before-edit.dat'
	fails 'cmp btrfs/report.dat btrfs/report-before-edit.dat'
	run 'mkdir -p btrfs/proj/src && echo "int main(void) { return 0; }" > btrfs/proj/src/main.c'
	run 'hln create -r -v --reflink btrfs/proj btrfs/proj.snap'
	say "A hard link is no snapshot: writing one name changes what both show."
	run 'hln create btrfs/report.dat btrfs/report-link.dat && echo "edited" >> btrfs/report-link.dat'
	run 'tail -n 1 btrfs/report.dat'
fi

exit "$status"
