package dev.stoa.vectors.cuda.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the NVIDIA libraries the JavaCPP CUDA presets link to, by file name, before JavaCPP's loader is touched: so
 * that when one is missing the reason names the file and the folders searched, not a linker error.
 *
 * <p>Searched, in order: the configured {@code libraryPath}, {@code LD_LIBRARY_PATH}, the folders of
 * {@code /etc/ld.so.conf} (and its includes), then the usual places ({@code /usr/local/cuda/lib64},
 * {@code /usr/lib/x86_64-linux-gnu}, {@code /usr/lib64}, {@code /lib/x86_64-linux-gnu}, {@code /usr/lib/wsl/lib}).
 */
public final class CudaLibraries {

    /** The driver (installed with the NVIDIA driver, not with the toolkit). */
    public static final String DRIVER = "libcuda.so.1";

    /** The CUDA 13 runtime. */
    public static final String RUNTIME = "libcudart.so.13";

    /** cuBLAS 13 and the library it is built on. */
    public static final List<String> BLAS = List.of("libcublasLt.so.13", "libcublas.so.13");

    /** Every library the GPU index needs, in the order they are loaded. */
    public static final List<String> REQUIRED = List.of(DRIVER, RUNTIME, BLAS.get(0), BLAS.get(1));

    /** The usual places, after the configured ones, LD_LIBRARY_PATH and ld.so.conf. */
    static final List<String> USUAL = List.of(
            "/usr/local/cuda/lib64",
            "/usr/local/cuda/targets/x86_64-linux/lib",
            "/usr/lib/x86_64-linux-gnu",
            "/usr/lib64",
            "/lib/x86_64-linux-gnu",
            "/usr/lib/wsl/lib");

    /**
     * What a probe found.
     *
     * @param found each library found and its path, in load order
     * @param missing the libraries not found
     * @param searched the folders searched, in order
     */
    public record Probe(Map<String, Path> found, List<String> missing, List<Path> searched) {

        /** @return whether every required library was found */
        public boolean complete() {
            return missing.isEmpty();
        }

        /**
         * @return why the GPU cannot be used, e.g. {@code libcudart.so.13 not found in /opt/cuda/lib64,
         *     /usr/lib64}; {@code null} when nothing is missing
         */
        public String reason() {
            if (missing.isEmpty()) {
                return null;
            }
            List<String> dirs = searched.stream().map(Path::toString).toList();
            return String.join(", ", missing) + " not found in "
                    + (dirs.isEmpty() ? "(no folder)" : String.join(", ", dirs))
                    + "; set libraryPath in etc/dev.stoa.vectors.cuda.cfg to the folder holding "
                    + (missing.size() == 1 ? "it" : "them");
        }
    }

    private CudaLibraries() {}

    /**
     * @param libraryPath the configured folders, separated by {@code :} or {@code ,}; may be empty
     * @param ldLibraryPath the value of {@code LD_LIBRARY_PATH}, or {@code null}
     * @param ldSoConf {@code /etc/ld.so.conf}, read with its includes; {@code null} to skip it
     * @return the folders to search, in order, without duplicates
     */
    public static List<Path> folders(String libraryPath, String ldLibraryPath, Path ldSoConf) {
        Set<Path> out = new LinkedHashSet<>();
        split(libraryPath, out);
        split(ldLibraryPath, out);
        if (ldSoConf != null) {
            readConf(ldSoConf, out, 0);
        }
        for (String u : USUAL) {
            out.add(Path.of(u));
        }
        return new ArrayList<>(out);
    }

    /**
     * @param folders where to look, in order
     * @param names the file names wanted
     * @return the first regular file (or link to one) of each name, and the names not found
     */
    public static Probe probe(List<Path> folders, List<String> names) {
        Map<String, Path> found = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (String name : names) {
            Path hit = null;
            for (Path dir : folders) {
                Path candidate = dir.resolve(name);
                if (Files.isRegularFile(candidate)) {
                    hit = candidate;
                    break;
                }
            }
            if (hit == null) {
                missing.add(name);
            } else {
                found.put(name, hit);
            }
        }
        return new Probe(found, missing, List.copyOf(folders));
    }

    /** Probes the required libraries in this process's folders. */
    public static Probe probe(String libraryPath) {
        return probe(folders(libraryPath, System.getenv("LD_LIBRARY_PATH"), Path.of("/etc/ld.so.conf")), REQUIRED);
    }

    private static void split(String value, Set<Path> out) {
        if (value == null) {
            return;
        }
        for (String part : value.split("[:,]")) {
            String p = part.trim();
            if (!p.isEmpty()) {
                out.add(Path.of(p));
            }
        }
    }

    private static void readConf(Path conf, Set<Path> out, int depth) {
        if (depth > 4 || !Files.isRegularFile(conf)) {
            return;
        }
        try {
            for (String line : Files.readAllLines(conf)) {
                String l = line.strip();
                int hash = l.indexOf('#');
                if (hash >= 0) {
                    l = l.substring(0, hash).strip();
                }
                if (l.isEmpty()) {
                    continue;
                }
                if (l.startsWith("include ")) {
                    String pattern = l.substring("include ".length()).strip();
                    Path p = conf.getParent().resolve(pattern);
                    Path dir = p.getParent();
                    if (dir != null && Files.isDirectory(dir)) {
                        try (DirectoryStream<Path> files =
                                Files.newDirectoryStream(dir, p.getFileName().toString())) {
                            List<Path> sorted = new ArrayList<>();
                            files.forEach(sorted::add);
                            sorted.sort(null);
                            for (Path f : sorted) {
                                readConf(f, out, depth + 1);
                            }
                        }
                    }
                } else if (l.startsWith("/")) {
                    out.add(Path.of(l));
                }
            }
        } catch (IOException | RuntimeException e) {
            // an unreadable ld.so.conf only narrows the search; the usual folders follow
        }
    }
}
