#include "samsa/kafka/handle.h"

#include <librdkafka/rdkafka.h>

#include <future>
#include <memory>
#include <thread>

namespace samsa::kafka {

void handle_deleter::operator()(rd_kafka_t* rk) const {
    if (bound.count() <= 0) {
        rd_kafka_destroy(rk);
        return;
    }
    // Shared with the destroying thread, which may outlive this call.
    auto done = std::make_shared<std::promise<void>>();
    auto finished = done->get_future();
    std::thread([rk, done, keep = keep_alive] {
        rd_kafka_destroy(rk);
        (void)keep;  // released only now, with the thread
        done->set_value();
    }).detach();
    (void)finished.wait_for(bound);
}

void conf_deleter::operator()(rd_kafka_conf_t* c) const { rd_kafka_conf_destroy(c); }
void topic_deleter::operator()(rd_kafka_topic_t* t) const { rd_kafka_topic_destroy(t); }
void queue_deleter::operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
void message_deleter::operator()(rd_kafka_message_t* m) const { rd_kafka_message_destroy(m); }
void event_deleter::operator()(rd_kafka_event_t* e) const { rd_kafka_event_destroy(e); }
void partition_list_deleter::operator()(rd_kafka_topic_partition_list_t* l) const {
    rd_kafka_topic_partition_list_destroy(l);
}
void headers_deleter::operator()(rd_kafka_headers_t* h) const { rd_kafka_headers_destroy(h); }

}  // namespace samsa::kafka
