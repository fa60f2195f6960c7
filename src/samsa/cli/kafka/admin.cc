#include "samsa/cli/kafka/admin.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "samsa/cli/kafka/handle.h"

namespace samsa::cli::kafka {

struct admin::impl {
    client_config config;
    handle_state state;
    handle_ptr rk;
    queue_ptr queue;

    explicit impl(const client_config& c) : config(c), state(c.verbose) {}

    struct options_deleter {
        void operator()(rd_kafka_AdminOptions_t* o) const { rd_kafka_AdminOptions_destroy(o); }
    };
    using options_ptr = std::unique_ptr<rd_kafka_AdminOptions_t, options_deleter>;

    options_ptr options(rd_kafka_admin_op_t op) {
        options_ptr o(rd_kafka_AdminOptions_new(rk.get(), op));
        char errstr[256];
        int ms = static_cast<int>(config.timeout.count());
        rd_kafka_AdminOptions_set_request_timeout(o.get(), ms, errstr, sizeof errstr);
        // Topic creation and deletion wait for the operation to complete on the
        // controller (Kafka's scripts do the same), bounded by the same timeout.
        if (op == RD_KAFKA_ADMIN_OP_CREATETOPICS || op == RD_KAFKA_ADMIN_OP_DELETETOPICS ||
            op == RD_KAFKA_ADMIN_OP_CREATEPARTITIONS) {
            rd_kafka_AdminOptions_set_operation_timeout(o.get(), ms, errstr, sizeof errstr);
        }
        return o;
    }

    // Waits for the one result event of the request just sent on `queue`. The
    // request itself is bounded by request_timeout; the extra second only covers
    // librdkafka's bookkeeping so we never report our own timeout first.
    result<event_ptr> wait(rd_kafka_event_type_t expected, std::string_view what) {
        event_ptr ev(rd_kafka_queue_poll(queue.get(), static_cast<int>(config.timeout.count()) + 1000));
        if (!ev) return unreachable_error(config, state);
        if (rd_kafka_event_type(ev.get()) != expected) {
            return make_error(errc::io_error, fmt::format("{}: unexpected event {}", what, rd_kafka_event_name(ev.get())));
        }
        if (auto err = rd_kafka_event_error(ev.get()); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            if (is_unreachable(err)) return unreachable_error(config, state);
            auto e = to_error(err, what);
            if (const char* s = rd_kafka_event_error_string(ev.get()); s != nullptr) {
                e.message = fmt::format("{}: {} ({})", what, s, rd_kafka_err2name(err));
            }
            return e;
        }
        return ev;
    }

    status topic_results(const rd_kafka_topic_result_t** results, size_t n, std::string_view what) {
        for (size_t i = 0; i < n; ++i) {
            auto err = rd_kafka_topic_result_error(results[i]);
            if (err == RD_KAFKA_RESP_ERR_NO_ERROR) continue;
            auto e = to_error(err, fmt::format("{} '{}'", what, rd_kafka_topic_result_name(results[i])));
            if (const char* s = rd_kafka_topic_result_error_string(results[i]); s != nullptr && *s != '\0') {
                e.message = fmt::format("{} '{}': {} ({})", what, rd_kafka_topic_result_name(results[i]), s,
                                        rd_kafka_err2name(err));
            }
            return e;
        }
        return ok();
    }
};

admin::admin(std::unique_ptr<impl> impl) : impl_(std::move(impl)) {}
admin::~admin() = default;

result<std::unique_ptr<admin>> admin::connect(const client_config& config) {
    auto i = std::make_unique<impl>(config);
    auto rk = make_handle(RD_KAFKA_PRODUCER, config, {}, i->state);
    if (!rk) return rk.error();
    i->rk = std::move(*rk);
    i->queue.reset(rd_kafka_queue_new(i->rk.get()));
    auto md = fetch_metadata(i->rk.get(), config, i->state, false);
    if (!md) return md.error();
    rd_kafka_metadata_destroy(*md);
    return std::unique_ptr<admin>(new admin(std::move(i)));
}

result<cluster_metadata> admin::metadata(const std::optional<std::string>& topic) {
    // Always the all-topics request: naming a topic in a Metadata request makes
    // a broker with auto.create.topics.enable create it, and describing a topic
    // must never create one.
    auto md = fetch_metadata(impl_->rk.get(), impl_->config, impl_->state, true);
    if (!md) return md.error();
    auto out = to_cluster_metadata(**md);
    rd_kafka_metadata_destroy(*md);
    if (topic) {
        auto it = std::find_if(out.topics.begin(), out.topics.end(), [&](const auto& t) { return t.name == *topic; });
        if (it == out.topics.end()) {
            return make_error(errc::not_found, fmt::format("topic '{}' does not exist", *topic));
        }
        if (!it->error.empty()) {
            return make_error(errc::not_found, fmt::format("topic '{}': {}", *topic, it->error));
        }
        topic_info found = std::move(*it);
        out.topics.clear();
        out.topics.push_back(std::move(found));
    }
    return out;
}

status admin::create_topic(const new_topic& topic, bool validate_only) {
    char errstr[512];
    rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(topic.name.c_str(), topic.partitions, topic.replication_factor,
                                                    errstr, sizeof errstr);
    if (nt == nullptr) return make_error(errc::invalid_argument, fmt::format("topic '{}': {}", topic.name, errstr));
    for (const auto& [k, v] : topic.configs) {
        if (auto err = rd_kafka_NewTopic_set_config(nt, k.c_str(), v.c_str()); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            rd_kafka_NewTopic_destroy(nt);
            return to_error(err, fmt::format("config {}={}", k, v));
        }
    }
    auto opts = impl_->options(RD_KAFKA_ADMIN_OP_CREATETOPICS);
    if (validate_only) rd_kafka_AdminOptions_set_validate_only(opts.get(), 1, errstr, sizeof errstr);
    rd_kafka_CreateTopics(impl_->rk.get(), &nt, 1, opts.get(), impl_->queue.get());
    rd_kafka_NewTopic_destroy(nt);
    auto ev = impl_->wait(RD_KAFKA_EVENT_CREATETOPICS_RESULT, "CreateTopics");
    if (!ev) return ev.error();
    size_t n = 0;
    auto* res = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev->get()), &n);
    return impl_->topic_results(res, n, "cannot create topic");
}

