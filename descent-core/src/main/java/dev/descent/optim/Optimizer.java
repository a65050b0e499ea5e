package dev.descent.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import dev.descent.optim.transform.Chain;
import dev.descent.optim.transform.ParamState;
import dev.descent.optim.transform.Slot;
import dev.descent.tensor.Tensor;

/**
 * An optimizer, as {@code torch.optim.Optimizer}: parameter groups with their hyperparameters,
 * per-parameter state, and a {@link Chain} of gradient transforms that every {@link #step()}
 * runs over the parameters that have a gradient (the others are skipped and get no state, as in
 * PyTorch). The gradients themselves are never modified.
 *
 * <p>Parameters may carry names (a model's {@code namedParameters()}); the state dict records them
 * beside the positions, and {@link #loadStateDict} refuses a state whose names or shapes differ.
 * {@link #train()} and {@link #eval()} switch the parameters between the point gradients are taken
 * at and the point to evaluate, for chains that distinguish them (Schedule-Free); for the others
 * they only record the mode.
 *
 * @param <O> the algorithm's options record
 */
public final class Optimizer<O> {

    /** Re-evaluates the model and returns the loss, with gradients computed (PyTorch's closure). */
    @FunctionalInterface
    public interface Closure {
        /** Zeroes gradients, computes the loss, calls backward, and returns the loss. */
        float evaluate();
    }

    /**
     * One group's parameters and hyperparameters, as a dict in PyTorch's {@code params} list.
     *
     * @param names the parameters' names in the same order, or null when they have none
     */
    public record GroupSpec<O>(List<Tensor> params, List<String> names, double lr, double weightDecay, boolean maximize, O options) {

        /** Copies the lists; the names, when given, must match the parameters one to one. */
        public GroupSpec {
            params = List.copyOf(params);
            if (names != null) {
                if (names.size() != params.size()) {
                    throw new IllegalArgumentException("a parameter group has " + params.size() + " parameters but " + names.size() + " names");
                }
                names = List.copyOf(names);
            }
        }

        /** A group of unnamed parameters. */
        public GroupSpec(List<Tensor> params, double lr, double weightDecay, boolean maximize, O options) {
            this(params, null, lr, weightDecay, maximize, options);
        }
    }

    private final Chain<O> chain;
    private final List<ParamGroup<O>> groups;
    private final List<Slot<O>> slots = new ArrayList<>();
    private final Map<Tensor, Slot<O>> byTensor = new IdentityHashMap<>();
    private final List<Slot<O>> stepping = new ArrayList<>();
    private long steps;
    private boolean trainMode = true;

    /**
     * An optimizer over the given groups.
     *
     * @throws IllegalArgumentException for an empty parameter list, a parameter in two groups, or a
     *                                  bad option (named, with its value)
     */
    public Optimizer(Chain<O> chain, List<GroupSpec<O>> specs) {
        this.chain = chain;
        if (specs.isEmpty()) {
            throw new IllegalArgumentException(chain.name() + ": optimizer got an empty parameter list");
        }
        List<ParamGroup<O>> gs = new ArrayList<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (GroupSpec<O> s : specs) {
            if (s.params().isEmpty()) {
                throw new IllegalArgumentException(chain.name() + ": optimizer got an empty parameter list");
            }
            for (Tensor p : s.params()) {
                if (!seen.add(p)) {
                    throw new IllegalArgumentException(chain.name() + ": some parameters appear in more than one parameter group");
                }
            }
            Checks.lr(s.lr());
            Checks.weightDecay(s.weightDecay());
            chain.validate(s.options());
            ParamGroup<O> g = new ParamGroup<>(s.params(), s.lr(), s.weightDecay(), s.maximize(), s.options());
            gs.add(g);
            for (int i = 0; i < s.params().size(); i++) {
                Slot<O> slot = new Slot<>(s.params().get(i), s.names() == null ? null : s.names().get(i), slots.size(), g);
                slots.add(slot);
                byTensor.put(slot.tensor(), slot);
            }
        }
        this.groups = List.copyOf(gs);
    }

    /** One group holding every parameter (unnamed). */
    public Optimizer(Chain<O> chain, List<Tensor> params, double lr, double weightDecay, O options) {
        this(chain, List.of(new GroupSpec<>(params, lr, weightDecay, false, options)));
    }

    /** The algorithm: its chain of transforms. */
    public Chain<O> chain() {
        return chain;
    }

    /** The parameter groups, in order. */
    public List<ParamGroup<O>> paramGroups() {
        return groups;
    }

