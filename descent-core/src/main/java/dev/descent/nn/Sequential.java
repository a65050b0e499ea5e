package dev.descent.nn;

import java.util.List;

import dev.descent.tensor.Tensor;

/** Modules applied in order, named "0", "1", … as {@code torch.nn.Sequential}. */
public final class Sequential extends Module {

    private final List<Module> layers;

    /** A chain of the given modules. */
    public Sequential(Module... layers) {
        this.layers = List.of(layers);
        for (int i = 0; i < layers.length; i++) {
            registerModule(Integer.toString(i), layers[i]);
        }
    }

    @Override
    public Tensor forward(Tensor input) {
        Tensor x = input;
        for (Module m : layers) {
            x = m.forward(x);
        }
        return x;
    }

    /** The layers in order. */
    public List<Module> layers() {
        return layers;
    }
}
