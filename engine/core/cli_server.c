/*
 * CLI server: a Unix socket polled from the engine's main thread. Requests are
 * read without blocking into per-client buffers, so a slow or stalled client
 * never holds up the others; each complete request runs at once and its response
 * is written before the next poll. The protocol is in cli/cli_proto.h.
 * Only the engine's user (root) reaches it: the socket is 0600 in a
 * directory that nobody else may write (docs/security.md); there is no
 * network endpoint.
 */
#define _GNU_SOURCE
#define VN_LOG_MOD "cli"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <vecnet/cli.h>

#include "core/cli_priv.h"
#include "cli_proto.h"

#define VN_CLI_SRV_MAX_CLIENTS 64
#define VN_CLI_SRV_BACKLOG 16
#define VN_CLI_SRV_SEND_TIMEOUT_S 2
#define VN_CLI_SRV_REQS_PER_POLL 8 /* per client, so one busy client can't starve others */

struct vn_cli_conn {
	int fd;
	uint8_t hdr[VN_CLI_HDR_LEN];
	size_t n_hdr; /* header bytes received */
	char *body; /* grows as the body arrives, up to the announced length */
	size_t cap;
	size_t n_body;
	uint32_t body_len; /* announced length, valid once the header is complete */
};

static struct {
	int listen_fd;
	char *path;
	struct vn_cli_conn conns[VN_CLI_SRV_MAX_CLIENTS];
	size_t n_conns;
	struct vn_cli_out *out;
	bool is_polling; /* a command that runs the main loop must not re-enter us */
	bool is_stop_pending; /* stop() called by a command: done when the poll ends */
} vn_cli_srv = {.listen_fd = -1};

/* Creates the missing directories of dir: its parents 0755, dir itself 0700
 * (the socket's own directory: only root looks inside). */
static int
vn_cli_mkdir_p(const char *dir)
{
	char *d = strdup(dir);
	int rc = 0;

	if (d == NULL)
		return -ENOMEM;
	for (char *p = d + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(d, c == '\0' ? 0700 : 0755) < 0 && errno != EEXIST) {
			rc = -errno;
			break;
		}
		*p = c;
		if (c == '\0')
			break;
	}
	free(d);
	return rc;
}

/*
 * As sshd checks its files: the socket's directory must be a directory of
 * the engine's user (root) that nobody else can write, or another user could
 * replace the socket with their own between two starts, or remove it.
 */
