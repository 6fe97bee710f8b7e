#!/usr/bin/env bash
# Plugins end to end. The sample plugin from the build, with its config
# section: `show plugins` lists it, sample-filter enabled on lan0 only drops
# ICMP entering lan0 (ping A -> B fails, with the drops in `show sample` and
# `show errors`) while ICMP entering lan1 and TCP from A pass; disabling it
# restores ping; toggling it under a ping flood crashes nothing. Then the
# out-of-tree path: install into a temp prefix, build a renamed copy of the
# sample with pkg-config, and run an engine from the installed tree with that
# plugin next to a junk *_plugin.so and an ABI-mismatched one: the engine
# starts, serves, and the renamed plugin works. docs/plugins.md's hello.c is
# built and loaded there too.
source "$(dirname "$0")/lib.sh"
vn_init plugin

for t in nc pkg-config cc cmake; do
	command -v $t >/dev/null || { echo "missing tool: $t" >&2; exit 1; }
done
[ -f "$VN_BUILD/plugins/sample_plugin.so" ] || { echo "no $VN_BUILD/plugins/sample_plugin.so" >&2; exit 1; }

vn_host vt-pa 10.0.1.2/24 10.0.1.1
vn_host vt-pb 10.0.2.2/24 10.0.2.1

# vn_config_base ends inside `plugins:`, so the keys below continue it.
CFG=$VN_TMP/plugin.yaml
{
	vn_config_base
	cat <<EOT
  enable: [sample]
interfaces:
  - { name: lan0, device: "host:vt-pa-r", addresses: [10.0.1.1/24] }
  - { name: lan1, device: "host:vt-pb-r", addresses: [10.0.2.1/24] }
sample:
  drop-protocol: 1
EOT
} >"$CFG"

# The plugin's schema is part of the config check.
sed 's/drop-protocol: 1$/drop-protocol: 300/' "$CFG" >"$VN_TMP/bad.yaml"
out=$("$VN_BUILD/vecnet" -c "$VN_TMP/bad.yaml" --check 2>&1) && rc=0 || rc=$?
vn_check "--check rejects sample.drop-protocol 300 with its line" \
	test "$rc" -eq 1 -a -n "$(grep -E 'bad.yaml:[0-9]+:[0-9]+: .*drop-protocol' <<<"$out")"

vn_engine_start "$CFG"
vn_check "show plugins lists sample" grep -Eq "^sample +1.0 " <<<"$(vnctl show plugins)"
vn_check "the config section set the drop protocol" \
	grep -q "drop protocol: 1$" <<<"$(vnctl show sample)"
vn_check "the init hook ran" grep -q "sample plugin ready" "$VN_ENGINE_LOG"
vnctl lua eval 'vecnet.sample_set_protocol(6)'
vn_check "the plugin's Lua function reaches its control function" \
	grep -q "drop protocol: 6$" <<<"$(vnctl show sample)"
vnctl lua eval 'vecnet.sample_set_protocol(1)'

# pings: HOST ADDR COUNT -> 0 when every echo is answered
pings() { ip netns exec "$1" ping -c "$3" -i 0.2 -W 1 "$2" 2>&1 | grep -q " 0% packet loss"; }
# The whole output first: with pipefail, grep -q leaving at the first reply
# would kill ping, and the ! would turn that failure into success.
no_reply() {
	local out
	out=$(ip netns exec "$1" ping -c "$3" -i 0.2 -W 1 "$2" 2>&1) || true
	! grep -q " bytes from " <<<"$out"
}
# sample_row IF: "STATE SEEN DROPPED" of an interface in `show sample`
sample_row() { vnctl show sample | awk -v i="$1" '$1 == i { print $2, $3, $4 }'; }
tcp_ok() {
	local port=$1 got
	ip netns exec vt-pb timeout 10 nc -l "$port" </dev/null >"$VN_TMP/tcp.$port" &
	local pid=$!
	sleep 0.3
	echo "hello through $port" | ip netns exec vt-pa timeout 5 nc -N 10.0.2.2 "$port" || true
	wait "$pid" || true
	got=$(cat "$VN_TMP/tcp.$port")
	test "$got" = "hello through $port"
}

