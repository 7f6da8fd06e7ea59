package io.multiverse9.cluster;

import io.vertx.core.net.SelfSignedCertificate;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The cluster certificate of this user on this machine, made once: a self-signed certificate that is its own CA,
 * and its key, in a directory only the user can read ({@code ~/.multiverse9/cluster}, or
 * {@code -Dmv9.cluster.dir}). Every JVM of the user shares it, so they form a cluster on loopback, and the
 * processes of other users, which cannot read the key, cannot join it.
 */
final class PrivateCertificate {

  static final String DIR = "mv9.cluster.dir";
  static final String CERT_FILE = "cluster.crt";
  static final String KEY_FILE = "cluster.key";
  private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

  private PrivateCertificate() {
  }

  static ClusterCredentials ofThisUser(UnaryOperator<String> properties) {
    String configured = properties.apply(DIR);
    Path dir = configured != null ? Path.of(configured)
      : Path.of(properties.apply("user.home"), ".multiverse9", "cluster");
    try {
      return inDirectory(dir);
    } catch (IOException e) {
      throw new ClusterException("cannot make the private cluster certificate in " + dir + ": " + e.getMessage()
        + " (set -D" + DIR + " to another directory)", e);
    }
  }

  static ClusterCredentials inDirectory(Path dir) throws IOException {
    boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir.toAbsolutePath().getParent());
      try {
        Files.createDirectory(dir, posix ? new java.nio.file.attribute.FileAttribute<?>[] {
          PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR)} : new java.nio.file.attribute.FileAttribute<?>[0]);
      } catch (java.nio.file.FileAlreadyExistsException e) {
        // another JVM of this user made it first
      }
    }
    if (posix && !Files.getPosixFilePermissions(dir).equals(OWNER_ONLY_DIR)) {
      throw new ClusterException(dir + " must be readable by its owner only: chmod 700 " + dir);
    }
    Path cert = dir.resolve(CERT_FILE);
    Path key = dir.resolve(KEY_FILE);
    // JVMs starting together must not each make their own: the first makes it, the others wait and use it
    try (FileChannel lock = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
         FileLock held = lock.lock()) {
      if (!Files.exists(cert) || !Files.exists(key)) {
        make(dir, cert, key, posix);
      }
    }
    if (posix && !Files.getPosixFilePermissions(key).equals(OWNER_ONLY_FILE)) {
      throw new ClusterException(key + " must be readable by its owner only: chmod 600 " + key);
    }
    return new ClusterCredentials(cert, key, cert);
  }

  private static void make(Path dir, Path cert, Path key, boolean posix) throws IOException {
    SelfSignedCertificate made = SelfSignedCertificate.create("multiverse9-cluster");
    try {
      place(Path.of(made.privateKeyPath()), dir, key, posix);
      place(Path.of(made.certificatePath()), dir, cert, posix);
    } finally {
      made.delete();
    }
  }

  /** Copied under a temporary name made owner-only before anything is written to it, then renamed into place. */
  private static void place(Path from, Path dir, Path to, boolean posix) throws IOException {
    Path partial = posix ? Files.createTempFile(dir, "part", ".pem", PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE))
      : Files.createTempFile(dir, "part", ".pem");
    Files.write(partial, Files.readAllBytes(from));
    Files.move(partial, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
