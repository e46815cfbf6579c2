#!/usr/bin/env bats
# shellcheck disable=SC2154 # $stderr is set by bats' run --separate-stderr
# hln create (SPEC "hln create"; /tmp/hln-decisions.md "## hln create").

load helpers

# ---- helpers of this file ----------------------------------------------

# make_tree DIR: every kind of entry create -r must handle, with distinct
# modes, a foreign owner (as root) and distinct nanosecond dir mtimes.
# Under Wine, only the directories and files Windows can hold.
make_tree() {
	local t=$1
	mkdir -p "$t/sub/deep/deeper" "$t/empty" "$t/ro" "$t/mixed"
	mkfile "$t/file"
	mkfile "$t/with space"
	mkfile "$t/sub/deep/deeper/leaf"
	mksized "$t/sub/big" 100000
	ln "$t/file" "$t/sub/second name"
	[ "$HLN_WINE" != 1 ] || return 0
	ln -s ../file "$t/sub/rel-link"
	ln -s /nonexistent/target "$t/dangling"
	ln -s sub "$t/dirlink"
	mkfifo "$t/fifo"
	mkfile "$t/ro/inside"
	mkfile "$t/mixed/"$'new\nline'
	chmod 0640 "$t/with space"
	chmod 0700 "$t/sub/deep"
	chmod 2751 "$t/mixed"
	chmod 0555 "$t/ro"
	if [ "$(id -u)" -eq 0 ]; then
		chown "$NOBODY:$NOBODY" "$t/sub/deep/deeper" "$t/sub/big"
	fi
	set_dir_times "$t"
}

# set_dir_times DIR: a distinct nanosecond mtime on every directory.
set_dir_times() {
	local d n=0
	while IFS= read -r -d '' d; do
		n=$((n + 1))
		touch -d "@$((1000000000 + n * 86400)).123456789" "$d"
	done < <(find "$1" -depth -type d -print0)
}

# tree_state DIR: one line per entry: dirs with mode, owner and mtime;
# symlinks with their text; other files with mode, owner and inode.
tree_state() {
	(cd "$1" && find . \( -type d -printf '%p dir %m %U:%G %T@\n' \) \
		-o \( -type l -printf '%p symlink -> %l\n' \) \
		-o -printf '%p %y %m %U:%G ino=%i\n') | LC_ALL=C sort
}

# same_tree A B: tree_state of A and B are equal.
same_tree() {
	local a b
	[ -d "$2" ] || fail "$2 is not a directory"
	a=$(tree_state "$1")
	b=$(tree_state "$2")
	[ "$a" = "$b" ] || {
		diff <(echo "$a") <(echo "$b") >&2
		fail "trees $1 and $2 differ"
	}
}

# expect_dir_exists_err DIR: LINK_NAME DIR is an existing directory and no -f
# was given: EEXIST, or (as -f could not help) "a directory is never replaced".
# With --batch the message names the line first (PREFIX, e.g. "stdin:1: ").
expect_dir_exists_err() {
	local prefix=${2-}
	expect_status 1
	[ "$stderr" = "hln: create: $prefix$1: already exists; use -f to replace it" ] ||
		[ "$stderr" = "hln: create: $prefix$1: is a directory; a directory is never replaced" ] ||
		fail "not the EEXIST or the never-replaced message for $1"
}

# batch_in TEXT...: the printf arguments of a --batch input, into ./pairs.
# shellcheck disable=SC2059
batch_in() { printf "$@" >pairs; }

# hbatch ARG...: hln create --batch ARG... < pairs
hbatch() { run --separate-stderr "$HLN" create --batch "$@" <pairs; }

# ---- the four forms, -t, -T --------------------------------------------

@test "TARGET LINK_NAME: a second name of the same inode, nothing printed" {
	mkfile a
	hrun create a b
	expect_status 0
	expect_no_out
	expect_no_err
	same_file a b
	expect_nlink a 2
	expect_content b "data of a"
}

@test "TARGET alone: link in the current directory named basename(TARGET)" {
	mkdir sub here
	mkfile sub/t
	cd here
	hrun create ../sub/t
	expect_status 0
	same_file t ../sub/t
	expect_nlink t 2
}

@test "TARGET... DIRECTORY: DIRECTORY/basename for each target" {
	mkdir d sub
	mkfile a
	mkfile sub/b
	hrun create a sub/b d
	expect_status 0
	same_file a d/a
	same_file sub/b d/b
}

@test "TARGET DIRECTORY: a symlink to a directory counts as a directory" {
	mkdir d
	ln -s d dl
	mkfile a
	hrun create a dl
	expect_status 0
	same_file a d/a
	[ -L dl ] || fail "the symlink dl was replaced"
}

@test "-t DIRECTORY TARGET... and --target-directory=DIR" {
	mkdir d e
	mkfile a
	mkfile b
	hrun create -t d a b
	expect_status 0
	same_file a d/a
	same_file b d/b
	hrun create --target-directory=e a
	expect_status 0
	same_file a e/a
	expect_nlink a 3
}

@test "-T: LINK_NAME is taken as is, an existing directory is EEXIST" {
	mkdir d
	mkfile a
	hrun create -T a d
	expect_status 1
	expect_dir_exists_err d
	[ -d d ] || fail "d is no longer a directory"
	expect_absent d/a
	hrun create --no-target-directory a x
	expect_status 0
	same_file a x
}

@test "-T with other than 2 operands, and -t with -T: usage error" {
	mkdir d
	mkfile a
	mkfile b
	hrun create -T a b d
	expect_usage_error create
	hrun create -T a
	expect_usage_error create
	hrun create -T -t d a
	expect_usage_error create
	expect_absent d/a
	expect_nlink a 1
}

@test "more than 2 operands and the last is not a directory: exit 1" {
	mkfile a
	mkfile b
	mkfile x
	hrun create a b x
	expect_status 1
	expect_err "hln: create: target 'x' is not a directory"
	expect_nlink a 1
	expect_nlink x 1
}

@test "every operand is processed: one missing target, the others linked" {
	mkdir d
	mkfile a
	mkfile c
	hrun create a missing c d
	expect_status 1
	expect_err "hln: create: missing: no such file or directory"
	same_file a d/a
	same_file c d/c
	expect_absent d/missing
}

@test "the directory of LINK_NAME is missing: no such directory" {
	mkfile a
	hrun create a nodir/b
	expect_status 1
	expect_err "hln: create: nodir/b: no such directory: 'nodir'"
}

# ---- -f, -i ------------------------------------------------------------

@test "existing LINK_NAME without -f: EEXIST suggests -f, name untouched" {
	mkfile a new
	mkfile b old
	local old
	old=$(ino b)
	hrun create a b
	expect_status 1
	expect_no_out
	expect_err "hln: create: b: already exists; use -f to replace it"
	expect_ino b "$old"
	expect_content b old
}

@test "-f replaces an existing LINK_NAME, no temporary left" {
	mkfile a new
	mkfile b old
	hrun create -f a b
	expect_status 0
	expect_no_err
	same_file a b
	expect_content b new
	no_temp_left
	hrun create --force a b
	expect_status 0
	same_file a b
}

@test "-f replaces a symlink LINK_NAME itself, never what it points to" {
	need_native "Wine shows a symlink as the file it points to"
	mkfile a new
	mkfile other old
	ln -s other b
	ln -s nowhere dangling
	hrun create a dangling
	expect_status 1
	expect_err "hln: create: dangling: already exists; use -f to replace it"
	[ "$(readlink dangling)" = nowhere ] || fail "dangling changed"
	hrun create -f a b
	expect_status 0
	[ ! -L b ] || fail "b is still a symlink"
	same_file a b
	expect_content other old
	expect_nlink other 1
}

@test "-f with a directory TARGET: refused, LINK_NAME untouched" {
	mkdir d
	mkfile b old
	local inode
	inode=$(ino b)
	hrun create -f d b
	expect_status 1
	expect_err "hln: create: d: is a directory: hard links to directories are not allowed; use -r to link a tree"
	expect_ino b "$inode"
	no_temp_left
}

@test "-f is atomic: a reader loop never sees LINK_NAME missing" {
	mkfile a1 one
	mkfile a2 two
	ln a1 name
	local rc=0 reader rounds=0 checks
	printf 'a2\tname\na1\tname\n%.0s' $(seq 500) >pairs
	(
		n=0
		while [ $n -lt 50000 ]; do
			[ -e name ] || echo MISSING
			n=$((n + 1))
		done
		echo "checks $n"
	) >reader.out 3>&- &
	reader=$!
	# replace name over and over (1000 per batch, 2 per single run) for as
	# long as the reader runs
	while kill -0 "$reader" 2>/dev/null && [ $rounds -lt 1000 ]; do
		"$HLN" create -f --batch <pairs || rc=1
		[ name -ef a1 ] || rc=2
		"$HLN" create -f a2 name || rc=1
		[ name -ef a2 ] || rc=2
		"$HLN" create -f a1 name || rc=1
		[ name -ef a1 ] || rc=2
		rounds=$((rounds + 1))
	done
	wait "$reader"
	[ "$rc" -ne 1 ] || fail "a hln create -f failed"
	[ "$rc" -eq 0 ] || fail "hln create -f did not replace name"
	[ "$rounds" -ge 2 ] || fail "only $rounds rounds of replacements ran"
	checks=$(sed -n 's/^checks //p' reader.out)
	[ "$checks" = 50000 ] || fail "the reader did not finish"
	if grep -q MISSING reader.out; then
		fail "name was missing $(grep -c MISSING reader.out) times in $rounds rounds"
	fi
	same_file a1 name
	expect_nlink a2 1
	no_temp_left
}

