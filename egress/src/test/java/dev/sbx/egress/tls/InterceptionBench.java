package dev.sbx.egress.tls;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLContext;

/**
 * Benchmark harness for bench/interception.sh (not a test): the cost of credential injection
 * against an opaque CONNECT tunnel, both through the real egress proxy on loopback, the same
 * upstream (Netty HTTPS, its own CA) and the same blocking JDK TLS clients.
 *
 * <p>Usage: {@code InterceptionBench [SECONDS_PER_THROUGHPUT_RUN] [CLIENT_THREADS]}
 */
public final class InterceptionBench {

  static final int CONNECTIONS = 100;
  static final int KEEPALIVE_REQUESTS = 2000;

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    Path tmp = Files.createTempDirectory("sbx-interception-bench");
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    try (TestUpstream upstream = new TestUpstream(group, tmp.resolve("up"), List.of("*.bench.test", "bench.test"))) {
      CertificateAuthority ca = CertificateAuthority.loadOrCreate(tmp.resolve("ca"));
      InjectedSecret token = InjectedSecret.ofUtf8("sk-bench-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
      CredentialResolver resolver = (sandbox, host, port) -> host.startsWith("i")
          ? List.of(new Injection.SetHeader("bench", "x-api-key", "%s", token, false)) : List.of();
      LeafCache leaves = new LeafCache(ca);
      TlsInterceptor interceptor = new TlsInterceptor(leaves, UpstreamTls.trusting(List.of(upstream.ca.certificate())),
          resolver, InterceptionListener.NONE);
      try (LoopbackProxy front = new LoopbackProxy("bench", interceptor, "127.0.0.1:" + upstream.port(),
          "**.bench.test")) {
        SSLContext client = TunnelClient.trusting(List.of(ca.certificate(), upstream.ca.certificate()));
        Bench b = new Bench(front.port(), upstream.port(), client);

        // Warm-up: JIT, both paths, the warm host's leaf.
        for (int i = 0; i < 100; i++) {
          b.newConnection("o0.bench.test");
          b.newConnection("i0.bench.test");
        }
        b.keepAlive("o0.bench.test", 500);
        b.keepAlive("i0.bench.test", 500);

        System.out.println("| measurement | opaque tunnel | intercepted | added by interception |");
        System.out.println("|---|---|---|---|");
        double[] opaqueNew = b.newConnections(n -> "o0.bench.test");
        double[] warmNew = b.newConnections(n -> "i0.bench.test");
        double[] coldNew = b.newConnections(n -> "i" + (1000 + n) + ".bench.test");
        row("new tunnel + TLS + 1 request, leaf cache warm (p50 / p90 ms)", opaqueNew, warmNew);
        row("new tunnel + TLS + 1 request, first contact: leaf minted (p50 / p90 ms)", opaqueNew, coldNew);
        double[] opaqueReq = b.keepAlive("o0.bench.test", KEEPALIVE_REQUESTS);
        double[] interReq = b.keepAlive("i0.bench.test", KEEPALIVE_REQUESTS);
        row("request on an open keep-alive tunnel (p50 / p90 ms)", opaqueReq, interReq);
        double opaqueRps = b.throughput("o0.bench.test", threads, seconds);
        double interRps = b.throughput("i0.bench.test", threads, seconds);
        System.out.printf("| requests/s, %d keep-alive clients, %d s each | %.0f | %.0f | %.0f %% of opaque |%n",
            threads, seconds, opaqueRps, interRps, 100 * interRps / opaqueRps);
        LeafCache fresh = new LeafCache(ca);
        long t0 = System.nanoTime();
        for (int i = 0; i < 500; i++) {
          fresh.serverContext("m" + i + ".bench.test");
        }
        System.out.printf("%nleaf mint + server TLS context (no handshake): %.2f ms per new host (mean of 500)%n",
            (System.nanoTime() - t0) / 500 / 1e6);
      }
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  static void row(String what, double[] opaque, double[] intercepted) {
    System.out.printf("| %s | %.2f / %.2f | %.2f / %.2f | %+.2f / %+.2f |%n", what, p(opaque, 50), p(opaque, 90),
        p(intercepted, 50), p(intercepted, 90), p(intercepted, 50) - p(opaque, 50), p(intercepted, 90) - p(opaque, 90));
  }

  static double p(double[] sorted, int pct) {
    return sorted[Math.min(sorted.length - 1, sorted.length * pct / 100)];
  }

  /** The client side: blocking JDK TLS sockets through the CONNECT front. */
  record Bench(int proxyPort, int upstreamPort, SSLContext client) {

    TunnelClient.Response newConnection(String host) throws Exception {
      try (TunnelClient c = TunnelClient.open(proxyPort, host + ":" + upstreamPort, host, client)) {
        return c.send("GET", "/", Map.of("Host", host + ":" + upstreamPort, "x-api-key", "proxy-managed"));
      }
    }

    double[] newConnections(java.util.function.IntFunction<String> host) throws Exception {
      double[] ms = new double[CONNECTIONS];
      for (int i = 0; i < CONNECTIONS; i++) {
        long t0 = System.nanoTime();
        check(newConnection(host.apply(i)));
        ms[i] = (System.nanoTime() - t0) / 1e6;
      }
      Arrays.sort(ms);
      return ms;
    }

    double[] keepAlive(String host, int n) throws Exception {
      double[] ms = new double[n];
      try (TunnelClient c = TunnelClient.open(proxyPort, host + ":" + upstreamPort, host, client)) {
        Map<String, String> headers = Map.of("Host", host + ":" + upstreamPort, "x-api-key", "proxy-managed");
        for (int i = 0; i < n; i++) {
          long t0 = System.nanoTime();
          check(c.send("GET", "/", headers));
          ms[i] = (System.nanoTime() - t0) / 1e6;
        }
      }
      Arrays.sort(ms);
      return ms;
    }

    double throughput(String host, int threads, int seconds) throws Exception {
      LongAdder done = new LongAdder();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      List<Thread> workers = new ArrayList<>();
      List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
      for (int t = 0; t < threads; t++) {
        Thread w = new Thread(() -> {
          try (TunnelClient c = TunnelClient.open(proxyPort, host + ":" + upstreamPort, host, client)) {
            Map<String, String> headers = Map.of("Host", host + ":" + upstreamPort, "x-api-key", "proxy-managed");
            while (System.nanoTime() < end) {
              check(c.send("GET", "/", headers));
              done.increment();
            }
          } catch (Exception e) {
            errors.add(e);
          }
        });
        w.start();
        workers.add(w);
      }
      for (Thread w : workers) {
        w.join();
      }
      if (!errors.isEmpty()) {
        throw new IllegalStateException("benchmark client failed", errors.get(0));
      }
      return done.sum() / (double) seconds;
    }

    static void check(TunnelClient.Response r) {
      if (r.status() != 200) {
        throw new IllegalStateException("status " + r.status());
      }
    }
  }
}
