/*
 * TCP proxy plugin: the pair logic against fake sessions (flow control,
 * half-close passed on only after the bytes before it, the end of a pair),
 * failure reasons, round-robin, URIs, the server lookup, and the CLI's
 * refusals. The end-to-end behaviour (Linux client and backends) is
 * tests/integration/test_tcp_proxy.sh. Linked with tcp_proxy_objs.
 */
#include <CUnit/CUnit.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "app/engine_config.h"
#include "proxy.h"
#include "vn_test.h"
#include "vn_test_cli.h"

/* ---- fake sessions: an rx FIFO with bytes, a tx FIFO with room ---- */

#define FAKE_MAX (256 * 1024)
#define EP4(a, p) (&(struct vn_session_ep){.addr.ip4 = (a), .port = (p)})
#define EP6(a, p) (&(struct vn_session_ep){.addr.ip6 = *(a), .port = (p), .is_ip6 = true})

struct fake {
	uint8_t rx[FAKE_MAX];
	uint32_t rx_head, rx_len;
	uint8_t tx[FAKE_MAX];
	uint32_t tx_len, tx_room;
	uint32_t n_shutdown;
};

static struct fake *
F(const struct vn_session *s)
{
	return (struct fake *)s;
}

static uint32_t
f_rx_avail(const struct vn_session *s)
{
	return F(s)->rx_len - F(s)->rx_head;
}

static uint32_t
f_read(struct vn_session *s, void *buf, uint32_t len)
{
	struct fake *f = F(s);
	uint32_t n = VN_MIN(len, f->rx_len - f->rx_head);

	memcpy(buf, f->rx + f->rx_head, n);
	f->rx_head += n;
	return n;
}

static uint32_t
f_tx_space(const struct vn_session *s)
{
	return F(s)->n_shutdown ? 0 : F(s)->tx_room;
}

static uint32_t
f_write(struct vn_session *s, const void *buf, uint32_t len)
{
	struct fake *f = F(s);
	uint32_t n = VN_MIN(len, f->tx_room);

	CU_ASSERT_EQUAL(f->n_shutdown, 0); /* nothing after our FIN */
	memcpy(f->tx + f->tx_len, buf, n);
	f->tx_len += n;
	f->tx_room -= n;
	return n;
}

static void
f_shutdown(struct vn_session *s)
{
	F(s)->n_shutdown++;
}

static const struct proxy_io fake_io = {
	.rx_avail = f_rx_avail,
	.read = f_read,
	.tx_space = f_tx_space,
	.write = f_write,
	.shutdown = f_shutdown,
};

static struct fake *front, *back;
static struct proxy_pair pair;

static void
setup(void)
{
	memset(front, 0, sizeof(*front));
	memset(back, 0, sizeof(*back));
	memset(&pair, 0, sizeof(pair));
	pair.side[PROXY_FRONT] = (struct vn_session *)front;
	pair.side[PROXY_BACK] = (struct vn_session *)back;
}

static void
fill_rx(struct fake *f, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		f->rx[f->rx_len + i] = (uint8_t)((f->rx_len + i) * 7);
	f->rx_len += n;
}

static void
test_flow_control(void)
{
	bool done;

	setup();
	fill_rx(front, 100000);
	back->tx_room = 10000;
	/* Only what the backend's tx FIFO takes: the rest stays (window closes). */
	CU_ASSERT_EQUAL(proxy_pump(&pair, PROXY_FRONT, &fake_io, &done), 10000);
	CU_ASSERT_EQUAL(f_rx_avail((struct vn_session *)front), 90000);
	CU_ASSERT_EQUAL(back->tx_len, 10000);
	CU_ASSERT_FALSE(done);
	/* No room: nothing moves. */
	CU_ASSERT_EQUAL(proxy_pump(&pair, PROXY_FRONT, &fake_io, &done), 0);
	/* Room again (tx_space): the rest, in order, in chunks. */
	back->tx_room = 200000;
	CU_ASSERT_EQUAL(proxy_pump(&pair, PROXY_FRONT, &fake_io, &done), 90000);
	CU_ASSERT_EQUAL(back->tx_len, 100000);
	CU_ASSERT_EQUAL(memcmp(back->tx, front->rx, 100000), 0);
	CU_ASSERT_EQUAL(pair.bytes[PROXY_FRONT], 100000);
	CU_ASSERT_EQUAL(pair.bytes[PROXY_BACK], 0);
	CU_ASSERT_EQUAL(back->n_shutdown, 0);
	/* The other way is independent. */
	fill_rx(back, 5);
	front->tx_room = 3;
	CU_ASSERT_EQUAL(proxy_pump(&pair, PROXY_BACK, &fake_io, &done), 3);
	CU_ASSERT_EQUAL(pair.bytes[PROXY_BACK], 3);
}