status admin::delete_topic(const std::string& topic) {
    rd_kafka_DeleteTopic_t* dt = rd_kafka_DeleteTopic_new(topic.c_str());
    auto opts = impl_->options(RD_KAFKA_ADMIN_OP_DELETETOPICS);
    rd_kafka_DeleteTopics(impl_->rk.get(), &dt, 1, opts.get(), impl_->queue.get());
    rd_kafka_DeleteTopic_destroy(dt);
    auto ev = impl_->wait(RD_KAFKA_EVENT_DELETETOPICS_RESULT, "DeleteTopics");
    if (!ev) return ev.error();
    size_t n = 0;
    auto* res = rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(ev->get()), &n);
    return impl_->topic_results(res, n, "cannot delete topic");
}

status admin::create_partitions(const std::string& topic, int total) {
    char errstr[512];
    rd_kafka_NewPartitions_t* np = rd_kafka_NewPartitions_new(topic.c_str(), static_cast<size_t>(total), errstr, sizeof errstr);
    if (np == nullptr) return make_error(errc::invalid_argument, fmt::format("topic '{}': {}", topic, errstr));
    auto opts = impl_->options(RD_KAFKA_ADMIN_OP_CREATEPARTITIONS);
    rd_kafka_CreatePartitions(impl_->rk.get(), &np, 1, opts.get(), impl_->queue.get());
    rd_kafka_NewPartitions_destroy(np);
    auto ev = impl_->wait(RD_KAFKA_EVENT_CREATEPARTITIONS_RESULT, "CreatePartitions");
    if (!ev) return ev.error();
    size_t n = 0;
    auto* res = rd_kafka_CreatePartitions_result_topics(rd_kafka_event_CreatePartitions_result(ev->get()), &n);
    return impl_->topic_results(res, n, "cannot add partitions to topic");
}

namespace {

status resource_error(const rd_kafka_ConfigResource_t* r, std::string_view what) {
    auto err = rd_kafka_ConfigResource_error(r);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return ok();
    auto e = to_error(err, fmt::format("{} '{}'", what, rd_kafka_ConfigResource_name(r)));
    if (const char* s = rd_kafka_ConfigResource_error_string(r); s != nullptr && *s != '\0') {
        e.message = fmt::format("{} '{}': {} ({})", what, rd_kafka_ConfigResource_name(r), s, rd_kafka_err2name(err));
    }
    return e;
}

}  // namespace

result<std::vector<config_entry>> admin::describe_topic_configs(const std::string& topic) {
    return describe_configs(RD_KAFKA_RESOURCE_TOPIC, topic, "cannot describe the configs of topic");
}

result<std::vector<config_entry>> admin::describe_broker_configs(node_id broker) {
    return describe_configs(RD_KAFKA_RESOURCE_BROKER, std::to_string(broker()), "cannot describe the configs of broker");
}

