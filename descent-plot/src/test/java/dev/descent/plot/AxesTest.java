package dev.descent.plot;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class AxesTest {

    @Test
    void stepsAreOneTwoOrFiveTimesAPowerOfTen() {
        assertThat(Axes.niceStep(782, 5)).isEqualTo(200);
        assertThat(Axes.niceStep(1564, 5)).isEqualTo(500);
        assertThat(Axes.niceStep(0.9, 5)).isCloseTo(0.2, within(1e-12));
        assertThat(Axes.niceStep(4, 5)).isCloseTo(1, within(1e-12));
        assertThat(Axes.niceStep(30, 5)).isEqualTo(10);
    }

    @Test
    void linearBoundsAreMultiplesOfTheStep() {
        assertThat(Axes.bounds(new double[] {1, 782}, false)).containsExactly(0, 800);
        assertThat(Axes.bounds(new double[] {1, 1564}, false)).containsExactly(0, 1600);
        assertThat(Axes.bounds(new double[] {0.11, 0.96}, false)[0]).isCloseTo(0, within(1e-12));
        assertThat(Axes.bounds(new double[] {0.11, 0.96}, false)[1]).isCloseTo(1, within(1e-12));
        assertThat(Axes.bounds(new double[] {5, 5}, false)[0]).as("5 ± 10%, out to steps of 0.2").isCloseTo(4.4, within(1e-12));
        assertThat(Axes.bounds(new double[] {5, 5}, false)[1]).isCloseTo(5.6, within(1e-12));
        assertThat(Axes.bounds(new double[] {0.37, 0.96}, false)[0]).isCloseTo(0.3, within(1e-12));
        assertThat(Axes.bounds(null, false)).isNull();
    }

    @Test
    void logBoundsAreWholeDecades() {
        assertThat(Axes.bounds(new double[] {0.15, 2.3}, true)).containsExactly(0.1, 10);
        assertThat(Axes.bounds(new double[] {1e-4, 1}, true)).containsExactly(1e-4, 1);
        assertThat(Axes.bounds(new double[] {3, 3}, true)).containsExactly(1, 10);
    }
}
