#pragma once
// acl_store: the ACL bindings on disk, one JSON file in the primary log dir
// (acls.json), replaced atomically (write a temporary file, fsync, rename,
// fsync the directory) on every change.
//
// Why a file and not an internal topic as Kafka's KRaft metadata log: this
// broker is one node, ACLs are few and change rarely, and the authorizer
// must have all of them before the first request is served. A whole-file
// rewrite is a few kilobytes, cannot leave a half-applied change, and needs
// no replay or compaction. (With replication this would move to the metadata
// log.)
//
// Thread: the I/O thread.

#include <string>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/broker/security/authz/acl.h"

namespace samsa::broker::security::authz {

inline constexpr const char* acl_file_name = "acls.json";

// The bindings stored in `dir` (empty when there is no file yet).
result<std::vector<acl_binding>> load_acls(const std::string& dir);
status save_acls(const std::string& dir, const std::vector<acl_binding>& bindings);

}  // namespace samsa::broker::security::authz
