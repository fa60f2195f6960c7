#pragma once
// split(): the splitter (KSTREAM-BRANCH or the user's name) sends each record
// to the first branch whose predicate matches, else to the default branch if
// there is one, else nowhere. Branch children are pass-through nodes named
// <split name><branch name or index>.
#include <functional>
#include <string>
#include <vector>

#include "samsa/streams/detail/ops/fn.h"
#include "samsa/streams/processor/processor.h"

namespace samsa::streams::internal {

template<class K, class V>
struct branch_spec {
    // Empty for the default branch.
    std::function<bool(const std::optional<K>&, const std::optional<V>&)> predicate;
    std::string child;
};

template<class K, class V>
class kstream_branch final : public processor_base<K, V, K, V> {
public:
    explicit kstream_branch(std::vector<branch_spec<K, V>> branches) : branches_(std::move(branches)) {}
    void init(processor_context<K, V>& ctx) override { ctx_ = &ctx; }
    void process(record<K, V>&& r) override {
        for (const auto& b : branches_) {
            if (!b.predicate || b.predicate(r.key, r.value)) {
                ctx_->forward(std::move(r), b.child);
                return;
            }
        }
    }

private:
    std::vector<branch_spec<K, V>> branches_;
    processor_context<K, V>* ctx_ = nullptr;
};

// KSTREAM-MERGE, branch children, and any node that only forwards.
template<class K, class V>
class kstream_passthrough final : public processor_base<K, V, K, V> {
public:
    void init(processor_context<K, V>& ctx) override { ctx_ = &ctx; }
    void process(record<K, V>&& r) override { ctx_->forward(std::move(r)); }

private:
    processor_context<K, V>* ctx_ = nullptr;
};

}  // namespace samsa::streams::internal
