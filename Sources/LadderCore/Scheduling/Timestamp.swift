import Foundation

/// RFC 3339 timestamps, as used by `--now`, window `from`/`until` and review `submitted_at`.
public enum Timestamp {
    /// Parses an RFC 3339 date and time such as `2026-11-22T10:00:00Z`,
    /// `2026-11-22T11:00:00+01:00` or `2026-11-22T10:00:00.250Z`.
    ///
    /// The offset is required (`Z`, or `+hh:mm` / `-hh:mm`; `-00:00` is read as UTC). `T` and `Z`
    /// may be lower case, as RFC 3339 allows. Leap seconds (`:60`) are refused: nothing Ladder
    /// reads produces them and `Date` cannot hold them.
    ///
    /// - Throws: ``SchedulingError/badTimestamp(text:reason:)`` naming the text.
    public static func parse(_ text: String) throws -> Date {
        var scanner = Scanner(text: text)
        let date = try scanner.timestamp()
        // The offset may carry the instant outside years 0000–9999 in UTC, which RFC 3339 (and
        // `format`) cannot write back.
        let year = CivilTime.civilDate(dayNumber: CivilTime.floorDiv(CivilTime.epochSeconds(date), CivilTime.secondsPerDay)).0
        guard (0...9999).contains(year) else {
            throw SchedulingError.badTimestamp(text: text, reason: "the instant falls outside the years 0000 to 9999 in UTC")
        }
        return date
    }

    /// Formats an instant as RFC 3339 in UTC, whole seconds (rounded down), e.g. `2026-11-22T10:00:00Z`.
    public static func format(_ date: Date) -> String {
        let seconds = CivilTime.epochSeconds(date)
        let dayNumber = CivilTime.floorDiv(seconds, CivilTime.secondsPerDay)
        let secondOfDay = Int(seconds - dayNumber * CivilTime.secondsPerDay)
        let (year, month, day) = CivilTime.civilDate(dayNumber: dayNumber)
        let pad = CivilTime.pad
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T"
            + "\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay % 3600 / 60, 2)):\(pad(secondOfDay % 60, 2))Z"
    }

    private struct Scanner {
        let text: String
        let bytes: [UInt8]
        var position = 0

        init(text: String) {
            self.text = text
            self.bytes = Array(text.utf8)
        }

        func fail(_ reason: String) -> SchedulingError {
            .badTimestamp(text: text, reason: reason)
        }

        var shapeError: SchedulingError {
            fail("expected an RFC 3339 date and time such as 2026-11-22T10:00:00Z")
        }

        mutating func digits(_ count: Int) throws -> Int {
            var value = 0
            for _ in 0..<count {
                guard position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) else {
                    throw shapeError
                }
                value = value * 10 + Int(bytes[position] - UInt8(ascii: "0"))
                position += 1
            }
            return value
        }

        mutating func expect(_ characters: String) throws {
            guard position < bytes.count, characters.utf8.contains(bytes[position]) else { throw shapeError }
            position += 1
        }

        func check(_ value: Int, _ name: String, _ range: ClosedRange<Int>) throws {
            guard range.contains(value) else {
                throw fail("\(name) \(value) is out of range \(range.lowerBound)-\(range.upperBound)")
            }
        }

        mutating func timestamp() throws -> Date {
            let year = try digits(4)
            try expect("-")
            let month = try digits(2)
            try expect("-")
            let day = try digits(2)
            guard position < bytes.count else {
                throw fail("a time and offset are required, as in \(text)T00:00:00Z")
            }
            try expect("Tt")
            let hour = try digits(2)
            try expect(":")
            let minute = try digits(2)
            try expect(":")
            let second = try digits(2)

            var fraction = 0.0
            if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
                position += 1
                var scale = 0.1
                var count = 0
                while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
                    fraction += Double(bytes[position] - UInt8(ascii: "0")) * scale
                    scale /= 10
                    count += 1
                    position += 1
                }
                guard count > 0 else { throw fail("a fraction of a second needs digits after '.'") }
            }

            guard position < bytes.count else {
                throw fail("the time zone offset is missing; add Z or an offset such as +01:00")
            }
            var offset = 0
            switch bytes[position] {
            case UInt8(ascii: "Z"), UInt8(ascii: "z"):
                position += 1
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                let sign = bytes[position] == UInt8(ascii: "-") ? -1 : 1
                position += 1
                let offsetHour = try digits(2)
                try expect(":")
                let offsetMinute = try digits(2)
                try check(offsetHour, "offset hour", 0...23)
                try check(offsetMinute, "offset minute", 0...59)
                offset = sign * (offsetHour * 3600 + offsetMinute * 60)
            default:
                throw shapeError
            }
            guard position == bytes.count else { throw shapeError }

            try check(month, "month", 1...12)
            let monthLength = CivilTime.daysInMonth(year: year, month: month)
            guard (1...monthLength).contains(day) else {
                throw fail("day \(day) is out of range 1-\(monthLength) for \(CivilTime.pad(year, 4))-\(CivilTime.pad(month, 2))")
            }
            try check(hour, "hour", 0...23)
            try check(minute, "minute", 0...59)
            if second == 60 { throw fail("leap seconds are not supported") }
            try check(second, "second", 0...59)

            let dayNumber = CivilTime.dayNumber(year: year, month: month, day: day)
            let seconds = dayNumber * CivilTime.secondsPerDay
                + Int64(hour * 3600 + minute * 60 + second) - Int64(offset)
            return Date(timeIntervalSince1970: TimeInterval(seconds) + fraction)
        }
    }
}
