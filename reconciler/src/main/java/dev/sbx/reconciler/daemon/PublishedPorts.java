package dev.sbx.reconciler.daemon;

import dev.sbx.vm.api.SandboxException;
import dev.sbx.vm.api.SandboxInfo;
import dev.sbx.vm.api.SandboxRuntime;
import dev.sbx.vm.api.SandboxState;
import dev.sbx.vm.ports.PortForwarder;
import dev.sbx.vm.ports.PortSpec;
import dev.sbx.vm.ports.PublishedPort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;

/**
 * The daemon's published ports ({@code sbx ports}). What is published is kept in {@code
 * STATE/ports.json} (host ports as bound, so an ephemeral port stays the same); the listeners
 * themselves ({@link PortForwarder}) follow the sandboxes, level-triggered, every {@link
 * #SYNC_PERIOD_MS}: open while a sandbox runs, closed when it stops (its ports come back on the
 * same host ports when it runs again), forgotten when it is removed. A daemon restart reads the
 * file and re-publishes, so published ports survive re-adoption.
 */
final class PublishedPorts implements AutoCloseable {
  static final long SYNC_PERIOD_MS = 1000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SandboxRuntime vm;
  private final Path file;
  private final Consumer<String> log;
  private final PortForwarder forwarder;
  private final List<PublishedPort> published = new ArrayList<>();
  /** Ports whose re-publication failed, so the log gets one line each, not one per second. */
  private final Set<PublishedPort> failing = new HashSet<>();
  private final ScheduledExecutorService syncer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "sbx-ports-sync");
    t.setDaemon(true);
    return t;
  });

  PublishedPorts(SandboxRuntime vm, Path file, Consumer<String> log) {
    this.vm = vm;
    this.file = file;
    this.log = log;
    this.forwarder = new PortForwarder(vm, line -> log.accept("port: " + line));
    published.addAll(load(file));
  }

  /** Starts following the sandboxes (the first sync re-publishes what the file holds). */
  PublishedPorts start() {
    syncer.scheduleWithFixedDelay(this::syncQuietly, 0, SYNC_PERIOD_MS, TimeUnit.MILLISECONDS);
    return this;
  }

  /**
   * Publishes on a running sandbox, all or nothing; returns the ports as bound.
   *
   * @throws SandboxException {@code NOT_FOUND}, {@code INVALID} (not running, port taken)
   */
  synchronized List<PublishedPort> publish(String name, List<PortSpec> specs) {
    SandboxInfo info = vm.inspect(name).orElseThrow(() -> SandboxException.notFound(name));
    if (info.state() != SandboxState.RUNNING) {
      throw new SandboxException(SandboxException.Kind.INVALID, name,
          "is " + info.state().name().toLowerCase(java.util.Locale.ROOT) + "; start it before publishing ports");
    }
    var added = new ArrayList<PublishedPort>();
    try {
      for (PortSpec spec : specs) {
        added.add(forwarder.publish(name, spec));
      }
    } catch (RuntimeException e) {
      added.forEach(p -> forwarder.unpublish(name, p.spec()));
      throw e;
    }
    published.addAll(added);
    save();
    return added;
  }

  /**
   * Unpublishes every port a filter names (unset parts match anything); returns them.
   *
   * @throws SandboxException {@code NOT_FOUND} when a filter names no published port
   */
  synchronized List<PublishedPort> unpublish(String name, List<PortSpec> filters) {
    var removed = new ArrayList<PublishedPort>();
    for (PortSpec filter : filters) {
      List<PublishedPort> hits = published.stream().filter(p -> p.sandbox().equals(name) && filter.matches(p)).toList();
      if (hits.isEmpty()) {
        throw new SandboxException(SandboxException.Kind.NOT_FOUND, name, "no published port matches " + filter
            + " (see `sbx ports " + name + "`)");
      }
      for (PublishedPort p : hits) {
        forwarder.unpublish(name, p.spec());
        published.remove(p);
        removed.add(p);
      }
    }
    save();
    return removed;
  }

  /** Published ports of one sandbox, or of all when {@code name} is null. */
  synchronized List<PublishedPort> list(String name) {
    return published.stream().filter(p -> name == null || p.sandbox().equals(name)).toList();
  }

  /** Whether the port's host listener is open right now (its sandbox runs). */
  boolean listening(PublishedPort p) {
    return forwarder.published().contains(p);
  }

  /** One level-triggered pass: listeners follow the sandboxes' observed states. */
  synchronized void sync() {
    Map<String, SandboxState> states = vm.list().stream()
        .collect(Collectors.toMap(SandboxInfo::name, SandboxInfo::state, (a, b) -> a));
    for (String name : forwarder.published().stream().map(PublishedPort::sandbox).distinct().toList()) {
      if (states.get(name) != SandboxState.RUNNING) {
        forwarder.closeAll(name);
      }
    }
    boolean changed = published.removeIf(p -> {
      if (!states.containsKey(p.sandbox())) {
        log.accept("port: " + p.sandbox() + " is gone; forgetting " + p.hostIp() + ":" + p.hostPort());
        return true;
      }
      return false;
    });
    List<PublishedPort> open = forwarder.published();
    for (PublishedPort p : published) {
      if (states.get(p.sandbox()) != SandboxState.RUNNING || open.contains(p)) {
        continue;
      }
      try {
        forwarder.publish(p.sandbox(), p.spec());
        failing.remove(p);
      } catch (SandboxException e) {
        if (failing.add(p)) {
          log.accept("port: cannot re-publish " + p.hostIp() + ":" + p.hostPort() + " for " + p.sandbox() + ": "
              + e.getMessage());
        }
      }
    }
    if (changed) {
      save();
    }
  }

  private void syncQuietly() {
    try {
      sync();
    } catch (RuntimeException e) {
      log.accept("port: sync failed: " + e); // the next pass tries again
    }
  }

  @Override
  public void close() {
    syncer.shutdownNow();
    try {
      syncer.awaitTermination(5, TimeUnit.SECONDS); // a pass in flight must not re-open a listener after this
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      forwarder.close();
    }
  }

  // ---- the state file ----

  static ArrayNode toJson(List<PublishedPort> ports, Function<PublishedPort, Boolean> listening) {
    ArrayNode out = JSON.createArrayNode();
    for (PublishedPort p : ports) {
      var n = out.addObject().put("sandbox", p.sandbox()).put("hostIp", p.hostIp()).put("hostPort", p.hostPort())
          .put("guestPort", p.guestPort());
      if (listening != null) {
        n.put("listening", listening.apply(p));
      }
    }
    return out;
  }

  private static List<PublishedPort> load(Path file) {
    if (!Files.exists(file)) {
      return List.of();
    }
    try {
      var out = new ArrayList<PublishedPort>();
      for (JsonNode n : JSON.readTree(Files.readString(file))) {
        out.add(new PublishedPort(n.get("sandbox").asString(), n.get("hostIp").asString(), n.get("hostPort").asInt(),
            n.get("guestPort").asInt()));
      }
      return out;
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot read " + file + " (published ports): " + e.getMessage(), e);
    }
  }

  /** Temp file, fsync, rename: a crash leaves the old list or the new one. */
  private void save() {
    try {
      Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
      byte[] bytes = toJson(published, null).toPrettyString().getBytes(StandardCharsets.UTF_8);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        ch.write(java.nio.ByteBuffer.wrap(bytes));
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
