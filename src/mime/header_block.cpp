#include "mime/header_block.h"

#include <cstring>

namespace sealbox::mime {

namespace {

bool is_blank(char c) {
    return c == ' ' || c == '\t';
}

// RFC 5322 §3.6.8 field names are printable US-ASCII; octets above 127 are let through as GMime
// lets them, since some mailers write them and the rest of the header is still worth reading.
bool is_field_name(std::string_view name) {
    if (name.empty()) {
        return false;
    }
    for (char c : name) {
        const auto octet = static_cast<unsigned char>(c);
        if (octet <= ' ' || octet == 127) {
            return false;
        }
    }
    return true;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i];
        char y = b[i];
        if (x >= 'A' && x <= 'Z') {
            x = static_cast<char>(x - 'A' + 'a');
        }
        if (y >= 'A' && y <= 'Z') {
            y = static_cast<char>(y - 'A' + 'a');
        }
        if (x != y) {
            return false;
        }
    }
    return true;
}

}  // namespace

std::string HeaderBlock::value(std::string_view name) const {
    for (const HeaderField& field : fields) {
        if (equals_ignoring_case(field.name, name)) {
            return unfold(field.raw_value);
        }
    }
    return {};
}

HeaderBlock read_header_block(std::string_view raw, std::size_t begin, std::size_t end) {
    HeaderBlock block;
    block.end = begin;
    bool in_field = false;  // whether a continuation line would extend the last field
    std::size_t pos = begin;
    while (pos < end) {
        const void* lf = std::memchr(raw.data() + pos, '\n', end - pos);
        const std::size_t line_end =
            lf ? static_cast<std::size_t>(static_cast<const char*>(lf) - raw.data()) : end;
        const std::size_t next = lf ? line_end + 1 : end;
        std::string_view line = raw.substr(pos, line_end - pos);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }

        if (line.empty()) {
            // Junk lines with no field before the blank line were body text, not a header.
            if (pos == begin || !block.fields.empty()) {
                block.end = next;
            }
            return block;
        }
        if (is_blank(line.front())) {
            if (in_field) {
                HeaderField& field = block.fields.back();
                const char* value_end = line.data() + line.size();
                field.raw_value =
                    std::string_view(field.raw_value.data(), value_end - field.raw_value.data());
            }
        } else {
            const std::size_t colon = line.find(':');
            std::string_view name = line.substr(0, colon);
            while (!name.empty() && is_blank(name.back())) {
                name.remove_suffix(1);  // RFC 5322 §4.5: obsolete blanks before the colon
            }
            in_field = colon != std::string_view::npos && is_field_name(name);
            if (in_field) {
                block.fields.push_back({name, line.substr(colon + 1)});
            }
        }
        pos = next;
    }
    // No blank line: the header runs to the end and the body is empty.
    if (!block.fields.empty()) {
        block.end = end;
    }
    return block;
}

std::string unfold(std::string_view raw_value) {
    std::string out;
    out.reserve(raw_value.size());
    for (std::size_t i = 0; i < raw_value.size(); ++i) {
        const char c = raw_value[i];
        // Inside a field every line break is followed by a blank, so dropping the breaks is
        // exactly unfolding.
        const bool cr_before_lf = c == '\r' && i + 1 < raw_value.size() && raw_value[i + 1] == '\n';
        if (c != '\n' && !cr_before_lf) {
            out.push_back(c);
        }
    }
    const std::size_t first = out.find_first_not_of(" \t");
    if (first == std::string::npos) {
        return {};
    }
    out.erase(out.find_last_not_of(" \t") + 1);
    out.erase(0, first);
    return out;
}

}  // namespace sealbox::mime
