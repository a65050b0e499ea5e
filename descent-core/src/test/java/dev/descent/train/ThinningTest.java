package dev.descent.train;

import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** M4's indices: ascending, at most five a bucket, each bucket's first, last, lowest, highest and first break. */
class ThinningTest {

    @Test
    void eachBucketKeepsItsEndsItsExtremesAndItsFirstBreak() {
        int n = 10_000, columns = 50;
        Random r = new Random(3);
        double[] x = new double[n], y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i + 1;
            y[i] = r.nextGaussian();
        }
        y[777] = Double.NaN;
        y[778] = Double.POSITIVE_INFINITY;
        int[] keep = Thinning.m4(x, y, 1, n, false, columns);
        assertThat(keep).isSorted().doesNotHaveDuplicates();
        assertThat(keep.length).isLessThanOrEqualTo(5 * columns);
        for (int c = 0; c < columns; c++) {
            int from = c * n / columns, to = (c + 1) * n / columns;
            int lo = from, hi = from, gap = -1;
            for (int i = from; i < to; i++) {
                if (Double.isFinite(y[i])) {
                    lo = y[i] < y[lo] ? i : lo;
                    hi = y[i] > y[hi] ? i : hi;
                } else if (gap < 0) {
                    gap = i;
                }
            }
            assertThat(keep).as("bucket %d", c).contains(from, to - 1, lo, hi);
            if (gap >= 0) {
                assertThat(keep).contains(gap).doesNotContain(gap + 1);
            }
        }
    }

    @Test
    void aShortLineOrOneNotDrawnLeftToRightIsKeptWhole() {
        double[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9}, y = {3, 1, 4, 1, 5, 9, 2, 6, 5};
        assertThat(Thinning.m4(x, y, 1, 9, false, 3)).isNull();
        assertThat(Thinning.m4(x, y, 1, 9, false, 2)).isNotNull();
        double[] back = {1, 2, 3, 4, 5, 4, 7, 8, 9};
        assertThat(Thinning.m4(back, y, 1, 9, false, 1)).isNull();
        assertThat(Thinning.m4(x, y, 5, 5, false, 1)).isNull();
        assertThatThrownBy(() -> Thinning.m4(x, new double[3], 1, 9, false, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Thinning.m4(x, y, 1, 9, false, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
