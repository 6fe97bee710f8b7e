-- Example appliance setup in Lua, for the interfaces of configs/default.yaml
-- (lan0 10.0.1.0/24, lan1 10.0.2.0/24). Run it with `vecnetctl lua run FILE`,
-- `exec FILE`, or from a config in configs/: `exec: [examples/setup.lua]`
-- (exec paths start at the config file's directory).
-- Every vecnet.* call goes through the engine's control API; an error stops the
-- script with FILE:LINE and leaves what it already did in place.

local uplink, lan = "lan0", "lan1"

-- A static neighbour for the upstream gateway, so it never needs ARP.
vecnet.neighbor_set(uplink, "10.0.1.2", "02:00:00:00:01:02")

-- Default route and a black hole for documentation space.
vecnet.route_add("0.0.0.0/0", "10.0.1.2", uplink)
vecnet.route_add("203.0.113.0/24", "drop")

-- Two equal-cost paths for a service network.
vecnet.route_add("198.51.100.0/24", { "10.0.2.2", "10.0.2.3" })

-- A block of per-site routes, generated instead of written out.
for site = 1, 16 do
	vecnet.route_add(string.format("172.16.%d.0/24", site), "10.0.2.2", lan)
end

-- Anything vecnet.* does not cover is still a CLI command away.
vecnet.cli("clear interfaces")

-- Report what we have; print() goes to the output of the command that ran us.
for _, i in ipairs(vecnet.interfaces()) do
	print(string.format("%-6s %-4s mtu %d  %s", i.name, i.up and "up" or "down", i.mtu,
		table.concat(i.addresses, " ")))
end
print(string.format("%d routes", vecnet.route_count()))
local r = vecnet.route_lookup("198.51.100.7")
print(string.format("198.51.100.7 -> %s via %d paths", r.prefix, #r.paths))
