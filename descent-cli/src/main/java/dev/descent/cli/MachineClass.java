package dev.descent.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import dev.descent.tensor.kernel.KernelProvider;

/**
 * The class of machine a benchmark ran on, named by what the kernels actually use: the Vector API's
 * preferred vector width (which the JVM may limit below the CPU's, e.g. {@code -XX:UseAVX=2} on an
 * AVX-512 CPU) and the CPU's SIMD flags from {@code /proc/cpuinfo}, so that a figure is never read
 * as another class's.
 *
 * @param name        "AVX-512", "AVX2", "scalar" or "vector-N" (another ISA)
 * @param kernels     the kernel implementation ("vector-256", "vector-512", "scalar")
 * @param cpuFlags    the CPU's SIMD flags among avx2, fma, avx512f (empty where unknown)
 */
record MachineClass(String name, String kernels, Set<String> cpuFlags) {

    private static final List<String> FLAGS = List.of("avx2", "fma", "avx512f");

    /** The class of this JVM on this CPU. */
    static MachineClass detect() {
        return of(KernelProvider.kernels().name(), cpuFlags(Path.of("/proc/cpuinfo")));
    }

    /** The class for a kernel name and the CPU's flags. */
    static MachineClass of(String kernels, Set<String> cpuFlags) {
        String name = switch (kernels) {
            case "vector-512" -> "AVX-512";
            case "vector-256" -> cpuFlags.contains("avx2") || cpuFlags.isEmpty() ? "AVX2" : "vector-256";
            case "scalar" -> "scalar";
            default -> kernels;
        };
        return new MachineClass(name, kernels, Set.copyOf(cpuFlags));
    }

    /** The SIMD flags of the first processor listed in a cpuinfo file; empty when it cannot be read. */
    static Set<String> cpuFlags(Path cpuinfo) {
        Set<String> found = new TreeSet<>();
        try {
            for (String line : Files.readAllLines(cpuinfo)) {
                if (line.startsWith("flags")) {
                    for (String f : line.substring(line.indexOf(':') + 1).trim().split("\\s+")) {
                        if (FLAGS.contains(f)) {
                            found.add(f);
                        }
                    }
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            return Set.of();
        }
        return found;
    }

    /** One line for a report, e.g. "AVX2 (kernels vector-256; CPU flags avx2 avx512f fma: the JVM uses less than the CPU has)". */
    String describe() {
        String flags = cpuFlags.isEmpty() ? "CPU flags unknown" : "CPU flags " + String.join(" ", new TreeSet<>(cpuFlags));
        boolean limited = name.equals("AVX2") && cpuFlags.contains("avx512f");
        return String.format(Locale.ROOT, "%s (kernels %s; %s%s)", name, kernels, flags,
                limited ? ": the CPU has AVX-512 but this JVM uses 256-bit vectors, e.g. -XX:UseAVX=2" : "");
    }
}
