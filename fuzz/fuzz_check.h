#pragma once
// What a fuzz target asserts: a property broken aborts, which libFuzzer reports with the input.

#include <cstdlib>

namespace sealbox::fuzz {

inline void check(bool ok) {
    if (!ok) {
        std::abort();
    }
}

}  // namespace sealbox::fuzz
