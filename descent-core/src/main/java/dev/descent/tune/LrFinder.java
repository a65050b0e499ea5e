package dev.descent.tune;

import java.util.Iterator;
import java.util.Map;

import dev.descent.data.Batch;
import dev.descent.data.DataLoader;
import dev.descent.nn.Mlp;
import dev.descent.optim.Optimizer;
import dev.descent.optim.OptimizerSpec;
import dev.descent.tensor.F;
import dev.descent.tensor.Tensor;

/**
 * The learning-rate range test (Smith, 2015; fastai's {@code lr_find}): train for a short while with
 * the learning rate growing exponentially from {@code startLr} to {@code endLr}, record the loss, and
 * stop once it diverges. The smoothed curve suggests a learning rate.
 *
 * <pre>
 * lr_i = start · (end / start)^(i / (n − 1))
 * avg_i = β·avg_{i−1} + (1 − β)·loss_i,   smoothed_i = avg_i / (1 − β^(i+1))      (β = 0.98)
 * stop when smoothed_i &gt; 4 · min_j smoothed_j, or the loss is not finite
 * </pre>
 * Suggestions, as fastai's: <em>steepest</em>, the lr where the smoothed loss falls fastest per unit
 * of log lr on the descent before the lowest loss; <em>valley</em>, a point two thirds of the way along the longest stretch of decreasing
 * loss; <em>minimum/10</em>, a tenth of the lr at the lowest smoothed loss. The model is restored
 * afterwards, and the optimizer is a fresh one, so nothing the caller owns changes.
 */
public final class LrFinder {

    /** The range, the length and the smoothing of the test. */
    public record Config(double startLr, double endLr, int iterations, double beta, double divergeFactor) {
        /** Checks every value, naming the one out of range. */
        public Config {
            if (!(startLr > 0) || !(endLr > startLr) || Double.isInfinite(endLr)) {
                throw new IllegalArgumentException("lr-find: need 0 < start lr < end lr, got " + startLr + " and " + endLr);
            }
            if (iterations < 5) {
                throw new IllegalArgumentException("lr-find: iterations must be at least 5, got " + iterations);
            }
            if (!(beta >= 0 && beta < 1)) {
                throw new IllegalArgumentException("lr-find: smoothing β must be in [0, 1), got " + beta);
            }
            if (!(divergeFactor > 1)) {
                throw new IllegalArgumentException("lr-find: divergence factor must be > 1, got " + divergeFactor);
            }
        }

        /** fastai's defaults: 1e-7 to 10 over 100 steps, β = 0.98, stop at 4× the best loss. */
        public static Config defaults() {
            return new Config(1e-7, 10, 100, 0.98, 4);
        }
    }

    /**
     * The recorded curve and the suggestions.
     *
     * @param diverged whether the test stopped early because the loss blew up
     */
    public record Result(double[] lrs, double[] losses, double[] smoothed, double steepest, double valley, double minimumOverTen,
                         boolean diverged) {
    }

    private LrFinder() {
    }

