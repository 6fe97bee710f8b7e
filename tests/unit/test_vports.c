/*
 * Taps and memifs created and deleted through the CLI and Lua: names as
 * VPP's (tapN, memifS/N), the errors each refusal gives (an existing id, a
 * missing namespace, a bad socket path), and what delete leaves behind:
 * nothing (the Linux tap is gone, the master's socket file removed, the
 * names free again).
 */
#include <CUnit/CUnit.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vecnet/net/fib.h>
#include <vecnet/net/interface.h>
#include <vecnet/net/neighbor.h>
#include <vecnet/rcu.h>

#include "net/memif_priv.h"
#include "net/port_priv.h"
#include "net/tap_priv.h"
#include "vn_test.h"
#include "vn_test_cli.h"

static char dir[64];
static char sock[128];

static int
suite_init(void)
{
	static const uint32_t main_only[] = {0};

	out = vn_cli_out_new();
	if (!out || vn_test_eal_init() < 0 || vn_rcu_init(4) < 0 || vn_fib_init(1024) < 0 ||
	    vn_neighbor_init() < 0)
		return -1;
	vn_port_set_tx_queues(1);
	if (vn_rxq_place(1, main_only) < 0)
		return -1;
	snprintf(dir, sizeof(dir), "/tmp/vn-vports.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(sock, sizeof(sock), "%s/m.sock", dir);
	return 0;
}

static int
suite_fini(void)
{
	unlink(sock);
	rmdir(dir);
	vn_cli_out_free(out);
	return 0;
}

static bool
is_socket(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

static void
test_tap_errors(void)
{
	expect_err("create tap host-ns vn-no-such-ns-42",
		   "create tap: no network namespace 'vn-no-such-ns-42' (ip netns add "
		   "vn-no-such-ns-42)");
	expect_err("create tap host-if-name a-name-far-too-long-for-linux",
		   "create tap: 'a-name-far-too-long-for-linux' is not a Linux interface name");
	expect_err("create tap host-if-name a,b", "create tap: 'a,b' is not a Linux interface name");
	expect_err("create tap hw-addr 03:00:00:00:00:01",
		   "create tap: hw-addr must be a unicast address");
	CU_ASSERT(has(cmd_fail("create tap id 5000"), "unexpected"));
	CU_ASSERT(has(cmd_fail("create tap host-ip4-addr 10.0.0.1"), "unexpected"));
	expect_err("delete tap tap9", "delete tap: 'tap9' is no tap interface");
	/* Nothing was left half-made. */
	CU_ASSERT_PTR_NULL(vn_interface_by_name("tap0"));
	CU_ASSERT(has(cmd_fail("lua eval vecnet.create_tap({host_ns = 'vn-no-such-ns-42'})"),
		      "no network namespace 'vn-no-such-ns-42'"));
}

/* A tap in vecnet's own namespace: Linux has the interface while it lives. */
static void
test_tap_create_delete(void)
{
	if (access("/dev/net/tun", R_OK | W_OK) != 0 || geteuid() != 0) {
		fprintf(stderr, "(no /dev/net/tun or not root: tap creation not tested) ");
		return;
	}
	CU_ASSERT_STRING_EQUAL_FATAL(cmd_ok("create tap id 3 host-if-name vnut-tap3 hw-addr "
					    "02:00:00:00:00:33"),
				     "tap3\n");
	const struct vn_interface *t = vn_interface_by_name("tap3");
	static const uint8_t mac[6] = {2, 0, 0, 0, 0, 0x33};
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(memcmp(t->mac, mac, 6), 0);
	CU_ASSERT_FALSE(t->admin_up);
	CU_ASSERT_NOT_EQUAL(if_nametoindex("vnut-tap3"), 0);
	expect_err("create tap id 3", "create tap: tap3 exists");
	expect_err("create tap host-if-name vnut-tap3",
		   "create tap: Linux already has an interface 'vnut-tap3'");
	/* Its Linux side is brought up when created: the link is up. */
	CU_ASSERT_TRUE(vn_interface_link_up(t->if_index));
	cmd_ok("delete tap tap3");
	CU_ASSERT_PTR_NULL(vn_interface_by_name("tap3"));
	CU_ASSERT_EQUAL(if_nametoindex("vnut-tap3"), 0);
	/* The vdev went with it: the same id and Linux name work again (Lua). */
	CU_ASSERT(has(cmd_ok("lua eval print(vecnet.create_tap({id = 3, "
			     "host_if_name = 'vnut-tap3'}))"),
		      "tap3"));
	cmd_ok("lua eval vecnet.delete_tap('tap3')");
	CU_ASSERT_EQUAL(if_nametoindex("vnut-tap3"), 0);
}

static void
test_memif_socket_errors(void)
{
	char line[256];

	expect_err("create memif socket id 0 filename /tmp/x.sock",
		   "create memif socket: socket id 0 is /run/vpp/memif.sock and cannot be changed");
	expect_err("create memif socket id 2 filename relative.sock",
		   "create memif socket: 'relative.sock' must be an absolute path of at most 107 "
		   "bytes");
	expect_err("create memif socket id 2 filename /vn-no-such-dir/m.sock",
		   "create memif socket: the directory of '/vn-no-such-dir/m.sock' does not exist");
	CU_ASSERT(has(cmd_fail("create memif socket id 64 filename /tmp/x.sock"), "unexpected"));
	expect_err("create memif id 1 socket-id 9",
		   "create memif: no socket id 9 (create memif socket id 9 filename PATH)");
	snprintf(line, sizeof(line), "create memif socket id 2 filename %s", sock);
	cmd_ok(line);
	expect_err("delete memif socket id 5", "delete memif socket: no socket id 5");
	expect_err("delete memif memif2/0", "delete memif: 'memif2/0' is no memif interface");
	expect_err("create memif hw-addr 01:00:00:00:00:01",
		   "create memif: hw-addr must be a unicast address");
}

static void
test_memif_create_delete(void)
{
	char line[256];

	CU_ASSERT_STRING_EQUAL_FATAL(cmd_ok("create memif id 0 socket-id 2 master"), "memif2/0\n");
	CU_ASSERT_TRUE(is_socket(sock));
	const struct vn_interface *m = vn_interface_by_name("memif2/0");
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_FALSE(m->admin_up);
	CU_ASSERT_FALSE(vn_interface_link_up(m->if_index)); /* no slave yet */
	expect_err("create memif id 0 socket-id 2 slave", "create memif: memif2/0 exists");
	snprintf(line, sizeof(line), "create memif socket id 2 filename %s", sock);
	expect_err(line, "create memif socket: socket id 2 is in use by a memif");
	expect_err("delete memif socket id 2",
		   "delete memif socket: socket id 2 is in use by a memif");
	/* A second master on the same socket shares its listener. */
	CU_ASSERT_STRING_EQUAL(cmd_ok("create memif id 1 socket-id 2"), "memif2/1\n");
	cmd_ok("delete memif memif2/1");
	CU_ASSERT_TRUE(is_socket(sock));
	cmd_ok("delete memif memif2/0");
	CU_ASSERT_PTR_NULL(vn_interface_by_name("memif2/0"));
	CU_ASSERT_FALSE(is_socket(sock)); /* the last master removed its socket */
	/* A slave waits for its master (created, link down). */
	CU_ASSERT(has(cmd_ok("lua eval print(vecnet.create_memif({id = 4, socket_id = 2, "
			     "role = 'slave'}))"),
		      "memif2/4"));
	CU_ASSERT_FALSE(vn_interface_link_up(vn_interface_by_name("memif2/4")->if_index));
	CU_ASSERT(has(cmd_fail("lua eval vecnet.create_memif({role = 'boss'})"),
		      "neither master nor slave"));
	cmd_ok("lua eval vecnet.delete_memif('memif2/4')");
	CU_ASSERT(has(cmd_fail("lua eval vecnet.delete_memif('memif2/4')"),
		      "no such memif interface"));
	cmd_ok("delete memif socket id 2");
	expect_err("create memif socket-id 2", "create memif: no socket id 2 (create memif socket "
					       "id 2 filename PATH)");
}

int
main(void)
{
	static CU_TestInfo tests[] = {
		{"create tap: errors", test_tap_errors},
		{"tap created and deleted, Linux side with it", test_tap_create_delete},
		{"memif sockets: errors", test_memif_socket_errors},
		{"memif created and deleted, socket with it", test_memif_create_delete},
		CU_TEST_INFO_NULL,
	};
	static CU_SuiteInfo suites[] = {
		{"tap and memif", suite_init, suite_fini, NULL, NULL, tests},
		CU_SUITE_INFO_NULL,
	};
	return vn_test_run(suites);
}
