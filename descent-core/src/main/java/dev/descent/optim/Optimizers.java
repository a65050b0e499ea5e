package dev.descent.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one registry of named optimizers: every {@code --optimizer} name with its help text, its
 * defaults (PyTorch's for the {@code torch.optim} family, the authors' for today's optimizers, the
 * tutorial's for its rules) and how to build it. The CLI, the dashboard's playground and the explore
 * topics all build optimizers here; the defaults come from each algorithm's own {@code defaults()}
 * and {@code DEFAULT_LR}, so no consumer restates them. One exception, measured and said in its help:
 * {@code adafactor}'s learning rate is 0.02, twice PyTorch's, which trains the tutorial's MLPs too slowly.
 *
 * <p>Settings are typed {@link Knob knobs}; a knob an optimizer does not have is ignored for it
 * (so that {@code compare} can pass one set of flags to several optimizers).
 */
public final class Optimizers {

    /** Where an optimizer comes from. */
    public enum Family {
        /** {@code torch.optim}'s formulas and defaults. */
        TORCH("torch.optim"),
        /** Optimizers of today, as their authors' code. */
        MODERN("today's"),
        /** The optimization tutorial's hand-written rules. */
        TUTORIAL("the tutorial's");

        private final String label;

        Family(String label) {
            this.label = label;
        }

        /** A label for help text. */
        public String label() {
            return label;
        }
    }

    /** A hyperparameter a named optimizer may take, by its PyTorch name. */
    public enum Knob {
        LR("lr", Kind.REAL), WEIGHT_DECAY("weight_decay", Kind.REAL), MOMENTUM("momentum", Kind.REAL), DAMPENING("dampening", Kind.REAL),
        BETA1("beta1", Kind.REAL), BETA2("beta2", Kind.REAL), EPS("eps", Kind.REAL), ALPHA("alpha", Kind.REAL),
        AMSGRAD("amsgrad", Kind.FLAG), CENTERED("centered", Kind.FLAG), RHO("rho", Kind.REAL), LR_DECAY("lr_decay", Kind.REAL),
        INITIAL_ACCUMULATOR_VALUE("initial_accumulator_value", Kind.REAL), MOMENTUM_DECAY("momentum_decay", Kind.REAL),
        WARMUP_STEPS("warmup_steps", Kind.INTEGER), ADAM_LR("adam_lr", Kind.REAL), NS_STEPS("ns_steps", Kind.INTEGER),
        BETA2_DECAY("beta2_decay", Kind.REAL), NOISE_SCALE("noise_scale", Kind.REAL), NORMALIZED("normalized", Kind.FLAG);

        /** How a knob's value is read. */
        public enum Kind { REAL, INTEGER, FLAG }

        private final String key;
        private final Kind kind;

        Knob(String key, Kind kind) {
            this.key = key;
            this.kind = kind;
        }

        /** The PyTorch option name ({@code beta1}/{@code beta2} for the two {@code betas}). */
        public String key() {
            return key;
        }

        /** Real, integer or flag. */
        public Kind kind() {
            return kind;
        }

        /** The knob with this key. */
        public static Knob of(String key) {
            for (Knob k : values()) {
                if (k.key.equals(key)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown knob '" + key + "'");
        }
    }

    /** Resolved settings: an entry's defaults overridden by what was given. */
    public static final class Values {
        private final Map<Knob, Double> values;

        private Values(Map<Knob, Double> values) {
            this.values = values;
        }

        /** A real knob. */
        public double get(Knob k) {
            Double v = values.get(k);
            if (v == null) {
                throw new IllegalStateException("no value for " + k.key());
            }
            return v;
        }

        /** An integer knob. */
        public int integer(Knob k) {
            return (int) get(k);
        }

        /** A flag. */
        public boolean flag(Knob k) {
            return get(k) != 0;
        }
    }

    /** Builds a spec from resolved settings; {@code seed} seeds random noise (random search). */
    @FunctionalInterface
    public interface Factory {
        /** The spec for these settings. */
        OptimizerSpec<?> create(Values v, long seed);
    }

    /**
     * One named optimizer.
     *
     * @param name     the {@code --optimizer} name
     * @param title    what it is, e.g. "Adam (torch.optim.Adam)"
     * @param defaults every knob it takes, with its default, in knob order
     */
    public record Entry(String name, Family family, String title, Map<Knob, Double> defaults, Factory factory) {

        /** Copies the defaults. */
        public Entry {
            defaults = Collections.unmodifiableMap(new EnumMap<>(defaults));
        }

        /** The default learning rate. */
        public double defaultLr() {
            return defaults.get(Knob.LR);
        }

        /** Whether it takes this knob. */
        public boolean takes(Knob k) {
            return defaults.containsKey(k);
        }

        /**
         * The spec with these overrides (knobs it does not take are ignored).
         *
         * @throws IllegalArgumentException naming a bad value
         */
        public OptimizerSpec<?> spec(Map<Knob, Double> overrides, long seed) {
            Map<Knob, Double> v = new EnumMap<>(defaults);
            overrides.forEach((k, x) -> {
                if (defaults.containsKey(k)) {
                    if (k.kind() == Knob.Kind.INTEGER && x != Math.rint(x)) {
                        throw new IllegalArgumentException("Invalid " + k.key() + ": " + x + " (must be an integer)");
                    }
                    v.put(k, x);
                }
            });
            return factory.create(new Values(v), seed);
        }

        /** The spec with its defaults. */
        public OptimizerSpec<?> spec(long seed) {
            return spec(Map.of(), seed);
        }

        /** The defaults as text: {@code lr 0.001, beta1 0.9, …}. */
        public String describeDefaults() {
            List<String> parts = new ArrayList<>();
            defaults.forEach((k, x) -> parts.add(k.key() + " " + format(k, x)));
            return String.join(", ", parts);
        }
    }

    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();

    static {
        Adam.Options adam = Adam.Options.defaults();
        RmsProp.Options rms = RmsProp.Options.defaults();
        Adagrad.Options ada = Adagrad.Options.defaults();
        Adadelta.Options delta = Adadelta.Options.defaults();
        Adamax.Options amax = Adamax.Options.defaults();
        NAdam.Options nadam = NAdam.Options.defaults();
        RAdam.Options radam = RAdam.Options.defaults();
        Adafactor.Options factor = Adafactor.Options.defaults();
        Lion.Options lion = Lion.Options.defaults();
        ScheduleFree.AdamWOptions sfa = ScheduleFree.AdamWOptions.defaults();
        ScheduleFree.SgdOptions sfs = ScheduleFree.SgdOptions.defaults();
        Muon.Options muon = Muon.Options.defaults();
        Sgd.Options sgd = Sgd.Options.plain();
        // The momentum presets' 0.9 is the tutorial's and the classic choice; PyTorch's default is 0.
        double presetMomentum = 0.9;
        // PyTorch's lr 1e-2 caps Adafactor's relative step at 1% of RMS(θ), too slow for the tutorial's
        // MLP in 2 epochs. descent compare --optimizers adafactor --seeds 3 --lr γ (seeds 2021..2023), test
        // accuracy: γ 0.01 94.44 ± 0.38% (94.88% on seed 2021); γ 0.02 95.19 ± 0.44% (95.61%);
        // γ 0.03 95.05 ± 2.28% (one seed fell to 92.42%). The library's Adafactor.DEFAULT_LR stays PyTorch's.
        double adafactorLr = 2e-2;

        Factory heavyBall = (v, seed) -> new OptimizerSpec<>(Sgd.RULE, v.get(Knob.LR), v.get(Knob.WEIGHT_DECAY),
                new Sgd.Options(v.get(Knob.MOMENTUM), v.get(Knob.DAMPENING), false));
        add("sgd", Family.TORCH, "SGD (torch.optim.SGD)",
                knobs(Knob.LR, Sgd.DEFAULT_LR, Knob.WEIGHT_DECAY, 0, Knob.MOMENTUM, sgd.momentum(), Knob.DAMPENING, sgd.dampening()), heavyBall);
        add("momentum", Family.TORCH, "SGD with heavy-ball momentum (torch.optim.SGD)",
                knobs(Knob.LR, Sgd.DEFAULT_LR, Knob.WEIGHT_DECAY, 0, Knob.MOMENTUM, presetMomentum, Knob.DAMPENING, sgd.dampening()), heavyBall);
        add("nesterov", Family.TORCH, "SGD with Nesterov momentum (torch.optim.SGD, nesterov=True)",
                knobs(Knob.LR, Sgd.DEFAULT_LR, Knob.WEIGHT_DECAY, 0, Knob.MOMENTUM, presetMomentum),
                (v, seed) -> new OptimizerSpec<>(Sgd.RULE, v.get(Knob.LR), v.get(Knob.WEIGHT_DECAY), Sgd.Options.nesterov(v.get(Knob.MOMENTUM))));
        add("rmsprop", Family.TORCH, "RMSprop (torch.optim.RMSprop)",
                knobs(Knob.LR, RmsProp.DEFAULT_LR, Knob.WEIGHT_DECAY, 0, Knob.ALPHA, rms.alpha(), Knob.EPS, rms.eps(), Knob.MOMENTUM, rms.momentum(),
                        Knob.CENTERED, flag(rms.centered())),
                (v, seed) -> new OptimizerSpec<>(RmsProp.RULE, v.get(Knob.LR), v.get(Knob.WEIGHT_DECAY),
                        new RmsProp.Options(v.get(Knob.ALPHA), v.get(Knob.EPS), v.get(Knob.MOMENTUM), v.flag(Knob.CENTERED))));
        add("adagrad", Family.TORCH, "Adagrad (torch.optim.Adagrad)",
                knobs(Knob.LR, Adagrad.DEFAULT_LR, Knob.WEIGHT_DECAY, 0, Knob.LR_DECAY, ada.lrDecay(), Knob.INITIAL_ACCUMULATOR_VALUE, ada.initialAccumulatorValue(),
                        Knob.EPS, ada.eps()),
                (v, seed) -> new OptimizerSpec<>(Adagrad.RULE, v.get(Knob.LR), v.get(Knob.WEIGHT_DECAY),
                        new Adagrad.Options(v.get(Knob.LR_DECAY), v.get(Knob.INITIAL_ACCUMULATOR_VALUE), v.get(Knob.EPS))));
        add("adadelta", Family.TORCH, "Adadelta (torch.optim.Adadelta)",
                knobs(Knob.LR, Adadelta.DEFAULT_LR, Knob.WEIGHT_DECAY, 0, Knob.RHO, delta.rho(), Knob.EPS, delta.eps()),
                (v, seed) -> new OptimizerSpec<>(Adadelta.RULE, v.get(Knob.LR), v.get(Knob.WEIGHT_DECAY), new Adadelta.Options(v.get(Knob.RHO), v.get(Knob.EPS))));
        add("adam", Family.TORCH, "Adam (torch.optim.Adam)",
                knobs(Knob.LR, Adam.DEFAULT_LR, Knob.WEIGHT_DECAY, 0, Knob.BETA1, adam.beta1(), Knob.BETA2, adam.beta2(), Knob.EPS, adam.eps(),
                        Knob.AMSGRAD, flag(adam.amsgrad())),
                (v, seed) -> new OptimizerSpec<>(Adam.ADAM, v.get(Knob.LR), v.get(Knob.WEIGHT_DECAY), adamOptions(v)));
        add("adamw", Family.TORCH, "Adam with decoupled weight decay (torch.optim.AdamW)",
                knobs(Knob.LR, Adam.DEFAULT_LR, Knob.WEIGHT_DECAY, Adam.ADAMW_DEFAULT_WEIGHT_DECAY, Knob.BETA1, adam.beta1(), Knob.BETA2, adam.beta2(),
                        Knob.EPS, adam.eps(), Knob.AMSGRAD, flag(adam.amsgrad())),
                (v, seed) -> new OptimizerSpec<>(Adam.ADAMW, v.get(Knob.LR), v.get(Knob.WEIGHT_DECAY), adamOptions(v)));
        add("adamax", Family.TORCH, "Adam under the infinity norm (torch.optim.Adamax)",
                knobs(Knob.LR, Adamax.DEFAULT_LR, Knob.WEIGHT_DECAY, 0, Knob.BETA1, amax.beta1(), Knob.BETA2, amax.beta2(), Knob.EPS, amax.eps()),
                (v, seed) -> new OptimizerSpec<>(Adamax.RULE, v.get(Knob.LR), v.get(Knob.WEIGHT_DECAY),
                        new Adamax.Options(v.get(Knob.BETA1), v.get(Knob.BETA2), v.get(Knob.EPS))));
        add("nadam", Family.TORCH, "Adam with Nesterov momentum (torch.optim.NAdam)",
                knobs(Knob.LR, NAdam.DEFAULT_LR, Knob.WEIGHT_DECAY, 0, Knob.BETA1, nadam.beta1(), Knob.BETA2, nadam.beta2(), Knob.EPS, nadam.eps(),
                        Knob.MOMENTUM_DECAY, nadam.momentumDecay()),
                (v, seed) -> new OptimizerSpec<>(NAdam.RULE, v.get(Knob.LR), v.get(Knob.WEIGHT_DECAY),
                        new NAdam.Options(v.get(Knob.BETA1), v.get(Knob.BETA2), v.get(Knob.EPS), v.get(Knob.MOMENTUM_DECAY))));
        add("radam", Family.TORCH, "Rectified Adam (torch.optim.RAdam)",
                knobs(Knob.LR, RAdam.DEFAULT_LR, Knob.WEIGHT_DECAY, 0, Knob.BETA1, radam.beta1(), Knob.BETA2, radam.beta2(), Knob.EPS, radam.eps()),
                (v, seed) -> new OptimizerSpec<>(RAdam.RULE, v.get(Knob.LR), v.get(Knob.WEIGHT_DECAY),
                        new RAdam.Options(v.get(Knob.BETA1), v.get(Knob.BETA2), v.get(Knob.EPS))));
        add("adafactor", Family.TORCH, "factored second moments, relative step size (torch.optim.Adafactor, PyTorch 2.5;"
                        + " lr 0.02 here: PyTorch's 0.01 is slow on these MLPs)",
                knobs(Knob.LR, adafactorLr, Knob.WEIGHT_DECAY, 0, Knob.BETA2_DECAY, factor.beta2Decay(), Knob.EPS, factor.eps1()),
                (v, seed) -> new OptimizerSpec<>(Adafactor.RULE, v.get(Knob.LR), v.get(Knob.WEIGHT_DECAY),
                        new Adafactor.Options(v.get(Knob.BETA2_DECAY), v.get(Knob.EPS), factor.eps2(), factor.d())));
        add("lion", Family.MODERN, "sign momentum, decoupled weight decay (Chen et al. 2023)",
                knobs(Knob.LR, Lion.DEFAULT_LR, Knob.WEIGHT_DECAY, 0, Knob.BETA1, lion.beta1(), Knob.BETA2, lion.beta2()),
                (v, seed) -> new OptimizerSpec<>(Lion.RULE, v.get(Knob.LR), v.get(Knob.WEIGHT_DECAY), new Lion.Options(v.get(Knob.BETA1), v.get(Knob.BETA2))));
        add("schedule-free-adamw", Family.MODERN, "Schedule-Free AdamW, no schedule needed; evaluates the averaged weights (Defazio et al. 2024)",
                knobs(Knob.LR, ScheduleFree.ADAMW_DEFAULT_LR, Knob.WEIGHT_DECAY, 0, Knob.BETA1, sfa.beta1(), Knob.BETA2, sfa.beta2(), Knob.EPS, sfa.eps(),
                        Knob.WARMUP_STEPS, sfa.warmupSteps()),
                (v, seed) -> new OptimizerSpec<>(ScheduleFree.ADAMW, v.get(Knob.LR), v.get(Knob.WEIGHT_DECAY),
                        new ScheduleFree.AdamWOptions(v.get(Knob.BETA1), v.get(Knob.BETA2), v.get(Knob.EPS), v.integer(Knob.WARMUP_STEPS), sfa.r(), sfa.weightLrPower())));
        add("schedule-free-sgd", Family.MODERN, "Schedule-Free SGD, no schedule needed; evaluates the averaged weights (Defazio et al. 2024)",
                knobs(Knob.LR, ScheduleFree.SGD_DEFAULT_LR, Knob.WEIGHT_DECAY, 0, Knob.MOMENTUM, sfs.momentum(), Knob.WARMUP_STEPS, sfs.warmupSteps()),
                (v, seed) -> new OptimizerSpec<>(ScheduleFree.SGD, v.get(Knob.LR), v.get(Knob.WEIGHT_DECAY),
                        new ScheduleFree.SgdOptions(v.get(Knob.MOMENTUM), v.integer(Knob.WARMUP_STEPS), sfs.r(), sfs.weightLrPower())));
        add("muon", Family.MODERN, "Newton-Schulz orthogonalised momentum for hidden matrices, Adam for the rest (Jordan et al. 2024)",
                knobs(Knob.LR, Muon.DEFAULT_LR, Knob.WEIGHT_DECAY, 0, Knob.MOMENTUM, muon.momentum(), Knob.NS_STEPS, muon.nsSteps(), Knob.ADAM_LR, muon.adamLr(),
                        Knob.BETA1, muon.beta1(), Knob.BETA2, muon.beta2(), Knob.EPS, muon.eps()),
                (v, seed) -> Muon.spec(v.get(Knob.LR), v.get(Knob.WEIGHT_DECAY), new Muon.Options(true, v.get(Knob.MOMENTUM), muon.nesterov(),
                        v.integer(Knob.NS_STEPS), v.get(Knob.BETA1), v.get(Knob.BETA2), v.get(Knob.EPS), v.get(Knob.ADAM_LR))));
        add("gd", Family.TUTORIAL, "gradient_update: p <- p - lr*g",
                knobs(Knob.LR, 0.1),
                (v, seed) -> new OptimizerSpec<>(TutorialRules.GradientDescent.RULE, v.get(Knob.LR), 0, new TutorialRules.NoOptions()));
        add("tutorial-momentum", Family.TUTORIAL, "momentum_update: v <- -lr*g + beta*v; p <- p + v",
                knobs(Knob.LR, 0.01, Knob.MOMENTUM, 0.9),
                (v, seed) -> new OptimizerSpec<>(TutorialRules.Momentum.RULE, v.get(Knob.LR), 0, new TutorialRules.MomentumOptions(v.get(Knob.MOMENTUM))));
        add("tutorial-rmsprop", Family.TUTORIAL, "rmsprop_update, epsilon inside the root",
                knobs(Knob.LR, 1e-3, Knob.ALPHA, 0.9, Knob.EPS, 1e-8),
                (v, seed) -> new OptimizerSpec<>(TutorialRules.RmsProp.RULE, v.get(Knob.LR), 0, new TutorialRules.RmsPropOptions(v.get(Knob.ALPHA), v.get(Knob.EPS))));
        add("random-search", Family.TUTORIAL, "p <- p + noise_scale*z, z ~ N(0, I); reads no gradient",
                knobs(Knob.LR, 1.0, Knob.NOISE_SCALE, 0.01, Knob.NORMALIZED, 0),
                (v, seed) -> new OptimizerSpec<>(RandomSearch.RULE, v.get(Knob.LR), 0, new RandomSearch.Options(v.get(Knob.NOISE_SCALE), v.flag(Knob.NORMALIZED), seed)));
    }

    private Optimizers() {
    }

    private static void add(String name, Family family, String title, Map<Knob, Double> defaults, Factory factory) {
        ENTRIES.put(name, new Entry(name, family, title, defaults, factory));
    }

    private static Adam.Options adamOptions(Values v) {
        return new Adam.Options(v.get(Knob.BETA1), v.get(Knob.BETA2), v.get(Knob.EPS), v.flag(Knob.AMSGRAD));
    }

    private static double flag(boolean b) {
        return b ? 1 : 0;
    }

    private static Map<Knob, Double> knobs(Object... pairs) {
        Map<Knob, Double> m = new EnumMap<>(Knob.class);
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((Knob) pairs[i], ((Number) pairs[i + 1]).doubleValue());
        }
        return m;
    }

    /** Every entry, in the order of the help text. */
    public static List<Entry> all() {
        return List.copyOf(ENTRIES.values());
    }

    /** Every name. */
    public static List<String> names() {
        return List.copyOf(ENTRIES.keySet());
    }

    /**
     * The entry of this name (case-insensitive).
     *
     * @throws IllegalArgumentException naming the known optimizers when there is none
     */
    public static Entry get(String name) {
        Entry e = ENTRIES.get(name.toLowerCase(Locale.ROOT));
        if (e == null) {
            throw new IllegalArgumentException("unknown optimizer '" + name + "' (known: " + String.join(", ", ENTRIES.keySet()) + ")");
        }
        return e;
    }

    /**
     * The table for {@code --help}, family by family: each optimizer's name and what it is, then its
     * defaults, wrapped to {@code width} columns under a hanging indent.
     */
    public static List<String> help(int width) {
        List<String> lines = new ArrayList<>();
        for (Family f : Family.values()) {
            lines.add(f.label() + ":");
            for (Entry e : ENTRIES.values()) {
                if (e.family() == f) {
                    wrap(lines, String.format(Locale.ROOT, "  %-20s ", e.name()), e.title(), width);
                    wrap(lines, " ".repeat(23), e.describeDefaults(), width);
                }
            }
        }
        return lines;
    }

    private static void wrap(List<String> lines, String first, String text, int width) {
        StringBuilder line = new StringBuilder(first);
        boolean empty = true;
        for (String word : text.split(" ")) {
            if (!empty && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line = new StringBuilder(" ".repeat(first.length()));
                empty = true;
            }
            if (!empty) {
                line.append(' ');
            }
            line.append(word);
            empty = false;
        }
        lines.add(line.toString());
    }

    private static String format(Knob k, double x) {
        return switch (k.kind()) {
            case FLAG -> x != 0 ? "true" : "false";
            case INTEGER -> Long.toString((long) x);
            case REAL -> x == Math.rint(x) && Math.abs(x) < 1e6 ? Long.toString((long) x) : Double.toString(x).replace(".0E", "E").replace("E", "e");
        };
    }
}
