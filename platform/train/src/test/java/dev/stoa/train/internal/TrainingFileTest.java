package dev.stoa.train.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.StoaException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TrainingFileTest {

    private static final String GOOD = """
            name: clip-shapes
            output: clip-tiny
            first_start: true
            model: {id: clip, variant: tiny}
            loss: {id: clip}
            dataset: {id: shapes, options: {seed: 1}}
            train: {steps: 100, batch_size: 8, warmup_steps: 10, lr: 0.001}
            evaluate: {every: 50, gallery: 500, stop_when: {metric: zero_shot_top1/test, at_least: 0.9}}
            """;

    private static TrainingFile parse(String text) {
        return TrainingFile.parse(Path.of("etc/train/x.yaml"), text);
    }

    @Test
    void readsEverySection() {
        TrainingFile f = parse(GOOD);
        assertThat(f.name()).isEqualTo("clip-shapes");
        assertThat(f.firstStart()).isTrue();
        assertThat(f.modelOptions()).containsEntry("variant", "tiny").doesNotContainKey("id");
        assertThat(f.datasetOptions()).containsEntry("seed", 1);
        assertThat(f.train().steps()).isEqualTo(100);
        assertThat(f.train().beta2()).isEqualTo(0.999);
        assertThat(f.evaluateEvery()).isEqualTo(50);
        assertThat(f.evaluateOptions()).containsEntry("gallery", 500).doesNotContainKeys("every", "stop_when");
        assertThat(f.stopMetric()).isEqualTo("zero_shot_top1/test");
        assertThat(f.stopAtLeast()).isEqualTo(0.9);
    }

    @Test
    void needsAreReadWithTheirLines() {
        TrainingFile f = parse(GOOD.replace(
                "first_start: true\n", "first_start: true\nneeds:\n  - clip-tiny-scenes\n" + "  - gpt-captions\n"));
        assertThat(f.needs())
                .containsExactly(
                        new TrainingFile.Need("clip-tiny-scenes", 5), new TrainingFile.Need("gpt-captions", 6));
        assertThat(f.where(f.needs().get(1))).isEqualTo("etc/train/x.yaml:6");
        assertThat(parse(GOOD.replace("first_start: true", "first_start: true\nneeds: [clip-tiny]"))
                        .needs())
                .containsExactly(new TrainingFile.Need("clip-tiny", 4));
        assertThat(parse(GOOD.replace("first_start: true", "first_start: true\nneeds: clip-tiny"))
                        .needs())
                .containsExactly(new TrainingFile.Need("clip-tiny", 4));
        assertThat(parse(GOOD).needs()).isEmpty();
        assertThatThrownBy(() -> parse(GOOD.replace("first_start: true", "first_start: true\nneeds: [ok, {a: 1}]")))
                .hasMessageContaining("etc/train/x.yaml:4: needs has '{a=1}'; list model store ids");
    }

    @Test
    void errorsNameTheFileTheFieldAndTheFix() {
        assertThatThrownBy(() -> parse(GOOD.replace("steps: 100", "steps: many")))
                .isInstanceOf(StoaException.class)
                .hasMessageContaining("etc/train/x.yaml: train.steps is 'many'; use a whole number of at least 1");
        assertThatThrownBy(() -> parse(GOOD.replace("lr: 0.001", "lr: 0.001, momentum: 3")))
                .hasMessageContaining("train.momentum is not a known field; use one of [");
        assertThatThrownBy(() -> parse(GOOD.replace("loss: {id: clip}\n", "")))
                .hasMessageContaining("loss is missing; add the section");
        assertThatThrownBy(() -> parse(GOOD.replace("warmup_steps: 10", "warmup_steps: 100")))
                .hasMessageContaining("train.warmup_steps is 100 but steps is 100");
        assertThatThrownBy(() -> parse(GOOD.replace("first_start: true", "first_start: yes please")))
                .hasMessageContaining("first_start is 'yes please'; use true or false");
        assertThatThrownBy(() -> parse(GOOD.replace("first_start: true", "first_start: true\npriority: -1")))
                .hasMessageContaining("etc/train/x.yaml: priority is '-1'; use a whole number of at least 0");
        assertThat(parse(GOOD.replace("first_start: true", "first_start: true\npriority: 2"))
                        .priority())
                .isEqualTo(2);
        assertThat(parse(GOOD).priority()).isZero();
        assertThatThrownBy(() -> parse("model: [1, 2")).hasMessageContaining("etc/train/x.yaml: is not valid YAML");
    }

    @Test
    void scheduleWarmsUpLinearlyThenFollowsAHalfCosine() {
        Schedule s = new Schedule(1.0, 10, 110, 0.1);
        assertThat(s.lr(0)).isEqualTo(0.1);
        assertThat(s.lr(9)).isEqualTo(1.0);
        assertThat(s.lr(10)).isEqualTo(1.0);
        assertThat(s.lr(60)).isCloseTo(0.55, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(s.lr(110)).isCloseTo(0.1, org.assertj.core.api.Assertions.within(1e-12));
    }

    @Test
    void dataOrderIsAPermutationPerEpochAndDependsOnlyOnSeedAndPosition() {
        DataOrder a = new DataOrder(5, 50);
        java.util.Set<Integer> epoch0 = new java.util.HashSet<>();
        for (int p = 0; p < 50; p++) {
            epoch0.add(a.index(p));
        }
        assertThat(epoch0).hasSize(50);
        DataOrder b = new DataOrder(5, 50);
        assertThat(b.index(73)).isEqualTo(a.index(73));
        assertThat(new DataOrder(6, 50).index(3) == a.index(3)
                        && new DataOrder(6, 50).index(4) == a.index(4)
                        && new DataOrder(6, 50).index(5) == a.index(5))
                .isFalse();
    }
}
