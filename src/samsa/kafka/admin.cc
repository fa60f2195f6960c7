#include "samsa/kafka/admin.h"

#include <algorithm>

#include <fmt/format.h>

#include "samsa/kafka/rdkafka.h"

namespace samsa::kafka {

namespace {

struct options_deleter {
    void operator()(rd_kafka_AdminOptions_t* o) const { rd_kafka_AdminOptions_destroy(o); }
};
using options_ptr = std::unique_ptr<rd_kafka_AdminOptions_t, options_deleter>;

struct config_resource_deleter {
    void operator()(rd_kafka_ConfigResource_t* r) const { rd_kafka_ConfigResource_destroy(r); }
};
using config_resource_ptr = std::unique_ptr<rd_kafka_ConfigResource_t, config_resource_deleter>;

struct acl_deleter {
    void operator()(rd_kafka_AclBinding_t* a) const { rd_kafka_AclBinding_destroy(a); }
};
using acl_ptr = std::unique_ptr<rd_kafka_AclBinding_t, acl_deleter>;

}  // namespace

struct admin::impl {
    // Declared first so that it is destroyed last: no_answer may own what
    // the handle's callbacks use (the CLI's handle_state).
    admin_config config;
    handle_ptr rk;
    queue_ptr queue;
    // send_delete_records' answers: a queue of their own, so that a call
    // waiting on `queue` never takes one for its own answer.
    queue_ptr unawaited;
    bool unawaited_pending = false;

    impl(handle_ptr h, admin_config c)
        : config(std::move(c)),
          rk(std::move(h)),
          queue(rd_kafka_queue_new(rk.get())),
          unawaited(rd_kafka_queue_new(rk.get())) {}

    int timeout_ms() const { return static_cast<int>(config.timeout.count()); }

    client_error no_answer(std::string_view what) const {
        if (config.no_answer) return config.no_answer();
        return make_client_error(errc::timed_out,
                                 fmt::format("{}: no answer within {} ms", what, config.timeout.count()));
    }

    options_ptr options(rd_kafka_admin_op_t op) {
        options_ptr o(rd_kafka_AdminOptions_new(rk.get(), op));
        char errstr[256];
        rd_kafka_AdminOptions_set_request_timeout(o.get(), timeout_ms(), errstr, sizeof errstr);
        // Topic creation and deletion wait for the operation to complete on the
        // controller (Kafka's scripts do the same), bounded by the same timeout.
        if (op == RD_KAFKA_ADMIN_OP_CREATETOPICS || op == RD_KAFKA_ADMIN_OP_DELETETOPICS ||
            op == RD_KAFKA_ADMIN_OP_CREATEPARTITIONS) {
            rd_kafka_AdminOptions_set_operation_timeout(o.get(), timeout_ms(), errstr, sizeof errstr);
        }
        return o;
    }

    // Waits for the one result event of the request just sent on `queue`. The
    // request itself is bounded by request_timeout; the extra second only covers
    // librdkafka's bookkeeping so we never report our own timeout first.
    result<event_ptr> wait(rd_kafka_event_type_t expected, std::string_view what) {
        event_ptr ev(rd_kafka_queue_poll(queue.get(), timeout_ms() + 1000));
        if (!ev) return no_answer(what);
        return checked(std::move(ev), expected, what);
    }

    // The event if it answers `expected` without an error.
    result<event_ptr> checked(event_ptr ev, rd_kafka_event_type_t expected, std::string_view what) const {
        if (rd_kafka_event_type(ev.get()) != expected) {
            return make_client_error(errc::io_error,
                                     fmt::format("{}: unexpected event {}", what, rd_kafka_event_name(ev.get())));
        }
        if (auto err = rd_kafka_event_error(ev.get()); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            if (is_unreachable(err)) return no_answer(what);
            auto e = to_error(err, what);
            if (const char* s = rd_kafka_event_error_string(ev.get()); s != nullptr) {
                e.message = fmt::format("{}: {} ({})", what, s, rd_kafka_err2name(err));
            }
            return e;
        }
        return ev;
    }

    result<const rd_kafka_metadata_t*> fetch_metadata(bool all_topics) {
        const rd_kafka_metadata_t* md = nullptr;
        auto err = rd_kafka_metadata(rk.get(), all_topics ? 1 : 0, nullptr, &md, timeout_ms());
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            if (is_unreachable(err)) return no_answer("Metadata");
            return to_error(err, "metadata request failed");
        }
        return md;
    }
};

