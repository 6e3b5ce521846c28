import Foundation

/// RFC 3339 timestamps as audit events and exports write them.
///
/// Events always use UTC with second precision and a `Z` suffix (`2024-05-01T09:30:00Z`), so
/// their text form, and with it the event hash, never depends on the machine's time zone.
public enum AuditTime {
    /// `date` as `YYYY-MM-DDTHH:MM:SSZ` in UTC; fractions of a second are dropped.
    public static func format(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civil(fromDays: days)
        guard (0...9999).contains(year) else {
            return String(
                format: "%04d-%02d-%02dT%02d:%02d:%02dZ", Int(year), Int(month), Int(day),
                Int(secondOfDay / 3600), Int(secondOfDay / 60 % 60), Int(secondOfDay % 60))
        }
        // Digits by hand: this runs three times per row of a long export.
        return String(unsafeUninitializedCapacity: 20) { buffer in
            func put(_ value: Int64, _ offset: Int, _ count: Int) {
                var value = value
                for position in stride(from: offset + count - 1, through: offset, by: -1) {
                    buffer[position] = UInt8(0x30 + value % 10)
                    value /= 10
                }
            }
            put(year, 0, 4)
            buffer[4] = UInt8(ascii: "-")
            put(month, 5, 2)
            buffer[7] = UInt8(ascii: "-")
            put(day, 8, 2)
            buffer[10] = UInt8(ascii: "T")
            put(secondOfDay / 3600, 11, 2)
            buffer[13] = UInt8(ascii: ":")
            put(secondOfDay / 60 % 60, 14, 2)
            buffer[16] = UInt8(ascii: ":")
            put(secondOfDay % 60, 17, 2)
            buffer[19] = UInt8(ascii: "Z")
            return 20
        }
    }

    /// Parses an RFC 3339 date-time (`T` or `t`, optional fraction, `Z` or a `±HH:MM` offset).
    /// Returns nil for anything else.
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ count: Int) -> Int64? {
            guard index + count <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[index..<index + count] {
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int64(byte - 0x30)
            }
            index += count
            return value
        }
        func expect(_ characters: String) -> Bool {
            guard index < bytes.count, characters.utf8.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
            expect("Tt"), let hour = number(2), expect(":"), let minute = number(2), expect(":"),
            let second = number(2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), hour < 24, minute < 60,
            second < 61
        else { return nil }
        var fraction = 0.0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            var scale = 0.1
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) {
                fraction += Double(bytes[index] - 0x30) * scale
                scale /= 10
                index += 1
            }
            if index == start { return nil }
        }
        var offset: Int64 = 0
        if expect("Zz") {
            offset = 0
        } else if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let sign: Int64 = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let offsetHours = number(2), expect(":"), let offsetMinutes = number(2), offsetHours < 24,
                offsetMinutes < 60
            else { return nil }
            offset = sign * (offsetHours * 3600 + offsetMinutes * 60)
        } else {
            return nil
        }
        guard index == bytes.count else { return nil }
        let seconds = days(fromYear: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    /// True when `text` is exactly the form `format(_:)` writes.
    public static func isCanonical(_ text: String) -> Bool {
        guard let date = parse(text) else { return false }
        return format(date) == text
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Days since 1970-01-01 of a proleptic Gregorian date, and back (H. Hinnant's algorithms).
    private static func days(fromYear year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

/// Identifiers of audit events: 26-character ULIDs (Crockford base32 of a 48-bit millisecond
/// timestamp followed by 80 random bits).
///
/// They sort by creation time, are unique without coordination between machines, and are
/// always exactly 26 characters from `0123456789ABCDEFGHJKMNPQRSTVWXYZ`.
public enum AuditEventID {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// A new identifier for an event created at `time`, with randomness from `generator`
    /// (inject a seeded generator in tests).
    public static func make(time: Date, using generator: inout some RandomNumberGenerator) -> String {
        let milliseconds = UInt64(max(0, time.timeIntervalSince1970 * 1000).rounded(.down)) & 0xFFFF_FFFF_FFFF
        var bytes: [UInt8] = (0..<6).map { UInt8(truncatingIfNeeded: milliseconds >> (40 - 8 * UInt64($0))) }
        for _ in 0..<10 { bytes.append(UInt8.random(in: .min ... .max, using: &generator)) }
        return encode(bytes)
    }

    /// A new identifier using the system's random number generator.
    public static func make(time: Date) -> String {
        var generator = SystemRandomNumberGenerator()
        return make(time: time, using: &generator)
    }

    /// True for a well-formed identifier (26 characters of the alphabet, first one at most `7`).
    public static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 26, bytes[0] <= UInt8(ascii: "7") else { return false }
        return bytes.allSatisfy(alphabet.contains)
    }

    // 128 bits as 26 five-bit digits: the first digit carries two implicit leading zero bits.
    static func encode(_ bytes: [UInt8]) -> String {
        func bit(_ position: Int) -> UInt8 {
            guard position >= 0 else { return 0 }
            return bytes[position / 8] >> (7 - UInt8(position % 8)) & 1
        }
        var output: [UInt8] = []
        for digit in 0..<26 {
            var value: UInt8 = 0
            for offset in 0..<5 { value = value << 1 | bit(digit * 5 - 2 + offset) }
            output.append(alphabet[Int(value)])
        }
        return String(decoding: output, as: UTF8.self)
    }
}
