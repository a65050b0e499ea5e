package dev.descent.optim.transform;

/**
 * A link whose parameters differ between training and evaluation, as Schedule-Free's: gradients
 * are taken at one sequence (y) and the model is evaluated at another (x). The optimizer's
 * {@code train()} and {@code eval()} call these for every parameter with state.
 *
 * @param <O> the algorithm's options record
 */
public interface ModeSwitch<O> extends Transform<O> {

    /** Puts the evaluation point into the parameter. */
    void toEval(Slot<O> s);

    /** Puts the training point back into the parameter. */
    void toTrain(Slot<O> s);
}
