#!/usr/bin/env bash
# bench/run.sh - the benchmarks of SPEC.md "Performance": hln against the
# tools it replaces, timed with hyperfine on this machine in one run, printed
# as ratios (the absolute times vary between machines, the ratios matter).
#
#   sh bench/run.sh /abs/path/to/hln          (what `make bench` runs)
#
# Environment:
#   BENCH_WORK     work directory (default ${TMPDIR:-/tmp}/hln-bench). The trees
#                  are generated there once and reused while the parameters
#                  below are unchanged. It must be on the filesystem you want
#                  to measure (hard links: everything stays on it).
#   BENCH_ENTRIES  entries of the tree (default 200000)
#   BENCH_PAIRS    pairs for create --batch (default 10000)
#   BENCH_SEED     seed of the tree generator (default 1)
#   BENCH_RUNS     timed runs per command (default 5; fast rows do 4 times as many)
#   BENCH_ROWS     rows to run, by name (default: all of ROWS below)
#   BENCH_MODES    conditions to time every pair under (default: warm cold
#                  busy pinned; see bench_mode)
#   BENCH_COLD_RUNS  timed runs per command with cold caches (default 3)
#   BENCH_BACKUP_SRC the real tree the backup row copies (default /usr/share)
#   BENCH_BACKUP_DAYS  days of that backup (default 4)
#   BENCH_STRICT   1: exit 1 when a target is missed (default: only when a
#                  row could not run at all)
#
# Needs hyperfine, python3 (tree generator, JSON), cc (bench/maxrss.c),
# taskset (pinned mode), and the peers: cp, du, xargs, ln, find, bfs.
#
# Adding a row: write a function row_NAME that prepares what it needs, checks
# that hln gives the right answer once (check_fail on a wrong one), times hln
# and the peer with `bench NAME ...` (once: bench runs every mode), and
# reports with `report_ratio` (a line per mode) or `report_max` for a
# measured quantity; then add NAME to ROWS.

# The rows are called by name ("row_$row"), which shellcheck cannot follow:
# shellcheck disable=SC2317
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -euo pipefail

# The rows, in the order of SPEC.md's table.
ROWS=(list_file list_btrfs list_dir list_rss backup_rss create_r create_batch
	count_r count_rss break_ext4 break_btrfs break_rss create_reflink
	dedupe_list dedupe_list_cold dedupe_link dedupe_reflink dedupe_rss)

# The conditions every pair is timed under (see bench_mode).
MODES_ALL=(warm cold busy pinned)

GEN_VERSION=2 # bump when the generator changes: regenerates the trees

die() {
	printf 'bench: %s\n' "$*" >&2
	exit 2
}
say() { printf '== %s\n' "$*"; }

