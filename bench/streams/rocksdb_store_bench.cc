// samsa-bench-rocksdb-store: point reads of one RocksDB key-value store, the
// way the order-mail app's join reads its customer table, next to the same
// reads from a std::unordered_map (the ceiling) in the same run.
//
//   samsa-bench-rocksdb-store [--rows N] [--gets N] [--commits N] [--rounds N]
//                             [--other-work N]
//
// Load (as a KTable's store is loaded): N customer rows (one partition's
// third of the issue scale's 100k by default: key "c<n>", value an 8-byte
// timestamp and the customer's JSON) through rocksdb_key_value_store::put_all
// in batches of 1,000 (a record cache flush), flush() at each of --commits
// evenly spaced commits, then close and open again (a restart from the
// checkpoint). Reads: --gets random keys, each value copied out, timed in
// thread CPU over --rounds rounds, store and map alternated, medians printed
// (the first round alone too: it is the one that fills the store's caches).
//
// Between two reads the app does the rest of a record's work, which pushes
// the store's index, blocks and cache entries out of the CPU caches and TLB:
// --other-work random 8-byte touches of a 256 MiB buffer stand for it (timed
// alone each round and subtracted from both loops). --other-work 0 gives the
// hot-cache figure.
//
// Threads: main only.
#include <time.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "order_mail/generator.h"
#include "order_mail/records.h"
#include "samsa/streams/state/rocksdb_key_value_store.h"
#include "tests/support/temp_dir.h"

namespace {

namespace om = samsa::apps::order_mail;
namespace st = samsa::streams;

struct options {
    int64_t rows = 33'334;
    int64_t gets = 200'000;
    int64_t commits = 5;
    int rounds = 7;
    int64_t other_work = 60;
};

[[noreturn]] void die(const std::string& why) {
    std::fprintf(stderr, "samsa-bench-rocksdb-store: %s\n", why.c_str());
    std::exit(1);
}

double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

options parse(int argc, char** argv) {
    options o;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (i + 1 >= argc) die("missing value for " + a);
        int64_t v = std::atoll(argv[++i]);
        if (a == "--rows") o.rows = v;
        else if (a == "--gets") o.gets = v;
        else if (a == "--commits") o.commits = v;
        else if (a == "--rounds") o.rounds = static_cast<int>(v);
        else if (a == "--other-work") o.other_work = v;
        else die("unknown option " + a);
    }
    if (o.rows < 1 || o.gets < 1 || o.commits < 1 || o.rounds < 1 || o.other_work < 0) die("bad option value");
    return o;
}

samsa::bytes to_bytes(const std::string& s) { return samsa::bytes(s.begin(), s.end()); }

// Rows of one partition's customer table: every third customer.
std::vector<std::pair<samsa::bytes, samsa::bytes>> make_rows(int64_t n) {
    om::data_generator g({.customers = 3 * n});
    std::vector<std::pair<samsa::bytes, samsa::bytes>> rows;
    rows.reserve(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
        auto c = g.customer_at(3 * i);
        std::string value(8, '\0');  // value_and_timestamp's timestamp
        value += nlohmann::json(c).dump();
        rows.emplace_back(to_bytes(c.id), to_bytes(value));
    }
    return rows;
}

// Loads rows as a KTable's store is loaded, and reopens the store.
void load(st::rocksdb_key_value_store& store, const std::filesystem::path& dir,
          const std::vector<std::pair<samsa::bytes, samsa::bytes>>& rows, int64_t commits) {
    const size_t per_commit = (rows.size() + static_cast<size_t>(commits) - 1) / static_cast<size_t>(commits);
    std::vector<st::bytes_entry> batch;
    for (size_t i = 0; i < rows.size(); ++i) {
        batch.push_back({rows[i].first, rows[i].second});
        const bool commit = (i + 1) % per_commit == 0 || i + 1 == rows.size();
        if (batch.size() == 1000 || commit) {
            store.put_all(batch);
            batch.clear();
        }
        if (commit) store.flush();
    }
    store.close();
    if (auto s = store.open(dir); !s) die(s.error().message);
}

