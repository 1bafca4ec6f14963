package dev.sbx.egress.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.egress.api.RuleSet;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressGuardTest {
  static final EgressPolicy ANY = EgressPolicy.compile(RuleSet.allowAll());
  static final AddressGuard GUARD = new AddressGuard(Set.of(), Set.of());

  static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "127.255.0.9", "0.0.0.0", "0.1.2.3", "10.0.0.1", "172.16.0.1", "172.31.255.254",
      "192.168.0.1", "100.64.0.1", "100.127.255.254", "169.254.169.254", "169.254.0.1", "100.100.100.200",
      "168.63.129.16", "192.0.0.192", "224.0.0.1", "239.255.255.250", "255.255.255.255", "240.0.0.1",
      "::", "::1", "fe80::1", "fc00::1", "fd00:ec2::254", "fd20:ce::254", "ff02::1", "::ffff:10.1.2.3",
      "::127.0.0.1", "64:ff9b::7f00:1", "64:ff9b::a01:203", "2002:a01:203::1", "2002:a9fe:a9fe::", "2001::1",
      "64:ff9b:1::1"})
  void refusesSpecialRanges(String literal) throws Exception {
    assertInstanceOf(AddressGuard.Refuse.class, GUARD.check(List.of(ip(literal)), 443, ANY), literal);
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.1.1.1", "93.184.216.34", "100.63.255.254", "100.128.0.1", "172.32.0.1",
      "2606:4700::1111", "64:ff9b::5db8:d822", "2002:5db8:d822::1"})
  void passesPublicAddresses(String literal) throws Exception {
    assertInstanceOf(AddressGuard.Pass.class, GUARD.check(List.of(ip(literal)), 443, ANY), literal);
  }

  @Test
  void everyAnswerMustPass() throws Exception {
    var v = GUARD.check(List.of(ip("1.1.1.1"), ip("10.0.0.1")), 443, ANY);
    assertEquals("private", assertInstanceOf(AddressGuard.Refuse.class, v).addressClass());
  }

  @Test
  void explicitRuleOpensExactlyItsAddressAndPort() throws Exception {
    EgressPolicy p = EgressPolicy.compile(RuleSet.allowing("**", "10.0.0.0/24:5432"));
    assertInstanceOf(AddressGuard.Pass.class, GUARD.check(List.of(ip("10.0.0.7")), 5432, p));
    assertInstanceOf(AddressGuard.Refuse.class, GUARD.check(List.of(ip("10.0.0.7")), 22, p));
    assertInstanceOf(AddressGuard.Refuse.class, GUARD.check(List.of(ip("10.0.1.7")), 5432, p));
  }

  @Test
  void embeddedFormsNeverRideACarveOut() throws Exception {
    EgressPolicy p = EgressPolicy.compile(RuleSet.allowing("**", "127.0.0.1/32"));
    assertInstanceOf(AddressGuard.Pass.class, GUARD.check(List.of(ip("127.0.0.1")), 80, p));
    assertInstanceOf(AddressGuard.Refuse.class, GUARD.check(List.of(ip("64:ff9b::7f00:1")), 80, p));
  }

  @Test
  void denyRulesApplyToAnswers() throws Exception {
    EgressPolicy p = EgressPolicy.compile(RuleSet.of(dev.sbx.egress.api.Mode.ALLOW_ALL, List.of(), List.of("93.184.216.0/24")));
    var v = GUARD.check(List.of(ip("93.184.216.34")), 443, p);
    assertTrue(assertInstanceOf(AddressGuard.Refuse.class, v).rule().startsWith("deny "));
  }

  @Test
  void ownListenerIsNeverDialed() throws Exception {
    AddressGuard g = new AddressGuard(Set.of(new InetSocketAddress(ip("127.0.0.1"), 3128)), Set.of(ip("192.0.2.10")));
    EgressPolicy p = EgressPolicy.compile(RuleSet.allowing("127.0.0.1", "**"));
    assertInstanceOf(AddressGuard.Refuse.class, g.check(List.of(ip("127.0.0.1")), 3128, p));
    assertInstanceOf(AddressGuard.Pass.class, g.check(List.of(ip("127.0.0.1")), 3129, p));
    assertEquals("this host's own",
        assertInstanceOf(AddressGuard.Refuse.class, g.check(List.of(ip("192.0.2.10")), 80, p)).addressClass());
  }
}
