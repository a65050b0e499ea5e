package dev.descent.nn;

import java.util.ArrayList;
import java.util.List;

import dev.descent.tensor.Generator;
import dev.descent.tensor.Tensor;

/**
 * The tutorial's multilayer perceptron:
 *
 * <pre>
 * main = Sequential(Linear(in, h1), ReLU(), Linear(h1, h2), ReLU(), …, Linear(hk, out))
 * forward(x) = log_softmax(main(x.view(-1, in)), dim=1)
 * </pre>
 *
 * Parameter names are PyTorch's: {@code main.0.weight}, {@code main.0.bias}, {@code main.2.weight}, …
 * With no hidden layers it is the linear (softmax-regression) model.
 */
public final class Mlp extends Module {

    private final MlpSpec spec;
    private final Sequential main;

    /** Builds the network with weights drawn from {@code gen}. */
    public Mlp(MlpSpec spec, Generator gen) {
        this.spec = spec;
        int[] d = spec.dims();
        List<Module> layers = new ArrayList<>();
        for (int i = 0; i + 1 < d.length; i++) {
            if (i > 0) {
                layers.add(spec.activation().module());
            }
            layers.add(new Linear(d[i], d[i + 1], spec.bias(), gen));
        }
        this.main = registerModule("main", new Sequential(layers.toArray(Module[]::new)));
    }

    /** The tutorial's MLP (bias, ReLU) seeded from {@code seed}. */
    public static Mlp of(int inDim, List<Integer> hiddenDims, int outDim, long seed) {
        return new Mlp(MlpSpec.of(inDim, hiddenDims, outDim), new Generator(seed));
    }

    @Override
    public Tensor forward(Tensor input) {
        return scores(input).logSoftmax(1);
    }

    /** {@code main(x.view(-1, in))}: the outputs before the log-softmax. */
    @Override
    public Tensor scores(Tensor input) {
        return main.forward(input.view(-1, spec.inDim()));
    }

    /** The architecture. */
    public MlpSpec spec() {
        return spec;
    }

    /** The linear layers, input first. */
    public List<Linear> linears() {
        List<Linear> out = new ArrayList<>();
        for (Module m : main.layers()) {
            if (m instanceof Linear l) {
                out.add(l);
            }
        }
        return out;
    }
}