static int
vn_cli_check_dir(const char *dir)
{
	struct stat st;

	if (lstat(dir, &st) < 0) {
		VN_ERR("cli socket directory %s: %s", dir, strerror(errno));
		return -errno;
	}
	if (!S_ISDIR(st.st_mode)) {
		VN_ERR("cli socket directory %s is not a directory; refusing it", dir);
		return -ENOTDIR;
	}
	if (st.st_uid != geteuid()) {
		VN_ERR("cli socket directory %s is owned by uid %u, not by the engine's uid %u; "
		       "refusing it", dir, (unsigned)st.st_uid, (unsigned)geteuid());
		return -EPERM;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		VN_ERR("cli socket directory %s is writable by others (mode %04o); refusing it: "
		       "use a directory only root can write (e.g. /run/vecnet)",
		       dir, (unsigned)(st.st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

/* Makes room for the socket: refuses a live engine or a non-socket, drops a stale one. */
static int
vn_cli_claim_path(const char *path)
{
	struct stat st;
	int fd;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode)) {
		VN_ERR("%s exists and is not a socket; not replacing it", path);
		return -EEXIST;
	}
	fd = vn_cli_connect(path);
	if (fd >= 0) {
		close(fd);
		VN_ERR("another vecnet engine is listening on %s; use another cli socket", path);
		return -EADDRINUSE;
	}
	if (unlink(path) < 0 && errno != ENOENT) {
		int rc = -errno;

		VN_ERR("cannot remove stale socket %s: %s", path, strerror(-rc));
		return rc;
	}
	return 0;
}

int
vn_cli_server_start(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char *slash;
	mode_t mask;
	int fd = -1, rc;

	if (vn_cli_srv.listen_fd >= 0)
		return -EALREADY;
	if (path == NULL || *path == '\0' || strlen(path) >= sizeof(sa.sun_path)) {
		VN_ERR("bad cli socket path '%s' (at most %zu characters)", path ?: "",
		       sizeof(sa.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	vn_cli_srv.path = strdup(path);
	vn_cli_srv.out = vn_cli_out_new();
	if (vn_cli_srv.path == NULL || vn_cli_srv.out == NULL) {
		rc = -ENOMEM;
		goto fail;
	}
	slash = strrchr(vn_cli_srv.path, '/');
	if (slash != NULL && slash != vn_cli_srv.path) {
		*slash = '\0';
		rc = vn_cli_mkdir_p(vn_cli_srv.path);
		if (rc < 0)
			VN_ERR("cannot create the directory of %s: %s", path, strerror(-rc));
		else
			rc = vn_cli_check_dir(vn_cli_srv.path);
		*slash = '/';
		if (rc < 0)
			goto fail;
	} else {
		rc = vn_cli_check_dir(slash == vn_cli_srv.path ? "/" : ".");
		if (rc < 0)
			goto fail;
	}
	rc = vn_cli_claim_path(path);
	if (rc < 0)
		goto fail;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rc = -errno;
		goto fail_log;
	}
	/*
	 * The umask closes the window between bind() and chmod() in which others
	 * could connect; it is process-wide, but this runs on the main thread at
	 * start-up, before anything else creates files.
	 */
	mask = umask(0177);
	rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(mask);
	if (rc < 0) {
		rc = -errno;
		goto fail_log;
	}
	if (chmod(path, 0600) < 0 || listen(fd, VN_CLI_SRV_BACKLOG) < 0) {
		rc = -errno;
		unlink(path);
		goto fail_log;
	}
	vn_cli_srv.listen_fd = fd;
	VN_INFO("cli listening on %s", path);
	return 0;

fail_log:
	VN_ERR("cannot listen on %s: %s", path, strerror(-rc));
fail:
	if (fd >= 0)
		close(fd);
	free(vn_cli_srv.path);
	vn_cli_srv.path = NULL;
	vn_cli_out_free(vn_cli_srv.out);
	vn_cli_srv.out = NULL;
	return rc;
}

static void
vn_cli_conn_close(struct vn_cli_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->body);
	*c = (struct vn_cli_conn){.fd = -1};
}

static int
vn_cli_set_blocking(int fd, bool is_blocking)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0)
		return -errno;
	flags = is_blocking ? flags & ~O_NONBLOCK : flags | O_NONBLOCK;
	return fcntl(fd, F_SETFL, flags) < 0 ? -errno : 0;
}

struct vn_cli_seg {
	const void *p;
	size_t len;
};

/*
 * Writes one response made of segments. Responses are usually small and go out
 * at once; a large one to a slow reader switches the fd to blocking with a send
 * timeout, so the main loop stalls at most a few seconds for it.
 */
static int
vn_cli_conn_send(struct vn_cli_conn *c, uint8_t status, struct vn_cli_seg *segs, size_t n_segs)
{
	struct timeval tv = {.tv_sec = VN_CLI_SRV_SEND_TIMEOUT_S};
	uint8_t hdr[VN_CLI_HDR_LEN];
	bool is_blocking = false;
	size_t total = 0;
	int rc = 0;

	for (size_t i = 1; i < n_segs; i++)
		total += segs[i].len;
	vn_cli_hdr_encode(hdr, status, (uint32_t)total);
	segs[0] = (struct vn_cli_seg){.p = hdr, .len = sizeof(hdr)};
	for (size_t i = 0; i < n_segs; i++) {
		const char *p = segs[i].p;
		size_t len = segs[i].len;

		while (len > 0) {
			ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && !is_blocking) {
				if (setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 ||
				    vn_cli_set_blocking(c->fd, true) < 0) {
					rc = -errno;
					goto done;
				}
				is_blocking = true;
				continue;
			}
			if (n < 0) {
				rc = -errno; /* EAGAIN here is the send timeout */
				goto done;
			}
			p += n;
			len -= (size_t)n;
		}
	}
done:
	if (is_blocking && vn_cli_set_blocking(c->fd, false) < 0 && rc == 0)
		rc = -errno;
	return rc;
}

