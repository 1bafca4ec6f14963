package dev.sbx.schemas;

import java.util.Map;

/**
 * How {@link KitLoader} loads.
 *
 * @param maxSpecBytes largest spec file accepted (default 1 MiB)
 * @param kitArgs {@code --kit-arg} values: kit name → arg name → value (see {@link KitArgs})
 * @param strictArgs true: a required arg without a value is an error; false (validate/render):
 *     a warning, and "" is substituted
 * @param readFiles false: skip {@code files/} (a parse-and-validate-only pass)
 */
public record KitLoadOptions(
    long maxSpecBytes, Map<String, Map<String, String>> kitArgs, boolean strictArgs,
    boolean readFiles) {
  public static final KitLoadOptions DEFAULTS =
      new KitLoadOptions(YamlReader.DEFAULT_MAX_BYTES, Map.of(), false, true);

  public KitLoadOptions {
    if (maxSpecBytes <= 0) {
      throw new IllegalArgumentException("maxSpecBytes must be positive");
    }
    kitArgs = Map.copyOf(kitArgs);
  }

  public KitLoadOptions withKitArgs(Map<String, Map<String, String>> args) {
    return new KitLoadOptions(maxSpecBytes, args, strictArgs, readFiles);
  }

  public KitLoadOptions withMaxSpecBytes(long bytes) {
    return new KitLoadOptions(bytes, kitArgs, strictArgs, readFiles);
  }

  public KitLoadOptions withStrictArgs(boolean strict) {
    return new KitLoadOptions(maxSpecBytes, kitArgs, strict, readFiles);
  }

  public KitLoadOptions withReadFiles(boolean read) {
    return new KitLoadOptions(maxSpecBytes, kitArgs, strictArgs, read);
  }
}