namespace {

named_statuses topic_results(const rd_kafka_topic_result_t** results, size_t n, std::string_view what) {
    named_statuses out;
    for (size_t i = 0; i < n; ++i) {
        std::string name = rd_kafka_topic_result_name(results[i]);
        auto err = rd_kafka_topic_result_error(results[i]);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            out.emplace_back(name, ok());
            continue;
        }
        auto e = to_error(err, fmt::format("{} '{}'", what, name));
        if (const char* s = rd_kafka_topic_result_error_string(results[i]); s != nullptr && *s != '\0') {
            e.message = fmt::format("{} '{}': {} ({})", what, name, s, rd_kafka_err2name(err));
        }
        out.emplace_back(name, std::move(e));
    }
    return out;
}

named_statuses every(const std::vector<std::string>& names, const client_error& e) {
    named_statuses out;
    for (const auto& n : names) out.emplace_back(n, e);
    return out;
}

status resource_error(const rd_kafka_ConfigResource_t* r, std::string_view what) {
    auto err = rd_kafka_ConfigResource_error(r);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return ok();
    auto e = to_error(err, fmt::format("{} '{}'", what, rd_kafka_ConfigResource_name(r)));
    if (const char* s = rd_kafka_ConfigResource_error_string(r); s != nullptr && *s != '\0') {
        e.message = fmt::format("{} '{}': {} ({})", what, rd_kafka_ConfigResource_name(r), s, rd_kafka_err2name(err));
    }
    return e;
}

std::string_view resource_name(config_resource_type type) {
    return type == config_resource_type::topic ? "topic" : "broker";
}

partition_list_ptr to_offset_list(const std::vector<std::pair<topic_partition, offset>>& offsets) {
    partition_list_ptr list(rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size())));
    for (const auto& [tp, o] : offsets) {
        rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition)->offset = o();
    }
    return list;
}

// The first partition error of a result list, with the partition named.
status partition_errors(const rd_kafka_topic_partition_list_t* parts, std::string_view what) {
    if (parts == nullptr) return ok();
    for (int i = 0; i < parts->cnt; ++i) {
        const auto& el = parts->elems[i];
        if (el.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            return to_error(el.err, fmt::format("{} {}-{}", what, el.topic, el.partition));
        }
    }
    return ok();
}

// The group-level and then the partition-level errors of group results.
status group_errors(const rd_kafka_group_result_t** groups, size_t n, std::string_view group_what,
                    std::string_view partition_what) {
    for (size_t i = 0; i < n; ++i) {
        if (const auto* err = rd_kafka_group_result_error(groups[i]); err != nullptr) return to_error(err, group_what);
        if (auto s = partition_errors(rd_kafka_group_result_partitions(groups[i]), partition_what); !s) return s;
    }
    return ok();
}

// A binding (filter = false) or a filter (true: null strings match anything).
result<acl_ptr> to_rd(const acl_binding& a, bool filter) {
    char errstr[512];
    auto make = filter ? rd_kafka_AclBindingFilter_new : rd_kafka_AclBinding_new;
    auto c_str = [](const std::optional<std::string>& s) { return s ? s->c_str() : nullptr; };
    acl_ptr p(make(static_cast<rd_kafka_ResourceType_t>(a.resource_type), c_str(a.name),
                   static_cast<rd_kafka_ResourcePatternType_t>(a.pattern_type), c_str(a.principal), c_str(a.host),
                   static_cast<rd_kafka_AclOperation_t>(a.operation),
                   static_cast<rd_kafka_AclPermissionType_t>(a.permission), errstr, sizeof errstr));
    if (!p) return make_client_error(errc::invalid_argument, errstr);
    return p;
}

acl_binding from_rd(const rd_kafka_AclBinding_t* b) {
    return {rd_kafka_AclBinding_restype(b), rd_kafka_AclBinding_name(b), rd_kafka_AclBinding_resource_pattern_type(b),
            rd_kafka_AclBinding_principal(b), rd_kafka_AclBinding_host(b), rd_kafka_AclBinding_operation(b),
            rd_kafka_AclBinding_permission_type(b)};
}

