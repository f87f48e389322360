package dev.stoa.api.model;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Reads the variant files a model bundle ships ({@code variants/<name>.properties}, open_clip's model configs: adding
 * a variant is adding a file), for {@link ModelProvider#shipped()}. A file that does not parse is skipped and
 * reported; the others still load.
 */
public final class ShippedVariants {

    private ShippedVariants() {}

    /**
     * Parses one variant file.
     *
     * @param <V> the variant type
     */
    @FunctionalInterface
    public interface Parser<V> {
        /**
         * @param name the variant's name: the file name without {@code .properties}
         * @param in the file's content
         * @return the variant
         * @throws IOException if the file cannot be read
         */
        V parse(String name, InputStream in) throws IOException;
    }

    /**
     * @param files the variant files, as {@code bundle.findEntries("variants", "*.properties", false)} returns them
     *     (may be {@code null}: none)
     * @param parser reads one file
     * @param skipped told the file name and the reason of each file that does not parse
     * @param <V> the variant type
     * @return the variants, ordered by file name
     * @throws IOException if a file cannot be read at all
     */
    public static <V> List<V> read(Enumeration<URL> files, Parser<V> parser, BiConsumer<String, String> skipped)
            throws IOException {
        return new ArrayList<>(readNamed(files, parser, skipped).values());
    }

    /**
     * As {@link #read}, keyed by each variant's name (its file name without {@code .properties}).
     *
     * @param files the variant files (may be {@code null}: none)
     * @param parser reads one file
     * @param skipped told the file name and the reason of each file that does not parse
     * @param <V> the variant type
     * @return name to variant, ordered by file name
     * @throws IOException if a file cannot be read at all
     */
    public static <V> Map<String, V> readNamed(
            Enumeration<URL> files, Parser<V> parser, BiConsumer<String, String> skipped) throws IOException {
        List<URL> sorted = files == null ? new ArrayList<>() : Collections.list(files);
        sorted.sort(Comparator.comparing(URL::getPath));
        Map<String, V> out = new LinkedHashMap<>();
        for (URL url : sorted) {
            String file = url.getPath().substring(url.getPath().lastIndexOf('/') + 1);
            String name = file.substring(0, file.length() - ".properties".length());
            try (InputStream in = url.openStream()) {
                out.put(name, parser.parse(name, in));
            } catch (RuntimeException e) {
                skipped.accept(file, e.getMessage());
            }
        }
        return out;
    }
}
