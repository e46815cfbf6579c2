#!/bin/sh
# tests/release/deb.sh DEB VERSION: what a Debian user meets (make
# deb-check, as root): lintian reports no error and no warning; the
# package installs with dpkg -i; `hln --version` says VERSION; `man -w hln`
# finds the page; an interactive bash (in tmux) completes `hln cr<Tab>` to
# `hln create` from the installed completion file; dpkg -r, then --purge,
# leave no file and no directory of the package behind.  Prints what it
# checks; exits 1 at the first failure.
set -eu
deb=${1:?usage: tests/release/deb.sh DEB VERSION}
version=${2:?usage: tests/release/deb.sh DEB VERSION}
fail() {
	echo "deb-check: FAIL: $*" >&2
	exit 1
}
ok() { echo "deb-check: ok: $*"; }
[ "$(id -u)" -eq 0 ] || fail "installing a package takes root"
if dpkg-query -W -f '${Status}' hln 2>/dev/null | grep -q 'ok installed'; then
	fail "a hln package is installed on this machine already: not replacing it"
fi

echo "deb-check: lintian $deb"
lintian --fail-on error,warning "$deb" || fail "lintian reports the above"
ok "lintian: no error, no warning"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hln-deb.XXXXXX")
sock=hln-deb-$$
cleanup() {
	tmux -L "$sock" kill-server 2>/dev/null || true
	if dpkg-query -W -f '${Status}' hln 2>/dev/null | grep -q 'installed'; then
		dpkg --purge hln >/dev/null 2>&1 || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# What the package holds, and which of its directories exist before it.
dpkg-deb --fsys-tarfile "$deb" | tar -t | sed 's|^\./|/|; s|/$||' |
	grep -v '^$' | grep -v '^/$' >"$tmp/contents"
: >"$tmp/dirs-before"
while IFS= read -r p; do
	if [ -d "$p" ]; then echo "$p" >>"$tmp/dirs-before"; fi
done <"$tmp/contents"

# dpkg takes a lock another apt or dpkg run may hold for a while.
tries=0
until dpkg -i "$deb" >"$tmp/dpkg.log" 2>&1; do
	tries=$((tries + 1))
	if ! grep -q 'lock' "$tmp/dpkg.log" || [ "$tries" -ge 30 ]; then
		cat "$tmp/dpkg.log" >&2
		fail "dpkg -i $deb"
	fi
	sleep 2
done
ok "dpkg -i $deb"

[ "$(command -v hln)" = /usr/bin/hln ] || fail "hln is not /usr/bin/hln"
got=$(hln --version)
[ "$got" = "hln $version" ] || fail "hln --version says '$got', not 'hln $version'"
ok "hln --version: $got"
page=$(man -w hln) || fail "man -w hln finds no page"
[ "$page" = /usr/share/man/man1/hln.1.gz ] || fail "man -w hln: $page"
man -P cat hln 2>/dev/null | grep -q "hln $version" ||
	fail "the page's footer does not name hln $version"
ok "man -w hln: $page (footer: hln $version)"
for f in /usr/share/bash-completion/completions/hln \
	/usr/share/zsh/vendor-completions/_hln \
	/usr/share/fish/vendor_completions.d/hln.fish \
	/usr/share/doc/hln/copyright /usr/share/doc/hln/changelog.gz; do
	[ -f "$f" ] || fail "$f is not installed"
done
ok "completions (bash, zsh, fish), copyright and changelog in Debian's places"

# A user's interactive bash, bash-completion loading hln's file on demand.
mkdir "$tmp/home"
tmux -L "$sock" new-session -d -x 100 -y 10 \
	"env -i HOME=$tmp/home TERM=xterm PATH=/usr/bin:/bin PS1='$ ' bash --norc --noprofile"
# wait_pane PATTERN: until a line of the pane matches (grep -E), 10 s at most.
wait_pane() {
	for _ in $(seq 50); do
		if tmux -L "$sock" capture-pane -p | grep -Eq "$1"; then return 0; fi
		sleep 0.2
	done
	return 1
}
wait_pane '^\$ ?$' || fail "no bash prompt in tmux"
tmux -L "$sock" send-keys '. /usr/share/bash-completion/bash_completion; echo loaded' Enter
wait_pane '^loaded$' || fail "bash-completion did not load"
tmux -L "$sock" send-keys 'hln cr' Tab
wait_pane '^\$ hln create$' || true
shown=$(tmux -L "$sock" capture-pane -p | grep '^\$ hln' || true)
# (capture-pane drops the space completion puts after the word)
case $shown in
'$ hln create') ok "bash completes 'hln cr<Tab>' to 'hln create '" ;;
*) fail "bash completed 'hln cr<Tab>' to '$shown', not 'hln create '" ;;
esac
tmux -L "$sock" kill-server

dpkg -r hln >/dev/null || fail "dpkg -r hln"
# Purged too if dpkg keeps anything of it (conffiles: hln has none).
if dpkg-query -W -f '${Status}' hln 2>/dev/null | grep -q config-files; then
	dpkg --purge hln >/dev/null || fail "dpkg --purge hln"
fi
if dpkg-query -W -f '${Status}' hln 2>/dev/null | grep -q installed; then
	fail "dpkg still lists hln: $(dpkg-query -W -f '${Status}' hln)"
fi
left=
while IFS= read -r p; do
	if [ -d "$p" ]; then
		grep -qxF "$p" "$tmp/dirs-before" || left="$left $p"
	elif [ -e "$p" ] || [ -L "$p" ]; then
		left="$left $p"
	fi
done <"$tmp/contents"
[ -z "$left" ] || fail "left behind after purge:$left"
ok "dpkg -r (and --purge) leave nothing of its $(wc -l <"$tmp/contents") paths behind"
