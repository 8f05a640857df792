package dev.pfgm.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pfgm.shared.data.NpyFile;
import dev.pfgm.shared.data.ProceduralImages;
import java.io.ByteArrayInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The image commands end to end on procedural discs with a tiny U-Net (seconds, not quality). */
@Tag("slow")
class ImageCliTest {
    @Test
    void trainResumeSampleGridNllInterpolateAndEval() throws IOException {
        Path dir = Files.createTempDirectory("pfgm-image-cli");
        Path config = dir.resolve("tiny.json");
        Files.writeString(config, "{\"unet_width\": 8, \"unet_levels\": 1, \"batch\": 16, \"large_batch\": 128,"
                + " \"warmup\": 10, \"preview_every\": 30, \"checkpoint_every\": 30}");
        String model = dir.resolve("d.pfgm").toString();
        CliTest.Run t = CliTest.run("train", "--data", "builtin:discs", "--out", model, "--steps", "30", "--config",
                config.toString());
        assertEquals(0, t.code(), t.err());
        assertEquals("1x16x16", t.summary().path("shape").asText());
        Path run = Path.of(model + ".run");
        assertTrue(Files.exists(run.resolve("checkpoint.ckpt")) && Files.exists(run.resolve("preview-0000030.png"))
                && Files.exists(run.resolve("loss.csv")));
        assertEquals(31, Files.readAllLines(run.resolve("loss.csv")).size());
        // resume to 60 steps: the run continues from step 31
        CliTest.Run resumed = CliTest.run("train", "--data", "builtin:discs", "--out", model, "--resume", "--steps", "60");
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.err().contains("resuming at step 31 of 60"), resumed.err());
        assertEquals(61, Files.readAllLines(run.resolve("loss.csv")).size());
        // resuming the finished run trains nothing: refused while the model is there, which stays as it was
        byte[] trained = Files.readAllBytes(Path.of(model));
        CliTest.Run again = CliTest.run("train", "--data", "builtin:discs", "--out", model, "--resume");
        assertEquals(2, again.code(), again.err());
        assertTrue(again.err().contains("finished at step 60") && again.err().contains("give --steps above 60"),
                again.err());
        assertArrayEquals(trained, Files.readAllBytes(Path.of(model)));
        // ... and writes the model from the last checkpoint when the model is missing (a run cut at its end)
        Files.delete(Path.of(model));
        CliTest.Run rewrite = CliTest.run("train", "--data", "builtin:discs", "--out", model, "--resume");
        assertEquals(0, rewrite.code(), rewrite.err());
        assertTrue(rewrite.err().contains("the checkpoint is the last step"), rewrite.err());
        assertEquals(60, rewrite.summary().path("steps").asInt());

        String grid = dir.resolve("g.png").toString();
        CliTest.Run s = CliTest.run("sample", "--model", model, "--count", "12", "--out", dir.resolve("s.npy").toString(),
                "--grid", grid, "--solver", "heun", "--steps", "10");
        assertEquals(0, s.code(), s.err());
        NpyFile.Array a = NpyFile.parse(Files.readAllBytes(dir.resolve("s.npy")), "s.npy");
        assertEquals(List.of(12L, 1L, 16L, 16L), java.util.Arrays.stream(a.shape()).boxed().toList());
        var img = ImageIO.read(new ByteArrayInputStream(Files.readAllBytes(Path.of(grid))));
        assertTrue(img.getWidth() > 10 * 16 && img.getHeight() > 2 * 16);

        // 8-bit images of the model's shape: bits/dim includes the dequantisation's + 7
        float[] px = ProceduralImages.discs(6, 16, 2.0, 4.0, 9).pixels();
        byte[] levels = new byte[px.length];
        for (int i = 0; i < px.length; i++) {
            levels[i] = (byte) Math.round((px[i] + 1) * 127.5);
        }
        Path idx = dir.resolve("few-images-idx3-ubyte");
        try (var out = new java.io.DataOutputStream(new FileOutputStream(idx.toFile()))) {
            out.writeInt(0x00000803);
            out.writeInt(6);
            out.writeInt(16);
            out.writeInt(16);
            out.write(levels);
        }
        CliTest.Run nll = CliTest.run("nll", "--model", model, "--data", idx.toString(), "--out",
                dir.resolve("n.npy").toString());
        assertEquals(0, nll.code(), nll.err());
        JsonNode ns = nll.summary();
        assertTrue(ns.path("dequantised").asBoolean());
        double expected = ns.path("mean_nll_nats").asDouble() / (256 * Math.log(2)) + 7;
        assertEquals(expected, ns.path("bits_per_dim").asDouble(), 1e-9);
        // --count: the first points only, with the same dequantisation and probes as in the full run
        CliTest.Run few = CliTest.run("nll", "--model", model, "--data", idx.toString(), "--count", "4", "--out",
                dir.resolve("n4.npy").toString());
        assertEquals(0, few.code(), few.err());
        assertEquals(4, few.summary().path("count").asInt());
        double[] all = NpyFile.parse(Files.readAllBytes(dir.resolve("n.npy")), "n.npy").values();
        double[] first = NpyFile.parse(Files.readAllBytes(dir.resolve("n4.npy")), "n4.npy").values();
        assertEquals(4, first.length);
        for (int i = 0; i < 4; i++) {
            assertEquals(all[i], first[i], 1e-3 * Math.abs(all[i]), "nll of point " + i);
        }

