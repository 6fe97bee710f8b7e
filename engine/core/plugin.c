/*
 * Plugin loader. For each *_plugin.so: read the descriptor from the file's
 * ELF section and check magic, ABI and that it links no DPDK of its own (no
 * plugin code has run yet), dlopen it (its constructors register nodes,
 * commands, config sections, features — all noted, so a failure can take
 * them back), then later run its init hook.
 * A broken plugin is reported and skipped; the engine starts without it.
 * Plugin code runs as root in the engine: a file, or a directory, that
 * anyone but root could write is refused before it is even read
 * (docs/security.md).
 */
#define _GNU_SOURCE /* dl_iterate_phdr */
#define VN_LOG_MOD "plugin"
#include <dirent.h>
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/plugin_priv.h"

#define VN_PLUGIN_MAX 64

struct vn_plugin {
	struct vn_plugin_desc desc;
	char path[512];
	char file_name[64]; /* the file's name without _plugin.so */
	void *handle;
	bool initialised;
};

static struct vn_plugin *plugins[VN_PLUGIN_MAX];
static uint32_t n_plugins;
static bool
str_terminated(const char *s, size_t n)
{
	return memchr(s, '\0', n) != NULL;
}

/* True when DPDK's shared libraries are in this process (an engine linked to
 * them, or a unit test); false in the engine with DPDK built in. */
static int
find_shared_eal(struct dl_phdr_info *info, size_t size, void *arg)
{
	return info->dlpi_name && strstr(info->dlpi_name, "/librte_eal.so") != NULL;
}

static bool
dpdk_is_shared(void)
{
	return dl_iterate_phdr(find_shared_eal, NULL) != 0;
}

/* The first librte_* library the file needs (DT_NEEDED), or NULL. Such a
 * plugin cannot load into an engine with DPDK built in: the shared libraries'
 * constructors would register their drivers and tables a second time in the
 * engine's EAL (which panics), and EAL would then load every shared driver. */
static const char *
needed_dpdk_lib(const uint8_t *map, uint64_t size, const Elf64_Shdr *sh, uint32_t shnum)
{
	for (uint32_t i = 0; i < shnum; i++) {
		if (sh[i].sh_type != SHT_DYNAMIC || sh[i].sh_link >= shnum)
			continue;
		const Elf64_Shdr *str = &sh[sh[i].sh_link];
		if (sh[i].sh_offset > size || sh[i].sh_size > size - sh[i].sh_offset ||
		    str->sh_offset > size || str->sh_size > size - str->sh_offset)
			return NULL;
		const Elf64_Dyn *dyn = (const Elf64_Dyn *)(map + sh[i].sh_offset);
		const char *names = (const char *)map + str->sh_offset;
		for (uint64_t k = 0; k < sh[i].sh_size / sizeof(*dyn) && dyn[k].d_tag != DT_NULL; k++) {
			if (dyn[k].d_tag != DT_NEEDED || dyn[k].d_un.d_val >= str->sh_size)
				continue;
			const char *name = names + dyn[k].d_un.d_val;
			if (str_terminated(name, str->sh_size - dyn[k].d_un.d_val) &&
			    strncmp(name, "librte_", 7) == 0)
				return name;
		}
	}
	return NULL;
}

