package dev.sbx.reconciler.daemon;

import dev.sbx.cli.SecretsCredentialResolver;
import dev.sbx.egress.EgressProxy;
import dev.sbx.egress.api.EgressConfig;
import dev.sbx.egress.api.RuleSet;
import dev.sbx.egress.api.SandboxId;
import dev.sbx.egress.tls.CertificateAuthority;
import dev.sbx.egress.tls.LeafCache;
import dev.sbx.egress.tls.TlsInterceptor;
import dev.sbx.egress.tls.UpstreamTls;
import dev.sbx.reconciler.actuator.Actuators;
import dev.sbx.reconciler.actuator.RuntimeSandbox;
import dev.sbx.reconciler.actuator.VmState;
import dev.sbx.reconciler.actuator.memory.InMemoryWorld;
import dev.sbx.reconciler.actuator.real.BoundSecrets;
import dev.sbx.reconciler.actuator.real.EgressListeners;
import dev.sbx.reconciler.actuator.real.ProxyEgressRules;
import dev.sbx.reconciler.actuator.real.VmSandboxRuntime;
import dev.sbx.reconciler.controller.ControllerOptions;
import dev.sbx.reconciler.desired.DesiredJson;
import dev.sbx.reconciler.gitops.GitOpsHost;
import dev.sbx.reconciler.desired.EgressSpec;
import dev.sbx.reconciler.state.SandboxRecord;
import dev.sbx.secrets.Secrets;
import dev.sbx.secrets.ServiceCatalog;
import dev.sbx.secrets.StoreCredentialLookup;
import dev.sbx.secrets.api.ServiceDefinition;
import dev.sbx.vm.api.SandboxRuntime;
import dev.sbx.vm.microvm.MicrovmRuntime;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code sbx daemon}: one long-running process per state directory hosting the egress proxy (a
 * unix-socket listener per sandbox), the VM runtime (it stays attached to every VM, which is what
 * relays the guests' proxy tunnels) and the reconciler, behind the local API on {@code
 * STATE/daemon.sock}:
 *
 * <pre>
 * GET  /v1/version                       {"api":"v1","pid":…,"actuators":"real|memory"}
 * POST /v1/plan        ReconcileRequest  Outcome (sbx plan, sbx diff)
 * POST /v1/apply       ReconcileRequest  Outcome (sbx apply -f DIR [--dry-run])
 * POST /v1/apply-plan  {"plan":…}        Outcome (sbx apply plan.json)
 * GET  /v1/egress/rules                  {sandbox: {default, allow, deny}} as the proxy enforces them
 * GET  /v1/egress/decisions[?limit=N&amp;sandbox=S] {"available","decisions":[…]} newest decisions (dashboard)
 * POST /v1/egress/allow {"sandbox","rule"} adds an allow rule by hand (a future sbx policy allow)
 * GET  /v1/sandboxes                     [SandboxJson…] what the VM runtime sees (sbx ls)
 * POST /v1/sandboxes/NAME/exec {"argv","env","cwd","user":"agent|root","stdin":base64,"timeoutSeconds"}
 *                                        {"exitCode","signal"?,"stdout":base64,"stderr":base64,"truncated"}
 * POST /v1/sandboxes/NAME/start         boots a stopped VM again (the dashboard's restart)
 * GET  /v1/sandboxes/NAME/logs[?startup=true] {"log"} (sbx logs)
 * GET|POST|DELETE /v1/sandboxes/NAME/ports, GET /v1/ports   published ports (sbx ports; see PortRoutes)
 * POST /v1/shutdown                      stops the daemon (VMs keep running)
 * ... and the GitOps routes of {@link GitOpsRoutes}: sources, status, events, metrics, webhooks
 * </pre>
 *
 * <p>It is also the GitOps controller: the sources configured with {@code sbx source add}
 * (persisted in {@code STATE/sources.json}) are started on boot and kept converged ({@link
 * GitOpsHost}).
 *
 * <p>Holds {@code STATE/daemon.lock} for its lifetime: a second daemon on the same state directory
 * refuses to start (exit 4). On start it re-adopts the VMs that are running: their proxy
 * listeners and the rules last applied (from the state records) are put back before the runtime
 * re-attaches to the guest, so egress works again without a reboot.
 */
public final class Daemon implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Which actuators: the real proxy + QEMU, or an in-memory world (tests, benchmarks). */
  public enum Mode { REAL, MEMORY }

  private final Path stateDir;
  private final Mode mode;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final EgressProxy proxy;
  private final SandboxRuntime vm;
  private final ReconcileService service;
  private final ApiServer server;
  private final SandboxRoutes sandboxes;
  private final ImperativeApi imperative;
  private final GitOpsHost gitops;
  private final InMemoryWorld memoryWorld;
  private final GitOpsRoutes gitopsRoutes;
  private final EgressDecisionRoutes decisions = new EgressDecisionRoutes(this::decisionLog);
  private final PublishedPorts publishedPorts;
  private final PortRoutes ports;
  /** Both listeners' handler: the GitOps routes need the headers (webhook signatures), the rest the body. */
  private final ApiServer.Handler handler = new ApiServer.Handler() {
    @Override
    public ApiServer.Response handle(String method, String path, String body) {
      return Daemon.this.handle(method, path, body);
    }

    @Override
    public ApiServer.Response handle(ApiServer.Request request) {
      return GitOpsRoutes.matches(request.method(), request.path()) ? gitopsRoutes.handle(request)
          : Daemon.this.handle(request.method(), request.path(), request.body());
    }
  };
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final PrintStream log;
  private final RemoteApiServer remote;
  private final String remoteFingerprint;

  private Daemon(Path stateDir, Mode mode, PrintStream log, SandboxRuntime memoryVm, Optional<RemoteListen> listen,
      ControllerOptions controllerOptions)
      throws IOException {
    this.stateDir = stateDir;
    this.mode = mode;
    this.log = log;
    Files.createDirectories(stateDir);
    Files.setPosixFilePermissions(stateDir, PosixFilePermissions.fromString("rwx------"));
    lockChannel = FileChannel.open(stateDir.resolve("daemon.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.READ);
    FileLock l;
    try {
      l = lockChannel.tryLock();
    } catch (java.nio.channels.OverlappingFileLockException e) {
      l = null; // held by another daemon in this very JVM (tests)
    }
    if (l == null) {
      String holder = Files.exists(pidFile(stateDir)) ? Files.readString(pidFile(stateDir)).trim() : "?";
      lockChannel.close();
      throw new DaemonException(4, "another sbx daemon (pid " + holder + ") holds " + stateDir, null);
    }
    lock = l;
    Files.writeString(pidFile(stateDir), ProcessHandle.current().pid() + "\n", StandardCharsets.UTF_8);
    ServiceCatalog catalog = ServiceCatalog.builtIn();
    java.util.function.Function<String, List<String>> domains =
        s -> catalog.find(s).map(ServiceDefinition::domains).orElse(List.of());
    Path reconcilerState = stateDir.resolve("reconciler");
    if (mode == Mode.MEMORY) {
      proxy = null;
      vm = memoryVm;
      memoryWorld = new InMemoryWorld();
      service = new ReconcileService(memoryWorld.actuators(), reconcilerState, domains);
    } else {
      memoryWorld = null;
      BoundSecrets secrets = new BoundSecrets(stateDir.resolve("bindings.json"), catalog::find);
      CertificateAuthority ca = CertificateAuthority.loadOrCreate(stateDir.resolve("egress-ca"));
      EgressConfig config = EgressConfig.defaults().withDecisionLogFile(stateDir.resolve("egress-decisions.jsonl"));
      try {
        var lookup = new StoreCredentialLookup(Secrets.open(stateDir.resolve("secrets")), secrets::serviceBindings);
        config = config.withInterceptor(new TlsInterceptor(new LeafCache(ca), UpstreamTls.systemTrust(),
            new SecretsCredentialResolver(lookup), event -> log.println("interception: " + event)));
      } catch (RuntimeException e) {
        log.println("warning: secret injection off: " + e.getMessage());
      }
      proxy = EgressProxy.start(config);
      vm = new MicrovmRuntime(MicrovmRuntime.Options.fromEnvironment()
          .withDirs(dev.sbx.vm.host.SbxDirs.fromEnvironment().withState(stateDir.resolve("vm"))));
      EgressListeners listeners = new EgressListeners(proxy, stateDir.resolve("egress"));
      ReconcileService[] self = new ReconcileService[1];
      VmSandboxRuntime runtime = new VmSandboxRuntime(vm, name -> self[0].payload(name), listeners, ca::pem,
          stateDir.resolve("live"), VmSandboxRuntime.storedImages(vm));
      self[0] = new ReconcileService(new Actuators(runtime, new ProxyEgressRules(proxy), secrets), reconcilerState,
          domains);
      service = self[0];
      readopt(runtime, listeners);
    }
    sandboxes = new SandboxRoutes(vm);
    gitops = new GitOpsHost(stateDir, service, new SecretStoreOnDemand(stateDir.resolve("secrets")),
        controllerOptions, log, java.time.Clock.systemUTC());
    gitopsRoutes = new GitOpsRoutes(gitops);
    try {
      gitops.start(); // the configured sources, after re-adoption: the first passes see the VMs back
    } catch (dev.sbx.reconciler.state.StateFormatException e) {
      gitops.close();
      if (proxy != null) {
        proxy.close();
        vm.close();
      }
      releaseLock();
      throw new DaemonException(5, e.getMessage(), e);
    }
    publishedPorts = vm == null ? null : new PublishedPorts(vm, stateDir.resolve("ports.json"), log::println).start();
    ports = new PortRoutes(publishedPorts);
    imperative = ImperativeApi.create(stateDir, proxy, vm, service, log::println);
    service.annotatePlans(imperative::annotate);
    // The remote listener first: whoever sees the socket answer may rely on it (sbx daemon --listen).
    RemoteApiServer r = null;
    String fingerprint = null;
    if (listen.isPresent()) {
      try {
        ServerCertificate identity = listen.get().identity(stateDir);
        r = new RemoteApiServer(listen.get().bind(), identity, new RemoteAuth(new ApiTokens(stateDir)),
            ExecStreamRoutes.around(handler, vm), log);
        fingerprint = identity.fingerprint();
        log.println(Instant.now() + " remote API on https://" + hostPort(r.address()) + " (TLS, bearer tokens from "
            + stateDir.resolve(ApiTokens.FILE) + "); certificate SHA-256 " + fingerprint);
      } catch (IOException | RuntimeException e) {
        if (proxy != null) {
          proxy.close();
        }
        releaseLock();
        throw new DaemonException(5, "cannot serve the remote API on " + listen.get().bind() + ": " + e.getMessage(), e);
      }
    }
    remote = r;
    remoteFingerprint = fingerprint;
    try {
      server = new ApiServer(socket(stateDir), ExecStreamRoutes.around(handler, vm));
    } catch (IOException e) {
      if (remote != null) {
        remote.close();
      }
      throw e;
    }
    log.println(Instant.now() + " sbx daemon " + ProcessHandle.current().pid() + " serving " + socket(stateDir)
        + " (" + mode.name().toLowerCase(java.util.Locale.ROOT) + " actuators)");
  }

  private static String hostPort(java.net.InetSocketAddress a) {
    String host = a.getHostString();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  /** Where the remote API listens ({@code --listen}), with its real port. */
  public Optional<java.net.InetSocketAddress> remoteAddress() {
    return Optional.ofNullable(remote).map(RemoteApiServer::address);
  }

  /** The SHA-256 fingerprint of the remote API's certificate (what clients may pin). */
  public Optional<String> remoteFingerprint() {
    return Optional.ofNullable(remoteFingerprint);
  }

  /** Starts a daemon on {@code stateDir}; {@link DaemonException} when another one holds it. */
  public static Daemon start(Path stateDir, Mode mode, PrintStream log) {
    return start(stateDir, mode, log, null);
  }

  /**
   * Like {@link #start(Path, Mode, PrintStream)}; in memory mode {@code memoryVm} (e.g. a fake) answers
   * the {@code /v1/sandboxes} routes, which otherwise need the real runtime.
   */
  public static Daemon start(Path stateDir, Mode mode, PrintStream log, SandboxRuntime memoryVm) {
    return start(stateDir, mode, log, memoryVm, Optional.empty());
  }

  /** Like {@link #start(Path, Mode, PrintStream, SandboxRuntime)}, also serving the remote API when {@code listen}. */
  public static Daemon start(Path stateDir, Mode mode, PrintStream log, SandboxRuntime memoryVm,
      Optional<RemoteListen> listen) {
    return start(stateDir, mode, log, memoryVm, listen, ControllerOptions.defaults());
  }

  /** Like {@link #start(Path, Mode, PrintStream, SandboxRuntime)} with the GitOps controller's options (tests: fast backoff). */
  public static Daemon start(Path stateDir, Mode mode, PrintStream log, SandboxRuntime memoryVm,
      ControllerOptions controllerOptions) {
    return start(stateDir, mode, log, memoryVm, Optional.empty(), controllerOptions);
  }

  /** Every option: the remote API when {@code listen}, and the GitOps controller's options. */
  public static Daemon start(Path stateDir, Mode mode, PrintStream log, SandboxRuntime memoryVm,
      Optional<RemoteListen> listen, ControllerOptions controllerOptions) {
    try {
      return new Daemon(stateDir.toAbsolutePath(), mode, log, memoryVm, listen, controllerOptions);
    } catch (IOException e) {
      throw new DaemonException(5, "cannot start the daemon in " + stateDir + ": " + e.getMessage(), e);
    }
  }

  public static Path socket(Path stateDir) {
    return stateDir.resolve("daemon.sock");
  }

  static Path pidFile(Path stateDir) {
    return stateDir.resolve("daemon.pid");
  }

  /** The egress proxy (real mode), for tests that change rules by hand. */
  public Optional<EgressProxy> proxy() {
    return Optional.ofNullable(proxy);
  }

  /** The in-memory world (memory mode), for tests that look at or disturb it. */
  public Optional<InMemoryWorld> memoryWorld() {
    return Optional.ofNullable(memoryWorld);
  }

  /** The GitOps controller host (sources, status, events). */
  public GitOpsHost gitops() {
    return gitops;
  }

  /** The VM runtime (real mode), for tests that exec in a sandbox. */
  public Optional<SandboxRuntime> vmRuntime() {
    return Optional.ofNullable(vm);
  }

  /**
   * Running VMs this state directory knows: listener and last applied rules back on the proxy,
   * then the runtime re-attaches (no reboot). A VM that cannot be re-attached is left for the next
   * reconcile to see and fix.
   */
  private void readopt(VmSandboxRuntime runtime, EgressListeners listeners) {
    for (RuntimeSandbox vmInfo : runtime.list()) {
      if (vmInfo.state() != VmState.RUNNING) {
        continue;
      }
      Optional<SandboxRecord> record = service.state().store().get(vmInfo.name());
      if (record.isEmpty() || record.get().applied().isEmpty()) {
        continue;
      }
      try {
        EgressSpec rules = record.get().applied().get().live().egress();
        proxy.setRules(SandboxId.of(vmInfo.name()), ProxyEgressRules.toRuleSet(rules));
        listeners.ensure(vmInfo.name());
        vm.start(vmInfo.name());
        log.println("re-adopted " + vmInfo.name());
      } catch (RuntimeException e) {
        log.println("warning: cannot re-adopt " + vmInfo.name() + ": " + e.getMessage());
      }
    }
  }

  private ApiServer.Response handle(String method, String path, String body) {
    if (PortRoutes.matches(path)) {
      return ports.handle(method, path, body);
    }
    ApiServer.Response imperativeAnswer = imperative.handle(method, path, body); // policy, create, ls detail
    if (imperativeAnswer != null) {
      return imperativeAnswer;
    }
    if (SandboxRoutes.matches(path) || path.startsWith("/v1/sandboxes?")) {
      try {
        return sandboxes.handle(method, path, body);
      } catch (RuntimeException e) {
        return new ApiServer.Response(400, "{\"error\":" + ApiServer.quote(String.valueOf(e.getMessage())) + "}");
      }
    }
    if (EgressDecisionRoutes.matches(path)) {
      return decisions.handle(method, path);
    }
    try {
      return switch (method + " " + path) {
        case "GET /v1/version" -> ok(version());
        case "POST /v1/plan" -> outcome(DesiredWire.carriedBy(JSON.readTree(body))
            ? service.plan(DesiredWire.read(JSON.readTree(body)), flags(JSON.readTree(body)))
            : service.plan(request(body)));
        case "POST /v1/apply" -> outcome(DesiredWire.carriedBy(JSON.readTree(body))
            ? service.apply(DesiredWire.read(JSON.readTree(body)), flags(JSON.readTree(body)))
            : service.apply(request(body)));
        case "POST /v1/apply-plan" -> {
          JsonNode n = JSON.readTree(body);
          yield outcome(service.applyPlan(n.get("plan").asString(),
              n.has("kitAllows") ? n.get("kitAllows").asString() : "allow"));
        }
        case "GET /v1/egress/rules" -> egressRules();
        case "POST /v1/egress/allow" -> allowByHand(JSON.readTree(body));
        case "POST /v1/shutdown" -> {
          new Thread(this::close, "sbx-daemon-shutdown").start();
          yield ok(JSON.createObjectNode().put("stopping", true));
        }
        default -> new ApiServer.Response(404, "{\"error\":\"no such endpoint: " + method + " " + path + "\"}");
      };
    } catch (RuntimeException e) {
      return new ApiServer.Response(400, "{\"error\":" + ApiServer.quote(e.getMessage()) + "}");
    }
  }

  private ObjectNode version() {
    ObjectNode v = JSON.createObjectNode().put("api", "v1").put("pid", ProcessHandle.current().pid())
        .put("actuators", mode.name().toLowerCase(java.util.Locale.ROOT));
    if (remote != null) {
      v.putObject("remote").put("url", "https://" + hostPort(remote.address())).put("fingerprint", remoteFingerprint);
    }
    return v;
  }

  /** The proxy's in-memory decision log; none in memory mode. */
  private Optional<dev.sbx.egress.api.DecisionLog> decisionLog() {
    return Optional.ofNullable(proxy).map(EgressProxy::decisionLog);
  }

  private ApiServer.Response egressRules() {
    ObjectNode out = JSON.createObjectNode();
    if (proxy != null) {
      new ProxyEgressRules(proxy).enforced().forEach((name, spec) -> out.set(name, DesiredJson.writeEgress(spec)));
    }
    return ok(out);
  }

  private ApiServer.Response allowByHand(JsonNode n) {
    if (proxy == null) {
      return new ApiServer.Response(409, "{\"error\":\"no egress proxy in memory mode\"}");
    }
    SandboxId id = SandboxId.of(n.get("sandbox").asString());
    RuleSet current = proxy.rules(id).orElse(RuleSet.denyAll());
    List<String> allow = new ArrayList<>(current.allow().stream().map(Object::toString).toList());
    allow.add(n.get("rule").asString());
    proxy.setRules(id, RuleSet.of(current.mode(), allow, current.deny().stream().map(Object::toString).toList()));
    return ok(JSON.createObjectNode().put("sandbox", id.value()).put("added", n.get("rule").asString()));
  }

  private static ReconcileRequest request(String body) {
    JsonNode n = JSON.readTree(body);
    return new ReconcileRequest(n.get("dir").asString(), flag(n, "prune"), flag(n, "allowEmptySource"),
        flag(n, "json"), flag(n, "exitCode"), flag(n, "dryRun"),
        n.has("kitAllows") ? n.get("kitAllows").asString() : "allow");
  }

  /** The flags of a body that carries a compiled state ({@link DesiredWire}) instead of a directory. */
  private static ReconcileRequest flags(JsonNode n) {
    return new ReconcileRequest("", flag(n, "prune"), flag(n, "allowEmptySource"), flag(n, "json"),
        flag(n, "exitCode"), flag(n, "dryRun"), n.has("kitAllows") ? n.get("kitAllows").asString() : "allow");
  }

  private static boolean flag(JsonNode n, String name) {
    return n.has(name) && n.get(name).asBoolean();
  }

  /** The body of {@code /v1/plan} and {@code /v1/apply} (what the CLI sends). */
  public static String requestJson(ReconcileRequest r) {
    return JSON.createObjectNode().put("dir", r.dir()).put("prune", r.prune())
        .put("allowEmptySource", r.allowEmptySource()).put("json", r.json()).put("exitCode", r.exitCode())
        .put("dryRun", r.dryRun()).put("kitAllows", r.kitAllows()).toString();
  }

  private static ApiServer.Response outcome(Outcome o) {
    return ok(JSON.createObjectNode().put("exitCode", o.exitCode()).put("stdout", o.stdout()).put("stderr", o.stderr()));
  }

  private static ApiServer.Response ok(JsonNode body) {
    return new ApiServer.Response(200, body.toString());
  }

  /** Blocks until {@link #close()} (from {@code /v1/shutdown}, a signal or a test). */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  /** Stops serving and releases the lock; VMs keep running (the next daemon re-adopts them). */
  @Override
  public synchronized void close() {
    if (stopped.getCount() == 0) {
      return;
    }
    gitops.close(); // the controller first: no reconcile is left running when the actuators go
    if (remote != null) {
      remote.close();
    }
    if (server != null) { // null only while starting (a remote /v1/shutdown that early)
      server.close();
    }
    if (publishedPorts != null) {
      publishedPorts.close();
    }
    if (vm != null) {
      vm.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    releaseLock();
    stopped.countDown();
  }

  private void releaseLock() {
    try {
      Files.deleteIfExists(pidFile(stateDir));
      lock.release();
      lockChannel.close();
    } catch (IOException ignored) {
      // the OS releases the lock when the process ends
    }
  }
}
