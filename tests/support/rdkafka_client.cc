#include "tests/support/rdkafka_client.h"

#include <librdkafka/rdkafkacpp.h>

#include <algorithm>
#include <memory>
#include <set>
#include <thread>

#include "samsa/bytes/murmur2.h"
#include "samsa/kafka/admin.h"
#include "samsa/kafka/config.h"

namespace samsa::test_support {
namespace {

using clock = std::chrono::steady_clock;

int ms_left(clock::time_point deadline) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
    return ms < 0 ? 0 : static_cast<int>(ms);
}

error fail(const std::string& what) { return make_error(errc::invalid_argument, what); }

// --- admin (samsa/kafka) ----------------------------------------------------

// An admin client with the tests' security settings; every request waits at
// most 15 s (CreateTopics and DeleteTopics until the controller is done).
result<std::unique_ptr<samsa::kafka::admin>> connect_admin(const std::string& bootstrap) {
    samsa::kafka::properties properties = client_security();
    properties["bootstrap.servers"] = bootstrap;
    auto conf = samsa::kafka::make_conf(properties);
    if (!conf) return fail("admin client: " + conf.error().message);
    auto rk = samsa::kafka::make_client(samsa::kafka::client_type::producer, std::move(*conf));
    if (!rk) return fail("admin client: " + rk.error().message);
    return std::make_unique<samsa::kafka::admin>(std::move(*rk), samsa::kafka::admin_config{std::chrono::seconds(15), {}});
}

// The answer for the one topic of a request.
status only(const samsa::kafka::named_statuses& results, const char* what) {
    if (results.size() != 1) return fail(std::string(what) + ": " + std::to_string(results.size()) + " topic results for 1 topic");
    return samsa::kafka::plain(results.front().second);
}

// --- rdkafka++ helpers -----------------------------------------------------

std::unique_ptr<RdKafka::Conf> make_conf(const std::string& bootstrap, const config_map& extra, std::string& err) {
    std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    if (conf->set("bootstrap.servers", bootstrap, err) != RdKafka::Conf::CONF_OK) return nullptr;
    config_map all = client_security();
    for (const auto& [k, v] : extra) all[k] = v;
    for (const auto& [k, v] : all) {
        if (conf->set(k, v, err) != RdKafka::Conf::CONF_OK) {
            err = k + "=" + v + ": " + err;
            return nullptr;
        }
    }
    return conf;
}

class delivery_collector : public RdKafka::DeliveryReportCb {
public:
    explicit delivery_collector(std::vector<record>& records) : records_(records) {}
    void dr_cb(RdKafka::Message& m) override {
        ++reports_;
        auto index = reinterpret_cast<uintptr_t>(m.msg_opaque());
        if (m.err() != RdKafka::ERR_NO_ERROR) {
            if (first_error_.empty()) {
                first_error_ = "delivery of record " + std::to_string(index) + " failed: " +
                               RdKafka::err2str(m.err()) + " (" + m.errstr() + ")";
            }
            return;
        }
        auto& r = records_.at(index);
        r.partition = m.partition();
        r.offset = m.offset();
        r.timestamp = m.timestamp().timestamp;
    }
    size_t reports() const { return reports_; }
    const std::string& first_error() const { return first_error_; }

private:
    std::vector<record>& records_;
    size_t reports_ = 0;
    std::string first_error_;
};

record from_message(RdKafka::Message& m) {
    record r;
    r.has_key = m.key() != nullptr;
    if (m.key()) r.key = *m.key();
    r.value.assign(static_cast<const char*>(m.payload()), m.len());
    r.partition = m.partition();
    r.offset = m.offset();
    r.timestamp = m.timestamp().timestamp;
    if (RdKafka::Headers* h = m.headers()) {
        for (const auto& header : h->get_all()) {
            r.headers.emplace_back(header.key(),
                                   header.value() ? std::string(static_cast<const char*>(header.value()), header.value_size())
                                                  : std::string());
        }
    }
    return r;
}

std::string progress(const std::map<int32_t, size_t>& per_partition, const std::set<int32_t>& at_end) {
    std::string s;
    for (const auto& [p, n] : per_partition) {
        s += " p" + std::to_string(p) + "=" + std::to_string(n) + (at_end.count(p) ? "(end)" : "");
    }
    return s;
}

}  // namespace

namespace {
config_map& security_settings() {
    static config_map settings;
    return settings;
}
}  // namespace

void set_client_security(config_map settings) { security_settings() = std::move(settings); }
const config_map& client_security() { return security_settings(); }

