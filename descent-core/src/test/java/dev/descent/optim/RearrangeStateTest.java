package dev.descent.optim;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.descent.optim.transform.Transforms;
import dev.descent.tensor.Generator;
import dev.descent.tensor.Tensor;

import static dev.descent.testing.Matrices.transposed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An element-wise optimizer steps a parameter stored transposed, with its state rearranged the same
 * way, exactly as it steps it in its own order; the others say they are not element-wise and refuse.
 */
class RearrangeStateTest {

    private static final int ROWS = 7, COLS = 37;

    static Stream<Arguments> elementwise() {
        return Stream.of(
                Arguments.of("Adam", (Function<List<Tensor>, Optimizer<?>>) p -> Adam.adam(p, 1e-2, 0, Adam.Options.defaults())),
                Arguments.of("Adam amsgrad, L2 decay", (Function<List<Tensor>, Optimizer<?>>) p -> Adam.adam(p, 1e-2, 0.1, new Adam.Options(0.9, 0.99, 1e-8, true))),
                Arguments.of("AdamW", (Function<List<Tensor>, Optimizer<?>>) p -> Adam.adamW(p, 1e-2, 0.1, Adam.Options.defaults())),
                Arguments.of("Adam clipped by value", (Function<List<Tensor>, Optimizer<?>>) p -> new Optimizer<>(Adam.ADAM.prepend(Transforms.clipByValue(0.5)),
                        p, 1e-2, 0, Adam.Options.defaults())),
                Arguments.of("Lion", (Function<List<Tensor>, Optimizer<?>>) p -> Lion.create(p, 1e-3, 0.5, Lion.Options.defaults())),
                Arguments.of("RMSprop centered momentum", (Function<List<Tensor>, Optimizer<?>>) p -> RmsProp.create(p, 1e-3, 0,
                        new RmsProp.Options(0.9, 1e-8, 0.5, true))),
                Arguments.of("SGD nesterov", (Function<List<Tensor>, Optimizer<?>>) p -> Sgd.create(p, 0.1, 0, Sgd.Options.nesterov(0.9))));
    }

    private static void rearrange(float[] a, int rows, int cols) {
        System.arraycopy(transposed(a, rows, cols), 0, a, 0, a.length);
    }

    /** Sets the parameter's gradient to {@code g} (through backward of Σ p·g). */
    private static void gradient(Tensor p, float[] g) {
        p.zeroGrad();
        p.mul(Tensor.of(g, p.shape())).sum().backward();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("elementwise")
    void stepsOnATransposedParameterAreTheSameStepsTransposed(String name, Function<List<Tensor>, Optimizer<?>> make) {
        Generator g = new Generator(3);
        float[] w = new float[ROWS * COLS];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) g.nextGaussian();
        }
        Tensor plain = Tensor.of(w.clone(), ROWS, COLS).requiresGrad(true), moved = Tensor.of(w.clone(), ROWS, COLS).requiresGrad(true);
        Optimizer<?> a = make.apply(List.of(plain)), b = make.apply(List.of(moved));
        assertThat(a.elementwise()).isTrue();
        for (int step = 0; step < 4; step++) {
            float[] grad = new float[w.length];
            for (int i = 0; i < grad.length; i++) {
                grad[i] = (float) g.nextGaussian();
            }
            gradient(plain, grad);
            a.step();
            // Steps 1 and 2 with the parameter stored transposed ([COLS, ROWS] order), its state too.
            boolean held = step == 1 || step == 2;
            if (step == 1) {
                rearrange(moved.data(), ROWS, COLS);
                b.rearrangeState(moved, s -> rearrange(s, ROWS, COLS));
            }
            gradient(moved, held ? transposed(grad, ROWS, COLS) : grad);
            b.step();
            if (step == 2) {
                rearrange(moved.data(), COLS, ROWS);
                b.rearrangeState(moved, s -> rearrange(s, COLS, ROWS));
            }
        }
        assertThat(moved.data()).as(name).isEqualTo(plain.data());
        assertThat(b.state(moved)).as(name).isEqualTo(a.state(plain));
    }

    @Test
    void optimizersThatAreNotElementwiseRefuse() {
        Tensor p = Tensor.of(new float[ROWS * COLS], ROWS, COLS).requiresGrad(true);
        List<Optimizer<?>> others = List.of(
                new Optimizer<>(Adam.ADAM.prepend(Transforms.clipByGlobalNorm(1.0)), List.of(p), 1e-3, 0, Adam.Options.defaults()),
                NAdam.create(List.of(p), 1e-3, 0, NAdam.Options.defaults()),
                Adafactor.create(List.of(p), 1e-2, 0, Adafactor.Options.defaults()));
        for (Optimizer<?> o : others) {
            assertThat(o.elementwise()).as(o.chain().name()).isFalse();
            assertThatThrownBy(() -> o.rearrangeState(p, s -> { })).as(o.chain().name()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not element-wise");
        }
        Optimizer<?> adam = Adam.adam(List.of(p), 1e-3, 0, Adam.Options.defaults());
        Tensor stranger = Tensor.of(new float[3], 3).requiresGrad(true);
        assertThatThrownBy(() -> adam.rearrangeState(stranger, s -> { })).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a parameter");
    }
}
