#pragma once
// Record batch v2 (magic 2), Kafka's unit of storage and transfer. The broker
// keeps batches exactly as producers sent them, only stamping the base offset
// (and the partition leader epoch), neither of which the CRC covers.
//
//   offset  size  field
//   ------  ----  -----------------------------------------------
//        0     8  base_offset             assigned by the broker
//        8     4  batch_length            bytes after this field
//       12     4  partition_leader_epoch
//       16     1  magic                   = 2
//       17     4  crc                     CRC-32C of bytes [21, end)
//       21     2  attributes              bits 0-2 codec, 3 log-append-time,
//                                         4 transactional, 5 control,
//                                         6 has delete horizon
//       23     4  last_offset_delta
//       27     8  base_timestamp
//       35     8  max_timestamp
//       43     8  producer_id             -1 when not idempotent
//       51     2  producer_epoch
//       53     4  base_sequence
//       57     4  records_count
//       61     …  records (compressed as a whole when codec != none)
//
// Worked example: a batch of one uncompressed record with key "k" and value
// "v" is 61 + 9 = 70 bytes long and has batch_length 58 (records.h shows
// the record).

#include <cstdint>
#include <optional>

#include "samsa/base/result.h"
#include "samsa/bytes/bytes.h"

namespace samsa::record {

enum class compression_codec : int8_t { none = 0, gzip = 1, snappy = 2, lz4 = 3, zstd = 4 };

struct record_batch_header {
    static constexpr size_t size = 61;
    static constexpr size_t length_field_end = 12;  // base_offset + batch_length
    static constexpr size_t crc_start = 21;         // the CRC covers attributes onwards
    static constexpr int8_t current_magic = 2;

    int64_t base_offset = 0;
    int32_t batch_length = 0;
    int32_t partition_leader_epoch = -1;
    int8_t magic = current_magic;
    uint32_t crc = 0;
    int16_t attributes = 0;
    int32_t last_offset_delta = 0;
    int64_t base_timestamp = 0;
    int64_t max_timestamp = 0;
    int64_t producer_id = -1;
    int16_t producer_epoch = -1;
    int32_t base_sequence = -1;
    int32_t records_count = 0;

    compression_codec codec() const { return static_cast<compression_codec>(attributes & 0x07); }
    bool log_append_time() const { return (attributes & 0x08) != 0; }
    bool transactional() const { return (attributes & 0x10) != 0; }
    bool control() const { return (attributes & 0x20) != 0; }
    int64_t last_offset() const { return base_offset + last_offset_delta; }
    // Bytes the whole batch occupies, header included.
    size_t total_size() const { return length_field_end + static_cast<size_t>(batch_length); }
};

// Reads the fixed header. Fails (errc::corrupt) when fewer than 61 bytes are
// given or the length field is smaller than a header; checks nothing else.
// Every call counts in batch_header_parses().
result<record_batch_header> read_batch_header(bytes_view data);

// How many times read_batch_header ran in this process (all threads): a
// debug counter, so that tests can prove a produced batch is parsed once
// (one relaxed atomic add per parse, nothing on the hot path besides).
uint64_t batch_header_parses();

// Checks one whole batch: length matches the bytes given, magic is 2, the
// codec is known, the CRC matches, the counts are consistent. Does not
// decompress (see records.h for that).
status validate_batch(bytes_view batch);
// The same with the batch's header already read (read_batch_header(batch)).
status validate_batch(bytes_view batch, const record_batch_header& header);

// One batch of a produce request's record set, read and checked once by the
// Produce handler's validation and then handed as is, never parsed again, to
// the transaction and sequence checks, partition_log::append (offsets,
// indexes) and the producer-state update. `position` is where the batch
// starts in its record set (the list covers the set whole, in order).
// partition_log::append updates `header` to what it stamped (base offset;
// under LogAppendTime the attributes and max timestamp), so after the append
// the list describes the batches as stored.
struct validated_batch {
    record_batch_header header;
    size_t position = 0;

    size_t size() const { return header.total_size(); }
};

// The CRC-32C a batch should carry: over [crc_start, end).
uint32_t compute_batch_crc(bytes_view batch);

// Overwrites fields that the CRC does not cover, in place.
void set_base_offset(std::span<uint8_t> batch, int64_t base_offset);
void set_partition_leader_epoch(std::span<uint8_t> batch, int32_t epoch);

// Splits a buffer holding consecutive batches (a produce request's records,
// a segment file's bytes) into whole batches. `next` returns the next batch or
// nullopt at the end; a truncated tail is reported by truncated().
class batch_splitter {
public:
    explicit batch_splitter(bytes_view data) : data_(data) {}
    std::optional<bytes_view> next();
    // True when the bytes after the last whole batch are not a whole batch.
    bool truncated() const { return truncated_; }
    size_t consumed() const { return pos_; }

private:
    bytes_view data_;
    size_t pos_ = 0;
    bool truncated_ = false;
};

}  // namespace samsa::record
