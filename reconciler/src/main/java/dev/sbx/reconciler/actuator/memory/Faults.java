package dev.sbx.reconciler.actuator.memory;

import dev.sbx.reconciler.actuator.ActuatorException;
import java.util.HashMap;
import java.util.Map;

/**
 * Faults to inject into the in-memory actuators, keyed by operation ({@code runtime.create},
 * {@code runtime.start}, {@code runtime.stop}, {@code runtime.destroy}, {@code runtime.updateLive},
 * {@code runtime.list}, {@code egress.set}, {@code egress.remove}, {@code secrets.bind}, {@code
 * secrets.unbind}) and sandbox name ({@code *} for any). Each fault fires once unless given a count.
 */
public final class Faults {
  private record Key(String op, String sandbox) {}

  private record Failure(ActuatorException.Kind kind, int remaining) {}

  private final Map<Key, Failure> failures = new HashMap<>();
  private final Map<Key, Integer> crashesBefore = new HashMap<>();
  private final Map<Key, Integer> crashesAfter = new HashMap<>();

  /** The next {@code times} calls of {@code op} on {@code sandbox} fail with {@code kind}. */
  public synchronized Faults fail(String op, String sandbox, ActuatorException.Kind kind, int times) {
    failures.put(new Key(op, sandbox), new Failure(kind, times));
    return this;
  }

  /** The next call of {@code op} on {@code sandbox} crashes before changing anything. */
  public synchronized Faults crashBefore(String op, String sandbox) {
    crashesBefore.merge(new Key(op, sandbox), 1, Integer::sum);
    return this;
  }

  /** The next call of {@code op} on {@code sandbox} crashes after its change took effect. */
  public synchronized Faults crashAfter(String op, String sandbox) {
    crashesAfter.merge(new Key(op, sandbox), 1, Integer::sum);
    return this;
  }

  public synchronized void clear() {
    failures.clear();
    crashesBefore.clear();
    crashesAfter.clear();
  }

  synchronized void before(String op, String sandbox) {
    if (take(crashesBefore, op, sandbox)) {
      throw new SimulatedCrash("before " + op + " " + sandbox);
    }
    for (Key key : new Key[] {new Key(op, sandbox), new Key(op, "*")}) {
      Failure f = failures.get(key);
      if (f != null) {
        if (f.remaining() <= 1) {
          failures.remove(key);
        } else {
          failures.put(key, new Failure(f.kind(), f.remaining() - 1));
        }
        throw new ActuatorException(f.kind(), "injected " + f.kind() + " fault in " + op + " " + sandbox);
      }
    }
  }

  synchronized void after(String op, String sandbox) {
    if (take(crashesAfter, op, sandbox)) {
      throw new SimulatedCrash("after " + op + " " + sandbox);
    }
  }

  private static boolean take(Map<Key, Integer> counts, String op, String sandbox) {
    for (Key key : new Key[] {new Key(op, sandbox), new Key(op, "*")}) {
      Integer n = counts.get(key);
      if (n != null) {
        if (n <= 1) {
          counts.remove(key);
        } else {
          counts.put(key, n - 1);
        }
        return true;
      }
    }
    return false;
  }
}
