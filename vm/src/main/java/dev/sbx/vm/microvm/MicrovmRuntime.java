package dev.sbx.vm.microvm;

import dev.sbx.vm.agent.AgentConnection;
import dev.sbx.vm.agent.GuestHello;
import dev.sbx.vm.agent.TunnelOpener;
import dev.sbx.vm.api.EgressEndpoint;
import dev.sbx.vm.api.ExecOutput;
import dev.sbx.vm.api.ExecProcess;
import dev.sbx.vm.api.ExecRequest;
import dev.sbx.vm.api.Mount;
import dev.sbx.vm.api.SandboxException;
import dev.sbx.vm.api.SandboxException.Kind;
import dev.sbx.vm.api.SandboxInfo;
import dev.sbx.vm.api.SandboxRuntime;
import dev.sbx.vm.api.SandboxSpec;
import dev.sbx.vm.api.SandboxState;
import dev.sbx.vm.host.SbxDirs;
import dev.sbx.vm.qemu.AccelDetector;
import dev.sbx.vm.qemu.Processes;
import dev.sbx.vm.qemu.QmpClient;
import dev.sbx.vm.qemu.VmLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

/**
 * The {@code qemu-microvm} driver: one QEMU {@code -M microvm} process per sandbox, started and
 * supervised by sbx, controlled over QMP, with the guest agent on a virtio-serial channel.
 * State lives in one directory per sandbox under {@link SbxDirs#state()}; {@link #list()}
 * checks each recorded pid against /proc, so it reports what really runs.
 *
 * <p>A runtime instance keeps one agent connection per running sandbox (exec streams and the
 * egress tunnel ride on it). Another process can use a sandbox only when no connection is held.
 */
public final class MicrovmRuntime implements SandboxRuntime {
  public static final String DRIVER = "qemu-microvm";
  /** sun_path holds 108 bytes including the terminating NUL. */
  static final int MAX_SOCKET_PATH = 107;

  /**
   * @param bootTimeout how long one boot may take to reach a ready agent
   * @param bootAttempts boots tried before giving up (TCG boots can hang)
   * @param diskMib size of each sandbox's sparse writable disk
   */
  public record Options(SbxDirs dirs, Map<String, String> env, String qemu, String virtiofsd, Duration bootTimeout,
      int bootAttempts, long diskMib) {
    public Options {
      env = Map.copyOf(env);
    }

    public static Options fromEnvironment() {
      Map<String, String> env = System.getenv();
      return new Options(SbxDirs.fromEnvironment(env), env, env.getOrDefault("SBX_QEMU", "qemu-system-x86_64"),
          env.getOrDefault("SBX_VIRTIOFSD", VirtiofsDaemon.DEFAULT_BINARY), Duration.ofSeconds(60), 3, 4096);
    }

    public Options withDirs(SbxDirs newDirs) {
      return new Options(newDirs, env, qemu, virtiofsd, bootTimeout, bootAttempts, diskMib);
    }

    public Options withBoot(Duration timeout, int attempts) {
      return new Options(dirs, env, qemu, virtiofsd, timeout, attempts, diskMib);
    }
  }

  private final Options options;
  private final SandboxStore store;
  private final GuestImages images;
  private final AccelDetector accelDetector;
  private final Map<String, AgentConnection> connections = new ConcurrentHashMap<>();
  private final Map<String, Object> locks = new ConcurrentHashMap<>();
  private volatile AccelDetector.Verdict verdict;

  public MicrovmRuntime(Options options) {
    this.options = options;
    this.store = new SandboxStore(options.dirs().state());
    this.images = new GuestImages(options.dirs().cache(), options.env());
    this.accelDetector = new AccelDetector(options.dirs().cache(), options.qemu(), options.env().get("SBX_ACCEL"));
  }

  @Override
  public String driver() {
    return DRIVER;
  }

  /** The accel verdict used for boots (probing once if needed). */
  public AccelDetector.Verdict accel() {
    if (verdict == null) {
      verdict = accelDetector.resolve(images.image());
    }
    return verdict;
  }

  @Override
  public SandboxInfo create(SandboxSpec spec) {
    synchronized (lock(spec.name())) {
      try (var hostLock = SandboxLock.acquire(store.root(), spec.name())) {
        return createLocked(spec);
      }
    }
  }

