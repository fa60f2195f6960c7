#pragma once
// in_memory_key_value_store: a key_value_bytes_store in a std::map ordered
// byte-lexicographic (Kafka Streams' InMemoryKeyValueStore). Not persistent:
// after a restart the runtime restores it in full from its changelog.
//
// Point operations (get/put/remove, what processors mostly do) go through a
// hash index over the map's nodes: a std::map lookup compares the key byte
// by byte log2(n) times, which profiled as a quarter of the order-mail
// benchmark. The map stays the source of order for range/all/prefix_scan.
//
// Threads: owned by one stream thread, never locked.

#include <algorithm>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>

#include "samsa/streams/state/key_value_bytes_store.h"

namespace samsa::streams {

class in_memory_key_value_store final : public key_value_bytes_store {
public:
    explicit in_memory_key_value_store(std::string name);

    const std::string& name() const override { return name_; }
    bool persistent() const override { return false; }
    [[nodiscard]] status init(const store_context& context) override;
    void flush() override {}
    void close() override;
    bool is_open() const override { return open_; }

    std::optional<bytes> get(bytes_view key) override;
    void put(bytes_view key, std::optional<bytes_view> value) override;
    std::optional<bytes> put_if_absent(bytes_view key, std::optional<bytes_view> value) override;
    void put_all(std::span<const bytes_entry> entries) override;
    std::optional<bytes> remove(bytes_view key) override;
    std::unique_ptr<bytes_iterator> range(bytes_view from, bytes_view to) override;
    std::unique_ptr<bytes_iterator> all() override;
    std::unique_ptr<bytes_iterator> prefix_scan(bytes_view prefix) override;
    int64_t approximate_num_entries() override;

private:
    using map_type = std::map<bytes, bytes, bytes_less>;
    struct view_hash {
        size_t operator()(bytes_view b) const {
            return std::hash<std::string_view>{}(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
        }
    };
    struct view_equal {
        bool operator()(bytes_view a, bytes_view b) const { return std::ranges::equal(a, b); }
    };
    void check_open() const;
    map_type::iterator find(bytes_view key);

    std::string name_;
    map_type map_;
    // Key views point into map_'s nodes, which std::map never moves.
    std::unordered_map<bytes_view, map_type::iterator, view_hash, view_equal> index_;
    bool open_ = false;
};

}  // namespace samsa::streams
