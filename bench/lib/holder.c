/* holder.c - the region and the mmap_lock holders of holder.h. */
#include "holder.h"
#include "stats.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096u

static const char *const kind_names[BB_HOLD_KINDS] = { "smaps_rollup", "smaps", "mprotect",
						       "munmap" };

const char *bb_hold_kind_name(int kind)
{
	return kind >= 0 && kind < BB_HOLD_KINDS ? kind_names[kind] : "unknown";
}

const char *bb_hold_target_name(int target)
{
	return target == BB_HOLD_DECOY ? "decoy" : target == BB_HOLD_RECEIVER ? "receiver" : "unknown";
}

int bb_hold_in_receiver(int kind)
{
	return kind == BB_HOLD_MPROTECT || kind == BB_HOLD_MUNMAP;
}

static void record(struct bb_holder *h, int phase, uint64_t dt)
{
	uint64_t i = __atomic_fetch_add(&h->n[phase], 1, __ATOMIC_RELAXED);

	if (i < BB_HOLD_CAP)
		h->ns[phase][i] = dt;
}

static void set_error(struct bb_holder *h, const char *what, int e)
{
	if (!__atomic_exchange_n(&h->failed, 1, __ATOMIC_ACQ_REL))
		snprintf(h->error, sizeof(h->error), "mmap_holder %s: %s: %s",
			 bb_hold_kind_name(h->kind), what, strerror(e));
}

static void pause_gap(const struct bb_holder *h)
{
	struct timespec ts = { (time_t)(h->gap_ns / 1000000000u), (long)(h->gap_ns % 1000000000u) };

	if (h->gap_ns)
		nanosleep(&ts, NULL);
}

static int stopping(struct bb_holder *h)
{
	return __atomic_load_n(&h->stop, __ATOMIC_ACQUIRE);
}

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14 */
#endif

/* Maps and populates the region with small pages; returns it or NULL.
 * MADV_POPULATE_WRITE faults the pages in inside one call (under TCG much
 * faster than a trap per page); touching every page is the fallback. */
static void *map_region(size_t len)
{
	volatile char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				-1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (madvise((void *)p, len, MADV_NOHUGEPAGE)) {
		munmap((void *)p, len);
		return NULL;
	}
	if (madvise((void *)p, len, MADV_POPULATE_WRITE))
		for (size_t off = 0; off < len; off += PAGE)
			p[off] = 1;
	return (void *)p;
}

static void *receiver_holder(void *arg)
{
	struct bb_holder *h = arg;
	int writable = 1;

	while (!stopping(h)) {
		int phase = __atomic_load_n(&h->phase, __ATOMIC_ACQUIRE);
		uint64_t t0 = bb_now_ns();

		if (h->kind == BB_HOLD_MPROTECT) {
			writable = !writable;
			if (mprotect(h->region, h->region_bytes,
				     PROT_READ | (writable ? PROT_WRITE : 0))) {
				set_error(h, "mprotect", errno);
				break;
			}
			record(h, phase, bb_now_ns() - t0);
		} else {
			if (munmap(h->region, h->region_bytes)) {
				set_error(h, "munmap", errno);
				break;
			}
			record(h, phase, bb_now_ns() - t0);
			h->region = map_region(h->region_bytes);
			if (!h->region) {
				set_error(h, "mapping the region again", ENOMEM);
				break;
			}
		}
		pause_gap(h);
	}
	return NULL;
}

/* MemAvailable of /proc/meminfo in bytes, or 0 when unknown. */
static size_t mem_available(void)
{
	char line[128];
	unsigned long kb = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %lu kB", &kb) == 1)
			break;
	fclose(f);
	return (size_t)kb << 10;
}

/* Maps and populates h->region in the calling process; 0 or -ENOMEM with
 * the reason in err. */
static int populate(struct bb_holder *h, struct bb_errbuf *err)
{
	size_t avail = mem_available();

	/* Populating more than there is would summon the OOM killer. */
	if (avail && h->region_bytes > avail / 10 * 8) {
		snprintf(err->msg, sizeof(err->msg),
			 "cannot populate a %zu MiB region: %zu MiB of memory available",
			 h->region_bytes >> 20, avail >> 20);
		return -ENOMEM;
	}
	h->region = map_region(h->region_bytes);
	if (!h->region) {
		snprintf(err->msg, sizeof(err->msg), "cannot map and populate a %zu MiB region: %s",
			 h->region_bytes >> 20, strerror(errno ? errno : ENOMEM));
		return -ENOMEM;
	}
	return 0;
}

