/*
 * Wire protocol between vecnetctl and the engine's CLI server, over a
 * SOCK_STREAM Unix socket. Any number of requests per connection, each answered
 * in order by one response.
 *
 *   request:  TYPE (1 byte: EXEC, COMPLETE, HELP) | LEN (4 bytes, network order) | TEXT
 *   response: STATUS (1 byte: 0 ok, 1 error)      | LEN (4 bytes, network order) | BODY
 *
 * TEXT is the command line (EXEC, HELP) or the line up to the cursor (COMPLETE);
 * it carries no NUL byte and no terminator. BODY by status and type:
 *   ok EXEC, HELP   the output text
 *   ok COMPLETE     candidates for the last word, each followed by '\n'
 *   error           OUTPUT '\0' MESSAGE: the output produced before the failure
 *                   (possibly empty), one NUL byte, then the error message
 * LEN is at most VN_CLI_MSG_MAX; a peer sending more is disconnected.
 *
 * Shared by the engine and vecnetctl: no DPDK, no engine logging here.
 */
#ifndef VECNET_CLI_PROTO_H
#define VECNET_CLI_PROTO_H

#include <stddef.h>
#include <stdint.h>

enum vn_cli_req_type {
	VN_CLI_REQ_EXEC = 1,
	VN_CLI_REQ_COMPLETE = 2,
	VN_CLI_REQ_HELP = 3,
};

enum vn_cli_status {
	VN_CLI_STATUS_OK = 0,
	VN_CLI_STATUS_ERR = 1,
};

#define VN_CLI_HDR_LEN 5
#define VN_CLI_MSG_MAX (16u * 1024 * 1024)
#define VN_CLI_SOCKET_DEFAULT "/run/vecnet/cli.sock"

static inline void
vn_cli_hdr_encode(uint8_t hdr[VN_CLI_HDR_LEN], uint8_t type, uint32_t len)
{
	hdr[0] = type;
	hdr[1] = (uint8_t)(len >> 24);
	hdr[2] = (uint8_t)(len >> 16);
	hdr[3] = (uint8_t)(len >> 8);
	hdr[4] = (uint8_t)len;
}

static inline uint32_t
vn_cli_hdr_len(const uint8_t hdr[VN_CLI_HDR_LEN])
{
	return (uint32_t)hdr[1] << 24 | (uint32_t)hdr[2] << 16 | (uint32_t)hdr[3] << 8 | hdr[4];
}

/* Connects to the socket at path. Returns the fd (blocking, close-on-exec) or -errno. */
int vn_cli_connect(const char *path);

/*
 * Whole-buffer I/O that retries on EINTR and short transfers; never raises
 * SIGPIPE. 0 on success, -errno on error, -ECONNRESET when the peer closed.
 * A non-blocking fd may return -EAGAIN after a partial transfer.
 */
int vn_cli_write_full(int fd, const void *buf, size_t len);
int vn_cli_read_full(int fd, void *buf, size_t len);

/* One message: header and body. type is a request type or a status. */
int vn_cli_send_msg(int fd, uint8_t type, const void *body, size_t len);
/*
 * Reads one message; *body is malloc'd with len + 1 bytes, NUL-terminated
 * (free it). Returns 0, -ECONNRESET on EOF, -EMSGSIZE if over VN_CLI_MSG_MAX,
 * -ENOMEM, or -errno.
 */
int vn_cli_recv_msg(int fd, uint8_t *type, char **body, size_t *len);

/* Sends a request and waits for its response (blocking fd). */
int vn_cli_request(int fd, uint8_t type, const char *text, uint8_t *status, char **body,
		   size_t *len);

/* Splits an error body into its output and message (both point into body). */
void vn_cli_split_error(const char *body, size_t len, const char **output, size_t *output_len,
			const char **msg);

#endif