        String strip = dir.resolve("strip.png").toString();
        CliTest.Run in = CliTest.run("interpolate", "--model", model, "--data", idx.toString(), "--from", "0", "--to",
                "3", "--steps", "5", "--out", strip, "--solver", "heun", "--steps", "10");
        assertEquals(2, in.code(), "--steps given twice is refused: " + in.err());
        in = CliTest.run("interpolate", "--model", model, "--data", idx.toString(), "--from", "0", "--to", "3",
                "--steps", "5", "--out", strip);
        assertEquals(0, in.code(), in.err());
        var stripImg = ImageIO.read(new ByteArrayInputStream(Files.readAllBytes(Path.of(strip))));
        assertTrue(stripImg.getWidth() > 4 * stripImg.getHeight(), "a strip of 5");
        // a fixed-step solver takes --ode-steps each way: Heun's K steps cost 2K - 1 evaluations (the last is Euler)
        in = CliTest.run("interpolate", "--model", model, "--data", idx.toString(), "--from", "0", "--to", "3",
                "--steps", "3", "--out", strip, "--solver", "heun", "--ode-steps", "6");
        assertEquals(0, in.code(), in.err());
        assertEquals(2 * 11, in.summary().path("nfe").asDouble(), 1e-9, in.summary().toString());

        CliTest.Run e = CliTest.run("eval", "--model", model, "--data", idx.toString(), "--count", "8",
                "--nll-count", "2");
        assertEquals(0, e.code(), e.err());
        JsonNode es = e.summary();
        assertTrue(es.path("model").path("frechet").isNull(), "no classifier, no Frechet distance");
        assertTrue(es.path("model").path("bits_per_dim").asDouble() > 0);
        assertTrue(es.path("gaussian").path("bits_per_dim").isNumber());
        assertTrue(e.out().contains("NLL bits/dim"));

