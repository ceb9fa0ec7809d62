#include "mailauth/dkim/canonicalization.h"

#include <sodium.h>

#include "mailauth/tag_list.h"
#include "smtp/proto/chars.h"

namespace sealbox::mailauth::dkim {

namespace {

bool is_wsp(char c) {
    return c == ' ' || c == '\t';
}

// Appends `line` (without its CRLF) with runs of WSP made one SP and trailing WSP removed
// (§3.4.4 a and b).
void append_relaxed_line(std::string& out, std::string_view line) {
    bool pending_space = false;
    for (char c : line) {
        if (is_wsp(c)) {
            pending_space = true;
            continue;
        }
        if (pending_space) {
            out += ' ';
            pending_space = false;
        }
        out += c;
    }
}

class Hasher {
  public:
    Hasher() { crypto_hash_sha256_init(&state_); }
    void update(std::string_view data) {
        crypto_hash_sha256_update(&state_, reinterpret_cast<const unsigned char*>(data.data()),
                                  data.size());
    }
    Sha256 finish() {
        Sha256 out;
        crypto_hash_sha256_final(&state_, out.data());
        return out;
    }

  private:
    crypto_hash_sha256_state state_;
};

}  // namespace

std::string canonicalize_header(std::string_view field, Canon canon) {
    if (canon == Canon::simple) {
        return std::string(field);  // §3.4.1: no change at all
    }
    // §3.4.2: name in lower case, unfolded, WSP runs made one SP, WSP around the colon and at
    // the end of the value removed.
    if (field.ends_with("\r\n")) {
        field.remove_suffix(2);
    }
    auto unfold = [](std::string_view text) {
        std::string out;
        out.reserve(text.size());
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (text.substr(i, 2) == "\r\n") {
                ++i;
                continue;
            }
            out += text[i];
        }
        return out;
    };
    auto colon = field.find(':');
    std::string name = unfold(field.substr(0, colon));
    while (!name.empty() && is_wsp(name.back())) {
        name.pop_back();
    }
    std::string out;
    out.reserve(field.size() + 2);
    for (char c : name) {
        out += smtp::chars::to_lower(c);
    }
    if (colon != std::string_view::npos) {
        out += ':';
        std::string value = unfold(field.substr(colon + 1));
        std::string_view trimmed = value;
        while (!trimmed.empty() && is_wsp(trimmed.front())) {
            trimmed.remove_prefix(1);
        }
        append_relaxed_line(out, trimmed);
    }
    return out + "\r\n";
}

std::string canonicalize_body(std::string_view body, Canon canon) {
    std::string out;
    out.reserve(body.size() + 2);
    // Empty lines are held back until a line with content follows: trailing ones are dropped
    // (§3.4.3, §3.4.4 c).
    std::size_t pending_empty = 0;
    std::size_t at = 0;
    while (at < body.size()) {
        auto end = body.find("\r\n", at);
        std::size_t line_end = end == std::string_view::npos ? body.size() : end;
        std::string_view line = body.substr(at, line_end - at);
        at = end == std::string_view::npos ? body.size() : end + 2;
        std::size_t mark = out.size();
        if (canon == Canon::simple) {
            out += line;
        } else {
            append_relaxed_line(out, line);
        }
        if (out.size() == mark) {  // an empty line (after relaxing)
            ++pending_empty;
            continue;
        }
        for (; pending_empty > 0; --pending_empty) {
            out.insert(mark, "\r\n");
        }
        out += "\r\n";  // also ends a last line that had no CRLF (§3.4.3, §3.4.4)
    }
    // §3.4.3: an empty body is one CRLF under "simple"; §3.4.4 leaves it empty under "relaxed".
    if (out.empty() && canon == Canon::simple) {
        out = "\r\n";
    }
    return out;
}

BodyHash hash_body(std::string_view body, Canon canon, std::optional<std::uint64_t> limit) {
    std::string canonical = canonicalize_body(body, canon);
    BodyHash result;
    result.canonical_length = canonical.size();
    result.hashed_length =
        limit && *limit < canonical.size() ? *limit : static_cast<std::uint64_t>(canonical.size());
    Hasher hasher;
    hasher.update(std::string_view(canonical).substr(0, result.hashed_length));
    result.digest = hasher.finish();
    return result;
}

std::string without_b_value(std::string_view field) {
    auto colon = field.find(':');
    if (colon == std::string_view::npos) {
        return std::string(field);
    }
    std::string_view value = field.substr(colon + 1);
    if (value.ends_with("\r\n")) {
        value.remove_suffix(2);
    }
    auto tags = TagList::parse(value);
    if (!tags) {
        return std::string(field);
    }
    auto b = tags->find("b");
    if (!b) {
        return std::string(field);
    }
    // The value view points into `field`. Delete from just after "b=" (with the FWS that may
    // follow it) up to the ";" that ends the tag, or the end of the value: "including all
    // surrounding whitespace".
    std::size_t start = static_cast<std::size_t>(b->data() - field.data());
    while (field[start - 1] != '=') {
        --start;
    }
    std::size_t value_end = static_cast<std::size_t>(value.data() - field.data()) + value.size();
    std::size_t end = field.find(';', static_cast<std::size_t>(b->data() - field.data()));
    if (end == std::string_view::npos || end > value_end) {
        end = value_end;
    }
    std::string out(field.substr(0, start));
    out += field.substr(end);
    return out;
}

Sha256 hash_headers(const std::vector<const HeaderField*>& selected,
                    std::string_view signature_field, Canon canon) {
    Hasher hasher;
    for (const auto* field : selected) {
        hasher.update(canonicalize_header(field->text, canon));
    }
    std::string own = canonicalize_header(without_b_value(signature_field), canon);
    own.resize(own.size() - 2);  // §3.7: "without a trailing CRLF"
    hasher.update(own);
    return hasher.finish();
}

}  // namespace sealbox::mailauth::dkim
