import Foundation

/// Why a duration, timestamp, cron expression, time zone or window could not be accepted.
///
/// Each message carries only the reason and names the offending text or field; the policy loader
/// puts the file, line and column in front of it.
public enum SchedulingError: LocalizedError, Equatable, Sendable {
    /// A duration such as `1h30m` that does not parse.
    case badDuration(text: String, reason: String)
    /// An RFC 3339 timestamp that does not parse or names an impossible instant.
    case badTimestamp(text: String, reason: String)
    /// A cron expression that does not parse; `field` names the field at fault, when there is one.
    case badCron(expression: String, field: CronSchedule.Field?, reason: String)
    /// A time zone name that is not a known IANA identifier.
    case unknownTimeZone(String)
    /// A window whose parts contradict each other (zero duration, `from` not before `until`...).
    case badWindow(reason: String)

    public var errorDescription: String? {
        switch self {
        case .badDuration(let text, let reason):
            return "bad duration '\(text)': \(reason)"
        case .badTimestamp(let text, let reason):
            return "bad timestamp '\(text)': \(reason)"
        case .badCron(let expression, _, let reason):
            return "bad cron expression '\(expression)': \(reason)"
        case .unknownTimeZone(let name):
            return "unknown time zone '\(name)'"
        case .badWindow(let reason):
            return "bad window: \(reason)"
        }
    }
}
