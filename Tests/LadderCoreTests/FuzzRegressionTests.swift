// The fuzz properties of Ladder's parsers, and the tests that run them on every seed and every
// stored regression input.
//
// The properties live here, not under Fuzz/, so that `swift test` checks exactly what the fuzzers
// check. scripts/fuzz.sh compiles this file into the fuzzers with `-D LADDER_FUZZ`, which leaves
// out the Swift Testing part below.

import Foundation
import LadderCore
import LadderGit

/// A property of one parser that must hold for any input bytes. `check` returns nil when the
/// property holds and a description of the failure otherwise; it must never crash.
struct FuzzProperty: Sendable {
    let name: String
    let check: @Sendable ([UInt8]) -> String?
}

enum FuzzProperties {
    /// Every target, by the name used for its directory under Fuzz/Corpus and its fuzzer binary.
    static let all: [FuzzProperty] = [
        json, config, reviews, checks, codeowners, glob, keypath, cron, duration, timestamp, trailers,
        keyrewrite, patternrewrite,
        // policy: add the policy-file loader's property here once Sources/LadderCore/Policy lands.
    ]

    static func named(_ name: String) -> FuzzProperty? {
        all.first { $0.name == name }
    }

    // MARK: - JSON

    /// `JSONValue.parse` never crashes, and a parsed value's canonical and pretty forms parse back
    /// to the same value (an integral fraction such as `1.0` comes back as the integer `1`) and
    /// canonicalise to the same text.
    static let json = FuzzProperty(name: "json") { bytes in
        guard let value = try? JSONValue.parse(bytes) else { return nil }
        let canonical = value.canonical
        guard let again = try? JSONValue.parse(canonical) else { return "the canonical form does not parse: \(canonical)" }
        guard sameJSON(value, again) else { return "the canonical form \(canonical) parses to a different value" }
        guard again.canonical == canonical else { return "canonical form is not stable: \(canonical) → \(again.canonical)" }
        guard let pretty = try? JSONValue.parse(value.pretty), sameJSON(value, pretty) else {
            return "the pretty form does not parse back: \(value.pretty)"
        }
        return nil
    }

