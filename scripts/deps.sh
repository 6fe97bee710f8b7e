#!/usr/bin/env bash
# Installs every Debian package vecnet's build, tests and benches need. Idempotent.
set -euo pipefail
PKGS="build-essential cmake pkg-config dpdk dpdk-dev libdpdk-dev libyaml-dev libreadline-dev
libcunit1-dev liblua5.4-dev lua5.4 libmnl-dev iproute2 iputils-ping curl iperf3 wrk python3-scapy tshark
tcpdump tmux netcat-openbsd procps ethtool abigail-tools clang libclang-rt-14-dev traceroute
apache2-utils nghttp2-client nginx-light nettle-dev"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "deps: installing$missing"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q $missing
