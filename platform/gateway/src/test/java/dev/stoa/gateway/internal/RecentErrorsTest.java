package dev.stoa.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecentErrorsTest {

    @Test
    void keepsTheNewestFirstWithinItsCapacityAndCountsAll() {
        RecentErrors errors = new RecentErrors(3, null);
        for (int i = 1; i <= 5; i++) {
            errors.add("service:s" + i, "failed " + i, i % 2 == 0 ? "TIMEOUT" : null, i % 2 == 0 ? 504 : 0);
        }
        JsonObject all = errors.list(10);
        JsonArray list = all.getJsonArray("errors");
        assertThat(all.getLong("total")).isEqualTo(5);
        assertThat(list).hasSize(3);
        assertThat(list.getJsonObject(0).getString("message")).isEqualTo("failed 5");
        assertThat(list.getJsonObject(1).getString("code")).isEqualTo("TIMEOUT");
        assertThat(list.getJsonObject(1).getInteger("status")).isEqualTo(504);
        assertThat(list.getJsonObject(0).containsKey("code")).isFalse();
        assertThat(list.getJsonObject(2).getString("source")).isEqualTo("service:s3");
        assertThat(list.getJsonObject(2).getLong("id")).isEqualTo(3);
        assertThat(errors.list(1).getJsonArray("errors")).hasSize(1);
    }

    @Test
    void eachErrorIsAlsoAnErrorEvent() {
        ConsoleEvents events = new ConsoleEvents(8);
        List<ConsoleEvents.Event> got = new ArrayList<>();
        events.subscribe(-1, Set.of("error"), got::add);
        JsonObject entry = new RecentErrors(5, events).add("training:x", "failed: out of memory", null, 0);
        assertThat(got).hasSize(1);
        assertThat(got.get(0).kind()).isEqualTo("error");
        assertThat(got.get(0).data()).isEqualTo(entry);
    }
}