@test "-f with a missing TARGET leaves LINK_NAME untouched" {
	mkfile b old
	local old
	old=$(ino b)
	hrun create -f missing b
	expect_status 1
	expect_err "hln: create: missing: no such file or directory"
	expect_ino b "$old"
	expect_content b old
	no_temp_left
}

@test "-f never replaces a directory" {
	mkdir d
	mkfile d/inside
	mkfile a
	hrun create -f -T a d
	expect_status 1
	expect_err "hln: create: d: is a directory; a directory is never replaced"
	[ -d d ] && [ -f d/inside ] || fail "the directory d was touched"
	expect_nlink a 1
	no_temp_left
	# without -T the directory is where the link goes
	hrun create -f a d
	expect_status 0
	same_file a d/a
}

@test "-f: the rename fails (failpoint): old LINK_NAME intact, no .hln- left" {
	need_fp
	mkfile a new
	mkfile b old
	local old err
	old=$(ino b)
	for err in EIO ENOSPC; do
		fprun "rename=1:$err" create -f a b
		expect_status 1
		expect_err_has "hln: create: "
		expect_ino b "$old"
		expect_content b old
		expect_nlink a 1
		no_temp_left
	done
	expect_err_has "no space left on device"
}

@test "-f: the link fails (failpoint ENOSPC): old LINK_NAME intact" {
	need_fp
	mkfile a new
	mkfile b old
	local old
	old=$(ino b)
	fprun link=1:ENOSPC create -f a b
	expect_status 1
	expect_err_has "no space left on device"
	expect_ino b "$old"
	expect_nlink a 1
	no_temp_left
}

@test "-f: a failure at any platform call leaves LINK_NAME whole, no .hln- left" {
	need_fp
	mkfile a new
	mkfile b old
	HLN_FAILPOINT_TRACE=$PWD/trace "$HLN_FP" create -f a b
	same_file a b
	local -a specs=()
	local fp_spec old
	mapfile -t specs < <(trace_specs trace)
	[ "${#specs[@]}" -ge 3 ] || fail "only ${#specs[@]} platform calls traced"
	for fp_spec in "${specs[@]}"; do
		rm -f b
		mkfile b old
		old=$(ino b)
		fprun "$fp_spec" create -f a b
		[ "$status" -eq 0 ] || [ "$status" -eq 1 ] || fail "$fp_spec: exit $status"
		[ "$status" -eq 0 ] || expect_err_has "hln: create: "
		if [ "$(ino b)" = "$old" ]; then
			[ "$status" -eq 1 ] || fail "$fp_spec: exit 0 but b not replaced"
			expect_content b old
			expect_nlink a 1
		else
			same_file a b
			expect_nlink a 2
		fi
		no_temp_left
	done
}

@test "-f --batch interrupted by SIGTERM: exit 143, nothing half done" {
	mkfile a
	mkfile b1 old
	mkfifo in
	local pid st=0
	"$HLN" create -f --batch <in 3>&- &
	pid=$!
	exec 4>in
	printf 'a\tb1\n' >&4
	sleep 0.5
	kill -TERM "$pid"
	# a pair that arrives after the signal is not made; hln may already
	# be gone (Wine ends at SIGTERM), so this write may find no reader
	(trap '' PIPE && printf 'a\tb2\n' >&4) 2>/dev/null || true
	exec 4>&-
	wait "$pid" || st=$?
	[ "$st" -eq 143 ] || fail "exit status $st, expected 143"
	same_file a b1
	[ ! -e b2 ] || fail "the pair read after SIGTERM was made"
	no_temp_left
}

@test "-i: y or yes (any case) replaces; n, other or empty keeps (exit 0)" {
	mkfile a new
	mkfile b old
	local old ans
	old=$(ino b)
	"$HLN" create -i a b <<<n 2>prompt
	[ "$(od -An -c prompt)" = "$(printf "hln: create: replace 'b'? " | od -An -c)" ] ||
		fail "the prompt is not exactly \"hln: create: replace 'b'? \""
	for ans in n no x ""; do
		run --separate-stderr "$HLN" create -i a b <<<"$ans"
		expect_status 0
		expect_err "hln: create: replace 'b'?"
		expect_ino b "$old"
	done
	for ans in y YES; do
		rm -f c
		mkfile c old
		run --separate-stderr "$HLN" create --interactive a c <<<"$ans"
		expect_status 0
		expect_err "hln: create: replace 'c'?"
		same_file a c
		no_temp_left
	done
}

@test "-i does not ask when LINK_NAME does not exist" {
	mkfile a
	run --separate-stderr "$HLN" create -i a b </dev/null
	expect_status 0
	expect_no_err
	same_file a b
}

@test "-i with no terminal to ask (setsid, cron): an error for that name, nothing replaced" {
	need_native "setsid and /dev/tty are Linux's"
	command -v setsid >/dev/null || skip "setsid (util-linux) is missing"
	mkfile a new
	mkfile b old
	mkfile c
	local old
	old=$(ino b)
	# standard input ends before an answer
	run --separate-stderr "$HLN" create -i a b </dev/null
	expect_status 1
	expect_err "hln: create: replace 'b'? 
hln: create: b: not replaced: -i found no terminal or input to read the answer from; use -f to replace without asking"
	expect_ino b "$old"
	# --batch asks the terminal, and there is none after setsid
	printf 'a\tb\nc\td\n' >pairs
	run --separate-stderr setsid -w "$HLN" create -i --batch <pairs
	expect_status 1
	expect_err "hln: create: replace 'b'? 
hln: create: stdin:1: b: not replaced: -i found no terminal to read the answer from; use -f to replace without asking"
	expect_ino b "$old"
	expect_content b old
	same_file c d
	no_temp_left
}

@test "-i and -f: the last one given wins" {
	mkfile a new
	mkfile b old
	local old
	old=$(ino b)
	run --separate-stderr "$HLN" create -f -i a b <<<"n"
	expect_status 0
	expect_err "hln: create: replace 'b'?"
	expect_ino b "$old"
	run --separate-stderr "$HLN" create -i -f a b </dev/null
	expect_status 0
	expect_no_err
	same_file a b
}

# ---- -L, -P, -n, -v ----------------------------------------------------

@test "-P (default) links a symlink TARGET itself, -L what it points to" {
	need_native "Wine shows a symlink as the file it points to"
	mkfile f
	ln -s f l
	hrun create l p
	expect_status 0
	[ -L p ] || fail "p is not the symlink"
	same_file l p
	hrun create -P l p2
	expect_status 0
	same_file l p2
	hrun create --physical l p3
	same_file l p3
	hrun create -L l q
	expect_status 0
	[ ! -L q ] || fail "q is a symlink"
	same_file f q
	hrun create --logical l q2
	same_file f q2
	expect_nlink f 3
}

@test "-n prints what would be done and changes nothing" {
	mkdir d
	mkfile a
	mkfile b old
	local old
	old=$(ino b)
	hrun create -n a new
	expect_status 0
	expect_out "'new' => 'a'"
	expect_absent new
	hrun create --dry-run -f a b
	expect_status 0
	expect_out "'b' => 'a'"
	expect_ino b "$old"
	hrun create -n a b d
	expect_status 0
	expect_out "'d/a' => 'a'
'd/b' => 'b'"
	expect_absent d/a d/b
	expect_nlink a 1
	no_temp_left
}

@test "-v prints 'LINK_NAME' => 'TARGET', one line per link" {
	mkdir d e sub
	mkfile a
	mkfile b
	hrun create -v a l
	expect_status 0
	expect_out "'l' => 'a'"
	expect_no_err
	hrun create --verbose a b d
	expect_out "'d/a' => 'a'
'd/b' => 'b'"
	hrun create -v -t e a
	expect_out "'e/a' => 'a'"
	cd sub
	hrun create -v ../a
	expect_status 0
	[ "$output" = "'a' => '../a'" ] || [ "$output" = "'./a' => '../a'" ] ||
		fail "not 'a' => '../a' (or ./a as GNU ln)"
	same_file a ../a
}

# ---- same file -----------------------------------------------------------

