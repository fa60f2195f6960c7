#pragma once
// huge_page_arena: memory for a cache's blocks that live until the cache is
// cleared (the decoded cache's nodes and index, key_value_store.h), in 2 MiB
// transparent huge pages once the cache is large.
//
// Why: a join looks up random rows of a table larger than the CPU's caches,
// and each row's lines are a cache miss; at the issue scale (100k customers
// and addresses, 60+ MiB of decoded rows) each row is also on a 4 KiB page
// the TLB does not hold, so the miss first walks the page tables (under
// KVM, a two-dimensional walk). perf annotate put a third of the decoded
// cache's find() on the node's address (issue 12, s20-hC). With 2 MiB pages
// the rows of a whole table fit in a few dozen TLB entries. A process-wide
// setting (MALLOC_CONF=thp:always) would do it for every allocation, but it
// belongs to the application, not a library.
//
// Layout: the first small_bytes of blocks come from operator new one by
// one, so that the many small caches (a small table, a test) cost no huge
// page each; after that, blocks are carved in order from regions of 2 MiB
// aligned on 2 MiB, mapped privately and marked MADV_HUGEPAGE, so the kernel
// backs them with huge pages when THP is in "always" or "madvise" mode (a
// region stays usable, in 4 KiB pages, when it cannot). A block never
// crosses regions; one larger than a region gets its own. Nothing is freed
// before release_all(). Off Linux every block comes from operator new.
//
// Threads: none of its own; owned by one thread like the cache holding it.

#include <cstddef>
#include <vector>

#include "samsa/streams/export.h"

namespace samsa::streams {

// Blocks for a cache, in huge pages once it is large; see the top of this file.
class SAMSA_STREAMS_API huge_page_arena {
public:
    // Huge pages are 2 MiB on x86-64 and (with 4 KiB base pages) arm64.
    static constexpr size_t region_bytes = size_t{2} << 20;
    // Blocks before the first region come from operator new.
    static constexpr size_t small_bytes = size_t{1} << 20;
    // Every block starts on a cache line.
    static constexpr size_t block_alignment = 64;

    huge_page_arena() = default;
    ~huge_page_arena() { release_all(); }
    huge_page_arena(const huge_page_arena&) = delete;
    huge_page_arena& operator=(const huge_page_arena&) = delete;

    // bytes (> 0) of uninitialized memory aligned to block_alignment, valid
    // until release_all(); throws std::bad_alloc when none is left.
    void* allocate(size_t bytes);
    // Frees every block (their objects must be destroyed first).
    void release_all();
    // Bytes handed out so far.
    size_t allocated_bytes() const { return allocated_; }
    // How many of them lie in mapped regions (huge pages where the kernel gives them).
    size_t region_backed_bytes() const { return region_backed_; }

private:
    struct piece {
        void* base;
        size_t bytes;
        bool mapped;  // a region (munmap), else operator new
    };
    // A region of at least bytes (a multiple of region_bytes), aligned on
    // region_bytes and advised for huge pages; nullptr when mapping fails.
    static void* map_region(size_t bytes);
    static void unmap_region(void* base, size_t bytes);

    std::vector<piece> pieces_;
    char* next_ = nullptr;  // the free end of the last region
    size_t left_ = 0;       // bytes from next_ to that region's end
    size_t allocated_ = 0;
    size_t region_backed_ = 0;
};

}  // namespace samsa::streams
