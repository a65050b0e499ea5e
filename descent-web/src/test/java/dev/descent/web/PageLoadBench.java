package dev.descent.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The runs page with N run directories (default 200), loaded in headless Chromium: milliseconds from
 * navigation start until the table shows every run, median of 15 cold loads (after 3 warm-ups).
 * Run with: {@code java -cp <test classpath> dev.descent.web.PageLoadBench [N]}.
 */
public final class PageLoadBench {

    private PageLoadBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        Path root = Files.createTempDirectory("descent-bench-runs");
        for (int i = 0; i < n; i++) {
            Runs.write(root, String.format(Locale.ROOT, "20261125-%06d-%s", i, i % 2 == 0 ? "adam" : "sgd"), i % 2 == 0 ? "adam" : "sgd", 1e-3 * (1 + i % 7), 1564, true);
        }
        try (Dashboard d = Dashboard.start(root, "127.0.0.1", 0)) {
            ChromeDriver b = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(DashboardBrowserTest.DRIVER.toFile()).build(),
                    DashboardBrowserTest.options());
            try {
                double[] ms = new double[15];
                for (int i = -3; i < ms.length; i++) {
                    b.get("about:blank");
                    b.get("http://127.0.0.1:" + d.port() + "/");
                    new WebDriverWait(b, java.time.Duration.ofSeconds(10)).until(x -> x.findElements(By.cssSelector("#runs tbody tr")).size() == n);
                    double t = ((Number) ((JavascriptExecutor) b).executeScript("return window.descentRenderedAt")).doubleValue();
                    if (i >= 0) {
                        ms[i] = t;
                    }
                }
                Arrays.sort(ms);
                System.out.printf(Locale.ROOT, "runs page, %d runs: median %.0f ms to a full table (min %.0f, max %.0f, 15 loads)%n", n, ms[7], ms[0], ms[14]);
            } finally {
                b.quit();
            }
        }
    }
}
