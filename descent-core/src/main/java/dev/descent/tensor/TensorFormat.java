package dev.descent.tensor;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * A tensor as PyTorch 1.13 prints it ({@code torch/_tensor_str.py}): {@code tensor([[ 0.1000, -2.0000]],
 * requires_grad=True)}. One width for every element, chosen from the (summarised) values; integral
 * values as {@code 1.}; scientific notation when magnitudes span more than 1000× or leave
 * [1e-4, 1e8]; rows wrapped at the line width; {@code ...} for the middle of a dimension when the
 * tensor has more elements than the threshold. Numbers are rounded as Python's {@code format} rounds
 * them (the exact binary value, half to even), so the digits match PyTorch's.
 */
final class TensorFormat {

    private static volatile PrintOptions options = PrintOptions.defaults();

    private TensorFormat() {
    }

    static PrintOptions options() {
        return options;
    }

    static void setOptions(PrintOptions o) {
        options = java.util.Objects.requireNonNull(o, "options");
    }

    /** {@code repr(t)}. */
    static String repr(Tensor t, PrintOptions o) {
        String prefix = "tensor(";
        int indent = prefix.length();
        int[] shape = t.shapeRef();
        List<String> suffixes = new ArrayList<>();
        String body;
        if (t.numel() == 0) {
            // NumPy's rule: the shape is shown unless it is (0,).
            if (shape.length != 1) {
                suffixes.add("size=" + pythonTuple(shape));
            }
            body = "[]";
        } else {
            boolean summarize = t.numel() > o.threshold();
            Formatter f = new Formatter(summarize ? summarized(t.data(), shape, o.edgeItems()) : t.data(), o);
            body = tensorStr(t.data(), shape, 0, 0, indent, summarize, f, o);
        }
        String gradFn = t.gradFn();
        if (gradFn != null) {
            suffixes.add("grad_fn=<" + backwardName(gradFn) + ">");
        } else if (t.requiresGrad()) {
            suffixes.add("requires_grad=True");
        }
        return addSuffixes(prefix + body, suffixes, indent, o.lineWidth());
    }

    /** PyTorch's name of an op's backward node: {@code nll_loss} → {@code NllLossBackward0}. */
    static String backwardName(String op) {
        String torchOp = switch (op) {
            case "linear" -> "addmm";
            case "matmul" -> "mm";
            default -> op;
        };
        StringBuilder sb = new StringBuilder();
        for (String part : torchOp.split("_")) {
            if (!part.isEmpty()) {
                sb.append(Character.toUpperCase(part.charAt(0))).append(part, 1, part.length());
            }
        }
        return sb.append("Backward0").toString();
    }