/* Runs one complete request and answers it. */
static int
vn_cli_conn_serve(struct vn_cli_conn *c)
{
	static const char cut[] = "\n... output truncated\n";
	struct vn_cli_out *out = vn_cli_srv.out;
	const char *text = c->body != NULL ? c->body : "";
	struct vn_cli_seg segs[5] = {0}; /* [0] is the header */
	size_t n_segs, room = VN_CLI_MSG_MAX;
	uint8_t type = c->hdr[0];
	const char *msg = NULL;
	int rc;

	vn_cli_out_reset(out);
	if (memchr(text, '\0', c->body_len) != NULL) {
		rc = vn_cli_error(out, "request contains a NUL byte");
	} else if (type == VN_CLI_REQ_EXEC) {
		rc = vn_cli_execute(text, out);
	} else if (type == VN_CLI_REQ_HELP) {
		rc = vn_cli_help(text, out);
	} else if (type == VN_CLI_REQ_COMPLETE) {
		char **cands;
		size_t n;

		rc = vn_cli_complete(text, &cands, &n);
		if (rc < 0) {
			rc = vn_cli_error(out, "completion failed: %s", strerror(-rc));
		} else {
			for (size_t i = 0; i < n; i++)
				vn_cli_printf(out, "%s\n", cands[i]);
			vn_cli_complete_free(cands, n);
		}
	} else {
		rc = vn_cli_error(out, "unknown request type %u", type);
	}
	if (rc != 0) {
		/* Error body: OUTPUT '\0' MESSAGE. The message is kept whole if it can be. */
		msg = vn_cli_out_errmsg(out) ?: "command failed";
		segs[3] = (struct vn_cli_seg){.p = "", .len = 1};
		segs[4] = (struct vn_cli_seg){.p = msg, .len = VN_MIN(strlen(msg), room / 2)};
		room -= 1 + segs[4].len;
	}
	segs[1] = (struct vn_cli_seg){.p = vn_cli_out_text(out), .len = vn_cli_out_len(out)};
	if (segs[1].len > room) {
		segs[1].len = room - (sizeof(cut) - 1);
		segs[2] = (struct vn_cli_seg){.p = cut, .len = sizeof(cut) - 1};
	}
	n_segs = msg != NULL ? 5 : 3;
	return vn_cli_conn_send(c, rc != 0 ? VN_CLI_STATUS_ERR : VN_CLI_STATUS_OK, segs, n_segs);
}

/* Reads what the client has sent and serves complete requests. <0 closes it. */
static int
vn_cli_conn_read(struct vn_cli_conn *c)
{
	for (int n_reqs = 0; n_reqs < VN_CLI_SRV_REQS_PER_POLL;) {
		void *dst;
		size_t want;
		ssize_t n;

		if (c->n_hdr < VN_CLI_HDR_LEN) {
			dst = c->hdr + c->n_hdr;
			want = VN_CLI_HDR_LEN - c->n_hdr;
		} else {
			if (c->n_body + 1 >= c->cap && c->cap < (size_t)c->body_len + 1) {
				/* Grow with the data, not the announced length. */
				size_t cap = VN_MIN(VN_MAX(c->cap * 2, (size_t)4096),
						    (size_t)c->body_len + 1);
				char *body = realloc(c->body, cap);

				if (body == NULL)
					return -ENOMEM;
				c->body = body;
				c->cap = cap;
			}
			dst = c->body + c->n_body;
			want = VN_MIN(c->cap - 1, (size_t)c->body_len) - c->n_body;
		}
		n = want > 0 ? read(c->fd, dst, want) : 0;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
		}
		if (n == 0 && want > 0)
			return -ECONNRESET;
		if (c->n_hdr < VN_CLI_HDR_LEN) {
			c->n_hdr += (size_t)n;
			if (c->n_hdr < VN_CLI_HDR_LEN)
				continue;
			c->body_len = vn_cli_hdr_len(c->hdr);
			c->n_body = 0;
			if (c->body_len > VN_CLI_MSG_MAX)
				return -EMSGSIZE;
		} else {
			c->n_body += (size_t)n;
		}
		if (c->n_body < c->body_len)
			continue;
		if (c->body != NULL)
			c->body[c->n_body] = '\0';
		if (vn_cli_conn_serve(c) < 0)
			return -EIO;
		c->n_hdr = 0;
		c->n_body = 0;
		c->body_len = 0;
		n_reqs++;
		if (c->cap > 64 * 1024) {
			free(c->body);
			c->body = NULL;
			c->cap = 0;
		}
	}
	return 0;
}

