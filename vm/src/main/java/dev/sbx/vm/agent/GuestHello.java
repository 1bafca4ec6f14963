package dev.sbx.vm.agent;

import java.util.Set;

/**
 * What the guest agent said in its {@code HELLO}. {@code ready} = configured on this boot;
 * {@code features} = its {@code feature=} tags (optional capabilities such as {@code port}).
 */
public record GuestHello(int version, String agent, String bootId, boolean ready, Set<String> features) {
  /** Port streams ({@code OPEN kind=port}), the agent side of published ports. */
  public static final String FEATURE_PORT = "port";

  public GuestHello {
    features = Set.copyOf(features);
  }

  public boolean supports(String feature) {
    return features.contains(feature);
  }
}
