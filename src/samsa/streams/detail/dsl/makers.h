#pragma once
// Factories for the runtime nodes the topology builder stores: each task
// calls them to get its own processor, source and sink instances.

#include <functional>
#include <memory>
#include <set>
#include <string>

#include "samsa/streams/detail/runtime/source_node.h"
#include "samsa/streams/processor/processor.h"

namespace samsa::streams {

namespace internal {

template<class KIn, class VIn, class KOut, class VOut>
std::function<std::unique_ptr<processor_node_base>()> node_maker(
    std::string name, processor_base_supplier<KIn, VIn, KOut, VOut> supplier) {
    return [name = std::move(name), supplier = std::move(supplier)]() -> std::unique_ptr<processor_node_base> {
        return std::make_unique<processor_node<KIn, VIn, KOut, VOut>>(name, supplier());
    };
}

template<class K, class V>
std::function<std::unique_ptr<source_node_base>()> source_maker(std::string name, serde<K> ks, serde<V> vs,
                                                                 timestamp_extractor_ptr extractor = nullptr) {
    return [name = std::move(name), ks = std::move(ks), vs = std::move(vs),
            extractor = std::move(extractor)]() -> std::unique_ptr<source_node_base> {
        auto source = std::make_unique<source_node<K, V>>(name, ks, vs);
        source->set_extractor(extractor);
        return source;
    };
}

template<class K, class V>
std::function<std::unique_ptr<processor_node_base>(const std::string&)> sink_maker(
    std::string name, serde<K> ks, serde<V> vs, topic_name_extractor<K, V> ex = {},
    stream_partitioner<K, V> partitioner = {}) {
    return [name = std::move(name), ks = std::move(ks), vs = std::move(vs), ex = std::move(ex),
            partitioner = std::move(partitioner)](const std::string& topic) -> std::unique_ptr<processor_node_base> {
        return std::make_unique<sink_node<K, V>>(name, topic, ex, ks, vs, partitioner);
    };
}

inline std::set<std::string> united(std::set<std::string> a, const std::set<std::string>& b) {
    a.insert(b.begin(), b.end());
    return a;
}

}  // namespace internal

}  // namespace samsa::streams