client_error acl_error(const rd_kafka_error_t* e, std::string_view what) {
    client_error out = to_error(e, what);
    out.code = errc::invalid_argument;
    out.message = fmt::format("{}: {} ({})", what, rd_kafka_error_string(e), rd_kafka_error_name(e));
    return out;
}

}  // namespace

admin::admin(handle_ptr rk, admin_config config) : impl_(std::make_unique<impl>(std::move(rk), std::move(config))) {}
admin::~admin() = default;

void admin::set_timeout(std::chrono::milliseconds timeout) { impl_->config.timeout = timeout; }
std::chrono::milliseconds admin::timeout() const { return impl_->config.timeout; }

status admin::probe() {
    auto md = impl_->fetch_metadata(false);
    if (!md) return md.error();
    rd_kafka_metadata_destroy(*md);
    return ok();
}

result<cluster_metadata> admin::metadata(const std::optional<std::string>& topic) {
    auto md = impl_->fetch_metadata(true);
    if (!md) return md.error();
    auto out = to_cluster_metadata(**md);
    rd_kafka_metadata_destroy(*md);
    if (topic) {
        auto it = std::find_if(out.topics.begin(), out.topics.end(), [&](const auto& t) { return t.name == *topic; });
        if (it == out.topics.end()) {
            return make_client_error(errc::not_found, fmt::format("topic '{}' does not exist", *topic));
        }
        if (!it->error.empty()) {
            return make_client_error(errc::not_found, fmt::format("topic '{}': {}", *topic, it->error));
        }
        topic_info found = std::move(*it);
        out.topics.clear();
        out.topics.push_back(std::move(found));
    }
    return out;
}

named_statuses admin::create_topics(const std::vector<new_topic>& topics, bool validate_only) {
    if (topics.empty()) return {};
    std::vector<std::string> names;
    for (const auto& t : topics) names.push_back(t.name);
    char errstr[512];
    std::vector<rd_kafka_NewTopic_t*> requests;
    auto destroy = [&] { rd_kafka_NewTopic_destroy_array(requests.data(), requests.size()); };
    for (const auto& t : topics) {
        rd_kafka_NewTopic_t* nt =
            rd_kafka_NewTopic_new(t.name.c_str(), t.partitions, t.replication_factor, errstr, sizeof errstr);
        if (nt == nullptr) {
            destroy();
            return every(names, make_client_error(errc::invalid_argument, fmt::format("topic '{}': {}", t.name, errstr)));
        }
        requests.push_back(nt);
        for (const auto& [k, v] : t.configs) {
            if (auto err = rd_kafka_NewTopic_set_config(nt, k.c_str(), v.c_str()); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
                destroy();
                return every(names, to_error(err, fmt::format("config {}={}", k, v)));
            }
        }
    }
    auto opts = impl_->options(RD_KAFKA_ADMIN_OP_CREATETOPICS);
    if (validate_only) rd_kafka_AdminOptions_set_validate_only(opts.get(), 1, errstr, sizeof errstr);
    rd_kafka_CreateTopics(impl_->rk.get(), requests.data(), requests.size(), opts.get(), impl_->queue.get());
    destroy();
    auto ev = impl_->wait(RD_KAFKA_EVENT_CREATETOPICS_RESULT, "CreateTopics");
    if (!ev) return every(names, ev.error());
    size_t n = 0;
    auto* res = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev->get()), &n);
    return topic_results(res, n, "cannot create topic");
}

named_statuses admin::delete_topics(const std::vector<std::string>& topics) {
    if (topics.empty()) return {};
    std::vector<rd_kafka_DeleteTopic_t*> requests;
    for (const auto& t : topics) requests.push_back(rd_kafka_DeleteTopic_new(t.c_str()));
    auto opts = impl_->options(RD_KAFKA_ADMIN_OP_DELETETOPICS);
    rd_kafka_DeleteTopics(impl_->rk.get(), requests.data(), requests.size(), opts.get(), impl_->queue.get());
    rd_kafka_DeleteTopic_destroy_array(requests.data(), requests.size());
    auto ev = impl_->wait(RD_KAFKA_EVENT_DELETETOPICS_RESULT, "DeleteTopics");
    if (!ev) return every(topics, ev.error());
    size_t n = 0;
    auto* res = rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(ev->get()), &n);
    return topic_results(res, n, "cannot delete topic");
}

