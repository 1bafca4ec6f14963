package dev.sbx.cli.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TableTest {
  @Test
  void columnsAreAsWideAsTheirWidestCellAndTheLastIsNotPadded() {
    Table t = Table.withHeader("SANDBOX", "STATUS", "WORKSPACE").row("dev", "running", "/srv/a")
        .row("a-much-longer-name", "stopped", null);
    assertEquals(List.of(
        "SANDBOX              STATUS    WORKSPACE",
        "dev                  running   /srv/a",
        "a-much-longer-name   stopped   -"), t.lines());
  }

  @Test
  void styledCellsAlignByTheirVisibleText() {
    Style ansi = Style.ansi();
    Table t = Table.withHeader("NAME", "STATE", "X").row("a", ansi.state("running"), "1").row("bb", "stopped", "2");
    List<String> lines = t.lines(ansi);
    assertTrue(lines.get(0).startsWith("\u001b[1m"), "bold header: " + lines.get(0));
    List<String> plain = lines.stream().map(Style::strip).toList();
    assertEquals("NAME   STATE     X", plain.get(0));
    assertEquals("a      running   1", plain.get(1));
    assertEquals("bb     stopped   2", plain.get(2));
  }

  @Test
  void nonAsciiNamesLineUpByCodePoints() {
    Table t = Table.withHeader("N", "X").row("zürich", "1").row("\uD83D\uDE80x", "2");
    assertEquals("zürich   1", t.lines().get(1));
    assertEquals("\uD83D\uDE80x       2", t.lines().get(2));
  }

  @Test
  void aRowWithTheWrongNumberOfCellsIsABug() {
    Table t = Table.withHeader("A", "B");
    assertThrows(IllegalArgumentException.class, () -> t.row("only one"));
  }

  @Test
  void lineBreaksInACellDoNotBreakTheTable() {
    assertEquals("x y   z", Table.withHeader("A", "B").row("x\ny", "z").lines().get(1));
  }
}
