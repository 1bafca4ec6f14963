package dev.sbx.reconciler.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * The remote API: the same handler as the unix socket, on TCP with TLS, behind {@link RemoteAuth}.
 * The same small HTTP/1.1 codec as {@link ApiServer} (one request per connection, JSON), on JDK
 * {@code SSLServerSocket}s. Bounded: at most {@link #WORKERS} requests at once plus a short queue
 * (more connections are closed at once), and a read timeout so a silent client cannot hold a
 * worker. Each request is logged as one line with the peer, route, status and token name; never a
 * header, never a token.
 */
final class RemoteApiServer implements AutoCloseable {
  static final int WORKERS = 8;
  private static final int QUEUE = 32;
  private static final int READ_TIMEOUT_MS = 30_000;

  private final SSLServerSocket server;
  private final ThreadPoolExecutor workers;
  private final Thread acceptor;
  private final RemoteAuth auth;
  private final ApiServer.Handler handler;
  private final PrintStream log;

  RemoteApiServer(InetSocketAddress bind, ServerCertificate identity, RemoteAuth auth, ApiServer.Handler handler,
      PrintStream log) throws IOException {
    this.auth = auth;
    this.handler = handler;
    this.log = log;
    server = (SSLServerSocket) ApiTls.server(identity).getServerSocketFactory().createServerSocket();
    server.setEnabledProtocols(ApiTls.PROTOCOLS);
    server.setReuseAddress(true);
    server.bind(bind, 64);
    workers = new ThreadPoolExecutor(WORKERS, WORKERS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
      Thread t = new Thread(r, "sbx-remote-api");
      t.setDaemon(true);
      return t;
    });
    workers.allowCoreThreadTimeOut(true);
    acceptor = new Thread(this::acceptLoop, "sbx-remote-api-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Where it listens (the real port when bound to port 0). */
  InetSocketAddress address() {
    return (InetSocketAddress) server.getLocalSocketAddress();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      try {
        workers.execute(() -> serve((SSLSocket) client));
      } catch (java.util.concurrent.RejectedExecutionException busy) {
        closeQuietly(client);
      }
    }
  }

  private void serve(SSLSocket client) {
    String peer = String.valueOf(client.getRemoteSocketAddress());
    try (client; InputStream in = client.getInputStream(); OutputStream out = client.getOutputStream()) {
      client.setSoTimeout(READ_TIMEOUT_MS);
      ApiServer.Request request;
      try {
        request = ApiServer.read(in);
      } catch (ApiServer.Refused r) {
        ApiServer.write(out, r.response, Map.of());
        line(peer, "-", r.response.status(), "refused");
        return;
      }
      String route = request.method() + " " + pathOnly(request.path());
      RemoteAuth.Decision decision = auth.decide(request.method(), request.path(), request.header("authorization"));
      if (decision instanceof RemoteAuth.Decision.Denied denied) {
        ApiServer.Response answer = new ApiServer.Response(denied.status(),
            "{\"error\":" + ApiServer.quote(denied.reason()) + "}");
        ApiServer.write(out, answer, denied.status() == 401 ? Map.of("WWW-Authenticate", "Bearer realm=\"sbx\"") : Map.of());
        line(peer, route, denied.status(), denied.reason());
        return;
      }
      var refusal = RemoteAuth.localOnly(request.method(), request.path(), request.body());
      if (refusal.isPresent()) {
        ApiServer.write(out, new ApiServer.Response(400, "{\"error\":" + ApiServer.quote(refusal.get()) + "}"), Map.of());
        line(peer, route, 400, refusal.get());
        return;
      }
      var upgrade = handler.upgrade(request);
      if (upgrade.isPresent()) {
        client.setSoTimeout(0); // an interactive session may sit idle for hours; it ends with its command
        line(peer, route, 101, (decision instanceof RemoteAuth.Decision.Allowed a ? "token " + a.tokenName() : "exempt")
            + ", exec stream requested");
        upgrade.get().serve(in, out);
        return;
      }
      ApiServer.Response answer = ApiServer.dispatch(handler, request);
      ApiServer.write(out, answer, Map.of());
      line(peer, route, answer.status(), decision instanceof RemoteAuth.Decision.Allowed a
          ? "token " + a.tokenName() : "webhook (signature checked by the route)");
    } catch (SocketException | javax.net.ssl.SSLException e) {
      line(peer, "-", 0, "TLS or connection failure: " + e.getMessage());
    } catch (IOException | RuntimeException e) {
      // the client went away or sent garbage; nothing to answer
    }
  }

  /** The path without its query string, which could carry anything a client put there. */
  static String pathOnly(String path) {
    int q = path.indexOf('?');
    return q < 0 ? path : path.substring(0, q);
  }

  private void line(String peer, String route, int status, String detail) {
    synchronized (log) {
      log.println(Instant.now() + " remote " + peer + " " + route + " -> " + (status == 0 ? "closed" : status) + " (" + detail + ")");
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // best effort
    }
    workers.shutdown();
    try {
      workers.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