status admin::create_partitions(const std::string& topic, int total) {
    char errstr[512];
    rd_kafka_NewPartitions_t* np = rd_kafka_NewPartitions_new(topic.c_str(), static_cast<size_t>(total), errstr, sizeof errstr);
    if (np == nullptr) return make_client_error(errc::invalid_argument, fmt::format("topic '{}': {}", topic, errstr));
    auto opts = impl_->options(RD_KAFKA_ADMIN_OP_CREATEPARTITIONS);
    rd_kafka_CreatePartitions(impl_->rk.get(), &np, 1, opts.get(), impl_->queue.get());
    rd_kafka_NewPartitions_destroy(np);
    auto ev = impl_->wait(RD_KAFKA_EVENT_CREATEPARTITIONS_RESULT, "CreatePartitions");
    if (!ev) return ev.error();
    size_t n = 0;
    auto* res = rd_kafka_CreatePartitions_result_topics(rd_kafka_event_CreatePartitions_result(ev->get()), &n);
    for (auto& [name, s] : topic_results(res, n, "cannot add partitions to topic")) {
        if (!s) return s;
    }
    return ok();
}

result<std::vector<config_entry>> admin::describe_configs(config_resource_type type, const std::string& name) {
    config_resource_ptr cr(rd_kafka_ConfigResource_new(static_cast<rd_kafka_ResourceType_t>(type), name.c_str()));
    auto opts = impl_->options(RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS);
    rd_kafka_ConfigResource_t* raw = cr.get();
    rd_kafka_DescribeConfigs(impl_->rk.get(), &raw, 1, opts.get(), impl_->queue.get());
    cr.reset();
    auto ev = impl_->wait(RD_KAFKA_EVENT_DESCRIBECONFIGS_RESULT, "DescribeConfigs");
    if (!ev) return ev.error();
    size_t n = 0;
    auto* res = rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(ev->get()), &n);
    const std::string what = fmt::format("cannot describe the configs of {}", resource_name(type));
    std::vector<config_entry> out;
    for (size_t i = 0; i < n; ++i) {
        if (auto s = resource_error(res[i], what); !s) return s.error();
        size_t cnt = 0;
        auto* entries = rd_kafka_ConfigResource_configs(res[i], &cnt);
        for (size_t j = 0; j < cnt; ++j) {
            const char* v = rd_kafka_ConfigEntry_value(entries[j]);
            config_entry e;
            e.name = rd_kafka_ConfigEntry_name(entries[j]);
            if (v != nullptr) e.value = v;
            e.source = rd_kafka_ConfigSource_name(rd_kafka_ConfigEntry_source(entries[j]));
            e.is_default = rd_kafka_ConfigEntry_is_default(entries[j]) != 0;
            e.read_only = rd_kafka_ConfigEntry_is_read_only(entries[j]) != 0;
            e.sensitive = rd_kafka_ConfigEntry_is_sensitive(entries[j]) != 0;
            out.push_back(std::move(e));
        }
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return out;
}

status admin::alter_configs(config_resource_type type, const std::string& name,
                            const std::map<std::string, std::string>& configs) {
    config_resource_ptr cr(rd_kafka_ConfigResource_new(static_cast<rd_kafka_ResourceType_t>(type), name.c_str()));
    for (const auto& [k, v] : configs) {
        if (auto err = rd_kafka_ConfigResource_set_config(cr.get(), k.c_str(), v.c_str()); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            return to_error(err, fmt::format("config {}={}", k, v));
        }
    }
    auto opts = impl_->options(RD_KAFKA_ADMIN_OP_ALTERCONFIGS);
    rd_kafka_ConfigResource_t* raw = cr.get();
    rd_kafka_AlterConfigs(impl_->rk.get(), &raw, 1, opts.get(), impl_->queue.get());
    cr.reset();
    auto ev = impl_->wait(RD_KAFKA_EVENT_ALTERCONFIGS_RESULT, "AlterConfigs");
    if (!ev) return ev.error();
    size_t n = 0;
    auto* res = rd_kafka_AlterConfigs_result_resources(rd_kafka_event_AlterConfigs_result(ev->get()), &n);
    const std::string what = fmt::format("cannot alter the configs of {}", resource_name(type));
    for (size_t i = 0; i < n; ++i) {
        if (auto s = resource_error(res[i], what); !s) return s;
    }
    return ok();
}

