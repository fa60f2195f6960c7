#pragma once
// change_logging_key_value_store: a layer that writes every change that
// reaches it to the store's changelog topic (Kafka Streams'
// ChangeLoggingKeyValueBytesStore), so the store can be rebuilt elsewhere:
//
//   put(k, v)        -> record (k, v)      to <application.id>-<name>-changelog
//   put(k, nullopt)  -> tombstone (k, null)
//   remove(k)        -> tombstone (k, null)
//   put_if_absent    -> (k, v) only when it wrote
//
// on the task's partition, stamped with the current record's timestamp.
// Restoration (restore()) writes to the layer below without logging.
//
// change_logging_timestamped_key_value_store is the variant for stores that
// keep value_and_timestamp bytes (8-byte timestamp + raw value): as in Kafka
// (ChangeLoggingTimestampedKeyValueBytesStore) the changelog record carries the
// raw value and the value's timestamp as the record timestamp, and restore()
// puts the two back together.
//
// Threads: owned by one stream thread, never locked.

#include <string>

#include "samsa/streams/export.h"
#include "samsa/streams/state/changelog_sink.h"
#include "samsa/streams/state/wrapping_key_value_store.h"

namespace samsa::streams {

// The change-logging layer of a store stack (Kafka's ChangeLoggingKeyValueBytesStore): every write goes to the store's
// changelog topic too.
class SAMSA_STREAMS_API change_logging_key_value_store : public wrapping_key_value_store {
public:
    // Wraps inner.
    using wrapping_key_value_store::wrapping_key_value_store;

    // Takes the sink, the topic name and the partition from the context.
    // Errors: invalid_argument when context.changelog is null.
    [[nodiscard]] status init(const store_context& context) override;

    void put(bytes_view key, std::optional<bytes_view> value) override;
    std::optional<bytes> put_if_absent(bytes_view key, std::optional<bytes_view> value) override;
    void put_all(std::span<const bytes_entry> entries) override;
    std::optional<bytes> remove(bytes_view key) override;
    void restore(bytes_view key, std::optional<bytes_view> value, int64_t timestamp) override;
    // Reads are not logged: tokens pass through.
    void note_read_issuing(bytes_view key, read_token& token) override { inner().note_read_issuing(key, token); }
    std::optional<bytes> get_issuing(bytes_view key, read_token& token) override {
        return inner().get_issuing(key, token);
    }
    bool note_read_again(const read_token& token, uint64_t writes_seen) override {
        return inner().note_read_again(token, writes_seen);
    }
    bool note_read_known(bytes_view key, std::optional<bytes_view> value, uint64_t writes_seen,
                         read_token& token) override {
        return inner().note_read_known(key, value, writes_seen, token);
    }

    // <application.id>-<store>-changelog.
    const std::string& changelog_topic() const { return topic_; }

protected:
    // Sends one stored (key, value) to the changelog.
    virtual void log(bytes_view key, std::optional<bytes_view> value);
    // Writes one changelog record through the task's changelog sink.
    void send(bytes_view key, std::optional<bytes_view> value, int64_t timestamp);
    // The timestamp changelog records get: the current record's.
    int64_t record_timestamp() const;

private:
    changelog_sink* sink_ = nullptr;
    std::string topic_;
    int32_t partition_ = 0;
    record_context_holder* records_ = nullptr;
};

// The change-logging layer of a KTable store: values carry their timestamps, which the changelog record takes (Kafka's
// ChangeLoggingTimestampedKeyValueBytesStore).
class SAMSA_STREAMS_API change_logging_timestamped_key_value_store final : public change_logging_key_value_store {
public:
    using change_logging_key_value_store::change_logging_key_value_store;

    // value is the changelog's raw value, timestamp the changelog record's.
    void restore(bytes_view key, std::optional<bytes_view> value, int64_t timestamp) override;

protected:
    void log(bytes_view key, std::optional<bytes_view> value) override;
};

}  // namespace samsa::streams
