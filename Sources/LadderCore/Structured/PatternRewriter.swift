import Foundation

/// Why a pattern rewrite failed.
public enum PatternError: Error, LocalizedError, Sendable, Equatable {
    /// The expression does not compile.
    case invalidRegex(pattern: String, reason: String)
    /// The expression has no capture group, so nothing would move.
    case noCaptureGroup(pattern: String)
    /// The file is not UTF-8 text.
    case notUTF8
    /// The numbers of matches in source and target cannot be paired.
    case countMismatch(source: Int, target: Int)

    public var errorDescription: String? {
        switch self {
        case .invalidRegex(let pattern, let reason): return "invalid regex '\(pattern)': \(reason)"
        case .noCaptureGroup(let pattern): return "regex '\(pattern)' has no capture group"
        case .notUTF8: return "not valid UTF-8"
        case .countMismatch(let source, let target):
            return "the pattern matches \(source) time\(source == 1 ? "" : "s") in the source and \(target) time\(target == 1 ? "" : "s") in the target"
        }
    }
}

/// The outcome of a pattern rewrite.
public struct PatternRewriteResult: Sendable {
    /// The rewritten target file.
    public let output: [UInt8]
    /// Old and new text of every capture that changed, in target order.
    public let changes: [(old: String, new: String)]
    /// Where the target was changed; every other byte is identical.
    public let replacedSpans: [ReplacedSpan]

    /// True when the output differs from the target.
    public var didChange: Bool { !changes.isEmpty }
}

/// Moves the first capture group of a regular expression from a source file into a target file
/// (`promote.patterns`): only the captured bytes of the target change.
public enum PatternRewriter {
    /// Checks that `pattern` compiles (ICU syntax, as `NSRegularExpression`) and has a capture
    /// group. The configuration loader calls this for every `promote.patterns` entry.
    public static func validate(_ pattern: String) throws(PatternError) {
        _ = try compile(pattern)
    }

    static func compile(_ pattern: String) throws(PatternError) -> NSRegularExpression {
        let expression: NSRegularExpression
        do {
            expression = try NSRegularExpression(pattern: pattern, options: [])
        } catch {
            throw .invalidRegex(pattern: pattern, reason: "it does not compile")
        }
        guard expression.numberOfCaptureGroups >= 1 else { throw .noCaptureGroup(pattern: pattern) }
        return expression
    }

    /// The captured text of each match, in order of occurrence.
    public static func captures(of pattern: String, in bytes: [UInt8]) throws(PatternError) -> [String] {
        try captures(of: compile(pattern), in: bytes)
    }

    /// `captures(of:in:)` with an expression compiled once for many files.
    static func captures(of expression: NSRegularExpression, in bytes: [UInt8]) throws(PatternError) -> [String] {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .notUTF8 }
        return matches(expression, in: text).map { String(decoding: bytes[$0], as: UTF8.self) }
    }

    /// Replaces the first capture of each match of `pattern` in `target` with the capture of the
    /// corresponding match in `source`: when the source matches once, every target match takes
    /// that capture; when both match the same number of times, matches pair by order; any other
    /// combination is an error naming both counts. No match on either side changes nothing.
    public static func rewrite(target: [UInt8], source: [UInt8], pattern: String) throws(PatternError)
        -> PatternRewriteResult
    {
        let expression = try compile(pattern)
        guard let targetText = String(validating: target, as: UTF8.self),
            let sourceText = String(validating: source, as: UTF8.self)
        else { throw .notUTF8 }
        let sourceCaptures = matches(expression, in: sourceText).map { Array(source[$0]) }
        let targetRanges = matches(expression, in: targetText)
        if sourceCaptures.isEmpty && targetRanges.isEmpty {
            return PatternRewriteResult(output: target, changes: [], replacedSpans: [])
        }
        let replacements: [[UInt8]]
        if sourceCaptures.count == 1 {
            replacements = Array(repeating: sourceCaptures[0], count: targetRanges.count)
        } else if sourceCaptures.count == targetRanges.count {
            replacements = sourceCaptures
        } else {
            throw .countMismatch(source: sourceCaptures.count, target: targetRanges.count)
        }
        var buffer = EditBuffer(target)
        var changes: [(old: String, new: String)] = []
        // From the last match backwards so earlier offsets stay valid.
        for (range, replacement) in zip(targetRanges, replacements).reversed() where !target[range].elementsEqual(replacement) {
            buffer.replace(range, with: replacement)
            changes.append((String(decoding: target[range], as: UTF8.self), String(decoding: replacement, as: UTF8.self)))
        }
        return PatternRewriteResult(output: buffer.current, changes: changes.reversed(), replacedSpans: buffer.spans)
    }

    /// Byte ranges of the first capture group of every match where that group took part.
    static func matches(_ expression: NSRegularExpression, in text: String) -> [Range<Int>] {
        let utf16 = text.utf16
        return expression.matches(in: text, range: NSRange(location: 0, length: utf16.count)).compactMap { match in
            let range = match.range(at: 1)
            guard range.location != NSNotFound,
                let lower = utf16.index(utf16.startIndex, offsetBy: range.location, limitedBy: utf16.endIndex),
                let upper = utf16.index(lower, offsetBy: range.length, limitedBy: utf16.endIndex),
                let lowerUTF8 = lower.samePosition(in: text.utf8), let upperUTF8 = upper.samePosition(in: text.utf8)
            else { return nil }
            return text.utf8.distance(from: text.utf8.startIndex, to: lowerUTF8)..<text.utf8.distance(from: text.utf8.startIndex, to: upperUTF8)
        }
    }
}
