#include "tests/e2e/record_checks.h"

#include <map>
#include <set>
#include <sstream>
#include <tuple>

namespace samsa::e2e {
namespace {

std::string show(const record& r) {
    std::ostringstream s;
    s << "{p" << r.partition << "@" << r.offset << " key=" << (r.has_key ? "'" + r.key + "'" : "null") << " value='"
      << (r.value.size() > 60 ? r.value.substr(0, 60) + "...(" + std::to_string(r.value.size()) + " bytes)" : r.value)
      << "' ts=" << r.timestamp << " headers=[";
    for (const auto& [k, v] : r.headers) s << k << "=" << v << ";";
    s << "]}";
    return s.str();
}

}  // namespace

::testing::AssertionResult same_records(const std::vector<record>& produced, const std::vector<record>& consumed) {
    std::map<std::pair<int32_t, int64_t>, const record*> by_position;
    for (const auto& r : consumed) {
        auto [it, fresh] = by_position.emplace(std::make_pair(r.partition, r.offset), &r);
        if (!fresh) return ::testing::AssertionFailure() << "read twice: " << show(r);
    }
    if (produced.size() != consumed.size()) {
        return ::testing::AssertionFailure() << "produced " << produced.size() << " records, read " << consumed.size();
    }
    for (const auto& p : produced) {
        auto it = by_position.find({p.partition, p.offset});
        if (it == by_position.end()) {
            return ::testing::AssertionFailure() << "acknowledged record not read back: " << show(p);
        }
        const record& c = *it->second;
        bool same = p.has_key == c.has_key && (!p.has_key || p.key == c.key) && p.value == c.value && p.headers == c.headers &&
                    (p.timestamp <= 0 || p.timestamp == c.timestamp);
        if (!same) {
            return ::testing::AssertionFailure() << "record differs:\n  produced " << show(p) << "\n  read     " << show(c);
        }
    }
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult keys_stay_in_one_partition(const std::vector<record>& records) {
    std::map<std::string, int32_t> home;
    for (const auto& r : records) {
        if (!r.has_key) continue;
        auto [it, fresh] = home.emplace(r.key, r.partition);
        if (!fresh && it->second != r.partition) {
            return ::testing::AssertionFailure() << "key '" << r.key << "' in partitions " << it->second << " and "
                                                 << r.partition;
        }
    }
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult partitions_match_java_partitioner(const std::vector<record>& records, int partitions) {
    for (const auto& r : records) {
        if (!r.has_key) continue;
        int32_t expected = java_partition(r.key, partitions);
        if (r.partition != expected) {
            return ::testing::AssertionFailure() << "key '" << r.key << "' is in partition " << r.partition
                                                 << ", murmur2 says " << expected;
        }
    }
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult offsets_dense_from(const std::vector<record>& read_order, int64_t first) {
    std::map<int32_t, int64_t> next;
    for (const auto& r : read_order) {
        auto it = next.try_emplace(r.partition, first).first;
        if (r.offset != it->second) {
            return ::testing::AssertionFailure() << "partition " << r.partition << ": expected offset " << it->second
                                                 << ", read " << show(r);
        }
        ++it->second;
    }
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult produce_order_kept(const std::vector<record>& produced) {
    std::map<int32_t, const record*> last;
    for (const auto& r : produced) {
        auto [it, fresh] = last.emplace(r.partition, &r);
        if (!fresh) {
            if (r.offset <= it->second->offset) {
                return ::testing::AssertionFailure() << "produced " << show(*it->second) << " before " << show(r)
                                                     << " but it got a higher offset";
            }
            it->second = &r;
        }
    }
    return ::testing::AssertionSuccess();
}

}  // namespace samsa::e2e