    /// JSON equality where numbers compare by value, whichever case holds them.
    static func sameJSON(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.integer(let x), .number(let y)), (.number(let y), .integer(let x)): return Double(x) == y
        case (.number(let x), .number(let y)): return x == y
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy(sameJSON)
        case (.object(let x), .object(let y)):
            return x.count == y.count && x.allSatisfy { key, value in y[key].map { sameJSON(value, $0) } ?? false }
        default: return a == b
        }
    }

    // MARK: - ladder.yaml

    /// `LadderConfig.parse` only ever throws `ConfigError` (its typed throws guarantee that), never
    /// crashes, and what it accepts is consistent: known environments on every edge, valid names,
    /// a unit depth in range.
    static let config = FuzzProperty(name: "config") { bytes in
        let config: LadderConfig
        do throws(ConfigError) {
            config = try LadderConfig.parse(bytes, file: "ladder.yaml")
        } catch {
            if error.line < 0 || error.column < 0 { return "negative position in \(error)" }
            if error.errorDescription?.hasPrefix("ladder.yaml") != true { return "error does not name the file: \(error)" }
            return nil
        }
        let names = config.environmentNames
        if names.isEmpty { return "accepted a configuration without environments" }
        if Set(names).count != names.count { return "accepted duplicate environments \(names)" }
        if let bad = names.first(where: { !LadderConfig.isValidEnvironmentName($0) }) { return "accepted environment name '\(bad)'" }
        if let edge = config.promotions.first(where: { !names.contains($0.from) || !names.contains($0.to) || $0.from == $0.to }) {
            return "accepted promotion \(edge)"
        }
        if !(0...4).contains(config.unitDepth) { return "accepted unit_depth \(config.unitDepth)" }
        if config.environments.contains(where: { $0.path.isEmpty || $0.path.hasPrefix("/") || $0.path.split(separator: "/").contains("..") }) {
            return "accepted an environment path outside the repository: \(config.environments.map(\.path))"
        }
        return nil
    }

    // MARK: - Forge input

    /// `ReviewsInput(parsing:)` only throws `ForgeInputError` (typed throws), never crashes, and
    /// keeps reviews in input order with non-empty logins.
    static let reviews = FuzzProperty(name: "reviews") { bytes in
        guard let input = try? ReviewsInput(parsing: bytes, file: "reviews.json") else { return nil }
        let indices = input.reviews.map(\.index)
        if indices != indices.sorted() || Set(indices).count != indices.count { return "reviews out of input order: \(indices)" }
        if input.reviews.contains(where: { $0.login.isEmpty }) { return "accepted a review with an empty login" }
        return nil
    }

    /// `ChecksInput(parsing:)` only throws `ForgeInputError`, never crashes, and picking the
    /// deciding result per check name returns one of the parsed results for each name.
    static let checks = FuzzProperty(name: "checks") { bytes in
        guard let input = try? ChecksInput(parsing: bytes, file: "checks.json") else { return nil }
        if input.results.contains(where: { $0.name.isEmpty }) { return "accepted a check with an empty name" }
        for head in [nil, input.results.first?.headSHA] {
            let latest = CheckResult.latest(input.results, headCommit: head)
            for (name, result) in latest where result.name != name || !input.results.contains(result) {
                return "latest(headCommit: \(head ?? "nil")) returned a result that was not parsed for '\(name)'"
            }
        }
        return nil
    }

    // MARK: - Paths and patterns

    /// Splits `bytes` at the first NUL: the text before it, and the lines after it (or `defaults`
    /// when there is no NUL).
    static func textAndLines(_ bytes: [UInt8], defaults: [String]) -> (text: [UInt8], lines: [String]) {
        guard let split = bytes.firstIndex(of: 0) else { return (bytes, defaults) }
        let rest = String(decoding: bytes[(split + 1)...], as: UTF8.self)
        return (Array(bytes[..<split]), rest.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
    }

    static let samplePaths = [
        "README.md", "docs/guide.md", "environments/prod/app/values.yaml", "a/b/c/d", ".github/CODEOWNERS", "x",
        "environments/dev/secrets/key.yaml", "é/ü", "a b/c",
    ]

    /// Whether a pattern is a plain path (no wildcard, escape, class or special leading character),
    /// which must then match the path it spells.
    static func isPlainPath(_ pattern: String) -> Bool {
        !pattern.isEmpty && !pattern.hasSuffix("/") && pattern != "/"
            && pattern.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "_-/".unicodeScalars.contains($0) }
            && !pattern.contains("//")
    }

    /// `CodeOwners(parsing:)` throws only `CodeOwnersError`, matching never crashes, the deciding
    /// rule is the last matching one, and a plain-path pattern owns the path it spells.
    static let codeowners = FuzzProperty(name: "codeowners") { bytes in
        let (text, paths) = textAndLines(bytes, defaults: samplePaths)
        guard let owners = try? CodeOwners(parsing: text, file: "CODEOWNERS") else { return nil }
        for path in paths {
            let rule = owners.rule(for: path)
            if rule?.line != owners.rules.last(where: { $0.matches(path) })?.line { return "rule(for: \(path)) is not the last matching rule" }
            if owners.owners(of: path) != (rule?.owners ?? []) { return "owners(of: \(path)) disagrees with rule(for:)" }
        }
        for rule in owners.rules where isPlainPath(rule.pattern) {
            let path = rule.pattern.hasPrefix("/") ? String(rule.pattern.dropFirst()) : rule.pattern
            if !rule.matches(path) { return "pattern '\(rule.pattern)' does not match '\(path)'" }
        }
        return nil
    }

    /// `GlobPattern(_:)` throws only its syntax error, matching never crashes, and a plain-path
    /// pattern matches the path it spells (and, as a directory pattern, what lies below it).
    static let glob = FuzzProperty(name: "glob") { bytes in
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let first = lines.first, let pattern = try? GlobPattern(first) else { return nil }
        let paths = lines.count > 1 ? Array(lines.dropFirst()) : samplePaths
        for path in paths {
            _ = pattern.matches(path)
            _ = pattern.matches(path, isDirectory: true)
        }
        let list = GlobList([pattern])
        for path in paths where list.match(path) != nil && pattern.isNegated { return "a lone negated pattern decided '\(path)'" }
        if isPlainPath(first) {
            let path = first.hasPrefix("/") ? String(first.dropFirst()) : first
            if !pattern.matches(path) { return "pattern '\(first)' does not match '\(path)'" }
            if !pattern.matches(path + "/inside") { return "pattern '\(first)' does not match '\(path)/inside'" }
        }
        return nil
    }

    /// `KeyPath(parsing:)` throws only `KeyPathError`, and a parsed path's description parses back
    /// to the same path (the description promises that).
    static let keypath = FuzzProperty(name: "keypath") { bytes in
        let text = String(decoding: bytes, as: UTF8.self)
        guard let path = try? KeyPath(parsing: text) else { return nil }
        let description = path.description
        let again: KeyPath
        do throws(KeyPathError) { again = try KeyPath(parsing: description) } catch { return "description \(description) of \(text) does not parse: \(error.reason)" }
        if again != path { return "description \(description) of \(text) parses to a different path \(again)" }
        return nil
    }

    // MARK: - Scheduling

    static let zones = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Chatham", "America/Sao_Paulo"]
    static let starts = [
        "2026-11-20T15:59:30Z", "2026-03-29T00:30:00Z", "2026-10-25T00:59:00Z", "2026-03-08T06:59:59Z",
        "2026-11-01T05:30:00Z", "2024-02-28T23:00:00Z", "1999-12-31T23:59:00Z", "2026-04-05T15:15:00Z",
    ]

    /// A small deterministic hash, to pick a start and a zone from the input when it names none.
    static func fnv(_ bytes: [UInt8]) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Int(hash % 1_000_003)
    }

    /// `CronSchedule(parsing:)` never crashes; for an accepted expression, `nextFire(after:in:)`
    /// is a later whole minute at which `fires(at:in:)` holds, with no firing in between, and
    /// `previousFire(atOrBefore:in:)` is a firing too.
    ///
    /// Input: the expression, then optionally an RFC 3339 start and a zone name on the next lines.
    static let cron = FuzzProperty(name: "cron") { bytes in
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let expression = lines.first, let schedule = try? CronSchedule(parsing: expression) else { return nil }
        let hash = fnv(bytes)
        let start = lines.count > 1 ? (try? Timestamp.parse(lines[1])) ?? (try! Timestamp.parse(starts[hash % starts.count]))
            : (try! Timestamp.parse(starts[hash % starts.count]))
        let zoneName = lines.count > 2 ? lines[2] : zones[hash / starts.count % zones.count]
        let zone = TimeZone(identifier: zoneName) ?? TimeZone(identifier: "UTC")!
        let context = "'\(expression)' after \(Timestamp.format(start)) in \(zone.identifier)"

        if let next = schedule.nextFire(after: start, in: zone) {
            if next <= start { return "nextFire \(Timestamp.format(next)) is not after the start for \(context)" }
            // A whole minute of wall time: zones' early local mean times are offsets with seconds.
            let wall = next.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: next))
            if wall.truncatingRemainder(dividingBy: 60) != 0 { return "nextFire \(next) is not a whole local minute for \(context)" }
            if !schedule.fires(at: next, in: zone) { return "nextFire \(Timestamp.format(next)) does not fire for \(context)" }
            if let earlier = schedule.previousFire(atOrBefore: next.addingTimeInterval(-1), in: zone), earlier > start {
                return "nextFire \(Timestamp.format(next)) skips the firing at \(Timestamp.format(earlier)) for \(context)"
            }
        }
        if let previous = schedule.previousFire(atOrBefore: start, in: zone) {
            if previous > start { return "previousFire \(Timestamp.format(previous)) is after the start for \(context)" }
            if !schedule.fires(at: previous, in: zone) { return "previousFire \(Timestamp.format(previous)) does not fire for \(context)" }
        }
        return nil
    }

    /// `PolicyDuration(parsing:)` never crashes, and an accepted duration's canonical spelling
    /// parses back to the same length.
    static let duration = FuzzProperty(name: "duration") { bytes in
        let text = String(decoding: bytes, as: UTF8.self)
        guard let duration = try? PolicyDuration(parsing: text) else { return nil }
        guard let again = try? PolicyDuration(parsing: duration.description) else { return "the spelling '\(duration)' of '\(text)' does not parse" }
        if again != duration { return "'\(text)' is \(duration.seconds)s but its spelling '\(duration)' is \(again.seconds)s" }
        _ = PolicyDuration.phrase(duration.timeInterval)
        return nil
    }

    /// `Timestamp.parse` never crashes, and formatting an accepted timestamp gives text that
    /// parses back to the same instant, rounded down to the second.
    static let timestamp = FuzzProperty(name: "timestamp") { bytes in
        let text = String(decoding: bytes, as: UTF8.self)
        guard let date = try? Timestamp.parse(text) else { return nil }
        let formatted = Timestamp.format(date)
        guard let again = try? Timestamp.parse(formatted) else { return "'\(text)' formats as '\(formatted)', which does not parse" }
        if again.timeIntervalSince1970 != date.timeIntervalSince1970.rounded(.down) {
            return "'\(text)' formats as '\(formatted)', which is another instant"
        }
        return nil
    }

    // MARK: - Commit messages

    /// `Trailer.parse` (libgit2's `git_message_trailers`) never crashes, and every trailer key it
    /// returns is non-empty text from the message.
    static let trailers = FuzzProperty(name: "trailers") { bytes in
        let message = String(decoding: bytes, as: UTF8.self)
        for trailer in Trailer.parse(message) where trailer.key.isEmpty || !message.contains(trailer.key) {
            return "trailer key '\(trailer.key)' is not in the message"
        }
        return nil
    }

    // MARK: - Structured rewrites

    static let defaultKeyPaths = ["image.tag", "chart.version", "spec.replicas", "a", "a.b", "items[0]", "containers[name=app].image"]

    /// `KeyRewriter.rewrite` throws only `KeyRewriteError`; on success only the reported spans
    /// changed, nothing changed when no key changed, and reading each changed path back from the
    /// output gives the source's value there.
    ///
    /// Input: `yaml` or `json`, then key paths one per line; NUL; the target; NUL; the source.
    static let keyrewrite = FuzzProperty(name: "keyrewrite") { bytes in
        let sections = bytes.split(separator: 0, maxSplits: 2, omittingEmptySubsequences: false)
        guard sections.count == 3 else { return nil }
        let header = String(decoding: sections[0], as: UTF8.self).split(separator: "\n").map(String.init)
        let format: StructuredFormat = header.first == "json" ? .json : .yaml
        var paths = header.dropFirst().compactMap { try? KeyPath(parsing: $0) }
        if paths.isEmpty { paths = defaultKeyPaths.map { try! KeyPath(parsing: $0) } }
        let target = Array(sections[1])
        let source = Array(sections[2])
        guard let result = try? KeyRewriter.rewrite(target: target, source: source, paths: paths, format: format) else { return nil }
        if !ReplacedSpan.onlySpansChanged(original: target, output: result.output, spans: result.replacedSpans) {
            return "bytes outside the replaced spans \(result.replacedSpans) changed"
        }
        if result.changed.isEmpty && result.output != target { return "the output differs although no key changed" }
        for change in result.changed {
            let written: String?
            let wanted: String?
            do throws(StructuredError) { written = try KeyRewriter.value(at: change.path, in: result.output, format: format) } catch {
                return "the output does not read back at \(change.path): \(error.errorDescription ?? "")"
            }
            do throws(StructuredError) { wanted = try KeyRewriter.value(at: change.path, in: source, format: format) } catch {
                return "the source does not read at \(change.path): \(error.errorDescription ?? "")"
            }
            if written != wanted { return "\(change.path) reads \(written ?? "nothing") in the output, \(wanted ?? "nothing") in the source" }
        }
        return nil
    }

    /// Capture patterns of the kind `promote.patterns` holds; the fuzzer picks one by the first
    /// input byte. Fuzzed regular expressions are only compiled, never run, so that a pattern
    /// with catastrophic backtracking cannot stall the fuzzer.
    static let capturePatterns = [
        #"\?ref=(v[0-9][0-9.]*)"#, #"image: *([^\s]+)"#, #"version = "([^"]*)""#, #"(\d+)"#, #"tag:\s*(\S+)"#,
        #"(a)?b"#, #"()"#, #"(.)"#, #"(\p{L}+)"#, #"(?m)^(.*)$"#, #"(e\x{301}|é)"#, #"x(y*)"#,
    ]

    /// `PatternRewriter.rewrite` throws only `PatternError`; on success only the reported spans
    /// changed, and nothing changed when no capture changed.
    ///
    /// Input: a pattern-selecting line (the first byte picks a pattern; the whole line is also
    /// compiled as a regular expression); NUL; the target; NUL; the source.
    static let patternrewrite = FuzzProperty(name: "patternrewrite") { bytes in
        let sections = bytes.split(separator: 0, maxSplits: 2, omittingEmptySubsequences: false)
        guard sections.count == 3 else { return nil }
        let header = String(decoding: sections[0], as: UTF8.self)
        try? PatternRewriter.validate(header)
        let pattern = capturePatterns[Int(sections[0].first ?? 0) % capturePatterns.count]
        let target = Array(sections[1])
        guard let result = try? PatternRewriter.rewrite(target: target, source: Array(sections[2]), pattern: pattern) else { return nil }
        if !ReplacedSpan.onlySpansChanged(original: target, output: result.output, spans: result.replacedSpans) {
            return "bytes outside the replaced spans \(result.replacedSpans) changed (pattern \(pattern))"
        }
        if !result.didChange && result.output != target { return "the output differs although no capture changed (pattern \(pattern))" }
        return nil
    }
}

