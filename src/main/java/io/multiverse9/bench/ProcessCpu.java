package io.multiverse9.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CPU time (user + system) that named processes spend during a measured run, read from Linux's
 * {@code /proc/PID/stat} when the run starts and when it ends, and the load generator's own. On a machine whose
 * cores the node, its Redis and the load generator share, throughput says who is slowest, not who spends the
 * cores; CPU per request does. Reading at the run's edges leaves out each process's start, its JIT warm-up and
 * whatever the bench did before measuring (storing keys).
 */
public final class ProcessCpu {

  /** Linux counts utime and stime in USER_HZ ticks, 100 a second on every architecture. */
  private static final double MICROS_PER_TICK = 10_000;

  private final Map<String, List<Long>> groups;

  private ProcessCpu(Map<String, List<Long>> groups) {
    this.groups = groups;
  }

  /**
   * Parses {@code NAME=PID[,PID...]} specs; the load generator itself is added as {@code bench}.
   *
   * @throws IllegalArgumentException saying what is wrong with a spec, or which process cannot be read
   */
  public static ProcessCpu of(List<String> specs) {
    Map<String, List<Long>> groups = new LinkedHashMap<>();
    for (String spec : specs) {
      int eq = spec.indexOf('=');
      if (eq <= 0 || eq == spec.length() - 1) {
        throw new IllegalArgumentException("--cpu takes NAME=PID[,PID...], got \"" + spec + "\"");
      }
      List<Long> pids = new ArrayList<>();
      for (String pid : spec.substring(eq + 1).split(",")) {
        try {
          pids.add(Long.parseLong(pid.strip()));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("--cpu " + spec + ": \"" + pid + "\" is not a process id");
        }
      }
      groups.put(spec.substring(0, eq), pids);
    }
    groups.put("bench", List.of(ProcessHandle.current().pid()));
    ProcessCpu cpu = new ProcessCpu(groups);
    cpu.ticksNow(); // fails now, with the process named, rather than after a run
    return cpu;
  }

  /** Reads every group's CPU time so far; call at the start of the measured run. */
  public Start start() {
    return new Start(ticksNow());
  }

  /** The CPU time at the start of a run. */
  public final class Start {
    private final long[] ticks;

    private Start(long[] ticks) {
      this.ticks = ticks;
    }

    /** Microseconds of CPU per request of each group since the start, in the order the groups were given. */
    public Map<String, Double> perRequest(long requests) {
      long[] now = ticksNow();
      Map<String, Double> result = new LinkedHashMap<>();
      int i = 0;
      for (String name : groups.keySet()) {
        double micros = (now[i] - ticks[i]) * MICROS_PER_TICK;
        result.put(name, requests == 0 ? 0 : Math.round(micros / requests * 10) / 10.0);
        i++;
      }
      return result;
    }
  }

  private long[] ticksNow() {
    long[] ticks = new long[groups.size()];
    int i = 0;
    for (List<Long> pids : groups.values()) {
      for (long pid : pids) {
        ticks[i] += ticks(pid);
      }
      i++;
    }
    return ticks;
  }

  /** utime + stime of {@code pid}, in ticks. */
  static long ticks(long pid) {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    try {
      String line = Files.readString(stat);
      // the command name, in parentheses, may hold spaces: the fields are counted after its closing parenthesis
      String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // fields 14 and 15 of the whole line
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("--cpu: there is no process " + pid + " (or no /proc: Linux only)");
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("--cpu: cannot read the CPU time of process " + pid + " from " + stat
        + ": " + e.getMessage());
    }
  }
}
