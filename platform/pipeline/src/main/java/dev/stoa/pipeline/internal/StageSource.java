package dev.stoa.pipeline.internal;

import dev.stoa.api.pipeline.Ref;
import dev.stoa.api.pipeline.SpecNode;
import dev.stoa.api.pipeline.StageSpec;
import java.util.Map;

/** A stage as written, handed to its kind: the engine's {@link StageSpec}. */
final class StageSource implements StageSpec {

    private final String id;
    private final SpecNode value;
    private final Map<String, SpecNode> fields;
    private final SpecReader reader;

    StageSource(String id, SpecNode value, Map<String, SpecNode> fields, SpecReader reader) {
        this.id = id;
        this.value = value;
        this.fields = fields;
        this.reader = reader;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public SpecNode value() {
        return value;
    }

    @Override
    public SpecNode field(String name) {
        return fields.get(name);
    }

    @Override
    public void problem(SpecNode at, String message) {
        reader.problem(at, message);
    }

    @Override
    public String scalar(SpecNode node) {
        return reader.scalar(node);
    }

    @Override
    public Ref ref(SpecNode node) {
        return reader.ref(node);
    }

    @Override
    public Object literal(SpecNode node) {
        return reader.literal(node);
    }
}
