#include "samsa/streams/state/in_memory_key_value_store.h"

#include <algorithm>

namespace samsa::streams {

in_memory_key_value_store::in_memory_key_value_store(std::string name) : name_(std::move(name)) {}

status in_memory_key_value_store::init(const store_context&) {
    open_ = true;
    return ok();
}

void in_memory_key_value_store::close() {
    // As Kafka's InMemoryKeyValueStore: the contents go with the store; the
    // changelog brings them back when the task is opened again.
    map_.clear();
    open_ = false;
}

void in_memory_key_value_store::check_open() const {
    if (!open_) throw state_store_error("state store " + name_ + " is not open");
}

std::optional<bytes> in_memory_key_value_store::get(bytes_view key) {
    check_open();
    auto it = map_.find(key);
    if (it == map_.end()) return std::nullopt;
    return it->second;
}

void in_memory_key_value_store::put(bytes_view key, std::optional<bytes_view> value) {
    check_open();
    if (!value) {
        map_.erase(key);
        return;
    }
    auto [it, inserted] = map_.try_emplace(key);
    it->second.assign(value->begin(), value->end());
}

std::optional<bytes> in_memory_key_value_store::put_if_absent(bytes_view key, std::optional<bytes_view> value) {
    auto existing = get(key);
    if (!existing) put(key, value);
    return existing;
}

void in_memory_key_value_store::put_all(std::span<const bytes_entry> entries) {
    for (const auto& e : entries) {
        put(e.key, e.value ? std::optional<bytes_view>(*e.value) : std::nullopt);
    }
}

std::optional<bytes> in_memory_key_value_store::remove(bytes_view key) {
    check_open();
    auto it = map_.find(key);
    if (it == map_.end()) return std::nullopt;
    bytes old = std::move(it->second);
    map_.erase(it);
    return old;
}

std::unique_ptr<bytes_iterator> in_memory_key_value_store::range(bytes_view from, bytes_view to) {
    check_open();
    std::vector<key_value<bytes, bytes>> items;
    if (!bytes_less{}(to, from)) {
        auto end = map_.upper_bound(to);
        for (auto it = map_.lower_bound(from); it != end; ++it) items.push_back({it->first, it->second});
    }
    return std::make_unique<vector_key_value_iterator<bytes, bytes>>(std::move(items));
}

std::unique_ptr<bytes_iterator> in_memory_key_value_store::all() {
    check_open();
    std::vector<key_value<bytes, bytes>> items;
    items.reserve(map_.size());
    for (const auto& [k, v] : map_) items.push_back({k, v});
    return std::make_unique<vector_key_value_iterator<bytes, bytes>>(std::move(items));
}

std::unique_ptr<bytes_iterator> in_memory_key_value_store::prefix_scan(bytes_view prefix) {
    check_open();
    std::vector<key_value<bytes, bytes>> items;
    for (auto it = map_.lower_bound(prefix); it != map_.end() && starts_with(it->first, prefix); ++it) {
        items.push_back({it->first, it->second});
    }
    return std::make_unique<vector_key_value_iterator<bytes, bytes>>(std::move(items));
}

int64_t in_memory_key_value_store::approximate_num_entries() {
    check_open();
    return static_cast<int64_t>(map_.size());
}

}  // namespace samsa::streams