result<std::vector<group_listing>> admin::list_groups() {
    auto opts = impl_->options(RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS);
    rd_kafka_ListConsumerGroups(impl_->rk.get(), opts.get(), impl_->queue.get());
    auto ev = impl_->wait(RD_KAFKA_EVENT_LISTCONSUMERGROUPS_RESULT, "ListGroups");
    if (!ev) return ev.error();
    const auto* res = rd_kafka_event_ListConsumerGroups_result(ev->get());
    size_t n = 0;
    auto* valid = rd_kafka_ListConsumerGroups_result_valid(res, &n);
    std::vector<group_listing> out;
    for (size_t i = 0; i < n; ++i) {
        out.push_back({rd_kafka_ConsumerGroupListing_group_id(valid[i]),
                       rd_kafka_consumer_group_state_name(rd_kafka_ConsumerGroupListing_state(valid[i])),
                       rd_kafka_ConsumerGroupListing_is_simple_consumer_group(valid[i]) != 0});
    }
    // A partial answer (one broker of several failed) is still an error: a
    // listing that silently misses groups would mislead.
    size_t nerr = 0;
    auto* errors = rd_kafka_ListConsumerGroups_result_errors(res, &nerr);
    if (nerr > 0) return to_error(errors[0], "ListGroups");
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.group_id < b.group_id; });
    return out;
}

result<std::vector<group_description>> admin::describe_groups(const std::vector<std::string>& group_ids) {
    auto opts = impl_->options(RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS);
    std::vector<const char*> ids;
    for (const auto& id : group_ids) ids.push_back(id.c_str());
    rd_kafka_DescribeConsumerGroups(impl_->rk.get(), ids.data(), ids.size(), opts.get(), impl_->queue.get());
    auto ev = impl_->wait(RD_KAFKA_EVENT_DESCRIBECONSUMERGROUPS_RESULT, "DescribeGroups");
    if (!ev) return ev.error();
    size_t n = 0;
    auto* groups = rd_kafka_DescribeConsumerGroups_result_groups(rd_kafka_event_DescribeConsumerGroups_result(ev->get()), &n);
    std::vector<group_description> out;
    auto str = [](const char* s) { return s != nullptr ? std::string(s) : std::string(); };
    for (size_t k = 0; k < n; ++k) {
        const auto* g = groups[k];
        if (const auto* err = rd_kafka_ConsumerGroupDescription_error(g); err != nullptr) {
            return to_error(err, fmt::format("cannot describe group '{}'", str(rd_kafka_ConsumerGroupDescription_group_id(g))));
        }
        group_description d;
        d.group_id = rd_kafka_ConsumerGroupDescription_group_id(g);
        d.state = rd_kafka_consumer_group_state_name(rd_kafka_ConsumerGroupDescription_state(g));
        d.partition_assignor = str(rd_kafka_ConsumerGroupDescription_partition_assignor(g));
        d.simple = rd_kafka_ConsumerGroupDescription_is_simple_consumer_group(g) != 0;
        if (const auto* c = rd_kafka_ConsumerGroupDescription_coordinator(g); c != nullptr) d.coordinator = node_id(rd_kafka_Node_id(c));
        size_t members = rd_kafka_ConsumerGroupDescription_member_count(g);
        for (size_t i = 0; i < members; ++i) {
            const auto* m = rd_kafka_ConsumerGroupDescription_member(g, static_cast<int>(i));
            group_member gm;
            gm.member_id = str(rd_kafka_MemberDescription_consumer_id(m));
            gm.client_id = str(rd_kafka_MemberDescription_client_id(m));
            gm.host = str(rd_kafka_MemberDescription_host(m));
            gm.group_instance_id = str(rd_kafka_MemberDescription_group_instance_id(m));
            if (const auto* a = rd_kafka_MemberDescription_assignment(m); a != nullptr) {
                gm.assignment = to_partitions(rd_kafka_MemberAssignment_partitions(a));
            }
            std::sort(gm.assignment.begin(), gm.assignment.end());
            d.members.push_back(std::move(gm));
        }
        out.push_back(std::move(d));
    }
    return out;
}