#if !LADDER_FUZZ
import Testing

/// Runs every fuzz property on every seed (Fuzz/Corpus/<target>/) and every minimised input the
/// fuzzers found (Fuzz/Regressions/<target>/), so that `swift test` checks what the fuzzers check.
@Suite struct FuzzRegressionTests {
    static let fuzzDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz")

    /// `target/file` for every file under `Fuzz/<kind>/<target>/`.
    static func inputs(_ kind: String) -> [String] {
        let root = fuzzDirectory.appendingPathComponent(kind)
        let manager = FileManager.default
        var found: [String] = []
        for target in (try? manager.contentsOfDirectory(atPath: root.path)) ?? [] {
            for file in (try? manager.contentsOfDirectory(atPath: root.appendingPathComponent(target).path)) ?? [] where !file.hasPrefix(".") {
                found.append("\(target)/\(file)")
            }
        }
        return found.sorted()
    }

    static func run(_ kind: String, _ input: String) throws {
        let target = String(input.prefix { $0 != "/" })
        let property = try #require(FuzzProperties.named(target), "no fuzz property named '\(target)'")
        let bytes = try [UInt8](Data(contentsOf: fuzzDirectory.appendingPathComponent(kind).appendingPathComponent(input)))
        let failure = property.check(bytes)
        #expect(failure == nil, "\(kind)/\(input): \(failure ?? "")")
    }

