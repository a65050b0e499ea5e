package dev.descent.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The machine class follows the vectors the kernels use, not only what the CPU has. */
class MachineClassTest {

    @TempDir
    Path tmp;

    @Test
    void namesTheClassTheKernelsRunIn() {
        assertThat(MachineClass.of("vector-512", Set.of("avx2", "fma", "avx512f")).name()).isEqualTo("AVX-512");
        MachineClass limited = MachineClass.of("vector-256", Set.of("avx2", "fma", "avx512f"));
        assertThat(limited.name()).isEqualTo("AVX2");
        assertThat(limited.describe()).contains("UseAVX=2");
        assertThat(MachineClass.of("vector-256", Set.of("avx2", "fma")).describe()).doesNotContain("UseAVX");
        assertThat(MachineClass.of("scalar", Set.of()).name()).isEqualTo("scalar");
        assertThat(MachineClass.of("vector-128", Set.of()).name()).isEqualTo("vector-128");
    }

    @Test
    void readsTheFirstProcessorsFlags() throws IOException {
        Path f = tmp.resolve("cpuinfo");
        Files.writeString(f, "processor\t: 0\nflags\t\t: fpu sse avx2 fma bmi2\n\nprocessor\t: 1\nflags\t\t: fpu avx512f\n");
        assertThat(MachineClass.cpuFlags(f)).containsExactlyInAnyOrder("avx2", "fma");
        assertThat(MachineClass.cpuFlags(tmp.resolve("missing"))).isEmpty();
    }
}
