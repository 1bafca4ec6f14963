package dev.sbx.reconciler.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sbx.egress.api.DecisionRecord;
import dev.sbx.egress.api.DecisionSummary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** {@code sbx policy log}'s aggregation of the proxy's decision records. */
class PolicyLogTest {

  private static DecisionRecord record(long second, String sandbox, String host, int port, String rule, String decision) {
    return new DecisionRecord(Instant.ofEpochSecond(second), sandbox, "http", host, port, "", rule, decision, "", 200,
        0, 0, 1, 1);
  }

  @Test
  void groupsBySandboxHostPortRuleAndDecisionDenialsFirst() {
    List<DecisionSummary> rows = PolicyLog.aggregate(List.of(
        record(10, "dev", "api.github.com", 443, "api.github.com:443", "allow"),
        record(30, "dev", "api.github.com", 443, "api.github.com:443", "allow"),
        record(20, "dev", "api.github.com", 443, "api.github.com:443", "allow"),
        record(15, "dev", "example.com", 80, "default deny", "deny"),
        record(16, "dev", "example.com", 443, "default deny", "deny"),
        record(17, "ci", "example.com", 80, "default deny", "deny")));
    assertEquals(4, rows.size());
    assertEquals(new DecisionSummary("ci", "example.com", 80, "default deny", "deny", 1, Instant.ofEpochSecond(17)),
        rows.get(0));
    assertEquals("dev", rows.get(1).sandbox());
    assertEquals(80, rows.get(1).port());
    assertEquals(443, rows.get(2).port());
    assertEquals(new DecisionSummary("dev", "api.github.com", 443, "api.github.com:443", "allow", 3,
        Instant.ofEpochSecond(30)), rows.get(3), "count and the newest time, whatever the order of records");
  }

  @Provide
  Arbitrary<List<DecisionRecord>> records() {
    Arbitrary<DecisionRecord> one = Combinators.combine(Arbitraries.longs().between(0, 1000),
        Arbitraries.of("a", "b"), Arbitraries.of("x.example.com", "y.example.com"), Arbitraries.of(80, 443),
        Arbitraries.of("default deny", "**.example.com"), Arbitraries.of("allow", "deny", "error"))
        .as(PolicyLogTest::record);
    return one.list().ofMaxSize(60);
  }

  @Property(tries = 200)
  void countsAddUpKeysAreUniqueAndLastSeenIsTheNewest(@ForAll("records") List<DecisionRecord> records) {
    List<DecisionSummary> rows = PolicyLog.aggregate(records);
    assertEquals(records.size(), rows.stream().mapToLong(DecisionSummary::count).sum());
    Set<List<Object>> keys = new HashSet<>();
    Map<List<Object>, Instant> newest = new HashMap<>();
    for (DecisionRecord r : records) {
      newest.merge(List.of(r.sandbox(), r.host(), r.port(), r.rule(), r.decision()), r.time(),
          (x, y) -> x.isAfter(y) ? x : y);
    }
    boolean seenAllow = false;
    for (DecisionSummary s : rows) {
      List<Object> key = List.of(s.sandbox(), s.host(), s.port(), s.rule(), s.decision());
      assertEquals(true, keys.add(key), "one row per group");
      assertEquals(newest.get(key), s.lastSeen());
      seenAllow |= s.decision().equals("allow");
      assertEquals(false, seenAllow && !s.decision().equals("allow"), "denials and errors before allows");
    }
    List<DecisionRecord> reversed = new ArrayList<>(records);
    java.util.Collections.reverse(reversed);
    assertEquals(rows, PolicyLog.aggregate(reversed), "independent of record order");
  }
}
