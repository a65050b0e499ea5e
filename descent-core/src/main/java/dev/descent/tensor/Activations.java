package dev.descent.tensor;

import dev.descent.tensor.kernel.KernelProvider;
import dev.descent.tensor.kernel.Kernels;

/** ReLU, on the vector kernels because it runs after every hidden layer of every step. */
final class Activations {

    private Activations() {
    }

    static Tensor relu(Tensor x) {
        Kernels k = KernelProvider.kernels();
        float[] xd = x.data();
        float[] y = Workspace.overwritten(xd.length);
        k.relu(xd, 0, y, 0, y.length);
        Tensor out = Tensor.wrap(y, x.shapeRef());
        // ReLU's derivative is read off its output: 1 where y > 0 (0 at the kink, as PyTorch).
        return Autograd.record(out, "relu", g -> k.reluBackward(y, 0, g, 0, x.gradBuffer(), 0, y.length), x);
    }
}