        // bad input: one line, exit 2, nothing written
        String none = dir.resolve("none.png").toString();
        String noneNpy = dir.resolve("none.npy").toString();
        for (String[] args : List.of(
                new String[] {"interpolate", "--model", model, "--data", idx.toString(), "--from", "0", "--to", "6",
                        "--steps", "3", "--out", none},
                new String[] {"interpolate", "--model", model, "--data", idx.toString(), "--from", "0", "--to", "1",
                        "--steps", "1", "--out", none},
                new String[] {"train", "--data", "builtin:discs", "--out", dir.resolve("x.pfgm").toString(), "--resume"},
                new String[] {"classifier", "train", "--data", idx.toString(), "--out", none},
                new String[] {"nll", "--model", model, "--data", "builtin:moons", "--out", noneNpy})) {
            CliTest.Run r = CliTest.run(args);
            String name = String.join(" ", args);
            assertEquals(2, r.code(), name + " -> " + r.err());
            assertEquals(1, r.err().lines().count(), name + ": " + r.err());
            assertFalse(Files.exists(Path.of(none)) || Files.exists(Path.of(noneNpy)), name + " wrote output");
        }
        assertTrue(CliTest.run("interpolate", "--model", model, "--data", idx.toString(), "--from", "0", "--to", "6",
                "--steps", "3", "--out", none).err().contains("--to: 6 is not an image index"));
    }

    /** --labels trains a class-conditional PFGM++ model; sample --class / --guidance use it; misuse is refused. */
    @Test
    void conditionalTrainingAndGuidedSampling() throws IOException {
        Path dir = Files.createTempDirectory("pfgm-cond-cli");
        int n = 40;
        float[] px = ProceduralImages.discs(n, 16, 2.0, 4.0, 9).pixels();
        Path npy = dir.resolve("discs.npy");
        dev.pfgm.shared.data.DataFiles.writeNpy(npy, px, new long[] {n, 16, 16});
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < n; i++) {
            csv.append(i % 3).append('\n');
        }
        Path labels = dir.resolve("labels.csv");
        Files.writeString(labels, csv);
        Path sevens = dir.resolve("sevens.csv");
        Files.writeString(sevens, "7\n".repeat(n));
        Path config = dir.resolve("tiny.json");
        Files.writeString(config, "{\"unet_width\": 8, \"unet_levels\": 1, \"batch\": 16, \"warmup\": 5,"
                + " \"preview_every\": 0, \"checkpoint_every\": 10, \"aug_dim\": 128}");
        String plain = dir.resolve("plain.pfgm").toString();
        CliTest.Run t = CliTest.run("train", "--data", npy.toString(), "--out", plain, "--steps", "10", "--config",
                config.toString());
        assertEquals(0, t.code(), t.err());
        // an unconditional model starts a conditional one
        String cond = dir.resolve("cond.pfgm").toString();
        t = CliTest.run("train", "--data", npy.toString(), "--labels", labels.toString(), "--init", plain, "--out",
                cond, "--steps", "10");
        assertEquals(0, t.code(), t.err());
        // a conditional run resumes with its labels
        t = CliTest.run("train", "--data", npy.toString(), "--labels", labels.toString(), "--out", cond, "--resume",
                "--steps", "12");
        assertEquals(0, t.code(), t.err());
        assertTrue(t.err().contains("resuming at step 11 of 12"), t.err());
        CliTest.Run s = CliTest.run("sample", "--model", cond, "--count", "5", "--class", "2", "--guidance", "2",
                "--solver", "edm", "--steps", "4", "--out", dir.resolve("s.npy").toString());
        assertEquals(0, s.code(), s.err());
        assertEquals("[0,0,5]", s.summary().path("class_counts").toString());
        assertEquals(2.0, s.summary().path("guidance").asDouble());
        s = CliTest.run("sample", "--model", cond, "--count", "5", "--class", "1", "--guidance", "3",
                "--guidance-interval", "0.5,inf", "--solver", "edm", "--steps", "4", "--out",
                dir.resolve("s.npy").toString());
        assertEquals(0, s.code(), s.err());
        assertEquals("[0.5,null]", s.summary().path("guidance_interval").toString());

        String none = dir.resolve("none.npy").toString();
        String pfgmConfig = dir.resolve("pfgm.json").toString();
        Files.writeString(Path.of(pfgmConfig), "{\"unet_width\": 8, \"unet_levels\": 1, \"aug_dim\": 1}");
        for (String[] args : List.of(
                new String[] {"sample", "--model", plain, "--count", "2", "--guidance", "2", "--out", none},
                new String[] {"sample", "--model", cond, "--count", "2", "--class", "3", "--out", none},
                new String[] {"sample", "--model", cond, "--count", "2", "--guidance", "-1", "--out", none},
                new String[] {"sample", "--model", cond, "--count", "2", "--guidance-interval", "3,1", "--out", none},
                new String[] {"sample", "--model", plain, "--count", "2", "--guidance-interval", "1,2", "--out", none},
                new String[] {"train", "--data", npy.toString(), "--labels", labels.toString(), "--config", pfgmConfig,
                        "--steps", "2", "--out", none},
                new String[] {"train", "--data", npy.toString(), "--init", cond, "--steps", "2", "--out", none},
                new String[] {"train", "--data", npy.toString(), "--out", cond, "--resume", "--steps", "14"},
                new String[] {"train", "--data", npy.toString(), "--labels", labels.toString(), "--out", plain,
                        "--resume", "--steps", "14"},
                // every label 7: an 8-class model of which 7 classes were never seen
                new String[] {"train", "--data", npy.toString(), "--labels", sevens.toString(), "--config", config.toString(),
                        "--steps", "2", "--out", none},
                // and for a classifier, refused before its first line of output
                new String[] {"classifier", "train", "--data", npy.toString(), "--labels", sevens.toString(), "--out", none},
                // a resumed run keeps its checkpoint's settings: these were dropped without a word
                new String[] {"train", "--data", npy.toString(), "--labels", labels.toString(), "--out", cond,
                        "--resume", "--seed", "5"},
                new String[] {"train", "--data", npy.toString(), "--labels", labels.toString(), "--out", cond,
                        "--resume", "--batch", "4"},
                // numbers are ASCII decimals here too: an Arabic-Indic 1 was class 1, 0x1p3 was 8
                new String[] {"sample", "--model", cond, "--count", "2", "--class", "\u0661", "--out", none},
                new String[] {"sample", "--model", cond, "--count", "2", "--guidance-interval", "0x1p3,inf", "--out", none},
                new String[] {"sample", "--model", cond, "--count", "2", "--guidance-interval", "1,1e309", "--out", none},
                new String[] {"sample", "--model", cond, "--count", "2", "--guidance-interval", "1d,2f", "--out", none})) {
            CliTest.Run r = CliTest.run(args);
            String name = String.join(" ", args);
            assertEquals(2, r.code(), name + " -> " + r.err());
            assertEquals(1, r.err().lines().count(), name + ": " + r.err());
            assertFalse(Files.exists(Path.of(none)), name + " wrote output");
        }
        assertTrue(CliTest.run("train", "--data", npy.toString(), "--labels", labels.toString(), "--config", pfgmConfig,
                "--steps", "2", "--out", none).err().contains("needs PFGM++"));
    }
}
