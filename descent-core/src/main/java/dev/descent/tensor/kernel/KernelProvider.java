package dev.descent.tensor.kernel;

import java.util.Locale;

/**
 * Chooses the kernel implementation once, at class-initialisation time.
 *
 * <p>The Vector API implementation is used when the {@code jdk.incubator.vector} module is in the
 * boot layer and the preferred vector holds at least 4 floats; the system property
 * {@code descent.kernels=scalar} forces the scalar path (for comparisons and for machines where the
 * Vector API misbehaves).
 */
public final class KernelProvider {

    /** System property that selects the implementation: {@code vector} (default when available) or {@code scalar}. */
    public static final String PROPERTY = "descent.kernels";

    private static final Kernels KERNELS = choose();

    private KernelProvider() {
    }

    /** The kernels chosen for this JVM. */
    public static Kernels kernels() {
        return KERNELS;
    }

    /** The plain-Java kernels, always available. */
    public static Kernels scalar() {
        return ScalarKernels.INSTANCE;
    }

    /** Whether the Vector API implementation can run in this JVM. */
    public static boolean vectorAvailable() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() && VectorSupport.usable();
    }

    /**
     * The Vector API kernels.
     *
     * @throws IllegalStateException when the module {@code jdk.incubator.vector} is not loaded
     */
    public static Kernels vector() {
        if (!vectorAvailable()) {
            throw new IllegalStateException("the Vector API is not available: run with --add-modules jdk.incubator.vector");
        }
        return VectorSupport.create();
    }

    private static Kernels choose() {
        String forced = System.getProperty(PROPERTY, "").trim().toLowerCase(Locale.ROOT);
        if (forced.equals("scalar")) {
            return scalar();
        }
        if (vectorAvailable()) {
            return VectorSupport.create();
        }
        if (forced.equals("vector")) {
            throw new IllegalStateException(PROPERTY + "=vector but the Vector API is not available: run with --add-modules jdk.incubator.vector");
        }
        return scalar();
    }

    /** Keeps every reference to Vector API classes behind a class that loads only when the module is present. */
    private static final class VectorSupport {
        static boolean usable() {
            try {
                return VectorKernels.lanes() >= 4;
            } catch (LinkageError e) {
                return false;
            }
        }

        static Kernels create() {
            return VectorKernels.INSTANCE;
        }
    }
}
