#pragma once
// Conformance suites name their cases freely ("ams-fields-h-empty", "2.1/3"); gtest takes
// letters, digits and "_" only.

#include <cctype>
#include <string>

namespace sealbox::testing {

inline std::string gtest_name(std::string id) {
    for (char& ch : id) {
        if (!std::isalnum(static_cast<unsigned char>(ch))) {
            ch = '_';
        }
    }
    return id;
}

}  // namespace sealbox::testing
