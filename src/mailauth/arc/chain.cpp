#include "mailauth/arc/chain.h"

#include <array>
#include <map>

namespace sealbox::mailauth::arc {

namespace {

constexpr std::array<std::string_view, 3> field_names = {"ARC-Authentication-Results",
                                                         "ARC-Message-Signature", "ARC-Seal"};

std::string_view name_of(FieldKind kind) {
    return field_names[static_cast<std::size_t>(kind)];
}

const dkim::HeaderField*& slot(ArcSet& set, FieldKind kind) {
    switch (kind) {
        case FieldKind::authentication_results:
            return set.authentication_results;
        case FieldKind::message_signature:
            return set.message_signature;
        case FieldKind::seal:
            break;
    }
    return set.seal_field;
}

void note(std::string& error, std::string reason) {
    if (error.empty()) {
        error = std::move(reason);
    }
}

}  // namespace

Chain collect_chain(const dkim::Message& message) {
    Chain chain;
    std::map<unsigned, ArcSet> by_instance;
    std::string error;
    for (const auto& field : message.headers) {
        auto kind = field_kind(field.name);
        if (!kind) {
            continue;
        }
        ++chain.arc_fields;
        auto instance = instance_of(*kind, field_value(field));
        if (!instance) {
            note(error, std::string(name_of(*kind)) + " without a valid instance (i=)");
            continue;
        }
        chain.highest_instance = std::max(chain.highest_instance, *instance);
        auto& set = by_instance[*instance];
        set.instance = *instance;
        auto*& place = slot(set, *kind);
        if (place != nullptr) {  // §5.2 step 3.1: exactly one of each per set
            note(error, "two " + std::string(name_of(*kind)) + " fields for instance " +
                            std::to_string(*instance));
            continue;
        }
        place = &field;
        if (*kind == FieldKind::seal) {
            auto parsed = parse_seal(field_value(field));
            if (!parsed.seal) {
                note(error, "ARC-Seal i=" + std::to_string(*instance) + ": " + parsed.error);
                continue;
            }
            chain.marked_fail |= parsed.seal->cv == ChainStatus::fail;
            set.seal = std::move(parsed.seal);
        }
    }
    if (chain.empty()) {
        return chain;  // §5.2 step 1: no sets, cv is "none"
    }
    if (auto top = by_instance.find(chain.highest_instance);
        top != by_instance.end() && top->second.seal) {
        chain.latest_cv = top->second.seal->cv;
    }
    // §5.2 step 2: a chain its last sealer marked failed stays failed.
    if (chain.latest_cv == ChainStatus::fail) {
        chain.error = "the latest ARC-Seal says cv=fail";
        return chain;
    }
    chain.error = std::move(error);
    // §5.2 step 3.2: instances 1..N, no gap; 3.1: each set complete; 3.3: cv values.
    for (unsigned i = 1; i <= chain.highest_instance; ++i) {
        auto found = by_instance.find(i);
        if (found == by_instance.end()) {
            note(chain.error, "no ARC Set for instance " + std::to_string(i));
            break;
        }
        auto& set = found->second;
        for (auto kind :
             {FieldKind::authentication_results, FieldKind::message_signature, FieldKind::seal}) {
            if (slot(set, kind) == nullptr) {
                note(chain.error,
                     "no " + std::string(name_of(kind)) + " for instance " + std::to_string(i));
            }
        }
        if (set.seal) {
            auto expected = i == 1 ? ChainStatus::none : ChainStatus::pass;
            if (set.seal->cv != expected) {
                note(chain.error, "ARC-Seal i=" + std::to_string(i) +
                                      " says cv=" + std::string(to_string(set.seal->cv)));
            }
        }
        chain.sets.push_back(std::move(set));
    }
    return chain;
}

}  // namespace sealbox::mailauth::arc