int
vn_plugin_read_desc(const char *path, struct vn_plugin_desc *desc, char *err, size_t len)
{
	const Elf64_Ehdr *eh;
	const Elf64_Shdr *sh;
	const char *shstr;
	struct stat st;
	uint8_t *map = MAP_FAILED;
	int fd, rc = -ENOEXEC;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(err, len, "cannot open: %s", strerror(errno));
		rc = -errno;
		goto out;
	}
	if ((size_t)st.st_size < sizeof(Elf64_Ehdr)) {
		snprintf(err, len, "not an ELF shared object (too short)");
		goto out;
	}
	map = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		snprintf(err, len, "cannot map: %s", strerror(errno));
		rc = -errno;
		goto out;
	}
	eh = (const Elf64_Ehdr *)map;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_type != ET_DYN) {
		snprintf(err, len, "not an ELF64 shared object");
		goto out;
	}
	/* Every offset is checked against the file size: junk must not crash us. */
	if (eh->e_shoff == 0 || eh->e_shentsize != sizeof(Elf64_Shdr) ||
	    eh->e_shoff > (uint64_t)st.st_size ||
	    (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr) > (uint64_t)st.st_size - eh->e_shoff ||
	    eh->e_shstrndx >= eh->e_shnum) {
		snprintf(err, len, "malformed ELF section table");
		goto out;
	}
	sh = (const Elf64_Shdr *)(map + eh->e_shoff);
	if (sh[eh->e_shstrndx].sh_offset > (uint64_t)st.st_size ||
	    sh[eh->e_shstrndx].sh_size > (uint64_t)st.st_size - sh[eh->e_shstrndx].sh_offset) {
		snprintf(err, len, "malformed ELF section names");
		goto out;
	}
	shstr = (const char *)map + sh[eh->e_shstrndx].sh_offset;
	for (uint32_t i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_name >= sh[eh->e_shstrndx].sh_size ||
		    strncmp(shstr + sh[i].sh_name, VN_PLUGIN_SECTION,
			    sh[eh->e_shstrndx].sh_size - sh[i].sh_name) != 0)
			continue;
		if (sh[i].sh_size < sizeof(*desc) || sh[i].sh_offset > (uint64_t)st.st_size ||
		    sizeof(*desc) > (uint64_t)st.st_size - sh[i].sh_offset) {
			snprintf(err, len, "plugin descriptor section is truncated");
			goto out;
		}
		memcpy(desc, map + sh[i].sh_offset, sizeof(*desc));
		if (memcmp(desc->magic, VN_PLUGIN_MAGIC, sizeof(desc->magic)) != 0) {
			snprintf(err, len, "bad plugin descriptor magic");
			goto out;
		}
		if (!str_terminated(desc->name, sizeof(desc->name)) || !desc->name[0] ||
		    !str_terminated(desc->version, sizeof(desc->version)) ||
		    !str_terminated(desc->description, sizeof(desc->description))) {
			snprintf(err, len, "plugin descriptor strings are not terminated");
			goto out;
		}
		if (desc->abi_version != VN_PLUGIN_ABI_VERSION) {
			snprintf(err, len, "plugin '%s' was built for engine ABI %u, this engine is ABI %u",
				 desc->name, desc->abi_version, VN_PLUGIN_ABI_VERSION);
			rc = -EPROTO;
			goto out;
		}
		const char *lib = needed_dpdk_lib(map, st.st_size, sh, eh->e_shnum);
		if (lib && !dpdk_is_shared()) {
			snprintf(err, len,
				 "plugin '%s' links DPDK's shared %s, but this engine has DPDK built "
				 "in; build it without -lrte_* (pkg-config --libs vecnet-plugin)",
				 desc->name, lib);
			goto out;
		}
		rc = 0;
		goto out;
	}
	snprintf(err, len, "no vecnet plugin descriptor (section %s): not a vecnet plugin",
		 VN_PLUGIN_SECTION);
out:
	if (map != MAP_FAILED)
		munmap(map, st.st_size);
	if (fd >= 0)
		close(fd);
	return rc;
}

static bool
enabled(const char *name, bool all, char **enable, uint32_t n)
{
	if (all)
		return true;
	for (uint32_t i = 0; i < n; i++)
		if (strcmp(enable[i], name) == 0)
			return true;
	return false;
}

/*
 * Whether path (a plugin or its directory) is safe to take code from: owned
 * by root (or the engine's own user), writable by nobody else. Else err says
 * why. As sshd's StrictModes; a symlink is judged by what it points to.
 */
static bool
owner_only_writable(const char *path, char *err, size_t len)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		snprintf(err, len, "cannot stat: %s", strerror(errno));
		return false;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		snprintf(err, len, "owned by uid %u, not root: refusing to run its code",
			 (unsigned)st.st_uid);
		return false;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(err, len,
			 "writable by %s (mode %04o): refusing to run code others could change; "
			 "chmod go-w it", st.st_mode & S_IWOTH ? "everyone" : "its group",
			 (unsigned)(st.st_mode & 07777));
		return false;
	}
	return true;
}


/* "'nat44'" or, when the file is named otherwise, "'nat' (file foo_plugin.so)":
 * an author who renamed one must recognise both. */
static const char *
who(const struct vn_plugin *p, char *buf, size_t size)
{
	if (strcmp(p->desc.name, p->file_name) == 0)
		snprintf(buf, size, "'%s'", p->desc.name);
	else
		snprintf(buf, size, "'%s' (file %s_plugin.so)", p->desc.name, p->file_name);
	return buf;
}

/* Loads path when its file name or its descriptor's name is enabled. */
static int
load_one(const char *path, const char *file_name, bool all, char **enable, uint32_t n_enable)
{
	struct vn_plugin *p = calloc(1, sizeof(*p));
	char err[256], w[160];

	if (!p)
		return -ENOMEM;
	snprintf(p->path, sizeof(p->path), "%s", path);
	if (!owner_only_writable(path, err, sizeof(err))) {
		VN_ERR("%s: %s; skipped", path, err);
		goto fail;
	}
	snprintf(p->file_name, sizeof(p->file_name), "%s", file_name);
	if (vn_plugin_read_desc(path, &p->desc, err, sizeof(err)) < 0) {
		if (enabled(file_name, all, enable, n_enable))
			VN_ERR("%s: %s; skipped", path, err);
		goto fail;
	}
	if (!enabled(file_name, all, enable, n_enable) &&
	    !enabled(p->desc.name, all, enable, n_enable))
		goto fail;
	for (uint32_t i = 0; i < n_plugins; i++)
		if (strcmp(plugins[i]->desc.name, p->desc.name) == 0) {
			VN_ERR("%s: plugin %s is already loaded from %s; skipped", path,
			       who(p, w, sizeof(w)), plugins[i]->path);
			goto fail;
		}
	p->handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!p->handle) {
		VN_ERR("%s: plugin %s: %s; skipped", path, who(p, w, sizeof(w)), dlerror());
		goto fail;
	}
	plugins[n_plugins++] = p;
	VN_INFO("loaded plugin %s %s: %s", who(p, w, sizeof(w)), p->desc.version,
		p->desc.description);
	return 0;
