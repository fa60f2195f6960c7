#pragma once
// checkpoint_file: the `.checkpoint` file of a task directory, in Kafka
// Streams' OffsetCheckpoint text format, so tools that read Kafka's files
// read ours:
//
//   0                            version
//   2                            number of entries
//   app-counts-changelog 1 41    <topic> <partition> <offset>
//   app-totals-changelog 1 7
//
// The offset is that of the last changelog record the store on disk holds;
// restoration resumes at offset + 1. Written to `.checkpoint.tmp`, fsynced
// and renamed over the old file, so a crash leaves the old or the new one.
//
// Threads: called by the stream (or global) thread owning the task.

#include <filesystem>
#include <map>

#include "samsa/base/result.h"
#include "samsa/base/types.h"
#include "samsa/streams/detail/runtime/record_collector.h"

namespace samsa::streams::internal {

class checkpoint_file {
public:
    explicit checkpoint_file(std::filesystem::path path) : path_(std::move(path)) {}

    // An absent file reads as no entries; corrupt: a malformed file.
    [[nodiscard]] result<std::map<topic_partition, samsa::offset>> read() const;
    [[nodiscard]] status write(const std::map<topic_partition, samsa::offset>& offsets) const;
    void remove() const;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

}  // namespace samsa::streams::internal
