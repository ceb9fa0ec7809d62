#include "imap/proto/response.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace sealbox::imap {
namespace {

TEST(Response, TaggedAndUntagged) {
    EXPECT_EQ(status_response("a1", Condition::ok, "LOGIN completed"), "a1 OK LOGIN completed\r\n");
    EXPECT_EQ(status_response("*", Condition::bye, "Logging out"), "* BYE Logging out\r\n");
    EXPECT_EQ(status_response("*", Condition::preauth, ""), "* PREAUTH done\r\n");
}

TEST(Response, Codes) {
    std::vector<std::string> caps = {"IMAP4rev2", "AUTH=PLAIN"};
    EXPECT_EQ(status_response("*", Condition::ok, ResponseCode::capability(caps), "ready"),
              "* OK [CAPABILITY IMAP4rev2 AUTH=PLAIN] ready\r\n");
    EXPECT_EQ(ResponseCode::uid_validity(3857529045u).str(), "UIDVALIDITY 3857529045");
    EXPECT_EQ(ResponseCode::uid_next(4392).str(), "UIDNEXT 4392");
    std::vector<std::string> flags = {"\\Deleted", "\\Seen", "$Junk"};
    EXPECT_EQ(ResponseCode::permanent_flags(flags, true).str(),
              "PERMANENTFLAGS (\\Deleted \\Seen $Junk \\*)");
    EXPECT_EQ(ResponseCode::permanent_flags({}, false).str(), "PERMANENTFLAGS ()");
    EXPECT_EQ(ResponseCode::append_uid(38505, 3955).str(), "APPENDUID 38505 3955");
    std::vector<std::uint32_t> from = {304, 319, 320}, to = {3956, 3957, 3958};
    EXPECT_EQ(ResponseCode::copy_uid(38505, from, to).str(), "COPYUID 38505 304,319:320 3956:3958");
    std::vector<std::uint32_t> from2 = {9, 3}, to2 = {10, 11};
    EXPECT_EQ(ResponseCode::copy_uid(1, from2, to2).str(), "COPYUID 1 9,3 10,11");
    EXPECT_EQ(ResponseCode::highest_modseq(715194045007ull).str(), "HIGHESTMODSEQ 715194045007");
    EXPECT_EQ(status_response("a", Condition::no, ResponseCode::try_create(), "No such mailbox"),
              "a NO [TRYCREATE] No such mailbox\r\n");
    EXPECT_EQ(status_response("*", Condition::ok, ResponseCode::closed(), "x"),
              "* OK [CLOSED] x\r\n");
    EXPECT_EQ(ResponseCode::simple("AUTHENTICATIONFAILED").str(), "AUTHENTICATIONFAILED");
    EXPECT_EQ(ResponseCode::alert().str(), "ALERT");
    std::vector<std::uint32_t> appended = {7, 8, 9};
    EXPECT_EQ(ResponseCode::append_uid(5, appended).str(), "APPENDUID 5 7,8,9");
    std::vector<std::uint32_t> modified = {7, 9, 8};
    EXPECT_EQ(ResponseCode::modified(modified).str(), "MODIFIED 7:9");
    EXPECT_EQ(ResponseCode::mailbox_id("F2212ea87").str(), "MAILBOXID (F2212ea87)");
    std::vector<std::string> charsets = {"US-ASCII", "UTF-8"};
    EXPECT_EQ(ResponseCode::bad_charset(charsets).str(), "BADCHARSET (US-ASCII UTF-8)");
}

TEST(Response, TextCannotInjectALineOrACode) {
    std::string wire = status_response("a", Condition::bad, "bad\r\n* OK [ALERT] pwned");
    EXPECT_EQ(wire, "a BAD bad  * OK [ALERT] pwned\r\n");
    EXPECT_EQ(wire.find("\r\n"), wire.size() - 2);
    EXPECT_EQ(status_response("a", Condition::no, "[ALERT] fake"), "a NO  [ALERT] fake\r\n");
    EXPECT_EQ(continuation("go\rahead"), "+ go ahead\r\n");
    EXPECT_EQ(continuation(""), "+ Ready\r\n");
}

TEST(Response, BugsThrow) {
    EXPECT_THROW(status_response("a b", Condition::ok, "x"), Error);
    EXPECT_THROW(status_response("", Condition::ok, "x"), Error);
    EXPECT_THROW(status_response("a", Condition::bye, "x"), Error);
    EXPECT_THROW(ResponseCode::simple("TWO WORDS]"), Error);
    std::vector<std::string> bad = {"OK] x"};
    EXPECT_THROW(ResponseCode::capability(bad), Error);
    EXPECT_THROW(capability_response(bad), Error);
}

TEST(Response, CapabilityAndEnabled) {
    std::vector<std::string> caps = {"IMAP4rev1", "IDLE"};
    EXPECT_EQ(capability_response(caps), "* CAPABILITY IMAP4rev1 IDLE\r\n");
    EXPECT_EQ(enabled_response({}), "* ENABLED\r\n");
    std::vector<std::string> on = {"CONDSTORE"};
    EXPECT_EQ(enabled_response(on), "* ENABLED CONDSTORE\r\n");
}

}  // namespace
}  // namespace sealbox::imap