size_t sst_files(const std::filesystem::path& db_dir) {
    size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(db_dir)) n += e.path().extension() == ".sst";
    return n;
}

// The rest of a record's work, as far as the CPU caches can tell.
class other_work {
public:
    explicit other_work(int64_t touches) : touches_(touches), memory_(touches > 0 ? (256u << 20) / 8 : 0, 1) {}
    void run() {
        for (int64_t t = 0; t < touches_; ++t) {
            state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
            sum_ += memory_[(state_ >> 24) % memory_.size()]++;
        }
    }
    uint64_t sum() const { return sum_; }

private:
    int64_t touches_;
    std::vector<uint64_t> memory_;
    uint64_t state_ = 12345;
    uint64_t sum_ = 0;
};

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    const options opt = parse(argc, argv);
    const auto rows = make_rows(opt.rows);
    samsa::test_support::temp_dir tmp("samsa-bench-rocksdb-store");
    st::rocksdb_key_value_store store("CUSTOMER-STATE-STORE-0000000000");
    if (auto s = store.open(tmp.path()); !s) die(s.error().message);
    load(store, tmp.path(), rows, opt.commits);

    std::unordered_map<std::string, std::string> map;
    for (const auto& [k, v] : rows) map.emplace(std::string(k.begin(), k.end()), std::string(v.begin(), v.end()));
    std::mt19937_64 rng(7);
    std::vector<const samsa::bytes*> keys(static_cast<size_t>(opt.gets));
    std::vector<std::string> key_strings(keys.size());
    for (size_t i = 0; i < keys.size(); ++i) {
        keys[i] = &rows[rng() % rows.size()].first;
        key_strings[i].assign(keys[i]->begin(), keys[i]->end());
    }

    other_work work(opt.other_work);
    size_t bytes_read = 0;
    std::vector<double> store_ns, map_ns, work_ns;
    const double gets = static_cast<double>(opt.gets);
    for (int r = 0; r < opt.rounds; ++r) {
        double t0 = thread_cpu_seconds();
        for (size_t i = 0; i < keys.size(); ++i) work.run();
        work_ns.push_back((thread_cpu_seconds() - t0) * 1e9 / gets);

        t0 = thread_cpu_seconds();
        for (size_t i = 0; i < keys.size(); ++i) {
            work.run();
            auto v = store.get(*keys[i]);
            if (!v) die("key missing from the store");
            bytes_read += v->size();
        }
        store_ns.push_back((thread_cpu_seconds() - t0) * 1e9 / gets - work_ns.back());

        t0 = thread_cpu_seconds();
        for (size_t i = 0; i < keys.size(); ++i) {
            work.run();
            const std::string& v = map.find(key_strings[i])->second;
            samsa::bytes copy(v.begin(), v.end());  // what get() hands back
            bytes_read += copy.size();
        }
        map_ns.push_back((thread_cpu_seconds() - t0) * 1e9 / gets - work_ns.back());
    }
    const double store_med = median(store_ns), map_med = median(map_ns);
    std::printf("samsa-bench-rocksdb-store: %lld rows (%zu SST files after %lld commits and a reopen), %lld gets x "
                "%d rounds, other work %.0f ns per get (%lld touches)\n",
                static_cast<long long>(opt.rows), sst_files(store.db_dir()), static_cast<long long>(opt.commits),
                static_cast<long long>(opt.gets), opt.rounds, median(work_ns), static_cast<long long>(opt.other_work));
    std::printf("rocksdb store get: %.0f ns (median of rounds; min %.0f; the first round, on a just opened "
                "store: %.0f)\n",
                store_med, *std::min_element(store_ns.begin(), store_ns.end()), store_ns.front());
    std::printf("unordered_map get: %.0f ns (the ceiling: same keys, value copied out)\n", map_med);
    std::printf("ceiling/store = %.0f%%   (checksum %zu %llu)\n", 100.0 * map_med / store_med, bytes_read,
                static_cast<unsigned long long>(work.sum()));
    return 0;
}
