package io.multiverse9.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.impl.HazelcastInstanceFactory;
import io.multiverse9.net.PemTls;
import io.vertx.core.Completable;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * A clustered node's membership of a closed cluster (SPEC 3): its Hazelcast member let in only with a
 * certificate of the cluster's CA ({@link JoinGate}), and its event bus over TLS that requires such a certificate
 * on both sides, so that a process without the credential can neither join, nor register a consumer, nor send or
 * read a message.
 *
 * <p>The event bus does not verify host names (Vert.x's clustered event bus turns it off): every holder of a
 * certificate of the cluster's CA is a member, whichever address it serves on.
 */
public final class ClosedCluster {

  private final ClusterCredentials credentials;
  private final HazelcastInstance member;

  private ClosedCluster(ClusterCredentials credentials, HazelcastInstance member) {
    this.credentials = credentials;
    this.member = member;
  }

  /**
   * Joins the Hazelcast cluster of cluster.xml with the credential named by {@code properties}; blocks until
   * joined (Hazelcast's own start does).
   *
   * @throws ClusterException in one line: no credential where one is needed, or the join was refused
   */
  public static ClosedCluster join(UnaryOperator<String> properties) {
    ClusterCredentials credentials = ClusterCredentials.resolve(properties);
    JoinProof proof = credentials.proof();
    Config config = MemberOnlyNetwork.apply(ConfigUtil.loadConfig());
    // vertx-hazelcast names its node by this attribute when it is handed a running member
    config.getMemberAttributeConfig().setAttribute("__vertx.nodeId", UUID.randomUUID().toString());
    HazelcastInstance member;
    try {
      member = HazelcastInstanceFactory.newHazelcastInstance(config,
        HazelcastInstanceFactory.getInstanceName(config.getInstanceName(), config), new GatedNodeContext(proof));
    } catch (RuntimeException e) {
      throw new ClusterException("the cluster did not let this JVM in: " + e.getMessage(), e);
    }
    String unproven = gate(member).unprovenMember();
    if (unproven != null) {
      member.getLifecycleService().terminate();
      throw new ClusterException("the cluster holds a member without the cluster's certificate (" + unproven + ")");
    }
    return new ClosedCluster(credentials, member);
  }

  private static JoinGate gate(HazelcastInstance member) {
    return (JoinGate) ((com.hazelcast.instance.impl.HazelcastInstanceProxy) member).getOriginal().node
      .getNodeExtension();
  }

  /** {@code options} with the event bus on TLS, our certificate shown and the peer's required on every connection. */
  public VertxOptions secureEventBus(VertxOptions options) {
    options.getEventBusOptions()
      .setSsl(true)
      .setKeyCertOptions(PemTls.identity(credentials.certificate().toString(), credentials.key().toString()))
      .setTrustOptions(PemTls.trust(credentials.authorities().toString()))
      .setClientAuth(ClientAuth.REQUIRED);
    return options;
  }

  /** The cluster manager for Vert.x over this member; when Vert.x leaves the cluster, the member stops. */
  public ClusterManager clusterManager() {
    return new OwnedMemberClusterManager(member);
  }

  /** Vert.x leaves a member it was given running; this one is ours to stop. */
  private static final class OwnedMemberClusterManager extends HazelcastClusterManager {

    private final HazelcastInstance member;
    private Vertx vertx;

    OwnedMemberClusterManager(HazelcastInstance member) {
      super(member);
      this.member = member;
    }

    @Override
    public void init(Vertx vertx) {
      this.vertx = vertx;
      super.init(vertx);
    }

    @Override
    public void leave(Completable<Void> done) {
      super.leave((v, failure) -> vertx.<Void>executeBlocking(() -> {
        member.shutdown();
        return null;
      }).onComplete(ar -> done.complete(null, failure != null ? failure : ar.cause())));
    }
  }
}
