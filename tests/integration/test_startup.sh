#!/usr/bin/env bash
# Start-up as an operator meets it. Every mistake of issue 23 that this
# machine can produce ends in one FILE:LINE:COL message saying what to do,
# with exit 1 (invalid config, failed start) or 2 (usage), in --check and at
# start alike, and leaves nothing behind (no EAL runtime directory, no CLI
# socket); DPDK's usage text never shows and its log lines come through
# vecnet's logger. Relative paths start at the config file. The plugin
# loader names file and descriptor. `vecnet doctor` reports this machine and
# sees hugepages reserved during the test (restored exactly afterwards).
source "$(dirname "$0")/lib.sh"
vn_init startup

V=$VN_BUILD/vecnet
NCPU=$(nproc)
BADCPU=$((NCPU + 3))
HP=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
HP_SAVED=""
restore_hugepages() {
	[ -n "$HP_SAVED" ] && echo "$HP_SAVED" >"$HP"
	HP_SAVED=""
}
trap 'rc=$?; restore_hugepages; (exit $rc); vn_cleanup' EXIT INT TERM

vn_host su-a 10.8.1.2/24 10.8.1.1

# run FILE ARGS...: the engine with its PID known (to look for its runtime
# directory afterwards); sets OUT (stdout+stderr), ERR (stderr), RC, PID.
run() {
	bash -c 'echo $$ >"$0.pid"; exec "$@" >"$0.out" 2>"$0.err"' "$VN_TMP/run" "$V" "$@" &&
		RC=0 || RC=$?
	PID=$(cat "$VN_TMP/run.pid")
	ERR=$(cat "$VN_TMP/run.err")
	OUT=$(cat "$VN_TMP/run.out" "$VN_TMP/run.err")
}

# left_behind: nothing of the last run may remain.
nothing_left() {
	[ ! -e "/var/run/dpdk/vecnet-$PID" ] && [ ! -e "$VN_SOCK" ]
}

has_line() { grep -qxF -- "$1" <<<"$OUT"; }
has_prefix() { grep -q -- "^$(sed 's/[][\.*^$/]/\\&/g' <<<"$1")" <<<"$OUT"; }

base() { # the head of a config; the caller appends interfaces etc.
	cat <<EOT
engine:
  workers: ${1:-[]}
  hugepages: off
  buffers: 8192
cli:
  socket: $VN_SOCK
EOT
}

# --- usage errors: exit 2, the usage on stderr --------------------------
run
vn_check "no arguments: exit 2" test "$RC" -eq 2
vn_check "no arguments: usage on stderr, nothing on stdout" \
	bash -c '[ ! -s "$0.out" ] && grep -q "^usage: vecnet -c FILE" "$0.err"' "$VN_TMP/run"
run --bogus
vn_check "unknown option: exit 2 naming it" test "$RC" -eq 2
vn_check "unknown option: message and usage" \
	bash -c 'grep -qx "vecnet: unknown option '"'"'--bogus'"'"'" "$0.err" && grep -q "^usage:" "$0.err"' "$VN_TMP/run"
run -c
vn_check "-c without a file: exit 2" test "$RC" -eq 2
run --version
vn_check "--version: vecnet, DPDK and how it is linked" \
	bash -c '[ "$1" = 0 ] && grep -qx "vecnet [0-9.]*" "$0.out" &&
		grep -Eqx "DPDK [0-9.]+ \((linked statically|shared libraries)\), plugin ABI [0-9]+" "$0.out"' \
	"$VN_TMP/run" "$RC"
vn_check "--version: no doubled DPDK" bash -c '! grep -q "DPDK DPDK" "$0.out"' "$VN_TMP/run"

# --- a worker on a CPU that does not exist ------------------------------
base "[$BADCPU]" >"$VN_TMP/cpu.yaml"
for mode in --check start; do
	if [ $mode = --check ]; then run --check -c "$VN_TMP/cpu.yaml"; else run -c "$VN_TMP/cpu.yaml"; fi
	vn_check "cpu $BADCPU ($mode): exit 1" test "$RC" -eq 1
	vn_check "cpu $BADCPU ($mode): where, what exists and what to do" \
		has_prefix "$VN_TMP/cpu.yaml:2:13: engine.workers[0]: CPU $BADCPU does not exist; this machine has CPUs 0-$((NCPU - 1)) (isolated: "
	vn_check "cpu $BADCPU ($mode): one message, no EAL usage text" \
		bash -c '[ "$(grep -c "^$1:" <<<"$0")" -eq 1 ] && ! grep -Eqi "EAL options|--lcores|usage" <<<"$0"' \
		"$OUT" "$VN_TMP/cpu.yaml"
	vn_check "cpu $BADCPU ($mode): nothing left behind" nothing_left
