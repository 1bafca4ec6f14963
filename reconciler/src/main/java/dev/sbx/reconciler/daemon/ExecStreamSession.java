package dev.sbx.reconciler.daemon;

import dev.sbx.vm.api.ExecOutput;
import dev.sbx.vm.api.ExecProcess;
import dev.sbx.vm.api.ExecRequest;
import dev.sbx.vm.api.ExitStatus;
import dev.sbx.vm.api.SandboxRuntime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * One interactive exec on one connection, after the request was accepted. Three threads:
 * the caller's waits for the command to end; a reader turns the client's frames into stdin,
 * resize and signal calls; a writer sends output frames from a bounded queue. Why the queue: the
 * runtime calls {@link ExecOutput} on the VM's single agent-channel reader thread, so writing to
 * a slow client there would stall every other exec of that VM; the queue absorbs bursts and only
 * when it is full ({@link #QUEUE} frames) does the callback wait, which is the guest's flow
 * control doing its job. Output frames are queued before the EXIT frame, so the client sees all
 * output first. A client that goes away before the end hangs up the command (SIGHUP, like a
 * closed ssh session) and, if it is still running {@link #HANGUP_GRACE} later, kills it.
 */
final class ExecStreamSession {
  static final int QUEUE = 256;
  static final Duration HANGUP_GRACE = Duration.ofSeconds(10);
  private static final int SIGHUP = 1;
  private static final int SIGKILL = 9;
  private static final byte[] END = new byte[0];

  private final InputStream in;
  private final OutputStream out;
  private final BlockingQueue<byte[]> outgoing = new ArrayBlockingQueue<>(QUEUE);
  /** Frames produced before the 101 went out (the runtime may deliver output inside exec()). */
  private final ByteArrayOutputStream early = new ByteArrayOutputStream();
  private boolean switched;

  ExecStreamSession(InputStream in, OutputStream out) {
    this.in = in;
    this.out = out;
  }

  /**
   * Starts {@code request} and serves the stream until the command ended and the client closed
   * (or {@link #HANGUP_GRACE} passed). A {@code SandboxException} from exec propagates before
   * anything was written, so the caller can still answer with an HTTP error.
   */
  void run(SandboxRuntime vm, String name, ExecRequest request) throws IOException {
    ExecProcess process = vm.exec(name, request, new ExecOutput() {
      @Override
      public void stdout(byte[] bytes) {
        send(bytes, true);
      }

      @Override
      public void stderr(byte[] bytes) {
        send(bytes, false);
      }
    });
    switchProtocols();
    Thread writer = daemonThread("sbx-exec-out-" + name, this::writeLoop);
    Thread reader = daemonThread("sbx-exec-in-" + name, () -> readLoop(process));
    ExitStatus status;
    try {
      status = awaitExit(process);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      status = new ExitStatus(255, 0, "the daemon stopped while the command ran");
    }
    enqueue(ExecStreamProtocol.encode(new ExecFrame.Exit(status.code(), status.signal(), status.startError().orElse(""))));
    enqueue(END);
    try {
      writer.join(HANGUP_GRACE.toMillis());
      reader.join(HANGUP_GRACE.toMillis()); // the client closes after EXIT; then its bytes are all read
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ExitStatus awaitExit(ExecProcess process) throws InterruptedException {
    Optional<ExitStatus> status = Optional.empty();
    while (status.isEmpty()) {
      status = process.waitFor(Duration.ofHours(1));
    }
    return status.get();
  }

  private synchronized void switchProtocols() throws IOException {
    String head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: " + ExecStreamProtocol.UPGRADE
        + "\r\nConnection: Upgrade\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    early.writeTo(out);
    out.flush();
    switched = true;
  }

  private void send(byte[] bytes, boolean stdout) {
    for (int at = 0; at < bytes.length; at += ExecStreamProtocol.MAX_PAYLOAD) {
      byte[] chunk = Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + ExecStreamProtocol.MAX_PAYLOAD));
      byte[] frame = ExecStreamProtocol.encode(stdout ? new ExecFrame.Stdout(chunk) : new ExecFrame.Stderr(chunk));
      synchronized (this) {
        if (!switched) {
          early.writeBytes(frame);
          continue;
        }
      }
      enqueue(frame);
    }
  }

  private void enqueue(byte[] frame) {
    try {
      outgoing.put(frame);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void writeLoop() {
    boolean broken = false;
    try {
      while (true) {
        byte[] frame = outgoing.take();
        if (frame == END) {
          break;
        }
        if (broken) {
          continue; // keep draining so the runtime's callbacks never block on a dead client
        }
        try {
          out.write(frame);
          if (outgoing.isEmpty()) {
            out.flush();
          }
        } catch (IOException e) {
          broken = true;
        }
      }
      if (!broken) {
        out.flush();
      }
    } catch (IOException | InterruptedException e) {
      // the client went away; the reader notices and hangs up the command
    }
  }

  private void readLoop(ExecProcess process) {
    ExecStreamProtocol.Reader frames = new ExecStreamProtocol.Reader(in);
    try {
      ExecFrame frame;
      while ((frame = frames.next()) != null) {
        apply(process, frame);
      }
    } catch (IOException | RuntimeException e) {
      // a closed connection, a protocol error or a command that already ended: hang up below
    }
    hangUp(process);
  }

  private static void apply(ExecProcess process, ExecFrame frame) throws IOException {
    if (frame instanceof ExecFrame.Stdin s) {
      if (s.bytes().length > 0) { // an empty write would be ^D on a terminal
        process.writeStdin(s.bytes());
      }
    } else if (frame instanceof ExecFrame.CloseStdin) {
      process.closeStdin();
    } else if (frame instanceof ExecFrame.Resize r) {
      process.resize(r.rows(), r.cols());
    } else if (frame instanceof ExecFrame.Signal s) {
      process.signal(s.number());
    } else {
      throw new ExecStreamProtocol.ProtocolException("a client may not send " + frame.getClass().getSimpleName());
    }
  }

  /** The client is gone: if the command still runs, SIGHUP now and SIGKILL after the grace. */
  private static void hangUp(ExecProcess process) {
    try {
      if (process.waitFor(Duration.ZERO).isPresent()) {
        return;
      }
      process.signal(SIGHUP);
      if (process.waitFor(HANGUP_GRACE).isEmpty()) {
        process.signal(SIGKILL);
      }
    } catch (IOException e) {
      // the VM's channel is gone too; the command ends with it
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Thread daemonThread(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
    return t;
  }
}
