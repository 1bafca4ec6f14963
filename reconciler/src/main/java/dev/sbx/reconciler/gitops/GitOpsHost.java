package dev.sbx.reconciler.gitops;

import dev.sbx.reconciler.Reconciler;
import dev.sbx.reconciler.actuator.RuntimeSandbox;
import dev.sbx.reconciler.apply.ApplyOptions;
import dev.sbx.reconciler.apply.ApplyResult;
import dev.sbx.reconciler.controller.Controller;
import dev.sbx.reconciler.controller.ControllerEvent;
import dev.sbx.reconciler.controller.ControllerOptions;
import dev.sbx.reconciler.daemon.ReconcileService;
import dev.sbx.reconciler.desired.DesiredState;
import dev.sbx.reconciler.desired.SourceRef;
import dev.sbx.reconciler.event.ReconcileEventHandler;
import dev.sbx.reconciler.plan.Change;
import dev.sbx.reconciler.plan.ChangeKind;
import dev.sbx.reconciler.plan.FieldChange;
import dev.sbx.reconciler.plan.Plan;
import dev.sbx.reconciler.plan.PlanOptions;
import dev.sbx.reconciler.source.DirectorySource;
import dev.sbx.reconciler.source.GitCredentials;
import dev.sbx.reconciler.source.GitSource;
import dev.sbx.reconciler.source.GitSourceSpec;
import dev.sbx.reconciler.source.PushEvent;
import dev.sbx.reconciler.source.Source;
import dev.sbx.reconciler.source.SourceSnapshot;
import dev.sbx.reconciler.source.WebhookReceiver;
import dev.sbx.reconciler.source.WebhookSignature;
import dev.sbx.reconciler.status.ControllerStatus;
import dev.sbx.reconciler.status.SandboxStatus;
import dev.sbx.reconciler.status.SourceStatus;
import dev.sbx.secrets.api.Scope;
import dev.sbx.secrets.api.SecretStore;
import dev.sbx.secrets.api.SecretValue;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Supplier;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The daemon as a GitOps controller: the configured sources (persisted in {@code
 * STATE/sources.json}, started on boot), the {@link Controller} that keeps each converged through
 * the same {@link ReconcileService} (compiler, actuators, state directory) that {@code sbx apply}
 * uses, the webhook check, status, the event log and the metrics. A source's sandboxes carry its
 * id as owner, so a source only ever prunes its own.
 *
 * <p>User mistakes (unknown source, bad option) are {@link GitOpsException}s with an HTTP status;
 * the routes turn them into answers.
 */
