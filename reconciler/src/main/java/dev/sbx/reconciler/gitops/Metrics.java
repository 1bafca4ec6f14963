package dev.sbx.reconciler.gitops;

import dev.sbx.reconciler.controller.ControllerEvent;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The controller's counters, fed by its events and written in the Prometheus text format (version
 * 0.0.4) for {@code GET /metrics}. Labels name sources by their configured name. Gauges that are
 * read at scrape time (queue depth, sandboxes by state, source readiness) are passed to {@link
 * #write}.
 */
public final class Metrics {
  /** Upper bounds of the reconcile duration histogram, in seconds. */
  static final double[] BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};

  private final Map<String, LongAdder> reconciles = new ConcurrentHashMap<>(); // source|result
  private final Map<String, LongAdder> fetchErrors = new ConcurrentHashMap<>(); // source|reason
  private final Map<String, LongAdder> webhooks = new ConcurrentHashMap<>(); // source|code
  private final Map<String, Histogram> durations = new ConcurrentHashMap<>(); // source

  private static final class Histogram {
    final long[] counts = new long[BUCKETS.length];
    long count;
    double sum;

    synchronized void observe(double seconds) {
      for (int i = 0; i < BUCKETS.length; i++) {
        if (seconds <= BUCKETS[i]) {
          counts[i]++;
        }
      }
      count++;
      sum += seconds;
    }
  }

  /** Counts what an event says; {@code name} is the source's configured name. */
  public void on(ControllerEvent event, String name) {
    if (event instanceof ControllerEvent.Reconciled r) {
      inc(reconciles, name + "|success");
      durations.computeIfAbsent(name, k -> new Histogram()).observe(r.took().toNanos() / 1e9);
    } else if (event instanceof ControllerEvent.ReconcileFailed) {
      inc(reconciles, name + "|failure");
    } else if (event instanceof ControllerEvent.FetchFailed f) {
      inc(fetchErrors, name + "|" + f.reason());
    }
  }

  public void webhook(String name, int status) {
    inc(webhooks, name + "|" + status);
  }

  private static void inc(Map<String, LongAdder> map, String key) {
    map.computeIfAbsent(key, k -> new LongAdder()).increment();
  }

  /**
   * The exposition text. {@code queueDepth}: keys waiting in the controller's queue; {@code
   * sandboxesByState}: state → count; {@code sourceReady}: source name → 1 ready, 0 not.
   */
  public String write(int queueDepth, Map<String, Integer> sandboxesByState, Map<String, Boolean> sourceReady,
      Map<String, Boolean> sourceSuspended) {
    StringBuilder out = new StringBuilder();
    header(out, "sbx_reconcile_total", "counter", "Reconcile passes per source, by result (success, failure).");
    new TreeMap<>(reconciles).forEach((k, v) -> sample(out, "sbx_reconcile_total", labels("source", k, "result"), v.sum()));
    header(out, "sbx_reconcile_duration_seconds", "histogram",
        "Duration of successful reconcile passes (fetch, compile, observe, diff, apply).");
    new TreeMap<>(durations).forEach((name, h) -> {
      synchronized (h) {
        for (int i = 0; i < BUCKETS.length; i++) {
          out.append("sbx_reconcile_duration_seconds_bucket{source=\"").append(escape(name)).append("\",le=\"")
              .append(num(BUCKETS[i])).append("\"} ").append(h.counts[i]).append('\n');
        }
        out.append("sbx_reconcile_duration_seconds_bucket{source=\"").append(escape(name)).append("\",le=\"+Inf\"} ")
            .append(h.count).append('\n');
        out.append("sbx_reconcile_duration_seconds_sum{source=\"").append(escape(name)).append("\"} ")
            .append(num(h.sum)).append('\n');
        out.append("sbx_reconcile_duration_seconds_count{source=\"").append(escape(name)).append("\"} ")
            .append(h.count).append('\n');
      }
    });
    header(out, "sbx_source_fetch_errors_total", "counter", "Failed fetches per source, by reason.");
    new TreeMap<>(fetchErrors).forEach((k, v) ->
        sample(out, "sbx_source_fetch_errors_total", labels("source", k, "reason"), v.sum()));
    header(out, "sbx_webhook_requests_total", "counter", "Webhook requests per source, by HTTP status.");
    new TreeMap<>(webhooks).forEach((k, v) -> sample(out, "sbx_webhook_requests_total", labels("source", k, "code"), v.sum()));
    header(out, "sbx_source_ready", "gauge", "1 when the source's Ready condition is True.");
    new TreeMap<>(sourceReady).forEach((k, v) ->
        sample(out, "sbx_source_ready", "source=\"" + escape(k) + "\"", v ? 1 : 0));
    header(out, "sbx_source_suspended", "gauge", "1 when the source is suspended.");
    new TreeMap<>(sourceSuspended).forEach((k, v) ->
        sample(out, "sbx_source_suspended", "source=\"" + escape(k) + "\"", v ? 1 : 0));
    header(out, "sbx_sandboxes", "gauge", "Sandboxes the controller handles, by state.");
    new TreeMap<>(sandboxesByState).forEach((k, v) ->
        sample(out, "sbx_sandboxes", "state=\"" + k.toLowerCase(Locale.ROOT) + "\"", v));
    header(out, "sbx_controller_queue_depth", "gauge", "Sources waiting in the controller's work queue.");
    out.append("sbx_controller_queue_depth ").append(queueDepth).append('\n');
    return out.toString();
  }

  private static String labels(String first, String key, String second) {
    int bar = key.lastIndexOf('|');
    return first + "=\"" + escape(key.substring(0, bar)) + "\"," + second + "=\"" + escape(key.substring(bar + 1)) + "\"";
  }

  private static void header(StringBuilder out, String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static void sample(StringBuilder out, String name, String labels, long value) {
    out.append(name).append('{').append(labels).append("} ").append(value).append('\n');
  }

  private static String num(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
