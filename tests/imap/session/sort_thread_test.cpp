// SORT, UID SORT, THREAD and UID THREAD (RFC 5256, RFC 5957 SORT=DISPLAY) over the fake store.

#include "imap/session/fixture.h"

namespace sealbox::imap::test {
namespace {

class SortThreadTest : public SessionTest {
  protected:
    // Four messages at UIDs 2-5 (UID 1 was expunged, so UIDs and message numbers differ):
    //   msn uid from                  subject (base)          sent (UTC)          arrival
    //   1   2   "Zed" <adam@x>       Re: Lunch (lunch)       2 Jan 2024 10:00    +100
    //   2   3   "Bob" <zoe@x>        Lunch (lunch)           1 Jan 2024 10:00    +300
    //   3   4   <mike@x>             Fwd: Report, encoded    none: arrival       +200
    //   4   5   "=?..?Amy?=" <nina@x> Report (fwd) (report)  1 Jan 2024 13:00    +0
    // Message 2 starts the lunch thread; 1 answers it and 4 answers 1 (References only).
    void SetUp() override {
        start();
        add("From: x@x\r\nSubject: gone\r\n\r\ngone\r\n", kBase);
        mail.store.expunge_now("INBOX", 1);
        add("From: \"Zed\" <adam@x>\r\nTo: carol@x\r\nSubject: Re: Lunch\r\n"
            "Date: Tue, 2 Jan 2024 10:00:00 +0000\r\nMessage-ID: <b@x>\r\n"
            "In-Reply-To: <a@x>\r\n\r\nyes\r\n",
            kBase + 100);
        add("From: \"Bob\" <zoe@x>\r\nTo: dave@x\r\nSubject: Lunch\r\n"
            "Date: Mon, 1 Jan 2024 10:00:00 +0000\r\nMessage-ID: <a@x>\r\n\r\nlunch?\r\n",
            kBase + 300);
        add("From: mike@x\r\nTo: \"Ann\" <bea@x>\r\nSubject: =?UTF-8?Q?Fwd=3A_Report?=\r\n"
            "Message-ID: <c@x>\r\n\r\nsee below\r\n",
            kBase + 200);
        add("From: =?ISO-8859-1?Q?Amy?= <nina@x>\r\nTo: bea@x\r\nSubject: Report (fwd)\r\n"
            "Date: Mon, 1 Jan 2024 05:00:00 -0800\r\nMessage-ID: <d@x>\r\n"
            "References: <a@x> <b@x>\r\n\r\nthe report\r\n",
            kBase + 0);
    }

    void add(const std::string& raw, std::int64_t arrival) {
        std::lock_guard lock(mail.store.mutex_);
        mail.store.add(mail.store.box("INBOX"), raw, {}, arrival);
    }

