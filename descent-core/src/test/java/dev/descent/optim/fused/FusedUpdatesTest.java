package dev.descent.optim.fused;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.descent.tensor.Generator;
import dev.descent.tensor.kernel.Parallel;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The vector form of every fused update equals its scalar twin bit for bit, on one thread and on
 * two, for a length with a ragged tail both below and above the size at which updates are split.
 */
class FusedUpdatesTest {

    private static final int THREADS = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(THREADS);
    }

    /** One update applied to fresh copies of the same arrays. */
    private record Case(String name, Consumer<float[][]> run) {
    }

    private static List<Case> cases(FusedUpdates f) {
        List<Case> c = new ArrayList<>();
        c.add(new Case("scale", a -> f.scale(a[2], a[0].length, 0.999f)));
        c.add(new Case("step", a -> f.step(a[0], a[1], a[0].length, 0.01f)));
        c.add(new Case("sgd first", a -> f.sgdMomentum(a[0], a[1], a[2], a[0].length, 0.9f, 0.1f, false, true, 0.1f)));
        c.add(new Case("sgd nesterov", a -> f.sgdMomentum(a[0], a[1], a[2], a[0].length, 0.9f, 0f, true, false, 0.1f)));
        c.add(new Case("adam", a -> f.adam(a[0], a[1], a[3], null, a[2], a[0].length, 0.9f, 0.999f, 1e-8f, 0.3f, 1e-3f)));
        c.add(new Case("adam amsgrad in place", a -> f.adam(a[0], a[1], a[3], a[4], a[0], a[0].length, 0.9f, 0.99f, 1e-8f, 0.3f, -2f)));
        c.add(new Case("rmsprop", a -> f.rmsprop(a[0], a[3], null, null, a[2], a[0].length, 0.99f, 1e-8f, 0f, 0.01f)));
        c.add(new Case("rmsprop centered momentum", a -> f.rmsprop(a[0], a[3], a[1], a[4], a[2], a[0].length, 0.9f, 1e-8f, 0.5f, 0.01f)));
        c.add(new Case("lion", a -> f.lion(a[0], a[1], a[2], a[0].length, 0.9f, 0.99f, 1e-4f)));
        c.add(new Case("schedule-free sgd", a -> f.scheduleFreeSgd(a[0], a[1], a[4], a[2], a[0].length, 0.1f, 0.3f, 0.9f)));
        c.add(new Case("schedule-free adamw", a -> f.scheduleFreeAdamW(a[0], a[1], a[4], a[3], a[2], a[0].length, 0.01f, 1e-4f, 0.9f, 0.999f, 1e-8f, 0.02f, 0.3f)));
        c.add(new Case("schedule-free y", a -> f.scheduleFreeY(a[1], a[4], a[2], a[0].length, 0.9f)));
        c.add(new Case("muon momentum", a -> f.muonMomentum(a[0], a[1], a[2], a[0].length, 0.95f, true)));
        c.add(new Case("muon plain momentum", a -> f.muonMomentum(a[0], a[1], a[2], a[0].length, 0.3f, false)));
        c.add(new Case("zero all but the last 5", a -> f.zero(a[0], a[0].length - 5)));
        return c;
    }

    /** g, a signed state, the parameter, a non-negative state, another state. */
    private static float[][] arrays(int n) {
        Generator g = new Generator(n);
        float[][] a = new float[5][n];
        for (int i = 0; i < n; i++) {
            a[0][i] = (float) g.nextGaussian();
            a[1][i] = (float) g.nextGaussian() * 0.1f;
            a[2][i] = (float) g.nextGaussian();
            a[3][i] = Math.abs((float) g.nextGaussian()) * 0.01f;
            a[4][i] = Math.abs((float) g.nextGaussian());
        }
        a[0][1] = 0f; // sign(0) and zero gradients take the same path in both forms
        return a;
    }

    private static float[][] copy(float[][] a) {
        float[][] c = new float[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    @ParameterizedTest
    @ValueSource(ints = {37, 100_003})
    void theVectorFormEqualsTheScalarTwinBitForBitOnAnyThreadCount(int n) {
        float[][] start = arrays(n);
        List<Case> scalar = cases(FusedProvider.scalar()), vector = cases(FusedProvider.vector());
        for (int k = 0; k < scalar.size(); k++) {
            Parallel.setThreads(1);
            float[][] expected = copy(start);
            scalar.get(k).run().accept(expected);
            for (int threads : new int[] {1, 2}) {
                Parallel.setThreads(threads);
                float[][] got = copy(start);
                vector.get(k).run().accept(got);
                for (int a = 0; a < got.length; a++) {
                    assertThat(Arrays.equals(got[a], expected[a])).as("%s, array %d, %d threads: first difference at %d", scalar.get(k).name(), a, threads,
                            Arrays.mismatch(got[a], expected[a])).isTrue();
                }
                float[][] scalarAgain = copy(start);
                scalar.get(k).run().accept(scalarAgain);
                assertThat(Arrays.deepEquals(scalarAgain, expected)).as("%s scalar on %d threads", scalar.get(k).name(), threads).isTrue();
            }
            assertThat(Arrays.deepEquals(expected, start)).as(scalar.get(k).name() + " changed nothing").isFalse();
            if (scalar.get(k).name().startsWith("zero")) {
                assertThat(Arrays.copyOf(expected[0], n - 5)).as("zeroed").containsOnly(0f);
                assertThat(Arrays.copyOfRange(expected[0], n - 5, n)).as("left alone").isEqualTo(Arrays.copyOfRange(start[0], n - 5, n));
            }
        }
    }
}
