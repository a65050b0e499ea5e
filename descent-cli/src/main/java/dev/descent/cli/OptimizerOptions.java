package dev.descent.cli;

import java.util.List;
import java.util.Locale;

import dev.descent.optim.Adadelta;
import dev.descent.optim.Adagrad;
import dev.descent.optim.Adam;
import dev.descent.optim.Adamax;
import dev.descent.optim.Lion;
import dev.descent.optim.NAdam;
import dev.descent.optim.OptimizerSpec;
import dev.descent.optim.RAdam;
import dev.descent.optim.RandomSearch;
import dev.descent.optim.RmsProp;
import dev.descent.optim.Sgd;
import dev.descent.optim.TutorialRules;
import picocli.CommandLine.Option;

/**
 * The optimizer options, parsed here — at the edge — into a typed {@link OptimizerSpec}. Option
 * names follow PyTorch's; an option an algorithm does not have is ignored for it.
 */
public final class OptimizerOptions {

    /** The algorithms by their command-line names. */
    static final List<String> NAMES = List.of("sgd", "momentum", "nesterov", "rmsprop", "adagrad", "adadelta", "adam", "adamw",
            "adamax", "nadam", "radam", "lion", "gd", "tutorial-momentum", "tutorial-rmsprop", "random-search");

    @Option(names = "--optimizer", defaultValue = "adam", paramLabel = "NAME",
            description = "sgd, momentum, nesterov, rmsprop, adagrad, adadelta, adam, adamw, adamax, nadam, radam, lion; "
                    + "the tutorial's gd, tutorial-momentum, tutorial-rmsprop, random-search (default: ${DEFAULT-VALUE})")
    String optimizer;

    @Option(names = "--lr", paramLabel = "LR", description = "learning rate (default: PyTorch's default for the optimizer; 1e-3 for adam, 0.01 for sgd)")
    Double lr;

    @Option(names = "--momentum", paramLabel = "M", description = "momentum for sgd/momentum/nesterov/rmsprop, β for tutorial-momentum (default: 0.9 for momentum and nesterov, else 0)")
    Double momentum;

    @Option(names = "--dampening", defaultValue = "0", paramLabel = "D", description = "SGD dampening (default: ${DEFAULT-VALUE})")
    double dampening;

    @Option(names = "--weight-decay", paramLabel = "WD", description = "weight decay λ (default: 0; 0.01 for adamw)")
    Double weightDecay;

    @Option(names = "--betas", paramLabel = "B1,B2", split = ",", description = "Adam-family β₁,β₂ (default: 0.9,0.999; 0.9,0.99 for lion)")
    double[] betas;

    @Option(names = "--eps", paramLabel = "EPS", description = "ε (default: the optimizer's PyTorch default)")
    Double eps;

    @Option(names = "--alpha", paramLabel = "A", description = "RMSprop smoothing α (default: 0.99; 0.9 for tutorial-rmsprop)")
    Double alpha;

    @Option(names = "--amsgrad", description = "AMSGrad variant of adam/adamw")
    boolean amsgrad;

    @Option(names = "--centered", description = "centered RMSprop")
    boolean centered;

    @Option(names = "--rho", defaultValue = "0.9", paramLabel = "RHO", description = "Adadelta ρ (default: ${DEFAULT-VALUE})")
    double rho;

    @Option(names = "--lr-decay", defaultValue = "0", paramLabel = "D", description = "Adagrad lr decay (default: ${DEFAULT-VALUE})")
    double lrDecay;

    @Option(names = "--initial-accumulator", defaultValue = "0", paramLabel = "V", description = "Adagrad initial accumulator value (default: ${DEFAULT-VALUE})")
    double initialAccumulator;

    @Option(names = "--noise-scale", defaultValue = "0.01", paramLabel = "S", description = "random-search noise scale σ (default: ${DEFAULT-VALUE})")
    double noiseScale;

    @Option(names = "--normalized", description = "random search: normalise each tensor's noise to unit norm")
    boolean normalized;

    /** The algorithm name, checked. */
    String name() {
        String n = optimizer.toLowerCase(Locale.ROOT);
        if (!NAMES.contains(n)) {
            throw new BadInputException("unknown optimizer '" + optimizer + "' (known: " + String.join(", ", NAMES) + ")");
        }
        return n;
    }

    private double b1(double d) {
        return betas == null ? d : checkBetas()[0];
    }

