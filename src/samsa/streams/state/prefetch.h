#pragma once
// prefetch_line(p): asks the CPU for the cache line holding p, for a read
// soon, without waiting for it and without faulting (any address will do).
// The record cache uses it where a line a later call reads is known ahead
// (the entries and index slots its next evictions read).
//
// An asm statement on x86-64, not __builtin_prefetch: GCC 12 at -O1 found a
// function that only prefetched free of side effects and dropped the call
// (issue 12, s20-hC: the record cache's eviction prefetches never ran).
//
// Threads: any.

namespace samsa::streams {

// Prefetches the line of p into every cache level; see the top of this file.
inline void prefetch_line(const void* p) {
#if defined(__x86_64__)
    asm volatile("prefetcht0 %0" : : "m"(*static_cast<const char*>(p)));
#else
    __builtin_prefetch(p);
#endif
}

}  // namespace samsa::streams
