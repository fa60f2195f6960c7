#pragma once
// in_memory_key_value_store: a key_value_bytes_store in a std::map ordered
// byte-lexicographic (Kafka Streams' InMemoryKeyValueStore). Not persistent:
// after a restart the runtime restores it in full from its changelog.
//
// Point operations (get/put/remove, what processors mostly do) go through a
// hash index over the map's nodes (hashed_bytes_map): a std::map lookup
// compares the key byte by byte log2(n) times, which profiled as a quarter of
// the order-mail benchmark. The map stays the source of order for
// range/all/prefix_scan.
//
// Threads: owned by one stream thread, never locked.

#include <string>

#include "samsa/streams/export.h"
#include "samsa/streams/state/hashed_bytes_map.h"
#include "samsa/streams/state/key_value_bytes_store.h"

namespace samsa::streams {

// The in-memory inner store (Kafka's InMemoryKeyValueStore): an ordered map of bytes.
class SAMSA_STREAMS_API in_memory_key_value_store final : public key_value_bytes_store {
public:
    // An empty store named name.
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
    void check_open() const;

    std::string name_;
    hashed_bytes_map<bytes> map_;
    bool open_ = false;
};

}  // namespace samsa::streams
