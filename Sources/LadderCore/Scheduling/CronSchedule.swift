import Foundation

/// A classic five-field cron schedule: minute, hour, day-of-month, month, day-of-week.
///
/// Each field accepts `*`, numbers, lists (`1,15`), ranges (`1-5`), steps (`*/15`, `10-50/10`,
/// `5/15` meaning `5-59/15`), month names `JAN`–`DEC` and weekday names `SUN`–`SAT` (any case).
/// Day-of-week 0 and 7 are both Sunday. The shorthands `@hourly`, `@daily` (`@midnight`),
/// `@weekly`, `@monthly` and `@yearly` (`@annually`) are accepted.
///
/// As in crontab(5), when day-of-month and day-of-week are both restricted (neither starts with
/// `*`), a day matches if either matches; otherwise both must match.
///
/// Schedules are read in a zone's local wall time. A wall time that does not exist that day
/// (the spring-forward gap) does not fire; a wall time that occurs twice (the fall-back
/// overlap) fires once, at its first occurrence.
public struct CronSchedule: Sendable, Hashable, CustomStringConvertible {
    /// The five fields, named as in error messages.
    public enum Field: String, Sendable, CaseIterable {
        case minute
        case hour
        case dayOfMonth = "day-of-month"
        case month
        case dayOfWeek = "day-of-week"

        var range: ClosedRange<Int> {
            switch self {
            case .minute: return 0...59
            case .hour: return 0...23
            case .dayOfMonth: return 1...31
            case .month: return 1...12
            case .dayOfWeek: return 0...7
            }
        }

        var names: [String] {
            switch self {
            case .month: return ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
            case .dayOfWeek: return ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
            default: return []
            }
        }

        /// The value of names[0]: months count from 1, weekdays from 0.
        var firstNameValue: Int { self == .month ? 1 : 0 }
    }

    /// The expression as written.
    public let expression: String

    // One bit per allowed value; day-of-week uses bits 0 (Sunday) ... 6 (Saturday).
    private let minuteBits: UInt64
    private let hourBits: UInt64
    private let dayOfMonthBits: UInt64
    private let monthBits: UInt64
    private let dayOfWeekBits: UInt64
    private let dayOfMonthRestricted: Bool
    private let dayOfWeekRestricted: Bool
    private let minutes: [Int]
    private let hours: [Int]

    /// Parses a five-field cron expression such as `0 16 * * FRI`.
    ///
    /// Refuses a wrong number of fields, values out of range, reversed ranges, zero steps, unknown
    /// names, and a day-of-month that never occurs in the chosen months (such as 30 February).
    ///
    /// - Throws: ``SchedulingError/badCron(expression:field:reason:)`` naming the field.
    public init(parsing expression: String) throws {
        self.expression = expression
        var text = expression.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("@") {
            text = try Self.expandShorthand(text, expression: expression)
        }
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 else {
            throw SchedulingError.badCron(
                expression: expression, field: nil,
                reason: "expected 5 fields (minute hour day-of-month month day-of-week), found \(fields.count)")
        }
        var bits: [UInt64] = []
        for (field, fieldText) in zip(Field.allCases, fields) {
            bits.append(try Self.parseField(fieldText, as: field, expression: expression))
        }
        let (minuteBits, hourBits, dayOfMonthBits, monthBits) = (bits[0], bits[1], bits[2], bits[3])
        self.minuteBits = minuteBits
        self.hourBits = hourBits
        self.dayOfMonthBits = dayOfMonthBits
        self.monthBits = monthBits
        // Sunday may be written 7: fold it onto 0.
        dayOfWeekBits = (bits[4] & 0x7F) | ((bits[4] >> 7) & 1)
        dayOfMonthRestricted = !fields[2].hasPrefix("*")
        dayOfWeekRestricted = !fields[4].hasPrefix("*")
        minutes = (0...59).filter { minuteBits & (1 << $0) != 0 }
        hours = (0...23).filter { hourBits & (1 << $0) != 0 }

        // Unless both day fields are restricted (either may then match), the day-of-month must
        // exist in one of the months; weekdays come round on every date sooner or later.
        if !(dayOfMonthRestricted && dayOfWeekRestricted) {
            let possible = (1...12).contains { month in
                guard monthBits & (1 << month) != 0 else { return false }
                let longest = month == 2 ? 29 : CivilTime.daysInMonth(year: 2001, month: month)
                return (1...longest).contains { dayOfMonthBits & (1 << $0) != 0 }
            }
            if !possible {
                throw SchedulingError.badCron(
                    expression: expression, field: .dayOfMonth,
                    reason: "day-of-month '\(fields[2])' never occurs in month '\(fields[3])', so the schedule never fires")
            }
        }
    }

