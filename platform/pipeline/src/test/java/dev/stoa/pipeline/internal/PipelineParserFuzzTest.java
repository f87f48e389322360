package dev.stoa.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Random pipeline files, seeded so a failure reproduces: the shipped files mutated (characters dropped, doubled,
 * swapped, replaced by YAML's punctuation), and files generated from the stage language's own words with hostile
 * values (huge numbers, deep nesting, aliases, tags, unicode, control characters). Whatever the text, the parser
 * answers with its own result: a definition, or {@link PipelineError}s that name a line. It never throws.
 */
class PipelineParserFuzzTest {

    private static final long SEED = 20261207L;
    private static final int MUTATIONS = 3000;
    private static final int GENERATED = 3000;

    private static final String[] KEYS = {
        "input",
        "stages",
        "output",
        "include",
        "description",
        "call",
        "map",
        "template",
        "merge",
        "top",
        "when",
        "timeout",
        "retries",
        "maxInFlight",
        "optional",
        "with",
        "by",
        "image",
        "text",
        "question",
        "k",
        "a",
        "b"
    };
    private static final String[] SCALARS = {
        "$input",
        "$a",
        "$a.text",
        "$b.items[0]",
        "$",
        "$$",
        "{{a.text}}",
        "{{",
        "}}",
        "{{input}}",
        "shout",
        "Image",
        "Text",
        "String?",
        "Number",
        "List",
        "Object",
        "JsonObject",
        "5s",
        "0s",
        "-1",
        "99999999999999999999999",
        "1e308",
        "NaN",
        ".inf",
        "-0",
        "2147483648",
        "0x7fffffff",
        "true",
        "null",
        "~",
        "''",
        "\"\"",
        "ü-ñ-日本",
        "\u0000",
        "\u202e",
        "$a > 0.5",
        "$a.score >= 1e400",
        "$a == 'x'",
        "!= $b",
        "x.stages.yaml",
        "../../etc/passwd",
        "stoa.pipeline.x",
        "*alias",
        "&anchor v",
        "!!binary AAAA",
        "!!python/object:os.system x",
        "[",
        "]",
        "{",
        "}",
        "'unterminated",
        "\"unterminated",
        "|",
        ">",
        "- - -",
        "? complex key",
        "%YAML 1.1",
        "---",
        "..."
    };

    @Test
    void mutatedShippedFilesNeverThrow() throws IOException {
        List<String> seeds = shipped();
        assertThat(seeds).isNotEmpty();
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < MUTATIONS; i++) {
            String text = mutate(seeds.get(random.nextInt(seeds.size())), random);
            parseQuietly(text, i);
        }
    }

    @Test
    void generatedFilesNeverThrow() {
        SplittableRandom random = new SplittableRandom(SEED + 1);
        for (int i = 0; i < GENERATED; i++) {
            StringBuilder out = new StringBuilder();
            mapping(out, random, 0, 1 + random.nextInt(4));
            parseQuietly(out.toString(), i);
        }
    }

    @Test
    void pathologicalTextsEndAsErrors() {
        String deep = "a: ".repeat(5000) + "x";
        String wide = "stages:\n" + "  s%d:\n    template: x\n".repeat(1).formatted(0)
                + Stream.iterate(1, n -> n + 1)
                        .limit(3000)
                        .map(n -> "  s" + n + ":\n    template: \"{{s" + (n - 1) + ".text}}\"\n")
                        .reduce("", String::concat);
        String aliases = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                + "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                + "stages: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n";
        for (String text : List.of(deep, wide, aliases, "", "\u0000", "[[[[[[[[[[", "stages: {}", "stages:\n  a: 1")) {
            parseQuietly(text, -1);
        }
    }

    private static void parseQuietly(String text, int i) {
        PipelineParser.Result r;
        try {
            r = PipelineParser.parse(
                    "pipelines/fuzz.yaml",
                    "fuzz",
                    text,
                    new PipelineParser.Settings(
                            30_000, 64, StageKinds.builtIn(), name -> "stages:\n  x:\n    template: y\n"));
        } catch (RuntimeException | StackOverflowError e) {
            fail("case " + i + " threw " + e + " for:\n" + abbreviate(text), e);
            return;
        }
        assertThat(r).isNotNull();
        if (r.definition() == null) {
            assertThat(r.errors())
                    .as("case %d: no definition, so at least one error", i)
                    .isNotEmpty();
        }
        for (PipelineError e : r.errors()) {
            assertThat(e.file()).isNotNull();
            assertThat(e.message()).as("case %d", i).isNotBlank();
        }
    }

    private static List<String> shipped() throws IOException {
        List<String> out = new ArrayList<>();
        for (Path folder : List.of(ShippedPipelinesTest.SHIPPED, ShippedPipelinesTest.VQA_EXAMPLES)) {
            try (Stream<Path> files = Files.list(folder)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".yaml"))
                        .sorted()
                        .toList()) {
                    out.add(Files.readString(f));
                }
            }
        }
        return out;
    }

    private static String mutate(String text, SplittableRandom random) {
        StringBuilder s = new StringBuilder(text);
        int edits = 1 + random.nextInt(8);
        String punctuation = ":-[]{}'\"&*!|>#%@`,?$\n\t ";
        for (int e = 0; e < edits && s.length() > 0; e++) {
            int at = random.nextInt(s.length());
            switch (random.nextInt(6)) {
                case 0 -> s.deleteCharAt(at);
                case 1 -> s.insert(at, punctuation.charAt(random.nextInt(punctuation.length())));
                case 2 -> s.insert(at, SCALARS[random.nextInt(SCALARS.length)]);
                case 3 -> s.setLength(at); // truncated
                case 4 -> {
                    int to = Math.min(s.length(), at + random.nextInt(200));
                    s.insert(at, s.substring(at, to)); // a doubled run of lines
                }
                default -> s.setCharAt(at, (char) random.nextInt(0x3000));
            }
        }
        return s.toString();
    }

    private static void mapping(StringBuilder out, SplittableRandom random, int indent, int entries) {
        for (int e = 0; e < entries; e++) {
            out.append(" ".repeat(indent))
                    .append(KEYS[random.nextInt(KEYS.length)])
                    .append(':');
            int shape = indent > 12 ? 0 : random.nextInt(4);
            switch (shape) {
                case 1 -> {
                    out.append('\n');
                    mapping(out, random, indent + 2, 1 + random.nextInt(4));
                }
                case 2 -> {
                    out.append(" [");
                    int n = random.nextInt(5);
                    for (int i = 0; i < n; i++) {
                        out.append(i == 0 ? "" : ", ").append(scalar(random));
                    }
                    out.append("]\n");
                }
                default -> out.append(' ').append(scalar(random)).append('\n');
            }
        }
    }

    private static String scalar(SplittableRandom random) {
        return switch (random.nextInt(4)) {
            case 0 -> Long.toString(random.nextLong());
            case 1 -> "\"" + SCALARS[random.nextInt(SCALARS.length)].replace("\"", "\\\"") + "\"";
            default -> SCALARS[random.nextInt(SCALARS.length)];
        };
    }

    private static String abbreviate(String text) {
        return text.length() > 2000 ? text.substring(0, 2000) + "..." : text;
    }
}