    private static String pythonTuple(int[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return sb.append(shape.length == 1 ? ",)" : ")").toString();
    }

    /** The values a summarised tensor shows ({@code get_summarized_data}), in order. */
    private static float[] summarized(float[] data, int[] shape, int edge) {
        List<Float> out = new ArrayList<>();
        collect(data, shape, 0, 0, edge, out);
        float[] v = new float[out.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = out.get(i);
        }
        return v;
    }

    private static void collect(float[] data, int[] shape, int dim, int offset, int edge, List<Float> out) {
        if (shape.length == 0) {
            out.add(data[offset]);
            return;
        }
        int n = shape[dim], stride = stride(shape, dim);
        for (int i = 0; i < n; i++) {
            if (n > 2 * edge && i == edge) {
                i = n - edge - 1;
                continue;
            }
            if (dim == shape.length - 1) {
                out.add(data[offset + i]);
            } else {
                collect(data, shape, dim + 1, offset + i * stride, edge, out);
            }
        }
    }

    private static int stride(int[] shape, int dim) {
        int s = 1;
        for (int d = dim + 1; d < shape.length; d++) {
            s *= shape[d];
        }
        return s;
    }

    /** {@code _tensor_str_with_formatter} for the sub-tensor at {@code offset} from dimension {@code dim} on. */
    private static String tensorStr(float[] data, int[] shape, int dim, int offset, int indent, boolean summarize, Formatter f, PrintOptions o) {
        int rank = shape.length - dim;
        if (rank == 0) {
            return f.format(data[offset]);
        }
        int n = shape[dim], edge = o.edgeItems();
        boolean cut = summarize && n > 2 * edge;
        if (rank == 1) {
            int elementLength = f.width() + 2;
            int perLine = Math.max(1, (o.lineWidth() - indent) / elementLength);
            List<String> items = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (cut && i == edge) {
                    items.add(" ...");
                    i = n - edge - 1;
                    continue;
                }
                items.add(f.format(data[offset + i]));
            }
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < items.size(); i += perLine) {
                lines.add(String.join(", ", items.subList(i, Math.min(items.size(), i + perLine))));
            }
            return "[" + String.join(",\n" + " ".repeat(indent + 1), lines) + "]";
        }
        int stride = stride(shape, dim);
        List<String> slices = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (cut && i == edge) {
                slices.add("...");
                i = n - edge - 1;
                continue;
            }
            slices.add(tensorStr(data, shape, dim + 1, offset + i * stride, indent + 1, summarize, f, o));
        }
        return "[" + String.join("," + "\n".repeat(rank - 1) + " ".repeat(indent + 1), slices) + "]";
    }

    /** {@code _add_suffixes}: each suffix after a comma, on a new line when it would pass the line width. */
    private static String addSuffixes(String tensorStr, List<String> suffixes, int indent, int lineWidth) {
        StringBuilder sb = new StringBuilder(tensorStr);
        int lastLineLen = tensorStr.length() - tensorStr.lastIndexOf('\n') + 1;
        for (String suffix : suffixes) {
            if (lastLineLen + suffix.length() + 2 > lineWidth) {
                sb.append(",\n").append(" ".repeat(indent)).append(suffix);
                lastLineLen = indent + suffix.length();
            } else {
                sb.append(", ").append(suffix);
                lastLineLen += suffix.length() + 2;
            }
        }
        return sb.append(')').toString();
    }

    /** PyTorch's {@code _Formatter}: one notation and one width for all the values shown. */
    private static final class Formatter {
        private final int precision;
        private boolean intMode = true;
        private boolean sciMode;
        private int maxWidth = 1;

        Formatter(float[] values, PrintOptions o) {
            this.precision = o.precision();
            double min = Double.POSITIVE_INFINITY, max = 0;
            int count = 0;
            for (float v : values) {
                if (Float.isFinite(v) && v != 0) {
                    double a = Math.abs((double) v);
                    min = Math.min(min, a);
                    max = Math.max(max, a);
                    count++;
                    if (v != Math.ceil(v)) {
                        intMode = false;
                    }
                }
            }
            if (count > 0) {
                boolean wide = max / min > 1000.0 || max > 1.0e8;
                sciMode = intMode ? wide : wide || min < 1.0e-4;
                for (float v : values) {
                    if (Float.isFinite(v) && v != 0) {
                        int len = sciMode ? scientific(v, precision).length() : intMode ? fixed(v, 0).length() + 1 : fixed(v, precision).length();
                        maxWidth = Math.max(maxWidth, len);
                    }
                }
            }
            if (o.sciMode() != PrintOptions.SciMode.AUTO) {
                sciMode = o.sciMode() == PrintOptions.SciMode.ON;
            }
        }

        int width() {
            return maxWidth;
        }

        String format(float v) {
            String s;
            if (sciMode) {
                s = scientific(v, precision);
            } else if (intMode) {
                s = fixed(v, 0) + (Float.isFinite(v) ? "." : "");
            } else {
                s = fixed(v, precision);
            }
            return s.length() >= maxWidth ? s : " ".repeat(maxWidth - s.length()) + s;
        }
    }

    private static String nonFinite(double v) {
        return Double.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
    }

    private static boolean negative(double v) {
        return v < 0 || (v == 0 && Double.doubleToRawLongBits(v) != 0);
    }

    /** Python's {@code "{:.Nf}".format(v)}. */
    static String fixed(double v, int digits) {
        if (!Double.isFinite(v)) {
            return nonFinite(v);
        }
        BigDecimal b = new BigDecimal(Math.abs(v)).setScale(digits, RoundingMode.HALF_EVEN);
        return (negative(v) ? "-" : "") + b.toPlainString();
    }

    /** Python's {@code "{:.Ne}".format(v)}: {@code 1.2346e+04}. */
    static String scientific(double v, int digits) {
        if (!Double.isFinite(v)) {
            return nonFinite(v);
        }
        String mantissa;
        int exp;
        if (v == 0) {
            mantissa = "0".repeat(digits + 1);
            exp = 0;
        } else {
            BigDecimal b = new BigDecimal(Math.abs(v)).round(new MathContext(digits + 1, RoundingMode.HALF_EVEN));
            exp = b.precision() - b.scale() - 1;
            String u = b.unscaledValue().toString();
            mantissa = u.length() >= digits + 1 ? u.substring(0, digits + 1) : u + "0".repeat(digits + 1 - u.length());
        }
        StringBuilder sb = new StringBuilder(negative(v) ? "-" : "");
        sb.append(mantissa.charAt(0));
        if (digits > 0) {
            sb.append('.').append(mantissa, 1, digits + 1);
        }
        sb.append('e').append(exp < 0 ? '-' : '+');
        int e = Math.abs(exp);
        return sb.append(e < 10 ? "0" : "").append(e).toString();
    }
}
