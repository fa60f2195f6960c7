#pragma once
// The word-count topology the runtime tests run (Kafka Streams' own demo):
// lines -> words -> group by word (repartition) -> count -> counts.
//
// Threads: built on the test's thread.

#include <cctype>
#include <string>
#include <utility>
#include <vector>

#include "samsa/streams/streams_builder.h"

namespace samsa::streams::testing_fakes {

inline std::vector<std::string> split_words(const std::string& line) {
    std::vector<std::string> words;
    std::string w;
    for (char ch : line + " ") {
        if (std::isalnum(static_cast<unsigned char>(ch))) w += static_cast<char>(std::tolower(ch));
        else if (!w.empty()) words.push_back(std::exchange(w, {}));
    }
    return words;
}

inline topology word_count_topology(store_type type = store_type::rocksdb, const std::string& input = "lines",
                                    const std::string& output = "counts") {
    streams_builder b;
    b.stream(input, consumed<std::string, std::string>::with(serdes::string(), serdes::string()))
        .flat_map_values([](const std::string& v) { return split_words(v); })
        .group_by([](const std::string&, const std::string& w) { return w; },
                  grouped<std::string, std::string>::with(serdes::string(), serdes::string()))
        .count(named{}, materialized<std::string, int64_t>::as("counts-store")
                            .with_store_type(type)
                            .with_key_serde(serdes::string())
                            .with_value_serde(serdes::int64()))
        .to_stream()
        .to(output, produced<std::string, int64_t>::with(serdes::string(), serdes::int64()));
    return b.build();
}

inline int64_t decode_int64(const std::optional<bytes>& b) {
    return b ? serdes::int64().deserialize("", *b) : -1;
}
inline std::string decode_string(const std::optional<bytes>& b) { return b ? std::string(b->begin(), b->end()) : ""; }

}  // namespace samsa::streams::testing_fakes
