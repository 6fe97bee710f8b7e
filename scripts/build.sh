#!/usr/bin/env bash
# `make build` / `make debug`: configure (the first time, or when the
# arguments change; otherwise the build re-configures itself when a
# CMakeLists.txt changes) and build, quietly: an
# up-to-date tree prints nothing, a build prints what it compiled and links,
# and a failure prints the whole log.
#   scripts/build.sh DIR JOBS [cmake configure arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$1 jobs=$2
shift 2
log=$(mktemp /tmp/vecnet-build.XXXXXX.log)
trap 'rm -f "$log"' EXIT
fail() {
	cat "$log" >&2
	echo "build: $1 failed in $dir (log above)" >&2
	exit 1
}
stamp=$dir/.vn-configure-args
if [ ! -f "$dir/CMakeCache.txt" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$*" ]; then
	echo "build: configuring $dir"
	cmake -S . -B "$dir" "$@" >"$log" 2>&1 || fail "cmake configure"
	echo "$*" >"$stamp"
fi
# Unix Makefiles: no "Entering directory" lines from the sub-makes.
cmake --build "$dir" -j "$jobs" -- --no-print-directory >"$log" 2>&1 || fail "the build"
# What remains once the progress lines of up-to-date targets are gone.
grep -vE '^\[ *[0-9]+%\] (Built target|Consolidate compiler generated dependencies)|^(Scanning|Consolidate) ' \
	"$log" || true
