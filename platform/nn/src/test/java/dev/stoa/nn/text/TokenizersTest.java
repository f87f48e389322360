package dev.stoa.nn.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizersTest {

    @Test
    void bytesAreShiftedPastTheSpecialTokensAndFramed() {
        TokenBatch batch = new ByteTokenizer(6).encode(List.of("ab", "é"));
        // 'a' = 97, 'b' = 98; 'é' is UTF-8 C3 A9 = 195, 169
        assertThat(batch.ids()[0]).containsExactly(1, 101, 102, 2, 0, 0);
        assertThat(batch.ids()[1]).containsExactly(1, 199, 173, 2, 0, 0);
        assertThat(batch.lengths()).containsExactly(4, 4);
        assertThat(new ByteTokenizer(6).vocabularySize()).isEqualTo(260);
    }

    @Test
    void longTextsAreTruncatedKeepingTheEndOfTextLast() {
        TokenBatch batch = new ByteTokenizer(4).encode(List.of("abcdef"));
        assertThat(batch.ids()[0]).containsExactly(1, 101, 102, 2);
        assertThat(batch.lengths()).containsExactly(4);
    }

    @Test
    void wordVocabularyIsOrderedByCountThenAlphabetically(@TempDir Path dir) throws Exception {
        WordTokenizer words =
                WordTokenizer.fromCorpus(List.of("A red circle.", "a blue square", "A red square"), 100, 8);
        // a x3, red x2, square x2, blue x1, circle x1
        assertThat(words.words()).containsExactly("a", "red", "square", "blue", "circle");
        TokenBatch batch = words.encode(List.of("a green circle"));
        assertThat(batch.ids()[0]).containsExactly(1, 4, 3, 8, 2, 0, 0, 0);
        assertThat(batch.lengths()).containsExactly(5);

        Path file = dir.resolve("vocab.txt");
        words.save(file);
        WordTokenizer loaded = WordTokenizer.load(file, 8);
        assertThat(loaded.words()).isEqualTo(words.words());
        assertThat(loaded.encode(List.of("a green circle")).ids()[0]).containsExactly(batch.ids()[0]);
    }

    @Test
    void huggingFaceTokenizerJsonIsReadAndPaddedToTheContextLength(@TempDir Path dir) throws Exception {
        // a WordLevel tokenizer.json with a BERT-style post-processor: [CLS] $A [SEP]
        String json = """
                {"version": "1.0", "truncation": null, "padding": null, "added_tokens": [
                  {"id": 0, "content": "[PAD]", "single_word": false, "lstrip": false, "rstrip": false,
                   "normalized": false, "special": true},
                  {"id": 5, "content": "[CLS]", "single_word": false, "lstrip": false, "rstrip": false,
                   "normalized": false, "special": true},
                  {"id": 6, "content": "[SEP]", "single_word": false, "lstrip": false, "rstrip": false,
                   "normalized": false, "special": true}],
                 "normalizer": {"type": "Lowercase"},
                 "pre_tokenizer": {"type": "Whitespace"},
                 "post_processor": {"type": "TemplateProcessing",
                   "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                              {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
                   "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                            {"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                            {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
                   "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [5], "tokens": ["[CLS]"]},
                                      "[SEP]": {"id": "[SEP]", "ids": [6], "tokens": ["[SEP]"]}}},
                 "decoder": null,
                 "model": {"type": "WordLevel", "unk_token": "[UNK]",
                   "vocab": {"[PAD]": 0, "[UNK]": 1, "a": 2, "red": 3, "circle": 4, "[CLS]": 5, "[SEP]": 6}}}
                """;
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, json, StandardCharsets.UTF_8);
        try (HuggingFaceTextTokenizer hf = HuggingFaceTextTokenizer.load(file, 6, 7, 0)) {
            TokenBatch batch = hf.encode(List.of("A red circle", "a blue circle red red"));
            assertThat(batch.ids()[0]).containsExactly(5, 2, 3, 4, 6, 0);
            assertThat(batch.lengths()[0]).isEqualTo(5);
            // 7 tokens truncated to 6, the final [SEP] kept; "blue" is unknown
            assertThat(batch.ids()[1]).containsExactly(5, 2, 1, 4, 3, 6);
            assertThat(batch.lengths()[1]).isEqualTo(6);
        }
    }
}
