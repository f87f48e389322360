package dev.stoa.train.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ThreadBudgetTest {

    @Test
    void twoCoresGoOneEachToTwoRunsAndBothToOne() {
        ThreadBudget two = new ThreadBudget(2);
        assertThat(two.share(0, 1)).isEqualTo(2);
        assertThat(two.share(0, 2)).isEqualTo(1);
        assertThat(two.share(1, 2)).isEqualTo(1);
    }

    @Test
    void theRemainderGoesToTheEarlierRunsAndNoRunGetsNone() {
        ThreadBudget sixteen = new ThreadBudget(16);
        assertThat(new int[] {sixteen.share(0, 3), sixteen.share(1, 3), sixteen.share(2, 3)})
                .containsExactly(6, 5, 5);
        // more runs than threads: each still gets one (the machine is oversubscribed, as the README says)
        assertThat(new ThreadBudget(2).share(2, 3)).isEqualTo(1);
    }

    @Test
    void zeroMeansEveryCoreAndNonsenseIsRefused() {
        assertThat(ThreadBudget.of(0).threads()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(ThreadBudget.of(3).threads()).isEqualTo(3);
        assertThatThrownBy(() -> new ThreadBudget(0)).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> new ThreadBudget(2).share(2, 2)).isInstanceOf(IllegalArgumentException.class);
    }
}
