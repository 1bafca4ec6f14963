package dev.sbx.vm.api;

/**
 * Receives a running command's output as it arrives, in order per stream. Called from the
 * runtime's reader thread: return quickly (the guest is paused by flow control meanwhile).
 */
public interface ExecOutput {
  void stdout(byte[] bytes);

  void stderr(byte[] bytes);

  /** Discards all output. */
  ExecOutput DISCARD = new ExecOutput() {
    @Override
    public void stdout(byte[] bytes) {}

    @Override
    public void stderr(byte[] bytes) {}
  };
}
