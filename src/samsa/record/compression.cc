#include "samsa/record/compression.h"

#include <lz4frame.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <memory>

#include <fmt/format.h>

#include "samsa/base/assert.h"

namespace samsa::record {
namespace {

// Output grows by doubling from a guess, never past max_size.
constexpr size_t initial_output = 64 * 1024;

error too_large(compression_codec codec, size_t max_size) {
    return make_error(errc::too_large,
                      fmt::format("{} data decompresses to more than {} bytes", name(codec), max_size));
}

error corrupt(compression_codec codec, std::string_view why) {
    return make_error(errc::corrupt, fmt::format("invalid {} data: {}", name(codec), why));
}

// Makes room for at least one more byte after `used`, doubling up to
// max_size. False when the cap is reached.
bool grow(bytes& out, size_t used, size_t max_size) {
    if (used < out.size()) return true;
    if (out.size() >= max_size) return false;
    size_t next = std::max<size_t>(out.size() * 2, initial_output);
    out.resize(std::min(next, max_size));
    return true;
}

// --- gzip ----------------------------------------------------------------

bytes gzip_compress(bytes_view data, int level) {
    z_stream zs{};
    // 15 window bits + 16 = gzip wrapper, as Java's GZIPOutputStream writes.
    int rc = deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    if (rc != Z_OK) throw std::bad_alloc();
    bytes out(deflateBound(&zs, static_cast<uLong>(data.size())) + 32);
    zs.next_in = const_cast<Bytef*>(data.data());
    zs.avail_in = static_cast<uInt>(data.size());
    zs.next_out = out.data();
    zs.avail_out = static_cast<uInt>(out.size());
    rc = deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

result<bytes> gzip_decompress(bytes_view data, size_t max_size) {
    z_stream zs{};
    if (inflateInit2(&zs, 15 + 32) != Z_OK) return make_error(errc::io_error, "zlib inflateInit2 failed");
    std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&zs, inflateEnd);
    bytes out;
    size_t used = 0;
    zs.next_in = const_cast<Bytef*>(data.data());
    zs.avail_in = static_cast<uInt>(data.size());
    for (;;) {
        if (!grow(out, used, max_size)) return too_large(compression_codec::gzip, max_size);
        zs.next_out = out.data() + used;
        zs.avail_out = static_cast<uInt>(out.size() - used);
        int rc = inflate(&zs, Z_NO_FLUSH);
        used = out.size() - zs.avail_out;
        if (rc == Z_STREAM_END) {
            if (zs.avail_in == 0) break;
            // Another gzip member follows (GZIPInputStream reads them too).
            if (inflateReset(&zs) != Z_OK) return corrupt(compression_codec::gzip, "bad member");
            continue;
        }
        if (rc == Z_BUF_ERROR && zs.avail_out != 0) return corrupt(compression_codec::gzip, "truncated stream");
        if (rc != Z_OK && rc != Z_BUF_ERROR) return corrupt(compression_codec::gzip, zs.msg ? zs.msg : "inflate failed");
        if (zs.avail_in == 0 && zs.avail_out != 0) return corrupt(compression_codec::gzip, "truncated stream");
    }
    out.resize(used);
    return out;
}

// --- snappy --------------------------------------------------------------

constexpr uint8_t xerial_magic[8] = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
constexpr size_t xerial_header_size = 16;
constexpr size_t xerial_block_size = 32 * 1024;  // snappy-java's default

void put_be32(bytes& out, uint32_t v) {
    out.push_back(static_cast<uint8_t>(v >> 24));
    out.push_back(static_cast<uint8_t>(v >> 16));
    out.push_back(static_cast<uint8_t>(v >> 8));
    out.push_back(static_cast<uint8_t>(v));
}

uint32_t get_be32(const uint8_t* p) {
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

bytes snappy_compress(bytes_view data) {
    bytes out(xerial_magic, xerial_magic + 8);
    put_be32(out, 1);  // version
    put_be32(out, 1);  // compatible version
    std::string block;
    for (size_t at = 0; at < data.size(); at += xerial_block_size) {
        size_t n = std::min(xerial_block_size, data.size() - at);
        snappy::Compress(reinterpret_cast<const char*>(data.data() + at), n, &block);
        put_be32(out, static_cast<uint32_t>(block.size()));
        out.insert(out.end(), block.begin(), block.end());
    }
    return out;
}

// Appends one raw snappy block to `out`, within max_size.
status snappy_block(bytes_view block, bytes& out, size_t max_size) {
    size_t n = 0;
    const char* src = reinterpret_cast<const char*>(block.data());
    if (!snappy::GetUncompressedLength(src, block.size(), &n))
        return corrupt(compression_codec::snappy, "bad block length");
    if (n > max_size - out.size()) return too_large(compression_codec::snappy, max_size);
    size_t at = out.size();
    out.resize(at + n);
    if (!snappy::RawUncompress(src, block.size(), reinterpret_cast<char*>(out.data() + at)))
        return corrupt(compression_codec::snappy, "bad block");
    return ok();
}

// Calls `each` with every raw snappy block of `data`: the blocks of the
// xerial framing, or `data` itself when it is one raw block.
status for_each_snappy_block(bytes_view data, const std::function<status(bytes_view)>& each) {
    if (data.size() < xerial_header_size || std::memcmp(data.data(), xerial_magic, 8) != 0) return each(data);
    size_t at = xerial_header_size;
    while (at < data.size()) {
        if (data.size() - at < 4) return corrupt(compression_codec::snappy, "truncated xerial block length");
        uint32_t len = get_be32(data.data() + at);
        at += 4;
        if (len > data.size() - at) return corrupt(compression_codec::snappy, "xerial block beyond the data");
        if (auto st = each(data.subspan(at, len)); !st) return st;
        at += len;
    }
    return ok();
}

result<bytes> snappy_decompress(bytes_view data, size_t max_size) {
    bytes out;
    if (auto st = for_each_snappy_block(data, [&](bytes_view block) { return snappy_block(block, out, max_size); });
        !st)
        return st.error();
    return out;
}

// --- lz4 -----------------------------------------------------------------

bytes lz4_compress(bytes_view data, int level) {
    LZ4F_preferences_t prefs{};
    prefs.compressionLevel = level;
    prefs.frameInfo.blockSizeID = LZ4F_max64KB;  // what Kafka's Java producer uses
    prefs.frameInfo.blockMode = LZ4F_blockIndependent;
    bytes out(LZ4F_compressFrameBound(data.size(), &prefs));
    size_t n = LZ4F_compressFrame(out.data(), out.size(), data.data(), data.size(), &prefs);
    if (LZ4F_isError(n)) throw std::bad_alloc();  // only when out is too small: a bug
    out.resize(n);
    return out;
}

result<bytes> lz4_decompress(bytes_view data, size_t max_size) {
    LZ4F_dctx* raw = nullptr;
    if (LZ4F_isError(LZ4F_createDecompressionContext(&raw, LZ4F_VERSION)))
        return make_error(errc::io_error, "LZ4F_createDecompressionContext failed");
    std::unique_ptr<LZ4F_dctx, LZ4F_errorCode_t (*)(LZ4F_dctx*)> ctx(raw, LZ4F_freeDecompressionContext);
    bytes out;
    size_t used = 0;
    size_t in_at = 0;
    size_t hint = 1;
    while (in_at < data.size()) {
        if (!grow(out, used, max_size)) return too_large(compression_codec::lz4, max_size);
        size_t out_n = out.size() - used;
        size_t in_n = data.size() - in_at;
        hint = LZ4F_decompress(ctx.get(), out.data() + used, &out_n, data.data() + in_at, &in_n, nullptr);
        if (LZ4F_isError(hint)) return corrupt(compression_codec::lz4, LZ4F_getErrorName(hint));
        used += out_n;
        in_at += in_n;
        if (in_n == 0 && out_n == 0 && used < out.size()) return corrupt(compression_codec::lz4, "no progress");
    }
    // The frame may still hold decoded bytes not yet flushed to the output.
    while (hint != 0) {
        if (!grow(out, used, max_size)) return too_large(compression_codec::lz4, max_size);
        size_t out_n = out.size() - used;
        size_t in_n = 0;
        hint = LZ4F_decompress(ctx.get(), out.data() + used, &out_n, nullptr, &in_n, nullptr);
        if (LZ4F_isError(hint)) return corrupt(compression_codec::lz4, LZ4F_getErrorName(hint));
        used += out_n;
        if (out_n == 0 && hint != 0) return corrupt(compression_codec::lz4, "truncated frame");
    }
    out.resize(used);
    return out;
}

// --- zstd ----------------------------------------------------------------

bytes zstd_compress(bytes_view data, int level) {
    bytes out(ZSTD_compressBound(data.size()));
    size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), level);
    if (ZSTD_isError(n)) throw std::bad_alloc();
    out.resize(n);
    return out;
}

result<bytes> zstd_decompress(bytes_view data, size_t max_size) {
    std::unique_ptr<ZSTD_DStream, size_t (*)(ZSTD_DStream*)> ds(ZSTD_createDStream(), ZSTD_freeDStream);
    if (!ds) return make_error(errc::io_error, "ZSTD_createDStream failed");
    ZSTD_initDStream(ds.get());
    // Refuse frames whose window needs more memory than the cap allows.
    ZSTD_DCtx_setParameter(ds.get(), ZSTD_d_windowLogMax, 27);
    bytes out;
    ZSTD_inBuffer in{data.data(), data.size(), 0};
    size_t used = 0;
    size_t last = 1;
    while (in.pos < in.size || last != 0) {
        if (!grow(out, used, max_size)) return too_large(compression_codec::zstd, max_size);
        ZSTD_outBuffer ob{out.data(), out.size(), used};
        size_t before_in = in.pos;
        last = ZSTD_decompressStream(ds.get(), &ob, &in);
        if (ZSTD_isError(last)) return corrupt(compression_codec::zstd, ZSTD_getErrorName(last));
        bool progressed = ob.pos != used || in.pos != before_in;
        used = ob.pos;
        if (!progressed && used < out.size()) return corrupt(compression_codec::zstd, "truncated frame");
    }
    out.resize(used);
    return out;
}


// --- streaming: one chunk at a time to a sink ------------------------------

status gzip_chunks(bytes_view data, bytes& chunk, const chunk_sink& sink) {
    z_stream zs{};
    if (inflateInit2(&zs, 15 + 32) != Z_OK) return make_error(errc::io_error, "zlib inflateInit2 failed");
    std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&zs, inflateEnd);
    zs.next_in = const_cast<Bytef*>(data.data());
    zs.avail_in = static_cast<uInt>(data.size());
    for (;;) {
        zs.next_out = chunk.data();
        zs.avail_out = static_cast<uInt>(chunk.size());
        int rc = inflate(&zs, Z_NO_FLUSH);
        const size_t produced = chunk.size() - zs.avail_out;
        if (rc != Z_OK && rc != Z_BUF_ERROR && rc != Z_STREAM_END)
            return corrupt(compression_codec::gzip, zs.msg ? zs.msg : "inflate failed");
        if (produced > 0) {
            if (auto st = sink(bytes_view(chunk.data(), produced)); !st) return st;
        }
        if (rc == Z_STREAM_END) {
            if (zs.avail_in == 0) return ok();
            if (inflateReset(&zs) != Z_OK) return corrupt(compression_codec::gzip, "bad member");
            continue;
        }
        if (produced == 0 && zs.avail_in == 0) return corrupt(compression_codec::gzip, "truncated stream");
        if (produced == 0 && rc == Z_BUF_ERROR) return corrupt(compression_codec::gzip, "truncated stream");
    }
}

