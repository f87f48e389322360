package dev.stoa.api.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShippedVariantsTest {

    @Test
    void readsEveryFileInNameOrderAndSkipsTheOneThatDoesNotParse(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("small.properties"), "width = 128\n");
        Files.writeString(dir.resolve("tiny.properties"), "width = 64\n");
        Files.writeString(dir.resolve("broken.properties"), "width = wide\n");
        List<URL> files = new ArrayList<>();
        for (String name : List.of("tiny", "broken", "small")) {
            files.add(dir.resolve(name + ".properties").toUri().toURL());
        }
        List<String> skipped = new ArrayList<>();
        List<String> read = ShippedVariants.read(
                Collections.enumeration(files),
                (name, in) -> {
                    Properties p = new Properties();
                    p.load(in);
                    return name + "=" + Integer.parseInt(p.getProperty("width"));
                },
                (file, why) -> skipped.add(file + ": " + why));

        assertThat(read).containsExactly("small=128", "tiny=64");
        assertThat(skipped).containsExactly("broken.properties: For input string: \"wide\"");
        assertThat(ShippedVariants.read(null, (name, in) -> name, (f, w) -> {})).isEmpty();
    }
}
