#pragma once
// Shared by the record-cache store tests (caching_key_value_store_test.cc and
// caching_window_store_test.cc): opens a store stack with a record cache as
// a task does (the application id "app", the changelog sink, the task's
// current record, the cache size) and registers the flush listener.
#include <cstdint>

#include <gtest/gtest.h>

#include "recording_changelog_sink.h"
#include "samsa/streams/state/key_value_bytes_store.h"
#include "samsa/streams/state/state_store.h"

namespace samsa::streams::testing {

inline void open_caching_store(key_value_bytes_store& store, recording_changelog_sink& sink, test_records& records,
                               int64_t cache_max_bytes, cache_flush_listener listener, bool send_old_values) {
    store_context context;
    context.application_id = "app";
    context.changelog = &sink;
    context.records = &records;
    context.cache_max_bytes = cache_max_bytes;
    ASSERT_TRUE(store.init(context).has_value());
    ASSERT_TRUE(store.set_flush_listener(std::move(listener), send_old_values));
}

}  // namespace samsa::streams::testing
