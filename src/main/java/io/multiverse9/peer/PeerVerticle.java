package io.multiverse9.peer;

import io.multiverse9.config.PeerEntry;
import io.multiverse9.config.Settings;
import io.multiverse9.config.Tls;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.multiverse9.config.SettingsHolder;
import io.multiverse9.protocol.EntryStatus;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Owns every outgoing connection to other nodes (SPEC 1.3 and 3): a {@link PeerPool} per peer, answering
 * {@link PeerMessages.Aggregate} from the event bus. It only ever connects to the peers listed in the settings in
 * force, and binds its connections to the host of this node's {@code addr}, so that a peer sees them come from
 * the address it acknowledges.
 */
public final class PeerVerticle extends VerticleBase {

  private static final Set<String> WILDCARDS = Set.of("0.0.0.0", "::", "0:0:0:0:0:0:0:0");

  private final SettingsHolder settings;
  private final Map<PeerEntry, PeerPool> pools = new HashMap<>();
  private NetClient client;
  private ClientKey clientKey;
  private MessageConsumer<PeerMessages.Aggregate> consumer;

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
    consumer = vertx.eventBus().consumer(address(settings.get()), this::onAggregate);
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    pools.values().forEach(PeerPool::close);
    return consumer.unregister();
  }

  private void onAggregate(Message<PeerMessages.Aggregate> message) {
    Settings now = settings.get();
    PeerMessages.Aggregate request = message.body();
    if (!now.nodes().contains(request.peer())) {
      // the node checked this already; checked again because nothing may make us connect elsewhere
      message.fail(EntryStatus.FORBIDDEN.code(), request.peer() + " is not an acknowledged node");
      return;
    }
    pool(now, request.peer()).aggregate(request.keys(), now.limits().peerTimeoutMs()).onComplete(ar -> {
      if (ar.succeeded()) {
        message.reply(new PeerMessages.Answer(ar.result()));
      } else if (ar.cause() instanceof PeerException pe) {
        message.fail(pe.status().code(), pe.getMessage());
      } else {
        message.fail(EntryStatus.UNAVAILABLE.code(), request.peer() + ": " + ar.cause());
      }
    });
  }

  private PeerPool pool(Settings now, PeerEntry peer) {
    ClientKey key = new ClientKey(WILDCARDS.contains(now.addr().host()) ? null : now.addr().host(),
      now.limits().peerTimeoutMs(), now.tls());
    if (!key.equals(clientKey)) {
      replaceClient(key);
    }
    return pools.computeIfAbsent(peer, p -> new PeerPool(vertx, client, p));
  }

  /** What the outgoing client is built from: the host to bind to (or none), the connect timeout, TLS. */
  private record ClientKey(String localHost, int connectTimeoutMs, Tls tls) {
  }

  // Settings changed what connections look like: drop the pools, the next requests open new ones.
  private void replaceClient(ClientKey key) {
    pools.values().forEach(PeerPool::close);
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
      // peers speak TLS too; our certificate is our client certificate, tls.ca (else the JVM's CAs) vouches for
      // theirs. Trust rests on the CA, not on the peer's host name, which is often an IP here.
      options.setSsl(true).setHostnameVerificationAlgorithm("")
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(key.tls().certPath()).setKeyPath(key.tls().keyPath()));
      if (key.tls().caPath() != null) {
        options.setTrustOptions(new PemTrustOptions().addCertPath(key.tls().caPath()));
      }
    }
    client = vertx.createNetClient(options);
    clientKey = key;
  }
}