result<std::vector<config_entry>> admin::describe_configs(int resource_type, const std::string& name,
                                                         std::string_view what) {
    rd_kafka_ConfigResource_t* cr =
        rd_kafka_ConfigResource_new(static_cast<rd_kafka_ResourceType_t>(resource_type), name.c_str());
    auto opts = impl_->options(RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS);
    rd_kafka_DescribeConfigs(impl_->rk.get(), &cr, 1, opts.get(), impl_->queue.get());
    rd_kafka_ConfigResource_destroy(cr);
    auto ev = impl_->wait(RD_KAFKA_EVENT_DESCRIBECONFIGS_RESULT, "DescribeConfigs");
    if (!ev) return ev.error();
    size_t n = 0;
    auto* res = rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(ev->get()), &n);
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

status admin::alter_topic_configs(const std::string& topic, const std::map<std::string, std::string>& configs) {
    rd_kafka_ConfigResource_t* cr = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.c_str());
    for (const auto& [k, v] : configs) {
        if (auto err = rd_kafka_ConfigResource_set_config(cr, k.c_str(), v.c_str()); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            rd_kafka_ConfigResource_destroy(cr);
            return to_error(err, fmt::format("config {}={}", k, v));
        }
    }
    auto opts = impl_->options(RD_KAFKA_ADMIN_OP_ALTERCONFIGS);
    rd_kafka_AlterConfigs(impl_->rk.get(), &cr, 1, opts.get(), impl_->queue.get());
    rd_kafka_ConfigResource_destroy(cr);
    auto ev = impl_->wait(RD_KAFKA_EVENT_ALTERCONFIGS_RESULT, "AlterConfigs");
    if (!ev) return ev.error();
    size_t n = 0;
    auto* res = rd_kafka_AlterConfigs_result_resources(rd_kafka_event_AlterConfigs_result(ev->get()), &n);
    for (size_t i = 0; i < n; ++i) {
        if (auto s = resource_error(res[i], "cannot alter the configs of topic"); !s) return s;
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

result<group_description> admin::describe_group(const std::string& group_id) {
    auto opts = impl_->options(RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS);
    const char* ids[] = {group_id.c_str()};
    rd_kafka_DescribeConsumerGroups(impl_->rk.get(), ids, 1, opts.get(), impl_->queue.get());
    auto ev = impl_->wait(RD_KAFKA_EVENT_DESCRIBECONSUMERGROUPS_RESULT, "DescribeGroups");
    if (!ev) return ev.error();
    size_t n = 0;
    auto* groups = rd_kafka_DescribeConsumerGroups_result_groups(rd_kafka_event_DescribeConsumerGroups_result(ev->get()), &n);
    if (n != 1) return make_error(errc::io_error, fmt::format("DescribeGroups: {} answers for one group", n));
    const auto* g = groups[0];
    if (const auto* err = rd_kafka_ConsumerGroupDescription_error(g); err != nullptr) {
        return to_error(err, fmt::format("cannot describe group '{}'", group_id));
    }
    group_description out;
    out.group_id = rd_kafka_ConsumerGroupDescription_group_id(g);
    out.state = rd_kafka_consumer_group_state_name(rd_kafka_ConsumerGroupDescription_state(g));
    if (const char* a = rd_kafka_ConsumerGroupDescription_partition_assignor(g); a != nullptr) out.partition_assignor = a;
    out.simple = rd_kafka_ConsumerGroupDescription_is_simple_consumer_group(g) != 0;
    if (const auto* c = rd_kafka_ConsumerGroupDescription_coordinator(g); c != nullptr) out.coordinator = node_id(rd_kafka_Node_id(c));
    size_t members = rd_kafka_ConsumerGroupDescription_member_count(g);
    for (size_t i = 0; i < members; ++i) {
        const auto* m = rd_kafka_ConsumerGroupDescription_member(g, static_cast<int>(i));
        group_member gm;
        auto str = [](const char* s) { return s != nullptr ? std::string(s) : std::string(); };
        gm.member_id = str(rd_kafka_MemberDescription_consumer_id(m));
        gm.client_id = str(rd_kafka_MemberDescription_client_id(m));
        gm.host = str(rd_kafka_MemberDescription_host(m));
        gm.group_instance_id = str(rd_kafka_MemberDescription_group_instance_id(m));
        if (const auto* a = rd_kafka_MemberDescription_assignment(m); a != nullptr) {
            if (const auto* parts = rd_kafka_MemberAssignment_partitions(a); parts != nullptr) {
                for (int p = 0; p < parts->cnt; ++p) {
                    gm.assignment.push_back({parts->elems[p].topic, partition_id(parts->elems[p].partition)});
                }
            }
        }
        std::sort(gm.assignment.begin(), gm.assignment.end());
        out.members.push_back(std::move(gm));
    }
    return out;
}

result<std::vector<committed_offset>> admin::committed_offsets(const std::string& group_id) {
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
            committed_offset co{{el.topic, partition_id(el.partition)}, offset(el.offset), {}};
            if (el.metadata != nullptr) co.metadata.assign(static_cast<const char*>(el.metadata), el.metadata_size);
            out.push_back(std::move(co));
        }
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.tp < b.tp; });
    return out;
}

