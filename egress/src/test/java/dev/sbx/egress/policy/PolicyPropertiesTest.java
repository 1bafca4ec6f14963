package dev.sbx.egress.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.sbx.egress.api.Authority;
import dev.sbx.egress.api.CanonicalHost;
import dev.sbx.egress.api.InvalidHostException;
import dev.sbx.egress.api.Mode;
import dev.sbx.egress.api.Rule;
import dev.sbx.egress.api.RuleSet;
import java.net.InetAddress;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Properties of canonicalisation and matching over generated hosts and rules. */
class PolicyPropertiesTest {

  @Provide
  Arbitrary<String> label() {
    return Arbitraries.strings().withChars("abcxyz019-").ofMinLength(1).ofMaxLength(8)
        .filter(s -> !s.startsWith("-") && !s.chars().allMatch(Character::isDigit) && !s.startsWith("0x"));
  }

  @Provide
  Arbitrary<List<String>> labels() {
    return label().list().ofMaxSize(4);
  }

  @Provide
  Arbitrary<String> name() {
    return label().list().ofMinSize(2).ofMaxSize(5).map(l -> String.join(".", l));
  }

  /** Names with random case, maybe a trailing dot: what clients actually send. */
  @Provide
  Arbitrary<String> spelling() {
    return Combinators.combine(name(), Arbitraries.randoms(), Arbitraries.of(true, false)).as((n, rnd, dot) -> {
      StringBuilder sb = new StringBuilder();
      for (char c : n.toCharArray()) {
        sb.append(rnd.nextBoolean() ? Character.toUpperCase(c) : c);
      }
      return dot ? sb + "." : sb.toString();
    });
  }

  @Property
  boolean canonicalisationIsIdempotent(@ForAll("spelling") String raw) throws InvalidHostException {
    CanonicalHost once = CanonicalHost.parse(raw);
    return CanonicalHost.parse(once.value()).equals(once) && CanonicalHost.parse(once.uriHost()).equals(once);
  }

  /** Anything at all that parses has a canonical form that parses to itself. */
  @Property(tries = 3000)
  void canonicalisationIsIdempotentOverArbitraryInput(@ForAll("junk") String raw) {
    CanonicalHost once;
    try {
      once = CanonicalHost.parse(raw);
    } catch (InvalidHostException e) {
      return;
    }
    try {
      assertEquals(once, CanonicalHost.parse(once.value()));
      assertEquals(once, CanonicalHost.parse(once.uriHost()));
    } catch (InvalidHostException e) {
      throw new AssertionError("canonical form of '" + raw + "' does not parse: " + once, e);
    }
  }

  @Provide
  Arbitrary<String> junk() {
    return Arbitraries.strings().withChars("aBz09.-_:[]%xX\u3002\uff41\u0430\u200b \t\u0000/@*f")
        .ofMinLength(1).ofMaxLength(20);
  }

  @Property
  boolean spellingsOfOneNameAgree(@ForAll("spelling") String raw) throws InvalidHostException {
    return CanonicalHost.parse(raw).value().equals(raw.toLowerCase().replaceAll("\\.$", ""));
  }

  @Property
  void ipv4SpellingsCanonicaliseToDottedDecimal(@ForAll int bits) throws Exception {
    long a = bits & 0xffffffffL;
    String dotted = (a >> 24) + "." + ((a >> 16) & 255) + "." + ((a >> 8) & 255) + "." + (a & 255);
    for (String s : List.of(dotted, Long.toString(a), "0x" + Long.toHexString(a), "0" + Long.toOctalString(a),
        (a >> 24) + "." + (a & 0xffffff), (a >> 24) + "." + ((a >> 16) & 255) + "." + (a & 0xffff),
        "[::ffff:" + dotted + "]")) {
      assertEquals(dotted, CanonicalHost.parse(s).value(), s);
    }
  }

  @Property
  void ipv6MatchesTheJdkAndIsIdempotent(@ForAll("ipv6") byte[] bytes) throws Exception {
    InetAddress jdk = InetAddress.getByAddress(bytes);
    CanonicalHost h = CanonicalHost.of(jdk);
    assertEquals(h, CanonicalHost.parse(h.uriHost()));
    assertEquals(jdk, h.address().getAddress().length == 16 ? h.address() : jdk);
    if (h.type() == CanonicalHost.Type.IPV6) {
      assertEquals(InetAddress.getByName(jdk.getHostAddress()), InetAddress.getByName(h.value()));
    }
  }

