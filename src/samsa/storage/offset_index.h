#pragma once
// offset_index: the sparse `.index` of a segment, mapping offsets to file
// positions in its `.log`.
//
// Thread model: owned by a segment; its owner thread only.
//
// Format: 8-byte entries, big-endian, no header:
//
//   0               4               8
//   +---------------+---------------+
//   | relative off  | position      |   relative off = offset - segment base
//   | uint32        | uint32        |   position     = byte in the .log file
//   +---------------+---------------+
//
// Both fields strictly increase from entry to entry. The offset of an entry
// is the LAST offset of the batch starting at `position` (as Kafka writes it),
// so lookup(t) (the last entry with offset <= t) gives a position at or
// before the batch containing t; a forward scan of batch headers finishes the
// job.
//
// Worked example: segment 00000000000000000100 whose batch 157..160 starts
// at byte 4181 has the entry `00 00 00 3c | 00 00 10 55` (60 = 160 - 100,
// 4181 = 0x1055).
//
// Kafka preallocates segment.index.bytes and memory-maps the file, trimming
// it at close. We keep entries in memory and append them to the file at
// flush, roll and close: the file length is always a multiple of 8 and holds
// only real entries, which Kafka reads the same way. Entries past the
// recovery point are rebuilt after an unclean shutdown, so writing them late
// loses nothing. Closed segments load their index lazily, on first lookup.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/base/types.h"
#include "samsa/storage/index_file.h"

namespace samsa::storage {

class offset_index {
public:
    static constexpr size_t entry_size = 8;

    struct entry {
        offset off;
        uint32_t position;
    };

    // Opens (creating when missing) without reading; `existed` says whether
    // the file was there.
    static result<offset_index> open(const std::filesystem::path& path, offset base, bool& existed);

    // Reads and checks the file: length a multiple of 8, both fields
    // strictly increasing. errc::corrupt otherwise (the caller rebuilds).
    status load();
    bool loaded() const { return loaded_; }
    // Marks the index empty and loaded, to be refilled by a rebuild.
    status reset();

    // Adds an entry in memory; must come after the last one.
    void append(offset last_offset, uint32_t position);
    // The last entry whose offset is <= target; nullopt when none. Requires loaded().
    std::optional<entry> lookup(offset target) const;
    std::optional<entry> last_entry() const;
    // The last entry whose position is <= position (a batch boundary known
    // without reading the log); nullopt when none. Requires loaded().
    std::optional<entry> last_at_or_before_position(uint64_t position) const;
    size_t entry_count() const { return entries_.size(); }
    size_t size_bytes() const { return entries_.size() * entry_size; }

    // Drops the entries whose position is >= position (log truncation).
    status truncate_to_position(uint32_t position);
    // Drops the entries whose offset is >= o (entries past a recovery point).
    status truncate_to_offset(offset o);

    // Appends the entries not yet in the file; `sync` also fdatasyncs.
    status flush(bool sync);
    status remove_file() { return file_.remove(); }
    const std::filesystem::path& path() const { return file_.path(); }
    // The file's descriptor, opening it if need be (for background_flusher).
    result<int> open_fd() { return file_.open_fd(); }
    // Closes the file; it is reopened when next needed. Closed segments keep
    // no index descriptors open (only their .log).
    void release_file() { file_.release(); }

private:
    offset_index(std::filesystem::path path, offset base) : file_(std::move(path)), base_(base) {}
    status truncate_file_to_entries();

    index_file file_;
    offset base_;
    // Stored as in the file (relative offset, position): 8 bytes an entry, so
    // a full 1 GiB segment's index (262,144 entries at 4 KiB) takes 2 MiB.
    struct packed {
        uint32_t relative;
        uint32_t position;
    };
    entry unpack(const packed& p) const { return {base_ + p.relative, p.position}; }

    std::vector<packed> entries_;
    size_t persisted_ = 0;  // entries known to be in the file
    bool loaded_ = false;
};

}  // namespace samsa::storage
