package dev.descent.train;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Student's t and Welch's test against known values: the published two-sided 95% table (3 decimals)
 * and values computed offline to 15 digits with mpmath ({@code betainc} for the CDF, {@code findroot}
 * for quantiles, the Welch–Satterthwaite formula written out).
 */
class ComparisonTest {

    @ParameterizedTest
    @CsvSource({
            // df, t(0.975) (mpmath), published table, P(T <= -2), P(T <= 0.5)
            "1, 12.7062047361747, 12.706, 0.147583617650433, 0.647583617650433",
            "2, 4.30265272974946, 4.303, 0.091751709536137, 0.666666666666667",
            "3, 3.18244630528371, 3.182, 0.0696629842794216, 0.674276017575925",
            "4, 2.77644510519779, 2.776, 0.0580582617584078, 0.678335018409068",
            "5, 2.57058183563632, 2.571, 0.0509697394149292, 0.680850564179535",
            "9, 2.26215716279821, 2.262, 0.0382764118853505, 0.685464350086987",
            "10, 2.22813885198627, 2.228, 0.0366940173853702, 0.686053197128514",
            "30, 2.04227245630124, 2.042, 0.0273125224814916, 0.689638497557436",
            "100, 1.98397151852355, 1.984, 0.0241060893655668, 0.690913217084557",
            "2.5, 3.57465484200368, 3.575, 0.078695747878983, 0.671151040065143"})
    void studentTMatchesTables(double df, double q975, double table, double cdfMinus2, double cdfHalf) {
        assertThat(StudentT.quantile(0.975, df)).isCloseTo(q975, within(1e-9 * q975));
        assertThat(StudentT.quantile(0.975, df)).isCloseTo(table, within(5e-4));
        assertThat(StudentT.quantile(0.025, df)).isCloseTo(-q975, within(1e-9 * q975));
        assertThat(StudentT.cdf(-2, df)).isCloseTo(cdfMinus2, within(1e-12));
        assertThat(StudentT.cdf(2, df)).isCloseTo(1 - cdfMinus2, within(1e-12));
        assertThat(StudentT.cdf(0.5, df)).isCloseTo(cdfHalf, within(1e-12));
        assertThat(StudentT.twoSidedP(2, df)).isCloseTo(2 * cdfMinus2, within(1e-12));
    }

    @Test
    void lnGammaAndLimits() {
        assertThat(StudentT.lnGamma(0.5)).isCloseTo(0.57236494292470009, within(1e-13));
        assertThat(StudentT.lnGamma(7.25)).isCloseTo(7.0521854507385394, within(1e-12));
        assertThat(StudentT.cdf(0, 3)).isEqualTo(0.5);
        assertThat(StudentT.quantile(0.975, 1e6)).isCloseTo(1.959966, within(1e-5));
    }

    @Test
    void welchMatchesAHandComputedExample() {
        Comparison.Welch w = Comparison.Welch.test(new double[] {0.9412, 0.9398, 0.9431, 0.9405, 0.9420},
                new double[] {0.9201, 0.9250, 0.9188, 0.9233, 0.9260});
        assertThat(w.t()).isCloseTo(12.4367620241519, within(1e-9));
        assertThat(w.df()).isCloseTo(5.3378653459549, within(1e-9));
        assertThat(w.p()).isCloseTo(3.81892594298321e-5, within(1e-12));
        Comparison.Welch u = Comparison.Welch.test(new double[] {0.90, 0.95, 0.93}, new double[] {0.91, 0.94, 0.96, 0.92});
        assertThat(u.t()).isCloseTo(-0.319172526811283, within(1e-9));
        assertThat(u.df()).isCloseTo(4.08397027413461, within(1e-9));
        assertThat(u.p()).isCloseTo(0.765256354596158, within(1e-9));
    }

    @Test
    void statsGiveStudentTIntervals() {
        Comparison.Stats s = Comparison.Stats.of(new double[] {1, 2, 3, 4, 5, Double.NaN});
        assertThat(s.n()).isEqualTo(5);
        assertThat(s.missing()).isEqualTo(1);
        assertThat(s.mean()).isEqualTo(3);
        assertThat(s.std()).isCloseTo(Math.sqrt(2.5), within(1e-15));
        assertThat(s.halfWidth()).isCloseTo(2.77644510519779 * Math.sqrt(2.5) / Math.sqrt(5), within(1e-9));
        Comparison.Stats one = Comparison.Stats.of(new double[] {7});
        assertThat(one.mean()).isEqualTo(7);
        assertThat(one.std()).isNaN();
        assertThat(one.ciLow()).isNaN();
    }

    @Test
    void theBestIsFoundAndTheWorseAreMarked() {
        Map<String, double[]> acc = new LinkedHashMap<>();
        acc.put("sgd", new double[] {0.37, 0.41, 0.35, 0.39, 0.40});
        acc.put("momentum", new double[] {0.9401, 0.9395, 0.9420, 0.9380, 0.9410});
        acc.put("adam", new double[] {0.9405, 0.9390, 0.9415, 0.9400, 0.9399});
        Comparison.Metric m = Comparison.of("test_accuracy", Comparison.Better.HIGHER, acc);
        assertThat(m.entry("adam").best()).as("mean 0.94018 against momentum's 0.94012").isTrue();
        assertThat(m.entry("adam").pValueVsBest()).isNull();
        assertThat(m.entry("sgd").significantlyWorse()).isTrue();
        assertThat(m.entry("sgd").pValueVsBest()).isLessThan(1e-6);
        assertThat(m.entry("momentum").significantlyWorse()).as("0.006 points apart on noise of 0.15 points").isFalse();
        assertThat(m.entry("momentum").pValueVsBest()).isGreaterThan(0.05);

        Comparison.Metric loss = Comparison.of("test_loss", Comparison.Better.LOWER, Map.of("a", new double[] {1, 1.1, 0.9}, "b", new double[] {2, 2.1, 1.9}));
        assertThat(loss.entry("a").best()).isTrue();
        assertThat(loss.entry("b").significantlyWorse()).isTrue();
    }

    @Test
    void withFewerThanThreeSeedsNoTestIsMade() {
        Comparison.Metric m = Comparison.of("x", Comparison.Better.HIGHER, Map.of("a", new double[] {1, 2}, "b", new double[] {5, 6}));
        assertThat(m.tested()).isFalse();
        assertThat(m.entry("a").pValueVsBest()).isNull();
        assertThat(m.entry("a").significantlyWorse()).isFalse();
    }
}