std::vector<record> make_records(int count, int key_count, const std::string& value_prefix) {
    std::vector<record> records;
    records.reserve(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) {
        record r;
        r.key = "key-" + std::to_string(i % key_count);
        r.value = value_prefix + "-" + std::to_string(i);
        r.headers = {{"index", std::to_string(i)}, {"source", "samsa-e2e"}};
        records.push_back(std::move(r));
    }
    return records;
}

int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

int32_t java_partition(const std::string& key, int partitions) {
    return murmur2_partition(as_bytes(key), partitions);
}

std::map<int32_t, std::vector<record>> by_partition(const std::vector<record>& records) {
    std::map<int32_t, std::vector<record>> out;
    for (const auto& r : records) out[r.partition].push_back(r);
    for (auto& [p, list] : out) {
        std::stable_sort(list.begin(), list.end(), [](const record& a, const record& b) { return a.offset < b.offset; });
    }
    return out;
}

status create_topic(const std::string& bootstrap, const std::string& topic, int partitions,
                    const config_map& topic_config, int replication_factor) {
    auto admin = connect_admin(bootstrap);
    if (!admin) return admin.error();
    return only((*admin)->create_topics({samsa::kafka::new_topic{topic, partitions, replication_factor, topic_config}}),
                "CreateTopics");
}

status delete_topic(const std::string& bootstrap, const std::string& topic) {
    auto admin = connect_admin(bootstrap);
    if (!admin) return admin.error();
    return only((*admin)->delete_topics({topic}), "DeleteTopics");
}

result<config_map> describe_topic_config(const std::string& bootstrap, const std::string& topic) {
    auto admin = connect_admin(bootstrap);
    if (!admin) return admin.error();
    auto entries = (*admin)->describe_configs(samsa::kafka::config_resource_type::topic, topic);
    if (!entries) return entries.error();
    config_map out;
    for (const auto& e : *entries) out[e.name] = e.value.value_or("");
    return out;
}

status alter_topic_config(const std::string& bootstrap, const std::string& topic, const config_map& config) {
    auto admin = connect_admin(bootstrap);
    if (!admin) return admin.error();
    return samsa::kafka::plain((*admin)->alter_configs(samsa::kafka::config_resource_type::topic, topic, config));
}

namespace {

// Metadata for all topics through a producer handle (no auto-creation).
result<std::unique_ptr<RdKafka::Metadata>> all_metadata(const std::string& bootstrap) {
    std::string err;
    auto conf = make_conf(bootstrap, {}, err);
    if (!conf) return fail(err);
    std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), err));
    if (!producer) return fail("producer: " + err);
    RdKafka::Metadata* md = nullptr;
    RdKafka::ErrorCode code = producer->metadata(true, nullptr, &md, 10000);
    if (code != RdKafka::ERR_NO_ERROR) return fail("Metadata: " + RdKafka::err2str(code));
    return std::unique_ptr<RdKafka::Metadata>(md);
}

}  // namespace

result<int> partition_count(const std::string& bootstrap, const std::string& topic) {
    auto md = all_metadata(bootstrap);
    if (!md) return md.error();
    for (const RdKafka::TopicMetadata* t : *(*md)->topics()) {
        if (t->topic() != topic) continue;
        if (t->err() != RdKafka::ERR_NO_ERROR) return fail("Metadata for " + topic + ": " + RdKafka::err2str(t->err()));
        for (const RdKafka::PartitionMetadata* p : *t->partitions()) {
            if (p->err() != RdKafka::ERR_NO_ERROR) {
                return fail("Metadata for " + topic + " partition " + std::to_string(p->id()) + ": " +
                            RdKafka::err2str(p->err()));
            }
        }
        return static_cast<int>(t->partitions()->size());
    }
    return make_error(errc::not_found, "topic " + topic + " is not in the Metadata answer");
}

result<std::vector<std::string>> list_topics(const std::string& bootstrap) {
    auto md = all_metadata(bootstrap);
    if (!md) return md.error();
    std::vector<std::string> names;
    for (const RdKafka::TopicMetadata* t : *(*md)->topics()) names.push_back(t->topic());
    return names;
}

