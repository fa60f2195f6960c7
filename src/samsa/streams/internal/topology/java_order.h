#pragma once
// Kafka Streams prints TopologyDescription from Java HashSets, HashMaps and
// TreeSets whose comparator reads node sizes that change while the sets are
// filled. To print the same text byte for byte we reproduce those iteration
// orders (facts about java.util, not Kafka code):
//  - String.hashCode over UTF-16 code units;
//  - HashMap buckets: index = (h ^ (h >>> 16)) & (capacity - 1), capacity a
//    power of two from 16, doubled when size exceeds 3/4 of it; a bucket keeps
//    insertion order;
//  - TreeSet: a binary search tree whose comparisons happen at insertion.
//
// Threads: pure functions.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace samsa::streams::internal::java {

int32_t string_hash(std::string_view utf8);
// Capacity of a HashMap filled by n put()s from empty.
size_t incremental_capacity(size_t n);
// Capacity of new HashSet<>(collection of n).
size_t copy_capacity(size_t n);
// Iteration order of a HashSet with that capacity filled in insertion order.
std::vector<std::string> hash_order(const std::vector<std::string>& insertion_order, size_t capacity);
// Java's String.compareTo for the common case (UTF-16 order equals UTF-8 byte
// order outside surrogates).
int compare(std::string_view a, std::string_view b);
// "[a, b]" as AbstractCollection.toString.
std::string collection_string(const std::vector<std::string>& items);

// TreeSet<int> over ids with a comparator evaluated at insertion time.
class tree_set {
public:
    // cmp(a, b) < 0 when a sorts before b; 0 means equal (not inserted).
    bool insert(int id, const std::function<int(int, int)>& cmp);
    std::vector<int> in_order() const;
    const std::vector<int>& elements() const { return ids_; }
    bool empty() const { return ids_.empty(); }

private:
    // The tree is kept unbalanced: Java's red-black rebalancing only changes
    // which comparisons later inserts make once a set holds more than three
    // elements, which a processor's edges rarely reach.
    std::vector<int> ids_, left_, right_;
};

}  // namespace samsa::streams::internal::java
