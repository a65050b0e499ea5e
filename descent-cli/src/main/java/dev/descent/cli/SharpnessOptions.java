package dev.descent.cli;

import dev.descent.analysis.MlpCurvature;
import dev.descent.analysis.SharpnessListener;
import dev.descent.data.Dataset;
import dev.descent.nn.Mlp;
import dev.descent.tensor.Tensor;
import dev.descent.train.TrainConfig;
import picocli.CommandLine.Option;

/** {@code train --track-sharpness N}: the Hessian's top eigenvalue every N steps on a fixed batch. */
final class SharpnessOptions {

    @Option(names = "--track-sharpness", paramLabel = "N",
            description = "every N steps, the top Hessian eigenvalue of the loss on a fixed batch of training examples (Lanczos on exact Hessian-vector products), "
                    + "written to metrics.csv as sharpness and two_over_lr (off by default)")
    Integer every;

    @Option(names = "--sharpness-examples", defaultValue = "1000", paramLabel = "M",
            description = "the first M training examples are the fixed batch of --track-sharpness (default: ${DEFAULT-VALUE})")
    int examples;

    /** Whether sharpness is tracked. */
    boolean enabled() {
        return every != null;
    }

    /** Checks the options against the loop's settings. */
    void validate(TrainConfig cfg) {
        if (every == null) {
            return;
        }
        if (every < 1) {
            throw new BadInputException("--track-sharpness must be a positive number of steps, got " + every);
        }
        if (examples < 1) {
            throw new BadInputException("--sharpness-examples must be positive, got " + examples);
        }
        if (cfg.classWeights() != null) {
            throw new BadInputException("--track-sharpness measures the unweighted loss; it cannot be combined with --class-weights");
        }
    }

    /** The listener for {@code model}, on the first examples of {@code train}. */
    SharpnessListener listener(Mlp model, Dataset train, TrainConfig cfg, long seed) {
        int m = Math.min(examples, train.size());
        int[] idx = new int[m];
        for (int i = 0; i < m; i++) {
            idx[i] = i;
        }
        float[] x = new float[m * train.exampleNumel()];
        int[] y = new int[m];
        train.gather(idx, 0, m, x, y);
        SharpnessListener.Settings s = new SharpnessListener.Settings(every, 20, 1e-3, true, MlpCurvature.Precision.FLOAT32, seed);
        return new SharpnessListener(model, Tensor.of(x, m, train.exampleNumel()), y, cfg.loss(), s);
    }
}
