#include "vn_test.h"

#include <CUnit/Basic.h>
#include <rte_eal.h>
#include <rte_mbuf.h>
#include <stdio.h>
#include <vecnet/buffer.h>
#include <vecnet/net/neighbor6.h>

int
vn_test_run(CU_SuiteInfo *suites)
{
	int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (CU_register_suites(suites) != CUE_SUCCESS) {
		fprintf(stderr, "suite registration: %s\n", CU_get_error_msg());
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	if (CU_get_error() != CUE_SUCCESS)
		failed++;
	CU_cleanup_registry();
	return failed ? 1 : 0;
}

int
vn_test_eal_init(void)
{
	static int done;
	char *argv[] = {"vn_test", "--no-huge", "-m", "512", "--no-pci", "--no-shconf",
			"--log-level", "error", "-l", "0", NULL};

	if (done)
		return done > 0 ? 0 : -1;
	if (rte_eal_init((int)(sizeof(argv) / sizeof(argv[0])) - 1, argv) < 0) {
		done = -1;
		return -1;
	}
	vn_pktmbuf_pool = rte_pktmbuf_pool_create("vn_test_pool", 4095, 256, VN_BUF_PRIV_SIZE,
						  RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	done = vn_pktmbuf_pool ? 1 : -1;
	/* Addresses usable at once (no duplicate address detection): the
	 * tests that check DAD turn it on. */
	vn_nd6_config_set(&(struct vn_nd6_config){.reachable_ms = VN_ND_REACHABLE_DEFAULT_MS,
						  .dad_transmits = 0});
	return done > 0 ? 0 : -1;
}
