package dev.sbx.reconciler.plan;

/** The five kinds of change, with the symbol and JSON name each is shown with. */
public enum ChangeKind {
  CREATE("+", "create"),
  UPDATE("~", "update"),
  REPLACE("-/+", "replace"),
  DELETE("-", "delete"),
  NO_OP(" ", "no-op");

  private final String symbol;
  private final String jsonName;

  ChangeKind(String symbol, String jsonName) {
    this.symbol = symbol;
    this.jsonName = jsonName;
  }

  public String symbol() {
    return symbol;
  }

  public String jsonName() {
    return jsonName;
  }

  public static ChangeKind ofJsonName(String name) {
    for (ChangeKind k : values()) {
      if (k.jsonName.equals(name)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown action '" + name + "'");
  }
}
