package dev.sbx.reconciler.plan;

import dev.sbx.reconciler.actuator.RuntimeSandbox;
import dev.sbx.reconciler.actuator.VmState;
import dev.sbx.reconciler.desired.CanonicalJson;
import dev.sbx.reconciler.desired.EgressSpec;
import dev.sbx.reconciler.desired.LiveSpec;
import dev.sbx.reconciler.desired.SecretBinding;
import dev.sbx.reconciler.observe.ActualSandbox;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/** Field-level differences between a desired live spec and what a sandbox actually has. */
final class LiveDiff {
  private LiveDiff() {}

  static List<FieldChange> compare(LiveSpec want, ActualSandbox actual, RuntimeSandbox vm) {
    List<FieldChange> out = new ArrayList<>();
    egress(want.egress(), actual.egress().orElse(null), out);
    secrets(want.secrets(), actual.secrets(), out);
    env(want.env(), vm.env(), out);
    if (!want.startup().equals(vm.startup())) {
      out.add(FieldChange.set("startup", CanonicalJson.encode(vm.startup()), CanonicalJson.encode(want.startup())));
    }
    if (vm.state() != VmState.RUNNING) {
      out.add(FieldChange.set("state", quote(lower(vm.state())), quote(lower(VmState.RUNNING))));
    }
    return out;
  }

  /** What a create sets up, shown under {@code + sandbox NAME}. */
  static List<FieldChange> creation(Map<String, Object> immutableFields, LiveSpec want) {
    List<FieldChange> out = new ArrayList<>();
    for (String key : List.of("agent", "image", "resources")) {
      Object v = immutableFields.get(key);
      out.add(FieldChange.add(key, v instanceof String s ? quote(s) : CanonicalJson.encode(v)));
    }
    egress(want.egress(), null, out);
    secrets(want.secrets(), List.of(), out);
    return out;
  }

  private static void egress(EgressSpec want, EgressSpec have, List<FieldChange> out) {
    if (have == null || !want.defaultMode().equals(have.defaultMode())) {
      out.add(FieldChange.set("egress.default", have == null ? "(none)" : quote(have.defaultMode()), quote(want.defaultMode())));
    }
    sets("egress.allow", want.allow(), have == null ? List.of() : have.allow(), out);
    sets("egress.deny", want.deny(), have == null ? List.of() : have.deny(), out);
  }

  private static void sets(String field, List<String> want, List<String> have, List<FieldChange> out) {
    var wanted = new TreeSet<>(want);
    var had = new TreeSet<>(have);
    for (String v : wanted) {
      if (!had.contains(v)) {
        out.add(FieldChange.add(field, quote(v)));
      }
    }
    for (String v : had) {
      if (!wanted.contains(v)) {
        out.add(FieldChange.remove(field, quote(v)));
      }
    }
  }

  private static void secrets(List<SecretBinding> want, List<SecretBinding> have, List<FieldChange> out) {
    Map<String, SecretBinding> wanted = new TreeMap<>();
    want.forEach(b -> wanted.put(b.service(), b));
    Map<String, SecretBinding> had = new TreeMap<>();
    have.forEach(b -> had.put(b.service(), b));
    for (SecretBinding b : wanted.values()) {
      SecretBinding h = had.get(b.service());
      if (h == null) {
        out.add(FieldChange.add("secrets", describe(b)));
      } else if (!h.equals(b)) {
        out.add(FieldChange.set("secrets." + b.service(), describe(h), describe(b)));
      }
    }
    for (SecretBinding h : had.values()) {
      if (!wanted.containsKey(h.service())) {
        out.add(FieldChange.remove("secrets", describe(h)));
      }
    }
  }

  /** A binding by name only: {@code "github" (credential gh-token, domains [api.github.com])}. */
  static String describe(SecretBinding b) {
    return quote(b.service()) + " (credential " + b.credential() + ", domains " + b.domains() + ", value redacted)";
  }

  private static void env(Map<String, String> want, Map<String, String> have, List<FieldChange> out) {
    for (Map.Entry<String, String> e : new TreeMap<>(want).entrySet()) {
      String h = have.get(e.getKey());
      if (h == null) {
        out.add(FieldChange.add("env." + e.getKey(), quote(e.getValue())));
      } else if (!Objects.equals(h, e.getValue())) {
        out.add(FieldChange.set("env." + e.getKey(), quote(h), quote(e.getValue())));
      }
    }
    for (Map.Entry<String, String> e : new TreeMap<>(have).entrySet()) {
      if (!want.containsKey(e.getKey())) {
        out.add(FieldChange.remove("env." + e.getKey(), quote(e.getValue())));
      }
    }
  }

  static String quote(String s) {
    return CanonicalJson.encode(s);
  }

  private static String lower(VmState s) {
    return s.name().toLowerCase(Locale.ROOT);
  }
}
