package dev.sbx.vm.agent;

import java.io.IOException;
import java.nio.channels.SocketChannel;

/** Connects one guest proxy connection to the host egress endpoint. */
@FunctionalInterface
public interface TunnelOpener {
  SocketChannel connect() throws IOException;
}
