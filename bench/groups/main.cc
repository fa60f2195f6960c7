// samsa-bench-groups: what consumer groups and the idempotent producer cost,
// against a real samsa-broker started by the tool (tests/support).
//
//   rebalance   2, 4 and 8 librdkafka KafkaConsumer members subscribe to one
//               16-partition topic at the same moment; time from the first
//               subscribe() until every member holds its final assignment and
//               together they hold every partition (group Stable).
//               group.initial.rebalance.delay.ms=0 so the protocol is timed,
//               not Kafka's deliberate delay (3 s by default). Members that
//               join after the first generation formed make the others
//               rejoin, which they learn from their next heartbeat: with
//               librdkafka's default heartbeat.interval.ms (3 s) that wait
//               dominates; --heartbeat-ms shows the protocol's own cost.
//   commits     one member commits its offsets with commitSync in a loop.
//   idempotent  acks=all producing, plain then enable.idempotence=true, same
//               broker, same settings; figure next to the plain one (target
//               >= 90%).
//   durable     the idempotent acks=all run against a second broker with
//               samsa.durable.acks=true, next to the default broker.
//
// Thread: main; librdkafka's own threads, one polling thread per member.

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <librdkafka/rdkafkacpp.h>

#include "tests/support/broker_process.h"
#include "tests/support/rdkafka_client.h"

namespace samsa::bench {
namespace {

namespace ts = samsa::test_support;
using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

struct options {
    std::string broker_bin;
    std::string data_parent;
    double seconds = 4;
    size_t record_size = 100;
    std::vector<int> group_sizes{2, 4, 8};
    double commit_seconds = 3;
    int heartbeat_ms = 3000;  // librdkafka's default heartbeat.interval.ms
};

ts::broker_options broker_options_for(const options& o, bool durable) {
    ts::broker_options b;
    b.binary = o.broker_bin.empty() ? ts::broker_beside_this_program() : std::filesystem::path(o.broker_bin);
    b.temp_parent = o.data_parent;
    b.overrides.emplace_back("group.initial.rebalance.delay.ms", "0");
    b.overrides.emplace_back("log.level", "warn");
    if (durable) b.overrides.emplace_back("samsa.durable.acks", "true");
    return b;
}

std::unique_ptr<RdKafka::Conf> make_conf(const ts::config_map& settings, std::string& err) {
    std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    for (const auto& [k, v] : settings) {
        if (conf->set(k, v, err) != RdKafka::Conf::CONF_OK) {
            err = k + ": " + err;
            return nullptr;
        }
    }
    return conf;
}

// ---- produce -----------------------------------------------------------------

class counting_delivery : public RdKafka::DeliveryReportCb {
public:
    void dr_cb(RdKafka::Message& m) override {
        if (m.err() == RdKafka::ERR_NO_ERROR) {
            ++acked;
        } else {
            ++failed;
        }
        last = clock::now();
    }
    uint64_t acked = 0, failed = 0;
    clock::time_point last = clock::now();
};

// Records acknowledged per second over `seconds` of producing (then a flush).
double produce_rate(const std::string& bootstrap, const std::string& topic, const options& o, bool idempotent) {
    std::string err;
    counting_delivery dr;
    auto conf = make_conf({{"bootstrap.servers", bootstrap},
                           {"acks", "all"},
                           {"enable.idempotence", idempotent ? "true" : "false"},
                           {"linger.ms", "5"},
                           {"batch.num.messages", "10000"},
                           {"queue.buffering.max.messages", "1000000"},
                           {"compression.codec", "none"}},
                          err);
    if (!conf || conf->set("dr_cb", &dr, err) != RdKafka::Conf::CONF_OK) {
        std::fprintf(stderr, "producer config: %s\n", err.c_str());
        return 0;
    }
    std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), err));
    if (!producer) return 0;
    std::string value(o.record_size, 'x');
    auto start = clock::now();
    auto end = start + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(o.seconds));
    while (clock::now() < end) {
        for (int i = 0; i < 1000; ++i) {
            auto rc = producer->produce(topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                                        value.data(), value.size(), nullptr, 0, 0, nullptr);
            if (rc == RdKafka::ERR__QUEUE_FULL) {
                producer->poll(1);
                break;
            }
        }
        producer->poll(0);
    }
    producer->flush(60000);
    double secs = std::chrono::duration<double>(dr.last - start).count();
    if (dr.failed) std::fprintf(stderr, "%lu deliveries failed\n", static_cast<unsigned long>(dr.failed));
    return secs > 0 ? static_cast<double>(dr.acked) / secs : 0;
}

