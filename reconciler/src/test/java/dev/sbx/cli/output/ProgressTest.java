package dev.sbx.cli.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressTest {
  private final StringWriter text = new StringWriter();
  private final PrintWriter err = new PrintWriter(text);
  private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  @Test
  void withoutATerminalEachDistinctUpdateIsOneLine() {
    try (Progress p = Progress.start(err, false, "downloading kernel", clock)) {
      p.update("10 %");
      p.update("10 %");
      p.update("50 %");
      p.done("ok");
    }
    assertEquals(List.of("downloading kernel ...", "downloading kernel ... 10 %", "downloading kernel ... 50 %",
        "downloading kernel: ok (0.0 s)"), text.toString().lines().toList());
    assertFalse(text.toString().contains("\r"));
  }

  @Test
  void onATerminalTheLineIsRewrittenInPlace() {
    try (Progress p = Progress.start(err, true, "booting dev", clock)) {
      p.update("kernel");
      p.done("ready");
    }
    String s = text.toString();
    assertEquals(1, s.chars().filter(c -> c == '\n').count(), s);
    assertTrue(s.endsWith("\r\u001b[Kbooting dev: ready (0.0 s)\n"), s);
  }

  @Test
  void closingWithoutDoneReportsTheStepAsFailed() {
    try (Progress p = Progress.start(err, false, "install", clock)) {
      p.update("1/3");
    }
    assertTrue(text.toString().endsWith("install: failed (0.0 s)\n"), text.toString());
  }
}
