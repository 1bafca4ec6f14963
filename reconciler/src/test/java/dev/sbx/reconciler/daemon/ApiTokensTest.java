package dev.sbx.reconciler.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiTokensTest {
  @TempDir Path state;

  @Test
  void createdTokenVerifiesAndOnlyItsHashIsStoredInA0600File() throws Exception {
    ApiTokens tokens = new ApiTokens(state);
    ApiTokens.Created ci = tokens.create("ci", true);
    assertTrue(ci.secret().startsWith(ApiTokens.PREFIX));
    assertTrue(ci.secret().length() > 40, "256 random bits");
    assertFalse(ci.toString().contains(ci.secret()));

    String file = Files.readString(tokens.file());
    assertFalse(file.contains(ci.secret()), file);
    assertFalse(file.contains(ci.secret().substring(ApiTokens.PREFIX.length())), file);
    assertTrue(file.contains(ApiTokens.sha256(ci.secret())), file);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokens.file())));

    assertEquals("ci", tokens.verify(ci.secret()).orElseThrow().name());
    assertTrue(tokens.verify(ci.secret()).orElseThrow().readOnly());
    assertTrue(tokens.verify(ci.secret() + "x").isEmpty());
    assertTrue(tokens.verify(ci.secret().substring(0, ci.secret().length() - 1)).isEmpty());
    assertTrue(tokens.verify("").isEmpty());
    assertTrue(tokens.verify(null).isEmpty());
  }

  @Test
  void twoTokensAreDistinctAndRevokingOneLeavesTheOther() {
    ApiTokens tokens = new ApiTokens(state);
    var a = tokens.create("a", false);
    var b = tokens.create("b", false);
    assertFalse(a.secret().equals(b.secret()));
    assertEquals("b", tokens.verify(b.secret()).orElseThrow().name());
    assertTrue(tokens.revoke("a"));
    assertFalse(tokens.revoke("a"));
    assertTrue(tokens.verify(a.secret()).isEmpty());
    assertEquals("b", tokens.verify(b.secret()).orElseThrow().name());
    assertEquals(1, tokens.list().size());
  }

  @Test
  void anotherProcessesChangesAreSeenWithoutRestart() {
    ApiTokens daemonSide = new ApiTokens(state);
    assertTrue(daemonSide.list().isEmpty());
    var made = new ApiTokens(state).create("late", false);
    assertEquals("late", daemonSide.verify(made.secret()).orElseThrow().name());
    new ApiTokens(state).revoke("late");
    assertTrue(daemonSide.verify(made.secret()).isEmpty());
  }

  @Test
  void badOrTakenNamesAreRefused() {
    ApiTokens tokens = new ApiTokens(state);
    tokens.create("ci", false);
    assertThrows(IllegalArgumentException.class, () -> tokens.create("ci", true));
    assertThrows(IllegalArgumentException.class, () -> tokens.create("Bad Name", false));
    assertThrows(IllegalArgumentException.class, () -> tokens.create("", false));
    assertThrows(IllegalArgumentException.class, () -> tokens.create("../x", false));
  }
}