status snappy_chunks(bytes_view data, size_t chunk_size, const chunk_sink& sink) {
    auto feed_block = [&](bytes_view block) -> status {
        bytes out;
        // A snappy block expands at most ~21x (a 3-byte copy of 64 bytes): a
        // block claiming more is refused before anything is allocated.
        if (auto st = snappy_block(block, out, block.size() * 24 + 64); !st) return st;
        for (size_t at = 0; at < out.size(); at += chunk_size) {
            if (auto st = sink(bytes_view(out).subspan(at, std::min(chunk_size, out.size() - at))); !st) return st;
        }
        return ok();
    };
    return for_each_snappy_block(data, feed_block);
}

status lz4_chunks(bytes_view data, bytes& chunk, const chunk_sink& sink) {
    LZ4F_dctx* raw = nullptr;
    if (LZ4F_isError(LZ4F_createDecompressionContext(&raw, LZ4F_VERSION)))
        return make_error(errc::io_error, "LZ4F_createDecompressionContext failed");
    std::unique_ptr<LZ4F_dctx, LZ4F_errorCode_t (*)(LZ4F_dctx*)> ctx(raw, LZ4F_freeDecompressionContext);
    size_t in_at = 0;
    size_t hint = 1;
    while (in_at < data.size() || hint != 0) {
        size_t out_n = chunk.size();
        size_t in_n = data.size() - in_at;
        hint = LZ4F_decompress(ctx.get(), chunk.data(), &out_n, in_n ? data.data() + in_at : nullptr, &in_n, nullptr);
        if (LZ4F_isError(hint)) return corrupt(compression_codec::lz4, LZ4F_getErrorName(hint));
        in_at += in_n;
        if (out_n > 0) {
            if (auto st = sink(bytes_view(chunk.data(), out_n)); !st) return st;
        }
        if (in_n == 0 && out_n == 0) {
            if (hint != 0) return corrupt(compression_codec::lz4, "truncated frame");
            if (in_at < data.size()) return corrupt(compression_codec::lz4, "no progress");
        }
    }
    return ok();
}

