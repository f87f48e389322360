package dev.stoa.datasets.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code attribute_captions} option: captions that name colour and shape apart, added to the usual ones. */
class ShapeAttributeCaptionsTest {

    private final ShapesDatasetFactory factory = new ShapesDatasetFactory();

    @Test
    void byDefaultEveryExampleHasTheUsualCaptionsOnly() {
        Dataset plain = factory.open(Map.of("seed", 3));
        Dataset none = factory.open(Map.of("seed", 3, "attribute_captions", "none"));
        for (int i = 0; i < 50; i++) {
            Example e = plain.split("train").get(i);
            assertThat(e.captions()).isEqualTo(none.split("train").get(i).captions());
            assertThat(e.captions()).noneMatch(c -> c.contains(" which ") || c.startsWith("something"));
        }
    }

    @Test
    void separateNamesBothAttributesInSeparatePhrasesAndKeepsTheUsualCaptions() {
        Dataset plain = factory.open(Map.of("seed", 3));
        Dataset separate = factory.open(Map.of("seed", 3, "attribute_captions", "separate"));
        for (int i = 0; i < 50; i++) {
            Example usual = plain.split("train").get(i);
            Example e = separate.split("train").get(i);
            String colour = e.attributes().get("colour");
            String shape = e.attributes().get("shape");
            // the same image and label, the usual captions first, then four more
            assertThat(e.image()).isEqualTo(usual.image());
            assertThat(e.captions()).startsWith(usual.captions().toArray(String[]::new));
            assertThat(e.captions())
                    .hasSize(usual.captions().size() + 4)
                    .contains(
                            "a " + colour + " shape which is a " + shape,
                            "a " + shape + " which is " + colour,
                            "a " + shape + " coloured " + colour,
                            "a " + shape + " in " + colour);
            // every caption still names both, so it fits its own class only
            assertThat(e.captions()).allMatch(c -> c.contains(colour) && c.contains(shape), "names both");
        }
    }

    @Test
    void partialAddsCaptionsThatNameOneAttributeOnly() {
        Dataset partial = factory.open(Map.of("seed", 3, "attribute_captions", "partial"));
        Example e = partial.split("train").get(0);
        String colour = e.attributes().get("colour");
        String shape = e.attributes().get("shape");
        assertThat(e.captions())
                .contains("something " + colour, "a " + shape, "a " + colour + " shape which is a " + shape);
    }

    @Test
    void severalCopiesSayHowManyInEveryAddedCaption() {
        Dataset d = factory.open(Map.of("seed", 3, "max_count", 3, "attribute_captions", "partial"));
        for (int i = 0; i < 50; i++) {
            Example e = d.split("train").get(i);
            int count = Integer.parseInt(e.attributes().get("count"));
            if (count > 1) {
                String n = ShapeCaptions.NUMBERS.get(count);
                assertThat(e.captions()).allMatch(c -> c.contains(n + " "), "says " + n);
            }
        }
    }

    @Test
    void anUnknownValueNamesTheOptionAndTheChoices() {
        assertThatThrownBy(() -> factory.open(Map.of("attribute_captions", "all")))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_CONFIG))
                .hasMessageContaining("attribute_captions")
                .hasMessageContaining("[none, separate, partial]");
    }
}
