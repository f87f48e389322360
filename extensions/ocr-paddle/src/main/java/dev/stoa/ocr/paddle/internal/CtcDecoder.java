package dev.stoa.ocr.paddle.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Greedy CTC decoding of a recognizer's per-step class probabilities, as PaddleOCR's {@code CTCLabelDecode}: take
 * the most likely class at each step, merge repeats, drop the blank. Class 0 is the CTC blank, classes
 * {@code 1..n} are the lines of the character list and class {@code n + 1} is a space
 * ({@code use_space_char=True}), so a list of 6623 characters gives 6625 classes.
 *
 * <p>Input {@code (T, C)} probabilities; output the text and its confidence, the mean probability of the kept
 * steps. Immutable and thread-safe.
 */
final class CtcDecoder {

    private final String[] characters;

    /** @param characters the character list, one entry per class 1..n (the blank and the space are added) */
    CtcDecoder(List<String> characters) {
        this.characters = new String[characters.size() + 2];
        this.characters[0] = "";
        for (int i = 0; i < characters.size(); i++) {
            this.characters[i + 1] = characters.get(i);
        }
        this.characters[characters.size() + 1] = " ";
    }

    /**
     * Reads a character list such as PaddleOCR's {@code ppocr_keys_v1.txt}: UTF-8, one character per line.
     *
     * @param file the list
     * @return the decoder
     * @throws IOException when the file cannot be read
     */
    static CtcDecoder fromFile(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            // PaddleOCR strips only the line end: a line holding a space would be a character
            lines.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
        }
        return new CtcDecoder(lines);
    }

    /** @return how many classes the recognizer must output */
    int classes() {
        return characters.length;
    }

    /**
     * @param probabilities row-major {@code (steps, classes())} class probabilities of one line
     * @param steps the number of time steps
     * @return the text and its confidence; empty text with confidence 0 when every step is blank
     */
    Decoded decode(float[] probabilities, int steps) {
        int classes = characters.length;
        StringBuilder text = new StringBuilder();
        double sum = 0;
        int kept = 0;
        int previous = -1;
        for (int t = 0; t < steps; t++) {
            int best = 0;
            float bestP = probabilities[t * classes];
            for (int c = 1; c < classes; c++) {
                float p = probabilities[t * classes + c];
                if (p > bestP) {
                    bestP = p;
                    best = c;
                }
            }
            if (best != 0 && best != previous) {
                text.append(characters[best]);
                sum += bestP;
                kept++;
            }
            previous = best;
        }
        return new Decoded(text.toString(), kept == 0 ? 0 : Math.min(1.0, sum / kept));
    }

    /**
     * @param text the decoded text
     * @param confidence mean probability of its characters, in [0, 1]
     */
    record Decoded(String text, double confidence) {}
}
