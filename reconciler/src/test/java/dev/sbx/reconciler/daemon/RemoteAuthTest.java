package dev.sbx.reconciler.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RemoteAuthTest {
  @TempDir Path state;
  private RemoteAuth auth;
  private String full;
  private String readOnly;

  @BeforeEach
  void tokens() {
    ApiTokens tokens = new ApiTokens(state);
    full = tokens.create("admin", false).secret();
    readOnly = tokens.create("ci", true).secret();
    auth = new RemoteAuth(tokens);
  }

  @Test
  void webhookRoutesAreTheOnlyOnesExemptFromTheToken() {
    assertTrue(RemoteAuth.exemptFromToken("/v1/hooks/git"));
    assertTrue(RemoteAuth.exemptFromToken("/v1/hooks/github?x=1"));
    assertFalse(RemoteAuth.exemptFromToken("/v1/hooks"));
    assertFalse(RemoteAuth.exemptFromToken("/v1/hooks/../shutdown"));
    assertFalse(RemoteAuth.exemptFromToken("/v1/plan"));
    assertFalse(RemoteAuth.exemptFromToken("/v2/hooks/git"));
    assertFalse(RemoteAuth.exemptFromToken("//v1/hooks/git"));
    assertInstanceOf(RemoteAuth.Decision.Exempt.class, auth.decide("POST", "/v1/hooks/git", null));
  }

  @Test
  void missingMalformedOrUnknownTokensAre401WithoutEchoingTheToken() {
    for (String header : new String[] {null, "", "Bearer", "Bearer   ", "Basic " + full, full, "Token " + full}) {
      var d = assertInstanceOf(RemoteAuth.Decision.Denied.class, auth.decide("POST", "/v1/plan", header), String.valueOf(header));
      assertEquals(401, d.status());
      assertFalse(d.reason().contains(full));
    }
    var wrong = assertInstanceOf(RemoteAuth.Decision.Denied.class, auth.decide("GET", "/v1/version", "Bearer sbx_nope"));
    assertEquals(401, wrong.status());
    assertFalse(wrong.reason().contains("sbx_nope"));
  }

  @Test
  void aValidTokenIsAllowedByName() {
    var a = assertInstanceOf(RemoteAuth.Decision.Allowed.class, auth.decide("POST", "/v1/apply", "Bearer " + full));
    assertEquals("admin", a.tokenName());
    assertInstanceOf(RemoteAuth.Decision.Allowed.class, auth.decide("POST", "/v1/apply", "bearer  " + full + " "));
  }

  @Test
  void aReadOnlyTokenMayReadAndPlanButNotChangeAnything() {
    assertInstanceOf(RemoteAuth.Decision.Allowed.class, auth.decide("GET", "/v1/sandboxes", "Bearer " + readOnly));
    assertInstanceOf(RemoteAuth.Decision.Allowed.class, auth.decide("POST", "/v1/plan", "Bearer " + readOnly));
    for (String route : new String[] {"POST /v1/apply", "POST /v1/apply-plan", "POST /v1/shutdown",
        "DELETE /v1/sandboxes/dev", "POST /v1/sandboxes/dev/exec", "POST /v1/egress/allow"}) {
      String[] mp = route.split(" ");
      var d = assertInstanceOf(RemoteAuth.Decision.Denied.class, auth.decide(mp[0], mp[1], "Bearer " + readOnly), route);
      assertEquals(403, d.status());
    }
  }

  @Test
  void remotelyPlanAndApplyMustCarryACompiledStateNotADaemonSidePath() {
    assertTrue(RemoteAuth.localOnly("POST", "/v1/plan", "{\"dir\":\"/etc\"}").isPresent());
    assertTrue(RemoteAuth.localOnly("POST", "/v1/apply", "{\"dir\":\"/srv/gitops\",\"prune\":true}").isPresent());
    assertTrue(RemoteAuth.localOnly("POST", "/v1/plan", "{\"desired\":{}}").isEmpty());
    assertTrue(RemoteAuth.localOnly("GET", "/v1/sandboxes", "").isEmpty());
    assertTrue(RemoteAuth.localOnly("POST", "/v1/plan", "not json").isEmpty(), "the handler answers that");
  }

  @Test
  void bearerParsing() {
    assertEquals("abc", RemoteAuth.bearer("Bearer abc"));
    assertEquals("abc", RemoteAuth.bearer("BEARER abc"));
    assertNull(RemoteAuth.bearer("Bearerabc"));
    assertNull(RemoteAuth.bearer(null));
  }
}
