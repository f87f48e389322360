package dev.stoa.api.data;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The text an OCR model read in an image, line by line in reading order (top to bottom, then left to right).
 *
 * @param lines the lines, possibly none
 */
public record RecognizedText(List<TextLine> lines) {

    public RecognizedText {
        lines = List.copyOf(lines);
    }

    /** @return every line's text, joined with newlines */
    public String fullText() {
        return lines.stream().map(TextLine::text).collect(Collectors.joining("\n"));
    }
}
