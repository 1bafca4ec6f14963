package dev.sbx.secrets.api;

import java.util.Objects;
import java.util.regex.Pattern;

/** Where a secret applies: to every sandbox, or to one. A sandbox secret overrides a global one. */
public sealed interface Scope permits Scope.Global, Scope.Sandbox {

  /** Stable text form used in the store file and bound into the encryption: {@code global} or {@code sandbox/NAME}. */
  String id();

  static Scope global() {
    return Global.INSTANCE;
  }

  static Scope sandbox(String name) {
    return new Sandbox(name);
  }

  static Scope parse(String id) {
    if (id.equals("global")) {
      return global();
    }
    if (id.startsWith("sandbox/")) {
      return sandbox(id.substring("sandbox/".length()));
    }
    throw new IllegalArgumentException("unknown scope id: " + id);
  }

  /** Every sandbox. */
  record Global() implements Scope {
    static final Global INSTANCE = new Global();

    @Override
    public String id() {
      return "global";
    }

    @Override
    public String toString() {
      return "(global)";
    }
  }

  /** One sandbox, by name. */
  record Sandbox(String name) implements Scope {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

    public Sandbox {
      Objects.requireNonNull(name, "name");
      if (!NAME.matcher(name).matches()) {
        throw new SecretsException(SecretsException.Problem.BAD_INPUT, null,
            "invalid sandbox name '" + name + "'",
            "use letters, digits, '.', '_' or '-', starting with a letter or digit (at most 63)");
      }
    }

    @Override
    public String id() {
      return "sandbox/" + name;
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