result<watermarks> admin::query_watermarks(const std::string& topic, partition_id partition) {
    int64_t low = -1;
    int64_t high = -1;
    auto err = rd_kafka_query_watermark_offsets(impl_->rk.get(), topic.c_str(), partition(), &low, &high,
                                                static_cast<int>(impl_->config.timeout.count()));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (is_unreachable(err)) return unreachable_error(impl_->config, impl_->state);
        return to_error(err, fmt::format("ListOffsets for {}-{}", topic, partition()));
    }
    return watermarks{offset(low), offset(high)};
}

namespace {

struct acl_deleter {
    void operator()(rd_kafka_AclBinding_t* a) const { rd_kafka_AclBinding_destroy(a); }
};
using acl_ptr = std::unique_ptr<rd_kafka_AclBinding_t, acl_deleter>;

// A binding (filter = false) or a filter (true: null strings match anything).
result<acl_ptr> to_rd(const acl_binding& a, bool filter) {
    char errstr[512];
    auto make = filter ? rd_kafka_AclBindingFilter_new : rd_kafka_AclBinding_new;
    auto c_str = [](const std::optional<std::string>& s) { return s ? s->c_str() : nullptr; };
    acl_ptr p(make(static_cast<rd_kafka_ResourceType_t>(a.resource_type), c_str(a.name),
                   static_cast<rd_kafka_ResourcePatternType_t>(a.pattern_type), c_str(a.principal), c_str(a.host),
                   static_cast<rd_kafka_AclOperation_t>(a.operation),
                   static_cast<rd_kafka_AclPermissionType_t>(a.permission), errstr, sizeof errstr));
    if (!p) return make_error(errc::invalid_argument, errstr);
    return p;
}

acl_binding from_rd(const rd_kafka_AclBinding_t* b) {
    return {rd_kafka_AclBinding_restype(b), rd_kafka_AclBinding_name(b), rd_kafka_AclBinding_resource_pattern_type(b),
            rd_kafka_AclBinding_principal(b), rd_kafka_AclBinding_host(b), rd_kafka_AclBinding_operation(b),
            rd_kafka_AclBinding_permission_type(b)};
}

error acl_error(const rd_kafka_error_t* e, std::string_view what) {
    return make_error(errc::invalid_argument,
                      fmt::format("{}: {} ({})", what, rd_kafka_error_string(e), rd_kafka_error_name(e)));
}

}  // namespace

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

namespace {

partition_list_ptr to_partition_list(const std::vector<std::pair<topic_partition, offset>>& offsets) {
    partition_list_ptr list(rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size())));
    for (const auto& [tp, o] : offsets) {
        rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition())->offset = o();
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

}  // namespace

std::vector<std::pair<std::string, status>> admin::delete_groups(const std::vector<std::string>& group_ids) {
    std::vector<std::pair<std::string, status>> out;
    std::vector<rd_kafka_DeleteGroup_t*> requests;
    for (const auto& id : group_ids) requests.push_back(rd_kafka_DeleteGroup_new(id.c_str()));
    auto opts = impl_->options(RD_KAFKA_ADMIN_OP_DELETEGROUPS);
    rd_kafka_DeleteGroups(impl_->rk.get(), requests.data(), requests.size(), opts.get(), impl_->queue.get());
    rd_kafka_DeleteGroup_destroy_array(requests.data(), requests.size());
    auto ev = impl_->wait(RD_KAFKA_EVENT_DELETEGROUPS_RESULT, "DeleteGroups");
    if (!ev) {
        for (const auto& id : group_ids) out.emplace_back(id, ev.error());
        return out;
    }
    size_t n = 0;
    auto* groups = rd_kafka_DeleteGroups_result_groups(rd_kafka_event_DeleteGroups_result(ev->get()), &n);
    for (size_t i = 0; i < n; ++i) {
        std::string id = rd_kafka_group_result_name(groups[i]);
        const auto* err = rd_kafka_group_result_error(groups[i]);
        out.emplace_back(id, err == nullptr ? ok() : status(to_error(err, fmt::format("cannot delete group '{}'", id))));
    }
    return out;
}