@test "LINK_NAME already a name of TARGET: nothing done, exit 0" {
	mkfile a
	ln a b
	local inode
	inode=$(ino b)
	hrun create a b
	expect_status 0
	expect_no_out
	expect_no_err
	expect_ino b "$inode"
	expect_nlink a 2
	hrun create -f a b
	expect_status 0
	expect_nlink a 2
	no_temp_left
	hrun create -v a b
	expect_status 0
	expect_out "'b' and 'a' are already linked"
	hrun create a a
	expect_status 0
	expect_nlink a 2
}

@test "create -f a a: error 'same file', exit 1" {
	mkfile a
	local inode
	inode=$(ino a)
	hrun create -f a a
	expect_status 1
	expect_err "hln: create: a: 'a' and 'a' are the same file"
	expect_ino a "$inode"
	expect_nlink a 1
	no_temp_left
}

# ---- -s, directories -----------------------------------------------------

@test "-s and --symbolic are refused, exit 2" {
	mkfile a
	local opt
	for opt in -s --symbolic; do
		hrun create $opt a b
		expect_status 2
		expect_no_out
		expect_err_has "hln: create: hln makes hard links only; use ln -s for symbolic links"
		expect_absent b
	done
}

@test "a directory TARGET without -r is refused with the message" {
	mkdir d out
	hrun create d e
	expect_status 1
	expect_err "hln: create: d: is a directory: hard links to directories are not allowed; use -r to link a tree"
	expect_absent e
	hrun create d out
	expect_status 1
	expect_err_has "d: is a directory: hard links to directories are not allowed; use -r to link a tree"
	expect_absent out/d
}

@test "a directory TARGET whose link name is its own name is still refused" {
	mkdir d
	hrun create -v d
	expect_status 1
	expect_err "hln: create: d: is a directory: hard links to directories are not allowed; use -r to link a tree"
	expect_no_out
	hrun create -v -T d d
	expect_status 1
	expect_err "hln: create: d: is a directory: hard links to directories are not allowed; use -r to link a tree"
	hrun create -v d .
	expect_status 1
	expect_err_has "use -r to link a tree"
}

# ---- -r ------------------------------------------------------------------

@test "-r replicates a tree exactly as cp -al does" {
	need_native "Windows keeps no modes or owners, and the tree holds a fifo and symlinks"
	make_tree src
	hrun create -r src dst
	expect_status 0
	expect_no_out
	expect_no_err
	cp -al src ref
	same_tree src dst
	same_tree ref dst
	# spot checks of what same_tree compares
	same_file src/file dst/file
	same_file src/file "dst/sub/second name"
	same_file src/mixed/$'new\nline' dst/mixed/$'new\nline'
	[ "$(readlink dst/sub/rel-link)" = ../file ] || fail "symlink text changed"
	[ "$(readlink dst/dangling)" = /nonexistent/target ] || fail "dangling text"
	[ -L dst/dirlink ] && [ "$(readlink dst/dirlink)" = sub ] || fail "dirlink"
	[ -p dst/fifo ] || fail "dst/fifo is not a fifo"
	same_file src/fifo dst/fifo
	[ -d dst/empty ] || fail "empty dir missing"
	[ "$(stat -c %a dst/ro)" = 555 ] || fail "dst/ro is not 0555"
	[ "$(stat -c %Y.%y dst/sub)" = "$(stat -c %Y.%y src/sub)" ] || fail "mtime"
	expect_nlink src/file 6
	no_temp_left dst
}

@test "-r preserves directory owners (root)" {
	need_native "Windows keeps no modes or owners, and the tree holds a fifo and symlinks"
	need_root
	make_tree src
	hrun create --recursive src dst
	expect_status 0
	[ "$(stat -c %u:%g dst/sub/deep/deeper)" = "$NOBODY:$NOBODY" ] ||
		fail "owner of dst/sub/deep/deeper not kept"
}

@test "-r as an unprivileged user: 0555 directories, owners it cannot keep" {
	need_nobody
	mkdir -p src/ro/inner src/empty w
	mkfile src/f
	mkfile src/ro/g
	mkfile src/ro/inner/h
	ln -s f src/sl
	find src ! -type d -exec chown -h "$NOBODY" {} +
	chmod 0555 src/ro/inner src/ro
	set_dir_times src
	chown "$NOBODY" w
	nrun create -r src w/dst
	expect_status 0
	expect_no_err
	as_nobody cp -al src w/ref
	same_tree w/ref w/dst
	same_file src/ro/inner/h w/dst/ro/inner/h
	[ "$(stat -c '%u %a' w/dst/ro/inner)" = "$NOBODY 555" ] || fail "w/dst/ro/inner"
}

@test "-R is -r; the last operand an existing directory gets DIR/basename" {
	need_native "Windows keeps no modes or owners, and the tree holds a fifo and symlinks"
	make_tree src
	mkdir out
	hrun create -R src out
	expect_status 0
	same_tree src out/src
	[ "$(find out -mindepth 1 -maxdepth 1)" = out/src ] || fail "extra entries in out"
}

@test "-r merges into existing directories; a clash is EEXIST, -f replaces" {
	mkdir -p src/sub out/src/sub
	mkfile src/sub/clash new
	mkfile src/sub/fresh
	mkfile src/top
	mkfile out/src/sub/clash old
	mkfile out/src/sub/mine
	local old
	old=$(ino out/src/sub/clash)
	hrun create -r src out
	expect_status 1
	expect_err "hln: create: out/src/sub/clash: already exists; use -f to replace it"
	expect_ino out/src/sub/clash "$old"
	same_file src/sub/fresh out/src/sub/fresh
	same_file src/top out/src/top
	expect_content out/src/sub/mine "data of out/src/sub/mine"
	hrun create -rf src out
	expect_status 0
	same_file src/sub/clash out/src/sub/clash
	expect_content out/src/sub/mine "data of out/src/sub/mine"
	no_temp_left out
}

@test "-r into itself is refused" {
	mkdir -p a/x
	mkfile a/x/f
	hrun create -r a a/b
	expect_status 1
	expect_err "hln: create: a/b: cannot link a directory into itself"
	expect_absent a/b
	expect_nlink a/x/f 1
}

@test "-r -v and -r -n: one line per link, 'LINK' => 'TARGET'; directories get none" {
	mkdir -p src/d/e
	mkfile src/f
	mkfile src/d/g
	local want="'dst/d/g' => 'src/d/g'
'dst/f' => 'src/f'"
	# the walk is parallel: lines come in no fixed order
	hrun create -rn --no-progress src dst
	expect_status 0
	[ "$(sort <<<"$output")" = "$want" ] || fail "-n printed: $output"
	expect_absent dst
	hrun create -rv --no-progress src dst
	expect_status 0
	[ "$(sort <<<"$output")" = "$want" ] || fail "-v printed: $output"
	[ -d dst/d/e ] || fail "dst/d/e not made"
}

@test "-r -n creates nothing" {
	make_tree src
	hrun create -rn --no-progress src dst
	expect_status 0
	expect_out_has "'dst/file' => 'src/file'"
	expect_absent dst
	expect_nlink src/file 2
}

@test "-r: a mkdir failure (failpoint ENOSPC) is reported, exit 1" {
	need_fp
	make_tree src
	fprun mkdir=2:ENOSPC create -r src dst
	expect_status 1
	expect_err_has "no space left on device"
	no_temp_left dst
}

# ---- --batch -------------------------------------------------------------

@test "--batch: TAB lines, names with spaces, last line without LF" {
	mkdir sub d
	mkfile a
	mkfile "sub/x y"
	batch_in 'a\tb c\nsub/x y\td/z z\na\tlast'
	hbatch
	expect_status 0
	expect_no_out
	expect_no_err
	same_file a "b c"
	same_file "sub/x y" "d/z z"
	same_file a last
	expect_nlink a 3
}

@test "--batch: CRLF lines (from Windows) lose the CR" {
	mkfile a
	batch_in 'a\tb\r\na\tc\r\n'
	hbatch
	expect_status 0
	same_file a b
	same_file a c
	expect_absent "$(printf 'b\r')"
}

@test "--batch -0: NUL pairs, names with newlines, tabs and spaces" {
	need_native "Windows names cannot hold control characters or bytes that are not UTF-8"
	mkfile $'new\nline'
	mkfile a
	batch_in 'new\nline\0link\nname\0a\0tab\there x\0'
	hbatch -0
	expect_status 0
	expect_no_err
	same_file $'new\nline' $'link\nname'
	same_file a $'tab\there x'
	printf 'a\0nul-long\0' >pairs
	hbatch --null
	expect_status 0
	same_file a nul-long
}

@test "--batch: bad lines reported with their number, skipped, exit 1" {
	mkfile a
	batch_in 'a\tok1\nno tab here\n\tempty-target\na\t\nmissing\tx\na\tok6\n'
	hbatch
	expect_status 1
	expect_err "hln: create: stdin:2: no TAB between TARGET and LINK_NAME
hln: create: stdin:3: empty target
hln: create: stdin:4: empty link name
hln: create: stdin:5: missing: no such file or directory"
	same_file a ok1
	same_file a ok6
	expect_absent x empty-target
	expect_nlink a 3
}

