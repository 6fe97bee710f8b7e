/*
 * Start-up with a node whose next arc names no registered node: the build
 * fails, naming node and arc. Its own executable, because the node registers
 * itself by constructor like any real node and would break every other
 * graph built in the same binary (test_graph.c covers the other build errors
 * by registering and unregistering around a rebuild).
 */
#include <CUnit/CUnit.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <vecnet/graph.h>

#include "vn_test.h"

static uint16_t
bad_fn(struct vn_graph *g, struct vn_node *node, struct rte_mbuf **pkts, uint16_t n)
{
	return n;
}

VN_NODE_REGISTER(tg_bad_arc) = {
	.name = "tg-bad-arc",
	.fn = bad_fn,
	.n_next = 3,
	.next_names = {[1] = "error-drop", [2] = "tg-no-such-node"},
};

static void
test_unknown_arc(void)
{
	char msg[2048];
	FILE *tmp = tmpfile();
	int saved, rc;
	size_t got;

	CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	dup2(fileno(tmp), STDERR_FILENO);
	rc = vn_graph_build();
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(tmp);
	got = fread(msg, 1, sizeof(msg) - 1, tmp);
	msg[got] = '\0';
	fclose(tmp);

	CU_ASSERT_EQUAL(rc, -ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "'tg-bad-arc'"));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "arc 2"));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "'tg-no-such-node'"));
	/* Trying again fails the same way. (The engine exits on a failed build;
	 * vn_graph_create() does not itself refuse to run after one.) */
	CU_ASSERT_EQUAL(vn_graph_build(), -ENOENT);
}

int
main(void)
{
	static CU_TestInfo tests[] = {
		{"unknown next arc fails the build", test_unknown_arc},
		CU_TEST_INFO_NULL,
	};
	static CU_SuiteInfo suites[] = {
		{"graph build: unknown arc", NULL, NULL, NULL, NULL, tests},
		CU_SUITE_INFO_NULL,
	};
	return vn_test_run(suites);
}
