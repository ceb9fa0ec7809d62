#pragma once
// The Public Suffix List (publicsuffix.org), which DMARC uses to find the organizational domain
// (RFC 7489 §3.2). Read once from Debian's `publicsuffix` package and immutable after, so one
// list serves every thread without locks. Names compare in lower-case A-label form (IDNA2008):
// the list's U-label rules are converted when it is read, and so is every name looked up.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sealbox::mailauth::dmarc {

inline constexpr const char* kSystemPublicSuffixList =
    "/usr/share/publicsuffix/public_suffix_list.dat";

// A domain name in the form DNS and the list compare: lower case, A-labels, no final dot.
// nullopt when it is not a domain name (an empty label, a bad label, an invalid U-label).
std::optional<std::string> to_ascii_domain(std::string_view domain);

class PublicSuffixList {
  public:
    // The list's rules come in two sections: those of the ICANN registries and the "private"
    // ones that companies added for their own customers' subdomains (e.g. blogspot.com).
    enum class Sections { all, icann_only };

    // The list's text format: one rule a line ("com", "*.ck", "!www.ck"), "//" comments, and
    // the "===BEGIN PRIVATE DOMAINS===" comment starting the private section. Rules that are no
    // domain name are skipped.
    static PublicSuffixList parse(std::string_view text);
    // Throws Error(io) when the file cannot be read.
    static PublicSuffixList load(const std::string& path);
    // The list of the `publicsuffix` package, read on first use (thread-safe) and kept for the
    // life of the process. Throws Error(io) if the package is missing.
    static const PublicSuffixList& system();

    // The public suffix of `domain` by the list's algorithm (publicsuffix.org/list: exception
    // rules win, then the rule with most labels; no matching rule means "*"). nullopt when
    // `domain` is not a domain name.
    std::optional<std::string> public_suffix(std::string_view domain,
                                             Sections sections = Sections::all) const;
    // The public suffix and one more label; nullopt when `domain` is itself a public suffix or
    // not a domain name.
    std::optional<std::string> registrable_domain(std::string_view domain,
                                                  Sections sections = Sections::all) const;
    // RFC 7489 §3.2: the public suffix and the next label of `domain`, or `domain` itself when
    // it is a public suffix (there is no next label). nullopt when not a domain name.
    std::optional<std::string> organizational_domain(std::string_view domain,
                                                     Sections sections = Sections::all) const;

    std::size_t size() const { return rules_.size(); }

  private:
    enum Kind : unsigned { exact = 1, wildcard = 2, exception = 4 };
    struct Rule {
        unsigned icann = 0;     // Kind bits of the rules from the ICANN section on this name
        unsigned private_ = 0;  // ... and from the private section
    };
    // Keyed by the rule without "*." or "!": "ck" holds the wildcard bit of "*.ck", "www.ck"
    // the exception bit of "!www.ck".
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view name) const {
            return std::hash<std::string_view>{}(name);
        }
    };
    std::unordered_map<std::string, Rule, Hash, std::equal_to<>> rules_;

    // How many labels of the (normalized) domain form its public suffix.
    std::size_t suffix_labels(std::string_view domain, Sections sections) const;
};

}  // namespace sealbox::mailauth::dmarc
