#!/usr/bin/env bash
# docs/config.md is the output of `vecnet --schema`: the reference written
# from the schema tables that check the file. A key added, removed or changed
# without regenerating it fails here (ctest check/config-doc).
#
#   scripts/check-config-doc.sh BUILD_DIR            check
#   scripts/check-config-doc.sh BUILD_DIR --update   regenerate docs/config.md
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$(realpath -m "${1:?usage: check-config-doc.sh BUILD_DIR [--update]}")
[ -x "$BUILD/vecnet" ] || { echo "check-config-doc: $BUILD/vecnet missing (build first)" >&2; exit 2; }
if [ "${2:-}" = "--update" ]; then
	"$BUILD/vecnet" --schema >"$ROOT/docs/config.md"
	echo "check-config-doc: docs/config.md regenerated"
	exit 0
fi
if ! diff -u "$ROOT/docs/config.md" <("$BUILD/vecnet" --schema); then
	echo "check-config-doc: docs/config.md differs from the schema;" \
		"run scripts/check-config-doc.sh $1 --update" >&2
	exit 1
fi
echo "check-config-doc: docs/config.md matches the schema"