# The router resolves each host on first use and drops that packet (as VPP
# does): warm both neighbours up before judging.
warm() {
	ip netns exec vt-pa ping -c 1 -W 1 10.0.2.2 >/dev/null 2>&1 || true
	ip netns exec vt-pb ping -c 1 -W 1 10.0.1.2 >/dev/null 2>&1 || true
}
warm
vn_check "before: ping A -> B" pings vt-pa 10.0.2.2 3

vnctl set interface feature lan0 sample-filter arc ip4-unicast
vn_check "show interface features: sample-filter enabled on lan0" \
	grep -Eq "sample-filter +enabled" <<<"$(vnctl show interface features lan0)"
vn_check "... and not on lan1" \
	grep -Eq "sample-filter +-" <<<"$(vnctl show interface features lan1)"
vn_check "filter on lan0: ping A -> B gets no reply" no_reply vt-pa 10.0.2.2 3
vn_check "filter on lan0: ping A -> router 10.0.1.1 gets no reply" no_reply vt-pa 10.0.1.1 2
vn_check "lan1 has no filter: ping B -> router 10.0.2.1" pings vt-pb 10.0.2.1 3
vn_check "filter on lan0 drops only ICMP: TCP A -> B passes" tcp_ok 5101
read -r st seen dropped <<<"$(sample_row lan0)"
vn_check "show sample lan0: enabled, saw $seen, dropped $dropped (>= 5)" \
	test "$st" = enabled -a "${dropped:-0}" -ge 5 -a "${seen:-0}" -gt "${dropped:-0}"
read -r st seen dropped <<<"$(sample_row lan1)"
vn_check "show sample lan1: not enabled, nothing seen ($st $seen $dropped)" \
	test "$st" = "-" -a "$seen" = 0 -a "$dropped" = 0
vn_check "show errors: sample-filter's drop reason" \
	grep -Eq "[0-9]+ +sample-filter +protocol dropped by configuration" <<<"$(vnctl show errors)"

vnctl clear trace
vnctl trace add host-input 20
ip netns exec vt-pa ping -c 1 -W 1 10.0.2.2 >/dev/null 2>&1 || true
trace=$(vnctl show trace)
vn_check "show trace: sample-filter's own record of the echo" \
	grep -q "sample-filter: rx lan0, IP protocol 1, 10.0.1.2 -> 10.0.2.2" <<<"$trace"
vn_check "show trace: then error-drop with the reason" \
	grep -q "drop: sample-filter: protocol dropped by configuration (rx lan0)" <<<"$trace"
vnctl clear trace

vnctl sample set protocol none
vn_check "protocol none: ping A -> B with the filter enabled" pings vt-pa 10.0.2.2 3
vnctl sample set protocol 1
vnctl set interface feature lan0 sample-filter arc ip4-unicast disable
vn_check "disabled: ping A -> B again" pings vt-pa 10.0.2.2 3
vn_check "disabled: show sample lan0 not enabled" test "$(sample_row lan0 | cut -d' ' -f1)" = "-"

# Under traffic: a bounded flood both ways while the filter and its protocol flip.
ip netns exec vt-pa ping -f -c 3000 -w 20 10.0.2.2 >/dev/null 2>&1 &
VN_PIDS+=($!)
flood_a=$!
ip netns exec vt-pb ping -f -c 3000 -w 20 10.0.1.2 >/dev/null 2>&1 &
VN_PIDS+=($!)
flood_b=$!
for i in $(seq 20); do
	vnctl set interface feature lan0 sample-filter arc ip4-unicast >/dev/null
	vnctl set interface feature lan1 sample-filter arc ip4-unicast >/dev/null
	vnctl sample set protocol $((i % 2 ? 1 : 17)) >/dev/null
	sleep 0.1
	vnctl set interface feature lan0 sample-filter arc ip4-unicast disable >/dev/null
	vnctl set interface feature lan1 sample-filter arc ip4-unicast disable >/dev/null
	vnctl show sample >/dev/null
	sleep 0.1