result<group_description> admin::describe_group(const std::string& group_id) {
    auto groups = describe_groups({group_id});
    if (!groups) return groups.error();
    if (groups->size() != 1) {
        return make_client_error(errc::io_error, fmt::format("DescribeGroups: {} answers for one group", groups->size()));
    }
    return std::move(groups->front());
}

named_statuses admin::delete_groups(const std::vector<std::string>& group_ids) {
    std::vector<rd_kafka_DeleteGroup_t*> requests;
    for (const auto& id : group_ids) requests.push_back(rd_kafka_DeleteGroup_new(id.c_str()));
    auto opts = impl_->options(RD_KAFKA_ADMIN_OP_DELETEGROUPS);
    rd_kafka_DeleteGroups(impl_->rk.get(), requests.data(), requests.size(), opts.get(), impl_->queue.get());
    rd_kafka_DeleteGroup_destroy_array(requests.data(), requests.size());
    auto ev = impl_->wait(RD_KAFKA_EVENT_DELETEGROUPS_RESULT, "DeleteGroups");
    if (!ev) return every(group_ids, ev.error());
    named_statuses out;
    size_t n = 0;
    auto* groups = rd_kafka_DeleteGroups_result_groups(rd_kafka_event_DeleteGroups_result(ev->get()), &n);
    for (size_t i = 0; i < n; ++i) {
        std::string id = rd_kafka_group_result_name(groups[i]);
        const auto* err = rd_kafka_group_result_error(groups[i]);
        out.emplace_back(id, err == nullptr ? ok() : status(to_error(err, fmt::format("cannot delete group '{}'", id))));
    }
    return out;
}

result<std::vector<committed_offset>> admin::offset_fetch(const std::string& group_id) {
    auto opts = impl_->options(RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS);
    // No partition list: OffsetFetch for all the group's partitions.
    rd_kafka_ListConsumerGroupOffsets_t* req = rd_kafka_ListConsumerGroupOffsets_new(group_id.c_str(), nullptr);
    rd_kafka_ListConsumerGroupOffsets(impl_->rk.get(), &req, 1, opts.get(), impl_->queue.get());
    rd_kafka_ListConsumerGroupOffsets_destroy(req);
    auto ev = impl_->wait(RD_KAFKA_EVENT_LISTCONSUMERGROUPOFFSETS_RESULT, "OffsetFetch");
    if (!ev) return ev.error();
    size_t n = 0;
    auto* groups = rd_kafka_ListConsumerGroupOffsets_result_groups(
        rd_kafka_event_ListConsumerGroupOffsets_result(ev->get()), &n);
    std::vector<committed_offset> out;
    for (size_t i = 0; i < n; ++i) {
        if (const auto* err = rd_kafka_group_result_error(groups[i]); err != nullptr) {
            return to_error(err, fmt::format("cannot fetch the offsets of group '{}'", group_id));
        }
        const auto* parts = rd_kafka_group_result_partitions(groups[i]);
        if (parts == nullptr) continue;
        for (int p = 0; p < parts->cnt; ++p) {
            const auto& el = parts->elems[p];
            if (el.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
                return to_error(el.err, fmt::format("offset of group '{}' for {}-{}", group_id, el.topic, el.partition));
            }
            committed_offset co{{el.topic, el.partition}, offset(el.offset), {}};
            if (el.metadata != nullptr) co.metadata.assign(static_cast<const char*>(el.metadata), el.metadata_size);
            out.push_back(std::move(co));
        }
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.tp < b.tp; });
    return out;
}

status admin::offset_commit(const std::string& group_id, const std::vector<std::pair<topic_partition, offset>>& offsets) {
    auto parts = to_offset_list(offsets);
    rd_kafka_AlterConsumerGroupOffsets_t* req = rd_kafka_AlterConsumerGroupOffsets_new(group_id.c_str(), parts.get());
    auto opts = impl_->options(RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS);
    rd_kafka_AlterConsumerGroupOffsets(impl_->rk.get(), &req, 1, opts.get(), impl_->queue.get());
    rd_kafka_AlterConsumerGroupOffsets_destroy(req);
    auto ev = impl_->wait(RD_KAFKA_EVENT_ALTERCONSUMERGROUPOFFSETS_RESULT, "OffsetCommit");
    if (!ev) return ev.error();
    size_t n = 0;
    auto* groups = rd_kafka_AlterConsumerGroupOffsets_result_groups(
        rd_kafka_event_AlterConsumerGroupOffsets_result(ev->get()), &n);
    return group_errors(groups, n, fmt::format("cannot commit offsets for group '{}'", group_id),
                        fmt::format("cannot commit the offset of group '{}' for", group_id));
}

