#!/bin/sh
# tests/check-windows.sh HLN_EXE HLN_FP_EXE: the bats CLI suite against
# hln.exe under Wine (make check-windows), through tests/wine-hln (and
# tests/wine-hln-fp for the failpoint build HLN_FP_EXE); what Wine or
# Windows lacks is skipped with its reason (need_native in
# tests/cli/helpers.bash).  Prints tests/run.sh's output and closing line;
# exits with its status (1 also when wine cannot run hln.exe at all).
#
# The first run creates the Wine prefix (without Mono and Gecko, which
# would ask to be installed): done before the tests, so that its messages
# are not taken for hln's.  One wineserver stays up for the whole suite:
# started and stopped by each of hundreds of wine runs, it raced a client
# now and then (a run that exited 1 having printed nothing).  It is
# started before the first wine run, so that the Wine services it keeps
# hold /dev/null, not the test runner's pipes; a wineserver already
# running for the prefix (one left persistent by an interrupted run
# would never exit by itself) is stopped first, and the one started here
# is stopped at the end whatever the outcome.  A test that fails under
# Wine is run once more by tests/run.sh (HLN_WINE) and reported as retried.
set -u
here=$(cd "$(dirname "$0")" && pwd)
exe=${1:?usage: tests/check-windows.sh HLN_EXE HLN_FP_EXE}
fp_exe=${2:?usage: tests/check-windows.sh HLN_EXE HLN_FP_EXE}
# shellcheck source=tests/wine-env
. "$here/wine-env"
wineserver -k 2>/dev/null
wineserver -w
wineserver -p
trap 'wineserver -k' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
if ! HLN_EXE=$exe WINEDLLOVERRIDES=mscoree,mshtml= \
	sh "$here/wine-hln" --version </dev/null >/dev/null 2>&1; then
	echo "check-windows: wine cannot run $exe"
	exit 1
fi
HLN_WINE=1 HLN_EXE=$exe HLN_FP_EXE=$fp_exe \
	sh "$here/run.sh" "$here/../build/windows" "$here/wine-hln" \
	"$here/wine-hln-fp"
