#!/usr/bin/env bash
# Runs one libFuzzer harness of build-fuzz/ on its seed corpus, and prints
# one line: FUZZ harness=NAME runs=N execs_per_sec=X cov=C ft=F corpus=N crashes=0|1
#   run.sh NAME runs N       a bounded number of runs (make test, ctest label fuzz)
#   run.sh NAME seconds S    for S seconds (make fuzz FUZZ_SECONDS=S)
# New inputs go to build-fuzz/corpus/NAME (kept between runs, not in the
# repository); a crash leaves its input in build-fuzz/artifacts/ and fails.
set -uo pipefail
name=$1 mode=$2 n=$3
src=$(cd "$(dirname "$0")/../.." && pwd)
bin=${VN_FUZZ_BUILD:-$src/build-fuzz}/tests/fuzz/fuzz_$name
if [ ! -x "$bin" ]; then
	echo "run.sh: $bin is not built (make fuzz-build)" >&2
	exit 1
fi
work=${VN_FUZZ_BUILD:-$src/build-fuzz}
mkdir -p "$work/corpus/$name" "$work/artifacts"
case $mode in
runs) limit=(-runs="$n") ;;
seconds) limit=(-max_total_time="$n") ;;
*) echo "run.sh: mode is runs or seconds" >&2; exit 2 ;;
esac
dict=()
[ -f "$src/tests/fuzz/$name.dict" ] && dict=(-dict="$src/tests/fuzz/$name.dict")
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# detect_leaks: the engine keeps its tables for the process's life (as the
# engine does); leaks of mbufs are what the harness checks itself.
ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	"$bin" "${limit[@]}" -seed=1 -max_len=4096 -timeout=20 -rss_limit_mb=4096 \
	-print_final_stats=1 -artifact_prefix="$work/artifacts/$name-" "${dict[@]}" \
	"$work/corpus/$name" "$src/tests/fuzz/corpus/$name" >"$log" 2>&1
rc=$?
stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -1; }
last=$(grep -E '^#[0-9]+.*cov:' "$log" | tail -1)
cov=$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' <<<"$last")
ft=$(sed -n 's/.*ft: \([0-9]*\).*/\1/p' <<<"$last")
corp=$(sed -n 's/.*corp: \([0-9]*\).*/\1/p' <<<"$last")
echo "FUZZ harness=$name runs=$(stat number_of_executed_units) execs_per_sec=$(stat average_exec_per_sec)" \
	"cov=${cov:-?} ft=${ft:-?} corpus=${corp:-?} crashes=$([ $rc -eq 0 ] && echo 0 || echo 1)"
if [ $rc -ne 0 ]; then
	# The report's head (what, where, freed by whom), then its end (the input).
	grep -v '^#[0-9]' "$log" | grep -m1 -A60 -E 'ERROR: |runtime error: |^fuzz: ' >&2
	echo ... >&2
	grep -v '^#[0-9]' "$log" | tail -12 >&2
	exit 1
fi
