package dev.sbx.egress;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/** Native epoll where available (needed for unix sockets), NIO otherwise. */
record Transport(
    boolean epoll,
    Class<? extends ServerChannel> tcpServer,
    Class<? extends Channel> tcpClient) {

  static Transport best() {
    return Epoll.isAvailable()
        ? new Transport(true, EpollServerSocketChannel.class, EpollSocketChannel.class)
        : new Transport(false, NioServerSocketChannel.class, NioSocketChannel.class);
  }

  EventLoopGroup newGroup(int threads) {
    DefaultThreadFactory names = new DefaultThreadFactory("sbx-egress", true);
    return new MultiThreadIoEventLoopGroup(
        threads, names, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
  }

  Class<? extends ServerChannel> unixServer() {
    if (!epoll) {
      throw new UnsupportedOperationException(
          "unix socket listeners need Netty's native epoll transport (Linux x86_64/aarch64)");
    }
    return EpollServerDomainSocketChannel.class;
  }
}
