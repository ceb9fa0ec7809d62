#include "core/date.h"

#include <gtest/gtest.h>

namespace sealbox {

TEST(Date, Rfc5322InUtc) {
    EXPECT_EQ(rfc5322_date(0), "Thu, 01 Jan 1970 00:00:00 +0000");
    EXPECT_EQ(rfc5322_date(1795412281), "Mon, 23 Nov 2026 05:38:01 +0000");
}

}  // namespace sealbox
