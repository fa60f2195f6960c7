#pragma once
// Shared by the record-cache DSL tests (caching_test.cc and
// windowed_caching_test.cc): the parts of their letter-count programs and a
// driver whose record caches hold nothing.
#include <string>
#include <vector>

#include "driver_fixture.h"

namespace samsa::streams::test {

// "aab" -> a, a, b: counting them makes one update per letter.
inline std::vector<str> letters(const str& v) {
    std::vector<str> out;
    for (char c : v) out.push_back(str(1, c));
    return out;
}

// The "counts" store of a letter count, with its record cache or without.
inline materialized<str, int64_t> letter_counts_store(bool caching) {
    auto m = materialized<str, int64_t>::as("counts").with_key_serde(serdes::string()).with_value_serde(serdes::int64());
    if (!caching) m.with_caching_disabled();
    return m;
}

// statestore.cache.max.bytes=0: every cache is empty, every update forwarded.
inline testing::topology_test_driver empty_cache_driver(topology t) {
    return testing::topology_test_driver(std::move(t),
                                         {{"application.id", "test-app"}, {"statestore.cache.max.bytes", "0"}});
}

}  // namespace samsa::streams::test
