# shellcheck shell=bash
# bench/dedupe.sh - the dedupe rows of bench/run.sh (sourced by it; it
# uses run.sh's HLN, HLN_Q, WORK, RUNS, RES, SUMMARY, DONE and helpers).
#
# The tree: dtree/, made by bench/gen_dupes.py: DD_FILES files (default
# 100,000) of DD_BYTES bytes in all (default 1.3 GB), DD_SETS sets of
# duplicates (default 20,000), decoys beside one set in four.  Each row
# times hln and every peer found in one hyperfine run and reports hln
# against the fastest of them; every peer's median is printed too.
#
#   dedupe_list        dedupe --list vs jdupes -r, hardlink -n -c,
#                      rdfind -dryrun true, fdupes -r (warm page cache)
#   dedupe_list_cold   the same, caches dropped before each run (root)
#   dedupe_link        dedupe (hard links) on a fresh copy vs hardlink -c,
#                      jdupes -r -L, rdfind -makehardlinks true; bytes freed
#   dedupe_reflink     dedupe --reflink on Btrfs and XFS images vs
#                      duperemove -dr, jdupes -r -B (root); also
#                      duperemove -dr -b 4k, which shares the files
#                      smaller than 128 KiB too (-dr's default block
#                      skips them: 99% of this tree); the bytes each
#                      freed and shared
#   dedupe_rss         peak RSS of dedupe --list vs jdupes -r's

# The rows are called by name from run.sh:
# shellcheck disable=SC2317,SC2154,SC2153

DD_FILES=${DD_FILES:-100000}
DD_BYTES=${DD_BYTES:-1300000000}
DD_SETS=${DD_SETS:-20000}
DD_VERSION=1

gen_dupes() {
	local stamp="v$DD_VERSION files=$DD_FILES bytes=$DD_BYTES sets=$DD_SETS seed=$SEED"
	if [ -d dtree ] && [ "$(cat dtree.stamp 2>/dev/null)" = "$stamp" ]; then
		say "dtree: reusing $WORK/dtree ($stamp)"
		return
	fi
	say "dtree: generating $DD_FILES files, $DD_BYTES bytes, $DD_SETS sets"
	rm -rf dtree dtree.stamp dexpected.json
	python3 "$BENCH_SRC/gen_dupes.py" "$DD_FILES" "$DD_BYTES" "$DD_SETS" "$SEED"
	printf '%s\n' "$stamp" >dtree.stamp
	say "dtree: $(cat dexpected.json)"
}

# dd_check LABEL DIR: hln dedupe -n -j DIR says what dexpected.json says
dd_check() {
	local got
	got=$("$HLN" dedupe -n -j "$2") || true
	python3 -c 'import json, sys
got, want = json.loads(sys.argv[1]), json.load(open("dexpected.json"))
if got != want:
    sys.exit("got %s\nwant %s" % (got, want))' "$got" || {
		check_fail "$1" "hln dedupe -n -j $2: not the expected sets"
		return 1
	}
}

