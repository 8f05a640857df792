package dev.pfgm.stack;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
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
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("../../docs/screenshots");
    /** axe-core as ./test installs it (npm ci in infra/a11y). */
    static final Path AXE = Path.of("../a11y/node_modules/axe-core/axe.min.js");
    /** Pages the accessibility check has passed, by name. */
    final Set<String> checkedPages = new java.util.TreeSet<>();

    @TempDir
    static Path tmp;
    @AutoClose
    Stack stack;
    @AutoClose("quit")
    ChromeDriver browser;
    String modelJob;

    @BeforeAll
    void start() throws Exception {
        assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver; ./test does)");
        assertTrue(Files.isRegularFile(AXE), "needs axe-core (npm ci --prefix infra/a11y; ./test does)");
        // webhooks may call the test's receiver on loopback
        stack = Stack.start(new Stack.Options(tmp.resolve("stack"), 0, 1,
                Map.of(dev.pfgm.shared.config.Settings.WEBHOOK_ALLOW_PRIVATE.name(), "1")));
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

    /**
     * Clicks the element {@code css} names, finding it again if the page's poll re-rendered it
     * between finding and clicking (a user's click lands on whatever is there; a held reference goes stale).
     */
    void click(String css) {
        waiting(20).ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(d -> {
            List<WebElement> found = d.findElements(By.cssSelector(css));
            if (found.isEmpty() || !found.get(0).isDisplayed()) {
                return false;
            }
            found.get(0).click();
            return true;
        });
    }

    void screenshot(String name) throws Exception {
        browser.executeScript("window.scrollTo(0, 0)");
        Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOTS.resolve(name),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Runs axe-core (from npm) in the page as it is now and fails on any serious or critical
     * violation, naming the rule and the elements.
     */
    @SuppressWarnings("unchecked")
    void accessible(String page) throws Exception {
        if (!Boolean.TRUE.equals(browser.executeScript("return typeof window.axe !== 'undefined'"))) {
            browser.executeScript(Files.readString(AXE));
        }
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
        Object raw = browser.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map(v => ({id: v.id,"
                + " impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))))"
                + ".catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));");
        List<Map<String, Object>> violations = (List<Map<String, Object>>) raw;
        List<String> bad = new java.util.ArrayList<>();
        for (Map<String, Object> v : violations) {
            if ("serious".equals(v.get("impact")) || "critical".equals(v.get("impact"))) {
                bad.add(v.get("impact") + " " + v.get("id") + " (" + v.get("help") + ") at " + v.get("nodes"));
            }
        }
        assertTrue(bad.isEmpty(), page + ": " + String.join("; ", bad));
        checkedPages.add(page);
    }

    Http api() {
        return new Http(stack.url(), stack.adminKey());
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
        accessible("sign-in");
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
        // the upload opens the dataset's page; the list names it
        waiting(10).until(d -> d.getCurrentUrl().contains("#/datasets/"));
        assertTrue(find("#facts").getText().contains("table, 2 columns"), find("#facts").getText());
        go("#/datasets");
        waiting(10).until(d -> d.findElements(By.xpath("//table[@id='datasets']//a[text()='blob']")).size() == 1);
        accessible("datasets");
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
        accessible("new job (train)");
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
        // the loss on a log scale with ticked axes, a readout under the pointer, and a switch to linear
        WebElement chart = find("#chart svg.line-chart");
        assertEquals("log", chart.getAttribute("data-scale"));
        assertTrue(chart.findElements(By.cssSelector(".ytick")).size() >= 3, "y ticks");
        assertTrue(chart.findElements(By.cssSelector(".xtick")).size() >= 3, "x ticks");
        new org.openqa.selenium.interactions.Actions(browser).moveToElement(chart, 60, 0).perform();
        waiting(5).until(d -> d.findElement(By.id("hover-label")).getText().matches("step \\d+: loss [0-9.e+-]+"));
        find("#log-scale").click();
        waiting(5).until(d -> "linear".equals(d.findElement(By.cssSelector("#chart svg.line-chart")).getAttribute("data-scale")));
        find("#log-scale").click();
        // the events list hides the loss metrics until asked
        List<WebElement> metrics = browser.findElements(By.cssSelector("#timeline li[data-kind=metric]"));
        assertFalse(metrics.isEmpty(), "a training logs its loss");
        assertFalse(metrics.get(0).isDisplayed(), "metric events are hidden by default");
        assertTrue(browser.findElements(By.cssSelector("#timeline li[data-kind=status]")).get(0).isDisplayed());
        find("#ev-metric").click();
        assertTrue(metrics.get(0).isDisplayed(), "shown when asked for");
        find("#ev-metric").click();
        screenshot("job-train.png");
        accessible("job (train)");
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
        // the model is named (its dataset's name), its id on hover and a copy button away
        WebElement facts = find("#facts");
        assertTrue(facts.getText().contains("blob"), facts.getText());
        assertFalse(facts.findElements(By.cssSelector("button.copy")).isEmpty());
        screenshot("job-generate.png");
        accessible("job (generate)");
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
        assertTrue(find("#no-files").getText().contains("appear here"), "a running job says when its files come");
        // cancel asks first; keeping it running changes nothing, even across the page's polls
        click("#cancel");
        click("#cancel-keep");
        Thread.sleep(2000);
        assertEquals("running", badge());
        click("#cancel");
        Thread.sleep(2000);
        click("#cancel-confirm");
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
        String id = job.json().path("id").asText();
        try {
            go("#/jobs/" + id);
            waitForStatus("running", 60);
            // the grid arrives from the object store by its presigned URL and is decoded by the browser
            waiting(120).until(d -> Boolean.TRUE.equals(((org.openqa.selenium.JavascriptExecutor) d).executeScript(
                    "const i = document.getElementById('live-grid'); return i != null && i.complete && i.naturalWidth >= 96;")));
            assertTrue(find("#chart").getText().contains("Samples at step"), find("#chart").getText());
            screenshot("job-train-images.png");
            // click() finds the button again when a poll re-rendered it (find().click() went stale once)
            click("#cancel");
            click("#cancel-confirm");
            waitForStatus("cancelled", 60);
        } finally {
            // 100,000 steps on the stack's one worker: left running, it held up every later test's jobs
            api.postJson("/v1/jobs/" + id + "/cancel", Map.of());
        }
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
        // 20 shards is what the map is to show; their size only adds sampling time
        count.sendKeys("20000");
        find("#shard_size").sendKeys("1000");
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
        accessible("job (synthesize)");
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
        accessible("jobs");
        new Select(find("#f-status")).selectByValue("cancelled");
        // the jobs cancelled above are listed, and only they (an empty list would prove nothing)
        waiting(10).until(d -> {
            var rows = d.findElements(By.cssSelector("#jobs tr.row"));
            return !rows.isEmpty() && rows.stream().allMatch(r -> "cancelled".equals(r.getAttribute("data-status")));
        });
        go("#/models");
        assertTrue(find("#models").getText().contains("generate"));
        assertTrue(find("#models").getText().contains("blob"), "models are named by their dataset");
        screenshot("models.png");
        accessible("models");
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
        go("#/jobs");
        find("#jobs tr.row");
        screenshot("jobs-phone.png");
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 900));

        for (LogEntry e : browser.manage().logs().get(LogType.BROWSER)) {
            // refused requests the tests made on purpose (401, 422) are logged by the browser itself;
            // any other failed load (a 404 for a script, a 500) is an error
            boolean expected = e.getMessage().matches("(?s).*Failed to load resource: the server responded with a status"
                    + " of (401|422) .*");
            assertTrue(expected || e.getLevel().intValue() < Level.SEVERE.intValue(), "console: " + e.getMessage());
        }
    }

    /** Every setting of every job type's contract has a control; the advanced box is checked as it is typed. */
    @Test
    @Order(10)
    void newJobFormsCoverTheContractAndCheckTheAdvancedBox() throws Exception {
        JsonNode schemas = Http.fetch(stack.url() + "/openapi.json").json().path("components").path("schemas");
        Map<String, String> types = Map.of("train", "TrainJob", "generate", "GenerateJob", "likelihood", "LikelihoodJob",
                "synthesize", "SynthesizeJob", "encode", "EncodeJob", "decode", "DecodeJob", "interpolate", "InterpolateJob",
                "classifier", "ClassifierJob", "eval", "EvalJob");
        for (var t : types.entrySet()) {
            go("#/new?type=" + t.getKey());
            find("#job-form");
            waiting(10).until(d -> d.findElement(By.cssSelector("[role=tab][aria-selected=true]")).getText().equals(t.getKey()));
            JsonNode params = schemas.path(t.getValue()).path("properties").path("params");
            if (params.has("$ref")) {
                params = schemas.path(params.path("$ref").asText().replaceAll(".*/", ""));
            }
            List<String> missing = new java.util.ArrayList<>();
            params.path("properties").fieldNames().forEachRemaining(n -> {
                if (browser.findElements(By.id(n)).isEmpty()) {
                    missing.add(n);
                }
            });
            assertTrue(missing.isEmpty(), t.getKey() + " form lacks " + missing);
            for (String top : List.of("dataset", "model")) {
                assertEquals(schemas.path(t.getValue()).path("properties").has(top), !browser.findElements(By.id(top)).isEmpty(),
                        t.getKey() + ": " + top);
            }
        }
        accessible("new job (eval)");

        go("#/new?type=train");
        // a preset fills the image settings, the rarer ones under "All settings"
        new Select(find("#preset")).selectByValue("quick");
        assertEquals("2000", find("#steps").getAttribute("value"));
        assertEquals("32", find("#unet_width").getAttribute("value"));
        WebElement advanced = find("#advanced");
        advanced.sendKeys("{\"params\": {");
        waiting(10).until(d -> d.findElement(By.id("advanced-error")).getText().contains("not valid JSON"));
        advanced.clear();
        advanced.sendKeys("{\"params\": {\"stepz\": 5}}");
        waiting(10).until(d -> d.findElement(By.id("advanced-error")).getText().contains("stepz"));
        advanced.clear();
        advanced.sendKeys("{\"metadata\": {\"team\": \"vision\"}, \"params\": {\"ema\": 0.99}}");
        waiting(10).until(d -> d.findElement(By.id("advanced-status")).getText().startsWith("Valid"));
        assertTrue(browser.findElement(By.id("advanced-error")).getText().isEmpty());
        screenshot("new-job-advanced.png");
        accessible("new job (train, advanced)");
        // what is submitted is the form with the box merged over it
        find("#steps").clear();
        find("#steps").sendKeys("5");
        find("#name").sendKeys("merged");
        find("#job-form button[type=submit]").click();
        waiting(10).until(d -> d.getCurrentUrl().contains("#/jobs/"));
        JsonNode job = api().get("/v1/jobs/" + browser.getCurrentUrl().replaceAll(".*#/jobs/", "")).json();
        assertEquals("merged", job.path("name").asText());
        assertEquals("vision", job.path("metadata").path("team").asText());
        assertEquals(5, job.path("params").path("steps").asInt());
        assertEquals(32, job.path("params").path("unet_width").asInt());
        assertEquals(0.99, job.path("params").path("ema").asDouble());
    }

    /** Images uploaded from the form with their labels: the dataset's page shows its first images; delete asks first. */
    @Test
    @Order(11)
    void imageUploadsShowThumbnailsAndCanBeDeleted() throws Exception {
        // image i: a bar i % 8 pixels wide
        byte[] idx = ServiceTest.idxImages(20, 8, 8, v -> v % 8 < (v / 64) % 8 ? 255 : 0);
        StringBuilder labels = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            labels.append(i % 2).append('\n');
        }
        Path images = tmp.resolve("bars-images.idx");
        Files.write(images, idx);
        Path labelFile = tmp.resolve("bars-labels.csv");
        Files.writeString(labelFile, labels);
        go("#/datasets");
        find("#file").sendKeys(images.toString());
        find("#labels").sendKeys(labelFile.toString());
        find("#name").sendKeys("bars");
        find("#upload-form button[type=submit]").click();
        waiting(20).until(d -> d.getCurrentUrl().contains("#/datasets/") && d.findElements(By.id("dataset-grid")).size() == 1);
        waiting(20).until(d -> Boolean.TRUE.equals(((org.openqa.selenium.JavascriptExecutor) d).executeScript(
                "const i = document.getElementById('dataset-grid'); return i.complete && i.naturalWidth > 8 * 8;")));
        String facts = find("#facts").getText();
        assertTrue(facts.contains("images 1x8x8") && facts.contains("2 classes"), facts);
        assertTrue(find("#thumbnails").getText().contains("20 of 20"), find("#thumbnails").getText());
        screenshot("dataset-images.png");
        accessible("dataset (images)");
        String id = browser.getCurrentUrl().replaceAll(".*#/datasets/", "");
        find("#delete-dataset").click();
        find("#delete-dataset-keep").click();
        assertEquals(200, api().get("/v1/datasets/" + id).status(), "keeping it keeps it");
        find("#delete-dataset").click();
        find("#delete-dataset-confirm").click();
        waiting(10).until(d -> d.getCurrentUrl().endsWith("#/datasets"));
        assertEquals(404, api().get("/v1/datasets/" + id).status());
    }

    /** An image model's jobs from the forms: interpolate shows its strip, eval its table, a classifier its accuracy. */
    @Test
    @Order(12)
    void imageJobsShowTheirOwnViews() throws Exception {
        Http api = api();
        String ds = ServiceTest.uploadDiscs(api, 200);
        var discs = dev.pfgm.shared.data.ProceduralImages.discs(200, 16, 2.0, 4.0, 1);
        StringBuilder labels = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            labels.append(dev.pfgm.shared.data.ProceduralImages.measure(discs.pixels(), i * 256, 16).r() > 3 ? 1 : 0).append('\n');
        }
        assertEquals(200, api.postBytes("/v1/datasets/" + ds + "/labels?format=csv", labels.toString().getBytes(UTF_8)).status());
        JsonNode train = ServiceTest.waitTerminal(api, ServiceTest.submit(api, Map.of("type", "train", "dataset", ds,
                "name", "discs-tiny", "params", Map.of("steps", 60, "unet_width", 8, "unet_levels", 1, "batch", 16,
                        "large_batch", 128, "warmup", 20, "aug_dim", 128))), 180);
        assertEquals("succeeded", train.path("status").asText(), train.toString());
        String model = train.path("result").path("model").asText();
        String classifier = ServiceTest.submit(api, Map.of("type", "classifier", "dataset", ds, "name", "disc-size",
                "params", Map.of("epochs", 1)));
        go("#/jobs/" + classifier);
        waitForStatus("succeeded", 180);
        assertTrue(find("#classifier-figures").getText().contains("held-out accuracy"), find("#chart").getText());

        go("#/new?type=interpolate&model=" + model + "&dataset=" + ds);
        find("#frames").clear();
        find("#frames").sendKeys("4");
        find("#to").clear();
        find("#to").sendKeys("5");
        find("#job-form button[type=submit]").click();
        waiting(10).until(d -> d.getCurrentUrl().contains("#/jobs/"));
        waitForStatus("succeeded", 180);
        waiting(20).until(d -> d.findElement(By.cssSelector("#chart h2")).getText().startsWith("Interpolation (4 frames)"));
        screenshot("job-interpolate.png");

        go("#/new?type=eval&model=" + model + "&dataset=" + ds + "&classifier=" + classifier);
        assertEquals(classifier, new Select(find("#classifier")).getFirstSelectedOption().getAttribute("value"));
        find("#count").sendKeys("30");
        find("#nll_count").sendKeys("2");
        new Select(find("#solver")).selectByValue("heun");
        find("#steps").sendKeys("6");
        find("#job-form button[type=submit]").click();
        waiting(10).until(d -> d.getCurrentUrl().contains("#/jobs/"));
        waitForStatus("succeeded", 300);
        WebElement table = find("#eval-table");
        assertTrue(table.getText().contains("Fréchet distance") && table.getText().contains("bits/dim"), table.getText());
        assertEquals(4, table.findElements(By.cssSelector("tbody tr")).size());
        assertTrue(find("#facts").getText().contains("discs-tiny"), "the model by its name: " + find("#facts").getText());
        screenshot("job-eval.png");
        accessible("job (eval)");
    }

    /** The list pages through jobs 25 at a time and finds them by name and by metadata. */
    @Test
    @Order(13)
    void jobListPagesAndSearches() throws Exception {
        Http api = api();
        for (int i = 0; i < 27; i++) {
            ServiceTest.submit(api, Map.of("type", "train", "dataset", "builtin:moons", "name", "bulk-" + i,
                    "metadata", Map.of("batch", i < 26 ? "nightly" : "other"), "params", Map.of("steps", 1)));
        }
        go("#/jobs");
        new Select(find("#f-status")).selectByValue("");
        waiting(20).until(d -> d.findElements(By.cssSelector("#jobs tr.row")).size() == 25);
        assertEquals("page 1", find("#page-no").getText());
        assertTrue(browser.findElements(By.id("newer")).isEmpty());
        String firstOfPage1 = browser.findElement(By.cssSelector("#jobs tr.row")).getAttribute("data-id");
        find("#older").click();
        waiting(20).until(d -> "page 2".equals(d.findElement(By.id("page-no")).getText()));
        waiting(20).until(d -> !firstOfPage1.equals(d.findElement(By.cssSelector("#jobs tr.row")).getAttribute("data-id")));
        find("#newer").click();
        waiting(20).until(d -> firstOfPage1.equals(d.findElement(By.cssSelector("#jobs tr.row")).getAttribute("data-id")));

        find("#f-name").sendKeys("bulk-7");
        find("#f-search").click();
        waiting(20).until(d -> d.findElements(By.cssSelector("#jobs tr.row")).size() == 1
                && d.findElement(By.cssSelector("#jobs tr.row a")).getText().equals("bulk-7"));
        find("#f-name").clear();
        find("#f-meta").sendKeys("batch=other");
        find("#f-search").click();
        waiting(20).until(d -> d.findElements(By.cssSelector("#jobs tr.row")).size() == 1
                && d.findElement(By.cssSelector("#jobs tr.row a")).getText().equals("bulk-26"));
        find("#f-meta").clear();
        find("#f-meta").sendKeys("batch=nightly");
        find("#f-search").click();
        waiting(20).until(d -> d.findElements(By.cssSelector("#jobs tr.row")).size() == 25 && !d.findElements(By.id("older")).isEmpty());
        find("#f-meta").clear();
        find("#f-search").click();
    }

    /** A job with a webhook lists its deliveries on its page, and the page follows them to delivered. */
    @Test
    @Order(14)
    void jobPageShowsWebhookDeliveries() throws Exception {
        com.sun.net.httpserver.HttpServer receiver = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 4);
        receiver.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            try {
                Thread.sleep(3000); // a slow receiver: the page has drawn the finished job before the delivery is made
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        receiver.start();
        try {
            String id = ServiceTest.submit(api(), Map.of("type", "train", "dataset", "builtin:moons", "params", Map.of("steps", 5),
                    "webhook", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook"));
            go("#/jobs/" + id);
            waitForStatus("succeeded", 120);
            waiting(60).until(d -> d.findElements(By.cssSelector("#deliveries tr[data-status=delivered]")).size() == 1);
            String row = find("#deliveries").getText();
            assertTrue(row.contains("job.succeeded") && row.contains("HTTP 204"), row);
        } finally {
            receiver.stop(0);
        }
    }

    /** Models by name, downloaded from the list, deleted after a confirmation. */
    @Test
    @Order(15)
    void modelsDownloadAndDelete() throws Exception {
        Http api = api();
        JsonNode t = ServiceTest.waitTerminal(api, ServiceTest.submit(api, Map.of("type", "train", "dataset", "builtin:moons",
                "name", "short-lived", "params", Map.of("steps", 10))), 120);
        String model = t.path("result").path("model").asText();
        Path downloads = Files.createDirectories(tmp.resolve("downloads"));
        browser.executeCdpCommand("Browser.setDownloadBehavior", Map.of("behavior", "allow", "downloadPath",
                downloads.toAbsolutePath().toString()));
        go("#/models");
        WebElement row = waiting(20).until(d -> d.findElements(By.cssSelector("#models tr[data-id='" + model + "']")).stream()
                .findFirst().orElse(null));
        assertTrue(row.getText().startsWith("short-lived"), row.getText());
        row.findElement(By.cssSelector("button.download")).click();
        Path file = downloads.resolve("short-lived.pfgm");
        waiting(30).until(d -> Files.isRegularFile(file));
        waiting(30).until(d -> {
            try {
                return java.util.Arrays.equals(Files.readAllBytes(file), api.get("/v1/models/" + model + "/file").raw().body());
            } catch (java.io.IOException e) {
                return false;
            }
        });
        String del = "delete-" + model.substring(0, 8);
        find("#" + del).click();
        find("#" + del + "-confirm").click();
        waiting(20).until(d -> d.findElements(By.cssSelector("#models tr[data-id='" + model + "']")).isEmpty());
        assertEquals(404, api.get("/v1/models/" + model).status());
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

    /** The accessibility check ran on every kind of page. */
    @Test
    @Order(99)
    void everyPagePassedTheAccessibilityCheck() {
        assertEquals(new java.util.TreeSet<>(List.of("sign-in", "jobs", "new job (train)", "new job (eval)",
                "new job (train, advanced)", "job (train)", "job (generate)", "job (synthesize)", "job (eval)", "datasets",
                "dataset (images)", "models")), checkedPages);
    }
}
