package dev.sbx.reconciler.doctor;

import java.util.Objects;
import java.util.Optional;

/**
 * One line of {@code sbx doctor}: what was checked, the verdict, what was found, and (for WARN and
 * FAIL) exactly what to do about it. {@code id} is stable (the {@code -o json} key).
 */
public record Check(String id, Status status, String detail, Optional<String> fix) {
  /** OK: nothing to do. WARN: works, slower or less safe. FAIL: sbx cannot run sandboxes until fixed. */
  public enum Status { OK, WARN, FAIL }

  public Check {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(fix, "fix");
  }

  static Check ok(String id, String detail) {
    return new Check(id, Status.OK, detail, Optional.empty());
  }

  static Check warn(String id, String detail, String fix) {
    return new Check(id, Status.WARN, detail, Optional.of(fix));
  }

  static Check fail(String id, String detail, String fix) {
    return new Check(id, Status.FAIL, detail, Optional.of(fix));
  }
}
