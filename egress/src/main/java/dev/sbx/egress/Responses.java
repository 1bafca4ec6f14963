package dev.sbx.egress;

import dev.sbx.egress.api.Authority;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** The responses the proxy itself generates. Bodies name the canonical target, never input bytes. */
final class Responses {
  private Responses() {}

  /** 403 in Docker Sandboxes' form. */
  static FullHttpResponse blocked(Authority target, String rule, String detail, boolean close) {
    String body = "Blocked by network policy: domain " + target + "\nrule: " + rule + "\ndetail: " + detail + "\n";
    FullHttpResponse r = text(HttpResponseStatus.FORBIDDEN, body, close);
    r.headers().set("X-Sbx-Egress", "denied");
    return r;
  }

  static FullHttpResponse error(HttpResponseStatus status, String message, boolean close) {
    FullHttpResponse r = text(status, "sbx egress proxy: " + message + "\n", close);
    r.headers().set("X-Sbx-Egress", "error");
    return r;
  }

  static FullHttpResponse connectionEstablished() {
    return new DefaultFullHttpResponse(
        HttpVersion.HTTP_1_1, new HttpResponseStatus(200, "Connection Established"), Unpooled.EMPTY_BUFFER);
  }

  private static FullHttpResponse text(HttpResponseStatus status, String body, boolean close) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    FullHttpResponse r =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    if (close) {
      r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    return r;
  }
}
