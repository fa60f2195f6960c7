#include "tests/support/rdkafka_client.h"

#include <algorithm>
#include <memory>
#include <set>
#include <thread>

#include "samsa/bytes/murmur2.h"
#include "samsa/kafka/admin.h"
#include "samsa/kafka/config.h"
#include "samsa/kafka/consumer.h"
#include "samsa/kafka/producer.h"

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

// --- producer and consumer (samsa/kafka) ------------------------------------

samsa::kafka::properties client_properties(const std::string& bootstrap, const config_map& extra) {
    samsa::kafka::properties all = client_security();
    all["bootstrap.servers"] = bootstrap;
    for (const auto& [k, v] : extra) all[k] = v;
    return all;
}

record from_message(const samsa::kafka::message& m) {
    record r;
    r.has_key = m.key().has_value();
    if (auto k = m.key()) r.key = *k;
    if (auto v = m.value()) r.value = *v;
    r.partition = m.partition()();
    r.offset = m.offset()();
    r.timestamp = m.timestamp()();
    for (const auto& h : m.headers()) r.headers.emplace_back(h.key, h.value.value_or(""));
    return r;
}

std::string progress(const std::map<int32_t, size_t>& per_partition, const std::set<int32_t>& at_end) {
    std::string s;
    for (const auto& [p, n] : per_partition) {
        s += " p" + std::to_string(p) + "=" + std::to_string(n) + (at_end.count(p) ? "(end)" : "");
    }
    return s;
}

