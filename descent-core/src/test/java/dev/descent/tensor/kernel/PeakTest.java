package dev.descent.tensor.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.Attributes;
import java.lang.classfile.attribute.CodeAttribute;
import java.lang.classfile.MethodModel;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The FMA probe's shape: what keeps its reading right (docs/PERFORMANCE.md, 2026-11-29 section 6). */
class PeakTest {

    /** C2 inlines hot methods of up to 325 bytes of bytecode (FreqInlineSize on x86). */
    private static final int FREQ_INLINE_SIZE = 325;

    /**
     * Inlined into a caller's compilation, the chains lost their vector intrinsics and the probe read
     * less than half the peak; above the inlining limit they are always compiled on their own.
     */
    @Test
    void theChainsStayTooLargeToInline() throws IOException {
        byte[] bytes;
        try (InputStream in = Peak.class.getResourceAsStream("Peak.class")) {
            bytes = in.readAllBytes();
        }
        ClassModel model = ClassFile.of().parse(bytes);
        MethodModel chains = model.methods().stream().filter(m -> m.methodName().equalsString("fmaChains")).findFirst().orElseThrow();
        int length = chains.findAttribute(Attributes.code()).map(CodeAttribute::codeLength).orElseThrow();
        assertThat(length).as("bytecode bytes of Peak.fmaChains").isGreaterThan(FREQ_INLINE_SIZE);
    }

    @Test
    void flopsCountEveryFmaOfTheUnrolledLoop() {
        assertThat(Peak.flops(3)).isEqualTo(2L * 24 * VectorKernels.lanes() * 3);
    }
}
