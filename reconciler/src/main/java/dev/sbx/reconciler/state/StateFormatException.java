package dev.sbx.reconciler.state;

import java.nio.file.Path;

/** A file in the state directory cannot be read. Names the file and what to do. */
public final class StateFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StateFormatException(Path file, String problem) {
    super(file + ": " + problem + " (the state directory was edited or damaged; restore it or move the file away)");
  }
}
