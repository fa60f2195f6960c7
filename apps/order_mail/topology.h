#pragma once
// The seed's order-mail topology ("Projeto Demo"):
//
//   KTable CUSTOMER  inner-join  KTable CUSTOMER-ADDRESS      (both keyed by customer id)
//   KStream ORDER -> selectKey(customerId) -> repartition -> inner-join that table
//                 -> join GlobalKTable ITEM on itemId -> to ORDER-MAIL
//
// Built with the same calls, in the same order, as the Java application would
// make, so describe() prints Kafka Streams 3.8's text byte for byte
// (tests/streams/golden/01-order-mail.txt) and the internal topics carry
// Kafka's names (order-mail-KSTREAM-KEY-SELECT-0000000013-repartition,
// order-mail-CUSTOMER-STATE-STORE-0000000000-changelog, ...).

#include <map>
#include <string>

#include "samsa/streams/options.h"
#include "samsa/streams/topology.h"

namespace samsa::apps::order_mail {

inline constexpr const char* customer_topic = "CUSTOMER";
inline constexpr const char* customer_address_topic = "CUSTOMER-ADDRESS";
inline constexpr const char* item_topic = "ITEM";
inline constexpr const char* order_topic = "ORDER";
inline constexpr const char* order_mail_topic = "ORDER-MAIL";
inline constexpr const char* default_application_id = "order-mail";
// The two tables' stores, as Kafka Streams names them
// (tests/streams/golden/01-order-mail.txt); interactive queries read them.
inline constexpr const char* customer_store = "CUSTOMER-STATE-STORE-0000000000";
inline constexpr const char* customer_address_store = "CUSTOMER-ADDRESS-STATE-STORE-0000000003";

struct order_mail_options {
    // rocksdb, as Kafka Streams; in_memory for tests and benchmarks.
    streams::store_type stores = streams::store_type::rocksdb;
};

streams::topology build_order_mail_topology(const order_mail_options& options = {});

// The kafka_streams properties the application runs with: application.id,
// bootstrap.servers, state.dir (when not empty) and
// default.deserialization.exception.handler=logAndContinue, so that a record
// that does not parse is logged and skipped instead of stopping the app;
// producer.linger.ms=5 and consumer.fetch.wait.max.ms=100, so that the first
// mail comes soon after RUNNING (see the .cc).
std::map<std::string, std::string> order_mail_properties(const std::string& bootstrap_servers,
                                                         const std::string& application_id = default_application_id,
                                                         const std::string& state_dir = "");

}  // namespace samsa::apps::order_mail
