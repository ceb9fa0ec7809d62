#include "mailauth/dmarc/report.h"

#include <zlib.h>

#include <limits>

#include "core/error.h"

namespace sealbox::mailauth::dmarc {

namespace {

// Length of the well-formed UTF-8 sequence (RFC 3629 §4) starting at `at`, or 0.
std::size_t utf8_length(std::string_view text, std::size_t at) {
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    unsigned char first = byte(at);
    std::size_t length = first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : first >= 0xc2 ? 2 : 0;
    if (length == 0 || first > 0xf4 || at + length > text.size()) {
        return 0;
    }
    for (std::size_t i = 1; i < length; ++i) {
        if ((byte(at + i) & 0xc0) != 0x80) {
            return 0;
        }
    }
    unsigned char second = byte(at + 1);
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF.
    if ((first == 0xe0 && second < 0xa0) || (first == 0xed && second > 0x9f) ||
        (first == 0xf0 && second < 0x90) || (first == 0xf4 && second > 0x8f)) {
        return 0;
    }
    return length;
}

// XML 1.0 §2.4 character data: markup characters escaped; §2.2 leaves out the C0 controls but
// tab, LF and CR, so those and malformed UTF-8 become U+FFFD.
std::string escape(std::string_view text) {
    constexpr std::string_view kReplacement = "\xef\xbf\xbd";
    std::string out;
    for (std::size_t at = 0; at < text.size();) {
        const char c = text[at];
        const auto octet = static_cast<unsigned char>(c);
        if (octet >= 0x80) {
            std::size_t length = utf8_length(text, at);
            out += length ? text.substr(at, length) : kReplacement;
            at += length ? length : 1;
            continue;
        }
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&apos;";
                break;
            default:
                if (octet < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                    out += kReplacement;
                } else {
                    out += c;
                }
        }
        ++at;
    }
    return out;
}

class XmlWriter {
  public:
    void open(std::string_view name) {
        indent();
        out_ += "<" + std::string(name) + ">\n";
        ++depth_;
    }
    void close(std::string_view name) {
        --depth_;
        indent();
        out_ += "</" + std::string(name) + ">\n";
    }
    void element(std::string_view name, std::string_view text) {
        indent();
        out_ += "<" + std::string(name) + ">" + escape(text) + "</" + std::string(name) + ">\n";
    }
    std::string finish() { return std::move(out_); }

  private:
    void indent() { out_.append(2 * depth_, ' '); }

    std::string out_ = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    std::size_t depth_ = 0;
};

std::string_view alignment_name(Alignment alignment) {
    return alignment == Alignment::strict ? "s" : "r";
}

// Appendix C DKIMResultType: none, pass, fail, policy, neutral, temperror, permerror.
std::string_view dkim_result_name(AuthResult result) {
    switch (result) {
        case AuthResult::none:
            return "none";
        case AuthResult::pass:
            return "pass";
        case AuthResult::fail:
        case AuthResult::softfail:
            return "fail";
        case AuthResult::policy:
            return "policy";
        case AuthResult::neutral:
            return "neutral";
        case AuthResult::temperror:
            return "temperror";
        case AuthResult::permerror:
            return "permerror";
    }
    return "none";
}

// Appendix C SPFResultType: none, neutral, pass, fail, softfail, temperror, permerror.
std::string_view spf_result_name(AuthResult result) {
    switch (result) {
        case AuthResult::policy:
            return "fail";
        case AuthResult::softfail:
            return "softfail";
        default:
            return dkim_result_name(result);
    }
}

}  // namespace

// RFC 7489 Appendix C, element by element.
std::string aggregate_report_xml(const ReportMetadata& metadata, const PublishedPolicy& policy,
                                 const std::vector<ReportRow>& rows) {
    XmlWriter xml;
    xml.open("feedback");
    xml.element("version", "1.0");

    xml.open("report_metadata");
    xml.element("org_name", metadata.org_name);
    xml.element("email", metadata.email);
    xml.element("report_id", metadata.report_id);
    xml.open("date_range");
    xml.element("begin", std::to_string(metadata.begin));
    xml.element("end", std::to_string(metadata.end));
    xml.close("date_range");
    xml.close("report_metadata");

    const Record& record = policy.record;
    xml.open("policy_published");
    xml.element("domain", policy.domain);
    xml.element("adkim", alignment_name(record.dkim_alignment));
    xml.element("aspf", alignment_name(record.spf_alignment));
    xml.element("p", to_string(record.policy));
    xml.element("sp", to_string(record.policy_for_subdomain()));
    xml.element("pct", std::to_string(record.percent));
    xml.element("fo", record.failure_options);
    xml.close("policy_published");

    for (const ReportRow& row : rows) {
        xml.open("record");
        xml.open("row");
        xml.element("source_ip", row.source_ip);
        xml.element("count", std::to_string(row.count));
        xml.open("policy_evaluated");
        xml.element("disposition", to_string(row.disposition));
        xml.element("dkim", row.dkim_aligned_pass ? "pass" : "fail");
        xml.element("spf", row.spf_aligned_pass ? "pass" : "fail");
        if (row.override_reason != PolicyOverride::none) {
            xml.open("reason");
            xml.element("type", row.override_reason == PolicyOverride::sampled_out
                                    ? "sampled_out"
                                    : "local_policy");
            if (!row.override_comment.empty()) {
                xml.element("comment", row.override_comment);
            }
            xml.close("reason");
        }
        xml.close("policy_evaluated");
        xml.close("row");

        xml.open("identifiers");
        if (!row.envelope_from.empty()) {
            xml.element("envelope_from", row.envelope_from);
        }
        xml.element("header_from", row.header_from);
        xml.close("identifiers");

        xml.open("auth_results");
        for (const DkimInput& dkim : row.dkim) {
            xml.open("dkim");
            xml.element("domain", dkim.domain);
            xml.element("result", dkim_result_name(dkim.result));
            xml.close("dkim");
        }
        xml.open("spf");
        xml.element("domain", row.spf.domain);
        xml.element("scope", row.spf_scope_helo ? "helo" : "mfrom");
        xml.element("result", spf_result_name(row.spf.result));
        xml.close("spf");
        xml.close("auth_results");
        xml.close("record");
    }
    xml.close("feedback");
    return xml.finish();
}

std::string gzip(std::string_view data) {
    if (data.size() > std::numeric_limits<uInt>::max() / 2) {
        throw Error(ErrorCode::invalid_argument, "report too large to compress in one piece");
    }
    z_stream stream{};
    // 15 + 16: the largest window, wrapped in a gzip header and trailer (zlib.h deflateInit2).
    if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK) {
        throw Error(ErrorCode::internal, "deflateInit2 failed");
    }
    std::string out(deflateBound(&stream, static_cast<uLong>(data.size())), '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    int rc = deflate(&stream, Z_FINISH);
    out.resize(stream.total_out);
    deflateEnd(&stream);
    if (rc != Z_STREAM_END) {
        throw Error(ErrorCode::internal, "gzip compression failed");
    }
    return out;
}

std::string aggregate_report_filename(std::string_view receiver, const ReportMetadata& metadata,
                                      std::string_view policy_domain) {
    return std::string(receiver) + "!" + std::string(policy_domain) + "!" +
           std::to_string(metadata.begin) + "!" + std::to_string(metadata.end) + ".xml.gz";
}

}  // namespace sealbox::mailauth::dmarc
