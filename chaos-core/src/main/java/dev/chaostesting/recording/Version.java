package dev.chaostesting.recording;

/** The tool's name and version as written into recordings and exports. */
final class Version {
    static final String TOOL = "chaos-testing " + version();

    private Version() {}

    private static String version() {
        var v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
