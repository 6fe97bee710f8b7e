#!/usr/bin/env bash
# The engine's attack surface (docs/security.md): its only control endpoint is
# a Unix socket, 0600 in a 0700 directory of root's; a socket directory that
# others may write is refused at start; nothing listens on the network;
# plugins others could change are not loaded; Lua reaches no file, process or
# native code but through the vecnet module. Host names use the fz- prefix.
source "$(dirname "$0")/lib.sh"
vn_init security

vn_host fz-sa 10.0.1.2/24 10.0.1.1
CFG=$VN_TMP/sec.yaml
VN_SOCK=$VN_TMP/run/vecnet/cli.sock
{
	vn_config_base
	cat <<EOT
interfaces:
  - { name: lan0, device: "net_af_packet0,iface=fz-sa-r", addresses: [10.0.1.1/24] }
EOT
} >"$CFG"
vn_engine_start "$CFG"

vn_check "the CLI socket is a socket of root's, mode 0600" \
	test "$(stat -c '%F %U %a' "$VN_SOCK")" = "socket root 600"
vn_check "its directory, made by the engine, is root's and 0700" \
	test "$(stat -c '%U %a' "$VN_TMP/run/vecnet")" = "root 700"
# Every socket the engine holds: Unix ones only (the CLI, DPDK's telemetry)
# and the AF_PACKET ports; no TCP or UDP listener, on any address.
inet=$(ss -H -tulpn 2>/dev/null | grep -c "pid=$VN_ENGINE_PID," || true)
vn_check "no TCP or UDP socket listens in the engine (found $inet)" test "$inet" -eq 0
vn_check "the CLI answers root" bash -c "'$VN_BUILD/vecnetctl' -s '$VN_SOCK' show version | grep -q vecnet"
if id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
	vn_check "another user cannot reach the CLI" \
		bash -c "! setpriv --reuid=nobody --regid=nogroup --clear-groups \
			'$VN_BUILD/vecnetctl' -s '$VN_SOCK' show version >/dev/null 2>&1"
fi

# Lua: the sandbox holds through the socket too.
out=$(vnctl lua eval "os.execute('touch $VN_TMP/pwned')" 2>&1 || true)
vn_check "lua: os.execute is not there" grep -q "nil value" <<<"$out"
out=$(vnctl lua eval "io.open('/etc/shadow')" 2>&1 || true)
vn_check "lua: io is not there" grep -q "nil value" <<<"$out"
vn_check "lua: nothing was run" test ! -e "$VN_TMP/pwned"
vn_engine_stop
vn_check "the engine stopped cleanly" test "$VN_ENGINE_RC" -eq 0

# A world-writable socket directory (as /tmp): the engine refuses to start.
mkdir -p "$VN_TMP/open" && chmod 1777 "$VN_TMP/open"
VN_SOCK=$VN_TMP/open/cli.sock
{ vn_config_base; echo "interfaces: []"; } >"$VN_TMP/open.yaml"
rc=0
timeout 20 "$VN_BUILD/vecnet" -c "$VN_TMP/open.yaml" >"$VN_TMP/open.log" 2>&1 || rc=$?
vn_check "world-writable socket directory: start refused (rc $rc)" test "$rc" -ne 0 -a "$rc" -ne 124
vn_check "... saying why" grep -q "writable by others" "$VN_TMP/open.log"
vn_check "... and no socket left" test ! -e "$VN_SOCK"

# Plugins others could change are not loaded; the engine says why.
mkdir -p "$VN_TMP/plugins" && cp "$VN_BUILD/plugins/sample_plugin.so" "$VN_TMP/plugins/"
chmod 0666 "$VN_TMP/plugins/sample_plugin.so"
VN_SOCK=$VN_TMP/run2/cli.sock
{ vn_config_base | sed "s|path: .*|path: $VN_TMP/plugins|"; echo "interfaces: []"; } >"$VN_TMP/pl.yaml"
vn_engine_start "$VN_TMP/pl.yaml"
vn_check "a world-writable plugin is not loaded" \
	bash -c "'$VN_BUILD/vecnetctl' -s '$VN_SOCK' show plugins | grep -q 'no plugins loaded'"
vn_check "... with a clear message" grep -q "sample_plugin.so: writable by everyone" "$VN_ENGINE_LOG"
vn_engine_stop
vn_finish
