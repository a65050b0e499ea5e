package dev.descent.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** IDX round trips for every element type, raw and gzip, and a precise error for every defect. */
class IdxTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(IdxType.class)
    void everyTypeRoundTripsRawAndGzip(IdxType type) {
        double[] values = {0, 1, 2, 100, 127, 5, 9, 3, 4, 8, 11, 12};
        if (type == IdxType.FLOAT || type == IdxType.DOUBLE) {
            values[3] = -1.5;
        } else if (type != IdxType.UBYTE) {
            values[3] = -7;
        }
        IdxArray a = IdxArray.of(type, values, 2, 3, 2);
        for (boolean gz : new boolean[] {false, true}) {
            Path f = dir.resolve(type + (gz ? ".gz" : ""));
            Idx.write(f, a, gz);
            IdxArray b = Idx.read(f);
            assertThat(b).isEqualTo(a);
            assertThat(b.dims()).containsExactly(2, 3, 2);
            for (int i = 0; i < values.length; i++) {
                assertThat(b.get(i)).isEqualTo(values[i]);
            }
        }
    }

    @Test
    void unsignedBytesBecomeFloatsInZeroOne() {
        IdxArray a = IdxArray.ofUnsignedBytes(new byte[] {0, (byte) 255, (byte) 128}, 3);
        assertThat(a.toFloats(1f / 255f)).containsExactly(0f, 1f, 128f / 255f);
    }

    private Path bytes(String name, int... b) throws IOException {
        byte[] data = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            data[i] = (byte) b[i];
        }
        Path f = dir.resolve(name);
        Files.write(f, data);
        return f;
    }

    @Test
    void emptyFile() throws IOException {
        Path f = bytes("empty");
        assertThatThrownBy(() -> Idx.read(f)).isInstanceOf(FormatException.class)
                .hasMessageContaining("empty").hasMessageContaining("offset 0").hasMessageContaining(f.toString());
    }

    @Test
    void wrongMagic() throws IOException {
        Path f = bytes("magic", 0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 1, 0);
        assertThatThrownBy(() -> Idx.read(f)).isInstanceOf(FormatException.class)
                .hasMessageContaining("offset 0").hasMessageContaining("expected magic bytes 00 00, found 50 4b");
    }

    @Test
    void unknownType() throws IOException {
        Path f = bytes("type", 0, 0, 0x07, 1, 0, 0, 0, 1, 0);
        assertThatThrownBy(() -> Idx.read(f)).hasMessageContaining("offset 2").hasMessageContaining("found 07");
    }

    @Test
    void noDimensions() throws IOException {
        Path f = bytes("dims", 0, 0, 8, 0);
        assertThatThrownBy(() -> Idx.read(f)).hasMessageContaining("offset 3").hasMessageContaining("found 0");
    }

    @Test
    void truncatedHeader() throws IOException {
        Path f = bytes("hdr", 0, 0, 8, 3, 0, 0, 0, 2, 0, 0);
        assertThatThrownBy(() -> Idx.read(f)).hasMessageContaining("offset 10").hasMessageContaining("3 dimension sizes");
    }

    @Test
    void truncatedPayload() throws IOException {
        Path f = bytes("trunc", 0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4);
        assertThatThrownBy(() -> Idx.read(f)).isInstanceOf(FormatException.class)
                .hasMessageContaining("offset 16").hasMessageContaining("expected 6 payload bytes").hasMessageContaining("found only 4")
                .hasMessageContaining("truncated");
    }

    @Test
    void trailingData() throws IOException {
        Path f = bytes("trail", 0, 0, 8, 1, 0, 0, 0, 2, 1, 2, 3);
        assertThatThrownBy(() -> Idx.read(f)).hasMessageContaining("offset 10").hasMessageContaining("more data");
    }

    @Test
    void truncatedGzipStream() throws IOException {
        Path good = dir.resolve("good.gz");
        Idx.write(good, IdxArray.ofUnsignedBytes(new byte[5000], 50, 100), true);
        byte[] all = Files.readAllBytes(good);
        Path f = dir.resolve("cut.gz");
        Files.write(f, java.util.Arrays.copyOf(all, all.length / 2));
        assertThatThrownBy(() -> Idx.read(f)).isInstanceOf(FormatException.class).hasMessageContaining(f.toString());
    }

    @Test
    void gzipOfGarbageIsAFormatError() throws IOException {
        Path f = dir.resolve("garbage.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(f))) {
            o.write("hello world".getBytes());
        }
        assertThatThrownBy(() -> Idx.read(f)).hasMessageContaining("(gzip)").hasMessageContaining("magic");
    }

    @Test
    void labelOutOfRange() throws IOException {
        Path f = dir.resolve("labels");
        Idx.write(f, IdxArray.ofUnsignedBytes(new byte[] {1, 9, 12, 3}, 4), false);
        assertThatThrownBy(() -> Idx.readLabels(f, 10)).isInstanceOf(FormatException.class)
                .hasMessageContaining("offset 10").hasMessageContaining("label 2 is 12").hasMessageContaining("[0, 10)");
        assertThat(Idx.readLabels(f, 0)).containsExactly(1, 9, 12, 3);
    }

    @Test
    void labelsMustBeOneDimensionalIntegers() throws IOException {
        Path f = dir.resolve("labels2");
        Idx.write(f, IdxArray.ofUnsignedBytes(new byte[4], 2, 2), false);
        assertThatThrownBy(() -> Idx.readLabels(f, 10)).hasMessageContaining("1-dimensional");
        Path g = dir.resolve("labels3");
        Idx.write(g, IdxArray.of(IdxType.FLOAT, new double[] {1, 2}, 2), false);
        assertThatThrownBy(() -> Idx.readLabels(g, 10)).hasMessageContaining("integer labels");
    }

    @Test
    void writingLeavesNoTemporaryFiles() throws IOException {
        Idx.write(dir.resolve("x"), IdxArray.ofUnsignedBytes(new byte[3], 3), false);
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("x");
        }
    }
}
