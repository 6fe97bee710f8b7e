#!/usr/bin/env bash
# docs/apps.md's tutorial application, extracted from the page, built out of
# tree with pkg-config against the installed engine as the page says, loaded
# as a plugin, and serving a Linux client: what nc sends comes back in upper
# case, a small line and a 2 MB stream.
source "$(dirname "$0")/lib.sh"
vn_init tcpa
for t in pkg-config cc cmake nc; do command -v $t >/dev/null || { echo "missing tool: $t" >&2; exit 1; }; done

vn_host tc-p 10.0.1.2/24 10.0.1.1

PREFIX=$VN_TMP/prefix
cmake --install "$VN_BUILD" --prefix "$PREFIX" >"$VN_TMP/install.log" 2>&1
vn_check "install: the session API header" test -f "$PREFIX/include/vecnet/session.h"
export PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig

PLUGDIR=$VN_TMP/plugins
mkdir -p "$VN_TMP/upper" "$PLUGDIR"
awk '/^```c upper.c$/ { on = 1; next } on && /^```$/ { exit } on' "$VN_SRC/docs/apps.md" \
	>"$VN_TMP/upper/upper.c"
(cd "$VN_TMP/upper" && cc -shared -fPIC -Wall -Werror -o "$PLUGDIR/upper_plugin.so" upper.c \
	$(pkg-config --cflags vecnet-plugin) $(pkg-config --libs vecnet-plugin)) \
	>"$VN_TMP/upper-build.log" 2>&1 || cat "$VN_TMP/upper-build.log" >&2
vn_check "docs/apps.md: upper.c builds as the page says" test -f "$PLUGDIR/upper_plugin.so"

CFG=$VN_TMP/app.yaml
{
	vn_config_base | sed "s|path: .*/plugins\$|path: $PLUGDIR|"
	cat <<EOT
interfaces:
  - { name: lan0, device: "host:tc-p-r", addresses: [10.0.1.1/24] }
tcp:
  enable: true
EOT
} >"$CFG"
VN_BUILD=$PREFIX/bin
vn_engine_start "$CFG"
vn_check "the installed engine loaded upper" grep -Eq "^upper +0.1 " <<<"$(vnctl show plugins)"
vnctl upper listen 7000

out=$(echo "hello, vecnet" | ip netns exec tc-p timeout 10 nc -N 10.0.1.1 7000) || true
vn_check "the app answers in upper case ('$out')" test "$out" = "HELLO, VECNET"
head -c 1500000 /dev/urandom >"$VN_TMP/raw"
base64 -w 76 "$VN_TMP/raw" >"$VN_TMP/text"
want=$(tr '[:lower:]' '[:upper:]' <"$VN_TMP/text" | sha256sum | cut -d' ' -f1)
got=$(ip netns exec tc-p timeout 30 nc -N 10.0.1.1 7000 <"$VN_TMP/text" | sha256sum | cut -d' ' -f1)
vn_check "2 MB come back upper-cased and whole" test "$got" = "$want"
vn_check "the listener belongs to upper" grep -q "listen 0.0.0.0:7000 app upper" <<<"$(vnctl show session)"

vn_engine_stop
vn_check "engine exits 0 (every mbuf returned)" test "$VN_ENGINE_RC" -eq 0
vn_finish
