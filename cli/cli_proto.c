/*
 * CLI wire protocol helpers (see cli_proto.h), linked into the engine and into
 * vecnetctl alike.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli_proto.h"

int
vn_cli_connect(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd, rc;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	do {
		rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	} while (rc < 0 && errno == EINTR);
	if (rc < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	return fd;
}

int
vn_cli_write_full(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len > 0) {
		/* send() with MSG_NOSIGNAL: a client that went away must not kill the engine. */
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == ENOTSOCK)
			n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EPIPE ? -ECONNRESET : -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
vn_cli_read_full(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = read(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -ECONNRESET;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
vn_cli_send_msg(int fd, uint8_t type, const void *body, size_t len)
{
	uint8_t hdr[VN_CLI_HDR_LEN];
	int rc;

	if (len > VN_CLI_MSG_MAX)
		return -EMSGSIZE;
	vn_cli_hdr_encode(hdr, type, (uint32_t)len);
	rc = vn_cli_write_full(fd, hdr, sizeof(hdr));
	if (rc == 0 && len > 0)
		rc = vn_cli_write_full(fd, body, len);
	return rc;
}

int
vn_cli_recv_msg(int fd, uint8_t *type, char **body, size_t *len)
{
	uint8_t hdr[VN_CLI_HDR_LEN];
	uint32_t n;
	char *buf;
	int rc;

	*body = NULL;
	*len = 0;
	rc = vn_cli_read_full(fd, hdr, sizeof(hdr));
	if (rc < 0)
		return rc;
	n = vn_cli_hdr_len(hdr);
	if (n > VN_CLI_MSG_MAX)
		return -EMSGSIZE;
	buf = malloc((size_t)n + 1);
	if (buf == NULL)
		return -ENOMEM;
	rc = vn_cli_read_full(fd, buf, n);
	if (rc < 0) {
		free(buf);
		return rc;
	}
	buf[n] = '\0';
	*type = hdr[0];
	*body = buf;
	*len = n;
	return 0;
}

int
vn_cli_request(int fd, uint8_t type, const char *text, uint8_t *status, char **body, size_t *len)
{
	int rc = vn_cli_send_msg(fd, type, text, strlen(text));

	if (rc < 0)
		return rc;
	return vn_cli_recv_msg(fd, status, body, len);
}

void
vn_cli_split_error(const char *body, size_t len, const char **output, size_t *output_len,
		   const char **msg)
{
	const char *nul = memchr(body, '\0', len);

	*output = body;
	if (nul == NULL) {
		/* Not the documented form: treat all of it as the message. */
		*output_len = 0;
		*msg = body;
		return;
	}
	*output_len = (size_t)(nul - body);
	*msg = nul + 1;
}
