package dev.sbx.schemas.model;

import java.util.List;
import java.util.Objects;

/**
 * {@code kind: NetworkPolicy}: a constraint that narrows what kits ask for; deny always wins.
 *
 * @param defaultMode {@code spec.default}
 * @param allow host patterns allowed in addition to the mode's baseline
 * @param deny host patterns always blocked
 * @param kitAllows {@code spec.kitAllows}: {@code allow | intersect | ignore}, whether the allows
 *     of stacked kits may widen egress beyond this policy; {@code null} when absent (the
 *     command's default applies)
 */
public record NetworkPolicyManifest(
    String name, DefaultMode defaultMode, List<String> allow, List<String> deny, String kitAllows)
    implements Manifest {
  public NetworkPolicyManifest {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(defaultMode, "defaultMode");
    allow = Copies.list(allow);
    deny = Copies.list(deny);
  }

  /** A policy that leaves kit allows to the command's default. */
  public NetworkPolicyManifest(
      String name, DefaultMode defaultMode, List<String> allow, List<String> deny) {
    this(name, defaultMode, allow, deny, null);
  }

  @Override
  public String kind() {
    return "NetworkPolicy";
  }

  /** {@code allow-all | balanced | deny-all}. */
  public enum DefaultMode {
    ALLOW_ALL("allow-all"),
    BALANCED("balanced"),
    DENY_ALL("deny-all");

    private final String yamlName;

    DefaultMode(String yamlName) {
      this.yamlName = yamlName;
    }

    public String yamlName() {
      return yamlName;
    }
  }
}
