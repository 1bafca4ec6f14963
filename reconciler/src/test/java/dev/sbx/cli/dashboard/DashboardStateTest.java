package dev.sbx.cli.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DashboardStateTest {
  private final Snapshot snapshot = DashboardViewTest.snapshot();
  private final DashboardState state = new DashboardState();

  private Command press(Key key) {
    return state.handle(key, state.visible(snapshot));
  }

  private String selected() {
    List<Snapshot.SandboxRow> visible = state.visible(snapshot);
    return visible.get(state.selectedIndex(visible)).name();
  }

  @Test
  void arrowsAndVimKeysMoveTheSelectionWithinBounds() {
    assertEquals("api-dev", selected());
    press(Key.of(Key.Type.UP));
    assertEquals("api-dev", selected(), "stays at the top");
    press(Key.of(Key.Type.DOWN));
    assertEquals("batch", selected());
    press(Key.ch('j'));
    press(Key.ch('j'));
    assertEquals("a-sandbox-with-a-really-very-long-name-indeed", selected(), "stays at the bottom");
    press(Key.ch('k'));
    assertEquals("batch", selected());
    press(Key.of(Key.Type.HOME));
    assertEquals("api-dev", selected());
  }

  @Test
  void stopAsksFirstAndOnlyYesStops() {
    press(Key.of(Key.Type.DOWN));
    assertEquals(Command.NONE, press(Key.ch('s')));
    assertEquals(DashboardState.Mode.CONFIRM, state.mode());
    assertEquals("Stop batch? (y/n)", state.message());
    assertEquals(Command.NONE, press(Key.ch('s')), "any key but y cancels");
    assertEquals("Cancelled.", state.message());
    press(Key.ch('s'));
    assertEquals(new Command.Stop("batch"), press(Key.ch('y')));
    press(Key.ch('r'));
    assertEquals(new Command.Restart("batch"), press(Key.ch('Y')));
  }

  @Test
  void filterTypesLiveEnterKeepsEscRestores() {
    press(Key.ch('/'));
    press(Key.ch('b'));
    press(Key.ch('a'));
    assertEquals("ba", state.filter());
    assertEquals(List.of("batch"), state.visible(snapshot).stream().map(Snapshot.SandboxRow::name).toList());
    press(Key.of(Key.Type.BACKSPACE));
    assertEquals("b", state.filter());
    press(Key.of(Key.Type.ENTER));
    assertEquals(DashboardState.Mode.NORMAL, state.mode());
    press(Key.ch('/'));
    press(Key.ch('z'));
    press(Key.of(Key.Type.ESCAPE));
    assertEquals("b", state.filter(), "Esc restores the filter from before");
    press(Key.of(Key.Type.ESCAPE));
    assertEquals("", state.filter(), "Esc in normal mode clears it");
  }

  @Test
  void qCtrlCAndEndOfInputQuitFromAnyMode() {
    assertEquals(Command.QUIT, press(Key.ch('q')));
    press(Key.ch('/'));
    assertEquals(Command.NONE, press(Key.ch('q')), "q is text while filtering");
    assertEquals(Command.QUIT, press(Key.of(Key.Type.CTRL_C)));
    assertEquals(Command.QUIT, new DashboardState().handle(Key.of(Key.Type.EOF), List.of()));
  }

  @Test
  void execShowsTheCommandToRunAndHelpToggles() {
    press(Key.ch('e'));
    assertTrue(state.message().contains("sbx exec -i api-dev -- sh"), state.message());
    press(Key.ch('?'));
    assertEquals(DashboardState.Mode.HELP, state.mode());
    press(Key.ch('x'));
    assertEquals(DashboardState.Mode.NORMAL, state.mode());
  }

  @Test
  void theSelectionFollowsTheNameAcrossRefreshes() {
    press(Key.of(Key.Type.DOWN));
    Snapshot reordered = new Snapshot(java.util.Optional.empty(), List.of(snapshot.sandboxes().get(1)),
        List.of(), true, snapshot.fetchedAt());
    List<Snapshot.SandboxRow> visible = state.visible(reordered);
    assertEquals(0, state.selectedIndex(visible));
    assertEquals("batch", visible.get(0).name());
  }
}
