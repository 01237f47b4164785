package dev.chaostesting.transparent;

import dev.chaostesting.Interceptor;

/** A separate JVM for the killed-run test: starts a transparent interceptor, says so, and waits to be killed. */
public final class TransparentChild {

    private TransparentChild() {}

    public static void main(String[] args) throws Exception {
        var interceptor =
                Interceptor.onPort(Integer.parseInt(args[0])).transparent().start();
        System.out.println("ready " + interceptor.port());
        System.out.flush();
        Thread.sleep(60_000); // killed long before: the test must not depend on this timing out
        interceptor.close();
    }
}
