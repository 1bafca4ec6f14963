package dev.sbx.schemas.model;

import java.util.List;

/**
 * A declared kit argument ({@code args.NAME}), substituted as {@code ${{ kit.args.NAME }}}.
 *
 * @param defaultValue used when no {@code --kit-arg KIT.NAME=VALUE} is given; null = none
 * @param pattern regular expression the value must match (Go {@code MatchString}: unanchored
 *     unless the pattern anchors itself); null = any
 * @param enumValues allowed values; empty = any
 * @param buildArg {@code buildArg} flag (parsed, no runtime meaning in sbx yet)
 */
public record KitArg(
    String defaultValue,
    String description,
    String pattern,
    List<String> enumValues,
    boolean required,
    boolean buildArg) {
  public KitArg {
    enumValues = Copies.list(enumValues);
  }
}
