import Foundation

/// Forge timestamps (`2024-05-01T12:30:00Z`, `2024-05-01T14:30:00.123+02:00`), read with the
/// project's RFC 3339 parser; forges may also write a space for the `T`, as RFC 3339 permits.
enum RFC3339 {
    static func parse(_ text: String) -> Date? {
        var normalised = text
        if normalised.utf8.count > 10, Array(normalised.utf8)[10] == UInt8(ascii: " ") {
            normalised = String(normalised.prefix(10)) + "T" + String(normalised.dropFirst(11))
        }
        return try? Timestamp.parse(normalised)
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