@test "--batch: a NUL byte in a TAB line makes it bad, never cut at the NUL" {
	mkfile a
	mkfile victim old
	mkfile b
	local old
	old=$(ino victim)
	printf 'a\tvictim\0.bak\nb\tok\n' >pairs
	hbatch -f
	expect_status 1
	expect_err "hln: create: stdin:1: the line holds a NUL byte, which no name can hold"
	expect_ino victim "$old"
	expect_content victim old
	expect_absent victim.bak
	same_file b ok
	expect_nlink a 1
	no_temp_left
}

@test "--batch with stdin closed: a sentence, not 'Bad file descriptor'" {
	# closed at the exec itself: inside bats' run a closed 0 is reused
	run --separate-stderr sh -c 'exec "$1" create --batch <&-' sh "$HLN"
	expect_status 1
	expect_no_out
	expect_err "hln: create: stdin: cannot read the pairs: standard input is closed (give them with < FILE or through a pipe)"
}

@test "--batch -0: an odd trailing record and an empty target" {
	mkfile a
	batch_in 'a\0p1\0\0p2\0a\0p3\0a\0'
	hbatch -0
	expect_status 1
	expect_err "hln: create: stdin:2: empty target
hln: create: stdin:4: TARGET without LINK_NAME"
	same_file a p1
	same_file a p3
	expect_absent p2
}

@test "--batch never links into a directory (each pair is -T)" {
	mkdir d
	mkfile a
	batch_in 'a\td\n'
	hbatch
	expect_status 1
	expect_dir_exists_err d "stdin:1: "
	expect_absent d/a
	hbatch -f
	expect_status 1
	expect_err "hln: create: stdin:1: d: is a directory; a directory is never replaced"
	[ -d d ] || fail "d replaced"
}

@test "--batch with -v, -n and -f" {
	mkfile a
	mkfile b
	mkfile old
	batch_in 'a\tl1\nb\told\n'
	hbatch -n -f
	expect_status 0
	expect_out "'l1' => 'a'
'old' => 'b'"
	expect_absent l1
	expect_nlink b 1
	hbatch -v -f
	expect_status 0
	expect_out "'l1' => 'a'
'old' => 'b'"
	same_file a l1
	same_file b old
	no_temp_left
}

@test "--batch: empty input is fine; operands are a usage error" {
	: >pairs
	hbatch
	expect_status 0
	expect_no_out
	expect_no_err
	mkfile a
	printf 'a\tb\n' >pairs
	run --separate-stderr "$HLN" create --batch a c <pairs
	expect_usage_error create
	expect_absent b c
}

@test "--batch: -T is what every pair is already; -t is a usage error" {
	mkfile a
	mkdir d
	batch_in 'a\tb\n'
	hbatch -T -v
	expect_status 0
	expect_out "'b' => 'a'"
	same_file a b
	batch_in 'a\tc\n'
	hbatch -t d
	expect_usage_error create
	expect_err_has "-t cannot be used with it"
	expect_absent c d/c
}

# ---- names ---------------------------------------------------------------

@test "names with newline, space, tab and invalid UTF-8 are linked" {
	need_native "Windows names cannot hold control characters or bytes that are not UTF-8"
	mkdir d
	local n
	for n in $'new\nline' 'with space' $'tab\there' $'\xff\xfe' $'\xc3(\n'; do
		mkfile "$n"
		hrun create -v "$n" "$n.l"
		expect_status 0
		expect_out "'$n.l' => '$n'"
		same_file "$n" "$n.l"
		hrun create "$n" d
		expect_status 0
		same_file "$n" "d/$n"
	done
	[ "$(find d -type f -printf x)" = xxxxx ] || fail "not 5 files in d"
}

@test "names with a leading dash: after -- and as ./-x" {
	mkfile -x
	hrun create -- -x -y
	expect_status 0
	same_file ./-x ./-y
	hrun create ./-x ./-z
	expect_status 0
	same_file ./-x ./-z
	expect_nlink ./-x 3
}

# ---- errors --------------------------------------------------------------

@test "missing TARGET: ENOENT message, exit 1" {
	hrun create missing b
	expect_status 1
	expect_no_out
	expect_err "hln: create: missing: no such file or directory"
	expect_absent b
}

@test "cross-device: the message names both mount points" {
	need_root
	mount_tmpfs mnt
	mkfile a
	local m1 m2
	m1=$(outpath "$(stat -c %m a)")
	m2=$(outpath "$(stat -c %m mnt)")
	[ "$m1" != "$m2" ] || fail "tmpfs not mounted"
	hrun create a mnt/b
	expect_status 1
	expect_err "hln: create: mnt/b: hard links cannot cross filesystems: 'a' is on $m1, 'mnt/b' on $m2"
	expect_absent mnt/b
}

@test "read-only file system: EROFS message" {
	need_native "Wine reports a read-only mount as access denied"
	need_root
	mount_tmpfs ro
	mkfile ro/a
	mount -o remount,ro ro
	hrun create ro/a ro/b
	expect_status 1
	expect_err_has "hln: create: "
	expect_err_has "read-only file system"
	expect_absent ro/b
}

@test "no space: a full tmpfs gives ENOSPC" {
	need_root
	mount_tmpfs t size=4m,nr_inodes=3
	mkfile t/a
	ln t/a t/b
	hrun create t/a t/c
	expect_status 1
	expect_err_has "hln: create: "
	expect_err_has "no space left on device"
	expect_absent t/c
	expect_nlink t/a 2
}

@test "no space (failpoint link=1:ENOSPC)" {
	need_fp
	mkfile a
	fprun link=1:ENOSPC create a b
	expect_status 1
	expect_err_has "no space left on device"
	expect_absent b
}

@test "EMLINK on ext4: 64,999 links by --batch, the next one gives the count" {
	need_native "Wine reports EMLINK as an I/O error"
	need_root
	mount_ext4 m 64
	mkfile m/f
	seq 1 64999 | awk '{ printf "m/f\tm/l%d\n", $1 }' >pairs
	hbatch
	expect_status 0
	expect_nlink m/f 65000
	hrun create m/f m/one-more
	expect_status 1
	expect_err "hln: create: m/f: already has 65000 links, the most this filesystem allows"
	expect_absent m/one-more
}

@test "ENAMETOOLONG: a 300-byte name" {
	need_native "Wine reports a name over 255 bytes as not found"
	mkfile a
	local long
	long=$(printf 'x%.0s' $(seq 300))
	hrun create a "$long"
	expect_status 1
	expect_err_has "file name too long"
	expect_nlink a 1
}

@test "ENAMETOOLONG: a path over 4096 bytes whose every name is short" {
	need_native "Windows long paths (\\\\?\\) have another limit"
	mkfile a
	local part path=d
	part=$(printf 'y%.0s' $(seq 200))
	for _ in $(seq 21); do path+=/$part; done
	hrun create a "$path"
	expect_status 1
	expect_err_has "file name too long"
	expect_err_has "the whole path 4096"
	expect_nlink a 1
}

@test "ELOOP: -L on a symlink loop, a loop in LINK_NAME's directory" {
	mkfile a
	ln -s loop loop
	hrun create -L loop x
	expect_status 1
	expect_err_has "hln: create: "
	expect_err_has "too many levels of symbolic links"
	expect_absent x
	hrun create a loop/b
	expect_status 1
	expect_err_has "hln: create: loop/b: "
	expect_err_has "too many levels of symbolic links"
	expect_nlink a 1
}

@test "EACCES: an unprivileged user, directory not writable" {
	need_nobody
	mkdir locked
	mkfile a
	chown "$NOBODY" a
	nrun create a locked/b
	expect_status 1
	expect_err_has "hln: create: "
	expect_err_has "permission denied"
	expect_absent locked/b
}

@test "protected_hardlinks: EPERM message names fs.protected_hardlinks" {
	need_nobody
	[ "$(cat /proc/sys/fs/protected_hardlinks)" = 1 ] ||
		skip "fs.protected_hardlinks is 0"
	mkdir pub
	chmod 1777 pub
	mkfile pub/secret
	chmod 0600 pub/secret
	nrun create pub/secret pub/mine
	expect_status 1
	if [ "${HLN_PLATFORM:-linux}" = portable ]; then
		# the portable path cannot read the setting, and says so
		expect_err "hln: create: pub/secret: not permitted: this system may let only the owner link a file (as Linux fs.protected_hardlinks=1 does)"
	else
		expect_err "hln: create: pub/secret: not permitted: fs.protected_hardlinks=1 lets only the owner (or a user who can read and write the file) link it"
	fi
	expect_absent pub/mine
	expect_nlink pub/secret 1
}

