import Foundation

/// A length of elapsed time written in the policy language: `30s`, `90m`, `1h30m`, `24h`, `7d`, `2w`.
///
/// The units are `w` (7 days), `d` (24 hours), `h`, `m` and `s`. They may be combined, largest
/// first, each at most once (`1d12h`, `2h30m15s`). A day is always 86,400 seconds: durations are
/// elapsed time, never calendar time.
public struct PolicyDuration: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The length in seconds, never negative.
    public let seconds: Int64

    /// Creates a duration of `seconds` seconds; negative values are clamped to zero.
    public init(seconds: Int64) {
        self.seconds = max(0, seconds)
    }

    /// Parses the policy spelling of a duration, such as `1h30m`.
    ///
    /// - Throws: ``SchedulingError/badDuration(text:reason:)`` naming the text.
    public init(parsing text: String) throws {
        seconds = try Self.parse(text)
    }

    /// The duration as a Foundation time interval.
    public var timeInterval: TimeInterval { TimeInterval(seconds) }

    /// The canonical spelling, which parses back to the same duration.
    ///
    /// Whole weeks are written `Nw` and whole days `Nd`; anything else is written in hours,
    /// minutes and seconds, as people write freezes and soak times: `90m` → `1h30m`, `24h` → `1d`,
    /// `64h` → `64h`, `7d` → `1w`, zero → `0s`.
    public var description: String {
        if seconds == 0 { return "0s" }
        if seconds % Self.week == 0 { return "\(seconds / Self.week)w" }
        if seconds % Self.day == 0 { return "\(seconds / Self.day)d" }
        return Self.spell(seconds, units: [("h", 3600), ("m", 60), ("s", 1)])
    }

    public static func < (lhs: PolicyDuration, rhs: PolicyDuration) -> Bool {
        lhs.seconds < rhs.seconds
    }

    /// A short human phrasing of a stretch of time for messages, such as `3h12m`, `2d4h`, `45s`.
    ///
    /// It keeps the two most significant units and drops the rest (rounding down): days and
    /// hours beyond a day, hours and minutes beyond an hour, minutes and seconds below.
    /// Negative intervals are phrased as zero.
    public static func phrase(_ interval: TimeInterval) -> String {
        guard interval.isFinite, interval >= 1 else { return "0s" }
        let total = Int64(min(interval, 9.0e15))
        if total >= day {
            return spell(total - total % 3600, units: [("d", day), ("h", 3600)])
        }
        if total >= 3600 {
            return spell(total - total % 60, units: [("h", 3600), ("m", 60)])
        }
        return spell(total, units: [("m", 60), ("s", 1)])
    }

    // MARK: - Parsing

    private static let week: Int64 = 7 * 86_400
    /// Durations beyond a century are surely mistakes, and would strain date arithmetic.
    private static let maximum: Int64 = 36_525 * 86_400
    private static let day: Int64 = 86_400
    private static let unitOrder: [Character] = ["w", "d", "h", "m", "s"]
    private static let unitSeconds: [Character: Int64] = ["w": week, "d": day, "h": 3600, "m": 60, "s": 1]

    private static func parse(_ text: String) throws -> Int64 {
        func fail(_ reason: String) -> SchedulingError {
            .badDuration(text: text, reason: reason)
        }
        guard !text.isEmpty else { throw fail("a duration cannot be empty") }

        var total: Int64 = 0
        var number: Int64?
        var lastUnitIndex = -1
        for character in text {
            if let digit = character.wholeNumberValue, character.isASCII {
                let (shifted, overflow1) = (number ?? 0).multipliedReportingOverflow(by: 10)
                let (next, overflow2) = shifted.addingReportingOverflow(Int64(digit))
                guard !overflow1, !overflow2 else { throw fail("the number is too large") }
                number = next
                continue
            }
            let unit = character
            guard let index = unitOrder.firstIndex(of: unit), let size = unitSeconds[unit] else {
                if character == "-" { throw fail("a duration cannot be negative") }
                throw fail("unexpected '\(character)'; use a number followed by s, m, h, d or w, as in 1h30m")
            }
            guard let value = number else {
                throw fail("unit '\(character)' has no number before it")
            }
            if index == lastUnitIndex {
                throw fail("unit '\(unit)' appears more than once")
            }
            if index < lastUnitIndex {
                throw fail("unit '\(unit)' must come before '\(unitOrder[lastUnitIndex])'; write the largest unit first")
            }
            let (part, overflow1) = value.multipliedReportingOverflow(by: size)
            let (sum, overflow2) = total.addingReportingOverflow(part)
            guard !overflow1, !overflow2 else { throw fail("the duration is too large") }
            total = sum
            lastUnitIndex = index
            number = nil
        }
        if let number {
            throw fail("\(number) has no unit; add s, m, h, d or w, as in \(number)m")
        }
        guard total <= maximum else { throw fail("the duration is too large (the limit is 100 years)") }
        return total
    }

    private static func spell(_ seconds: Int64, units: [(String, Int64)]) -> String {
        var rest = seconds
        var text = ""
        for (name, size) in units where rest >= size {
            text += "\(rest / size)\(name)"
            rest %= size
        }
        return text.isEmpty ? "0\(units.last?.0 ?? "s")" : text
    }
}
