package dev.stoa.pipeline.internal;

import dev.stoa.api.data.Text;
import dev.stoa.api.pipeline.ComputedStage;
import dev.stoa.api.pipeline.Ref;
import dev.stoa.api.pipeline.Stage;
import dev.stoa.api.pipeline.StageKind;
import dev.stoa.api.pipeline.StageSpec;
import dev.stoa.api.pipeline.StageTypes;
import dev.stoa.api.pipeline.ValueType;
import dev.stoa.api.pipeline.Values;
import java.util.List;
import java.util.Set;

/** {@code template: "Scene: {{caption.text}}"}: builds a {@link Text} from earlier outputs. */
final class TemplateKind implements StageKind {

    @Override
    public String name() {
        return "template";
    }

    @Override
    public Set<String> fields() {
        return Set.of();
    }

    @Override
    public Stage parse(StageSpec spec) {
        String text = spec.scalar(spec.value());
        return text == null ? null : new TemplateStage(Template.parse(text));
    }

    /** The parsed stage. */
    record TemplateStage(Template template) implements ComputedStage {

        @Override
        public List<Ref> reads() {
            return template.refs();
        }

        @Override
        public ValueType check(StageTypes types) {
            return ValueType.of("Text");
        }

        @Override
        public Object compute(Values values) {
            return new Text(template.render(values));
        }
    }
}