    /** The parameters' names in group order (null entries for unnamed parameters). */
    public List<String> paramNames() {
        return Collections.unmodifiableList(slots.stream().map(Slot::name).toList());
    }

    /** How many times {@link #step()} has run. */
    public long steps() {
        return steps;
    }

    /** Replaces a group's algorithm options after validating them. */
    public void setOptions(ParamGroup<O> group, O options) {
        chain.validate(options);
        group.setOptionsUnchecked(options);
    }

    /**
     * Applies one update to every parameter that has a gradient.
     *
     * @throws IllegalStateException in eval mode when the chain distinguishes the modes: gradients
     *                               taken at the evaluation point would be applied to the wrong sequence
     */
    public void step() {
        step(false);
    }

    /**
     * {@link #step()} followed by {@link #zeroGrad(boolean) zeroGrad(false)}, with each gradient zeroed
     * right after its update, while it is still in cache: a training loop saves a pass over memory.
     */
    public void stepAndZeroGrad() {
        step(true);
    }

    private void step(boolean zeroAfter) {
        if (!trainMode && chain.hasModes()) {
            throw new IllegalStateException(chain.name() + ": step() in eval mode; call train() first");
        }
        stepping.clear();
        for (Slot<O> s : slots) {
            if (s.tensor().gradData() != null) {
                stepping.add(s);
            }
        }
        chain.step(stepping, zeroAfter);
        steps++;
    }

    /** Evaluates the closure (loss and gradients), steps, and returns the loss, as {@code step(closure)}. */
    public float step(Closure closure) {
        float loss = closure.evaluate();
        step();
        return loss;
    }

    /** Puts the parameters at the point gradients are taken at (Schedule-Free's y); the default mode. */
    public void train() {
        if (!trainMode) {
            chain.toTrain(slots);
            trainMode = true;
        }
    }

    /** Puts the parameters at the point to evaluate and save (Schedule-Free's x). */
    public void eval() {
        if (trainMode) {
            chain.toEval(slots);
            trainMode = false;
        }
    }

    /** Whether the optimizer is in train mode. */
    public boolean isTrainMode() {
        return trainMode;
    }

    /** Drops every gradient (PyTorch's {@code zero_grad(set_to_none=True)}). */
    public void zeroGrad() {
        zeroGrad(true);
    }

    /** Zeroes every gradient, or drops it when {@code setToNone}. */
    public void zeroGrad(boolean setToNone) {
        for (Slot<O> s : slots) {
            if (setToNone) {
                s.tensor().clearGrad();
            } else {
                s.tensor().zeroGrad();
            }
        }
    }

    /** This parameter's state (live), or null before its first update. */
    public ParamState state(Tensor param) {
        Slot<O> s = byTensor.get(param);
        return s == null ? null : s.state();
    }

    /**
     * Whether every link of the chain treats a parameter's elements independently
     * ({@link dev.descent.optim.transform.Transform#elementwise()}: SGD, Adam, AdamW, RMSprop, Lion and
     * the shared links, clipping by value but not by global norm): a caller may then store a
     * parameter's elements in another order between steps, with {@link #rearrangeState}.
     */
    public boolean elementwise() {
        return chain.elementwise();
    }

    /**
     * Rearranges a parameter's state as its caller rearranges the parameter's own elements (and
     * gradient): {@code rearrange} is applied, in place, to every buffer of its state that exists (none
     * before its first update; the buffers made later start from zeros or from the parameter, so they
     * are born in its current order). The data-parallel training step keeps its first layer's weight
     * transposed between steps this way, and puts everything back before anyone else reads it. Only for
     * {@link #elementwise()} chains, whose buffers hold one value per element and whose steps are then
     * the same, element for element, in either order.
     *
     * @throws IllegalStateException    when the chain is not element-wise
     * @throws IllegalArgumentException when {@code param} is not one of this optimizer's parameters
     */
    public void rearrangeState(Tensor param, Consumer<float[]> rearrange) {
        if (!elementwise()) {
            throw new IllegalStateException(chain.name() + ": its state cannot be rearranged (a link is not element-wise)");
        }
        Slot<O> s = byTensor.get(param);
        if (s == null) {
            throw new IllegalArgumentException(chain.name() + ": rearrangeState: not a parameter of this optimizer");
        }
        ParamState st = s.state();
        if (st != null) {
            for (int i = 0; i < st.bufferCount(); i++) {
                if (st.hasBuffer(i)) {
                    rearrange.accept(st.buffer(i));
                }
            }
        }
    }

