package dev.stoa.itests.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two real Stoa servers (JVMs started with {@code bin/stoa}) form a cluster over loopback. Node A has a pipeline that
 * calls {@code shout} and no {@code shout} of its own; node B deploys the shout bundle. The pipeline file names only
 * the service id, as on a single node.
 *
 * <ol>
 *   <li>A lists B's {@code shout} with B's node id, validates the pipeline against it and serves it; calls through
 *       A's HTTP API are answered by B.</li>
 *   <li>B is killed (SIGKILL): A's calls fail fast with {@code SERVICE_GONE}, naming {@code shout}, and A lists the
 *       pipeline as waiting for it.</li>
 *   <li>Failover: B starts again and A deploys {@code shout} too; calls are spread over both. B is killed while calls
 *       flow, and every call is still answered, by A.</li>
 * </ol>
 * Lines starting with {@code [measure]} report join times and latencies. The generous waits are for start-up on a
 * loaded machine; the assertions on failure times are not relaxed.
 */
class ClusterIT {

    private static final String PIPELINE = String.join(
            "\n",
            "input: Text",
            "stages:",
            "  loud:",
            "    call: shout",
            // a call in flight on a node that dies gets no answer: the timeout ends it, and the retry goes elsewhere
            "    timeout: 2s",
            "    retries: 2",
            "  chorus:",
            "    template: \"{{loud.text}}! (you said: {{input.text}})\"",
            "output: $chorus",
            "");
    private static final int START_SECONDS = 180;

    private final List<StoaNode> nodes = new ArrayList<>();

    @AfterEach
    void stopAll() throws Exception {
        for (StoaNode n : nodes) {
            n.close();
        }
    }

