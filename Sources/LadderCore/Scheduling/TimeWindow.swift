import Foundation

/// A promotion window from the policy: a recurring one (a cron schedule, a duration and a time
/// zone) or an absolute one (`from`/`until`), which allows or denies promotion while active.
public struct TimeWindow: Sendable, Equatable {
    /// Whether an active window opens or closes the gate.
    public enum Kind: String, Sendable, CaseIterable {
        case allow
        case deny
    }

    /// When a window is active.
    public enum Timing: Sendable, Equatable {
        /// Active for `duration` of elapsed time from each firing of `schedule`, read in `timeZone`.
        case recurring(schedule: CronSchedule, duration: PolicyDuration, timeZone: TimeZone)
        /// Active from `from` (inclusive) to `until` (exclusive); nil means open-ended on that side.
        case absolute(from: Date?, until: Date?)
    }

    /// Whether the window allows or denies promotion while active.
    public let kind: Kind
    /// When the window is active.
    public let timing: Timing
    /// The policy's `reason`, such as "weekend freeze", if one was given.
    public let reason: String?

    /// A recurring window from already parsed parts.
    ///
    /// - Throws: ``SchedulingError/badWindow(reason:)`` for a zero duration.
    public init(kind: Kind, schedule: CronSchedule, duration: PolicyDuration, timeZone: TimeZone, reason: String? = nil) throws {
        guard duration.seconds > 0 else {
            throw SchedulingError.badWindow(reason: "duration must be longer than zero")
        }
        self.kind = kind
        self.timing = .recurring(schedule: schedule, duration: duration, timeZone: timeZone)
        self.reason = reason
    }

    /// A recurring window from its policy spelling, e.g. `"0 16 * * FRI"`, `"64h"`, `"Europe/Berlin"`.
    ///
    /// - Throws: ``SchedulingError`` for a bad cron expression, a bad or zero duration, or an
    ///   unknown time zone.
    public init(kind: Kind, schedule: String, duration: String, timeZone: String = "UTC", reason: String? = nil) throws {
        try self.init(
            kind: kind,
            schedule: CronSchedule(parsing: schedule),
            duration: PolicyDuration(parsing: duration),
            timeZone: Self.timeZone(named: timeZone),
            reason: reason)
    }

    /// An absolute window; either end may be nil (open-ended), but not both.
    ///
    /// - Throws: ``SchedulingError/badWindow(reason:)`` when both ends are missing or `from` is
    ///   not before `until`.
    public init(kind: Kind, from: Date?, until: Date?, reason: String? = nil) throws {
        guard from != nil || until != nil else {
            throw SchedulingError.badWindow(reason: "a window needs 'schedule' or at least one of 'from' and 'until'")
        }
        if let from, let until, from >= until {
            throw SchedulingError.badWindow(
                reason: "'from' \(Timestamp.format(from)) is not before 'until' \(Timestamp.format(until))")
        }
        self.kind = kind
        self.timing = .absolute(from: from, until: until)
        self.reason = reason
    }

    /// An absolute window from RFC 3339 text; either end may be nil, but not both.
    ///
    /// - Throws: ``SchedulingError`` for a bad timestamp, missing ends, or `from` not before `until`.
    public init(kind: Kind, from: String?, until: String?, reason: String? = nil) throws {
        try self.init(
            kind: kind,
            from: from.map(Timestamp.parse),
            until: until.map(Timestamp.parse),
            reason: reason)
    }

    /// The IANA time zone with this identifier.
    ///
    /// - Throws: ``SchedulingError/unknownTimeZone(_:)`` naming it.
    public static func timeZone(named identifier: String) throws -> TimeZone {
        // Foundation also accepts offsets such as "GMT+1" (renaming them "GMT+0100"); a policy
        // must name a tz database zone, so that its daylight-saving rules are the intended ones.
        // Foundation reports UTC as "GMT".
        guard let zone = TimeZone(identifier: identifier),
              zone.identifier == identifier || (identifier == "UTC" && zone.identifier == "GMT")
        else { throw SchedulingError.unknownTimeZone(identifier) }
        return zone
    }

    /// The stretch of time during which this window is active and which contains `date`, or nil
    /// if the window is not active at `date`.
    ///
    /// For a recurring window this is the occurrence that started last at or before `date`;
    /// occurrences that overlap follow one another without a gap.
    public func activeInterval(containing date: Date) -> DateInterval? {
        switch timing {
        case .recurring(let schedule, let duration, let zone):
            let earliest = date.addingTimeInterval(-duration.timeInterval)
            guard let start = schedule.previousFire(atOrBefore: date, in: zone, notBefore: earliest) else { return nil }
            let interval = DateInterval(start: start, duration: duration.timeInterval)
            return date < interval.end ? interval : nil
        case .absolute(let from, let until):
            let start = from ?? .distantPast
            let end = until ?? .distantFuture
            return start <= date && date < end ? DateInterval(start: start, end: end) : nil
        }
    }

    /// The first instant strictly after `date` at which an occurrence of this window starts,
    /// looking no further than `limit`.
    public func nextStart(after date: Date, notAfter limit: Date? = nil) -> Date? {
        switch timing {
        case .recurring(let schedule, _, let zone):
            return schedule.nextFire(after: date, in: zone, notAfter: limit)
        case .absolute(let from, _):
            guard let from, from > date else { return nil }
            if let limit, from > limit { return nil }
            return from
        }
    }

    /// The window in plain words, with the occurrence `interval` when known: `deny, Fri
    /// 2026-11-20 16:00 Europe/Berlin for 64h` or `deny, 2026-12-20T00:00:00Z to 2027-01-04T00:00:00Z`.
    public func describe(occurrence interval: DateInterval? = nil) -> String {
        switch timing {
        case .recurring(let schedule, let duration, let zone):
            if let interval {
                return "\(kind.rawValue), \(CivilTime.describeLocal(interval.start, in: zone)) for \(duration)"
            }
            return "\(kind.rawValue), \"\(schedule)\" for \(duration) in \(CivilTime.name(of: zone))"
        case .absolute(let from, let until):
            let start = from.map(Timestamp.format) ?? "the beginning"
            let end = until.map(Timestamp.format) ?? "further notice"
            if from == nil { return "\(kind.rawValue), until \(end)" }
            if until == nil { return "\(kind.rawValue), from \(start) on" }
            return "\(kind.rawValue), \(start) to \(end)"
        }
    }
}
