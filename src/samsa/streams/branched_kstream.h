#pragma once
// branched_kstream<K, V>: what kstream::split() returns.
//
// Threads: build on one thread.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "samsa/streams/dsl_fwd.h"
#include "samsa/streams/detail/graph/internal_streams_builder.h"
#include "samsa/streams/detail/ops/kstream_branch.h"
#include "samsa/streams/options.h"

namespace samsa::streams {

// split(): route each record to the first branch whose predicate matches
// (Kafka Streams' BranchedKStream). Branch names are the split's name plus the
// branch's name, or its index from 1; the default branch's index is 0.
template<class K, class V>
class branched_kstream {
public:
    // Kafka's BranchedKStream.branch: records for which predicate(key, value) holds (and no earlier branch took) go to
    // this branch.
    template<class F>
    branched_kstream& branch(F predicate, const branched& b = {});
    // Kafka's defaultBranch: the records no branch took get a branch too; returns every branch by name.
    std::map<std::string, kstream<K, V>> default_branch(const branched& b = {});
    // Kafka's noDefaultBranch: the records no branch took are dropped; returns every branch by name.
    std::map<std::string, kstream<K, V>> no_default_branch();

    struct state {
        internal::internal_streams_builder* builder = nullptr;
        internal::graph_node* splitter = nullptr;
        std::shared_ptr<std::vector<internal::branch_spec<K, V>>> branches;  // shared with the factory
        typename kstream<K, V>::state parent;
        std::map<std::string, kstream<K, V>> result;
    };
    // For the implementation: the DSL makes handles.
    explicit branched_kstream(state s) : s_(std::move(s)) {}

private:
    void add_branch(std::function<bool(const std::optional<K>&, const std::optional<V>&)> pred, const branched& b);
    state s_;
};

}  // namespace samsa::streams

#include "samsa/streams/detail/dsl/dsl_impl.h"
