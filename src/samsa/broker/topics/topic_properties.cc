#include "samsa/broker/topics/topic_properties.h"

#include <algorithm>
#include <chrono>

namespace samsa::broker {

namespace {

using std::chrono::milliseconds;

// Long.MAX (and, for the keys that allow it, -1) mean "never" to the logs.
milliseconds as_ms(int64_t v) {
    if (v < 0 || v == std::numeric_limits<int64_t>::max()) return milliseconds::max();
    return milliseconds(v);
}

// Resolves each key once; the values passed validation (the topic's by
// validate_topic_configs, the broker's at start-up), so a parse failure is a
// definition out of step with its parser.
class resolver {
public:
    resolver(const topic_configs& set, const broker_config& broker) : set_(set), broker_(broker) {}

    std::string text(std::string_view key) {
        const auto* def = find_topic_config_def(key);
        if (!def) {
            fail(key, "no such topic config");
            return {};
        }
        return resolve_topic_config(*def, set_, broker_).value.value_or("");
    }
    int64_t integer(std::string_view key) {
        auto n = parse_config_int(text(key));
        if (!n) {
            fail(key, n.error().message);
            return 0;
        }
        return *n;
    }
    double real(std::string_view key) {
        auto d = parse_config_double(text(key));
        if (!d) {
            fail(key, d.error().message);
            return 0;
        }
        return *d;
    }
    status outcome() const { return first_error_ ? status(*first_error_) : ok(); }

private:
    void fail(std::string_view key, const std::string& why) {
        if (!first_error_) first_error_ = make_error(errc::invalid_argument, std::string(key) + ": " + why);
    }
    const topic_configs& set_;
    const broker_config& broker_;
    std::optional<error> first_error_;
};

}  // namespace

result<topic_properties> build_topic_properties(const topic_configs& set, const broker_config& broker) {
    if (auto s = validate_topic_configs(set); !s) return s.error();
    resolver r(set, broker);
    topic_properties p;
    storage::log_config& c = p.log;
    c.segment_bytes = r.integer("segment.bytes");
    c.segment_ms = as_ms(r.integer("segment.ms"));
    c.index_interval_bytes = static_cast<int32_t>(r.integer("index.interval.bytes"));
    c.segment_index_bytes = static_cast<int32_t>(r.integer("segment.index.bytes"));
    c.flush_interval_messages = r.integer("flush.messages");
    c.flush_interval_ms = as_ms(r.integer("flush.ms"));
    c.message_timestamp_type = r.text("message.timestamp.type") == "LogAppendTime"
                                   ? storage::timestamp_type::log_append_time
                                   : storage::timestamp_type::create_time;
    const int64_t retention = r.integer("retention.ms");
    c.retention_ms = retention < 0 ? milliseconds(-1) : milliseconds(retention);
    c.retention_bytes = r.integer("retention.bytes");
    const auto policies = split_config_list(r.text("cleanup.policy"));
    const bool del = std::find(policies.begin(), policies.end(), "delete") != policies.end();
    const bool compact = std::find(policies.begin(), policies.end(), "compact") != policies.end();
    c.cleanup = del && compact ? storage::cleanup_policy::compact_and_delete
                : compact      ? storage::cleanup_policy::compact
                               : storage::cleanup_policy::delete_records;
    c.min_cleanable_dirty_ratio = r.real("min.cleanable.dirty.ratio");
    c.min_compaction_lag_ms = milliseconds(r.integer("min.compaction.lag.ms"));
    c.max_compaction_lag_ms = as_ms(r.integer("max.compaction.lag.ms"));
    c.delete_retention_ms = milliseconds(r.integer("delete.retention.ms"));

    p.max_message_bytes = static_cast<int32_t>(r.integer("max.message.bytes"));

    // Kafka's BrokerCompressionType: `producer` keeps the producer's codec.
    using protocol::compression_codec;
    const std::string type = r.text("compression.type");
    if (type == "uncompressed") p.compression = {compression_codec::none, 0};
    if (type == "gzip") p.compression = {compression_codec::gzip, int(r.integer("compression.gzip.level"))};
    if (type == "snappy") p.compression = {compression_codec::snappy, 0};
    if (type == "lz4") p.compression = {compression_codec::lz4, int(r.integer("compression.lz4.level"))};
    if (type == "zstd") p.compression = {compression_codec::zstd, int(r.integer("compression.zstd.level"))};

    // Kafka 3.8's LogConfig.getMessageTimestampBeforeMaxMs/AfterMaxMs: the
    // KIP-937 key wins unless it is still Long.MAX, then the deprecated
    // difference key applies to both sides.
    const int64_t difference = r.integer("message.timestamp.difference.max.ms");
    const int64_t before = r.integer("message.timestamp.before.max.ms");
    const int64_t after = r.integer("message.timestamp.after.max.ms");
    p.message_timestamp_before_max_ms = before != topic_properties::unlimited ? before : difference;
    p.message_timestamp_after_max_ms = after != topic_properties::unlimited ? after : difference;

    if (auto s = r.outcome(); !s) return s.error();
    return p;
}

}  // namespace samsa::broker
