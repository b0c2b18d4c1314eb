/* ksyms.h - the kernel's text symbols from /proc/kallsyms (module symbols
 * included), sorted: symbolizing stack addresses and finding the address
 * range of a function or of a module's text.
 */
#ifndef BINDERBENCH_KSYMS_H
#define BINDERBENCH_KSYMS_H

#include <stddef.h>
#include <stdint.h>

struct ksym {
	uint64_t addr;
	char *name;
	char *module;	/* "" for vmlinux */
};

struct ksyms {
	struct ksym *syms;
	size_t n;
};

/* Loads and sorts the text symbols. Returns 0 or -errno. */
int ksyms_load(struct ksyms *ks);
void ksyms_free(struct ksyms *ks);
/* The symbol containing addr (NULL below the first one). */
const struct ksym *ksyms_find(const struct ksyms *ks, uint64_t addr);
/* [*lo, *hi) of the function name (of module mod, or any when NULL): from
 * its address to the next symbol's. Returns 0, or -ENOENT. */
int ksyms_range(const struct ksyms *ks, const char *name, const char *mod,
		uint64_t *lo, uint64_t *hi);
/* The text range of module mod. Returns 0, or -ENOENT. */
int ksyms_module_range(const struct ksyms *ks, const char *mod, uint64_t *lo, uint64_t *hi);
/* The text range of a driver built into vmlinux whose functions' names start
 * with prefix: the largest run of such symbols with no gap of 1 MiB or more
 * (its objects are linked together; cold and init text lie elsewhere), to
 * the symbol after its last. Returns 0, or -ENOENT. */
int ksyms_builtin_range(const struct ksyms *ks, const char *prefix, uint64_t *lo, uint64_t *hi);
/* The same for a Rust crate built into vmlinux: the functions whose
 * mangled names (v0 or legacy) name the crate, e.g. "rust_binder". */
int ksyms_rust_crate_range(const struct ksyms *ks, const char *crate, uint64_t *lo, uint64_t *hi);
/* The mangled name of the one function of crate (built in) whose path
 * ends in fn, e.g. ("rust_binder", "use_page_slow"): Rust names are not
 * stable, so the instruments look them up at run time. Returns the name, or
 * NULL with errno ENOENT (none) or ENOTUNIQ (several). */
const char *ksyms_rust_fn(const struct ksyms *ks, const char *crate, const char *fn);

#endif