@test "-r -f replaces existing symlinks in the destination atomically" {
	need_native "Wine shows a symlink as the file it points to"
	mkdir src
	mkfile src/f
	ln -s f src/sl
	"$HLN" create -rT src dst
	ln -sfn elsewhere dst/sl
	hrun create -rT src dst
	expect_status 1
	expect_err_has "dst/sl: already exists; use -f to replace it"
	hrun create -rTf src dst
	expect_status 0
	[ "$(readlink dst/sl)" = f ] || fail "dst/sl -> $(readlink dst/sl)"
	no_temp_left dst
}

@test "--no-dereference: a LINK_NAME symlink to a directory is a name, replaced with -f" {
	need_native "Wine shows a symlink as the file it points to"
	mkdir d
	ln -s d l
	mkfile a
	# as ln: without it, the link goes into the directory
	hrun create a l
	expect_status 0
	same_file a d/a
	rm d/a
	hrun create --no-dereference a l
	expect_status 1
	expect_err "hln: create: l: already exists; use -f to replace it"
	[ -L l ] || fail "l was replaced"
	hrun create -f --no-dereference a l
	expect_status 0
	expect_no_err
	[ ! -L l ] || fail "l is still the symlink"
	same_file a l
	expect_absent d/a
	[ -d d ] || fail "the directory d was touched"
	# -n is still --dry-run, not ln's -n
	rm l
	ln -s d l
	hrun create -n -f a l
	expect_status 0
	expect_out "'l/a' => 'a'"
	[ -L l ] || fail "-n changed l"
	expect_absent d/a
	# several targets: a symlink to a directory is then not a directory
	mkfile b
	hrun create --no-dereference a b l
	expect_status 1
	expect_err "hln: create: target 'l' is not a directory"
}

@test "the just-created guard: a later operand never replaces a name made by this run" {
	mkdir a b c
	mkfile a/f one
	mkfile b/f two
	hrun create -f a/f b/f c
	expect_status 1
	expect_no_out
	expect_err "hln: create: b/f: will not replace just-created 'c/f'"
	same_file a/f c/f
	expect_nlink b/f 1
	# also without -f, and with -t
	rm c/f
	hrun create -t c a/f b/f
	expect_status 1
	expect_err "hln: create: b/f: will not replace just-created 'c/f'"
	same_file a/f c/f
	# a name that was there before the run is replaced as ever
	hrun create -f b/f a/f c
	expect_status 1
	expect_err "hln: create: a/f: will not replace just-created 'c/f'"
	same_file b/f c/f
	# one operand, or --batch, replaces as asked
	hrun create -f a/f c/f
	expect_status 0
	same_file a/f c/f
}

@test "the just-created guard with -r: a second tree does not replace the first's links" {
	mkdir -p a/d b/d c
	mkfile a/d/x one
	mkfile b/d/x two
	mkfile b/d/only
	hrun create -rf a/d b/d c
	expect_status 1
	expect_err "hln: create: b/d/x: will not replace just-created 'c/d/x'"
	same_file a/d/x c/d/x
	same_file b/d/only c/d/only
	expect_nlink b/d/x 1
	no_temp_left c
}

@test "-r into a missing directory says which one is missing" {
	mkdir data
	mkfile data/f
	hrun create -r data backup/x
	expect_status 1
	expect_err "hln: create: backup/x: no such directory: 'backup'"
	expect_absent backup
	# as the non-recursive form says it
	hrun create data/f backup/x
	expect_err "hln: create: backup/x: no such directory: 'backup'"
}

# deep_name I: the name of level I of the deep tree (205 bytes).
deep_name() { printf 'd%03d%0200d' "$1" 0; }

# deep_cd ROOT: cd to the bottom of the 40 levels under ROOT, one at a time
# (a path that long cannot be given to cd or open at once).
deep_cd() {
	local i
	cd "$1" || return 1
	for i in $(seq 40); do
		cd "$(deep_name "$i")" || return 1
	done
}

@test "-r: a tree whose paths are far longer than 4096 bytes" {
	need_native "Wine limits a path to 32767 UTF-16 units, and this walk is slow there"
	local i top=$PWD
	mkdir src
	(
		cd src || exit 1
		for i in $(seq 40); do
			mkdir "$(deep_name "$i")" && cd "$(deep_name "$i")" || exit 1
		done
		mkfile leaf deep
		ln -s ../leaf sl
		touch -d @1000000000.5 .
		chmod 0555 .
	) || fail "could not make the deep tree"
	hrun create -r --no-progress src dst
	expect_status 0
	expect_no_err
	(deep_cd "$top/src" && stat -c '%i %a %Y' leaf .) >src.state
	(deep_cd "$top/dst" && stat -c '%i %a %Y' leaf . && readlink sl) >dst.state
	[ "$(sed -n 1p src.state)" = "$(sed -n 1p dst.state)" ] || fail "the deep leaf is not linked"
	[ "$(sed -n 2p src.state | cut -d' ' -f2-)" = "$(sed -n 2p dst.state | cut -d' ' -f2-)" ] ||
		fail "the deep directory's mode or mtime: $(cat src.state dst.state)"
	[ "$(sed -n 3p dst.state)" = ../leaf ] || fail "the deep symlink: $(cat dst.state)"
	# and again: every link is there already, the deep symlink is replaced
	hrun create -rf --no-progress src dst
	expect_status 0
	expect_no_err
	[ -z "$(cd dst && find . -name '.hln-*' 2>/dev/null)" ] || fail "a .hln- name left"
	chmod -R u+w src dst
}

@test "-r: a directory TARGET with a trailing slash into a new name with one" {
	mkdir src
	mkfile src/f
	hrun create -r src/ new/
	expect_status 0
	same_file src/f new/f
}

@test "errors of the TARGET name the TARGET (ELOOP), not LINK_NAME" {
	ln -s loop loop
	hrun create -L loop z
	expect_status 1
	expect_err_has "hln: create: loop: too many levels of symbolic links"
}

@test "ENOENT in a directory that exists is not 'no such directory'" {
	mkfile a
	hrun create a /proc/no-such-dir-here/x
	expect_status 1
	expect_err_has "no such directory: '/proc/no-such-dir-here'"
	hrun create a /proc/x
	expect_status 1
	[[ $stderr != *"no such directory"* ]] || fail "said no such directory: $stderr"
}

# ---- --reflink -------------------------------------------------------------

# mount_cow DIR btrfs|xfs: a fresh loop-mounted image of that filesystem.
mount_cow() {
	need_native "Wine's drive is not a Linux mount"
	mount_image "$1" "$2" 400
}

# shared FILE: filefrag -v shows extents of FILE shared with another file.
shared() { filefrag -v "$1" | grep -q shared; }

# used_kib DIR: the KiB used on DIR's filesystem, after a sync.
used_kib() { sync -f "$1" && df -k --output=used "$1" | tail -n 1; }

@test "--reflink on Btrfs and XFS: a clone sharing the blocks, edited apart" {
	need_linux_path "the portable path cannot clone"
	command -v filefrag >/dev/null || skip "filefrag (e2fsprogs) is missing"
	local fs before after
	for fs in btrfs xfs; do
		mount_cow "m$fs" "$fs"
		head -c 20000000 /dev/urandom >"m$fs/a"
		chmod 0640 "m$fs/a"
		touch -d @1000000000.123456789 "m$fs/a"
		before=$(used_kib "m$fs")
		hrun create -v --reflink "m$fs/a" "m$fs/b"
		expect_status 0
		expect_out "'m$fs/b' => 'm$fs/a' (clone)"
		after=$(used_kib "m$fs")
		[ $((after - before)) -lt 2000 ] || fail "$fs: df grew by $((after - before)) KiB for a 20 MB clone"
		cmp "m$fs/a" "m$fs/b" || fail "$fs: the clone differs"
		[ "$(ino "m$fs/a")" != "$(ino "m$fs/b")" ] || fail "$fs: a hard link, not a clone"
		expect_nlink "m$fs/a" 1
		shared "m$fs/b" || fail "$fs: filefrag shows no shared extent"
		[ "$(stat -c '%a %u %g %y' "m$fs/a")" = "$(stat -c '%a %u %g %y' "m$fs/b")" ] ||
			fail "$fs: metadata differ"
		# editing the copy leaves the original intact
		local sum
		sum=$(md5sum <"m$fs/a")
		printf 'edited' | dd of="m$fs/b" conv=notrunc status=none
		[ "$(md5sum <"m$fs/a")" = "$sum" ] || fail "$fs: the original changed"
		# -f replaces atomically; without it, EEXIST
		hrun create --reflink "m$fs/a" "m$fs/b"
		expect_status 1
		expect_err "hln: create: m$fs/b: already exists; use -f to replace it"
		hrun create -f --reflink=always "m$fs/a" "m$fs/b"
		expect_status 0
		cmp "m$fs/a" "m$fs/b" || fail "$fs: -f did not replace"
		no_temp_left "m$fs"
	done
}

