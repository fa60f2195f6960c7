#include "samsa/streams/state/stores.h"

#include "samsa/streams/state/caching_key_value_store.h"
#include "samsa/streams/state/change_logging_key_value_store.h"
#include "samsa/streams/state/in_memory_key_value_store.h"
#include "samsa/streams/state/rocksdb_key_value_store.h"
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

std::unique_ptr<key_value_bytes_store> store_builder::build() const {
    std::unique_ptr<key_value_bytes_store> store = supplier_.get();
    if (supplier_.logs_itself()) return std::make_unique<write_counting_key_value_store>(std::move(store));
    if (logging_enabled_) {
        if (timestamped_) store = std::make_unique<change_logging_timestamped_key_value_store>(std::move(store));
        else store = std::make_unique<change_logging_key_value_store>(std::move(store));
    }
    if (caching_enabled_) store = std::make_unique<caching_key_value_store>(std::move(store));
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

}  // namespace stores

}  // namespace samsa::streams
