#pragma once
// Foreign-key table-table joins (Kafka Streams 3.8's
// KTableImpl.doJoinOnForeignKey), in Kafka's node order and naming:
//
//   left table -> SUBSCRIPTION-REGISTRATION (subscription_send)
//     -> KTABLE-SINK -> <app>-...-SUBSCRIPTION-REGISTRATION-NNNN-topic -> KTABLE-SOURCE
//     -> SUBSCRIPTION-PROCESSOR (subscription_receive, subscription store)
//     -> SUBSCRIPTION-PROCESSOR (subscription_join, reads the right table)
//   right table -> SUBSCRIPTION-PROCESSOR (foreign_table_join, subscription store)
//   both -> KTABLE-SINK -> <app>-...-SUBSCRIPTION-RESPONSE-NNNN-topic -> KTABLE-SOURCE
//     -> RESPONSE-RESOLVER (response_join, reads the left table) -> FK-JOIN-OUTPUT (ktable_source)
//
// The registration topic is co-partitioned with the right table's sources,
// the response topic with the left table's, so the runtime gives each the
// partition count of that side. Responses go back to the left row's
// partition (the subscription carries it). Both tables send old values (and
// so are materialized): the left to unsubscribe from an old foreign key.

#include "samsa/streams/detail/dsl/makers.h"
#include "samsa/streams/detail/graph/names.h"
#include "samsa/streams/detail/graph/naming.h"
#include "samsa/streams/detail/ops/fk_join/foreign_table_join.h"
#include "samsa/streams/detail/ops/fk_join/response_join.h"
#include "samsa/streams/detail/ops/fk_join/subscription_join.h"
#include "samsa/streams/detail/ops/fk_join/subscription_receive.h"
#include "samsa/streams/detail/ops/fk_join/subscription_send.h"
#include "samsa/streams/detail/ops/ktable_source.h"

