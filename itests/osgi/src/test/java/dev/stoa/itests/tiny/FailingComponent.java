package dev.stoa.itests.tiny;

/** A Declarative Services component whose activate method throws; declared by OSGI-INF/failing.xml. */
public final class FailingComponent {

    /** Called by SCR. */
    public void activate() {
        throw new IllegalStateException("component refuses to activate (test)");
    }
}
