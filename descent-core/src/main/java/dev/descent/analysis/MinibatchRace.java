package dev.descent.analysis;

import java.util.ArrayList;
import java.util.List;

import dev.descent.data.Batch;
import dev.descent.data.Minibatch;
import dev.descent.data.TensorDataset;
import dev.descent.nn.Mlp;
import dev.descent.nn.MlpSpec;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerSpec;
import dev.descent.tensor.F;
import dev.descent.tensor.Generator;
import dev.descent.tensor.Grad;
import dev.descent.tensor.Tensor;

/**
 * The tutorial's minibatch experiment: the same model, optimizer and initial weights trained with
 * several batch sizes under the same wall-clock budget. Each step draws its batch IID with
 * replacement ({@link Minibatch#sample}); a batch size of at least the data set's size means the
 * whole set (full-batch gradient descent). The training loss is measured on a fixed evaluation
 * subset at regular intervals, with the evaluation time left off the clock.
 */
public final class MinibatchRace {

    /** The settings. */
    public record Config(MlpSpec model, OptimizerSpec<?> optimizer, List<Integer> batchSizes, double secondsPerRun, int evalExamples, int evalPoints, long seed) {
        /** Checks every value, naming the one out of range. */
        public Config {
            batchSizes = List.copyOf(batchSizes);
            if (batchSizes.isEmpty() || batchSizes.stream().anyMatch(b -> b < 1)) {
                throw new IllegalArgumentException("minibatch: batch sizes must be positive, got " + batchSizes);
            }
            if (!(secondsPerRun > 0) || evalExamples < 1 || evalPoints < 2) {
                throw new IllegalArgumentException("minibatch: the budget, evaluation examples and points must be positive");
            }
        }
    }

    /**
     * One batch size's curve.
     *
     * @param seconds  training time (evaluation excluded) at each measurement
     * @param examples examples processed at each measurement
     * @param loss     the evaluation subset's loss at each measurement
     * @param steps    optimizer steps taken in the budget
     */
    public record Curve(int batchSize, boolean fullBatch, double[] seconds, double[] examples, double[] loss, long steps) {
        /** The last measured loss. */
        public double finalLoss() {
            return loss[loss.length - 1];
        }
    }

    private MinibatchRace() {
    }

    /** Runs every batch size in turn on {@code train}. */
    public static List<Curve> run(TensorDataset train, Config cfg) {
        TensorDataset flat = train.flattened();
        Tensor x = flat.inputs();
        int[] y = flat.labels();
        int evalN = Math.min(cfg.evalExamples(), flat.size());
        Tensor evalX = x.indexSelect(range(evalN));
        int[] evalY = java.util.Arrays.copyOf(y, evalN);
        List<Curve> out = new ArrayList<>();
        for (int b : cfg.batchSizes()) {
            out.add(race(x, y, evalX, evalY, b, cfg));
        }
        return out;
    }

    private static Curve race(Tensor x, int[] y, Tensor evalX, int[] evalY, int batchSize, Config cfg) {
        Mlp model = new Mlp(cfg.model(), new Generator(cfg.seed()));
        Optimizer<?> opt = cfg.optimizer().create(model.parameters());
        Generator rng = new Generator(cfg.seed() + 1);
        boolean full = batchSize >= y.length;
        double interval = cfg.secondsPerRun() / (cfg.evalPoints() - 1);
        List<double[]> points = new ArrayList<>();
        double clock = 0;
        long examples = 0, steps = 0;
        points.add(new double[] {0, 0, evaluate(model, evalX, evalY)});
        double nextEval = interval;
        while (clock < cfg.secondsPerRun()) {
            long t0 = System.nanoTime();
            Batch batch = full ? new Batch(x, y) : Minibatch.sample(x, y, batchSize, rng);
            opt.zeroGrad();
            Tensor loss = F.nllLoss(model.forward(batch.x()), batch.y());
            loss.backward();
            opt.step();
            clock += (System.nanoTime() - t0) / 1e9;
            examples += batch.y().length;
            steps++;
            if (clock >= nextEval || clock >= cfg.secondsPerRun()) {
                double l = evaluate(model, evalX, evalY);
                points.add(new double[] {clock, examples, l});
                while (nextEval <= clock) {
                    nextEval += interval;
                }
                if (!Double.isFinite(l)) {
                    break;
                }
            }
        }
        double[] s = new double[points.size()], e = new double[points.size()], l = new double[points.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = points.get(i)[0];
            e[i] = points.get(i)[1];
            l[i] = points.get(i)[2];
        }
        return new Curve(batchSize, full, s, e, l, steps);
    }

    private static double evaluate(Mlp model, Tensor x, int[] y) {
        try (var off = Grad.off()) {
            return F.nllLoss(model.forward(x), y).item();
        }
    }

    private static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }
}
