#pragma once
// The four codecs of record batch v2, applied to the records section of a
// batch as a whole (see record_batch.h).
//
//   gzip    RFC 1952 gzip (zlib); several concatenated members are accepted
//   snappy  Kafka's Java client writes snappy-java's "xerial" framing:
//             "\x82SNAPPY\0"  int32 version  int32 compatible version
//             then blocks of  int32 length + raw snappy block
//           librdkafka may send one raw snappy block instead. Both are read;
//           the xerial framing is written (every client reads it).
//   lz4     the LZ4 frame format (lz4frame.h)
//   zstd    zstd frames, possibly without a content size (streamed)
//
// Decompression never produces more than `max_size` bytes: a small batch may
// claim to expand to gigabytes (a decompression bomb), so the caller passes a
// cap (the broker uses a multiple of message.max.bytes) and gets
// errc::too_large past it. Pure functions, callable from any thread.

#include <cstddef>
#include <functional>

#include "samsa/base/result.h"
#include "samsa/bytes/bytes.h"
#include "samsa/record/record_batch.h"

namespace samsa::record {

// Compresses with the codec's default level; `none` returns a copy.
bytes compress(compression_codec codec, bytes_view data);
// Compresses at `level` (KIP-390's compression.<codec>.level): gzip -1 or
// 1-9, lz4 1-17, zstd zstd's range; ignored by snappy and none.
bytes compress(compression_codec codec, bytes_view data, int level);

// Decompresses `data`; errc::corrupt for bytes that are not a valid stream of
// the codec, errc::too_large when the output would exceed max_size,
// errc::unsupported for an unknown codec.
result<bytes> decompress(compression_codec codec, bytes_view data, size_t max_size);

// Decompresses `data` a piece at a time: each piece of at most chunk_size
// bytes goes to `sink` as soon as it is produced, and an error from the sink
// stops decompression at once (the produce path checks records as they come
// and stops at the first bad one, so a bomb costs one chunk, not the cap).
// Memory: the codec's state and one chunk, whatever the output size (snappy:
// one block, which its format bounds to ~21x its compressed size). Errors as
// decompress(); no output cap here: the sink counts.
using chunk_sink = std::function<status(bytes_view)>;
status decompress_chunks(compression_codec codec, bytes_view data, size_t chunk_size, const chunk_sink& sink);

const char* name(compression_codec codec);

}  // namespace samsa::record
