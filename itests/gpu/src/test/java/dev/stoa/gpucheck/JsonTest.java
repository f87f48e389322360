package dev.stoa.gpucheck;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void writesNestedValuesThatAJsonParserReadsBack() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("quote \" and \\ and \n newline \u0001", "tab\there");
        inner.put("list", List.of(1, 2.5, "x", true));
        inner.put("tiny", 1.5e-7);
        inner.put("nan", Double.NaN);
        inner.put("none", null);
        inner.put("raw", new Json.Raw(" {\"a\": [1, 2]} \n"));
        inner.put("empty", Map.of());
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("inner", inner);
        root.put("ints", new int[] {3, 4});
        root.put("big", 12_345_678_901L);

        JsonObject parsed = new JsonObject(Json.write(root));

        JsonObject i = parsed.getJsonObject("inner");
        assertThat(i.getString("quote \" and \\ and \n newline \u0001")).isEqualTo("tab\there");
        assertThat(i.getJsonArray("list").getList()).containsExactly(1, 2.5, "x", true);
        assertThat(i.getDouble("tiny")).isEqualTo(1.5e-7);
        assertThat(i.containsKey("nan")).isTrue();
        assertThat(i.getValue("nan")).isNull();
        assertThat(i.getValue("none")).isNull();
        assertThat(i.getJsonObject("raw").getJsonArray("a").getList()).containsExactly(1, 2);
        assertThat(i.getJsonObject("empty").isEmpty()).isTrue();
        assertThat(parsed.getJsonArray("ints").getList()).containsExactly(3, 4);
        assertThat(parsed.getLong("big")).isEqualTo(12_345_678_901L);
        assertThat(List.copyOf(parsed.fieldNames())).containsExactly("inner", "ints", "big"); // order kept
    }
}