    @Test
    void pipelineOnOneNodeCallsAServiceOnAnotherAndFailsOver() throws Exception {
        Path dist = Path.of(System.getProperty("stoa.dist", "../../distribution/target/stoa"));
        Path work = Path.of(System.getProperty("stoa.itest.work", "target/cluster-it"));
        Path shout = Path.of(System.getProperty("stoa.shout.jar"));
        StoaNode a = node("a", dist, work);
        StoaNode b = node("b", dist, work);
        String cluster = "stoa-it-" + UUID.randomUUID();
        for (StoaNode n : nodes) {
            n.cluster(cluster, nodes);
        }
        a.pipeline("relay", PIPELINE);
        b.deploy(shout);

        long started = System.nanoTime();
        a.start();
        b.start();
        await("A serves pipeline 'relay' through B's shout", START_SECONDS, () -> "serving".equals(state(a)));
        long serving = System.nanoTime();
        String bId = b.nodeId();
        System.out.printf(
                "[measure] 2 JVMs started to A's pipeline serving through B: %d ms; join times logged by"
                        + " A, B: %d, %d ms%n",
                (serving - started) / 1_000_000, a.joinMillis(), b.joinMillis());

        // A's directory lists B's instance with B's node id, and none of its own
        assertThat(a.service("shout", null)).isNull();
        JsonObject remote = a.service("shout", bId);
        assertThat(remote).as("A's entry for shout on node %s", bId).isNotNull();
        assertThat(remote.getString("address")).isEqualTo("stoa.service.shout");
        assertThat(remote.getString("inputType")).isEqualTo("Text");
        assertThat(remote.getString("state")).isEqualTo("available");

        // calls through A's HTTP API, answered by B
        int calls = 100;
        double[] stageMs = new double[calls];
        double[] httpMs = new double[calls];
        for (int i = 0; i < calls; i++) {
            StoaNode.Answer answer = a.post(
                    "/v1/pipelines/relay",
                    new JsonObject().put("text", "hello " + i).put("_trace", true));
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            JsonObject json = answer.json();
            assertThat(json.getString("text")).isEqualTo("HELLO " + i + "! (you said: hello " + i + ")");
            stageMs[i] = json.getJsonObject("_trace").getJsonArray("stages").stream()
                    .map(JsonObject.class::cast)
                    .filter(st -> st.getString("stage").equals("loud"))
                    .findFirst()
                    .orElseThrow()
                    .getDouble("ms");
            httpMs[i] = answer.nanos() / 1e6;
        }
        System.out.printf(
                "[measure] %d sequential pipeline calls on A, stage 'loud' on B: p50 %.2f ms, p90 %.2f ms;"
                        + " whole HTTP call p50 %.2f ms%n",
                calls, percentile(stageMs, 50), percentile(stageMs, 90), percentile(httpMs, 50));
        assertThat(b.service("shout", null).getLong("calls"))
                .as("calls B's shout answered")
                .isEqualTo(calls);

        // B dies: nothing serves shout any more; calls fail fast with a clear code
        b.kill();
        long killed = System.nanoTime();
        StoaNode.Answer failed;
        List<Integer> before = new ArrayList<>();
        while (true) {
            failed = a.post("/v1/pipelines/relay", new JsonObject().put("text", "anyone?"));
            if (failed.status() == 410 || System.nanoTime() - killed > TimeUnit.SECONDS.toNanos(30)) {
                break;
            }
            before.add(failed.status());
        }
        long firstFailureMs = (System.nanoTime() - killed) / 1_000_000;
        assertThat(failed.status()).as(failed.body()).isEqualTo(410);
        assertThat(failed.json().getString("error")).isEqualTo("SERVICE_GONE");
        assertThat(failed.json().getString("message")).contains("no node serves service 'shout'");
        StoaNode.Answer again = a.post("/v1/pipelines/relay", new JsonObject().put("text", "still?"));
        assertThat(again.status()).isEqualTo(410);
        System.out.printf(
                "[measure] B killed: first SERVICE_GONE answer %d ms after the kill (answers before it: %s);"
                        + " a failing call then takes %.1f ms%n",
                firstFailureMs, before, again.nanos() / 1e6);
        assertThat(firstFailureMs).as("time from B's death to a clear failure").isLessThan(5_000);
        assertThat(again.nanos() / 1_000_000).isLessThan(1_000);
        await("A lists its pipeline as waiting for shout", 15, () -> "waiting".equals(state(a)));
        assertThat(a.service("shout", bId)).isNull();

        // failover: B comes back, A deploys shout too; calls are spread over both, and survive B's death
        b.start();
        a.deploy(shout);
        await(
                "A lists shout here and on the restarted B",
                START_SECONDS,
                () -> a.service("shout", null) != null && b.nodeId() != null && a.service("shout", b.nodeId()) != null);
        System.out.printf("[measure] B restarted: joined the running cluster in %d ms (logged by B)%n", b.joinMillis());
        long localBefore = a.service("shout", null).getLong("calls");
        for (int i = 0; i < 20; i++) {
            assertThat(a.post("/v1/pipelines/relay", new JsonObject().put("text", "spread " + i))
                            .status())
                    .isEqualTo(200);
        }
        long servedHere = a.service("shout", null).getLong("calls") - localBefore;
        long servedByB = b.service("shout", null).getLong("calls");
        assertThat(servedHere + servedByB).isEqualTo(20);
        assertThat(servedByB).as("calls the restarted B answered").isPositive();
        assertThat(servedHere).as("calls A's own shout answered").isPositive();

        List<Long> afterKillMs = new ArrayList<>();
        long killAt = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
        int i = 0;
        while (System.nanoTime() < deadline) {
            if (i == 10) {
                killAt = System.nanoTime();
                b.kill();
            }
            StoaNode.Answer answer = a.post("/v1/pipelines/relay", new JsonObject().put("text", "again " + i));
            assertThat(answer.status()).as("call %d, %s", i, answer.body()).isEqualTo(200);
            assertThat(answer.json().getString("text")).startsWith("AGAIN " + i + "!");
            if (killAt != 0) {
                afterKillMs.add(answer.nanos() / 1_000_000);
            }
            i++;
        }
        assertThat(b.alive()).isFalse();
        assertThat(afterKillMs).isNotEmpty();
        System.out.printf(
                "[measure] failover: %d calls after B's kill, all answered (by A); slowest %d ms, p50 %d ms%n",
                afterKillMs.size(),
                afterKillMs.stream().mapToLong(Long::longValue).max().orElse(-1),
                afterKillMs.stream().sorted().toList().get(afterKillMs.size() / 2));
    }

    private StoaNode node(String name, Path dist, Path work) throws Exception {
        StoaNode n = new StoaNode(name, dist, work);
        nodes.add(n);
        return n;
    }

    private static String state(StoaNode node) throws Exception {
        StoaNode.Answer pipelines;
        try {
            pipelines = node.get("/v1/pipelines");
        } catch (java.io.IOException notUpYet) {
            return null;
        }
        for (Object o : pipelines.array()) {
            JsonObject p = (JsonObject) o;
            if ("relay".equals(p.getString("name"))) {
                return p.getString("state");
            }
        }
        return null;
    }

    private void await(String what, int seconds, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (Boolean.TRUE.equals(condition.call())) {
                return;
            }
            for (StoaNode n : nodes) {
                if (!n.alive() && n.nodeId() == null) {
                    throw new AssertionError("node " + n.name + " exited before joining:\n" + n.console());
                }
            }
            Thread.sleep(100);
        }
        StringBuilder logs = new StringBuilder();
        for (StoaNode n : nodes) {
            String console = n.console();
            logs.append("\n--- node ")
                    .append(n.name)
                    .append(" ---\n")
                    .append(console.substring(Math.max(0, console.length() - 4000)));
        }
        throw new AssertionError("timed out after " + seconds + " s waiting until " + what + logs);
    }

    private static double percentile(double[] values, int p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, sorted.length * p / 100)];
    }
}
