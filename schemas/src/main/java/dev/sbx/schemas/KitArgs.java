package dev.sbx.schemas;

import dev.sbx.schemas.model.Problem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Parses {@code --kit-arg KIT.NAME=VALUE} values into kit → name → value. */
public final class KitArgs {
  private static final Pattern SPEC = Pattern.compile(
      "^([a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?)\\.([A-Za-z_][A-Za-z0-9_-]*)=(.*)$", Pattern.DOTALL);

  private KitArgs() {}

  public static Map<String, Map<String, String>> parse(List<String> specs) {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    for (String spec : specs) {
      var m = SPEC.matcher(spec);
      if (!m.matches()) {
        throw new ManifestException(new Problem(null, null, "", "--kit-arg '" + spec
            + "' is not KIT.NAME=VALUE", "e.g. --kit-arg gitlab.host=gitlab.example.com"));
      }
      Map<String, String> kit = out.computeIfAbsent(m.group(1), k -> new LinkedHashMap<>());
      if (kit.put(m.group(3), m.group(4)) != null) {
        throw new ManifestException(new Problem(null, null, "", "--kit-arg " + m.group(1) + "."
            + m.group(3) + " is given twice", "keep one"));
      }
    }
    return out;
  }
}
