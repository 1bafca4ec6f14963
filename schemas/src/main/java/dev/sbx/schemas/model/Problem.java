package dev.sbx.schemas.model;

import java.util.Objects;

/**
 * One finding about an input file: an error (the load fails) or a warning (a deprecation).
 *
 * @param file the file; null only when no file is involved (e.g. a bad command-line value)
 * @param position where in the file
 * @param pointer JSON pointer of the offending value ("" = the document)
 * @param message what is wrong, in one sentence
 * @param hint how to fix it; null = none
 */
public record Problem(
    SourceFile file, Position position, String pointer, String message, String hint) {
  public Problem {
    position = position == null ? Position.START : position;
    pointer = pointer == null ? "" : pointer;
    Objects.requireNonNull(message, "message");
  }

  /** {@code FILE:LINE:COL: message}. */
  public String headline() {
    String where = file == null ? "<command line>" : file.displayName() + ":" + position;
    return where + ": " + message;
  }

  /** Headline, then indented pointer and hint lines: the CLI's rendering. */
  public String render() {
    StringBuilder sb = new StringBuilder(headline());
    if (!pointer.isEmpty()) {
      sb.append("\n    at ").append(pointer);
    }
    if (hint != null) {
      sb.append("\n    hint: ").append(hint);
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return headline();
  }
}
