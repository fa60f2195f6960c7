#pragma once
// The prefixes Kafka Streams gives generated processor and store names, kept
// identical so topologies describe and name internal topics the same way.

namespace samsa::streams::internal::names {

inline constexpr const char* source = "KSTREAM-SOURCE-";
inline constexpr const char* sink = "KSTREAM-SINK-";
inline constexpr const char* filter = "KSTREAM-FILTER-";
inline constexpr const char* map = "KSTREAM-MAP-";
inline constexpr const char* map_values = "KSTREAM-MAPVALUES-";
inline constexpr const char* flat_map = "KSTREAM-FLATMAP-";
inline constexpr const char* flat_map_values = "KSTREAM-FLATMAPVALUES-";
inline constexpr const char* key_select = "KSTREAM-KEY-SELECT-";
inline constexpr const char* peek = "KSTREAM-PEEK-";
inline constexpr const char* foreach = "KSTREAM-FOREACH-";
inline constexpr const char* branch = "KSTREAM-BRANCH-";
inline constexpr const char* branch_child = "KSTREAM-BRANCHCHILD-";
inline constexpr const char* merge = "KSTREAM-MERGE-";
inline constexpr const char* process = "KSTREAM-PROCESSOR-";
inline constexpr const char* join = "KSTREAM-JOIN-";
inline constexpr const char* left_join = "KSTREAM-LEFTJOIN-";
inline constexpr const char* aggregate = "KSTREAM-AGGREGATE-";
inline constexpr const char* windowed = "KSTREAM-WINDOWED-";
inline constexpr const char* join_this = "KSTREAM-JOINTHIS-";
inline constexpr const char* join_other = "KSTREAM-JOINOTHER-";
inline constexpr const char* outer_this = "KSTREAM-OUTERTHIS-";
inline constexpr const char* outer_other = "KSTREAM-OUTEROTHER-";
inline constexpr const char* outer_shared = "KSTREAM-OUTERSHARED-";
inline constexpr const char* reduce = "KSTREAM-REDUCE-";
inline constexpr const char* to_ktable = "KSTREAM-TOTABLE-";
inline constexpr const char* repartition_suffix = "-repartition";

inline constexpr const char* ktable_source = "KTABLE-SOURCE-";
inline constexpr const char* ktable_filter = "KTABLE-FILTER-";
inline constexpr const char* ktable_map_values = "KTABLE-MAPVALUES-";
inline constexpr const char* ktable_to_stream = "KTABLE-TOSTREAM-";
inline constexpr const char* ktable_select = "KTABLE-SELECT-";
inline constexpr const char* ktable_join_this = "KTABLE-JOINTHIS-";
inline constexpr const char* ktable_join_other = "KTABLE-JOINOTHER-";
inline constexpr const char* ktable_merge = "KTABLE-MERGE-";
inline constexpr const char* ktable_aggregate = "KTABLE-AGGREGATE-";
inline constexpr const char* ktable_reduce = "KTABLE-REDUCE-";
inline constexpr const char* ktable_suppress = "KTABLE-SUPPRESS-";

// Foreign-key joins (KTableImpl's constants).
inline constexpr const char* ktable_sink = "KTABLE-SINK-";
inline constexpr const char* fk_subscription_registration = "KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-";
inline constexpr const char* fk_subscription_store = "KTABLE-FK-JOIN-SUBSCRIPTION-STATE-STORE-";
inline constexpr const char* fk_subscription_processor = "KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-";
inline constexpr const char* fk_subscription_response = "KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-";
inline constexpr const char* fk_response_resolver = "KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-RESOLVER-PROCESSOR-";
inline constexpr const char* fk_join_output = "KTABLE-FK-JOIN-OUTPUT-";
inline constexpr const char* fk_topic_suffix = "-topic";

inline constexpr const char* cogroup_aggregate = "COGROUPKSTREAM-AGGREGATE-";
inline constexpr const char* cogroup_merge = "COGROUPKSTREAM-MERGE-";

}  // namespace samsa::streams::internal::names
