package dev.descent.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The study page with N trials (default 2,000, two objectives, pruned trials with their intermediate
 * values), in headless Chromium: milliseconds from navigation start until every panel is drawn. First
 * the server's first answer for the study in a fresh JVM (its first read of the journal, cold code);
 * then a fresh browser's first page; then the median of 15 loads (the server answers from its cache
 * while the journal is unchanged), and of 5 loads each after the journal grew by one line (the server
 * reads only the new line, then rebuilds the page's data).
 * Run with: {@code java -cp <test classpath> dev.descent.web.StudyPageLoadBench [N]}.
 */
public final class StudyPageLoadBench {

    private StudyPageLoadBench() {
    }

    private static double load(ChromeDriver b, String url) {
        b.get("about:blank");
        b.get(url);
        new WebDriverWait(b, java.time.Duration.ofSeconds(30)).until(x -> ((JavascriptExecutor) x).executeScript("return window.descentStudyRenderedAt") != null);
        return ((Number) ((JavascriptExecutor) b).executeScript("return window.descentStudyRenderedAt")).doubleValue();
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        Path root = Files.createTempDirectory("descent-bench-study");
        Path dir = Studies.write(root, "study", n, true, 1);
        try (Dashboard d = Dashboard.start(root, "127.0.0.1", 0)) {
            long t0 = System.nanoTime();
            HttpResponse<String> api = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + "/api/study?id=study")).build(),
                    HttpResponse.BodyHandlers.ofString());
            double server = (System.nanoTime() - t0) / 1e6;
            if (api.statusCode() != 200) {
                throw new IllegalStateException(api.body());
            }
            ChromeDriver b = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(DashboardBrowserTest.DRIVER.toFile()).build(),
                    DashboardBrowserTest.options());
            b.manage().window().setSize(new org.openqa.selenium.Dimension(1400, 1400));
            String url = "http://127.0.0.1:" + d.port() + "/study.html?id=study";
            try {
                double first = load(b, url);
                double[] warm = new double[15];
                for (int i = -2; i < warm.length; i++) {
                    double t = load(b, url);
                    if (i >= 0) {
                        warm[i] = t;
                    }
                }
                double[] grown = new double[5];
                for (int i = 0; i < grown.length; i++) {
                    // The last trial is running with 2 reports; each new one carries a later step.
                    Files.writeString(dir.resolve("journal.jsonl"), String.format(Locale.ROOT, "{\"op\":\"report\",\"number\":%d,\"step\":%d,\"value\":0.5}%n", n - 1, 3 + i),
                            java.nio.file.StandardOpenOption.APPEND);
                    grown[i] = load(b, url);
                }
                Arrays.sort(warm);
                Arrays.sort(grown);
                System.out.printf(Locale.ROOT, "study page, %d trials: the server's first answer %.0f ms (%d KB); a fresh browser's first page %.0f ms; "
                        + "then median %.0f ms (min %.0f, max %.0f, 15 loads); after the journal grew: median %.0f ms (5 loads)%n",
                        n, server, api.body().length() / 1024, first, warm[7], warm[0], warm[14], grown[2]);
            } finally {
                b.quit();
            }
        }
    }
}
