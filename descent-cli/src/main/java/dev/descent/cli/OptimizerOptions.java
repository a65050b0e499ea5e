package dev.descent.cli;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

import dev.descent.optim.OptimizerSpec;
import dev.descent.optim.Optimizers;
import dev.descent.optim.Optimizers.Knob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The optimizer options, parsed here — at the edge — into a typed {@link OptimizerSpec} by the
 * library's registry, {@link Optimizers}, which holds every name, its help and its defaults. Option
 * names follow PyTorch's; an option an algorithm does not have is ignored for it (so that one
 * {@code compare} command line can serve several optimizers).
 */
@Command(footer = {"", "Optimizers (--optimizer) and their defaults (PyTorch's names):", "${sys:" + OptimizerOptions.TABLE_PROPERTY + "}"})
public final class OptimizerOptions {

    /** picocli variables holding the registry's names and its table (the footer of every command with these options). */
    static final String NAMES_PROPERTY = "descent.optimizer.names", TABLE_PROPERTY = "descent.optimizer.table";

    static {
        System.setProperty(NAMES_PROPERTY, String.join(", ", Optimizers.names()));
        System.setProperty(TABLE_PROPERTY, String.join(System.lineSeparator(), Optimizers.help(79)));
    }

    @Option(names = "--optimizer", defaultValue = "adam", paramLabel = "NAME",
            description = "${sys:" + NAMES_PROPERTY + "} (default: ${DEFAULT-VALUE}; their defaults are listed below)")
    String optimizer;

    @Option(names = "--lr", paramLabel = "LR", description = "learning rate (default: the optimizer's; Muon's for its hidden matrices)")
    Double lr;

    @Option(names = "--momentum", paramLabel = "M", description = "momentum μ (sgd, momentum, nesterov, rmsprop, schedule-free-sgd, muon), β (tutorial-momentum)")
    Double momentum;

    @Option(names = "--dampening", paramLabel = "D", description = "SGD dampening τ")
    Double dampening;

    @Option(names = "--weight-decay", paramLabel = "WD", description = "weight decay λ: coupled (sgd, adam, …) or decoupled (adamw, lion, muon) as the optimizer defines it")
    Double weightDecay;

    @Option(names = "--betas", paramLabel = "B1,B2", split = ",", description = "β₁,β₂ of the Adam family, Lion, Schedule-Free AdamW and Muon's Adam")
    double[] betas;

    @Option(names = "--eps", paramLabel = "EPS", description = "ε (Adafactor: ε₁)")
    Double eps;

    @Option(names = "--alpha", paramLabel = "A", description = "RMSprop smoothing α")
    Double alpha;

    @Option(names = "--amsgrad", description = "AMSGrad variant of adam/adamw")
    boolean amsgrad;

    @Option(names = "--centered", description = "centered RMSprop")
    boolean centered;

    @Option(names = "--rho", paramLabel = "RHO", description = "Adadelta ρ")
    Double rho;

    @Option(names = "--lr-decay", paramLabel = "D", description = "Adagrad lr decay")
    Double lrDecay;

    @Option(names = "--initial-accumulator", paramLabel = "V", description = "Adagrad initial accumulator value")
    Double initialAccumulator;

    @Option(names = "--adam-lr", paramLabel = "LR", description = "muon: learning rate of the auxiliary Adam (first and last layers, biases)")
    Double adamLr;

    @Option(names = "--ns-steps", paramLabel = "N", description = "muon: Newton-Schulz iterations")
    Integer nsSteps;

    @Option(names = "--beta2-decay", paramLabel = "TAU", description = "adafactor: decay τ of β₂ (β̂₂ = 1 − t^τ)")
    Double beta2Decay;

    @Option(names = "--noise-scale", paramLabel = "S", description = "random-search noise scale σ")
    Double noiseScale;

    @Option(names = "--normalized", description = "random search: normalise each tensor's noise to unit norm")
    boolean normalized;

    /** The algorithm name, checked. */
    String name() {
        return entry(optimizer).name();
    }

    private static Optimizers.Entry entry(String name) {
        try {
            return Optimizers.get(name.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
    }

    /** The knobs given on the command line. */
    private Map<Knob, Double> overrides() {
        Map<Knob, Double> o = new EnumMap<>(Knob.class);
        put(o, Knob.LR, lr);
        put(o, Knob.MOMENTUM, momentum);
        put(o, Knob.DAMPENING, dampening);
        put(o, Knob.WEIGHT_DECAY, weightDecay);
        if (betas != null) {
            if (betas.length != 2) {
                throw new BadInputException("--betas takes two values B1,B2, got " + betas.length);
            }
            o.put(Knob.BETA1, betas[0]);
            o.put(Knob.BETA2, betas[1]);
        }
        put(o, Knob.EPS, eps);
        put(o, Knob.ALPHA, alpha);
        put(o, Knob.RHO, rho);
        put(o, Knob.LR_DECAY, lrDecay);
        put(o, Knob.INITIAL_ACCUMULATOR_VALUE, initialAccumulator);
        put(o, Knob.ADAM_LR, adamLr);
        put(o, Knob.NS_STEPS, nsSteps == null ? null : nsSteps.doubleValue());
        put(o, Knob.BETA2_DECAY, beta2Decay);
        put(o, Knob.NOISE_SCALE, noiseScale);
        if (amsgrad) {
            o.put(Knob.AMSGRAD, 1.0);
        }
        if (centered) {
            o.put(Knob.CENTERED, 1.0);
        }
        if (normalized) {
            o.put(Knob.NORMALIZED, 1.0);
        }
        return o;
    }

    private static void put(Map<Knob, Double> o, Knob k, Double v) {
        if (v != null) {
            o.put(k, v);
        }
    }

    /**
     * The typed configuration for {@code name}; {@code seed} seeds random search's noise. A
     * schedule-free optimizer takes {@code schedule}'s warm-up as its own and refuses a schedule.
     *
     * @param schedule the schedule options, or null where a command has none
     */
    OptimizerSpec<?> spec(String name, long seed, ScheduleOptions schedule) {
        Optimizers.Entry e = entry(name);
        if (lr != null && (!(lr > 0) || Double.isInfinite(lr))) {
            throw new BadInputException("--lr must be a positive finite number, got " + lr);
        }
        Map<Knob, Double> o = overrides();
        if (schedule != null && e.takes(Knob.WARMUP_STEPS)) {
            if (!schedule.none()) {
                throw new BadInputException("--optimizer " + e.name() + " is schedule-free: its averaging replaces the schedule, so it takes no --schedule"
                        + " (--warmup-steps sets its own warm-up)");
            }
            o.put(Knob.WARMUP_STEPS, (double) schedule.warmupSteps);
        }
        try {
            return e.spec(o, seed);
        } catch (IllegalArgumentException ex) {
            throw new BadInputException("--optimizer " + e.name() + ": " + ex.getMessage());
        }
    }
}