done
wait "$flood_a" "$flood_b" 2>/dev/null || true
vn_check "engine alive after toggling under a flood" kill -0 "$VN_ENGINE_PID"
vn_check "after the flood, filter off: ping A -> B" pings vt-pa 10.0.2.2 3

vn_engine_stop
vn_check "engine exits 0 on SIGTERM" test "$VN_ENGINE_RC" -eq 0
vn_check "every mbuf returned to the pool" grep -q "all [0-9]* returned to the pool" "$VN_ENGINE_LOG"
vn_check "the exit hook ran" grep -q "sample plugin stopping" "$VN_ENGINE_LOG"

# --- out of tree -------------------------------------------------------------
PREFIX=$VN_TMP/prefix
cmake --install "$VN_BUILD" --prefix "$PREFIX" >"$VN_TMP/install.log" 2>&1
vn_check "install: binaries, headers, sample plugin, vecnet-plugin.pc" test -x "$PREFIX/bin/vecnet" \
	-a -x "$PREFIX/bin/vecnetctl" -a -f "$PREFIX/include/vecnet/plugin.h" \
	-a -f "$PREFIX/lib/vecnet/plugins/sample_plugin.so" \
	-a -f "$PREFIX/lib/pkgconfig/vecnet-plugin.pc"
export PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig
vn_check "pkg-config: ABI variable matches the headers" test "$(pkg-config --variable=abi vecnet-plugin)" \
	= "$(awk '/define VN_PLUGIN_ABI_VERSION/ { print $3 }' "$PREFIX/include/vecnet/plugin.h")"

# A plugin author's copy of the sample, renamed: oot_plugin.so, node oot-filter,
# commands `oot set protocol` and `show oot`, config section oot:.
SRC=$VN_TMP/oot-src
PLUGDIR=$VN_TMP/oot-plugins
mkdir -p "$SRC" "$PLUGDIR"
cp "$VN_SRC"/plugins/sample/*.c "$VN_SRC"/plugins/sample/*.h "$SRC/"
sed -i 's/sample/oot/g; s/SAMPLE/OOT/g' "$SRC"/*.[ch]
mv "$SRC/sample.c" "$SRC/oot.c"
mv "$SRC/sample.h" "$SRC/oot.h"
(cd "$SRC" && cc -shared -fPIC -Wall -Wextra -Wno-unused-parameter -Werror \
	$(pkg-config --cflags vecnet-plugin) -o "$PLUGDIR/oot_plugin.so" ./*.c \
	$(pkg-config --libs vecnet-plugin)) >"$VN_TMP/oot-build.log" 2>&1 && rc=0 || rc=$?
[ "$rc" -eq 0 ] || cat "$VN_TMP/oot-build.log" >&2
vn_check "out-of-tree build with pkg-config" test -f "$PLUGDIR/oot_plugin.so"

# docs/plugins.md's tutorial plugin, extracted from the page and built as it says.
mkdir -p "$VN_TMP/hello"
awk '/^```c hello.c$/ { on = 1; next } on && /^```$/ { exit } on' "$VN_SRC/docs/plugins.md" \
	>"$VN_TMP/hello/hello.c"
(cd "$VN_TMP/hello" && cc -shared -fPIC -Wall -Werror -o "$PLUGDIR/hello_plugin.so" hello.c \
	$(pkg-config --cflags vecnet-plugin) $(pkg-config --libs vecnet-plugin)) \
	>"$VN_TMP/hello-build.log" 2>&1 || cat "$VN_TMP/hello-build.log" >&2
vn_check "docs/plugins.md: hello.c builds as the page says" test -f "$PLUGDIR/hello_plugin.so"

# An engine with DPDK built in refuses, before loading it, a plugin that links
# DPDK's shared libraries itself (its constructors would register DPDK twice).
DPDK_BUILT_IN=0
ldd "$PREFIX/bin/vecnet" | grep -q librte_eal || DPDK_BUILT_IN=1
if [ "$DPDK_BUILT_IN" = 1 ]; then
	sed 's/hello/rteso/g' "$VN_TMP/hello/hello.c" >"$VN_TMP/hello/rteso.c"
	(cd "$VN_TMP/hello" && cc -shared -fPIC -o "$PLUGDIR/rteso_plugin.so" rteso.c \
		$(pkg-config --cflags vecnet-plugin) -Wl,--no-as-needed -lrte_eal) \
		>"$VN_TMP/rteso-build.log" 2>&1 || cat "$VN_TMP/rteso-build.log" >&2
fi

# Broken neighbours: random bytes, and a plugin for another ABI if the fixtures are built.
head -c 8192 /dev/urandom >"$PLUGDIR/junk_plugin.so"
for f in abi abi1; do
	[ -f "$VN_BUILD/tests/plugin_fixtures/${f}_plugin.so" ] &&
		cp "$VN_BUILD/tests/plugin_fixtures/${f}_plugin.so" "$PLUGDIR/"
done
sed -e "s|path: .*/plugins\$|path: $PLUGDIR|" -e "s|enable: \[sample\]|enable: [all]|" \
	-e "s|^sample:|oot:|" "$CFG" >"$VN_TMP/oot.yaml"
