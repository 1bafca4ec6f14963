package dev.sbx.schemas.model;

/** What a kit is: the one base of a sandbox, or a layer stacked on top of it. */
public enum KitKind {
  /** v2 {@code kind: sandbox}; v1 {@code kind: agent} and {@code kind: sandbox} fold into it. */
  SANDBOX("sandbox"),
  /** A layer added on top of a sandbox kit. */
  MIXIN("mixin");

  private final String yamlName;

  KitKind(String yamlName) {
    this.yamlName = yamlName;
  }

  /** The spelling in a schemaVersion "2" file. */
  public String yamlName() {
    return yamlName;
  }
}
