package dev.descent.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.descent.nn.Activation;
import dev.descent.nn.MlpSpec;
import picocli.CommandLine.Option;

/** The model options: the tutorial's MLP. */
public final class ModelOptions {

    @Option(names = "--hidden", defaultValue = "200,100,50", paramLabel = "H1,H2,…",
            description = "hidden layer sizes; \"\" for the linear model (default: ${DEFAULT-VALUE})")
    String hidden;

    @Option(names = "--activation", defaultValue = "relu", paramLabel = "NAME", description = "relu, leaky_relu, tanh, sigmoid, gelu (default: ${DEFAULT-VALUE})")
    String activation;

    @Option(names = "--no-bias", description = "linear layers without bias (the tutorial's use_bias=False)")
    boolean noBias;

    /** The hidden sizes, checked. */
    List<Integer> hiddenDims() {
        return parseHidden("--hidden", hidden);
    }

    /** Hidden sizes written as "200,100,50" ("" for none), checked; errors name {@code option}. */
    static List<Integer> parseHidden(String option, String text) {
        List<Integer> dims = new ArrayList<>();
        if (text.isBlank()) {
            return dims;
        }
        for (String part : text.split(",")) {
            int h;
            try {
                h = Integer.parseInt(part.trim());
            } catch (NumberFormatException e) {
                throw new BadInputException(option + ": '" + part.trim() + "' is not a whole number (expected e.g. 200,100,50)");
            }
            if (h <= 0) {
                throw new BadInputException(option + ": layer sizes must be positive, got " + h);
            }
            dims.add(h);
        }
        return dims;
    }

    Activation activation() {
        return parseActivation(activation);
    }

    /** An activation by name ("relu", "leaky-relu", "tanh", …), checked. */
    static Activation parseActivation(String name) {
        try {
            return Activation.valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--activation: unknown '" + name + "' (known: relu, leaky_relu, tanh, sigmoid, gelu)");
        }
    }

    MlpSpec spec(int inDim, int outDim) {
        return new MlpSpec(inDim, hiddenDims(), outDim, !noBias, activation());
    }
}
