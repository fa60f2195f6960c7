#pragma once
// write_counting_key_value_store: the outermost layer store_builder::build()
// puts on every stack. It counts the writes that pass through it (put,
// put_if_absent, put_all, remove, restore), so a reader holding decoded values
// can ask write_count() whether the store may have changed since it last
// looked, instead of reading and comparing the stored bytes on every lookup
// (a RocksDB point read each time). Every write a stack takes comes in
// through its outermost layer (processors, restoration, the global thread);
// a caching layer's flush writes below it without changing what reads see.
//
// Threads: the counter is atomic because a global store's readers (stream
// threads) ask it while the global thread writes; the count is bumped after
// the write, so a reader that sees the old count saw the store as it was just
// before that write.

#include <atomic>

#include "samsa/streams/export.h"
#include "samsa/streams/state/wrapping_key_value_store.h"

namespace samsa::streams {

// The outermost layer of a store stack: counts writes (key_value_bytes_store::write_count()); see the top of this file.
class SAMSA_STREAMS_API write_counting_key_value_store final : public wrapping_key_value_store {
public:
    // Wraps inner.
    using wrapping_key_value_store::wrapping_key_value_store;

    void put(bytes_view key, std::optional<bytes_view> value) override {
        wrapping_key_value_store::put(key, value);
        counted();
    }
    std::optional<bytes> put_if_absent(bytes_view key, std::optional<bytes_view> value) override {
        auto existing = wrapping_key_value_store::put_if_absent(key, value);
        counted();
        return existing;
    }
    void put_all(std::span<const bytes_entry> entries) override {
        wrapping_key_value_store::put_all(entries);
        counted();
    }
    std::optional<bytes> remove(bytes_view key) override {
        auto old = wrapping_key_value_store::remove(key);
        counted();
        return old;
    }
    void restore(bytes_view key, std::optional<bytes_view> value, int64_t timestamp) override {
        wrapping_key_value_store::restore(key, value, timestamp);
        counted();
    }
    void close() override {
        wrapping_key_value_store::close();
        counted();  // a closed in-memory store forgets its rows
    }
    std::optional<uint64_t> write_count() const override { return writes_.load(std::memory_order_acquire); }
    void note_read_issuing(bytes_view key, read_token& token) override { inner().note_read_issuing(key, token); }
    std::optional<bytes> get_issuing(bytes_view key, read_token& token) override {
        return inner().get_issuing(key, token);
    }
    // A token naming a record-cache entry answers for its key itself (the
    // entry takes a new generation on every write of the key), so a write of
    // another key does not send the reader back to the stored bytes. Any
    // other is good only while nothing was written; the count is read first,
    // as a reader reads write_count() before the store (see above).
    bool note_read_again(const read_token& token, uint64_t writes_seen) override {
        if (token.layer == 0 && writes_.load(std::memory_order_acquire) != writes_seen) return false;
        return inner().note_read_again(token, writes_seen);
    }
    // The reader's bytes are the stored ones only while nothing was written
    // since it read them.
    bool note_read_known(bytes_view key, std::optional<bytes_view> value, uint64_t writes_seen,
                         read_token& token) override {
        if (writes_.load(std::memory_order_acquire) != writes_seen) return false;
        return inner().note_read_known(key, value, writes_seen, token);
    }

private:
    void counted() { writes_.fetch_add(1, std::memory_order_release); }

    std::atomic<uint64_t> writes_{0};
};

}  // namespace samsa::streams
