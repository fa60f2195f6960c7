// Micro-benchmarks of the partition log: append and read throughput, and the
// start-up figures the broker issue sets targets for (clean start, recovery
// of a 1 GiB log after an unclean shutdown).
//
//   storage_bench --benchmark_filter=append
//   SAMSA_BENCH_DIR=/path/on/the/data/disk storage_bench

#include <cstdlib>
#include <filesystem>
#include <string>

#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>

#include "samsa/record/records.h"
#include "samsa/storage/log_manager.h"
#include "samsa/storage/partition_log.h"

namespace samsa::storage {
namespace {

std::filesystem::path bench_dir() {
    const char* env = std::getenv("SAMSA_BENCH_DIR");
    std::string pattern = ((env ? std::filesystem::path(env) : std::filesystem::temp_directory_path()) /
                           "samsa-storage-bench-XXXXXX")
                              .string();
    if (!::mkdtemp(pattern.data())) std::abort();
    return pattern;
}

// A producer-like batch: `count` records of `value_size` bytes.
bytes make_batch(int count, size_t value_size) {
    record::record_batch_builder builder;
    std::string value(value_size, 'v');
    for (int i = 0; i < count; ++i) builder.add(std::to_string(i), value, timestamp_ms(1700000000000 + i));
    return builder.build();
}

void BM_append(benchmark::State& state) {
    const auto value_size = static_cast<size_t>(state.range(0));
    const int per_batch = static_cast<int>(state.range(1));
    auto dir = bench_dir();
    log_config cfg;
    cfg.segment_bytes = 256 << 20;
    auto log = partition_log::open(dir / "bench-0", cfg).value();
    bytes batch = make_batch(per_batch, value_size);
    int64_t now = 1700000000000;
    for (auto _ : state) {
        auto r = log->append(batch, timestamp_ms(now));
        if (!r) state.SkipWithError(r.error().message.c_str());
        // Keep the disk use bounded: drop whole segments behind us.
        if (log->segments().size() > 4) (void)log->delete_records_before(log->segments()[2]->base_offset());
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * batch.size()));
    state.SetItemsProcessed(state.iterations() * per_batch);
    log.reset();
    std::filesystem::remove_all(dir);
}
BENCHMARK(BM_append)->Args({100, 1})->Args({100, 150})->Args({1024, 16})->Args({1024, 1000})->UseRealTime();

void BM_read_sequential(benchmark::State& state) {
    const auto max_bytes = static_cast<size_t>(state.range(0));
    auto dir = bench_dir();
    auto log = partition_log::open(dir / "bench-0", log_config{}).value();
    bytes batch = make_batch(150, 100);
    for (int i = 0; i < 16000; ++i) (void)log->append(batch, timestamp_ms(0));  // ~256 MiB
    offset next = log->log_start_offset();
    int64_t bytes_read = 0;
    for (auto _ : state) {
        if (next == log->log_end_offset()) next = log->log_start_offset();
        auto r = log->read(next, max_bytes, true);
        if (!r) state.SkipWithError(r.error().message.c_str());
        bytes_read += static_cast<int64_t>(r->records.size());
        next = r->next_offset;
    }
    state.SetBytesProcessed(bytes_read);
    log.reset();
    std::filesystem::remove_all(dir);
}
BENCHMARK(BM_read_sequential)->Arg(64 << 10)->Arg(1 << 20)->UseRealTime();

void BM_read_random_offset(benchmark::State& state) {
    auto dir = bench_dir();
    auto log = partition_log::open(dir / "bench-0", log_config{}).value();
    bytes batch = make_batch(10, 100);
    for (int i = 0; i < 100000; ++i) (void)log->append(batch, timestamp_ms(0));
    uint64_t x = 88172645463325252ull;
    for (auto _ : state) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        auto r = log->read(offset(static_cast<int64_t>(x % 1000000)), 4096, true);
        benchmark::DoNotOptimize(r);
    }
    log.reset();
    std::filesystem::remove_all(dir);
}
BENCHMARK(BM_read_random_offset)->UseRealTime();

// A 1 GiB log of 16 KiB batches, opened after a clean shutdown and after an
// unclean one with no recovery point (the worst case: every byte re-checked).
struct gib_log {
    std::filesystem::path dir = bench_dir();
    gib_log() {
        auto log = partition_log::open(dir / "bench-0", log_config{}).value();
        bytes batch = make_batch(150, 100);
        while (log->size_bytes() < (1ull << 30)) (void)log->append(batch, timestamp_ms(1700000000000));
        (void)log->close();
    }
    ~gib_log() { std::filesystem::remove_all(dir); }
};

void BM_open_clean_1gib(benchmark::State& state) {
    static gib_log data;
    for (auto _ : state) {
        auto log = partition_log::open(data.dir / "bench-0", log_config{}, recovery_hint{true, {}, {}});
        if (!log) state.SkipWithError(log.error().message.c_str());
        benchmark::DoNotOptimize(log);
    }
}
BENCHMARK(BM_open_clean_1gib)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_recover_unclean_1gib(benchmark::State& state) {
    static gib_log data;
    for (auto _ : state) {
        auto log = partition_log::open(data.dir / "bench-0", log_config{}, recovery_hint{false, {}, {}});
        if (!log) state.SkipWithError(log.error().message.c_str());
        state.counters["scanned_MiB"] = static_cast<double>((*log)->summary().bytes_scanned) / (1 << 20);
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * (1ll << 30)));
}
BENCHMARK(BM_recover_unclean_1gib)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

}  // namespace
}  // namespace samsa::storage

int main(int argc, char** argv) {
    spdlog::set_level(spdlog::level::warn);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
