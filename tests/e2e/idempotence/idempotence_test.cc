// The idempotent producer end to end. The crash test: a librdkafka producer
// with enable.idempotence=true and acks=all keeps producing while the broker
// is killed with SIGKILL and restarted on the same port and data dir, several
// times in one test; afterwards every acknowledged record is in the log
// exactly once (no record at all appears twice) and the values of each key
// come in the order they were produced.
#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <librdkafka/rdkafkacpp.h>

#include "tests/e2e/broker_test.h"

namespace samsa::e2e {
namespace {

constexpr int key_count = 16;
constexpr int partitions = 3;

// Counts acknowledged values (the delivery reports without error).
class ack_collector : public RdKafka::DeliveryReportCb {
public:
    void dr_cb(RdKafka::Message& m) override {
        std::lock_guard lock(mutex_);
        if (m.err() == RdKafka::ERR_NO_ERROR) {
            acked_.insert(std::string(static_cast<const char*>(m.payload()), m.len()));
        } else {
            ++failed_;
            if (first_error_.empty()) first_error_ = m.errstr();
        }
    }
    std::set<std::string> acked() {
        std::lock_guard lock(mutex_);
        return acked_;
    }
    int failed() {
        std::lock_guard lock(mutex_);
        return failed_;
    }
    std::string first_error() {
        std::lock_guard lock(mutex_);
        return first_error_;
    }

private:
    std::mutex mutex_;
    std::set<std::string> acked_;
    int failed_ = 0;
    std::string first_error_;
};

// Fatal idempotence errors are what this test must never see.
class fatal_watch : public RdKafka::EventCb {
public:
    void event_cb(RdKafka::Event& e) override {
        if (e.type() == RdKafka::Event::EVENT_ERROR && e.fatal()) {
            std::lock_guard lock(mutex_);
            fatal_ = e.str();
        }
    }
    std::string fatal() {
        std::lock_guard lock(mutex_);
        return fatal_;
    }

private:
    std::mutex mutex_;
    std::string fatal_;
};

std::string value_for(int i) { return std::to_string(i); }
std::string key_for(int i) { return "key-" + std::to_string(i % key_count); }

class idempotence_test : public broker_test {
protected:
    void produce_through_kills();
};

// samsa.durable.acks=true: acks=all answers wait for an fsync, which also
// widens the window in which a batch is written but not yet answered when
// the kill lands (so resends meet the duplicate check).
class durable_acks_test : public idempotence_test {
protected:
    test_support::broker_options make_broker_options() const override {
        return test_support::broker_options_builder().override_config("samsa.durable.acks", "true");
    }
};

TEST_F(idempotence_test, acked_records_survive_sigkill_exactly_once_in_key_order) { produce_through_kills(); }

TEST_F(durable_acks_test, acked_records_survive_sigkill_exactly_once_in_key_order) { produce_through_kills(); }

void idempotence_test::produce_through_kills() {
    const std::string topic = "idempotent";
    ASSERT_TRUE(create_topic(bootstrap(), topic, partitions));

    ack_collector acks;
    fatal_watch fatal;
    std::string err;
    std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    for (auto [k, v] : std::vector<std::pair<std::string, std::string>>{
             {"bootstrap.servers", bootstrap()},
             {"enable.idempotence", "true"},
             {"acks", "all"},
             {"linger.ms", "5"},
             {"message.timeout.ms", "120000"},
             {"reconnect.backoff.ms", "50"},
             {"reconnect.backoff.max.ms", "200"},
             {"retry.backoff.ms", "50"}}) {
        ASSERT_EQ(conf->set(k, v, err), RdKafka::Conf::CONF_OK) << k << ": " << err;
    }
    ASSERT_EQ(conf->set("dr_cb", &acks, err), RdKafka::Conf::CONF_OK);
    ASSERT_EQ(conf->set("event_cb", &fatal, err), RdKafka::Conf::CONF_OK);
    std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), err));
    ASSERT_TRUE(producer) << err;

    // The producer thread: bounded count, paced so that the kills land
    // while batches are in flight.
    constexpr int max_records = 40000;
    std::atomic<bool> stop{false};
    std::atomic<int> produced{0};
    std::thread writer([&] {
        for (int i = 0; i < max_records && !stop; ++i) {
            std::string key = key_for(i), value = value_for(i);
            for (int attempt = 0; attempt < 1000 && !stop; ++attempt) {
                auto rc = producer->produce(topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                                            value.data(), value.size(), key.data(), key.size(), 0, nullptr);
                if (rc == RdKafka::ERR_NO_ERROR) {
                    produced = i + 1;
                    break;
                }
                producer->poll(10);  // queue full: let deliveries drain
            }
            if (i % 5 == 0) {  // about 5k records/s: the production spans every kill
                producer->poll(0);
                std::this_thread::sleep_for(1ms);
            }
        }
    });

    constexpr int cycles = 4;
    for (int cycle = 0; cycle < cycles; ++cycle) {
        std::this_thread::sleep_for(1200ms);
        broker().kill9();
        std::this_thread::sleep_for(200ms);
        ASSERT_TRUE(broker().restart()) << "cycle " << cycle << ": " << broker().failure();
    }
    std::this_thread::sleep_for(1000ms);
    stop = true;
    writer.join();
    auto flushed = producer->flush(60000);
    EXPECT_EQ(flushed, RdKafka::ERR_NO_ERROR) << "records still unacknowledged after 60 s";
    EXPECT_EQ(fatal.fatal(), "") << "the idempotent producer raised a fatal error";
    producer.reset();

    auto acked = acks.acked();
    EXPECT_EQ(acks.failed(), 0) << acks.first_error();
    ASSERT_GT(acked.size(), 1000u) << "too few records acknowledged to mean anything (" << produced << " produced)";

    auto read = read_all(bootstrap(), topic, partitions, acked.size(), 60s);
    ASSERT_TRUE(read) << read.error().message;
    std::map<std::string, int> seen;
    for (const auto& r : *read) ++seen[r.value];
    for (const auto& [value, count] : seen) EXPECT_EQ(count, 1) << "record " << value << " is in the log " << count << " times";
    size_t missing = 0;
    for (const auto& v : acked) missing += seen.count(v) == 0;
    EXPECT_EQ(missing, 0u) << "of " << acked.size() << " acknowledged records";

    // Per key: increasing values in offset order.
    size_t order_breaks = 0;
    for (const auto& [partition, records] : by_partition(*read)) {
        std::map<std::string, int> last_of_key;
        for (const auto& r : records) {
            int v = std::stoi(r.value);
            auto it = last_of_key.find(r.key);
            if (it != last_of_key.end() && it->second >= v) ++order_breaks;
            last_of_key[r.key] = v;
        }
    }
    EXPECT_EQ(order_breaks, 0u);
    std::string log = broker().log_text();
    EXPECT_NE(log.find("producer state loaded"), std::string::npos) << "no restart replayed producer state";
    size_t resends = 0;
    for (auto at = log.find("answered with its original offsets"); at != std::string::npos;
         at = log.find("answered with its original offsets", at + 1)) {
        ++resends;
    }
    RecordProperty("acked", std::to_string(acked.size()));
    std::printf("idempotence under SIGKILL: %d produced, %zu acknowledged, %zu in the log, %d cycles, %zu resent "
                "batch(es) answered as duplicates\n",
                produced.load(), acked.size(), read->size(), cycles, resends);
}

