#!/usr/bin/env bats
# shellcheck disable=SC2154 # $stderr is set by bats' run --separate-stderr
# hln: global behaviour (SPEC "Common rules"; /tmp/hln-decisions.md header).

load helpers

# expect_general_help: exit 0, help on stdout naming both commands.
expect_general_help() {
	expect_status 0
	expect_out_has "create"
	expect_out_has "count"
	expect_no_err
}

# expect_command_help CMD: exit 0, the command's usage on stdout.
expect_command_help() {
	expect_status 0
	expect_out_has "hln $1"
	expect_no_err
}

@test "hln with no arguments: usage on stderr, exit 2" {
	hrun
	expect_status 2
	expect_no_out
	[[ $stderr == *hln* ]] && [[ $stderr == *[Uu]sage* ]] || fail "no usage text"
}

@test "hln --help, -h and help: general help on stdout, exit 0" {
	local form
	for form in --help -h help; do
		hrun $form
		expect_general_help
	done
}

@test "hln help COMMAND, COMMAND --help, COMMAND -h: command help, exit 0" {
	local cmd
	for cmd in create count; do
		hrun help $cmd
		expect_command_help $cmd
		local text=$output
		hrun $cmd --help
		expect_command_help $cmd
		[ "$output" = "$text" ] || fail "'$cmd --help' differs from 'help $cmd'"
		hrun $cmd -h
		expect_command_help $cmd
	done
}

@test "create --help lists every option and warns about mklink /H order" {
	hrun create --help
	expect_status 0
	local opt
	for opt in --force --interactive --logical --physical --no-target-directory \
		--target-directory --dry-run --verbose --recursive --batch --null; do
		expect_out_has "$opt"
	done
	expect_out_has "mklink"
}

@test "count --help lists every option" {
	hrun count --help
	expect_status 0
	local opt
	for opt in --recursive --json --dereference --no-dereference --bytes \
		--one-file-system; do
		expect_out_has "$opt"
	done
}