// ---- groups ------------------------------------------------------------------

// One member: its current assignment size, updated by the rebalance callback.
class member : public RdKafka::RebalanceCb {
public:
    void rebalance_cb(RdKafka::KafkaConsumer* c, RdKafka::ErrorCode err,
                      std::vector<RdKafka::TopicPartition*>& parts) override {
        if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
            c->assign(parts);
            assigned = static_cast<int>(parts.size());
        } else {
            c->unassign();
            assigned = 0;
        }
        changed = clock::now();
    }
    std::atomic<int> assigned{0};
    std::atomic<clock::time_point> changed{clock::now()};
};

struct group_run {
    std::vector<std::unique_ptr<member>> members;
    std::vector<std::unique_ptr<RdKafka::KafkaConsumer>> consumers;
};

// Milliseconds from the subscribes until every member holds a share and the
// shares add up to every partition; -1 on timeout.
double rebalance_ms(const std::string& bootstrap, const std::string& topic, int partitions, int size,
                    const std::string& group, int heartbeat_ms) {
    group_run run;
    std::string err;
    for (int i = 0; i < size; ++i) {
        run.members.push_back(std::make_unique<member>());
        auto conf = make_conf({{"bootstrap.servers", bootstrap},
                               {"group.id", group},
                               {"partition.assignment.strategy", "range"},
                               {"session.timeout.ms", "10000"},
                               {"heartbeat.interval.ms", std::to_string(heartbeat_ms)},
                               {"enable.auto.commit", "false"}},
                              err);
        conf->set("rebalance_cb", static_cast<RdKafka::RebalanceCb*>(run.members.back().get()), err);
        run.consumers.emplace_back(RdKafka::KafkaConsumer::create(conf.get(), err));
        if (!run.consumers.back()) {
            std::fprintf(stderr, "consumer: %s\n", err.c_str());
            return -1;
        }
    }
    std::atomic<bool> stop{false};
    auto start = clock::now();
    std::vector<std::thread> pollers;
    for (int i = 0; i < size; ++i) {
        pollers.emplace_back([&, i] {
            run.consumers[i]->subscribe({topic});
            while (!stop) delete run.consumers[i]->consume(20);
        });
    }
    double took = -1;
    for (auto deadline = start + 60s; clock::now() < deadline;) {
        int total = 0, holding = 0;
        clock::time_point last{};
        for (auto& m : run.members) {
            total += m->assigned;
            holding += m->assigned > 0;
            last = std::max(last, m->changed.load());
        }
        if (total == partitions && holding == size) {
            took = std::chrono::duration<double, std::milli>(last - start).count();
            break;
        }
        std::this_thread::sleep_for(2ms);
    }
    stop = true;
    for (auto& t : pollers) t.join();
    for (auto& c : run.consumers) c->close();
    return took;
}

// commitSync calls per second by one member holding every partition.
double commit_rate(const std::string& bootstrap, const std::string& topic, int partitions, double seconds) {
    std::string err;
    member m;
    auto conf = make_conf({{"bootstrap.servers", bootstrap}, {"group.id", "bench-commits"},
                           {"enable.auto.commit", "false"}},
                          err);
    conf->set("rebalance_cb", static_cast<RdKafka::RebalanceCb*>(&m), err);
    std::unique_ptr<RdKafka::KafkaConsumer> c(RdKafka::KafkaConsumer::create(conf.get(), err));
    if (!c) return 0;
    c->subscribe({topic});
    for (auto deadline = clock::now() + 30s; m.assigned < partitions && clock::now() < deadline;) delete c->consume(20);
    std::vector<RdKafka::TopicPartition*> offsets;
    for (int p = 0; p < partitions; ++p) offsets.push_back(RdKafka::TopicPartition::create(topic, p, 0));
    uint64_t commits = 0;
    auto start = clock::now();
    auto end = start + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(seconds));
    while (clock::now() < end) {
        for (auto* tp : offsets) tp->set_offset(static_cast<int64_t>(commits));
        if (c->commitSync(offsets) != RdKafka::ERR_NO_ERROR) break;
        ++commits;
    }
    double secs = std::chrono::duration<double>(clock::now() - start).count();
    RdKafka::TopicPartition::destroy(offsets);
    c->close();
    return secs > 0 ? static_cast<double>(commits) / secs : 0;
}

