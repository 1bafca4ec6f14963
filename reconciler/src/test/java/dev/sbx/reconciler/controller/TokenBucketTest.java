package dev.sbx.reconciler.controller;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
  @Test
  void theBurstIsImmediateThenTheRateHolds() throws Exception {
    TokenBucket bucket = new TokenBucket(20, 2);
    long start = System.nanoTime();
    bucket.acquire();
    bucket.acquire();
    bucket.acquire();
    bucket.acquire();
    // two tokens beyond the burst at 20 per second cannot come sooner than 100 ms
    assertTrue(System.nanoTime() - start >= 95_000_000L, "the rate limit was not applied");
  }

  @Test
  void rejectsNonsense() {
    assertThrows(IllegalArgumentException.class, () -> new TokenBucket(0, 1));
    assertThrows(IllegalArgumentException.class, () -> new TokenBucket(1, 0));
  }
}
