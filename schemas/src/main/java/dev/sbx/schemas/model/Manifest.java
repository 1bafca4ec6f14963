package dev.sbx.schemas.model;

/** A document of sbx's own {@code apiVersion: sbx/v1} kinds. */
public sealed interface Manifest permits SandboxManifest, NetworkPolicyManifest {
  String API_VERSION = "sbx/v1";

  /** {@code metadata.name}. */
  String name();

  /** {@code kind}. */
  String kind();
}
