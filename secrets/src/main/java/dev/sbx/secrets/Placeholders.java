package dev.sbx.secrets;

import dev.sbx.secrets.api.SecretsException;
import dev.sbx.secrets.api.SecretsException.Problem;
import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * Placeholders of custom secrets: {@code sbx-cs-<24 random base62 chars>} by default, or the user's
 * pattern with {@code {rand}} replaced by the random part. The random part is required: a fixed,
 * guessable placeholder would be replaced wherever it happened to occur.
 */
final class Placeholders {

  static final String DEFAULT_PATTERN = "sbx-cs-{rand}";
  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9._~+/=-]*\\{rand}[A-Za-z0-9._~+/=-]*");
  private static final SecureRandom RANDOM = new SecureRandom();

  private Placeholders() {}

  static String generate(String pattern) {
    if (!ALLOWED.matcher(pattern).matches() || pattern.length() > 100) {
      throw new SecretsException(Problem.BAD_INPUT, null, "invalid placeholder pattern '" + pattern + "'",
          "include {rand} exactly once, e.g. 'sk-{rand}'; other characters: letters, digits, . _ ~ + / = -");
    }
    StringBuilder rand = new StringBuilder(24);
    for (int i = 0; i < 24; i++) {
      rand.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return pattern.replace("{rand}", rand);
  }
}
