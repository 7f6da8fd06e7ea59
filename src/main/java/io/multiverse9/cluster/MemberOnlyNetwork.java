package io.multiverse9.cluster;

import com.hazelcast.config.AdvancedNetworkConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.ServerSocketEndpointConfig;

/**
 * The Hazelcast port speaks the member protocol only, on the chosen interface only. Hazelcast OSS answers clients
 * on the member port by default and lets them in on the cluster name alone, and binds every interface whatever
 * the configured one: either would hand the event bus's registration maps to anyone who reaches the port.
 */
final class MemberOnlyNetwork {

  private MemberOnlyNetwork() {
  }

  static Config apply(Config config) {
    AdvancedNetworkConfig advanced = config.getAdvancedNetworkConfig();
    if (!advanced.isEnabled()) {
      NetworkConfig network = config.getNetworkConfig();
      ServerSocketEndpointConfig member = new ServerSocketEndpointConfig()
        .setPort(network.getPort())
        .setPortAutoIncrement(network.isPortAutoIncrement())
        .setPortCount(network.getPortCount())
        .setInterfaces(network.getInterfaces())
        .setPublicAddress(network.getPublicAddress());
      advanced.setEnabled(true).setJoin(network.getJoin()).setMemberEndpointConfig(member);
    }
    // clients, REST, memcache and WAN endpoints are all left out: only members, which must prove themselves
    advanced.getEndpointConfigs().keySet().removeIf(q -> q.getType() != com.hazelcast.instance.ProtocolType.MEMBER);
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.setProperty("hazelcast.socket.server.bind.any", "false");
    config.setProperty("hazelcast.socket.client.bind.any", "false");
    return config;
  }
}
