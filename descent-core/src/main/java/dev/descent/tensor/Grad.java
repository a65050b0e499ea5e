package dev.descent.tensor;

/**
 * Gradient-recording mode, per thread: {@code torch.no_grad()} as a try-with-resources scope.
 *
 * <pre>{@code
 * try (var off = Grad.off()) {
 *     Tensor logits = model.forward(x);   // records no graph
 * }
 * }</pre>
 */
public final class Grad {

    private static final ThreadLocal<int[]> DISABLED_DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private Grad() {
    }

    /** Whether operations on this thread currently record a graph. */
    public static boolean isEnabled() {
        return DISABLED_DEPTH.get()[0] == 0;
    }

    /** Disables graph recording on this thread until the returned scope is closed; scopes nest. */
    public static Scope off() {
        int[] depth = DISABLED_DEPTH.get();
        depth[0]++;
        return new Scope(depth);
    }

    /** A no-grad scope; closing it twice is harmless. */
    public static final class Scope implements AutoCloseable {
        private final int[] depth;
        private boolean closed;

        private Scope(int[] depth) {
            this.depth = depth;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                depth[0]--;
            }
        }
    }
}