int run(const options& o) {
    ts::broker_process broker(broker_options_for(o, false));
    if (!broker.start()) {
        std::fprintf(stderr, "broker: %s\n", broker.failure().c_str());
        return 1;
    }
    const std::string bootstrap = broker.bootstrap();
    constexpr int group_partitions = 16;
    if (!ts::create_topic(bootstrap, "groups", group_partitions) || !ts::create_topic(bootstrap, "plain", 4) ||
        !ts::create_topic(bootstrap, "idempotent", 4)) {
        std::fprintf(stderr, "cannot create the topics\n");
        return 1;
    }
    std::printf("samsa-bench-groups: broker %s, %zu-byte records, %.1f s per produce run\n", bootstrap.c_str(),
                o.record_size, o.seconds);

    for (int size : o.group_sizes) {
        double ms = rebalance_ms(bootstrap, "groups", group_partitions, size, "bench-" + std::to_string(size),
                                 o.heartbeat_ms);
        std::printf("rebalance  %d members, %d partitions: %.0f ms from subscribe to all Stable "
                    "(heartbeat.interval.ms %d)\n",
                    size, group_partitions, ms, o.heartbeat_ms);
    }
    double commits = commit_rate(bootstrap, "groups", group_partitions, o.commit_seconds);
    std::printf("commits    %.0f commitSync/s (%d partitions each)\n", commits, group_partitions);

    double plain = produce_rate(bootstrap, "plain", o, false);
    double idem = produce_rate(bootstrap, "idempotent", o, true);
    std::printf("produce    plain acks=all %.0f rec/s; idempotent acks=all %.0f rec/s = %.0f%% of plain "
                "(target >= 90%%)\n",
                plain, idem, plain > 0 ? 100 * idem / plain : 0);
    broker.stop();

    ts::broker_process durable(broker_options_for(o, true));
    if (!durable.start() || !ts::create_topic(durable.bootstrap(), "idempotent", 4)) {
        std::fprintf(stderr, "durable broker: %s\n", durable.failure().c_str());
        return 1;
    }
    double dur = produce_rate(durable.bootstrap(), "idempotent", o, true);
    durable.stop();
    std::printf("durable    idempotent acks=all with samsa.durable.acks=true %.0f rec/s = %.0f%% of the default "
                "(%.0f rec/s)\n",
                dur, idem > 0 ? 100 * dur / idem : 0, idem);
    std::string log = durable.log_text();
    if (auto at = log.find("durable acks:"); at != std::string::npos) {
        std::printf("           %s\n", log.substr(at, log.find('\n', at) - at).c_str());
    }
    return 0;
}

}  // namespace
}  // namespace samsa::bench

int main(int argc, char** argv) {
    samsa::bench::options o;
    CLI::App app{"samsa-bench-groups: rebalance time, commit rate, idempotent and durable producing"};
    app.add_option("--broker-bin", o.broker_bin, "samsa-broker binary (default: next to this tool)");
    app.add_option("--data-parent", o.data_parent, "folder for the brokers' temporary data dirs");
    app.add_option("--seconds", o.seconds, "seconds of producing per run")->check(CLI::PositiveNumber);
    app.add_option("--record-size", o.record_size, "record size in bytes");
    app.add_option("--group-sizes", o.group_sizes, "member counts for the rebalance runs")->delimiter(',');
    app.add_option("--commit-seconds", o.commit_seconds, "seconds of committing")->check(CLI::PositiveNumber);
    app.add_option("--heartbeat-ms", o.heartbeat_ms, "members' heartbeat.interval.ms")->check(CLI::PositiveNumber);
    CLI11_PARSE(app, argc, argv);
    return samsa::bench::run(o);
}
