#include "mailauth/dmarc/record.h"

#include <algorithm>
#include <charconv>
#include <limits>

#include "mailauth/tag_list.h"

namespace sealbox::mailauth::dmarc {

namespace {

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    return std::ranges::equal(a, b, [](char x, char y) { return lower(x) == lower(y); });
}

bool is_alpha(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_wsp(char c) {
    return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && is_wsp(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && is_wsp(text.back())) {
        text.remove_suffix(1);
    }
    return text;
}

// Splits on `separator`, each piece without the blanks around it (§6.4 "*WSP" beside ","/":").
std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> pieces;
    while (true) {
        std::size_t at = text.find(separator);
        pieces.push_back(trim(text.substr(0, at)));
        if (at == std::string_view::npos) {
            return pieces;
        }
        text.remove_prefix(at + 1);
    }
}

template <typename Number>
std::optional<Number> parse_number(std::string_view digits) {
    Number value{};
    if (digits.empty() || !std::ranges::all_of(digits, is_digit)) {
        return std::nullopt;
    }
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (error != std::errc() || end != digits.data() + digits.size()) {
        return std::nullopt;
    }
    return value;
}

// §6.4: ( "none" / "quarantine" / "reject" ); ABNF strings ignore case.
std::optional<Policy> parse_policy(std::string_view value) {
    for (Policy policy : {Policy::none, Policy::quarantine, Policy::reject}) {
        if (equals_ignoring_case(value, to_string(policy))) {
            return policy;
        }
    }
    return std::nullopt;
}

std::optional<Alignment> parse_alignment(std::string_view value) {
    if (equals_ignoring_case(value, "r")) {
        return Alignment::relaxed;
    }
    if (equals_ignoring_case(value, "s")) {
        return Alignment::strict;
    }
    return std::nullopt;
}

// RFC 3986 §2: the characters a URI may hold, less "," and "!", which DMARC uses to separate
// URIs and the size limit (§6.2: those must be percent-encoded inside a URI).
bool is_uri_char(char c) {
    return is_alpha(c) || is_digit(c) ||
           std::string_view("-._~:/?#[]@$&'()*+;=%").find(c) != std::string_view::npos;
}

// dmarc-uri = URI [ "!" 1*DIGIT [ "k" / "m" / "g" / "t" ] ]; only absolute URIs (scheme ":"
// something) make sense as report destinations.
std::optional<ReportUri> parse_uri(std::string_view text) {
    ReportUri out;
    std::size_t bang = text.find('!');
    std::string_view uri = text.substr(0, bang);
    if (bang != std::string_view::npos) {
        std::string_view size = text.substr(bang + 1);
        unsigned shift = 0;
        if (!size.empty() && is_alpha(size.back())) {
            std::size_t unit = std::string_view("kmgt").find(lower(size.back()));
            if (unit == std::string_view::npos) {
                return std::nullopt;
            }
            shift = 10 * static_cast<unsigned>(unit + 1);
            size.remove_suffix(1);
        }
        auto number = parse_number<std::uint64_t>(size);
        if (!number || *number > (std::numeric_limits<std::uint64_t>::max() >> shift)) {
            return std::nullopt;
        }
        out.max_size = *number << shift;
    }
    std::size_t colon = uri.find(':');
    if (colon == 0 || colon == std::string_view::npos || colon + 1 == uri.size() ||
        !is_alpha(uri.front()) || !std::ranges::all_of(uri, is_uri_char)) {
        return std::nullopt;
    }
    // RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
    if (!std::ranges::all_of(uri.substr(0, colon), [](char c) {
            return is_alpha(c) || is_digit(c) || c == '+' || c == '-' || c == '.';
        })) {
        return std::nullopt;
    }
    out.uri = uri;
    return out;
}

// rua/ruf. A URI that does not parse is dropped (§6.6.3 step 6 speaks of a list holding "at
// least one syntactically valid reporting URI"); a list with none left is invalid.
std::optional<std::vector<ReportUri>> parse_uri_list(std::string_view value) {
    std::vector<ReportUri> uris;
    for (std::string_view piece : split(value, ',')) {
        if (auto uri = parse_uri(piece)) {
            uris.push_back(std::move(*uri));
        }
    }
    if (uris.empty()) {
        return std::nullopt;
    }
    return uris;
}

// fo = ( "0" / "1" / "d" / "s" ) *( ":" ... ), kept as "0:d" (lower case, no blanks).
std::optional<std::string> parse_failure_options(std::string_view value) {
    std::string out;
    for (std::string_view option : split(value, ':')) {
        if (option.size() != 1 ||
            std::string_view("01ds").find(lower(option[0])) == std::string_view::npos) {
            return std::nullopt;
        }
        if (!out.empty()) {
            out += ':';
        }
        out += lower(option[0]);
    }
    return out;
}

// rf = Keyword *( ":" Keyword ), Keyword being RFC 5321's Ldh-str.
std::optional<std::vector<std::string>> parse_formats(std::string_view value) {
    std::vector<std::string> formats;
    for (std::string_view format : split(value, ':')) {
        if (format.empty() || format.back() == '-' || !std::ranges::all_of(format, [](char c) {
                return is_alpha(c) || is_digit(c) || c == '-';
            })) {
            return std::nullopt;
        }
        formats.emplace_back(format);
    }
    return formats;
}

}  // namespace