  private SandboxInfo createLocked(SandboxSpec spec) {
    String longest = store.layout(spec.name()).agentSocket().toString();
    if (longest.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
      throw new SandboxException(Kind.INVALID, spec.name(), "socket path " + longest + " is longer than "
          + MAX_SOCKET_PATH + " bytes (a unix socket limit); use a shorter name or set SBX_STATE_DIR to a shorter directory");
    }
    if (store.exists(spec.name())) {
      throw new SandboxException(Kind.ALREADY_EXISTS, spec.name(), "already exists; remove it first (`sbx rm`)");
    }
    for (Mount m : spec.shares()) {
      if (!Files.isDirectory(m.hostPath())) {
        throw new SandboxException(Kind.INVALID, spec.name(), "shared directory " + m.hostPath() + " does not exist");
      }
    }
    try {
      store.createDir(spec.name());
      VmLayout layout = store.layout(spec.name());
      GuestDisk.create(layout.disk(), options.diskMib());
      store.writeRecord(spec.name(), VmRecord.STOPPED);
      store.writeSpec(spec);
    } catch (IOException | RuntimeException e) {
      try {
        store.delete(spec.name());
      } catch (IOException ignored) {
        // reporting the first failure
      }
      if (e instanceof SandboxException se) {
        throw se;
      }
      throw new SandboxException(Kind.IO, spec.name(), "cannot create: " + e.getMessage(), e);
    }
    return info(spec.name()).orElseThrow();
  }

  @Override
  public SandboxInfo start(String name) {
    synchronized (lock(name)) {
      try (var hostLock = SandboxLock.acquire(store.root(), name)) {
        return startLocked(name);
      }
    }
  }

  private SandboxInfo startLocked(String name) {
    SandboxSpec spec = store.readSpec(name).orElseThrow(() -> SandboxException.notFound(name));
    VmLayout layout = store.layout(name);
    VmRecord record = store.readRecord(name);
    if (running(record, layout)) {
      if (record.ready()) {
        connection(name);
        return info(name).orElseThrow();
      }
      hardStop(name, layout, record);
    } else {
      cleanup(layout, record);
    }
    boot(spec, layout);
    return info(name).orElseThrow();
  }

  private void boot(SandboxSpec spec, VmLayout layout) {
    var image = images.image();
    var accel = accel();
    var errors = new ArrayList<String>();
    for (int attempt = 1; attempt <= options.bootAttempts(); attempt++) {
      var launch = new VmLauncher(options, image, accel.accel(), spec, layout);
      AgentConnection connection = null;
      try {
        launch.start();
        store.writeRecord(spec.name(), new VmRecord(launch.qemuPid(), launch.helperPids(), accel.accel().name(), "",
            false, false, java.time.Instant.now().toString(), List.of()));
        connection = connectAgent(spec, layout, options.bootTimeout(), launch);
        GuestHello hello = awaitBoot(connection, layout, launch, options.bootTimeout());
        connection.ping(Duration.ofSeconds(20));
        List<String> failures = hello.ready() ? List.of()
            : new GuestSetup(connection, spec, layout.startupLog()).apply();
        store.writeRecord(spec.name(), store.readRecord(spec.name()).withReady(hello.bootId(), failures));
        connections.put(spec.name(), connection);
        return;
      } catch (SandboxException e) {
        closeQuietly(connection);
        launch.kill();
        if (!e.retryable()) {
          markStopped(spec.name());
          throw e;
        }
        errors.add("attempt " + attempt + ": " + e.getMessage());
      } catch (IOException | TimeoutException | RuntimeException e) {
        closeQuietly(connection);
        launch.kill();
        errors.add("attempt " + attempt + ": " + e.getMessage());
      } catch (InterruptedException e) {
        closeQuietly(connection);
        launch.kill();
        Thread.currentThread().interrupt();
        markStopped(spec.name());
        throw new SandboxException(Kind.IO, spec.name(), "interrupted while booting", e);
      }
      keepConsole(layout, attempt);
    }
    markStopped(spec.name());
    throw new SandboxException(Kind.BOOT_FAILED, spec.name(), "guest agent not ready after " + options.bootAttempts()
        + " boots (" + String.join("; ", errors) + "); console logs in " + layout.dir());
  }

