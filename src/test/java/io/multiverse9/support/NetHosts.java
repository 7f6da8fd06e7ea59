package io.multiverse9.support;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Hosts of their own on one machine: each host is a network namespace with loopback and one address on a /24,
 * plugged by a veth pair into a bridge, so that nodes on different hosts talk over a link that can be cut (packets
 * dropped, no reset) or slowed, as between machines. Root only, with iproute2's {@code ip}: where namespaces cannot
 * be made, {@link #create} skips the test with one line saying why.
 *
 * <p>The bridge sits in a namespace of its own (the switch), not in the root namespace, so that the root
 * namespace's firewall (Docker's FORWARD policy DROP with bridge netfilter, for one) never sees what the hosts send
 * each other. One more veth pair joins the root namespace to the switch: the test talks to the hosts from there,
 * on the subnet's first address.
 *
 * <p>Everything is named {@code mv9t-PID-...} (the root end of the link {@code mv9tPID}): a run touches only what
 * it made, and removes at start what an earlier run that died with the same pid left under those names. The
 * subnet is the first {@code 10.99.N.0/24} that no address or route of the root namespace uses, so a leftover of
 * another run does not get in the way. {@link #close} (also run at JVM exit) deletes the namespaces, which
 * deletes their links; processes started in a host must be stopped first, or its namespace lives on with them.
 */
public final class NetHosts implements AutoCloseable {

  private static final Pattern SUBNET_IN_USE = Pattern.compile("\\b10\\.99\\.(\\d{1,3})\\.");

  private final String prefix;
  private final String rootLink;
  private final String subnet;
  private final int count;
  private final List<String> made = new ArrayList<>();
  private final Thread cleanup = new Thread(this::removeQuietly, "net-hosts-cleanup");
  private boolean closed;

  private NetHosts(String prefix, String rootLink, String subnet, int count) {
    this.prefix = prefix;
    this.rootLink = rootLink;
    this.subnet = subnet;
    this.count = count;
  }

  /**
   * Makes {@code count} hosts (1 to 200), or skips the calling test (JUnit assumption) with one line saying why they
   * cannot be made here.
   */
  public static NetHosts create(int count) {
    String why = whyNot();
    if (why != null) {
      skip(why);
    }
    long pid = ProcessHandle.current().pid();
    NetHosts hosts = new NetHosts("mv9t-" + pid + "-", "mv9t" + pid, freeSubnet(pid), count);
    hosts.removeLeftovers();
    Runtime.getRuntime().addShutdownHook(hosts.cleanup);
    try {
      hosts.netns(hosts.switchNamespace());
    } catch (IOException e) {
      hosts.close();
      // root, but not in a way that counts (a container without CAP_SYS_ADMIN, a read-only /run): the same skip
      skip(e.getMessage());
    }
    try {
      hosts.make();
    } catch (IOException e) {
      hosts.close();
      // namespaces can be made, so anything else that fails is the harness's fault: a failure, not a skip
      throw new IllegalStateException("hosts of their own: " + e.getMessage(), e);
    }
    return hosts;
  }

  /**
   * Skips the calling test, saying why on standard output too: Surefire counts a class whose {@code @BeforeAll}
   * skips as no test run and prints no reason.
   */
  private static void skip(String why) {
    String line = "hosts in network namespaces cannot be made here, skipped: " + why
      + " (docs/TESTING.md, hosts of their own)";
    System.out.println("[NetHosts] " + line);
    Assumptions.abort(line);
  }

  /** Why hosts cannot be made on this machine, or null. */
  private static String whyNot() {
    if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
      return "not Linux";
    }
    if (onPath("ip") == null) {
      return "no ip command (install iproute2)";
    }
    long uid = uid();
    if (uid != 0) {
      return "not root (uid " + uid + ")";
    }
    return null;
  }

  private static Path onPath(String command) {
    for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin").split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, command);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private static long uid() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return Long.parseLong(line.split("\\s+")[2]); // real, effective, ...: the effective one decides
        }
      }
    } catch (IOException | RuntimeException e) {
      // no /proc: not a Linux we can use
    }
    return -1;
  }

  /** The first 10.99.N.0/24, from N = pid mod 200, that the root namespace does not use. */
  private static String freeSubnet(long pid) {
    Set<Integer> used = new TreeSet<>();
    for (String listing : new String[] {ipQuietly("-4", "-o", "addr", "show"), ipQuietly("-4", "route", "show")}) {
      Matcher m = SUBNET_IN_USE.matcher(listing);
      while (m.find()) {
        used.add(Integer.parseInt(m.group(1)));
      }
    }
    for (int i = 0; i < 256; i++) {
      int n = (int) ((pid % 200 + i) % 256);
      if (!used.contains(n)) {
        return "10.99." + n + ".";
      }
    }
    skip("no free 10.99.N.0/24 subnet: every one is in use");
    return null;
  }

  private void make() throws IOException {
    String sw = switchNamespace();
    ip("-n", sw, "link", "add", "br0", "type", "bridge");
    ip("-n", sw, "link", "set", "br0", "up");
    ip("link", "add", rootLink, "type", "veth", "peer", "name", "up0", "netns", sw);
    ip("-n", sw, "link", "set", "up0", "master", "br0");
    ip("-n", sw, "link", "set", "up0", "up");
    ip("addr", "add", bridgeAddress() + "/24", "dev", rootLink);
    ip("link", "set", rootLink, "up");
    for (int host = 1; host <= count; host++) {
      String ns = namespace(host);
      netns(ns);
      ip("-n", sw, "link", "add", port(host), "type", "veth", "peer", "name", "eth0", "netns", ns);
      ip("-n", sw, "link", "set", port(host), "master", "br0");
      ip("-n", sw, "link", "set", port(host), "up");
      ip("-n", ns, "addr", "add", address(host) + "/24", "dev", "eth0");
      ip("-n", ns, "link", "set", "eth0", "up");
    }
  }

  private void netns(String name) throws IOException {
    ip("netns", "add", name);
    made.add(name);
    ip("-n", name, "link", "set", "lo", "up");
  }

  /** What a run that died with our pid left under our names; nothing else is touched. */
  private void removeLeftovers() {
    String listing = ipQuietly("netns", "list");
    for (String line : listing.split("\n")) {
      String name = line.split("\\s+")[0];
      if (name.startsWith(prefix)) {
        ipQuietly("netns", "del", name);
      }
    }
    if (!ipQuietly("-o", "link", "show", "dev", rootLink).isBlank()) {
      ipQuietly("link", "del", rootLink);
    }
  }

  /** The address of host {@code host} (1 to count): the subnet's second, third, ... address. */
  public String address(int host) {
    return subnet + (host + 1);
  }

  /** The root namespace's address on the hosts' subnet: connections from the test come from it. */
  public String bridgeAddress() {
    return subnet + "1";
  }

  /** The namespace of host {@code host}, for {@code ip netns exec}. */
  public String namespace(int host) {
    return prefix + "h" + host;
  }

  /** The words that run a command inside host {@code host}: put them before the command. */
  public List<String> exec(int host) {
    return List.of(ipBinary(), "netns", "exec", namespace(host));
  }

  /** Cuts host {@code host} off: its switch port goes down, and what is sent to it or by it is dropped, unanswered. */
  public void partition(int host) throws IOException {
    ip("-n", switchNamespace(), "link", "set", port(host), "down");
  }

  /** Plugs host {@code host} back in. */
  public void heal(int host) throws IOException {
    ip("-n", switchNamespace(), "link", "set", port(host), "up");
  }

  /**
   * Delays everything sent to host {@code host} by {@code ms} with netem ({@code tc qdisc ... netem delay}), when
   * the kernel has it; returns false, changing nothing, when it does not ({@code CONFIG_NET_SCH_NETEM} unset).
   */
  public boolean delay(int host, int ms) throws IOException {
    List<String> command = List.of("tc", "-n", switchNamespace(), "qdisc", "add", "dev", port(host), "root",
      "netem", "delay", ms + "ms");
    if (onPath("tc") == null) {
      return false;
    }
    Result result = run(command);
    if (result.code == 0) {
      return true;
    }
    if (result.output.contains("qdisc kind is unknown")) {
      return false;
    }
    throw new IOException(String.join(" ", command) + " failed: " + result.output.strip());
  }

  /** Takes off what {@link #delay} added. */
  public void undelay(int host) throws IOException {
    Result result = run(List.of("tc", "-n", switchNamespace(), "qdisc", "del", "dev", port(host), "root"));
    if (result.code != 0) {
      throw new IOException("tc qdisc del failed: " + result.output.strip());
    }
  }

  /** Removes the namespaces (their links go with them) and the root end of the switch link. */
  @Override
  public void close() {
    removeQuietly();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanup);
    } catch (IllegalStateException | IllegalArgumentException e) {
      // the JVM is already exiting, or the hook was never added
    }
  }

  private synchronized void removeQuietly() {
    if (closed) {
      return;
    }
    closed = true;
    for (int i = made.size() - 1; i >= 0; i--) {
      ipQuietly("netns", "del", made.get(i));
    }
    // the root end goes with its peer in the switch namespace; this only covers a switch that was never made
    if (!ipQuietly("-o", "link", "show", "dev", rootLink).isBlank()) {
      ipQuietly("link", "del", rootLink);
    }
  }

  private String switchNamespace() {
    return prefix + "sw";
  }

  /** The switch's end of host {@code host}'s link (named inside the switch namespace, so short and per run). */
  private static String port(int host) {
    return "h" + host;
  }

  private static String ipBinary() {
    Path ip = onPath("ip");
    return ip == null ? "ip" : ip.toString();
  }

  private static void ip(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(ipBinary()));
    command.addAll(List.of(args));
    Result result = run(command);
    if (result.code != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + result.output.strip());
    }
  }

  private static String ipQuietly(String... args) {
    List<String> command = new ArrayList<>(List.of(ipBinary()));
    command.addAll(List.of(args));
    try {
      Result result = run(command);
      return result.code == 0 ? result.output : "";
    } catch (IOException e) {
      return "";
    }
  }

  private record Result(int code, String output) {
  }

  private static Result run(List<String> command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    // ip and tc print a few lines and end; read them first so that a long listing never fills the pipe
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(String.join(" ", command) + " did not finish within 15 s");
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException(String.join(" ", command) + " interrupted");
    }
    return new Result(process.exitValue(), output);
  }
}
