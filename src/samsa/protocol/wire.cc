#include "samsa/protocol/wire.h"

#include <algorithm>
#include <limits>

namespace samsa::protocol {

bool raw_records::operator==(const raw_records& o) const {
    if (data.has_value() != o.data.has_value()) return false;
    if (external_size != o.external_size || external_id != o.external_id) return false;
    if (!data) return true;
    return std::equal(data->begin(), data->end(), o.data->begin(), o.data->end());
}

// --- reader ----------------------------------------------------------------

int64_t protocol_reader::read_count(bool nullable) {
    int64_t n;
    if (flexible_) {
        n = static_cast<int64_t>(in_.read_uvarint()) - 1;
    } else {
        n = in_.read_i32();
    }
    if (!ok()) return -1;
    if (n < 0) {
        if (n != -1 || !nullable) fail();
        return -1;
    }
    if (static_cast<uint64_t>(n) > remaining()) {
        fail();
        return -1;
    }
    return n;
}

int64_t protocol_reader::read_length(bool is_string, bool nullable) {
    int64_t n;
    if (flexible_) {
        n = static_cast<int64_t>(in_.read_uvarint()) - 1;
    } else if (is_string) {
        n = in_.read_i16();
    } else {
        n = in_.read_i32();
    }
    if (!ok()) return -1;
    if (n < 0) {
        if (n != -1 || !nullable) fail();
        return -1;
    }
    if (static_cast<uint64_t>(n) > remaining()) {
        fail();
        return -1;
    }
    return n;
}

void protocol_reader::field(uuid& v) {
    bytes_view b = in_.read_bytes(16);
    if (b.size() == 16) std::copy(b.begin(), b.end(), v.data.begin());
}

void protocol_reader::field(std::string& v) {
    int64_t n = read_length(/*is_string=*/true, /*nullable=*/false);
    if (n < 0) {
        v.clear();
        return;
    }
    bytes_view b = in_.read_bytes(static_cast<size_t>(n));
    v.assign(reinterpret_cast<const char*>(b.data()), b.size());
}

void protocol_reader::field(std::optional<std::string>& v) {
    int64_t n = read_length(/*is_string=*/true, /*nullable=*/true);
    if (n < 0) {
        v.reset();
        return;
    }
    bytes_view b = in_.read_bytes(static_cast<size_t>(n));
    v.emplace(reinterpret_cast<const char*>(b.data()), b.size());
}

void protocol_reader::field(bytes& v) {
    int64_t n = read_length(/*is_string=*/false, /*nullable=*/false);
    if (n < 0) {
        v.clear();
        return;
    }
    bytes_view b = in_.read_bytes(static_cast<size_t>(n));
    v.assign(b.begin(), b.end());
}

void protocol_reader::field(std::optional<bytes>& v) {
    int64_t n = read_length(/*is_string=*/false, /*nullable=*/true);
    if (n < 0) {
        v.reset();
        return;
    }
    bytes_view b = in_.read_bytes(static_cast<size_t>(n));
    v.emplace(b.begin(), b.end());
}

void protocol_reader::field(raw_records& v) {
    int64_t n = read_length(/*is_string=*/false, /*nullable=*/true);
    if (n < 0) {
        v.data.reset();
        return;
    }
    v.data = in_.read_bytes(static_cast<size_t>(n));
}

// --- writer ----------------------------------------------------------------

void protocol_writer::write_count(int64_t n) {
    if (flexible_) {
        out_.write_uvarint(static_cast<uint32_t>(n + 1));
    } else {
        out_.write_i32(static_cast<int32_t>(n));
    }
}

void protocol_writer::write_length(int64_t n, bool is_string) {
    if (flexible_) {
        out_.write_uvarint(static_cast<uint32_t>(n + 1));
    } else if (is_string) {
        out_.write_i16(static_cast<int16_t>(n));
    } else {
        out_.write_i32(static_cast<int32_t>(n));
    }
}

void protocol_writer::field(const std::string& v) {
    // A classic string is limited to 32767 bytes; longer text would corrupt
    // the frame, so it is cut (only error messages and configs get near it).
    size_t n = flexible_ ? v.size() : std::min<size_t>(v.size(), std::numeric_limits<int16_t>::max());
    write_length(static_cast<int64_t>(n), /*is_string=*/true);
    out_.write_bytes(as_bytes(std::string_view(v).substr(0, n)));
}

void protocol_writer::field(const std::optional<std::string>& v) {
    if (!v) {
        write_length(-1, /*is_string=*/true);
        return;
    }
    field(*v);
}

void protocol_writer::field(const bytes& v) {
    write_length(static_cast<int64_t>(v.size()), /*is_string=*/false);
    out_.write_bytes(v);
}

void protocol_writer::field(const std::optional<bytes>& v) {
    if (!v) {
        write_length(-1, /*is_string=*/false);
        return;
    }
    field(*v);
}

void protocol_writer::field(const raw_records& v) {
    if (!v.data) {
        write_length(-1, /*is_string=*/false);
        return;
    }
    if (v.is_external()) {
        write_length(static_cast<int64_t>(v.external_size), /*is_string=*/false);
        out_.splice_external(v.external_size, v.external_id);
        return;
    }
    write_length(static_cast<int64_t>(v.data->size()), /*is_string=*/false);
    out_.splice_if_large(*v.data);
}

}  // namespace samsa::protocol
