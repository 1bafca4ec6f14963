package dev.sbx.egress;

import dev.sbx.egress.api.Authority;
import dev.sbx.egress.api.InvalidHostException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.util.List;
import java.util.Locale;

/**
 * Validates a decoded request head and extracts its canonical target. Strict on purpose: every
 * ambiguity a smuggling or confusion attack needs (two Hosts, Host vs URI, CL with TE, odd TE,
 * userinfo, backslashes, origin-form) is refused before any policy is consulted.
 */
final class RequestCheck {
  private RequestCheck() {}

  /** The verdict on a request head. */
  sealed interface Result {}

  /** A CONNECT to {@code target}. */
  record Connect(Authority target) implements Result {}

  /** An absolute-form request to forward as {@code originForm} to {@code target}. */
  record Forward(Authority target, String originForm) implements Result {}

  /** Refused with {@code status}; {@code message} names the problem, never the raw bytes. */
  record Reject(HttpResponseStatus status, String message) implements Result {}

  static Result check(HttpRequest req) {
    if (req.decoderResult().isFailure()) {
      Throwable cause = req.decoderResult().cause();
      if (cause instanceof TooLongHttpLineException) {
        return new Reject(HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line too long");
      }
      if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
        return new Reject(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "request head too large");
      }
      return new Reject(HttpResponseStatus.BAD_REQUEST, "malformed request");
    }
    HttpVersion v = req.protocolVersion();
    if (v.majorVersion() != 1 || v.minorVersion() > 1) {
      return new Reject(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, "only HTTP/1.0 and HTTP/1.1 are proxied");
    }
    HttpHeaders h = req.headers();
    List<String> hosts = h.getAll(HttpHeaderNames.HOST);
    if (hosts.size() > 1) {
      return new Reject(HttpResponseStatus.BAD_REQUEST, "more than one Host header");
    }
    Reject framing = framing(h);
    if (framing != null) {
      return framing;
    }
    String uri = req.uri();
    if (!visibleAscii(uri) || (!hosts.isEmpty() && !visibleAscii(hosts.get(0)))) {
      // The decoder reads bytes as ISO-8859-1; a UTF-8 host would be misread. Clients send punycode.
      return new Reject(HttpResponseStatus.BAD_REQUEST, "request target and Host must be ASCII (use punycode)");
    }
    if (req.method().equals(HttpMethod.CONNECT)) {
      if (h.contains(HttpHeaderNames.TRANSFER_ENCODING) || h.getInt(HttpHeaderNames.CONTENT_LENGTH, 0) != 0) {
        return new Reject(HttpResponseStatus.BAD_REQUEST, "CONNECT must not carry a body");
      }
      try {
        return new Connect(Authority.parse(uri, -1));
      } catch (InvalidHostException e) {
        return new Reject(HttpResponseStatus.BAD_REQUEST, "bad CONNECT target: " + e.getMessage());
      }
    }
    if (uri.indexOf('\\') >= 0) {
      return new Reject(HttpResponseStatus.BAD_REQUEST, "backslash in request target");
    }
    String lower = uri.length() >= 8 ? uri.substring(0, 8).toLowerCase(Locale.ROOT) : uri.toLowerCase(Locale.ROOT);
    if (lower.startsWith("https://")) {
      return new Reject(HttpResponseStatus.BAD_REQUEST, "use CONNECT for https");
    }
    if (!lower.startsWith("http://")) {
      return new Reject(HttpResponseStatus.BAD_REQUEST,
          "this is a forward proxy: send absolute-form requests (http://host/path) or CONNECT");
    }
    String rest = uri.substring(7);
    int end = rest.length();
    for (int i = 0; i < rest.length(); i++) {
      char c = rest.charAt(i);
      if (c == '/' || c == '?' || c == '#') {
        end = i;
        break;
      }
    }
    Authority target;
    try {
      target = Authority.parse(rest.substring(0, end), 80);
    } catch (InvalidHostException e) {
      return new Reject(HttpResponseStatus.BAD_REQUEST, "bad request target: " + e.getMessage());
    }
    String path = rest.substring(end);
    int hash = path.indexOf('#');
    if (hash >= 0) {
      path = path.substring(0, hash);
    }
    if (path.isEmpty() || path.charAt(0) != '/') {
      path = "/" + path;
    }
    if (hosts.isEmpty()) {
      if (v.equals(HttpVersion.HTTP_1_1)) {
        return new Reject(HttpResponseStatus.BAD_REQUEST, "HTTP/1.1 request without Host");
      }
    } else {
      Authority host;
      try {
        host = Authority.parse(hosts.get(0), 80);
      } catch (InvalidHostException e) {
        return new Reject(HttpResponseStatus.BAD_REQUEST, "bad Host header: " + e.getMessage());
      }
      if (!host.equals(target)) {
        return new Reject(HttpResponseStatus.MISDIRECTED_REQUEST, "Host header does not match the request target");
      }
    }
    return new Forward(target, path);
  }

  private static boolean visibleAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return false;
      }
    }
    return true;
  }

  /** RFC 9112 §6: one Transfer-Encoding, exactly "chunked", never together with Content-Length. */
  private static Reject framing(HttpHeaders h) {
    List<String> te = h.getAll(HttpHeaderNames.TRANSFER_ENCODING);
    if (te.isEmpty()) {
      return null;
    }
    if (te.size() > 1 || !te.get(0).trim().equalsIgnoreCase("chunked")) {
      return new Reject(HttpResponseStatus.BAD_REQUEST, "unsupported Transfer-Encoding");
    }
    if (h.contains(HttpHeaderNames.CONTENT_LENGTH)) {
      return new Reject(HttpResponseStatus.BAD_REQUEST, "both Content-Length and Transfer-Encoding");
    }
    return null;
  }
}
