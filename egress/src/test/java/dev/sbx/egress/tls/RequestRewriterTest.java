package dev.sbx.egress.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestRewriterTest {

  static final String PH_A = "sbx-cs-AAAAAAAAAAAAAAAAAAAAAAAA";
  static final String PH_B = "sbx-cs-BBBBBBBBBBBBBBBBBBBBBBBB";

  static InjectedSecret s(String v) {
    return InjectedSecret.ofUtf8(v.getBytes(StandardCharsets.UTF_8));
  }

  static HttpRequest request() {
    HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/x?k=" + PH_A + "&j=" + PH_B);
    r.headers().add("AUTHORIZATION", "Bearer wrong");
    r.headers().add("authorization", "Bearer wrong2");
    r.headers().add("Cookie", "a=" + PH_A + "; b=" + PH_A);
    r.headers().add("X-Other", PH_B);
    return r;
  }

  @Test
  void setHeaderReplacesEveryCaseVariantWithOneValue() {
    HttpRequest r = request();
    List<String> applied = RequestRewriter.apply(r,
        List.of(new Injection.SetHeader("openai", "Authorization", "Bearer %s", s("real"), false)), true);
    assertEquals(List.of("openai"), applied);
    assertEquals(List.of("Bearer real"), r.headers().getAll("authorization"));
  }

  @Test
  void onlyTheBoundPlaceholderIsReplacedEverywhereInTheHead() {
    HttpRequest r = request();
    RequestRewriter.apply(r, List.of(new Injection.ReplacePlaceholder("A", PH_A, s("real/a+b"), false)), true);
    assertEquals("a=real/a+b; b=real/a+b", r.headers().get("Cookie"));
    assertEquals("/x?k=real%2Fa%2Bb&j=" + PH_B, r.uri(), "query value URL-encoded; other placeholder untouched");
    assertEquals(PH_B, r.headers().get("X-Other"));
  }

  @Test
  void plainHttpInjectsOnlyWhenTheBindingAllowsIt() {
    HttpRequest r = request();
    List<String> applied = PlainHttpInjection.apply(r, List.of(
        new Injection.SetHeader("openai", "Authorization", "Bearer %s", s("real"), false),
        new Injection.ReplacePlaceholder("B", PH_B, s("realB"), true)));
    assertEquals(List.of("B"), applied);
    assertEquals(List.of("Bearer wrong", "Bearer wrong2"), r.headers().getAll("Authorization"));
    assertEquals("realB", r.headers().get("X-Other"));
  }

  @Test
  void formatIsNotAFormatString() {
    HttpRequest r = request();
    RequestRewriter.apply(r, List.of(new Injection.SetHeader("x", "X-Key", "%d-%s-%n", s("v"), false)), true);
    assertEquals("%d-v-%n", r.headers().get("X-Key"));
  }

  @Test
  void valuesAreRedactedAndChecked() {
    Injection i = new Injection.SetHeader("openai", "Authorization", "Bearer %s", s("sk-very-secret"), false);
    assertFalse(i.toString().contains("sk-very-secret"), i.toString());
    assertThrows(IllegalArgumentException.class, () -> s("a\r\nX: y"));
    assertThrows(IllegalArgumentException.class, () -> new Injection.ReplacePlaceholder("n", "short", s("v"), false));
    assertTrue(i.toString().contains("redacted"));
  }

  @Test
  void bodyPlaceholdersAreReplacedOnlyForTheGivenCredentials() {
    List<String> applied = new java.util.ArrayList<>();
    byte[] body = ("a=" + PH_A + "&b=" + PH_B + "&c=" + PH_A).getBytes(StandardCharsets.UTF_8);
    byte[] out = BodyPlaceholders.replace(body,
        List.of(new Injection.ReplacePlaceholder("A", PH_A, s("xyz"), false)), applied);
    assertEquals("a=xyz&b=" + PH_B + "&c=xyz", new String(out, StandardCharsets.UTF_8));
    assertEquals(List.of("A"), applied);
    assertEquals(null, BodyPlaceholders.replace("nothing here".getBytes(StandardCharsets.UTF_8),
        List.of(new Injection.ReplacePlaceholder("A", PH_A, s("xyz"), false)), applied));
  }
}