  @Provide
  Arbitrary<byte[]> ipv6() {
    // Few distinct group values so zero runs (and :: compression) are common.
    return Arbitraries.of(0, 0, 0, 1, 0xffff, 0xdb8, 0x2001).array(int[].class).ofSize(8).map(g -> {
      byte[] b = new byte[16];
      for (int i = 0; i < 8; i++) {
        b[2 * i] = (byte) (g[i] >> 8);
        b[2 * i + 1] = (byte) g[i];
      }
      return b;
    });
  }

  @Property
  void denyAlwaysWins(@ForAll("name") String host, @ForAll("ruleFor") List<String> allows,
      @ForAll @IntRange(min = 1, max = 65535) int port, @ForAll Mode mode) throws Exception {
    Authority target = Authority.parse(host, port);
    for (String deny : coveringRules(host, port)) {
      RuleSet rules = RuleSet.of(mode, concat(allows, coveringRules(host, port)), List.of(deny));
      assertInstanceOf(Decision.Deny.class, EgressPolicy.compile(rules).decide(target), deny);
    }
  }

  @Provide
  Arbitrary<List<String>> ruleFor() {
    return Arbitraries.oneOf(name(), name().map(n -> "*." + n), name().map(n -> "**." + n), Arbitraries.just("**"))
        .list().ofMaxSize(4);
  }

  @Property
  boolean oneLabelWildcardNeverMatchesApexOrTwoLabels(@ForAll("name") String base, @ForAll("label") String a,
      @ForAll("label") String b) throws Exception {
    EgressPolicy p = EgressPolicy.compile(RuleSet.allowing("*." + base));
    return !(p.decide(Authority.parse(base, 443)) instanceof Decision.Allow)
        && !(p.decide(Authority.parse(a + "." + b + "." + base, 443)) instanceof Decision.Allow)
        && p.decide(Authority.parse(a + "." + base, 443)) instanceof Decision.Allow;
  }

  @Property
  boolean anyDepthWildcardMatchesEveryDepthButTheApex(@ForAll("name") String base,
      @ForAll("labels") List<String> prefix) throws Exception {
    EgressPolicy p = EgressPolicy.compile(RuleSet.allowing("**." + base));
    String host = prefix.isEmpty() ? base : String.join(".", prefix) + "." + base;
    return (p.decide(Authority.parse(host, 443)) instanceof Decision.Allow) == !prefix.isEmpty();
  }

  @Property
  boolean exactRuleMatchesOnlyItself(@ForAll("name") String rule, @ForAll("name") String host) throws Exception {
    Assume.that(!rule.equals(host));
    return !(EgressPolicy.compile(RuleSet.allowing(rule)).decide(Authority.parse(host, 443)) instanceof Decision.Allow);
  }

  @Property
  boolean portScopedRulesMatchOnlyTheirPort(@ForAll("name") String host,
      @ForAll @IntRange(min = 1, max = 65535) int rulePort, @ForAll @IntRange(min = 1, max = 65535) int port)
      throws Exception {
    EgressPolicy p = EgressPolicy.compile(RuleSet.allowing(host + ":" + rulePort));
    return (p.decide(Authority.parse(host, port)) instanceof Decision.Allow) == (rulePort == port);
  }

  @Property
  boolean ruleTextRoundTrips(@ForAll("ruleFor") List<String> texts) {
    return texts.stream().map(Rule::parse).allMatch(r -> Rule.parse(r.toString()).equals(r));
  }

  @Property
  boolean wildcardsNeverMatchIpLiterals(@ForAll int bits) throws Exception {
    long a = bits & 0xffffffffL;
    String ip = (a >> 24) + "." + ((a >> 16) & 255) + "." + ((a >> 8) & 255) + "." + (a & 255);
    EgressPolicy p = EgressPolicy.compile(RuleSet.allowing("*." + "example.com", "**.in-addr.arpa"));
    return p.decide(Authority.parse(ip, 443)) instanceof Decision.Deny;
  }

  static List<String> coveringRules(String host, int port) {
    String parent = host.substring(host.indexOf('.') + 1);
    List<String> out = new java.util.ArrayList<>(List.of(host, host + ":" + port, "**", "**:" + port));
    if (parent.indexOf('.') > 0) {
      out.add("*." + parent);
      out.add("**." + parent);
    }
    return out;
  }

  static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new java.util.ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
