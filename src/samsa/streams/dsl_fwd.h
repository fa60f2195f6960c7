#pragma once
// Forward declarations of the DSL's handle types, which refer to each other.

namespace samsa::streams {

template<class K, class V> class kstream;
template<class K, class V> class ktable;
template<class K, class V> class global_ktable;
template<class K, class V> class kgrouped_stream;
template<class K, class V> class kgrouped_table;
template<class K, class VOut> class cogrouped_kstream;
template<class K, class V> class branched_kstream;
// Kafka's TimeWindowedKStream (time_windowed_kstream.h).
template<class K, class V> class time_windowed_kstream;
// Kafka's SessionWindowedKStream (time_windowed_kstream.h).
template<class K, class V> class session_windowed_kstream;
class streams_builder;
class topology;

}  // namespace samsa::streams
