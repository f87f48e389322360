package dev.stoa.itests;

import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.Test;

/**
 * The dependency check of the build: every library the assembled distribution ships ({@code system/} and
 * {@code lib/}) is at least the version {@code minimum-versions.properties} lists, and every listed library is
 * found. Plain JUnit, no framework: it reads the jars' names (and, for Vert.x, which is inlined, the version the
 * {@code dev.stoa.vertx} bundle exports {@code io.vertx.core} at).
 */
public class ShippedVersionsIT {

    private static final Pattern JAR = Pattern.compile("(.+?)-(\\d[^-]*(?:-[^-]+)*?)(?:-[a-z][a-z0-9_]*)?\\.jar");

    @Test
    public void everyShippedLibraryIsAtLeastItsListedMinimum() throws IOException {
        Path dist = Path.of(System.getProperty("stoa.dist"), "stoa");
        Map<String, String> shipped = new LinkedHashMap<>();
        for (String folder : new String[] {"system", "lib"}) {
            try (Stream<Path> jars = Files.list(dist.resolve(folder))) {
                for (Path jar : (Iterable<Path>) jars.filter(p -> p.toString().endsWith(".jar"))::iterator) {
                    Matcher m = JAR.matcher(jar.getFileName().toString());
                    if (m.matches()) {
                        shipped.merge(m.group(1), m.group(2), (a, b) -> compare(a, b) <= 0 ? a : b);
                    }
                }
            }
        }
        try (JarFile vertx = new JarFile(Files.list(dist.resolve("system"))
                .filter(p -> p.getFileName().toString().startsWith("dev.stoa.vertx-"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no dev.stoa.vertx bundle in " + dist.resolve("system")))
                .toFile())) {
            String exports = vertx.getManifest().getMainAttributes().getValue("Export-Package");
            Matcher core = Pattern.compile("io\\.vertx\\.core;[^,]*?version=\"([^\"]+)\"")
                    .matcher(exports);
            assertTrue("dev.stoa.vertx exports io.vertx.core with a version", core.find());
            shipped.put("vertx-core", core.group(1));
        }

        Properties minimums = new Properties();
        try (InputStream in = ShippedVersionsIT.class.getResourceAsStream("/minimum-versions.properties")) {
            minimums.load(in);
        }
        List<String> problems = new ArrayList<>();
        for (String key : minimums.stringPropertyNames()) {
            String minimum = minimums.getProperty(key).trim();
            boolean prefix = key.endsWith("*");
            String name = prefix ? key.substring(0, key.length() - 1) : key;
            int found = 0;
            for (Map.Entry<String, String> jar : shipped.entrySet()) {
                if (prefix ? jar.getKey().startsWith(name) : jar.getKey().equals(name)) {
                    found++;
                    if (compare(jar.getValue(), minimum) < 0) {
                        problems.add(jar.getKey() + " " + jar.getValue() + " is older than the minimum " + minimum);
                    }
                }
            }
            if (found == 0) {
                problems.add(key + " is listed in minimum-versions.properties but not shipped; update the list");
            }
        }
        if (!problems.isEmpty()) {
            fail("the distribution ships libraries below their minimum versions (raise the version in the root"
                    + " pom.xml):\n  " + String.join("\n  ", problems));
        }
    }

    @Test
    public void versionsCompareByNumbers() {
        assertTrue(compare("4.2.9.Final", "4.2.21.Final") < 0);
        assertTrue(compare("4.2.21.Final", "4.2.21.Final") == 0);
        assertTrue(compare("1.5.38", "1.5.18") > 0);
        assertTrue(compare("2.18.2", "2.18") > 0);
        assertTrue(compare("5.0.7", "5.0.10") < 0);
    }

    /** Compares the numeric parts of two versions in order; a qualifier such as {@code Final} is ignored. */
    static int compare(String a, String b) {
        String[] x = a.split("[.-]");
        String[] y = b.split("[.-]");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            long p = i < x.length ? number(x[i]) : 0;
            long q = i < y.length ? number(y[i]) : 0;
            if (p != q) {
                return Long.compare(p, q);
            }
        }
        return 0;
    }

    private static long number(String part) {
        return part.matches("\\d+") ? Long.parseLong(part) : 0;
    }
}
