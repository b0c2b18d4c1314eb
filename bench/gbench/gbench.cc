// gbench.cc - the C interface of gbench.h over Google Benchmark's C++ API.
#include "gbench.h"

#include <benchmark/benchmark.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

namespace {

// A display reporter that also remembers whether any run failed, so that
// bb_gb_main() can exit non-zero when a storm hit a binder error.
template <class Base> class Tracking : public Base {
public:
	bool failed = false;

	void ReportRuns(const std::vector<benchmark::BenchmarkReporter::Run> &runs) override
	{
		for (const auto &r : runs)
			if (r.error_occurred)
				failed = true;
		Base::ReportRuns(runs);
	}
};

template <class Base> int run_with(Tracking<Base> &rep)
{
	size_t ran = benchmark::RunSpecifiedBenchmarks(&rep);
	benchmark::Shutdown();
	/* A filter that matches nothing ran nothing: that is no success. */
	if (ran == 0) {
		std::fprintf(stderr, "binderbench: error: no benchmark matches --benchmark_filter\n");
		return 1;
	}
	if (rep.failed) {
		std::fprintf(stderr, "binderbench: error: a benchmark failed (see its error_message)\n");
		return 1;
	}
	return 0;
}

benchmark::State &S(struct bb_gb_state *st)
{
	return *reinterpret_cast<benchmark::State *>(st);
}

const benchmark::State &S(const struct bb_gb_state *st)
{
	return *reinterpret_cast<const benchmark::State *>(st);
}

benchmark::internal::Benchmark *B(struct bb_gb_bench *b)
{
	return reinterpret_cast<benchmark::internal::Benchmark *>(b);
}

} // namespace