// Polls until every partition is at its end and at least `min_records` have
// come, or the deadline; `who` names the reader in the error.
result<std::vector<record>> read_until_end(samsa::kafka::consumer& consumer, const std::string& who,
                                           size_t partitions, size_t min_records, std::chrono::milliseconds timeout) {
    std::vector<record> out;
    std::map<int32_t, size_t> per_partition;
    std::set<int32_t> at_end;
    std::string first_error;
    auto deadline = clock::now() + timeout;
    while (clock::now() < deadline && !(at_end.size() == partitions && out.size() >= min_records)) {
        auto m = consumer.poll(std::chrono::milliseconds(std::min(ms_left(deadline), 100)));
        if (!m) {
            if (first_error.empty()) first_error = m.error().message;
            continue;
        }
        if (!*m) continue;
        int32_t p = (*m)->partition()();
        if ((*m)->end_of_partition()) {
            at_end.insert(p);
            per_partition[p] += 0;
            continue;
        }
        out.push_back(from_message(**m));
        ++per_partition[p];
        at_end.erase(p);
    }
    (void)consumer.close(std::chrono::seconds(10));
    if (at_end.size() != partitions || out.size() < min_records) {
        return make_error(errc::timed_out,
                          who + " read " + std::to_string(out.size()) + " of at least " + std::to_string(min_records) +
                              " records in " + std::to_string(timeout.count()) + " ms;" +
                              progress(per_partition, at_end) +
                              (first_error.empty() ? "" : "; first consumer error: " + first_error));
    }
    return out;
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

result<int> partition_count(const std::string& bootstrap, const std::string& topic) {
    auto admin = connect_admin(bootstrap);
    if (!admin) return admin.error();
    // All topics: asking for one would let a broker auto-create it.
    auto md = (*admin)->metadata();
    if (!md) return md.error();
    for (const auto& t : md->topics) {
        if (t.name != topic) continue;
        if (!t.error.empty()) return fail("Metadata for " + topic + ": " + t.error);
        for (const auto& p : t.partitions) {
            if (!p.error.empty()) return fail("Metadata for " + topic + " partition " + std::to_string(p.id()) + ": " + p.error);
        }
        return static_cast<int>(t.partitions.size());
    }
    return make_error(errc::not_found, "topic " + topic + " is not in the Metadata answer");
}

result<std::vector<std::string>> list_topics(const std::string& bootstrap) {
    auto admin = connect_admin(bootstrap);
    if (!admin) return admin.error();
    auto md = (*admin)->metadata();
    if (!md) return md.error();
    std::vector<std::string> names;
    for (const auto& t : md->topics) names.push_back(t.name);
    return names;
}

result<std::vector<record>> produce(const std::string& bootstrap, const std::string& topic,
                                    std::vector<record> records, const config_map& producer_config,
                                    std::chrono::milliseconds timeout) {
    size_t reports = 0;
    std::string first_error;
    samsa::kafka::producer_options options;
    options.max_block = timeout;
    options.on_delivery = [&](const samsa::kafka::delivery_report& d) {
        ++reports;
        if (!d.result) {
            if (first_error.empty()) {
                first_error = "delivery of record " + std::to_string(d.token) + " failed: " + d.result.error().message;
            }
            return;
        }
        auto& r = records.at(d.token);
        r.partition = d.partition();
        r.offset = d.offset();
        r.timestamp = d.timestamp();
    };
    auto producer = samsa::kafka::producer::create(client_properties(bootstrap, producer_config), std::move(options));
    if (!producer) return fail("producer: " + producer.error().message);
    auto deadline = clock::now() + timeout;
    std::vector<samsa::kafka::header_view> headers;
    for (size_t i = 0; i < records.size(); ++i) {
        const record& r = records[i];
        headers.clear();
        for (const auto& [k, v] : r.headers) headers.push_back({k, v});
        samsa::kafka::producer_record pr;
        pr.topic = topic;
        pr.partition = partition_id(r.partition);
        if (r.has_key) pr.key = r.key;
        pr.value = r.value;
        pr.headers = headers;
        pr.timestamp = timestamp_ms(r.timestamp > 0 ? r.timestamp : -1);
        pr.token = i;
        if (auto sent = (*producer)->send(pr); !sent) {
            return fail("produce() of record " + std::to_string(i) + ": " + sent.error().message);
        }
        (*producer)->poll(std::chrono::milliseconds(0));
    }
    while (reports < records.size() && clock::now() < deadline) {
        (void)(*producer)->flush(std::chrono::milliseconds(std::min(ms_left(deadline), 200)));
    }
    if (!first_error.empty()) return fail(first_error);
    if (reports < records.size()) {
        return make_error(errc::timed_out, std::to_string(records.size() - reports) + " of " +
                                               std::to_string(records.size()) + " records unacknowledged after " +
                                               std::to_string(timeout.count()) + " ms");
    }
    return records;
}

result<std::vector<record>> read_partitions(const std::string& bootstrap, const std::string& topic,
                                            const std::vector<int32_t>& partitions, int64_t start_offset,
                                            size_t min_records, const config_map& consumer_config,
                                            std::chrono::milliseconds timeout) {
    config_map config{{"enable.partition.eof", "true"}};
    for (const auto& [k, v] : consumer_config) config[k] = v;
    auto consumer = samsa::kafka::consumer::create(client_properties(bootstrap, config));
    if (!consumer) return fail("consumer: " + consumer.error().message);
    std::vector<samsa::kafka::topic_partition_offset> assignment;
    for (int32_t p : partitions) assignment.push_back({{topic, p}, offset(start_offset)});
    if (auto assigned = (*consumer)->assign(assignment); !assigned) return fail(assigned.error().message);
    return read_until_end(**consumer, "the consumer", partitions.size(), min_records, timeout);
}

result<std::vector<record>> read_all(const std::string& bootstrap, const std::string& topic, int partitions,
                                     size_t min_records, std::chrono::milliseconds timeout) {
    std::vector<int32_t> ids;
    for (int32_t p = 0; p < partitions; ++p) ids.push_back(p);
    return read_partitions(bootstrap, topic, ids, samsa::kafka::offset_beginning(), min_records, {}, timeout);
}

result<std::vector<record>> read_with_kafka_consumer(const std::string& bootstrap, const std::string& topic,
                                                     int partitions, size_t min_records,
                                                     std::chrono::milliseconds timeout) {
    auto consumer = samsa::kafka::consumer::create(client_properties(bootstrap, {{"group.id", "samsa-e2e-assign-only"},
                                                                                 {"enable.auto.commit", "false"},
                                                                                 {"enable.auto.offset.store", "false"},
                                                                                 {"enable.partition.eof", "true"}}));
    if (!consumer) return fail("group consumer: " + consumer.error().message);
    std::vector<samsa::kafka::topic_partition_offset> assignment;
    for (int32_t p = 0; p < partitions; ++p) assignment.push_back({{topic, p}, samsa::kafka::offset_beginning});
    if (auto assigned = (*consumer)->assign(assignment); !assigned) return fail(assigned.error().message);
    return read_until_end(**consumer, "the group consumer", static_cast<size_t>(partitions), min_records, timeout);
}

result<std::pair<int64_t, int64_t>> watermarks(const std::string& bootstrap, const std::string& topic,
                                               int32_t partition) {
    auto consumer = samsa::kafka::consumer::create(client_properties(bootstrap, {}));
    if (!consumer) return fail("consumer: " + consumer.error().message);
    auto w = (*consumer)->query_watermarks({topic, partition}, std::chrono::seconds(10));
    if (!w) return fail("ListOffsets (watermarks): " + w.error().message);
    return std::make_pair(w->low(), w->high());
}

result<int64_t> offset_for_time(const std::string& bootstrap, const std::string& topic, int32_t partition,
                                int64_t timestamp) {
    auto consumer = samsa::kafka::consumer::create(client_properties(bootstrap, {}));
    if (!consumer) return fail("consumer: " + consumer.error().message);
    auto found = (*consumer)->offset_for_time({topic, partition}, timestamp_ms(timestamp), std::chrono::seconds(10));
    if (!found) return fail("offsetsForTimes: " + found.error().message);
    return (*found)();
}

}  // namespace samsa::test_support
