package dev.stoa.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The engine on a real Vert.x event bus. The services it calls are plain consumers at their addresses here (what
 * the bus exporter puts there is tested in platform/bus and in the itests).
 */
class PipelineServiceTest {

    private Vertx vertx;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        // shout: {"text": t} -> {"text": T}
        vertx.eventBus()
                .<JsonObject>consumer(
                        "stoa.service.shout",
                        m -> m.reply(new JsonObject()
                                .put("text", m.body().getString("text").toUpperCase())));
        // count: {"text": t} -> {"length": n, "words": [...]}
        vertx.eventBus().<JsonObject>consumer("stoa.service.count", m -> {
            String t = m.body().getString("text");
            m.reply(new JsonObject()
                    .put("length", t.length())
                    .put("words", new JsonArray(java.util.List.of(t.split(" ")))));
        });
    }

    @AfterEach
    void tearDown() {
        vertx.close().await();
    }

    private PipelineService pipeline(String yaml) {
        PipelineParser.Result parsed = PipelineParser.parse("pipelines/t.yaml", "t", yaml, 2_000, 64);
        assertThat(parsed.errors()).isEmpty();
        return new PipelineService(
                vertx,
                parsed.definition(),
                targets(
                        "shout",
                        "stoa.service.shout",
                        "count",
                        "stoa.service.count",
                        "slow",
                        "stoa.service.slow",
                        "flaky",
                        "stoa.service.flaky",
                        "broken",
                        "stoa.service.broken"));
    }

    /** Services that take JSON, as the plain consumers here do: id, address, id, address, ... */
    static Map<String, PipelineService.Target> targets(String... idsAndAddresses) {
        Map<String, PipelineService.Target> out = new java.util.HashMap<>();
        for (int i = 0; i < idsAndAddresses.length; i += 2) {
            out.put(idsAndAddresses[i], new PipelineService.Target(idsAndAddresses[i + 1], "JsonObject"));
        }
        return out;
    }

    private static JsonObject run(PipelineService p, JsonObject input) {
        return p.callAsync(input)
                .toCompletableFuture()
                .orTimeout(10, TimeUnit.SECONDS)
                .join();
    }

    @Test
    void socraticChainBuildsTextFromEarlierOutputs() {
        PipelineService p = pipeline("""
                input: Text
                stages:
                  loud: {call: shout}
                  stats: {call: count}
                  prompt: {template: "{{loud.text}} has {{stats.length}} letters: {{stats.words}}"}
                output: $prompt
                """);
        assertThat(run(p, new JsonObject().put("text", "red square")).getString("text"))
                .isEqualTo("RED SQUARE has 10 letters: red, square");
    }

    @Test
    void independentStagesRunInParallel() throws Exception {
        CountDownLatch bothCalled = new CountDownLatch(2);
        // each answers only once both have been called: sequential execution would time out
        for (String id : new String[] {"a", "b"}) {
            vertx.eventBus().<JsonObject>consumer("stoa.service." + id, m -> {
                bothCalled.countDown();
                vertx.executeBlocking(() -> bothCalled.await(5, TimeUnit.SECONDS))
                        .onSuccess(ok -> m.reply(new JsonObject().put("text", id + ok)));
            });
        }
        PipelineParser.Result parsed = PipelineParser.parse("pipelines/t.yaml", "t", """
                stages:
                  a: {call: a}
                  b: {call: b}
                  both: {merge: [$a, $b]}
                """, 10_000, 64);
        PipelineService p =
                new PipelineService(vertx, parsed.definition(), targets("a", "stoa.service.a", "b", "stoa.service.b"));
        JsonObject out = run(p, new JsonObject());
        assertThat(out.getJsonObject("a").getString("text")).isEqualTo("atrue");
        assertThat(out.getJsonObject("b").getString("text")).isEqualTo("btrue");
    }

    @Test
    void falseConditionSkipsTheStage() {
        PipelineService p = pipeline("""
                stages:
                  stats: {call: count}
                  loud: {call: shout, when: "$stats.length > 5"}
                  both: {merge: [$stats, $loud]}
                """);
        JsonObject shortOne = run(p, new JsonObject().put("text", "hi"));
        assertThat(shortOne.getValue("loud")).isNull();
        JsonObject longOne = run(p, new JsonObject().put("text", "hello world"));
        assertThat(longOne.getJsonObject("loud").getString("text")).isEqualTo("HELLO WORLD");
    }

    @Test
    void mapCallsTheServiceForEachItem() {
        PipelineService p = pipeline("""
                stages:
                  stats: {call: count}
                  each: {map: shout, input: $stats.words}
                """);
        JsonArray items = run(p, new JsonObject().put("text", "one two three")).getJsonArray("items");
        assertThat(items.stream().map(o -> ((JsonObject) o).getString("text"))).containsExactly("ONE", "TWO", "THREE");
    }

    @Test
    void topKeepsTheHighestRankedItems() {
        vertx.eventBus()
                .<JsonObject>consumer(
                        "stoa.service.scores",
                        m -> m.reply(new JsonObject()
                                .put(
                                        "items",
                                        new JsonArray()
                                                .add(new JsonObject()
                                                        .put("label", "cat")
                                                        .put("score", 0.2))
                                                .add(new JsonObject()
                                                        .put("label", "dog")
                                                        .put("score", 0.7))
                                                .add(new JsonObject()
                                                        .put("label", "cow")
                                                        .put("score", 0.1)))));
        PipelineParser.Result parsed = PipelineParser.parse("pipelines/t.yaml", "t", """
                stages:
                  scores: {call: scores}
                  best: {top: 2, input: $scores, by: score}
                  words: {template: "{{best.items}}"}
                output: $best
                """, 2_000, 64);
        PipelineService p = new PipelineService(vertx, parsed.definition(), targets("scores", "stoa.service.scores"));
        JsonArray best = run(p, new JsonObject()).getJsonArray("items");
        assertThat(best.stream().map(o -> ((JsonObject) o).getString("label"))).containsExactly("dog", "cat");
    }

    @Test
    void topWithoutNumbersNamesTheField() {
        PipelineService p = pipeline("""
                stages:
                  stats: {call: count}
                  best: {top: 1, input: $stats.words}
                """);
        assertThatThrownBy(() -> run(p, new JsonObject().put("text", "a b")))
                .cause()
                .isInstanceOfSatisfying(StoaException.class, e -> {
                    assertThat(e.code()).isEqualTo(FailureCode.BAD_INPUT);
                    assertThat(e.getMessage()).contains("stage 'best'").contains("set 'by:'");
                });
    }

    @Test
    void timedOutCallIsRetried() {
        AtomicInteger calls = new AtomicInteger();
        vertx.eventBus().<JsonObject>consumer("stoa.service.flaky", m -> {
            if (calls.incrementAndGet() > 1) {
                m.reply(new JsonObject().put("text", "second try"));
            } // the first call is never answered: it times out
        });
        PipelineService p = pipeline("""
                stages:
                  f: {call: flaky, timeout: 200ms, retries: 1}
                """);
        assertThat(run(p, new JsonObject().put("text", "x")).getString("text")).isEqualTo("second try");
        assertThat(calls.get()).isEqualTo(2);
    }

    @Test
    void failingStageKeepsItsCodeAndNamesStageAndService() {
        vertx.eventBus()
                .<JsonObject>consumer(
                        "stoa.service.broken", m -> m.fail(FailureCode.BAD_INPUT.code(), "'text': too long"));
        PipelineService p = pipeline("""
                stages:
                  b: {call: broken}
                """);
        assertThatThrownBy(() -> run(p, new JsonObject().put("text", "x")))
                .isInstanceOf(CompletionException.class)
                .cause()
                .isInstanceOfSatisfying(StoaException.class, e -> {
                    assertThat(e.code()).isEqualTo(FailureCode.BAD_INPUT);
                    assertThat(e.getMessage()).contains("pipeline 't', stage 'b' (service 'broken'): 'text': too long");
                });
    }

    @Test
    void inFlightBoundFailsFastWithOverloaded() {
        vertx.eventBus()
                .<JsonObject>consumer(
                        "stoa.service.slow",
                        m -> vertx.setTimer(300, t -> m.reply(new JsonObject().put("text", "done"))));
        PipelineService p = pipeline("""
                stages:
                  s: {call: slow, maxInFlight: 1}
                """);
        var first = p.callAsync(new JsonObject().put("text", "1")).toCompletableFuture();
        assertThatThrownBy(() -> run(p, new JsonObject().put("text", "2")))
                .cause()
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.OVERLOADED));
        assertThat(first.orTimeout(5, TimeUnit.SECONDS).join().getString("text"))
                .isEqualTo("done");
    }

    @Test
    void aCancelledRequestStartsNoFurtherStageAndItsStageCallsCarryItsTokenAndDeadline() throws Exception {
        java.util.List<io.vertx.core.MultiMap> slowHeaders = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.CompletableFuture<io.vertx.core.eventbus.Message<JsonObject>> slowCall =
                new java.util.concurrent.CompletableFuture<>();
        vertx.eventBus().<JsonObject>consumer("stoa.service.slow", m -> {
            slowHeaders.add(m.headers());
            slowCall.complete(m); // answered only after the cancel
        });
        AtomicInteger afterwards = new AtomicInteger();
        vertx.eventBus().<JsonObject>consumer("stoa.service.flaky", m -> {
            afterwards.incrementAndGet();
            m.reply(m.body());
        });
        PipelineService p = pipeline("""
                stages:
                  first: {call: slow}
                  second: {call: flaky, input: $first}
                """);
        dev.stoa.api.Cancellation cancellation =
                dev.stoa.api.Cancellation.create("tok-1", System.nanoTime() + 60_000_000_000L);
        java.util.concurrent.CompletableFuture<JsonObject> answer;
        // as the bus does: the call's cancellation is bound while callAsync starts the request
        try (dev.stoa.api.Cancellation.Scope bound = cancellation.enter()) {
            answer = p.callAsync(new JsonObject().put("text", "x")).toCompletableFuture();
        }
        io.vertx.core.eventbus.Message<JsonObject> pending = slowCall.get(5, TimeUnit.SECONDS);
        assertThat(slowHeaders.get(0).get(dev.stoa.api.Cancellation.TOKEN_HEADER))
                .isEqualTo("tok-1");
        long sentMs = Long.parseLong(slowHeaders.get(0).get(dev.stoa.api.Cancellation.TIMEOUT_HEADER));
        assertThat(sentMs)
                .as("the stage's 2 s timeout, shorter than the request's 60 s")
                .isBetween(1_000L, 2_000L);

        cancellation.cancel("the client disconnected");
        pending.reply(new JsonObject().put("text", "late"));
        assertThatThrownBy(() -> answer.get(5, TimeUnit.SECONDS))
                .cause()
                .isInstanceOfSatisfying(StoaException.class, e -> {
                    assertThat(e.code()).isEqualTo(FailureCode.CANCELLED);
                    assertThat(e.getMessage()).contains("stage 'second' was not started");
                });
        Thread.sleep(100);
        assertThat(afterwards.get())
                .as("the stage after the cancel never called its service")
                .isZero();
        assertThat(p.stats().get("second").skipped().get()).isEqualTo(1);
    }

    @Test
    void traceReportsEachStage() {
        PipelineService p = pipeline("""
                stages:
                  loud: {call: shout}
                  skipped: {call: shout, when: $input.never}
                """);
        JsonObject out = run(p, new JsonObject().put("text", "x").put("_trace", true));
        JsonArray stages = out.getJsonObject("_trace").getJsonArray("stages");
        assertThat(stages.stream()
                        .map(o -> ((JsonObject) o).getString("stage") + "=" + ((JsonObject) o).getString("outcome")))
                .containsExactlyInAnyOrder("loud=ok", "skipped=skipped");
    }

    @Test
    void withAddsLiteralsAndReferencesToTheRequest() {
        vertx.eventBus()
                .<JsonObject>consumer("stoa.service.echo", m -> m.reply(m.body().copy()));
        PipelineParser.Result parsed = PipelineParser.parse("pipelines/t.yaml", "t", """
                stages:
                  loud: {call: shout}
                  ask:
                    call: echo
                    with: {prompt: $loud.text, max_tokens: 8, labels: [one, "2"], greedy: true}
                  labelled: {call: echo, with: {n: 0.5}, input: $input}
                  both: {merge: [$ask, $labelled]}
                """, 2_000, 64);
        assertThat(parsed.errors()).isEmpty();
        PipelineService p = new PipelineService(
                vertx, parsed.definition(), targets("shout", "stoa.service.shout", "echo", "stoa.service.echo"));
        JsonObject out = run(p, new JsonObject().put("text", "hi"));
        // without 'input:' the 'with' fields are the whole request
        assertThat(out.getJsonObject("ask").getMap()).containsOnlyKeys("prompt", "max_tokens", "labels", "greedy");
        assertThat(out.getJsonObject("ask").getString("prompt")).isEqualTo("HI");
        assertThat(out.getJsonObject("ask").getLong("max_tokens")).isEqualTo(8L);
        assertThat(out.getJsonObject("ask").getJsonArray("labels")).containsExactly("one", "2");
        assertThat(out.getJsonObject("ask").getBoolean("greedy")).isTrue();
        // with 'input:' they are added to it
        assertThat(out.getJsonObject("labelled").getString("text")).isEqualTo("hi");
        assertThat(out.getJsonObject("labelled").getDouble("n")).isEqualTo(0.5);
    }

    @Test
    void optionalStageWithoutItsServiceIsSkippedAndTheTemplateRendersItEmpty() {
        PipelineParser.Result parsed = PipelineParser.parse("pipelines/t.yaml", "t", """
                input: Text
                stages:
                  loud: {call: shout}
                  ocr: {call: ocr-paddle, optional: true}
                  say: {template: "{{loud.text}} reads [{{ocr.text}}]"}
                output: $say
                """, 2_000, 64);
        assertThat(parsed.errors()).isEmpty();
        assertThat(parsed.definition().stages().get("ocr").optional()).isTrue();
        // the registry gives an absent optional service no address
        PipelineService p = new PipelineService(vertx, parsed.definition(), targets("shout", "stoa.service.shout"));
        JsonObject out = run(p, new JsonObject().put("text", "hi").put("_trace", true));
        assertThat(out.getString("text")).isEqualTo("HI reads []");
        assertThat(out.getJsonObject("_trace").getJsonArray("stages").stream()
                        .map(o -> (JsonObject) o)
                        .filter(o -> o.getString("stage").equals("ocr"))
                        .map(o -> o.getString("outcome")))
                .containsExactly("skipped");
        // with its service present the same stage runs
        vertx.eventBus().<JsonObject>consumer("stoa.service.ocr", m -> m.reply(new JsonObject().put("text", "STOP")));
        PipelineService withOcr = new PipelineService(
                vertx, parsed.definition(), targets("shout", "stoa.service.shout", "ocr-paddle", "stoa.service.ocr"));
        assertThat(run(withOcr, new JsonObject().put("text", "hi")).getString("text"))
                .isEqualTo("HI reads [STOP]");
    }
}
