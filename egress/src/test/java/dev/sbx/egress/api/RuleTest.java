package dev.sbx.egress.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RuleTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "example.com|EXACT|example.com",
      "Example.COM.|EXACT|example.com",
      "example.com:443|EXACT|example.com:443",
      "*.example.com|ONE_LABEL|*.example.com",
      "**.example.com:8443|ANY_DEPTH|**.example.com:8443",
      "**|ANY|**",
      "**:22|ANY|**:22",
      "10.0.0.0/8|CIDR|10.0.0.0/8",
      "10.1.2.3/8|CIDR|10.0.0.0/8",
      "203.0.113.7|CIDR|203.0.113.7",
      "203.0.113.7:5432|CIDR|203.0.113.7:5432",
      "2001:db8::/32|CIDR|2001:db8::/32",
      "[2001:db8::1]:443|CIDR|[2001:db8::1]:443",
      "[2001:db8::/32]:443|CIDR|[2001:db8::/32]:443",
      "2001:db8::1|CIDR|2001:db8::1",
      "b\u00fccher.example|EXACT|xn--bcher-kva.example",
  })
  void parsesEveryForm(String text, Rule.Kind kind, String canonical) {
    Rule r = Rule.parse(text);
    assertEquals(kind, r.kind());
    assertEquals(canonical, r.toString());
    assertEquals(r, Rule.parse(r.toString()), "canonical text parses to the same rule");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "*", "*.com", "**.com", "a.*.example.com", "ex*ample.com", "*example.com",
      "example.com:0", "example.com:0443", "example.com:70000", "example.com:", "*.10.0.0.1", "**.1.2.3.4",
      "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "[2001:db8::1", "[example.com]:443", "2001:db8::1:443:x",
      "exa mple.com", "example.com/path", "http://example.com", "*.ex%ample.com"})
  void refusesBadRules(String text) {
    InvalidRuleException e = assertThrows(InvalidRuleException.class, () -> Rule.parse(text));
    assertEquals(text, e.rule());
  }
}
