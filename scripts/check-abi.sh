#!/usr/bin/env bash
# The plugin ABI as a contract (as DPDK's devtools/check-abi.sh does for its
# libraries): the public headers (include/vecnet/) and the sample plugin are
# dumped with abidw and compared with abidiff against the baseline recorded for
# this VN_PLUGIN_ABI_VERSION (tests/abi/abi-N.xml). A change of the public ABI
# without a version bump fails; so does a bump without a new baseline.
#
#   scripts/check-abi.sh BUILD_DIR            check (ctest check/abi)
#   scripts/check-abi.sh BUILD_DIR --update   record the baseline after a bump
#
# Every public struct and enum is made reachable from an exported function of
# a probe object compiled from all public headers, so a field added to a type
# no plugin function takes is still seen. Inline functions' behaviour is not
# in any ABI dump: changing one incompatibly needs a bump by hand.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$(realpath -m "${1:?usage: check-abi.sh BUILD_DIR [--update]}")
MODE=${2:-check}
for t in abidw abidiff gcc pkg-config; do
	command -v $t >/dev/null || { echo "check-abi: $t missing (make deps)" >&2; exit 2; }
done
SAMPLE="$BUILD/plugins/sample_plugin.so"
[ -f "$SAMPLE" ] || { echo "check-abi: $SAMPLE missing (build first)" >&2; exit 2; }
VERSION=$(awk '/^#define VN_PLUGIN_ABI_VERSION/ { print $3 }' "$ROOT/include/vecnet/plugin.h")
TMP=$(mktemp -d /tmp/vecnet-abi.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

# The probe: every public header, and one exported function per public type.
headers=$(cd "$ROOT/include" && find vecnet -name '*.h' | LC_ALL=C sort)
{
	for h in $headers; do echo "#include <$h>"; done
	for h in $headers; do
		sed -n -E 's/^(struct|enum) ([a-z_0-9]+) \{.*/\1 \2/p' "$ROOT/include/$h"
	done | LC_ALL=C sort -u | while read -r kind name; do
		echo "__attribute__((visibility(\"default\"))) void vn_abi_probe_${kind}_${name}($kind $name *p) { (void)p; }"
	done
} >"$TMP/probe.c"
# DPDK's own flags (its -march baseline), not the machine's: the dump must be
# the same on every machine that builds the same tree.
# shellcheck disable=SC2046
gcc -g -O0 -fPIC -shared -DALLOW_EXPERIMENTAL_API -I"$ROOT/include" \
	$(pkg-config --cflags libdpdk lua5.4) "$TMP/probe.c" -o "$TMP/probe.so"

dump() { # dump OBJECT OUT
	abidw --headers-dir "$ROOT/include" --drop-private-types --no-corpus-path \
		--no-show-locs --out-file "$2" "$1"
}
dump "$TMP/probe.so" "$TMP/headers.xml"
dump "$SAMPLE" "$TMP/sample.xml"

BASE="$ROOT/tests/abi"
if [ "$MODE" = "--update" ]; then
	rm -f "$BASE"/abi-*.xml "$BASE"/sample-*.xml
	cp "$TMP/headers.xml" "$BASE/abi-$VERSION.xml"
	cp "$TMP/sample.xml" "$BASE/sample-$VERSION.xml"
	echo "check-abi: baseline for ABI $VERSION recorded in tests/abi/"
	exit 0
fi

recorded=$(ls "$BASE"/abi-*.xml 2>/dev/null | sed -E 's/.*abi-([0-9]+)\.xml/\1/' | head -1)
if [ "$recorded" != "$VERSION" ]; then
	echo "check-abi: include/vecnet/plugin.h says ABI $VERSION, the baseline is for ABI" \
		"${recorded:-none}: record it with scripts/check-abi.sh $BUILD --update" >&2
	exit 1
fi
fail=0
for what in abi sample; do
	cur="$TMP/headers.xml"
	[ $what = sample ] && cur="$TMP/sample.xml"
	if ! abidiff --no-show-locs "$BASE/$what-$VERSION.xml" "$cur" >"$TMP/$what.diff" 2>&1; then
		echo "check-abi: the public ABI changed ($what) but VN_PLUGIN_ABI_VERSION is still" \
			"$VERSION: bump it in include/vecnet/plugin.h (a plugin built against the" \
			"old headers would load and misbehave), then record the baseline:" >&2
		echo "  scripts/check-abi.sh $BUILD --update" >&2
		cat "$TMP/$what.diff" >&2
		fail=1
	fi
done
[ $fail -eq 0 ] && echo "check-abi: ABI $VERSION unchanged ($(grep -c vn_abi_probe_ "$TMP/probe.c") public types)"
exit $fail
