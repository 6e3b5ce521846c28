import Foundation

/// Proleptic Gregorian calendar arithmetic on day numbers (days since 1970-01-01), free of
/// locales and of Foundation's calendar, so that parsing, formatting and cron searches are exact
/// and cheap. Time zones enter only through `TimeZone.secondsFromGMT(for:)`.
enum CivilTime {
    static let secondsPerDay: Int64 = 86_400

    /// The day number of a calendar date (algorithm from Howard Hinnant's "date" paper).
    static func dayNumber(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The calendar date of a day number.
    static func civilDate(dayNumber: Int64) -> (year: Int, month: Int, day: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    /// The weekday of a day number, 0 = Sunday ... 6 = Saturday (1970-01-01 was a Thursday).
    static func weekday(dayNumber: Int64) -> Int {
        Int(((dayNumber + 4) % 7 + 7) % 7)
    }

    static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Floor division, so that instants before 1970 land on the right day.
    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// The whole seconds since the epoch of an instant, rounded down.
    static func epochSeconds(_ date: Date) -> Int64 {
        let value = date.timeIntervalSince1970.rounded(.down)
        if value >= 9.0e15 { return 9_000_000_000_000_000 }
        if value <= -9.0e15 { return -9_000_000_000_000_000 }
        return Int64(value)
    }

    /// The local wall-clock reading of an instant in a zone, as seconds since a local "epoch".
    static func wallSeconds(of date: Date, in zone: TimeZone) -> Int64 {
        epochSeconds(date) + Int64(zone.secondsFromGMT(for: date))
    }

    static let weekdayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]

    /// A local reading such as `Fri 2026-11-20 16:00 Europe/Berlin`, for messages.
    static func describeLocal(_ date: Date, in zone: TimeZone) -> String {
        let wall = wallSeconds(of: date, in: zone)
        let dayNumber = floorDiv(wall, secondsPerDay)
        let secondOfDay = wall - dayNumber * secondsPerDay
        let (year, month, day) = civilDate(dayNumber: dayNumber)
        let hour = secondOfDay / 3600
        let minute = secondOfDay % 3600 / 60
        return "\(weekdayNames[weekday(dayNumber: dayNumber)]) \(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2)) "
            + "\(pad(Int(hour), 2)):\(pad(Int(minute), 2)) \(name(of: zone))"
    }

    /// The zone's identifier, with Foundation's "GMT" for UTC shown as "UTC".
    static func name(of zone: TimeZone) -> String {
        zone.identifier == "GMT" ? "UTC" : zone.identifier
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
