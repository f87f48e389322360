package dev.stoa.train.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where training files may be read from: the trainer's training folder ({@code etc/train}) and the folders an operator
 * adds ({@code folders} in {@code etc/dev.stoa.train.cfg}). A training file is started by path from HTTP
 * ({@code POST /v1/trainings}), so the path is checked before the file is opened:
 * <ol>
 *   <li>it names a {@code .yaml} or {@code .yml} file under one of the folders, as written (no {@code ../} out);</li>
 *   <li>its real path (symbolic links followed) is under the real path of one of the folders, so a link in
 *       {@code etc/train} cannot point elsewhere;</li>
 *   <li>it is a regular file (not a device such as {@code /dev/zero}, not a folder) of at most {@code maxBytes}.</li>
 * </ol>
 * A refusal names the path the caller sent and the folders, never anything read from the file; the file is read only
 * after it passed, and never beyond {@code maxBytes}.
 */
final class TrainingFolders {

    /** The default largest training file, in bytes: the shipped ones are about 2 KB. */
    static final long DEFAULT_MAX_BYTES = 256 * 1024;

    private final List<Path> folders;
    private final long maxBytes;

    /**
     * @param folders the folders training files may come from, the trainer's own first
     * @param maxBytes the largest training file accepted
     */
    TrainingFolders(List<Path> folders, long maxBytes) {
        this.folders = folders.stream()
                .map(p -> p.toAbsolutePath().normalize())
                .distinct()
                .toList();
        this.maxBytes = maxBytes;
    }

    /** @return the folders, absolute */
    List<Path> folders() {
        return folders;
    }

    /**
     * @param file the path a caller sent, absolute or relative to the working directory
     * @return the file's text, once every check passed
     * @throws StoaException {@code BAD_INPUT} (or {@code FORBIDDEN} for a file outside the folders, {@code TOO_LARGE}
     *     for one over the size limit) naming {@code file} and the fix
     */
    String read(Path file) {
        Path real = admit(file);
        try (InputStream in = Files.newInputStream(real)) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw tooLarge(file);
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw StoaException.badInput(
                    "file", file + " cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * @param file the path a caller sent
     * @return its real path, after the checks of the class comment
     */
    Path admit(Path file) {
        Path lexical = file.toAbsolutePath().normalize();
        String name = lexical.getFileName() == null ? "" : lexical.getFileName().toString();
        if (!name.endsWith(".yaml") && !name.endsWith(".yml")) {
            throw StoaException.badInput(
                    "file", "is " + file + "; a training file is a .yaml file in " + shown() + hint());
        }
        if (folders.stream().noneMatch(lexical::startsWith)) {
            throw outside(file);
        }
        Path real;
        try {
            real = lexical.toRealPath();
        } catch (IOException e) {
            throw StoaException.badInput(
                    "file", "is " + file + ", which does not exist; training files live in " + shown());
        }
        if (realFolders().stream().noneMatch(real::startsWith)) {
            // a symbolic link in a training folder that points out of it
            throw outside(file);
        }
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            throw StoaException.badInput("file", "is " + file + ", which is not a regular file; name a .yaml file");
        }
        try {
            if (Files.size(real) > maxBytes) {
                throw tooLarge(file);
            }
        } catch (IOException e) {
            throw StoaException.badInput(
                    "file", file + " cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        return real;
    }

    private List<Path> realFolders() {
        List<Path> out = new ArrayList<>();
        for (Path f : folders) {
            try {
                out.add(f.toRealPath());
            } catch (IOException e) {
                // a configured folder that does not exist holds no files
            }
        }
        return out;
    }

    private StoaException outside(Path file) {
        return new StoaException(
                FailureCode.FORBIDDEN,
                "'file': " + file + " is outside the training folders (" + shown() + ")" + hint());
    }

    private StoaException tooLarge(Path file) {
        return new StoaException(
                FailureCode.TOO_LARGE,
                "'file': " + file + " is over " + maxBytes + " bytes, the most a training file may have; raise"
                        + " maxFileBytes in etc/dev.stoa.train.cfg if it really is one");
    }

    private String shown() {
        return String.join(", ", folders.stream().map(Path::toString).toList());
    }

    private static String hint() {
        return "; copy the file into etc/train/, or add its folder to 'folders' in etc/dev.stoa.train.cfg";
    }
}
