package dev.descent.plot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ChartsTest {

    @Test
    void theDebiasedEmaStartsAtTheFirstValueAndFollowsAStep() {
        double[] e = Charts.ema(new double[] {5, 5, 5, 5}, 0.98);
        for (double v : e) {
            assertThat(v).as("no pull toward zero at the start").isCloseTo(5, within(1e-12));
        }
        double[] step = new double[400];
        java.util.Arrays.fill(step, 200, 400, 1);
        double[] s = Charts.ema(step, 0.98);
        assertThat(s[199]).isZero();
        // 50 steps (one time constant 1/(1 − w)) into the step: 1 − 0.98^50 of it, over the debiasing 1 − 0.98^250.
        assertThat(s[249]).isCloseTo((1 - Math.pow(0.98, 50)) / (1 - Math.pow(0.98, 250)), within(1e-9));
        assertThat(Charts.ema(new double[] {Double.NaN, 2, Double.NaN, 2}, 0.9)).containsExactly(Double.NaN, 2, 2, 2);
    }

    @Test
    void aLegendTooWideForOneRowIsStackedAndTheFigureGrows(@TempDir Path tmp) throws Exception {
        double[] x = {1, 2, 3};
        Charts.Panel few = new Charts.Panel("t", "x", "y", List.of(new Charts.Series("a", x, x, false), new Charts.Series("b", x, x, false)));
        assertThat(Charts.stackedLegendHeight(few)).isZero();
        List<Charts.Series> many = new java.util.ArrayList<>();
        for (int i = 0; i < 7; i++) {
            many.add(new Charts.Series("random search (σ 0.00" + i + ", normalised)", x, x, false));
        }
        Charts.Panel wide = new Charts.Panel("t", "x", "y", many);
        assertThat(Charts.stackedLegendHeight(wide)).isGreaterThan(7 * 10);
        Charts.write(tmp.resolve("f"), List.of(few, wide));
        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(Files.newInputStream(tmp.resolve("f.png")));
        assertThat(img.getHeight()).isEqualTo(440 + Charts.stackedLegendHeight(wide));
        assertThat(img.getWidth()).isEqualTo(2 * 640);
    }
}
