// huge_page_arena: blocks aligned and apart, small caches from operator new,
// large ones from 2 MiB regions advised for huge pages (issue 12, s21-hT).
#include "samsa/streams/state/huge_page_arena.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace samsa::streams {
namespace {

using block = std::pair<std::uintptr_t, size_t>;  // address, bytes

// Whether the mapping holding p carries the MADV_HUGEPAGE flag ("hg" in
// /proc/self/smaps' VmFlags).
bool advised_for_huge_pages(const void* p) {
    std::ifstream smaps("/proc/self/smaps");
    const auto at = reinterpret_cast<std::uintptr_t>(p);
    std::string line;
    bool inside = false;
    while (std::getline(smaps, line)) {
        std::uintptr_t lo = 0, hi = 0;
        char dash = 0;
        if (std::sscanf(line.c_str(), "%lx%c%lx", &lo, &dash, &hi) == 3 && dash == '-' &&
            line.find(' ') > line.find('-')) {
            inside = lo <= at && at < hi;
            continue;
        }
        if (inside && line.rfind("VmFlags:", 0) == 0) return line.find(" hg") != std::string::npos;
    }
    return false;
}

TEST(huge_page_arena_test, blocks_are_aligned_writable_and_apart) {
    huge_page_arena arena;
    std::vector<block> blocks;
    size_t total = 0;
    // 24 KiB blocks (a chunk of 64 decoded-cache nodes of six lines) past
    // the small allocations and over several regions, with odd sizes and
    // one block larger than a region among them.
    for (size_t i = 0; i < 300; ++i) {
        const size_t bytes = i == 150 ? huge_page_arena::region_bytes + 1000 : 24 * 1024 + (i % 3) * 7;
        void* p = arena.allocate(bytes);
        ASSERT_NE(p, nullptr);
        ASSERT_EQ(reinterpret_cast<std::uintptr_t>(p) % huge_page_arena::block_alignment, 0u) << i;
        std::memset(p, static_cast<int>(i), bytes);
        blocks.emplace_back(reinterpret_cast<std::uintptr_t>(p), bytes);
        total += bytes;
    }
    EXPECT_GE(arena.allocated_bytes(), total);
    std::sort(blocks.begin(), blocks.end());
    for (size_t i = 1; i < blocks.size(); ++i) {
        EXPECT_LE(blocks[i - 1].first + blocks[i - 1].second, blocks[i].first) << "overlap at block " << i;
    }
    arena.release_all();
    EXPECT_EQ(arena.allocated_bytes(), 0u);
    EXPECT_EQ(arena.region_backed_bytes(), 0u);
    void* again = arena.allocate(100);  // usable after a release
    ASSERT_NE(again, nullptr);
    std::memset(again, 1, 100);
}

TEST(huge_page_arena_test, small_caches_take_no_region_and_large_ones_take_advised_regions) {
    huge_page_arena arena;
    constexpr size_t chunk = 16 * 1024;
    while (arena.allocated_bytes() + chunk <= huge_page_arena::small_bytes) (void)arena.allocate(chunk);
    EXPECT_EQ(arena.region_backed_bytes(), 0u);  // a small cache costs no 2 MiB page
#if defined(__linux__)
    void* first_in_region = arena.allocate(chunk);
    EXPECT_EQ(arena.region_backed_bytes(), chunk);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(first_in_region) % huge_page_arena::region_bytes, 0u);
    void* next = arena.allocate(chunk);
    EXPECT_EQ(static_cast<char*>(next), static_cast<char*>(first_in_region) + chunk);  // carved in order
    EXPECT_EQ(arena.region_backed_bytes(), 2 * chunk);
    // Where the kernel has transparent huge pages, the region carries the
    // advice (whether a huge page backs it depends on the system's setting).
    if (std::filesystem::exists("/sys/kernel/mm/transparent_hugepage/enabled")) {
        EXPECT_TRUE(advised_for_huge_pages(first_in_region));
    }
#endif
}

}  // namespace
}  // namespace samsa::streams