done

# A worker on the main core: a warning, and the file is valid.
base "[0]" >"$VN_TMP/shared.yaml"
run --check -c "$VN_TMP/shared.yaml"
vn_check "worker on the main core: valid (exit 0)" test "$RC" -eq 0
vn_check "worker on the main core: a warning at its position" \
	has_prefix "$VN_TMP/shared.yaml:2:13: warning: engine.workers[0]: CPU 0 is also engine.main-core: the worker shares the control thread's core"

# --- hugepages: on without enough pages ---------------------------------
free2m=$(cat /sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages)
{ base; } | sed 's/hugepages: off/hugepages: on/; s/buffers: 8192/buffers: 16777216/' >"$VN_TMP/huge.yaml"
run -c "$VN_TMP/huge.yaml"
vn_check "hugepages on, 16M buffers: exit 1" test "$RC" -eq 1
vn_check "hugepages on: how many pages and the command" \
	has_prefix "$VN_TMP/huge.yaml:3:14: engine.hugepages: 'on' needs 41216 MB of hugepages for 16777216 buffers and the FIB, "
vn_check "hugepages on: the command reserves 20608 pages" \
	grep -qF 'reserve 20608 pages of 2 MB: `echo 20608 > /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages`' <<<"$OUT"
vn_check "hugepages on: nothing left behind" nothing_left
if [ "$free2m" -lt 148 ]; then
	base | sed 's/hugepages: off/hugepages: on/; s/buffers: 8192/buffers: 16384/' >"$VN_TMP/huge2.yaml"
	run -c "$VN_TMP/huge2.yaml"
	vn_check "hugepages on with $free2m free pages, default buffers: 148 pages asked for" \
		bash -c '[ "$1" = 1 ] && grep -qF "reserve 148 pages of 2 MB" <<<"$0"' "$OUT" "$RC"
fi

# --- Linux interfaces that do not exist ---------------------------------
{ base; cat <<EOT
interfaces:
  - name: lan0
    device: net_af_packet0,iface=su-nosuch0
  - name: lan1
    device: host:su-nosuch1
EOT
} >"$VN_TMP/iface.yaml"
run -c "$VN_TMP/iface.yaml"
vn_check "missing iface=: exit 1 before EAL" test "$RC" -eq 1
vn_check "missing iface=: Linux has no interface, at 9:13" \
	has_prefix "$VN_TMP/iface.yaml:9:13: interfaces[0].device: Linux has no interface 'su-nosuch0' (it has: "
vn_check "missing host:: at 11:13" \
	has_prefix "$VN_TMP/iface.yaml:11:13: interfaces[1].device: Linux has no interface 'su-nosuch1'"
vn_check "the existing interfaces are named" grep -q "su-a-r" <<<"$OUT"
vn_check "missing iface: nothing left behind" nothing_left

