/* server.c - the forked multi-looper echo server (server.h). */
#include "server.h"
#include "stats.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>

/* Exit statuses of the server process. */
enum { SERVER_OK = 0, SERVER_FAILED = 1, SERVER_BAD_PAYLOAD = 3 };

struct server {
	struct bb_conn conn;
	size_t reply_cap;
	uint64_t *oneway_done;
	pthread_mutex_t lock;
	int failed;
	uint64_t bad_payloads;
};

static void *looper(void *arg)
{
	struct server *sv = arg;
	struct bb_errbuf err = { "" };
	struct bb_server_stats st;
	int ret = bb_echo_serve_counted(&sv->conn, sv->reply_cap, sv->oneway_done, &st, &err);

	pthread_mutex_lock(&sv->lock);
	sv->bad_payloads += st.bad_payloads;
	if (ret)
		sv->failed = 1;
	pthread_mutex_unlock(&sv->lock);
	return NULL;
}

static void churn_record(struct bb_churn *ch, enum bb_churn_kind k, uint64_t t0)
{
	uint64_t dt = bb_now_ns() - t0;
	uint64_t i = __atomic_fetch_add(&ch->n[k], 1, __ATOMIC_RELAXED);

	if (i < BB_CHURN_CAP)
		ch->ns[k][i] = dt;
}

/* The rest of what an app does to its address space: zap its own pages,
 * move a region with mremap (the old one is gone when it succeeds) and fork
 * (the child only exits; binder's mapping is VM_DONTCOPY). Returns where the
 * region of len bytes at p lives now. */
static volatile char *more_mm_ops(struct bb_churn *ch, volatile char *p, size_t len)
{
	void *q;
	pid_t pid;

	madvise((void *)p, len, MADV_DONTNEED);
	p[0] = 2;
	q = mremap((void *)p, len, 2 * len, MREMAP_MAYMOVE);
	if (q != MAP_FAILED) {
		p = q;
		p[len] = 3;
		munmap((void *)(p + len), len);
	}
	pid = fork();
	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	__atomic_add_fetch(&ch->more_ops, 1, __ATOMIC_RELAXED);
	return p;
}

/* One interference thread: the mm operations a busy app does. */
static void *churn(void *arg)
{
	struct bb_churn *ch = arg;
	const size_t pages = 16, len = pages * 4096;

	while (!__atomic_load_n(&ch->stop, __ATOMIC_ACQUIRE)) {
		uint64_t t0 = bb_now_ns();
		volatile char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			continue;
		churn_record(ch, BB_CHURN_MMAP, t0);
		for (size_t i = 0; i < pages; i++) {
			t0 = bb_now_ns();
			p[i * 4096] = 1;
			churn_record(ch, BB_CHURN_FAULT, t0);
		}
		if (ch->more_mm_ops)
			p = more_mm_ops(ch, p, len);
		t0 = bb_now_ns();
		mprotect((void *)p, len, PROT_READ);
		churn_record(ch, BB_CHURN_MPROTECT, t0);
		t0 = bb_now_ns();
		munmap((void *)p, len);
		churn_record(ch, BB_CHURN_MUNMAP, t0);
	}
	return NULL;
}

/* A previous context manager's node is released by deferred work after it
 * exits: retry for a while when the driver still says EBUSY. */
static int become_manager(struct bb_conn *c)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int ret = -EBUSY;

	for (int i = 0; i < 300 && ret == -EBUSY; i++) {
		ret = bb_become_context_manager(c);
		if (ret == -EBUSY)
			nanosleep(&ts, NULL);
	}
	return ret;
}

