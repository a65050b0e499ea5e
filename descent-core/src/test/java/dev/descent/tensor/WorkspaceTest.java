package dev.descent.tensor;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A workspace hands the same arrays to a repeated computation, zeroed as new ones, and never a leaf's gradient. */
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
