#include "queue/outcome.h"

#include <gtest/gtest.h>

namespace sealbox::queue {
namespace {

constexpr std::int64_t kCreated = 1'000'000;

Message message(Notify notify, std::string account = "alice@example.test") {
    Message m;
    m.id = 7;
    m.envelope.queue_id = "Q7";
    m.envelope.sender = "alice@example.test";
    m.envelope.account = std::move(account);
    m.created = kCreated;
    for (int i = 1; i <= 2; ++i) {
        Recipient r;
        r.id = i;
        r.address = "r" + std::to_string(i) + "@remote.test";
        r.notify = notify;
        m.recipients.push_back(r);
    }
    return m;
}

Attempt attempt(std::int64_t id, Attempt::Result result, std::string reply, bool relayed = false) {
    Attempt a;
    a.recipient_id = id;
    a.result = result;
    a.reply = std::move(reply);
    a.remote_host = "mx.remote.test";
    a.relayed = relayed;
    return a;
}

TEST(Outcome, FailureIsFinalAndReportedByDefault) {
    RetryPolicy policy;
    auto d = decide(message(Notify{}),
                    {attempt(1, Attempt::Result::failed, "550 5.1.1 unknown"),
                     attempt(2, Attempt::Result::delivered, "250 ok", true)},
                    policy, kCreated + 10, "mail.example.test");
    ASSERT_EQ(d.updates.size(), 2u);
    EXPECT_EQ(d.updates[0].state, RecipientState::failed);
    EXPECT_EQ(d.updates[1].state, RecipientState::delivered);
    ASSERT_TRUE(d.report);
    // Success is reported only when asked for (NOTIFY=SUCCESS), so only the failure is here.
    ASSERT_EQ(d.report->recipients.size(), 1u);
    EXPECT_EQ(d.report->recipients[0].final_recipient, "r1@remote.test");
    EXPECT_EQ(d.report->recipients[0].action, DsnAction::failed);
    EXPECT_EQ(d.report->recipient, "alice@example.test");
}

TEST(Outcome, DeferredIsRescheduledAndDelayIsReportedOnceWhenAsked) {
    RetryPolicy policy;
    Message m = message(Notify{false, true, true});
    auto early =
        decide(m, {attempt(1, Attempt::Result::deferred, "451 later")}, policy, kCreated + 60, "h");
    ASSERT_EQ(early.updates.size(), 1u);
    EXPECT_EQ(early.updates[0].state, RecipientState::queued);
    EXPECT_GE(early.updates[0].next_attempt, kCreated + 60 + 300);
    EXPECT_FALSE(early.report) << "no delay notice before delay_warning";

    auto late = decide(m, {attempt(1, Attempt::Result::deferred, "451 later")}, policy,
                       kCreated + 5 * 3600, "h");
    ASSERT_TRUE(late.report);
    EXPECT_EQ(late.report->recipients[0].action, DsnAction::delayed);
    EXPECT_TRUE(late.updates[0].delay_notified);

    m.recipients[0].delay_notified = true;
    auto again = decide(m, {attempt(1, Attempt::Result::deferred, "451 later")}, policy,
                        kCreated + 6 * 3600, "h");
    EXPECT_FALSE(again.report);
}

TEST(Outcome, DeferredPastMaxAgeFailsWithExpiry) {
    RetryPolicy policy;
    auto d = decide(message(Notify{}), {attempt(2, Attempt::Result::deferred, "421 busy")}, policy,
                    kCreated + 5 * 86400, "h");
    ASSERT_EQ(d.updates.size(), 1u);
    EXPECT_EQ(d.updates[0].state, RecipientState::failed);
    EXPECT_EQ(status_of(d.updates[0].reply), "4.4.7");
    ASSERT_TRUE(d.report);
    EXPECT_EQ(d.report->recipients[0].action, DsnAction::failed);
}

TEST(Outcome, RelayedIsReportedOnlyForNotifySuccessAndNoRemoteDsn) {
    RetryPolicy policy;
    Message m = message(Notify{true, true, false});
    auto relayed =
        decide(m, {attempt(1, Attempt::Result::delivered, "250 ok", true)}, policy, kCreated, "h");
    ASSERT_TRUE(relayed.report);
    EXPECT_EQ(relayed.report->recipients[0].action, DsnAction::relayed);
    auto remote_reports =
        decide(m, {attempt(1, Attempt::Result::delivered, "250 ok", false)}, policy, kCreated, "h");
    EXPECT_FALSE(remote_reports.report);
}

TEST(Outcome, NobodyAuthenticatedOrNeverMeansNoReport) {
    RetryPolicy policy;
    auto forwarded = decide(message(Notify{}, ""), {attempt(1, Attempt::Result::failed, "550 no")},
                            policy, kCreated, "h");
    EXPECT_EQ(forwarded.updates.size(), 1u);
    EXPECT_FALSE(forwarded.report);
    auto never = decide(message(Notify{false, false, false}),
                        {attempt(1, Attempt::Result::failed, "550 no")}, policy, kCreated, "h");
    EXPECT_FALSE(never.report);
}

TEST(Outcome, FinalRecipientsAndStrangersAreLeftAlone) {
    RetryPolicy policy;
    Message m = message(Notify{});
    m.recipients[0].state = RecipientState::delivered;
    auto d = decide(m,
                    {attempt(1, Attempt::Result::failed, "550 no"),
                     attempt(99, Attempt::Result::failed, "550 no")},
                    policy, kCreated, "h");
    EXPECT_TRUE(d.updates.empty());
    EXPECT_FALSE(d.report);
}

}  // namespace
}  // namespace sealbox::queue
