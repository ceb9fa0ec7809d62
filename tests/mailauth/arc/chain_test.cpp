// RFC 8617 §5.2 steps 1 to 3: grouping ARC fields into sets and the structural rules, which
// decide a chain before any signature is checked.

#include "mailauth/arc/chain.h"

#include <gtest/gtest.h>

namespace sealbox::mailauth::arc {
namespace {

std::string arc_set(unsigned i, std::string_view cv) {
    auto n = std::to_string(i);
    return "ARC-Seal: i=" + n + "; a=rsa-sha256; cv=" + std::string(cv) +
           "; d=example.org; s=sel; b=dGVzdA==\r\n"
           "ARC-Message-Signature: i=" +
           n +
           "; a=rsa-sha256; d=example.org; s=sel; h=from; bh=dGVzdA==; b=dGVzdA==\r\n"
           "ARC-Authentication-Results: i=" +
           n + "; mx.example.net; spf=pass\r\n";
}

Chain chain_of(const std::string& arc_fields, dkim::Message& message) {
    message = dkim::parse_message(arc_fields + "From: a@example.org\r\n\r\nbody\r\n");
    return collect_chain(message);
}

TEST(ArcChain, NoArcFieldsIsNoChain) {  // §5.2 step 1
    dkim::Message message;
    auto chain = chain_of("", message);
    EXPECT_TRUE(chain.empty());
    EXPECT_TRUE(chain.error.empty());
}

TEST(ArcChain, GroupsSetsByInstanceWhateverTheirOrder) {
    dkim::Message message;
    auto chain = chain_of(arc_set(1, "none") + arc_set(3, "pass") + arc_set(2, "pass"), message);
    ASSERT_TRUE(chain.error.empty()) << chain.error;
    ASSERT_EQ(chain.sets.size(), 3u);
    for (unsigned i = 0; i < 3; ++i) {
        EXPECT_EQ(chain.sets[i].instance, i + 1);
        ASSERT_TRUE(chain.sets[i].seal);
        EXPECT_EQ(chain.sets[i].seal->instance, i + 1);
        EXPECT_NE(chain.sets[i].message_signature, nullptr);
        EXPECT_NE(chain.sets[i].authentication_results, nullptr);
    }
    EXPECT_EQ(chain.highest_instance, 3u);
    EXPECT_EQ(chain.latest_cv, ChainStatus::pass);
    EXPECT_FALSE(chain.marked_fail);
}

TEST(ArcChain, AGapFails) {  // §5.2 step 3.2
    dkim::Message message;
    auto chain = chain_of(arc_set(1, "none") + arc_set(3, "pass"), message);
    EXPECT_NE(chain.error.find("no ARC Set for instance 2"), std::string::npos) << chain.error;
}

TEST(ArcChain, AMissingOrDuplicatedFieldFails) {  // §5.2 step 3.1
    dkim::Message message;
    auto set = arc_set(1, "none");
    auto without_aar = set.substr(0, set.find("ARC-Authentication-Results"));
    EXPECT_NE(chain_of(without_aar, message).error.find("no ARC-Authentication-Results"),
              std::string::npos);
    auto twice = set + set.substr(set.find("ARC-Message-Signature"));
    EXPECT_NE(chain_of(twice, message).error.find("two ARC-Message-Signature"), std::string::npos);
}

TEST(ArcChain, CvMustBeNoneFirstAndPassAfter) {  // §5.2 step 3.3
    dkim::Message message;
    EXPECT_FALSE(chain_of(arc_set(1, "pass"), message).error.empty());
    EXPECT_FALSE(chain_of(arc_set(1, "none") + arc_set(2, "none"), message).error.empty());
    EXPECT_TRUE(chain_of(arc_set(1, "none") + arc_set(2, "pass"), message).error.empty());
}

TEST(ArcChain, ASealThatSaysFailEndsTheChain) {  // §5.2 step 2, §5.1.2
    dkim::Message message;
    auto latest = chain_of(arc_set(2, "fail") + arc_set(1, "none"), message);
    EXPECT_EQ(latest.latest_cv, ChainStatus::fail);
    EXPECT_TRUE(latest.marked_fail);
    EXPECT_NE(latest.error.find("cv=fail"), std::string::npos);
    auto earlier = chain_of(arc_set(2, "pass") + arc_set(1, "fail"), message);
    EXPECT_TRUE(earlier.marked_fail);
    EXPECT_FALSE(earlier.error.empty());
}

TEST(ArcChain, AFieldWithoutAValidInstanceFails) {  // §4.2.1: 1 to 50, so no 51st set
    dkim::Message message;
    auto chain = chain_of(
        arc_set(1, "none") + "ARC-Authentication-Results: i=51; mx.example.net; none\r\n", message);
    EXPECT_NE(chain.error.find("without a valid instance"), std::string::npos) << chain.error;
    EXPECT_EQ(chain.arc_fields, 4u);
}

}  // namespace
}  // namespace sealbox::mailauth::arc
