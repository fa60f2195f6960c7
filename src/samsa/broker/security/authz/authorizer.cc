#include "samsa/broker/security/authz/authorizer.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "samsa/broker/security/authz/acl_store.h"

namespace samsa::broker::security::authz {

namespace {

bool applies_to_resource(const resource_pattern& p, resource_type type, std::string_view name) {
    if (p.type != type) return false;
    if (p.pattern == pattern_type::literal) return p.name == name || p.name == wildcard;
    if (p.pattern == pattern_type::prefixed) return name.starts_with(p.name);
    return false;
}

bool applies_to_sender(const acl_entry& e, const session& who) {
    bool principal_ok = e.principal == wildcard_principal || e.principal == who.principal.to_string();
    bool host_ok = e.host == wildcard || e.host == who.client_host;
    return principal_ok && host_ok;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

void sort_unique(std::vector<acl_binding>& v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
}

}  // namespace

std::set<std::string> parse_super_users(std::string_view value) {
    std::set<std::string> out;
    while (!value.empty()) {
        auto semi = value.find(';');
        auto one = trim(value.substr(0, semi));
        if (!one.empty()) out.emplace(one);
        if (semi == std::string_view::npos) break;
        value.remove_prefix(semi + 1);
    }
    return out;
}

bool turns_on_authorizer(std::string_view class_name) { return !trim(class_name).empty(); }

result<std::unique_ptr<authorizer>> authorizer::open(const std::string& dir, authorizer_settings settings) {
    std::unique_ptr<authorizer> a(new authorizer(dir, std::move(settings)));
    if (!dir.empty()) {
        auto loaded = load_acls(dir);
        if (!loaded) return loaded.error();
        a->bindings_ = std::move(*loaded);
        sort_unique(a->bindings_);
    }
    return a;
}

bool authorizer::is_super_user(const principal& p) const { return settings_.super_users.contains(p.to_string()); }

bool authorizer::authorize(const session& who, operation op, resource_type type, std::string_view name) const {
    if (is_super_user(who.principal)) return true;
    bool any_acl_on_resource = false;
    bool allowed = false;
    for (const auto& b : bindings_) {
        if (!applies_to_resource(b.pattern, type, name)) continue;
        any_acl_on_resource = true;
        if (!applies_to_sender(b.entry, who)) continue;
        if (b.entry.permission == permission::deny &&
            (b.entry.operation == op || b.entry.operation == operation::all)) {
            return false;  // deny wins
        }
        if (b.entry.permission == permission::allow && allow_implies(b.entry.operation, op)) allowed = true;
    }
    if (!any_acl_on_resource) return settings_.allow_everyone_if_no_acl_found;
    return allowed;
}

bool authorizer::authorize_any(const session& who, operation op, resource_type type) const {
    // As Kafka: a made-up literal name first, which covers super users,
    // allow.everyone.if.no.acl.found and the wildcard ACLs.
    if (authorize(who, op, type, "hardcode")) return true;
    std::set<std::string> deny_literal, deny_prefixed, allow_literal, allow_prefixed;
    bool wildcard_allow = false;
    for (const auto& b : bindings_) {
        if (b.pattern.type != type || !applies_to_sender(b.entry, who)) continue;
        if (b.entry.operation != op && b.entry.operation != operation::all) continue;
        bool literal = b.pattern.pattern == pattern_type::literal;
        if (b.entry.permission == permission::deny) {
            if (literal && b.pattern.name == wildcard) return false;
            (literal ? deny_literal : deny_prefixed).insert(b.pattern.name);
        } else if (b.entry.permission == permission::allow) {
            if (literal && b.pattern.name == wildcard) {
                wildcard_allow = true;
            } else {
                (literal ? allow_literal : allow_prefixed).insert(b.pattern.name);
            }
        }
    }
    if (wildcard_allow) return true;
    // An allowed name counts unless a deny covers all of it: the same literal,
    // or a denied prefix of it.
    auto denied_by_prefix = [&](const std::string& name) {
        for (size_t n = 1; n <= name.size(); ++n) {
            if (deny_prefixed.contains(name.substr(0, n))) return true;
        }
        return false;
    };
    for (const auto& name : allow_literal) {
        if (!deny_literal.contains(name) && !denied_by_prefix(name)) return true;
    }
    for (const auto& name : allow_prefixed) {
        if (!denied_by_prefix(name)) return true;
    }
    return false;
}

status authorizer::save(const std::vector<acl_binding>& next) const {
    if (dir_.empty()) return ok();
    return save_acls(dir_, next);
}

status authorizer::add(std::span<const acl_binding> bindings) {
    auto next = bindings_;
    next.insert(next.end(), bindings.begin(), bindings.end());
    sort_unique(next);
    if (auto s = save(next); !s) return s;
    bindings_ = std::move(next);
    return ok();
}

std::vector<acl_binding> authorizer::describe(const acl_binding_filter& filter) const {
    std::vector<acl_binding> out;
    for (const auto& b : bindings_) {
        if (filter.matches(b)) out.push_back(b);
    }
    return out;
}

result<std::vector<std::vector<acl_binding>>> authorizer::remove(std::span<const acl_binding_filter> filters) {
    std::vector<std::vector<acl_binding>> removed(filters.size());
    std::vector<acl_binding> kept;
    for (const auto& b : bindings_) {
        bool gone = false;
        // Every filter that matches reports the binding, as Kafka does.
        for (size_t i = 0; i < filters.size(); ++i) {
            if (filters[i].matches(b)) {
                removed[i].push_back(b);
                gone = true;
            }
        }
        if (!gone) kept.push_back(b);
    }
    if (kept.size() != bindings_.size()) {
        if (auto s = save(kept); !s) return s.error();
        bindings_ = std::move(kept);
    }
    return removed;
}

}  // namespace samsa::broker::security::authz