namespace samsa::streams {

template<class K, class V>
template<class KO, class VO, class VR>
ktable<K, VR> ktable<K, V>::do_foreign_key_join(const ktable<KO, VO>& other,
                                                std::function<std::optional<KO>(const V&)> fk,
                                                std::function<std::optional<VR>(const V*, const VO*)> joiner,
                                                bool left_join, const named& n,
                                                std::optional<materialized<K, VR>> m) const {
    namespace fkj = internal::fk_join;
    namespace nm = internal::names;
    auto& b = *s_.builder;
    const auto& os = other.internal_state();
    // Old values on both sides (Kafka: the right's spare needless scans, the
    // left's let the subscription follow a changed foreign key).
    os.info->enable_sending_old_values(true);
    s_.info->enable_sending_old_values(true);

    std::string topic =
        internal::suffix_with_or_else_get(b, n.name, "-subscription-registration", nm::fk_subscription_registration) +
        nm::fk_topic_suffix;
    std::string send_name = internal::suffix_with_or_else_get(b, n.name, "-subscription-registration-processor",
                                                              nm::fk_subscription_registration);
    std::string sub_sink = internal::suffix_with_or_else_get(b, n.name, "-subscription-registration-sink", nm::ktable_sink);
    std::string sub_source =
        internal::suffix_with_or_else_get(b, n.name, "-subscription-registration-source", nm::ktable_source);
    std::string sub_store = internal::suffix_with_or_else_get(b, n.name, "-subscription-store", nm::fk_subscription_store);
    std::string receive_name =
        internal::suffix_with_or_else_get(b, n.name, "-subscription-receive", nm::fk_subscription_processor);
    std::string join_foreign_name =
        internal::suffix_with_or_else_get(b, n.name, "-subscription-join-foreign", nm::fk_subscription_processor);
    std::string foreign_join_name =
        internal::suffix_with_or_else_get(b, n.name, "-foreign-join-subscription", nm::fk_subscription_processor);
    std::string response_topic =
        internal::suffix_with_or_else_get(b, n.name, "-subscription-response", nm::fk_subscription_response) +
        nm::fk_topic_suffix;
    std::string response_sink = internal::suffix_with_or_else_get(b, n.name, "-subscription-response-sink", nm::ktable_sink);
    std::string response_source =
        internal::suffix_with_or_else_get(b, n.name, "-subscription-response-source", nm::ktable_source);
    std::string resolver_name =
        internal::suffix_with_or_else_get(b, n.name, "-subscription-response-resolver", nm::fk_response_resolver);
    std::string result_name = internal::suffix_with_or_else_get(b, n.name, "-result", nm::fk_join_output);
    materialized<K, VR> mat = m ? *m : materialized<K, VR>{};
    std::string result_store = mat.store_name ? *mat.store_name : b.new_store_name(nm::fk_join_output);

    serde<K> pk_serde = internal::resolve_serde<K>(s_.key_serde);
    serde<V> value_serde = internal::resolve_serde<V>(s_.value_serde);
    serde<KO> fk_serde = internal::resolve_serde<KO>(os.key_serde);
    serde<VO> foreign_value_serde = internal::resolve_serde<VO>(os.value_serde);
    auto wrapper_serde = fkj::subscription_wrapper_serde<K>(pk_serde);
    auto response_serde = fkj::subscription_response_wrapper_serde<VO>(foreign_value_serde);
    fkj::subscription_store_spec<KO, K> store_spec{sub_store, topic, fk_serde, pk_serde};
    store_builder sub_store_builder = stores::timestamped_key_value_store_builder(
        stores::persistent_key_value_store(sub_store));  // logged, not cached (Kafka's StoreBuilder defaults)
    sub_store_builder.with_caching_disabled();

    // 1. Left side: subscriptions out through the registration topic.
    auto* send = b.add_node(
        internal::graph_node_kind::processor, send_name, {s_.node},
        [=](internal::internal_topology_builder& t, const internal::graph_node& g) {
            t.add_processor(g.name, internal::node_maker<K, change<V>, KO, fkj::subscription_wrapper<K>>(g.name, [=] {
                                return std::make_unique<fkj::subscription_send<K, V, KO>>(fk, fk_serde, value_serde,
                                                                                          topic, left_join);
                            }),
                            g.parent_names());
        });
    std::set<std::string> right_sources = os.source_nodes;
    right_sources.insert(sub_source);
    auto* registration = b.add_node(
        internal::graph_node_kind::repartition, sub_source, {send},
        [=](internal::internal_topology_builder& t, const internal::graph_node& g) {
            t.add_internal_topic(topic);
            t.add_sink(sub_sink, topic, internal::sink_maker<KO, fkj::subscription_wrapper<K>>(sub_sink, fk_serde, wrapper_serde),
                       g.parent_names());
            t.add_source(sub_source, {topic},
                         internal::source_maker<KO, fkj::subscription_wrapper<K>>(sub_source, fk_serde, wrapper_serde));
            t.copartition_sources(right_sources);
        });

    // 2. Right side: subscriptions stored and answered, right rows' changes
    //    sent to their subscribers.
    using sub_change = change<fkj::stored_subscription<K>>;
    auto* receive = b.add_node(
        internal::graph_node_kind::stateful_processor, receive_name, {registration},
        [=](internal::internal_topology_builder& t, const internal::graph_node& g) {
            t.add_processor(g.name,
                            internal::node_maker<KO, fkj::subscription_wrapper<K>, fkj::combined_key<KO, K>, sub_change>(
                                g.name, [=] { return std::make_unique<fkj::subscription_receive<K, KO>>(store_spec); }),
                            g.parent_names());
            t.add_state_store(sub_store_builder, {g.name});
        });
    auto right_info = os.info;
    std::vector<std::string> right_stores = right_info->getter_store_names();
    auto* join_foreign = b.add_node(
        internal::graph_node_kind::stateful_processor, join_foreign_name, {receive},
        [=](internal::internal_topology_builder& t, const internal::graph_node& g) {
            auto getter = right_info->getter;
            t.add_processor(g.name,
                            internal::node_maker<fkj::combined_key<KO, K>, sub_change, K, fkj::subscription_response_wrapper<VO>>(
                                g.name, [=] { return std::make_unique<fkj::subscription_join<K, KO, VO>>(getter); }),
                            g.parent_names());
            for (const auto& s : right_stores) t.connect_processor_and_state_store(g.name, s);
        });
    auto* foreign_join = b.add_node(
        internal::graph_node_kind::stateful_processor, foreign_join_name, {os.node},
        [=](internal::internal_topology_builder& t, const internal::graph_node& g) {
            t.add_processor(g.name,
                            internal::node_maker<KO, change<VO>, K, fkj::subscription_response_wrapper<VO>>(
                                g.name, [=] { return std::make_unique<fkj::foreign_table_join<KO, VO, K>>(store_spec); }),
                            g.parent_names());
            t.connect_processor_and_state_store(g.name, sub_store);
        });

    // 3. Responses back to the left row's partition.
    std::set<std::string> left_sources = s_.source_nodes;
    left_sources.insert(response_source);
    internal::stream_partitioner<K, fkj::subscription_response_wrapper<VO>> to_primary_partition =
        [](const std::string&, const std::optional<K>&, const std::optional<fkj::subscription_response_wrapper<VO>>& w,
           int32_t) -> std::optional<int32_t> { return w ? w->primary_partition : std::nullopt; };
    auto* response = b.add_node(
        internal::graph_node_kind::repartition, response_source, {join_foreign, foreign_join},
        [=](internal::internal_topology_builder& t, const internal::graph_node& g) {
            t.add_internal_topic(response_topic);
            t.add_sink(response_sink, response_topic,
                       internal::sink_maker<K, fkj::subscription_response_wrapper<VO>>(response_sink, pk_serde, response_serde,
                                                                                       {}, to_primary_partition),
                       g.parent_names());
            t.add_source(response_source, {response_topic},
                         internal::source_maker<K, fkj::subscription_response_wrapper<VO>>(response_source, pk_serde,
                                                                                          response_serde));
            t.copartition_sources(left_sources);
        });

    // 4. Joined with the left row's current value, if the hash still matches.
    auto left_info = s_.info;
    std::vector<std::string> left_stores = left_info->getter_store_names();
    auto* resolver = b.add_node(
        internal::graph_node_kind::stateful_processor, resolver_name, {response},
        [=](internal::internal_topology_builder& t, const internal::graph_node& g) {
            auto getter = left_info->getter;
            t.add_processor(g.name,
                            internal::node_maker<K, fkj::subscription_response_wrapper<VO>, K, VR>(g.name, [=] {
                                return std::make_unique<fkj::response_join<K, V, VO, VR>>(getter, value_serde, topic,
                                                                                         joiner, left_join);
                            }),
                            g.parent_names());
            for (const auto& s : left_stores) t.connect_processor_and_state_store(g.name, s);
        });

    // 5. The result table: a KTableSource, materialized when named or when
    //    something downstream reads it.
    auto src = std::make_shared<internal::source_table_state<K, VR>>();
    src->materialized = mat.store_name.has_value();
    src->store = internal::table_store_spec<K, VR>{result_store, internal::resolve_serde<K>(mat.key_serde ? mat.key_serde : s_.key_serde),
                                                   internal::resolve_serde<VR>(mat.value_serde)};
    auto info = std::make_shared<internal::table_info<K, VR>>();
    info->enable_upstream = [src](bool force) {
        if (!force && !src->materialized) return false;
        src->materialized = true;
        return true;
    };
    info->getter_store_names = [src] {
        src->materialized = true;
        return std::vector<std::string>{src->store.name};
    };
    info->getter = [src] { return std::make_unique<internal::store_value_getter<K, VR>>(src->store); };
    store_builder result_builder = internal::make_table_store_builder(result_store, mat);
    auto* result = b.add_node(
        internal::graph_node_kind::table_source, result_name, {resolver},
        [=](internal::internal_topology_builder& t, const internal::graph_node& g) {
            std::optional<internal::table_store_spec<K, VR>> spec;
            if (src->materialized) spec = src->store;
            bool send_old = info->send_old_values;
            t.add_processor(g.name, internal::node_maker<K, VR, K, change<VR>>(g.name, [spec, send_old] {
                                return std::make_unique<internal::ktable_source<K, VR>>(spec, send_old);
                            }),
                            g.parent_names());
            if (spec) t.add_state_store(result_builder, {g.name});
        });

    typename ktable<K, VR>::state st;
    st.builder = &b;
    st.node = result;
    st.key_serde = s_.key_serde;
    st.value_serde = mat.value_serde;
    st.source_nodes = left_sources;
    st.info = info;
    st.queryable_store = mat.store_name;
    return ktable<K, VR>(std::move(st));
}

template<class K, class V>
template<class KO, class VO, class X, class F, class VR, class>
ktable<K, VR> ktable<K, V>::join(const ktable<KO, VO>& other, X foreign_key_extractor, F joiner, const named& n,
                                 std::optional<materialized<K, std::type_identity_t<VR>>> m) const {
    return do_foreign_key_join<KO, VO, VR>(
        other, [foreign_key_extractor](const V& v) mutable { return std::optional<KO>(foreign_key_extractor(v)); },
        [joiner](const V* a, const VO* b) mutable { return internal::to_optional(joiner(*a, *b)); }, false, n,
        std::move(m));
}

template<class K, class V>
template<class KO, class VO, class X, class F, class VR, class>
ktable<K, VR> ktable<K, V>::left_join(const ktable<KO, VO>& other, X foreign_key_extractor, F joiner, const named& n,
                                      std::optional<materialized<K, std::type_identity_t<VR>>> m) const {
    return do_foreign_key_join<KO, VO, VR>(
        other, [foreign_key_extractor](const V& v) mutable { return std::optional<KO>(foreign_key_extractor(v)); },
        [joiner](const V* a, const VO* b) mutable { return internal::to_optional(joiner(*a, internal::optional_copy(b))); },
        true, n, std::move(m));
}

}  // namespace samsa::streams