static void
vn_cli_accept(void)
{
	for (;;) {
		int fd = accept4(vn_cli_srv.listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ECONNABORTED)
				VN_WARN("accept on %s: %s", vn_cli_srv.path, strerror(errno));
			return;
		}
		if (vn_cli_srv.n_conns == VN_CLI_SRV_MAX_CLIENTS) {
			static const char msg[] = "\0too many cli clients";
			uint8_t hdr[VN_CLI_HDR_LEN];

			vn_cli_hdr_encode(hdr, VN_CLI_STATUS_ERR, sizeof(msg) - 1);
			send(fd, hdr, sizeof(hdr), MSG_NOSIGNAL | MSG_DONTWAIT);
			send(fd, msg, sizeof(msg) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
			close(fd);
			VN_WARN("refused a cli client: %d already connected", VN_CLI_SRV_MAX_CLIENTS);
			continue;
		}
		vn_cli_srv.conns[vn_cli_srv.n_conns++] = (struct vn_cli_conn){.fd = fd};
	}
}

void
vn_cli_server_poll(int timeout_ms)
{
	struct pollfd pfds[VN_CLI_SRV_MAX_CLIENTS + 1];
	size_t n_pfds = 0, n_conns = vn_cli_srv.n_conns, j = 0;
	int rc;

	if (vn_cli_srv.listen_fd < 0 || vn_cli_srv.is_polling) {
		if (timeout_ms > 0)
			poll(NULL, 0, timeout_ms);
		return;
	}
	vn_cli_srv.is_polling = true;
	for (size_t i = 0; i < n_conns; i++)
		pfds[n_pfds++] = (struct pollfd){.fd = vn_cli_srv.conns[i].fd, .events = POLLIN};
	pfds[n_pfds++] = (struct pollfd){.fd = vn_cli_srv.listen_fd, .events = POLLIN};
	rc = poll(pfds, n_pfds, timeout_ms);
	if (rc <= 0)
		goto done;
	for (size_t i = 0; i < n_conns; i++) {
		struct vn_cli_conn *c = &vn_cli_srv.conns[i];

		if (pfds[i].revents != 0 && vn_cli_conn_read(c) < 0)
			vn_cli_conn_close(c);
	}
	/* Compact, keeping order; connections accepted below go after. */
	for (size_t i = 0; i < n_conns; i++)
		if (vn_cli_srv.conns[i].fd >= 0)
			vn_cli_srv.conns[j++] = vn_cli_srv.conns[i];
	vn_cli_srv.n_conns = j;
	if (pfds[n_pfds - 1].revents & POLLIN)
		vn_cli_accept();
done:
	vn_cli_srv.is_polling = false;
	if (vn_cli_srv.is_stop_pending)
		vn_cli_server_stop();
}

void
vn_cli_server_stop(void)
{
	if (vn_cli_srv.is_polling) {
		vn_cli_srv.is_stop_pending = true;
		return;
	}
	vn_cli_srv.is_stop_pending = false;
	for (size_t i = 0; i < vn_cli_srv.n_conns; i++)
		vn_cli_conn_close(&vn_cli_srv.conns[i]);
	vn_cli_srv.n_conns = 0;
	if (vn_cli_srv.listen_fd >= 0) {
		close(vn_cli_srv.listen_fd);
		vn_cli_srv.listen_fd = -1;
		unlink(vn_cli_srv.path);
	}
	free(vn_cli_srv.path);
	vn_cli_srv.path = NULL;
	vn_cli_out_free(vn_cli_srv.out);
	vn_cli_srv.out = NULL;
}
