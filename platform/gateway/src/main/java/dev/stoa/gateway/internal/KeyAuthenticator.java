package dev.stoa.gateway.internal;

import dev.stoa.api.metrics.MetricsSource;
import dev.stoa.api.metrics.PrometheusText;
import dev.stoa.api.security.Authenticator;
import dev.stoa.api.security.Principal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform's {@link Authenticator}: the keys of {@code etc/keys.properties} ({@link ApiKeys}), read again within
 * {@link Config#reloadMs()} of any change (a removed key stops working then), plus the local operator's admin key,
 * generated on first start into {@code data/local-admin.key} (owner-only permissions) so that {@code bin/stoa} on
 * this machine keeps working, as Jupyter's token does. Also the {@link MetricsSource} of every refusal.
 */
@Component(
        immediate = true,
        configurationPid = "dev.stoa.security",
        service = {Authenticator.class, MetricsSource.class})
@Designate(ocd = KeyAuthenticator.Config.class)
public final class KeyAuthenticator implements Authenticator, MetricsSource {

    /** The name of the local operator's key. */
    static final String LOCAL_OPERATOR = "local-operator";

    private static final Logger LOG = LoggerFactory.getLogger(KeyAuthenticator.class);

    /** Settings, PID {@code dev.stoa.security} ({@code etc/dev.stoa.security.cfg}). */
    @ObjectClassDefinition(name = "Stoa API keys")
    public @interface Config {
        @AttributeDefinition(description = "The keys file, relative to the Stoa home: name = sha256:<hex>; scopes=...")
        String keysFile() default "etc/keys.properties";

        @AttributeDefinition(
                description = "Whether a loopback client without a key may call services and pipelines that only"
                        + " read (the call scope); never write or admin")
        boolean anonymousLoopback() default false;

        @AttributeDefinition(
                description = "Where the local operator's admin key is kept (generated on first start, owner-only"
                        + " permissions; bin/stoa reads it); empty: no local key")
        String localKeyFile() default "data/local-admin.key";

        @AttributeDefinition(description = "How often the keys file is read for changes, in ms")
        long reloadMs() default 500;
    }

    private final Path keysFile;
    private final boolean anonymousLoopback;
    private final ScheduledExecutorService reloader;
    private final Map<String, LongAdder> refusals = new ConcurrentHashMap<>();
    private volatile Map<String, Principal> keys = Map.of();
    private volatile String loadedText;
    private volatile String localKeyHash;

    @Activate
    public KeyAuthenticator(BundleContext context, Config config) {
        this(home(context), config.keysFile(), config.anonymousLoopback(), config.localKeyFile(), config.reloadMs());
    }

    /**
     * @param home the Stoa home, against which relative paths resolve
     * @param keysFile the keys file
     * @param anonymousLoopback whether a loopback client without a key gets the call scope
     * @param localKeyFile the local operator's key file, or empty for none
     * @param reloadMs how often the keys file is read for changes
     */
    KeyAuthenticator(Path home, String keysFile, boolean anonymousLoopback, String localKeyFile, long reloadMs) {
        this.keysFile = home.resolve(keysFile);
        this.anonymousLoopback = anonymousLoopback;
        if (!localKeyFile.isBlank()) {
            this.localKeyHash = ApiKeys.hash(localKey(home.resolve(localKeyFile)));
        }
        reload();
        LOG.info(
                "API keys: {} in {}{}{}",
                keys.size(),
                this.keysFile,
                localKeyHash == null ? "" : ", and the local operator's in " + localKeyFile,
                anonymousLoopback ? "; loopback clients without a key may call (anonymousLoopback = true)" : "");
        reloader = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stoa-keys-reload");
            t.setDaemon(true);
            return t;
        });
        reloader.scheduleWithFixedDelay(this::reload, reloadMs, reloadMs, TimeUnit.MILLISECONDS);
    }

    @Deactivate
    void deactivate() {
        reloader.shutdownNow();
    }

    /** Reads the keys file again when its text changed; a missing file means no keys. */
    void reload() {
        String text;
        try {
            text = Files.readString(keysFile, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            text = "";
        } catch (IOException | RuntimeException e) {
            LOG.error("cannot read the keys file {} ({}); the keys read before stay in force", keysFile, e.toString());
            return;
        }
        if (text.equals(loadedText)) {
            return;
        }
        List<String> errors = new ArrayList<>();
        Map<String, Principal> read = ApiKeys.parse(text.lines().toList(), errors);
        errors.forEach(e -> LOG.error("{} (the line is ignored)", e));
        if (loadedText != null) {
            LOG.info("API keys reloaded from {}: {}", keysFile, read.size());
        }
        keys = Map.copyOf(read);
        loadedText = text;
    }

    @Override
    public Optional<Principal> authenticate(String bearerToken) {
        if (bearerToken == null || bearerToken.isBlank()) {
            return Optional.empty();
        }
        String hash = ApiKeys.hash(bearerToken.strip());
        if (hash.equals(localKeyHash)) {
            return Optional.of(new Principal(LOCAL_OPERATOR, ApiKeys.SCOPES, List.of()));
        }
        return Optional.ofNullable(keys.get(hash));
    }

    @Override
    public boolean allows(Principal principal, String scope, String serviceOrPipelineId) {
        return principal != null && ApiKeys.allows(principal, scope, serviceOrPipelineId);
    }

    @Override
    public Optional<Principal> anonymous(String remoteHost) {
        return anonymousLoopback && remoteHost != null && ManagementAccess.isLoopback(remoteHost)
                ? Optional.of(new Principal(Principal.ANONYMOUS, Set.of(CALL), List.of()))
                : Optional.empty();
    }

    @Override
    public boolean keysConfigured() {
        return !keys.isEmpty();
    }

    @Override
    public void refused(String door, String reason) {
        refusals.computeIfAbsent(door + '\n' + reason, k -> new LongAdder()).increment();
    }

    @Override
    public void writeTo(PrometheusText out) {
        out.describe("stoa_auth_keys", "gauge", "API keys in force from the keys file");
        out.sample("stoa_auth_keys", keys.size());
        out.describe(
                "stoa_auth_refusals_total",
                "counter",
                "requests refused before reaching a service, by door and reason (missing_key, unknown_key, scope,"
                        + " service, host, origin, content_type)");
        refusals.forEach((k, v) -> {
            int nl = k.indexOf('\n');
            out.sample("stoa_auth_refusals_total", v.sum(), "door", k.substring(0, nl), "reason", k.substring(nl + 1));
        });
    }

    /** Reads the local operator's key, or creates it (owner read/write only) on first start. */
    static String localKey(Path file) {
        try {
            if (Files.exists(file)) {
                String key = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (!key.isEmpty()) {
                    return key;
                }
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            String key = ApiKeys.newKey();
            Path staged = file.resolveSibling(file.getFileName() + ".new");
            Files.deleteIfExists(staged);
            try {
                Files.createFile(
                        staged, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(staged);
            } catch (FileAlreadyExistsException e) {
                throw new IOException("another process is creating " + file, e);
            }
            Files.writeString(staged, key + "\n", StandardCharsets.UTF_8);
            Files.move(staged, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return key;
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot read or create the local operator's key " + file + " (" + e.getMessage() + "); make its"
                            + " folder writable, or set localKeyFile = (empty) in etc/dev.stoa.security.cfg",
                    e);
        }
    }

    private static Path home(BundleContext context) {
        String home = context.getProperty("stoa.home");
        return Path.of(home == null || home.isBlank() ? "." : home);
    }
}