int bb_holder_start_receiver(struct bb_holder *h, struct bb_errbuf *err)
{
	int ret;

	if (!h->region_bytes || h->target != BB_HOLD_RECEIVER)
		return 0;
	ret = populate(h, err);
	if (ret)
		return ret;
	if (!bb_hold_in_receiver(h->kind))
		return 0;
	ret = pthread_create(&h->thread, NULL, receiver_holder, h);
	if (ret) {
		snprintf(err->msg, sizeof(err->msg), "holder thread: %s", strerror(ret));
		return -ret;
	}
	h->thread_started = 1;
	return 0;
}

void bb_holder_stop_receiver(struct bb_holder *h)
{
	__atomic_store_n(&h->stop, 1, __ATOMIC_RELEASE);
	if (h->thread_started)
		pthread_join(h->thread, NULL);
	h->thread_started = 0;
	if (h->region)
		munmap(h->region, h->region_bytes);
	h->region = NULL;
}

/* The reader process: one whole read of the file per hold. */
static int reader_main(struct bb_holder *h, const char *path)
{
	char buf[1 << 16];

	while (!stopping(h)) {
		int phase = __atomic_load_n(&h->phase, __ATOMIC_ACQUIRE);
		uint64_t t0 = bb_now_ns();
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		ssize_t n;

		if (fd < 0) {
			set_error(h, path, errno);
			return 1;
		}
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			;
		close(fd);
		if (n < 0) {
			set_error(h, path, errno);
			return 1;
		}
		record(h, phase, bb_now_ns() - t0);
		pause_gap(h);
	}
	return 0;
}

pid_t bb_holder_spawn_reader(struct bb_holder *h, pid_t receiver, struct bb_errbuf *err)
{
	char path[64];
	pid_t pid;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)receiver,
		 h->kind == BB_HOLD_SMAPS ? "smaps" : "smaps_rollup");
	pid = fork();
	if (pid < 0) {
		snprintf(err->msg, sizeof(err->msg), "fork: %s", strerror(errno));
		return -errno;
	}
	if (pid == 0)
		_exit(reader_main(h, path));
	return pid;
}

/* The decoy process: its own populated region and, for the writer kinds,
 * the holder loop on it; it lives until the parent sets h->stop. */
static int decoy_main(struct bb_holder *h)
{
	struct bb_errbuf err = { "" };

	if (populate(h, &err)) {
		/* Nothing else runs yet: the message first, then the flag the
		 * parent waits on. */
		snprintf(h->error, sizeof(h->error), "mmap_holder decoy: %s", err.msg);
		__atomic_store_n(&h->failed, 1, __ATOMIC_RELEASE);
		return 1;
	}
	__atomic_store_n(&h->decoy_ready, 1, __ATOMIC_RELEASE);
	if (bb_hold_in_receiver(h->kind))
		receiver_holder(h);
	else
		while (!stopping(h))
			usleep(10000);
	munmap(h->region, h->region_bytes);
	return h->failed;
}

pid_t bb_holder_spawn_decoy(struct bb_holder *h, struct bb_errbuf *err)
{
	pid_t pid = fork();

	if (pid < 0) {
		snprintf(err->msg, sizeof(err->msg), "fork: %s", strerror(errno));
		return -errno;
	}
	if (pid == 0)
		_exit(decoy_main(h));
	while (!__atomic_load_n(&h->decoy_ready, __ATOMIC_ACQUIRE)) {
		if (__atomic_load_n(&h->failed, __ATOMIC_ACQUIRE)) {
			snprintf(err->msg, sizeof(err->msg), "%s", h->error);
			waitpid(pid, NULL, 0);
			return -ENOMEM;
		}
		if (waitpid(pid, NULL, WNOHANG) == pid) {
			snprintf(err->msg, sizeof(err->msg), "mmap_holder decoy: exited early");
			return -ECHILD;
		}
		usleep(1000);
	}
	return pid;
}
