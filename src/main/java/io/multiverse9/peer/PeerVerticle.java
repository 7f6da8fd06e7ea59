package io.multiverse9.peer;

import io.multiverse9.bus.LoopAffinity;
import io.multiverse9.config.PeerEntry;
import io.multiverse9.config.Settings;
import io.multiverse9.config.Tls;
import io.multiverse9.config.SettingsHolder;
import io.multiverse9.net.PemTls;
import io.multiverse9.protocol.Address;
import io.multiverse9.protocol.EntryStatus;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Owns every outgoing connection to other nodes (SPEC 1.3 and 3): a {@link PeerPool} per peer, answering
 * {@link PeerMessages.Aggregate} from the event bus. It only ever connects to the peers listed in the settings in
 * force, with the token they list, and binds its connections to the host of this node's {@code addr}, so that a
 * peer sees them come from the address it acknowledges.
 */
public final class PeerVerticle extends VerticleBase {

  private static final Set<String> WILDCARDS = Set.of("0.0.0.0", "::", "0:0:0:0:0:0:0:0");
  /**
   * How often the settings in force are compared with those the pools were made for, so that the connections to
   * a peer dropped from {@code nodes} close even when no request comes (requests compare them too).
   */
  private static final long SETTINGS_CHECK_MS = 1000;

  private final SettingsHolder settings;
  private final Map<Address, PeerPool> pools = new HashMap<>();
  private Settings adopted;
  private NetClient client;
  private ClientKey clientKey;
  private LoopAffinity.Listener<PeerMessages.Aggregate> listener;
  private long settingsCheck;

  public PeerVerticle(SettingsHolder settings) {
    this.settings = settings;
  }

  /** The event-bus address of a node's peer verticles. */
  public static String address(Settings settings) {
    return "mv9.peer." + settings.name();
  }

  @Override
  public Future<?> start() {
    PeerMessages.registerCodecs(vertx);
    settingsCheck = vertx.setPeriodic(SETTINGS_CHECK_MS, id -> adopt(settings.get()));
    listener = LoopAffinity.listen(vertx, address(settings.get()), this::onAggregate);
    return listener.ready();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(settingsCheck);
    pools.values().forEach(pool -> pool.close("the node is stopping"));
    return listener.stop();
  }

  private void onAggregate(Message<PeerMessages.Aggregate> message) {
    Settings now = settings.get();
    adopt(now);
    PeerMessages.Aggregate request = message.body();
    PeerEntry peer = now.node(request.peer()); // its token is found here, never sent
    if (peer == null) {
      // the node checked this already; checked again because nothing may make us connect elsewhere, and the
      // settings may have changed since
      message.fail(EntryStatus.FORBIDDEN.code(), request.peer() + " is not an acknowledged node");
      return;
    }
    pools.computeIfAbsent(peer.addr(), addr -> new PeerPool(vertx, client, peer,
      () -> settings.get().limits().maxPendingBytes()))
      .aggregate(request.keys(), now.limits().peerTimeoutMs(), now.limits().maxAnswerBytes(), request.maxBytes())
      .onComplete(ar -> {
        if (ar.succeeded()) {
          message.reply(new PeerMessages.Answer(ar.result(), 0));
        } else if (ar.cause() instanceof OverAllowanceException over) {
          message.reply(new PeerMessages.Answer(null, over.needed()));
        } else if (ar.cause() instanceof PeerException pe) {
          message.fail(pe.status().code(), pe.getMessage());
        } else {
          message.fail(EntryStatus.UNAVAILABLE.code(), request.peer() + ": " + ar.cause());
        }
      });
  }

  /**
   * Makes the pools fit {@code now}: a new client when what connections look like changed (all pools go), else
   * the pools of peers no longer listed, or listed with another token, retire; the next request to such a peer
   * opens a new pool with the token in force.
   */
  private void adopt(Settings now) {
    if (now == adopted) {
      return;
    }
    adopted = now;
    ClientKey key = new ClientKey(WILDCARDS.contains(now.addr().host()) ? null : now.addr().host(),
      now.limits().peerTimeoutMs(), now.tls());
    if (!key.equals(clientKey)) {
      replaceClient(key);
      return;
    }
    for (Iterator<PeerPool> it = pools.values().iterator(); it.hasNext(); ) {
      PeerPool pool = it.next();
      PeerEntry inForce = now.node(pool.peer().addr());
      if (inForce == null || !Objects.equals(inForce.token(), pool.peer().token())) {
        pool.retire();
        it.remove();
      }
    }
  }

  /** What the outgoing client is built from: the host to bind to (or none), the connect timeout, TLS. */
  private record ClientKey(String localHost, int connectTimeoutMs, Tls tls) {
  }

  // Settings changed what connections look like: drop the pools, the next requests open new ones.
  private void replaceClient(ClientKey key) {
    pools.values().forEach(pool -> pool.close("the node's addr, peer_timeout_ms or tls changed"));
    pools.clear();
    if (client != null) {
      client.close();
    }
    NetClientOptions options = new NetClientOptions()
      .setConnectTimeout(key.connectTimeoutMs())
      .setTcpNoDelay(true)
      .setTcpKeepAlive(true);
    if (key.localHost() != null) {
      options.setLocalAddress(key.localHost());
    }
    if (key.tls() != null) {
      // peers speak TLS too; our certificate is our client certificate. Without tls.ca a peer's certificate must be
      // valid for the host its nodes entry names (PemTls.client says why)
      PemTls.client(options, key.tls().certPath(), key.tls().keyPath(), key.tls().caPath());
    }
    client = vertx.createNetClient(options);
    clientKey = key;
  }
}
