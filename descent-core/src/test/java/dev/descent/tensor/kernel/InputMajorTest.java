package dev.descent.tensor.kernel;

import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.descent.tensor.Generator;

import static dev.descent.testing.Matrices.gaussian;
import static dev.descent.testing.Matrices.sparseInput;
import static dev.descent.testing.Matrices.transposed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A first layer's products with its weight stored input-major: each band's forward is a plain loop's
 * FMA chain over the band's inputs, the weight gradient of a band is the model-layout kernel's,
 * transposed, bit for bit (and a plain loop's), whatever the output count (a multiple of the vector
 * length or not, one pass or several); the partial sums add up as written; transposing twice is the
 * identity.
 */
class InputMajorTest {

    private static SparseInput listed(float[] x, int rows, int cols) {
        Optional<SparseInput> s = SparseInput.of(x, 0, rows, cols, null);
        assumeTrue(s.isPresent(), "the sparse paths run with AVX-512 only");
        return s.get();
    }

    @ParameterizedTest(name = "{0}x{1} -> {2}")
    @CsvSource({"64,784,200", "17,784,200", "64,784,16", "64,784,40", "33,100,17", "64,784,128", "64,784,130", "512,784,200", "1024,784,200"})
    void eachBandIsAPlainLoopOverItsInputs(int rows, int in, int out) {
        assumeTrue(InputMajor.supports(out));
        Generator g = new Generator(rows * 31L + in * 7L + out);
        float[] x = sparseInput(g, rows, in, 0.2), wt = gaussian(g, in * out);
        SparseInput sx = listed(x, rows, in);
        int band = InputMajor.band(in, out);
        assertThat(band).isBetween(0, in);
        float[] first = new float[rows * out], second = new float[rows * out];
        java.util.Arrays.fill(second, Float.NaN); // written, not read
        InputMajor.forward(sx, 0, band, wt, out, first);
        InputMajor.forward(sx, band, in, wt, out, second);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < out; j++) {
                float a = 0f, b = 0f;
                for (int p = 0; p < in; p++) {
                    float v = x[i * in + p];
                    if (v != 0f) {
                        if (p < band) {
                            a = Math.fma(v, wt[p * out + j], a);
                        } else {
                            b = Math.fma(v, wt[p * out + j], b);
                        }
                    }
                }
                assertThat(first[i * out + j]).as("row %d output %d, first band", i, j).isEqualTo(a);
                assertThat(second[i * out + j]).as("row %d output %d, second band", i, j).isEqualTo(b);
            }
        }
        float[] bias = gaussian(g, out), z = new float[(rows - 1) * out];
        InputMajor.addPartials(first, second, bias, 1, rows, out, z);
        for (int i = 1; i < rows; i++) {
            for (int j = 0; j < out; j++) {
                assertThat(z[(i - 1) * out + j]).isEqualTo((first[i * out + j] + second[i * out + j]) + bias[j]);
            }
        }
        InputMajor.addPartials(first, second, null, 0, 1, out, z);
        for (int j = 0; j < out; j++) {
            assertThat(z[j]).isEqualTo(first[j] + second[j]);
        }
    }

    /** The same bands from the weight in the model's layout ([out, in]), on one, two and three threads, bit for bit. */
    @ParameterizedTest(name = "{0}x{1} -> {2}, {3} threads")
    @CsvSource({"64,784,200,2", "64,784,200,1", "64,784,200,3", "17,784,200,2", "64,784,16,2", "33,100,17,2", "512,784,200,2"})
    void theModelLayoutsBandsAreTheSameBits(int rows, int in, int out, int threads) {
        assumeTrue(InputMajor.supports(out));
        int saved = Parallel.threads();
        Parallel.setThreads(threads);
        try {
            Generator g = new Generator(rows * 13L + in * 5L + out);
            float[] x = sparseInput(g, rows, in, 0.2), wt = gaussian(g, in * out);
            SparseInput sx = listed(x, rows, in);
            int band = InputMajor.band(in, out);
            float[] first = new float[rows * out], second = new float[rows * out], c0 = new float[rows * out], c1 = new float[rows * out];
            InputMajor.forward(sx, 0, band, wt, out, first);
            InputMajor.forward(sx, band, in, wt, out, second);
            Gemm.ntBands(sx, out, transposed(wt, in, out), 0, band, c0, c1);
            assertThat(c0).isEqualTo(first);
            assertThat(c1).isEqualTo(second);
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @ParameterizedTest(name = "{0}x{1} -> {2}")
    @CsvSource({"64,784,200", "17,784,200", "64,784,16", "64,784,40", "33,100,17", "512,784,200", "1024,784,200"})
    void theWeightGradientOfEachBandIsTheModelLayoutsTransposed(int rows, int in, int out) {
        assumeTrue(InputMajor.supports(out));
        Generator g = new Generator(rows * 17L + in * 3L + out);
        float[] x = sparseInput(g, rows, in, 0.2), dy = gaussian(g, rows * out);
        SparseInput sx = listed(x, rows, in);
        int band = InputMajor.band(in, out);
        float[] gt = new float[in * out];
        InputMajor.weightGrad(dy, sx, 0, band, gt);
        InputMajor.weightGrad(dy, sx, band, in, gt);
        float[] model = new float[out * in];
        Gemm.tnByRows(out, dy, 0, sx, model, 0, true, true);
        assertThat(gt).isEqualTo(transposed(model, out, in));
        for (int p = 0; p < in; p += 37) {
            for (int j = 0; j < out; j++) {
                float s = 0f;
                for (int i = 0; i < rows; i++) {
                    float v = x[i * in + p];
                    if (v != 0f) {
                        s = Math.fma(v, dy[i * out + j], s);
                    }
                }
                assertThat(gt[p * out + j]).as("input %d output %d", p, j).isEqualTo(s);
            }
        }
    }

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"200,784", "784,200", "16,16", "17,33", "1,40", "40,1"})
    void transposingTwiceIsTheIdentity(int rows, int cols) {
        float[] a = gaussian(new Generator(rows + 1000L * cols), rows * cols), scratch = new float[rows * cols];
        float[] t = a.clone();
        InputMajor.transpose(t, rows, cols, scratch);
        assertThat(t).isEqualTo(transposed(a, rows, cols));
        InputMajor.transpose(t, cols, rows, scratch);
        assertThat(t).isEqualTo(a);
    }

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"784,200,392", "784,100,392", "10,16,4", "3,1000,1"})
    void theBandsMeetNearTheOptimizersHalf(int in, int out, int expected) {
        assertThat(InputMajor.band(in, out)).isEqualTo(expected);
    }
}
