package dev.sbx.reconciler.controller;

/** Receives controller events (the daemon's {@code sbx events} stream, its log). Must not block for long; exceptions are dropped. */
@FunctionalInterface
public interface ControllerListener {
  void on(ControllerEvent event);

  ControllerListener NONE = event -> {};
}
