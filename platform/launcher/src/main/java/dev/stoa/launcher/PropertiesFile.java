package dev.stoa.launcher;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@code .properties} file and replaces {@code ${name}} in its values: with another property of the same
 * file, else with what {@code outside} answers (system properties, then the environment). Unknown names and cycles
 * are errors that name the file and the property, so a typo is found at boot, not as a bundle that reads
 * {@code ${stoa.hmoe}/deploy} later.
 */
public final class PropertiesFile {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]+)}");

    private final Path file;
    private final Map<String, String> raw = new HashMap<>();
    private final Map<String, String> resolved = new HashMap<>();
    /** Names being resolved, outermost first: finds cycles and names them. */
    private final List<String> resolving = new ArrayList<>();

    private final Function<String, String> outside;

    private PropertiesFile(Path file, Function<String, String> outside) {
        this.file = file;
        this.outside = outside;
    }

    /**
     * @param file the file, UTF-8 (unlike {@link Properties#load(java.io.InputStream)}'s ISO-8859-1)
     * @param outside answers names the file does not define, or {@code null}
     * @return every property, placeholders replaced
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException for an unknown name or a cycle
     */
    public static Map<String, String> load(Path file, Function<String, String> outside) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        PropertiesFile loaded = new PropertiesFile(file, outside);
        properties.stringPropertyNames().forEach(name -> loaded.raw.put(name, properties.getProperty(name)));
        loaded.raw.keySet().forEach(loaded::resolve);
        return Map.copyOf(loaded.resolved);
    }

    /**
     * Answers a name from the system properties, then the environment.
     *
     * @param name a placeholder's name
     * @return its value, or {@code null}
     */
    public static String systemPropertyOrEnvironment(String name) {
        String value = System.getProperty(name);
        return value != null ? value : System.getenv(name);
    }

    private String resolve(String name) {
        String done = resolved.get(name);
        if (done != null) {
            return done;
        }
        if (resolving.contains(name)) {
            throw new IllegalArgumentException(file + ": property '" + name + "' refers to itself through "
                    + String.join(" -> ", resolving) + " -> " + name);
        }
        resolving.add(name);
        String value = substitute(name, raw.get(name));
        resolving.remove(resolving.size() - 1);
        resolved.put(name, value);
        return value;
    }

    private String substitute(String property, String value) {
        Matcher m = PLACEHOLDER.matcher(value);
        StringBuilder result = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String replacement = raw.containsKey(name) ? resolve(name) : outside.apply(name);
            if (replacement == null) {
                throw new IllegalArgumentException(file + ": property '" + property + "' refers to ${" + name
                        + "}, which is neither a property of this file, a system property nor an environment"
                        + " variable");
            }
            m.appendReplacement(result, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(result);
        return result.toString();
    }
}