status admin::offset_delete(const std::string& group_id, const std::vector<topic_partition>& partitions) {
    auto parts = to_list(partitions);
    rd_kafka_DeleteConsumerGroupOffsets_t* req = rd_kafka_DeleteConsumerGroupOffsets_new(group_id.c_str(), parts.get());
    auto opts = impl_->options(RD_KAFKA_ADMIN_OP_DELETECONSUMERGROUPOFFSETS);
    rd_kafka_DeleteConsumerGroupOffsets(impl_->rk.get(), &req, 1, opts.get(), impl_->queue.get());
    rd_kafka_DeleteConsumerGroupOffsets_destroy(req);
    auto ev = impl_->wait(RD_KAFKA_EVENT_DELETECONSUMERGROUPOFFSETS_RESULT, "OffsetDelete");
    if (!ev) return ev.error();
    size_t n = 0;
    auto* groups = rd_kafka_DeleteConsumerGroupOffsets_result_groups(
        rd_kafka_event_DeleteConsumerGroupOffsets_result(ev->get()), &n);
    return group_errors(groups, n, fmt::format("cannot delete offsets of group '{}'", group_id),
                        fmt::format("cannot delete the offset of group '{}' for", group_id));
}

result<std::vector<std::pair<topic_partition, offset>>> admin::delete_records(
    const std::vector<std::pair<topic_partition, offset>>& before) {
    auto parts = to_offset_list(before);
    rd_kafka_DeleteRecords_t* req = rd_kafka_DeleteRecords_new(parts.get());
    auto opts = impl_->options(RD_KAFKA_ADMIN_OP_DELETERECORDS);
    rd_kafka_DeleteRecords(impl_->rk.get(), &req, 1, opts.get(), impl_->queue.get());
    rd_kafka_DeleteRecords_destroy(req);
    auto ev = impl_->wait(RD_KAFKA_EVENT_DELETERECORDS_RESULT, "DeleteRecords");
    if (!ev) return ev.error();
    const auto* result_parts = rd_kafka_DeleteRecords_result_offsets(rd_kafka_event_DeleteRecords_result(ev->get()));
    if (auto s = partition_errors(result_parts, "cannot delete records of"); !s) return s.error();
    std::vector<std::pair<topic_partition, offset>> out;
    for (int i = 0; result_parts != nullptr && i < result_parts->cnt; ++i) {
        const auto& el = result_parts->elems[i];
        out.emplace_back(topic_partition{el.topic, el.partition}, offset(el.offset));
    }
    std::sort(out.begin(), out.end());
    return out;
}

bool admin::send_delete_records(const std::vector<std::pair<topic_partition, offset>>& before) {
    if (impl_->unawaited_pending) return false;
    auto parts = to_offset_list(before);
    rd_kafka_DeleteRecords_t* req = rd_kafka_DeleteRecords_new(parts.get());
    auto opts = impl_->options(RD_KAFKA_ADMIN_OP_DELETERECORDS);
    rd_kafka_DeleteRecords(impl_->rk.get(), &req, 1, opts.get(), impl_->unawaited.get());
    rd_kafka_DeleteRecords_destroy(req);
    impl_->unawaited_pending = true;
    return true;
}

std::optional<status> admin::delete_records_answer() {
    if (!impl_->unawaited_pending) return std::nullopt;
    event_ptr ev(rd_kafka_queue_poll(impl_->unawaited.get(), 0));
    if (!ev) return std::nullopt;
    impl_->unawaited_pending = false;
    auto answer = impl_->checked(std::move(ev), RD_KAFKA_EVENT_DELETERECORDS_RESULT, "DeleteRecords");
    if (!answer) return status(answer.error());
    return partition_errors(rd_kafka_DeleteRecords_result_offsets(rd_kafka_event_DeleteRecords_result(answer->get())),
                            "cannot delete records of");
}

