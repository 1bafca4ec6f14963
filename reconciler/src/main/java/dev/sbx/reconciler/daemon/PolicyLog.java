package dev.sbx.reconciler.daemon;

import dev.sbx.egress.api.DecisionRecord;
import dev.sbx.egress.api.DecisionSummary;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code sbx policy log}'s rows: decision records grouped by sandbox, host, port, rule and
 * decision, each with its count and the newest time it was seen. Order: denials first (what a user
 * looks for), then by sandbox, host, port, rule; stable, so {@code -o json} diffs well.
 */
public final class PolicyLog {
  private PolicyLog() {}

  private record Key(String sandbox, String host, int port, String rule, String decision) {}

  public static List<DecisionSummary> aggregate(List<DecisionRecord> records) {
    Map<Key, DecisionSummary> groups = new LinkedHashMap<>();
    for (DecisionRecord r : records) {
      Key k = new Key(r.sandbox(), r.host(), r.port(), r.rule(), r.decision());
      DecisionSummary prev = groups.get(k);
      groups.put(k, new DecisionSummary(k.sandbox(), k.host(), k.port(), k.rule(), k.decision(),
          prev == null ? 1 : prev.count() + 1,
          prev == null || r.time().isAfter(prev.lastSeen()) ? r.time() : prev.lastSeen()));
    }
    List<DecisionSummary> out = new ArrayList<>(groups.values());
    out.sort(Comparator.comparing((DecisionSummary s) -> s.decision().equals("allow") ? 1 : 0)
        .thenComparing(DecisionSummary::sandbox).thenComparing(DecisionSummary::host)
        .thenComparingInt(DecisionSummary::port).thenComparing(DecisionSummary::rule)
        .thenComparing(DecisionSummary::decision));
    return out;
  }
}
