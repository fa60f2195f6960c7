#include "samsa/streams/internal/runtime/checkpoint_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

namespace samsa::streams::internal {

// Kafka 3.8's OffsetCheckpoint.read: every line after the count is an entry
// (lines beyond the count are an error, not ignored); an offset below zero is
// skipped with a warning and not counted, except OFFSET_UNKNOWN (-4), which
// Kafka keeps as "store present, offset unknown" — here it is left out of the
// map, so the store restores from the start, as Kafka does for it.
result<std::map<topic_partition, samsa::offset>> checkpoint_file::read() const {
    constexpr int64_t offset_unknown = -4;
    std::map<topic_partition, samsa::offset> out;
    std::ifstream in(path_);
    if (!in) return out;
    auto corrupt = [&](const std::string& why) {
        return make_error(errc::corrupt, "checkpoint file " + path_.string() + ": " + why);
    };
    std::string line;
    if (!std::getline(in, line) || line != "0") return corrupt("unknown version '" + line + "'");
    int64_t expected = -1;
    if (!std::getline(in, line)) return corrupt("missing entry count");
    try {
        size_t used = 0;
        expected = std::stoll(line, &used);
        if (used != line.size()) throw std::invalid_argument(line);
    } catch (const std::exception&) {
        return corrupt("bad entry count '" + line + "'");
    }
    std::map<topic_partition, int64_t> entries;  // a partition twice counts once, as in Kafka's map
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        topic_partition tp;
        int64_t off = 0;
        std::string extra;
        if (!(fields >> tp.topic >> tp.partition >> off) || (fields >> extra)) {
            return corrupt("malformed entry '" + line + "'");
        }
        if (off < 0 && off != offset_unknown) {
            spdlog::warn("checkpoint file {}: skipping offset {} of {}-{}", path_.string(), off, tp.topic, tp.partition);
            --expected;
            continue;
        }
        entries[tp] = off;
    }
    if (static_cast<int64_t>(entries.size()) != expected)
        return corrupt("expected " + std::to_string(expected) + " entries, found " + std::to_string(entries.size()));
    for (const auto& [tp, off] : entries)
        if (off >= 0) out[tp] = samsa::offset(off);
    return out;
}

status checkpoint_file::write(const std::map<topic_partition, samsa::offset>& offsets) const {
    std::string text = "0\n" + std::to_string(offsets.size()) + "\n";
    for (const auto& [tp, off] : offsets) {
        text += tp.topic + " " + std::to_string(tp.partition) + " " + std::to_string(off()) + "\n";
    }
    auto tmp = path_;
    tmp += ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return make_error(errc::io_error, "cannot write " + tmp.string() + ": " + std::strerror(errno));
    size_t done = 0;
    while (done < text.size()) {
        ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            int e = errno;
            ::close(fd);
            return make_error(errc::io_error, "cannot write " + tmp.string() + ": " + std::strerror(e));
        }
        done += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0) {
        int e = errno;
        ::close(fd);
        return make_error(errc::io_error, "cannot sync " + tmp.string() + ": " + std::strerror(e));
    }
    ::close(fd);
    std::error_code ec;
    std::filesystem::rename(tmp, path_, ec);
    if (ec) return make_error(errc::io_error, "cannot rename " + tmp.string() + ": " + ec.message());
    return ok();
}

void checkpoint_file::remove() const {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
}

}  // namespace samsa::streams::internal
