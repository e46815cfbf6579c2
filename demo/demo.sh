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
trap 'cd / && rm -rf "$dir"' EXIT
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

exit "$status"
