package dev.stoa.console.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The console's built files, read once each through a class loader from a resource folder ({@code console/} in this
 * bundle) and kept in memory (the whole app is a few hundred KB).
 *
 * <p>A request path is resolved against an allow-list, never against a file system: each segment is letters, digits,
 * {@code .}, {@code _} or {@code -}, does not start with a dot (no {@code ..}, no hidden files), and the name ends in
 * an extension of {@link #CONTENT_TYPES}. So a folder (which a class loader may answer with a listing) is never
 * served, nor anything outside the resource folder. A path with no extension in its last segment is a page of the
 * single-page app ({@code /console/pipelines}) and gets {@code index.html}; a missing file with an extension is not
 * found (a script that is not there must fail as a script, not load the page as JavaScript).
 */
final class ConsoleFiles {

    /** The page every route of the app loads. */
    static final String INDEX = "index.html";

    /** What the console ships, by extension: nothing else is ever served. */
    static final Map<String, String> CONTENT_TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "json", "application/json",
            "txt", "text/plain; charset=utf-8");

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");

    /** Vite names what it bundles {@code assets/<name>-<hash of the content>.<ext>}: such a file never changes. */
    private static final Pattern HASHED = Pattern.compile("assets/[A-Za-z0-9._-]+-[A-Za-z0-9_-]{8,}\\.[a-z0-9]+");

    /** A file to send: its bytes, content type and whether its name carries a hash of its content. */
    record File(String path, byte[] bytes, String contentType, boolean immutable) {}

    /** How a request path resolved: a file, or why none (a refused path, or one that is not there). */
    sealed interface Lookup permits Found, Refused, Missing {}

    record Found(File file) implements Lookup {}

    record Refused(String reason) implements Lookup {}

    record Missing(String path) implements Lookup {}

    private final ClassLoader loader;
    private final String root;
    /** The files found so far (a miss is not kept: request paths are chosen by clients, the files are few). */
    private final Map<String, File> cache = new ConcurrentHashMap<>();

    /**
     * @param loader the class loader that sees the files
     * @param root the resource folder that holds them, e.g. {@code console}
     */
    ConsoleFiles(ClassLoader loader, String root) {
        this.loader = loader;
        this.root = root.endsWith("/") ? root : root + "/";
    }

    /**
     * @param relative the request path below the console's base path, without its leading '/', not URL-decoded
     *     (empty for the base path itself)
     * @return the file to send for it
     */
    Lookup lookup(String relative) {
        if (relative.isEmpty()) {
            return index();
        }
        String[] segments = relative.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            boolean trailing = i == segments.length - 1 && s.isEmpty();
            if (!trailing && !SEGMENT.matcher(s).matches()) {
                return new Refused("'" + relative + "' is not a console path: each part must be letters, digits,"
                        + " '.', '_' or '-' and not start with '.'");
            }
        }
        String last = segments[segments.length - 1];
        int dot = last.lastIndexOf('.');
        if (dot < 0) {
            return index(); // a page of the app (hash routes need none, but a reload of a deep link lands here)
        }
        String type = CONTENT_TYPES.get(last.substring(dot + 1).toLowerCase(Locale.ROOT));
        if (type == null) {
            return new Refused("'" + last + "': the console serves no file of this type");
        }
        return load(relative).<Lookup>map(Found::new).orElseGet(() -> new Missing(relative));
    }

    private Lookup index() {
        return load(INDEX)
                .<Lookup>map(Found::new)
                .orElseGet(() -> new Missing(
                        INDEX + " (the console was built without its app: run the build with" + " npm on the PATH)"));
    }

    private Optional<File> load(String path) {
        File cached = cache.get(path);
        if (cached != null) {
            return Optional.of(cached);
        }
        URL url = loader.getResource(root + path);
        if (url == null || url.getPath().endsWith("/") || isFolder(url)) {
            return Optional.empty(); // a folder: a class loader would answer with a listing of its names
        }
        try (InputStream in = url.openStream()) {
            String ext = path.substring(path.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
            File file = new File(
                    path,
                    in.readAllBytes(),
                    CONTENT_TYPES.get(ext),
                    HASHED.matcher(path).matches());
            cache.put(path, file);
            return Optional.of(file);
        } catch (IOException e) {
            throw new UncheckedIOException("console file " + path + " could not be read", e);
        }
    }

    /** @return whether a {@code file:} URL (the app on a plain class path, in tests) names a folder */
    private static boolean isFolder(URL url) {
        if (!"file".equals(url.getProtocol())) {
            return false; // in a bundle or a jar, a folder's entry ends with '/'
        }
        try {
            return !Files.isRegularFile(Path.of(url.toURI()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            return true;
        }
    }
}