public final class GitOpsHost implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Duration DIR_DEBOUNCE = Duration.ofMillis(200);

  private final Path stateDir;
  private final ReconcileService service;
  private final Supplier<SecretStore> secrets;
  private final PrintStream log;
  private final Clock clock;
  private final Controller controller;
  private final SourceConfigs store;
  private final EventLog events;
  private final Metrics metrics = new Metrics();
  private final Map<String, SourceConfig> configs = new ConcurrentSkipListMap<>();
  private final Map<String, String> nameById = new ConcurrentHashMap<>();
  private final Set<String> suspendedSandboxes = ConcurrentHashMap.newKeySet();
  private final Map<String, DesiredState> lastDesired = new ConcurrentHashMap<>();
  private final Map<String, Instant> lastHandled = new ConcurrentHashMap<>();
  private final Map<String, Instant> passStarted = new ConcurrentHashMap<>();
  private final Map<String, Instant> lastPassStarted = new ConcurrentHashMap<>();

  /**
   * @param secrets the secret store (git credentials, webhook keys), opened when first needed
   * @param log the daemon's log: one line per event
   */
  public GitOpsHost(Path stateDir, ReconcileService service, Supplier<SecretStore> secrets, ControllerOptions options,
      PrintStream log, Clock clock) {
    this.stateDir = stateDir;
    this.service = service;
    this.secrets = secrets;
    this.log = log;
    this.clock = clock;
    this.store = new SourceConfigs(stateDir.resolve("sources.json"));
    this.events = new EventLog(id -> Optional.ofNullable(nameById.get(id)));
    Reconciler reconciler = service.reconciler(ReconcileEventHandler.IGNORE);
    this.controller = new Controller(reconciler, this::compile, options, this::onEvent, clock);
  }

  /** Adds the persisted sources and suspensions and starts the controller. */
  public synchronized void start() {
    SourceConfigs.Contents saved = store.load();
    suspendedSandboxes.addAll(saved.suspendedSandboxes());
    suspendedSandboxes.forEach(controller::suspendSandbox);
    for (SourceConfig c : saved.sources()) {
      try {
        startSource(c);
      } catch (RuntimeException e) {
        log.println(Instant.now() + " warning: source " + c.name() + " not started: " + e.getMessage());
      }
    }
    controller.start();
  }

  // ---- configuration -------------------------------------------------------------------------

  /** Adds a source, or replaces the one of that name; persisted before it starts. */
  public synchronized SourceConfig add(SourceConfig config) {
    if (config.kind() == SourceConfig.Kind.DIR && !Files.isDirectory(Path.of(config.location()))) {
      throw new GitOpsException(400, "no directory " + config.location());
    }
    String id = idOf(config);
    String holder = nameById.get(id);
    if (holder != null && !holder.equals(config.name())) {
      throw new GitOpsException(409, "source " + holder + " already follows " + id);
    }
    SourceConfig old = configs.get(config.name());
    if (old != null) {
      controller.remove(idOf(old));
      nameById.remove(idOf(old));
      configs.remove(config.name());
    }
    configs.put(config.name(), config);
    save();
    startSource(config);
    return config;
  }

  /**
   * Removes a source: it is no longer reconciled and its configuration and cache go. Its sandboxes
   * stay unless {@code prune} (then everything it created is deleted, like Flux's garbage
   * collection); returns the names deleted.
   */
  public List<String> remove(String name, boolean prune) {
    SourceConfig config;
    synchronized (this) {
      config = config(name);
      controller.remove(idOf(config));
      configs.remove(name);
      nameById.remove(idOf(config));
      save();
      if (config.kind() == SourceConfig.Kind.GIT) {
        deleteTree(workDir(name));
      }
    }
    String id = idOf(config);
    lastDesired.remove(id);
    if (!prune) {
      return List.of();
    }
    ApplyResult result = service.reconciler(ReconcileEventHandler.IGNORE).apply(
        DesiredState.of(new SourceRef(id, "removed"), List.of()), new PlanOptions(true, true),
        ApplyOptions.defaults("sbx source rm --prune " + name));
    if (!result.succeeded()) {
      throw new GitOpsException(500, "pruning " + name + " failed: " + result.failures().get(0).message());
    }
    return result.plan().changes().stream().filter(c -> c.kind() == ChangeKind.DELETE).map(Change::sandbox).toList();
  }

  public synchronized void suspend(String name, boolean suspended) {
    SourceConfig config = config(name).withSuspended(suspended);
    configs.put(name, config);
    save();
    if (suspended) {
      controller.suspendSource(idOf(config));
    } else {
      controller.resumeSource(idOf(config));
    }
  }

  /** {@code sbx suspend|resume SANDBOX}: left as it is whatever its source says, until resumed. */
  public synchronized void suspendSandbox(String sandbox, boolean suspended) {
    if (suspended) {
      suspendedSandboxes.add(sandbox);
      save();
      controller.suspendSandbox(sandbox);
    } else {
      suspendedSandboxes.remove(sandbox);
      save();
      controller.resumeSandbox(sandbox);
    }
  }

  /** Fetch and reconcile now, skipping any backoff ({@code sbx source reconcile}); returns the request time. */
  public Instant reconcile(String name) {
    SourceConfig config = config(name);
    if (config.suspended()) {
      throw new GitOpsException(409, "source " + name + " is suspended; resume it first (sbx source resume " + name + ")");
    }
    Instant at = clock.instant();
    controller.trigger(idOf(config));
    return at;
  }

  public List<SourceConfig> sources() {
    return List.copyOf(configs.values());
  }

  public EventLog events() {
    return events;
  }

  // ---- webhook ----------------------------------------------------------------------------------

  /**
   * {@code POST /v1/hooks/git/NAME}: GitHub's push payload, signed with the source's webhook
   * secret. The signature is checked (constant time) before anything else; a bad or missing one is
   * 401 and nothing happens. A push of the source's repository and ref triggers a fetch at once (202
   * with the triggered source ids; another branch: 202 with none).
   */
  public WebhookReceiver.Answer webhook(String name, byte[] body, String signatureHeader, String event) {
    WebhookReceiver.Answer answer = webhookAnswer(name, body, signatureHeader, event);
    metrics.webhook(name, answer.status());
    return answer;
  }

  private WebhookReceiver.Answer webhookAnswer(String name, byte[] body, String signatureHeader, String event) {
    SourceConfig config = configs.get(name);
    if (config == null) {
      return new WebhookReceiver.Answer(404, errorJson("no source " + name));
    }
    if (config.webhookSecret().isEmpty()) {
      return new WebhookReceiver.Answer(401, errorJson("source " + name
          + " takes no webhooks: add it with --webhook-secret-from SECRET"));
    }
    Optional<byte[]> key = secretBytes(config.webhookSecret().get());
    if (key.isEmpty() || key.get().length == 0) {
      return new WebhookReceiver.Answer(401, errorJson("the webhook secret of source " + name + " is not in the store"));
    }
    WebhookSignature signature = new WebhookSignature(key.get());
    java.util.Arrays.fill(key.get(), (byte) 0);
    return WebhookReceiver.answer(signature, body, signatureHeader, event, push -> triggerIfConcerned(config, push));
  }

  private List<String> triggerIfConcerned(SourceConfig config, PushEvent push) {
    String id = idOf(config);
    if (config.suspended() || config.kind() != SourceConfig.Kind.GIT || !push.repositoryUrls().stream()
        .anyMatch(url -> sourceMatches(config, url, push.ref()))) {
      return List.of();
    }
    controller.trigger(id, "webhook");
    return List.of(id);
  }

  private boolean sourceMatches(SourceConfig config, String url, String ref) {
    GitSource probe = new GitSource(gitSpec(config), GitCredentials.NONE);
    return probe.matches(url, ref);
  }

  // ---- status, metrics -------------------------------------------------------------------------

  /** {@code GET /v1/status}: see the module README for the fields. */
  public ObjectNode status() {
    ControllerStatus status = controller.status();
    ObjectNode root = JSON.createObjectNode();
    ArrayNode sources = root.putArray("sources");
    for (SourceConfig c : configs.values()) {
      String id = idOf(c);
      ObjectNode n = sources.addObject().put("name", c.name()).put("kind", c.kind().wireName()).put("id", id);
      if (c.kind() == SourceConfig.Kind.GIT) {
        n.put("url", c.location()).put("ref", c.ref()).put("path", c.subdirectory());
      } else {
        n.put("path", c.location());
      }
      n.put("interval", SourceConfig.formatInterval(c.interval())).put("suspended", c.suspended());
      c.secret().ifPresent(s -> n.put("secret", s));
      c.webhookSecret().ifPresent(s -> n.put("webhookSecret", s));
      Optional<SourceStatus> s = status.source(id);
      n.put("fetchedRevision", s.map(SourceStatus::fetchedRevision).orElse(""))
          .put("lastAppliedRevision", s.map(SourceStatus::lastAppliedRevision).orElse(""))
          .put("lastAttemptedRevision", s.map(SourceStatus::lastAttemptedRevision).orElse(""));
      s.flatMap(SourceStatus::lastFetchedAt).ifPresentOrElse(t -> n.put("lastFetchedAt", t.toString()),
          () -> n.putNull("lastFetchedAt"));
      Optional.ofNullable(lastHandled.get(id)).ifPresentOrElse(t -> n.put("lastHandledAt", t.toString()),
          () -> n.putNull("lastHandledAt"));
      Optional.ofNullable(lastPassStarted.get(id)).ifPresentOrElse(t -> n.put("lastHandledStartedAt", t.toString()),
          () -> n.putNull("lastHandledStartedAt"));
      ArrayNode conditions = n.putArray("conditions");
      s.ifPresent(x -> x.conditions().forEach(cond -> conditions.add(StatusJson.condition(cond))));
    }
    root.set("sandboxes", sandboxes(status));
    return root;
  }

  private ArrayNode sandboxes(ControllerStatus status) {
    Map<String, String> owner = new TreeMap<>();
    Map<String, Change> planned = new HashMap<>();
    Set<String> unknown = new TreeSet<>();
    for (Map.Entry<String, DesiredState> e : lastDesired.entrySet()) {
      if (!nameById.containsKey(e.getKey())) {
        continue;
      }
      e.getValue().sandboxes().forEach(s -> owner.put(s.name(), e.getKey()));
      try {
        Plan plan = service.reconciler(ReconcileEventHandler.IGNORE).plan(e.getValue(), PlanOptions.pruning());
        for (Change c : plan.changes()) {
          planned.put(c.sandbox(), c);
          owner.putIfAbsent(c.sandbox(), e.getKey());
        }
      } catch (RuntimeException ex) {
        e.getValue().sandboxes().forEach(s -> unknown.add(s.name()));
      }
    }
    Map<String, RuntimeSandbox> vms = new HashMap<>();
    try {
      for (RuntimeSandbox vm : service.actuators().runtime().list()) {
        vms.put(vm.name(), vm);
        if (nameById.containsKey(vm.owner())) {
          owner.putIfAbsent(vm.name(), vm.owner());
        }
      }
    } catch (RuntimeException e) {
      // the runtime cannot be read now: vmState is left out
    }
    for (SandboxStatus s : status.sandboxes()) {
      if (nameById.containsKey(s.sourceId())) {
        owner.putIfAbsent(s.name(), s.sourceId());
      }
    }
    ArrayNode out = JSON.createArrayNode();
    for (Map.Entry<String, String> e : owner.entrySet()) {
      String name = e.getKey();
      Optional<SandboxStatus> s = status.sandbox(name);
      if (s.isPresent() && s.get().state() == SandboxStatus.State.DELETED && !vms.containsKey(name)
          && !planned.containsKey(name)) {
        continue; // pruned and gone
      }
      ObjectNode n = out.addObject().put("name", name).put("source", e.getValue())
          .put("sourceName", nameById.getOrDefault(e.getValue(), ""));
      n.put("state", s.map(x -> x.state().name()).orElse("PENDING"));
      RuntimeSandbox vm = vms.get(name);
      n.put("vmState", vm == null ? "absent" : vm.state().name().toLowerCase(Locale.ROOT));
      n.put("suspended", suspendedSandboxes.contains(name));
      Change c = planned.get(name);
      ArrayNode changes = JSON.createArrayNode();
      String sync;
      boolean drift;
      if (c == null) {
        sync = unknown.contains(name) ? "Unknown" : "InSync";
        drift = false;
      } else {
        c.fields().stream().map(FieldChange::render).forEach(changes::add);
        boolean inSync = c.kind() == ChangeKind.NO_OP && c.fields().isEmpty();
        sync = inSync ? "InSync" : "OutOfSync";
        drift = c.drift();
        if (!inSync && changes.isEmpty()) {
          changes.add(c.kind().jsonName() + ": " + c.reason());
        }
      }
      n.put("sync", sync).put("drift", drift);
      n.set("changes", changes);
      n.put("lastChange", s.map(SandboxStatus::lastChange).orElse("")).put("message", s.map(SandboxStatus::message)
          .orElse(""));
      s.ifPresentOrElse(x -> n.put("updatedAt", x.updatedAt().toString()), () -> n.putNull("updatedAt"));
    }
    return out;
  }

  /** {@code GET /metrics}: Prometheus text. */
  public String metrics() {
    ControllerStatus status = controller.status();
    Map<String, Integer> byState = new TreeMap<>();
    status.sandboxes().stream().filter(s -> s.state() != SandboxStatus.State.DELETED)
        .forEach(s -> byState.merge(s.state().name(), 1, Integer::sum));
    Map<String, Boolean> ready = new TreeMap<>();
    Map<String, Boolean> suspended = new TreeMap<>();
    for (SourceConfig c : configs.values()) {
      ready.put(c.name(), status.source(idOf(c)).map(SourceStatus::ready).orElse(false));
      suspended.put(c.name(), c.suspended());
    }
    return metrics.write(controller.queueDepth(), byState, ready, suspended);
  }

  @Override
  public void close() {
    controller.close();
    events.close();
  }

  // ---- machinery ----------------------------------------------------------------------------------

  private void startSource(SourceConfig config) {
    Source source = newSource(config);
    nameById.put(source.id(), config.name());
    configs.put(config.name(), config);
    controller.add(source, config.suspended());
  }

  private Source newSource(SourceConfig c) {
    if (c.kind() == SourceConfig.Kind.DIR) {
      return new DirectorySource(Path.of(c.location()), DIR_DEBOUNCE, c.interval(), clock);
    }
    return new GitSource(gitSpec(c), credentials(c));
  }

  private GitSourceSpec gitSpec(SourceConfig c) {
    return GitSourceSpec.of(c.location(), SourceConfig.gitRef(c.ref()), c.subdirectory(), c.interval(),
        workDir(c.name()));
  }

  private Path workDir(String name) {
    return stateDir.resolve("sources").resolve(name);
  }

  /** The id the source gets (its sandboxes' owner): {@code dir:/abs/path} or {@code git:URL#REF[//SUBDIR]}. */
  private String idOf(SourceConfig c) {
    return c.kind() == SourceConfig.Kind.DIR ? "dir:" + Path.of(c.location()).toAbsolutePath().normalize()
        : gitSpec(c).id();
  }

  /**
   * Git credentials from the store, asked at each fetch: the secret's value is a token (sent as
   * the password, user {@code x-access-token}) or {@code USER:TOKEN}.
   */
  private GitCredentials credentials(SourceConfig c) {
    if (c.secret().isEmpty()) {
      return GitCredentials.NONE;
    }
    String secretName = c.secret().get();
    return url -> secretBytes(secretName).map(bytes -> {
      String v = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
      java.util.Arrays.fill(bytes, (byte) 0);
      int colon = v.indexOf(':');
      return colon > 0 ? new GitCredentials.Token(v.substring(0, colon), v.substring(colon + 1))
          : new GitCredentials.Token("x-access-token", v);
    });
  }

  private Optional<byte[]> secretBytes(String name) {
    try {
      Optional<SecretValue> v = secrets.get().get(Scope.global(), name);
      if (v.isEmpty()) {
        return Optional.empty();
      }
      try (SecretValue value = v.get()) {
        return Optional.of(value.utf8());
      }
    } catch (RuntimeException e) {
      log.println(Instant.now() + " warning: cannot read secret " + name + ": " + e.getClass().getSimpleName());
      return Optional.empty();
    }
  }

  private SourceConfig config(String name) {
    SourceConfig c = configs.get(name);
    if (c == null) {
      throw new GitOpsException(404, "no source " + name + " (sbx source ls lists them)");
    }
    return c;
  }

  private void save() {
    store.save(new SourceConfigs.Contents(List.copyOf(configs.values()), new LinkedHashSet<>(suspendedSandboxes)));
  }

  private DesiredState compile(SourceSnapshot snapshot) {
    DesiredState desired = service.compileSnapshot(snapshot);
    lastDesired.put(snapshot.sourceId(), desired);
    return desired;
  }

  private void onEvent(ControllerEvent event) {
    String id = sourceIdOf(event);
    String name = id == null ? null : nameById.getOrDefault(id, id);
    if (event instanceof ControllerEvent.ConditionChanged c && c.condition().type().equals("Reconciling")
        && c.condition().isTrue()) {
      passStarted.put(id, event.at()); // every pass begins by setting Reconciling=True (cleared at its end)
    }
    if (event instanceof ControllerEvent.Reconciled || event instanceof ControllerEvent.ReconcileFailed
        || event instanceof ControllerEvent.FetchFailed) {
      lastHandled.put(id, event.at());
      lastPassStarted.put(id, passStarted.getOrDefault(id, event.at()));
    }
    if (name != null) {
      metrics.on(event, name);
    }
    events.publish(event);
    if (!(event instanceof ControllerEvent.Triggered) && !(event instanceof ControllerEvent.Fetched f && !f.changed())) {
      log.println(event.at() + " " + describe(event, name));
    }
  }

  private static String sourceIdOf(ControllerEvent e) {
    if (e instanceof ControllerEvent.Triggered t) {
      return t.sourceId();
    } else if (e instanceof ControllerEvent.Fetched f) {
      return f.sourceId();
    } else if (e instanceof ControllerEvent.FetchFailed f) {
      return f.sourceId();
    } else if (e instanceof ControllerEvent.Reconciled r) {
      return r.sourceId();
    } else if (e instanceof ControllerEvent.ReconcileFailed f) {
      return f.sourceId();
    } else if (e instanceof ControllerEvent.ConditionChanged c) {
      return c.sourceId();
    } else if (e instanceof ControllerEvent.SuspendChanged s && s.kind().equals("source")) {
      return s.name();
    }
    return null;
  }

  /** One line for the daemon log (no secrets: events carry none). */
  static String describe(ControllerEvent e, String name) {
    if (e instanceof ControllerEvent.Fetched f) {
      return "source " + name + ": fetched " + f.revision();
    } else if (e instanceof ControllerEvent.FetchFailed f) {
      return "source " + name + ": fetch failed (" + f.reason() + "): " + f.message();
    } else if (e instanceof ControllerEvent.Reconciled r) {
      return "source " + name + ": reconciled " + r.revision() + " " + new TreeMap<>(r.changes()) + " in "
          + r.took().toMillis() + " ms" + (r.drift() ? " (drift corrected or reported)" : "");
    } else if (e instanceof ControllerEvent.ReconcileFailed f) {
      return "source " + name + ": reconcile of " + f.revision() + " failed (" + f.reason() + "): " + f.message();
    } else if (e instanceof ControllerEvent.ConditionChanged c) {
      return "source " + name + ": " + c.condition().type() + "=" + StatusJson.status(c.condition().status()) + " "
          + c.condition().reason();
    } else if (e instanceof ControllerEvent.SuspendChanged s) {
      return s.kind() + " " + (name == null ? s.name() : name) + (s.suspended() ? " suspended" : " resumed");
    }
    return e.toString();
  }

  private static String errorJson(String message) {
    return JSON.createObjectNode().put("error", message).toString();
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (var walk = Files.walk(root)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      // a leftover cache costs disk space only
    }
  }
}
