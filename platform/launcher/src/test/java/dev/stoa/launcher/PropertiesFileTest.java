package dev.stoa.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PropertiesFileTest {

    private static final Map<String, String> OUTSIDE = Map.of("stoa.home", "/opt/stoa", "USER", "ada");

    @TempDir
    Path dir;

    @Test
    void replacesOutsideNamesAndPropertiesOfTheSameFile() throws IOException {
        Map<String, String> properties = load("""
                stoa.deploy.dir = ${stoa.home}/deploy
                felix.fileinstall.dir = ${etc}
                etc = ${stoa.home}/etc
                owner = ${USER}@${stoa.home}
                felix.fileinstall.filter = .*\\\\.(cfg|config)
                plain = no placeholders
                """);

        assertThat(properties)
                .containsOnly(
                        Map.entry("stoa.deploy.dir", "/opt/stoa/deploy"),
                        Map.entry("felix.fileinstall.dir", "/opt/stoa/etc"),
                        Map.entry("etc", "/opt/stoa/etc"),
                        Map.entry("owner", "ada@/opt/stoa"),
                        Map.entry("felix.fileinstall.filter", ".*\\.(cfg|config)"),
                        Map.entry("plain", "no placeholders"));
    }

    @Test
    void propertyOfTheFileWinsOverOutsideName() throws IOException {
        assertThat(load("USER = grace\nowner = ${USER}\n")).containsEntry("owner", "grace");
    }

    @Test
    void replacementWithDollarSignIsTakenLiterally() throws IOException {
        assertThat(load("price = $5\ncost = ${price}\n")).containsEntry("cost", "$5");
    }

    @Test
    void unknownNameIsAnErrorNamingTheProperty() {
        assertThatThrownBy(() -> load("deploy = ${stoa.hmoe}/deploy\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("config.properties")
                .hasMessageContaining("property 'deploy' refers to ${stoa.hmoe}");
    }

    @Test
    void cycleIsAnErrorNamingTheChain() {
        assertThatThrownBy(() -> load("a = ${b}\nb = ${a}\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageMatching(".*refers to itself through (a -> b -> a|b -> a -> b)");
    }

    private Map<String, String> load(String text) throws IOException {
        Path file = Files.writeString(dir.resolve("config.properties"), text);
        return PropertiesFile.load(file, OUTSIDE::get);
    }
}
