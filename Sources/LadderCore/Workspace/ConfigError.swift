import Foundation

/// A mistake in a configuration file (`ladder.yaml`, `ladder-policy.yaml`), with its position.
public struct ConfigError: Error, LocalizedError, Sendable, Equatable {
    public let file: String
    /// 1-based line, or 0 when the mistake concerns the file as a whole.
    public let line: Int
    public let column: Int
    public let reason: String
    /// A suggestion such as "did you mean 'environments'?", shown in parentheses after the reason.
    public let suggestion: String?

    public init(file: String, line: Int, column: Int, reason: String, hint: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.reason = reason
        self.suggestion = hint
    }

    /// `file:line:column`, or just the file.
    public var location: String {
        line > 0 ? "\(file):\(line):\(column)" : file
    }

    public var errorDescription: String? {
        "\(location): \(reason)" + (suggestion.map { " (\($0))" } ?? "")
    }
}

/// Several configuration mistakes found in one pass; the first is the headline.
public struct ConfigErrors: Error, LocalizedError, Sendable {
    public let errors: [ConfigError]

    public init(_ errors: [ConfigError]) {
        self.errors = errors
    }

    public var errorDescription: String? {
        errors.map { $0.errorDescription ?? "" }.joined(separator: "\n")
    }
}

/// "Did you mean" suggestions for mistyped names.
public enum Suggestion {
    /// The candidate closest to `word` by edit distance, when it is close enough to be a likely typo.
    public static func closest(to word: String, in candidates: [String]) -> String? {
        let lowered = word.lowercased()
        var best: (String, Int)?
        for candidate in candidates {
            let distance = editDistance(lowered, candidate.lowercased())
            if best == nil || distance < best!.1 { best = (candidate, distance) }
        }
        guard let (candidate, distance) = best else { return nil }
        let limit = max(2, min(word.count, candidate.count) / 3)
        let prefixMatch = candidate.lowercased().hasPrefix(lowered) || lowered.hasPrefix(candidate.lowercased())
        return distance <= limit || (prefixMatch && lowered.count >= 3) ? candidate : nil
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars)
        let b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                // Transposition counts as one edit.
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previous[j - 1])
                }
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
