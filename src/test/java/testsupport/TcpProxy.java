package testsupport;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP relay between MRAOS and a service, so a test can cut the network between them while the service keeps
 * running ({@link #cut}: open connections are dropped and new ones refused) and mend it again ({@link #restore}).
 */
public final class TcpProxy implements AutoCloseable {

  private final Vertx vertx;
  private final int port;
  private final String targetHost;
  private final int targetPort;
  private final NetClient client;
  private final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
  private NetServer server;
  private volatile boolean frozen;

  private TcpProxy(Vertx vertx, int port, String targetHost, int targetPort) {
    this.vertx = vertx;
    this.port = port;
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.client = vertx.createNetClient();
  }

  public static TcpProxy start(Vertx vertx, String targetHost, int targetPort) {
    TcpProxy proxy = new TcpProxy(vertx, Ports.free(), targetHost, targetPort);
    proxy.restore();
    return proxy;
  }

  public int port() {
    return port;
  }

  /** Drops every connection through the relay and refuses new ones until {@link #restore}. */
  public void cut() {
    if (server != null) {
      server.close().await();
      server = null;
    }
    open.forEach(NetSocket::close);
    open.clear();
  }

  /**
   * The network silently dies: nothing passes either way any more, yet no connection is closed, so neither end hears of
   * it (until {@link #cut} or {@link #restore}).
   */
  public void freeze() {
    frozen = true;
  }

  /** Accepts connections again on the same port (and drops those a {@link #freeze} left hanging). */
  public void restore() {
    open.forEach(NetSocket::close); // connections of a frozen network stay dead: their ends must connect anew
    open.clear();
    frozen = false;
    if (server != null) {
      return; // still listening
    }
    server = vertx.createNetServer().connectHandler(inbound -> {
      inbound.pause();
      client.connect(targetPort, targetHost).onComplete(connected -> {
        if (connected.failed()) {
          inbound.close();
          return;
        }
        NetSocket outbound = connected.result();
        open.add(inbound);
        open.add(outbound);
        // a frozen network carries no word of a connection closing either
        inbound.closeHandler(v -> {
          if (!frozen) {
            outbound.close();
          }
        });
        outbound.closeHandler(v -> {
          if (!frozen) {
            inbound.close();
          }
        });
        relay(inbound, outbound);
        relay(outbound, inbound);
        inbound.resume();
      });
    });
    server.listen(port, "127.0.0.1").await();
  }

  /** Passes what arrives on; while frozen, it is lost on the way (with back-pressure, as a pipe would otherwise). */
  private void relay(NetSocket from, NetSocket to) {
    from.handler(data -> {
      if (!frozen) {
        to.write(data);
        if (to.writeQueueFull()) {
          from.pause();
          to.drainHandler(v -> from.resume());
        }
      }
    });
  }

  @Override
  public void close() {
    cut();
    client.close().await();
  }
}