    /** Runs the test on {@code model} with an optimizer built from {@code spec} (its lr is overridden). */
    public static Result run(Mlp model, OptimizerSpec<?> spec, DataLoader loader, Config cfg) {
        Map<String, Tensor> saved = copy(model.stateDict());
        int n = cfg.iterations();
        double[] lrs = new double[n], losses = new double[n], smooth = new double[n];
        Optimizer<?> opt = spec.create(model.parameters());
        Iterator<Batch> it = loader.iterator();
        double avg = 0, best = Double.POSITIVE_INFINITY;
        int done = 0;
        boolean diverged = false;
        try {
            for (int i = 0; i < n; i++) {
                if (!it.hasNext()) {
                    it = loader.iterator();
                }
                Batch b = it.next();
                double lr = cfg.startLr() * Math.pow(cfg.endLr() / cfg.startLr(), (double) i / (n - 1));
                opt.paramGroups().forEach(g -> g.setLr(lr));
                opt.zeroGrad(false);
                Tensor loss = F.nllLoss(model.forward(b.x()), b.y());
                double l = loss.item();
                lrs[i] = lr;
                losses[i] = l;
                avg = cfg.beta() * avg + (1 - cfg.beta()) * l;
                smooth[i] = avg / (1 - Math.pow(cfg.beta(), i + 1));
                done = i + 1;
                if (!Double.isFinite(l) || smooth[i] > cfg.divergeFactor() * best) {
                    diverged = true;
                    break;
                }
                best = Math.min(best, smooth[i]);
                loss.backward();
                opt.step();
            }
        } finally {
            model.loadStateDict(saved);
            model.zeroGrad(true);
        }
        double[] l = java.util.Arrays.copyOf(lrs, done), r = java.util.Arrays.copyOf(losses, done), s = java.util.Arrays.copyOf(smooth, done);
        // As fastai (lrs[num_it//10:-5]): suggestions skip the first tenth, where the smoothed curve is
        // still settling, and the last five points, where the loss shoots up.
        int from = Math.min(n / 10, Math.max(0, done - 3));
        int to = Math.max(from + 2, done - 5);
        double[] sl = java.util.Arrays.copyOfRange(l, from, Math.min(to, done)), ss = java.util.Arrays.copyOfRange(s, from, Math.min(to, done));
        int m = sl.length;
        return new Result(l, r, s, steepest(sl, ss, m), valley(sl, ss, m), minimumOverTen(sl, ss, m), diverged);
    }

    private static Map<String, Tensor> copy(Map<String, Tensor> sd) {
        Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        sd.forEach((k, v) -> out.put(k, Tensor.of(v.toArray(), v.shape())));
        return out;
    }

    /**
     * The lr where d(smoothed loss)/d(log lr) is most negative (central differences), looked for on
     * the descent only — up to the lowest smoothed loss — so that a recovery after a spike never wins.
     */
    static double steepest(double[] lrs, double[] s, int m) {
        int low = 0;
        for (int i = 1; i < m; i++) {
            if (s[i] < s[low]) {
                low = i;
            }
        }
        m = Math.max(2, Math.min(m, low + 1));
        int bestI = 0;
        double bestG = Double.POSITIVE_INFINITY;
        for (int i = 0; i < m; i++) {
            int a = Math.max(0, i - 1), b = Math.min(m - 1, i + 1);
            if (a == b) {
                continue;
            }
            double g = (s[b] - s[a]) / (Math.log(lrs[b]) - Math.log(lrs[a]));
            if (g < bestG) {
                bestG = g;
                bestI = i;
            }
        }
        return lrs[bestI];
    }

    /** fastai's valley: the longest decreasing subsequence of the loss, two thirds of the way along it. */
    static double valley(double[] lrs, double[] s, int m) {
        int[] lds = new int[m];
        java.util.Arrays.fill(lds, 1);
        int maxStart = 0, maxEnd = 0;
        for (int i = 1; i < m; i++) {
            for (int j = 0; j < i; j++) {
                if (s[i] < s[j] && lds[i] < lds[j] + 1) {
                    lds[i] = lds[j] + 1;
                }
                if (lds[maxEnd] < lds[i]) {
                    maxEnd = i;
                    maxStart = maxEnd - lds[maxEnd];
                }
            }
        }
        double sections = (maxEnd - maxStart) / 3.0;
        int idx = Math.max(0, Math.min(m - 1, maxStart + (int) sections + (int) (sections / 2)));
        return lrs[idx];
    }

    /** A tenth of the lr at the lowest smoothed loss. */
    static double minimumOverTen(double[] lrs, double[] s, int m) {
        int best = 0;
        for (int i = 1; i < m; i++) {
            if (s[i] < s[best]) {
                best = i;
            }
        }
        return lrs[best] / 10;
    }
}
