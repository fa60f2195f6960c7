#include "bench/broker/load.h"

#include <librdkafka/rdkafkacpp.h>

#include <memory>
#include <vector>

namespace samsa::bench {
namespace {

using clock = std::chrono::steady_clock;

class counting_delivery : public RdKafka::DeliveryReportCb {
public:
    void dr_cb(RdKafka::Message& m) override {
        if (m.err() == RdKafka::ERR_NO_ERROR) {
            ++delivered;
            bytes += m.len();
        } else {
            if (first_error.empty()) first_error = RdKafka::err2str(m.err());
            ++failed;
        }
        last_report = clock::now();
    }
    uint64_t delivered = 0;
    uint64_t failed = 0;
    uint64_t bytes = 0;
    std::string first_error;
    clock::time_point last_report;
};

class counting_consume : public RdKafka::ConsumeCb {
public:
    void consume_cb(RdKafka::Message& m, void*) override {
        if (m.err() == RdKafka::ERR_NO_ERROR) {
            ++records;
            bytes += m.len();
            last_record = clock::now();
        } else if (m.err() != RdKafka::ERR__PARTITION_EOF && m.err() != RdKafka::ERR__TIMED_OUT) {
            if (first_error.empty()) first_error = RdKafka::err2str(m.err()) + " (" + m.errstr() + ")";
            ++errors;
        }
    }
    uint64_t records = 0;
    uint64_t bytes = 0;
    uint64_t errors = 0;
    std::string first_error;
    clock::time_point last_record;
};

// Null (with `err`) when a setting is refused.
std::unique_ptr<RdKafka::Conf> conf_for(const std::string& bootstrap, const client_settings& settings, std::string& err) {
    std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    conf->set("bootstrap.servers", bootstrap, err);
    for (const auto& [key, value] : settings) {
        if (conf->set(key, value, err) != RdKafka::Conf::CONF_OK) {
            err = key + ": " + err;
            return nullptr;
        }
    }
    return conf;
}

}  // namespace

load_result produce_load(const std::string& bootstrap, const produce_spec& spec, const std::function<void()>& tick,
                         const client_settings& settings) {
    load_result result;
    std::string err;
    auto conf = conf_for(bootstrap, settings, err);
    if (!conf) {
        result.first_error = "producer: " + err;
        return result;
    }
    counting_delivery dr;
    // Throughput settings a user would pick for bulk loading; no compression.
    for (auto [k, v] : std::initializer_list<std::pair<const char*, std::string>>{
             {"acks", spec.acks},
             {"linger.ms", "5"},
             {"batch.num.messages", "100000"},
             {"batch.size", "1000000"},
             {"queue.buffering.max.messages", "2000000"},
             {"queue.buffering.max.kbytes", "1048576"},
             {"compression.codec", "none"},
             {"partitioner", "murmur2_random"}}) {
        if (conf->set(k, v, err) != RdKafka::Conf::CONF_OK) {
            result.first_error = std::string(k) + ": " + err;
            return result;
        }
    }
    conf->set("dr_cb", &dr, err);
    std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), err));
    if (!producer) {
        result.first_error = "producer: " + err;
        return result;
    }
    std::unique_ptr<RdKafka::Topic> topic(RdKafka::Topic::create(producer.get(), spec.topic, nullptr, err));
    std::vector<char> payload(spec.record_size, 'r');
    auto start = clock::now();
    auto stop_at = start + spec.duration;
    auto next_tick = start;
    uint64_t sent = 0;
    while (sent < spec.max_records) {
        if ((sent & 1023) == 0) {
            auto now = clock::now();
            if (now >= stop_at) break;
            if (now >= next_tick) {
                tick();
                next_tick = now + std::chrono::milliseconds(100);
            }
            producer->poll(0);
        }
        RdKafka::ErrorCode code = producer->produce(topic.get(), RdKafka::Topic::PARTITION_UA,
                                                    RdKafka::Producer::RK_MSG_COPY, payload.data(), payload.size(),
                                                    nullptr, 0, nullptr);
        if (code == RdKafka::ERR__QUEUE_FULL) {
            producer->poll(1);
            continue;
        }
        if (code != RdKafka::ERR_NO_ERROR) {
            if (result.first_error.empty()) result.first_error = "produce(): " + RdKafka::err2str(code);
            ++result.errors;
            if (result.errors > 1000) break;
            continue;
        }
        ++sent;
    }
    auto drain_deadline = clock::now() + std::chrono::seconds(60);
    while (dr.delivered + dr.failed < sent && clock::now() < drain_deadline) {
        producer->flush(100);
        tick();
    }
    result.records = dr.delivered;
    result.bytes = dr.bytes;
    result.errors += dr.failed + (sent - dr.delivered - dr.failed);
    if (result.first_error.empty()) result.first_error = dr.first_error;
    result.seconds = std::chrono::duration<double>((dr.delivered ? dr.last_report : clock::now()) - start).count();
    return result;
}

load_result consume_load(const std::string& bootstrap, const std::string& topic_name, int partitions,
                         uint64_t expected, std::chrono::milliseconds timeout, const std::function<void()>& tick,
                         const client_settings& settings) {
    load_result result;
    std::string err;
    auto conf = conf_for(bootstrap, settings, err);
    if (!conf) {
        result.first_error = "consumer: " + err;
        return result;
    }
    conf->set("enable.partition.eof", "false", err);
    conf->set("queued.max.messages.kbytes", "262144", err);
    std::unique_ptr<RdKafka::Consumer> consumer(RdKafka::Consumer::create(conf.get(), err));
    if (!consumer) {
        result.first_error = "consumer: " + err;
        return result;
    }
    std::unique_ptr<RdKafka::Topic> topic(RdKafka::Topic::create(consumer.get(), topic_name, nullptr, err));
    std::unique_ptr<RdKafka::Queue> queue(RdKafka::Queue::create(consumer.get()));
    counting_consume cb;
    auto start = clock::now();
    for (int p = 0; p < partitions; ++p) consumer->start(topic.get(), p, RdKafka::Topic::OFFSET_BEGINNING, queue.get());
    auto deadline = start + timeout;
    auto next_tick = start;
    while (cb.records < expected && clock::now() < deadline) {
        consumer->consume_callback(queue.get(), 100, &cb, nullptr);
        if (clock::now() >= next_tick) {
            tick();
            next_tick = clock::now() + std::chrono::milliseconds(100);
        }
    }
    for (int p = 0; p < partitions; ++p) consumer->stop(topic.get(), p);
    result.records = cb.records;
    result.bytes = cb.bytes;
    result.errors = cb.errors;
    result.first_error = cb.first_error;
    if (cb.records < expected && result.first_error.empty()) {
        result.first_error = "only " + std::to_string(cb.records) + " of " + std::to_string(expected) +
                             " records within " + std::to_string(timeout.count()) + " ms";
    }
    result.seconds = std::chrono::duration<double>((cb.records ? cb.last_record : clock::now()) - start).count();
    return result;
}

}  // namespace samsa::bench