// librdkafka's InitProducerId and a few idempotent batches, then a clean
// restart: the snapshot written at shutdown lets the same producer id go on.
TEST_F(idempotence_test, idempotent_producer_round_trip) {
    const std::string topic = "idempotent-small";
    auto sent = produce(bootstrap(), topic, make_records(200, 5, "v"),
                        {{"enable.idempotence", "true"}, {"acks", "all"}});
    ASSERT_TRUE(sent) << sent.error().message;
    ASSERT_TRUE(broker().restart()) << broker().failure();
    auto more = produce(bootstrap(), topic, make_records(200, 5, "w"), {{"enable.idempotence", "true"}});
    ASSERT_TRUE(more) << more.error().message;
    auto read = read_all(bootstrap(), topic, 1, 400);
    ASSERT_TRUE(read) << read.error().message;
    EXPECT_EQ(read->size(), 400u);
    bool has_snapshot = false;
    for (const auto& e : std::filesystem::recursive_directory_iterator(broker().data_dir())) {
        has_snapshot |= e.path().extension() == ".snapshot";
    }
    EXPECT_TRUE(has_snapshot) << "no producer snapshot written at clean shutdown";
}

// kafkajs' idempotent producer (InitProducerId v0-1): every send succeeds,
// every record is in the log once.
TEST_F(idempotence_test, kafkajs_idempotent_producer) {
    constexpr int sends = 5, per_send = 20;
    auto r = run_node("kafkajs_idempotent.js", {"kafkajs-idempotent", std::to_string(sends), std::to_string(per_send)});
    ASSERT_COMMAND_OK(r);
    auto read = read_all(bootstrap(), "kafkajs-idempotent", 1, sends * per_send);
    ASSERT_TRUE(read) << read.error().message;
    std::map<std::string, int> seen;
    for (const auto& rec : *read) ++seen[rec.value];
    EXPECT_EQ(read->size(), size_t(sends * per_send));
    EXPECT_EQ(seen.size(), size_t(sends * per_send));
}

// Durable acks: the broker says at shutdown how many group commits it ran.
TEST_F(durable_acks_test, acked_records_were_fsynced) {
    const std::string topic = "durable";
    auto sent = produce(bootstrap(), topic, make_records(2000, 10, "d"),
                        {{"enable.idempotence", "true"}, {"acks", "all"}, {"linger.ms", "1"}});
    ASSERT_TRUE(sent) << sent.error().message;
    auto stopped = broker().stop();
    ASSERT_TRUE(stopped);
    std::string log = broker().log_text();
    // The shutdown line counts the syncs: every acknowledged produce waited for one.
    auto at = log.find("durable acks:");
    ASSERT_NE(at, std::string::npos) << broker().log_tail();
    uint64_t requests = 0, rounds = 0;
    ASSERT_EQ(std::sscanf(log.c_str() + at, "durable acks: %lu produce request(s) answered after %lu fsync round(s)",
                          &requests, &rounds),
              2)
        << log.substr(at, 120);
    EXPECT_GT(requests, 0u);
    EXPECT_GE(rounds, 1u);
    EXPECT_LE(rounds, requests);
    // And a plain acks=1 producer is not held back (nothing queued for it).
    ASSERT_TRUE(broker().start()) << broker().failure();
    auto quick = produce(bootstrap(), topic, make_records(10, 1, "q"), {{"acks", "1"}});
    ASSERT_TRUE(quick) << quick.error().message;
}

}  // namespace
}  // namespace samsa::e2e
