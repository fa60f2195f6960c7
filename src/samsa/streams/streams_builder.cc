#include "samsa/streams/streams_builder.h"

namespace samsa::streams {

streams_builder::streams_builder() : impl_(std::make_unique<internal::internal_streams_builder>()) {}
streams_builder::~streams_builder() = default;

streams_builder& streams_builder::add_state_store(store_builder builder) {
    // Written before the nodes that use it, as Kafka's StateStoreNode is
    // written at its place in the graph.
    impl_->add_node(internal::graph_node_kind::state_store, builder.name(), {},
                    [builder](internal::internal_topology_builder& t, const internal::graph_node&) {
                        t.add_state_store(builder);
                    });
    return *this;
}

topology streams_builder::build() {
    topology t;
    impl_->build(t.internal_builder());
    return t;
}

}  // namespace samsa::streams
