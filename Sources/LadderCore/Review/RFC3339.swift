import Foundation

/// A small RFC 3339 reader for forge timestamps (`2024-05-01T12:30:00Z`,
/// `2024-05-01T14:30:00.123+02:00`). Kept internal to the Review folder: it accepts exactly the
/// profile forges emit and nothing else, without a calendar or a locale.
enum RFC3339 {
    static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        var index = 0

        func digits(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<index + count] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            index += count
            return value
        }
        func expect(_ allowed: String) -> Bool {
            guard index < bytes.count, allowed.utf8.contains(bytes[index]) else { return false }
            index += 1
            return true
        }

        guard let year = digits(4), expect("-"), let month = digits(2), expect("-"), let day = digits(2),
            expect("Tt "), let hour = digits(2), expect(":"), let minute = digits(2), expect(":"),
            let second = digits(2)
        else { return nil }
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
            hour <= 23, minute <= 59, second <= 60
        else { return nil }

        var fraction = 0.0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            let start = index
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                fraction += Double(bytes[index] - UInt8(ascii: "0")) * scale
                scale /= 10
                index += 1
            }
            if index == start { return nil }
        }

        var offset = 0
        if expect("Zz") {
            offset = 0
        } else if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let offsetHour = digits(2), expect(":"), let offsetMinute = digits(2), offsetHour <= 23,
                offsetMinute <= 59
            else { return nil }
            offset = sign * (offsetHour * 3600 + offsetMinute * 60)
        } else {
            return nil
        }
        guard index == bytes.count else { return nil }

        let days = daysSinceEpoch(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days from 1970-01-01 to the given proleptic Gregorian date (Howard Hinnant's civil algorithm).
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let shiftedMonth = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

/// True for 4 to 64 hexadecimal digits: an abbreviated or full SHA-1 or SHA-256 commit id.
func isCommitID(_ text: String) -> Bool {
    (4...64).contains(text.utf8.count) && text.utf8.allSatisfy { byte in
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }
}

/// Whether two commit ids name the same commit: equal ignoring case, or one abbreviates the other
/// with at least 7 digits (git's default abbreviation). Shorter prefixes are too ambiguous to trust.
func commitsMatch(_ first: String, _ second: String) -> Bool {
    let first = first.lowercased()
    let second = second.lowercased()
    if first == second { return !first.isEmpty }
    let (short, long) = first.count < second.count ? (first, second) : (second, first)
    return short.count >= 7 && long.hasPrefix(short)
}

/// The 7-digit abbreviation used in messages.
func abbreviated(_ commit: String) -> String { String(commit.prefix(7)) }

/// A compact duration for messages: `45s`, `90m` → `1h30m`, `3d`, `2d4h`.
func compactDuration(_ interval: TimeInterval) -> String {
    guard interval.isFinite else { return "forever" }
    var seconds = Int(interval.rounded(.down))
    if seconds < 60 { return "\(max(seconds, 0))s" }
    let days = seconds / 86_400
    seconds %= 86_400
    let hours = seconds / 3600
    seconds %= 3600
    let minutes = seconds / 60
    var parts = ""
    if days > 0 { parts += "\(days)d" }
    if hours > 0 { parts += "\(hours)h" }
    if minutes > 0 && days == 0 { parts += "\(minutes)m" }
    return parts
}