[ $# -eq 1 ] || die "usage: sh bench/run.sh /abs/path/to/hln"
HLN=$1
case $HLN in /*) ;; *) HLN=$PWD/$HLN ;; esac
[ -x "$HLN" ] || die "$HLN: not an executable (run make first)"
# HLN quoted for the command lines that hyperfine gives to sh
HLN_Q="'${HLN//\'/\'\\\'\'}'"

BENCH_SRC=$(cd "$(dirname "$0")" && pwd)
WORK=${BENCH_WORK:-${TMPDIR:-/tmp}/hln-bench}
ENTRIES=${BENCH_ENTRIES:-200000}
PAIRS=${BENCH_PAIRS:-10000}
SEED=${BENCH_SEED:-1}
RUNS=${BENCH_RUNS:-5}
COLD_RUNS=${BENCH_COLD_RUNS:-3}
BACKUP_SRC=${BENCH_BACKUP_SRC:-/usr/share}
BACKUP_DAYS=${BENCH_BACKUP_DAYS:-4}
WARMUP=2
read -r -a SELECTED <<<"${BENCH_ROWS:-${ROWS[*]}}"
read -r -a MODES <<<"${BENCH_MODES:-${MODES_ALL[*]}}"
COLD_SKIP=""
if [ "$(id -u)" -ne 0 ] || [ ! -w /proc/sys/vm/drop_caches ]; then
	COLD_SKIP="dropping the page cache needs root"
fi
case " ${MODES[*]} " in
*" pinned "*) command -v taskset >/dev/null || die "taskset (util-linux) is needed for the pinned mode" ;;
esac

for tool in hyperfine python3 cc; do
	command -v "$tool" >/dev/null || die "$tool is needed"
done
case $ENTRIES$PAIRS$RUNS in *[!0-9]*) die "BENCH_ENTRIES, BENCH_PAIRS, BENCH_RUNS: numbers" ;; esac
if [ "$ENTRIES" -lt 100 ] || [ "$PAIRS" -lt 1 ] || [ "$RUNS" -lt 2 ]; then
	die "BENCH_ENTRIES >= 100, BENCH_PAIRS >= 1, BENCH_RUNS >= 2"
fi

mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
RES=$WORK/results
rm -rf "$RES"
mkdir -p "$RES"
cd "$WORK" # every command below names its files relative to $WORK
# the copies hold names of the tree's files: never leave one behind
trap 'rm -rf "$WORK/dst" "$WORK/bdst"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

SUMMARY=()  # the lines printed at the end
MISSED=0    # targets not met
FAILED=0    # rows that could not run
DONE=()     # the hyperfine runs, in order

# ---- generators ----

# tree/ and expected.json, made by bench/gen_tree.py (see there): ENTRIES
# entries (not counting tree/ itself): 10% directories nested
# up to depth 6, names of 1 to ~200 bytes, most files empty or tiny (<= 4 KiB),
# ~10% of the files with 2 or 3 names (some in other directories), a few
# symbolic links. expected.json holds what `hln count -r -j tree` must say.
gen_tree() {
	local stamp="v$GEN_VERSION entries=$ENTRIES seed=$SEED"
	if [ -d tree ] && [ "$(cat tree.stamp 2>/dev/null)" = "$stamp" ]; then
		say "tree: reusing $WORK/tree ($stamp)"
		return
	fi
	say "tree: generating $ENTRIES entries in $WORK/tree"
	rm -rf tree tree.new tree.stamp expected.json
	local t0=$SECONDS
	python3 "$BENCH_SRC/gen_tree.py" "$ENTRIES" "$SEED"
	printf '%s\n' "$stamp" >tree.stamp
	say "tree: generated in $((SECONDS - t0)) s: $(cat expected.json)"
}

# bsrc/: PAIRS files in directories of 100; pairs.tsv (TARGET<TAB>LINK_NAME,
# for hln create --batch) and pairs.txt (TARGET LINK_NAME, for xargs -n 2 ln)
# link every one of them into bdst/ (names without blanks, for xargs).
gen_pairs() {
	local stamp="v$GEN_VERSION pairs=$PAIRS"
	if [ -d bsrc ] && [ "$(cat bsrc.stamp 2>/dev/null)" = "$stamp" ]; then
		say "pairs: reusing $WORK/bsrc ($stamp)"
		return
	fi
	say "pairs: generating $PAIRS"
	rm -rf bsrc bsrc.new bsrc.stamp pairs.tsv pairs.txt
	python3 "$BENCH_SRC/gen_pairs.py" "$PAIRS"
	printf '%s\n' "$stamp" >bsrc.stamp
}

# backup/: an rsnapshot-style backup of a real tree (bench/gen_backup.py):
# BACKUP_DAYS days of BACKUP_SRC, each day a `cp -al` of the day before
# with a few hundred files replaced.
gen_backup() {
	local stamp="v1 src=$BACKUP_SRC days=$BACKUP_DAYS"
	if [ -d backup ] && [ "$(cat backup.stamp 2>/dev/null)" = "$stamp" ]; then
		say "backup: reusing $WORK/backup ($stamp)"
		return
	fi
	say "backup: $BACKUP_DAYS days of $BACKUP_SRC in $WORK/backup"
	rm -rf backup backup.new backup.stamp
	python3 "$BENCH_SRC/gen_backup.py" "$BACKUP_SRC" "$BACKUP_DAYS"
	printf '%s\n' "$stamp" >backup.stamp
}

# ---- measuring and reporting ----

# The conditions each pair is timed under (BENCH_MODES, default all four;
# MODES_ALL at the top):
#   warm    the page cache holds the tree (hyperfine's warm-up runs)
#   cold    `sync; echo 3 > /proc/sys/vm/drop_caches` before each run (root
#           only: skipped with the reason otherwise)
#   busy    another process keeps one core busy while both commands run
#   pinned  both commands pinned to CPU 0 (taskset -c 0)
# Each mode's results are in $RES/NAME-MODE.json; report_ratio prints a line
# per mode, with both medians, so the peer's figure sits next to hln's.
# bench NAME RUNS HYPERFINE_OPTION... -- HLN_NAME HLN_CMD PEER_NAME PEER_CMD:
# time both commands (hln first) in one hyperfine run per mode.  A
# --prepare among the options is kept, and the cold mode adds the cache
# drop to it.  Returns 1 if any mode's hyperfine failed.
bench() {
	local name=$1 runs=$2 mode rc=0
	shift 2
	local opts=() prepare=""
	while [ "$1" != -- ]; do
		if [ "$1" = --prepare ]; then
			prepare=$2
			shift 2
			continue
		fi
		opts+=("$1")
		shift
	done
	shift
	for mode in "${MODES[@]}"; do
		bench_mode "$mode" "$name" "$runs" "$prepare" "${opts[@]}" -- "$@" || rc=1
	done
	return "$rc"
}

# sh_quote S: S in single quotes for sh
sh_quote() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

# bench_mode MODE NAME RUNS PREPARE OPTION... -- HLN_NAME HLN_CMD PEER_NAME PEER_CMD
bench_mode() {
	local mode=$1 name=$2 runs=$3 prepare=$4
	shift 4
	local opts=()
	while [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	shift
	local hc=$2 pc=$4 warmup=$WARMUP busy=""
	case $mode in
	warm) ;;
	cold)
		[ -z "$COLD_SKIP" ] || return 0
		prepare="${prepare:+$prepare && }sync && echo 3 > /proc/sys/vm/drop_caches"
		warmup=0
		runs=$COLD_RUNS
		;;
	busy) ;;
	pinned)
		hc="taskset -c 0 sh -c $(sh_quote "$hc")"
		pc="taskset -c 0 sh -c $(sh_quote "$pc")"
		;;
	*) die "no such mode: $mode (modes: ${MODES_ALL[*]})" ;;
	esac
	[ -z "$prepare" ] || opts+=(--prepare "$prepare")
	DONE+=("$name-$mode")
	if [ "$mode" = busy ]; then
		# one core kept busy by a shell loop, for the whole pair
		sh -c 'while :; do :; done' &
		busy=$!
	fi
	local rc=0
	say "$name [$mode]"
	hyperfine --style basic --warmup "$warmup" --runs "$runs" "${opts[@]}" \
		--export-json "$RES/$name-$mode.json" --export-markdown "$RES/$name-$mode.md" \
		-n "$1" "$hc" -n "$3" "$pc" || rc=1
	if [ -n "$busy" ]; then
		kill "$busy"
		wait "$busy" 2>/dev/null || true
	fi
	return "$rc"
}

# medians NAME-MODE: "RATIO HLN_MS PEER_MS", RATIO the peer's median time
# over hln's (> 1: hln is faster). The median, not the mean: a stray stall
# of the disk or a busy neighbour skews one run, not the ratio.
medians() {
	python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["results"]
h, p = r[0]["median"], r[1]["median"]
print("%.2f %.1f %.1f" % (p / h, h * 1000, p * 1000))' "$RES/$1.json"
}

# ge A B: A >= B, for decimal numbers
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 >= b + 0) }'; }

# report_ratio LABEL NAME TARGET [COLD_TARGET]: a line per mode,
# "LABEL [warm]: 1.35x faster (hln 95.0 ms, peer 128.3 ms) (target >= 1.2x) OK".
# TARGET is the warm target; the cold one is COLD_TARGET (none if not given);
# busy and pinned are printed with no target (SPEC sets none).
report_ratio() {
	local label=$1 name=$2 target=$3 cold=${4:-} mode
	for mode in "${MODES[@]}"; do
		if [ "$mode" = cold ] && [ -n "$COLD_SKIP" ]; then
			SUMMARY+=("$label [cold]: skipped ($COLD_SKIP)")
			continue
		fi
		case $mode in
		warm) report_mode "$label" "$name" "$mode" "$target" ;;
		cold) report_mode "$label" "$name" "$mode" "$cold" ;;
		*) report_mode "$label" "$name" "$mode" "" ;;
		esac
	done
}

# report_mode LABEL NAME MODE TARGET: one line of report_ratio
report_mode() {
	local label="$1 [$3]" name=$2-$3 target=$4 r h p verdict how
	if ! read -r r h p < <(medians "$name" 2>/dev/null) || [ -z "$p" ]; then
		report_failed "$label" "no results"
		return
	fi
	if ge "$r" 1; then
		how="${r}x faster"
	else
		how="${r}x as fast, $(awk -v r="$r" 'BEGIN { printf "%.2f", 1 / r }')x slower"
	fi
	how="$how (hln $h ms, peer $p ms)"
	if [ -z "$target" ]; then
		SUMMARY+=("$label: $how")
		return
	fi
	verdict=OK
	ge "$r" "$target" || {
		verdict=MISS
		MISSED=$((MISSED + 1))
	}
	SUMMARY+=("$label: $how (target >= ${target}x) $verdict")
}

# report_max LABEL VALUE UNIT LIMIT: "LABEL: 5.2 MiB (target <= 16 MiB) OK"
report_max() {
	local verdict=OK
	ge "$4" "$2" || {
		verdict=MISS
		MISSED=$((MISSED + 1))
	}
	SUMMARY+=("$1: $2 $3 (target <= $4 $3) $verdict")
}

report_failed() {
	FAILED=$((FAILED + 1))
	SUMMARY+=("$1: FAILED ($2)")
}

# check_fail LABEL WHAT: hln failed or gave a wrong answer; the row is not timed.
check_fail() {
	printf 'bench: %s: check failed: %s\n' "$1" "$2" >&2
	report_failed "$1" "check failed: $2"
}

# listing DIR: a line per entry under DIR, what create -r must reproduce:
# type, mode for directories, inode for files (the same file), symlink text.
listing() {
	(cd "$1" && find . -mindepth 1 \( -type d -printf 'd %m %P\n' \) -o \
		\( -type l -printf 'l %P -> %l\n' \) -o -printf '%y %i %P\n') |
		LC_ALL=C sort
}

# ---- the rows: one function each ----

row_create_r() {
	local label="create -r vs cp -al"
	rm -rf dst
	if ! "$HLN" create -r tree dst; then
		check_fail "$label" "hln create -r tree dst failed"
		return
	fi
	if ! cmp -s <(listing tree) <(listing dst); then
		rm -rf dst
		check_fail "$label" "dst/ is not a linked copy of tree/"
		return
	fi
	rm -rf dst
	# the removal of the previous copy (and the write-back it causes) stays
	# outside the timed runs
	if bench create_r "$RUNS" --prepare 'rm -rf dst && sync' --cleanup 'rm -rf dst' -- \
		"hln create -r" "$HLN_Q create -r tree dst" \
		"cp -al" "cp -al tree dst"; then
		report_ratio "$label" create_r 1.2
	else
		report_failed "$label" "hyperfine failed"
	fi
	rm -rf dst
}

row_create_batch() {
	local label="create --batch vs xargs -n 2 ln"
	rm -rf bdst
	mkdir bdst
	if ! "$HLN" create --batch <pairs.tsv; then
		rm -rf bdst
		check_fail "$label" "hln create --batch failed"
		return
	fi
	if ! python3 -c 'import os, sys
for line in open("pairs.tsv"):
    t, l = line.rstrip("\n").split("\t")
    a, b = os.lstat(t), os.lstat(l)
    if (a.st_dev, a.st_ino) != (b.st_dev, b.st_ino):
        sys.exit("%s is not a link of %s" % (l, t))
if len(os.listdir("bdst")) != sum(1 for _ in open("pairs.tsv")):
    sys.exit("extra names in bdst")'; then
		rm -rf bdst
		check_fail "$label" "bdst/ does not hold the pairs"
		return
	fi
	if bench create_batch "$RUNS" --prepare 'rm -rf bdst && mkdir bdst' \
		--cleanup 'rm -rf bdst' -- \
		"hln create --batch" "$HLN_Q create --batch < pairs.tsv" \
		"xargs -n 2 ln" "xargs -n 2 ln < pairs.txt"; then
		report_ratio "$label" create_batch 20
	else
		report_failed "$label" "hyperfine failed"
	fi
	rm -rf bdst
}

row_count_r() {
	local label="count -r vs du -s" got
	if ! got=$("$HLN" count -r -j tree); then
		check_fail "$label" "hln count -r -j tree failed"
		return
	fi
	if ! python3 -c 'import json, sys
got, want = json.loads(sys.argv[1]), json.load(open("expected.json"))
if got != want:
    sys.exit("got %s\nwant %s" % (json.dumps(got, sort_keys=True), json.dumps(want, sort_keys=True)))' "$got"; then
		check_fail "$label" "hln count -r -j tree: not the expected summary"
		return
	fi
	if bench count_r $((RUNS * 4)) -- \
		"hln count -r" "$HLN_Q count -r tree" \
		"du -s" "du -s tree"; then
		report_ratio "$label" count_r 1.5 3
	else
		report_failed "$label" "hyperfine failed"
	fi
}

# three_names DIR: a file under DIR with 3 names, the middle one of them
# all in sorted order (the same file every run of the same tree)
three_names() {
	find "$1" -type f -links 3 -printf '%i\t%p\n' | LC_ALL=C sort -t "$(printf '\t')" -k2 |
		awk -F '\t' '!seen[$1]++ { print $2 }' | awk '{ a[NR] = $0 } END { print a[int((NR + 1) / 2)] }'
}

# same_names FILE ROOT: hln list --root=ROOT FILE prints what find does
same_names() {
	cmp -s <("$HLN" list --root="$2" "$1") <(find "$2" -xdev -samefile "$1" | LC_ALL=C sort)
}

row_list_file() {
	local label="list FILE (3 names, 200,000 entries)" f
	f=$(three_names tree)
	if [ -z "$f" ] || ! same_names "$f" tree; then
		check_fail "$label" "hln list --root=tree ${f:-?} differs from find -samefile"
		return
	fi
	local hln_cmd="$HLN_Q list --root=tree '$f'"
	if command -v bfs >/dev/null &&
		bench list_file_bfs $((RUNS * 4)) -- \
			"hln list" "$hln_cmd" "bfs -samefile" "bfs tree -xdev -samefile '$f'"; then
		report_ratio "$label vs bfs -xdev -samefile" list_file_bfs 5 5
	else
		report_failed "$label vs bfs" "bfs missing or hyperfine failed"
	fi
	if bench list_file_find $((RUNS * 4)) -- \
		"hln list" "$hln_cmd" "find -samefile" "find tree -xdev -samefile '$f'"; then
		report_ratio "$label vs find -xdev -samefile" list_file_find 5
	else
		report_failed "$label vs find" "hyperfine failed"
	fi
}

row_list_dir() {
	local label="list DIR vs find -links +1 -printf | sort" groups want
	# the names in groups, against find's linked non-directories
	groups=$("$HLN" list tree | grep -c .) || true
	want=$(find tree ! -type d -links +1 | grep -c .) || true
	if [ "$groups" != "$want" ]; then
		check_fail "$label" "hln list tree names $groups linked names, find $want"
		return
	fi
	if bench list_dir $((RUNS * 2)) -- \
		"hln list DIR" "$HLN_Q list tree > /dev/null" \
		"find | sort" "find tree -links +1 -printf '%i %p\n' | sort > /dev/null"; then
		report_ratio "$label" list_dir 2 3
	else
		report_failed "$label" "hyperfine failed"
	fi
}

row_list_rss() {
	rss_row "list DIR peak RSS" list tree
}

# break -r holds what count -r does plus the names to break; -n measures
# that scan without making 39,000 copies (each one fsync'd).
row_break_rss() {
	rss_row "break -r peak RSS (-n: the scan)" break -r -n tree
}

# btrfs_image LABEL DIR SIZE: a Btrfs image of SIZE loop-mounted on DIR
# (made once; root and mkfs.btrfs needed).  Reports the row failed and
# returns 1 when it cannot.
btrfs_image() {
	local label=$1 mnt=$2 img=$2.img
	if [ "$(id -u)" -ne 0 ] || ! command -v mkfs.btrfs >/dev/null; then
		report_failed "$label" "needs root and mkfs.btrfs (loop-mounted image)"
		return 1
	fi
	mkdir -p "$mnt"
	mountpoint -q "$mnt" && return 0
	rm -f "$img"
	truncate -s "$3" "$img"
	if ! mkfs.btrfs -q "$img" >/dev/null || ! mount -o loop "$img" "$mnt"; then
		report_failed "$label" "cannot make or mount the Btrfs image"
		return 1
	fi
}

row_list_btrfs() {
	local label="list FILE on Btrfs (root, 100,000 entries)" mnt=$WORK/lbtrfs f ino
	btrfs_image "$label" "$mnt" 2G || return 0
	(cd "$mnt" && ENTRIES=100000 gen_tree >/dev/null)
	f=$(three_names "$mnt/tree")
	ino=$(stat -c %i "$f")
	if ! cmp -s <("$HLN" list "$f") <(find "$mnt" -xdev -samefile "$f" | LC_ALL=C sort); then
		check_fail "$label" "hln list $f differs from find -samefile"
		umount "$mnt"
		return
	fi
	if bench list_btrfs_resolve $((RUNS * 4)) -- \
		"hln list" "$HLN_Q list '$f'" \
		"inode-resolve" "btrfs inspect-internal inode-resolve $ino '$mnt'"; then
		# target: within 2x of inode-resolve's time
		report_ratio "$label vs btrfs inspect-internal inode-resolve" list_btrfs_resolve 0.5
	else
		report_failed "$label vs inode-resolve" "hyperfine failed"
	fi
	if bench list_btrfs_find "$RUNS" -- \
		"hln list" "$HLN_Q list '$f'" \
		"find -samefile" "find '$mnt' -xdev -samefile '$f'"; then
		report_ratio "$label vs find -xdev -samefile" list_btrfs_find 20
	else
		report_failed "$label vs find" "hyperfine failed"
	fi
	umount "$mnt" && rm -f "$mnt.img"
}

# rss_row LABEL ARG...: report the peak RSS of hln ARG... against 16 MiB
rss_row() {
	local label=$1 kib
	shift
	if ! kib=$(maxrss_kib "$HLN" "$@"); then
		report_failed "$label" "hln $* failed"
		return
	fi
	report_max "$label" "$(awk -v k="$kib" 'BEGIN { printf "%.1f", k / 1024 }')" MiB 16
}

# maxrss_kib CMD...: the largest peak RSS (KiB) of 3 runs of CMD
maxrss_kib() {
	local i kib max=0
	for i in 1 2 3; do
		kib=$("$WORK/maxrss" "$@") || return 1
		[ "$kib" -gt "$max" ] && max=$kib
		: "$i"
	done
	printf '%s\n' "$max"
}

# list DIR on a backup tree must stay within its own output + 16 MiB:
# the whole backup, and one day of it, where every name has links outside.
row_backup_rss() {
	local dir kib out label
	if ! gen_backup; then
		report_failed "list DIR peak RSS on a backup" "cannot make backup/"
		return
	fi
	for dir in backup "backup/day.$(((BACKUP_DAYS + 1) / 2))"; do
		label="list DIR peak RSS on $dir ($BACKUP_DAYS days of $BACKUP_SRC)"
		if ! out=$("$HLN" list "$dir" | wc -c) || ! kib=$(maxrss_kib "$HLN" list "$dir"); then
			report_failed "$label" "hln list $dir failed"
			continue
		fi
		report_max "$label, output $(awk -v b="$out" 'BEGIN { printf "%.1f", b / 1048576 }') MiB" \
			"$(awk -v k="$kib" 'BEGIN { printf "%.1f", k / 1024 }')" MiB \
			"$(awk -v b="$out" 'BEGIN { printf "%.1f", b / 1048576 + 16 }')"
	done
}

row_count_rss() {
	rss_row "count -r peak RSS" count -r tree
}

# break1g DIR: DIR/big.orig, 1 GiB of random bytes (made once per DIR)
break1g() {
	if [ "$(stat -c %s "$1/big.orig" 2>/dev/null)" != 1073741824 ]; then
		head -c 1073741824 /dev/urandom >"$1/big.orig.new"
		mv "$1/big.orig.new" "$1/big.orig"
	fi
	rm -f "$1/big" "$1/big.t"
	ln "$1/big.orig" "$1/big"
	sync
}

# check_break DIR: hln break DIR/big leaves DIR/big an equal, separate file
check_break() {
	"$HLN" break "$1/big" || return 1
	[ "$(stat -c %h "$1/big")" = 1 ] && [ "$(stat -c %h "$1/big.orig")" = 1 ] &&
		cmp -s "$1/big" "$1/big.orig"
}

row_break_ext4() {
	local label="break 1 GiB (ext4) vs cp --reflink=auto && mv" fs
	fs=$(stat -f -c %T "$WORK")
	break1g "$WORK"
	if ! check_break "$WORK"; then
		check_fail "$label" "hln break big: not an equal, separate file"
		return
	fi
	[ "$fs" = ext2/ext3 ] || label="$label [on $fs, not ext4]"
	# each run breaks a fresh second name of big.orig; the write-back of
	# the previous run stays outside the timing
	if bench break_ext4 "$RUNS" --prepare 'rm -f big big.t && ln big.orig big && sync' -- \
		"hln break" "$HLN_Q break big" \
		"cp --reflink=auto + mv" "cp --reflink=auto big big.t && mv big.t big"; then
		# target: <= 1.1x cp's time
		report_ratio "$label" break_ext4 0.91
	else
		report_failed "$label" "hyperfine failed"
	fi
	rm -f big big.t
}

row_break_btrfs() {
	local label="break 1 GiB (Btrfs)" mnt=$WORK/btrfs used0 used1
	btrfs_image "$label" "$mnt" 4G || return 0
	break1g "$mnt"
	used0=$(df -k --output=used "$mnt" | tail -n 1)
	if ! check_break "$mnt"; then
		check_fail "$label" "hln break big: not an equal, separate file"
		umount "$mnt"
		return
	fi
	sync
	used1=$(df -k --output=used "$mnt" | tail -n 1)
	if [ $((used1 - used0)) -gt 65536 ]; then
		check_fail "$label" "the break used $((used1 - used0)) KiB: not a clone"
		umount "$mnt"
		return
	fi
	SUMMARY+=("$label: extra space used by a break: $((used1 - used0)) KiB (target: none) OK")
	local prep="rm -f $mnt/big $mnt/big.t && ln $mnt/big.orig $mnt/big && sync"
	if bench break_btrfs_copy "$RUNS" --prepare "$prep" -- \
		"hln break" "$HLN_Q break $mnt/big" \
		"cp --reflink=never + mv" "cp --reflink=never $mnt/big $mnt/big.t && mv $mnt/big.t $mnt/big"; then
		report_ratio "$label vs cp --reflink=never && mv" break_btrfs_copy 50
	else
		report_failed "$label vs cp --reflink=never" "hyperfine failed"
	fi
	if bench break_btrfs_clone $((RUNS * 4)) --prepare "$prep" -- \
		"hln break" "$HLN_Q break $mnt/big" \
		"cp --reflink=always + mv" "cp --reflink=always $mnt/big $mnt/big.t && mv $mnt/big.t $mnt/big"; then
		# target: <= 1.1x the clone's time
		report_ratio "$label vs cp --reflink=always && mv" break_btrfs_clone 0.91
	else
		report_failed "$label vs cp --reflink=always" "hyperfine failed"
	fi
	umount "$mnt" && rm -f "$mnt.img"
}

# cow_image LABEL DIR SIZE btrfs|xfs: a fresh image of that filesystem
# (XFS with reflink=1) loop-mounted on DIR (root needed).  Reports the row
# failed and returns 1 when it cannot.
cow_image() {
	local label=$1 mnt=$2 img=$2.img fs=$4
	if [ "$(id -u)" -ne 0 ] || ! command -v "mkfs.$fs" >/dev/null; then
		report_failed "$label" "needs root and mkfs.$fs (loop-mounted image)"
		return 1
	fi
	mkdir -p "$mnt"
	! mountpoint -q "$mnt" || umount "$mnt"
	rm -f "$img"
	truncate -s "$3" "$img"
	local opts=(-q)
	[ "$fs" = btrfs ] || opts+=(-m reflink=1)
	if ! "mkfs.$fs" "${opts[@]}" "$img" >/dev/null || ! mount -o loop "$img" "$mnt"; then
		report_failed "$label" "cannot make or mount the $fs image"
		return 1
	fi
}

# create -r --reflink on Btrfs and XFS: the tree of ENTRIES entries copied
# with its files cloned, against cp -a --reflink=always.
row_create_reflink() {
	local fs mnt label
	for fs in btrfs xfs; do
		label="create -r --reflink on $fs vs cp -a --reflink=always"
		mnt=$WORK/reflink-$fs
		cow_image "$label" "$mnt" 8G "$fs" || continue
		(cd "$mnt" && gen_tree >/dev/null)
		if ! "$HLN" create -r --reflink "$mnt/tree" "$mnt/dst" ||
			! cmp -s <(cd "$mnt/tree" && find . | LC_ALL=C sort) \
				<(cd "$mnt/dst" && find . | LC_ALL=C sort); then
			check_fail "$label" "hln create -r --reflink: not a copy of the tree"
			umount "$mnt" && rm -f "$mnt.img"
			continue
		fi
		if bench "create_reflink_$fs" "$RUNS" \
			--prepare "rm -rf $mnt/dst && sync" --cleanup "rm -rf $mnt/dst" -- \
			"hln create -r --reflink" "$HLN_Q create -r --reflink $mnt/tree $mnt/dst" \
			"cp -a --reflink=always" "cp -a --reflink=always $mnt/tree $mnt/dst"; then
			report_ratio "$label" "create_reflink_$fs" 1.5
		else
			report_failed "$label" "hyperfine failed"
		fi
		umount "$mnt" && rm -f "$mnt.img"
	done
}

# ---- main ----

say "hln bench: $("$HLN" --version 2>/dev/null || echo "$HLN")"
say "machine: $(uname -srm), $(nproc) cores, $WORK on $(findmnt -no FSTYPE -T . 2>/dev/null || stat -f -c %T .)," \
	"$(hyperfine --version)"
t_start=$SECONDS

# the dedupe rows and their tree (bench/dedupe.sh, bench/gen_dupes.py)
# shellcheck source=bench/dedupe.sh
. "$BENCH_SRC/dedupe.sh"

for row in "${SELECTED[@]}"; do
	declare -F "row_$row" >/dev/null || die "no such row: $row (rows: ${ROWS[*]})"
done
if [ ! -x maxrss ] || [ "$BENCH_SRC/maxrss.c" -nt maxrss ]; then
	cc -O2 -o "$WORK/maxrss" "$BENCH_SRC/maxrss.c"
fi
gen_tree
gen_pairs
# leftovers of an interrupted run would add names to the tree's files
rm -rf dst bdst

for row in "${SELECTED[@]}"; do
	say "row $row"
	"row_$row"
done

echo
say "hyperfine tables"
for name in "${DONE[@]}"; do
	[ -e "$RES/$name.md" ] || continue
	printf '\n%s:\n' "$name"
	cat "$RES/$name.md"
done
echo
say "results: ratios of median times ($((SECONDS - t_start)) s; JSON and Markdown in $RES)"
printf '%s\n' "${SUMMARY[@]}"

[ "$FAILED" -eq 0 ] || exit 1
[ "$MISSED" -eq 0 ] || [ "${BENCH_STRICT:-0}" != 1 ] || exit 1
exit 0
