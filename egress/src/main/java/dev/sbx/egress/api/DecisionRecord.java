package dev.sbx.egress.api;

import java.time.Instant;
import java.util.Objects;

/**
 * One request's decision and outcome. Carries no secret, no path, no query string and no
 * userinfo: only where the request went and what happened.
 *
 * @param time when the request head arrived
 * @param sandbox whose listener it came in on
 * @param kind {@code connect} or {@code http}
 * @param host canonical host ("-" if the request was malformed)
 * @param port destination port (0 if unknown)
 * @param address the address dialed or refused-class, "" if none
 * @param rule the rule that decided ("default deny", "address guard", ...)
 * @param decision {@code allow}, {@code deny} or {@code error}
 * @param reason detail for deny/error, "" for allow
 * @param status the HTTP status the client got (200 for an established tunnel)
 * @param bytesUp body/tunnel bytes client to upstream
 * @param bytesDown body/tunnel bytes upstream to client
 * @param decideMicros time to decide, including DNS
 * @param durationMillis time until the exchange or tunnel ended
 */
public record DecisionRecord(
    Instant time,
    String sandbox,
    String kind,
    String host,
    int port,
    String address,
    String rule,
    String decision,
    String reason,
    int status,
    long bytesUp,
    long bytesDown,
    long decideMicros,
    long durationMillis) {

  public DecisionRecord {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(sandbox, "sandbox");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(reason, "reason");
  }

  public boolean allowed() {
    return decision.equals("allow");
  }
}
