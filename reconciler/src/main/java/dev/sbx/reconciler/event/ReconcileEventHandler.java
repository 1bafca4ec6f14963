package dev.sbx.reconciler.event;

/** Receives reconcile events, on the reconciling thread, in order. Must not throw. */
@FunctionalInterface
public interface ReconcileEventHandler {
  ReconcileEventHandler IGNORE = event -> {};

  void on(ReconcileEvent event);
}
