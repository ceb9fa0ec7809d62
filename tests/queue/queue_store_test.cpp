#include "queue/queue_store.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "support/temp_dir.h"

namespace sealbox::queue {
namespace {

using testing::TempDir;

Envelope envelope(std::string id) {
    Envelope e;
    e.queue_id = std::move(id);
    e.sender = "alice@example.test";
    e.account = "alice@example.test";
    e.envid = "env-1";
    e.eight_bit = true;
    e.return_headers_only = true;
    return e;
}

std::vector<Recipient> recipients(std::initializer_list<const char*> addresses) {
    std::vector<Recipient> out;
    for (const char* a : addresses) {
        Recipient r;
        r.address = a;
        out.push_back(r);
    }
    return out;
}

class QueueStoreTest : public ::testing::Test {
  protected:
    TempDir dir;
    crypto::SecretBytes key = crypto::SecretBytes::random(32);
    std::filesystem::path path = dir / "queue.db";
};

TEST_F(QueueStoreTest, EnqueuedMessageSurvivesReopenWithItsEnvelope) {
    {
        QueueStore q(path, key);
        auto r = recipients({"bob@remote.test", "carol@other.test"});
        r[0].orcpt = "rfc822;bob@remote.test";
        r[0].notify = Notify{true, true, true};
        q.enqueue(envelope("Q1"), r, "Subject: hi\r\n\r\nbody\r\n", 1000);
    }
    QueueStore q(path, key);
    auto found = q.find("Q1");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->envelope.sender, "alice@example.test");
    EXPECT_EQ(found->envelope.account, "alice@example.test");
    EXPECT_EQ(found->envelope.envid, "env-1");
    EXPECT_TRUE(found->envelope.eight_bit);
    EXPECT_TRUE(found->envelope.return_headers_only);
    EXPECT_FALSE(found->envelope.smtputf8);
    EXPECT_EQ(found->created, 1000);
    ASSERT_EQ(found->recipients.size(), 2u);
    EXPECT_EQ(found->recipients[0].orcpt, "rfc822;bob@remote.test");
    EXPECT_TRUE(found->recipients[0].notify.delay);
    EXPECT_FALSE(found->recipients[1].notify.success);
    EXPECT_TRUE(found->recipients[1].notify.failure);
    EXPECT_EQ(q.content(found->id), "Subject: hi\r\n\r\nbody\r\n");
}

TEST_F(QueueStoreTest, NothingReadableOnDisk) {
    {
        QueueStore q(path, key);
        q.enqueue(envelope("Q1"), recipients({"canary-rcpt-7f3a@remote.test"}),
                  "Subject: canary-subject-91bd\r\n\r\n", 1000);
    }
    for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
        std::ifstream in(entry.path(), std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), {});
        EXPECT_EQ(bytes.find("canary-rcpt-7f3a"), std::string::npos) << entry.path();
        EXPECT_EQ(bytes.find("canary-subject-91bd"), std::string::npos) << entry.path();
        EXPECT_EQ(bytes.find("alice@example.test"), std::string::npos) << entry.path();
    }
    crypto::SecretBytes other = crypto::SecretBytes::random(32);
    EXPECT_ANY_THROW(QueueStore(path, other).list());
}

TEST_F(QueueStoreTest, DueFollowsNextAttemptAndFinishedMessagesAreForgotten) {
    QueueStore q(path, key);
    q.enqueue(envelope("Q1"), recipients({"a@r.test", "b@r.test"}), "x", 100);
    ASSERT_EQ(q.due(99, 10).size(), 0u);
    auto due = q.due(100, 10);
    ASSERT_EQ(due.size(), 1u);
    auto& m = due.front();
    q.update({{m.recipients[0].id, RecipientState::delivered, 0, "250 2.0.0 ok", "mx.r.test"},
              {m.recipients[1].id, RecipientState::queued, 500, "451 4.3.0 later", "mx.r.test"}});
    q.forget_if_finished(m.id);
    EXPECT_EQ(q.due(400, 10).size(), 0u);
    EXPECT_EQ(q.next_due(), 500);
    auto later = q.due(500, 10);
    ASSERT_EQ(later.size(), 1u);
    EXPECT_EQ(later[0].recipients[0].state, RecipientState::delivered);
    EXPECT_EQ(later[0].recipients[1].attempts, 1);
    EXPECT_EQ(later[0].recipients[1].last_reply, "451 4.3.0 later");

    q.update({{m.recipients[1].id, RecipientState::failed, 0, "550 5.1.1 no", "mx.r.test"}});
    q.forget_if_finished(m.id);
    EXPECT_FALSE(q.find("Q1"));
    EXPECT_FALSE(q.next_due());
}

TEST_F(QueueStoreTest, RetryNowAndRemove) {
    QueueStore q(path, key);
    q.enqueue(envelope("Q1"), recipients({"a@r.test"}), "x", 100);
    q.enqueue(envelope("Q2"), recipients({"b@r.test"}), "y", 100);
    auto due = q.due(100, 10);
    ASSERT_EQ(due.size(), 2u);
    q.update({{due[0].recipients[0].id, RecipientState::queued, 9000, "421 busy", ""},
              {due[1].recipients[0].id, RecipientState::queued, 9000, "421 busy", ""}});
    EXPECT_EQ(q.retry_now("Q1", 200), 1);
    EXPECT_EQ(q.due(200, 10).size(), 1u);
    EXPECT_EQ(q.retry_now("", 300), 2);
    EXPECT_EQ(q.due(300, 10).size(), 2u);
    EXPECT_EQ(q.retry_now("nope", 300), 0);
    EXPECT_TRUE(q.remove("Q2"));
    EXPECT_FALSE(q.remove("Q2"));
    ASSERT_EQ(q.list().size(), 1u);
    EXPECT_EQ(q.list()[0].envelope.queue_id, "Q1");
}

TEST_F(QueueStoreTest, AMessageNeedsARecipient) {
    QueueStore q(path, key);
    EXPECT_ANY_THROW(q.enqueue(envelope("Q1"), {}, "x", 1));
}

}  // namespace
}  // namespace sealbox::queue