result<watermarks> admin::list_offsets(const topic_partition& tp) {
    int64_t low = -1;
    int64_t high = -1;
    auto err = rd_kafka_query_watermark_offsets(impl_->rk.get(), tp.topic.c_str(), tp.partition, &low, &high,
                                                impl_->timeout_ms());
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (is_unreachable(err)) return impl_->no_answer("ListOffsets");
        return to_error(err, fmt::format("ListOffsets for {}", tp.to_string()));
    }
    return watermarks{offset(low), offset(high)};
}

result<offset> admin::list_offsets(const topic_partition& tp, int64_t timestamp_ms) {
    partition_list_ptr list(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition)->offset = timestamp_ms;
    auto err = rd_kafka_offsets_for_times(impl_->rk.get(), list.get(), impl_->timeout_ms());
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (is_unreachable(err)) return impl_->no_answer("ListOffsets");
        return to_error(err, fmt::format("ListOffsets by time for {}", tp.to_string()));
    }
    const auto& el = list->elems[0];
    if (el.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return to_error(el.err, fmt::format("ListOffsets by time for {}", tp.to_string()));
    }
    return offset(el.offset);
}

status admin::create_acls(const std::vector<acl_binding>& acls) {
    std::vector<acl_ptr> owned;
    std::vector<rd_kafka_AclBinding_t*> raw;
    for (const auto& a : acls) {
        auto p = to_rd(a, false);
        if (!p) return p.error();
        raw.push_back(p->get());
        owned.push_back(std::move(*p));
    }
    auto opts = impl_->options(RD_KAFKA_ADMIN_OP_CREATEACLS);
    rd_kafka_CreateAcls(impl_->rk.get(), raw.data(), raw.size(), opts.get(), impl_->queue.get());
    auto ev = impl_->wait(RD_KAFKA_EVENT_CREATEACLS_RESULT, "CreateAcls");
    if (!ev) return ev.error();
    size_t n = 0;
    const auto** results = rd_kafka_CreateAcls_result_acls(rd_kafka_event_CreateAcls_result(ev->get()), &n);
    for (size_t i = 0; i < n; ++i) {
        if (const rd_kafka_error_t* e = rd_kafka_acl_result_error(results[i])) return acl_error(e, "CreateAcls");
    }
    return ok();
}

result<std::vector<acl_binding>> admin::describe_acls(const acl_binding& filter) {
    auto f = to_rd(filter, true);
    if (!f) return f.error();
    auto opts = impl_->options(RD_KAFKA_ADMIN_OP_DESCRIBEACLS);
    rd_kafka_DescribeAcls(impl_->rk.get(), f->get(), opts.get(), impl_->queue.get());
    auto ev = impl_->wait(RD_KAFKA_EVENT_DESCRIBEACLS_RESULT, "DescribeAcls");
    if (!ev) return ev.error();
    size_t n = 0;
    const auto** acls = rd_kafka_DescribeAcls_result_acls(rd_kafka_event_DescribeAcls_result(ev->get()), &n);
    std::vector<acl_binding> out;
    for (size_t i = 0; i < n; ++i) out.push_back(from_rd(acls[i]));
    return out;
}

result<std::vector<acl_binding>> admin::delete_acls(const acl_binding& filter) {
    auto f = to_rd(filter, true);
    if (!f) return f.error();
    rd_kafka_AclBinding_t* raw = f->get();
    auto opts = impl_->options(RD_KAFKA_ADMIN_OP_DELETEACLS);
    rd_kafka_DeleteAcls(impl_->rk.get(), &raw, 1, opts.get(), impl_->queue.get());
    auto ev = impl_->wait(RD_KAFKA_EVENT_DELETEACLS_RESULT, "DeleteAcls");
    if (!ev) return ev.error();
    size_t n = 0;
    const auto** responses = rd_kafka_DeleteAcls_result_responses(rd_kafka_event_DeleteAcls_result(ev->get()), &n);
    std::vector<acl_binding> out;
    for (size_t i = 0; i < n; ++i) {
        if (const rd_kafka_error_t* e = rd_kafka_DeleteAcls_result_response_error(responses[i]))
            return acl_error(e, "DeleteAcls");
        size_t m = 0;
        const auto** acls = rd_kafka_DeleteAcls_result_response_matching_acls(responses[i], &m);
        for (size_t j = 0; j < m; ++j) out.push_back(from_rd(acls[j]));
    }
    return out;
}

}  // namespace samsa::kafka
