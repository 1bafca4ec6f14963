package dev.sbx.reconciler.daemon;

import dev.sbx.reconciler.Reconciler;
import dev.sbx.reconciler.actuator.ActuatorException;
import dev.sbx.reconciler.actuator.Actuators;
import dev.sbx.reconciler.apply.ApplyOptions;
import dev.sbx.reconciler.apply.ApplyResult;
import dev.sbx.reconciler.apply.SandboxResult;
import dev.sbx.reconciler.apply.StalePlanException;
import dev.sbx.reconciler.compile.CompiledState;
import dev.sbx.reconciler.compile.DesiredCompiler;
import dev.sbx.reconciler.compile.GuestPayload;
import dev.sbx.reconciler.desired.DesiredState;
import dev.sbx.reconciler.event.ReconcileEvent;
import dev.sbx.reconciler.merge.KitAllows;
import dev.sbx.reconciler.plan.Plan;
import dev.sbx.reconciler.plan.PlanFormatException;
import dev.sbx.reconciler.plan.PlanJson;
import dev.sbx.reconciler.plan.PlanOptions;
import dev.sbx.reconciler.plan.PlanRenderer;
import dev.sbx.reconciler.state.LockHeldException;
import dev.sbx.reconciler.state.StateDirectory;
import dev.sbx.reconciler.state.StateFormatException;
import dev.sbx.schemas.ManifestException;
import dev.sbx.schemas.model.Problem;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code plan}, {@code diff}, {@code apply -f DIR} and {@code apply PLAN} over one set of actuators
 * and one state directory: what the daemon serves on {@code /v1/...} (and what runs in-process
 * with {@code SBX_ACTUATORS=memory}). Loads and compiles the directory first, so bad input is exit
 * 2 before anything is observed, changed or recorded. Maps every outcome to the exit codes of
 * DESIGN.md §5 and renders the text the CLI prints; never throws for a user error.
 */
public final class ReconcileService {
  private final Actuators actuators;
  private final StateDirectory state;
  private final DesiredCompiler compiler;
  private final Map<String, GuestPayload> payloads = new ConcurrentHashMap<>();

  public ReconcileService(Actuators actuators, Path stateDir, Function<String, List<String>> serviceDomains) {
    this.actuators = actuators;
    this.state = new StateDirectory(stateDir, Clock.systemUTC());
    this.compiler = new DesiredCompiler(serviceDomains);
  }

  /** What the runtime adapter builds a sandbox's VM with (the last compiled payload). */
  public GuestPayload payload(String sandbox) {
    return payloads.getOrDefault(sandbox, GuestPayload.NONE);
  }

  public StateDirectory state() {
    return state;
  }

  /** {@code sbx plan} / {@code sbx diff}: the plan, human or JSON. */
  public Outcome plan(ReconcileRequest request) {
    StringBuilder err = new StringBuilder();
    return guarded(err, () -> {
      CompiledState compiled = compile(request, err);
      Plan plan = reconciler(err).plan(compiled.desired(), planOptions(request));
      String out = request.json() ? PlanJson.write(plan) + "\n" : PlanRenderer.render(plan);
      int code = request.exitCode() && !plan.inSync() ? 1 : 0;
      return new Outcome(code, out, err.toString());
    });
  }

  /**
   * {@code sbx plan|diff -f DIR --host URL}: the plan of a state the CLI compiled on another
   * machine, compared as the daemon source it stands for ({@link SourceAdoption}).
   */
  public Outcome plan(DesiredWire wire, ReconcileRequest flags) {
    StringBuilder err = new StringBuilder();
    return guarded(err, () -> {
      DesiredState desired = adopt(wire, err);
      Plan plan = reconciler(err).plan(desired, planOptions(flags));
      String out = flags.json() ? PlanJson.write(plan) + "\n" : PlanRenderer.render(plan);
      int code = flags.exitCode() && !plan.inSync() ? 1 : 0;
      return new Outcome(code, out, err.toString());
    });
  }

  /** {@code sbx apply -f DIR --host URL}: like {@link #apply(ReconcileRequest)} for a state compiled elsewhere. */
  public Outcome apply(DesiredWire wire, ReconcileRequest flags) {
    StringBuilder err = new StringBuilder();
    return guarded(err, () -> {
      DesiredState desired = adopt(wire, err);
      Reconciler reconciler = reconciler(err);
      if (flags.dryRun()) {
        Plan plan = reconciler.plan(desired, planOptions(flags));
        return new Outcome(0, flags.json() ? PlanJson.write(plan) + "\n" : PlanRenderer.render(plan), err.toString());
      }
      payloads.putAll(wire.payloads());
      ApplyResult result = reconciler.apply(desired, planOptions(flags),
          ApplyOptions.defaults("sbx apply -f (remote) as " + desired.source().id()));
      return result(result, flags.json(), err);
    });
  }

  private DesiredState adopt(DesiredWire wire, StringBuilder err) {
    DesiredState desired = SourceAdoption.adopt(wire.desired(), state.store().load(), wire.source());
    if (!desired.source().id().equals(wire.desired().source().id())) {
      err.append("comparing as the daemon's source ").append(desired.source().id()).append('\n');
    }
    return desired;
  }