extern "C" {

struct bb_gb_bench *bb_gb_register(const char *name, bb_gb_fn fn, void *user)
{
	auto *b = benchmark::RegisterBenchmark(name, [fn, user](benchmark::State &st) {
		fn(reinterpret_cast<struct bb_gb_state *>(&st), user);
	});
	return reinterpret_cast<struct bb_gb_bench *>(b);
}

void bb_gb_arg(struct bb_gb_bench *b, int64_t value) { B(b)->Arg(value); }

void bb_gb_args(struct bb_gb_bench *b, const int64_t *values, size_t n)
{
	B(b)->Args(std::vector<int64_t>(values, values + n));
}

void bb_gb_range(struct bb_gb_bench *b, int64_t lo, int64_t hi) { B(b)->Range(lo, hi); }
void bb_gb_arg_name(struct bb_gb_bench *b, const char *name) { B(b)->ArgName(name); }

void bb_gb_arg_names(struct bb_gb_bench *b, const char *const *names, size_t n)
{
	B(b)->ArgNames(std::vector<std::string>(names, names + n));
}

void bb_gb_threads(struct bb_gb_bench *b, int threads) { B(b)->Threads(threads); }
void bb_gb_iterations(struct bb_gb_bench *b, int64_t n) { B(b)->Iterations(n); }
void bb_gb_repetitions(struct bb_gb_bench *b, int n) { B(b)->Repetitions(n); }
void bb_gb_use_manual_time(struct bb_gb_bench *b) { B(b)->UseManualTime(); }
void bb_gb_unit_us(struct bb_gb_bench *b) { B(b)->Unit(benchmark::kMicrosecond); }

int bb_gb_keep_running(struct bb_gb_state *st) { return S(st).KeepRunning(); }

int bb_gb_keep_running_batch(struct bb_gb_state *st, int64_t n)
{
	return S(st).KeepRunningBatch(n);
}

int64_t bb_gb_range_arg(const struct bb_gb_state *st, size_t i)
{
	return S(st).range(i);
}

int bb_gb_thread_index(const struct bb_gb_state *st) { return S(st).thread_index(); }
int bb_gb_thread_count(const struct bb_gb_state *st) { return S(st).threads(); }
int64_t bb_gb_iterations_done(const struct bb_gb_state *st) { return S(st).iterations(); }

void bb_gb_set_iteration_time(struct bb_gb_state *st, double seconds)
{
	S(st).SetIterationTime(seconds);
}

void bb_gb_pause(struct bb_gb_state *st) { S(st).PauseTiming(); }
void bb_gb_resume(struct bb_gb_state *st) { S(st).ResumeTiming(); }

void bb_gb_counter(struct bb_gb_state *st, const char *name, double value, int flags)
{
	int f = benchmark::Counter::kDefaults;

	if (flags & BB_GB_RATE)
		f |= benchmark::Counter::kIsRate;
	if (flags & BB_GB_AVG_THREADS)
		f |= benchmark::Counter::kAvgThreads;
	if (flags & BB_GB_AVG_ITERATIONS)
		f |= benchmark::Counter::kAvgIterations;
	S(st).counters[name] = benchmark::Counter(value, static_cast<benchmark::Counter::Flags>(f));
}

void bb_gb_items_processed(struct bb_gb_state *st, int64_t n) { S(st).SetItemsProcessed(n); }
void bb_gb_bytes_processed(struct bb_gb_state *st, int64_t n) { S(st).SetBytesProcessed(n); }
void bb_gb_set_label(struct bb_gb_state *st, const char *label) { S(st).SetLabel(label); }
void bb_gb_skip_with_error(struct bb_gb_state *st, const char *msg) { S(st).SkipWithError(msg); }
int bb_gb_error_occurred(const struct bb_gb_state *st) { return S(st).error_occurred(); }

void bb_gb_add_context(const char *key, const char *value)
{
	benchmark::AddCustomContext(key, value);
}

int bb_gb_main(int argc, char **argv)
{
	std::string format = "console", out, tmp_arg;
	int ret;

	for (int i = 1; i < argc; i++) {
		if (!std::strncmp(argv[i], "--benchmark_format=", 19))
			format = argv[i] + 19;
		// --benchmark_out is written to a temporary file renamed into
		// place only when every benchmark succeeded: a failed run never
		// leaves a complete-looking file or clobbers an older one.
		if (!std::strncmp(argv[i], "--benchmark_out=", 16) && argv[i][16]) {
			out = argv[i] + 16;
			tmp_arg = "--benchmark_out=" + out + ".tmp." + std::to_string(getpid());
			argv[i] = &tmp_arg[0];
		}
	}
	if (format != "console" && format != "json") {
		std::fprintf(stderr, "binderbench: error: --benchmark_format=%s is not supported "
			     "(console or json)\n", format.c_str());
		return 2;
	}
	if (!out.empty()) {
		std::FILE *f = std::fopen(tmp_arg.c_str() + 16, "w");

		if (!f) {
			std::fprintf(stderr, "binderbench: error: cannot write --benchmark_out %s: %s\n",
				     out.c_str(), std::strerror(errno));
			return 2;
		}
		std::fclose(f);
	}
	benchmark::Initialize(&argc, argv);
	if (argc > 1) {
		const char *prog = std::strrchr(argv[0], '/');

		std::fprintf(stderr, "%s: error: unrecognized flag '%s' (see --help)\n",
			     prog ? prog + 1 : argv[0], argv[1]);
		if (!out.empty())
			std::remove(tmp_arg.c_str() + 16);
		return 2;
	}
	if (format == "json") {
		Tracking<benchmark::JSONReporter> rep;
		ret = run_with(rep);
	} else {
		Tracking<benchmark::ConsoleReporter> rep;
		ret = run_with(rep);
	}
	if (!out.empty()) {
		if (ret == 0 && std::rename(tmp_arg.c_str() + 16, out.c_str()) != 0) {
			std::fprintf(stderr, "binderbench: error: cannot write %s: %s\n", out.c_str(),
				     std::strerror(errno));
			ret = 1;
		}
		if (ret != 0)
			std::remove(tmp_arg.c_str() + 16);
	}
	return ret;
}

} // extern "C"
