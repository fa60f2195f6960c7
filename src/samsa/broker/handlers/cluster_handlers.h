#pragma once
// The handlers of the APIs a cluster answers about its replicas and log
// directories, answered as a single node does: this node leads every
// partition at leader epoch 0 (as Metadata says), with one replica, in sync.
// describe_topic_partitions.cc, describe_log_dirs.cc,
// offset_for_leader_epoch.cc, elect_leaders.cc, describe_cluster.cc.
//
// Thread: the I/O thread.

#include "samsa/broker/handlers/request_context.h"

namespace samsa::broker {

void handle_describe_topic_partitions(request_context ctx);
void handle_describe_log_dirs(request_context ctx);
void handle_offset_for_leader_epoch(request_context ctx);
void handle_elect_leaders(request_context ctx);
void handle_describe_cluster(request_context ctx);

}  // namespace samsa::broker
