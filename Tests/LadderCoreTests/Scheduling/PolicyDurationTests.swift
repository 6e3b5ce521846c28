import Foundation
import Testing
@testable import LadderCore

/// The scheduling tests, grouped so that `swift test --filter Scheduling` runs them all.
@Suite struct SchedulingTests {}

extension SchedulingTests {
    @Suite struct PolicyDurationTests {
        @Test(arguments: [
            ("30s", 30), ("90m", 5_400), ("1h30m", 5_400), ("24h", 86_400), ("7d", 604_800),
            ("2w", 1_209_600), ("1d12h", 129_600), ("2h30m15s", 9_015), ("0s", 0), ("1w1d1h1m1s", 694_861),
        ] as [(String, Int64)])
        func parses(_ text: String, _ seconds: Int64) throws {
            let duration = try PolicyDuration(parsing: text)
            #expect(duration.seconds == seconds)
            #expect(duration.timeInterval == TimeInterval(seconds))
        }

        @Test(arguments: [
            ("90m", "1h30m"), ("24h", "1d"), ("64h", "64h"), ("7d", "1w"), ("14d", "2w"), ("36h", "36h"),
            ("1d12h", "36h"), ("30s", "30s"), ("0s", "0s"), ("2h30m15s", "2h30m15s"), ("120s", "2m"),
        ])
        func canonicalDescription(_ text: String, _ canonical: String) throws {
            let duration = try PolicyDuration(parsing: text)
            #expect(duration.description == canonical)
            #expect(try PolicyDuration(parsing: canonical) == duration)
        }

        @Test(arguments: [
            ("", "cannot be empty"),
            ("90", "90 has no unit"),
            ("1h30", "30 has no unit"),
            ("-5m", "cannot be negative"),
            ("1h1h", "unit 'h' appears more than once"),
            ("30m1h", "unit 'h' must come before 'm'"),
            ("h", "unit 'h' has no number before it"),
            ("1.5h", "unexpected '.'"),
            ("1 h", "unexpected ' '"),
            ("1H", "unexpected 'H'"),
            ("1y", "unexpected 'y'"),
            ("99999999999999999999s", "too large"),
            ("9999999999999w", "too large"),
            ("5218w", "too large"),
            ("5217w", nil),
        ])
        func rejects(_ text: String, _ reason: String?) {
            do {
                _ = try PolicyDuration(parsing: text)
                if reason != nil { Issue.record("'\(text)' parsed") }
            } catch {
                let message = error.localizedDescription
                #expect(reason != nil, "\(message)")
                #expect(message.hasPrefix("bad duration '\(text)': "), "\(message)")
                #expect(message.contains(reason ?? ""), "\(message)")
            }
        }

        @Test(arguments: [
            (0, "0s"), (0.4, "0s"), (-30, "0s"), (45, "45s"), (720, "12m"), (750, "12m30s"), (3_600, "1h"),
            (11_550, "3h12m"), (86_400, "1d"), (2 * 86_400 + 4 * 3_600 + 1_800, "2d4h"),
        ] as [(TimeInterval, String)])
        func phrases(_ interval: TimeInterval, _ text: String) {
            #expect(PolicyDuration.phrase(interval) == text)
        }

        @Test func orders() throws {
            #expect(try PolicyDuration(parsing: "59m") < PolicyDuration(parsing: "1h"))
            #expect(PolicyDuration(seconds: -5).seconds == 0)
        }
    }
}
