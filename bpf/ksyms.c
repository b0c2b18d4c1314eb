/* ksyms.c - /proc/kallsyms text symbols, sorted (ksyms.h). */
#include "ksyms.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int by_addr(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

int ksyms_load(struct ksyms *ks)
{
	char line[512], name[256], mod[128];
	unsigned long long addr;
	size_t cap = 0;
	FILE *f = fopen("/proc/kallsyms", "r");
	char type;
	int ret = 0;

	ks->syms = NULL;
	ks->n = 0;
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		int fields = sscanf(line, "%llx %c %255s %127s", &addr, &type, name, mod);

		if (fields < 3 || (type != 't' && type != 'T') || !addr)
			continue;
		if (fields < 4)
			mod[0] = 0;
		if (ks->n == cap) {
			struct ksym *p = realloc(ks->syms, (cap = cap ? 2 * cap : 65536) * sizeof(*p));

			if (!p) {
				ret = -ENOMEM;
				break;
			}
			ks->syms = p;
		}
		/* "[binder_linux]" -> "binder_linux" */
		if (mod[0] == '[')
			memmove(mod, mod + 1, strlen(mod));
		mod[strcspn(mod, "]")] = 0;
		ks->syms[ks->n].addr = addr;
		ks->syms[ks->n].name = strdup(name);
		ks->syms[ks->n].module = strdup(mod);
		if (!ks->syms[ks->n].name || !ks->syms[ks->n].module) {
			ret = -ENOMEM;
			break;
		}
		ks->n++;
	}
	fclose(f);
	if (ret) {
		ksyms_free(ks);
		return ret;
	}
	if (!ks->n)
		return -EPERM; /* addresses hidden: not root */
	qsort(ks->syms, ks->n, sizeof(*ks->syms), by_addr);
	return 0;
}

void ksyms_free(struct ksyms *ks)
{
	for (size_t i = 0; i < ks->n; i++) {
		free(ks->syms[i].name);
		free(ks->syms[i].module);
	}
	free(ks->syms);
	ks->syms = NULL;
	ks->n = 0;
}

const struct ksym *ksyms_find(const struct ksyms *ks, uint64_t addr)
{
	size_t lo = 0, hi = ks->n;

	if (!ks->n || addr < ks->syms[0].addr)
		return NULL;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (ks->syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	return &ks->syms[lo];
}

int ksyms_range(const struct ksyms *ks, const char *name, const char *mod,
		uint64_t *lo, uint64_t *hi)
{
	for (size_t i = 0; i < ks->n; i++) {
		if (strcmp(ks->syms[i].name, name) || (mod && strcmp(ks->syms[i].module, mod)))
			continue;
		*lo = ks->syms[i].addr;
		*hi = *lo + 4096;
		for (size_t j = i + 1; j < ks->n; j++) {
			if (ks->syms[j].addr > *lo) {
				*hi = ks->syms[j].addr;
				break;
			}
		}
		return 0;
	}
	return -ENOENT;
}

int ksyms_module_range(const struct ksyms *ks, const char *mod, uint64_t *lo, uint64_t *hi)
{
	*lo = UINT64_MAX;
	*hi = 0;
	for (size_t i = 0; i < ks->n; i++) {
		if (strcmp(ks->syms[i].module, mod))
			continue;
		if (ks->syms[i].addr < *lo)
			*lo = ks->syms[i].addr;
		if (ks->syms[i].addr > *hi)
			*hi = ks->syms[i].addr;
	}
	if (*lo == UINT64_MAX)
		return -ENOENT;
	*hi += 4096; /* the last function's body */
	return 0;
}

/* A mangled Rust identifier as it appears in a symbol: its length, then
 * itself (both manglings), e.g. "11rust_binder". */
static void rust_ident(char *buf, size_t size, const char *ident)
{
	snprintf(buf, size, "%zu%s", strlen(ident), ident);
}

/* Whether vmlinux symbol s belongs to the driver: a C prefix, or (rust) a
 * Rust crate's identifier anywhere in the mangled name. */
static int in_driver(const struct ksym *s, const char *match, int rust)
{
	if (s->module[0] || strstr(s->name, ".cold"))
		return 0;
	if (rust)
		return (!strncmp(s->name, "_R", 2) || !strncmp(s->name, "_ZN", 3)) &&
		       strstr(s->name, match) != NULL;
	return !strncmp(s->name, match, strlen(match));
}

static int driver_range(const struct ksyms *ks, const char *match, int rust, uint64_t *lo,
			uint64_t *hi)
{
	const uint64_t gap = 1u << 20;
	size_t best_n = 0, run_n = 0, last = 0;
	uint64_t run_lo = 0, prev = 0;

	for (size_t i = 0; i < ks->n; i++) {
		const struct ksym *s = &ks->syms[i];

		if (!in_driver(s, match, rust))
			continue;
		if (!run_n || s->addr - prev >= gap) {
			run_lo = s->addr;
			run_n = 0;
		}
		run_n++;
		prev = s->addr;
		if (run_n > best_n) {
			best_n = run_n;
			*lo = run_lo;
			last = i;
		}
	}
	if (!best_n)
		return -ENOENT;
	*hi = ks->syms[last].addr + 4096;
	for (size_t j = last + 1; j < ks->n; j++) {
		if (ks->syms[j].addr > ks->syms[last].addr) {
			*hi = ks->syms[j].addr;
			break;
		}
	}
	return 0;
}

int ksyms_builtin_range(const struct ksyms *ks, const char *prefix, uint64_t *lo, uint64_t *hi)
{
	return driver_range(ks, prefix, 0, lo, hi);
}

int ksyms_rust_crate_range(const struct ksyms *ks, const char *crate, uint64_t *lo, uint64_t *hi)
{
	char id[128];

	rust_ident(id, sizeof(id), crate);
	return driver_range(ks, id, 1, lo, hi);
}

const char *ksyms_rust_fn(const struct ksyms *ks, const char *crate, const char *fn)
{
	char cid[128], fid[128];
	const char *found = NULL;
	size_t flen;

	rust_ident(cid, sizeof(cid), crate);
	rust_ident(fid, sizeof(fid), fn);
	flen = strlen(fid);
	for (size_t i = 0; i < ks->n; i++) {
		const struct ksym *s = &ks->syms[i];
		size_t len = strlen(s->name);
		const char *at;

		if (!in_driver(s, cid, 1))
			continue;
		/* v0: the path's last identifier ends the name; legacy: it is
		 * followed by the hash, "17h<16 hex digits>E". */
		at = len >= flen ? s->name + len - flen : NULL;
		if (!(at && !strcmp(at, fid)) &&
		    !(len >= flen + 20 && !strncmp(s->name + len - flen - 20, fid, flen) &&
		      !strncmp(s->name + len - 20, "17h", 3)))
			continue;
		if (found && strcmp(found, s->name)) {
			errno = ENOTUNIQ;
			return NULL;
		}
		found = s->name;
	}
	if (!found)
		errno = ENOENT;
	return found;
}
