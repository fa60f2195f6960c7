#pragma once
// RAII for librdkafka's objects. librdkafka's types are only declared here
// (the same typedefs as rdkafka.h's), so a header can hold a handle without
// including librdkafka; the deleters live in handle.cc.
//
// Threads: an owner per object; librdkafka's objects may be destroyed from
// any thread.

#include <chrono>
#include <memory>

typedef struct rd_kafka_s rd_kafka_t;
typedef struct rd_kafka_conf_s rd_kafka_conf_t;
typedef struct rd_kafka_topic_s rd_kafka_topic_t;
typedef struct rd_kafka_queue_s rd_kafka_queue_t;
typedef struct rd_kafka_message_s rd_kafka_message_t;
typedef struct rd_kafka_op_s rd_kafka_event_t;
typedef struct rd_kafka_topic_partition_list_s rd_kafka_topic_partition_list_t;
typedef struct rd_kafka_headers_s rd_kafka_headers_t;

namespace samsa::kafka {

// rd_kafka_destroy. With a bound, it runs on a thread of its own and the
// caller waits at most that long: librdkafka 2.0.2 can deadlock in destroy
// after a failed DescribeConsumerGroups (seen against a broker without the
// API), and a command-line tool must not hang on its way out (an abandoned
// handle dies with the process). Without one (the default), the caller waits
// for the whole shutdown, which a long-running application wants.
struct handle_deleter {
    std::chrono::milliseconds bound{0};
    // What librdkafka's callbacks use (the handle's opaque): shared with the
    // destroying thread, because librdkafka still logs while it shuts down and
    // a bounded destroy may outlive the handle's owner.
    std::shared_ptr<void> keep_alive;
    void operator()(rd_kafka_t* rk) const;
};
using handle_ptr = std::unique_ptr<rd_kafka_t, handle_deleter>;

struct conf_deleter {
    void operator()(rd_kafka_conf_t* c) const;
};
using conf_ptr = std::unique_ptr<rd_kafka_conf_t, conf_deleter>;

struct topic_deleter {
    void operator()(rd_kafka_topic_t* t) const;
};
using topic_ptr = std::unique_ptr<rd_kafka_topic_t, topic_deleter>;

struct queue_deleter {
    void operator()(rd_kafka_queue_t* q) const;
};
using queue_ptr = std::unique_ptr<rd_kafka_queue_t, queue_deleter>;

struct message_deleter {
    void operator()(rd_kafka_message_t* m) const;
};
using message_ptr = std::unique_ptr<rd_kafka_message_t, message_deleter>;

struct event_deleter {
    void operator()(rd_kafka_event_t* e) const;
};
using event_ptr = std::unique_ptr<rd_kafka_event_t, event_deleter>;

struct partition_list_deleter {
    void operator()(rd_kafka_topic_partition_list_t* l) const;
};
using partition_list_ptr = std::unique_ptr<rd_kafka_topic_partition_list_t, partition_list_deleter>;

struct headers_deleter {
    void operator()(rd_kafka_headers_t* h) const;
};
using headers_ptr = std::unique_ptr<rd_kafka_headers_t, headers_deleter>;

}  // namespace samsa::kafka