    /// The expression as written.
    public var description: String { expression }

    /// Schedules are equal when written the same way.
    public static func == (lhs: CronSchedule, rhs: CronSchedule) -> Bool {
        lhs.expression == rhs.expression
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(expression)
    }

    // MARK: - Matching

    /// Whether local calendar components match the schedule.
    ///
    /// Reads `minute`, `hour`, `day`, `month` and `weekday` (Foundation's numbering, 1 = Sunday);
    /// components that are missing do not match.
    public func matches(_ components: DateComponents) -> Bool {
        guard let minute = components.minute, let hour = components.hour, let day = components.day,
              let month = components.month, let weekday = components.weekday,
              (0...59).contains(minute), (0...23).contains(hour), (1...31).contains(day),
              (1...12).contains(month), (1...7).contains(weekday)
        else { return false }
        return minuteBits & (1 << minute) != 0 && hourBits & (1 << hour) != 0
            && dayMatches(month: month, day: day, weekday: weekday - 1)
    }

    /// Whether the schedule fires exactly at `date` (a whole minute) in `zone`, honouring the
    /// daylight-saving rules of this type.
    public func fires(at date: Date, in zone: TimeZone) -> Bool {
        previousFire(atOrBefore: date, in: zone, notBefore: date) == date
    }

    private func dayMatches(month: Int, day: Int, weekday: Int) -> Bool {
        guard monthBits & (1 << month) != 0 else { return false }
        let onDay = dayOfMonthBits & (1 << day) != 0
        let onWeekday = dayOfWeekBits & (1 << weekday) != 0
        if dayOfMonthRestricted && dayOfWeekRestricted { return onDay || onWeekday }
        return onDay && onWeekday
    }

    // MARK: - Searching

    /// How far the searches look before giving up: 50 years covers schedules such as
    /// "29 February that is a Sunday".
    private static let searchDays: Int64 = 366 * 50

    /// The first firing strictly after `date` in `zone`, or nil if there is none up to `limit`
    /// (or within 50 years).
    public func nextFire(after date: Date, in zone: TimeZone, notAfter limit: Date? = nil) -> Date? {
        let after = CivilTime.epochSeconds(date)
        var day = CivilTime.floorDiv(CivilTime.wallSeconds(of: date, in: zone), CivilTime.secondsPerDay) - 1
        var lastDay = day + Self.searchDays
        var limitSeconds = Int64.max
        if let limit {
            limitSeconds = CivilTime.epochSeconds(limit)
            guard limitSeconds > after else { return nil }
            lastDay = min(lastDay, CivilTime.floorDiv(CivilTime.wallSeconds(of: limit, in: zone), CivilTime.secondsPerDay) + 1)
        }
        while day <= lastDay {
            let (year, month, dayOfMonth) = CivilTime.civilDate(dayNumber: day)
            if monthBits & (1 << month) == 0 {
                day = month == 12
                    ? CivilTime.dayNumber(year: year + 1, month: 1, day: 1)
                    : CivilTime.dayNumber(year: year, month: month + 1, day: 1)
                continue
            }
            if dayMatches(month: month, day: dayOfMonth, weekday: CivilTime.weekday(dayNumber: day)),
               let fire = firstFire(onDay: day, after: after, in: zone) {
                return fire <= limitSeconds ? Date(timeIntervalSince1970: TimeInterval(fire)) : nil
            }
            day += 1
        }
        return nil
    }

