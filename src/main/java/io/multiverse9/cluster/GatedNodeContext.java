package io.multiverse9.cluster;

import com.hazelcast.instance.impl.DefaultNodeContext;
import com.hazelcast.instance.impl.Node;
import com.hazelcast.instance.impl.NodeExtension;

/**
 * Hazelcast's node context with our {@link JoinGate} as the node extension: the one place Hazelcast OSS lets a
 * member decide who joins. An internal SPI of Hazelcast ({@code com.hazelcast.instance.impl}), pinned with the
 * version in the pom; {@code ClosedClusterTest} fails if an upgrade changes it.
 */
final class GatedNodeContext extends DefaultNodeContext {

  private final JoinProof proof;

  GatedNodeContext(JoinProof proof) {
    this.proof = proof;
  }

  @Override
  public NodeExtension createNodeExtension(Node node) {
    return new JoinGate(node, proof);
  }
}