    private double b2(double d) {
        return betas == null ? d : checkBetas()[1];
    }

    private double[] checkBetas() {
        if (betas.length != 2) {
            throw new BadInputException("--betas takes two values B1,B2, got " + betas.length);
        }
        return betas;
    }

    /** The typed configuration for {@code name}; {@code seed} seeds random search's noise. */
    OptimizerSpec<?> spec(String name, long seed) {
        double wd = weightDecay != null ? weightDecay : name.equals("adamw") ? Adam.ADAMW_DEFAULT_WEIGHT_DECAY : 0;
        try {
            return switch (name) {
                case "sgd" -> new OptimizerSpec<>(Sgd.RULE, lr(0.01), wd, new Sgd.Options(orElse(momentum, 0), dampening, false));
                case "momentum" -> new OptimizerSpec<>(Sgd.RULE, lr(0.01), wd, new Sgd.Options(orElse(momentum, 0.9), dampening, false));
                case "nesterov" -> new OptimizerSpec<>(Sgd.RULE, lr(0.01), wd, new Sgd.Options(orElse(momentum, 0.9), 0, true));
                case "rmsprop" -> new OptimizerSpec<>(RmsProp.RULE, lr(RmsProp.DEFAULT_LR), wd, new RmsProp.Options(orElse(alpha, 0.99), orElse(eps, 1e-8), orElse(momentum, 0), centered));
                case "adagrad" -> new OptimizerSpec<>(Adagrad.RULE, lr(Adagrad.DEFAULT_LR), wd, new Adagrad.Options(lrDecay, initialAccumulator, orElse(eps, 1e-10)));
                case "adadelta" -> new OptimizerSpec<>(Adadelta.RULE, lr(Adadelta.DEFAULT_LR), wd, new Adadelta.Options(rho, orElse(eps, 1e-6)));
                case "adam" -> new OptimizerSpec<>(Adam.ADAM, lr(Adam.DEFAULT_LR), wd, new Adam.Options(b1(0.9), b2(0.999), orElse(eps, 1e-8), amsgrad));
                case "adamw" -> new OptimizerSpec<>(Adam.ADAMW, lr(Adam.DEFAULT_LR), wd, new Adam.Options(b1(0.9), b2(0.999), orElse(eps, 1e-8), amsgrad));
                case "adamax" -> new OptimizerSpec<>(Adamax.RULE, lr(Adamax.DEFAULT_LR), wd, new Adamax.Options(b1(0.9), b2(0.999), orElse(eps, 1e-8)));
                case "nadam" -> new OptimizerSpec<>(NAdam.RULE, lr(NAdam.DEFAULT_LR), wd, new NAdam.Options(b1(0.9), b2(0.999), orElse(eps, 1e-8), 4e-3));
                case "radam" -> new OptimizerSpec<>(RAdam.RULE, lr(1e-3), wd, new RAdam.Options(b1(0.9), b2(0.999), orElse(eps, 1e-8)));
                case "lion" -> new OptimizerSpec<>(Lion.RULE, lr(Lion.DEFAULT_LR), wd, new Lion.Options(b1(0.9), b2(0.99)));
                case "gd" -> new OptimizerSpec<>(TutorialRules.GradientDescent.RULE, lr(0.1), 0, new TutorialRules.NoOptions());
                case "tutorial-momentum" -> new OptimizerSpec<>(TutorialRules.Momentum.RULE, lr(0.01), 0, new TutorialRules.MomentumOptions(orElse(momentum, 0.9)));
                case "tutorial-rmsprop" -> new OptimizerSpec<>(TutorialRules.RmsProp.RULE, lr(1e-3), 0, new TutorialRules.RmsPropOptions(orElse(alpha, 0.9), orElse(eps, 1e-8)));
                case "random-search" -> new OptimizerSpec<>(new RandomSearch(seed), lr(1.0), 0, new RandomSearch.Options(noiseScale, normalized));
                default -> throw new BadInputException("unknown optimizer '" + name + "'");
            };
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--optimizer " + name + ": " + e.getMessage());
        }
    }

    private double lr(double dflt) {
        double v = lr == null ? dflt : lr;
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new BadInputException("--lr must be a positive finite number, got " + v);
        }
        return v;
    }

    private static double orElse(Double v, double d) {
        return v == null ? d : v;
    }
}
