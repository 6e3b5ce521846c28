/// The version of Ladder, shown by `ladder --version` and recorded in audit events.
public enum LadderVersion {
    public static let current = "0.1.0"
}
