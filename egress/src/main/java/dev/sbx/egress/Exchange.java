package dev.sbx.egress;

import dev.sbx.egress.api.Authority;
import dev.sbx.egress.api.DecisionRecord;
import java.time.Instant;

/** The facts about one request (or tunnel) gathered for its decision record; logged once. */
final class Exchange {
  final Instant time;
  final long startNanos = System.nanoTime();
  String kind = "http";
  Authority target;
  String address = "";
  String rule = "";
  String decision = "error";
  String reason = "";
  int status;
  long bytesUp;
  long bytesDown;
  long decideMicros;
  private boolean logged;

  Exchange(Instant time) {
    this.time = time;
  }

  void decided() {
    decideMicros = (System.nanoTime() - startNanos) / 1000;
  }

  void log(RingDecisionLog log, String sandbox) {
    if (logged) {
      return;
    }
    logged = true;
    log.add(new DecisionRecord(time, sandbox, kind, target == null ? "-" : target.host().value(),
        target == null ? 0 : target.port(), address, rule, decision, reason, status, bytesUp, bytesDown,
        decideMicros, (System.nanoTime() - startNanos) / 1_000_000));
  }
}
