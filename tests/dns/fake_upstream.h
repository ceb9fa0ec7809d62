#pragma once
// A DNS server on 127.0.0.1 for the resolver to forward to: it answers from a table of records,
// can sign one zone with DNSSEC (ECDSA P-256, RFC 6605, through OpenSSL) so that answers
// validate against the zone's key as trust anchor, and can answer chosen names with a chosen
// response code. Enough DNS for libunbound's forwarding mode, nothing more.

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <poll.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <cctype>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace sealbox::dns::testing {

using Bytes = std::vector<std::uint8_t>;

inline std::string lower_text(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

// "mx.example.test" (no escapes) in wire form, lowercased as canonical form wants it.
inline Bytes wire_name(const std::string& name) {
    Bytes out;
    std::size_t start = 0;
    while (start < name.size()) {
        std::size_t dot = name.find('.', start);
        if (dot == std::string::npos) {
            dot = name.size();
        }
        out.push_back(static_cast<std::uint8_t>(dot - start));
        for (char c : lower_text(name.substr(start, dot - start))) {
            out.push_back(static_cast<std::uint8_t>(c));
        }
        start = dot + 1;
    }
    out.push_back(0);
    return out;
}

inline void put16(Bytes& out, unsigned value) {
    out.push_back(static_cast<std::uint8_t>(value >> 8));
    out.push_back(static_cast<std::uint8_t>(value));
}

inline void put32(Bytes& out, std::uint32_t value) {
    put16(out, value >> 16);
    put16(out, value & 0xffff);
}

inline void append(Bytes& out, const Bytes& more) {
    out.insert(out.end(), more.begin(), more.end());
}

constexpr unsigned kTypeA = 1, kTypeMx = 15, kTypeTxt = 16, kTypeAaaa = 28, kTypeOpt = 41,
                   kTypeRrsig = 46, kTypeDnskey = 48, kTypeTlsa = 52;

struct Rr {
    std::string owner;  // lowercase, no final dot
    unsigned type = 0;
    Bytes rdata;
};

inline Rr a_record(std::string owner, std::array<std::uint8_t, 4> address) {
    return Rr{std::move(owner), kTypeA, Bytes(address.begin(), address.end())};
}

inline Rr mx_record(std::string owner, unsigned preference, const std::string& exchange) {
    Bytes rdata;
    put16(rdata, preference);
    append(rdata, wire_name(exchange));
    return Rr{std::move(owner), kTypeMx, rdata};
}

// A zone's key pair and the RRSIGs it makes (RFC 4034 §3, RFC 6605).
class ZoneSigner {
  public:
    static constexpr std::uint32_t kTtl = 300;

    explicit ZoneSigner(std::string zone) : zone_(std::move(zone)) {
        key_.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
        if (!key_) {
            throw std::runtime_error("EC key generation failed");
        }
        std::uint8_t point[65];
        std::size_t length = 0;
        EVP_PKEY_get_octet_string_param(key_.get(), OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point,
                                        &length);
        dnskey_ = {0x01, 0x01, 3, 13};  // flags 257 (zone key, SEP), protocol 3, algorithm 13
        dnskey_.insert(dnskey_.end(), point + 1, point + length);  // X and Y, without the 0x04
    }

    const std::string& zone() const { return zone_; }
    Rr dnskey() const { return Rr{zone_, kTypeDnskey, dnskey_}; }

    // The trust anchor for libunbound, in zone-file form.
    std::string trust_anchor() const {
        std::string base64(4 * ((dnskey_.size() - 4 + 2) / 3) + 1, '\0');
        int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(base64.data()), dnskey_.data() + 4,
                                static_cast<int>(dnskey_.size() - 4));
        base64.resize(static_cast<std::size_t>(n));
        return zone_ + ". 300 IN DNSKEY 257 3 13 " + base64;
    }

    // RFC 4034 Appendix B.
    unsigned key_tag() const {
        std::uint32_t sum = 0;
        for (std::size_t i = 0; i < dnskey_.size(); ++i) {
            sum += (i & 1) ? dnskey_[i] : static_cast<std::uint32_t>(dnskey_[i]) << 8;
        }
        sum += (sum >> 16) & 0xffff;
        return sum & 0xffff;
    }

    // The RRSIG rdata over an RRset (all of one owner and type), per RFC 4034 §3.1.8.1.
    Bytes sign(std::vector<Rr> rrset) const {
        const Rr& first = rrset.front();
        Bytes rdata;
        put16(rdata, first.type);
        rdata.push_back(13);
        rdata.push_back(
            static_cast<std::uint8_t>(std::count(first.owner.begin(), first.owner.end(), '.') + 1));
        put32(rdata, kTtl);
        auto now = static_cast<std::uint32_t>(std::time(nullptr));
        put32(rdata, now + 86400);  // expiration
        put32(rdata, now - 3600);   // inception
        put16(rdata, key_tag());
        append(rdata, wire_name(zone_));

        // RFC 4034 §6.3: the RRs in canonical order of their rdata.
        std::sort(rrset.begin(), rrset.end(),
                  [](const Rr& a, const Rr& b) { return a.rdata < b.rdata; });
        Bytes data = rdata;
        for (const Rr& rr : rrset) {
            append(data, wire_name(rr.owner));
            put16(data, rr.type);
            put16(data, 1);
            put32(data, kTtl);
            put16(data, static_cast<unsigned>(rr.rdata.size()));
            append(data, rr.rdata);
        }

        std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md(EVP_MD_CTX_new(),
                                                                   &EVP_MD_CTX_free);
        std::size_t der_length = 0;
        EVP_DigestSignInit(md.get(), nullptr, EVP_sha256(), nullptr, key_.get());
        EVP_DigestSign(md.get(), nullptr, &der_length, data.data(), data.size());
        Bytes der(der_length);
        EVP_DigestSign(md.get(), der.data(), &der_length, data.data(), data.size());
        const unsigned char* p = der.data();
        std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(
            d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der_length)), &ECDSA_SIG_free);
        // RFC 6605 §4: r and s, 32 octets each.
        std::uint8_t rs[64];
        BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), rs, 32);
        BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), rs + 32, 32);
        rdata.insert(rdata.end(), rs, rs + 64);
        return rdata;
    }

  private:
    struct KeyFree {
        void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
    };
    std::string zone_;
    std::unique_ptr<EVP_PKEY, KeyFree> key_;
    Bytes dnskey_;
};

