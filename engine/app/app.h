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
/* Runs the exec: files (CLI files and .lua scripts). */
int vn_config_exec(const struct vn_config *cfg);

#endif
