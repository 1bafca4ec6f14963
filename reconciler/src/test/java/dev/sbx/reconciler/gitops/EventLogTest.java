package dev.sbx.reconciler.gitops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.reconciler.controller.ControllerEvent;
import dev.sbx.reconciler.plan.ChangeKind;
import dev.sbx.reconciler.status.Condition;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The event log behind {@code sbx events}: JSON fields, look-back, live subscribers; the metrics text. */
class EventLogTest {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  @Test
  void eventsBecomeStableJsonLinesNamedByTheirSource() {
    EventLog log = new EventLog(id -> id.equals("git:x#main") ? Optional.of("fleet") : Optional.empty());
    log.publish(new ControllerEvent.Reconciled(T0, "git:x#main", "abc", Map.of(ChangeKind.UPDATE, 1), true,
        Duration.ofMillis(40)));
    log.publish(new ControllerEvent.ConditionChanged(T0.plusSeconds(1), "git:x#main",
        new Condition("Stalled", Condition.Status.TRUE, "FetchFailed", "gone", T0.plusSeconds(1))));
    var all = log.since(Instant.EPOCH);
    assertEquals(2, all.size());
    String reconciled = all.get(0).json();
    assertTrue(reconciled.contains("\"seq\":1") && reconciled.contains("\"type\":\"Reconciled\"")
        && reconciled.contains("\"sourceName\":\"fleet\"") && reconciled.contains("\"changes\":{\"update\":1}")
        && reconciled.contains("\"durationSeconds\":0.04") && reconciled.contains("\"drift\":true"), reconciled);
    assertTrue(all.get(1).json().contains("\"condition\":{\"type\":\"Stalled\",\"status\":\"True\""), all.get(1).json());
    assertEquals(1, log.since(T0.plusSeconds(1)).size());
  }

  @Test
  void aSubscriberGetsTheBacklogThenLiveEventsAndNothingAfterClose() throws Exception {
    EventLog log = new EventLog(id -> Optional.empty());
    log.publish(new ControllerEvent.Triggered(T0, "dir:/a", "added"));
    try (EventLog.Subscription sub = log.subscribe(Optional.of(Instant.EPOCH))) {
      log.publish(new ControllerEvent.Triggered(T0.plusSeconds(1), "dir:/a", "watch"));
      assertTrue(sub.next(1000).orElseThrow().json().contains("\"why\":\"added\""));
      assertTrue(sub.next(1000).orElseThrow().json().contains("\"why\":\"watch\""));
      assertTrue(sub.next(10).isEmpty());
      log.close();
      assertTrue(!sub.open() && sub.next(10).isEmpty());
    }
  }

  @Test
  void theLogKeepsTheNewestThousand() {
    EventLog log = new EventLog(id -> Optional.empty());
    for (int i = 0; i < EventLog.CAPACITY + 5; i++) {
      log.publish(new ControllerEvent.Triggered(T0.plusMillis(i), "dir:/a", "watch"));
    }
    var kept = log.since(Instant.EPOCH);
    assertEquals(EventLog.CAPACITY, kept.size());
    assertEquals(6, kept.get(0).seq());
  }

  @Test
  void metricsAreValidPrometheusText() {
    Metrics m = new Metrics();
    m.on(new ControllerEvent.Reconciled(T0, "id", "r", Map.of(), false, Duration.ofMillis(30)), "fleet");
    m.on(new ControllerEvent.FetchFailed(T0, "id", "FetchFailed", "x", Duration.ofSeconds(1)), "fleet");
    m.webhook("fleet", 401);
    String text = m.write(2, Map.of("IN_SYNC", 3), Map.of("fleet", true), Map.of("fleet", false));
    assertTrue(text.contains("sbx_reconcile_total{source=\"fleet\",result=\"success\"} 1\n"), text);
    assertTrue(text.contains("sbx_reconcile_duration_seconds_bucket{source=\"fleet\",le=\"0.025\"} 0\n"), text);
    assertTrue(text.contains("sbx_reconcile_duration_seconds_bucket{source=\"fleet\",le=\"0.05\"} 1\n"), text);
    assertTrue(text.contains("sbx_reconcile_duration_seconds_count{source=\"fleet\"} 1\n"), text);
    assertTrue(text.contains("sbx_source_fetch_errors_total{source=\"fleet\",reason=\"FetchFailed\"} 1\n"), text);
    assertTrue(text.contains("sbx_webhook_requests_total{source=\"fleet\",code=\"401\"} 1\n"), text);
    assertTrue(text.contains("sbx_sandboxes{state=\"in_sync\"} 3\n"), text);
    assertTrue(text.contains("sbx_controller_queue_depth 2\n"), text);
    for (String line : text.split("\n")) {
      assertTrue(line.startsWith("# HELP ") || line.startsWith("# TYPE ")
          || line.matches("[a-z_]+(\\{[^}]*\\})? [0-9.eE+-]+"), line);
    }
  }
}
