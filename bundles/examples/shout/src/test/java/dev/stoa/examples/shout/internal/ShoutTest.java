package dev.stoa.examples.shout.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Text;
import org.junit.jupiter.api.Test;

class ShoutTest {

    @Test
    void answersInUpperCase() {
        assertThat(new Shout().call(new Text("hello, Stoa")).value()).isEqualTo("HELLO, STOA");
    }

    @Test
    void tooLongInputIsBadInputNamingTheField() {
        Text tooLong = new Text("a".repeat(Shout.MAX_LENGTH + 1));
        assertThatThrownBy(() -> new Shout().call(tooLong))
                .isInstanceOfSatisfying(
                        StoaException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_INPUT))
                .hasMessageContaining("'text'");
    }
}
