package dev.sbx.reconciler.merge;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link HostPattern#covers} decides which kit allows an intersecting policy keeps and which
 * allows a deny shadows, so it must be sound: if p covers q, every host:port q matches, p
 * matches (checked with the reference matcher of {@link MergePropertiesTest}).
 */
class HostPatternPropertiesTest {
  @Provide
  Arbitrary<String> patterns() {
    return Arbitraries.of(MergePropertiesTest.PATTERNS);
  }

  @Property
  void coversIsSound(@ForAll("patterns") String p, @ForAll("patterns") String q) {
    if (!HostPattern.parse(p).covers(HostPattern.parse(q))) {
      return;
    }
    for (String host : MergePropertiesTest.HOSTS) {
      for (int port : new int[] {443, 80}) {
        if (MergePropertiesTest.matches(q, host, port)) {
          assertTrue(MergePropertiesTest.matches(p, host, port), p + " covers " + q + " but not "
              + host + ":" + port);
        }
      }
    }
  }

  @Property
  void everyPatternCoversItself(@ForAll("patterns") String p) {
    assertTrue(HostPattern.parse(p).covers(HostPattern.parse(p)), p);
  }

  @Example
  void coversWhatTheGrammarSays() {
    for (List<String> yes : List.of(List.of("**", "a.example.com:443"),
        List.of("*.example.com", "a.example.com"), List.of("**.example.com", "x.a.example.com"),
        List.of("**.example.com", "*.a.example.com"), List.of("a.example.com", "A.Example.com."),
        List.of("a.example.com", "a.example.com:443"))) {
      assertTrue(HostPattern.parse(yes.get(0)).covers(HostPattern.parse(yes.get(1))),
          yes.toString());
    }
    for (List<String> no : List.of(List.of("*.example.com", "x.a.example.com"),
        List.of("*.example.com", "example.com"), List.of("**.example.com", "example.com"),
        List.of("a.example.com:443", "a.example.com"), List.of("example.com", "*.example.com"),
        List.of("**.example.com", "**"))) {
      assertFalse(HostPattern.parse(no.get(0)).covers(HostPattern.parse(no.get(1))),
          no.toString());
    }
  }
}
