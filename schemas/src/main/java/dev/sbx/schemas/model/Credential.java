package dev.sbx.schemas.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of {@code credentials:}: what a kit needs for one service and how the proxy injects
 * it. Never where the secret lives (that is the user's binding). v1 {@code credentials.sources} +
 * {@code network.serviceDomains} + {@code network.serviceAuth} + {@code environment.proxyManaged}
 * + standalone {@code oauth:} fold into this.
 *
 * @param service service id, unique per kit; links to {@code sbx secret set SERVICE}
 * @param provider v2 {@code provider}; null = none
 * @param apiKey null = no API-key injection
 * @param oauth null = no OAuth token swapping
 */
public record Credential(
    String service,
    String description,
    boolean required,
    String provider,
    ApiKey apiKey,
    OAuth oauth) {
  public Credential {
    Objects.requireNonNull(service, "service");
  }

  /**
   * {@code apiKey}.
   *
   * @param name env var that carries the key inside the VM; "" = proxy-side only
   * @param proxyManaged true: the VM sees the variable set to the sentinel {@code proxy-managed}
   * @param inject where the proxy writes the real value; empty = not routed
   */
  public record ApiKey(String name, boolean proxyManaged, List<Inject> inject) {
    public ApiKey {
      name = name == null ? "" : name;
      inject = Copies.list(inject);
    }
  }

  /**
   * One injection rule. Either {@code format} (with exactly one {@code %s}) or {@code scheme}
   * ({@code bearer}/{@code basic}) is usually set; both null = {@code %s}.
   *
   * @param domain host pattern the rule applies to (must also be allowed by the network block)
   * @param header header the proxy overwrites; null = {@code Authorization} for a scheme
   * @param username basic-auth user name for {@code scheme: basic}
   */
  public record Inject(String domain, String header, String format, String scheme, String username) {
    public Inject {
      Objects.requireNonNull(domain, "domain");
    }

    /** The value template the proxy applies, resolving the scheme sugar. */
    public String effectiveFormat() {
      if (format != null) {
        return format;
      }
      return "bearer".equalsIgnoreCase(scheme) ? "Bearer %s" : "%s";
    }

    /** The header the proxy overwrites, resolving the scheme sugar. */
    public String effectiveHeader() {
      return header != null ? header : "Authorization";
    }
  }

  /**
   * {@code oauth}: the host runs the flow; the VM only sees sentinel tokens.
   *
   * @param resourceHosts hosts where sentinel access tokens are swapped for real ones
   * @param responseFields token-response field names, by role; empty = OAuth defaults
   * @param passthrough v2 {@code passthrough} (v1 {@code passthroughResponse})
   */
  public record OAuth(
      TokenEndpoint tokenEndpoint,
      List<String> resourceHosts,
      Sentinels sentinels,
      CredentialFile credentialFile,
      List<String> skipIfEnv,
      Map<String, String> responseFields,
      boolean passthrough) {
    public OAuth {
      resourceHosts = Copies.list(resourceHosts);
      sentinels = sentinels == null ? Sentinels.EMPTY : sentinels;
      skipIfEnv = Copies.list(skipIfEnv);
      responseFields = Copies.map(responseFields);
    }
  }

  /** Where the host exchanges tokens: {@code https://host/path}. */
  public record TokenEndpoint(String host, String path) {}

  /** Placeholder tokens the VM sees; each null = none. */
  public record Sentinels(String accessToken, String refreshToken) {
    public static final Sentinels EMPTY = new Sentinels(null, null);
  }

  /**
   * A file written in the VM with sentinel tokens.
   *
   * @param template Go-template text; null = none
   * @param structure JSON template (nested maps of strings); empty = none
   */
  public record CredentialFile(String path, String template, Map<String, Object> structure) {
    public CredentialFile {
      structure = Copies.map(structure);
    }
  }
}
