package dev.stoa.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code map}'s {@code keep:}: each answer carries the named fields of the item it answers (segment-and-name keeps a
 * segment's box beside the name CLIP gave its picture); a field the item lacks is left out; a bad {@code keep} is
 * refused when the file loads, naming the field.
 */
class MapKeepTest {

    private Vertx vertx;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        // find: {} -> {"found": [{"word": "cat", "box": [1, 2, 3, 4], "score": 0.9}, {"word": "dog", "score": 0.4}]}
        vertx.eventBus()
                .<JsonObject>consumer(
                        "stoa.service.find",
                        m -> m.reply(new JsonObject()
                                .put(
                                        "found",
                                        new JsonArray()
                                                .add(new JsonObject()
                                                        .put("word", "cat")
                                                        .put("box", new JsonArray(List.of(1, 2, 3, 4)))
                                                        .put("score", 0.9))
                                                .add(new JsonObject()
                                                        .put("word", "dog")
                                                        .put("score", 0.4)))));
        // name: {"word": w, ...} -> {"label": W, "score": 0.0}: its own 'score' is overwritten by the kept one
        vertx.eventBus()
                .<JsonObject>consumer(
                        "stoa.service.name",
                        m -> m.reply(new JsonObject()
                                .put("label", m.body().getString("word").toUpperCase())
                                .put("score", 0.0)));
        vertx.eventBus().<JsonObject>consumer("stoa.service.shout", m -> m.reply("LOUD"));
    }

    @AfterEach
    void tearDown() {
        vertx.close().await();
    }

    private static List<String> errors(String yaml) {
        return PipelineParser.parse("pipelines/p.yaml", "p", yaml, 30_000, 64).errors().stream()
                .map(PipelineError::toString)
                .toList();
    }

    @Test
    void eachAnswerCarriesTheKeptFieldsOfItsItem() {
        PipelineParser.Result parsed = PipelineParser.parse("pipelines/t.yaml", "t", """
                stages:
                  found: {call: find}
                  names: {map: name, input: $found.found, keep: [box, score]}
                """, 2_000, 64);
        assertThat(parsed.errors()).isEmpty();
        PipelineService p = new PipelineService(
                vertx,
                parsed.definition(),
                PipelineServiceTest.targets("find", "stoa.service.find", "name", "stoa.service.name"));
        JsonArray items = p.callAsync(new JsonObject())
                .toCompletableFuture()
                .orTimeout(10, TimeUnit.SECONDS)
                .join()
                .getJsonArray("items");
        assertThat(items).hasSize(2);
        JsonObject cat = items.getJsonObject(0);
        assertThat(cat.getString("label")).isEqualTo("CAT");
        assertThat(cat.getJsonArray("box").getList()).containsExactly(1, 2, 3, 4);
        assertThat(cat.getDouble("score")).isEqualTo(0.9);
        assertThat(cat.containsKey("word")).isFalse();
        JsonObject dog = items.getJsonObject(1);
        assertThat(dog.getString("label")).isEqualTo("DOG");
        assertThat(dog.containsKey("box")).isFalse();
        assertThat(dog.getDouble("score")).isEqualTo(0.4);
    }

    @Test
    void keepMustListFieldNames() {
        assertThat(errors("""
                stages:
                  a: {call: find}
                  b: {map: name, input: $a.found, keep: box}
                """))
                .anySatisfy(e -> assertThat(e).contains("stages.b.keep").contains("keep: [box, score]"));
        assertThat(errors("""
                stages:
                  a: {call: find}
                  b: {map: name, input: $a.found, keep: [$a.box]}
                """))
                .anySatisfy(e -> assertThat(e).contains("stages.b.keep").contains("is not a field name"));
        assertThat(errors("""
                stages:
                  a: {call: find}
                  b: {map: name, input: $a.found, keep: []}
                """)).anySatisfy(e -> assertThat(e).contains("stages.b.keep"));
    }

    @Test
    void keepNeedsAServiceThatAnswersAnObject() {
        PipelineParser.Result parsed = PipelineParser.parse("pipelines/p.yaml", "p", """
                stages:
                  a: {call: find}
                  b: {map: shout, input: $a.found, keep: [box]}
                """, 30_000, 64);
        assertThat(parsed.errors()).isEmpty();
        PipelineValidator.Result valid = PipelineValidator.validate(
                parsed.definition(),
                Map.of(
                        "find", PipelineValidatorTest.service("find", "JsonObject", "JsonObject"),
                        "shout", PipelineValidatorTest.service("shout", "Text", "Text"))::get);
        assertThat(valid.errors())
                .extracting(PipelineError::toString)
                .anySatisfy(e -> assertThat(e).contains("stages.b.keep").contains("answers a Text"));
    }
}
