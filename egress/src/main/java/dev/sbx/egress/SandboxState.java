package dev.sbx.egress;

import dev.sbx.egress.api.RuleSet;
import dev.sbx.egress.api.SandboxId;
import dev.sbx.egress.policy.EgressPolicy;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the proxy holds per sandbox: the policy in force (swapped atomically; each request reads
 * it once) and the count of open tunnels.
 */
final class SandboxState {
  final SandboxId id;
  private final AtomicReference<EgressPolicy> policy;
  private final AtomicInteger tunnels = new AtomicInteger();

  SandboxState(SandboxId id, EgressPolicy policy) {
    this.id = id;
    this.policy = new AtomicReference<>(policy);
  }

  EgressPolicy policy() {
    return policy.get();
  }

  RuleSet rules() {
    return policy.get().rules();
  }

  void setPolicy(EgressPolicy p) {
    policy.set(p);
  }

  /** Takes a tunnel slot; false when {@code max} are open. */
  boolean acquireTunnel(int max) {
    while (true) {
      int n = tunnels.get();
      if (n >= max) {
        return false;
      }
      if (tunnels.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  void releaseTunnel() {
    tunnels.decrementAndGet();
  }

  int openTunnels() {
    return tunnels.get();
  }
}
