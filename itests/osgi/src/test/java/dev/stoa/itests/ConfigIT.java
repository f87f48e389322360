package dev.stoa.itests;

import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** Component configuration in etc/ as JSON is applied, reloaded when edited, kept when broken, dropped when removed. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConfigIT extends StoaTestSupport {

    @Test
    public void jsonConfigurationAppliesReloadsAndSurvivesABrokenEdit() throws Exception {
        Path etc = Path.of(context.getProperty("felix.fileinstall.dir"));
        // one file per PID: the shipped dev.stoa.gateway.cfg (all comments) makes way for the JSON file
        Files.delete(etc.resolve("dev.stoa.gateway.cfg"));
        await("ready", () -> status("/health/ready") == 200);

        Path json = etc.resolve("dev.stoa.gateway.json");
        write(json, "{\"requiredServices\": [\"not-installed\"]}");
        await("not ready: a required service is missing", () -> status("/health/ready") == 503);
        assertTrue(http("/health/ready").body().contains("required service 'not-installed' is not installed"));

        write(json, "{\"requiredServices\": [\"not-installed\",");
        Thread.sleep(3_000); // three scans of etc/: the broken file must change nothing
        assertTrue("the last good configuration stays in force", status("/health/ready") == 503);

        write(json, "{\"requiredServices\": []}");
        await("ready again after the edit", () -> status("/health/ready") == 200);

        write(json, "{\"requiredServices\": [\"not-installed\"]}");
        await("not ready again", () -> status("/health/ready") == 503);
        Files.delete(json);
        await("ready once the file is removed", () -> status("/health/ready") == 200);
    }

    private static void write(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
