package dev.descent.data;

import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.descent.tensor.Generator;
import dev.descent.tensor.Tensor;
import dev.descent.tensor.kernel.Parallel;

import static org.assertj.core.api.Assertions.assertThat;

/** A gathered batch holds every element of each chosen row, with its label, on any thread count. */
class TensorDatasetTest {

    private static final int THREADS = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(THREADS);
    }

    @ParameterizedTest(name = "{0} threads, {1} rows of {2}")
    @CsvSource({"1,64,784", "2,64,784", "3,100,200", "2,3,5", "2,7,1"})
    void gatherCopiesEveryElementOfEachRowAndItsLabel(int threads, int count, int rowSize) {
        Parallel.setThreads(threads);
        int n = 500;
        float[] x = new float[n * rowSize];
        for (int i = 0; i < x.length; i++) {
            x[i] = i + 0.5f;
        }
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = (i * 7) % 10;
        }
        TensorDataset data = new TensorDataset(Tensor.of(x, n, rowSize), y, 10);
        Generator g = new Generator(count);
        int from = 3;
        int[] indices = new int[from + count];
        for (int k = 0; k < indices.length; k++) {
            indices[k] = g.nextInt(n);
        }
        float[] out = new float[count * rowSize];
        int[] labels = new int[count];
        data.gather(indices, from, count, out, labels);
        for (int k = 0; k < count; k++) {
            int i = indices[from + k];
            assertThat(Arrays.copyOfRange(out, k * rowSize, (k + 1) * rowSize)).as("row %d (example %d)", k, i)
                    .isEqualTo(Arrays.copyOfRange(x, i * rowSize, (i + 1) * rowSize));
            assertThat(labels[k]).as("label of row %d", k).isEqualTo(y[i]);
        }
    }
}
