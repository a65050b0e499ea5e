package dev.descent.testing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded mutation fuzzer: each input is a valid seed file changed by a few random edits of the kinds
 * that break parsers — bit flips, bytes and machine words set to boundary values (0, -1, 2³¹, 2³²,
 * 2⁶³−1), ranges deleted, duplicated or inserted, truncation, a splice of two seeds, and for text
 * (JSON, YAML, CSV) numbers replaced by huge, negative, fractional or non-numeric ones and brackets
 * repeated. The same seed gives the same inputs, so a failure names the seed and index that
 * reproduce it.
 */
public final class Mutator {

    private static final long[] WORDS = {0, 1, -1, 0x7F, 0x80, 0xFF, 0x7FFF, 0xFFFF, Integer.MAX_VALUE, Integer.MIN_VALUE, 0xFFFFFFFFL,
            1L << 31, 1L << 32, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE};
    private static final String[] NUMBERS = {"0", "-1", "2147483648", "4294967296", "9223372036854775808", "1e308", "1e999", "-1e999", "0.5", "-0",
            "NaN", "Infinity", "\"7\"", "null", "true", "[]", "{}", "123456789012345678901234567890"};
    private static final String[] TOKENS = {"[", "]", "{", "}", ",", ":", "\"", "\\", "\n", "#", "&a", "*a", "- ", "!!", "\u0000", "\uFFFF", "é"};

    private final List<byte[]> seeds;
    private final SplittableRandom rng;

    /** Mutations of {@code seeds}, drawn from {@code seed}. */
    public Mutator(List<byte[]> seeds, long seed) {
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("a mutation fuzzer needs at least one seed");
        }
        this.seeds = List.copyOf(seeds);
        this.rng = new SplittableRandom(seed);
    }

    /** The next input: a seed with one to eight edits (now and then the seed itself, unchanged). */
    public byte[] next() {
        byte[] b = seeds.get(rng.nextInt(seeds.size())).clone();
        if (rng.nextInt(64) == 0) {
            return b;
        }
        int edits = 1 + rng.nextInt(rng.nextBoolean() ? 2 : 8);
        boolean text = isText(b);
        for (int e = 0; e < edits; e++) {
            b = text && rng.nextInt(3) > 0 ? textEdit(b) : byteEdit(b);
        }
        return b;
    }

    private static boolean isText(byte[] b) {
        int n = Math.min(b.length, 256), printable = 0;
        for (int i = 0; i < n; i++) {
            if (b[i] >= 0x09 && b[i] < 0x7F) {
                printable++;
            }
        }
        return n > 0 && printable > 0.95 * n;
    }

    private byte[] byteEdit(byte[] b) {
        if (b.length == 0) {
            return new byte[] {(byte) rng.nextInt(256)};
        }
        int at = rng.nextInt(b.length);
        switch (rng.nextInt(9)) {
            case 0 -> b[at] ^= (byte) (1 << rng.nextInt(8));
            case 1 -> b[at] = (byte) rng.nextInt(256);
            case 2, 3 -> {
                // A machine word at a random place, either byte order: where sizes and offsets live.
                int width = rng.nextBoolean() ? 4 : 8;
                long w = WORDS[rng.nextInt(WORDS.length)];
                boolean big = rng.nextBoolean();
                for (int i = 0; i < width && at + i < b.length; i++) {
                    int shift = 8 * (big ? width - 1 - i : i);
                    b[at + i] = (byte) (w >>> shift);
                }
            }
            case 4 -> {
                return Arrays.copyOf(b, rng.nextInt(b.length));
            }
            case 5 -> {
                int len = 1 + rng.nextInt(Math.min(64, b.length - at));
                byte[] out = new byte[b.length - len];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(b, at + len, out, at, b.length - at - len);
                return out;
            }
            case 6 -> {
                int len = 1 + rng.nextInt(Math.min(64, b.length - at));
                return insert(b, rng.nextInt(b.length + 1), Arrays.copyOfRange(b, at, at + len));
            }
            case 7 -> {
                byte[] junk = new byte[1 + rng.nextInt(16)];
                for (int i = 0; i < junk.length; i++) {
                    junk[i] = (byte) rng.nextInt(256);
                }
                return insert(b, at, junk);
            }
            default -> {
                byte[] other = seeds.get(rng.nextInt(seeds.size()));
                int cut = rng.nextInt(other.length + 1);
                byte[] out = Arrays.copyOf(b, at + other.length - cut);
                System.arraycopy(other, cut, out, at, other.length - cut);
                return out;
            }
        }
        return b;
    }

    private byte[] textEdit(byte[] b) {
        String s = new String(b, StandardCharsets.UTF_8);
        if (s.isEmpty()) {
            return byteEdit(b);
        }
        switch (rng.nextInt(4)) {
            case 0 -> {
                // Replace one number (or the start of a word) with a hostile value.
                int start = findNumber(s, rng.nextInt(s.length()));
                if (start < 0) {
                    return byteEdit(b);
                }
                int end = start;
                while (end < s.length() && "0123456789.eE+-".indexOf(s.charAt(end)) >= 0) {
                    end++;
                }
                s = s.substring(0, start) + NUMBERS[rng.nextInt(NUMBERS.length)] + s.substring(end);
            }
            case 1 -> {
                int at = rng.nextInt(s.length() + 1);
                s = s.substring(0, at) + TOKENS[rng.nextInt(TOKENS.length)].repeat(1 + (rng.nextInt(8) == 0 ? rng.nextInt(5000) : 0)) + s.substring(at);
            }
            case 2 -> {
                // Repeat a slice: duplicated keys, longer lists, deeper nesting.
                int at = rng.nextInt(s.length()), len = 1 + rng.nextInt(Math.min(80, s.length() - at));
                String slice = s.substring(at, at + len);
                s = s.substring(0, at) + slice.repeat(1 + rng.nextInt(rng.nextInt(16) == 0 ? 2000 : 4)) + s.substring(at);
            }
            default -> {
                int at = rng.nextInt(s.length()), len = 1 + rng.nextInt(Math.min(40, s.length() - at));
                s = s.substring(0, at) + s.substring(at + len);
            }
        }
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static int findNumber(String s, int from) {
        for (int k = 0; k < s.length(); k++) {
            int i = (from + k) % s.length();
            if (Character.isDigit(s.charAt(i)) && (i == 0 || !Character.isDigit(s.charAt(i - 1)))) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] insert(byte[] b, int at, byte[] what) {
        byte[] out = new byte[b.length + what.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(what, 0, out, at, what.length);
        System.arraycopy(b, at, out, at + what.length, b.length - at);
        return out;
    }
}
