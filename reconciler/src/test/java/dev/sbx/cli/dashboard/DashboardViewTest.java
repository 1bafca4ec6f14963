package dev.sbx.cli.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.cli.output.Style;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DashboardViewTest {
  private static final Instant NOW = Instant.parse("2026-11-23T12:00:05Z");
  private final DashboardView view = new DashboardView(ZoneOffset.UTC);

  static Snapshot snapshot() {
    return new Snapshot(Optional.empty(), List.of(
        new Snapshot.SandboxRow("api-dev", "running", 2, 2048, Optional.of(Duration.ofSeconds(192)), "dir:/srv/gitops",
            "claude"),
        new Snapshot.SandboxRow("batch", "stopped", 1, 512, Optional.empty(), "sbx", ""),
        new Snapshot.SandboxRow("a-sandbox-with-a-really-very-long-name-indeed", "running", 16, 1536,
            Optional.of(Duration.ofDays(3)), "git:https://github.com/org/fleet.git#main//sandboxes", "")),
        List.of(new Snapshot.DecisionRow(Instant.parse("2026-11-23T12:00:01Z"), "api-dev", "api.github.com", 443,
                "api.github.com:443", "allow"),
            new Snapshot.DecisionRow(Instant.parse("2026-11-23T12:00:03Z"), "api-dev", "evil.example.com", 443,
                "default deny", "deny")),
        true, NOW);
  }

  private static int visible(String line) {
    String plain = Style.strip(line);
    return plain.codePointCount(0, plain.length());
  }

  @Test
  void everyFrameHasExactlyTheTerminalsSizeAtEverySizeWithAndWithoutColour() {
    for (Style style : List.of(Style.plain(), Style.ansi())) {
      for (int width = DashboardView.MIN_WIDTH; width <= 220; width++) {
        for (int height : new int[] {DashboardView.MIN_HEIGHT, 9, 24, 60}) {
          for (DashboardState.Mode mode : List.of(DashboardState.Mode.NORMAL, DashboardState.Mode.HELP)) {
            DashboardState state = new DashboardState();
            if (mode == DashboardState.Mode.HELP) {
              state.handle(Key.ch('?'), List.of());
            }
            for (Snapshot s : List.of(snapshot(), Snapshot.unavailable("No sbx daemon is running for /x.", NOW))) {
              List<String> frame = view.render(state, s, "/state", width, height, style);
              assertEquals(height, frame.size(), width + "x" + height);
              for (String line : frame) {
                assertEquals(width, visible(line), width + "x" + height + ": [" + Style.strip(line) + "]");
              }
            }
          }
        }
      }
    }
  }

  @Test
  void showsBothPanesWithTheSelectionMarkedAndDecisionsNewestFirst() {
    List<String> frame = view.render(new DashboardState(), snapshot(), "/state", 140, 12, Style.plain());
    assertTrue(frame.get(0).contains("sbx dashboard — /state — 3 sandboxes, 2 running"), frame.get(0));
    assertTrue(frame.get(0).trim().endsWith("12:00:05"), frame.get(0));
    assertTrue(frame.get(2).matches(">\\s+api-dev\\s+running\\s+2\\s+2G\\s+3m12s\\s+dir:/srv/gito…?\\s*│.*"),
        frame.get(2));
    assertTrue(frame.get(2).matches(".*│ 12:00:03 api-dev\\s+evil\\.example\\.com:443\\s+default deny\\s+deny\\s*"),
        "newest first: " + frame.get(2));
    assertTrue(frame.get(3).contains("12:00:01") && frame.get(3).contains("allow"), frame.get(3));
    assertTrue(frame.stream().anyMatch(l -> l.matches("  a-sandbox-with-a-\\S*… running .*")), "long names are cut: " + frame);
    assertTrue(frame.stream().anyMatch(l -> l.matches(".*\\s16\\s+1\\.5G\\s+3d00h.*")), String.join("\n", frame));
    assertEquals(" " + DashboardView.KEYS, frame.get(11).stripTrailing());
  }

  @Test
  void colourMarksStatesDecisionsAndTheSelectedRow() {
    List<String> frame = view.render(new DashboardState(), snapshot(), "/state", 140, 12, Style.ansi());
    assertTrue(frame.get(2).startsWith("\u001b[7m> api-dev"), "selected row reversed: " + frame.get(2));
    assertTrue(frame.get(3).contains("\u001b[33mstopped"), frame.get(3));
    assertTrue(frame.get(2).contains("\u001b[31mdeny"), frame.get(2));
  }

  @Test
  void theFilterNarrowsBothPanes() {
    DashboardState state = new DashboardState();
    state.handle(Key.ch('/'), List.of());
    for (char c : "evil".toCharArray()) {
      state.handle(Key.ch(c), List.of());
    }
    List<String> frame = view.render(state, snapshot(), "/state", 140, 12, Style.plain());
    assertTrue(frame.get(2).contains("(no sandbox matches the filter \"evil\")"), frame.get(2));
    assertTrue(frame.get(2).contains("evil.example.com"), frame.get(2));
    assertFalse(String.join("\n", frame).contains("12:00:01"), "the allow decision is filtered out");
    assertTrue(frame.get(10).startsWith(" /evil"), frame.get(10));
  }

  @Test
  void narrowTerminalsShowOnlyTheSandboxes() {
    List<String> frame = view.render(new DashboardState(), snapshot(), "/state", 80, 10, Style.plain());
    assertFalse(String.join("\n", frame).contains("HOST:PORT"));
    assertTrue(frame.get(2).startsWith("> api-dev"), frame.get(2));
  }

  @Test
  void withoutADaemonItSaysHowToStartOne() {
    String text = String.join("\n", view.render(new DashboardState(),
        Snapshot.unavailable("No sbx daemon is running for /state.", NOW), "/state", 100, 20, Style.plain()));
    assertTrue(text.contains("— no daemon"), text);
    assertTrue(text.contains("No sbx daemon is running for /state."), text);
    assertTrue(text.contains("Start one with:   sbx daemon"), text);
  }

  @Test
  void aTooSmallTerminalSaysSo() {
    List<String> frame = view.render(new DashboardState(), snapshot(), "/state", 30, 5, Style.plain());
    assertEquals(5, frame.size());
    assertTrue(frame.get(0).startsWith("Terminal too small"), frame.get(0));
  }

  @Test
  void unitsAreCompact() {
    assertEquals("45s", Cells.duration(Duration.ofSeconds(45)));
    assertEquals("2h05m", Cells.duration(Duration.ofMinutes(125)));
    assertEquals("512M", Cells.memory(512));
    assertEquals("2G", Cells.memory(2048));
    assertEquals("ab…", Cells.fit("abcdef", 3));
    assertEquals("ab  ", Cells.fit("ab", 4));
  }
}
