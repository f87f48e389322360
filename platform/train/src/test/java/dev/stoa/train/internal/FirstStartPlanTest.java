package dev.stoa.train.internal;

import static dev.stoa.train.internal.TrainingFiles.file;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FirstStartPlanTest {

    @Test
    void producersComeFirstWhateverTheFilesAreCalled() {
        // in name order the captioner and the answering model would come before the CLIP they read
        List<TrainingFile> files = List.of(
                file("a-answers", true, "gpt-answers", "clipcap-scenes"),
                file("b-captions", true, "clipcap-scenes", "clip-tiny-scenes"),
                file("c-clip", true, "clip-tiny"),
                file("d-clip-scenes", true, "clip-tiny-scenes"));

        FirstStartPlan plan = FirstStartPlan.of(files, id -> false);

        assertThat(plan.errors()).isEmpty();
        // the head of the longest chain first (runs train side by side: it should start at once), then its
        // dependants as soon as they are ready, the independent c-clip among equals by name
        assertThat(plan.order())
                .extracting(TrainingFile::name)
                .containsExactly("d-clip-scenes", "b-captions", "a-answers", "c-clip");
    }

    @Test
    void aHigherPriorityGoesFirstAndThenTheLongerChain() {
        // the shipped folder: the default CLIP (priority 1) must serve first; then the scenes CLIP, which the
        // captioner waits for, before the answering model, which nothing needs
        List<TrainingFile> files = List.of(
                TrainingFile.parse(java.nio.file.Path.of("etc/train/clip-shapes.yaml"), """
                        name: clip-shapes
                        first_start: true
                        priority: 1
                        output: clip-tiny
                        model: {id: toy}
                        loss: {id: ce}
                        dataset: {id: tints}
                        train: {steps: 10, batch_size: 4}
                        """),
                file("clip-shapes-scenes", true, "clip-tiny-scenes"),
                file("clipcap-scenes", true, "clipcap-scenes", "clip-tiny-scenes"),
                file("gpt-scene-qa", true, "gpt-scene-qa"));

        FirstStartPlan plan = FirstStartPlan.of(files, id -> false);

        assertThat(plan.errors()).isEmpty();
        assertThat(plan.order())
                .extracting(TrainingFile::name)
                .containsExactly("clip-shapes", "clip-shapes-scenes", "clipcap-scenes", "gpt-scene-qa");
        assertThat(plan.order().get(0).priority()).isEqualTo(1);
        assertThat(plan.order().get(3).priority()).isZero();
    }

    @Test
    void whatTheStoreHasIsNeitherTrainedNorWaitedFor() {
        List<TrainingFile> files = List.of(
                file("captions", true, "clipcap-scenes", "clip-tiny-scenes"),
                file("clip-scenes", true, "clip-tiny-scenes"),
                file("experiment", false, "clipcap-mlp", "clip-tiny"));

        FirstStartPlan plan = FirstStartPlan.of(files, Set.of("clip-tiny-scenes")::contains);

        assertThat(plan.errors()).isEmpty();
        assertThat(plan.order()).extracting(TrainingFile::name).containsExactly("captions");
    }

    @Test
    void aCycleIsReportedWithEachFileAndLineAndNothingInItTrains() {
        List<TrainingFile> files =
                List.of(file("one", true, "m1", "m2"), file("two", true, "m2", "m1"), file("free", true, "m3"));

        FirstStartPlan plan = FirstStartPlan.of(files, id -> false);

        assertThat(plan.order()).extracting(TrainingFile::name).containsExactly("free");
        assertThat(plan.errors())
                .singleElement()
                .asString()
                .contains("form a cycle")
                .contains("etc/train/one.yaml:5 needs 'm2', which etc/train/two.yaml outputs")
                .contains("etc/train/two.yaml:5 needs 'm1', which etc/train/one.yaml outputs");
    }

    @Test
    void aMissingNeedIsReportedWithFileAndLineAndWhatNeedsItStaysUntrained() {
        List<TrainingFile> files = List.of(
                file("captions", true, "clipcap-scenes", "clip-tiny", "clip-tiny-scenes"),
                file("answers", true, "gpt-answers", "clipcap-scenes"),
                file("clip", true, "clip-tiny"),
                file("by-hand", false, "gpt-captions"),
                file("frozen-decoder", true, "clipcap-t", "gpt-captions"));

        FirstStartPlan plan = FirstStartPlan.of(files, id -> false);

        assertThat(plan.order()).extracting(TrainingFile::name).containsExactly("clip");
        assertThat(plan.errors())
                .anySatisfy(
                        e -> assertThat(e)
                                .startsWith(
                                        "etc/train/captions.yaml:6: needs"
                                                + " 'clip-tiny-scenes', which the model store lacks and no training file in etc/train outputs"));
        assertThat(plan.errors())
                .anySatisfy(
                        e -> assertThat(e)
                                .startsWith(
                                        "etc/train/answers.yaml:5: needs"
                                                + " 'clipcap-scenes', which etc/train/captions.yaml would output, but it cannot train"));
        assertThat(plan.errors())
                .anySatisfy(e -> assertThat(e)
                        .startsWith("etc/train/frozen-decoder.yaml:5: needs"
                                + " 'gpt-captions', which etc/train/by-hand.yaml outputs but not at start-up")
                        .contains("bin/stoa train etc/train/by-hand.yaml"));
    }
}
