import Foundation

/// Entry point used by the `ladder` executable.
public enum LadderMain {
    public static func run() {
        print("ladder")
    }
}
