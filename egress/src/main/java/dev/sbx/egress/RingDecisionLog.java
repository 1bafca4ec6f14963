package dev.sbx.egress;

import dev.sbx.egress.api.DecisionLog;
import dev.sbx.egress.api.DecisionRecord;
import dev.sbx.egress.api.DecisionSummary;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** The last {@code capacity} decision records in memory; each new record also goes to {@code sink}. */
final class RingDecisionLog implements DecisionLog {
  private final int capacity;
  private final ArrayDeque<DecisionRecord> ring;
  private final Consumer<DecisionRecord> sink;

  RingDecisionLog(int capacity, Consumer<DecisionRecord> sink) {
    this.capacity = capacity;
    this.ring = new ArrayDeque<>(Math.min(capacity, 1024));
    this.sink = sink;
  }

  void add(DecisionRecord r) {
    synchronized (ring) {
      if (ring.size() == capacity) {
        ring.removeFirst();
      }
      ring.addLast(r);
    }
    sink.accept(r);
  }

  @Override
  public List<DecisionRecord> records(Predicate<DecisionRecord> filter) {
    List<DecisionRecord> out = new ArrayList<>();
    synchronized (ring) {
      for (DecisionRecord r : ring) {
        if (filter.test(r)) {
          out.add(r);
        }
      }
    }
    return out;
  }

  private record Key(String sandbox, String host, int port, String rule, String decision) {}

  @Override
  public List<DecisionSummary> summary(Predicate<DecisionRecord> filter) {
    Map<Key, DecisionSummary> groups = new LinkedHashMap<>();
    for (DecisionRecord r : records(filter)) {
      Key k = new Key(r.sandbox(), r.host(), r.port(), r.rule(), r.decision());
      DecisionSummary prev = groups.get(k);
      groups.put(k, new DecisionSummary(k.sandbox(), k.host(), k.port(), k.rule(), k.decision(),
          prev == null ? 1 : prev.count() + 1, r.time()));
    }
    List<DecisionSummary> out = new ArrayList<>(groups.values());
    out.sort(Comparator.comparing(DecisionSummary::count).reversed()
        .thenComparing(DecisionSummary::sandbox).thenComparing(DecisionSummary::host));
    return out;
  }
}
