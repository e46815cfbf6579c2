#!/bin/sh
# tests/fuzz/run.sh BUILD SECONDS NAME... - run each libFuzzer target
# BUILD/fuzz/NAME for SECONDS, one after the other (the machine has few
# cores), on its committed corpus tests/fuzz/corpus/NAME (read, never
# written) and BUILD/corpus/NAME (where new inputs go).  A crash, leak,
# sanitizer report or timeout is saved as BUILD/crash-NAME-* (add it to
# the committed corpus once fixed).  Prints a line per target with its
# executions, then "fuzz: N targets, N executions, N failed"; exits 1 if
# any target failed.
set -u
mkdir -p "$1" && build=$(cd "$1" && pwd) || exit 1
seconds=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
targets=0 failed=0 total=0
for name in "$@"; do
	mkdir -p "$build/corpus/$name"
	targets=$((targets + 1))
	"$build/fuzz/$name" -max_total_time="$seconds" -timeout=10 \
		-close_fd_mask=3 -print_final_stats=1 \
		-artifact_prefix="$build/crash-$name-" \
		"$build/corpus/$name" "$here/corpus/$name" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	# No statistics at all: libFuzzer's own output was lost (a target
	# that closed its stderr), so nothing says it fuzzed.
	if [ -z "$execs" ] && [ "$rc" -eq 0 ]; then
		echo "fuzz: $name: libFuzzer printed no statistics"
		rc=1
	fi
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
	inputs=$(find "$build/corpus/$name" "$here/corpus/$name" -type f | wc -l)
	total=$((total + ${execs:-0}))
	if [ "$rc" -ne 0 ]; then
		failed=$((failed + 1))
		cat "$log"
		echo "fuzz: $name: FAILED (exit $rc) after ${execs:-?} executions; input saved as $build/crash-$name-*"
	else
		echo "fuzz: $name: ${execs:-0} executions in ${seconds}s, ${cov:-cov: ?} edges, $inputs corpus inputs, no crash"
	fi
done
echo "fuzz: $targets targets, $total executions, $failed failed"
[ "$failed" -eq 0 ]
