package dev.sbx.vm.ports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class PortSpecTest {

  @Test
  void parsesTheDockerForms() {
    assertEquals(new PortSpec(null, 0, 8080), PortSpec.parse("8080"));
    assertEquals(new PortSpec(null, 9000, 8080), PortSpec.parse("9000:8080"));
    assertEquals(new PortSpec("127.0.0.1", 9000, 8080), PortSpec.parse("127.0.0.1:9000:8080"));
    assertEquals(new PortSpec("0.0.0.0", 0, 80), PortSpec.parse("0.0.0.0:0:80"));
    assertEquals(new PortSpec("::1", 9000, 8080), PortSpec.parse("[::1]:9000:8080"));
    assertEquals("8080", PortSpec.parse(" 8080 ").toString());
  }

  @Test
  void defaultsToLoopback() {
    assertEquals("127.0.0.1", PortSpec.parse("8080").bindIp());
    assertEquals("127.0.0.1", PortSpec.parse("9000:8080").bindIp());
    assertNull(PortSpec.parse("9000:8080").hostIp());
  }

  @Test
  void rejectsBadInputWithAHint() {
    for (String bad : new String[] {"", "x", "0", "65536", "1:2:3:4", "::1:80:80", "[::1:80:80", "example.com:80:80",
        "300.1.1.1:80:80", "-1:80", "80:", ":80", "[::1]:80"}) {
      var e = assertThrows(IllegalArgumentException.class, () -> PortSpec.parse(bad), bad);
      assertTrue(e.getMessage().contains("[[IP:]HOST:]GUEST"), bad + " -> " + e.getMessage());
    }
  }

  @Test
  void unpublishFiltersLeaveUnsetPartsOpen() {
    var p = new PublishedPort("a", "127.0.0.1", 41000, 8080);
    assertTrue(PortSpec.parse("8080").matches(p));
    assertTrue(PortSpec.parse("41000:8080").matches(p));
    assertTrue(PortSpec.parse("127.0.0.1:41000:8080").matches(p));
    assertFalse(PortSpec.parse("41001:8080").matches(p));
    assertFalse(PortSpec.parse("0.0.0.0:41000:8080").matches(p));
    assertFalse(PortSpec.parse("8081").matches(p));
  }

  @Property(tries = 300)
  void everySpecReadsBackFromItsSpelling(@ForAll("specs") PortSpec spec) {
    assertEquals(spec, PortSpec.parse(spec.toString()));
  }

  @Property(tries = 300)
  void anyTextIsParsedOrRefusedWithAnIllegalArgument(@ForAll String text) {
    try {
      PortSpec spec = PortSpec.parse(text);
      assertEquals(spec, PortSpec.parse(spec.toString()));
    } catch (IllegalArgumentException expected) {
      assertTrue(expected.getMessage().contains("GUEST"), expected.getMessage());
    }
  }

  @Provide
  Arbitrary<PortSpec> specs() {
    Arbitrary<String> v4 = Arbitraries.integers().between(0, 255).list().ofSize(4)
        .map(l -> l.get(0) + "." + l.get(1) + "." + l.get(2) + "." + l.get(3));
    Arbitrary<String> v6 = Arbitraries.of("::1", "::", "fe80::1", "2001:db8::42");
    Arbitrary<String> ip = Arbitraries.oneOf(v4, v6).injectNull(0.3);
    return Combinators.combine(ip, Arbitraries.integers().between(0, 65535), Arbitraries.integers().between(1, 65535))
        .as(PortSpec::new);
  }
}
