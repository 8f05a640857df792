package dev.pfgm.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium (Debian's chromium and chromium-driver, which .ci/run
 * installs) against the one-command stack. Screenshots of the main pages go to docs/screenshots.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("../../docs/screenshots");

    @TempDir
    static Path tmp;
    Stack stack;
    ChromeDriver browser;
    String modelJob;

    @BeforeAll
    void start() throws Exception {
        assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver; .ci/run does)");
        stack = Stack.start(new Stack.Options(tmp.resolve("stack"), 0, 1, Map.of()));
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1280,900", "--user-data-dir=" + tmp.resolve("chrome-profile"));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (stack != null) {
            stack.close();
        }
    }

    WebDriverWait waiting(int seconds) {
        // the page redraws what changed while it polls: a vanished element is simply looked up again
        WebDriverWait w = new WebDriverWait(browser, Duration.ofSeconds(seconds), Duration.ofMillis(200));
        w.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return w;
    }

    WebElement find(String css) {
        return waiting(20).until(d -> {
            List<WebElement> found = d.findElements(By.cssSelector(css));
            return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
        });
    }

    void screenshot(String name) throws Exception {
        Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOTS.resolve(name),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    void go(String hash) {
        browser.get(stack.url() + "/" + hash);
    }

    String badge() {
        return find("h1 .badge").getText();
    }

    void waitForStatus(String status, int seconds) {
        waiting(seconds).until(d -> status.equals(d.findElement(By.cssSelector("h1 .badge")).getText()));
    }

    @Test
    @Order(1)
    void signInRefusesABadKeyThenAcceptsTheAdminKey() throws Exception {
        go("");
        find("#key");
        assertFalse(browser.findElement(By.id("nav")).isDisplayed(), "no navigation before signing in");
        assertTrue(find("main").getText().contains("PFGM_ADMIN_KEY_FILE"), "the key hint names where the key is");
        find("#key").sendKeys("pfgm_wrong");
        find("form button[type=submit]").click();
        waiting(10).until(d -> d.findElement(By.id("key-error")).getText().contains("not accepted"));
        screenshot("sign-in.png");
        find("#key").clear();
        find("#key").sendKeys(stack.adminKey());
        find("form button[type=submit]").click();
        find("#jobs");
        assertEquals("Jobs", find("h1").getText());
        assertTrue(find("#nav").isDisplayed());
    }

    @Test
    @Order(2)
    void uploadShowsServerValidationNextToTheFieldThenStoresAGoodFile() throws Exception {
        go("#/datasets");
        Path bad = tmp.resolve("ragged.csv");
        Files.writeString(bad, "x,y\n1,2\n3\n");
        find("#file").sendKeys(bad.toString());
        find("#upload-form button[type=submit]").click();
        WebElement error = waiting(10).until(d -> {
            WebElement e = d.findElement(By.id("file-error"));
            return e.getText().isEmpty() ? null : e;
        });
        assertTrue(error.getText().contains("line 3 has 1 columns"), error.getText());
        screenshot("datasets-validation.png");

        Path good = tmp.resolve("blob.csv");
        StringBuilder csv = new StringBuilder("x,y\n");
        java.util.Random r = new java.util.Random(4);
        for (int i = 0; i < 1500; i++) {
            csv.append(r.nextGaussian()).append(',').append(0.3 * r.nextGaussian() + 2).append('\n');
        }
        Files.writeString(good, csv);
        go("#/datasets");
        find("#file").sendKeys(good.toString());
        find("#name").sendKeys("blob");
        find("#upload-form button[type=submit]").click();
        waiting(10).until(d -> d.findElements(By.xpath("//td[text()='blob']")).size() == 1);
    }

    @Test
    @Order(3)
    void badJobFormShowsTheErrorAtTheField() throws Exception {
        go("#/new?type=train");
        WebElement steps = find("#steps");
        steps.clear();
        steps.sendKeys("0");
        find("#job-form button[type=submit]").click();
        WebElement error = waiting(10).until(d -> {
            WebElement e = d.findElement(By.id("steps-error"));
            return e.getText().isEmpty() ? null : e;
        });
        assertTrue(error.getText().contains("less than 1"), error.getText());
        screenshot("new-job-validation.png");
    }

    @Test
    @Order(4)
    void trainJobProgressesToSucceededWithALossCurve() throws Exception {
        go("#/new?type=train");
        new Select(find("#dataset")).selectByVisibleText("blob (1500 x 2)");
        WebElement steps = find("#steps");
        steps.clear();
        steps.sendKeys("3000");
        find("#job-form button[type=submit]").click();
        waiting(10).until(d -> d.getCurrentUrl().contains("#/jobs/"));
        modelJob = browser.getCurrentUrl().replaceAll(".*#/jobs/", "");
        // the bar moves while it runs
        Set<String> seen = new HashSet<>();
        waiting(120).until(d -> {
            seen.add(d.findElement(By.cssSelector("[role=progressbar]")).getAttribute("aria-valuenow"));
            return "succeeded".equals(d.findElement(By.cssSelector("h1 .badge")).getText());
        });
        assertTrue(seen.size() >= 3, "progress values seen: " + seen);
        assertEquals("100", find("[role=progressbar]").getAttribute("aria-valuenow"));
        WebElement path = find("#chart svg path.series");
        int segments = path.getAttribute("d").split("L").length;
        assertTrue(segments > 50, "loss curve has " + segments + " points");
        assertTrue(find("#artifacts").getText().contains("model.pfgm"));
        screenshot("job-train.png");
    }

    @Test
    @Order(5)
    void generateJobRendersAScatterOfItsSamples() throws Exception {
        find("#facts");
        browser.findElement(By.linkText("Generate from this model")).click();
        WebElement count = find("#count");
        count.clear();
        count.sendKeys("600");
        find("#job-form button[type=submit]").click();
        waiting(10).until(d -> d.getCurrentUrl().contains("#/jobs/") && !d.getCurrentUrl().endsWith(modelJob));
        waitForStatus("succeeded", 120);
        WebElement svg = find("#chart svg");
        List<WebElement> dots = svg.findElements(By.cssSelector("circle"));
        assertEquals(600, dots.size());
        // drawn where the samples are: spread over the plot, not piled on one spot
        Set<String> xs = new HashSet<>();
        Set<String> ys = new HashSet<>();
        for (WebElement c : dots.subList(0, 100)) {
            xs.add(c.getAttribute("cx"));
            ys.add(c.getAttribute("cy"));
        }
        assertTrue(xs.size() > 50 && ys.size() > 50, xs.size() + " x, " + ys.size() + " y positions");
        // and the pixels are there: the screenshot of the chart is not blank
        byte[] png = svg.getScreenshotAs(OutputType.BYTES);
        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png));
        int coloured = 0;
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                int rgb = img.getRGB(x, y);
                int red = (rgb >> 16) & 255;
                int blue = rgb & 255;
                if (blue > red + 40) {
                    coloured++;
                }
            }
        }
        assertTrue(coloured > 200, "blue pixels in the scatter: " + coloured);
        screenshot("job-generate.png");
    }

    @Test
    @Order(6)
    void runningJobCanBeCancelledFromItsPage() throws Exception {
        go("#/new?type=train");
        WebElement steps = find("#steps");
        steps.clear();
        steps.sendKeys("2000000");
        find("#job-form button[type=submit]").click();
        waitForStatus("running", 60);
        waiting(30).until(d -> !"0".equals(d.findElement(By.cssSelector("[role=progressbar]")).getAttribute("aria-valuenow"))
                || d.findElement(By.id("progress-text")).getText().contains("step"));
        // cancel asks first; keeping it running changes nothing, even across the page's polls
        find("#cancel").click();
        find("#cancel-keep").click();
        Thread.sleep(2000);
        assertEquals("running", badge());
        find("#cancel").click();
        Thread.sleep(2000);
        find("#cancel-confirm").click();
        waitForStatus("cancelled", 60);
        assertTrue(find("#timeline").getText().contains("status cancelled"));
    }

    /** An image training shows its latest preview grid under the live loss while it runs. */
    @Test
    @Order(7)
    void imageTrainingShowsItsLatestPreviewGridWhileItRuns() throws Exception {
        Http api = new Http(stack.url(), stack.adminKey());
        Http.Res job = api.postJson("/v1/jobs", Map.of("type", "train", "dataset", ServiceTest.uploadDiscs(api, 200),
                "params", Map.of("steps", 100000, "unet_width", 8, "unet_levels", 1, "batch", 16, "large_batch", 128,
                        "warmup", 20, "preview_every", 20, "checkpoint_every", 0)));
        assertEquals(202, job.status(), job.toString());
        go("#/jobs/" + job.json().path("id").asText());
        waitForStatus("running", 60);
        // the grid arrives from the object store by its presigned URL and is decoded by the browser
        waiting(120).until(d -> Boolean.TRUE.equals(((org.openqa.selenium.JavascriptExecutor) d).executeScript(
                "const i = document.getElementById('live-grid'); return i != null && i.complete && i.naturalWidth >= 96;")));
        assertTrue(find("#chart").getText().contains("Samples at step"), find("#chart").getText());
        screenshot("job-train-images.png");
        find("#cancel").click();
        find("#cancel-confirm").click();
        waitForStatus("cancelled", 60);
    }

    /** A synthesis from the form: its shard map fills in while it runs, then its report's tables and plots show. */
    @Test
    @Order(8)
    void synthesisShowsItsShardMapThenItsReport() throws Exception {
        Http api = new Http(stack.url(), stack.adminKey());
        String model = api.get("/v1/jobs/" + modelJob).json().path("result").path("model").asText();
        go("#/new?type=synthesize&model=" + model);
        WebElement count = find("#count");
        count.clear();
        count.sendKeys("60000");
        find("#shard_size").sendKeys("3000");
        new Select(find("#format")).selectByValue("csv");
        find("#job-form button[type=submit]").click();
        waiting(10).until(d -> d.getCurrentUrl().contains("#/jobs/") && !d.getCurrentUrl().endsWith(modelJob));
        waiting(60).until(d -> d.findElements(By.cssSelector("#shard-map .shard")).size() == 20);
        waitForStatus("succeeded", 180);
        waiting(30).until(d -> d.findElements(By.cssSelector("#shard-map .shard.succeeded")).size() == 20);
        WebElement report = find("#report");
        assertTrue(report.getText().contains("sliced Wasserstein-1") && report.getText().contains("median DCR"),
                report.getText());
        assertTrue(report.findElements(By.cssSelector("svg rect")).size() >= 30, "report plots drawn");
        assertTrue(find("#artifacts").getText().contains("part-00019.csv"), find("#artifacts").getText());
        screenshot("job-synthesize.png");
    }

    @Test
    @Order(9)
    void listsAndModelsRenderWithoutScriptErrors() throws Exception {
        go("#/jobs");
        waiting(10).until(d -> d.findElements(By.cssSelector("#jobs tr.row")).size() >= 3);
        assertTrue(find("#jobs").getText().contains("succeeded"));
        // usage against quota, from /v1/quotas
        waiting(10).until(d -> d.findElements(By.cssSelector("#usage .meter")).size() == 3);
        String usage = find("#usage").getText();
        assertTrue(usage.matches("(?s).*jobs queued or running: \\d+ of \\d+.*datasets stored: .* of .*"), usage);
        screenshot("jobs.png");
        new Select(find("#f-status")).selectByValue("cancelled");
        waiting(10).until(d -> d.findElements(By.cssSelector("#jobs tr.row")).stream()
                .allMatch(r -> "cancelled".equals(r.getAttribute("data-status"))));
        go("#/models");
        assertTrue(find("#models").getText().contains("generate"));
        screenshot("models.png");
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
        go("#/jobs");
        find("#jobs tr.row");
        screenshot("jobs-phone.png");
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 900));

        for (LogEntry e : browser.manage().logs().get(LogType.BROWSER)) {
            // refused requests the tests made on purpose (401, 422) are logged by the browser itself
            boolean expected = e.getMessage().contains("Failed to load resource");
            assertTrue(expected || e.getLevel().intValue() < Level.SEVERE.intValue(), "console: " + e.getMessage());
        }
    }

    /** The colours follow the system's: dark backgrounds and light text under prefers-color-scheme: dark. */
    @Test
    @Order(50)
    void darkModeFollowsTheSystemSetting() throws Exception {
        go("#/jobs");
        find("#jobs");
        java.util.function.Supplier<int[]> background = () -> java.util.Arrays.stream(((String) browser.executeScript(
                "return getComputedStyle(document.body).backgroundColor")).replaceAll("[^0-9,]", "").split(","))
                .limit(3).mapToInt(Integer::parseInt).toArray();
        assertTrue(java.util.Arrays.stream(background.get()).sum() > 600, "light by default");
        browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
                List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
        try {
            assertTrue(java.util.Arrays.stream(background.get()).sum() < 150, "dark under prefers-color-scheme: dark");
            screenshot("jobs-dark.png");
        } finally {
            browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
                    List.of(Map.of("name", "prefers-color-scheme", "value", "light"))));
        }
    }

    /** A named job shows its name in the list (its id on hover) and on its page. */
    @Test
    @Order(51)
    void jobsShowTheirNames() throws Exception {
        Http api = new Http(stack.url(), stack.adminKey());
        String id = api.postJson("/v1/jobs", Map.of("type", "train", "dataset", "builtin:moons", "name", "nightly-moons",
                "params", Map.of("steps", 10))).json().path("id").asText();
        go("#/jobs");
        new Select(find("#f-status")).selectByValue(""); // an earlier test filtered the list
        WebElement link = waiting(20).until(d -> d.findElements(By.linkText("nightly-moons")).stream().findFirst().orElse(null));
        assertEquals(id, link.getAttribute("title"));
        link.click();
        waiting(20).until(d -> d.findElement(By.cssSelector("h1")).getText().startsWith("nightly-moons"));
    }
}