@test "--reflink on ext4 and tmpfs: always is refused naming the filesystem, auto copies" {
	need_root
	need_native "Wine's drive is not a Linux mount"
	local fs name
	mount_ext4 mext4 64
	mount_tmpfs mtmpfs size=16m
	for fs in ext4 tmpfs; do
		# the portable path cannot read the filesystem's type
		name=$fs
		[ "${HLN_PLATFORM:-linux}" != portable ] || name="this filesystem"
		head -c 100000 /dev/urandom >"m$fs/a"
		truncate -s 10M "m$fs/sparse"
		printf 'end' >>"m$fs/sparse"
		hrun create --reflink "m$fs/a" "m$fs/b"
		expect_status 1
		expect_err "hln: create: m$fs/b: $name cannot share data blocks; use --reflink=auto to copy the bytes"
		expect_absent "m$fs/b"
		no_temp_left "m$fs"
		hrun create -v --reflink=auto "m$fs/a" "m$fs/b"
		expect_status 0
		expect_out "'m$fs/b' => 'm$fs/a' (copy)"
		cmp "m$fs/a" "m$fs/b" || fail "$fs: the copy differs"
		[ "$(ino "m$fs/a")" != "$(ino "m$fs/b")" ] || fail "$fs: a hard link"
		hrun create --reflink=auto "m$fs/sparse" "m$fs/sp2"
		expect_status 0
		cmp "m$fs/sparse" "m$fs/sp2" || fail "$fs: the sparse copy differs"
		[ "$(du -k "m$fs/sp2" | cut -f1)" -lt 1000 ] || fail "$fs: the holes were filled"
	done
	# never: not for create
	hrun create --reflink=never mext4/a mext4/c
	expect_usage_error create
}

@test "--reflink: every form (-t, into DIRECTORY, -T, --batch, -0, -n, -i)" {
	need_linux_path "the portable path cannot clone"
	command -v filefrag >/dev/null || skip "filefrag (e2fsprogs) is missing"
	mount_cow m btrfs
	cd m || fail "cd"
	mkdir d e
	mkfile a one
	mkfile b two
	hrun create --reflink -t d a b
	expect_status 0
	cmp a d/a && cmp b d/b || fail "-t"
	hrun create --reflink a b e
	expect_status 0
	cmp a e/a && cmp b e/b || fail "into DIRECTORY"
	hrun create --reflink -T a x
	expect_status 0
	cmp a x || fail "-T"
	printf 'a\ty1\nb\ty2\n' >../pairs
	run --separate-stderr "$HLN" create --reflink --batch <../pairs
	expect_status 0
	cmp a y1 && cmp b y2 || fail "--batch"
	printf 'a\0z1\0' >../pairs
	run --separate-stderr "$HLN" create --reflink --batch -0 <../pairs
	expect_status 0
	cmp a z1 || fail "--batch -0"
	hrun create -n --reflink a n1
	expect_status 0
	expect_out "'n1' => 'a' (clone)"
	expect_absent n1
	hrun create -n --reflink=auto a n1
	expect_out "'n1' => 'a' (clone or copy)"
	local old
	old=$(ino x)
	run --separate-stderr "$HLN" create -i --reflink b x <<<n
	expect_status 0
	expect_ino x "$old"
	run --separate-stderr "$HLN" create -i --reflink b x <<<y
	expect_status 0
	cmp b x || fail "-i y did not replace"
	[ "$(ino b)" != "$(ino x)" ] || fail "-i made a hard link"
	no_temp_left .
}

@test "-r --reflink: hard links inside stay hard links, symlinks recreated, odd names" {
	need_linux_path "the portable path cannot clone"
	command -v filefrag >/dev/null || skip "filefrag (e2fsprogs) is missing"
	mount_cow m xfs
	mkdir -p m/src/sub m/src/empty
	head -c 300000 /dev/urandom >m/src/big
	ln m/src/big "m/src/sub/second name"
	mkfile m/src/$'new\nline'
	mkfile m/src/-dash
	ln -s big m/src/sl
	chmod 0750 m/src/sub
	touch -d @1000000000.5 m/src/sub
	hrun create -r --reflink --no-progress m/src m/dst
	expect_status 0
	expect_no_err
	cmp m/src/big m/dst/big || fail "big differs"
	[ "$(ino m/src/big)" != "$(ino m/dst/big)" ] || fail "big is a hard link of the source"
	same_file m/dst/big "m/dst/sub/second name"
	expect_nlink m/dst/big 2
	expect_nlink m/src/big 2
	shared m/dst/big || fail "no shared extent"
	[ "$(readlink m/dst/sl)" = big ] || fail "symlink text"
	[ -f m/dst/$'new\nline' ] && [ -f m/dst/-dash ] && [ -d m/dst/empty ] || fail "odd names"
	[ "$(stat -c '%a %Y' m/dst/sub)" = "$(stat -c '%a %Y' m/src/sub)" ] || fail "dir metadata"
	no_temp_left m/dst
}

@test "-r --reflink: a tree whose paths are far longer than 4096 bytes is cloned, never linked" {
	need_linux_path "the portable path cannot clone"
	command -v filefrag >/dev/null || skip "filefrag (e2fsprogs) is missing"
	local fs i top=$PWD
	for fs in xfs btrfs; do
		mount_cow "m$fs" "$fs"
		mkdir "m$fs/src"
		(
			cd "m$fs/src" || exit 1
			mkfile top "at the top"
			for i in $(seq 40); do
				mkdir "$(deep_name "$i")" && cd "$(deep_name "$i")" || exit 1
			done
			head -c 200000 /dev/urandom >leaf
			ln leaf "leaf twin"
			ln leaf "$top/m$fs/src/top twin"
			ln "$top/m$fs/src/top" "top here"
			ln -s leaf sl
			touch -d @1000000000.5 .
		) || fail "could not make the deep tree"
		hrun create -r --reflink --no-progress "m$fs/src" "m$fs/dst"
		expect_status 0
		expect_no_err
		(deep_cd "$top/m$fs/src" && stat -c '%i %h %a %Y' leaf "top here" . && md5sum <leaf) >src.state ||
			fail "$fs: the deep source"
		(deep_cd "$top/m$fs/dst" && stat -c '%i %h %a %Y' leaf "leaf twin" "top here" . &&
			md5sum <leaf && readlink sl && filefrag -v leaf) >dst.state || fail "$fs: no deep copy"
		local s_leaf d_leaf d_twin
		s_leaf=$(sed -n 1p src.state)
		d_leaf=$(sed -n 1p dst.state)
		d_twin=$(sed -n 2p dst.state)
		[ "${s_leaf%% *}" != "${d_leaf%% *}" ] || fail "$fs: the deep leaf is a hard link of the source"
		[ "$d_leaf" = "$d_twin" ] || fail "$fs: the deep names of one file are not one file: $d_leaf / $d_twin"
		[ "$(cut -d' ' -f2 <<<"$d_leaf")" = 3 ] || fail "$fs: the deep copy has not its 3 names: $d_leaf"
		[ "$(ino "m$fs/dst/top twin")" = "${d_leaf%% *}" ] || fail "$fs: 'top twin' is not the deep copy"
		[ "$(ino "m$fs/dst/top")" = "$(sed -n 3p dst.state | cut -d' ' -f1)" ] ||
			fail "$fs: 'top here' is not the copy of 'top'"
		[ "$(ino "m$fs/dst/top")" != "$(ino "m$fs/src/top")" ] || fail "$fs: 'top' is a hard link of the source"
		[ "$(sed -n 3p src.state | cut -d' ' -f3-)" = "$(sed -n 4p dst.state | cut -d' ' -f3-)" ] ||
			fail "$fs: the deep directory's mode or mtime"
		[ "$(sed -n 4p src.state)" = "$(sed -n 5p dst.state)" ] || fail "$fs: the deep leaf differs"
		[ "$(sed -n 6p dst.state)" = leaf ] || fail "$fs: the deep symlink"
		grep -q shared dst.state || fail "$fs: the deep copy shares no extent"
		expect_nlink "m$fs/src/top twin" 3
		# and again with -f: every deep name replaced by a clone in place
		hrun create -rf --reflink --no-progress "m$fs/src" "m$fs/dst"
		expect_status 0
		expect_no_err
		(deep_cd "$top/m$fs/dst" && stat -c '%i' leaf) >dst.state || fail "$fs: the deep leaf went"
		[ "$(cat dst.state)" != "${s_leaf%% *}" ] || fail "$fs: -f made the deep leaf a hard link"
		no_temp_left "m$fs"
	done
}