  private static void keepConsole(VmLayout layout, int attempt) {
    try {
      if (Files.exists(layout.console())) {
        Files.move(layout.console(), layout.dir().resolve("console.failed-" + attempt + ".log"),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException ignored) {
      // diagnostics only
    }
  }

  private void markStopped(String name) {
    try {
      store.writeRecord(name, VmRecord.STOPPED);
    } catch (IOException ignored) {
      // list() falls back to the process table
    }
  }

  /** Connects to the agent channel socket, waiting for QEMU to create it. */
  private AgentConnection connectAgent(SandboxSpec spec, VmLayout layout, Duration timeout, VmLauncher launch)
      throws IOException, InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (launch != null && !launch.qemuAlive()) {
        throw new IOException("QEMU exited during boot: " + tail(layout.qemuLog()));
      }
      try {
        SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(layout.agentSocket()));
        return AgentConnection.start(channel, tunnelOpener(spec), line -> appendLine(layout.agentLog(), line));
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw new TimeoutException("agent socket " + layout.agentSocket() + " not connectable: " + e.getMessage());
        }
        Thread.sleep(20);
      }
    }
  }

  /**
   * The boot watchdog: waits for the guest HELLO in one-second slices, giving up early when QEMU
   * exited or the guest kernel panicked (the console says so), else at the deadline.
   */
  private static GuestHello awaitBoot(AgentConnection connection, VmLayout layout, VmLauncher launch, Duration timeout)
      throws IOException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        return connection.handshake(Duration.ofSeconds(1));
      } catch (TimeoutException slice) {
        if (!launch.qemuAlive()) {
          throw new IOException("QEMU exited during boot: " + tail(layout.qemuLog()));
        }
        if (tail(layout.console()).contains("Kernel panic")) {
          throw new IOException("guest kernel panicked: " + tail(layout.console()));
        }
        if (System.nanoTime() > deadline) {
          throw new TimeoutException("no guest agent HELLO within " + timeout.toSeconds() + " s");
        }
      }
    }
  }

  static TunnelOpener tunnelOpener(SandboxSpec spec) {
    EgressEndpoint egress = spec.egress();
    if (egress == null) {
      return null;
    }
    if (egress instanceof EgressEndpoint.UnixSocket u) {
      return () -> SocketChannel.open(UnixDomainSocketAddress.of(u.path()));
    }
    var tcp = (EgressEndpoint.Tcp) egress;
    return () -> SocketChannel.open(new InetSocketAddress(tcp.host(), tcp.port()));
  }

  /** This runtime's live connection to a running, ready sandbox, connecting if needed. */
  private AgentConnection connection(String name) {
    AgentConnection existing = connections.get(name);
    if (existing != null && existing.isOpen()) {
      return existing;
    }
    synchronized (lock(name)) {
      existing = connections.get(name);
      if (existing != null && existing.isOpen()) {
        return existing;
      }
      SandboxSpec spec = store.readSpec(name).orElseThrow(() -> SandboxException.notFound(name));
      VmLayout layout = store.layout(name);
      VmRecord record = store.readRecord(name);
      if (!running(record, layout)) {
        throw new SandboxException(Kind.INVALID, name, "is not running (start it first)");
      }
      AgentConnection connection = null;
      try {
        connection = connectAgent(spec, layout, Duration.ofSeconds(5), null);
        GuestHello hello = connection.handshake(Duration.ofSeconds(15), Duration.ofSeconds(1));
        if (!hello.ready()) {
          List<String> failures = new GuestSetup(connection, spec, layout.startupLog()).apply();
          store.writeRecord(name, record.withReady(hello.bootId(), failures));
        }
        connections.put(name, connection);
        return connection;
      } catch (TimeoutException e) {
        closeQuietly(connection);
        throw new SandboxException(Kind.IO, name, "guest agent did not answer (is another sbx process attached?): "
            + e.getMessage(), e);
      } catch (IOException e) {
        closeQuietly(connection);
        throw new SandboxException(Kind.IO, name, "cannot reach the guest agent: " + e.getMessage(), e);
      } catch (InterruptedException e) {
        closeQuietly(connection);
        Thread.currentThread().interrupt();
        throw new SandboxException(Kind.IO, name, "interrupted", e);
      }
    }
  }

  @Override
  public ExecProcess exec(String name, ExecRequest request, ExecOutput output) {
    try {
      return connection(name).exec(request, output);
    } catch (IOException e) {
      connections.remove(name);
      throw new SandboxException(Kind.IO, name, "exec failed: " + e.getMessage(), e);
    }
  }

  /** How long the guest agent may take to connect a published port's stream. */
  private static final Duration PORT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  @Override
  public void connectGuestPort(String name, int guestPort, SocketChannel client) {
    AgentConnection connection;
    try {
      connection = connection(name);
    } catch (SandboxException e) {
      closeQuietly(client);
      throw e;
    }
    try {
      connection.openPort(guestPort, client, PORT_CONNECT_TIMEOUT);
    } catch (dev.sbx.vm.agent.GuestRefusedException e) {
      throw new SandboxException(Kind.GUEST_FAILED, name, e.getMessage(), e);
    } catch (IOException e) {
      throw new SandboxException(Kind.IO, name, "port " + guestPort + ": " + e.getMessage(), e);
    } catch (TimeoutException e) {
      throw new SandboxException(Kind.IO, name, "port " + guestPort + ": " + e.getMessage(), e);
    }
  }

  private static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // refusing anyway
    }
  }

  @Override
  public void stop(String name) {
    synchronized (lock(name)) {
      try (var hostLock = SandboxLock.acquire(store.root(), name)) {
        stopLocked(name);
      }
    }
  }

  private void stopLocked(String name) {
    if (!store.exists(name)) {
      throw SandboxException.notFound(name);
    }
    VmLayout layout = store.layout(name);
    VmRecord record = store.readRecord(name);
    if (running(record, layout)) {
      try {
        store.writeRecord(name, record.stopping());
      } catch (IOException e) {
        throw new SandboxException(Kind.IO, name, "cannot record the stop", e);
      }
      gracefulStop(name, layout, record);
    }
    cleanup(layout, record);
    markStopped(name);
  }

  /** Agent SHUTDOWN (sync, unmount, power off) → QMP quit → SIGKILL, each with a deadline. */
  private void gracefulStop(String name, VmLayout layout, VmRecord record) {
    String marker = layout.processMarker();
    try {
      AgentConnection connection = connections.remove(name);
      if (connection == null || !connection.isOpen()) {
        try {
          connection = connectAgent(store.readSpec(name).orElseThrow(), layout, Duration.ofSeconds(3), null);
          connection.handshake(Duration.ofSeconds(5), Duration.ofSeconds(1));
        } catch (IOException | TimeoutException e) {
          closeQuietly(connection);
          connection = null;
        }
      }
      if (connection != null) {
        try {
          connection.shutdown();
        } catch (IOException ignored) {
          // falls through to QMP
        }
        boolean gone = Processes.awaitExit(record.pid(), marker, Duration.ofSeconds(20));
        closeQuietly(connection);
        if (gone) {
          return;
        }
      }
      hardStop(name, layout, record);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      Processes.kill(record.pid(), marker);
    }
  }

  private void hardStop(String name, VmLayout layout, VmRecord record) {
    closeQuietly(connections.remove(name));
    String marker = layout.processMarker();
    try {
      try (QmpClient qmp = QmpClient.connect(layout.qmpSocket(), Duration.ofSeconds(3))) {
        qmp.quit(Duration.ofSeconds(3));
      } catch (IOException | TimeoutException e) {
        // fall through to SIGKILL
      }
      if (!Processes.awaitExit(record.pid(), marker, Duration.ofSeconds(5))) {
        Processes.kill(record.pid(), marker);
        Processes.awaitExit(record.pid(), marker, Duration.ofSeconds(5));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      Processes.kill(record.pid(), marker);
    }
    cleanup(layout, record);
  }

  /** Kills leftover helpers and removes sockets of a VM that is not running. */
  private static void cleanup(VmLayout layout, VmRecord record) {
    try {
      List<Long> helpers = record.helperPids();
      for (int i = 0; i < helpers.size(); i++) {
        VirtiofsDaemon.stop(helpers.get(i), layout.shareSocket(i));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      Files.deleteIfExists(layout.qmpSocket());
      Files.deleteIfExists(layout.agentSocket());
      for (int i = 0; i < SandboxSpec.MAX_SHARES; i++) {
        Files.deleteIfExists(layout.shareSocket(i));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void destroy(String name) {
    synchronized (lock(name)) {
      try (var hostLock = SandboxLock.acquire(store.root(), name)) {
        destroyLocked(name);
      }
    }
    locks.remove(name);
  }

  private void destroyLocked(String name) {
    if (!store.exists(name)) {
      if (Files.exists(store.root().resolve(name))) {
        deleteDir(name);
      }
      return;
    }
    VmLayout layout = store.layout(name);
    VmRecord record = store.readRecord(name);
    if (running(record, layout)) {
      hardStop(name, layout, record);
    } else {
      cleanup(layout, record);
    }
    deleteDir(name);
  }

  private void deleteDir(String name) {
    try {
      store.delete(name);
      // Held by us until destroy returns; removing it now leaves nothing of the sandbox behind.
      Files.deleteIfExists(store.root().resolve(".locks").resolve(name + ".lock"));
    } catch (IOException e) {
      throw new SandboxException(Kind.IO, name, "cannot remove its directory: " + e.getMessage(), e);
    }
  }

  @Override
  public List<SandboxInfo> list() {
    var result = new ArrayList<SandboxInfo>();
    for (String name : store.names()) {
      info(name).ifPresent(result::add);
    }
    return result;
  }

  @Override
  public Optional<SandboxInfo> inspect(String name) {
    return info(name);
  }

  private Optional<SandboxInfo> info(String name) {
    Optional<SandboxSpec> spec;
    try {
      spec = store.readSpec(name);
    } catch (UncheckedIOException e) {
      return Optional.empty();
    }
    if (spec.isEmpty()) {
      return Optional.empty();
    }
    VmLayout layout = store.layout(name);
    VmRecord record = store.readRecord(name);
    boolean alive = running(record, layout);
    SandboxState state;
    if (alive) {
      state = record.ready() ? SandboxState.RUNNING : SandboxState.STARTING;
    } else if (record.pid() > 0 && !record.stopRequested()) {
      state = SandboxState.EXITED;
    } else {
      state = SandboxState.STOPPED;
    }
    SandboxSpec s = spec.get();
    return Optional.of(new SandboxInfo(s.name(), s.owner(), s.specHash(), state,
        alive ? OptionalLong.of(record.pid()) : OptionalLong.empty(), s.cpus(), s.memoryMib(), s.workspace(), DRIVER,
        record.failures(), s.labels()));
  }

  private static boolean running(VmRecord record, VmLayout layout) {
    return record.pid() > 0 && Processes.isRunning(record.pid(), layout.processMarker());
  }

  @Override
  public String consoleLog(String name) {
    return readLog(name, store.layout(name).console());
  }

  @Override
  public String startupLog(String name) {
    return readLog(name, store.layout(name).startupLog());
  }

  private String readLog(String name, Path file) {
    if (!store.exists(name)) {
      throw SandboxException.notFound(name);
    }
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
    } catch (IOException e) {
      throw new SandboxException(Kind.IO, name, "cannot read " + file, e);
    }
  }

  /** The state directory of one sandbox (for diagnostics and tests). */
  public Path sandboxDir(String name) {
    return store.layout(name).dir();
  }

  @Override
  public void close() {
    connections.values().forEach(MicrovmRuntime::closeQuietly);
    connections.clear();
  }

  private Object lock(String name) {
    return locks.computeIfAbsent(name, n -> new Object());
  }

  private static void closeQuietly(AgentConnection connection) {
    if (connection != null) {
      connection.close();
    }
  }

  private static void appendLine(Path file, String line) {
    try {
      Files.writeString(file, line.endsWith("\n") ? line : line + "\n", StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException ignored) {
      // diagnostics only
    }
  }

  static String tail(Path file) {
    try {
      String text = Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
      return text.length() > 600 ? text.substring(text.length() - 600) : text.strip();
    } catch (IOException e) {
      return "(" + e.getMessage() + ")";
    }
  }
}
