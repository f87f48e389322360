package dev.stoa.deploy.internal;

import dev.stoa.api.runtime.DeployedArtifact;
import dev.stoa.api.runtime.DeployedArtifact.Status;
import dev.stoa.api.runtime.DeploymentReport;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.FrameworkWiring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs, updates and uninstalls the jars of one folder as bundles, and remembers why any of them is not running.
 *
 * <p>FileInstall watches the folder and calls this {@link ArtifactInstaller} for each jar added, changed or deleted.
 * Doing the install ourselves (rather than letting FileInstall's built-in bundle handling do it) is what lets the
 * platform report a broken jar with its reason: FileInstall only logs failures, and skips jars without a
 * {@code Bundle-SymbolicName} in silence.
 *
 * <p>An update stops the old bundle (its services unregister, and the bus drains their in-flight calls before they
 * go), replaces its content and starts it again; the old revision is refreshed away only when another bundle still
 * holds it.
 */
final class BundleDeployer implements ArtifactInstaller, DeploymentReport {

    private static final Logger LOG = LoggerFactory.getLogger(BundleDeployer.class);
    private static final long REFRESH_TIMEOUT_SECONDS = 60;

    private final BundleContext context;
    private final Path directory;
    private final Map<String, DeployedArtifact> byFile = new ConcurrentHashMap<>();

    BundleDeployer(BundleContext context, Path directory) {
        this.context = context;
        this.directory = directory.toAbsolutePath().normalize();
    }

    @Override
    public Path directory() {
        return directory;
    }

    @Override
    public List<DeployedArtifact> artifacts() {
        List<DeployedArtifact> list = new ArrayList<>(byFile.values());
        list.replaceAll(this::withCurrentState);
        list.sort(Comparator.comparing(DeployedArtifact::file));
        return list;
    }

    @Override
    public boolean canHandle(File artifact) {
        return artifact.getName().endsWith(".jar")
                && directory.equals(artifact.toPath().toAbsolutePath().getParent());
    }

    @Override
    public void install(File artifact) {
        String location = location(artifact);
        Bundle existing = context.getBundle(location);
        if (existing != null) {
            // left over from an earlier run of the deployer: treat as an update so the content is current
            update(artifact);
            return;
        }
        String notABundle = checkManifest(artifact);
        if (notABundle != null) {
            fail(artifact, -1, Status.INSTALL_FAILED, notABundle);
            return;
        }
        Bundle bundle;
        try (InputStream in = Files.newInputStream(artifact.toPath())) {
            bundle = context.installBundle(location, in);
        } catch (BundleException | IOException | RuntimeException e) {
            fail(
                    artifact,
                    -1,
                    Status.INSTALL_FAILED,
                    "could not be installed: " + reason(e) + "; fix the bundle's manifest and copy it again");
            return;
        }
        LOG.info("Installed {} from deploy/{}", describe(bundle), artifact.getName());
        start(artifact, bundle);
    }

    @Override
    public void update(File artifact) {
        Bundle bundle = context.getBundle(location(artifact));
        if (bundle == null) {
            install(artifact);
            return;
        }
        String notABundle = checkManifest(artifact);
        if (notABundle != null) {
            // keep the running version: a broken update must not take down what works
            fail(
                    artifact,
                    bundle.getBundleId(),
                    Status.INSTALL_FAILED,
                    notABundle + " (the previous version keeps running)");
            return;
        }
        long started = System.nanoTime();
        try (InputStream in = Files.newInputStream(artifact.toPath())) {
            bundle.update(in);
        } catch (BundleException | IOException | RuntimeException e) {
            fail(
                    artifact,
                    bundle.getBundleId(),
                    Status.INSTALL_FAILED,
                    "could not be updated: " + reason(e)
                            + "; fix the bundle and copy it again (the previous version keeps running)");
            return;
        }
        refreshIfPending(bundle);
        start(artifact, bundle);
        LOG.info(
                "Updated {} from deploy/{} in {} ms",
                describe(bundle),
                artifact.getName(),
                (System.nanoTime() - started) / 1_000_000);
    }

    @Override
    public void uninstall(File artifact) {
        byFile.remove(artifact.getName());
        Bundle bundle = context.getBundle(location(artifact));
        if (bundle == null) {
            return;
        }
        try {
            bundle.uninstall();
            LOG.info("Uninstalled {} (deploy/{} was removed)", describe(bundle), artifact.getName());
        } catch (BundleException | IllegalStateException e) {
            LOG.warn("Could not uninstall {}: {}", describe(bundle), e.getMessage());
        }
        refreshIfPending(bundle);
    }

    private void start(File artifact, Bundle bundle) {
        if (isFragment(bundle)) {
            record(artifact, bundle, Status.ACTIVE, null);
            return;
        }
        try {
            bundle.start();
            record(artifact, bundle, Status.ACTIVE, null);
        } catch (BundleException | IllegalStateException e) {
            if (bundle.getState() == Bundle.INSTALLED) {
                fail(
                        artifact,
                        bundle.getBundleId(),
                        Status.UNRESOLVED,
                        "cannot resolve: "
                                + Requirements.describeUnresolved(context, bundle, e.getMessage())
                                + "; install a bundle that exports what is missing, or mark the import optional");
            } else {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                fail(
                        artifact,
                        bundle.getBundleId(),
                        Status.START_FAILED,
                        "failed to start: "
                                + cause.getClass().getSimpleName() + ": " + cause.getMessage()
                                + "; see data/log/stoa.log for the stack trace");
            }
        }
    }

    /** Re-reads the bundle's state: a bundle that started later (its missing import appeared) counts as active. */
    private DeployedArtifact withCurrentState(DeployedArtifact a) {
        if (a.status() == Status.UNRESOLVED || a.status() == Status.ACTIVE) {
            Bundle b = a.bundleId() < 0 ? null : context.getBundle(a.bundleId());
            if (b != null && b.getState() == Bundle.ACTIVE && a.status() != Status.ACTIVE) {
                return new DeployedArtifact(a.file(), a.location(), a.bundleId(), Status.ACTIVE, null, a.handledAt());
            }
        }
        return a;
    }

    private void refreshIfPending(Bundle bundle) {
        FrameworkWiring wiring = context.getBundle(0).adapt(FrameworkWiring.class);
        if (!wiring.getRemovalPendingBundles().contains(bundle)) {
            return;
        }
        CountDownLatch done = new CountDownLatch(1);
        wiring.refreshBundles(List.of(bundle), (FrameworkEvent e) -> done.countDown());
        try {
            if (!done.await(REFRESH_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("Refreshing {} took over {} s", describe(bundle), REFRESH_TIMEOUT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return why the file is not a bundle, or {@code null} when its manifest names one */
    static String checkManifest(File artifact) {
        try (JarFile jar = new JarFile(artifact)) {
            Manifest m = jar.getManifest();
            if (m == null) {
                return "is not an OSGi bundle: it has no META-INF/MANIFEST.MF; build it with maven-bundle-plugin or bnd";
            }
            if (m.getMainAttributes().getValue("Bundle-SymbolicName") == null) {
                return "is not an OSGi bundle: its manifest has no Bundle-SymbolicName; build it with"
                        + " maven-bundle-plugin or bnd";
            }
            return null;
        } catch (IOException | SecurityException e) {
            return "is not a readable jar (" + e.getMessage() + "); copy an intact jar file";
        }
    }

    private void record(File artifact, Bundle bundle, Status status, String problem) {
        byFile.put(
                artifact.getName(),
                new DeployedArtifact(
                        artifact.getName(),
                        location(artifact),
                        bundle.getBundleId(),
                        status,
                        problem,
                        System.currentTimeMillis()));
    }

    private void fail(File artifact, long bundleId, Status status, String problem) {
        LOG.error("deploy/{} {}", artifact.getName(), problem);
        byFile.put(
                artifact.getName(),
                new DeployedArtifact(
                        artifact.getName(),
                        location(artifact),
                        bundleId,
                        status,
                        "deploy/" + artifact.getName() + " " + problem,
                        System.currentTimeMillis()));
    }

    /** The framework wraps the useful message (which header, what is wrong with it) in causes: show them all. */
    static String reason(Throwable e) {
        StringBuilder s = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            if (m != null && !m.isBlank() && s.indexOf(m) < 0) {
                s.append(s.length() == 0 ? "" : ": ").append(m.trim());
            }
        }
        return s.length() == 0 ? e.getClass().getSimpleName() : s.toString();
    }

    private static boolean isFragment(Bundle bundle) {
        return bundle.getHeaders().get("Fragment-Host") != null;
    }

    static String location(File artifact) {
        return artifact.toPath().toAbsolutePath().normalize().toUri().toString();
    }

    private static String describe(Bundle b) {
        return b.getSymbolicName() + " " + b.getVersion() + " [" + b.getBundleId() + "]";
    }
}
