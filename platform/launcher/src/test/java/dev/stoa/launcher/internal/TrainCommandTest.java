package dev.stoa.launcher.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainCommandTest {

    @Test
    void theProgressLineShowsBarStepLossRateAndTimeLeft() {
        String line = TrainCommand.progressLine(JsonParser.parseString("""
                {"progress": 0.5, "step": 1500, "steps": 3000, "state": "running", "samples_per_s": 612.4,
                 "eta_s": 125, "metrics": {"loss": 1.23456, "lr": 0.00081}}""").getAsJsonObject());
        assertThat(line)
                .startsWith("[###############...............]  50% step 1500/3000")
                .contains("loss 1.2346", "lr 8.10e-04", "612 samples/s", "ETA 2m05s", "running");
    }

    @Test
    void aQueuedRunSaysWhatItWaitsFor() {
        String line = TrainCommand.progressLine(JsonParser.parseString("""
                {"progress": 0, "step": 0, "steps": 1500, "state": "queued", "samples_per_s": 0, "eta_s": -1,
                 "metrics": {}, "message": "waiting for run base-1 to output 'clip-tiny-scenes', which it needs"}
                """).getAsJsonObject());
        assertThat(line).startsWith("queued: waiting for run base-1 to output 'clip-tiny-scenes'");
    }

    @Test
    void aMissingFileIsAUsageErrorThatSaysWhereTrainingFilesLive() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new TrainCommand(name -> null)
                .run(List.of("no/such.yaml"), System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(CommandLine.USAGE_ERROR);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("is not a file; training files live in etc/train/");
    }

    @Test
    void noServerIsAFailureThatSaysHowToStartOne() throws Exception {
        java.nio.file.Path f = java.nio.file.Files.createTempFile("t", ".yaml");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new TrainCommand(name -> null)
                .run(
                        List.of(f.toString(), "--url", "http://127.0.0.1:1"),
                        System.out,
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no Stoa server answers at http://127.0.0.1:1");
    }
}
