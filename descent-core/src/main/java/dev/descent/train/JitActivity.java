package dev.descent.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CPU time HotSpot's JIT compiler threads have used, from Linux's {@code /proc/self/task}: a
 * compiler thread that is working uses CPU, an idle one waits. The compilation-time counter of
 * {@link java.lang.management.CompilationMXBean} moves only when a compilation finishes, so during
 * one long C2 compilation (the training step's take 100–500 ms) it reads as quiet; a warm-up that
 * stopped there left that compilation, and those queued behind it, to run during the first epoch.
 * (HotSpot's {@code Compiler.queue} diagnostic command says the same through JMX, but starting JMX
 * generated enough classes that C2 then compiled the class-file generator during the first epoch.)
 */
final class JitActivity {

    private static final Path TASKS = Path.of("/proc/self/task");

    private JitActivity() {
    }

    /**
     * Clock ticks of CPU (user and system) used so far by the threads named as HotSpot names its
     * compiler threads ("C1 CompilerThread0", "C2 CompilerThread1", … as the kernel shortens them),
     * or -1 where that cannot be read (not Linux, no such threads).
     */
    static long compilerTicks() {
        if (!Files.isDirectory(TASKS)) {
            return -1;
        }
        long ticks = 0;
        int threads = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path task : tasks) {
                String name;
                String stat;
                try {
                    name = Files.readString(task.resolve("comm"));
                    if (!isCompiler(name)) {
                        continue;
                    }
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException | UncheckedIOException e) {
                    continue; // a thread that ended while listed
                }
                long t = cpuTicks(stat);
                if (t >= 0) {
                    ticks += t;
                    threads++;
                }
            }
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
        return threads > 0 ? ticks : -1;
    }

    /** Whether a thread's {@code comm} is one of HotSpot's compiler threads. */
    static boolean isCompiler(String comm) {
        String n = comm.strip();
        return n.startsWith("C1 Compiler") || n.startsWith("C2 Compiler");
    }

    /**
     * utime + stime from a {@code /proc/<pid>/task/<tid>/stat} line (fields 14 and 15, counted
     * after the command name, which may itself hold spaces and parentheses), or -1 if malformed.
     */
    static long cpuTicks(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0 || close + 2 > stat.length()) {
            return -1;
        }
        String[] f = stat.substring(close + 2).strip().split(" ");
        // f[0] is field 3 (the state): utime is field 14, stime field 15.
        if (f.length < 13) {
            return -1;
        }
        try {
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
