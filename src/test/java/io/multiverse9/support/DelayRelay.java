package io.multiverse9.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay that holds what the far side sends back for a settable time before passing it on, in order: a link
 * that adds one-way latency to answers, for kernels without netem ({@code CONFIG_NET_SCH_NETEM} unset), where
 * {@code tc qdisc ... netem delay} cannot. What the near side sends goes through at once; bytes are relayed as
 * they are, so the node at the far end sees one more TCP hop and nothing else. Test support only.
 */
public final class DelayRelay implements AutoCloseable {

  /** Chunks read from the far side and not yet due: the relay stops reading past this many. */
  private static final int MAX_HELD_CHUNKS = 1024;

  private final ServerSocket server;
  private final InetSocketAddress far;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile long delayNanos;

  private DelayRelay(ServerSocket server, InetSocketAddress far) {
    this.server = server;
    this.far = far;
  }

  /** Listens on a free port of {@code host} and relays each connection to {@code farHost:farPort}. */
  public static DelayRelay start(String host, String farHost, int farPort) throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName(host));
    DelayRelay relay = new DelayRelay(server, new InetSocketAddress(farHost, farPort));
    daemon("delay-relay-accept", relay::accept);
    return relay;
  }

  public String addr() {
    return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
  }

  /** From now on, what the far side sends is passed on {@code ms} after it arrived. */
  public void delay(int ms) {
    delayNanos = ms * 1_000_000L;
  }

  private void accept() {
    try {
      while (true) {
        Socket near = server.accept();
        Socket to = new Socket();
        try {
          to.connect(far, 5_000);
        } catch (IOException e) {
          near.close();
          continue;
        }
        near.setTcpNoDelay(true);
        to.setTcpNoDelay(true);
        sockets.add(near);
        sockets.add(to);
        daemon("delay-relay-up", () -> pump(near, to));
        BlockingQueue<Chunk> held = new ArrayBlockingQueue<>(MAX_HELD_CHUNKS);
        daemon("delay-relay-down-read", () -> hold(to, held, near));
        daemon("delay-relay-down-write", () -> release(held, near, to));
      }
    } catch (IOException closed) {
      // the relay is closed
    }
  }

  private static void pump(Socket from, Socket to) {
    byte[] buffer = new byte[65536];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        out.write(buffer, 0, n);
      }
    } catch (IOException ended) {
      // one side went away: both are closed below
    }
    closeBoth(from, to);
  }

  private record Chunk(long dueNanos, byte[] bytes) {
  }

  private static final Chunk END = new Chunk(0, new byte[0]);

  private void hold(Socket from, BlockingQueue<Chunk> held, Socket to) {
    byte[] buffer = new byte[65536];
    try {
      InputStream in = from.getInputStream();
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        held.put(new Chunk(System.nanoTime() + delayNanos, Arrays.copyOf(buffer, n)));
      }
      held.put(END);
    } catch (IOException | InterruptedException ended) {
      closeBoth(from, to);
      held.offer(END);
    }
  }

  private static void release(BlockingQueue<Chunk> held, Socket to, Socket from) {
    try {
      OutputStream out = to.getOutputStream();
      for (Chunk chunk = held.take(); chunk != END; chunk = held.take()) {
        long wait = chunk.dueNanos - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000)); // the latency this relay is for
        }
        out.write(chunk.bytes);
      }
    } catch (IOException | InterruptedException ended) {
      // one side went away
    }
    closeBoth(from, to);
  }

  private static void closeBoth(Socket a, Socket b) {
    try {
      a.close();
    } catch (IOException ignored) {
      // already closed
    }
    try {
      b.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  private static void daemon(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket socket : sockets) {
      socket.close();
    }
  }
}
