package dev.sbx.reconciler.desired;

import java.util.Locale;

/** What the reconciler does when the world differs from what was last applied (drift). */
public enum DriftMode {
  /** Put it back (the default, like Flux). */
  CORRECT,
  /** Report it in the plan and as a warning, change nothing. */
  WARN,
  /** Neither report nor correct it. Changes made in the source are still applied. */
  IGNORE;

  /** The spelling used in manifests and JSON: {@code correct | warn | ignore}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses the manifest spelling; throws {@link IllegalArgumentException} naming the allowed values. */
  public static DriftMode parse(String text) {
    for (DriftMode mode : values()) {
      if (mode.wireName().equals(text)) {
        return mode;
      }
    }
    throw new IllegalArgumentException("drift must be correct, warn or ignore, not '" + text + "'");
  }
}