fail:
	free(p);
	return -1;
}

bool
vn_plugin_is_loaded(const char *name)
{
	for (uint32_t i = 0; i < n_plugins; i++)
		if (strcmp(plugins[i]->desc.name, name) == 0 ||
		    strcmp(plugins[i]->file_name, name) == 0)
			return true;
	return false;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
vn_plugins_load(const char *dir, bool enable_all, char **enable, uint32_t n_enable)
{
	static const char suffix[] = "_plugin.so";
	char *names[VN_PLUGIN_MAX], err[256];
	uint32_t n = 0, loaded = 0;
	struct dirent *de;
	DIR *d = opendir(dir);

	if (d && !owner_only_writable(dir, err, sizeof(err))) {
		VN_ERR("plugin directory %s: %s; no plugin loaded from it", dir, err);
		closedir(d);
		return 0;
	}
	if (!d) {
		VN_WARN("plugin directory %s: %s; no plugins loaded", dir, strerror(errno));
		return 0;
	}
	while ((de = readdir(d)) && n < VN_PLUGIN_MAX) {
		size_t len = strlen(de->d_name);
		if (len <= sizeof(suffix) - 1 || strcmp(de->d_name + len - (sizeof(suffix) - 1), suffix))
			continue;
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), name_cmp); /* a stable, predictable order */
	for (uint32_t i = 0; i < n; i++) {
		char path[512], short_name[64];
		size_t len = strlen(names[i]) - (sizeof(suffix) - 1);
		snprintf(short_name, sizeof(short_name), "%.*s", (int)len, names[i]);
		if (n_plugins < VN_PLUGIN_MAX) {
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
			loaded += load_one(path, short_name, enable_all, enable, n_enable) == 0;
		}
		free(names[i]);
	}
	for (uint32_t i = 0; !enable_all && i < n_enable; i++) {
		if (!vn_plugin_is_loaded(enable[i]))
			VN_WARN("plugin '%s' is enabled but was not loaded from %s", enable[i], dir);
	}
	return loaded;
}

const char *
vn_plugins_list(const char *dir, char *buf, size_t size)
{
	static const char suffix[] = "_plugin.so";
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t off = 0;

	buf[0] = '\0';
	while (d && (de = readdir(d)) != NULL && off < size) {
		size_t len = strlen(de->d_name);
		if (len > sizeof(suffix) - 1 &&
		    strcmp(de->d_name + len - (sizeof(suffix) - 1), suffix) == 0)
			off += snprintf(buf + off, size - off, "%s%.*s", off ? ", " : "",
					(int)(len - (sizeof(suffix) - 1)), de->d_name);
	}
	if (d)
		closedir(d);
	return buf[0] ? buf : "no *_plugin.so";
}

static void
unload(uint32_t i)
{
	struct vn_plugin *p = plugins[i];

	dlclose(p->handle); /* its registrations' destructors run */
	free(p);
	memmove(&plugins[i], &plugins[i + 1], (n_plugins - i - 1) * sizeof(plugins[0]));
	n_plugins--;
}

void
vn_plugins_init(void)
{
	for (uint32_t i = 0; i < n_plugins;) {
		struct vn_plugin *p = plugins[i];
		if (p->initialised) { /* loaded by an earlier call: init runs once */
			i++;
			continue;
		}
		int (*init)(void) = (int (*)(void))dlsym(p->handle, "vn_plugin_init");
		int rc = init ? init() : 0;
		if (rc < 0) {
			char w[160];
			VN_ERR("%s: plugin %s init failed (%s); unloaded", p->path,
			       who(p, w, sizeof(w)), strerror(-rc));
			unload(i);
			continue;
		}
		p->initialised = true;
		i++;
	}
}

void
vn_plugins_exit(void)
{
	while (n_plugins > 0) {
		struct vn_plugin *p = plugins[n_plugins - 1];
		void (*fini)(void) = (void (*)(void))dlsym(p->handle, "vn_plugin_exit");
		if (fini && p->initialised)
			fini();
		/* Keep the code mapped: node descriptors and strings may still be referenced. */
		free(p);
		n_plugins--;
	}
}

void
vn_plugin_show(struct vn_cli_out *out)
{
	if (n_plugins == 0) {
		vn_cli_printf(out, "no plugins loaded\n");
		return;
	}
	vn_cli_printf(out, "%-16s %-10s %-44s %s\n", "Plugin", "Version", "Description", "Path");
	for (uint32_t i = 0; i < n_plugins; i++)
		vn_cli_printf(out, "%-16s %-10s %-44s %s\n", plugins[i]->desc.name,
			      plugins[i]->desc.version, plugins[i]->desc.description,
			      plugins[i]->path);
}
