/* Start-up steps of the vecnet application (main.c, eal.c, config_apply.c). */
#ifndef VN_APP_H
#define VN_APP_H

#include "app/engine_config.h"

/* Builds EAL arguments from the config and starts EAL; 0 or -1. */
int vn_eal_start(const struct vn_config *cfg, const char *prog);
/* Creates (and opens) every configured interface; before the graph is built. */
int vn_config_create_interfaces(const struct vn_config *cfg);
/* Applies interfaces, routes, neighbours and plugin sections. */
int vn_config_apply(const struct vn_config *cfg);
/* What must be known before the graph is built (tcp.max-connections). */
int vn_config_early(const struct vn_config *cfg);
/* Once the workers run: listeners and connections of tcp.listen/connect. */
int vn_config_start(const struct vn_config *cfg);
/* Runs the exec: files (CLI files and .lua scripts). */
int vn_config_exec(const struct vn_config *cfg);

/* Checks the file against the machine (config_machine.c): CPUs, hugepages,
 * Linux interfaces and PCI devices, the CLI socket's directory, plugins and
 * exec files. Errors and warnings go to err as FILE:LINE:COL; returns the
 * number of errors. Plugins must have been loaded (plugins.enable is checked
 * against what loaded). */
int vn_config_machine_check(const struct vn_config *cfg, FILE *err);

/* `vecnet doctor [-c FILE]` (doctor.c): the machine's readiness report on out;
 * with cfg, its machine checks too. Returns 0, or 1 when cfg has errors. */
int vn_doctor(const struct vn_config *cfg, FILE *out);

/* The first error DPDK logged at start (eal.c), "" when none: a failed
 * probe's reason in the driver's words. */
const char *vn_eal_first_error(void);
/* Removes the EAL's runtime directory of this process (vecnet-PID). */
void vn_eal_remove_runtime_dir(void);

#endif
