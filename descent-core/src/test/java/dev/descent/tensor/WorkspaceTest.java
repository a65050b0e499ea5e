package dev.descent.tensor;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A workspace hands the same arrays to a repeated computation, zeroed as new ones, and a leaf's gradient only for a leaf made by {@link Workspace#leaf}. */
class WorkspaceTest {

    /** A small MLP-like step: linear, ReLU, linear, log-softmax, NLL, backward; returns the first layer's output. */
    private static Tensor step(Tensor x, Tensor w1, Tensor b1, Tensor w2, int[] y) {
        Tensor h = F.linear(x, w1, b1);
        Tensor logp = F.linear(h.relu(), w2, null).logSoftmax(1);
        F.nllLoss(logp, y, null, Reduction.MEAN, F.IGNORE_INDEX).backward();
        return h;
    }

    private static Tensor param(long seed, int... shape) {
        return Tensor.randn(new Generator(seed), shape).requiresGrad(true);
    }

    @Test
    void repeatedStepsReuseTheArraysAndGiveTheSameResults() {
        Tensor x = Tensor.randn(new Generator(1), 6, 5);
        int[] y = {0, 2, 1, 2, 0, 1};
        Tensor w1 = param(2, 4, 5), b1 = param(3, 4), w2 = param(4, 3, 4);
        Tensor plain = step(x, w1, b1, w2, y);
        float[] gradPlain = w1.grad().toArray();
        w1.zeroGrad();
        b1.zeroGrad();
        w2.zeroGrad();

        Workspace ws = new Workspace();
        Tensor first;
        try (Workspace open = ws.open()) {
            first = step(x, w1, b1, w2, y);
        }
        float[] firstData = first.data();
        assertThat(first.toArray()).containsExactly(plain.toArray());
        assertThat(w1.grad().toArray()).containsExactly(gradPlain);
        w1.zeroGrad();
        b1.zeroGrad();
        w2.zeroGrad();
        // Scribbled over, as a later use of the arrays would: the next opening hands them out zeroed.
        java.util.Arrays.fill(firstData, 7f);
        Tensor second;
        try (Workspace open = ws.open()) {
            second = step(x, w1, b1, w2, y);
        }
        assertThat(second.data()).isSameAs(firstData);
        assertThat(second.toArray()).containsExactly(plain.toArray());
        assertThat(w1.grad().toArray()).containsExactly(gradPlain);
    }

    @Test
    void leafGradientsAndClosedWorkspacesAllocateAsBefore() {
        Tensor w = param(5, 3, 2);
        Workspace ws = new Workspace();
        try (Workspace open = ws.open()) {
            w.mul(w).sum().backward();
        }
        float[] once = w.grad().toArray();
        try (Workspace open = ws.open()) {
            w.mul(w).sum().backward();
            // More results than the first time: had the leaf's gradient been one of the workspace's
            // arrays, one of these would now be written over it.
            for (int i = 0; i < 4; i++) {
                w.mul(5f);
            }
        }
        float[] twice = w.grad().toArray();
        for (int i = 0; i < once.length; i++) {
            assertThat(twice[i]).isEqualTo(2 * once[i]);
        }
        Tensor a = w.mul(3f), b = w.mul(3f);
        assertThat(a.data()).isNotSameAs(b.data());
    }

    /**
     * A leaf made by {@link Workspace#leaf} (the step's shard input) takes its gradient from the workspace:
     * the same array at every opening, zeroed, the gradient the plain leaf gets; without the workspace
     * it was a new array at every step.
     */
    @Test
    void aWorkspaceLeafTakesItsGradientFromTheWorkspaceZeroedEachTime() {
        Tensor w = param(6, 3, 4);
        float[] h = Tensor.randn(new Generator(7), 5, 4).toArray();
        int[] y = {0, 2, 1, 2, 0};
        Tensor plainLeaf = Tensor.of(h.clone(), 5, 4).requiresGrad(true);
        F.nllLoss(F.linear(plainLeaf.relu(), w, null).logSoftmax(1), y, null, Reduction.MEAN, F.IGNORE_INDEX).backward();
        float[] expected = plainLeaf.grad().toArray();

        Workspace ws = new Workspace();
        float[] first = null;
        for (int rep = 0; rep < 3; rep++) {
            try (Workspace open = ws.open()) {
                Tensor leaf = Workspace.leaf(h.clone(), 5, 4);
                assertThat(leaf.isLeaf()).isTrue();
                assertThat(leaf.requiresGrad()).isTrue();
                F.nllLoss(F.linear(leaf.relu(), w, null).logSoftmax(1), y, null, Reduction.MEAN, F.IGNORE_INDEX).backward();
                assertThat(leaf.grad().toArray()).containsExactly(expected);
                if (first == null) {
                    first = leaf.gradData();
                } else {
                    assertThat(leaf.gradData()).isSameAs(first);
                }
                // Scribbled over: the next opening must hand it out zeroed again, or the gradient would accumulate.
                java.util.Arrays.fill(leaf.gradData(), 3f);
            }
        }
        assertThat(plainLeaf.gradData()).isNotSameAs(first);
    }

