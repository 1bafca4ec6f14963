package dev.sbx.reconciler.actuator;

/** What a runtime reports about a VM. Desired is always {@link #RUNNING}. */
public enum VmState {
  RUNNING,
  /** Stopped on purpose (by sbx or by hand). */
  STOPPED,
  /** The VM's process ended on its own (crash, guest shutdown). */
  EXITED
}
