package dev.sbx.egress.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.egress.api.Authority;
import dev.sbx.egress.api.Mode;
import dev.sbx.egress.api.RuleSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EgressPolicyTest {

  static Decision decide(RuleSet rules, String authority) throws Exception {
    return EgressPolicy.compile(rules).decide(Authority.parse(authority, 443));
  }

  static boolean allowed(String rule, String authority) throws Exception {
    return decide(RuleSet.allowing(rule), authority) instanceof Decision.Allow;
  }

  @ParameterizedTest(name = "{0} vs {1} -> {2}")
  @CsvSource(delimiter = '|', value = {
      // exact
      "example.com|example.com|true",
      "example.com|EXAMPLE.com.|true",
      "example.com|www.example.com|false",
      "example.com|example.com.evil.test|false",
      "example.com|notexample.com|false",
      // one label
      "*.example.com|api.example.com|true",
      "*.example.com|example.com|false",
      "*.example.com|a.b.example.com|false",
      "*.example.com|apiexample.com|false",
      // any depth
      "**.example.com|api.example.com|true",
      "**.example.com|a.b.c.example.com|true",
      "**.example.com|example.com|false",
      "**.example.com|badexample.com|false",
      // ports
      "example.com:443|example.com:443|true",
      "example.com:443|example.com:8443|false",
      "example.com|example.com:22|true",
      "*.example.com:8443|a.example.com:8443|true",
      "*.example.com:8443|a.example.com:443|false",
      // everything
      "**|anything.test|true",
      "**|1.2.3.4|true",
      "**:443|anything.test:80|false",
      // addresses
      "203.0.113.0/24|203.0.113.9|true",
      "203.0.113.0/24|203.0.114.9|false",
      "203.0.113.7|203.0.113.7|true",
      "203.0.113.7|3405803783|true",
      "203.0.113.7:5432|203.0.113.7:5432|true",
      "203.0.113.7:5432|203.0.113.7:443|false",
      "2001:db8::/32|[2001:db8::5]|true",
      "2001:db8::/32|[2001:db9::5]|false",
      "[2001:db8::1]:443|[2001:db8:0::1]:443|true",
      // wildcards and names never match IP literals
      "*.example.com|1.2.3.4|false",
      "example.com|93.184.216.34|false",
  })
  void matchesEveryRuleForm(String rule, String authority, boolean expected) throws Exception {
    assertEquals(expected, allowed(rule, authority));
  }

  @Test
  void denyBeatsAllowInEveryMode() throws Exception {
    for (Mode mode : Mode.values()) {
      RuleSet rules = RuleSet.of(mode, List.of("**.example.com", "api.example.com"), List.of("api.example.com"));
      Decision d = decide(rules, "api.example.com:443");
      Decision.Deny deny = assertInstanceOf(Decision.Deny.class, d, mode.toString());
      assertEquals("deny api.example.com", deny.rule());
    }
  }

  @Test
  void modes() throws Exception {
    assertInstanceOf(Decision.Allow.class, decide(RuleSet.allowAll(), "anything.test:443"));
    assertInstanceOf(Decision.Deny.class, decide(RuleSet.denyAll(), "api.github.com:443"));
    assertInstanceOf(Decision.Allow.class, decide(RuleSet.balanced(), "api.github.com:443"));
    assertInstanceOf(Decision.Allow.class, decide(RuleSet.balanced(), "crates.io:443"));
    assertInstanceOf(Decision.Deny.class, decide(RuleSet.balanced(), "crates.io:80"));
    assertInstanceOf(Decision.Deny.class, decide(RuleSet.balanced(), "example.com:443"));
    assertInstanceOf(Decision.Allow.class,
        decide(RuleSet.of(Mode.DENY_ALL, List.of("example.com"), List.of()), "example.com:443"));
  }

  @Test
  void defaultDenyExplainsItselfLikeDocker() throws Exception {
    Decision.Deny d = assertInstanceOf(Decision.Deny.class, decide(RuleSet.denyAll(), "example.com:443"));
    assertEquals("default deny", d.rule());
    assertEquals("no matching allow rule - blocked by default deny policy", d.detail());
  }

  @Test
  void balancedListLoadsAndIsNotEmpty() {
    assertTrue(BalancedDefaults.rules().size() > 20);
  }

  @Test
  void explicitAddressRulesOnly() throws Exception {
    EgressPolicy p = EgressPolicy.compile(RuleSet.allowing("10.0.0.0/8:5432", "0.0.0.0/0", "**"));
    var ten = java.net.InetAddress.getByName("10.1.2.3");
    assertTrue(p.explicitlyAllowing(ten, 5432).isPresent());
    assertTrue(p.explicitlyAllowing(ten, 22).isEmpty(), "/0 and ** never open refused ranges");
  }
}
