#pragma once
// fd_cache: a process-wide bound on the segment files held open, as
// Redpanda's fd cache. Without it a broker holds one descriptor per segment
// of every partition and runs out of RLIMIT_NOFILE at a few hundred
// partitions; with it a segment's `.log` is opened on first use and closed
// again when more than capacity() files are open and it is the least
// recently used one nobody is using.
//
// Ownership: cached_file::acquire() hands out a shared_ptr<file>. The cache
// holds one reference; a reader or writer holds another for the length of
// its call, so an eviction (which only drops the cache's reference) never
// closes a descriptor under a pread. A file in use is skipped by eviction;
// the bound can then be passed by the number of files in use at once.
//
// Thread model: any thread (one mutex). A cached_file itself belongs to one
// owner (the segment's owner thread); other threads only evict through the cache.
//
// Worked example: capacity 2, segments A, B, C read in turn: A opens, B opens,
// C opens and closes A (the least recent), a read of A reopens it and closes B.

#include <cstddef>
#include <filesystem>
#include <list>
#include <memory>
#include <mutex>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/storage/file.h"

namespace samsa::storage {

class fd_cache {
public:
    static constexpr size_t unlimited = static_cast<size_t>(-1);

    explicit fd_cache(size_t capacity = unlimited) : capacity_(capacity) {}
    fd_cache(const fd_cache&) = delete;
    fd_cache& operator=(const fd_cache&) = delete;

    // The broker's cache, used by every segment (unlimited until the broker
    // sets its capacity at start from samsa.log.max.open.files).
    static fd_cache& shared();

    void set_capacity(size_t capacity);
    size_t capacity() const;
    // Files the cache holds open now.
    size_t open_count() const;
    // True when the cache holds capacity() files or more: a caller that would
    // keep a file beyond one operation (a response sent with sendfile) should
    // not, since eviction cannot close a file in use.
    bool full() const;
    // Files opened since the start (first opens and reopens alike).
    uint64_t opens() const;

private:
    friend class cached_file;
    struct slot {
        std::filesystem::path path;
        std::shared_ptr<file> open;             // null while closed
        std::list<slot*>::iterator lru_position;  // valid while open
    };

    result<std::shared_ptr<file>> acquire(slot& s, bool create);
    void forget(slot& s);
    // Drops least recently used files nobody uses until at most `keep` are
    // open (or only files in use are left). Returns them so that the caller
    // closes them after releasing the lock.
    std::vector<std::shared_ptr<file>> evict_locked(size_t keep);

    mutable std::mutex mutex_;
    size_t capacity_;
    uint64_t opens_ = 0;
    std::list<slot*> lru_;  // open slots, most recently used first
};

// One file (a segment's `.log`) opened through a cache when needed.
class cached_file {
public:
    // `path` exists (or is created by the first acquire when create is set).
    cached_file(std::filesystem::path path, fd_cache& cache = fd_cache::shared());
    ~cached_file();
    cached_file(const cached_file&) = delete;
    cached_file& operator=(const cached_file&) = delete;

    // The open file, opened now if the cache had closed it (io_error, e.g.
    // EMFILE, when the OS refuses). Keep the pointer only for one operation.
    result<std::shared_ptr<file>> acquire(bool create = false) const { return cache_.acquire(*slot_, create); }
    // Closes the file now (before a remove); a holder keeps its copy alive.
    void close() { cache_.forget(*slot_); }
    bool is_open() const;
    const std::filesystem::path& path() const { return slot_->path; }
    fd_cache& cache() const { return cache_; }

private:
    fd_cache& cache_;
    std::unique_ptr<fd_cache::slot> slot_;
};

}  // namespace samsa::storage