# A PCI device of this machine that Linux drives: not given to DPDK.
pci=$(for n in /sys/class/net/*; do
	d=$(readlink -f "$n/device" 2>/dev/null) || continue
	for c in "$d" "$(dirname "$d")"; do
		b=$(basename "$c")
		[[ $b =~ ^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-9a-f]$ ]] && { echo "$b"; break 2; }
	done
done)
if [ -n "$pci" ]; then
	drv=$(basename "$(readlink -f "/sys/bus/pci/devices/$pci/driver")")
	{ base; printf 'interfaces:\n  - name: wan0\n    device: "%s"\n' "$pci"; } >"$VN_TMP/pci.yaml"
	run --check -c "$VN_TMP/pci.yaml"
	vn_check "PCI $pci bound to $drv: exit 1 with the dpdk-devbind.py line" \
		bash -c '[ "$1" = 1 ] && grep -qF "$2:9:13: interfaces[0].device: PCI device $3 is bound to $4, not to vfio-pci or uio_pci_generic; give it to DPDK with \`modprobe vfio-pci && dpdk-devbind.py --bind=vfio-pci $3\`" <<<"$0"' \
		"$OUT" "$RC" "$VN_TMP/pci.yaml" "$pci" "$drv"
fi
{ base; printf 'interfaces:\n  - name: wan0\n    device: "0000:7f:1f.7"\n'; } >"$VN_TMP/nopci.yaml"
run --check -c "$VN_TMP/nopci.yaml"
vn_check "a PCI address that does not exist" \
	bash -c '[ "$1" = 1 ] && grep -q "^$2:9:13: interfaces\[0\].device: no PCI device 0000:7f:1f.7 on this machine" <<<"$0"' \
	"$OUT" "$RC" "$VN_TMP/nopci.yaml"

# --- the CLI socket's directory, plugin path, exec files -----------------
base | sed "s|socket: .*|socket: /dev/null/su/cli.sock|" >"$VN_TMP/sock.yaml"
run -c "$VN_TMP/sock.yaml"
vn_check "uncreatable socket directory: exit 1 at 6:11" \
	bash -c '[ "$1" = 1 ] && grep -qx "$2:6:11: cli.socket: cannot create the directory of /dev/null/su/cli.sock: /dev/null is not a directory; choose another socket path" <<<"$0"' \
	"$OUT" "$RC" "$VN_TMP/sock.yaml"
vn_check "uncreatable socket: nothing left behind" nothing_left

{ base; printf 'plugins:\n  path: build/plugins\n'; } >"$VN_TMP/plug.yaml"
run --check -c "$VN_TMP/plug.yaml"
vn_check "missing plugin path: exit 1, resolved against the file's directory" \
	bash -c '[ "$1" = 1 ] && grep -qF "$2:8:9: plugins.path: no directory $3/build/plugins (relative paths start at the config file'"'"'s directory)" <<<"$0"' \
	"$OUT" "$RC" "$VN_TMP/plug.yaml" "$VN_TMP"

{ base; printf 'exec: [set interface feature lan0 sample-filter arc ip4-unicast]\n'; } >"$VN_TMP/exec.yaml"
run --check -c "$VN_TMP/exec.yaml"
vn_check "exec of a command, not a file: --check says so at 7:8" \
	bash -c '[ "$1" = 1 ] && grep -qF "$2:7:8: exec[0]: $3/set interface feature lan0 sample-filter arc ip4-unicast: No such file or directory; exec takes files of CLI commands or .lua scripts" <<<"$0"' \
	"$OUT" "$RC" "$VN_TMP/exec.yaml" "$VN_TMP"

{ base; printf 'plugins:\n  path: %s\n  enable: [sample, su-nosuch]\n' "$VN_BUILD/plugins"; } >"$VN_TMP/enable.yaml"
run --check -c "$VN_TMP/enable.yaml"
vn_check "plugins.enable naming no plugin: exit 1 at 9:20, naming what is there" \
	bash -c '[ "$1" = 1 ] && grep -q "^$2:9:20: plugins.enable\[1\]: no plugin '"'"'su-nosuch'"'"' loads from .*(there: .*sample" <<<"$0"' \
	"$OUT" "$RC" "$VN_TMP/enable.yaml"

# --- a plugin whose file is named otherwise than its descriptor ---------
mkdir -p "$VN_TMP/p2"
cp "$VN_BUILD/plugins/sample_plugin.so" "$VN_TMP/p2/mysample_plugin.so"
for name in mysample sample; do
	{ base; printf 'plugins:\n  path: %s\n  enable: [%s]\nsample:\n  drop-protocol: 17\n' "$VN_TMP/p2" "$name"; } >"$VN_TMP/ren.yaml"
	run --check -c "$VN_TMP/ren.yaml"
	vn_check "renamed plugin enabled as '$name': valid, no false warning" \
		bash -c '[ "$1" = 0 ] && ! grep -q "not loaded" <<<"$0"' "$OUT" "$RC"
done
vn_engine_start "$VN_TMP/ren.yaml"
vn_check "renamed plugin: the loader names file and descriptor" \
	grep -q "loaded plugin 'sample' (file mysample_plugin.so)" "$VN_ENGINE_LOG"
vn_engine_stop

# --- relative paths, started from another directory ---------------------
mkdir -p "$VN_TMP/etc/conf"
ln -s "$VN_BUILD/plugins" "$VN_TMP/etc/plugins"
echo "ip route add 10.9.0.0/16 via drop" >"$VN_TMP/etc/conf/setup.cli"
{ base | sed "s|socket: .*|socket: run/cli.sock|"; cat <<EOT
plugins:
  path: ../plugins
  enable: [sample]
interfaces:
  - name: lan0
    device: host:su-a-r
    addresses: [10.8.1.1/24]
sample:
  drop-protocol: 17
exec: [setup.cli]
EOT
} >"$VN_TMP/etc/conf/rel.yaml"
(cd / && "$V" --check -c "$VN_TMP/etc/conf/rel.yaml" >"$VN_TMP/rel.out" 2>&1) && rc=0 || rc=$?
vn_check "relative plugin path from /: valid (the sample section is known)" test "$rc" -eq 0
SOCK_SAVED=$VN_SOCK
VN_SOCK=$VN_TMP/etc/conf/run/cli.sock
(cd / && exec "$V" -c "$VN_TMP/etc/conf/rel.yaml" >"$VN_TMP/rel.log" 2>&1) &
VN_ENGINE_PID=$!
VN_ENGINE_LOG=$VN_TMP/rel.log
for _ in $(seq 100); do vnctl show version >/dev/null 2>&1 && break; sleep 0.1; done
vn_check "started from /: the socket is beside the file" test -S "$VN_SOCK"
vn_check "started from /: the sample plugin loaded" grep -q "^sample " <<<"$(vnctl show plugins)"
vn_check "started from /: the exec file beside it ran" grep -q "10.9.0.0/16" <<<"$(vnctl show ip fib)"
vn_check "host:su-a-r is up by default and answers ping" ip netns exec su-a ping -q -c 1 -W 2 10.8.1.1
ENGINE_PID=$VN_ENGINE_PID
vn_engine_stop
vn_check "engine exits 0" test "$VN_ENGINE_RC" -eq 0
vn_check "after a clean stop: no runtime directory, no socket" \
	bash -c '[ ! -e "/var/run/dpdk/vecnet-$0" ] && [ ! -e "$1" ]' "$ENGINE_PID" "$VN_SOCK"
VN_SOCK=$SOCK_SAVED

# --- a start that fails in a driver: DPDK's reason, through our logger ---
{ base; printf 'interfaces:\n  - name: pc0\n    device: net_pcap0,rx_pcap=%s/su-none.pcap\n' "$VN_TMP"; } >"$VN_TMP/probe.yaml"
run -c "$VN_TMP/probe.yaml"
vn_check "failed probe: exit 1" test "$RC" -eq 1
vn_check "failed probe: reported with the driver's reason" \
	grep -q "interface pc0 (net_pcap0,rx_pcap=.*): No such device; DPDK said: open_single_rx_pcap(): Couldn't open $VN_TMP/su-none.pcap" <<<"$OUT"
vn_check "failed probe: DPDK's lines carry their log type" grep -q "vecnet error \[dpdk:pmd.net.pcap\]" <<<"$OUT"
vn_check "failed probe: every line is vecnet's (no raw EAL output)" \
	bash -c '! grep -Ev "^[0-9]+\.[0-9]+ vecnet " <<<"$0"' "$OUT"
vn_check "failed probe: no runtime directory, no socket" nothing_left

# --- vecnet doctor ------------------------------------------------------
run doctor
vn_check "doctor: exit 0" test "$RC" -eq 0
vn_check "doctor: the cores" grep -q "^cpu: $NCPU cores online (0-$((NCPU - 1)))" <<<"$OUT"
vn_check "doctor: isolation" grep -q "isolated: .*; nohz_full: .*; rcu_nocbs: " <<<"$OUT"
vn_check "doctor: hugepage state" grep -Eq "^  2 MB pages: [0-9]+ reserved, [0-9]+ free" <<<"$OUT"
vn_check "doctor: iommu and vfio" grep -q "^iommu: \(on\|off\); vfio-pci: " <<<"$OUT"
for n in $(ls /sys/class/net); do
	vn_check "doctor: lists $n" grep -q "^  $n: " <<<"$OUT"
done
if [ -n "$pci" ]; then
	vn_check "doctor: $pci with its driver and NUMA node" grep -q "pci $pci, driver $drv, numa node" <<<"$OUT"
fi
gw=$(awk '$2 == "00000000" { print $1; exit }' /proc/net/route)
if [ -n "$gw" ] && grep -q "^  $gw: pci" <<<"$OUT"; then
	vn_check "doctor: $gw carries the default route: do not take it" \
		bash -c 'grep -A3 "^  $1: pci" <<<"$0" | grep -q "do not take this one"' "$OUT" "$gw"
fi
before=$OUT
HP_SAVED=$(cat "$HP")
HP_ORIG=$HP_SAVED
echo $((HP_SAVED + 4)) >"$HP"
now=$(cat "$HP")
run doctor
vn_check "doctor sees the pages reserved in the test ($now)" \
	grep -Eq "^  2 MB pages: $now reserved" <<<"$OUT"
vn_check "doctor's report changed" test "$before" != "$OUT"
restore_hugepages
vn_check "nr_hugepages restored exactly ($HP_ORIG)" test "$(cat "$HP")" = "$HP_ORIG"
run doctor -c "$VN_TMP/cpu.yaml"
vn_check "doctor -c: the file's machine checks, exit 1" \
	bash -c '[ "$1" = 1 ] && grep -q "^$2:2:13: engine.workers\[0\]: CPU" <<<"$0"' "$OUT" "$RC" "$VN_TMP/cpu.yaml"
run doctor --bogus
vn_check "doctor --bogus: exit 2" test "$RC" -eq 2
vn_finish
