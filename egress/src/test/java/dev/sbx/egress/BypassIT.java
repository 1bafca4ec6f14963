package dev.sbx.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sbx.egress.api.Binding;
import dev.sbx.egress.api.EgressConfig;
import dev.sbx.egress.api.HostResolver;
import dev.sbx.egress.api.ListenAddress;
import dev.sbx.egress.api.Mode;
import dev.sbx.egress.api.RuleSet;
import dev.sbx.egress.api.SandboxId;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The bypass checklist of egress.md §6.2 against the real proxy over real loopback sockets. A
 * test resolver decides what names resolve to; a recording origin on 127.0.0.1:P is the only
 * thing any allowed request may reach; trap origins on 127.0.0.1:T and 127.0.0.2:T2 must never
 * see a connection; and an interlock makes any dial outside loopback fail (and counts it).
 */
class BypassIT {
  static RecordingUpstream origin;
  static RecordingUpstream trap;
  static RecordingUpstream trap2;
  static EgressProxy proxy;
  static int proxyPort;
  static final AtomicInteger nonLoopbackDials = new AtomicInteger();
  static final AtomicInteger rebindCalls = new AtomicInteger();
  static final Map<String, List<InetAddress>> dns = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    origin = new RecordingUpstream("127.0.0.1");
    trap = new RecordingUpstream("127.0.0.1");
    trap2 = new RecordingUpstream("127.0.0.2");
    for (String name : List.of("allowed.example.com", "a.wild.example.com", "x.deep.example.com",
        "a.b.c.deep.example.com", "ported.example.com", "api.github.com", "evil.example.com",
        "evilallowed.example.com", "wild.example.com", "a.b.wild.example.com", "deep.example.com",
        "blocked.deep.example.com", "localhost", "xn--llowed-2ve.example.com")) {
      dns.put(name, addrs("127.0.0.1"));
    }
    dns.put("loop.deep.example.com", addrs("127.0.0.2"));
    dns.put("meta.deep.example.com", addrs("169.254.169.254"));
    dns.put("ten.deep.example.com", addrs("10.0.0.1"));
    dns.put("172.deep.example.com", addrs("172.16.5.4"));
    dns.put("192.deep.example.com", addrs("192.168.1.1"));
    dns.put("cgnat.deep.example.com", addrs("100.64.0.1"));
    dns.put("zero.deep.example.com", addrs("0.0.0.0"));
    dns.put("mcast.deep.example.com", addrs("224.0.0.1"));
    dns.put("bcast.deep.example.com", addrs("255.255.255.255"));
    dns.put("v6loop.deep.example.com", addrs("::1"));
    dns.put("mapped.deep.example.com", addrs("::ffff:169.254.169.254"));
    dns.put("nat64.deep.example.com", addrs("64:ff9b::7f00:1"));
    dns.put("sixtofour.deep.example.com", addrs("2002:a9fe:a9fe::1"));
    dns.put("compat.deep.example.com", addrs("::127.0.0.1"));
    dns.put("ula.deep.example.com", addrs("fd00:ec2::254"));
    dns.put("ll6.deep.example.com", addrs("fe80::1"));
    dns.put("mixed.deep.example.com", addrs("127.0.0.1", "10.0.0.5"));
    dns.put("azure.deep.example.com", addrs("168.63.129.16"));
    HostResolver resolver = name -> {
      if (name.equals("rebind.deep.example.com")) {
        return rebindCalls.getAndIncrement() % 2 == 0 ? addrs("127.0.0.1") : addrs("127.0.0.2");
      }
      List<InetAddress> a = dns.get(name);
      if (a == null) {
        throw new UnknownHostException(name);
      }
      return a;
    };
    int p = origin.port();
    proxy = EgressProxy.start(EgressConfig.defaults().withResolver(resolver).withIoThreads(2));
    proxy.restrictDials(a -> {
      if (a.getAddress().isLoopbackAddress()) {
        return true;
      }
      nonLoopbackDials.incrementAndGet();
      return false;
    });
    SandboxId id = SandboxId.of("bypass");
    proxy.setRules(id, RuleSet.of(Mode.DENY_ALL,
        List.of("allowed.example.com", "*.wild.example.com", "**.deep.example.com", "ported.example.com:" + p,
            "api.github.com:" + p, "127.0.0.1:" + p),
        List.of("blocked.deep.example.com", "**.evil.deep.example.com")));
    Binding b = proxy.bind(id, ListenAddress.loopback(0));
    proxyPort = ((ListenAddress.Tcp) b.address()).port();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      assertEquals(0, trap.connections(), "trap origin 127.0.0.1:T was reached");
      assertEquals(0, trap2.connections(), "trap origin 127.0.0.2:T2 was reached");
      assertEquals(0, nonLoopbackDials.get(), "the proxy tried to dial outside loopback");
    } finally {
      proxy.close();
      origin.close();
      trap.close();
      trap2.close();
    }
  }

  static List<InetAddress> addrs(String... literals) {
    List<InetAddress> out = new ArrayList<>();
    for (String l : literals) {
      try {
        out.add(InetAddress.getByName(l)); // literals only: no DNS
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    }
    return out;
  }

  // ---- the cases ---------------------------------------------------------------------------

  @TestFactory
  Stream<DynamicTest> bypassChecklist() {
    List<DynamicTest> cases = new ArrayList<>();
    // IP literals and their odd spellings (no rule names them; loopback ones point at the trap).
    connect(cases, "public IPv4 literal", "1.2.3.4:443", 403);
    connect(cases, "metadata IPv4", "169.254.169.254:80", 403);
    connect(cases, "proxy itself", "127.0.0.1:{X}", 403);
    connect(cases, "unspecified", "0.0.0.0:22", 403);
    connect(cases, "metadata as decimal", "2852039166:80", 403);
    connect(cases, "metadata as hex", "0xa9.0xfe.0xa9.0xfe:80", 403);
    connect(cases, "metadata as octal", "0251.0376.0251.0376:80", 403);
    connect(cases, "metadata as a.b.c16", "169.254.43518:80", 403);
    connect(cases, "loopback short 127.1", "127.1:{T}", 403);
    connect(cases, "loopback octal", "0177.0.0.1:{T}", 403);
    connect(cases, "loopback hex short", "0x7f.1:{T}", 403);
    connect(cases, "127.0.0.2 as decimal", "2130706434:{T2}", 403);
    connect(cases, "other loopback address", "127.0.0.2:{T2}", 403);
    connect(cases, "invalid IPv4 (octet > 255)", "127.0.0.256:80", 400);
    connect(cases, "invalid octal digit", "0189.0.0.1:80", 400);
    http(cases, "absolute URI with decimal IP", "http://2130706433:{T}/", "2130706433:{T}", 403);
    // IPv6 forms.
    connect(cases, "IPv6 loopback", "[::1]:{P}", 403);
    connect(cases, "IPv6 loopback long form", "[0:0:0:0:0:0:0:1]:{P}", 403);
    connect(cases, "v4-mapped loopback", "[::ffff:127.0.0.1]:{T}", 403);
    connect(cases, "v4-mapped loopback hex", "[::ffff:7f00:1]:{T}", 403);
    connect(cases, "v4-compatible loopback", "[::127.0.0.1]:{P}", 403);
    connect(cases, "NAT64 metadata", "[64:ff9b::a9fe:a9fe]:80", 403);
    connect(cases, "6to4 metadata", "[2002:a9fe:a9fe::]:80", 403);
    connect(cases, "AWS IPv6 metadata (ULA)", "[fd00:ec2::254]:80", 403);
    connect(cases, "zone id", "[fe80::1%25eth0]:80", 400);
    connect(cases, "zone id suffix trick", "[::ffff:1.2.3.4%x.allowed.example.com]:443", 400);
    connect(cases, "unbracketed IPv6", "::1:443", 400);
    connect(cases, "bad IPv6", "[1::2::3]:443", 400);
    // Port smuggling.
    connect(cases, "userinfo in CONNECT", "allowed.example.com:443@evil.example.com:443", 400);
    connect(cases, "port then host", "evil.example.com:443.allowed.example.com:443", 400);
    connect(cases, "two ports", "allowed.example.com:{P}:80", 400);
    connect(cases, "leading zero port", "allowed.example.com:0{P}", 400);
    connect(cases, "signed port", "allowed.example.com:+{P}", 400);
    connect(cases, "port 65536", "allowed.example.com:65536", 400);
    connect(cases, "empty port", "allowed.example.com:", 400);
    connect(cases, "port 0", "allowed.example.com:0", 400);
    connect(cases, "no port", "allowed.example.com", 400);
    connect(cases, "port-scoped rule, other port", "ported.example.com:{T}", 403);
    tunnel(cases, "port-scoped rule, its port", "ported.example.com:{P}");
    // Case and dots.
    tunnel(cases, "upper case", "ALLOWED.EXAMPLE.COM:{P}");
    tunnel(cases, "one trailing dot", "allowed.example.com.:{P}");
    connect(cases, "two trailing dots", "allowed.example.com..:{P}", 400);
    connect(cases, "leading dot", ".allowed.example.com:{P}", 400);
    connect(cases, "empty label", "allowed..example.com:{P}", 400);
    // Suffix confusion and wildcard depth.
    connect(cases, "suffix without dot", "evilallowed.example.com:{P}", 403);
    connect(cases, "allowed as prefix", "allowed.example.com.evil.test:{P}", 403);
    connect(cases, "hyphen lookalike", "malicious-allowed.example.com:{P}", 403);
    connect(cases, "apex of *.", "wild.example.com:{P}", 403);
    connect(cases, "two labels under *.", "a.b.wild.example.com:{P}", 403);
    connect(cases, "apex of **.", "deep.example.com:{P}", 403);
    connect(cases, "deny beats allow", "blocked.deep.example.com:{P}", 403);
    connect(cases, "deny wildcard beats allow", "x.evil.deep.example.com:{P}", 403);
    tunnel(cases, "one label under *.", "a.wild.example.com:{P}");
    tunnel(cases, "three labels under **.", "a.b.c.deep.example.com:{P}");
    // Unicode and lookalikes (UTF-8 bytes on the wire).
    connect(cases, "fullwidth letters", "\uff41\uff4c\uff4c\uff4f\uff57\uff45\uff44.example.com:{P}", 400);
    connect(cases, "ideographic full stop", "allowed\u3002example.com:{P}", 400);
    connect(cases, "zero-width space", "allowed\u200b.example.com:{P}", 400);
    connect(cases, "Cyrillic homograph", "\u0430llowed.example.com:{P}", 400);
    http(cases, "non-ASCII Host header", "http://allowed.example.com:{P}/", "\u0430llowed.example.com:{P}", 400);
    http(cases, "Latin-1 byte in path", "http://allowed.example.com:{P}/\u00e9", "allowed.example.com:{P}", 400);
    connect(cases, "punycode homograph", "xn--llowed-2ve.example.com:{P}", 403);
    // Bad bytes and encodings.
    connect(cases, "NUL byte", "allowed.example.com\u0000.evil.test:{P}", 400);
    connect(cases, "tab", "allowed.example.com\t:{P}", 400);
    connect(cases, "percent-encoded dot", "allowed%2eexample.com:{P}", 400);
    connect(cases, "percent-encoded slash + userinfo", "evil.example.com%2f@allowed.example.com:{P}", 400);
    connect(cases, "host longer than 253", "a".repeat(60) + "." + "b".repeat(60) + "." + "c".repeat(60) + "."
        + "d".repeat(60) + ".deep.example.com:{P}", 400);
    connect(cases, "label longer than 63", "a".repeat(64) + ".deep.example.com:{P}", 400);
    raw(cases, "request line over the limit", "GET http://allowed.example.com/" + "a".repeat(9000)
        + " HTTP/1.1\r\nHost: allowed.example.com\r\n\r\n", 414);
    raw(cases, "request head over the limit", "GET http://allowed.example.com/ HTTP/1.1\r\nHost: allowed.example.com\r\n"
        + "X-Big: " + "a".repeat(40_000) + "\r\n\r\n", 431);
    // Absolute URI vs Host.
    http(cases, "Host differs from URI", "http://allowed.example.com:{P}/", "evil.example.com:{P}", 421);
    http(cases, "Host port differs", "http://allowed.example.com:{P}/", "allowed.example.com:8443", 421);
    http(cases, "Host with userinfo", "http://allowed.example.com:{P}/", "user@allowed.example.com:{P}", 400);
    raw(cases, "origin-form to the proxy", "GET / HTTP/1.1\r\nHost: allowed.example.com:{P}\r\n\r\n", 400);
    raw(cases, "two Host headers", "GET http://allowed.example.com:{P}/ HTTP/1.1\r\nHost: allowed.example.com:{P}\r\n"
        + "Host: evil.example.com:{P}\r\n\r\n", 400);
    raw(cases, "HTTP/1.1 without Host", "GET http://allowed.example.com:{P}/ HTTP/1.1\r\n\r\n", 400);
    http(cases, "userinfo with two @", "http://user:pass@allowed.example.com@evil.example.com:{P}/", "evil.example.com:{P}", 400);
    http(cases, "fragment hides real host", "http://evil.example.com:{P}#@allowed.example.com/", "evil.example.com:{P}", 403);
    http(cases, "backslash authority", "http://allowed.example.com:{P}\\@evil.example.com/", "allowed.example.com:{P}", 400);
    http(cases, "https absolute-form", "https://allowed.example.com:{P}/", "allowed.example.com:{P}", 400);
    reach(cases, "allowed absolute-form", "http://allowed.example.com:{P}/x?secret=1", "allowed.example.com:{P}");
    reach(cases, "trailing-dot host rewritten", "http://allowed.example.com.:{P}/", "allowed.example.com:{P}");
    // Keep-alive: every request on a connection is decided on its own.
    cases.add(DynamicTest.dynamicTest("keep-alive: allowed, denied, allowed", () -> {
      int before = origin.requests().size();
      try (ProxyConnection c = new ProxyConnection(proxyPort)) {
        assertEquals(200, c.send(get("http://allowed.example.com:{P}/1", "allowed.example.com:{P}")).read().status());
        assertEquals(403, c.send(get("http://evil.example.com:{P}/2", "evil.example.com:{P}")).read().status());
        assertEquals(200, c.send(get("http://allowed.example.com:{P}/3", "allowed.example.com:{P}")).read().status());
      }
      List<RecordingUpstream.Request> got = origin.requests().subList(before, origin.requests().size());
      assertEquals(2, got.size(), got.toString());
      assertTrue(got.stream().allMatch(r -> r.host().equals(sub("allowed.example.com:{P}"))), got.toString());
    }));
    cases.add(DynamicTest.dynamicTest("keep-alive: host switch to another allowed host rewrites Host", () -> {
      int before = origin.requests().size();
      try (ProxyConnection c = new ProxyConnection(proxyPort)) {
        assertEquals(200, c.send(get("http://allowed.example.com:{P}/1", "allowed.example.com:{P}")).read().status());
        assertEquals(200, c.send(get("http://a.wild.example.com:{P}/2", "a.wild.example.com:{P}")).read().status());
      }
      List<RecordingUpstream.Request> got = origin.requests().subList(before, origin.requests().size());
      assertEquals(List.of(sub("allowed.example.com:{P}"), sub("a.wild.example.com:{P}")),
          got.stream().map(RecordingUpstream.Request::host).toList());
    }));
    cases.add(DynamicTest.dynamicTest("pipelined: allowed then denied in one write", () -> {
      int before = origin.requests().size();
      try (ProxyConnection c = new ProxyConnection(proxyPort)) {
        c.send(get("http://allowed.example.com:{P}/1", "allowed.example.com:{P}")
            + get("http://evil.example.com:{P}/2", "evil.example.com:{P}"));
        assertEquals(200, c.read().status());
        assertEquals(403, c.read().status());
      }
      assertEquals(1, origin.requests().size() - before);
    }));
    // Request smuggling.
    raw(cases, "CL and TE together", "POST http://allowed.example.com:{P}/ HTTP/1.1\r\nHost: allowed.example.com:{P}\r\n"
        + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400);
    raw(cases, "two different Content-Lengths", "POST http://allowed.example.com:{P}/ HTTP/1.1\r\nHost: allowed.example.com:{P}\r\n"
        + "Content-Length: 4\r\nContent-Length: 5\r\n\r\nabcde", 400);
    raw(cases, "two equal Content-Lengths", "POST http://allowed.example.com:{P}/ HTTP/1.1\r\nHost: allowed.example.com:{P}\r\n"
        + "Content-Length: 4\r\nContent-Length: 4\r\n\r\nabcd", 400);
    raw(cases, "Transfer-Encoding xchunked", "POST http://allowed.example.com:{P}/ HTTP/1.1\r\nHost: allowed.example.com:{P}\r\n"
        + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n", 400);
    raw(cases, "Transfer-Encoding chunked, identity", "POST http://allowed.example.com:{P}/ HTTP/1.1\r\nHost: allowed.example.com:{P}\r\n"
        + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n", 400);
    raw(cases, "obs-fold continues Host", "GET http://allowed.example.com:{P}/ HTTP/1.1\r\nHost: allowed.example.com:{P}\r\n"
        + " evil.example.com\r\n\r\n", 400);
    raw(cases, "obs-fold continues Transfer-Encoding", "POST http://allowed.example.com:{P}/ HTTP/1.1\r\nHost: allowed.example.com:{P}\r\n"
        + "Transfer-Encoding: chunked\r\n identity\r\n\r\n0\r\n\r\n", 400);
    raw(cases, "bare LF line endings", "GET http://allowed.example.com:{P}/ HTTP/1.1\nHost: allowed.example.com:{P}\n\n", 400);
    raw(cases, "space before colon", "GET http://allowed.example.com:{P}/ HTTP/1.1\r\nHost : evil.example.com\r\n\r\n", 400);
    cases.add(DynamicTest.dynamicTest("request hidden in a body stays body", () -> {
      int before = origin.requests().size();
      String inner = get("http://evil.example.com:{P}/", "evil.example.com:{P}");
      try (ProxyConnection c = new ProxyConnection(proxyPort)) {
        c.send("POST http://allowed.example.com:{P}/ HTTP/1.1\r\nHost: allowed.example.com:{P}\r\nContent-Length: "
            .replace("{P}", "" + origin.port()) + inner.length() + "\r\n\r\n" + inner);
        assertEquals(200, c.read().status());
      }
      List<RecordingUpstream.Request> got = origin.requests().subList(before, origin.requests().size());
      assertEquals(1, got.size());
      assertEquals(inner.length(), got.get(0).bodyLength());
    }));
    cases.add(DynamicTest.dynamicTest("denied CONNECT with pipelined payload", () -> {
      try (ProxyConnection c = new ProxyConnection(proxyPort)) {
        c.send(sub("CONNECT evil.example.com:{P} HTTP/1.1\r\nHost: evil.example.com:{P}\r\n\r\n"
            + get("http://evil.example.com:{P}/", "evil.example.com:{P}")));
        assertEquals(403, c.read(true).status());
        assertTrue(c.closedByPeer());
      }
    }));
    cases.add(DynamicTest.dynamicTest("allowed CONNECT with pipelined payload replays it", () -> {
      int before = origin.requests().size();
      try (ProxyConnection c = new ProxyConnection(proxyPort)) {
        c.send(sub("CONNECT allowed.example.com:{P} HTTP/1.1\r\n\r\n" + get("http://allowed.example.com:{P}/early", "allowed.example.com:{P}")));
        assertEquals(200, c.read(true).status());
        assertEquals(200, c.read().status());
      }
      assertEquals(1, origin.requests().size() - before);
    }));
    // DNS answers pointing into refused space.
    for (String name : List.of("loop", "meta", "ten", "172", "192", "cgnat", "zero", "mcast", "bcast", "v6loop",
        "mapped", "nat64", "sixtofour", "compat", "ula", "ll6", "mixed", "azure")) {
      connect(cases, "DNS answer: " + name, name + ".deep.example.com:{T2}", 403);
    }
    http(cases, "DNS answer metadata over plain HTTP", "http://meta.deep.example.com/latest/meta-data/", "meta.deep.example.com", 403);
    http(cases, "DNS answer loopback over plain HTTP", "http://loop.deep.example.com:{T2}/", "loop.deep.example.com:{T2}", 403);
    connect(cases, "unresolvable name", "nx.deep.example.com:{P}", 502);
    connect(cases, "localhost by name", "localhost:{T}", 403);
    cases.add(DynamicTest.dynamicTest("DNS rebinding: each request resolves once, dials what it checked", () -> {
      int statusA;
      int statusB;
      try (ProxyConnection c = new ProxyConnection(proxyPort)) {
        statusA = c.send(get("http://rebind.deep.example.com:{P}/1", "rebind.deep.example.com:{P}")).read().status();
      }
      try (ProxyConnection c = new ProxyConnection(proxyPort)) {
        statusB = c.send(get("http://rebind.deep.example.com:{P}/2", "rebind.deep.example.com:{P}")).read().status();
      }
      assertEquals(List.of(200, 403), Stream.of(statusA, statusB).sorted().toList());
    }));
    return cases.stream();
  }

  // ---- case builders -------------------------------------------------------------------------

  static String sub(String s) {
    return s.replace("{P}", "" + origin.port()).replace("{T2}", "" + trap2.port())
        .replace("{T}", "" + trap.port()).replace("{X}", "" + proxyPort);
  }

  static String get(String url, String host) {
    return sub("GET " + url + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
  }

  /** A CONNECT that must be answered with {@code status} and reach nothing. */
  static void connect(List<DynamicTest> cases, String name, String target, int status) {
    raw(cases, name, "CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n", status);
  }

  static void http(List<DynamicTest> cases, String name, String url, String host, int status) {
    raw(cases, name, "GET " + url + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n", status);
  }

  static void raw(List<DynamicTest> cases, String name, String request, int status) {
    cases.add(DynamicTest.dynamicTest(name, () -> {
      int before = origin.connections();
      ProxyConnection.Response r;
      try (ProxyConnection c = new ProxyConnection(proxyPort)) {
        r = c.send(sub(request)).read(true);
      }
      assertEquals(status, r.status(), name + ": " + r.body());
      assertEquals(before, origin.connections(), name + ": reached the origin");
      if (status == 403) {
        assertTrue(r.body().startsWith("Blocked by network policy: domain "), r.body());
        assertTrue(r.body().contains("\nrule: ") && r.body().contains("\ndetail: "), r.body());
      }
    }));
  }

  /** An absolute-form GET that must reach the origin with Host {@code host}. */
  static void reach(List<DynamicTest> cases, String name, String url, String host) {
    cases.add(DynamicTest.dynamicTest(name, () -> {
      int before = origin.requests().size();
      ProxyConnection.Response r;
      try (ProxyConnection c = new ProxyConnection(proxyPort)) {
        r = c.send(get(url, host)).read();
      }
      assertEquals(200, r.status(), r.body());
      List<RecordingUpstream.Request> got = origin.requests().subList(before, origin.requests().size());
      assertEquals(1, got.size());
      assertEquals(sub(host), got.get(0).host());
    }));
  }

  /** A CONNECT that must open a tunnel to the origin; a request through it must arrive. */
  static void tunnel(List<DynamicTest> cases, String name, String target) {
    cases.add(DynamicTest.dynamicTest(name, () -> {
      int before = origin.requests().size();
      try (ProxyConnection c = new ProxyConnection(proxyPort)) {
        ProxyConnection.Response r = c.send(sub("CONNECT " + target + " HTTP/1.1\r\n\r\n")).read(true);
        assertEquals(200, r.status(), r.body());
        assertEquals(200, c.send(get("/inner", "tunnelled")).read().status());
      }
      assertEquals(1, origin.requests().size() - before);
    }));
  }
}
