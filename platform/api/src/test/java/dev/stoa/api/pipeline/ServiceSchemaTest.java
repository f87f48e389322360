package dev.stoa.api.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceSchemaTest {

    @Test
    void readsCommaSeparatedAndArrayFormsAndDropsTheOptionalMark() {
        assertThat(ServiceSchema.parse("image:Image, labels:List?, templates : List?"))
                .containsExactly(
                        java.util.Map.entry("image", "Image"),
                        java.util.Map.entry("labels", "List"),
                        java.util.Map.entry("templates", "List"));
        assertThat(ServiceSchema.parse(new String[] {"label:String", "scores:JsonObject"}))
                .containsOnlyKeys("label", "scores");
        assertThat(ServiceSchema.parse(null)).isNull();
    }

    @Test
    void anEntryThatIsNotNameColonTypeIsNamed() {
        assertThatThrownBy(() -> ServiceSchema.parse("label:String, scores"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'scores' is not a field; write name:Type, e.g. label:String");
        assertThatThrownBy(() -> ServiceSchema.parse("label:string")).hasMessageContaining("'label:string'");
    }

    @Test
    void valueTypesKnowTheFieldsOfTheRecordsJsonForms() {
        assertThat(ValueType.of("Text").field("text")).isEqualTo(ValueType.of("String"));
        assertThat(ValueType.of("Text").field("label"))
                .as("a field a Text cannot have")
                .isNull();
        assertThat(ValueType.of("RecognizedText").fields()).containsOnlyKeys("text", "lines");
        assertThat(ValueType.of("Image").field("image").name()).isEqualTo("Image");
        assertThat(ValueType.of("Map")).isEqualTo(ValueType.UNKNOWN);
        assertThat(ValueType.UNKNOWN.field("anything"))
                .as("unknown fields may be read")
                .isEqualTo(ValueType.UNKNOWN);
        assertThat(ValueType.of("Embedding").withArticle()).isEqualTo("an Embedding");
    }

    @Test
    void refsParseSourceAndPath() {
        Ref r = Ref.parse("tags.scores.red");
        assertThat(r.source()).isEqualTo("tags");
        assertThat(r.path()).isEqualTo(List.of("scores", "red"));
        assertThat(r.lastName()).isEqualTo("red");
        assertThat(Ref.parse("input").lastName()).isEqualTo("input");
        assertThat(r).hasToString("tags.scores.red");
    }
}
