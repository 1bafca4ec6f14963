package dev.sbx.reconciler.gitops;

import dev.sbx.reconciler.controller.ControllerEvent;
import dev.sbx.reconciler.plan.ChangeKind;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The controller's events as JSON lines, for {@code sbx events} ({@code GET /v1/events}): the
 * newest {@link #CAPACITY} are kept (so {@code --since} can look back) and each new one goes to
 * every live subscriber. A subscriber that does not keep up loses events rather than slowing the
 * controller down (its queue is bounded). Stable fields: {@code seq}, {@code time}, {@code type},
 * {@code source} (id), {@code sourceName}, then per type: {@code why}; {@code revision},
 * {@code changed}; {@code reason}, {@code message}, {@code retryInSeconds}; {@code changes}
 * (kind → count), {@code drift}, {@code durationSeconds}; {@code condition} {type, status, reason,
 * message}; {@code kind}, {@code name}, {@code suspended}.
 */
public final class EventLog implements AutoCloseable {
  public static final int CAPACITY = 1000;
  private static final int SUBSCRIBER_QUEUE = 10_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One event as stored: its sequence number, time and JSON line. */
  public record Entry(long seq, Instant at, String json) {}

  private static final Entry CLOSED = new Entry(-1, Instant.EPOCH, "");
  private final Function<String, Optional<String>> sourceName;
  private final Deque<Entry> recent = new ArrayDeque<>();
  private final List<BlockingQueue<Entry>> subscribers = new CopyOnWriteArrayList<>();
  private long seq;
  private volatile boolean closed;

  /** @param sourceName a source id → the name it was configured with */
  public EventLog(Function<String, Optional<String>> sourceName) {
    this.sourceName = sourceName;
  }

  public void publish(ControllerEvent event) {
    Entry entry;
    synchronized (this) {
      entry = new Entry(++seq, event.at(), toJson(seq, event));
      recent.addLast(entry);
      if (recent.size() > CAPACITY) {
        recent.removeFirst();
      }
    }
    for (BlockingQueue<Entry> q : subscribers) {
      q.offer(entry); // a full queue drops: a slow reader never blocks the controller
    }
  }

  /** Events kept that happened at or after {@code since}. */
  public synchronized List<Entry> since(Instant since) {
    return recent.stream().filter(e -> !e.at().isBefore(since)).toList();
  }

  /** A live subscription: past events from {@code since} (if any) first, then new ones. */
  public Subscription subscribe(Optional<Instant> since) {
    BlockingQueue<Entry> q = new LinkedBlockingQueue<>(SUBSCRIBER_QUEUE);
    List<Entry> past;
    synchronized (this) {
      subscribers.add(q);
      past = since.map(this::since).orElse(List.of());
    }
    return new Subscription(q, new ArrayList<>(past));
  }

  /** A subscriber's view; close it when the client goes away. */
  public final class Subscription implements AutoCloseable {
    private final BlockingQueue<Entry> queue;
    private final Deque<Entry> backlog;

    private Subscription(BlockingQueue<Entry> queue, List<Entry> backlog) {
      this.queue = queue;
      this.backlog = new ArrayDeque<>(backlog);
    }

    /** The next event, waiting up to {@code timeoutMillis}; empty on timeout or once the log is closed. */
    public Optional<Entry> next(long timeoutMillis) throws InterruptedException {
      if (!backlog.isEmpty()) {
        Entry e = backlog.removeFirst();
        queue.removeIf(x -> x.seq() <= e.seq());
        return Optional.of(e);
      }
      if (closed) {
        return Optional.empty();
      }
      Entry e = queue.poll(timeoutMillis, TimeUnit.MILLISECONDS);
      return e == null || e == CLOSED ? Optional.empty() : Optional.of(e);
    }

    public boolean open() {
      return !closed;
    }

    @Override
    public void close() {
      subscribers.remove(queue);
    }
  }

  /** Ends every subscription (their waits return at once). */
  @Override
  public void close() {
    closed = true;
    subscribers.forEach(q -> q.offer(CLOSED));
  }

  private String toJson(long seq, ControllerEvent event) {
    ObjectNode n = JSON.createObjectNode().put("seq", seq).put("time", event.at().toString());
    if (event instanceof ControllerEvent.Triggered t) {
      source(n.put("type", "Triggered"), t.sourceId()).put("why", t.why());
    } else if (event instanceof ControllerEvent.Fetched f) {
      source(n.put("type", "Fetched"), f.sourceId()).put("revision", f.revision()).put("changed", f.changed());
    } else if (event instanceof ControllerEvent.FetchFailed f) {
      source(n.put("type", "FetchFailed"), f.sourceId()).put("reason", f.reason()).put("message", f.message())
          .put("retryInSeconds", f.retryIn().toMillis() / 1000.0);
    } else if (event instanceof ControllerEvent.Reconciled r) {
      source(n.put("type", "Reconciled"), r.sourceId()).put("revision", r.revision()).put("drift", r.drift())
          .put("durationSeconds", r.took().toNanos() / 1e9);
      ObjectNode changes = n.putObject("changes");
      for (Map.Entry<ChangeKind, Integer> c : new java.util.TreeMap<>(r.changes()).entrySet()) {
        changes.put(c.getKey().jsonName(), c.getValue());
      }
    } else if (event instanceof ControllerEvent.ReconcileFailed f) {
      source(n.put("type", "ReconcileFailed"), f.sourceId()).put("revision", f.revision()).put("reason", f.reason())
          .put("message", f.message()).put("retryInSeconds", f.retryIn().toMillis() / 1000.0);
    } else if (event instanceof ControllerEvent.ConditionChanged c) {
      source(n.put("type", "ConditionChanged"), c.sourceId());
      n.set("condition", StatusJson.condition(c.condition()));
    } else if (event instanceof ControllerEvent.SuspendChanged s) {
      n.put("type", "SuspendChanged").put("kind", s.kind()).put("name", s.name()).put("suspended", s.suspended());
      if (s.kind().equals("source")) {
        source(n, s.name());
      }
    }
    return n.toString();
  }

  private ObjectNode source(ObjectNode n, String sourceId) {
    n.put("source", sourceId);
    sourceName.apply(sourceId).ifPresent(name -> n.put("sourceName", name));
    return n;
  }
}
