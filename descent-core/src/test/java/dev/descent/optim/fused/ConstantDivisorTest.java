package dev.descent.optim.fused;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

import dev.descent.tensor.Generator;

class ConstantDivisorTest {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;

    /** Adam's divisors and hard ones: bias corrections, significands near all ones and near one, the range's ends, random ones. */
    private static List<Float> divisors() {
        List<Float> d = new ArrayList<>(List.of(1f, 0.5f, ConstantDivisor.MIN, ConstantDivisor.MAX, Math.nextDown(1f), Math.nextUp(0.5f),
                Float.intBitsToFloat(0x3f3fffff), Float.intBitsToFloat(0x3e7fffff), Float.intBitsToFloat(0x3e800001), 3f, 0.1f));
        for (int t : new int[] {1, 2, 3, 10, 100, 782, 3910, 10000}) {
            d.add((float) Math.sqrt(1 - Math.pow(0.999, t)));
        }
        d.add((float) Math.sqrt(1 - 0.99));
        d.add((float) Math.sqrt(1 - Math.pow(0.9999, 5)));
        Generator g = new Generator(20);
        for (int k = 0; k < 6; k++) {
            d.add(Math.scalb(1f + (float) g.nextDouble(), -(int) (g.nextDouble() * 20)));
        }
        return d;
    }

    /**
     * Every significand of x in the binades [1, 2) and [2⁻⁴⁰, 2⁻³⁹), so that x/c falls on both sides
     * of 1 for every divisor, and in the ends of the range of square roots, [2⁻⁷⁵, 2⁻⁷⁴) and [2⁶³, 2⁶⁴):
     * each lane bit for bit the division's. (Multiplying by the reciprocal
     * alone, without the correction, differs from the division for most of these divisors.)
     */
    @Test
    void everyQuotientOfFourBinadesIsTheDivisionsBitForBit() {
        int lanes = S.length();
        IntVector iota = IntVector.zero(I).addIndex(1);
        for (float c : divisors()) {
            ConstantDivisor d = ConstantDivisor.of(c);
            assertThat(d).as("divisor %s", c).isNotNull();
            FloatVector r = FloatVector.broadcast(S, d.reciprocal()), negC = FloatVector.broadcast(S, -c);
            long wrong = 0;
            int first = -1;
            for (int exponent : new int[] {127, 127 - 40, 127 - 75, 127 + 63}) {
                for (int m = 0; m < 1 << 23; m += lanes) {
                    FloatVector x = iota.add((exponent << 23) | m).reinterpretAsFloats();
                    IntVector got = d.divideRoot(x, r, negC).reinterpretAsInts(), want = x.div(c).reinterpretAsInts();
                    var differ = got.compare(VectorOperators.NE, want);
                    if (differ.anyTrue()) {
                        wrong += differ.trueCount();
                        first = first < 0 ? (exponent << 23) | (m + differ.firstTrue()) : first;
                    }
                }
            }
            assertThat(wrong).as("divisor %s: wrong quotients, the first of x = %s", c, first < 0 ? "-" : Float.intBitsToFloat(first)).isZero();
        }
    }

    /** ±0, the smallest and largest square roots of floats, and a vector with a −0, infinite, NaN or negative lane (divided as before). */
    @Test
    void edgesAndNonFiniteLanesAreTheDivisions() {
        float c = (float) Math.sqrt(1 - 0.999);
        ConstantDivisor d = ConstantDivisor.of(c);
        FloatVector r = FloatVector.broadcast(S, d.reciprocal()), negC = FloatVector.broadcast(S, -c);
        float[] specials = {0f, -0f, (float) Math.sqrt(Float.MIN_VALUE), (float) Math.sqrt(Float.MIN_NORMAL), (float) Math.sqrt(Float.MAX_VALUE),
            0x1p-75f, 1f, Float.POSITIVE_INFINITY, Float.NaN, -Float.NaN, -1f};
        for (float special : specials) {
            float[] lanes = new float[S.length()];
            for (int i = 0; i < lanes.length; i++) {
                lanes[i] = i == 0 ? special : 1f + i / 64f;
            }
            FloatVector x = FloatVector.fromArray(S, lanes, 0);
            float[] got = d.divideRoot(x, r, negC).toArray();
            for (int i = 0; i < lanes.length; i++) {
                assertThat(Float.floatToRawIntBits(got[i])).as("%s / %s", lanes[i], c).isEqualTo(Float.floatToRawIntBits(lanes[i] / c));
            }
        }
    }

    @Test
    void divisorsOutsideTheRangeAreLeftToTheDivision() {
        assertThat(ConstantDivisor.of(Math.nextDown(ConstantDivisor.MIN))).isNull();
        assertThat(ConstantDivisor.of(Math.nextUp(ConstantDivisor.MAX))).isNull();
        assertThat(ConstantDivisor.of(0f)).isNull();
        assertThat(ConstantDivisor.of(-1f)).isNull();
        assertThat(ConstantDivisor.of(Float.NaN)).isNull();
        assertThat(ConstantDivisor.of(Float.POSITIVE_INFINITY)).isNull();
    }
}