    /** A deep copy of everything needed to resume bit-exactly. */
    public OptimizerState<O> stateDict() {
        List<OptimizerState.Group<O>> gs = new ArrayList<>();
        for (ParamGroup<O> g : groups) {
            gs.add(new OptimizerState.Group<>(g.params().size(), g.lr(), g.weightDecay(), g.maximize(), g.options()));
        }
        List<ParamState> ps = new ArrayList<>();
        List<int[]> shapes = new ArrayList<>();
        for (Slot<O> s : slots) {
            ps.add(s.state() == null ? null : s.state().copy());
            shapes.add(s.shape());
        }
        return new OptimizerState<>(chain.name(), steps, gs, ps, paramNames(), shapes, trainMode);
    }

    /**
     * Restores a state from {@link #stateDict()}: the groups must hold the same numbers of parameters,
     * of the same shapes and, where both sides name them, the same names. The parameters' values are
     * not touched (they come from the model's checkpoint), so the mode is restored as saved.
     *
     * @throws IllegalArgumentException naming what does not match; nothing is changed in that case
     */
    public void loadStateDict(OptimizerState<O> saved) {
        if (!saved.algorithm().equals(chain.name())) {
            throw new IllegalArgumentException("loadStateDict: state of " + saved.algorithm() + " cannot be loaded into " + chain.name());
        }
        if (saved.groups().size() != groups.size()) {
            throw new IllegalArgumentException("loadStateDict: saved state has " + saved.groups().size() + " parameter groups, this optimizer has " + groups.size());
        }
        for (int gi = 0; gi < groups.size(); gi++) {
            if (saved.groups().get(gi).size() != groups.get(gi).params().size()) {
                throw new IllegalArgumentException("loadStateDict: group " + gi + " has " + groups.get(gi).params().size()
                        + " parameters, the saved state has " + saved.groups().get(gi).size());
            }
        }
        if (saved.params().size() != slots.size()) {
            throw new IllegalArgumentException("loadStateDict: saved state has " + saved.params().size() + " parameters, this optimizer has " + slots.size());
        }
        checkParameters(saved.names(), saved.shapes());
        List<ParamState> restored = new ArrayList<>();
        for (int i = 0; i < slots.size(); i++) {
            Slot<O> s = slots.get(i);
            ParamState p = saved.params().get(i);
            restored.add(p == null ? null : chain.restore(s.shape(), p, "loadStateDict: parameter " + i + " (" + describe(s.name(), s.shape()) + ")"));
        }
        for (OptimizerState.Group<O> sg : saved.groups()) {
            chain.validate(sg.options());
        }
        for (int gi = 0; gi < groups.size(); gi++) {
            ParamGroup<O> g = groups.get(gi);
            OptimizerState.Group<O> sg = saved.groups().get(gi);
            g.setLr(sg.lr());
            g.setWeightDecay(sg.weightDecay());
            g.setMaximize(sg.maximize());
            g.setOptionsUnchecked(sg.options());
        }
        for (int i = 0; i < slots.size(); i++) {
            slots.get(i).setState(restored.get(i));
        }
        steps = saved.steps();
        trainMode = saved.trainMode();
    }

    /**
     * Checks that saved parameters, by position, have this optimizer's shapes and (where both sides
     * have them) names.
     *
     * @param names  the saved names (entries may be null), or null when not recorded
     * @param shapes the saved shapes, or null when not recorded
     * @throws IllegalArgumentException naming the first parameter that differs
     */
    public void checkParameters(List<String> names, List<int[]> shapes) {
        for (int i = 0; i < slots.size(); i++) {
            Slot<O> s = slots.get(i);
            String savedName = names == null || i >= names.size() ? null : names.get(i);
            int[] savedShape = shapes == null || i >= shapes.size() ? null : shapes.get(i);
            boolean namesDiffer = savedName != null && s.name() != null && !savedName.equals(s.name());
            if (namesDiffer || (savedShape != null && !Arrays.equals(savedShape, s.shape()))) {
                throw new IllegalArgumentException("loadStateDict: parameter " + i + " is " + describe(savedName, savedShape)
                        + " in the saved state but " + describe(s.name(), s.shape()) + " here");
            }
        }
    }

    private static String describe(String name, int[] shape) {
        return (name == null ? "unnamed" : name) + (shape == null ? "" : " " + Arrays.toString(shape));
    }
}
