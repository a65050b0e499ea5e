package dev.descent.tune;

import java.time.Instant;

/**
 * The process that runs a trial: its id, host and start time. A trial whose owner process is gone
 * (on this host: no process with that id, or one that started at another time, so a reused id is not
 * mistaken for the owner) was cut off by a crash and is marked failed.
 *
 * @param start the process's start time, as the operating system reports it (null if unknown)
 */
public record TrialOwner(long pid, String host, Instant start) {

    /** This process. */
    public static TrialOwner current() {
        return Self.OWNER;
    }

    private static final class Self {
        static final TrialOwner OWNER = new TrialOwner(ProcessHandle.current().pid(), hostName(),
                ProcessHandle.current().info().startInstant().orElse(null));
    }

    /** Whether the owner runs on this host and is certainly not alive. Owners on other hosts are never judged. */
    public boolean isDeadHere() {
        if (!hostName().equals(host)) {
            return false;
        }
        return ProcessHandle.of(pid).map(p -> !p.isAlive() || (start != null && p.info().startInstant().map(s -> !s.equals(start)).orElse(false)))
                .orElse(true);
    }

    private static String hostName() {
        return Host.NAME;
    }

    /** Looked up once: a name lookup can take a while. */
    private static final class Host {
        static final String NAME = lookUp();

        /**
         * The host's name; when it does not resolve, the kernel's name for it, and failing that a name
         * no other machine has: two machines must never share a name here, or each would judge the
         * other's trials by its own process ids.
         */
        private static String lookUp() {
            try {
                return java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.net.UnknownHostException e) {
                try {
                    String n = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).strip();
                    if (!n.isEmpty()) {
                        return n;
                    }
                } catch (java.io.IOException | RuntimeException ignored) {
                    // not Linux
                }
                String env = System.getenv("HOSTNAME");
                return env != null && !env.isBlank() ? env : "unnamed-" + java.util.UUID.randomUUID();
            }
        }
    }
}
