/* abuse.c - what a process may try on its binder mapping, and the answer
 * binder promises (drivers/android/binder.c, binder_mmap()):
 *   a writable mapping                    EPERM
 *   a second mapping of the same fd       EBUSY
 *   mprotect() of the mapping to writable EACCES (VM_MAYWRITE is cleared)
 *   mmap() from a forked child            EINVAL (not the owning process)
 *   munmap() of half the mapping          succeeds; later transactions to
 *                                         the process fail cleanly, and a
 *                                         new fd + mapping works again
 *   mremap() of the mapping               either fails, or later
 *                                         transactions fail cleanly
 * Each check runs in its own child process against a shared echo server;
 * no reply may come back corrupted and nothing may hang.
 */
#include "torture.h"
#include "lib/payload.h"
#include "lib/server.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAP (1u << 20)
#define SIZE 20000 /* a reply spanning several pages */

struct check {
	const char *key;	/* --checks */
	const char *name;
	int (*fn)(const char *dev, char *why, size_t len);
};

static int say(char *why, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int say(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return 1;
}

/* One verified call: 0, or the -errno of bb_echo_call (-EBADMSG: corrupt). */
static int call(struct bb_conn *c, uint32_t seq)
{
	uint8_t *req = malloc(SIZE);
	struct bb_errbuf err;
	struct bb_client cl;
	int ret;

	if (!req)
		return -ENOMEM;
	bb_client_init(&cl, c);
	bb_payload_fill(req, SIZE, seq);
	ret = bb_echo_call(&cl, 0, seq, req, SIZE, &err);
	if (!ret)
		bb_client_flush(&cl, &err);
	free(req);
	return ret;
}

static int expect_mmap_error(int fd, int prot, int want, const char *what, char *why, size_t len)
{
	void *p = mmap(NULL, MAP, prot, MAP_PRIVATE, fd, 0);

	if (p != MAP_FAILED)
		return say(why, len, "%s succeeded", what);
	if (errno != want)
		return say(why, len, "%s failed with %s", what, strerror(errno));
	return 0;
}

static int writable(const char *dev, char *why, size_t len)
{
	struct bb_conn c;
	int ret = bb_open(&c, dev, 0);

	if (ret)
		return say(why, len, "open %s: %s", dev, strerror(-ret));
	ret = expect_mmap_error(c.fd, PROT_READ | PROT_WRITE, EPERM, "a writable mmap", why, len);
	bb_close(&c);
	return ret;
}

static int second_mmap(const char *dev, char *why, size_t len)
{
	struct bb_conn c;
	int ret = bb_open(&c, dev, MAP);

	if (ret)
		return say(why, len, "open %s: %s", dev, strerror(-ret));
	ret = expect_mmap_error(c.fd, PROT_READ, EBUSY, "a second mmap", why, len);
	if (!ret && call(&c, 1))
		ret = say(why, len, "after a second mmap the first mapping stopped working");
	bb_close(&c);
	return ret;
}

static int mprotect_writable(const char *dev, char *why, size_t len)
{
	struct bb_conn c;
	int ret = bb_open(&c, dev, MAP);

	if (ret)
		return say(why, len, "open %s: %s", dev, strerror(-ret));
	if (mprotect(c.map, MAP, PROT_READ | PROT_WRITE) == 0)
		ret = say(why, len, "mprotect(PROT_WRITE) succeeded");
	else if (errno != EACCES)
		ret = say(why, len, "mprotect(PROT_WRITE) failed with %s", strerror(errno));
	else if (call(&c, 1))
		ret = say(why, len, "after mprotect the mapping stopped working");
	bb_close(&c);
	return ret;
}

static int child_mmap(const char *dev, char *why, size_t len)
{
	struct bb_conn c;
	int ret = bb_open(&c, dev, 0), status;
	pid_t pid;

	if (ret)
		return say(why, len, "open %s: %s", dev, strerror(-ret));
	pid = fork();
	if (pid == 0) {
		void *p = mmap(NULL, MAP, PROT_READ, MAP_PRIVATE, c.fd, 0);

		_exit(p != MAP_FAILED ? 10 : errno == EINVAL ? 0 : 11);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		ret = say(why, len, "fork: %s", strerror(errno));
	else if (!WIFEXITED(status) || WEXITSTATUS(status))
		ret = say(why, len, "mmap from a forked child %s",
			  WIFEXITED(status) && WEXITSTATUS(status) == 10 ? "succeeded" :
			  "did not fail with EINVAL");
	bb_close(&c);
	return ret;
}

/* After the mapping was damaged: a call must fail cleanly (or verify), and
 * a fresh fd with its own mapping must work. */
static int after_damage(struct bb_conn *c, const char *dev, const char *what, char *why, size_t len)
{
	struct bb_conn fresh;
	int ret = call(c, 2);

	if (ret == -EBADMSG)
		return say(why, len, "after %s a reply came back corrupted", what);
	bb_close(c);
	ret = bb_open(&fresh, dev, MAP);
	if (ret)
		return say(why, len, "after %s a new mapping fails: %s", what, strerror(-ret));
	ret = call(&fresh, 3);
	bb_close(&fresh);
	if (ret)
		return say(why, len, "after %s a new mapping's call fails: %s", what, strerror(-ret));
	return 0;
}

static int partial_munmap(const char *dev, char *why, size_t len)
{
	struct bb_conn c;
	int ret = bb_open(&c, dev, MAP);

	if (ret)
		return say(why, len, "open %s: %s", dev, strerror(-ret));
	if ((ret = call(&c, 1)))
		return say(why, len, "partial munmap: first call: %s", strerror(-ret));
	if (munmap((char *)c.map + MAP / 2, MAP / 2))
		return say(why, len, "munmap of half the mapping: %s", strerror(errno));
	c.map_size = MAP / 2;
	return after_damage(&c, dev, "a partial munmap", why, len);
}

static int mremap_mapping(const char *dev, char *why, size_t len)
{
	struct bb_conn c;
	void *p;
	int ret = bb_open(&c, dev, MAP);

	if (ret)
		return say(why, len, "open %s: %s", dev, strerror(-ret));
	if ((ret = call(&c, 1)))
		return say(why, len, "mremap: first call: %s", strerror(-ret));
	p = mremap(c.map, MAP, 2 * MAP, MREMAP_MAYMOVE);
	if (p == MAP_FAILED) {
		bb_close(&c);
		return 0;
	}
	c.map = p;
	c.map_size = 2 * MAP;
	return after_damage(&c, dev, "an mremap", why, len);
}

/* Whether key is in the comma-separated list (every key when list is NULL). */
static int selected(const char *list, const char *key)
{
	size_t n = strlen(key);

	if (!list)
		return 1;
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");

		if (len == n && !strncmp(p, key, n))
			return 1;
		p += len + (p[len] == ',');
	}
	return 0;
}

int torture_abuse(const struct torture_opts *o, struct bb_errbuf *err)
{
	static const struct check checks[] = {
		{ "writable", "writable mmap -> EPERM", writable },
		{ "second-mmap", "second mmap -> EBUSY", second_mmap },
		{ "mprotect", "mprotect to writable -> EACCES", mprotect_writable },
		{ "child-mmap", "mmap from a forked child -> EINVAL", child_mmap },
		{ "partial-munmap", "munmap of half the mapping -> clean failures, new mapping works",
		  partial_munmap },
		{ "mremap", "mremap of the mapping -> refused or clean failures", mremap_mapping },
	};
	size_t picked = 0;
	struct bb_server_opts so = { .dev = o->dev, .map_size = 4u << 20, .loopers = 2,
				     .reply_cap = SIZE };
	pid_t server = bb_server_spawn(&so, err);
	int ret = 0;

	if (server < 0)
		return (int)server;
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
		picked += selected(o->checks, checks[i].key);
	if (!picked) {
		bb_server_kill(server);
		return bb_fail(err, -EINVAL, "--checks %s names no abuse check", o->checks);
	}
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		int pipefd[2], status;
		char why[160] = "", died[64];
		pid_t pid;

		if (!selected(o->checks, checks[i].key))
			continue;
		if (pipe(pipefd)) {
			ret = bb_fail(err, -errno, "pipe: %s", strerror(errno));
			break;
		}
		pid = fork();
		if (pid == 0) {
			int r = checks[i].fn(o->dev, why, sizeof(why));

			close(pipefd[0]);
			if (write(pipefd[1], why, strlen(why)) < 0)
				r = 1;
			_exit(r);
		}
		close(pipefd[1]);
		if (pid > 0 && read(pipefd[0], why, sizeof(why) - 1) < 0)
			why[0] = 0;
		close(pipefd[0]);
		if (pid < 0 || waitpid(pid, &status, 0) < 0) {
			ret = bb_fail(err, -errno, "fork: %s", strerror(errno));
			break;
		}
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			snprintf(died, sizeof(died), "the check process died of signal %d (%s)",
				 WIFSIGNALED(status) ? WTERMSIG(status) : 0,
				 WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "none");
			ret = bb_fail(err, -EIO, "%s: %s", checks[i].name, why[0] ? why : died);
			break;
		}
		fprintf(o->log, "abuse: %s: ok\n", checks[i].name);
	}
	bb_server_kill(server);
	return ret;
}