    static constexpr std::int64_t kBase = 1700000000;  // Nov 2023, before every Date: here
};

TEST_F(SortThreadTest, SortBySingleKeys) {
    Client c = selected();
    EXPECT_EQ(c.cmd("SORT (ARRIVAL) UTF-8 ALL"), "* SORT 4 1 3 2\na OK SORT completed");
    // RFC 5256 §2.2: in UTC (-0800 makes message 4 later than 2), INTERNALDATE without Date:.
    EXPECT_EQ(c.cmd("SORT (DATE) UTF-8 ALL"), "* SORT 3 2 4 1\na OK SORT completed");
    EXPECT_EQ(c.cmd("SORT (FROM) UTF-8 ALL"), "* SORT 1 3 4 2\na OK SORT completed");
    EXPECT_EQ(c.cmd("SORT (TO) UTF-8 ALL"), "* SORT 3 4 1 2\na OK SORT completed");
    // CC: all empty, so the message number decides (RFC 5256 §3).
    EXPECT_EQ(c.cmd("SORT (CC) UTF-8 ALL"), "* SORT 1 2 3 4\na OK SORT completed");
    // RFC 5957: decoded display names, the address when there is none.
    EXPECT_EQ(c.cmd("SORT (DISPLAYFROM) UTF-8 ALL"), "* SORT 4 2 3 1\na OK SORT completed");
    EXPECT_EQ(c.cmd("SORT (DISPLAYTO) UTF-8 ALL"), "* SORT 3 4 1 2\na OK SORT completed");
    EXPECT_EQ(c.cmd("SORT (SIZE) UTF-8 ALL"), "* SORT 3 2 1 4\na OK SORT completed");
}

TEST_F(SortThreadTest, ReverseAndSeveralKeys) {
    Client c = selected();
    EXPECT_EQ(c.cmd("SORT (REVERSE ARRIVAL) UTF-8 ALL"), "* SORT 2 3 1 4\na OK SORT completed");
    // Base subjects (RFC 5256 §2.1): "lunch" for 1 and 2, "report" for 3 and 4.
    EXPECT_EQ(c.cmd("SORT (SUBJECT) UTF-8 ALL"), "* SORT 1 2 3 4\na OK SORT completed");
    EXPECT_EQ(c.cmd("SORT (SUBJECT REVERSE DATE) UTF-8 ALL"),
              "* SORT 1 2 4 3\na OK SORT completed");
    EXPECT_EQ(c.cmd("SORT (REVERSE SUBJECT DATE) US-ASCII ALL"),
              "* SORT 3 4 2 1\na OK SORT completed");
}

TEST_F(SortThreadTest, UidSortSearchKeysAndSavedResult) {
    Client c = selected();
    EXPECT_EQ(c.cmd("UID SORT (DATE) UTF-8 ALL"), "* SORT 4 3 5 2\na OK SORT completed");
    EXPECT_EQ(c.cmd("SORT (DATE) UTF-8 SUBJECT lunch"), "* SORT 2 1\na OK SORT completed");
    // A plain set is message numbers even in UID SORT: 1 and 3 are left, shown as UIDs.
    EXPECT_EQ(c.cmd("UID SORT (REVERSE DATE) UTF-8 NOT FROM zoe 1:3"),
              "* SORT 2 4\na OK SORT completed");
    EXPECT_EQ(c.cmd("SORT (DATE) UTF-8 SUBJECT nothing"), "* SORT\na OK SORT completed");
    // RFC 5182 §2.1: "$" in SORT's search keys.
    EXPECT_EQ(c.cmd("SEARCH RETURN (SAVE) SUBJECT report"), "a OK SEARCH completed");
    EXPECT_EQ(c.cmd("SORT (REVERSE DATE) US-ASCII $"), "* SORT 4 3\na OK SORT completed");
    // The search strings are converted from the charset named (RFC 5256 §3).
    EXPECT_EQ(c.cmd("SORT (DATE) ISO-8859-1 FROM \"Amy\""), "* SORT 4\na OK SORT completed");
}

TEST_F(SortThreadTest, RefusedSorts) {
    Client c = logged_in();
    EXPECT_EQ(c.cmd("SORT (DATE) UTF-8 ALL"), "a BAD No mailbox selected");
    EXPECT_THAT(c.cmd("SELECT INBOX"), EndsWith("completed"));
    EXPECT_EQ(c.cmd("SORT (DATE) KOI8-X ALL"),
              "a NO [BADCHARSET (US-ASCII UTF-8)] Unknown charset");
    EXPECT_EQ(c.cmd("SORT (SENDER) UTF-8 ALL"), "a BAD Unknown sort key SENDER");
    EXPECT_EQ(c.cmd("SORT (DATE) ALL"), "a BAD Expected a charset, then search keys");
    EXPECT_EQ(c.cmd("THREAD X-GUESS UTF-8 ALL"), "a BAD Unknown threading algorithm X-GUESS");
    EXPECT_EQ(c.cmd("THREAD REFERENCES KOI8-X ALL"),
              "a NO [BADCHARSET (US-ASCII UTF-8)] Unknown charset");
}

TEST_F(SortThreadTest, ThreadOrderedSubject) {
    Client c = selected();
    // RFC 5256 §3: threads by base subject, each in sent order, ordered by their first message.
    EXPECT_EQ(c.cmd("THREAD ORDEREDSUBJECT UTF-8 ALL"),
              "* THREAD (3 4)(2 1)\na OK THREAD completed");
    EXPECT_EQ(c.cmd("UID THREAD ORDEREDSUBJECT UTF-8 ALL"),
              "* THREAD (4 5)(3 2)\na OK THREAD completed");
    EXPECT_EQ(c.cmd("THREAD ORDEREDSUBJECT UTF-8 SUBJECT nothing"),
              "* THREAD\na OK THREAD completed");
}

TEST_F(SortThreadTest, ThreadReferences) {
    Client c = selected();
    // In-Reply-To links 1 to 2; References links 4 to 1. 3 stands alone, though its base
    // subject is 4's: only roots are gathered by subject (RFC 5256 §3 step 5).
    EXPECT_EQ(c.cmd("THREAD REFERENCES UTF-8 ALL"), "* THREAD (3)(2 1 4)\na OK THREAD completed");
    EXPECT_EQ(c.cmd("UID THREAD REFERENCES UTF-8 ALL"),
              "* THREAD (4)(3 2 5)\na OK THREAD completed");
    // Without message 1 in the search, 4 still hangs under 2 through its References.
    EXPECT_EQ(c.cmd("THREAD REFERENCES UTF-8 NOT 1"), "* THREAD (3)(2 4)\na OK THREAD completed");
}

TEST_F(SortThreadTest, NoExpungeDuringSortByNumber) {  // RFC 9051 §7.5.1, as for SEARCH
    Client c = selected();
    mail.store.expunge_now("INBOX", 2);
    EXPECT_EQ(c.cmd("SORT (DATE) UTF-8 ALL"), "* SORT 3 2 4\na OK SORT completed");
    EXPECT_EQ(c.cmd("UID SORT (DATE) UTF-8 ALL"), "* SORT 4 3 5\n* 1 EXPUNGE\na OK SORT completed");
}

}  // namespace
}  // namespace sealbox::imap::test
