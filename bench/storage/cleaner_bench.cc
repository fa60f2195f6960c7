// samsa-bench-cleaner: the log cleaner's throughput next to the disk's, and
// produce (append) throughput while a clean runs next to without one.
//
//   samsa-bench-cleaner [--mib 1024] [--live-percent 10] [--value-bytes 1000] [--dir /path/on/the/data/disk]
//
// Steps, all in one run so the figures share the machine's state:
//   1. ceilings: sequential write (1 MiB pwrites + fdatasync) and read
//      (1 MiB preads) bandwidth of a scratch file of --mib / 4 MiB;
//   2. append a --mib MiB log of keyed records (batches of 16 records,
//      --live-percent of the keys distinct, so that fraction survives) into
//      64 MiB segments: produce throughput without the cleaner;
//   3. clean it (storage::clean_segments, one cleaner thread, as the broker
//      runs it): MB/s of log cleaned (bytes read / wall time);
//   4. append the same amount to a second log while a third copy is being
//      cleaned on another thread: produce throughput with the cleaner.
// Prints each figure and the ratios (cleaner / disk, produce with / without).

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>

#include <spdlog/spdlog.h>

#include "samsa/record/records.h"
#include "samsa/storage/log_cleaner.h"
#include "samsa/storage/partition_log.h"

namespace samsa::storage {
namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t) {
    return std::chrono::duration<double>(clock_type::now() - t).count();
}

struct options {
    int64_t mib = 1024;
    int live_percent = 10;
    size_t value_bytes = 1000;
    std::filesystem::path dir = std::filesystem::temp_directory_path();
};

options parse(int argc, char** argv) {
    options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string flag = argv[i];
        if (flag == "--mib") o.mib = std::atoll(argv[i + 1]);
        else if (flag == "--live-percent") o.live_percent = std::atoi(argv[i + 1]);
        else if (flag == "--value-bytes") o.value_bytes = static_cast<size_t>(std::atoll(argv[i + 1]));
        else if (flag == "--dir") o.dir = argv[i + 1];
        else {
            std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
            std::exit(2);
        }
    }
    return o;
}

// Sequential write then read of `bytes` bytes: MB/s each.
std::pair<double, double> disk_ceilings(const std::filesystem::path& dir, uint64_t bytes) {
    auto path = dir / "ceiling.tmp";
    int fd = ::open(path.c_str(), O_CREAT | O_TRUNC | O_RDWR | O_CLOEXEC, 0644);
    if (fd < 0) std::abort();
    std::vector<uint8_t> block(1 << 20, 'x');
    auto t = clock_type::now();
    for (uint64_t pos = 0; pos < bytes; pos += block.size()) {
        if (::pwrite(fd, block.data(), block.size(), static_cast<off_t>(pos)) != static_cast<ssize_t>(block.size()))
            std::abort();
    }
    ::fdatasync(fd);
    const double write_mbs = static_cast<double>(bytes) / 1e6 / seconds_since(t);
    t = clock_type::now();
    for (uint64_t pos = 0; pos < bytes; pos += block.size()) {
        if (::pread(fd, block.data(), block.size(), static_cast<off_t>(pos)) <= 0) std::abort();
    }
    const double read_mbs = static_cast<double>(bytes) / 1e6 / seconds_since(t);
    ::close(fd);
    std::filesystem::remove(path);
    return {write_mbs, read_mbs};
}

log_config bench_config() {
    log_config cfg;
    cfg.segment_bytes = 64 << 20;
    cfg.cleanup = cleanup_policy::compact;
    return cfg;
}

// Appends `bytes` of keyed batches; returns MB/s.
double fill(partition_log& log, const options& o, uint64_t total) {
    const size_t per_batch = 16;
    const uint64_t records = total / (o.value_bytes + 30);
    const uint64_t keys = std::max<uint64_t>(1, records * static_cast<uint64_t>(o.live_percent) / 100);
    std::string value(o.value_bytes, 'v');
    uint64_t written = 0;
    auto t = clock_type::now();
    for (uint64_t i = 0; written < total;) {
        record::record_batch_builder builder;
        for (size_t j = 0; j < per_batch; ++j, ++i)
            builder.add("key-" + std::to_string(i % keys), value, timestamp_ms(1700000000000 + static_cast<int64_t>(i)));
        bytes batch = builder.build();
        written += batch.size();
        if (!log.append(batch, timestamp_ms(1700000000000))) std::abort();
    }
    if (!log.flush()) std::abort();
    return static_cast<double>(written) / 1e6 / seconds_since(t);
}

