#!/usr/bin/env bash
# The engine's rooms depend one way: app -> tcp -> net -> core
# (docs/architecture.md). Fails, naming file and line, when
#   - the core (engine/core, include/vecnet/*.h but session.h) includes a
#     network, host stack or application header, or names a network type in
#     its code;
#   - the network layer (engine/net, include/vecnet/net) includes a host
#     stack or application header;
#   - the host stack (engine/tcp, include/vecnet/session.h) includes an
#     application header;
#   - a built-in node or a plugin includes an engine-private header;
#   - a public header includes a private one.
# Comments are stripped first (gcc -fpreprocessed), so a comment may explain
# what lives above; code may not use it.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 2
fail=0

# check PATTERN MESSAGE FILES...: reports the code lines of FILES matching PATTERN.
code_of() { gcc -fpreprocessed -dD -E -P -x c "$1" 2>/dev/null; }
check() {
	local pattern=$1 message=$2 f line
	shift 2
	for f in "$@"; do
		[ -f "$f" ] || continue
		while IFS= read -r line; do
			echo "$f: $message: $line"
			fail=1
		done < <(code_of "$f" | grep -E -- "$pattern")
	done
}

core=$(ls engine/core/*.[ch] include/vecnet/*.h | grep -v '^include/vecnet/session\.h$')
net=$(ls engine/net/*.[ch] include/vecnet/net/*.h)
tcp=$(ls engine/tcp/*.[ch] include/vecnet/session.h)
leaf=$(ls nodes/*.c plugins/*/*.[ch] 2>/dev/null)
public=$(find include -name '*.h')

check '#include *(<vecnet/net/|<vecnet/session\.h>|"(\.\./)*(net|tcp|app)/)' "core includes a layer above it" $core
check '\b(vn_meta|vn_if_[a-z_]+|VN_IF_[A-Z_]+|vn_interface[a-z_]*|vn_fib[a-z_]*|vn_adj[a-z_]*|vn_prefix|rte_ether[a-z_]*|rte_ipv4[a-z_]*|rte_arp[a-z_]*|RTE_ETHER[A-Z_]*|RTE_IPV4[A-Z_]*|ip4[a-z0-9_]*|IPPROTO_[A-Z]+)\b' \
	"core names a network type" $core
check '#include *(<vecnet/session\.h>|"(\.\./)*tcp/)' "network layer includes the host stack" $net
check '#include *"(\.\./)*app/' "network layer includes the application" $net
check '#include *"(\.\./)*app/' "host stack includes the application" $tcp
check '#include *"(\.\./)*(engine/|core/|net/|tcp/|app/)' "node or plugin includes an engine-private header" $leaf
check '#include *"' "public header includes a private one" $public

if [ $fail -ne 0 ]; then
	echo "check-layers: the rooms' one-way dependencies are broken (see docs/architecture.md)" >&2
	exit 1
fi
echo "check-layers: core $(echo $core | wc -w) files, net $(echo $net | wc -w), tcp $(echo $tcp | wc -w), nodes and plugins $(echo $leaf | wc -w): one-way"
