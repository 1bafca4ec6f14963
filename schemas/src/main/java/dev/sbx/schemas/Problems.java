package dev.sbx.schemas;

import dev.sbx.schemas.model.Position;
import dev.sbx.schemas.model.Positions;
import dev.sbx.schemas.model.Problem;
import dev.sbx.schemas.model.SourceFile;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects the problems of one file, positioned through its pointer map. */
final class Problems {
  private final SourceFile file;
  private Positions positions;
  private final List<Problem> errors = new ArrayList<>();
  private final List<Problem> warnings = new ArrayList<>();

  Problems(SourceFile file, Positions positions) {
    this.file = file;
    this.positions = positions;
  }

  void error(String pointer, String message, String hint) {
    errors.add(new Problem(file, positions.nearest(pointer), pointer, message, hint));
  }

  void error(Position position, String pointer, String message, String hint) {
    errors.add(new Problem(file, position, pointer, message, hint));
  }

  /** An error about another file than this collector's (a files/ artifact). */
  void errorIn(SourceFile other, String message, String hint) {
    errors.add(new Problem(other, Position.START, "", message, hint));
  }

  void warn(String pointer, String message, String hint) {
    warnings.add(new Problem(file, positions.nearest(pointer), pointer, message, hint));
  }

  int errorCount() {
    return errors.size();
  }

  boolean hasErrors() {
    return !errors.isEmpty();
  }

  /** Throws the collected errors, in file order, if there are any. */
  void throwIfAny() {
    if (!errors.isEmpty()) {
      List<Problem> sorted = new ArrayList<>(errors);
      sorted.sort(
          Comparator.comparingInt((Problem p) -> p.position().line())
              .thenComparingInt(p -> p.position().column()));
      throw new ManifestException(sorted);
    }
  }

  List<Problem> warnings() {
    List<Problem> sorted = new ArrayList<>(warnings);
    sorted.sort(Comparator.comparingInt((Problem p) -> p.position().line()));
    return sorted;
  }

  /** Switches to another pointer layout (after folding v1 into the canonical layout). */
  void usePositions(Positions newPositions) {
    this.positions = newPositions;
  }

  /** Takes over another collector's findings (e.g. those about a files/ artifact). */
  void addAll(Problems other) {
    errors.addAll(other.errors);
    warnings.addAll(other.warnings);
  }

  List<Problem> errors() {
    return List.copyOf(errors);
  }

  Positions positions() {
    return positions;
  }

  SourceFile file() {
    return file;
  }
}
