package dev.sbx.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sbx.egress.api.DecisionRecord;
import dev.sbx.egress.api.DecisionSummary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RingDecisionLogTest {
  static DecisionRecord rec(int second, String host, String decision) {
    return new DecisionRecord(Instant.ofEpochSecond(second), "sb", "http", host, 443, "", "r", decision, "", 200,
        0, 0, 0, 0);
  }

  @Test
  void keepsTheNewestAndForwardsEveryRecord() {
    List<DecisionRecord> sunk = new ArrayList<>();
    RingDecisionLog log = new RingDecisionLog(3, sunk::add);
    for (int i = 0; i < 5; i++) {
      log.add(rec(i, "h" + i, "allow"));
    }
    assertEquals(List.of("h2", "h3", "h4"), log.records().stream().map(DecisionRecord::host).toList());
    assertEquals(5, sunk.size());
  }

  @Test
  void summarisesWithCountAndLastSeen() {
    RingDecisionLog log = new RingDecisionLog(10, r -> { });
    log.add(rec(1, "a", "allow"));
    log.add(rec(2, "b", "deny"));
    log.add(rec(3, "a", "allow"));
    List<DecisionSummary> s = log.summary(r -> true);
    assertEquals(new DecisionSummary("sb", "a", 443, "r", "allow", 2, Instant.ofEpochSecond(3)), s.get(0));
    assertEquals(1, s.get(1).count());
    assertEquals(1, log.summary(r -> r.decision().equals("deny")).size());
  }

  @Test
  void jsonEscapesControlCharacters() {
    DecisionRecord r = new DecisionRecord(Instant.EPOCH, "s\"b", "http", "-", 0, "", "x\\y", "error", "bad\nline",
        400, 0, 0, 1, 2);
    assertEquals("{\"time\":\"1970-01-01T00:00:00Z\",\"sandbox\":\"s\\\"b\",\"kind\":\"http\",\"host\":\"-\",\"port\":0,"
        + "\"address\":\"\",\"rule\":\"x\\\\y\",\"decision\":\"error\",\"reason\":\"bad\\u000aline\",\"status\":400,"
        + "\"bytes_up\":0,\"bytes_down\":0,\"decide_us\":1,\"duration_ms\":2}", JsonLinesSink.toJson(r));
  }
}
