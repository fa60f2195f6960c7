#include "samsa/broker/security/tls/principal_mapping.h"

#include <algorithm>
#include <cctype>

namespace samsa::broker::security {

result<principal_mapping> principal_mapping::parse(const std::string& text) {
    principal_mapping out;
    size_t at = 0;
    auto bad = [&](const std::string& why) {
        return make_error(errc::invalid_argument, "ssl.principal.mapping.rules: " + why);
    };
    while (at < text.size()) {
        while (at < text.size() && (text[at] == ',' || std::isspace(static_cast<unsigned char>(text[at])))) ++at;
        if (at >= text.size()) break;
        if (text.compare(at, 7, "DEFAULT") == 0) {
            out.rules_.push_back(rule{});
            at += 7;
            continue;
        }
        if (text.compare(at, 5, "RULE:") != 0) return bad("expected DEFAULT or RULE: at '" + text.substr(at) + "'");
        at += 5;
        // pattern/replacement/ with an optional L or U; '/' cannot be escaped
        // (as in Kafka).
        size_t slash1 = text.find('/', at);
        size_t slash2 = slash1 == std::string::npos ? slash1 : text.find('/', slash1 + 1);
        if (slash2 == std::string::npos) return bad("a RULE needs pattern/replacement/");
        rule r;
        r.is_default = false;
        try {
            r.pattern = std::regex(text.substr(at, slash1 - at));
        } catch (const std::regex_error& e) {
            return bad("bad pattern '" + text.substr(at, slash1 - at) + "': " + e.what());
        }
        r.replacement = text.substr(slash1 + 1, slash2 - slash1 - 1);
        at = slash2 + 1;
        if (at < text.size() && (text[at] == 'L' || text[at] == 'U')) r.case_change = text[at++];
        out.rules_.push_back(std::move(r));
    }
    if (out.rules_.empty()) out.rules_.push_back(rule{});
    return out;
}

std::optional<std::string> principal_mapping::map(const std::string& subject) const {
    for (const auto& r : rules_) {
        if (r.is_default) return subject;
        std::smatch m;
        if (!std::regex_match(subject, m, r.pattern)) continue;
        std::string name = m.format(r.replacement);
        if (r.case_change == 'L') std::transform(name.begin(), name.end(), name.begin(), ::tolower);
        if (r.case_change == 'U') std::transform(name.begin(), name.end(), name.begin(), ::toupper);
        return name;
    }
    return std::nullopt;
}

}  // namespace samsa::broker::security
