package dev.sbx.reconciler.actuator;

import dev.sbx.reconciler.desired.EgressSpec;
import java.util.Map;
import java.util.Optional;

/**
 * The rules the egress proxy enforces, per sandbox (the egress module implements it). A sandbox
 * with no entry gets nothing through.
 */
public interface EgressRules {

  /** Every sandbox's enforced rules, as the proxy holds them now. */
  Map<String, EgressSpec> enforced();

  default Optional<EgressSpec> rules(String sandbox) {
    return Optional.ofNullable(enforced().get(sandbox));
  }

  /** Replaces the sandbox's rules as a whole (idempotent). */
  void set(String sandbox, EgressSpec rules);

  /** Drops the sandbox's entry; nothing happens when there is none. */
  void remove(String sandbox);
}
