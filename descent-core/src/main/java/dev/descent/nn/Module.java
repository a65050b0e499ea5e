package dev.descent.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.descent.tensor.Tensor;

/**
 * A layer or a network: it owns parameters and sub-modules under names, as {@code torch.nn.Module}.
 *
 * <p>Parameter names are dotted paths in registration order ({@code main.0.weight}), exactly as
 * PyTorch builds them, so state dicts move between the two. {@link #train()} / {@link #eval()}
 * switch the mode (which layers such as dropout would read); the MLP behaves the same in both.
 */
public abstract class Module {

    /** A module with no parameters or sub-modules yet, in training mode. */
    protected Module() {
    }

    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Computes this module's output for a batch. */
    public abstract Tensor forward(Tensor input);

    /**
     * The unnormalised class scores (logits) of a batch: what a loss other than the negative
     * log-likelihood reads, e.g. {@code mse_loss} against one-hot targets. A classifier whose
     * {@link #forward} ends in {@code log_softmax} returns the values before it; by default this is
     * {@link #forward}.
     */
    public Tensor scores(Tensor input) {
        return forward(input);
    }

    /** Registers a parameter (it is made to require grad) under {@code name}; returns it. */
    protected final Tensor registerParameter(String name, Tensor parameter) {
        checkName(name);
        parameter.requiresGrad(true);
        parameters.put(name, parameter);
        return parameter;
    }

    /** Registers a sub-module under {@code name}; returns it. */
    protected final <M extends Module> M registerModule(String name, M module) {
        checkName(name);
        children.put(name, module);
        return module;
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("module attribute name must be non-empty and contain no '.', got '" + name + "'");
        }
        if (parameters.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException("attribute '" + name + "' is already registered");
        }
    }

    /** Every parameter with its dotted name, in PyTorch's order (own parameters, then children's). */
    public final Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", out);
        return Collections.unmodifiableMap(out);
    }

    private void collect(String prefix, Map<String, Tensor> out) {
        parameters.forEach((n, p) -> out.put(prefix + n, p));
        children.forEach((n, c) -> c.collect(prefix + n + ".", out));
    }

    /** Every parameter, in {@link #namedParameters()} order. */
    public final List<Tensor> parameters() {
        return List.copyOf(namedParameters().values());
    }

    /** The direct sub-modules with their names. */
    public final Map<String, Module> namedChildren() {
        return Collections.unmodifiableMap(children);
    }

    /** The total number of parameter values. */
    public final long parameterCount() {
        long n = 0;
        for (Tensor p : namedParameters().values()) {
            n += p.numel();
        }
        return n;
    }

    /**
     * The parameters by name as detached tensors sharing storage (as PyTorch's {@code state_dict()}):
     * save them, or copy them elsewhere.
     */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        namedParameters().forEach((n, p) -> out.put(n, p.detach()));
        return out;
    }

    /**
     * Copies values from a state dict into this module's parameters.
     *
     * @param strict when true, every parameter must be present and no other key may be
     * @throws IllegalArgumentException naming the missing or unexpected keys, or the first key whose
     *                                  shape differs; nothing is copied in that case
     */
    public final void loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Tensor> own = namedParameters();
        if (strict) {
            Set<String> missing = new LinkedHashSet<>(own.keySet());
            missing.removeAll(state.keySet());
            Set<String> unexpected = new LinkedHashSet<>(state.keySet());
            unexpected.removeAll(own.keySet());
            if (!missing.isEmpty() || !unexpected.isEmpty()) {
                List<String> parts = new ArrayList<>();
                if (!missing.isEmpty()) {
                    parts.add("missing keys " + missing);
                }
                if (!unexpected.isEmpty()) {
                    parts.add("unexpected keys " + unexpected);
                }
                throw new IllegalArgumentException("loadStateDict: " + String.join(", ", parts));
            }
        }
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src != null && !Arrays.equals(src.shape(), e.getValue().shape())) {
                throw new IllegalArgumentException("loadStateDict: size mismatch for " + e.getKey() + ": checkpoint has shape "
                        + Arrays.toString(src.shape()) + ", this model has " + Arrays.toString(e.getValue().shape()));
            }
        }
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src != null) {
                e.getValue().copyFrom(src);
            }
        }
    }

    /** Strict {@link #loadStateDict(Map, boolean)}. */
    public final void loadStateDict(Map<String, Tensor> state) {
        loadStateDict(state, true);
    }

    /** Sets training mode on this module and every sub-module; returns this. */
    public Module train(boolean mode) {
        training = mode;
        children.values().forEach(c -> c.train(mode));
        return this;
    }

    /** Training mode; returns this. */
    public final Module train() {
        return train(true);
    }

    /** Evaluation mode; returns this. */
    public final Module eval() {
        return train(false);
    }

    /** Whether the module is in training mode. */
    public final boolean isTraining() {
        return training;
    }

    /**
     * The module as PyTorch prints it: its name, its {@link #extraRepr()}, and each sub-module as
     * {@code (name): …} indented by two spaces, e.g.
     *
     * <pre>
     * MLP(
     *   (main): Sequential(
     *     (0): Linear(in_features=784, out_features=10, bias=True)
     *   )
     * )
     * </pre>
     */
    @Override
    public String toString() {
        String extra = extraRepr();
        List<String> extraLines = extra.isEmpty() ? List.of() : List.of(extra.split("\n"));
        List<String> lines = new ArrayList<>(extraLines);
        children.forEach((name, child) -> lines.add("(" + name + "): " + child.toString().replace("\n", "\n  ")));
        StringBuilder sb = new StringBuilder(typeName()).append('(');
        if (extraLines.size() == 1 && children.isEmpty()) {
            sb.append(extraLines.get(0));
        } else if (!lines.isEmpty()) {
            sb.append("\n  ").append(String.join("\n  ", lines)).append('\n');
        }
        return sb.append(')').toString();
    }

    /** The name {@link #toString()} prints: PyTorch's class name ({@code MLP}, {@code Linear}); by default the simple class name. */
    protected String typeName() {
        return getClass().getSimpleName();
    }

    /** This module's own settings for {@link #toString()}, as PyTorch's {@code extra_repr()}; empty by default. */
    protected String extraRepr() {
        return "";
    }

    /** Zeroes (or, with {@code setToNone}, drops) every parameter's gradient. */
    public final void zeroGrad(boolean setToNone) {
        for (Tensor p : namedParameters().values()) {
            if (setToNone) {
                p.clearGrad();
            } else {
                p.zeroGrad();
            }
        }
    }
}