status zstd_chunks(bytes_view data, bytes& chunk, const chunk_sink& sink) {
    std::unique_ptr<ZSTD_DStream, size_t (*)(ZSTD_DStream*)> ds(ZSTD_createDStream(), ZSTD_freeDStream);
    if (!ds) return make_error(errc::io_error, "ZSTD_createDStream failed");
    ZSTD_initDStream(ds.get());
    ZSTD_DCtx_setParameter(ds.get(), ZSTD_d_windowLogMax, 27);
    ZSTD_inBuffer in{data.data(), data.size(), 0};
    size_t last = 1;
    while (in.pos < in.size || last != 0) {
        ZSTD_outBuffer ob{chunk.data(), chunk.size(), 0};
        size_t before_in = in.pos;
        last = ZSTD_decompressStream(ds.get(), &ob, &in);
        if (ZSTD_isError(last)) return corrupt(compression_codec::zstd, ZSTD_getErrorName(last));
        if (ob.pos > 0) {
            if (auto st = sink(bytes_view(chunk.data(), ob.pos)); !st) return st;
        }
        // A full chunk may mean more is buffered inside zstd: only an empty
        // step with input left, or with none left and a frame unfinished, is truncation.
        if (ob.pos == 0 && in.pos == before_in) return corrupt(compression_codec::zstd, "truncated frame");
    }
    return ok();
}

}  // namespace