clean_request request_for(partition_log& log) {
    clean_request req;
    req.dir = log.dir();
    req.first_dirty = log.log_start_offset();
    req.now = timestamp_ms(1800000000000);
    req.delete_retention = std::chrono::hours(24);
    req.max_segment_bytes = log.config().segment_bytes;
    req.max_index_bytes = log.config().segment_index_bytes;
    req.index_interval_bytes = log.config().index_interval_bytes;
    req.map_entries = cleaner_config{}.map_entries();
    req.io_buffer_size = 512 << 10;
    const auto& segs = log.segments();
    for (size_t i = 0; i + 1 < segs.size(); ++i) {
        auto f = file::open(segs[i]->log_path(), false);
        if (!f) std::abort();
        req.segments.push_back({segs[i]->base_offset(), segs[i + 1]->base_offset(), segs[i]->size_bytes(),
                                std::move(*f)});
    }
    return req;
}

int run(const options& o) {
    spdlog::set_level(spdlog::level::warn);
    std::string pattern = (o.dir / "samsa-cleaner-bench-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) {
        std::perror("mkdtemp");
        return 1;
    }
    const std::filesystem::path root = pattern;
    const uint64_t total = static_cast<uint64_t>(o.mib) << 20;
    std::printf("log %lld MiB, %d%% live keys, %zu-byte values, in %s\n", static_cast<long long>(o.mib),
                o.live_percent, o.value_bytes, root.c_str());

    auto [write_mbs, read_mbs] = disk_ceilings(root, std::max<uint64_t>(total / 4, 64 << 20));
    std::printf("disk ceilings: sequential write %.0f MB/s (with fdatasync), read %.0f MB/s\n", write_mbs, read_mbs);

    auto a = partition_log::open(root / "a-0", bench_config());
    if (!a) return 1;
    const double produce_alone = fill(**a, o, total);
    std::printf("produce without the cleaner: %.0f MB/s\n", produce_alone);

    auto req = request_for(**a);
    std::atomic<bool> cancel{false};
    auto t = clock_type::now();
    auto cleaned = clean_segments(req, cancel);
    const double clean_s = seconds_since(t);
    if (!cleaned) {
        std::fprintf(stderr, "clean failed: %s\n", cleaned.error().message.c_str());
        return 1;
    }
    const double clean_mbs = static_cast<double>(cleaned->stats.bytes_read) / 1e6 / clean_s;
    std::printf("cleaner: %.0f MB/s (%llu bytes read -> %llu written, %llu of %llu records kept, %.2f s) = %.0f%% of "
                "disk read, %.0f%% of disk write\n",
                clean_mbs, static_cast<unsigned long long>(cleaned->stats.bytes_read),
                static_cast<unsigned long long>(cleaned->stats.bytes_written),
                static_cast<unsigned long long>(cleaned->stats.records_kept),
                static_cast<unsigned long long>(cleaned->stats.records_read), clean_s, 100 * clean_mbs / read_mbs,
                100 * clean_mbs / write_mbs);
    for (const auto& g : cleaned->groups) {
        std::error_code ec;
        for (auto ext : {".log", ".index", ".timeindex"}) std::filesystem::remove(cleaned_file(root / "a-0", g.base, ext), ec);
    }

    // Produce while a clean of log a runs on another thread.
    auto b = partition_log::open(root / "b-0", bench_config());
    if (!b) return 1;
    auto req2 = request_for(**a);
    std::atomic<bool> busy{true};
    double produce_with = 0;
    std::thread cleaner([&] {
        // Clean repeatedly so it overlaps the whole produce run.
        while (busy.load()) {
            auto r = clean_segments(req2, cancel);
            if (!r) break;
        }
    });
    produce_with = fill(**b, o, total);
    busy.store(false);
    cancel.store(true);
    cleaner.join();
    std::printf("produce while the cleaner runs: %.0f MB/s = %.0f%% of without (target >= 80%%)\n", produce_with,
                100 * produce_with / produce_alone);
    a->reset();
    b->reset();
    std::filesystem::remove_all(root);
    return 0;
}

}  // namespace
}  // namespace samsa::storage

int main(int argc, char** argv) { return samsa::storage::run(samsa::storage::parse(argc, argv)); }