std::string_view to_string(Policy policy) {
    switch (policy) {
        case Policy::none:
            return "none";
        case Policy::quarantine:
            return "quarantine";
        case Policy::reject:
            return "reject";
    }
    return "none";
}

// dmarc-version = "v" *WSP "=" *WSP %x44 %x4d %x41 %x52 %x43 %x31 (case-sensitive "DMARC1"),
// then the end or a ";".
bool is_dmarc_record(std::string_view text) {
    std::size_t at = 0;
    auto skip_wsp = [&] {
        while (at < text.size() && is_wsp(text[at])) {
            ++at;
        }
    };
    skip_wsp();
    if (at == text.size() || lower(text[at]) != 'v') {
        return false;
    }
    ++at;
    skip_wsp();
    if (at == text.size() || text[at] != '=') {
        return false;
    }
    ++at;
    skip_wsp();
    if (text.substr(at, 6) != "DMARC1") {
        return false;
    }
    at += 6;
    skip_wsp();
    return at == text.size() || text[at] == ';';
}

std::optional<Record> parse_record(std::string_view text, RecordProblem* problem) {
    auto fail = [&](RecordProblem why) -> std::optional<Record> {
        if (problem) {
            *problem = why;
        }
        return std::nullopt;
    };
    if (!is_dmarc_record(text)) {
        return fail(RecordProblem::syntax);  // §6.3: "v" MUST be the first tag
    }
    auto tags = TagList::parse(text);
    if (!tags) {
        return fail(RecordProblem::syntax);
    }
    // Tag names are ABNF literals, so compare without case; a name given twice is an error.
    for (std::size_t i = 0; i < tags->tags().size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            if (equals_ignoring_case(tags->tags()[i].name, tags->tags()[j].name)) {
                return fail(RecordProblem::syntax);
            }
        }
    }
    auto find = [&](std::string_view name) -> std::optional<std::string_view> {
        for (const Tag& tag : tags->tags()) {
            if (equals_ignoring_case(tag.name, name)) {
                return tag.value;
            }
        }
        return std::nullopt;
    };

    Record record;
    bool policy_valid = true;
    auto read_policy = [&](std::string_view name, std::optional<Policy>& into) {
        if (auto value = find(name)) {
            into = parse_policy(*value);
            policy_valid = policy_valid && into.has_value();
        }
    };
    std::optional<Policy> policy;
    read_policy("p", policy);
    policy_valid = policy_valid && policy.has_value();  // p is REQUIRED (§6.3)
    read_policy("sp", record.subdomain_policy);
    read_policy("np", record.nonexistent_policy);  // RFC 9091 §4.1, same values as sp

    auto rua = find("rua");
    auto aggregate_uris = rua ? parse_uri_list(*rua) : std::nullopt;
    if (aggregate_uris) {
        record.aggregate_uris = std::move(*aggregate_uris);
    }
    if (!policy_valid) {
        // §6.6.3 step 6: without a valid p (or with an invalid sp), a record naming a report
        // address still counts, as "v=DMARC1; p=none"; any other means no DMARC processing.
        if (record.aggregate_uris.empty()) {
            return fail(RecordProblem::invalid_policy);
        }
        policy = Policy::none;
        record.subdomain_policy.reset();
        record.nonexistent_policy.reset();
        record.policy_defaulted = true;
    }
    if (rua && record.aggregate_uris.empty()) {
        return fail(RecordProblem::syntax);
    }
    record.policy = *policy;

    if (auto ruf = find("ruf")) {
        auto uris = parse_uri_list(*ruf);
        if (!uris) {
            return fail(RecordProblem::syntax);
        }
        record.failure_uris = std::move(*uris);
    }
    for (auto [name, into] :
         {std::pair{"adkim", &record.dkim_alignment}, std::pair{"aspf", &record.spf_alignment}}) {
        if (auto value = find(name)) {
            auto alignment = parse_alignment(*value);
            if (!alignment) {
                return fail(RecordProblem::syntax);
            }
            *into = *alignment;
        }
    }
    if (auto value = find("pct")) {
        auto percent = value->size() <= 3 ? parse_number<int>(*value) : std::nullopt;
        if (!percent || *percent > 100) {  // 1*3DIGIT, "an integer between 0 and 100"
            return fail(RecordProblem::syntax);
        }
        record.percent = *percent;
    }
    if (auto value = find("ri")) {
        auto interval = parse_number<std::uint32_t>(*value);
        if (!interval) {
            return fail(RecordProblem::syntax);
        }
        record.report_interval = *interval;
    }
    if (auto value = find("fo")) {
        auto options = parse_failure_options(*value);
        if (!options) {
            return fail(RecordProblem::syntax);
        }
        record.failure_options = std::move(*options);
    }
    if (auto value = find("rf")) {
        auto formats = parse_formats(*value);
        if (!formats) {
            return fail(RecordProblem::syntax);
        }
        record.report_formats = std::move(*formats);
    }
    return record;
}

}  // namespace sealbox::mailauth::dmarc
