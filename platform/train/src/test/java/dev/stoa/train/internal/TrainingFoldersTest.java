package dev.stoa.train.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training files are read only from the training folders, only regular files, only up to the size limit. */
class TrainingFoldersTest {

    private static final String SECRET = "root:x:0:0:secret-line";

    @TempDir
    Path home;

    private Path train;
    private Path secret;
    private TrainingFolders folders;

    @BeforeEach
    void setUp() throws Exception {
        train = Files.createDirectories(home.resolve("etc/train"));
        secret = Files.writeString(home.resolve("passwd.yaml"), SECRET + "\n");
        folders = new TrainingFolders(List.of(train), 1024);
    }

    @Test
    void aFileInTheTrainingFolderIsRead() throws Exception {
        Files.writeString(train.resolve("ok.yaml"), "name: ok\n");
        assertThat(folders.read(train.resolve("ok.yaml"))).isEqualTo("name: ok\n");
    }

    @Test
    void aFileOutsideTheFoldersIsForbiddenAndNotEchoed() {
        assertRefused(secret, FailureCode.FORBIDDEN);
        assertRefused(Path.of("/etc/passwd"), FailureCode.BAD_INPUT); // not even a .yaml name
        assertRefused(train.resolve("../passwd.yaml"), FailureCode.FORBIDDEN);
        assertRefused(Path.of("/dev/zero"), FailureCode.BAD_INPUT);
    }

    @Test
    void aSymbolicLinkOutOfTheFolderIsForbidden() throws Exception {
        Path link = Files.createSymbolicLink(train.resolve("link.yaml"), secret);
        assertRefused(link, FailureCode.FORBIDDEN);
        Path dev = Files.createSymbolicLink(train.resolve("zero.yaml"), Path.of("/dev/zero"));
        assertRefused(dev, FailureCode.FORBIDDEN);
    }

    @Test
    void aFolderOrAMissingFileIsBadInput() throws Exception {
        Files.createDirectories(train.resolve("dir.yaml"));
        assertRefused(train.resolve("dir.yaml"), FailureCode.BAD_INPUT);
        assertRefused(train.resolve("missing.yaml"), FailureCode.BAD_INPUT);
    }

    @Test
    void aFileOverTheLimitIsTooLargeBeforeItIsRead() throws Exception {
        Path big = Files.writeString(train.resolve("big.yaml"), SECRET + "\n" + "#".repeat(2000));
        assertRefused(big, FailureCode.TOO_LARGE);
    }

    @Test
    void configuredFoldersCountAndRelativeOnesAreUnderHome() throws Exception {
        Path examples = Files.createDirectories(home.resolve("examples/train"));
        Files.writeString(examples.resolve("x.yaml"), "name: x\n");
        TrainingFolders more = Trainer.folders(home.toString(), train, config(new String[] {"examples/train, other"}));
        assertThat(more.folders()).contains(train, examples, home.resolve("other"));
        assertThat(more.read(examples.resolve("x.yaml"))).isEqualTo("name: x\n");
        assertThatThrownBy(() -> folders.read(examples.resolve("x.yaml"))).isInstanceOf(StoaException.class);
    }

    private void assertRefused(Path file, FailureCode code) {
        assertThatThrownBy(() -> folders.read(file)).isInstanceOfSatisfying(StoaException.class, e -> {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
            assertThat(e.getMessage()).startsWith("'file': ").doesNotContain("secret-line");
        });
    }

    private static TrainerConfig config(String[] extra) {
        return new TrainerConfig() {
            @Override
            public Class<? extends java.lang.annotation.Annotation> annotationType() {
                return TrainerConfig.class;
            }

            @Override
            public String dir() {
                return "";
            }

            @Override
            public String runs() {
                return "";
            }

            @Override
            public boolean firstStart() {
                return false;
            }

            @Override
            public int waitSeconds() {
                return 1;
            }

            @Override
            public String[] folders() {
                return extra;
            }

            @Override
            public long maxFileBytes() {
                return 1024;
            }

            @Override
            public int concurrentRuns() {
                return 1;
            }

            @Override
            public int threads() {
                return 0;
            }
        };
    }
}