class FakeUpstream {
  public:
    FakeUpstream() : socket_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
        thread_ = std::thread([this] { serve(); });
    }
    ~FakeUpstream() {
        stop_ = true;
        thread_.join();
    }

    std::string address() const {
        return "127.0.0.1@" + std::to_string(socket_.local_endpoint().port());
    }

    void add(Rr rr) {
        std::lock_guard lock(mutex_);
        records_.push_back(std::move(rr));
    }
    // Answers under signer.zone() carry RRSIGs when the query asks for them (DO bit).
    void sign_with(const ZoneSigner& signer) {
        std::lock_guard lock(mutex_);
        signer_ = &signer;
        records_.push_back(signer.dnskey());
    }
    // Signatures over these RRsets are spoilt: they no longer validate.
    void spoil_signature(const std::string& owner, unsigned type) {
        std::lock_guard lock(mutex_);
        spoilt_.push_back({owner, type});
    }
    void answer_with_rcode(const std::string& name, unsigned rcode) {
        std::lock_guard lock(mutex_);
        rcodes_[name] = rcode;
    }
    int queries() const { return queries_; }

  private:
    void serve() {
        while (!stop_) {
            pollfd p{socket_.native_handle(), POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) {
                continue;
            }
            Bytes query(1500);
            boost::asio::ip::udp::endpoint from;
            boost::system::error_code ec;
            std::size_t n = socket_.receive_from(boost::asio::buffer(query), from, 0, ec);
            if (ec) {
                continue;
            }
            query.resize(n);
            if (auto response = answer(query)) {
                socket_.send_to(boost::asio::buffer(*response), from, 0, ec);
            }
        }
    }

    std::optional<Bytes> answer(const Bytes& query) {
        if (query.size() < 12) {
            return std::nullopt;
        }
        ++queries_;
        // The question: a name of plain labels, then type and class.
        std::size_t pos = 12;
        std::string name;
        while (pos < query.size() && query[pos] != 0) {
            std::size_t length = query[pos];
            if (pos + 1 + length > query.size()) {
                return std::nullopt;
            }
            name += (name.empty() ? "" : ".") +
                    std::string(query.begin() + static_cast<long>(pos) + 1,
                                query.begin() + static_cast<long>(pos + 1 + length));
            pos += 1 + length;
        }
        if (pos + 5 > query.size()) {
            return std::nullopt;
        }
        Bytes qname(query.begin() + 12, query.begin() + static_cast<long>(pos) + 1);
        unsigned qtype = static_cast<unsigned>(query[pos + 1] << 8 | query[pos + 2]);
        pos += 5;
        name = lower_text(name);
        // EDNS (RFC 6891): an OPT record in the additional section, DO bit (RFC 3225) in its TTL.
        bool edns = query[11] > 0 && pos + 11 <= query.size() && query[pos] == 0 &&
                    (query[pos + 1] << 8 | query[pos + 2]) == kTypeOpt;
        bool dnssec_ok = edns && (query[pos + 7] & 0x80) != 0;

        std::lock_guard lock(mutex_);
        unsigned rcode = 0;
        std::vector<Rr> matches;
        bool name_exists = false;
        for (const Rr& rr : records_) {
            if (rr.owner == name) {
                name_exists = true;
                if (rr.type == qtype) {
                    matches.push_back(rr);
                }
            }
        }
        if (auto it = rcodes_.find(name); it != rcodes_.end()) {
            rcode = it->second;
            matches.clear();
        } else if (!name_exists) {
            rcode = 3;
        }
        std::vector<std::pair<unsigned, Bytes>> answers;
        for (const Rr& rr : matches) {
            answers.emplace_back(rr.type, rr.rdata);
        }
        bool in_zone = signer_ != nullptr &&
                       (name == signer_->zone() || name.ends_with("." + signer_->zone()));
        if (dnssec_ok && in_zone && !matches.empty()) {
            Bytes rrsig = signer_->sign(matches);
            if (std::find(spoilt_.begin(), spoilt_.end(), std::pair{name, qtype}) !=
                spoilt_.end()) {
                rrsig.back() ^= 0xff;
            }
            answers.emplace_back(kTypeRrsig, std::move(rrsig));
        }

        Bytes out(query.begin(), query.begin() + 2);                            // the id
        put16(out, 0x8000 | 0x0400 | (query[2] & 0x01) << 8 | 0x0080 | rcode);  // QR AA RD RA
        put16(out, 1);
        put16(out, static_cast<unsigned>(answers.size()));
        put16(out, 0);
        put16(out, edns ? 1 : 0);
        append(out, qname);
        put16(out, qtype);
        put16(out, 1);
        for (const auto& [type, rdata] : answers) {
            append(out, qname);
            put16(out, type);
            put16(out, 1);
            put32(out, ZoneSigner::kTtl);
            put16(out, static_cast<unsigned>(rdata.size()));
            append(out, rdata);
        }
        if (edns) {
            out.push_back(0);
            put16(out, kTypeOpt);
            put16(out, 1232);
            put32(out, dnssec_ok ? 0x8000 : 0);
            put16(out, 0);
        }
        return out;
    }

    boost::asio::io_context io_;
    boost::asio::ip::udp::socket socket_;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::atomic<int> queries_{0};
    std::mutex mutex_;
    std::vector<Rr> records_;
    const ZoneSigner* signer_ = nullptr;
    std::vector<std::pair<std::string, unsigned>> spoilt_;
    std::map<std::string, unsigned> rcodes_;
};

}  // namespace sealbox::dns::testing
