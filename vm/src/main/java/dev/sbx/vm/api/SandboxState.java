package dev.sbx.vm.api;

/** What a runtime observes about a sandbox, from the process table, not from a cache. */
public enum SandboxState {
  /** Created (disk and metadata exist), never started or cleanly stopped. */
  STOPPED,
  /** The VM process runs and the guest agent answered. */
  RUNNING,
  /** The VM process runs but the agent has not (yet) answered. */
  STARTING,
  /** The VM was running and its process is gone without a stop: it crashed or was killed. */
  EXITED
}
