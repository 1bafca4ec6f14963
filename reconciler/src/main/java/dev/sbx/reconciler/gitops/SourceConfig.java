package dev.sbx.reconciler.gitops;

import dev.sbx.reconciler.source.GitRef;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One source as the user configured it ({@code sbx source add ...}) and the daemon persists it in
 * {@code STATE/sources.json}. {@code location} is the directory (kind {@code dir}) or the repository
 * URL (kind {@code git}); {@code ref}, {@code subdirectory}, {@code interval}, {@code secret} (git
 * credentials: the name of a secret in the store) and {@code webhookSecret} (the name of the secret
 * holding the webhook's HMAC key) apply to git sources. Names and secrets' names only: never a value.
 */
public record SourceConfig(
    String name,
    Kind kind,
    String location,
    String ref,
    String subdirectory,
    Duration interval,
    Optional<String> secret,
    Optional<String> webhookSecret,
    boolean suspended) {

  private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  /** Polling under a second would only load the git server; Flux's minimum is a minute for Kustomizations. */
  public static final Duration MIN_INTERVAL = Duration.ofMillis(100);

  public enum Kind {
    DIR, GIT;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Kind parse(String s) {
      return Kind.valueOf(s.toUpperCase(Locale.ROOT));
    }
  }

  public SourceConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(location, "location");
    ref = ref == null ? "" : ref;
    subdirectory = subdirectory == null ? "" : subdirectory;
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(webhookSecret, "webhookSecret");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("a source name is lower-case letters, digits and '-' (at most 63), not '"
          + name + "'");
    }
    if (location.isBlank()) {
      throw new IllegalArgumentException(kind == Kind.DIR ? "--path is required" : "--url is required");
    }
    if (interval.compareTo(MIN_INTERVAL) < 0) {
      throw new IllegalArgumentException("--interval must be at least " + MIN_INTERVAL.toMillis() + "ms");
    }
    if (kind == Kind.GIT) {
      gitRef(ref); // validates
    }
  }

  public static SourceConfig dir(String name, Path dir, Duration resync) {
    return new SourceConfig(name, Kind.DIR, dir.toAbsolutePath().normalize().toString(), "", "", resync,
        Optional.empty(), Optional.empty(), false);
  }

  public static SourceConfig git(String name, String url, String ref, String subdirectory, Duration interval,
      Optional<String> secret, Optional<String> webhookSecret) {
    return new SourceConfig(name, Kind.GIT, url, ref == null || ref.isBlank() ? "main" : ref, subdirectory, interval,
        secret, webhookSecret, false);
  }

  public SourceConfig withSuspended(boolean value) {
    return new SourceConfig(name, kind, location, ref, subdirectory, interval, secret, webhookSecret, value);
  }

  /**
   * The git ref: {@code main} or {@code branch:main}; {@code tag:v1}, {@code tags/v1} or {@code
   * refs/tags/v1}; {@code commit:SHA} or a bare 40-hex id.
   */
  public static GitRef gitRef(String ref) {
    String r = ref == null || ref.isBlank() ? "main" : ref.strip();
    if (r.startsWith("branch:")) {
      return GitRef.branch(r.substring(7));
    }
    if (r.startsWith("refs/heads/")) {
      return GitRef.branch(r.substring(11));
    }
    if (r.startsWith("tag:")) {
      return GitRef.tag(r.substring(4));
    }
    if (r.startsWith("refs/tags/")) {
      return GitRef.tag(r.substring(10));
    }
    if (r.startsWith("tags/")) {
      return GitRef.tag(r.substring(5));
    }
    if (r.startsWith("commit:")) {
      return GitRef.commit(r.substring(7));
    }
    if (r.matches("[0-9a-f]{40}")) {
      return GitRef.commit(r);
    }
    return GitRef.branch(r);
  }

  /** {@code 500ms}, {@code 30s}, {@code 1m}, {@code 1h}, or an ISO-8601 duration ({@code PT1M}). */
  public static Duration parseInterval(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    try {
      if (t.startsWith("pt") || t.startsWith("p")) {
        return Duration.parse(t.toUpperCase(Locale.ROOT));
      }
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      }
      long n = Long.parseLong(t.substring(0, t.length() - 1));
      return switch (t.charAt(t.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        default -> throw new NumberFormatException();
      };
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("'" + text + "' is not a duration; use e.g. 30s, 1m, 1h, 500ms");
    }
  }

  /** The shortest spelling of an interval ({@code 1m}, {@code 30s}, {@code 500ms}). */
  public static String formatInterval(Duration d) {
    long ms = d.toMillis();
    if (ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }
}
