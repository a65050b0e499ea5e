package dev.descent.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.descent.tensor.Tensor;

/**
 * An optimizer: parameter groups, per-parameter state and the one loop that applies an
 * {@link UpdateRule} to every parameter, as {@code torch.optim.Optimizer}.
 *
 * <p>Each {@link #step()} visits every group and every parameter with a gradient; it flips the
 * gradient's sign when the group maximizes and adds {@code λ·p} for coupled weight decay (into a
 * scratch buffer: the gradient itself is never modified, as in PyTorch), then hands the flat arrays
 * to the rule. Parameters without a gradient are skipped and get no state, as in PyTorch.
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

    /** One group's parameters and hyperparameters, as a dict in PyTorch's {@code params} list. */
    public record GroupSpec<O>(List<Tensor> params, double lr, double weightDecay, boolean maximize, O options) {
    }

    private final UpdateRule<O> rule;
    private final List<ParamGroup<O>> groups;
    private final Map<Tensor, ParamState> state = new IdentityHashMap<>();
    private long steps;
    private float[] scratch = new float[0];

    /**
     * An optimizer over the given groups.
     *
     * @throws IllegalArgumentException for an empty parameter list, a parameter in two groups, or a
     *                                  bad option (named, with its value)
     */
    public Optimizer(UpdateRule<O> rule, List<GroupSpec<O>> specs) {
        this.rule = rule;
        if (specs.isEmpty()) {
            throw new IllegalArgumentException(rule.name() + ": optimizer got an empty parameter list");
        }
        List<ParamGroup<O>> gs = new ArrayList<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (GroupSpec<O> s : specs) {
            if (s.params().isEmpty()) {
                throw new IllegalArgumentException(rule.name() + ": optimizer got an empty parameter list");
            }
            for (Tensor p : s.params()) {
                if (!seen.add(p)) {
                    throw new IllegalArgumentException(rule.name() + ": some parameters appear in more than one parameter group");
                }
            }
            Checks.lr(s.lr());
            Checks.weightDecay(s.weightDecay());
            rule.validate(s.options());
            gs.add(new ParamGroup<>(s.params(), s.lr(), s.weightDecay(), s.maximize(), s.options()));
        }
        this.groups = List.copyOf(gs);
    }

    /** One group holding every parameter. */
    public Optimizer(UpdateRule<O> rule, List<Tensor> params, double lr, double weightDecay, O options) {
        this(rule, List.of(new GroupSpec<>(params, lr, weightDecay, false, options)));
    }

    /** The algorithm. */
    public UpdateRule<O> rule() {
        return rule;
    }

    /** The parameter groups, in order. */
    public List<ParamGroup<O>> paramGroups() {
        return groups;
    }

    /** How many times {@link #step()} has run. */
    public long steps() {
        return steps;
    }

    /** Replaces a group's algorithm options after validating them. */
    public void setOptions(ParamGroup<O> group, O options) {
        rule.validate(options);
        group.setOptionsUnchecked(options);
    }

    /** Applies one update to every parameter that has a gradient. */
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
        for (ParamGroup<O> group : groups) {
            for (Tensor p : group.params()) {
                float[] grad = p.gradData();
                if (grad == null && rule.needsGradient()) {
                    continue;
                }
                ParamState s = state.get(p);
                if (s == null) {
                    s = new ParamState(p.numel(), rule.bufferNames().length, rule.scalarCount());
                    rule.init(s, group.options());
                    state.put(p, s);
                }
                s.increment();
                rule.update(p.data(), grad == null ? null : effectiveGradient(p.data(), grad, group), s, group);
                if (zeroAfter && grad != null) {
                    java.util.Arrays.fill(grad, 0f);
                }
            }
        }
        steps++;
    }

    /** Evaluates the closure (loss and gradients), steps, and returns the loss, as {@code step(closure)}. */
    public float step(Closure closure) {
        float loss = closure.evaluate();
        step();
        return loss;
    }

    /** g, −g under maximize, plus λ·p under coupled weight decay; the original when neither applies. */
    private float[] effectiveGradient(float[] p, float[] grad, ParamGroup<O> group) {
        double wd = rule.coupledWeightDecay() ? group.weightDecay() : 0;
        if (!group.maximize() && wd == 0) {
            return grad;
        }
        if (scratch.length < grad.length) {
            scratch = new float[grad.length];
        }
        float sign = group.maximize() ? -1f : 1f;
        float lambda = (float) wd;
        for (int i = 0; i < grad.length; i++) {
            scratch[i] = sign * grad[i] + lambda * p[i];
        }
        return scratch;
    }

    /** Drops every gradient (PyTorch's {@code zero_grad(set_to_none=True)}). */
    public void zeroGrad() {
        zeroGrad(true);
    }

    /** Zeroes every gradient, or drops it when {@code setToNone}. */
    public void zeroGrad(boolean setToNone) {
        for (ParamGroup<O> g : groups) {
            for (Tensor p : g.params()) {
                if (setToNone) {
                    p.clearGrad();
                } else {
                    p.zeroGrad();
                }
            }
        }
    }

    /** This parameter's state, or null before its first update. */
    public ParamState state(Tensor param) {
        return state.get(param);
    }

    /** A deep copy of everything needed to resume bit-exactly. */
    public OptimizerState<O> stateDict() {
        List<OptimizerState.Group<O>> gs = new ArrayList<>();
        List<ParamState> ps = new ArrayList<>();
        for (ParamGroup<O> g : groups) {
            gs.add(new OptimizerState.Group<>(g.params().size(), g.lr(), g.weightDecay(), g.maximize(), g.options()));
            for (Tensor p : g.params()) {
                ParamState s = state.get(p);
                ps.add(s == null ? null : s.copy());
            }
        }
        long[] rs = rule.ruleState();
        return new OptimizerState<>(rule.name(), steps, gs, ps, rs == null ? null : rs.clone());
    }

    /**
     * Restores a state from {@link #stateDict()}; the groups must hold the same numbers of parameters
     * of the same sizes.
     *
     * @throws IllegalArgumentException naming what does not match; nothing is changed in that case
     */
    public void loadStateDict(OptimizerState<O> saved) {
        if (!saved.algorithm().equals(rule.name())) {
            throw new IllegalArgumentException("loadStateDict: state of " + saved.algorithm() + " cannot be loaded into " + rule.name());
        }
        if (saved.groups().size() != groups.size()) {
            throw new IllegalArgumentException("loadStateDict: saved state has " + saved.groups().size() + " parameter groups, this optimizer has " + groups.size());
        }
        int flat = 0;
        for (int gi = 0; gi < groups.size(); gi++) {
            ParamGroup<O> g = groups.get(gi);
            if (saved.groups().get(gi).size() != g.params().size()) {
                throw new IllegalArgumentException("loadStateDict: group " + gi + " has " + g.params().size() + " parameters, the saved state has " + saved.groups().get(gi).size());
            }
            for (Tensor p : g.params()) {
                ParamState s = saved.params().get(flat++);
                if (s != null && (s.bufferCount() != rule.bufferNames().length || (s.bufferCount() > 0 && s.buffer(0).length != p.numel()))) {
                    throw new IllegalArgumentException("loadStateDict: state of parameter " + (flat - 1) + " does not match its size " + p.numel());
                }
            }
        }
        flat = 0;
        state.clear();
        for (int gi = 0; gi < groups.size(); gi++) {
            ParamGroup<O> g = groups.get(gi);
            OptimizerState.Group<O> sg = saved.groups().get(gi);
            g.setLr(sg.lr());
            g.setWeightDecay(sg.weightDecay());
            g.setMaximize(sg.maximize());
            setOptions(g, sg.options());
            for (Tensor p : g.params()) {
                ParamState s = saved.params().get(flat++);
                if (s != null) {
                    state.put(p, s.copy());
                }
            }
        }
        steps = saved.steps();
        if (saved.ruleState() != null) {
            rule.loadRuleState(saved.ruleState().clone());
        }
    }
}
