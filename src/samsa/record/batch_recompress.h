#pragma once
// Rewrites a record batch v2 in another codec, as Kafka's LogValidator does
// when a topic's compression.type is not `producer` and differs from the
// codec the producer used (buildRecordsAndAssignOffsets).
//
// The records section is decompressed and compressed again; the 61-byte
// header is kept field for field (base offset, leader epoch, timestamps,
// producer id/epoch/sequence, transactional flag, counts) except the codec
// bits of the attributes and the batch length, and the CRC is recomputed.
// The records' bytes are unchanged, so keys, values, headers, timestamp and
// offset deltas round-trip exactly.

#include <cstddef>

#include "samsa/base/result.h"
#include "samsa/bytes/bytes.h"
#include "samsa/record/record_batch.h"

namespace samsa::record {

// Kafka's rule (LogValidator.validateMessagesAndAssignOffsetsCompressed):
// a batch already in the target codec is kept in place, and so is a control
// batch (markers are written uncompressed by the broker and stay so).
bool needs_recompression(const record_batch_header& header, compression_codec target);

// The batch in `target` at `level` (see compress()). The batch must be whole
// and valid (validate_batch, validate_records); decompression is capped at
// max_uncompressed_bytes all the same.
result<bytes> recompress_batch(bytes_view batch, compression_codec target, int level, size_t max_uncompressed_bytes);

// The same with the batch's header already read (read_batch_header(batch));
// the rewritten batch comes with its own header (the given one with the new
// codec, length and CRC), so nothing has to read it again.
struct recompressed_batch {
    bytes batch;
    record_batch_header header;
};
result<recompressed_batch> recompress_batch(bytes_view batch, const record_batch_header& header,
                                            compression_codec target, int level, size_t max_uncompressed_bytes);

}  // namespace samsa::record
