#!/usr/bin/env bats
# Shell completion (completions/), typed into a real interactive bash in
# tmux: what bash's own word splitting and readline do with the replies is
# part of what is tested, not only what the function returns.

load helpers

COMPLETION=$BATS_TEST_DIRNAME/../../completions/hln.bash

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	need_native "the completion scripts never run hln; the native suite types them"
	command -v tmux >/dev/null || skip "tmux is missing"
	mkdir -p work/rootdir work/other.d
	: >work/rootfile
	SOCK=hln-comp-$$-$BATS_TEST_NUMBER
}

teardown() {
	tmux -L "$SOCK" kill-server 2>/dev/null || true
	cd / || true
}

# start SHELL ARG...: SHELL in a tmux pane with a clean environment, its
# prompt "$ ", in work/.
start() {
	tmux -L "$SOCK" -f /dev/null new-session -d -s c -x 150 -y 30 \
		"env -i HOME=$BATS_TEST_TMPDIR TERM=xterm PATH=/usr/bin:/bin $*"
}

# start_bash: bash without rc files, the script sourced (it needs no
# bash-completion package).
start_bash() {
	start bash --norc --noprofile
	tmux -L "$SOCK" send-keys -t c "PS1='$ '; source '$COMPLETION'; cd work; clear" Enter
	wait_prompt
}

# wait_prompt: until the pane's last line is the prompt (at most 5 s).
wait_prompt() {
	local i
	for ((i = 0; i < 50; i++)); do
		[[ $(tmux -L "$SOCK" capture-pane -p -t c) == *'$ ' ]] && return 0
		sleep 0.1
	done
}

# typed KEYS...: a fresh empty line, then the keys (tmux send-keys names:
# Tab, ...); $output = the screen's non-empty lines once it is still.
typed() {
	tmux -L "$SOCK" send-keys -t c C-c
	sleep 0.2
	tmux -L "$SOCK" send-keys -t c "clear" Enter
	sleep 0.2
	tmux -L "$SOCK" send-keys -t c "$@"
	local before='' now i
	for ((i = 0; i < 30; i++)); do
		sleep 0.1
		now=$(tmux -L "$SOCK" capture-pane -p -t c)
		[ "$now" = "$before" ] && [ "$i" -ge 3 ] && break
		before=$now
	done
	output=$(printf '%s\n' "$now" | grep -v '^$')
}

# expect_line TEXT: the screen's last line is TEXT (tmux drops trailing
# spaces: a test that wants the space after a completed word types a
# character after the Tab).
expect_line() {
	local last=${output##*$'\n'}
	[ "$last" = "$1" ] || fail "the line is '$last', expected '$1'; screen:
$output"
}

@test "bash: --root=<Tab> completes a directory after '=' (issue 8.9)" {
	start_bash
	typed "hln list --root=" Tab
	expect_line '$ hln list --root='
	typed "hln list --root=r" Tab
	expect_line '$ hln list --root=rootdir/'
	typed "hln list --root=" Tab Tab
	[[ $output == *rootdir/* && $output == *other.d/* ]] || fail "no directories offered: $output"
	[[ $output != *rootfile* ]] || fail "a file offered for --root: $output"
	typed "hln list --root r" Tab
	expect_line '$ hln list --root rootdir/'
}

@test "bash: --target-directory=<Tab> and -t <Tab> complete directories" {
	start_bash
	typed "hln create --target-directory=r" Tab
	expect_line '$ hln create --target-directory=rootdir/'
	typed "hln create -f --target-directory=" Tab Tab
	[[ $output == *rootdir/* && $output != *rootfile* ]] || fail "screen: $output"
	typed "hln create -t r" Tab
	expect_line '$ hln create -t rootdir/'
}

@test "bash: --reflink=<Tab> offers auto, always, never" {
	start_bash
	typed "hln break --reflink=n" Tab X
	expect_line '$ hln break --reflink=never X'
	typed "hln break --reflink=" Tab Tab
	[[ $output == *always*auto*never* ]] || fail "screen: $output"
	typed "hln break -v --reflink=al" Tab X
	expect_line '$ hln break -v --reflink=always X'
}

@test "bash: options, commands and files as before" {
	start_bash
	typed "hln li" Tab X
	expect_line '$ hln list X'
	typed "hln list --ro" Tab X
	expect_line '$ hln list --root=X'
	typed "hln count --one" Tab X
	expect_line '$ hln count --one-file-system X'
	typed "hln count rootf" Tab X
	expect_line '$ hln count rootfile X'
	typed "hln create --batch r" Tab X
	expect_line '$ hln create --batch rX'
	typed "hln help cr" Tab X
	expect_line '$ hln help create X'
}

@test "bash: the same with the bash-completion package loaded" {
	start_bash
	local bc=/usr/share/bash-completion/bash_completion
	[ -r "$bc" ] || skip "bash-completion is not installed"
	tmux -L "$SOCK" send-keys -t c "source $bc; source '$COMPLETION'; clear" Enter
	wait_prompt
	typed "hln list --root=r" Tab
	expect_line '$ hln list --root=rootdir/'
	typed "hln break --reflink=a" Tab Tab
	[[ $output == *always*auto* ]] || fail "screen: $output"
}

@test "zsh: --root=, --target-directory=, --reflink= complete after '='" {
	command -v zsh >/dev/null || skip "zsh is missing (make deps installs it)"
	start zsh -f
	local init="PS1='$ '; fpath=('${COMPLETION%/*}' \$fpath); autoload -U compinit"
	tmux -L "$SOCK" send-keys -t c "$init; compinit -u -D; cd work; clear" Enter
	wait_prompt
	typed "hln list --root=r" Tab X
	expect_line '$ hln list --root=rootdir/X'
	typed "hln create --target-directory=" Tab
	[[ $output == *other.d/*rootdir/* && $output != *rootfile* ]] || fail "screen: $output"
	typed "hln break --reflink=" Tab
	[[ $output == *always*auto*never* ]] || fail "screen: $output"
	typed "hln break --reflink=n" Tab X
	expect_line '$ hln break --reflink=never X'
}

@test "fish: --root=, --target-directory=, --reflink= complete after '='" {
	command -v fish >/dev/null || skip "fish is missing (make deps installs it)"
	start fish --no-config
	local init="function fish_prompt; echo -n '\$ '; end"
	tmux -L "$SOCK" send-keys -t c "$init; source '${COMPLETION%/*}/hln.fish'; cd work; clear" Enter
	wait_prompt
	typed "hln list --root=r" Tab
	expect_line '$ hln list --root=rootdir/'
	typed "hln create --target-directory=" Tab
	[[ $output == *other.d/*rootdir/* && $output != *rootfile* ]] || fail "screen: $output"
	typed "hln break --reflink=" Tab
	[[ $output == *always*never*auto* || $output == *always*auto*never* ]] || fail "screen: $output"
}