    /** Arrays of two lengths in turn (a pass's full batches and its short last one) are kept, both of them. */
    @Test
    void keptFloatsKeepBothLengthsAndWhatWasWritten() {
        KeptFloats kept = new KeptFloats();
        float[] full = kept.ofLength(8);
        full[0] = 5f;
        float[] shortOne = kept.ofLength(3);
        assertThat(shortOne).hasSize(3).isNotSameAs(full);
        assertThat(kept.ofLength(8)).isSameAs(full).startsWith(5f);
        assertThat(kept.ofLength(8)).isSameAs(full);
        assertThat(kept.ofLength(3)).isSameAs(shortOne);
        // A third length replaces the one not used last (8 was used before 3).
        float[] third = kept.ofLength(4);
        assertThat(third).hasSize(4);
        assertThat(kept.ofLength(3)).isSameAs(shortOne);
        assertThat(kept.ofLength(8)).isNotSameAs(full).hasSize(8).containsOnly(0f);
    }

    /** A workspace repeated at two sizes in turn hands out the same arrays for each size after the first of each. */
    @Test
    void aWorkspaceAtTwoSizesInTurnKeepsTheArraysOfBoth() {
        Tensor w1 = param(2, 4, 5), b1 = param(3, 4), w2 = param(4, 3, 4);
        Workspace ws = new Workspace();
        float[][] seen = new float[2][];
        for (int rep = 0; rep < 6; rep++) {
            int rows = rep % 2 == 0 ? 6 : 2;
            Tensor x = Tensor.randn(new Generator(rep), rows, 5);
            int[] y = new int[rows];
            try (Workspace open = ws.open()) {
                float[] h = step(x, w1, b1, w2, y).data();
                if (rep < 2) {
                    seen[rep] = h;
                } else {
                    assertThat(h).as("repetition %d", rep).isSameAs(seen[rep % 2]);
                }
            }
        }
    }

    @Test
    void nestedWorkspacesRestoreTheOuterOne() {
        Tensor v = Tensor.vector(1f, 2f);
        Workspace outer = new Workspace(), inner = new Workspace();
        float[] outerFirst, innerFirst;
        try (Workspace o = outer.open()) {
            outerFirst = v.mul(2f).data();
            try (Workspace i = inner.open()) {
                innerFirst = v.mul(2f).data();
            }
            assertThat(v.mul(2f).data()).isNotSameAs(outerFirst).isNotSameAs(innerFirst);
        }
        try (Workspace o = outer.open()) {
            assertThat(v.mul(2f).data()).isSameAs(outerFirst);
        }
        assertThatThrownBy(() -> {
            try (Workspace o = outer.open(); Workspace again = outer.open()) {
                assertThat(again).isNotNull();
            }
        }).isInstanceOf(IllegalStateException.class);
        // Re-opened under another workspace opened since: refused too, and the inner one still restores the outer.
        try (Workspace o = outer.open()) {
            try (Workspace i = inner.open()) {
                assertThatThrownBy(outer::open).isInstanceOf(IllegalStateException.class);
            }
            assertThat(v.mul(2f).data()).isSameAs(outerFirst);
        }
        // A workspace closed when it is not open leaves the open one in place.
        try (Workspace o = outer.open()) {
            inner.close();
            assertThat(v.mul(2f).data()).isSameAs(outerFirst);
        }
        assertThat(v.mul(2f).data()).isNotSameAs(outerFirst);
    }
}
