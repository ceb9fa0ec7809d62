// RFC 8461 §5.1: when a policy is fetched again, when the cached one stands, and that the cache
// survives a restart.

#include "mtasts/cache.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace sealbox::mtasts {
namespace {

CachedPolicy cached(std::string id, std::int64_t expires_at) {
    return CachedPolicy{std::move(id), Policy{Mode::enforce, 3600, {"mx.example.org"}}, 1000,
                        expires_at};
}

TEST(Refresh, NothingCachedAndARecordMeansFetching) {
    EXPECT_EQ(plan_refresh(std::nullopt, StsRecord{"a1"}, 2000), Refresh::fetch);
}

TEST(Refresh, NothingCachedAndNoRecordMeansNoPolicy) {
    EXPECT_EQ(plan_refresh(std::nullopt, std::nullopt, 2000), Refresh::none);
}

TEST(Refresh, TheSameIdKeepsTheCachedPolicy) {
    EXPECT_EQ(plan_refresh(cached("a1", 5000), StsRecord{"a1"}, 2000), Refresh::use_cached);
}

TEST(Refresh, ANewIdMeansFetching) {
    EXPECT_EQ(plan_refresh(cached("a1", 5000), StsRecord{"a2"}, 2000), Refresh::fetch);
}

TEST(Refresh, AnExpiredPolicyIsFetchedAgain) {
    EXPECT_EQ(plan_refresh(cached("a1", 5000), StsRecord{"a1"}, 5000), Refresh::fetch);
}

TEST(Refresh, AMissingRecordDoesNotRemoveAnUnexpiredPolicy) {
    // An attacker who blocks the TXT record must not switch the policy off (§5.1).
    EXPECT_EQ(plan_refresh(cached("a1", 5000), std::nullopt, 2000), Refresh::use_cached);
    EXPECT_EQ(plan_refresh(cached("a1", 5000), std::nullopt, 6000), Refresh::none);
    EXPECT_TRUE(current(cached("a1", 5000), 4999));
    EXPECT_FALSE(current(cached("a1", 5000), 5000));
}

TEST(PolicyCache, KeepsPoliciesAcrossReopeningAndReplacesThem) {
    sealbox::testing::TempDir dir;
    auto key = crypto::SecretBytes::random(32);
    {
        PolicyCache cache(dir / "mta-sts.db", key);
        EXPECT_FALSE(cache.find("example.org"));
        cache.put("example.org", cached("a1", 5000));
        auto replaced = cached("a2", 9000);
        replaced.policy.mx = {"*.example.org", "mx.example.org"};
        cache.put("example.org", replaced);
    }
    PolicyCache cache(dir / "mta-sts.db", key);
    auto found = cache.find("example.org");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->id, "a2");
    EXPECT_EQ(found->expires_at, 9000);
    EXPECT_EQ(found->fetched_at, 1000);
    EXPECT_EQ(found->policy.mode, Mode::enforce);
    EXPECT_EQ(found->policy.mx, (std::vector<std::string>{"*.example.org", "mx.example.org"}));
    EXPECT_FALSE(cache.find("example.net"));
}

}  // namespace
}  // namespace sealbox::mtasts