static void
test_half_close(void)
{
	bool done;

	setup();
	fill_rx(front, 3000);
	back->tx_room = 1000;
	pair.flags |= PROXY_EOF(PROXY_FRONT); /* client sent FIN after 3000 bytes */
	proxy_pump(&pair, PROXY_FRONT, &fake_io, &done);
	CU_ASSERT_EQUAL(back->n_shutdown, 0); /* bytes before the FIN still wait */
	back->tx_room = 5000;
	proxy_pump(&pair, PROXY_FRONT, &fake_io, &done);
	CU_ASSERT_EQUAL(back->tx_len, 3000);
	CU_ASSERT_EQUAL(back->n_shutdown, 1);
	CU_ASSERT(pair.flags & PROXY_SHUT(PROXY_BACK));
	CU_ASSERT_FALSE(done); /* the backend still answers */
	/* Once only. */
	proxy_pump(&pair, PROXY_FRONT, &fake_io, &done);
	CU_ASSERT_EQUAL(back->n_shutdown, 1);
	/* The backend answers after our FIN, then closes: done. */
	fill_rx(back, 500);
	front->tx_room = 100;
	proxy_pump(&pair, PROXY_BACK, &fake_io, &done);
	CU_ASSERT_EQUAL(front->tx_len, 100);
	pair.flags |= PROXY_EOF(PROXY_BACK);
	proxy_pump(&pair, PROXY_BACK, &fake_io, &done);
	CU_ASSERT_FALSE(done);
	CU_ASSERT_EQUAL(front->n_shutdown, 0);
	front->tx_room = 1000;
	proxy_pump(&pair, PROXY_BACK, &fake_io, &done);
	CU_ASSERT_EQUAL(front->tx_len, 500);
	CU_ASSERT_EQUAL(front->n_shutdown, 1);
	CU_ASSERT_TRUE(done);
}

static void
test_connecting_and_closing(void)
{
	bool done;

	setup();
	fill_rx(front, 10);
	back->tx_room = 100;
	pair.flags = PROXY_CONNECTING | PROXY_EOF(PROXY_FRONT);
	CU_ASSERT_EQUAL(proxy_pump(&pair, PROXY_FRONT, &fake_io, &done), 0);
	CU_ASSERT_EQUAL(back->n_shutdown, 0);
	/* Connected: the early bytes and the early FIN go. */
	pair.flags &= ~PROXY_CONNECTING;
	CU_ASSERT_EQUAL(proxy_pump(&pair, PROXY_FRONT, &fake_io, &done), 10);
	CU_ASSERT_EQUAL(back->n_shutdown, 1);
	/* A side gone: nothing. */
	pair.side[PROXY_BACK] = NULL;
	fill_rx(front, 10);
	CU_ASSERT_EQUAL(proxy_pump(&pair, PROXY_FRONT, &fake_io, &done), 0);
}

