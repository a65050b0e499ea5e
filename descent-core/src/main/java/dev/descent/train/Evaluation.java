package dev.descent.train;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * A model's quality on a data set: mean loss and accuracy (the tutorial's {@code eval_model}), and
 * what an average hides — accuracy per class and the confusion matrix (rows: true class, columns:
 * predicted class).
 */
public record Evaluation(double loss, double accuracy, int examples, double[] perClassAccuracy, int[][] confusion) {

    /** The {@code k} classes with the lowest accuracy, worst first. */
    public int[] worstClasses(int k) {
        return IntStream.range(0, perClassAccuracy.length).boxed()
                .sorted(Comparator.comparingDouble(c -> perClassAccuracy[c]))
                .limit(k).mapToInt(Integer::intValue).toArray();
    }

    /** Examples of each true class. */
    public int[] classSupport() {
        return Arrays.stream(confusion).mapToInt(r -> Arrays.stream(r).sum()).toArray();
    }
}
