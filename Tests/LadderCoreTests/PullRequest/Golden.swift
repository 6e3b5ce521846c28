import Foundation
import Testing

/// Golden files next to this source file, under `.golden/`. They are rewritten only when
/// `LADDER_RECORD_GOLDEN=1`; otherwise a mismatch fails with a line diff.
///
/// The directory is hidden because SwiftPM skips dot files: a visible directory inside the test
/// target would draw an "unhandled files" warning unless Package.swift excluded it.
enum Golden {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(".golden")

    static var recording: Bool { ProcessInfo.processInfo.environment["LADDER_RECORD_GOLDEN"] == "1" }

    static func assertMatches(_ actual: String, file name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let url = directory.appendingPathComponent(name)
        if recording {
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                try actual.write(to: url, atomically: true, encoding: .utf8)
            } catch {
                Issue.record("cannot record golden file \(url.path): \(error)", sourceLocation: sourceLocation)
            }
            return
        }
        guard let data = FileManager.default.contents(atPath: url.path), let expected = String(data: data, encoding: .utf8) else {
            Issue.record("missing golden file \(url.path); run with LADDER_RECORD_GOLDEN=1 to record it", sourceLocation: sourceLocation)
            return
        }
        if expected != actual {
            Issue.record(
                "\(name) differs from its golden file (- golden, + actual; LADDER_RECORD_GOLDEN=1 re-records):\n\(diff(expected, actual))",
                sourceLocation: sourceLocation)
        }
    }

    /// A short line diff: the first differing region with a little context.
    static func diff(_ expected: String, _ actual: String) -> String {
        let old = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let new = actual.split(separator: "\n", omittingEmptySubsequences: false)
        var start = 0
        while start < old.count, start < new.count, old[start] == new[start] { start += 1 }
        var oldEnd = old.count
        var newEnd = new.count
        while oldEnd > start, newEnd > start, old[oldEnd - 1] == new[newEnd - 1] {
            oldEnd -= 1
            newEnd -= 1
        }
        var lines: [String] = ["@@ line \(start + 1) @@"]
        for index in max(0, start - 2)..<start { lines.append("  " + old[index]) }
        for index in start..<min(oldEnd, start + 40) { lines.append("- " + old[index]) }
        for index in start..<min(newEnd, start + 40) { lines.append("+ " + new[index]) }
        for index in oldEnd..<min(old.count, oldEnd + 2) { lines.append("  " + old[index]) }
        return lines.joined(separator: "\n")
    }
}