    /// The last firing at or before `date` in `zone`, or nil if there is none back to `limit`
    /// (or within 50 years).
    public func previousFire(atOrBefore date: Date, in zone: TimeZone, notBefore limit: Date? = nil) -> Date? {
        let atOrBefore = CivilTime.epochSeconds(date)
        var day = CivilTime.floorDiv(CivilTime.wallSeconds(of: date, in: zone), CivilTime.secondsPerDay) + 1
        var firstDay = day - Self.searchDays
        var limitSeconds = Int64.min
        if let limit {
            limitSeconds = Int64(limit.timeIntervalSince1970.rounded(.up))
            guard limitSeconds <= atOrBefore else { return nil }
            firstDay = max(firstDay, CivilTime.floorDiv(CivilTime.wallSeconds(of: limit, in: zone), CivilTime.secondsPerDay) - 1)
        }
        while day >= firstDay {
            let (year, month, dayOfMonth) = CivilTime.civilDate(dayNumber: day)
            if monthBits & (1 << month) == 0 {
                day = CivilTime.dayNumber(year: year, month: month, day: 1) - 1
                continue
            }
            if dayMatches(month: month, day: dayOfMonth, weekday: CivilTime.weekday(dayNumber: day)),
               let fire = lastFire(onDay: day, atOrBefore: atOrBefore, in: zone) {
                return fire >= limitSeconds ? Date(timeIntervalSince1970: TimeInterval(fire)) : nil
            }
            day -= 1
        }
        return nil
    }

    /// The earliest firing on local day `day` strictly after `after` (epoch seconds).
    private func firstFire(onDay day: Int64, after: Int64, in zone: TimeZone) -> Int64? {
        let resolver = WallClock(day: day, zone: zone)
        for hour in hours {
            // Firings within a day rise with the wall time, so an hour whose last firing is not
            // after `after` can be skipped whole.
            if let last = resolver.instant(hour: hour, minute: minutes[minutes.count - 1]), last <= after {
                continue
            }
            for minute in minutes {
                if let fire = resolver.instant(hour: hour, minute: minute), fire > after { return fire }
            }
        }
        return nil
    }

    /// The latest firing on local day `day` at or before `atOrBefore` (epoch seconds).
    private func lastFire(onDay day: Int64, atOrBefore: Int64, in zone: TimeZone) -> Int64? {
        let resolver = WallClock(day: day, zone: zone)
        for hour in hours.reversed() {
            if let first = resolver.instant(hour: hour, minute: minutes[0]), first > atOrBefore {
                continue
            }
            for minute in minutes.reversed() {
                if let fire = resolver.instant(hour: hour, minute: minute), fire <= atOrBefore { return fire }
            }
        }
        return nil
    }

    // MARK: - Parsing

    private static func expandShorthand(_ text: String, expression: String) throws -> String {
        switch text.lowercased() {
        case "@yearly", "@annually": return "0 0 1 1 *"
        case "@monthly": return "0 0 1 * *"
        case "@weekly": return "0 0 * * 0"
        case "@daily", "@midnight": return "0 0 * * *"
        case "@hourly": return "0 * * * *"
        default:
            throw SchedulingError.badCron(
                expression: expression, field: nil,
                reason: "unknown shorthand '\(text)'; use @hourly, @daily, @weekly, @monthly or @yearly")
        }
    }

