package dev.descent.optim.fused;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Division of every lane by one float c without the divider, bit for bit as {@code x / c}. Adam's
 * {@code sqrt(v) / bias_correction2_sqrt} takes a square root and two divisions per element, all on
 * the one unit that does them, and that unit bounded its loop (docs/PERFORMANCE.md, section 20).
 *
 * <p>With the divisor known in advance, its reciprocal {@code r = RN(1/c)} (made once) gives the
 * correctly rounded quotient in a multiplication and two FMAs, which the other units run (Markstein's
 * correction; see Brisebarre, Muller and Raina, "Accelerating correctly rounded floating-point division
 * when the divisor is known in advance", IEEE Trans. Computers 53(8), 2004):
 * <pre>
 *   q₀ = RN(x·r)
 *   e  = RN(x − q₀·c)      exact
 *   q  = RN(q₀ + e·r)      = RN(x/c)
 * </pre>
 * It holds where nothing underflows or overflows, so it is used only for divisors in [2⁻²⁰, 2²⁰]
 * ({@link #of} declines others) and for square roots of floats: +0 or in [2⁻⁷⁵, 2⁶⁴]. A vector with a
 * lane that is −0 (whose sign the last sum would lose), infinite or NaN (the root of an overflowed or
 * NaN second moment, where ∞ − ∞ would make a NaN of an ∞) is divided as before. The tests check it
 * against the division for every significand of x in four binades, over many divisors; offline it held
 * for 1.6·10¹¹ pairs (the bias corrections of β₂ = 0.999 until they round to 1, those of other β₂,
 * random divisors and divisors with significands near all ones and near one).
 *
 * @param c          the divisor
 * @param reciprocal {@code RN(1/c)}
 */
record ConstantDivisor(float c, float reciprocal) {

    /**
     * Whether Adam's loop divides this way: with 16 lanes only. With AVX-512 the divider bounds the loop,
     * and the correction's three operations and its lane test go to the other units (the benchmark's step, epochs alternated
     * in one JVM, near: each thread's share of Adam 71.5 → 69.2 and 71.7 → 64.8 µs; distant: 135 → 130 and
     * 125 → 121 µs). With AVX2's 8 lanes the division costs less and they made it slower (101 → 118 µs).
     */
    static final boolean PAYS = FloatVector.SPECIES_PREFERRED.length() >= 16;

    /** The range of divisors for which {@link #divideRoot} is exact for every x it accepts (see the class comment). */
    static final float MIN = 0x1p-20f, MAX = 0x1p20f;

    /** The bits of +∞: those of +0 up to the largest float are below it, unsigned; −0, ∞, NaN and negative floats are not. */
    private static final int FINITE_BITS = Float.floatToRawIntBits(Float.POSITIVE_INFINITY);

    /** The divisor c, or null when c is outside [{@link #MIN}, {@link #MAX}] (or NaN): divide those. */
    static ConstantDivisor of(float c) {
        return c >= MIN && c <= MAX ? new ConstantDivisor(c, 1f / c) : null;
    }

    /**
     * {@code x / c} in every lane, bit for bit, for x the square root of a float (+0, −0, in [2⁻⁷⁵, 2⁶⁴],
     * ∞ or NaN); {@code r} and {@code negC} are {@link #reciprocal} and {@code −c} broadcast, made
     * once before the caller's loop.
     */
    FloatVector divideRoot(FloatVector x, FloatVector r, FloatVector negC) {
        // +0 to the largest float, the unsigned order of the bits: not −0 (whose quotient's sign the
        // correction's last sum would lose), ∞ (∞ − ∞ in it) or NaN.
        if (!x.reinterpretAsInts().compare(VectorOperators.ULT, FINITE_BITS).allTrue()) {
            return x.div(c);
        }
        FloatVector q = x.mul(r);
        return q.fma(negC, x).fma(r, q);
    }
}
