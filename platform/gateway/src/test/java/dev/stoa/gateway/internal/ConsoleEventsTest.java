package dev.stoa.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ConsoleEventsTest {

    @Test
    void eventsGetIncreasingIdsAndATime() {
        ConsoleEvents events = new ConsoleEvents(10);
        ConsoleEvents.Event a = events.publish("bundle", new JsonObject().put("id", 1));
        ConsoleEvents.Event b = events.publish("error", new JsonObject().put("time", "then"));
        assertThat(b.id()).isEqualTo(a.id() + 1);
        assertThat(a.data().getString("time")).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(b.data().getString("time")).isEqualTo("then");
        assertThat(a.wire())
                .isEqualTo(
                        "id: " + a.id() + "\nevent: bundle\ndata: " + a.data().encode() + "\n\n");
    }

    @Test
    void subscribersGetOnlyTheirKindsAndNothingAfterUnsubscribing() {
        ConsoleEvents events = new ConsoleEvents(10);
        List<ConsoleEvents.Event> got = new ArrayList<>();
        Consumer<ConsoleEvents.Event> sink = got::add;
        events.subscribe(-1, Set.of("training"), sink);
        events.publish("bundle", new JsonObject());
        events.publish("training", new JsonObject().put("step", 10));
        assertThat(events.subscribers()).isEqualTo(1);
        events.unsubscribe(sink);
        events.publish("training", new JsonObject().put("step", 20));
        assertThat(got).extracting(e -> e.data().getInteger("step")).containsExactly(10);
        assertThat(events.subscribers()).isZero();
    }

    @Test
    void sinceReplaysWhatIsStillHeldThenGoesLiveWithoutGapsOrRepeats() {
        ConsoleEvents events = new ConsoleEvents(3);
        for (int i = 1; i <= 5; i++) {
            events.publish("deploy", new JsonObject().put("n", i));
        }
        assertThat(events.recent()).extracting(ConsoleEvents.Event::id).containsExactly(3L, 4L, 5L);
        List<Long> got = new ArrayList<>();
        long last = events.subscribe(3, Set.copyOf(ConsoleEvents.KINDS), e -> got.add(e.id()));
        events.publish("deploy", new JsonObject());
        assertThat(last).isEqualTo(5);
        assertThat(got).containsExactly(4L, 5L, 6L);
        List<Long> none = new ArrayList<>();
        events.subscribe(-1, Set.copyOf(ConsoleEvents.KINDS), e -> none.add(e.id()));
        assertThat(none).isEmpty();
    }
}
