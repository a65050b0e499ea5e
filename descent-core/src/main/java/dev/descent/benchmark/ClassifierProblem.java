package dev.descent.benchmark;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import dev.descent.data.DataLoader;
import dev.descent.data.Dataset;
import dev.descent.data.Datasets;
import dev.descent.data.IdxImages;
import dev.descent.nn.Mlp;
import dev.descent.nn.MlpSpec;
import dev.descent.optim.OptimizerSpec;
import dev.descent.tensor.Generator;
import dev.descent.train.Evaluation;
import dev.descent.train.Evaluator;
import dev.descent.train.TrainConfig;
import dev.descent.train.TrainListener;
import dev.descent.train.TrainResult;
import dev.descent.train.Trainer;

/**
 * An MLP (or, with no hidden layers, multinomial logistic regression) trained with the library's
 * {@link Trainer} on an image classification set, 10,000 training examples held out for validation
 * and evaluated {@value #EVALS_PER_EPOCH} times an epoch.
 * A seed fixes the split, the initial weights and the batch order (as {@code descent train}: weights
 * and split from {@code seed}, shuffling from {@code seed + 1}).
 *
 * <p>DeepOBS's {@code mnist_mlp} is 784-1000-500-100-10; ours is the tutorial's 784-200-100-50-10,
 * with PyTorch's default initialisation rather than DeepOBS's truncated normal.
 *
 * @param data      the training and test sets, loaded on first use (memoize it: every run calls it)
 * @param hidden    hidden layer widths; empty for logistic regression
 * @param valSize   training examples held out for validation
 * @param paper     DeepOBS's budget for the problem
 * @param machine   the budget that fits a 2-core machine
 */
public record ClassifierProblem(String name, String description, Supplier<IdxImages.TrainTest> data, List<Integer> hidden,
                                int valSize, Budget paper, Budget machine) implements TestProblem {

    /** Validations per epoch. */
    public static final int EVALS_PER_EPOCH = 4;

    /** Copies the widths. */
    public ClassifierProblem {
        hidden = List.copyOf(hidden);
    }

    /** DeepOBS's budgets: 50 epochs of batch 128 for logistic regression, 100 for an MLP. */
    public static ClassifierProblem of(String name, String description, Supplier<IdxImages.TrainTest> data, List<Integer> hidden) {
        boolean linear = hidden.isEmpty();
        return new ClassifierProblem(name, description, data, hidden, 10_000, new Budget(linear ? 50 : 100, 128), new Budget(2, 128));
    }

    @Override
    public boolean hasAccuracy() {
        return true;
    }

    @Override
    public Budget budget(Scale scale) {
        return switch (scale) {
            case QUICK -> new Budget(1, machine.batchSize());
            case MACHINE -> machine;
            case PAPER -> paper;
        };
    }

    @Override
    public ProblemRun run(OptimizerSpec<?> optimizer, Budget budget, long seed) {
        IdxImages.TrainTest tt = data.get();
        int n = tt.train().size();
        int val = Math.min(valSize, n / 5);
        List<Dataset> parts = Datasets.split(tt.train(), seed, n - val, val);
        MlpSpec spec = MlpSpec.of(tt.train().exampleNumel(), hidden, tt.train().numClasses());
        Mlp model = new Mlp(spec, new Generator(seed));
        DataLoader loader = new DataLoader(parts.get(0), budget.batchSize(), true, false, true, new Generator(seed + 1));
        // Validation on the whole held-out set four times an epoch (and at its end): the resolution of
        // the steps-to-target speed measure.
        int every = Math.max(1, loader.numBatches() / EVALS_PER_EPOCH);
        TrainConfig cfg = new TrainConfig(budget.epochs(), Integer.MAX_VALUE, every, Math.ceilDiv(val, 1000), 1000, 1, 0, null);
        List<Integer> steps = new ArrayList<>();
        List<Double> seconds = new ArrayList<>(), acc = new ArrayList<>();
        // Reads the report and the trainer's counters only.
        TrainListener evals = TrainListener.watching((t, r) -> {
            if (r.validation() != null) {
                steps.add(r.step());
                seconds.add(t.state().trainSeconds());
                acc.add(r.validation().accuracy());
            }
        });
        Trainer trainer = new Trainer(model, optimizer.create(model.parameters()), null, null, loader, parts.get(1), cfg, List.of(evals));
        TrainResult r = trainer.fit();
        boolean diverged = r.reason() == TrainResult.Stop.DIVERGED;
        Evaluation test = diverged ? null : Evaluator.evaluate(model, tt.test(), 1000);
        return new ProblemRun(steps.stream().mapToInt(Integer::intValue).toArray(), seconds.stream().mapToDouble(Double::doubleValue).toArray(),
                acc.stream().mapToDouble(Double::doubleValue).toArray(), trainer.history().trainLoss(), diverged ? Double.NaN : test.loss(),
                diverged ? Double.NaN : test.accuracy(), r.steps(), r.trainSeconds(), diverged);
    }
}
