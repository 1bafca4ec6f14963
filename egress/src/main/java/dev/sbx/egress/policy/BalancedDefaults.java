package dev.sbx.egress.policy;

import dev.sbx.egress.api.Rule;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The built-in allow list of mode {@code balanced}: AI providers, code hosts and package managers,
 * read once from {@code balanced.txt} next to this class (one rule per line, {@code #} comments).
 */
public final class BalancedDefaults {
  private static final List<Rule> RULES = load();

  private BalancedDefaults() {}

  public static List<Rule> rules() {
    return RULES;
  }

  private static List<Rule> load() {
    try (InputStream in = BalancedDefaults.class.getResourceAsStream("balanced.txt")) {
      if (in == null) {
        throw new IllegalStateException("balanced.txt is missing from the egress jar");
      }
      List<Rule> out = new ArrayList<>();
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line; (line = reader.readLine()) != null; ) {
        int hash = line.indexOf('#');
        String text = (hash >= 0 ? line.substring(0, hash) : line).strip();
        if (!text.isEmpty()) {
          out.add(Rule.parse(text));
        }
      }
      return List.copyOf(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
