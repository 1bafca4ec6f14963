package dev.sbx.egress.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CanonicalHostTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "Example.COM|example.com|NAME",
      "example.com.|example.com|NAME",
      "api.github.com|api.github.com|NAME",
      "under_score.example.com|under_score.example.com|NAME",
      "127.0.0.1|127.0.0.1|IPV4",
      "127.1|127.0.0.1|IPV4",
      "2130706433|127.0.0.1|IPV4",
      "0x7f.1|127.0.0.1|IPV4",
      "0177.0.0.1|127.0.0.1|IPV4",
      "0x7F000001|127.0.0.1|IPV4",
      "2852039166|169.254.169.254|IPV4",
      "0xa9.0xfe.0xa9.0xfe|169.254.169.254|IPV4",
      "0251.0376.0251.0376|169.254.169.254|IPV4",
      "169.254.43518|169.254.169.254|IPV4",
      "10.0.0.1.|10.0.0.1|IPV4",
      "0|0.0.0.0|IPV4",
      "[::1]|::1|IPV6",
      "[0:0:0:0:0:0:0:1]|::1|IPV6",
      "::1|::1|IPV6",
      "[2001:DB8:0:0:0:0:0:1]|2001:db8::1|IPV6",
      "[2001:db8:0:0:1:0:0:1]|2001:db8::1:0:0:1|IPV6",
      "[2001:0:0:1:0:0:0:1]|2001:0:0:1::1|IPV6",
      "[::ffff:127.0.0.1]|127.0.0.1|IPV4",
      "[::ffff:7f00:1]|127.0.0.1|IPV4",
      "[::127.0.0.1]|::7f00:1|IPV6",
      "[64:ff9b::169.254.169.254]|64:ff9b::a9fe:a9fe|IPV6",
      "[fe80:0:0:0:1:0:0:0]|fe80::1:0:0:0|IPV6",
      "[fe80:0:0:1:0:0:0:0]|fe80:0:0:1::|IPV6",
      "b\u00fccher.example|xn--bcher-kva.example|NAME",
      "\uff41\uff42\uff43.example.com|abc.example.com|NAME",
      "abc\u3002example\u3002com|abc.example.com|NAME",
      "\u0430pple.com|xn--pple-43d.com|NAME",
  })
  void canonicalises(String raw, String expected, CanonicalHost.Type type) throws Exception {
    CanonicalHost h = CanonicalHost.parse(raw);
    assertEquals(expected, h.value());
    assertEquals(type, h.type());
    assertEquals(h, CanonicalHost.parse(h.value()), "idempotent");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", ".", "..", "example.com..", ".example.com", "a..b", "exa mple.com", "exa\tmple.com",
      "example.com\u0000.evil.com", "example.com\r\nHost: x", "allowed%2ecom", "a/b", "a\\b", "user@host",
      "*.example.com", "[fe80::1%eth0]", "[fe80::1%25eth0]", "[::1", "1::2::3", "12345::", "[::ffff:1.2.3.4%x.a.com]",
      "256.0.0.1", "1.2.3.4.5", "0x100.0.0.1", "08.0.0.1", "1.2.3.4294967296", "example.123",
      "[1.2.3.4]", "::ffff:01.2.3.4",
  })
  void refuses(String raw) {
    assertThrows(InvalidHostException.class, () -> CanonicalHost.parse(raw));
  }

  @org.junit.jupiter.api.Test
  void refusesOverlongNamesAndLabels() {
    assertThrows(InvalidHostException.class, () -> CanonicalHost.parse("a".repeat(64) + ".com"));
    String name = ("a".repeat(60) + ".").repeat(4) + "example.com";
    assertThrows(InvalidHostException.class, () -> CanonicalHost.parse(name));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "example.com:443|example.com|443",
      "example.com|example.com|80",
      "[::1]:8443|::1|8443",
      "EXAMPLE.com.:65535|example.com|65535",
  })
  void parsesAuthorities(String raw, String host, int port) throws Exception {
    Authority a = Authority.parse(raw, 80);
    assertEquals(host, a.host().value());
    assertEquals(port, a.port());
  }

  @ParameterizedTest
  @ValueSource(strings = {"a.com:", "a.com:0", "a.com:0443", "a.com:+443", "a.com:65536", "a.com:443:80",
      "a.com:443@b.com:443", "::1:443", "[::1]443", "[::1]:", "a.com: 443", "a.com:44 3"})
  void refusesBadAuthorities(String raw) {
    assertThrows(InvalidHostException.class, () -> Authority.parse(raw, 80));
  }

  @org.junit.jupiter.api.Test
  void connectTargetsNeedAPort() {
    assertThrows(InvalidHostException.class, () -> Authority.parse("example.com", -1));
  }
}
