package dev.stoa.tensorrt.internal;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Finds the NVIDIA libraries TensorRT needs, by file name, before JavaCPP's loader is touched: a missing library is
 * then reported by name, with the folders searched and the fix, instead of as the loader's generic
 * {@link UnsatisfiedLinkError}.
 *
 * <p>Folders are searched in this order: the configured {@code libraryPath}, {@code LD_LIBRARY_PATH}, the folders of
 * the dynamic linker's configuration ({@code /etc/ld.so.conf} and the files it includes), then the usual system,
 * CUDA and TensorRT folders ({@link #SYSTEM_FOLDERS}). Pure Java: no native code runs here.
 */
final class LibraryProbe {

    /** What TensorRT 11 on CUDA 13 needs, in the order they are checked (and loaded, reversed). */
    static final List<String> REQUIRED = List.of(
            "libnvinfer.so.11", "libnvinfer_plugin.so.11", "libnvonnxparser.so.11", "libcudart.so.13", "libcuda.so.1");

    /** Where distributions, the CUDA toolkit, the TensorRT packages and WSL put them. */
    static final List<Path> SYSTEM_FOLDERS = List.of(
            Path.of("/usr/lib/x86_64-linux-gnu"),
            Path.of("/usr/lib64"),
            Path.of("/usr/lib"),
            Path.of("/usr/local/lib"),
            Path.of("/usr/local/cuda/lib64"),
            Path.of("/usr/local/cuda/targets/x86_64-linux/lib"),
            Path.of("/usr/local/tensorrt/lib"),
            Path.of("/usr/lib/wsl/lib"));

    /** The configuration file that sets {@code libraryPath}, named in every reason. */
    static final String CONFIG_FILE = "etc/dev.stoa.tensorrt.cfg";

    /**
     * What was found.
     *
     * @param found each required library found so far and its file, in {@link #REQUIRED}'s order
     * @param missing the first required library not found, if any
     * @param searched the folders searched, in order
     */
    record Result(Map<String, Path> found, Optional<String> missing, List<Path> searched) {

        /** @return empty when every library was found; otherwise the missing one, the folders and the fix */
        Optional<String> reason() {
            return missing.map(name -> name + " not found in " + folders(searched) + " (" + fix(name) + ")");
        }
    }

    private LibraryProbe() {}

    /**
     * Searches for {@link #REQUIRED}, stopping at the first one missing.
     *
     * @param folders where to look, in order ({@link #folders})
     * @return what was found, and what was not
     */
    static Result probe(List<Path> folders) {
        Map<String, Path> found = new LinkedHashMap<>();
        for (String name : REQUIRED) {
            Optional<Path> file = find(name, folders);
            if (file.isEmpty()) {
                return new Result(found, Optional.of(name), folders);
            }
            found.put(name, file.get());
        }
        return new Result(found, Optional.empty(), folders);
    }

    /**
     * @param name a library's file name
     * @param folders where to look, in order
     * @return the first regular file (or link to one) of that name
     */
    static Optional<Path> find(String name, List<Path> folders) {
        for (Path folder : folders) {
            Path candidate = folder.resolve(name);
            if (Files.isRegularFile(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * The folders to search, without duplicates and in order.
     *
     * @param libraryPath the configured {@code libraryPath}: folders separated by {@code :} (blank for none)
     * @param ldLibraryPath the value of {@code LD_LIBRARY_PATH} (null or blank for none)
     * @param ldSoConf the dynamic linker's configuration file, usually {@code /etc/ld.so.conf}
     * @param system the system folders, usually {@link #SYSTEM_FOLDERS}
     * @return the folders, in search order
     */
    static List<Path> folders(String libraryPath, String ldLibraryPath, Path ldSoConf, List<Path> system) {
        Set<Path> folders = new LinkedHashSet<>();
        folders.addAll(split(libraryPath));
        folders.addAll(split(ldLibraryPath));
        folders.addAll(ldSoConfFolders(ldSoConf, 0));
        folders.addAll(system);
        return new ArrayList<>(folders);
    }

    /** @return the folders of this process: the configured path, its environment and the system's */
    static List<Path> folders(String libraryPath) {
        return folders(libraryPath, System.getenv("LD_LIBRARY_PATH"), Path.of("/etc/ld.so.conf"), SYSTEM_FOLDERS);
    }

    static List<Path> split(String path) {
        if (path == null || path.isBlank()) {
            return List.of();
        }
        List<Path> folders = new ArrayList<>();
        for (String entry : path.split(Pattern.quote(File.pathSeparator))) {
            if (!entry.isBlank()) {
                folders.add(Path.of(entry.strip()));
            }
        }
        return folders;
    }

    /**
     * Reads the folders an {@code ld.so.conf} names: one per line, {@code #} comments, and {@code include} lines
     * with a glob in their last path element (as {@code include /etc/ld.so.conf.d/*.conf}), followed one level deep.
     */
    static List<Path> ldSoConfFolders(Path conf, int depth) {
        if (depth > 2 || !Files.isRegularFile(conf)) {
            return List.of();
        }
        List<Path> folders = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(conf);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        for (String raw : lines) {
            String line = raw.replaceFirst("#.*", "").strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("include ")) {
                String pattern = line.substring("include ".length()).strip();
                Path glob = Path.of(pattern);
                Path dir = glob.isAbsolute()
                        ? glob.getParent()
                        : conf.getParent().resolve(glob).getParent();
                if (dir == null || !Files.isDirectory(dir)) {
                    continue;
                }
                List<Path> included = new ArrayList<>();
                try (DirectoryStream<Path> files =
                        Files.newDirectoryStream(dir, glob.getFileName().toString())) {
                    files.forEach(included::add);
                } catch (IOException | RuntimeException e) {
                    continue;
                }
                included.sort(null);
                for (Path f : included) {
                    folders.addAll(ldSoConfFolders(f, depth + 1));
                }
            } else if (line.startsWith("/")) {
                folders.add(Path.of(line));
            }
        }
        return folders;
    }

    static String folders(List<Path> searched) {
        return searched.stream().map(Path::toString).collect(Collectors.joining(":"));
    }

    /** @return how to provide the library: which package holds it, and the two ways to point Stoa at it */
    static String fix(String name) {
        String what;
        if (name.startsWith("libcuda.")) {
            what = "it comes with the NVIDIA driver; install the driver, or on a machine without an NVIDIA GPU serve"
                    + " on another engine";
        } else if (name.startsWith("libcudart.")) {
            what = "install the CUDA 13 runtime (the CUDA toolkit, or the cuda-cudart-13 package)";
        } else {
            what = "install TensorRT 11 (its tar's lib folder, or the libnvinfer11, libnvinfer-plugin11 and"
                    + " libnvonnxparsers11 packages)";
        }
        return what + ", then set libraryPath in " + CONFIG_FILE
                + " to the folder that holds it, or add that folder to LD_LIBRARY_PATH";
    }
}
