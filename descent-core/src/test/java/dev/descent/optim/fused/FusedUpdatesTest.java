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

    /**
     * Adam's vector form skips the division of a subnormal first moment where the step cannot move the
     * parameter ({@code VectorUpdates.direction}); with subnormal moments beside parameters of every
     * kind (normal, near the floor, subnormal, ±0, ±∞, NaN) and learning rates and eps that move the
     * floor, every array still equals the scalar formula's bit for bit.
     */
    @ParameterizedTest
    @ValueSource(floats = {1e-3f, -2f, 1e10f, 1e-30f})
    void adamWithSubnormalFirstMomentsEqualsTheScalarTwin(float rate) {
        float[] params = {0.5f, -3e-12f, 1e-20f, 0x1p-99f, -0x1p-101f, 1e-40f, 0f, -0f, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, Float.NaN, Float.MIN_VALUE, 7f, -1e-30f, 1e-25f, 2f, 1e-36f};
        float[] moderate = {0.5f, -3e-12f, 1e-20f, 7f, 2f, -0.25f, 1e-6f};
        int n = 16 * 9 + 5;
        Generator gen = new Generator(7);
        float[][] start = new float[5][n];
        for (int i = 0; i < n; i++) {
            boolean quiet = i % 3 != 0;                      // two lanes in three: no gradient, a subnormal moment
            start[0][i] = quiet ? 0f : (float) gen.nextGaussian() * 1e-3f;
            start[1][i] = quiet ? (i % 2 == 0 ? 1f : -1f) * Float.MIN_NORMAL * (float) (0.001 + gen.nextDouble()) : (float) gen.nextGaussian() * 1e-4f;
            // The first four vectors mix every kind of parameter (a vector with one tiny parameter beside a
            // subnormal moment is divided as it is); the rest hold only moderate ones, which the floor decides.
            start[2][i] = i < 64 ? params[i % params.length] : moderate[i % moderate.length];
            start[3][i] = i % 5 == 0 ? 0f : Math.abs((float) gen.nextGaussian()) * 1e-8f;
            start[4][i] = Math.abs((float) gen.nextGaussian()) * 1e-8f;
        }
        for (float eps : new float[] {1e-8f, 0f, 1f}) {
            for (boolean amsgrad : new boolean[] {false, true}) {
                float[][] expected = copy(start), got = copy(start);
                float[] vmaxE = amsgrad ? expected[4] : null, vmaxG = amsgrad ? got[4] : null;
                FusedProvider.scalar().adam(expected[0], expected[1], expected[3], vmaxE, expected[2], n, 0.9f, 0.999f, eps, 0.05f, rate);
                FusedProvider.vector().adam(got[0], got[1], got[3], vmaxG, got[2], n, 0.9f, 0.999f, eps, 0.05f, rate);
                for (int a = 0; a < 5; a++) {
                    assertThat(Arrays.equals(got[a], expected[a])).as("rate %s, eps %s, amsgrad %s, array %d: first difference at %d", rate, eps, amsgrad, a,
                            Arrays.mismatch(got[a], expected[a])).isTrue();
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(floats = {1e-3f, 1e10f})
    void theFloorKeepsAQuarterUlpOfMargin(float rate) {
        float eps = 1e-8f, floor = VectorUpdates.unmovedAbove(rate, eps);
        // The largest step a subnormal moment can give, against a quarter of the ulp of a parameter just above the floor.
        float p = Math.nextUp(floor), step = rate * (Math.nextDown(Float.MIN_NORMAL) / eps);
        assertThat(Math.abs(step)).isLessThan(Math.ulp(p) / 4);
        assertThat(p - step).isEqualTo(p);
        assertThat(VectorUpdates.unmovedAbove(rate, 0f)).isInfinite();
        assertThat(VectorUpdates.unmovedAbove(Float.NaN, eps)).isInfinite();
        assertThat(VectorUpdates.unmovedAbove(Float.POSITIVE_INFINITY, eps)).isInfinite();
    }
}
