package dev.descent.plot;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import dev.descent.train.History;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * M4 thinning: a long line keeps, per bucket of its x range, its first, last, lowest and highest
 * points (and its breaks), at most five a bucket; a chart drawn from them looks like the chart drawn
 * from every point; a short line is left alone.
 */
class DecimationTest {

    /** A noisy loss curve over {@code n} steps, with a few non-finite values. */
    private static double[][] walk(int n, long seed) {
        Random r = new Random(seed);
        double[] x = Charts.steps(n), y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = 2.0 / Math.sqrt(1 + i / 50.0) + 0.3 * r.nextGaussian() * Math.exp(-i / (double) n);
        }
        y[n / 3] = Double.NaN;
        y[n / 2] = Double.POSITIVE_INFINITY;
        return new double[][] {x, y};
    }

    @Test
    void eachBucketKeepsItsFirstLastLowestHighestAndItsBreak() {
        double[][] w = walk(100_000, 1);
        int columns = 1000;
        Decimation.Points p = Decimation.m4(w[0], w[1], 1, 100_000, false, columns);
        assertThat(p.x().length).isLessThanOrEqualTo(5 * columns).isGreaterThan(2 * columns);
        assertThat(p.x()[0]).isEqualTo(1);
        assertThat(p.x()[p.x().length - 1]).isEqualTo(100_000);
        for (int i = 1; i < p.x().length; i++) {
            assertThat(p.x()[i]).isGreaterThan(p.x()[i - 1]);
        }
        // Per bucket: the kept points' finite extremes are the bucket's.
        double width = (100_000 - 1) / (double) columns;
        for (int b = 0; b < columns; b++) {
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY, klo = lo, khi = hi;
            for (int i = 0; i < w[0].length; i++) {
                if (Math.min(columns - 1, (int) ((w[0][i] - 1) / width)) == b && Double.isFinite(w[1][i])) {
                    lo = Math.min(lo, w[1][i]);
                    hi = Math.max(hi, w[1][i]);
                }
            }
            for (int i = 0; i < p.x().length; i++) {
                if (Math.min(columns - 1, (int) ((p.x()[i] - 1) / width)) == b && Double.isFinite(p.y()[i])) {
                    klo = Math.min(klo, p.y()[i]);
                    khi = Math.max(khi, p.y()[i]);
                }
            }
            assertThat(klo).as("bucket %d's lowest", b).isEqualTo(lo);
            assertThat(khi).as("bucket %d's highest", b).isEqualTo(hi);
        }
        assertThat(java.util.Arrays.stream(p.y()).filter(Double::isNaN).count()).isEqualTo(1);
        assertThat(java.util.Arrays.stream(p.y()).filter(Double::isInfinite).count()).isEqualTo(1);
    }

    @Test
    void aShortOrUnorderedLineIsLeftAlone() {
        double[][] w = walk(4_000, 2);
        assertThat(Decimation.m4(w[0], w[1], 1, 4_000, false, 1000).x()).isSameAs(w[0]);
        double[][] big = walk(10_000, 3);
        big[0][20] = 5;
        assertThat(Decimation.m4(big[0], big[1], 1, 10_000, false, 1000).x()).isSameAs(big[0]);
    }

    private static BufferedImage draw(double[] x, double[] y) {
        XYChart c = new XYChartBuilder().width(640).height(440).build();
        c.getStyler().setLegendVisible(false);
        c.getStyler().setXAxisMin(1.0);
        c.getStyler().setXAxisMax(100_000.0);
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisMax(3.5);
        // As Charts does: an invisible pair at the axis ends, so that both charts get the same ticks.
        XYSeries anchor = c.addSeries("anchor", new double[] {1, 100_000}, new double[] {1, 1});
        anchor.setMarker(SeriesMarkers.NONE);
        anchor.setLineColor(new Color(0, 0, 0, 0));
        XYSeries s = c.addSeries("loss", x, y);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(new Color(31, 119, 180));
        BufferedImage img = new BufferedImage(640, 440, BufferedImage.TYPE_INT_RGB);
        c.paint(img.createGraphics(), 640, 440);
        return img;
    }

    /**
     * Opaque lines, for which M4 is exact up to anti-aliasing at bucket edges. (A translucent line of
     * 100,000 points also darkens where its segments pile up; its thinned line keeps the envelope
     * but is lighter inside it.)
     */
    @Test
    void aChartOfTheThinnedLineLooksLikeTheChartOfEveryPoint() {
        double[][] w = walk(100_000, 4);
        BufferedImage all = draw(w[0], w[1]);
        Decimation.Points p = Decimation.m4(w[0], w[1], 1, 100_000, false, Decimation.COLUMNS);
        BufferedImage thin = draw(p.x(), p.y());
        long differ = 0, inked = 0;
        for (int yy = 0; yy < 440; yy++) {
            for (int xx = 0; xx < 640; xx++) {
                int a = all.getRGB(xx, yy), b = thin.getRGB(xx, yy);
                if (a != 0xFFFFFFFF) {
                    inked++;
                }
                int d = Math.max(Math.abs(((a >> 16) & 255) - ((b >> 16) & 255)),
                        Math.max(Math.abs(((a >> 8) & 255) - ((b >> 8) & 255)), Math.abs((a & 255) - (b & 255))));
                if (d > 24) {
                    differ++;
                }
            }
        }
        System.out.printf("m4: %d of %d points; %d of %d inked pixels differ by more than 24 levels%n", p.x().length, w[0].length, differ, inked);
        assertThat(p.x().length).isLessThan(w[0].length / 15);
        assertThat(differ).isLessThan(inked / 100);
    }

    @Test
    void theCurvesOfALongRunAreWrittenSmall(@TempDir Path tmp) throws Exception {
        History h = new History();
        Random r = new Random(5);
        for (int s = 1; s <= 100_000; s++) {
            h.addTrain(1 + s / 50_000, (float) (2 / Math.sqrt(s) + 0.1 * r.nextGaussian()), (float) Math.min(1, 0.5 + s / 1e5 + 0.1 * r.nextGaussian()));
            if (s % 200 == 0) {
                h.addValidation(s, (float) (1 / Math.sqrt(s)), 0.9f);
            }
        }
        Charts.curves(h).saveAll(tmp.resolve("curves"));
        long svg = Files.size(tmp.resolve("curves.svg"));
        System.out.println("curves.svg of 100,000 steps: " + svg + " bytes");
        assertThat(svg).isLessThan(8L << 20);
        assertThat(List.of(Files.size(tmp.resolve("curves.png")))).allMatch(b -> b > 10_000);
    }
}
