package dev.stoa.onnxruntime.internal;

import java.nio.file.Path;
import java.util.Map;

/** What the extension's components read from their configuration files alike. */
final class ConfigurationFiles {

    /** The property FileInstall adds to the configurations it reads from etc/: the file's URL. */
    static final String FILEINSTALL_FILENAME = "felix.fileinstall.filename";

    private ConfigurationFiles() {}

    /** A relative folder is resolved against the installation, so configs do not depend on the working directory. */
    static Path resolve(String home, String folder) {
        Path path = Path.of(folder.trim());
        return path.isAbsolute() || home == null
                ? path
                : Path.of(home).resolve(path).normalize();
    }

    /**
     * @param what what the configuration configures, e.g. {@code sentence encoder}
     * @param properties the configuration
     * @return e.g. {@code sentence encoder configuration file:/opt/stoa/etc/x.cfg}: the file when FileInstall made
     *     it, else the PID; SCR logs only that activation failed, so messages say which configuration to fix
     */
    static String source(String what, Map<String, Object> properties) {
        Object file = properties.get(FILEINSTALL_FILENAME);
        return what + " configuration " + (file != null ? file : properties.get("service.pid"));
    }
}
