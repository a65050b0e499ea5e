package dev.descent.tensor.kernel;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import dev.descent.tensor.Generator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A row's search for a band's edge ({@link NonZeros#lowerBound}) finds what a linear
 * scan finds, for lists of every length from empty up, edges before, inside, between and after the
 * columns, and sub-ranges that start mid-array.
 */
class NonZerosTest {

    @Test
    void lowerBoundIsTheFirstColumnAtLeastTheEdge() {
        Generator g = new Generator(17);
        for (int len = 0; len <= 70; len++) {
            for (int trial = 0; trial < 20; trial++) {
                int pad = g.nextInt(5);
                NonZeros z = new NonZeros(1, pad + len + 3);
                // Ascending, distinct columns (a row's list), with gaps.
                for (int q = 0, c = g.nextInt(3); q < len; q++, c += 1 + g.nextInt(4)) {
                    z.index[pad + q] = c;
                }
                Arrays.fill(z.index, 0, pad, -7); // not part of the row: must not be read as such
                int last = len == 0 ? 0 : z.index[pad + len - 1];
                for (int edge = -1; edge <= last + 2; edge++) {
                    int want = pad;
                    while (want < pad + len && z.index[want] < edge) {
                        want++;
                    }
                    assertThat(z.lowerBound(pad, pad + len, edge)).as("length %d, edge %d", len, edge).isEqualTo(want);
                }
            }
        }
    }
}
