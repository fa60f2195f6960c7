#pragma once
// What an operator does with a record its user function cannot take: a
// function declared with plain parameters (`const K&`, `const V&`) is not
// called for a record whose key or value is absent (fn.h), where Java would
// call it with null. So that this is never silent, the operator counts the
// record in the task's dropped-records metric and logs it at debug level.
// Declare the parameters std::optional to see such records.
//
// Threads: the task's.

#include <spdlog/spdlog.h>

#include "samsa/streams/processor/processor.h"

namespace samsa::streams::internal {

template<class KOut, class VOut, class K, class V>
void drop_for_plain_function(const processor_context<KOut, VOut>& ctx, const std::optional<K>& key,
                             const std::optional<V>&) {
    spdlog::debug("[streams] {} drops a record with a null {}: its function takes plain (non-optional) parameters "
                  "and is not called for it",
                  ctx.processor_name(), key ? "value" : "key");
    ctx.record_dropped();
}

}  // namespace samsa::streams::internal
