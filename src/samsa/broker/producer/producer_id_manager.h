#pragma once
// producer_id_manager: hands out producer ids that never repeat, across
// restarts too (Kafka's ProducerIdManager, with the block kept in a file
// instead of ZooKeeper or the controller).
//
// Ids are reserved in blocks of 1000: before the first id of a block is
// handed out, `<log dir>/producer-id-block` is rewritten crash-safely
// (temporary file, fsync, rename) with the first id after the block. A
// restart (clean or not) continues from that value, so ids of a block that
// was not used up are skipped, never repeated.
//
// File (text): one line with the next unreserved id, e.g. `3000`.
//
// Thread: the I/O thread.

#include <cstdint>
#include <filesystem>

#include "samsa/base/result.h"
#include "samsa/base/types.h"

namespace samsa::broker::producer {

class producer_id_manager {
public:
    static constexpr const char* file_name = "producer-id-block";
    static constexpr int64_t block_size = 1000;

    // Reads `<dir>/producer-id-block` (missing: ids start at 0); corrupt
    // content is an error (ids could repeat).
    static result<producer_id_manager> open(const std::filesystem::path& dir);

    // The next id; io_error when the next block cannot be reserved.
    result<producer_id> next();

private:
    explicit producer_id_manager(std::filesystem::path path, int64_t reserved_end)
        : path_(std::move(path)), next_(reserved_end), block_end_(reserved_end) {}

    std::filesystem::path path_;
    int64_t next_;       // the id next() returns
    int64_t block_end_;  // first id not reserved in the file
};

}  // namespace samsa::broker::producer
