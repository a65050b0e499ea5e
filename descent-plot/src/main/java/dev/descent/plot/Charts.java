package dev.descent.plot;

import java.awt.Color;
import java.awt.Font;
import java.nio.file.Path;
import java.util.List;

import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;
import dev.descent.io.AtomicFiles;
import dev.descent.train.History;
import dev.descent.train.Loss;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Line charts as PNG and SVG (XChart; SVG through VectorGraphics2D), several panels side by side in
 * one figure, written atomically; and the entry point to the tutorial's figures for library users
 * ({@link #curves(History)}). Lines and bands of more points than a panel can show are thinned
 * first, keeping every pixel column's extremes (M4 aggregation), so that a long run's figure is
 * drawn and stored at the size of what it shows.
 */
public final class Charts {

    /**
     * One line: a name and its points.
     *
     * @param color  its colour, or null for the chart's palette
     * @param legend whether it appears in the legend (contour lines do not)
     * @param line   whether the points are joined (false: a scatter of markers)
     */
    public record Series(String name, double[] x, double[] y, boolean markers, Color color, boolean legend, boolean line) {
        /** A line in the palette's next colour, in the legend. */
        public Series(String name, double[] x, double[] y, boolean markers) {
            this(name, x, y, markers, null, true);
        }

        /** A line, or markers too, in {@code color}. */
        public Series(String name, double[] x, double[] y, boolean markers, Color color, boolean legend) {
            this(name, x, y, markers, color, legend, true);
        }

        /** Unjoined points (a scatter). */
        public static Series points(String name, double[] x, double[] y, Color color) {
            return new Series(name, x, y, true, color, true, false);
        }
    }

    /**
     * A shaded band between two curves (a spread over seeds: mean ± std, or a confidence interval),
     * drawn translucent under the lines and left out of the legend.
     */
    public record Band(double[] x, double[] low, double[] high, Color color) {
    }

    /**
     * One panel: a title, axis labels, its lines, which axes are logarithmic, optional fixed axis
     * ranges ({min, max}, or null to fit the data), and shaded bands.
     */
    public record Panel(String title, String xLabel, String yLabel, List<Series> series, boolean logX, boolean logY,
                        double[] xRange, double[] yRange, List<Band> bands) {
        /** A panel without bands. */
        public Panel(String title, String xLabel, String yLabel, List<Series> series, boolean logX, boolean logY,
                     double[] xRange, double[] yRange) {
            this(title, xLabel, yLabel, series, logX, logY, xRange, yRange, List.of());
        }

        /** A panel fitted to its data. */
        public Panel(String title, String xLabel, String yLabel, List<Series> series, boolean logX, boolean logY) {
            this(title, xLabel, yLabel, series, logX, logY, null, null);
        }

        /** A panel with linear axes. */
        public Panel(String title, String xLabel, String yLabel, List<Series> series) {
            this(title, xLabel, yLabel, series, false, false);
        }
    }

    /** Matplotlib's default ten colours (the "tab10" palette), so that figures look as readers expect. */
    private static final Color[] PALETTE = {new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44), new Color(214, 39, 40),
            new Color(148, 103, 189), new Color(140, 86, 75), new Color(227, 119, 194), new Color(127, 127, 127), new Color(188, 189, 34),
            new Color(23, 190, 207)};

    /** The weight of the debiased EMA that smooths per-step curves (about a 50-step memory). */
    public static final double SMOOTHING = 0.98;

    /** The k-th colour of the palette (cycling). */
    public static Color color(int k) {
        return PALETTE[Math.floorMod(k, PALETTE.length)];
    }

    /** {@code c} at the given opacity (0–255). */
    public static Color alpha(Color c, int alpha) {
        return new Color(c.getRed(), c.getGreen(), c.getBlue(), alpha);
    }

    private static final int W = 640, H = 440;

    private Charts() {
    }

    static {
        System.setProperty("java.awt.headless", "true");
        // ImageIO's disk cache registers a shutdown hook, which fails when charts are written while the
        // JVM is stopping (after Ctrl-C); an in-memory cache needs none and is faster.
        javax.imageio.ImageIO.setUseCache(false);
    }

    /** Writes {@code base.png} and {@code base.svg} with the panels in a row. */
    public static void write(Path base, List<Panel> panels) {
        write(base, panels, panels.size());
    }

    /** Writes {@code base.png} and {@code base.svg} with the panels in rows of {@code columns}. */
    public static void write(Path base, List<Panel> panels, int columns) {
        new Figure(panels, columns).saveAll(base);
    }

    /**
     * The tutorial's two panels for a run trained with the nll loss: loss and accuracy against
     * iteration, train (raw faint, under its debiased EMA) and validation; a third panel with the
     * sharpness when the run tracked it. {@code Charts.curves(trainer.history()).save("curves.png")}.
     */
    public static Figure curves(History history) {
        return RunCharts.curves(history, Loss.NLL);
    }

    /** The same for a run trained with {@code loss} (the loss axis says which). */
    public static Figure curves(History history, Loss loss) {
        return RunCharts.curves(history, loss);
    }

    /** The panels drawn as XChart charts, laid out in rows of {@code columns}, each cell W × h. */
    record Layout(List<XYChart> charts, int columns, int rows, int cellHeight) {
        static Layout of(List<Panel> panels, int columns) {
            // A legend too wide for one row below the plot is stacked, one entry a line, and every panel of
            // the figure grows by the tallest such legend (so that no legend is cut or covers data).
            int extra = panels.stream().mapToInt(Charts::stackedLegendHeight).max().orElse(0);
            int h = H + extra;
            List<XYChart> charts = panels.stream().map(p -> chart(p, h, stackedLegendHeight(p) > 0)).toList();
            int cols = Math.max(1, Math.min(columns, charts.size()));
            return new Layout(charts, cols, Math.ceilDiv(charts.size(), cols), h);
        }

        int width() {
            return W * columns;
        }

        int height() {
            return cellHeight * rows;
        }
    }

    static void writePng(Path file, Layout l) {
        AtomicFiles.write(file, out -> {
            // Composed here: XChart's own grid needs exactly rows × columns charts.
            java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(l.width(), l.height(), java.awt.image.BufferedImage.TYPE_INT_RGB);
            java.awt.Graphics2D g = img.createGraphics();
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            for (int i = 0; i < l.charts().size(); i++) {
                java.awt.Graphics2D cell = (java.awt.Graphics2D) g.create((i % l.columns()) * W, (i / l.columns()) * l.cellHeight(), W, l.cellHeight());
                l.charts().get(i).paint(cell, W, l.cellHeight());
                cell.dispose();
            }
            g.dispose();
            javax.imageio.ImageIO.write(img, "png", out);
        });
    }

    static void writeSvg(Path file, Layout l) {
        AtomicFiles.write(file, out -> {
            VectorGraphics2D g = new VectorGraphics2D();
            for (int i = 0; i < l.charts().size(); i++) {
                l.charts().get(i).paint((VectorGraphics2D) g.create((i % l.columns()) * W, (i / l.columns()) * l.cellHeight(), W, l.cellHeight()), W, l.cellHeight());
            }
            new SVGProcessor().getDocument(g.getCommands(), new PageSize(0, 0, l.width(), l.height())).writeTo(out);
        });
    }

    /** The legend's font (XChart's default), for measuring. */
    private static final Font LEGEND_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    /**
     * 0 when the panel's legend fits in one row under the plot; else the height a stacked legend
     * needs (one entry a line).
     */
    static int stackedLegendHeight(Panel p) {
        List<String> names = p.series().stream().filter(Series::legend).filter(l -> l.x().length > 0).map(Series::name).toList();
        if (names.isEmpty()) {
            return 0;
        }
        java.awt.image.BufferedImage scratch = new java.awt.image.BufferedImage(1, 1, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.FontMetrics fm = scratch.getGraphics().getFontMetrics(LEGEND_FONT);
        int width = 20;
        for (String n : names) {
            width += 24 + 10 + fm.stringWidth(n) + 10; // line sample, gap, text, padding
        }
        return width <= W - 20 ? 0 : names.size() * (fm.getHeight() + 4);
    }

    private static XYChart chart(Panel p, int height, boolean stacked) {
        XYChart c = new XYChartBuilder().width(W).height(height).title(p.title()).xAxisTitle(p.xLabel()).yAxisTitle(p.yLabel()).build();
        org.knowm.xchart.style.XYStyler s = c.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        // Below the plot: a legend inside the plot hides the data it sits on. One row when it fits.
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(stacked ? Styler.LegendLayout.Vertical : Styler.LegendLayout.Horizontal);
        s.setLegendFont(LEGEND_FONT);
        s.setLegendBorderColor(Color.WHITE);
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        s.setXAxisLogarithmic(p.logX());
        s.setYAxisLogarithmic(p.logY());
        double[] xr = p.xRange() != null ? p.xRange() : Axes.bounds(range(p, true), p.logX());
        double[] yr = p.yRange() != null ? p.yRange() : p.logY() ? Axes.bounds(range(p, false), true) : null;
        if (xr != null) {
            s.setXAxisMin(xr[0]);
            s.setXAxisMax(xr[1]);
        }
        if (yr != null) {
            s.setYAxisMin(yr[0]);
            s.setYAxisMax(yr[1]);
        }
        // A pattern, not a formatting function: with a function XChart stops treating the axis as logarithmic.
        if (p.logX() && xr != null) {
            s.setXAxisDecimalPattern(decades(xr));
        }
        if (p.logY() && yr != null) {
            s.setYAxisDecimalPattern(decades(yr));
        }
        if (!p.logX() && integral(p) && xr != null && xr[1] - xr[0] >= 10) {
            // Whole iterations without a thousands separator, so that labels stay short and apart.
            s.setXAxisDecimalPattern("#");
        }
        s.setLegendVisible(p.series().stream().anyMatch(Series::legend));
        int hidden = 0;
        if (xr != null) {
            // XChart puts its ticks on data points (1, 39, 77, …) when all x values are equally spaced;
            // an invisible pair of points at the axis ends breaks the spacing, so that it places them
            // at multiples of a 1-2-5 step instead.
            double ym = yr != null ? (p.logY() ? Math.sqrt(yr[0] * yr[1]) : 0.5 * (yr[0] + yr[1])) : middle(range(p, false));
            XYSeries anchor = c.addSeries("\u200b#" + hidden++, new double[] {xr[0], xr[1]}, new double[] {ym, ym});
            anchor.setMarker(SeriesMarkers.NONE);
            anchor.setLineColor(new Color(0, 0, 0, 0));
            anchor.setShowInLegend(false);
        }
        for (Band b : p.bands()) {
            if (b.x().length == 0) {
                continue;
            }
            // The polygon: along the upper edge, back along the lower; each edge thinned on its own.
            Decimation.Points hi = thin(b.x(), b.high(), xr, p.logX()), lo = thin(b.x(), b.low(), xr, p.logX());
            int nh = hi.x().length, nl = lo.x().length;
            double[] px = new double[nh + nl], py = new double[nh + nl];
            for (int i = 0; i < nh; i++) {
                px[i] = hi.x()[i];
                py[i] = hi.y()[i];
            }
            for (int i = 0; i < nl; i++) {
                px[nh + nl - 1 - i] = lo.x()[i];
                py[nh + nl - 1 - i] = lo.y()[i];
            }
            XYSeries xs = c.addSeries("\u200b#" + hidden++, px, py);
            xs.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
            xs.setFillColor(alpha(b.color(), 50));
            xs.setLineColor(new Color(0, 0, 0, 0));
            xs.setMarker(SeriesMarkers.NONE);
            xs.setShowInLegend(false);
        }
        int next = 0;
        for (Series line : p.series()) {
            if (line.x().length == 0) {
                continue;
            }
            // XChart needs unique series names; lines left out of the legend get a private suffix.
            Decimation.Points pts = line.line() && !line.markers() ? thin(line.x(), line.y(), xr, p.logX()) : new Decimation.Points(line.x(), line.y());
            XYSeries xs = c.addSeries(line.legend() ? line.name() : line.name() + "\u200b#" + hidden++, pts.x(), pts.y());
            xs.setMarker(line.markers() ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            xs.setShowInLegend(line.legend());
            if (!line.line()) {
                xs.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            }
            Color col = line.color() != null ? line.color() : color(next++);
            xs.setLineColor(col);
            xs.setMarkerColor(col);
            if (!line.legend()) {
                xs.setLineWidth(1f);
            }
        }
        return c;
    }

    /** A line thinned to what the panel's width shows ({@link Decimation}); as it is without an x range. */
    private static Decimation.Points thin(double[] x, double[] y, double[] xr, boolean logX) {
        return xr == null ? new Decimation.Points(x, y) : Decimation.m4(x, y, xr[0], xr[1], logX, Decimation.COLUMNS);
    }

    /** The finite {min, max} of the panel's x (or y) values, bands included, or null when it has none. */
    private static double[] range(Panel p, boolean x) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (Series line : p.series()) {
            for (double v : x ? line.x() : line.y()) {
                if (Double.isFinite(v) && (!(x ? p.logX() : p.logY()) || v > 0)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        for (Band b : p.bands()) {
            for (double[] arr : x ? List.of(b.x()) : List.of(b.low(), b.high())) {
                for (double v : arr) {
                    if (Double.isFinite(v) && (!(x ? p.logX() : p.logY()) || v > 0)) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                }
            }
        }
        return lo > hi ? null : new double[] {lo, hi};
    }

    /** Labels for the decades of a log axis: plain decimals within 0.001–10,000 (0.01, 1, 100), else 1E-5 … 1E6. */
    static String decades(double[] range) {
        if (range[0] < 1e-3 || range[1] > 1e4) {
            return "0E0";
        }
        int digits = (int) Math.max(0, Math.ceil(-Math.log10(range[0]) - 1e-9));
        return digits == 0 ? "#,##0" : "0." + "#".repeat(digits);
    }

    private static double middle(double[] r) {
        return r == null ? 0 : 0.5 * (r[0] + r[1]);
    }

    /** Whether every x value is a whole number (iterations, steps). */
    private static boolean integral(Panel p) {
        for (Series line : p.series()) {
            for (double x : line.x()) {
                if (x != Math.rint(x)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** 0-based indices as x values 1..n. */
    public static double[] steps(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i + 1;
        }
        return x;
    }

    /** Floats as doubles. */
    public static double[] doubles(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    /** Ints as doubles. */
    public static double[] doubles(int[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    /**
     * TensorBoard's smoothing: an exponential moving average {@code m_i = w·m_{i−1} + (1 − w)·v_i}
     * from {@code m = 0}, divided by {@code 1 − w^{i+1}} so that the start is not pulled toward zero.
     * Non-finite values are skipped (the average carries on).
     */
    public static double[] ema(double[] v, double weight) {
        double[] out = new double[v.length];
        double m = 0, debias = 1;
        int seen = 0;
        for (int i = 0; i < v.length; i++) {
            if (Double.isFinite(v[i])) {
                m = weight * m + (1 - weight) * v[i];
                debias *= weight;
                seen++;
            }
            out[i] = seen == 0 ? Double.NaN : m / (1 - debias);
        }
        return out;
    }

    /**
     * A noisy per-step curve as two lines in one colour: the raw values faint and out of the legend,
     * and over them the debiased EMA ({@link #SMOOTHING}) under {@code name}.
     */
    public static List<Series> rawAndSmoothed(String name, double[] x, double[] raw, Color color) {
        return List.of(new Series(name + " (raw)", x, raw, false, alpha(color, 60), false),
                new Series(name, x, ema(raw, SMOOTHING), false, color, true));
    }
}
