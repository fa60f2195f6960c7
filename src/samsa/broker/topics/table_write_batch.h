#pragma once
// table_write_batch: one write of the topic table file for a whole request.
//
// Every topic_table change rewrites and fsyncs the whole file. A request
// that creates many topics (a Metadata request auto-creating 8,000 names,
// a CreateTopics of hundreds) would then write the file once per topic:
// quadratic in the table's size, and minutes on the I/O thread. While a
// table_write_batch lives on the thread, table changes stay in memory; its
// commit() (or destructor) writes each changed table once.
//
// A crash before the write loses nothing a client was told about, for the
// auto-created topics it is meant for: their partition directories hold
// the topic id (partition.metadata) and the next start adopts them. Topics
// with configs (CreateTopics) call commit() before answering, so a failed
// write is answered.
//
//   {
//       table_write_batch writes;
//       for (auto& name : names) topics.create_topic(name, 1, {});
//       if (auto s = writes.commit(); !s) ...   // else the destructor commits and logs
//   }
//
// Batches nest: only the outermost one writes. Thread: the I/O thread (the
// deferral is per thread).

#include "samsa/base/result.h"

namespace samsa::broker {

class table_write_batch {
public:
    table_write_batch();
    // Commits when commit() was not called; a failure is logged.
    ~table_write_batch();
    table_write_batch(const table_write_batch&) = delete;
    table_write_batch& operator=(const table_write_batch&) = delete;

    // Writes every table changed since this batch began (outermost batch
    // only). On failure the tables keep the changes in memory and are
    // written again by their next change.
    status commit();

private:
    bool committed_ = false;
};

}  // namespace samsa::broker
