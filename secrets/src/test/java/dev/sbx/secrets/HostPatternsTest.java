package dev.sbx.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Example;

class HostPatternsTest {

  @Provide
  Arbitrary<String> hosts() {
    Arbitrary<String> label = Arbitraries.strings().withCharRange('a', 'z').numeric().ofMinLength(1).ofMaxLength(10);
    return label.list().ofMinSize(1).ofMaxSize(5).map(l -> String.join(".", l));
  }

  @Property
  void canonicalFormIsIdempotentAndIgnoresCaseAndOneTrailingDot(@ForAll("hosts") String host) {
    String canonical = HostPatterns.canonicalHost(host);
    assertEquals(canonical, HostPatterns.canonicalHost(canonical));
    assertEquals(canonical, HostPatterns.canonicalHost(host.toUpperCase() + "."));
  }

  @Property
  void oneStarMatchesExactlyOneMoreLabel(@ForAll("hosts") String base, @ForAll("hosts") String prefix) {
    String host = prefix + "." + base;
    boolean oneLabel = !prefix.contains(".");
    assertEquals(oneLabel, HostPatterns.matches("*." + base, host));
    assertTrue(HostPatterns.matches("**." + base, host));
    assertFalse(HostPatterns.matches("*." + base, base));
    assertFalse(HostPatterns.matches("**." + base, base));
    assertFalse(HostPatterns.matches("**." + base, prefix + base));
  }

  @Example
  void ipLiteralsAreNormalised() {
    assertEquals("127.0.0.1", HostPatterns.canonicalHost("127.0.0.1"));
    assertEquals("::1", HostPatterns.canonicalHost("[::1]"));
    assertEquals("::1", HostPatterns.canonicalHost("0:0:0:0:0:0:0:1"));
    assertEquals("2001:db8::1", HostPatterns.canonicalHost("2001:DB8:0:0:0:0:0:1"));
    assertEquals("127.0.0.1", HostPatterns.canonicalHost("::ffff:127.0.0.1"));
    assertNull(HostPatterns.canonicalHost("300.1.1.1"));
    assertNull(HostPatterns.canonicalHost("evil.com\u0000.github.com"));
    assertNull(HostPatterns.canonicalHost("a..b"));
    assertNull(HostPatterns.canonicalHost("fe80::1%eth0"));
  }
}
