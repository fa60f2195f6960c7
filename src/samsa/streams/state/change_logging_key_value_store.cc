#include "samsa/streams/state/change_logging_key_value_store.h"

#include "samsa/streams/state/value_and_timestamp.h"

namespace samsa::streams {

status change_logging_key_value_store::init(const store_context& context) {
    if (context.changelog == nullptr) {
        return make_error(errc::invalid_argument,
                          "state store " + name() + " has logging enabled but its task has no changelog sink");
    }
    status s = wrapping_key_value_store::init(context);
    if (!s) return s;
    sink_ = context.changelog;
    topic_ = changelog_topic_name(context.application_id, name());
    partition_ = context.partition;
    records_ = context.records;
    return ok();
}

void change_logging_key_value_store::put(bytes_view key, std::optional<bytes_view> value) {
    wrapping_key_value_store::put(key, value);
    log(key, value);
}

std::optional<bytes> change_logging_key_value_store::put_if_absent(bytes_view key, std::optional<bytes_view> value) {
    auto previous = wrapping_key_value_store::put_if_absent(key, value);
    if (!previous) log(key, value);
    return previous;
}

void change_logging_key_value_store::put_all(std::span<const bytes_entry> entries) {
    wrapping_key_value_store::put_all(entries);
    for (const auto& e : entries) log(e.key, e.value ? std::optional<bytes_view>(*e.value) : std::nullopt);
}

std::optional<bytes> change_logging_key_value_store::remove(bytes_view key) {
    // Logged even when the key was absent, as Kafka does: a tombstone for a
    // missing key is harmless and keeps remove() one read cheaper.
    auto old = wrapping_key_value_store::remove(key);
    log(key, std::nullopt);
    return old;
}

void change_logging_key_value_store::restore(bytes_view key, std::optional<bytes_view> value, int64_t timestamp) {
    // Straight to the layer below: restoring must not log the record again.
    wrapping_key_value_store::restore(key, value, timestamp);
}

void change_logging_key_value_store::log(bytes_view key, std::optional<bytes_view> value) {
    send(key, value, record_timestamp());
}

void change_logging_key_value_store::send(bytes_view key, std::optional<bytes_view> value, int64_t timestamp) {
    if (sink_ == nullptr) throw state_store_error("state store " + name() + " is not open");
    sink_->send(topic_, partition_, key, value, timestamp);
}

int64_t change_logging_key_value_store::record_timestamp() const {
    return records_ ? records_->current_record().timestamp : 0;
}

void change_logging_timestamped_key_value_store::log(bytes_view key, std::optional<bytes_view> value) {
    if (!value) {
        send(key, std::nullopt, record_timestamp());
        return;
    }
    send(key, timestamped_format::raw_value(*value), timestamped_format::timestamp(*value));
}

void change_logging_timestamped_key_value_store::restore(bytes_view key, std::optional<bytes_view> value,
                                                         int64_t timestamp) {
    if (!value) {
        change_logging_key_value_store::restore(key, std::nullopt, timestamp);
        return;
    }
    bytes stored = timestamped_format::encode(*value, timestamp);
    change_logging_key_value_store::restore(key, bytes_view(stored), timestamp);
}

}  // namespace samsa::streams