@test "hln --version prints 'hln X.Y.Z' on stdout, X.Y.Z from the file VERSION" {
	hrun --version
	expect_status 0
	expect_no_err
	[[ $output =~ ^hln\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "not 'hln X.Y.Z'"
	expect_out "hln $(<"$BATS_TEST_DIRNAME/../../VERSION")"
}

@test "hln --vers and --he: abbreviations, as after a command" {
	hrun --vers
	expect_status 0
	expect_out "hln $(<"$BATS_TEST_DIRNAME/../../VERSION")"
	hrun --he
	expect_status 0
	[[ $output == Usage:* ]] || fail "--he is not the help"
	hrun --verbose
	expect_status 2
	expect_err "hln: unknown option '--verbose'
Try 'hln --help'."
}

@test "unknown command close to a real one: did you mean, exit 2" {
	hrun creat a b
	expect_status 2
	expect_no_out
	expect_err "hln: 'creat' is not a hln command; did you mean 'create'?"
	hrun cout a
	expect_status 2
	expect_err "hln: 'cout' is not a hln command; did you mean 'count'?"
	expect_absent b
}

@test "unknown command far from all: points to --help, exit 2" {
	hrun xyzzy
	expect_status 2
	expect_no_out
	expect_err "hln: 'xyzzy' is not a hln command; see 'hln --help'."
}

@test "hln help on an unknown command: unknown-command message, exit 2" {
	hrun help nosuchcmd
	expect_status 2
	expect_no_out
	expect_err_has "'nosuchcmd' is not a hln command"
}

@test "unknown option: one line plus Try 'hln COMMAND --help'., exit 2" {
	mkfile a
	hrun create --bogus a b
	expect_usage_error create
	expect_err_has "bogus"
	expect_absent b
	hrun create -Q a b
	expect_usage_error create
	expect_absent b
	hrun count --bogus a
	expect_usage_error count
	expect_err_has "bogus"
}

@test "missing operand: one line plus Try line, exit 2" {
	hrun create
	expect_usage_error create
	hrun count
	expect_usage_error count
	hrun count -r
	expect_usage_error count
}

@test "options may follow operands (permutation) and -- ends options" {
	mkfile a
	hrun create a b -v
	expect_status 0
	expect_out "'b' => 'a'"
	same_file a b
	mkfile -v
	hrun create -- -v c
	expect_status 0
	same_file -v c
	hrun count -- -v
	expect_status 0
	expect_out 2
}

@test "long options: a missing argument or an argument not taken is named as written" {
	hrun create --target-directory
	expect_usage_error create
	expect_err_has "hln: create: option '--target-directory' needs an argument"
	hrun count --bytes=3 a
	expect_usage_error count
	expect_err_has "hln: count: option '--bytes' takes no argument"
	hrun count --no-such-option a
	expect_usage_error count
	expect_err_has "hln: count: unknown option '--no-such-option'"
}

@test "-j: stdout is one JSON document also when every operand fails" {
	# SPEC: an empty array or a summary of zeros, never nothing
	hrun list -j --root=nowhere f
	expect_status 1
	json_ok "d == []"
	hrun list -j --root=/dev/null f
	expect_status 1
	json_ok "d == []"
	hrun list -j nosuch
	expect_status 1
	json_ok "d == []"
	hrun count -j nosuch other
	expect_status 1
	json_ok "d == []"
	hrun count -r -j nosuch
	expect_status 1
	json_ok "d == {'names': 0, 'files': 0, 'linked': {'inodes': 0, 'names': 0},
		'outside': 0, 'apparent': 0, 'used': 0, 'saved': 0, 'freed': 0}"
	hrun break -j nosuch
	expect_status 1
	json_ok "d == {'broken': 0, 'cloned': 0, 'copied': 0, 'bytes_copied': 0}"
	hrun break -r -j nosuch
	expect_status 1
	json_ok "d == {'broken': 0, 'cloned': 0, 'copied': 0, 'bytes_copied': 0}"
}

@test "stdout write errors: 'no space left on device' the same way for every command" {
	[ -w /dev/full ] || skip "no /dev/full on this system"
	mkfile f
	ln f g
	mkdir big
	for i in $(seq 1 700); do : >"big/f$i" && ln "big/f$i" "big/g$i"; done
	local -a forms=(
		"list --root=. f" "list -j --root=. f" "list big" "list -0 big"
		"count f" "count f g"
		"count -j f" "count -r ." "count -r -j ." "break -n -v f"
		"break -j -n f" "create -v -n f h" "help list"
	)
	# list FILE under --root=.: the default root is the top of the
	# filesystem, which under Wine is Z:\ (the whole machine, /proc too)
	# Under Wine, MinGW's C library can fail a plain write before the
	# final flush and leave no errno for it: there the reason may be the
	# generic "input/output error", but the error is still said, once.
	local reason="no space left on device" form cmd
	[ -z "${HLN_WINE:-}" ] || reason="*"
	for form in "${forms[@]}"; do
		cmd=${form%% *}
		run --separate-stderr bash -c "'$HLN' $form >/dev/full"
		[ "$status" -eq 1 ] || fail "$form: exit $status"
		# shellcheck disable=SC2053 # $reason is a pattern under Wine
		[[ $stderr == "hln: $cmd: stdout: "$reason ]] ||
			fail "$form: stderr is '$stderr'"
	done
	# big enough that stdio writes before the end
	run --separate-stderr bash -c "'$HLN' count big/* >/dev/full"
	# shellcheck disable=SC2053
	[[ $stderr == "hln: count: stdout: "$reason ]] || fail "count big/*: '$stderr'"
	run --separate-stderr bash -c "'$HLN' --version >/dev/full"
	[ "$stderr" = "hln: stdout: no space left on device" ] || fail "--version: '$stderr'"
}

# progress_widths: the lengths of the progress lines drawn in $output (the
# text between one erase "\033[K" and the next), one a line.
progress_widths() {
	local rest=${output//$'\n'/} seg
	rest=${rest#*$'\033[K'}
	while [ -n "$rest" ]; do
		seg=${rest%%$'\033[K'*}
		[ -z "$seg" ] || printf '%s\n' "${#seg}"
		[[ $rest == *$'\033[K'* ]] || break
		rest=${rest#*$'\033[K'}
	done
}

@test "progress: cut to the terminal's width, so it never wraps; re-read on SIGWINCH" {
	progress_tree
	# a chain: each level is read only after its parent, however many
	# workers walk, so the walk lasts 12 x 0.15 s
	mkdir -p t/c/d/e/f/g/h/i/j/k/l/m/n
	local hook="walk_dir:sleep 0.15" w widths
	# 40 columns: the line (about 60 characters) is cut to 39
	tty_run bash -c 'stty cols 40; HLN_TEST_HOOK="$1" "$2" count -r --progress t >/dev/null' \
		_ "$hook" "$HLN_FP"
	[ "$status" -eq 0 ] || fail "exit $status: $output"
	widths=$(progress_widths)
	[ -n "$widths" ] || fail "no progress line drawn: $(printf '%q' "$output")"
	for w in $widths; do
		[ "$w" -le 39 ] || fail "a line of $w characters on 40 columns: $(printf '%q' "$output")"
	done
	[[ $widths == *39* ]] || fail "the line was not cut at 39: $widths"
	# 200 columns: the whole line
	tty_run bash -c 'stty cols 200; HLN_TEST_HOOK="$1" "$2" list --progress t >/dev/null' \
		_ "$hook" "$HLN_FP"
	[[ $output =~ [0-9]+\ entries,\ [0-9]+\ directories,\ [0-9]+\ linked\ names,\ [0-9]+\.[0-9]s ]] ||
		fail "the line is cut on a wide terminal: $(printf '%q' "$output")"
	# resized to 25 columns during the walk: the lines after it fit 25
	tty_run bash -c 'stty cols 100; (sleep 0.5; stty cols 25 </dev/tty) &
		HLN_TEST_HOOK="$1" "$2" count -r --progress t >/dev/null; wait' \
		_ "$hook" "$HLN_FP"
	widths=$(progress_widths)
	[[ ${widths%%$'\n'*} -gt 24 ]] || fail "first line already cut: $widths"
	[ "$(printf '%s\n' "$widths" | tail -n 1)" -le 24 ] ||
		fail "after SIGWINCH the line is not cut to 24: $widths"
}
