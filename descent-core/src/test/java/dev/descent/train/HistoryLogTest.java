package dev.descent.train;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.descent.io.FormatException;
import dev.descent.io.Json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The history log: each checkpoint appends only the rows recorded since the last, a checkpoint reads
 * back exactly what it covered (bit for bit, whatever a killed append left after it), a damaged or
 * short log or one that disagrees with its trainer state is refused with one line, and a run's
 * history no longer has a size past which its own checkpoint cannot be resumed.
 */
class HistoryLogTest {

    @TempDir
    Path tmp;

    /** Steps {@code from+1..to} of a history: a validation every 4th, a measurement every 3rd (and one at step 0). */
    private static void record(History h, int from, int to) {
        if (from == 0) {
            h.addMetric("sharpness", 0, 0.25);
        }
        for (int s = from + 1; s <= to; s++) {
            h.addTrain(1 + (s - 1) / 10, (float) (2.0 / s), s % 7 == 0 ? Float.NaN : (float) s / (s + 1));
            if (s % 4 == 0) {
                h.addValidation(s, 1f / s, 0.5f + s * 1e-3f);
            }
            if (s % 3 == 0) {
                h.addMetric("sharpness", s, s % 9 == 0 ? Double.POSITIVE_INFINITY : Math.PI * s);
                h.addMetric("two_over_lr", s, 200.0);
            }
        }
    }

    private static void assertSameHistory(History actual, History expected) {
        assertThat(actual.steps()).isEqualTo(expected.steps());
        assertThat(bits(actual.trainLoss())).containsExactly(bits(expected.trainLoss()));
        assertThat(bits(actual.trainAcc())).containsExactly(bits(expected.trainAcc()));
        assertThat(actual.trainEpoch()).containsExactly(expected.trainEpoch());
        assertThat(actual.valIdx()).containsExactly(expected.valIdx());
        assertThat(bits(actual.valLoss())).containsExactly(bits(expected.valLoss()));
        assertThat(bits(actual.valAcc())).containsExactly(bits(expected.valAcc()));
        assertThat(actual.metricNames()).isEqualTo(expected.metricNames());
        for (String m : expected.metricNames()) {
            assertThat(actual.metricSteps(m)).as(m).containsExactly(expected.metricSteps(m));
            assertThat(actual.metricValues(m)).as(m).containsExactly(expected.metricValues(m));
        }
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }

    private static TrainerState state(int step) {
        return new TrainerState(step, step / 10, step % 10, null, 0, null, Double.POSITIVE_INFINITY, 0, 1.5, step * 8L);
    }

