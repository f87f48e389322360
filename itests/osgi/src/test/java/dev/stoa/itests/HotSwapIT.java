package dev.stoa.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.stoa.api.FailureCode;
import dev.stoa.api.data.Text;
import dev.stoa.api.runtime.DeploymentReport;
import dev.stoa.api.runtime.ServiceDirectory;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The hot-swap promise: a service bundle in deploy/ is replaced 10 times while clients call it without pause, and
 * every call is answered (by the old or the new version); then it is deleted and calls fail with SERVICE_GONE.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HotSwapIT extends StoaTestSupport {

    private static final int UPDATES = 10;
    private static final int CLIENTS = 8;

    @Override
    protected void buildBundles(Path dir) throws IOException {
        for (int i = 0; i <= UPDATES; i++) {
            TestBundles.echo(dir, TestBundles.ECHO, "1.0." + i);
        }
    }

    /** How long the load runs before the first update, to measure the steady-state latency. */
    private static final long STEADY_MS = 5_000;

    /**
     * Prints the two latency distributions and leaves them for the benchmark report as
     * {@code itests/benchmarks/target/bench-report/swap.json} ({@code swap_errors}, {@code swap_p99_over_steady}).
     */
    private static void report(List<Long> steady, List<Long> swapping, int errors) throws IOException {
        long p99Steady = ClosedLoopLoad.quantile(steady, 0.99);
        long p99Swap = ClosedLoopLoad.quantile(swapping, 0.99);
        double ratio = (double) p99Swap / Math.max(1, p99Steady);
        System.out.printf(
                "[measure] hot swap p99: steady %d us (%d calls), during 10 updates %d us (%d calls),"
                        + " ratio %.2f; p50 %d vs %d us%n",
                p99Steady,
                steady.size(),
                p99Swap,
                swapping.size(),
                ratio,
                ClosedLoopLoad.quantile(steady, 0.5),
                ClosedLoopLoad.quantile(swapping, 0.5));
        Path dir = Path.of(System.getProperty("stoa.dist"))
                .resolve("../../itests/benchmarks/target/bench-report")
                .normalize();
        Files.createDirectories(dir);
        Files.writeString(
                dir.resolve("swap.json"),
                "{\n  \"swap_errors\": " + errors
                        + ",\n  \"swap_p99_over_steady\": " + ratio + ",\n  \"swap_p99_us\": " + p99Swap
                        + ",\n  \"steady_p99_us\": " + p99Steady + ",\n  \"source\": \"itests/osgi HotSwapIT: "
                        + CLIENTS + " closed-loop clients on the in-process bus, " + UPDATES
                        + " bundle updates\"\n}\n");
    }

    @Test
    public void tenUpdatesUnderLoadLoseNoRequest() throws Exception {
        Vertx vertx = service(Vertx.class);
        service(DeploymentReport.class);
        ServiceDirectory directory = service(ServiceDirectory.class);
        Path jar = deploy(builtBundles().resolve("echo-1.0.0.jar"), "echo.jar");
        await(
                "echo exported",
                () -> directory.services().stream()
                        .anyMatch(s -> s.id().equals("echo") && s.state().equals("available")));

        ClosedLoopLoad load = new ClosedLoopLoad(vertx, "stoa.service.echo", Text::new);
        load.start(CLIENTS);
        // steady state first, then the same load through the updates: their p99s side by side (issue 7's target)
        Thread.sleep(STEADY_MS);
        List<Long> steady = load.takeLatencies();
        for (int i = 1; i <= UPDATES; i++) {
            String version = "1.0." + i;
            long answeredBefore = load.ok.get();
            long start = System.nanoTime();
            deploy(builtBundles().resolve("echo-" + version + ".jar"), "echo.jar");
            await("answers from " + version, () -> load.versions.containsKey(version));
            System.out.printf(
                    "[measure] update %d: first answer from %s after %d ms (%d calls answered meanwhile)%n",
                    i, version, (System.nanoTime() - start) / 1_000_000, load.ok.get() - answeredBefore);
        }
        load.stopAndWait();
        List<Long> swapping = load.takeLatencies();
        report(steady, swapping, load.failed.size());

        System.out.printf(
                "[measure] hot swap: %d calls sent, %d answered, %d failed, max latency %d ms%n",
                load.sent.get(), load.ok.get(), load.failed.size(), load.maxLatencyMs.get());
        assertEquals("failed calls: " + load.failed, 0, load.failed.size());
        assertEquals("every call answered", load.sent.get(), load.ok.get());
        assertEquals("all 11 versions served", 11, load.versions.size());
        assertTrue("calls flowed throughout (" + load.ok.get() + ")", load.ok.get() > 100);

        Files.delete(jar);
        await(
                "echo gone",
                () -> directory.services().stream()
                        .anyMatch(s -> s.id().equals("echo") && s.state().equals("gone")));
        try {
            vertx.eventBus()
                    .request("stoa.service.echo", new Text("after delete"))
                    .await();
            throw new AssertionError("call after delete must fail");
        } catch (ReplyException e) {
            assertEquals(e.getMessage(), FailureCode.SERVICE_GONE, FailureCode.of(e.failureCode()));
        }
    }
}
