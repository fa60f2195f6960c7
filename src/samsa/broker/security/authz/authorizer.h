#pragma once
// authorizer: Kafka's ACL authorizer (AclAuthorizer / StandardAuthorizer
// rules) over the broker's ACL bindings.
//
//   super.users                        always allowed, whatever the ACLs say
//   no ACL on the resource at all      allow.everyone.if.no.acl.found decides
//   a matching DENY                    denied (deny wins over any ALLOW)
//   a matching ALLOW                   allowed (with implied operations)
//   otherwise                          denied
//
// An ACL applies to a resource when its type matches and its pattern is the
// literal name, the literal wildcard "*", or a prefix of the name (PREFIXED).
// It applies to the request when its principal is the sender's or User:*,
// and its host is the sender's IP address or "*".
//
// The bindings are durable: acl_store writes them to a file in the data dir
// (see acl_store.h for why a file and not a topic). A change is in memory only
// once the file is written.
//
// Thread: the I/O thread (as everything on the broker).

#include <memory>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/broker/security/authz/acl.h"
#include "samsa/broker/security/principal.h"

namespace samsa::broker::security::authz {

struct authorizer_settings {
    std::set<std::string> super_users;  // "User:admin"
    bool allow_everyone_if_no_acl_found = false;
};

// super.users: "User:a;User:b" (Kafka separates them with ';').
std::set<std::string> parse_super_users(std::string_view value);
// Whether authorizer.class.name names an ACL authorizer we emulate (Kafka's
// AclAuthorizer, StandardAuthorizer, or any other non-empty class name,
// which we treat as the standard one).
bool turns_on_authorizer(std::string_view class_name);

class authorizer {
public:
    // ACLs from the file in `dir` (none yet when it is missing); empty `dir`:
    // in memory only (unit tests).
    static result<std::unique_ptr<authorizer>> open(const std::string& dir, authorizer_settings settings);

    bool authorize(const session& who, operation op, resource_type type, std::string_view name) const;
    // Kafka's authorizeByResourceType: may `who` do `op` on SOME resource of
    // `type` (InitProducerId without a transactional id asks "Write on any
    // topic"). Only the exact operation or All counts, as in Kafka.
    bool authorize_any(const session& who, operation op, resource_type type) const;
    bool is_super_user(const principal& p) const;

    // Adds bindings (valid, see why_invalid); existing ones are kept once.
    status add(std::span<const acl_binding> bindings);
    std::vector<acl_binding> describe(const acl_binding_filter& filter) const;
    // Removes what each filter matches (one result per filter, in order).
    result<std::vector<std::vector<acl_binding>>> remove(std::span<const acl_binding_filter> filters);

    const std::vector<acl_binding>& bindings() const { return bindings_; }

private:
    authorizer(std::string dir, authorizer_settings settings) : dir_(std::move(dir)), settings_(std::move(settings)) {}
    status save(const std::vector<acl_binding>& next) const;

    std::string dir_;
    authorizer_settings settings_;
    std::vector<acl_binding> bindings_;  // sorted, unique
};

}  // namespace samsa::broker::security::authz
