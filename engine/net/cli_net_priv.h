/* What the network layer's command files share (engine-private). */
#ifndef VN_CLI_NET_PRIV_H
#define VN_CLI_NET_PRIV_H

#include <vecnet/cli.h>

/* The answer to `CMD NAME` deleting an interface of one kind (WHAT: "tap
 * interface"): 0, or the error its return code rc means. */
int vn_cli_if_delete_result(struct vn_cli_out *out, const char *cmd, const char *what,
			    const char *name, int rc);

#endif
