/*
 * The CLI parser and every registered command handler on arbitrary lines,
 * against the real engine state of fuzz_engine.h (commands change it: later
 * lines run on what earlier ones made). Each line also goes through
 * completion and help, the parser's other entries.
 *
 * Input: lines separated by '\n'. A line whose first byte is below 0x20
 * (other than tab) runs as the registered command of that index (modulo
 * their number) followed by the rest of the line: the fuzzer reaches every
 * handler's argument parsing without first finding its words.
 *
 * The sandbox: the harness runs in a directory of its own; lines that
 * would touch files elsewhere (a '/' in exec, lua run, pcap file), make
 * devices outside the engine (taps, memifs, host interfaces), or wait (ping
 * without the bounds below) are not run.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vecnet/cli.h>

#include "core/cli_priv.h"
#include "fuzz_engine.h"

#define VF_LINE_MAX 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static struct vn_cli_command *cmds[512];
static uint32_t n_cmds;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	FILE *f;

	vf_engine_init();
	for (struct vn_cli_command *c = vn_cli_command_first(); c && n_cmds < 512; c = c->next)
		cmds[n_cmds++] = c;
	/* Files in the sandbox for exec and lua run to find. */
	if ((f = fopen("a.cli", "w")) != NULL) {
		fputs("show version\nshow interface\nip route add 10.9.0.0/16 via drop\n", f);
		fclose(f);
	}
	if ((f = fopen("a.lua", "w")) != NULL) {
		fputs("print(vecnet.cli('show ip fib'))\n", f);
		fclose(f);
	}
	return 0;
}

static bool
allowed(const char *line)
{
	struct vn_cli_command *c = vn_cli_command_for(line, NULL);
	const char *p = c ? c->path : "";

	if (strcmp(p, "exec") == 0 || strcmp(p, "lua run") == 0 || strcmp(p, "pcap trace") == 0)
		return strchr(line, '/') == NULL;
	/* Devices outside the engine: a kernel tap, a memif socket file, an
	 * AF_PACKET socket on a real Linux interface (lo, eth0) would reach the
	 * machine itself, and their DPDK rings hold the harness's mbufs. */
	if (strncmp(p, "create tap", 10) == 0 || strncmp(p, "create memif", 12) == 0 ||
	    strcmp(p, "create host-interface") == 0)
		return false;
	/* ping waits for its replies: one request, at most one second. */
	if (strcmp(p, "ping") == 0)
		return strstr(line, "rep") == NULL && strstr(line, "int") == NULL;
	return true;
}

static void
run_line(const char *line)
{
	struct vn_cli_command *c;
	char buf[VF_LINE_MAX + 160];
	char **cands;
	size_t n;

	if (vn_cli_complete(line, &cands, &n) == 0)
		vn_cli_complete_free(cands, n);
	vn_cli_out_reset(vf_out);
	vn_cli_help(line, vf_out);
	if (!allowed(line))
		return;
	c = vn_cli_command_for(line, NULL);
	if (c && strcmp(c->path, "ping") == 0) {
		snprintf(buf, sizeof(buf), "%s repeat 1 interval 0.001", line);
		line = buf;
	}
	vf_cli(line, false);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[VF_LINE_MAX + 128];
	size_t off = 0;

	while (off < size) {
		const uint8_t *nl = memchr(data + off, '\n', size - off);
		size_t end = nl ? (size_t)(nl - data) : size;
		size_t len = end - off, pre = 0;
		const uint8_t *p = data + off;

		off = end + 1;
		if (len > VF_LINE_MAX)
			len = VF_LINE_MAX;
		if (len > 0 && p[0] < 0x20 && p[0] != '\t' && n_cmds > 0) {
			pre = (size_t)snprintf(line, sizeof(line), "%s ", cmds[p[0] % n_cmds]->path);
			p++;
			len--;
		}
		memcpy(line + pre, p, len); /* a NUL inside ends the line, as a C string */
		line[pre + len] = '\0';
		run_line(line);
	}
	vf_run();
	vf_check_buffers("a CLI input");
	return 0;
}