@test "-r --reflink: modes, owners, ACLs and xattrs as the source's, none inherited; empty files cloned" {
	need_linux_path "the portable path cannot clone"
	need_root
	command -v setfacl >/dev/null || skip "setfacl (acl) is missing"
	mount_cow m xfs
	mkdir -p m/src/a m/src/b m/into
	local f
	for f in a/644 b/644; do mkfile "m/src/$f"; done
	mkfile m/src/a/666 && chmod 0666 m/src/a/666
	mkfile m/src/a/600 && chmod 0600 m/src/a/600
	mkfile m/src/a/4755 && chmod 4755 m/src/a/4755
	mkfile m/src/a/nobody && chown "$NOBODY:$NOBODY" m/src/a/nobody && chmod 2755 m/src/a/nobody
	mkfile m/src/b/acl && setfacl -m u:4321:r-x m/src/b/acl
	mkfile m/src/b/attr && setfattr -n user.note -v kept m/src/b/attr
	: >m/src/a/empty
	: >m/src/b/empty
	# the copy's directories inherit a default ACL: its files must not
	setfacl -d -m u:4322:rwx m/into
	umask 022
	hrun create -r -v --reflink --no-progress m/src m/into/dst
	expect_status 0
	expect_no_err
	expect_out_has "'m/into/dst/a/empty' => 'm/src/a/empty' (clone)"
	for f in a/644 a/666 a/600 a/4755 a/nobody a/empty b/644 b/acl b/attr b/empty; do
		[ "$(stat -c '%a %u %g %s' "m/src/$f")" = "$(stat -c '%a %u %g %s' "m/into/dst/$f")" ] ||
			fail "$f: $(stat -c '%a %u %g %s' "m/src/$f" "m/into/dst/$f")"
		[ "$(getfacl -cn "m/src/$f" 2>/dev/null)" = "$(getfacl -cn "m/into/dst/$f" 2>/dev/null)" ] ||
			fail "$f: the ACL differs: $(getfacl -cn "m/into/dst/$f")"
		[ "$(getfattr -d -m - --absolute-names "m/src/$f" 2>/dev/null | tail -n +2)" = \
			"$(getfattr -d -m - --absolute-names "m/into/dst/$f" 2>/dev/null | tail -n +2)" ] ||
			fail "$f: the extended attributes differ"
	done
}

@test "-r --reflink: a tree of empty files on ext4 is refused as any other" {
	need_root
	need_native "Wine's drive is not a Linux mount"
	mount_ext4 mext4 64
	mkdir -p mext4/src/d
	: >mext4/src/e1
	: >mext4/src/d/e2
	hrun create -r --reflink --no-progress mext4/src mext4/dst
	expect_status 1
	expect_err_has "cannot share data blocks; use --reflink=auto to copy the bytes"
	[ -z "$(find mext4/dst -type f)" ] || fail "files were made: $(find mext4/dst -type f)"
}

@test "-r --reflink: many files with names in several directories, copied once each, in parallel" {
	need_linux_path "the portable path cannot clone"
	mount_cow m btrfs
	local i
	mkdir -p m/src/a m/src/b m/src/c
	for i in $(seq 300); do
		printf 'file %s\n' "$i" >"m/src/a/$i"
		ln "m/src/a/$i" "m/src/b/$i"
		ln "m/src/a/$i" "m/src/c/$i"
	done
	hrun create -r --reflink --no-progress m/src m/dst
	expect_status 0
	expect_no_err
	for i in $(seq 300); do
		[ "$(stat -c '%i %h' "m/dst/a/$i")" = "$(stat -c '%i %h' "m/dst/b/$i")" ] &&
			[ "$(stat -c '%i %h' "m/dst/a/$i")" = "$(stat -c '%i %h' "m/dst/c/$i")" ] ||
			fail "$i: its three names are not one file: $(stat -c '%i %h %n' m/dst/?/"$i")"
		expect_nlink "m/dst/a/$i" 3
		[ "$(ino "m/dst/a/$i")" != "$(ino "m/src/a/$i")" ] || fail "$i: a hard link of the source"
	done
	expect_nlink m/src/a/1 3
}

@test "-r --reflink: where the copy of a file with several names fails, its next name makes it" {
	need_linux_path "the portable path cannot clone"
	need_fp
	mount_cow m btrfs
	mkdir -p m/src/a m/src/b m/src/c
	mkfile m/src/a/f "three names"
	ln m/src/a/f m/src/b/f
	ln m/src/a/f m/src/c/f
	fprun clone=1:EIO create -r --reflink --no-progress m/src m/dst
	expect_status 1
	expect_err_has "input/output error"
	local made=() d
	for d in a b c; do
		[ ! -e "m/dst/$d/f" ] || made+=("m/dst/$d/f")
	done
	[ "${#made[@]}" = 2 ] || fail "not the two names after the failed one: ${made[*]}"
	same_file "${made[0]}" "${made[1]}"
	expect_nlink "${made[0]}" 2
	expect_content "${made[0]}" "three names"
	no_temp_left m
}

@test "-f --reflink is atomic: a reader never sees LINK_NAME missing or short" {
	need_linux_path "the portable path cannot clone"
	mount_cow m btrfs
	head -c 1000000 /dev/urandom >m/a1
	head -c 1000000 /dev/urandom >m/a2
	cp m/a1 m/name
	(
		n=0
		while [ $n -lt 3000 ]; do
			s=$(stat -c %s m/name 2>/dev/null) || echo MISSING
			[ "${s:-0}" = 1000000 ] || echo "SHORT $s"
			n=$((n + 1))
		done
	) >reader.out 3>&- &
	local reader=$! rounds=0
	while kill -0 "$reader" 2>/dev/null && [ $rounds -lt 300 ]; do
		"$HLN" create -f --reflink m/a2 m/name || fail "a replacement failed"
		"$HLN" create -f --reflink m/a1 m/name || fail "a replacement failed"
		rounds=$((rounds + 1))
	done
	wait "$reader"
	[ "$rounds" -ge 2 ] || fail "only $rounds rounds"
	! grep -q 'MISSING\|SHORT' reader.out || fail "name was missing or short: $(sort reader.out | uniq -c)"
	no_temp_left m
}

@test "--reflink: a failure at any step leaves nothing half-made, no .hln- left" {
	need_linux_path "the portable path cannot clone"
	need_fp
	mount_cow m btrfs
	mkfile m/a data
	mkfile m/old old
	local -a specs=()
	local spec
	HLN_FAILPOINT_TRACE=$PWD/trace "$HLN_FP" create --reflink m/a m/new
	cmp m/a m/new || fail "the traced run failed"
	rm m/new
	HLN_FAILPOINT_TRACE=$PWD/trace "$HLN_FP" create -f --reflink m/a m/old
	cp m/a m/old
	mapfile -t specs < <(trace_specs trace)
	[ "${#specs[@]}" -ge 5 ] || fail "only ${#specs[@]} calls traced"
	for spec in "${specs[@]}"; do
		rm -f m/new
		fprun "$spec" create --reflink m/a m/new
		if [ "$status" -eq 0 ]; then
			cmp m/a m/new || fail "$spec: exit 0 but m/new is not the copy"
		else
			expect_status 1
			[ ! -e m/new ] || cmp m/a m/new || fail "$spec: m/new half-made"
		fi
		mkfile m/old old
		fprun "$spec" create -f --reflink m/a m/old
		if [ "$status" -ne 0 ]; then
			[ "$(cat m/old)" = old ] || cmp m/a m/old || fail "$spec: m/old half-made"
		fi
		no_temp_left m
	done
}

@test "-r --reflink: the copy is made under a hidden name and appears whole, never part-made" {
	need_linux_path "the portable path cannot clone"
	mount_cow m btrfs
	local d i
	for d in $(seq 40); do
		mkdir -p "m/src/$d"
		for i in $(seq 50); do
			printf 'file %s %s\n' "$d" "$i" >"m/src/$d/$i"
		done
	done
	"$HLN" create -r --reflink --no-progress m/src m/dst &
	local pid=$! seen=
	while kill -0 "$pid" 2>/dev/null; do
		if [ -d m/dst ]; then
			seen=$(find m/dst -type f | wc -l)
			break
		fi
	done
	wait "$pid" || fail "create -r --reflink failed"
	# seen empty: it was all done before the loop looked
	[ -z "$seen" ] || [ "$seen" = 2000 ] || fail "m/dst appeared with $seen of 2000 files"
	diff -r m/src m/dst || fail "not the copy"
	no_temp_left m
	# an existing DEST (-T) is merged into as before, file by file
	rm m/dst/1/1
	hrun create -r -T --reflink --no-progress m/src m/dst
	expect_status 1
	expect_err_has "m/dst/1/2: already exists; use -f to replace it"
	expect_content m/dst/1/1 "file 1 1"
	no_temp_left m
}

