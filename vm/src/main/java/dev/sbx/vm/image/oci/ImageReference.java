package dev.sbx.vm.image.oci;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A parsed, normalised image reference, as Docker reads it: {@code ubuntu} is
 * {@code docker.io/library/ubuntu:latest}; {@code docker/sandbox-templates:claude-code-docker} is on
 * {@code docker.io}; a first component with a dot or a colon, or {@code localhost}, or one with
 * upper case letters, is a registry ({@code localhost:5000/x}, {@code [::1]:5000/x},
 * {@code ghcr.io/o/r}); {@code index.docker.io} is folded into {@code docker.io}. The tag defaults to
 * {@code latest} only when there is no digest; {@code name:tag@sha256:…} keeps both and the digest
 * wins when pulling.
 *
 * @param registry the registry as the user names it ({@code docker.io}, {@code localhost:5000})
 * @param repository the repository path ({@code library/ubuntu})
 * @param tag the tag, or {@code null} when pinned by digest only
 * @param digest {@code sha256:<64 hex>}, or {@code null}
 */
public record ImageReference(String registry, String repository, String tag, String digest) {
  public static final String DOCKER_HUB = "docker.io";
  /** Where Docker Hub's registry API really answers. */
  public static final String DOCKER_HUB_API = "registry-1.docker.io";
  static final String DEFAULT_TAG = "latest";
  static final int MAX_NAME_LENGTH = 255;

  private static final String ALNUM = "[a-z0-9]+";
  private static final String SEPARATOR = "(?:[._]|__|[-]+)";
  private static final String PATH_COMPONENT = ALNUM + "(?:" + SEPARATOR + ALNUM + ")*";
  static final Pattern REPOSITORY = Pattern.compile(PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*");
  private static final String DOMAIN_LABEL = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
  static final Pattern REGISTRY = Pattern.compile(
      "(?:" + DOMAIN_LABEL + "(?:\\." + DOMAIN_LABEL + ")*|\\[[a-fA-F0-9:]+\\])(?::[0-9]{1,5})?");
  static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
  static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}");

  public ImageReference {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(repository, "repository");
    if (tag == null && digest == null) {
      throw new IllegalArgumentException("an image reference needs a tag or a digest");
    }
    if (!REGISTRY.matcher(registry).matches()) {
      throw new IllegalArgumentException("bad registry: " + registry);
    }
    if (!REPOSITORY.matcher(repository).matches()) {
      throw new IllegalArgumentException("bad repository: " + repository);
    }
    if (tag != null && !TAG.matcher(tag).matches()) {
      throw new IllegalArgumentException("bad tag: " + tag);
    }
    if (digest != null && !DIGEST.matcher(digest).matches()) {
      throw new IllegalArgumentException("bad digest: " + digest);
    }
  }

