package dev.sbx.egress;

import dev.sbx.egress.api.EgressConfig;
import dev.sbx.egress.api.Limits;
import io.netty.handler.codec.http.HttpDecoderConfig;
import java.net.InetSocketAddress;
import java.util.function.Predicate;

/** The proxy-wide services a connection's handlers use. */
final class ProxyContext {
  final EgressConfig config;
  final Transport transport;
  final Destinations destinations;
  final RingDecisionLog log;
  final Dialer dialer;
  /** A last interlock before any dial; tests restrict it to loopback so a bug cannot reach out. */
  volatile Predicate<InetSocketAddress> dialAllowed = a -> true;

  ProxyContext(EgressConfig config, Transport transport, Destinations destinations, RingDecisionLog log) {
    this.config = config;
    this.transport = transport;
    this.destinations = destinations;
    this.log = log;
    this.dialer = new Dialer(this);
  }

  Limits limits() {
    return config.limits();
  }

  /** Strict request parsing: bare CR/LF, duplicate Content-Length and bad Transfer-Encoding fail. */
  HttpDecoderConfig requestDecoderConfig() {
    Limits l = config.limits();
    return new HttpDecoderConfig()
        .setMaxInitialLineLength(l.maxInitialLineLength())
        .setMaxHeaderSize(l.maxHeaderSize())
        .setMaxChunkSize(64 * 1024)
        .setValidateHeaders(true)
        .setAllowDuplicateContentLengths(false)
        .setStrictLineParsing(true)
        .setUseRfc9112TransferEncoding(true);
  }

  HttpDecoderConfig responseDecoderConfig() {
    return new HttpDecoderConfig()
        .setMaxInitialLineLength(16 * 1024)
        .setMaxHeaderSize(128 * 1024)
        .setMaxChunkSize(64 * 1024)
        .setValidateHeaders(true)
        .setAllowDuplicateContentLengths(false)
        .setUseRfc9112TransferEncoding(true);
  }
}