VN_BUILD=$PREFIX/bin vn_engine_start "$VN_TMP/oot.yaml"
VN_BUILD_SAVED=$VN_BUILD
VN_BUILD=$PREFIX/bin # vnctl: the installed client too
plugins=$(vnctl show plugins)
vn_check "installed engine: show plugins lists oot" grep -Eq "^oot +1.0 " <<<"$plugins"
vn_check "junk_plugin.so skipped, engine up" grep -q "junk_plugin.so: not an ELF64 shared object; skipped" \
	"$VN_ENGINE_LOG"
if [ -f "$PLUGDIR/abi_plugin.so" ]; then
	vn_check "abi_plugin.so refused with the ABI message" \
		grep -q "plugin 'abi' was built for engine ABI" "$VN_ENGINE_LOG"
fi
if [ -f "$PLUGDIR/abi1_plugin.so" ]; then
	abi=$(awk '/define VN_PLUGIN_ABI_VERSION/ { print $3 }' "$PREFIX/include/vecnet/plugin.h")
	vn_check "abi1_plugin.so (built for the previous ABI) refused naming both versions" \
		grep -q "plugin 'abi1' was built for engine ABI 1, this engine is ABI $abi; skipped" \
		"$VN_ENGINE_LOG"
fi
if [ "$DPDK_BUILT_IN" = 1 ]; then
	vn_check "rteso_plugin.so (links librte_eal.so) refused, engine up" \
		grep -q "plugin 'rteso' links DPDK's shared librte_eal.so.*; skipped" "$VN_ENGINE_LOG"
fi
vn_check "installed engine: show plugins lists hello (the tutorial's)" grep -Eq "^hello +0.1 " <<<"$plugins"
vn_check "only oot and hello are listed" test "$(grep -c _plugin.so <<<"$plugins")" -eq 2
warm
vn_check "oot engine serves: ping A -> B" pings vt-pa 10.0.2.2 3
vnctl set interface feature lan0 oot-filter arc ip4-unicast
vn_check "oot-filter on lan0: ping A -> B gets no reply" no_reply vt-pa 10.0.2.2 3
vn_check "show oot counts the drops" test "$(vnctl show oot | awk '$1 == "lan0" { print $4 }')" -ge 3
vnctl set interface feature lan0 oot-filter arc ip4-unicast disable
vn_check "oot-filter disabled: ping A -> B" pings vt-pa 10.0.2.2 3
vnctl set interface feature lan0 hello-count arc ip4-unicast
vn_check "hello-count (tutorial) counts A's echoes entering lan0" pings vt-pa 10.0.2.2 3
vn_check "show hello: 3 packets" test "$(vnctl show hello)" = "hello-count: 3 packets"
vn_engine_stop
VN_BUILD=$VN_BUILD_SAVED
vn_check "oot engine exits 0" test "$VN_ENGINE_RC" -eq 0
vn_finish
