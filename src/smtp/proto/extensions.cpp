#include "smtp/proto/extensions.h"

#include <algorithm>
#include <limits>

#include "smtp/proto/chars.h"

namespace sealbox::smtp {
namespace {

using namespace chars;

std::vector<std::string_view> words(std::string_view s) {
    std::vector<std::string_view> out;
    while (!s.empty()) {
        std::size_t start = s.find_first_not_of(' ');
        if (start == std::string_view::npos) {
            break;
        }
        s.remove_prefix(start);
        std::size_t end = s.find(' ');
        out.push_back(s.substr(0, end));
        s.remove_prefix(end == std::string_view::npos ? s.size() : end);
    }
    return out;
}

// RFC 5321 §4.1.1.1: ehlo-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
bool is_ehlo_keyword(std::string_view s) {
    return !s.empty() && is_alnum(s.front()) &&
           std::all_of(s.begin(), s.end(), [](char c) { return is_alnum(c) || c == '-'; });
}

std::string upper(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), to_upper);
    return out;
}

// RFC 1870 §4: size-param = [1*DIGIT]; no parameter, or one beyond 64 bits, states no limit.
std::uint64_t size_limit(const std::vector<std::string_view>& params) {
    if (params.empty() || params.front().empty() ||
        !std::all_of(params.front().begin(), params.front().end(), is_digit)) {
        return 0;
    }
    std::uint64_t value = 0;
    for (char c : params.front()) {
        auto d = static_cast<std::uint64_t>(c - '0');
        if (value > (std::numeric_limits<std::uint64_t>::max() - d) / 10) {
            return 0;
        }
        value = value * 10 + d;
    }
    return value;
}

void add_mechanisms(Extensions& out, const std::vector<std::string_view>& params) {
    for (std::string_view mechanism : params) {
        std::string name = upper(mechanism);
        if (!name.empty() && std::find(out.auth.begin(), out.auth.end(), name) == out.auth.end()) {
            out.auth.push_back(std::move(name));
        }
    }
}

}  // namespace

bool Extensions::offers_auth(std::string_view mechanism) const {
    return std::any_of(auth.begin(), auth.end(),
                       [&](const std::string& m) { return iequals(m, mechanism); });
}

Extensions parse_ehlo(const Reply& reply) {
    Extensions out;
    if (reply.lines.empty()) {
        return out;
    }
    auto first = words(reply.lines.front());
    if (!first.empty()) {
        out.server_name = std::string(first.front());
    }
    for (std::size_t i = 1; i < reply.lines.size(); ++i) {
        auto params = words(reply.lines[i]);
        if (params.empty()) {
            continue;
        }
        std::string_view word = params.front();
        params.erase(params.begin());
        std::string keyword = upper(word);
        // Servers from before RFC 2554 was final announce "AUTH=LOGIN PLAIN"; the mechanisms
        // are the same ones.
        if (keyword.starts_with("AUTH=")) {
            params.insert(params.begin(), word.substr(5));
            keyword = "AUTH";
        }
        if (!is_ehlo_keyword(keyword)) {
            continue;
        }
        if (keyword == "PIPELINING") {
            out.pipelining = true;
        } else if (keyword == "SIZE") {
            out.size = size_limit(params);
        } else if (keyword == "8BITMIME") {
            out.eight_bit_mime = true;
        } else if (keyword == "SMTPUTF8") {
            out.smtputf8 = true;
        } else if (keyword == "STARTTLS") {
            out.starttls = true;
        } else if (keyword == "DSN") {
            out.dsn = true;
        } else if (keyword == "CHUNKING") {
            out.chunking = true;
        } else if (keyword == "ENHANCEDSTATUSCODES") {
            out.enhanced_status_codes = true;
        } else if (keyword == "REQUIRETLS") {
            out.requiretls = true;
        } else if (keyword == "AUTH") {
            add_mechanisms(out, params);
        }
    }
    return out;
}

}  // namespace sealbox::smtp
