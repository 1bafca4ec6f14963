package dev.sbx.reconciler.event;

/** The phases of a reconcile, named the same in code, events, CLI output and docs. */
public enum Phase {
  DESIRED,
  OBSERVE,
  DIFF,
  APPLY,
  STATUS
}
