// samsa-bench-transactions: what transactions cost a producer, against a
// real samsa-broker started by the tool (tests/support).
//
// For each record size, the ceiling is measured first: a librdkafka
// idempotent producer (acks=all, linger.ms=5) writing as fast as it can for
// --seconds. Then the same producer with a transactional.id runs
// transactions back to back: begin, produce for the commit interval (10,
// 100, 1000 ms by default), commit (which waits for every record of the
// transaction, then for EndTxn). Figure: records/s committed, next to the
// idempotent ceiling of the same run, as a ratio. The goal: with
// 100 ms transactions, within 10% of plain idempotent produce.
//
// A transaction's cost is fixed per commit (AddPartitionsToTxn once per
// partition, EndTxn, one marker per partition) plus the drain at commit
// (the producer stops filling batches while it waits), so short intervals
// pay more.
//
// Thread: main; librdkafka's own threads.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "samsa/kafka/producer.h"
#include "tests/support/broker_process.h"
#include "tests/support/rdkafka_client.h"

namespace samsa::bench {
namespace {

namespace ts = samsa::test_support;
using clock = std::chrono::steady_clock;

struct options {
    std::string broker_bin;
    std::string data_parent;
    double seconds = 4;
    int partitions = 4;
    std::vector<size_t> record_sizes{100, 1024};
    std::vector<int> commit_ms{10, 100, 1000};
    int rounds = 3;
    int linger_ms = 5;  // librdkafka's default; Kafka 3.8's Java producer defaults to 0
};

std::unique_ptr<kafka::producer> make_producer(const std::string& bootstrap, const std::string& transactional_id,
                                               int linger_ms) {
    kafka::properties config{{"bootstrap.servers", bootstrap},
                             {"enable.idempotence", "true"},
                             {"acks", "all"},
                             {"linger.ms", std::to_string(linger_ms)},
                             {"queue.buffering.max.messages", "1000000"}};
    if (!transactional_id.empty()) config["transactional.id"] = transactional_id;
    auto p = kafka::producer::create(config);
    if (!p) {
        std::fprintf(stderr, "producer: %s\n", p.error().message.c_str());
        return nullptr;
    }
    return std::move(*p);
}

// Queues one record, waiting while the queue is full (producer_options::max_block).
void produce_one(kafka::producer& p, const std::string& topic, const std::string& value, uint64_t i, int partitions) {
    kafka::producer_record r;
    r.topic = topic;
    r.partition = partition_id(static_cast<int32_t>(i % static_cast<uint64_t>(partitions)));
    r.value = value;
    (void)p.send(r);
}

// One acknowledged record per partition before the clock starts, so neither
// figure includes librdkafka's first lookup of the topic's metadata (a new
// topic's leaders are learnt up to a second after the first produce; that
// stall fell inside the first transaction and cost a 4 s run 10-20%).
void warm_up(kafka::producer& p, const std::string& topic, const std::string& value, int partitions) {
    for (int k = 0; k < partitions; ++k) produce_one(p, topic, value, static_cast<uint64_t>(k), partitions);
    (void)p.flush(std::chrono::seconds(30));
}

// Records/s of the idempotent producer, all acknowledged.
double idempotent_rate(const std::string& bootstrap, const std::string& topic, const options& o, size_t size) {
    auto p = make_producer(bootstrap, "", o.linger_ms);
    if (!p) return 0;
    const std::string value(size, 'x');
    warm_up(*p, topic, value, o.partitions);
    const auto start = clock::now();
    const auto end = start + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(o.seconds));
    uint64_t n = 0;
    while (clock::now() < end) {
        for (int k = 0; k < 1000; ++k) produce_one(*p, topic, value, n++, o.partitions);
        p->poll(std::chrono::milliseconds(0));
    }
    (void)p->flush(std::chrono::seconds(60));
    const double secs = std::chrono::duration<double>(clock::now() - start).count();
    return static_cast<double>(n) / secs;
}

struct txn_figures {
    double rate = 0;
    uint64_t transactions = 0;
    double commit_seconds = 0;  // spent inside commit_transaction
    bool failed = false;
};

// Records/s committed by transactions of `interval_ms` each.
txn_figures transactional_rate(const std::string& bootstrap, const std::string& topic, const options& o, size_t size,
                               int interval_ms) {
    txn_figures f;
    auto p = make_producer(bootstrap, "bench-" + std::to_string(size) + "-" + std::to_string(interval_ms), o.linger_ms);
    if (!p) return {0, 0, 0, true};
    auto check = [&](const kafka::status& s, const char* what) {
        if (s) return true;
        std::fprintf(stderr, "%s: %s\n", what, s.error().message.c_str());
        f.failed = true;
        return false;
    };
    if (!check(p->init_transactions(std::chrono::seconds(30)), "init_transactions")) return f;
    const std::string value(size, 'x');
    if (!check(p->begin_transaction(), "begin_transaction")) return f;
    warm_up(*p, topic, value, o.partitions);
    if (!check(p->commit_transaction(std::chrono::seconds(60)), "commit_transaction")) return f;
    const auto interval = std::chrono::milliseconds(interval_ms);
    const auto start = clock::now();
    const auto end = start + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(o.seconds));
    uint64_t n = 0;
    while (clock::now() < end) {
        if (!check(p->begin_transaction(), "begin_transaction")) break;
        const auto txn_end = clock::now() + interval;
        while (clock::now() < txn_end) {
            for (int k = 0; k < 100; ++k) produce_one(*p, topic, value, n++, o.partitions);
            p->poll(std::chrono::milliseconds(0));
        }
        const auto commit_start = clock::now();
        if (!check(p->commit_transaction(std::chrono::seconds(60)), "commit_transaction")) break;
        f.commit_seconds += std::chrono::duration<double>(clock::now() - commit_start).count();
        ++f.transactions;
    }
    const double secs = std::chrono::duration<double>(clock::now() - start).count();
    f.rate = static_cast<double>(n) / secs;
    return f;
}

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const size_t m = v.size() / 2;
    return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

