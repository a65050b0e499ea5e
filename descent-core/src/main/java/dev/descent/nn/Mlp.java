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
        return scores(input, parameters());
    }

    /**
     * {@link #forward(Tensor)} with {@code params} in place of this model's parameters, in the order of
     * {@link #parameters()} ({@code main.0.weight}, {@code main.0.bias}, {@code main.2.weight}, …).
     * Data-parallel training runs it on shards of a batch with replicas of the parameters that share
     * their storage but own their gradients ({@link Tensor#detach()}, then {@code requiresGrad}).
     *
     * @throws IllegalArgumentException if the number of tensors does not match the parameters
     */
    public Tensor forward(Tensor input, List<Tensor> params) {
        return scores(input, params).logSoftmax(1);
    }

    /** {@link #scores(Tensor)} with {@code params} in place of this model's parameters (see {@link #forward(Tensor, List)}). */
    public Tensor scores(Tensor input, List<Tensor> params) {
        return layersFrom(0, input.view(-1, spec.inDim()), params);
    }

    /**
     * {@link #forward(Tensor, List)} from the first linear layer's output {@code z0} (its pre-activation,
     * shape [N, h1]) on: the layers after the first, then the log-softmax. Data-parallel training runs
     * the first layer itself, so that its weight gradient can be computed once for the whole batch.
     *
     * @throws IllegalArgumentException if the number of tensors does not match the parameters
     */
    public Tensor forwardFromFirstLayer(Tensor z0, List<Tensor> params) {
        return layersFrom(1, z0, params).logSoftmax(1);
    }

    /** Linear layers {@code first}, {@code first + 1}, … on x (the activation before each but the first layer's), with {@code params}. */
    private Tensor layersFrom(int first, Tensor x, List<Tensor> params) {
        int perLayer = spec.bias() ? 2 : 1, layers = spec.dims().length - 1;
        if (params.size() != layers * perLayer) {
            throw new IllegalArgumentException("Mlp.forward: " + params.size() + " parameter tensors for a model with " + parameters().size());
        }
        for (int i = first; i < layers; i++) {
            if (i > 0) {
                x = spec.activation().apply(x);
            }
            x = dev.descent.tensor.F.linear(x, params.get(i * perLayer), spec.bias() ? params.get(i * perLayer + 1) : null);
        }
        return x;
    }

    /** PyTorch's name of the tutorial's class. */
    @Override
    protected String typeName() {
        return "MLP";
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