    /** The run directory to resume (these tests checkpoint only the trainer state; a resume also needs a model file). */
    private static RunDir resume(Path d) {
        try {
            if (!Files.exists(d.resolve(RunDir.MODEL))) {
                Files.writeString(d.resolve(RunDir.MODEL), "only its presence is checked here");
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return RunDir.existing(d);
    }

    @Test
    void eachCheckpointAppendsOnlyItsNewRowsAndReadsBackWhatItCovered() throws IOException {
        Path d = tmp.resolve("run");
        RunDir dir = RunDir.create(d);
        History h = new History();
        record(h, 0, 10);
        dir.checkpointState(state(10), h);
        Path log = d.resolve(RunDir.HISTORY);
        byte[] first = Files.readAllBytes(log);
        long stateSize = Files.size(d.resolve(RunDir.STATE));
        record(h, 10, 25);
        dir.checkpointState(state(25), h);
        byte[] both = Files.readAllBytes(log);

        // Written once: the first checkpoint's bytes stay as they were, the second adds its 15 steps' rows.
        assertThat(Arrays.copyOf(both, first.length)).isEqualTo(first);
        int newRows = 15 * 12 + 4 * 12 + (5 * 12 + 2 + 9 + 4) + (5 * 12 + 2 + 11 + 4);
        assertThat(both.length - first.length).isEqualTo(12 + newRows);
        // The trainer state stays the size of its fields, not its history.
        assertThat(Files.size(d.resolve(RunDir.STATE))).isLessThan(stateSize + 16);
        JsonNode ext = Json.read(d.resolve(RunDir.STATE)).get("history_log");
        assertThat(ext.get("bytes").longValue()).isEqualTo(both.length);
        assertThat(ext.get("train_steps").intValue()).isEqualTo(25);

        RunDir.Saved saved = resume(d).readState();
        assertThat(saved.state().step()).isEqualTo(25);
        assertSameHistory(saved.history(), h);
    }

    @Test
    void bytesAKilledAppendLeftAreIgnoredAndOverwritten() throws IOException {
        Path d = tmp.resolve("run");
        History h = new History();
        record(h, 0, 12);
        RunDir.create(d).checkpointState(state(12), h);
        Path log = d.resolve(RunDir.HISTORY);
        byte[] covered = Files.readAllBytes(log);
        // A later checkpoint killed after part of its append, before its trainer state.
        Files.write(log, new byte[4096], StandardOpenOption.APPEND);

        RunDir resumed = resume(d);
        RunDir.Saved saved = resumed.readState();
        assertSameHistory(saved.history(), h);
        record(h, 12, 20);
        resumed.checkpointState(state(20), h);
        History expected = new History();
        record(expected, 0, 12);
        record(expected, 12, 20);
        assertThat(Arrays.copyOf(Files.readAllBytes(log), covered.length)).isEqualTo(covered);
        assertThat(Files.size(log)).as("the cut-short bytes overwritten, none left after the new chunk")
                .isEqualTo(Json.read(d.resolve(RunDir.STATE)).get("history_log").get("bytes").longValue());
        assertSameHistory(resume(d).readState().history(), expected);
    }

    @Test
    void aRunDirectoryThatDidNotReadItsStateReadsItBeforeAppending() throws IOException {
        Path d = tmp.resolve("run");
        History h = new History();
        record(h, 0, 6);
        RunDir.create(d).checkpointState(state(6), h);
        record(h, 6, 9);
        resume(d).checkpointState(state(9), h);
        assertSameHistory(resume(d).readState().history(), h);
    }

    @Test
    void aHistoryLongerThanTheOldInlineFormatCouldHoldResumes() throws IOException {
        // 3,000,000 steps: inline in trainer-state.json this was over Json.MAX_FILE_BYTES (64 MB), so
        // --resume refused the run's own checkpoint.
        int steps = 3_000_000;
        History h = new History();
        for (int s = 1; s <= steps; s++) {
            h.addTrain(1 + s / 60_000, 0.123456789f + s * 1e-7f, 0.987654f);
            if (s % 60_000 == 0) {
                h.addValidation(s, 0.1f, 0.97f);
            }
        }
        Path d = tmp.resolve("long");
        RunDir.create(d).checkpointState(state(steps), h);
        assertThat(Files.size(d.resolve(RunDir.STATE))).isLessThan(2_000);
        RunDir.Saved saved = resume(d).readState();
        assertThat(saved.history().steps()).isEqualTo(steps);
        assertThat(saved.history().validations()).isEqualTo(50);
        assertThat(saved.history().trainLoss()[steps - 1]).isEqualTo(h.trainLoss()[steps - 1]);
    }

    @Test
    void aTrainerStateWithItsHistoryInlineStillResumesAndItsNextCheckpointStartsTheLog() throws IOException {
        for (int i = 0; i < 3; i++) {
            Path d = Files.createDirectories(tmp.resolve("inline" + i));
            byte[] json;
            try (var in = HistoryLogTest.class.getResourceAsStream("inline-history-trainer-state-" + i + ".json")) {
                json = in.readAllBytes();
            }
            Files.write(d.resolve(RunDir.STATE), json);
            JsonNode inline = Json.parse(json, "inline").get("history");

            RunDir.Saved saved = resume(d).readState();
            float[] loss = saved.history().trainLoss();
            assertThat(loss).hasSize(inline.get("train_loss").size());
            for (int s = 0; s < loss.length; s++) {
                assertThat(loss[s]).isEqualTo(inline.get("train_loss").get(s).floatValue());
            }
            assertThat(saved.history().valIdx()).hasSize(inline.get("val_idx").size());
            assertThat(saved.history().metricSteps("sharpness")).hasSize(inline.get("metrics").get("sharpness").get("steps").size());

            RunDir again = resume(d);
            History h = again.readState().history();
            again.checkpointState(saved.state(), h);
            assertThat(Json.read(d.resolve(RunDir.STATE)).has("history")).isFalse();
            assertSameHistory(resume(d).readState().history(), saved.history());
        }
    }

    private Path checkpointed() {
        Path d = tmp.resolve("run");
        History h = new History();
        record(h, 0, 10);
        RunDir dir = RunDir.create(d);
        dir.checkpointState(state(8), h);
        return d;
    }

    @Test
    void aShortDamagedOrDisagreeingLogIsRefusedWithOneLine() throws IOException {
        Path d = checkpointed();
        Path log = d.resolve(RunDir.HISTORY);
        byte[] good = Files.readAllBytes(log);

        Files.write(log, Arrays.copyOf(good, good.length - 5));
        assertThatThrownBy(() -> resume(d).readState()).isInstanceOf(FormatException.class)
                .hasMessageContaining(RunDir.HISTORY + ": holds " + (good.length - 5) + " bytes, but trainer-state.json's checkpoint covers its first " + good.length);

        byte[] flipped = good.clone();
        flipped[40] ^= 0x10;
        Files.write(log, flipped);
        assertThatThrownBy(() -> resume(d).readState()).isInstanceOf(FormatException.class).hasMessageContaining("(the file is damaged)");

        Files.delete(log);
        assertThatThrownBy(() -> resume(d).readState()).hasMessageContaining(RunDir.HISTORY + ": missing");

        Files.write(log, good);
        Path state = d.resolve(RunDir.STATE);
        String json = Files.readString(state);
        Files.writeString(state, json.replace("\"validations\" : 2", "\"validations\" : 3"));
        assertThatThrownBy(() -> resume(d).readState()).isInstanceOf(FormatException.class)
                .hasMessageContaining("hold 10 training steps, 2 validations").hasMessageContaining("trainer-state.json says 10 training steps, 3 validations");
        Files.writeString(state, json.replace("\"bytes\" : " + good.length, "\"bytes\" : -1"));
        assertThatThrownBy(() -> resume(d).readState()).hasMessageContaining("'history_log' bytes is -1, expected a whole number");
        Files.writeString(state, json.replace("\"bytes\" : " + good.length, "\"bytes\" : 9000000000000000000"));
        assertThatThrownBy(() -> resume(d).readState()).hasMessageContaining("covers its first 9000000000000000000");
        Files.writeString(state, json.replace("\"train_steps\"", "\"train_step\""));
        assertThatThrownBy(() -> resume(d).readState()).hasMessageContaining("'history_log' train_steps is missing");
    }

    /** Raw chunks, as a crafted file would hold them. */
    private static byte[] chunk(int rows, int vals, int series, int[] ints) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.writeInt(rows);
        out.writeInt(vals);
        out.writeInt(series);
        for (int v : ints) {
            out.writeInt(v);
        }
        return b.toByteArray();
    }

    private static String parseError(byte[] bytes, long covered) {
        try {
            HistoryLog.parse(new ByteArrayInputStream(bytes), covered, "crafted.bin");
        } catch (FormatException e) {
            return e.getMessage();
        }
        throw new AssertionError("accepted");
    }

    @Test
    void craftedChunksAreRefusedBeforeTheirCountsAreTrusted() throws IOException {
        float one = 1f;
        int f = Float.floatToIntBits(one);
        assertThat(parseError(chunk(-1, 0, 0, new int[0]), 12)).isEqualTo("crafted.bin: offset 0: chunk 0's training rows as a count >= 0, found -1");
        assertThat(parseError(chunk(Integer.MAX_VALUE, 0, 0, new int[] {1, f, f}), 24))
                .isEqualTo("crafted.bin: offset 0: chunk 0 claims 2147483647 training rows, 0 validations and 0 measurement series, more than the 12 bytes left");
        assertThat(parseError(chunk(2, 2, 0, new int[] {1, f, f, 1, f, f, 2, f, f, 1, f, f}), 60))
                .isEqualTo("crafted.bin: offset 48: a validation step after 2 and at most 2, found 1");
        assertThat(parseError(chunk(1, 1, 0, new int[] {1, f, f, 2, f, f}), 36)).isEqualTo("crafted.bin: offset 24: a validation step after 0 and at most 1, found 2");
        assertThat(parseError(chunk(1, 0, 0, new int[] {-3, f, f}), 24)).isEqualTo("crafted.bin: offset 12: a training row's epoch >= 0, found -3");
        assertThat(parseError(chunk(1, 0, 0, new int[] {1, f}), 24)).startsWith("crafted.bin: offset 20: more bytes: the file ends before the 24");
        assertThat(parseError(chunk(1, 0, 0, new int[] {1, f, f, 0}), 28)).startsWith("crafted.bin: offset 24: chunk 1's header (12 bytes), but only 4 are left");

        byte[] name = {(byte) 0xC3, (byte) 0x28};
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.write(chunk(0, 0, 1, new int[0]));
        out.writeShort(2);
        out.write(name);
        out.writeInt(0);
        assertThat(parseError(b.toByteArray(), b.size())).isEqualTo("crafted.bin: offset 14: a measurement name in UTF-8");

        b.reset();
        out.write(chunk(1, 0, 1, new int[] {1, f, f}));
        out.writeShort(HistoryLog.MAX_NAME_BYTES + 1);
        assertThat(parseError(b.toByteArray(), b.size() + 300)).isEqualTo("crafted.bin: offset 24: a measurement name of 1 to 256 bytes, found 257");

        b.reset();
        out.write(chunk(1, 0, 1, new int[] {1, f, f}));
        out.writeShort(1);
        out.write("s".getBytes(StandardCharsets.UTF_8));
        out.writeInt(2);
        for (int step : new int[] {1, 1}) {
            out.writeInt(step);
            out.writeDouble(1.0);
        }
        assertThat(parseError(b.toByteArray(), b.size())).isEqualTo("crafted.bin: offset 43: a step of 's' after 1 and at most 1, found 1");
    }

    @Test
    void aHistoryBehindItsLogIsRefusedBeforeAnythingIsWritten() throws IOException {
        Path log = tmp.resolve("behind.bin");
        HistoryLog.Appender a = HistoryLog.Appender.fresh(log);
        History h = new History();
        record(h, 0, 12);
        a.append(h);
        long size = Files.size(log);
        History fewer = new History();
        record(fewer, 0, 8);
        History noMeasurement = new History();
        for (int s = 1; s <= 12; s++) {
            noMeasurement.addTrain(1, 1f, 1f);
            if (s % 4 == 0) {
                noMeasurement.addValidation(s, 1f, 1f);
            }
        }
        for (History behind : List.of(fewer, noMeasurement)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> a.append(behind)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("is behind its log");
        }
        assertThat(Files.size(log)).isEqualTo(size);
    }

    @Test
    void aValidLogParsesFromItsBytesAlone() {
        History h = new History();
        record(h, 0, 30);
        Path log = tmp.resolve("alone.bin");
        HistoryLog.Appender a = HistoryLog.Appender.fresh(log);
        History part = new History();
        record(part, 0, 11);
        a.append(part);
        HistoryLog.Extent e = a.append(h);
        assertThat(e.metrics()).isEqualTo(Map.of("sharpness", 11, "two_over_lr", 10));
        assertThat(List.copyOf(e.metrics().keySet())).containsExactly("sharpness", "two_over_lr");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(log);
        } catch (IOException x) {
            throw new java.io.UncheckedIOException(x);
        }
        assertThat((long) bytes.length).isEqualTo(e.bytes());
        assertSameHistory(HistoryLog.parse(new ByteArrayInputStream(bytes), bytes.length, "alone.bin"), h);
    }
}
