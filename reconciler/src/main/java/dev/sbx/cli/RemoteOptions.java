package dev.sbx.cli;

import dev.sbx.reconciler.daemon.ApiClient;
import dev.sbx.reconciler.daemon.ApiTls;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The options (a {@code @Mixin} of every daemon-backed command) that point each daemon-backed verb ({@code diff plan apply ls exec logs stop
 * rm}) at a remote daemon's API instead of the local one: {@code --host URL} ({@code SBX_HOST}),
 * the bearer token from {@code --token-file FILE} or {@code SBX_TOKEN}, and how to trust the
 * daemon's certificate: {@code --tls-fingerprint SHA256} ({@code SBX_TLS_FINGERPRINT}, a pin,
 * wins), {@code --ca-cert FILE} ({@code SBX_CA_CERT}), else the JDK's default CAs. Options win
 * over the environment. The token is never printed: messages name the file or the variable.
 */
public final class RemoteOptions {
  @Option(names = "--host", paramLabel = "URL",
      description = "Use the sbx daemon at URL (https://HOST[:PORT], see 'sbx daemon --listen') instead of"
          + " the local one (env SBX_HOST).")
  String host;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "Bearer token for --host, read from FILE (default: env SBX_TOKEN).")
  Path tokenFile;

  @Option(names = "--ca-cert", paramLabel = "FILE",
      description = "PEM certificate(s) to trust for --host, e.g. the daemon's STATE/api-tls/server.pem (env SBX_CA_CERT).")
  Path caCert;

  @Option(names = "--tls-fingerprint", paramLabel = "SHA256",
      description = "Trust exactly the --host certificate with this SHA-256 fingerprint (env SBX_TLS_FINGERPRINT).")
  String tlsFingerprint;

  /** A client of the remote daemon when {@code --host} or {@code SBX_HOST} names one. */
  Optional<ApiClient> client() {
    return client(System.getenv());
  }

  Optional<ApiClient> client(Map<String, String> env) {
    String url = firstNonBlank(host, env.get("SBX_HOST"));
    if (url == null) {
      return Optional.empty();
    }
    URI uri = parseUrl(url);
    String token = token(env);
    ApiTls.Trust trust = trust(env);
    javax.net.ssl.SSLContext tls;
    try {
      tls = ApiTls.client(trust);
    } catch (IllegalArgumentException e) {
      throw new CliFailure(e.getMessage(), ExitCodes.INVALID_INPUT);
    }
    return Optional.of(ApiClient.remote(new ApiClient.Remote(uri, token, tls, !(trust instanceof ApiTls.Trust.Fingerprint))));
  }

  static URI parseUrl(String text) {
    URI uri;
    try {
      uri = new URI(text.strip());
    } catch (URISyntaxException e) {
      throw new CliFailure("--host " + text + " is not a URL; write https://HOST:PORT", ExitCodes.INVALID_INPUT);
    }
    if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      throw new CliFailure("--host " + text + ": the remote API is HTTPS only; write https://HOST:PORT"
          + " (the port 'sbx daemon --listen' uses)", ExitCodes.INVALID_INPUT);
    }
    if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")
        || uri.getRawQuery() != null || uri.getRawUserInfo() != null) {
      throw new CliFailure("--host " + text + ": give only https://HOST:PORT (no path, query or user)",
          ExitCodes.INVALID_INPUT);
    }
    return URI.create("https://" + uri.getRawAuthority());
  }

  private String token(Map<String, String> env) {
    if (tokenFile != null) {
      try {
        String t = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
        if (t.isEmpty()) {
          throw new CliFailure("--token-file " + tokenFile + " is empty", ExitCodes.INVALID_INPUT);
        }
        return t;
      } catch (IOException e) {
        throw new CliFailure("cannot read --token-file " + tokenFile + " (" + e.getClass().getSimpleName() + ")",
            ExitCodes.INVALID_INPUT);
      }
    }
    return firstNonBlank(env.get("SBX_TOKEN"));
  }

  private ApiTls.Trust trust(Map<String, String> env) {
    String pin = firstNonBlank(tlsFingerprint, env.get("SBX_TLS_FINGERPRINT"));
    if (pin != null) {
      try {
        return new ApiTls.Trust.Fingerprint(pin);
      } catch (IllegalArgumentException e) {
        throw new CliFailure("--tls-fingerprint: " + e.getMessage(), ExitCodes.INVALID_INPUT);
      }
    }
    Path ca = caCert != null ? caCert : Optional.ofNullable(firstNonBlank(env.get("SBX_CA_CERT"))).map(Path::of).orElse(null);
    if (ca != null) {
      if (!Files.isReadable(ca)) {
        throw new CliFailure("--ca-cert " + ca + " cannot be read", ExitCodes.INVALID_INPUT);
      }
      return new ApiTls.Trust.CaFile(ca);
    }
    return new ApiTls.Trust.SystemDefault();
  }

  private static String firstNonBlank(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v.strip();
      }
    }
    return null;
  }
}
