package io.multiverse9.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.instance.impl.DefaultNodeExtension;
import com.hazelcast.instance.impl.Node;
import com.hazelcast.internal.cluster.impl.JoinMessage;
import com.hazelcast.internal.cluster.impl.JoinRequest;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Lets into the cluster only members that prove they hold a certificate of the cluster's CA ({@link JoinProof}).
 * As master, it refuses the join request of any other (Hazelcast then tells the joiner, which shuts down). As a
 * member, it checks every member list it is given, so that a JVM that joined a cluster whose master does not
 * check (an intruder that started first) leaves it rather than serve in it.
 */
final class JoinGate extends DefaultNodeExtension {

  private static final Logger LOG = Logger.getLogger(JoinGate.class.getName());

  private final JoinProof proof;
  private volatile String refusal;

  JoinGate(Node node, JoinProof proof) {
    super(node);
    this.proof = proof;
  }

  /**
   * Called once the member's address is known and before its attributes are read: the moment to sign that
   * address into them.
   */
  @Override
  public UUID createMemberUuid() {
    proof.attributes(node.getConfig().getClusterName(), node.getThisAddress().toString())
      .forEach(node.getConfig().getMemberAttributeConfig()::setAttribute);
    return super.createMemberUuid();
  }

  @Override
  public void validateJoinRequest(JoinMessage joinMessage) {
    super.validateJoinRequest(joinMessage);
    if (!(joinMessage instanceof JoinRequest request)) {
      throw new SecurityException("member " + joinMessage.getAddress() + " sent no join request: refused");
    }
    proof.verify(request.getAttributes(), node.getConfig().getClusterName(), request.getAddress().toString());
  }

  @Override
  public void onMemberListChange() {
    super.onMemberListChange();
    String unproven = unprovenMember();
    if (unproven != null && refusal == null) {
      refusal = unproven;
      LOG.severe(unproven + "; leaving the cluster");
      // not on the thread that applies the member list: terminating waits for it
      Thread leave = new Thread(() -> node.hazelcastInstance.getLifecycleService().terminate(), "mv9-cluster-leave");
      leave.setDaemon(true);
      leave.start();
    }
  }

  /** Why this member is in a cluster with one that did not prove itself, or {@code null}. */
  String unprovenMember() {
    if (refusal != null) {
      return refusal;
    }
    String clusterName = node.getConfig().getClusterName();
    for (Member member : node.getClusterService().getMembers()) {
      if (member.localMember()) {
        continue;
      }
      try {
        proof.verify(member.getAttributes(), clusterName, member.getAddress().toString());
      } catch (SecurityException e) {
        return e.getMessage();
      } catch (RuntimeException e) {
        LOG.log(Level.FINE, "member check failed", e);
        return "member " + member.getAddress() + " could not be checked: " + e;
      }
    }
    return null;
  }
}
