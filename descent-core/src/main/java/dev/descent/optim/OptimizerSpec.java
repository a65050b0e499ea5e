package dev.descent.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.descent.optim.transform.Chain;
import dev.descent.optim.transform.Transform;
import dev.descent.tensor.Tensor;

/**
 * A fully typed optimizer configuration: the chain, the learning rate, the weight decay, the
 * algorithm's options, and how parameters are split into groups (one group, unless the algorithm
 * says otherwise, as Muon does). The CLI parses strings into one at its edge; the library only sees this.
 *
 * @param <O> the algorithm's options record
 */
public record OptimizerSpec<O>(Chain<O> chain, double lr, double weightDecay, O options, Grouping<O> grouping) {

    /** Splits parameters (with their names, or null) into groups for a spec. */
    @FunctionalInterface
    public interface Grouping<O> {
        /** The groups of {@code params}; {@code names} is parallel to it, or null. */
        List<Optimizer.GroupSpec<O>> groups(List<Tensor> params, List<String> names, OptimizerSpec<O> spec);
    }

    /** Validates every option now, so a bad configuration fails before any training starts. */
    public OptimizerSpec {
        Checks.lr(lr);
        Checks.weightDecay(weightDecay);
        chain.validate(options);
        if (grouping == null) {
            grouping = (params, names, s) -> List.of(new Optimizer.GroupSpec<>(params, names, s.lr(), s.weightDecay(), false, s.options()));
        }
    }

    /** A spec that puts every parameter in one group. */
    public OptimizerSpec(Chain<O> chain, double lr, double weightDecay, O options) {
        this(chain, lr, weightDecay, options, null);
    }

    /** The algorithm's name (PyTorch's class name for the presets). */
    public String name() {
        return chain.name();
    }

    /** A new optimizer over unnamed parameters. */
    public Optimizer<O> create(List<Tensor> params) {
        return new Optimizer<>(chain, grouping.groups(params, null, this));
    }

    /** A new optimizer over named parameters (a model's {@code namedParameters()}): its state dict records the names. */
    public Optimizer<O> create(Map<String, Tensor> named) {
        return new Optimizer<>(chain, grouping.groups(new ArrayList<>(named.values()), new ArrayList<>(named.keySet()), this));
    }

    /** The same spec at another learning rate (a tuner's grid; Muon's auxiliary Adam keeps its own). */
    public OptimizerSpec<O> withLr(double newLr) {
        return new OptimizerSpec<>(chain, newLr, weightDecay, options, grouping);
    }

    /** This spec with {@code link} first in its chain (clipping, which reads no options). */
    public OptimizerSpec<O> prepend(Transform<Object> link) {
        return new OptimizerSpec<>(chain.prepend(link), lr, weightDecay, options, grouping);
    }
}
