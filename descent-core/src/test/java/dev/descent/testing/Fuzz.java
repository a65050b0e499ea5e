package dev.descent.testing;

import java.util.Base64;
import java.util.List;

/**
 * The contract every parser of outside bytes is fuzzed against: for any input it returns normally
 * or throws its one typed format error — never another exception — and allocates at most
 * {@link #BASE_BYTES} plus {@link #PER_INPUT_BYTE} times the input's size. Used by the seeded mutation
 * fuzzer of the default suite ({@link #mutate}) and by the Jazzer fuzz tests ({@link #check}).
 */
public final class Fuzz {

    /** What a parser may allocate whatever the input: its own tables, Jackson's buffers, a small model. */
    public static final long BASE_BYTES = 32L << 20;
    /** A small multiple of the input: a parsed tree, a copy of the payload, a model built from it. */
    public static final long PER_INPUT_BYTE = 64;

    /** A parser of outside bytes and the one exception type it may throw. */
    @FunctionalInterface
    public interface Parser {
        void parse(byte[] input) throws Exception;
    }

    /** A parser under test. */
    public record Target(String name, Class<? extends Throwable> allowed, Parser parser) {
    }

    /** What one input did: parsed, or refused with the typed error. */
    public enum Outcome { ACCEPTED, REJECTED }

    /** The counts of a fuzz run. */
    public record Report(String target, long inputs, long accepted, long rejected, long maxAllocatedBytes, double seconds) {
        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%-20s %,9d inputs: %,9d accepted, %,9d refused with the typed error, 0 other outcomes; max %,.1f MB allocated%s",
                    target, inputs, accepted, rejected, maxAllocatedBytes / 1e6, seconds > 0 ? String.format(java.util.Locale.ROOT, "; %.1f s", seconds) : "");
        }
    }

    private Fuzz() {
    }

    /** Runs one input and checks the contract; returns what it did and records the allocation in {@code allocated[0]}. */
    public static Outcome check(Target t, byte[] input, long[] allocated) {
        long budget = BASE_BYTES + PER_INPUT_BYTE * input.length;
        long[] used = {0};
        Outcome o = run(t, input, used);
        if (used[0] > budget) {
            // The first run of a code path also loads (and, under Jazzer, instruments) classes on this
            // thread; the parser is deterministic, so a second run measures the parse alone.
            run(t, input, used);
            if (used[0] > budget) {
                throw new AssertionError(t.name() + ": an input of " + input.length + " bytes allocated " + used[0] + " bytes; " + saved(t, input));
            }
        }
        if (allocated != null) {
            allocated[0] = Math.max(allocated[0], used[0]);
        }
        return o;
    }

    private static Outcome run(Target t, byte[] input, long[] used) {
        long a0 = Limits.allocated();
        try {
            t.parser().parse(input);
            return Outcome.ACCEPTED;
        } catch (Throwable e) {
            if (!t.allowed().isInstance(e)) {
                throw new AssertionError(t.name() + ": an input of " + input.length + " bytes threw " + e + " instead of " + t.allowed().getSimpleName()
                        + "; " + saved(t, input), e);
            }
            return Outcome.REJECTED;
        } finally {
            used[0] = Limits.allocated() - a0;
        }
    }

    /** Keeps a failing input in target/fuzz-failures for reproduction; says where (and its first bytes). */
    private static String saved(Target t, byte[] input) {
        String head = Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(input, Math.min(input.length, 96)));
        try {
            java.nio.file.Path dir = java.nio.file.Files.createDirectories(java.nio.file.Path.of("target", "fuzz-failures"));
            java.nio.file.Path f = dir.resolve(t.name() + "-" + Integer.toHexString(java.util.Arrays.hashCode(input)) + ".bin");
            java.nio.file.Files.write(f, input);
            return "the input is in " + f.toAbsolutePath() + " (base64 of its start: " + head + ")";
        } catch (java.io.IOException e) {
            return "the input starts (base64) " + head;
        }
    }

    /** Inputs checked by {@link #check(Target, byte[])} in this JVM, per target: accepted, refused. */
    private static final java.util.Map<String, long[]> COUNTS = new java.util.concurrent.ConcurrentHashMap<>();

    /** Prints the counts of {@link #check(Target, byte[])} per target (the Jazzer tests' {@code @AfterAll}; scripts/fuzz collects these lines). */
    public static void printCounts() {
        COUNTS.forEach((name, c) -> System.out.println("fuzz " + new Report(name, c[0] + c[1], c[0], c[1], c[2], 0)));
    }

    /** Checks one input (the Jazzer fuzz tests call this), counting outcomes per target. */
    public static Outcome check(Target t, byte[] input) {
        long[] max = {0};
        Outcome o = check(t, input, max);
        long[] c = COUNTS.computeIfAbsent(t.name(), k -> new long[3]);
        synchronized (c) {
            c[o == Outcome.ACCEPTED ? 0 : 1]++;
            c[2] = Math.max(c[2], max[0]);
        }
        return o;
    }

    /** Tries {@code count} mutations of {@code seeds} drawn from {@code seed}; every one must keep the contract. */
    public static Report mutate(Target t, List<byte[]> seeds, long seed, long count) {
        long t0 = System.nanoTime();
        for (byte[] s : seeds) {
            // The seeds themselves are valid files: each must be accepted, or the fuzzer tests nothing.
            try {
                t.parser().parse(s);
            } catch (Exception e) {
                throw new AssertionError(t.name() + ": a seed input is refused: " + e.getMessage(), e);
            }
        }
        Mutator m = new Mutator(seeds, seed);
        long accepted = 0, rejected = 0;
        long[] max = {0};
        for (long i = 0; i < count; i++) {
            byte[] input = m.next();
            try {
                if (check(t, input, max) == Outcome.ACCEPTED) {
                    accepted++;
                } else {
                    rejected++;
                }
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + ", input " + i + ": " + e.getMessage(), e.getCause());
            }
        }
        return new Report(t.name(), count, accepted, rejected, max[0], (System.nanoTime() - t0) / 1e9);
    }

    /**
     * A fresh directory for targets that read their input from a file: in memory ({@code /dev/shm})
     * where there is one, since a fuzz run writes a file per input.
     */
    public static java.nio.file.Path scratchDirectory(String prefix) {
        try {
            java.nio.file.Path shm = java.nio.file.Path.of("/dev/shm");
            java.nio.file.Path d = java.nio.file.Files.isDirectory(shm) && java.nio.file.Files.isWritable(shm)
                    ? java.nio.file.Files.createTempDirectory(shm, prefix) : java.nio.file.Files.createTempDirectory(prefix);
            // Removed with everything in it when the test JVM ends (deleteOnExit only removes empty directories).
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try (java.util.stream.Stream<java.nio.file.Path> all = java.nio.file.Files.walk(d)) {
                    all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                } catch (java.io.IOException ignored) {
                    // best effort: a temporary directory
                }
            }));
            return d;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The number of mutated inputs per parser: {@code -Ddescent.fuzz.inputs=N} for a long run, else {@code dflt}. */
    public static long inputs(long dflt) {
        return Long.getLong("descent.fuzz.inputs", dflt);
    }
}
