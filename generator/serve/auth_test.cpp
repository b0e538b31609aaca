// The login rate limiter of `seedforge serve`: attempts reserved before the
// hash, names counted per address.
#include "serve/auth.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace seedforge::serve {
namespace {

TEST(ServeLoginLimiter, AttemptsAreReservedBeforeTheyAreVerified) {
  // 30 attempts in flight at once (none finished): only the limit's worth
  // may go on to the hash.
  LoginRateLimiter limiter(5, 100, 900);
  std::atomic<int> allowed = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < 30; ++i) {
    threads.emplace_back([&] {
      if (limiter.Begin("root", "10.0.0.1", 1000) == 0) ++allowed;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(allowed.load(), 5);
  EXPECT_GT(limiter.Begin("root", "10.0.0.1", 1000), 0);
  // Allowed again once the window has passed.
  EXPECT_EQ(limiter.Begin("root", "10.0.0.1", 1000 + 900), 0);
}

TEST(ServeLoginLimiter, ASuccessReleasesItsReservation) {
  LoginRateLimiter limiter(2, 3, 900);
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(limiter.Begin("rita", "10.0.0.1", 1000 + i), 0) << i;
    limiter.Succeeded("rita", "10.0.0.1", 1000 + i);
  }
  // Failures still count after successes.
  EXPECT_EQ(limiter.Begin("rita", "10.0.0.1", 2000), 0);
  EXPECT_EQ(limiter.Begin("rita", "10.0.0.1", 2000), 0);
  EXPECT_GT(limiter.Begin("rita", "10.0.0.1", 2000), 0);
}

TEST(ServeLoginLimiter, GuessesFromOneAddressDoNotLockTheNameOutElsewhere) {
  LoginRateLimiter limiter(5, 20, 900);
  for (int i = 0; i < 5; ++i) ASSERT_EQ(limiter.Begin("root", "203.0.113.9", 1000), 0);
  EXPECT_GT(limiter.Begin("root", "203.0.113.9", 1000), 0);  // the guesser waits
  EXPECT_EQ(limiter.Begin("root", "10.0.0.1", 1000), 0);     // the admin elsewhere does not
  // One address is still bounded across names.
  for (int i = 0; i < 15; ++i) ASSERT_EQ(limiter.Begin("user" + std::to_string(i), "203.0.113.9", 1000), 0) << i;
  EXPECT_GT(limiter.Begin("someone", "203.0.113.9", 1000), 0);
}

}  // namespace
}  // namespace seedforge::serve