static void
test_reasons_pick_uri(void)
{
	struct vn_session_ep e;
	char buf[PROXY_URI_MAX];
	uint32_t rr = 0, seen[3] = {0};

	CU_ASSERT_EQUAL(proxy_fail_of(-ECONNREFUSED), PROXY_FAIL_REFUSED);
	CU_ASSERT_EQUAL(proxy_fail_of(-ETIMEDOUT), PROXY_FAIL_TIMEOUT);
	CU_ASSERT_EQUAL(proxy_fail_of(-EHOSTUNREACH), PROXY_FAIL_NO_ROUTE);
	CU_ASSERT_EQUAL(proxy_fail_of(-ENOMEM), PROXY_FAIL_NO_RESOURCES);
	CU_ASSERT_EQUAL(proxy_fail_of(-EADDRNOTAVAIL), PROXY_FAIL_NO_RESOURCES);
	for (int i = 0; i < 9; i++)
		seen[proxy_pick(&rr, 3)]++;
	CU_ASSERT(seen[0] == 3 && seen[1] == 3 && seen[2] == 3);
	CU_ASSERT_EQUAL(proxy_pick(&rr, 1), 0);

	CU_ASSERT_EQUAL(proxy_parse_uri("tcp://10.0.2.2/8080", &e), 0);
	CU_ASSERT_EQUAL(e.addr.ip4, 0x0a000202u);
	CU_ASSERT_EQUAL(e.port, 8080);
	proxy_fmt_uri(&e, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "tcp://10.0.2.2/8080");
	CU_ASSERT_EQUAL(proxy_parse_uri("tcp://10.0.2.2/0", &e), -EINVAL);
	CU_ASSERT_EQUAL(proxy_parse_uri("tcp://10.0.2.2/65536", &e), -EINVAL);
	CU_ASSERT_EQUAL(proxy_parse_uri("tcp://10.0.2.2/", &e), -EINVAL);
	CU_ASSERT_EQUAL(proxy_parse_uri("tcp://10.0.2.2/-1", &e), -EINVAL);
	CU_ASSERT_EQUAL(proxy_parse_uri("udp://10.0.2.2/80", &e), -EINVAL);
	CU_ASSERT_EQUAL(proxy_parse_uri("tcp://10.0.2/80", &e), -EINVAL);
	CU_ASSERT_EQUAL(proxy_parse_uri("tcp://10.0.2.2", &e), -EINVAL);
	/* IPv6 fronts and backends print back in VPP's form. */
	CU_ASSERT_EQUAL(proxy_parse_uri("tcp://[2001:db8:0::2]/80", &e), 0);
	CU_ASSERT(e.is_ip6);
	proxy_fmt_uri(&e, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "tcp://2001:db8::2/80");
	CU_ASSERT_EQUAL(
		proxy_parse_uri("tcp://ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/65535", &e), 0);
	proxy_fmt_uri(&e, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "tcp://ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/65535");
}

static void
test_server_find(void)
{
	static struct proxy_table t;

	memset(&t, 0, sizeof(t));
	struct vn_ip6 a6, b6;

	vn_parse_ip6("2001:db8::1", &a6);
	vn_parse_ip6("2001:db8::2", &b6);
	memset(&t, 0, sizeof(t));
	t.s[2] = (struct proxy_server){.is_used = true, .listen = vn_session_ep4(0, 8080),
				       .n_backends = 1};
	t.s[5] = (struct proxy_server){.is_used = true,
				       .listen = vn_session_ep4(0x0a000101u, 8080),
				       .n_backends = 1};
	CU_ASSERT_EQUAL(proxy_server_find(&t, EP4(0x0a000101u, 8080)), 5); /* exact wins */
	CU_ASSERT_EQUAL(proxy_server_find(&t, EP4(0x0a000201u, 8080)), 2); /* then any */
	CU_ASSERT_EQUAL(proxy_server_find(&t, EP4(0x0a000101u, 8081)), -1);
	/* 0.0.0.0 is IPv4 only: an IPv6 front finds no server until :: listens. */
	CU_ASSERT_EQUAL(proxy_server_find(&t, EP6(&a6, 8080)), -1);
	t.s[7] = (struct proxy_server){.is_used = true,
				       .listen = vn_session_ep6(&(struct vn_ip6){{0}}, 8080),
				       .n_backends = 1};
	t.s[9] = (struct proxy_server){.is_used = true, .listen = vn_session_ep6(&a6, 8080),
				       .n_backends = 1};
	CU_ASSERT_EQUAL(proxy_server_find(&t, EP6(&a6, 8080)), 9);
	CU_ASSERT_EQUAL(proxy_server_find(&t, EP6(&b6, 8080)), 7);
	CU_ASSERT_EQUAL(proxy_server_find(&t, EP4(0x0a000201u, 8080)), 2);
	t.s[2].is_used = false;
	CU_ASSERT_EQUAL(proxy_server_find(&t, EP4(0x0a000201u, 8080)), -1);
	CU_ASSERT_EQUAL(proxy_server_find(NULL, EP4(0x0a000201u, 8080)), -1);
}

