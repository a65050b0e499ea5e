package dev.descent.plot;

import java.awt.Color;
import java.awt.Font;
import java.nio.file.Path;
import java.util.List;

import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;
import dev.descent.io.AtomicFiles;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Line charts as PNG and SVG (XChart; SVG through VectorGraphics2D), several panels side by side in
 * one figure, written atomically.
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
     * One panel: a title, axis labels, its lines, which axes are logarithmic, and optional fixed axis
     * ranges ({min, max}, or null to fit the data).
     */
    public record Panel(String title, String xLabel, String yLabel, List<Series> series, boolean logX, boolean logY,
                        double[] xRange, double[] yRange) {
        /** A panel fitted to its data. */
        public Panel(String title, String xLabel, String yLabel, List<Series> series, boolean logX, boolean logY) {
            this(title, xLabel, yLabel, series, logX, logY, null, null);
        }

        /** A panel with linear axes. */
        public Panel(String title, String xLabel, String yLabel, List<Series> series) {
            this(title, xLabel, yLabel, series, false, false);
        }
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
        List<XYChart> charts = panels.stream().map(Charts::chart).toList();
        int cols = Math.max(1, Math.min(columns, charts.size())), rows = Math.ceilDiv(charts.size(), cols);
        Path png = base.resolveSibling(base.getFileName() + ".png");
        Path svg = base.resolveSibling(base.getFileName() + ".svg");
        AtomicFiles.write(png, out -> {
            // Composed here: XChart's own grid needs exactly rows × columns charts.
            java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(W * cols, H * rows, java.awt.image.BufferedImage.TYPE_INT_RGB);
            java.awt.Graphics2D g = img.createGraphics();
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            for (int i = 0; i < charts.size(); i++) {
                java.awt.Graphics2D cell = (java.awt.Graphics2D) g.create((i % cols) * W, (i / cols) * H, W, H);
                charts.get(i).paint(cell, W, H);
                cell.dispose();
            }
            g.dispose();
            javax.imageio.ImageIO.write(img, "png", out);
        });
        AtomicFiles.write(svg, out -> {
            VectorGraphics2D g = new VectorGraphics2D();
            for (int i = 0; i < charts.size(); i++) {
                charts.get(i).paint((VectorGraphics2D) g.create((i % cols) * W, (i / cols) * H, W, H), W, H);
            }
            new SVGProcessor().getDocument(g.getCommands(), new PageSize(0, 0, (double) W * cols, (double) H * rows)).writeTo(out);
        });
    }

    private static XYChart chart(Panel p) {
        XYChart c = new XYChartBuilder().width(W).height(H).title(p.title()).xAxisTitle(p.xLabel()).yAxisTitle(p.yLabel()).build();
        org.knowm.xchart.style.XYStyler s = c.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setLegendPosition(Styler.LegendPosition.InsideNE);
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        if (p.logX()) {
            s.setXAxisLogarithmic(true);
        } else if (integral(p)) {
            // Whole iterations without a thousands separator, so that labels stay short and apart.
            // (A pattern, not a formatting function: XChart places ticks for a function at every
            // data point's spacing, which crowds the labels.)
            s.setXAxisDecimalPattern("#");
        }
        s.setYAxisLogarithmic(p.logY());
        if (p.xRange() != null) {
            s.setXAxisMin(p.xRange()[0]);
            s.setXAxisMax(p.xRange()[1]);
        }
        if (p.yRange() != null) {
            s.setYAxisMin(p.yRange()[0]);
            s.setYAxisMax(p.yRange()[1]);
        }
        s.setLegendVisible(p.series().stream().anyMatch(Series::legend));
        int hidden = 0;
        for (Series line : p.series()) {
            if (line.x().length == 0) {
                continue;
            }
            // XChart needs unique series names; lines left out of the legend get a private suffix.
            XYSeries xs = c.addSeries(line.legend() ? line.name() : line.name() + "\u200b#" + hidden++, line.x(), line.y());
            xs.setMarker(line.markers() ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            xs.setShowInLegend(line.legend());
            if (!line.line()) {
                xs.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            }
            if (line.color() != null) {
                xs.setLineColor(line.color());
                xs.setMarkerColor(line.color());
            }
            if (!line.legend()) {
                xs.setLineWidth(1f);
            }
        }
        return c;
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

    /** A trailing moving average over {@code window} points (noisy per-step curves read better). */
    public static double[] smooth(float[] v, int window) {
        double[] out = new double[v.length];
        double sum = 0;
        for (int i = 0; i < v.length; i++) {
            sum += v[i];
            if (i >= window) {
                sum -= v[i - window];
            }
            out[i] = sum / Math.min(i + 1, window);
        }
        return out;
    }

}