result<std::vector<record>> produce(const std::string& bootstrap, const std::string& topic,
                                    std::vector<record> records, const config_map& producer_config,
                                    std::chrono::milliseconds timeout) {
    std::string err;
    auto conf = make_conf(bootstrap, producer_config, err);
    if (!conf) return fail("producer config: " + err);
    delivery_collector collector(records);
    if (conf->set("dr_cb", &collector, err) != RdKafka::Conf::CONF_OK) return fail(err);
    std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), err));
    if (!producer) return fail("producer: " + err);
    auto deadline = clock::now() + timeout;
    for (size_t i = 0; i < records.size(); ++i) {
        const record& r = records[i];
        for (;;) {
            RdKafka::Headers* headers = nullptr;
            if (!r.headers.empty()) {
                headers = RdKafka::Headers::create();
                for (const auto& [k, v] : r.headers) headers->add(k, v.data(), v.size());
            }
            RdKafka::ErrorCode code = producer->produce(
                topic, r.partition < 0 ? RdKafka::Topic::PARTITION_UA : r.partition, RdKafka::Producer::RK_MSG_COPY,
                const_cast<char*>(r.value.data()), r.value.size(), r.has_key ? r.key.data() : nullptr,
                r.has_key ? r.key.size() : 0, r.timestamp, headers, reinterpret_cast<void*>(static_cast<uintptr_t>(i)));
            if (code == RdKafka::ERR_NO_ERROR) break;
            delete headers;
            if (code != RdKafka::ERR__QUEUE_FULL || clock::now() >= deadline) {
                return fail("produce() of record " + std::to_string(i) + ": " + RdKafka::err2str(code));
            }
            producer->poll(10);
        }
        producer->poll(0);
    }
    while (collector.reports() < records.size() && clock::now() < deadline) {
        producer->flush(std::min(ms_left(deadline), 200));
        producer->poll(0);
    }
    if (!collector.first_error().empty()) return fail(collector.first_error());
    if (collector.reports() < records.size()) {
        return make_error(errc::timed_out, std::to_string(records.size() - collector.reports()) + " of " +
                                               std::to_string(records.size()) + " records unacknowledged after " +
                                               std::to_string(timeout.count()) + " ms");
    }
    return records;
}

result<std::vector<record>> read_partitions(const std::string& bootstrap, const std::string& topic,
                                            const std::vector<int32_t>& partitions, int64_t start_offset,
                                            size_t min_records, const config_map& consumer_config,
                                            std::chrono::milliseconds timeout) {
    std::string err;
    config_map config{{"enable.partition.eof", "true"}};
    for (const auto& [k, v] : consumer_config) config[k] = v;
    auto conf = make_conf(bootstrap, config, err);
    if (!conf) return fail("consumer config: " + err);
    std::unique_ptr<RdKafka::Consumer> consumer(RdKafka::Consumer::create(conf.get(), err));
    if (!consumer) return fail("consumer: " + err);
    std::unique_ptr<RdKafka::Topic> t(RdKafka::Topic::create(consumer.get(), topic, nullptr, err));
    if (!t) return fail("topic handle: " + err);
    std::unique_ptr<RdKafka::Queue> queue(RdKafka::Queue::create(consumer.get()));
    for (int32_t p : partitions) {
        RdKafka::ErrorCode code = consumer->start(t.get(), p, start_offset, queue.get());
        if (code != RdKafka::ERR_NO_ERROR) return fail("start partition " + std::to_string(p) + ": " + RdKafka::err2str(code));
    }
    std::vector<record> out;
    std::map<int32_t, size_t> per_partition;
    std::set<int32_t> at_end;
    std::string first_error;
    auto deadline = clock::now() + timeout;
    while (clock::now() < deadline && !(at_end.size() == partitions.size() && out.size() >= min_records)) {
        std::unique_ptr<RdKafka::Message> m(consumer->consume(queue.get(), std::min(ms_left(deadline), 100)));
        if (!m) continue;
        switch (m->err()) {
        case RdKafka::ERR_NO_ERROR:
            out.push_back(from_message(*m));
            ++per_partition[m->partition()];
            at_end.erase(m->partition());
            break;
        case RdKafka::ERR__PARTITION_EOF:
            at_end.insert(m->partition());
            per_partition[m->partition()] += 0;
            break;
        case RdKafka::ERR__TIMED_OUT:
            break;
        default:
            if (first_error.empty()) {
                first_error = "partition " + std::to_string(m->partition()) + ": " + RdKafka::err2str(m->err()) +
                              " (" + m->errstr() + ")";
            }
            break;
        }
    }
    for (int32_t p : partitions) consumer->stop(t.get(), p);
    if (at_end.size() != partitions.size() || out.size() < min_records) {
        return make_error(errc::timed_out,
                          "read " + std::to_string(out.size()) + " of at least " + std::to_string(min_records) +
                              " records from " + topic + " in " + std::to_string(timeout.count()) + " ms;" +
                              progress(per_partition, at_end) +
                              (first_error.empty() ? "" : "; first consumer error: " + first_error));
    }
    return out;
}