    @Test func everyTargetHasSeeds() {
        let targets = Set(Self.inputs("Corpus").map { String($0.prefix { $0 != "/" }) })
        for property in FuzzProperties.all {
            #expect(targets.contains(property.name), "Fuzz/Corpus/\(property.name) has no seeds")
        }
        #expect(targets.allSatisfy { FuzzProperties.named($0) != nil }, "a corpus directory names no fuzz property: \(targets.sorted())")
    }

    @Test(arguments: inputs("Corpus"))
    func seedHoldsItsProperty(_ input: String) throws {
        try Self.run("Corpus", input)
    }

    /// Regression inputs whose bug is not fixed yet, with the bug. Their test expects the property
    /// to fail, and fails once the bug is fixed, so that the entry is then removed. (An input that
    /// crashes the process cannot be replayed this way: give it a `.disabled("bug: …")` test.)
    /// Regressions whose bug is not fixed yet (none at the moment).
    static let openBugs: [String: String] = [:
    ]

    @Test(arguments: inputs("Regressions"))
    func regressionHoldsItsProperty(_ input: String) throws {
        if let bug = Self.openBugs[input] {
            withKnownIssue(Comment(rawValue: bug)) { try Self.run("Regressions", input) }
        } else {
            try Self.run("Regressions", input)
        }
    }

    @Test func openBugsNameStoredInputs() {
        let stored = Set(Self.inputs("Regressions"))
        for input in Self.openBugs.keys { #expect(stored.contains(input), "Fuzz/Regressions/\(input) does not exist") }
    }
}
#endif