@test "-r --reflink: directories get their modes, owners and times, also made with them" {
	need_linux_path "the portable path cannot clone"
	need_root
	mount_cow m xfs
	local d
	for d in 755 555 700 2775 1777 nobody; do
		mkdir -p "m/src/$d/in"
		mkfile "m/src/$d/in/f"
	done
	chmod 0555 m/src/555
	chmod 0700 m/src/700
	chmod 2775 m/src/2775
	chmod 1777 m/src/1777
	chown "$NOBODY:$NOBODY" m/src/nobody m/src/nobody/in
	chmod 0750 m/src/nobody
	find m/src -type d -exec touch -d @1000000000.25 {} +
	umask 077
	# a new DEST: made in the hidden tree, with their modes at once
	hrun create -r --reflink --no-progress m/src m/dst
	expect_status 0
	expect_no_err
	# an existing DEST: made open to the owner alone, given the mode after
	mkdir m/dst2
	hrun create -r -T --reflink --no-progress m/src m/dst2
	expect_status 0
	expect_no_err
	umask 022
	local top
	for top in m/dst m/dst2; do
		while IFS= read -r d; do
			[ "$(stat -c '%a %u %g %.9Y' "m/src/$d")" = "$(stat -c '%a %u %g %.9Y' "$top/$d")" ] ||
				fail "$top/$d: $(stat -c '%a %u %g %.9Y' "m/src/$d" "$top/$d")"
		done < <(cd m/src && find . -mindepth 1 -type d)
	done
}

@test "-r --reflink: a copy of many directories is flushed at once (syncfs), a few one by one" {
	need_linux_path "the portable path has no syncfs"
	need_native "strace traces Wine's own threads"
	command -v strace >/dev/null || skip "needs strace"
	mount_cow m xfs
	local d
	for d in $(seq 70); do
		mkdir -p "m/many/$d"
		mkfile "m/many/$d/f" "$d"
	done
	mkdir -p m/few/a m/few/b
	mkfile m/few/a/f
	run env ASAN_OPTIONS=detect_leaks=0 strace -f -e trace=fsync,syncfs -o trace "$HLN" create -r --reflink --no-progress m/many m/dst
	[ "$status" -eq 0 ] || fail "strace run failed: $output"
	diff -r m/many m/dst || fail "not the copy"
	# one syncfs; one fsync: of the directory the copy was renamed in
	[ "$(grep -c 'syncfs(' trace)" = 1 ] || fail "$(cat trace)"
	[ "$(grep -c 'fsync(' trace)" = 1 ] || fail "$(cat trace)"
	run env ASAN_OPTIONS=detect_leaks=0 strace -f -e trace=fsync,syncfs -o trace "$HLN" create -r --reflink --no-progress m/few m/dst3
	[ "$status" -eq 0 ] || fail "strace run failed: $output"
	! grep -q 'syncfs(' trace || fail "$(cat trace)"
	# the copy's root and its two directories, then its parent
	[ "$(grep -c 'fsync(' trace)" = 4 ] || fail "$(cat trace)"
	if [ -n "$HLN_FP" ] && [ -x "$HLN_FP" ]; then
		rm -rf m/dst
		fprun fs_sync=1:EIO create -r --reflink --no-progress m/many m/dst
		expect_status 1
		expect_err "hln: create: m/dst: input/output error (the device failed)"
		diff -r m/many m/dst || fail "not the copy"
		no_temp_left m
	fi
}

@test "-r --reflink: one thread on Btrfs (its b-tree takes one insert at a time), a thread a CPU on XFS" {
	need_linux_path "the portable path cannot clone"
	need_native "strace traces Wine's own threads"
	command -v strace >/dev/null || skip "needs strace"
	[ "$(nproc)" -ge 2 ] || skip "one CPU: one thread everywhere"
	local fs d threads
	for fs in btrfs xfs; do
		mount_cow "m$fs" "$fs"
		for d in $(seq 20); do
			mkdir -p "m$fs/src/$d"
			mkfile "m$fs/src/$d/f" "$d"
		done
		run env ASAN_OPTIONS=detect_leaks=0 strace -f -e trace=clone,clone3 -o trace "$HLN" create -r --reflink --no-progress "m$fs/src" "m$fs/dst"
		[ "$status" -eq 0 ] || fail "strace run failed: $output"
		diff -r "m$fs/src" "m$fs/dst" || fail "not the copy"
		threads=$(grep -c 'clone' trace || true)
		if [ "$fs" = btrfs ]; then
			[ "$threads" = 0 ] || fail "btrfs: $threads threads started: $(cat trace)"
		else
			[ "$threads" = $(($(nproc) - 1)) ] || fail "xfs: $threads threads started, not $(($(nproc) - 1)): $(cat trace)"
		fi
	done
}

@test "-r --reflink: a failure at any step leaves no .hln- but the whole copy it names" {
	need_linux_path "the portable path cannot clone"
	need_fp
	mount_cow m btrfs
	mkdir -p m/src/d
	mkfile m/src/a data
	mkfile m/src/d/b more
	ln m/src/a m/src/d/a2
	ln -s a m/src/l
	local -a specs=()
	local spec left f
	HLN_FAILPOINT_TRACE=$PWD/trace "$HLN_FP" create -r --reflink --no-progress m/src m/dst
	diff -r --no-dereference m/src m/dst || fail "the traced run is not the copy"
	grep -qx create trace || fail "no file made under its own name: $(sort -u trace)"
	! grep -qx tmpfile trace || fail "a temporary file was made in the hidden tree"
	mapfile -t specs < <(trace_specs trace)
	[ "${#specs[@]}" -ge 10 ] || fail "only ${#specs[@]} calls traced"
	for spec in "${specs[@]}"; do
		rm -rf m/dst
		fprun "$spec" create -r --reflink --no-progress m/src m/dst
		left=$(find m -maxdepth 1 -name '.hln-*')
		if [ "$status" -eq 0 ]; then
			diff -r --no-dereference m/src m/dst || fail "$spec: exit 0 but not the copy"
		else
			expect_status 1
			if [ -n "$left" ]; then
				expect_err_has "it is left complete in"
				diff -r --no-dereference m/src "$left" || fail "$spec: what is left is not the copy"
				rm -rf "$left"
			fi
			if [ -d m/dst ]; then
				while IFS= read -r f; do
					cmp "m/src/$f" "m/dst/$f" || fail "$spec: $f half-made"
				done < <(cd m/dst && find . -type f)
			fi
		fi
		no_temp_left m
	done
}

@test "--reflink where the suite runs: a clone, or the refusal naming the filesystem; auto copies" {
	mkfile a "some data"
	hrun create --reflink a b
	if [ "$status" -eq 0 ]; then
		cmp a b || fail "the clone differs"
	else
		expect_status 1
		# the last line: Wine may say first that the volume has no label
		[[ ${stderr##*$'\n'} == "hln: create: b: "*" cannot share data blocks; use --reflink=auto to copy the bytes" ]] ||
			fail "not the refusal naming the filesystem"
		expect_absent b
	fi
	no_temp_left
	rm -f b
	hrun create -v --reflink=auto a b
	expect_status 0
	[ "$output" = "'b' => 'a' (copy)" ] || [ "$output" = "'b' => 'a' (clone)" ] ||
		fail "-v did not say clone or copy"
	expect_content b "some data"
	[ "$(ino a)" != "$(ino b)" ] || fail "a hard link, not a copy"
	expect_nlink a 1
	mkfile c other
	hrun create -f --reflink=auto a c
	expect_status 0
	expect_content c "some data"
	no_temp_left
}

@test "--reflink where the suite runs: -r cloned or refused, making nothing; auto copies with -r, --batch, -t, -f, -n" {
	mkdir -p src/sub
	mkfile src/a "some data"
	ln src/a src/sub/a2
	mkfile src/b other
	hrun create -r --reflink src dst
	if [ "$status" -eq 0 ]; then
		cmp src/a dst/a || fail "the clone differs"
	else
		expect_status 1
		# the last line: Wine may say first that the volume has no label
		[[ ${stderr##*$'\n'} == "hln: create: dst/"*" cannot share data blocks; use --reflink=auto to copy the bytes" ]] ||
			fail "not the refusal naming the filesystem: $stderr"
		[ -z "$(find dst -type f 2>/dev/null)" ] || fail "files made: $(find dst -type f)"
	fi
	rm -rf dst
	hrun create -r --reflink=auto --no-progress src dst
	expect_status 0
	cmp src/a dst/a && cmp src/b dst/b || fail "-r: the copy differs"
	[ "$(ino src/a)" != "$(ino dst/a)" ] || fail "-r: a hard link, not a copy"
	same_file dst/a dst/sub/a2
	expect_nlink src/a 2
	printf 'src/a\tp1\nsrc/b\tp2\n' >pairs
	run --separate-stderr "$HLN" create --reflink=auto --batch <pairs
	expect_status 0
	expect_content p1 "some data"
	expect_content p2 other
	[ "$(ino src/a)" != "$(ino p1)" ] || fail "--batch: a hard link"
	mkdir t
	hrun create --reflink=auto -t t src/a src/b
	expect_status 0
	expect_content t/a "some data"
	expect_content t/b other
	hrun create -f --reflink=auto src/b p1
	expect_status 0
	expect_content p1 other
	[ "$(ino src/b)" != "$(ino p1)" ] || fail "-f: a hard link"
	hrun create -n --reflink=auto src/a n1
	expect_status 0
	expect_out "'n1' => 'src/a' (clone or copy)"
	expect_absent n1
	expect_nlink src/a 2
	no_temp_left
}