result<std::vector<record>> read_all(const std::string& bootstrap, const std::string& topic, int partitions,
                                     size_t min_records, std::chrono::milliseconds timeout) {
    std::vector<int32_t> ids;
    for (int32_t p = 0; p < partitions; ++p) ids.push_back(p);
    return read_partitions(bootstrap, topic, ids, RdKafka::Topic::OFFSET_BEGINNING, min_records, {}, timeout);
}

result<std::vector<record>> read_with_kafka_consumer(const std::string& bootstrap, const std::string& topic,
                                                     int partitions, size_t min_records,
                                                     std::chrono::milliseconds timeout) {
    std::string err;
    auto conf = make_conf(bootstrap,
                          {{"group.id", "samsa-e2e-assign-only"},
                           {"enable.auto.commit", "false"},
                           {"enable.auto.offset.store", "false"},
                           {"enable.partition.eof", "true"}},
                          err);
    if (!conf) return fail("consumer config: " + err);
    std::unique_ptr<RdKafka::KafkaConsumer> consumer(RdKafka::KafkaConsumer::create(conf.get(), err));
    if (!consumer) return fail("KafkaConsumer: " + err);
    std::vector<RdKafka::TopicPartition*> assignment;
    for (int32_t p = 0; p < partitions; ++p) {
        assignment.push_back(RdKafka::TopicPartition::create(topic, p, RdKafka::Topic::OFFSET_BEGINNING));
    }
    RdKafka::ErrorCode code = consumer->assign(assignment);
    RdKafka::TopicPartition::destroy(assignment);
    if (code != RdKafka::ERR_NO_ERROR) return fail("assign: " + RdKafka::err2str(code));
    std::vector<record> out;
    std::map<int32_t, size_t> per_partition;
    std::set<int32_t> at_end;
    std::string first_error;
    auto deadline = clock::now() + timeout;
    while (clock::now() < deadline && !(static_cast<int>(at_end.size()) == partitions && out.size() >= min_records)) {
        std::unique_ptr<RdKafka::Message> m(consumer->consume(std::min(ms_left(deadline), 100)));
        if (!m) continue;
        if (m->err() == RdKafka::ERR_NO_ERROR) {
            out.push_back(from_message(*m));
            ++per_partition[m->partition()];
            at_end.erase(m->partition());
        } else if (m->err() == RdKafka::ERR__PARTITION_EOF) {
            at_end.insert(m->partition());
            per_partition[m->partition()] += 0;
        } else if (m->err() != RdKafka::ERR__TIMED_OUT && first_error.empty()) {
            first_error = RdKafka::err2str(m->err()) + " (" + m->errstr() + ")";
        }
    }
    consumer->unassign();
    consumer->close();
    if (static_cast<int>(at_end.size()) != partitions || out.size() < min_records) {
        return make_error(errc::timed_out,
                          "KafkaConsumer read " + std::to_string(out.size()) + " of at least " +
                              std::to_string(min_records) + " records;" + progress(per_partition, at_end) +
                              (first_error.empty() ? "" : "; first consumer error: " + first_error));
    }
    return out;
}

result<std::pair<int64_t, int64_t>> watermarks(const std::string& bootstrap, const std::string& topic,
                                               int32_t partition) {
    std::string err;
    auto conf = make_conf(bootstrap, {}, err);
    if (!conf) return fail(err);
    std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), err));
    if (!producer) return fail("producer: " + err);
    int64_t low = -1, high = -1;
    RdKafka::ErrorCode code = producer->query_watermark_offsets(topic, partition, &low, &high, 10000);
    if (code != RdKafka::ERR_NO_ERROR) return fail("ListOffsets (watermarks): " + RdKafka::err2str(code));
    return std::make_pair(low, high);
}

result<int64_t> offset_for_time(const std::string& bootstrap, const std::string& topic, int32_t partition,
                                int64_t timestamp_ms) {
    std::string err;
    auto conf = make_conf(bootstrap, {}, err);
    if (!conf) return fail(err);
    std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), err));
    if (!producer) return fail("producer: " + err);
    std::vector<RdKafka::TopicPartition*> tps{RdKafka::TopicPartition::create(topic, partition, timestamp_ms)};
    RdKafka::ErrorCode code = producer->offsetsForTimes(tps, 10000);
    int64_t offset = tps[0]->offset();
    RdKafka::ErrorCode perr = tps[0]->err();
    RdKafka::TopicPartition::destroy(tps);
    if (code != RdKafka::ERR_NO_ERROR) return fail("offsetsForTimes: " + RdKafka::err2str(code));
    if (perr != RdKafka::ERR_NO_ERROR) return fail("offsetsForTimes partition: " + RdKafka::err2str(perr));
    return offset;
}

}  // namespace samsa::test_support