# dd_bench NAME RUNS PREPARE -- NAME CMD NAME CMD...: one hyperfine run of
# hln (first) and the peers whose program exists
dd_bench() {
	local name=$1 runs=$2 prep=$3
	shift 4
	local args=()
	while [ $# -ge 2 ]; do
		if [ ${#args[@]} -eq 0 ] || command -v "${2%% *}" >/dev/null; then
			args+=(-n "$1" "$2")
		else
			SUMMARY+=("  ($1: not installed, left out)")
		fi
		shift 2
	done
	DONE+=("$name")
	local p=()
	[ -n "$prep" ] && p=(--prepare "$prep")
	hyperfine --style basic --warmup "${DD_WARMUP:-1}" --runs "$runs" "${p[@]}" \
		--export-json "$RES/$name.json" --export-markdown "$RES/$name.md" \
		"${args[@]}"
}

# dd_report LABEL NAME TARGET: hln against the fastest peer, with every
# peer's median
dd_report() {
	local label=$1 name=$2 target=$3 line r
	if ! line=$(python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["results"]
h, peers = r[0], r[1:]
best = min(peers, key=lambda x: x["median"])
print("%.2f" % (best["median"] / h["median"]))
print("hln %.2fs; " % h["median"] + ", ".join("%s %.2fs" % (p["command"], p["median"]) for p in peers))' "$RES/$name.json"); then
		report_failed "$label" "no results"
		return
	fi
	r=${line%%$'\n'*}
	local verdict=OK
	ge "$r" "$target" || {
		verdict=MISS
		MISSED=$((MISSED + 1))
	}
	SUMMARY+=("$label: ${r}x the fastest peer's speed (target >= ${target}x) $verdict")
	SUMMARY+=("  medians: ${line#*$'\n'}")
}

DD_LIST_PEERS=(
	"jdupes -r" "jdupes -r -q dtree > /dev/null"
	"hardlink -n -c" "hardlink -n -c -q dtree > /dev/null"
	"rdfind -dryrun true" "rdfind -dryrun true -outputname /dev/null dtree > /dev/null"
	"fdupes -r" "fdupes -r -q dtree > /dev/null"
)

row_dedupe_list() {
	local label="dedupe --list, $DD_FILES files, warm"
	gen_dupes
	dd_check "$label" dtree || return 0
	if dd_bench dedupe_list "$RUNS" "" -- \
		"hln dedupe --list" "$HLN_Q dedupe --list dtree > /dev/null" \
		"${DD_LIST_PEERS[@]}"; then
		dd_report "$label" dedupe_list 2
	else
		report_failed "$label" "hyperfine failed"
	fi
}

row_dedupe_list_cold() {
	local label="dedupe --list, $DD_FILES files, cold"
	if [ "$(id -u)" -ne 0 ]; then
		report_failed "$label" "needs root (drop_caches)"
		return
	fi
	gen_dupes
	if dd_bench dedupe_list_cold "${DD_COLD_RUNS:-3}" \
		"sync && echo 3 > /proc/sys/vm/drop_caches" -- \
		"hln dedupe --list" "$HLN_Q dedupe --list dtree > /dev/null" \
		"${DD_LIST_PEERS[@]}"; then
		dd_report "$label" dedupe_list_cold 2
	else
		report_failed "$label" "hyperfine failed"
	fi
}

# dd_freed CMD: KiB freed on a fresh copy dcopy/ by CMD (du before, after)
dd_freed() {
	rm -rf dcopy && cp -a dtree dcopy && sync
	local before after
	before=$(du -sk dcopy | cut -f1)
	sh -c "$1" >/dev/null 2>&1 || true
	after=$(du -sk dcopy | cut -f1)
	printf '%s\n' $((before - after))
}

row_dedupe_link() {
	local label="dedupe (links) on a fresh copy" peers f
	gen_dupes
	peers=(
		"hln dedupe" "$HLN_Q dedupe dcopy"
		"hardlink -c" "hardlink -c -q dcopy"
		"jdupes -r -L" "jdupes -r -L -q dcopy"
		"rdfind -makehardlinks true" "rdfind -makehardlinks true -outputname /dev/null dcopy"
	)
	local i freed=()
	for ((i = 0; i < ${#peers[@]}; i += 2)); do
		command -v "${peers[i + 1]%% *}" >/dev/null || [ "$i" -eq 0 ] || continue
		f=$(dd_freed "${peers[i + 1]}")
		freed+=("${peers[i]} $((f / 1024)) MiB")
		[ "$i" -eq 0 ] && local hln_freed=$f
	done
	SUMMARY+=("$label: freed (du): ${freed[*]}")
	local best=0 x
	for x in "${freed[@]:1}"; do
		x=${x% MiB}
		x=${x##* }
		[ "$x" -gt "$best" ] && best=$x
	done
	if [ $((hln_freed / 1024)) -lt "$best" ]; then
		MISSED=$((MISSED + 1))
		SUMMARY+=("  MISS: hln freed less than a peer")
	fi
	if dd_bench dedupe_link "${DD_LINK_RUNS:-3}" \
		"rm -rf dcopy && cp -a dtree dcopy && sync" -- "${peers[@]}"; then
		dd_report "$label" dedupe_link 2
	else
		report_failed "$label" "hyperfine failed"
	fi
	rm -rf dcopy
}

# dd_image TYPE MNT: a loop-mounted TYPE (btrfs, xfs) image on MNT
dd_image() {
	mkdir -p "$2"
	mountpoint -q "$2" && return 0
	rm -f "$2.img"
	truncate -s 4G "$2.img"
	case $1 in
	btrfs) mkfs.btrfs -q "$2.img" >/dev/null 2>&1 ;;
	xfs) mkfs.xfs -q -m reflink=1 "$2.img" >/dev/null 2>&1 ;;
	esac && mount -o loop "$2.img" "$2"
}

# dd_shared FS MNT CMD: on a fresh copy MNT/t, the MiB CMD freed (df,
# after a sync) and, on Btrfs, the MiB shared (btrfs filesystem du:
# "Set shared"), as "freed N MiB[, shared N MiB]"
dd_shared() {
	rm -rf "$2/t" && cp -a --reflink=never dtree "$2/t" && sync
	local before after out
	before=$(df -B1 --output=used "$2" | tail -n 1)
	sh -c "$3" >/dev/null 2>&1 || true
	sync
	after=$(df -B1 --output=used "$2" | tail -n 1)
	out="freed $(((before - after) / 1048576)) MiB"
	if [ "$1" = btrfs ]; then
		local set
		set=$(btrfs filesystem du -s --raw "$2/t" 2>/dev/null | awk 'END { print $3 }')
		[ -n "$set" ] && out="$out, shared $((set / 1048576)) MiB"
	fi
	printf '%s\n' "$out"
}

row_dedupe_reflink() {
	local fs mnt i
	gen_dupes
	for fs in btrfs xfs; do
		local label="dedupe --reflink on $fs"
		mnt=$WORK/dd$fs
		if [ "$(id -u)" -ne 0 ] || ! dd_image "$fs" "$mnt"; then
			report_failed "$label" "needs root and a loop-mounted $fs image"
			continue
		fi
		local peers=(
			"hln dedupe --reflink" "$HLN_Q dedupe --reflink $mnt/t"
			"duperemove -dr" "duperemove -dr -q $mnt/t > /dev/null"
			"jdupes -r -B" "jdupes -r -B -q $mnt/t > /dev/null"
			"duperemove -dr -b 4k" "duperemove -dr -b 4k -q $mnt/t > /dev/null"
		)
		local shared=()
		for ((i = 0; i < ${#peers[@]}; i += 2)); do
			command -v "${peers[i + 1]%% *}" >/dev/null || [ "$i" -eq 0 ] || continue
			shared+=("${peers[i]}: $(dd_shared "$fs" "$mnt" "${peers[i + 1]}");")
		done
		SUMMARY+=("$label: bytes (df, btrfs fi du) ${shared[*]}")
		local prep="rm -rf $mnt/t && cp -a --reflink=never dtree $mnt/t && sync"
		if dd_bench "dedupe_reflink_$fs" "${DD_LINK_RUNS:-3}" "$prep" -- \
			"${peers[@]}"; then
			dd_report "$label" "dedupe_reflink_$fs" 2
		else
			report_failed "$label" "hyperfine failed"
		fi
		umount "$mnt" && rm -f "$mnt.img"
	done
}

row_dedupe_rss() {
	local label="dedupe --list peak RSS vs jdupes -r" h j
	gen_dupes
	if ! h=$(maxrss_kib "$HLN" dedupe --list dtree); then
		report_failed "$label" "hln dedupe failed"
		return
	fi
	if ! command -v jdupes >/dev/null || ! j=$(maxrss_kib jdupes -r -q dtree); then
		report_failed "$label" "jdupes missing or failed"
		return
	fi
	report_max "$label" "$(awk -v k="$h" 'BEGIN { printf "%.1f", k / 1024 }')" MiB \
		"$(awk -v k="$j" 'BEGIN { printf "%.1f", k / 1024 }')"
}
