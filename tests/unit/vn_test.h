/* Shared main() helper for the CUnit suites, and an EAL for tests that need DPDK memory. */
#ifndef VN_TEST_H
#define VN_TEST_H

#include <CUnit/CUnit.h>

/* Suites drive the engine from inside: the core's private API (graph build
 * and instances, RCU readers, trace, CLI completion, Lua limits, config). */
#include "core/cli_priv.h"
#include "core/config_priv.h"
#include "core/graph_priv.h"
#include "core/lua_priv.h"
#include "core/rcu_priv.h"
#include "core/trace_priv.h"

/* Runs the suites with the basic interface; returns non-zero on any failure. */
int vn_test_run(CU_SuiteInfo *suites);
/* Starts a small in-memory EAL (no hugepages, no PCI, null vdevs only) and the
 * packet pool; idempotent. Returns 0 or -1. */
int vn_test_eal_init(void);

#endif
