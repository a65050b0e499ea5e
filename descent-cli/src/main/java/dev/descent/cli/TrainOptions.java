package dev.descent.cli;

import java.nio.file.Path;

import dev.descent.optim.transform.Clip;
import dev.descent.train.Loss;
import dev.descent.train.TrainConfig;
import picocli.CommandLine.Option;

/** The training-loop options (the tutorial's benchmark recipe by default). */
public final class TrainOptions {

    @Option(names = "--epochs", defaultValue = "2", paramLabel = "N", description = "passes over the training set (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "64", paramLabel = "B", description = "examples per step (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--seed", defaultValue = "2021", paramLabel = "S", description = "fixes weights, split, shuffling and noise (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--val-size", defaultValue = "10000", paramLabel = "N", description = "training examples held out for validation (default: ${DEFAULT-VALUE})")
    int valSize;

    @Option(names = "--log-freq", defaultValue = "200", paramLabel = "N", description = "steps between [TRAIN] lines (default: ${DEFAULT-VALUE})")
    int logFreq;

    @Option(names = "--val-freq", defaultValue = "200", paramLabel = "N", description = "steps between validations (default: ${DEFAULT-VALUE})")
    int valFreq;

    @Option(names = "--val-batches", defaultValue = "100", paramLabel = "N", description = "batches of 256 per validation estimate (default: ${DEFAULT-VALUE})")
    int valBatches;

    @Option(names = "--threads", paramLabel = "N", description = "kernel threads (default: all cores)")
    Integer threads;

    @Option(names = "--grad-accum", defaultValue = "1", paramLabel = "K", description = "batches per optimizer step (default: ${DEFAULT-VALUE})")
    int accumulate;

    @Option(names = "--clip-norm", paramLabel = "MAX", description = "clip gradients to this global L2 norm")
    Double clipNorm;

    @Option(names = "--clip-value", paramLabel = "V", description = "clamp gradient elements to [-V, V]")
    Double clipValue;

    @Option(names = "--early-stopping", defaultValue = "0", paramLabel = "N", description = "stop after N validations without improvement; 0 never (default: ${DEFAULT-VALUE})")
    int earlyStopping;

    @Option(names = "--class-weights", split = ",", paramLabel = "W0,W1,…", description = "per-class loss weights")
    float[] classWeights;

    @Option(names = "--loss", defaultValue = "nll", paramLabel = "NAME",
            description = "nll (the tutorial's, on log-softmax outputs) or mse (the scores against one-hot targets, mean over all elements as F.mse_loss) (default: ${DEFAULT-VALUE})")
    String loss;

    @Option(names = "--out", paramLabel = "DIR", description = "run directory (default: runs/<timestamp>-<optimizer>)")
    Path out;

    /** A loss by name ("nll", "mse"), checked. */
    static Loss parseLoss(String name) {
        for (Loss l : Loss.values()) {
            if (l.label().equals(name.trim().toLowerCase(java.util.Locale.ROOT))) {
                return l;
            }
        }
        throw new BadInputException("--loss: unknown '" + name + "' (known: nll, mse)");
    }

    /** Validates and builds the loop's configuration. */
    TrainConfig config() {
        if (batchSize < 1) {
            throw new BadInputException("--batch-size must be a positive integer, got " + batchSize);
        }
        if (valSize < 0) {
            throw new BadInputException("--val-size must be >= 0, got " + valSize);
        }
        if (threads != null && threads < 1) {
            throw new BadInputException("--threads must be >= 1, got " + threads);
        }
        clipping();
        try {
            return new TrainConfig(epochs, logFreq, valFreq, valBatches, 256, accumulate, earlyStopping, classWeights, parseLoss(loss));
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
    }

    /** The clipping link the optimizer's chain starts with, or null for none. */
    Clip clipping() {
        if (clipNorm != null && clipValue != null) {
            throw new BadInputException("--clip-norm and --clip-value cannot be combined");
        }
        try {
            return clipNorm != null ? new Clip.ByGlobalNorm(clipNorm) : clipValue != null ? new Clip.ByValue(clipValue) : null;
        } catch (IllegalArgumentException e) {
            throw new BadInputException((clipNorm != null ? "--clip-norm: " : "--clip-value: ") + e.getMessage());
        }
    }
}