  /** {@code sbx apply -f DIR}: plan, then apply (or only plan with {@code --dry-run}). */
  public Outcome apply(ReconcileRequest request) {
    StringBuilder err = new StringBuilder();
    return guarded(err, () -> {
      CompiledState compiled = compile(request, err);
      Reconciler reconciler = reconciler(err);
      if (request.dryRun()) {
        Plan plan = reconciler.plan(compiled.desired(), planOptions(request));
        return new Outcome(0, request.json() ? PlanJson.write(plan) + "\n" : PlanRenderer.render(plan), err.toString());
      }
      ApplyResult result = reconciler.apply(compiled.desired(), planOptions(request),
          ApplyOptions.defaults("sbx apply -f " + request.dir()));
      return result(result, request.json(), err);
    });
  }

  /** {@code sbx apply plan.json}: exactly that plan, refused when edited or stale. */
  public Outcome applyPlan(String planText, String kitAllows) {
    StringBuilder err = new StringBuilder();
    return guarded(err, () -> {
      Plan plan = PlanJson.read(planText);
      // The runtime needs the files of sandboxes it creates: recompile the plan's source directory.
      String source = plan.source().id();
      if (source.startsWith("dir:")) {
        CompiledState compiled = compiler.compileDirectory(Path.of(source.substring(4)), kitAllows(kitAllows));
        payloads.putAll(compiled.payloads());
      }
      ApplyResult result = reconciler(err).apply(plan, ApplyOptions.defaults("sbx apply plan"));
      return result(result, false, err);
    });
  }

  private CompiledState compile(ReconcileRequest request, StringBuilder err) {
    CompiledState compiled = compiler.compileDirectory(Path.of(request.dir()), kitAllows(request.kitAllows()));
    compiled.warnings().forEach(w -> err.append("warning: ").append(w).append('\n'));
    payloads.putAll(compiled.payloads());
    return compiled;
  }

  private static KitAllows kitAllows(String text) {
    try {
      return KitAllows.valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ManifestException(new Problem(null, null, "", "--kit-allows " + text + " is not one of allow, intersect, ignore",
          "use --kit-allows allow|intersect|ignore"));
    }
  }

  private static PlanOptions planOptions(ReconcileRequest r) {
    return new PlanOptions(r.prune(), r.allowEmptySource());
  }

  private Reconciler reconciler(StringBuilder err) {
    return new Reconciler(actuators, state, event -> progress(event, err));
  }

  private static void progress(ReconcileEvent event, StringBuilder err) {
    String line = null;
    if (event instanceof ReconcileEvent.ActionSucceeded s && s.changed()) {
      line = s.sandbox() + ": " + s.action() + " done";
    } else if (event instanceof ReconcileEvent.ActionFailed f) {
      line = f.sandbox() + ": " + f.action() + " failed (" + f.kind().name().toLowerCase(Locale.ROOT) + "): "
          + f.message() + f.retryIn().map(d -> ", retrying in " + d.toMillis() + " ms").orElse("");
    } else if (event instanceof ReconcileEvent.Warning w) {
      line = "warning: " + (w.sandbox() == null ? "" : w.sandbox() + ": ") + w.message();
    }
    if (line != null) {
      synchronized (err) {
        err.append(line).append('\n');
      }
    }
  }

  private static Outcome result(ApplyResult result, boolean json, StringBuilder err) {
    StringBuilder out = new StringBuilder(PlanRenderer.render(result.plan()));
    long applied = result.results().stream().filter(r -> r.status() == SandboxResult.Status.APPLIED).count();
    out.append("\nApply ").append(result.succeeded() ? "complete" : "finished with failures").append(": ")
        .append(applied).append(" changed, ").append(result.failures().size()).append(" failed.\n");
    for (SandboxResult f : result.failures()) {
      out.append("  ").append(f.sandbox()).append(": ").append(f.failedAction().orElse("?")).append(": ")
          .append(f.message()).append('\n');
    }
    return new Outcome(result.exitCode(), json ? PlanJson.write(result.plan()) + "\n" : out.toString(), err.toString());
  }

  private interface Body {
    Outcome run();
  }

  /** Exit codes of DESIGN.md §5 for everything a request can run into; a bug stays a bug. */
  private static Outcome guarded(StringBuilder err, Body body) {
    try {
      return body.run();
    } catch (ManifestException e) {
      return fail(err, 2, e.problems().stream().map(Problem::render).collect(Collectors.joining("\n")));
    } catch (PlanFormatException e) {
      return fail(err, 2, "not a usable plan: " + e.getMessage());
    } catch (StalePlanException e) {
      return fail(err, 2, e.getMessage() + "\n    hint: run sbx plan again and review the new plan");
    } catch (LockHeldException e) {
      return fail(err, 4, e.getMessage());
    } catch (StateFormatException e) {
      return fail(err, 5, e.getMessage());
    } catch (ActuatorException e) {
      return fail(err, 5, "cannot observe the world: " + e.getMessage());
    }
  }

  private static Outcome fail(StringBuilder err, int code, String message) {
    err.append("sbx: ").append(message).append('\n');
    return new Outcome(code, "", err.toString());
  }
}
