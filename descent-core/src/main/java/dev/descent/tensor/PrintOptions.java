package dev.descent.tensor;

/**
 * How {@link Tensor#toString()} prints, as {@code torch.set_printoptions}: the same names, defaults
 * and profiles.
 *
 * @param precision digits after the decimal point (default 4)
 * @param threshold a tensor with more elements than this is summarised with {@code ...} (default 1000)
 * @param edgeItems elements shown at the start and at the end of each summarised dimension (default 3)
 * @param lineWidth characters per line before a row wraps (default 80)
 * @param sciMode   scientific notation always, never, or chosen from the values (default)
 */
public record PrintOptions(int precision, int threshold, int edgeItems, int lineWidth, SciMode sciMode) {

    /** Whether numbers print as {@code 1.2346e+04}. */
    public enum SciMode {
        /** PyTorch's rule: when the largest/smallest non-zero magnitude exceeds 1000, or a magnitude is above 1e8 or below 1e-4. */
        AUTO,
        /** Always scientific. */
        ON,
        /** Never scientific. */
        OFF
    }

    /** Checks the values. */
    public PrintOptions {
        if (precision < 0 || threshold < 0 || edgeItems < 0 || lineWidth < 1) {
            throw new IllegalArgumentException("PrintOptions: precision, threshold and edgeItems must be >= 0 and lineWidth >= 1, got "
                    + precision + ", " + threshold + ", " + edgeItems + ", " + lineWidth);
        }
        if (sciMode == null) {
            sciMode = SciMode.AUTO;
        }
    }

    /** PyTorch's {@code profile="default"}: precision 4, threshold 1000, 3 edge items, 80 columns. */
    public static PrintOptions defaults() {
        return new PrintOptions(4, 1000, 3, 80, SciMode.AUTO);
    }

    /** PyTorch's {@code profile="short"}: precision 2, 2 edge items. */
    public static PrintOptions shortProfile() {
        return new PrintOptions(2, 1000, 2, 80, SciMode.AUTO);
    }

    /** PyTorch's {@code profile="full"}: never summarised. */
    public static PrintOptions full() {
        return new PrintOptions(4, Integer.MAX_VALUE, 3, 80, SciMode.AUTO);
    }

    /** These options with another precision. */
    public PrintOptions withPrecision(int digits) {
        return new PrintOptions(digits, threshold, edgeItems, lineWidth, sciMode);
    }

    /** These options with another summarising threshold. */
    public PrintOptions withThreshold(int elements) {
        return new PrintOptions(precision, elements, edgeItems, lineWidth, sciMode);
    }

    /** These options with another scientific-notation mode. */
    public PrintOptions withSciMode(SciMode mode) {
        return new PrintOptions(precision, threshold, edgeItems, lineWidth, mode);
    }
}