status decompress_chunks(compression_codec codec, bytes_view data, size_t chunk_size, const chunk_sink& sink) {
    SAMSA_ASSERT(chunk_size > 0);
    bytes chunk(codec == compression_codec::snappy || codec == compression_codec::none ? 0 : chunk_size);
    switch (codec) {
    case compression_codec::none:
        for (size_t at = 0; at < data.size(); at += chunk_size) {
            if (auto st = sink(data.subspan(at, std::min(chunk_size, data.size() - at))); !st) return st;
        }
        return ok();
    case compression_codec::gzip: return gzip_chunks(data, chunk, sink);
    case compression_codec::snappy: return snappy_chunks(data, chunk_size, sink);
    case compression_codec::lz4: return lz4_chunks(data, chunk, sink);
    case compression_codec::zstd: return zstd_chunks(data, chunk, sink);
    }
    return make_error(errc::unsupported, "unknown compression codec");
}

const char* name(compression_codec codec) {
    switch (codec) {
        case compression_codec::none: return "none";
        case compression_codec::gzip: return "gzip";
        case compression_codec::snappy: return "snappy";
        case compression_codec::lz4: return "lz4";
        case compression_codec::zstd: return "zstd";
    }
    return "unknown";
}

bytes compress(compression_codec codec, bytes_view data) {
    // Each library's own default (lz4frame's 0 is its fast mode).
    const int level = codec == compression_codec::gzip ? Z_DEFAULT_COMPRESSION
                      : codec == compression_codec::zstd ? 3
                                                         : 0;
    return compress(codec, data, level);
}

bytes compress(compression_codec codec, bytes_view data, int level) {
    switch (codec) {
        case compression_codec::none: return bytes(data.begin(), data.end());
        case compression_codec::gzip: return gzip_compress(data, level);
        case compression_codec::snappy: return snappy_compress(data);
        case compression_codec::lz4: return lz4_compress(data, level);
        case compression_codec::zstd: return zstd_compress(data, level);
    }
    SAMSA_ASSERT(false, "unknown compression codec");
    return {};
}

result<bytes> decompress(compression_codec codec, bytes_view data, size_t max_size) {
    switch (codec) {
        case compression_codec::none:
            if (data.size() > max_size) return too_large(codec, max_size);
            return bytes(data.begin(), data.end());
        case compression_codec::gzip: return gzip_decompress(data, max_size);
        case compression_codec::snappy: return snappy_decompress(data, max_size);
        case compression_codec::lz4: return lz4_decompress(data, max_size);
        case compression_codec::zstd: return zstd_decompress(data, max_size);
    }
    return make_error(errc::unsupported, fmt::format("unknown compression codec {}", static_cast<int>(codec)));
}

}  // namespace samsa::record
