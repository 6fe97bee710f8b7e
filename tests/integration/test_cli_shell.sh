#!/usr/bin/env bash
# The shell as a VPP operator's fingers use it: unique prefixes of every
# command word in one-shot vecnetctl, exec files, Lua's vecnet.cli and the
# interactive shell (driven through tmux: a prefix, tab completion of a
# prefix, an ambiguous prefix, `?` after a prefix).
source "$(dirname "$0")/lib.sh"
vn_init cli-shell
command -v tmux >/dev/null || { echo "missing tool: tmux" >&2; exit 1; }

vn_host vt-sh 10.0.1.2/24 10.0.1.1
CFG=$VN_TMP/shell.yaml
{
	vn_config_base
	cat <<EOT
interfaces:
  - { name: lan0, device: "host:vt-sh-r", addresses: [10.0.1.1/24] }
EOT
} >"$CFG"
vn_engine_start "$CFG"

# One-shot: the abbreviations run the same commands as the whole words.
vn_check "sh int = show interface" test "$(vnctl sh int)" = "$(vnctl show interface)"
vn_check "sh ip fib = show ip fib" test "$(vnctl sh ip fib)" = "$(vnctl show ip fib)"
vn_check "sh err = show errors" test "$(vnctl sh err)" = "$(vnctl show errors)"
vnctl set int ip addr lan0 10.0.7.1/24
vn_check "set int ip addr adds an address" bash -c "'$VN_BUILD/vecnetctl' -s '$VN_SOCK' show interface lan0 | grep -q 10.0.7.1/24"
vnctl set int state lan0 down
vn_check "set int state lan0 down" bash -c "'$VN_BUILD/vecnetctl' -s '$VN_SOCK' show interface lan0 | grep -q down"
vnctl set int state lan0 up
out=$(vnctl s int 2>&1) && rc=0 || rc=$?
vn_check "an ambiguous prefix fails" test "$rc" -eq 1
vn_check "and names the candidates" grep -q "ambiguous 's': .*set.*show" <<<"$out"
out=$(vnctl show interfce 2>&1 || true)
vn_check "a typo gets a suggestion" grep -q "did you mean 'show interface'?" <<<"$out"

# exec files and Lua take the same prefixes.
printf 'set int ip addr lan0 10.0.8.1/24\nsh int lan0\n' >"$VN_TMP/pre.cli"
out=$(vnctl exec "$VN_TMP/pre.cli")
vn_check "exec file with prefixes" grep -q "10.0.8.1/24" <<<"$out"
out=$(vnctl lua eval 'return vecnet.cli("sh ip fib 10.0.8.9")')
vn_check "Lua vecnet.cli with prefixes" grep -q "10.0.8.0/24" <<<"$out"

# The interactive shell in a tmux pane: type, then read the screen.
SES="vnsh-$$"
tmux new-session -d -s "$SES" -x 200 -y 50 "'$VN_BUILD/vecnetctl' -s '$VN_SOCK'"
# The pane goes with the rest; vn_cleanup sees the scenario's own status.
shell_cleanup() {
	local rc=$?
	tmux kill-session -t "$SES" 2>/dev/null || true
	(exit $rc)
	vn_cleanup
}
trap shell_cleanup EXIT INT TERM
screen() { tmux capture-pane -p -t "$SES" -S -200; }
# waits (bounded) until the screen shows the pattern
wait_screen() {
	for _ in $(seq 50); do screen | grep -q -- "$1" && return 0; sleep 0.1; done
	return 1
}
vn_check "the shell starts" wait_screen "vecnet#"
tmux send-keys -t "$SES" "sh ver" Enter
vn_check "interactive: sh ver runs show version" wait_screen "vecnet .*DPDK"
tmux send-keys -t "$SES" "sh int" Tab
vn_check "interactive: Tab completes a prefix's word (sh int -> sh interface)" wait_screen "sh interface"
tmux send-keys -t "$SES" C-u
tmux send-keys -t "$SES" "s int" Enter
vn_check "interactive: an ambiguous prefix names the candidates" wait_screen "ambiguous 's'"
tmux send-keys -t "$SES" "sh ip f?"
vn_check "interactive: ? after a prefix shows the syntax" wait_screen "show ip fib"
tmux send-keys -t "$SES" C-u "quit" Enter
for _ in $(seq 30); do tmux has-session -t "$SES" 2>/dev/null || break; sleep 0.1; done
vn_check "quit leaves the shell" bash -c "! tmux has-session -t '$SES' 2>/dev/null"

vn_check "the engine is still serving" vnctl show version
vn_finish
