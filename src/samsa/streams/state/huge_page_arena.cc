#include "samsa/streams/state/huge_page_arena.h"

#include <cstdint>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace samsa::streams {

namespace {

size_t round_up(size_t n, size_t to) { return (n + to - 1) / to * to; }

}  // namespace

void* huge_page_arena::map_region(size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    // Over-map by one region and trim both ends, so the region starts on a
    // huge page boundary (mmap only promises 4 KiB).
    const size_t span = bytes + region_bytes;
    void* raw = mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) return nullptr;
    const auto start = reinterpret_cast<std::uintptr_t>(raw);
    const std::uintptr_t aligned = round_up(start, region_bytes);
    if (aligned > start) munmap(raw, aligned - start);
    const std::uintptr_t end = start + span;
    if (end > aligned + bytes) munmap(reinterpret_cast<void*>(aligned + bytes), end - (aligned + bytes));
    // Advice, not a promise: without huge pages the region still works.
    (void)madvise(reinterpret_cast<void*>(aligned), bytes, MADV_HUGEPAGE);
    return reinterpret_cast<void*>(aligned);
#else
    (void)bytes;
    return nullptr;
#endif
}

void huge_page_arena::unmap_region(void* base, size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    munmap(base, bytes);
#else
    (void)base, (void)bytes;
#endif
}

void* huge_page_arena::allocate(size_t bytes) {
    bytes = round_up(bytes, block_alignment);
    if (bytes > left_ && allocated_ >= small_bytes) {
        const size_t region = round_up(bytes, region_bytes);
        if (void* base = map_region(region)) {
            pieces_.push_back({base, region, true});
            next_ = static_cast<char*>(base);
            left_ = region;
        }
    }
    if (bytes <= left_) {
        void* p = next_;
        next_ += bytes;
        left_ -= bytes;
        allocated_ += bytes;
        region_backed_ += bytes;
        return p;
    }
    // Still small, or no region could be mapped.
    void* p = ::operator new(bytes, std::align_val_t{block_alignment});
    pieces_.push_back({p, bytes, false});
    allocated_ += bytes;
    return p;
}

void huge_page_arena::release_all() {
    for (const piece& p : pieces_) {
        if (p.mapped) unmap_region(p.base, p.bytes);
        else ::operator delete(p.base, std::align_val_t{block_alignment});
    }
    pieces_.clear();
    next_ = nullptr;
    left_ = 0;
    allocated_ = 0;
    region_backed_ = 0;
}

}  // namespace samsa::streams
