package dev.descent.benchmark;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.descent.data.IdxImages;
import dev.descent.data.MnistFamily;

/**
 * The named test problems: DeepOBS's {@code quadratic_deep} and the four MNIST-family problems, built
 * from a source of data sets. A user adds a problem by implementing {@link TestProblem} (or with
 * {@link ClassifierProblem#of} for any IDX data set) and passing it to {@link Benchmark#run}.
 */
public final class TestProblems {

    /** The names of the suite, in its order. */
    public static final List<String> NAMES = List.of("quadratic_deep", "mnist_logreg", "mnist_mlp", "fmnist_logreg", "fmnist_mlp");

    /** The tutorial's hidden layers. */
    public static final List<Integer> MLP = List.of(200, 100, 50);

    private TestProblems() {
    }

    /**
     * The problems of the suite by name.
     *
     * @param data the training and test sets of a family member, loaded when a problem first runs
     */
    public static Map<String, TestProblem> standard(Function<MnistFamily, IdxImages.TrainTest> data) {
        Supplier<IdxImages.TrainTest> mnist = memoize(() -> data.apply(MnistFamily.MNIST));
        Supplier<IdxImages.TrainTest> fashion = memoize(() -> data.apply(MnistFamily.FASHION_MNIST));
        Map<String, TestProblem> m = new LinkedHashMap<>();
        m.put("quadratic_deep", new QuadraticDeep());
        m.put("mnist_logreg", ClassifierProblem.of("mnist_logreg", "multinomial logistic regression on MNIST", mnist, List.of()));
        m.put("mnist_mlp", ClassifierProblem.of("mnist_mlp", "MLP 784-200-100-50-10 on MNIST", mnist, MLP));
        m.put("fmnist_logreg", ClassifierProblem.of("fmnist_logreg", "multinomial logistic regression on Fashion-MNIST", fashion, List.of()));
        m.put("fmnist_mlp", ClassifierProblem.of("fmnist_mlp", "MLP 784-200-100-50-10 on Fashion-MNIST", fashion, MLP));
        return m;
    }

    /** A supplier that calls {@code s} once, on first use. */
    public static <T> Supplier<T> memoize(Supplier<T> s) {
        return new Supplier<>() {
            private T value;

            @Override
            public synchronized T get() {
                if (value == null) {
                    value = s.get();
                }
                return value;
            }
        };
    }
}
