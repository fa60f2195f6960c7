// Streams metadata from a group description: the endpoint each member
// carries in its client.id, the stores and partitions of each instance, and
// which instance holds a key's partition.
#include <gtest/gtest.h>

#include "samsa/bytes/murmur2.h"
#include "samsa/streams/internal/runtime/streams_metadata_state.h"
#include "samsa/streams/internal/runtime/topology_metadata.h"
#include "samsa/streams/streams_config.h"
#include "tests/streams/runtime/word_count.h"

namespace samsa::streams::internal {
namespace {

TEST(streams_metadata_state, client_id_carries_the_endpoint) {
    EXPECT_EQ(client_id_with_endpoint("wc-StreamThread-1-consumer", ""), "wc-StreamThread-1-consumer");
    std::string id = client_id_with_endpoint("wc-StreamThread-1-consumer", "10.0.0.1:8080");
    EXPECT_EQ(endpoint_of(id), (host_info{"10.0.0.1", 8080}));
    EXPECT_EQ(endpoint_of("wc-StreamThread-1-consumer"), std::nullopt);
    EXPECT_EQ(endpoint_of("x@nonsense"), std::nullopt);
    EXPECT_EQ(host_info::parse("h:1"), (host_info{"h", 1}));
    EXPECT_EQ(host_info::parse("h"), host_info::unavailable());
}

TEST(streams_metadata_state, instances_stores_partitions_and_keys) {
    topology t = testing_fakes::word_count_topology();
    auto counts = t.validate_copartitioning({{"lines", 2}});
    ASSERT_TRUE(counts) << counts.error().message;
    auto m = topology_metadata::build(t, "wc", *counts);
    ASSERT_TRUE(m) << m.error().message;
    // Sub-topology 1 (the repartition topic) has the store.
    std::string repartition = *m->subtopologies()[1].source_topics.begin();
    std::vector<group_member_info> members = {
        {client_id_with_endpoint("wc-StreamThread-1-consumer", "a:1"), {{"lines", 0}, {repartition, 0}}},
        {client_id_with_endpoint("wc-StreamThread-2-consumer", "a:1"), {}},
        {client_id_with_endpoint("wc-StreamThread-1-consumer", "b:2"), {{"lines", 1}, {repartition, 1}}},
        {"java-or-no-endpoint", {{"lines", 1}}},
    };
    streams_metadata_state state(*m, {}, members);
    ASSERT_EQ(state.all().size(), 2u);  // the member with no endpoint is left out; a's threads are one
    EXPECT_EQ(state.all()[0].host, (host_info{"a", 1}));
    EXPECT_EQ(state.all()[0].state_store_names, std::set<std::string>{"counts-store"});
    EXPECT_EQ(state.all()[0].topic_partitions.size(), 2u);
    EXPECT_EQ(state.for_store("counts-store").size(), 2u);
    EXPECT_TRUE(state.for_store("nope").empty());
    EXPECT_EQ(state.partition_count_of("counts-store"), 2);
    EXPECT_EQ(state.for_partition("counts-store", 1).active_host, (host_info{"b", 2}));
    EXPECT_EQ(state.for_partition("counts-store", 1).partition, 1);
    EXPECT_EQ(state.for_partition("nope", 0), key_query_metadata::not_available());

    std::vector<group_member_info> rebalancing = {{client_id_with_endpoint("c", "a:1"), {}}};
    streams_metadata_state moving(*m, {}, rebalancing);
    EXPECT_EQ(moving.for_partition("counts-store", 0).active_host, host_info::unavailable());
}

TEST(streams_metadata_state, application_server_must_be_host_and_port) {
    std::map<std::string, std::string> p{{"application.id", "a"}, {"bootstrap.servers", "b:1"}};
    p["application.server"] = "10.0.0.1:8080";
    auto ok = streams_config::parse(p);
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->application_server, "10.0.0.1:8080");
    for (const char* bad : {"nohost", ":80", "host:", "host:port"}) {
        p["application.server"] = bad;
        EXPECT_FALSE(streams_config::parse(p)) << bad;
    }
}

}  // namespace
}  // namespace samsa::streams::internal
