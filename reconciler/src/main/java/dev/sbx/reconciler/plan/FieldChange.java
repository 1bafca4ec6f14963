package dev.sbx.reconciler.plan;

import java.util.Locale;
import java.util.Objects;

/**
 * One field-level reason of a change. {@code ADD}/{@code REMOVE} name one element of a set or map
 * ({@code egress.allow: + "crates.io"}); {@code SET} shows before and after. Values are display text
 * (JSON-quoted strings or canonical JSON); they never hold a secret value because the model has
 * none. {@code forcesReplacement} marks immutable fields.
 */
public record FieldChange(String field, Op op, String before, String after, boolean forcesReplacement) {

  /** How the field changed. */
  public enum Op {
    ADD,
    REMOVE,
    SET;

    public String jsonName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public FieldChange {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(op, "op");
    before = before == null ? "" : before;
    after = after == null ? "" : after;
  }

  public static FieldChange add(String field, String value) {
    return new FieldChange(field, Op.ADD, "", value, false);
  }

  public static FieldChange remove(String field, String value) {
    return new FieldChange(field, Op.REMOVE, value, "", false);
  }

  public static FieldChange set(String field, String before, String after) {
    return new FieldChange(field, Op.SET, before, after, false);
  }

  /** {@code egress.allow: + "crates.io"}, {@code kernel: "a" → "b" (forces replacement)}. */
  public String render() {
    String text = switch (op) {
      case ADD -> field + ": + " + after;
      case REMOVE -> field + ": - " + before;
      case SET -> field + ": " + before + " → " + after;
    };
    return forcesReplacement ? text + " (forces replacement)" : text;
  }
}
