package dev.stoa.pipeline.internal;

import dev.stoa.api.AsyncStoaService;
import dev.stoa.api.ServiceKind;
import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaService;
import dev.stoa.api.metrics.MetricsSource;
import dev.stoa.api.metrics.PrometheusText;
import dev.stoa.api.pipeline.ServiceSchema;
import dev.stoa.api.runtime.ExportedService;
import dev.stoa.api.runtime.PipelineDirectory;
import dev.stoa.api.runtime.PipelineInfo;
import dev.stoa.api.runtime.ServiceDirectory;
import dev.stoa.api.tracing.Tracing;
import io.vertx.core.Vertx;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipelines of one folder: each {@code <name>.yaml} file parsed, validated against the running services and,
 * when valid and complete, registered as the service {@code stoa.pipeline.<name>}. Files ending in
 * {@code .stages.yaml} are shared stages, not pipelines: a change to one reloads the pipelines that include it.
 *
 * <p>Reloading a file swaps versions the way bundles swap: the new version is registered before the old one is
 * unregistered, so the bus drains the old version's in-flight requests while new ones go to the new version. A file
 * that no longer parses or validates leaves its last good version serving and reports why. A pipeline that calls a
 * service not installed yet waits, and starts serving when the service appears.
 */
final class PipelineRegistry implements ArtifactInstaller, PipelineDirectory, MetricsSource {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineRegistry.class);

    private final BundleContext context;
    private final Vertx vertx;
    private final Path directory;
    private final String relativeTo;
    private final ServiceDirectory services;
    private final long defaultTimeoutMs;
    private final int defaultMaxInFlight;
    private final StageKinds kinds;
    private final Supplier<Tracing> tracing;
    /** Guarded by this. */
    private final Map<String, Entry> byName = new TreeMap<>();

    /** A pipeline file's state: its last parse, and the version serving, if any. */
    private static final class Entry {
        PipelineDefinition candidate;
        List<String> errors = List.of();
        List<String> missing = List.of();
        String file;
        File artifact;
        PipelineService serving;
        ServiceRegistration<?> registration;
    }

    PipelineRegistry(
            BundleContext context,
            Vertx vertx,
            Path directory,
            String relativeTo,
            ServiceDirectory services,
            long defaultTimeoutMs,
            int defaultMaxInFlight,
            StageKinds kinds) {
        this(context, vertx, directory, relativeTo, services, defaultTimeoutMs, defaultMaxInFlight, kinds, () -> null);
    }

    /** @param tracing the tracing service while one is registered, else {@code null}: spans for stages */
    PipelineRegistry(
            BundleContext context,
            Vertx vertx,
            Path directory,
            String relativeTo,
            ServiceDirectory services,
            long defaultTimeoutMs,
            int defaultMaxInFlight,
            StageKinds kinds,
            Supplier<Tracing> tracing) {
        this.tracing = tracing;
        this.context = context;
        this.vertx = vertx;
        this.directory = directory.toAbsolutePath().normalize();
        this.relativeTo = relativeTo;
        this.services = services;
        this.defaultTimeoutMs = defaultTimeoutMs;
        this.defaultMaxInFlight = defaultMaxInFlight;
        this.kinds = kinds;
    }

    @Override
    public boolean canHandle(File artifact) {
        String n = artifact.getName();
        return (n.endsWith(".yaml") || n.endsWith(".yml"))
                && directory.equals(
                        artifact.toPath().toAbsolutePath().normalize().getParent());
    }

    @Override
    public void install(File artifact) throws IOException {
        load(artifact);
    }

    @Override
    public void update(File artifact) throws IOException {
        load(artifact);
    }

    @Override
    public synchronized void uninstall(File artifact) {
        if (isStageFile(artifact)) {
            stageFileChanged(artifact);
            return;
        }
        Entry e = byName.remove(name(artifact));
        if (e != null && e.registration != null) {
            e.registration.unregister();
            LOG.info("Pipeline '{}' removed ({} was deleted)", name(artifact), e.file);
        }
    }

    @Override
    public synchronized List<PipelineInfo> pipelines() {
        List<PipelineInfo> out = new ArrayList<>();
        byName.forEach((name, e) -> out.add(new PipelineInfo(
                name,
                e.file,
                !e.errors.isEmpty() ? "invalid" : e.registration != null && e.missing.isEmpty() ? "serving" : "waiting",
                e.errors,
                e.missing)));
        return out;
    }

    @Override
    public void writeTo(PrometheusText out) {
        Map<String, PipelineService> serving = new TreeMap<>();
        synchronized (this) {
            byName.forEach((name, e) -> {
                if (e.serving != null) {
                    serving.put(name, e.serving);
                }
            });
        }
        out.describe(
                "stoa_pipeline_stage_total",
                "counter",
                "Stage runs of the serving version of each pipeline," + " by outcome (ok, failed, skipped)");
        serving.forEach((name, p) -> p.stats().forEach((stage, st) -> {
            out.sample("stoa_pipeline_stage_total", st.ok().get(), "pipeline", name, "stage", stage, "outcome", "ok");
            out.sample(
                    "stoa_pipeline_stage_total",
                    st.failed().get(),
                    "pipeline",
                    name,
                    "stage",
                    stage,
                    "outcome",
                    "failed");
            out.sample(
                    "stoa_pipeline_stage_total",
                    st.skipped().get(),
                    "pipeline",
                    name,
                    "stage",
                    stage,
                    "outcome",
                    "skipped");
        }));
        out.describe("stoa_pipeline_stage_latency_seconds", "histogram", "Time a pipeline stage took");
        serving.forEach((name, p) -> p.stats()
                .forEach((stage, st) -> st.latency()
                        .writeTo(out, "stoa_pipeline_stage_latency_seconds", "pipeline", name, "stage", stage)));
    }

    /**
     * Re-checks pipelines that wait for services or are invalid: the services they name may have changed. A serving
     * pipeline keeps serving (its calls fail with the service's own failure code while a service is away) but is
     * listed as waiting for the services that went away, e.g. with the cluster node that served them.
     */
    synchronized void servicesChanged() {
        for (Map.Entry<String, Entry> me : byName.entrySet()) {
            Entry e = me.getValue();
            if (e.candidate != null
                    && (e.serving == null
                            || e.serving.definition() != e.candidate
                            || optionalServicesChanged(e.serving))) {
                activate(me.getKey(), e);
            } else if (e.serving != null) {
                e.missing = List.copyOf(PipelineValidator.validate(e.serving.definition(), runningServices()::get)
                        .missingServices());
            }
        }
    }

    /** @return whether an optional stage's service came or went since this version started serving */
    private boolean optionalServicesChanged(PipelineService serving) {
        Map<String, ExportedService> running = runningServices();
        return serving.definition().stages().values().stream()
                .filter(StageEntry::optional)
                .flatMap(s -> s.services().stream())
                .anyMatch(id -> serving.targets().containsKey(id) != present(running.get(id)));
    }

    /**
     * Reads every pipeline file again: the stage kinds changed (a bundle added or removed one), so files that use a
     * kind load or stop loading. A pipeline whose kind went away stops serving: its stages are that bundle's code.
     */
    synchronized void kindsChanged() {
        for (Map.Entry<String, Entry> me : new ArrayList<>(byName.entrySet())) {
            Entry e = me.getValue();
            if (e.serving != null
                    && e.serving.definition().stages().values().stream().anyMatch(s -> kinds.get(s.kind()) == null)) {
                e.registration.unregister();
                e.registration = null;
                e.serving = null;
                LOG.info("Pipeline '{}' stopped: a stage kind it uses was removed", me.getKey());
            }
            reload(e);
        }
    }

    /** Reloads the pipelines that include a stage file, and those that do not load (they may name it). */
    private void stageFileChanged(File stageFile) {
        String file = relativeTo + "/" + stageFile.getName();
        for (Entry e : new ArrayList<>(byName.values())) {
            if (!e.errors.isEmpty()
                    || e.candidate == null
                    || e.candidate.includes().contains(file)) {
                reload(e);
            }
        }
    }

    private void reload(Entry e) {
        try {
            load(e.artifact);
        } catch (IOException ex) {
            LOG.warn("Pipeline file {} could not be read again: {}", e.file, ex.getMessage());
        }
    }

    /**
     * @return what a service of this node publishes about its JSON fields; {@code null} for none, or for a service of
     *     another node (the cluster's service list does not carry it)
     */
    private PipelineValidator.Schema schemaOf(String id) {
        try {
            ServiceReference<?>[] refs = context.getServiceReferences(
                    StoaService.class.getName(), "(" + ServiceProperties.ID + "=" + escape(id) + ")");
            if (refs == null) {
                return null;
            }
            Object in = refs[0].getProperty(ServiceSchema.INPUT_FIELDS);
            Object out = refs[0].getProperty(ServiceSchema.OUTPUT_FIELDS);
            return in == null && out == null
                    ? null
                    : new PipelineValidator.Schema(ServiceSchema.parse(in), ServiceSchema.parse(out));
        } catch (InvalidSyntaxException | IllegalArgumentException | IllegalStateException e) {
            LOG.warn(
                    "Service '{}' publishes a schema the pipelines cannot read ({}); its fields are not checked",
                    id,
                    e.getMessage());
            return null;
        }
    }

    /** Escapes a value for an LDAP filter (RFC 1960): a service id in a file is user text. */
    private static String escape(String value) {
        return value.replaceAll("([\\\\*()])", "\\\\$1");
    }

    private static boolean isStageFile(File artifact) {
        return artifact.getName().endsWith(PipelineParser.STAGE_FILE_SUFFIX);
    }

    /** @return the text of a file of the folder, by name, or {@code null} when there is none */
    private String readIncluded(String name) {
        Path p = directory.resolve(name).normalize();
        if (!directory.equals(p.getParent()) || !Files.isRegularFile(p)) {
            return null;
        }
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOG.warn("Included stage file {} could not be read: {}", p, e.getMessage());
            return null;
        }
    }

    private static boolean present(ExportedService s) {
        return s != null && !"gone".equals(s.state());
    }

    /**
     * The services by id. Where several nodes of a cluster serve one id, an available entry wins over a gone one, and
     * this node's over another's: they share one address, so the choice only decides the types the file is checked
     * against.
     */
    private Map<String, ExportedService> runningServices() {
        return services.services().stream()
                .collect(Collectors.toMap(
                        ExportedService::id, Function.identity(), (a, b) -> rank(b) > rank(a) ? b : a));
    }

    private static int rank(ExportedService s) {
        return ("available".equals(s.state()) ? 2 : 0) + (s.remote() ? 0 : 1);
    }

    synchronized void close() {
        byName.values().stream().filter(e -> e.registration != null).forEach(e -> e.registration.unregister());
        byName.clear();
    }

    private synchronized void load(File artifact) throws IOException {
        if (isStageFile(artifact)) {
            stageFileChanged(artifact);
            return;
        }
        String name = name(artifact);
        String file = relativeTo + "/" + artifact.getName();
        Entry e = byName.computeIfAbsent(name, n -> new Entry());
        e.file = file;
        e.artifact = artifact;
        try {
            ServiceProperties.requireValidId(name);
        } catch (RuntimeException ex) {
            e.errors = List.of(file + ": the file name gives the pipeline's name, '" + name + "': rename the file with"
                    + " lower-case letters, digits, '.', '_' or '-'");
            return;
        }
        String text = Files.readString(artifact.toPath(), StandardCharsets.UTF_8);
        PipelineParser.Result parsed = PipelineParser.parse(
                file,
                name,
                text,
                new PipelineParser.Settings(defaultTimeoutMs, defaultMaxInFlight, kinds, this::readIncluded));
        if (parsed.definition() == null) {
            e.candidate = null;
            reject(name, e, parsed.errors());
            return;
        }
        e.candidate = parsed.definition();
        activate(name, e);
    }

    private void activate(String name, Entry e) {
        Map<String, ExportedService> running = runningServices();
        PipelineValidator.Result v = PipelineValidator.validate(e.candidate, running::get, this::schemaOf);
        if (!v.errors().isEmpty()) {
            reject(name, e, v.errors());
            return;
        }
        e.errors = List.of();
        e.missing = List.copyOf(v.missingServices());
        if (!e.missing.isEmpty()) {
            LOG.info("Pipeline '{}' waits for services {}", name, e.missing);
            return;
        }
        if (e.serving == null || e.serving.definition() != e.candidate) {
            // once per loaded version, not on every service change
            v.notes().forEach(note -> LOG.info("Pipeline '{}', not checked before a request: {}", name, note));
        }
        Map<String, PipelineService.Target> targets = new HashMap<>();
        // an optional stage's absent service gets no target: the stage is skipped until it comes
        e.candidate.stages().values().stream()
                .flatMap(s -> s.services().stream())
                .filter(id -> present(running.get(id)))
                .forEach(id -> targets.put(
                        id,
                        new PipelineService.Target(
                                running.get(id).address(),
                                running.get(id).inputType(),
                                running.get(id).remote())));
        PipelineService next = new PipelineService(vertx, e.candidate, targets, tracing);
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(ServiceProperties.ID, name);
        props.put(ServiceProperties.KIND, ServiceKind.PIPELINE.id());
        props.put("stoa.pipeline.file", e.file);
        if (writes(e.candidate.stages().values().stream()
                .flatMap(s -> s.services().stream())
                .toList())) {
            // a pipeline with a stage that changes state changes state: callers need the 'write' scope
            props.put(ServiceProperties.WRITES, true);
        }
        ServiceRegistration<?> previous = e.registration;
        // new version first, then the old one goes: the bus drains it while new calls reach the new version
        e.registration = context.registerService(
                new String[] {StoaService.class.getName(), AsyncStoaService.class.getName()}, next, props);
        e.serving = next;
        if (previous != null) {
            previous.unregister();
        }
        LOG.info(
                "Pipeline '{}' {} from {} ({} stages)",
                name,
                previous == null ? "serving" : "reloaded",
                e.file,
                e.candidate.stages().size());
    }

    /** @return whether any of these service ids is registered with {@link ServiceProperties#WRITES} = true */
    private boolean writes(List<String> ids) {
        for (String id : ids) {
            try {
                String escaped = id.replace("\\", "\\\\")
                        .replace("*", "\\*")
                        .replace("(", "\\(")
                        .replace(")", "\\)");
                if (context.getServiceReferences(
                                (String) null,
                                "(&(" + ServiceProperties.ID + "=" + escaped + ")(" + ServiceProperties.WRITES
                                        + "=true))")
                        != null) {
                    return true;
                }
            } catch (org.osgi.framework.InvalidSyntaxException | IllegalStateException e) {
                return true; // cannot tell: the stricter answer
            }
        }
        return false;
    }

    private void reject(String name, Entry e, List<PipelineError> errors) {
        e.errors = errors.stream().map(PipelineError::toString).collect(Collectors.toCollection(ArrayList::new));
        String keep = e.registration != null ? "; its previous version keeps serving" : "";
        if (e.registration != null) {
            e.errors.add(e.file + ": the previous valid version keeps serving until this is fixed");
        }
        LOG.error("Pipeline '{}' is invalid{}:\n  {}", name, keep, String.join("\n  ", e.errors));
    }

    private static String name(File artifact) {
        String n = artifact.getName();
        return n.substring(0, n.lastIndexOf('.'));
    }
}
