package dev.descent.optim.fused;

import java.util.Locale;

import dev.descent.tensor.kernel.KernelProvider;

/**
 * Chooses the fused-update implementation once, with the same rule as {@link KernelProvider}: the
 * Vector API form when the {@code jdk.incubator.vector} module is loaded and its preferred vector
 * holds at least 4 floats, the scalar form otherwise or when {@code -Ddescent.kernels=scalar}.
 */
public final class FusedProvider {

    private static final FusedUpdates UPDATES = choose();

    private FusedProvider() {
    }

    /** The implementation chosen for this JVM. */
    public static FusedUpdates updates() {
        return UPDATES;
    }

    /**
     * Runs an optimizer step's element-wise passes on all kernel threads at once, in one hand-off:
     * {@code passes[i]} is parameter i's update, made of {@link FusedUpdates} calls on arrays of
     * {@code sizes[i]} elements that touch element j only to compute element j (an
     * {@code ElementwiseFusable}'s prepared pass); each thread runs every pass on its share of the
     * elements, piece by piece, and zeroes that piece of {@code clear[i]} (the gradient, when the step
     * zeroes it; null entries are left alone) while it is still in the core's cache. Every element is
     * computed as the whole-array call computes it, so results do not depend on the thread count.
     */
    public static void runByRanges(int[] sizes, Runnable[] passes, float[][] clear) {
        Split.byRanges(sizes, passes, clear);
    }

    /** The number of elements below which a step's updates run on one thread (a hand-off costs more). */
    public static int parallelElements() {
        return Split.PARALLEL_ELEMENTS;
    }

    /** The plain-Java implementation, always available. */
    public static FusedUpdates scalar() {
        return ScalarUpdates.INSTANCE;
    }

    /**
     * The Vector API implementation.
     *
     * @throws IllegalStateException when the module {@code jdk.incubator.vector} is not loaded
     */
    public static FusedUpdates vector() {
        if (!KernelProvider.vectorAvailable()) {
            throw new IllegalStateException("the Vector API is not available: run with --add-modules jdk.incubator.vector");
        }
        return VectorSupport.create();
    }

    private static FusedUpdates choose() {
        String forced = System.getProperty(KernelProvider.PROPERTY, "").trim().toLowerCase(Locale.ROOT);
        if (!forced.equals("scalar") && KernelProvider.vectorAvailable() && VectorSupport.usable()) {
            return VectorSupport.create();
        }
        return scalar();
    }

    /** Keeps every reference to Vector API classes behind a class that loads only when the module is present. */
    private static final class VectorSupport {
        static boolean usable() {
            try {
                return VectorUpdates.lanes() >= 4;
            } catch (LinkageError e) {
                return false;
            }
        }

        static FusedUpdates create() {
            return VectorUpdates.INSTANCE;
        }
    }
}