static void
test_cli_refusals(void)
{
	CU_ASSERT(has(cmd_fail("test proxy server client-uri tcp://10.0.2.2/80"), "server-uri"));
	CU_ASSERT(has(cmd_fail("test proxy server server-uri tcp://0.0.0.0/8080"), "client-uri"));
	CU_ASSERT(has(cmd_fail("test proxy server server-uri tcp://0.0.0.0/80x "
			       "client-uri tcp://10.0.2.2/80"),
		      "server-uri"));
	CU_ASSERT(has(cmd_fail("test proxy server server-uri tcp://0.0.0.0/8080 "
			       "client-uri tcp://0.0.0.0/80"),
		      "client-uri"));
	CU_ASSERT(has(cmd_fail("test proxy server server-uri tcp://0.0.0.0/8080 stop"),
		      "no proxy server"));
	/* No app registered here (the plugin's init did not run). */
	cmd_fail("test proxy server server-uri tcp://0.0.0.0/8080 client-uri tcp://10.0.2.2/80");
	CU_ASSERT_STRING_EQUAL(cmd_ok("show proxy"), "");
}

/* The tcp-proxy: section: bad URIs fail the check with line and column;
 * a good one loads (applying it needs the stack: the integration test). */
static void
test_config_check(void)
{
	struct vn_config cfg;
	char *buf;
	size_t len;
	FILE *err = open_memstream(&buf, &len);

	CU_ASSERT_EQUAL(vn_config_load_string("p.yaml",
					      "tcp-proxy:\n  servers:\n"
					      "    - server-uri: tcp://0.0.0.0/8080\n"
					      "      client-uris: [tcp://10.0.2.2/80, tcp://0.0.0.0/80]\n",
					      &cfg, err),
			-1);
	CU_ASSERT_EQUAL(vn_config_load_string("p.yaml",
					      "tcp-proxy:\n  servers:\n"
					      "    - server-uri: http://0.0.0.0/8080\n"
					      "      client-uris: [tcp://10.0.2.2/80]\n",
					      &cfg, err),
			-1);
	CU_ASSERT_EQUAL(vn_config_load_string("p.yaml",
					      "tcp-proxy:\n  servers:\n"
					      "    - server-uri: tcp://0.0.0.0/8080\n"
					      "      client-uris: []\n",
					      &cfg, err),
			-1);
	fclose(err);
	CU_ASSERT(has(buf, "p.yaml:4:40: tcp-proxy.servers[0]: tcp://ADDR/PORT expected"));
	CU_ASSERT(has(buf, "p.yaml:3:19: tcp-proxy.servers[0]: tcp://ADDR/PORT expected"));
	free(buf);
	CU_ASSERT_EQUAL_FATAL(vn_config_load_string("p.yaml",
						    "tcp-proxy:\n  servers:\n"
						    "    - server-uri: tcp://0.0.0.0/8080\n"
						    "      client-uris: [tcp://10.0.2.2/80]\n",
						    &cfg, NULL),
			      0);
	vn_config_free(&cfg);
}

static int
suite_init(void)
{
	front = calloc(1, sizeof(*front));
	back = calloc(1, sizeof(*back));
	out = vn_cli_out_new();
	return front && back && out ? 0 : -1;
}

static int
suite_fini(void)
{
	free(front);
	free(back);
	vn_cli_out_free(out);
	return 0;
}

int
main(void)
{
	CU_TestInfo tests[] = {
		{"pair: flow control, both ways", test_flow_control},
		{"pair: half-close after the bytes before it, then done", test_half_close},
		{"pair: nothing while connecting; early FIN passed on", test_connecting_and_closing},
		{"failure reasons, round-robin, URIs", test_reasons_pick_uri},
		{"server lookup: exact address, then any", test_server_find},
		{"CLI refusals", test_cli_refusals},
		{"config: bad URIs refused with their place", test_config_check},
		CU_TEST_INFO_NULL,
	};
	CU_SuiteInfo suites[] = {
		{"tcp_proxy", suite_init, suite_fini, NULL, NULL, tests},
		CU_SUITE_INFO_NULL,
	};
	return vn_test_run(suites);
}
