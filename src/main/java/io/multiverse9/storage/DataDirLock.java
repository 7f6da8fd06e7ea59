package io.multiverse9.storage;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Proof that one node, this one, uses a {@code data_dir} (SPEC 5): two redis-servers on one append-only file
 * would destroy it, and a node that stopped another's server would leave that node answering UNAVAILABLE.
 *
 * <p>The proof is an operating-system lock on {@code data_dir/node.lock}, which the OS releases when the process
 * ends however it ends: a node killed with SIGKILL leaves nothing to clean up, and whoever gets the lock knows
 * that the node before it is dead. Who holds it is written to {@code data_dir/node.owner}, so that a refused
 * node can say which node to stop. That is a file of its own because POSIX drops every lock a process holds on
 * a file as soon as the process closes any descriptor of that file: the lock file is opened once and never read.
 * For the same reason a second node in this JVM is refused from a registry of the directories locked here,
 * before it opens the lock file.
 *
 * <p>All methods block (file I/O): call them from a worker, never from an event loop.
 */
public final class DataDirLock implements AutoCloseable {

  static final String LOCK_FILE = "node.lock";
  static final String OWNER_FILE = "node.owner";

  /** The data_dirs locked by this JVM, by real path. */
  private static final Set<Path> LOCKED_HERE = ConcurrentHashMap.newKeySet();

  /** Another node holds the data_dir; the message says which, in one line. */
  public static final class HeldByAnotherNode extends IllegalStateException {
    HeldByAnotherNode(Path dir) {
      super("data_dir " + dir + " is held by " + owner(dir) + "; stop it or give this node another data_dir");
    }
  }

  private final Path dir;
  private final Path realDir;
  private final FileChannel channel;
  private final FileLock lock;
  private final String nodeName;

  private DataDirLock(Path dir, Path realDir, FileChannel channel, FileLock lock, String nodeName) {
    this.dir = dir;
    this.realDir = realDir;
    this.channel = channel;
    this.lock = lock;
    this.nodeName = nodeName;
  }

  /**
   * Locks {@code dataDir} (created if missing) for this node, or refuses.
   *
   * @throws HeldByAnotherNode if another node, in this JVM or another process, holds it
   */
  public static DataDirLock acquire(Path dataDir, String nodeName, String addr) throws IOException {
    Path dir = dataDir.toAbsolutePath().normalize();
    Files.createDirectories(dir);
    Path realDir = dir.toRealPath();
    if (!LOCKED_HERE.add(realDir)) {
      throw new HeldByAnotherNode(dir);
    }
    FileChannel channel = null;
    try {
      // opened without truncating: the lock file carries nothing, and a refused node must change nothing
      channel = FileChannel.open(realDir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = tryLock(channel);
      if (lock == null) {
        throw new HeldByAnotherNode(dir);
      }
      DataDirLock held = new DataDirLock(dir, realDir, channel, lock, nodeName);
      held.recordOwner(addr);
      return held;
    } catch (IOException | RuntimeException e) {
      if (channel != null) {
        channel.close(); // releases the lock if we got it; we hold no other lock on this file in this JVM
      }
      LOCKED_HERE.remove(realDir);
      throw e;
    }
  }

  private static FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException heldInThisJvm) {
      return null; // by a channel we did not open: held all the same
    }
  }

  /** Writes who holds the directory, again when the node has bound its port (port 0 is known only then). */
  public void recordOwner(String addr) throws IOException {
    JsonObject owner = new JsonObject().put("name", nodeName).put("pid", ProcessHandle.current().pid())
      .put("addr", addr);
    Path partial = Files.createTempFile(realDir, OWNER_FILE, ".partial");
    try {
      Files.writeString(partial, owner.encode() + "\n", StandardCharsets.UTF_8);
      // whole or not at all: a refused node may be reading it right now
      Files.move(partial, realDir.resolve(OWNER_FILE), StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  public Path dir() {
    return dir;
  }

  /** Gives the directory up; the lock file stays, as deleting it would let two nodes lock two different files. */
  @Override
  public synchronized void close() throws IOException {
    if (!channel.isOpen()) {
      return; // closed before: the owner file may be another node's by now
    }
    try {
      Files.deleteIfExists(realDir.resolve(OWNER_FILE));
      if (lock.isValid()) {
        lock.release();
      }
    } finally {
      channel.close();
      LOCKED_HERE.remove(realDir);
    }
  }

  private static String owner(Path dir) {
    try {
      JsonObject owner = new JsonObject(Files.readString(dir.resolve(OWNER_FILE), StandardCharsets.UTF_8));
      return "node " + owner.getString("name") + " (pid " + owner.getValue("pid") + ", addr "
        + owner.getString("addr") + ")";
    } catch (NoSuchFileException | DecodeException | ClassCastException notYetWritten) {
      return "another node (it has not written " + OWNER_FILE + " yet)";
    } catch (IOException e) {
      return "another node (" + OWNER_FILE + " unreadable: " + e.getMessage() + ")";
    }
  }
}
