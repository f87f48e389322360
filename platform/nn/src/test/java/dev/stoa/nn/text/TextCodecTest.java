package dev.stoa.nn.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextCodecTest {

    @Test
    void bytesRoundTripAnyTextAndSkipSpecialTokens() {
        ByteTokenizer bytes = new ByteTokenizer(8);
        String text = "a red circle, größer 😀";
        long[] ids = bytes.toIds(text);
        assertThat(ids).hasSize(text.getBytes(StandardCharsets.UTF_8).length);
        assertThat(ids[0]).isEqualTo(4 + 'a');
        long[] framed = new long[ids.length + 3];
        framed[0] = SpecialTokens.START;
        System.arraycopy(ids, 0, framed, 1, ids.length);
        framed[ids.length + 1] = SpecialTokens.END;
        assertThat(bytes.toText(framed)).isEqualTo(text);
    }

    @Test
    void anIncompleteCharacterDecodesAsReplacementUntilComplete() {
        ByteTokenizer bytes = new ByteTokenizer(8);
        long[] ids = bytes.toIds("ß"); // two bytes
        assertThat(bytes.toText(new long[] {ids[0]})).isEqualTo("\uFFFD");
        assertThat(bytes.toText(ids)).isEqualTo("ß");
    }

    @Test
    void wordsJoinWithSpacesAndMarkUnknownOnes() {
        WordTokenizer words = WordTokenizer.fromCorpus(List.of("a red circle", "a blue square"), 10, 8);
        long[] ids = words.toIds("A red, green circle");
        assertThat(ids).contains(SpecialTokens.UNKNOWN);
        assertThat(words.toText(ids)).isEqualTo("a red <unk> circle");
        assertThat(words.encode(List.of("a red circle")).ids()[0])
                .startsWith(
                        SpecialTokens.START,
                        words.toIds("a")[0],
                        words.toIds("red")[0],
                        words.toIds("circle")[0],
                        SpecialTokens.END);
    }
}