/* The server process: reports "" or an error message on ready_fd. */
static int server_main(const struct bb_server_opts *o, int ready_fd)
{
	struct server sv = { .reply_cap = o->reply_cap, .oneway_done = o->oneway_done,
			     .lock = PTHREAD_MUTEX_INITIALIZER };
	struct bb_errbuf err = { "" };
	pthread_t *tids = calloc(o->loopers, sizeof(*tids));
	size_t started = 0;
	int ret;

	if (!tids)
		bb_fail(&err, -ENOMEM, "out of memory");
	else if ((ret = bb_open(&sv.conn, o->dev, o->map_size)))
		bb_fail(&err, ret, "server cannot open %s: %s", o->dev, strerror(-ret));
	else if ((ret = become_manager(&sv.conn)))
		bb_fail(&err, ret, "BINDER_SET_CONTEXT_MGR: %s", strerror(-ret));
	for (; !err.msg[0] && started < o->loopers; started++) {
		ret = pthread_create(&tids[started], NULL, looper, &sv);
		if (ret)
			bb_fail(&err, -ret, "server thread: %s", strerror(ret));
	}
	pthread_t *ctids = calloc(o->churn_threads ? o->churn_threads : 1, sizeof(*ctids));
	size_t churning = 0;

	if (!ctids && !err.msg[0])
		bb_fail(&err, -ENOMEM, "out of memory");
	for (; !err.msg[0] && o->churn && churning < o->churn_threads; churning++) {
		ret = pthread_create(&ctids[churning], NULL, churn, o->churn);
		if (ret)
			bb_fail(&err, -ret, "churn thread: %s", strerror(ret));
	}
	if (!err.msg[0] && o->holder)
		bb_holder_start_receiver(o->holder, &err);
	if (write(ready_fd, err.msg, strlen(err.msg) + 1) < 0 || err.msg[0])
		return SERVER_FAILED;
	close(ready_fd);
	if (o->unmap_when) {
		struct timespec ts = { (time_t)(o->unmap_after_us / 1000000),
				       (long)(o->unmap_after_us % 1000000) * 1000 };
		struct timespec ms = { 0, 1000 * 1000 }, poll = { 0, 100 * 1000 };

		/* At most 10 s: a round whose clients all failed still ends. */
		for (int i = 0; i < 100000 && !__atomic_load_n(o->unmap_when, __ATOMIC_ACQUIRE); i++)
			nanosleep(&poll, NULL);
		nanosleep(&ts, NULL);
		munmap(sv.conn.map, sv.conn.map_size);
		nanosleep(&ms, NULL);
		_exit(SERVER_OK);
	}
	for (size_t i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	if (o->churn)
		__atomic_store_n(&o->churn->stop, 1, __ATOMIC_RELEASE);
	for (size_t i = 0; i < churning; i++)
		pthread_join(ctids[i], NULL);
	if (o->holder)
		bb_holder_stop_receiver(o->holder);
	free(ctids);
	bb_close(&sv.conn);
	free(tids);
	if (sv.bad_payloads)
		return SERVER_BAD_PAYLOAD;
	return sv.failed ? SERVER_FAILED : SERVER_OK;
}

pid_t bb_server_spawn(const struct bb_server_opts *o, struct bb_errbuf *err)
{
	struct bb_errbuf msg = { "" };
	int pipefd[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe(pipefd))
		return bb_fail(err, -errno, "pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return bb_fail(err, -errno, "fork: %s", strerror(errno));
	}
	if (pid == 0) {
		close(pipefd[0]);
		_exit(server_main(o, pipefd[1]));
	}
	close(pipefd[1]);
	n = read(pipefd[0], msg.msg, sizeof(msg.msg) - 1);
	close(pipefd[0]);
	if (n <= 0 || msg.msg[0]) {
		waitpid(pid, &status, 0);
		return bb_fail(err, -EIO, "the server failed to start: %s",
			    msg.msg[0] ? msg.msg : "it died");
	}
	return pid;
}

int bb_server_stop(struct bb_conn *c, pid_t pid, size_t loopers, struct bb_errbuf *err)
{
	struct bb_client cl;
	int status, ret;

	bb_client_init(&cl, c);
	for (size_t i = 0; i < loopers; i++) {
		ret = bb_echo_quit(&cl, 0, err);
		if (ret) {
			bb_server_kill(pid);
			return ret;
		}
	}
	if (waitpid(pid, &status, 0) < 0)
		return bb_fail(err, -errno, "waitpid: %s", strerror(errno));
	if (!WIFEXITED(status))
		return bb_fail(err, -EIO, "the server died with signal %d", WTERMSIG(status));
	if (WEXITSTATUS(status) == SERVER_BAD_PAYLOAD)
		return bb_fail(err, -EBADMSG, "the server received corrupted requests");
	if (WEXITSTATUS(status))
		return bb_fail(err, -EIO, "the server failed (status %d)", WEXITSTATUS(status));
	return 0;
}

void bb_server_kill(pid_t pid)
{
	int status;

	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
}
