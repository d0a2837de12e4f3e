// The admission policy: the ACL first, then the source's bucket, then the
// global one; time passed in.
#include "policy/admission.hpp"

#include <gtest/gtest.h>

namespace pong::policy {
namespace {

using std::chrono::seconds;

const wire::IpAddress kClient = wire::Ipv4Address{{172, 22, 0, 2}};
const wire::IpAddress kOther = wire::Ipv4Address{{172, 22, 0, 9}};

TEST(Admission, NothingSetMeansEverythingAnsweredAndInactive) {
  Admission admission({});
  EXPECT_FALSE(admission.active());
  for (int i = 0; i < 1000; ++i) EXPECT_FALSE(admission.check(kClient, seconds{0}));
}

TEST(Admission, AclComesFirst) {
  AdmissionConfig config;
  config.acl.deny(*Cidr::parse("172.22.0.2"));
  config.acl.allow(*Cidr::parse("172.22.0.0/24"));
  Admission admission(std::move(config));
  EXPECT_TRUE(admission.active());
  EXPECT_EQ(admission.check(kClient, seconds{0}), wire::DropReason::kDenied);
  EXPECT_EQ(admission.check(wire::Ipv4Address{{10, 0, 0, 1}}, seconds{0}),
            wire::DropReason::kNotAllowed);
  EXPECT_FALSE(admission.check(kOther, seconds{0}));
}

TEST(Admission, PerSourceThenGlobal) {
  AdmissionConfig config;
  config.per_source = RateLimit{1, 2};
  config.global = RateLimit{1, 3};
  Admission admission(std::move(config));
  const seconds t{100};
  EXPECT_FALSE(admission.check(kClient, t));
  EXPECT_FALSE(admission.check(kClient, t));
  EXPECT_EQ(admission.check(kClient, t), wire::DropReason::kRateLimited);
  // The client over its own limit spent none of the global budget: one left.
  EXPECT_FALSE(admission.check(kOther, t));
  EXPECT_EQ(admission.check(kOther, t), wire::DropReason::kGlobalRateLimited);
  // A second later each bucket has a token again.
  EXPECT_FALSE(admission.check(kClient, t + seconds{1}));
}

}  // namespace
}  // namespace pong::policy
