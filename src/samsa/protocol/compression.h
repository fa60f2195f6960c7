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

#include "samsa/base/result.h"
#include "samsa/bytes/bytes.h"
#include "samsa/protocol/record_batch.h"

namespace samsa::protocol {

// Compresses with the codec's default level; `none` returns a copy.
bytes compress(compression_codec codec, bytes_view data);

// Decompresses `data`; errc::corrupt for bytes that are not a valid stream of
// the codec, errc::too_large when the output would exceed max_size,
// errc::unsupported for an unknown codec.
result<bytes> decompress(compression_codec codec, bytes_view data, size_t max_size);

const char* name(compression_codec codec);

}  // namespace samsa::protocol
