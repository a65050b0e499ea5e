package dev.descent.optim;

import java.util.List;

import dev.descent.tensor.Tensor;

/**
 * A fully typed optimizer configuration: the algorithm, the learning rate, the weight decay and the
 * algorithm's options. The CLI parses strings into one at its edge; the library only sees this.
 *
 * @param <O> the algorithm's options record
 */
public record OptimizerSpec<O>(UpdateRule<O> rule, double lr, double weightDecay, O options) {

    /** Validates every option now, so a bad configuration fails before any training starts. */
    public OptimizerSpec {
        Checks.lr(lr);
        Checks.weightDecay(weightDecay);
        rule.validate(options);
    }

    /** A new optimizer over {@code params} (one group). */
    public Optimizer<O> create(List<Tensor> params) {
        return new Optimizer<>(rule, params, lr, weightDecay, options);
    }
}