status admin::delete_group_offsets(const std::string& group_id, const std::vector<topic_partition>& partitions) {
    std::vector<std::pair<topic_partition, offset>> list;
    for (const auto& tp : partitions) list.emplace_back(tp, offset(-1));
    auto parts = to_partition_list(list);
    rd_kafka_DeleteConsumerGroupOffsets_t* req = rd_kafka_DeleteConsumerGroupOffsets_new(group_id.c_str(), parts.get());
    auto opts = impl_->options(RD_KAFKA_ADMIN_OP_DELETECONSUMERGROUPOFFSETS);
    rd_kafka_DeleteConsumerGroupOffsets(impl_->rk.get(), &req, 1, opts.get(), impl_->queue.get());
    rd_kafka_DeleteConsumerGroupOffsets_destroy(req);
    auto ev = impl_->wait(RD_KAFKA_EVENT_DELETECONSUMERGROUPOFFSETS_RESULT, "OffsetDelete");
    if (!ev) return ev.error();
    size_t n = 0;
    auto* groups = rd_kafka_DeleteConsumerGroupOffsets_result_groups(
        rd_kafka_event_DeleteConsumerGroupOffsets_result(ev->get()), &n);
    for (size_t i = 0; i < n; ++i) {
        if (const auto* err = rd_kafka_group_result_error(groups[i]); err != nullptr) {
            return to_error(err, fmt::format("cannot delete offsets of group '{}'", group_id));
        }
        if (auto s = partition_errors(rd_kafka_group_result_partitions(groups[i]),
                                      fmt::format("cannot delete the offset of group '{}' for", group_id));
            !s) {
            return s;
        }
    }
    return ok();
}

status admin::alter_group_offsets(const std::string& group_id,
                                  const std::vector<std::pair<topic_partition, offset>>& offsets) {
    auto parts = to_partition_list(offsets);
    rd_kafka_AlterConsumerGroupOffsets_t* req = rd_kafka_AlterConsumerGroupOffsets_new(group_id.c_str(), parts.get());
    auto opts = impl_->options(RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS);
    rd_kafka_AlterConsumerGroupOffsets(impl_->rk.get(), &req, 1, opts.get(), impl_->queue.get());
    rd_kafka_AlterConsumerGroupOffsets_destroy(req);
    auto ev = impl_->wait(RD_KAFKA_EVENT_ALTERCONSUMERGROUPOFFSETS_RESULT, "OffsetCommit");
    if (!ev) return ev.error();
    size_t n = 0;
    auto* groups = rd_kafka_AlterConsumerGroupOffsets_result_groups(
        rd_kafka_event_AlterConsumerGroupOffsets_result(ev->get()), &n);
    for (size_t i = 0; i < n; ++i) {
        if (const auto* err = rd_kafka_group_result_error(groups[i]); err != nullptr) {
            return to_error(err, fmt::format("cannot commit offsets for group '{}'", group_id));
        }
        if (auto s = partition_errors(rd_kafka_group_result_partitions(groups[i]),
                                      fmt::format("cannot commit the offset of group '{}' for", group_id));
            !s) {
            return s;
        }
    }
    return ok();
}

result<std::vector<std::pair<topic_partition, offset>>> admin::delete_records(
    const std::vector<std::pair<topic_partition, offset>>& before) {
    auto parts = to_partition_list(before);
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
        out.emplace_back(topic_partition{el.topic, partition_id(el.partition)}, offset(el.offset));
    }
    std::sort(out.begin(), out.end());
    return out;
}

result<offset> admin::offset_for_time(const topic_partition& tp, int64_t timestamp_ms) {
    partition_list_ptr list(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition())->offset = timestamp_ms;
    auto err = rd_kafka_offsets_for_times(impl_->rk.get(), list.get(), static_cast<int>(impl_->config.timeout.count()));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (is_unreachable(err)) return unreachable_error(impl_->config, impl_->state);
        return to_error(err, fmt::format("ListOffsets by time for {}-{}", tp.topic, tp.partition()));
    }
    const auto& el = list->elems[0];
    if (el.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return to_error(el.err, fmt::format("ListOffsets by time for {}-{}", tp.topic, tp.partition()));
    }
    return offset(el.offset);
}

}  // namespace samsa::cli::kafka
