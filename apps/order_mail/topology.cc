#include "topology.h"

#include "records.h"
#include "samsa/streams/serde.h"
#include "samsa/streams/streams_builder.h"

namespace samsa::apps::order_mail {

namespace {

using streams::consumed;
using streams::materialized;
using streams::produced;
using str = std::string;

template<class V>
consumed<str, V> json_values() {
    return consumed<str, V>::with(streams::serdes::string(), streams::serdes::fast_json<V>());
}

}  // namespace

streams::topology build_order_mail_topology(const order_mail_options& options) {
    streams::streams_builder b;
    auto customers = b.table(customer_topic, json_values<customer>(), materialized<str, customer>::as(options.stores));
    auto addresses = b.table(customer_address_topic, json_values<customer_address>(),
                             materialized<str, customer_address>::as(options.stores));
    // The joined row refers to the two rows the stores lend for the lookup
    // (customer_with_address): nothing is copied per lookup.
    auto customers_with_address = customers.join(addresses, [](const customer& c, const customer_address& a) {
        return customer_with_address{&c, &a};
    });
    auto items = b.global_table(item_topic, json_values<item>(), materialized<str, item>::as(options.stores));
    b.stream(order_topic, json_values<order>())
        .select_key([](const str&, const order& o) { return o.customer_id; })
        // The order as an rvalue (the join hands the stream's value over):
        // it moves into the result, and what the mail needs of the customer's
        // rows is copied out of them once, while the lookup lends them.
        .join(customers_with_address,
              [](order&& o, const customer_with_address& c) { return with_customer(std::move(o), c); })
        .join(
            // The item id by reference: the global table is looked up with
            // the order's own string, not a copy (s20-hM).
            items, [](const str&, const order_with_customer& oc) -> const str& { return oc.what.item_id; },
            // The joined order as an rvalue: the join hands it over (no move
            // into a parameter), and its strings move into the mail.
            [](order_with_customer&& oc, const item& i) { return compose_order_mail(std::move(oc), i); })
        .to(order_mail_topic, produced<str, order_mail>::with(streams::serdes::string(),
                                                               streams::serdes::fast_json<order_mail>()));
    return b.build();
}

std::map<std::string, std::string> order_mail_properties(const std::string& bootstrap_servers,
                                                         const std::string& application_id,
                                                         const std::string& state_dir) {
    std::map<std::string, std::string> p{
        {"application.id", application_id},
        {"bootstrap.servers", bootstrap_servers},
        {"default.deserialization.exception.handler", "logAndContinue"},
        // A mail should leave soon after its order (issue 12: the first mail
        // within 200 ms of RUNNING, p99 end-to-end within 20 ms). Kafka
        // Streams' producer linger.ms of 100 is paid twice per order, on the
        // repartition topic and on ORDER-MAIL: 200 ms before anything else.
        // At 5 ms the two lingers were half of the median end-to-end latency
        // (median 13.8 ms; 7.4 ms at 1 ms, 20k orders/s, with no measurable
        // change in CPU per order; bench/streams/README.md, s18-hL).
        {"producer.linger.ms", "1"},
        // A fetch parked on the broker (fetch.wait.max.ms, 500 by default in
        // librdkafka and Java) holds back the partitions the stream thread
        // resumes meanwhile, as when its tasks finish restoring at RUNNING:
        // the consumer sends its next fetch only when that one returns.
        {"consumer.fetch.wait.max.ms", "100"},
    };
    if (!state_dir.empty()) p["state.dir"] = state_dir;
    return p;
}

}  // namespace samsa::apps::order_mail
