#include "imap/proto/date_time.h"

#include <gtest/gtest.h>

namespace sealbox::imap {
namespace {

TEST(DateTime, AcceptsRfcForms) {  // RFC 9051 §9 date-time
    EXPECT_TRUE(valid_date_time(" 7-Feb-1994 21:52:25 -0800"));
    EXPECT_TRUE(valid_date_time("17-jul-1996 02:44:25 +0000"));
}

TEST(DateTime, RejectsMalformed) {
    for (const char* bad :
         {"", "7-Feb-1994 21:52:25 -0800", "32-Feb-1994 21:52:25 -0800",
          "07-Fex-1994 21:52:25 -0800", "07-Feb-1994 24:00:00 -0800", "07-Feb-1994 21:52:25 0800 ",
          "07-Feb-94xx 21:52:25 -0800", "07-Feb-1994 21:52:25 -08a0"}) {
        EXPECT_FALSE(valid_date_time(bad)) << bad;
    }
}

}  // namespace
}  // namespace sealbox::imap