  /**
   * Parses a reference the way {@code docker pull} does.
   *
   * @throws OciException of kind {@code INVALID_REFERENCE} with what is wrong and an example
   */
  public static ImageReference parse(String text) {
    Objects.requireNonNull(text, "text");
    String s = text;
    if (s.isEmpty()) {
      throw invalid(text, "it is empty");
    }
    String digest = null;
    int at = s.indexOf('@');
    if (at >= 0) {
      digest = s.substring(at + 1);
      s = s.substring(0, at);
      if (!digest.startsWith("sha256:")) {
        throw invalid(text, "only sha256 digests are supported (sha256:<64 hex digits>)");
      }
      if (!DIGEST.matcher(digest).matches()) {
        throw invalid(text, "the digest must be sha256: followed by 64 lowercase hex digits");
      }
    }
    // The tag follows the last colon after the last slash (a colon before it is a registry port).
    String tag = null;
    int slash = s.lastIndexOf('/');
    int colon = s.lastIndexOf(':');
    if (colon > slash) {
      tag = s.substring(colon + 1);
      s = s.substring(0, colon);
      if (!TAG.matcher(tag).matches()) {
        throw invalid(text, "the tag '" + tag + "' may hold letters, digits, '_', '.' and '-' (at most 128, not starting with '.' or '-')");
      }
    }
    String registry;
    String remainder;
    int firstSlash = s.indexOf('/');
    String first = firstSlash < 0 ? null : s.substring(0, firstSlash);
    if (first == null
        || (first.indexOf('.') < 0 && first.indexOf(':') < 0 && !first.equals("localhost")
            && first.equals(first.toLowerCase(java.util.Locale.ROOT)))) {
      registry = DOCKER_HUB;
      remainder = s;
    } else {
      registry = first;
      remainder = s.substring(firstSlash + 1);
      if (!REGISTRY.matcher(registry).matches()) {
        throw invalid(text, "'" + registry + "' is not a valid registry host[:port]");
      }
    }
    if (registry.equals("index.docker.io")) {
      registry = DOCKER_HUB;
    }
    if (registry.equals(DOCKER_HUB) && remainder.indexOf('/') < 0) {
      remainder = "library/" + remainder;
    }
    if (remainder.isEmpty()) {
      throw invalid(text, "the repository name is missing");
    }
    if (!remainder.equals(remainder.toLowerCase(java.util.Locale.ROOT))) {
      throw invalid(text, "repository names must be lowercase");
    }
    if (!REPOSITORY.matcher(remainder).matches()) {
      throw invalid(text, "the repository '" + remainder
          + "' must be lowercase path components of [a-z0-9] joined by '.', '_', '__' or '-', separated by '/'");
    }
    if (registry.length() + 1 + remainder.length() > MAX_NAME_LENGTH) {
      throw invalid(text, "the name is longer than " + MAX_NAME_LENGTH + " characters");
    }
    if (tag == null && digest == null) {
      tag = DEFAULT_TAG;
    }
    return new ImageReference(registry, remainder, tag, digest);
  }

  private static OciException invalid(String text, String why) {
    return new OciException(OciException.Kind.INVALID_REFERENCE,
        "invalid image reference '" + text + "': " + why
            + " (examples: ubuntu:24.04, docker/sandbox-templates:claude-code-docker, localhost:5000/team/agent@sha256:…)");
  }

  /** The host[:port] the registry API answers on ({@code registry-1.docker.io} for Docker Hub). */
  public String apiHost() {
    return registry.equals(DOCKER_HUB) ? DOCKER_HUB_API : registry;
  }

  /** The host without port or IPv6 brackets. */
  public String hostName() {
    String r = registry;
    if (r.startsWith("[")) {
      return r.substring(1, r.indexOf(']'));
    }
    int colon = r.indexOf(':');
    return colon < 0 ? r : r.substring(0, colon);
  }

  /** True for registries on this machine, the only ones spoken to over plain HTTP. */
  public boolean isLoopback() {
    String h = hostName();
    return h.equals("localhost") || h.equals("127.0.0.1") || h.equals("::1");
  }

  /** What to ask {@code /v2/<name>/manifests/} for: the digest when there is one, else the tag. */
  public String manifestReference() {
    return digest != null ? digest : tag;
  }

  /** The same image pinned to a manifest digest (the tag is kept for display). */
  public ImageReference withDigest(String manifestDigest) {
    return new ImageReference(registry, repository, tag, manifestDigest);
  }

  /** The full name without tag or digest: {@code docker.io/library/ubuntu}. */
  public String name() {
    return registry + "/" + repository;
  }

  /** Docker's short form: {@code ubuntu:latest}, {@code docker/sandbox-templates:x}, {@code localhost:5000/x:t}. */
  public String familiar() {
    String name = name();
    if (registry.equals(DOCKER_HUB)) {
      name = repository.startsWith("library/") && repository.indexOf('/', 8) < 0 ? repository.substring(8) : repository;
    }
    return name + suffix();
  }

  private String suffix() {
    return (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
  }

  /** The canonical, fully qualified form; {@code parse(toString())} gives this reference back. */
  @Override
  public String toString() {
    return name() + suffix();
  }
}
