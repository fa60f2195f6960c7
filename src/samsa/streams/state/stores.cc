#include "samsa/streams/state/stores.h"

#include <stdexcept>

#include "samsa/streams/state/caching_key_value_store.h"
#include "samsa/streams/state/change_logging_key_value_store.h"
#include "samsa/streams/state/in_memory_key_value_store.h"
#include "samsa/streams/state/rocksdb_key_value_store.h"
#include "samsa/streams/state/segmented_bytes_store.h"
#include "samsa/streams/state/window_key_schema.h"
#include "samsa/streams/state/write_counting_key_value_store.h"

namespace samsa::streams {

store_builder& store_builder::with_logging_enabled(std::map<std::string, std::string> topic_config) {
    logging_enabled_ = true;
    logging_config_ = std::move(topic_config);
    return *this;
}

store_builder& store_builder::with_logging_disabled() {
    logging_enabled_ = false;
    logging_config_.clear();
    return *this;
}

store_builder& store_builder::with_caching_enabled() {
    caching_enabled_ = true;
    return *this;
}

store_builder& store_builder::with_caching_disabled() {
    caching_enabled_ = false;
    return *this;
}

const char* to_string(store_kind k) {
    switch (k) {
    case store_kind::key_value: return "KeyValueStore";
    case store_kind::timestamped_key_value: return "TimestampedKeyValueStore";
    case store_kind::window: return "WindowStore";
    case store_kind::timestamped_window: return "TimestampedWindowStore";
    case store_kind::session: return "SessionStore";
    }
    return "?";
}

store_kind store_builder::kind() const {
    if (supplier_.session()) return store_kind::session;
    if (supplier_.window_size_ms()) return timestamped_ ? store_kind::timestamped_window : store_kind::window;
    return timestamped_ ? store_kind::timestamped_key_value : store_kind::key_value;
}

std::string store_builder::metrics_scope() const {
    if (supplier_.logs_itself()) return {};
    std::string scope = supplier_.persistent() ? "rocksdb" : "in-memory";
    if (supplier_.session()) return scope + "-session";
    if (supplier_.window_size_ms()) return scope + "-window";
    return scope;
}

std::map<std::string, std::string> store_builder::logging_config() const {
    return logging_config(stores::default_windowstore_changelog_additional_retention_ms);
}

std::map<std::string, std::string> store_builder::logging_config(int64_t additional_retention_ms) const {
    std::map<std::string, std::string> out;
    if (auto retention = supplier_.retention_ms()) {
        out["cleanup.policy"] = "compact,delete";
        out["retention.ms"] = std::to_string(*retention + additional_retention_ms);
    }
    for (const auto& [k, v] : logging_config_) out[k] = v;
    return out;
}

std::optional<segmented_cache_keys> store_builder::cache_key_order() const {
    auto retention = supplier_.retention_ms();
    if (!retention) return std::nullopt;
    return segmented_cache_keys{supplier_.segment_interval_ms().value_or(default_segment_interval(*retention)),
                                         supplier_.session() ? segmented_key_kind::session : segmented_key_kind::window};
}

std::unique_ptr<key_value_bytes_store> store_builder::build() const {
    std::unique_ptr<key_value_bytes_store> store = supplier_.get();
    if (supplier_.logs_itself()) return std::make_unique<write_counting_key_value_store>(std::move(store));
    if (logging_enabled_) {
        if (timestamped_) store = std::make_unique<change_logging_timestamped_key_value_store>(std::move(store));
        else store = std::make_unique<change_logging_key_value_store>(std::move(store));
    }
    if (caching_enabled_) store = std::make_unique<caching_key_value_store>(std::move(store), cache_key_order());
    return std::make_unique<write_counting_key_value_store>(std::move(store));
}

namespace stores {

key_value_bytes_store_supplier in_memory_key_value_store(std::string name) {
    return {std::move(name), false, [](const std::string& n) -> std::unique_ptr<key_value_bytes_store> {
                return std::make_unique<streams::in_memory_key_value_store>(n);
            }};
}

key_value_bytes_store_supplier persistent_key_value_store(std::string name) {
    return {std::move(name), true, [](const std::string& n) -> std::unique_ptr<key_value_bytes_store> {
                return std::make_unique<rocksdb_key_value_store>(n);
            }};
}

key_value_bytes_store_supplier persistent_timestamped_key_value_store(std::string name) {
    return persistent_key_value_store(std::move(name));
}

store_builder key_value_store_builder(key_value_bytes_store_supplier supplier) {
    return store_builder(std::move(supplier), false);
}

store_builder timestamped_key_value_store_builder(key_value_bytes_store_supplier supplier) {
    return store_builder(std::move(supplier), true);
}

namespace {

void check_window_store_args(const std::string& name, int64_t retention_ms, int64_t window_size_ms) {
    if (retention_ms < 0) throw std::invalid_argument("retentionPeriod cannot be negative");
    if (window_size_ms < 0) throw std::invalid_argument("windowSize cannot be negative");
    if (window_size_ms > retention_ms) {
        throw std::invalid_argument("The retention period of the window store " + name +
                                    " must be no smaller than its window size. Got size=[" +
                                    std::to_string(window_size_ms) + "], retention=[" + std::to_string(retention_ms) +
                                    "]");
    }
}

key_value_bytes_store_supplier segmented_supplier(std::string name, int64_t retention_ms, segmented_key_kind kind,
                                                  bool persistent, bool time_first = false) {
    segmented_store_config config{retention_ms, default_segment_interval(retention_ms), kind, persistent, time_first};
    key_value_bytes_store_supplier supplier(
        std::move(name), persistent, [config](const std::string& n) -> std::unique_ptr<key_value_bytes_store> {
            segmented_bytes_store::segment_factory make_segment;
            if (config.persistent) {
                const rocksdb_key_layout layout{config.key_kind == segmented_key_kind::window
                                                    ? window_key_schema::suffix_size
                                                    : session_key_schema::suffix_size};
                make_segment = [layout](const std::string& s) -> std::unique_ptr<key_value_bytes_store> {
                    return std::make_unique<rocksdb_key_value_store>(s, layout);
                };
            } else {
                make_segment = [](const std::string& s) -> std::unique_ptr<key_value_bytes_store> {
                    return std::make_unique<streams::in_memory_key_value_store>(s);
                };
            }
            return std::make_unique<segmented_bytes_store>(n, config, std::move(make_segment));
        });
    supplier.with_retention(retention_ms).with_segment_interval(config.segment_interval_ms);
    return supplier;
}

// The window store facade writes sequence number 0, so a processor's puts
// would overwrite, not keep, duplicates; only the stream-stream join numbers
// them (kstream_kstream_join.h).
void refuse_duplicates_outside_joins(const window_bytes_store_supplier& supplier) {
    if (supplier.retain_duplicates()) {
        throw std::invalid_argument("The window store " + supplier.name() +
                                    " retains duplicates: supported only as a stream-stream join store "
                                    "(stream_joined::with_this_store_supplier) for now");
    }
}

}  // namespace

window_bytes_store_supplier persistent_window_store(std::string name, int64_t retention_ms, int64_t window_size_ms,
                                                       bool retain_duplicates) {
    check_window_store_args(name, retention_ms, window_size_ms);
    return window_bytes_store_supplier(
        segmented_supplier(std::move(name), retention_ms, segmented_key_kind::window, true).with_window_size(window_size_ms),
        retain_duplicates);
}

window_bytes_store_supplier persistent_timestamped_window_store(std::string name, int64_t retention_ms,
                                                                   int64_t window_size_ms, bool retain_duplicates) {
    return persistent_window_store(std::move(name), retention_ms, window_size_ms, retain_duplicates);
}

window_bytes_store_supplier in_memory_window_store(std::string name, int64_t retention_ms, int64_t window_size_ms,
                                                      bool retain_duplicates) {
    check_window_store_args(name, retention_ms, window_size_ms);
    return window_bytes_store_supplier(
        segmented_supplier(std::move(name), retention_ms, segmented_key_kind::window, false).with_window_size(window_size_ms),
        retain_duplicates);
}

key_value_bytes_store_supplier persistent_time_ordered_window_store(std::string name, int64_t retention_ms,
                                                                    int64_t window_size_ms) {
    check_window_store_args(name, retention_ms, window_size_ms);
    return segmented_supplier(std::move(name), retention_ms, segmented_key_kind::window, true, true)
        .with_window_size(window_size_ms);
}

session_bytes_store_supplier persistent_session_store(std::string name, int64_t retention_ms) {
    if (retention_ms < 0) throw std::invalid_argument("retentionPeriod cannot be negative");
    return session_bytes_store_supplier(
        segmented_supplier(std::move(name), retention_ms, segmented_key_kind::session, true).as_session_store());
}

session_bytes_store_supplier in_memory_session_store(std::string name, int64_t retention_ms) {
    if (retention_ms < 0) throw std::invalid_argument("retentionPeriod cannot be negative");
    return session_bytes_store_supplier(
        segmented_supplier(std::move(name), retention_ms, segmented_key_kind::session, false).as_session_store());
}

store_builder window_store_builder(key_value_bytes_store_supplier supplier) {
    return store_builder(std::move(supplier), false);
}

store_builder window_store_builder(const window_bytes_store_supplier& supplier) {
    refuse_duplicates_outside_joins(supplier);
    return store_builder(supplier, false);
}

store_builder timestamped_window_store_builder(const window_bytes_store_supplier& supplier) {
    refuse_duplicates_outside_joins(supplier);
    return store_builder(supplier, true);
}

store_builder timestamped_window_store_builder(key_value_bytes_store_supplier supplier) {
    return store_builder(std::move(supplier), true);
}

store_builder session_store_builder(key_value_bytes_store_supplier supplier) {
    return store_builder(std::move(supplier), false);
}

}  // namespace stores

}  // namespace samsa::streams