// One record size: --rounds rounds of the idempotent ceiling and every
// transaction length. Two programs share two cores here, so one run of a few
// seconds swings by 10-15%; the rounds alternate their order (ceiling first,
// then last) so drift (page cache, a growing log) falls on both sides, and
// the figure is the median of each.
bool run_record_size(const std::string& bootstrap, const options& o, size_t size, int& topics) {
    std::vector<double> ceiling_runs;
    std::vector<std::vector<double>> txn_runs(o.commit_ms.size());
    std::vector<uint64_t> commits(o.commit_ms.size());
    std::vector<double> commit_seconds(o.commit_ms.size());
    std::vector<bool> failed(o.commit_ms.size());
    auto run_ceiling = [&] {
        const std::string topic = "plain-" + std::to_string(topics++);
        if (!ts::create_topic(bootstrap, topic, o.partitions)) return false;
        ceiling_runs.push_back(idempotent_rate(bootstrap, topic, o, size));
        return true;
    };
    for (int round = 0; round < o.rounds; ++round) {
        const bool ceiling_first = round % 2 == 0;
        if (ceiling_first && !run_ceiling()) return false;
        for (size_t i = 0; i < o.commit_ms.size(); ++i) {
            const std::string topic = "txn-" + std::to_string(topics++);
            if (!ts::create_topic(bootstrap, topic, o.partitions)) return false;
            auto f = transactional_rate(bootstrap, topic, o, size, o.commit_ms[i]);
            txn_runs[i].push_back(f.rate);
            commits[i] += f.transactions;
            commit_seconds[i] += f.commit_seconds;
            failed[i] = failed[i] || f.failed;
        }
        if (!ceiling_first && !run_ceiling()) return false;
    }
    const double ceiling = median(ceiling_runs);
    std::printf("%5zu-byte records: idempotent (ceiling) %9.0f rec/s %7.1f MB/s\n", size, ceiling,
                ceiling * static_cast<double>(size) / 1e6);
    for (size_t i = 0; i < o.commit_ms.size(); ++i) {
        const double rate = median(txn_runs[i]);
        std::printf("                   transactions of %4d ms %9.0f rec/s %7.1f MB/s = %5.1f%% of idempotent "
                    "(%llu commits, %.1f ms each)%s\n",
                    o.commit_ms[i], rate, rate * static_cast<double>(size) / 1e6,
                    ceiling > 0 ? 100.0 * rate / ceiling : 0.0, static_cast<unsigned long long>(commits[i]),
                    commits[i] ? 1000.0 * commit_seconds[i] / static_cast<double>(commits[i]) : 0.0, failed[i] ? "  FAILED" : "");
    }
    return true;
}

int run(const options& o) {
    ts::broker_options b;
    b.binary = o.broker_bin.empty() ? ts::broker_beside_this_program() : std::filesystem::path(o.broker_bin);
    b.temp_parent = o.data_parent;
    b.overrides.emplace_back("samsa.log.level", "warn");
    ts::broker_process broker(b);
    if (!broker.start()) {
        std::fprintf(stderr, "broker: %s\n", broker.failure().c_str());
        return 1;
    }
    const std::string bootstrap = broker.bootstrap();
    std::printf("samsa-bench-transactions: broker %s, %d partitions, %.1f s per run, median of %d rounds, acks=all, "
                "linger.ms=%d\n",
                bootstrap.c_str(), o.partitions, o.seconds, o.rounds, o.linger_ms);
    int topics = 0;
    for (size_t size : o.record_sizes)
        if (!run_record_size(bootstrap, o, size, topics)) return 1;
    broker.stop();
    return 0;
}

}  // namespace
}  // namespace samsa::bench

int main(int argc, char** argv) {
    samsa::bench::options o;
    CLI::App app{"samsa-bench-transactions: transactional produce next to idempotent produce"};
    app.add_option("--broker", o.broker_bin, "samsa-broker binary (default: beside this program)");
    app.add_option("--data-parent", o.data_parent, "where the broker's temporary data dir goes");
    app.add_option("--seconds", o.seconds, "length of each run")->capture_default_str();
    app.add_option("--partitions", o.partitions, "partitions of each topic")->capture_default_str();
    app.add_option("--record-size", o.record_sizes, "record sizes (repeatable)")->capture_default_str();
    app.add_option("--commit-ms", o.commit_ms, "transaction lengths in ms (repeatable)")->capture_default_str();
    app.add_option("--rounds", o.rounds, "rounds per figure (the median is printed)")->capture_default_str()->check(CLI::Range(1, 99));
    app.add_option("--linger-ms", o.linger_ms, "linger.ms of both producers")->capture_default_str()->check(CLI::Range(0, 1000));
    CLI11_PARSE(app, argc, argv);
    return samsa::bench::run(o);
}
