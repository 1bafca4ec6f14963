package dev.sbx.egress.api;

import java.util.List;
import java.util.function.Predicate;

/** The recent decisions the proxy keeps in memory (a bounded ring: the oldest fall off). */
public interface DecisionLog {

  /** Records matching {@code filter}, oldest first. */
  List<DecisionRecord> records(Predicate<DecisionRecord> filter);

  default List<DecisionRecord> records() {
    return records(r -> true);
  }

  /** Counts per (sandbox, host, port, rule, decision) with the last time each was seen. */
  List<DecisionSummary> summary(Predicate<DecisionRecord> filter);
}
