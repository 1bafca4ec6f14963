package dev.sbx.vm.agent;

/** Frame type codes of protocol version 1 ({@code native/PROTOCOL.md}). */
public final class FrameType {
  public static final int HELLO = 0x01;
  public static final int PING = 0x02;
  public static final int PONG = 0x03;
  public static final int CONFIGURE = 0x04;
  public static final int CONFIGURED = 0x05;
  public static final int SHUTDOWN = 0x06;
  public static final int LOG = 0x07;
  public static final int EXEC = 0x10;
  public static final int STARTED = 0x11;
  public static final int STDIN = 0x12;
  public static final int STDOUT = 0x13;
  public static final int STDERR = 0x14;
  public static final int EXIT = 0x15;
  public static final int SIGNAL = 0x16;
  public static final int OPEN = 0x20;
  public static final int OPENED = 0x21;
  public static final int DATA = 0x22;
  public static final int CLOSE = 0x23;
  public static final int RESET = 0x24;
  public static final int CREDIT = 0x30;

  private FrameType() {}

  /** Types whose payload counts against the stream's flow-control window. */
  public static boolean flowControlled(int type) {
    return type == STDIN || type == STDOUT || type == STDERR || type == DATA;
  }
}
