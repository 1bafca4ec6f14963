package dev.sbx.reconciler.desired;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The egress rules of one sandbox, as plain strings (the egress module parses them). {@code allow}
 * and {@code deny} are sets: sorted and de-duplicated here, so order never matters. {@code
 * defaultMode} is {@code allow-all | balanced | deny-all}.
 */
public record EgressSpec(String defaultMode, List<String> allow, List<String> deny) {
  public EgressSpec {
    Objects.requireNonNull(defaultMode, "defaultMode");
    allow = List.copyOf(new TreeSet<>(allow));
    deny = List.copyOf(new TreeSet<>(deny));
  }

  /** Everything blocked: what an unknown or new sandbox starts from. */
  public static EgressSpec denyAll() {
    return new EgressSpec("deny-all", List.of(), List.of());
  }

  Map<String, Object> canonical() {
    return Map.of("default", defaultMode, "allow", allow, "deny", deny);
  }
}
