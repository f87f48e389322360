package dev.stoa.train.internal;

import java.nio.file.Path;

/** Small valid training files for the ordering tests: the fields that matter here, the rest fixed. */
final class TrainingFiles {

    private TrainingFiles() {}

    /**
     * @param name the file's name (and run name), as {@code etc/train/<name>.yaml}
     * @param firstStart its {@code first_start}
     * @param output its {@code output}
     * @param needs its {@code needs}, one per line from line 4
     */
    static TrainingFile file(String name, boolean firstStart, String output, String... needs) {
        StringBuilder text =
                new StringBuilder("name: " + name + "\nfirst_start: " + firstStart + "\noutput: " + output + "\n");
        if (needs.length > 0) {
            text.append("needs:\n");
            for (String need : needs) {
                text.append("  - ").append(need).append('\n');
            }
        }
        text.append("""
                model: {id: toy}
                loss: {id: ce}
                dataset: {id: tints}
                train: {steps: 10, batch_size: 4}
                """);
        return TrainingFile.parse(Path.of("etc/train/" + name + ".yaml"), text.toString());
    }
}
