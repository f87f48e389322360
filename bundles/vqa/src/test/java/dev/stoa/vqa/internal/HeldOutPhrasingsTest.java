package dev.stoa.vqa.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoa.datasets.internal.ShapesDatasetFactory;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The held-out phrasings stay held out: none of them is a wording the answering model trains on (read from the
 * training texts the corpus actually writes, not from the list it is meant to use), nor a routing anchor of the
 * question router, and there are enough of them per type.
 */
class HeldOutPhrasingsTest {

    @Test
    void atLeastTwelveDistinctPhrasingsPerType() {
        Map<String, List<String>> byType = HeldOutPhrasings.byType();
        assertThat(byType.keySet()).containsExactlyElementsOf(SceneQuestions.TYPES);
        Set<String> all = new HashSet<>();
        byType.forEach((type, phrasings) -> {
            assertThat(phrasings).as(type).hasSizeGreaterThanOrEqualTo(12);
            phrasings.forEach(p -> assertThat(all.add(HeldOutPhrasings.normalise(p)))
                    .as("'%s' is listed twice", p)
                    .isTrue());
        });
    }

    @Test
    void noHeldOutPhrasingIsInAnyTrainingText() throws Exception {
        // every question the training corpus writes, over many scenes and seeds, with and without few-shot blocks
        Set<String> trained = new HashSet<>();
        var examples = ShapesScenes.examples(200);
        for (int seed = 0; seed < 20; seed++) {
            for (String text : new SceneQaCorpus(0.5).texts(examples, new SplittableRandom(seed))) {
                for (String line : text.split("\n")) {
                    if (line.startsWith("q: ")) {
                        trained.add(HeldOutPhrasings.normalise(line.substring(3)));
                    }
                }
            }
        }
        assertThat(trained).as("the corpus writes questions").hasSizeGreaterThanOrEqualTo(12);
        SceneQuestions.WORDINGS.values().forEach(w -> w.forEach(q -> trained.add(HeldOutPhrasings.normalise(q))));
        QuestionRouter.ANCHORS.values().forEach(w -> w.forEach(q -> trained.add(HeldOutPhrasings.normalise(q))));
        HeldOutPhrasings.byType()
                .forEach((type, phrasings) -> phrasings.forEach(p -> {
                    String n = HeldOutPhrasings.normalise(p);
                    assertThat(trained)
                            .as("held-out '%s' (%s) is trained on", p, type)
                            .doesNotContain(n);
                    // nor a training question that contains it whole (e.g. "Name the shape." inside a longer wording)
                    assertThat(trained)
                            .as("held-out '%s' (%s)", p, type)
                            .noneMatch(t -> (" " + t + " ").contains(" " + n + " "));
                }));
    }

    @Test
    void rephrasingKeepsImagesAndAnswersAndIsTheSameForTheSameSeed() {
        List<VqaEvalSet.Item> set = VqaEvalSet.make(new ShapesDatasetFactory(), 40, 2, 32);
        List<VqaEvalSet.Item> a = HeldOutPhrasings.rephrase(set, 2);
        List<VqaEvalSet.Item> b = HeldOutPhrasings.rephrase(set, 2);
        List<VqaEvalSet.Item> other = HeldOutPhrasings.rephrase(set, 3);
        assertThat(a).hasSameSizeAs(set);
        Set<String> asked = new HashSet<>();
        for (int i = 0; i < set.size(); i++) {
            SceneQuestion q = a.get(i).question();
            assertThat(a.get(i).id()).isEqualTo(set.get(i).id());
            assertThat(a.get(i).example()).isSameAs(set.get(i).example());
            assertThat(q.type()).isEqualTo(set.get(i).question().type());
            assertThat(q.answer()).isEqualTo(set.get(i).question().answer());
            assertThat(HeldOutPhrasings.byType().get(q.type())).contains(q.question());
            assertThat(b.get(i).question().question()).isEqualTo(q.question());
            asked.add(q.question());
        }
        assertThat(asked).as("the phrasings vary").hasSizeGreaterThan(10);
        assertThat(other.stream().map(i -> i.question().question()).toList())
                .isNotEqualTo(a.stream().map(i -> i.question().question()).toList());
    }
}
