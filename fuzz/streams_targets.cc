#include "streams_targets.h"

#include "samsa/streams/detail/ops/change_serde.h"
#include "samsa/streams/internal/runtime/checkpoint_file.h"
#include "samsa/streams/serdes/primitive.h"
#include "scratch_dir.h"

namespace samsa::fuzz {

namespace {

using streams::change;
using streams::serde_error;

constexpr std::string_view topic = "app-KTABLE-AGGREGATE-STATE-STORE-0000000003-repartition";

// Over raw bytes the serde is a bijection on what it accepts.
bool byte_change_round_trips(bytes_view in) {
    auto s = streams::internal::change_serde(streams::serdes::bytes());
    change<bytes> c;
    try {
        c = s.deserialize(topic, in);
    } catch (const serde_error&) {
        return true;
    }
    bytes out = s.serialize(topic, c);
    return out.size() == in.size() && std::equal(out.begin(), out.end(), in.begin());
}

bool int_change_decodes_cleanly(bytes_view in) {
    auto s = streams::internal::change_serde(streams::serdes::int32());
    try {
        auto c = s.deserialize(topic, in);
        return s.deserialize(topic, s.serialize(topic, c)) == c;
    } catch (const serde_error&) {
        return true;
    }
}

}  // namespace

bool change_serde(const uint8_t* data, size_t size) {
    bytes_view in(data, size);
    bool ok = byte_change_round_trips(in);
    return int_change_decodes_cleanly(in) && ok;
}

bool streams_checkpoint(const uint8_t* data, size_t size) {
    streams::internal::checkpoint_file file(write_scratch_file(".checkpoint", bytes_view(data, size)));
    auto offsets = file.read();
    if (!offsets) return true;
    streams::internal::checkpoint_file copy(scratch_dir() / "copy.checkpoint");
    if (!copy.write(*offsets)) return false;
    auto again = copy.read();
    return again && *again == *offsets;
}

}  // namespace samsa::fuzz