    private static func parseField(_ text: String, as field: Field, expression: String) throws -> UInt64 {
        func fail(_ reason: String) -> SchedulingError {
            .badCron(expression: expression, field: field, reason: reason)
        }
        let range = field.range
        // Sunday is both 0 and 7; open-ended spans of weekdays stop at Saturday so that `*/2`
        // or `1/2` do not pick up Sunday a second time through 7.
        let openEnd = field == .dayOfWeek ? 6 : range.upperBound
        var bits: UInt64 = 0
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !item.isEmpty else { throw fail("\(field.rawValue) '\(text)' has an empty list item") }
            let pieces = item.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2 else { throw fail("\(field.rawValue) '\(item)' has more than one step") }
            let base = pieces[0]
            var step = 1
            if pieces.count == 2 {
                let stepText = String(pieces[1])
                guard !stepText.isEmpty, stepText.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                    throw fail("\(field.rawValue) step '\(stepText)' is not a number")
                }
                let span = range.upperBound - range.lowerBound
                guard let value = Int(stepText), value <= span else {
                    throw fail("\(field.rawValue) step \(stepText) is out of range 1-\(span)")
                }
                guard value > 0 else { throw fail("\(field.rawValue) step 0 must be at least 1") }
                step = value
            }

            var low: Int
            var high: Int
            if base == "*" {
                low = range.lowerBound
                high = openEnd
            } else {
                let ends = base.split(separator: "-", omittingEmptySubsequences: false)
                guard ends.count <= 2 else {
                    throw fail("\(field.rawValue) '\(item)' is not a value, a range or a step")
                }
                low = try value(String(ends[0]), field, fail)
                if ends.count == 2 {
                    high = try value(String(ends[1]), field, fail)
                    guard low <= high else {
                        throw fail("\(field.rawValue) range \(ends[0])-\(ends[1]) is reversed; write the smaller value first")
                    }
                } else {
                    // `5/15` means from 5 to the end of the field, every 15.
                    high = pieces.count == 2 ? max(openEnd, low) : low
                }
            }
            for value in stride(from: low, through: high, by: step) {
                bits |= 1 << UInt64(value)
            }
        }
        return bits
    }

    private static func value(
        _ text: String, _ field: Field, _ fail: (String) -> SchedulingError
    ) throws -> Int {
        let range = field.range
        if !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) {
            guard let number = Int(text), range.contains(number) else {
                throw fail("\(field.rawValue) \(text) is out of range \(range.lowerBound)-\(range.upperBound)")
            }
            return number
        }
        if let index = field.names.firstIndex(of: text.uppercased()) {
            return index + field.firstNameValue
        }
        switch field {
        case .month:
            throw fail("month '\(text)' is not a number or a month name (JAN-DEC)")
        case .dayOfWeek:
            throw fail("day-of-week '\(text)' is not a number or a weekday name (SUN-SAT)")
        default:
            throw fail("\(field.rawValue) '\(text)' is not a number")
        }
    }
}

/// Turns wall-clock times of one local day into instants, honouring the zone's transitions:
/// a wall time in a gap has no instant; one in an overlap gets its first (earliest) instant.
struct WallClock {
    let dayStart: Int64
    let zone: TimeZone
    /// The UTC offsets in force around the day. One offset means no transition near the day.
    let offsets: [Int64]

    init(day: Int64, zone: TimeZone) {
        self.dayStart = day * CivilTime.secondsPerDay
        self.zone = zone
        // Instants of this day's wall times lie within about 14 hours of it; sampling a day
        // before, the middle and a day after catches the offsets on both sides of a transition.
        var offsets: [Int64] = []
        for sample in [dayStart - CivilTime.secondsPerDay, dayStart + 43_200, dayStart + 2 * CivilTime.secondsPerDay] {
            let offset = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(sample))))
            if !offsets.contains(offset) { offsets.append(offset) }
        }
        self.offsets = offsets
    }

    /// The earliest instant (epoch seconds) whose local reading is `hour:minute` on this day.
    func instant(hour: Int, minute: Int) -> Int64? {
        let wall = dayStart + Int64(hour * 3600 + minute * 60)
        if offsets.count == 1 { return wall - offsets[0] }
        var earliest: Int64?
        for offset in offsets {
            let candidate = wall - offset
            let actual = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(candidate))))
            if actual == offset, candidate < (earliest ?? .max) { earliest = candidate }
        }
        return earliest
    }
}
