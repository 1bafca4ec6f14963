package dev.sbx.reconciler.merge;

import java.util.Objects;

/**
 * One effective egress rule.
 *
 * @param rule the rule (canonical spelling) and where it was written, with duplicates merged
 * @param active false when the policy makes it inactive ({@link KitAllows}); an inactive allow
 *     is shown by {@code --explain} but never enforced
 * @param note why it is inactive, or which deny shadows this allow; null = nothing to say
 */
public record EgressRule(Provenanced<String> rule, boolean active, String note) {
  public EgressRule {
    Objects.requireNonNull(rule, "rule");
  }

  public String pattern() {
    return rule.value();
  }
}
