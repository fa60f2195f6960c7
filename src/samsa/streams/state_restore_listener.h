#pragma once
// state_restore_listener: told when a task's store is restored from its
// changelog (Kafka Streams' StateRestoreListener, set on an instance with
// kafka_streams::set_global_state_restore_listener). Offsets are changelog
// offsets: restoration reads [starting_offset, ending_offset).
//
// Threads: called on the stream thread that restores the store; calls for
// different threads may overlap, so an implementation shared by several
// threads synchronizes itself. It must not block for long: restoration and
// processing wait for it.

#include <cstdint>
#include <string>

namespace samsa::streams {

// Kafka's StateRestoreListener: hears a store being restored from its changelog. Called on the restoring stream thread;
// must not block.
class state_restore_listener {
public:
    virtual ~state_restore_listener() = default;
    // Before the first batch: the changelog offsets it restores from and up to.
    virtual void on_restore_start(const std::string& topic, int32_t partition, const std::string& store_name,
                                  int64_t starting_offset, int64_t ending_offset) = 0;
    // After each batch: the offset of its last record and how many records it had.
    virtual void on_batch_restored(const std::string& topic, int32_t partition, const std::string& store_name,
                                   int64_t batch_end_offset, int64_t num_restored) = 0;
    // After the last batch: how many records it restored in all.
    virtual void on_restore_end(const std::string& topic, int32_t partition, const std::string& store_name,
                                int64_t total_restored) = 0;
};

}  // namespace samsa::streams
