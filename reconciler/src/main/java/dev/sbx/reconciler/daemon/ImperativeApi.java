package dev.sbx.reconciler.daemon;

import dev.sbx.egress.EgressProxy;
import dev.sbx.egress.tls.CertificateAuthority;
import dev.sbx.reconciler.actuator.EgressRules;
import dev.sbx.reconciler.actuator.RuntimeSandbox;
import dev.sbx.reconciler.actuator.real.EgressListeners;
import dev.sbx.reconciler.actuator.real.VmSandboxRuntime;
import dev.sbx.reconciler.compile.DesiredCompiler;
import dev.sbx.reconciler.compile.GuestPayload;
import dev.sbx.reconciler.plan.Plan;
import dev.sbx.reconciler.state.StateStore;
import dev.sbx.secrets.ServiceCatalog;
import dev.sbx.secrets.api.ServiceDefinition;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The daemon routes of the imperative verbs that know about policy and ownership: {@code sbx policy
 * …} ({@link PolicyRoutes}), {@code sbx create/run} ({@code POST /v1/sandboxes}), {@code sbx ls}
 * with owner and drift ({@code GET /v1/sandboxes?view=detail}) and {@code sbx rm} of an imperative
 * sandbox (its rules go too). Everything else falls through to the daemon's other routes
 * ({@link #handle} answers null). Also makes plans name the command behind an egress drift
 * ({@link #annotate}).
 *
 * <pre>
 * POST   /v1/sandboxes {"name","agent","kits":[…],"workspace","cpus","memory","image"?}  → the new sandbox's sbx ls object
 * GET    /v1/sandboxes?view=detail  → [sbx ls objects] with managedBy, source, image, createdAt, drift, driftDetails
 * POST   /v1/sandboxes/NAME/start   → starts a stopped sandbox (listener and rules first)
 * DELETE /v1/sandboxes/NAME         → for an imperative sandbox: VM, rules and ledger entry (others: SandboxRoutes)
 * </pre>
 */
public final class ImperativeApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final PolicyRoutes policy;
  private final ImperativeSandboxes sandboxes; // null without a VM runtime
  private final SandboxListing listing;        // null without a VM runtime
  private final DriftNotes notes;

  private ImperativeApi(PolicyRoutes policy, ImperativeSandboxes sandboxes, SandboxListing listing, DriftNotes notes) {
    this.policy = policy;
    this.sandboxes = sandboxes;
    this.listing = listing;
    this.notes = notes;
  }

  /**
   * Wires the routes on the daemon's parts and re-adopts the imperative sandboxes that still run.
   *
   * @param proxy null with in-memory actuators
   * @param vm the daemon's VM runtime (in memory mode a fake, or null)
   */
  public static ImperativeApi create(Path stateDir, EgressProxy proxy, dev.sbx.vm.api.SandboxRuntime vm,
      ReconcileService service, Consumer<String> log) {
    ImperativeLedger ledger = new ImperativeLedger(stateDir.resolve("policy").resolve("imperative.json"));
    EgressRules egress = service.actuators().egress();
    StateStore records = service.state().store();
    DriftNotes notes = new DriftNotes(ledger);
    PolicyRoutes policy = new PolicyRoutes(new PolicyService(egress, records, ledger, Clock.systemUTC()),
        proxy == null ? null : proxy.decisionLog(), Clock.systemUTC());
    if (vm == null) {
      return new ImperativeApi(policy, null, null, notes);
    }
    Supplier<String> caPem = proxy == null ? () -> null
        : () -> CertificateAuthority.loadOrCreate(stateDir.resolve("egress-ca")).pem();
    ImperativeSandboxes[] self = new ImperativeSandboxes[1];
    VmSandboxRuntime runtime = new VmSandboxRuntime(vm, name -> {
      GuestPayload mine = self[0].payload(name);
      return mine != null ? mine : service.payload(name);
    }, new EgressListeners(proxy, stateDir.resolve("egress")), caPem, stateDir.resolve("live"),
        VmSandboxRuntime.storedImages(vm));
    ServiceCatalog catalog = ServiceCatalog.builtIn();
    DesiredCompiler compiler = new DesiredCompiler(s -> catalog.find(s).map(ServiceDefinition::domains).orElse(List.of()));
    self[0] = new ImperativeSandboxes(runtime, egress, records, ledger, compiler, stateDir.resolve("policy"));
    self[0].readopt(log);
    return new ImperativeApi(policy, self[0], new SandboxListing(vm, egress, records, ledger, notes), notes);
  }

  /** The plan with a note per egress drift naming the {@code sbx policy} command that made it. */
  public Plan annotate(Plan plan) {
    return notes.annotate(plan);
  }

  /** The answer, or null when the request is not one of these routes. */
  public ApiServer.Response handle(String method, String path, String body) {
    try {
      if (PolicyRoutes.matches(path)) {
        return policy.handle(method, path, body);
      }
      if (method.equals("POST") && path.equals("/v1/sandboxes")) {
        return create(JSON.readTree(body));
      }
      if (method.equals("GET") && path.equals("/v1/sandboxes?view=detail")) {
        return listing == null ? noRuntime() : new ApiServer.Response(200, listing.list().toString());
      }
      if (method.equals("POST") && path.startsWith("/v1/sandboxes/") && path.endsWith("/start") && sandboxes != null) {
        String name = path.substring("/v1/sandboxes/".length(), path.length() - "/start".length());
        sandboxes.start(name);
        return new ApiServer.Response(200, JSON.createObjectNode().put("started", name).toString());
      }
      if (method.equals("DELETE") && path.startsWith("/v1/sandboxes/") && sandboxes != null
          && path.indexOf('/', "/v1/sandboxes/".length()) < 0) {
        String name = path.substring("/v1/sandboxes/".length());
        return sandboxes.remove(name)
            ? new ApiServer.Response(200, JSON.createObjectNode().put("removed", name).toString()) : null;
      }
      return null;
    } catch (RouteError e) {
      return PolicyRoutes.error(e);
    } catch (dev.sbx.reconciler.actuator.ActuatorException e) {
      String kind = e.kind() == dev.sbx.reconciler.actuator.ActuatorException.Kind.ENVIRONMENT ? "ENVIRONMENT" : "BOOT_FAILED";
      return PolicyRoutes.error(new RouteError(409, kind, e.getMessage()));
    }
  }

  private ApiServer.Response create(JsonNode n) {
    if (sandboxes == null) {
      return noRuntime();
    }
    List<String> kits = new ArrayList<>();
    n.path("kits").forEach(k -> kits.add(k.asString()));
    if (!n.hasNonNull("name") || !n.hasNonNull("agent")) {
      throw RouteError.invalid("missing \"name\" or \"agent\"");
    }
    RuntimeSandbox created = sandboxes.create(new ImperativeSandboxes.CreateRequest(n.get("name").asString(),
        n.get("agent").asString(), kits, n.hasNonNull("workspace") ? n.get("workspace").asString() : null,
        n.path("cpus").asInt(1), n.path("memory").asString("1g"),
        n.hasNonNull("image") ? n.get("image").asString() : null));
    return new ApiServer.Response(200, listing.list().valueStream()
        .filter(x -> x.get("name").asString().equals(created.name())).findFirst()
        .orElseThrow(() -> new IllegalStateException("created sandbox not listed: " + created.name())).toString());
  }

  private static ApiServer.Response noRuntime() {
    return PolicyRoutes.error(new RouteError(409, "ENVIRONMENT", "this daemon has no VM runtime (memory actuators)"));
  }
}
