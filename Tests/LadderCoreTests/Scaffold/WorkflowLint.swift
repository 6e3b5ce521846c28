import Foundation
import LadderCore
import Yams

/// Offline sanity checks of CI files in the spirit of actionlint: structure, `${{ }}` expressions,
/// script injection, cron schedules. Returns one message per problem; empty means clean.
enum WorkflowLint {
    static let contexts: Set<String> = ["github", "secrets", "env", "steps", "needs", "inputs", "vars", "matrix", "runner", "job", "strategy"]
    static let functions: Set<String> = [
        "always", "success", "failure", "cancelled", "contains", "startsWith", "endsWith", "format", "join", "toJSON",
        "fromJSON", "hashFiles",
    ]
    /// Fields an outsider controls (actionlint's list, abridged): never inline in a script.
    static let untrusted = [
        "github.head_ref", ".title", ".body", ".head.ref", ".head.label", ".head.repo.default_branch", ".email",
        ".message", ".label", ".name", ".user.login", ".author.username", ".login",
    ]

    static func root(_ text: String) throws -> Node.Mapping {
        guard let mapping = try Yams.compose(yaml: text)?.mapping else { throw LintFailure("the file is not a YAML mapping") }
        return mapping
    }

    struct LintFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// The `${{ … }}` expressions of `text`, or a problem when they are not balanced.
    static func expressions(in text: String) -> (expressions: [String], problems: [String]) {
        var result: [String] = []
        var problems: [String] = []
        var rest = Substring(text)
        while let open = rest.range(of: "${{") {
            let after = rest[open.upperBound...]
            guard let close = after.range(of: "}}") else {
                problems.append("unclosed '${{' near '\(after.prefix(30))'")
                break
            }
            let body = after[..<close.lowerBound]
            if body.contains("${{") { problems.append("nested '${{' in '\(body)'") }
            result.append(body.trimmingCharacters(in: .whitespaces))
            rest = after[close.upperBound...]
        }
        if rest.contains("}}") && !rest.contains("${{") && text.contains("${{") {
            // A stray closing pair after the last expression.
            problems.append("'}}' without '${{'")
        }
        return (result, problems)
    }

    /// Problems with the names an expression uses: unknown contexts or functions.
    static func checkNames(_ expression: String) -> [String] {
        var problems: [String] = []
        // Drop string literals ('…', with '' as an escaped quote).
        var stripped = ""
        var inString = false
        for character in expression {
            if character == "'" { inString.toggle(); stripped.append(" "); continue }
            stripped.append(inString ? " " : character)
        }
        let scalars = Array(stripped)
        var index = 0
        while index < scalars.count {
            let character = scalars[index]
            guard character.isLetter || character == "_" else { index += 1; continue }
            let previous = index > 0 ? scalars[index - 1] : " "
            var end = index
            while end < scalars.count, scalars[end].isLetter || scalars[end].isNumber || scalars[end] == "_" || scalars[end] == "-" { end += 1 }
            let word = String(scalars[index..<end])
            let next = end < scalars.count ? scalars[end] : " "
            if previous != "." && !previous.isNumber {
                if next == "(" {
                    if !functions.contains(word) { problems.append("unknown function '\(word)' in '\(expression)'") }
                } else if !["true", "false", "null"].contains(word) && !contexts.contains(word) {
                    problems.append("unknown context '\(word)' in '\(expression)'")
                }
            }
            index = end
        }
        return problems
    }

    /// GitHub Actions: structure, expressions, injection, schedules, permissions.
    static func github(_ text: String) throws -> [String] {
        var problems: [String] = []
        let (all, balance) = expressions(in: text)
        problems += balance
        for expression in all { problems += checkNames(expression) }

        let root = try root(text)
        // YAML 1.1 readers take a bare `on` for a boolean: look the key up by its text.
        let triggers = root.first { $0.key.string == "on" }?.value
        if triggers == nil { problems.append("no 'on:' triggers") }
        for cron in triggers?.mapping?["schedule"]?.sequence?.compactMap({ $0.mapping?["cron"]?.string }) ?? [] {
            if cron.split(separator: " ").count != 5 { problems.append("cron '\(cron)' does not have 5 fields") }
            do { _ = try CronSchedule(parsing: cron) } catch { problems.append("invalid cron '\(cron)': \(error)") }
        }
        if root["permissions"] == nil { problems.append("no top-level 'permissions:'") }
        guard let jobs = root["jobs"]?.mapping, !jobs.isEmpty else { return problems + ["no jobs"] }
        for (key, job) in jobs {
            let name = key.string ?? "?"
            guard let job = job.mapping else { problems.append("job \(name) is not a mapping"); continue }
            if job["runs-on"] == nil { problems.append("job \(name) has no runs-on") }
            if job["permissions"] == nil { problems.append("job \(name) sets no permissions") }
            guard let steps = job["steps"]?.sequence, !steps.isEmpty else { problems.append("job \(name) has no steps"); continue }
            for (index, step) in steps.enumerated() {
                guard let step = step.mapping else { problems.append("job \(name) step \(index) is not a mapping"); continue }
                if (step["uses"] == nil) == (step["run"] == nil) { problems.append("job \(name) step \(index) needs exactly one of uses/run") }
                if let uses = step["uses"]?.string, !uses.contains("@") { problems.append("job \(name) step \(index): unpinned action \(uses)") }
                guard let script = step["run"]?.string else { continue }
                for expression in expressions(in: script).expressions {
                    if expression.hasPrefix("github.event.") || untrusted.contains(where: { expression.contains($0) }) {
                        problems.append("job \(name) step \(index): untrusted '${{ \(expression) }}' inside run")
                    }
                }
            }
        }
        return problems
    }

    static let gitlabReserved: Set<String> = [
        "default", "include", "stages", "variables", "workflow", "image", "services", "cache", "before_script", "after_script",
    ]

    /// GitLab CI: every visible job has a script (its own or through `extends`) and rules.
    static func gitlab(_ text: String) throws -> [String] {
        var problems: [String] = []
        let root = try root(text)
        for (key, job) in root {
            guard let name = key.string, !gitlabReserved.contains(name), !name.hasPrefix(".") else { continue }
            guard let job = job.mapping else { problems.append("job \(name) is not a mapping"); continue }
            var script = job["script"]
            if script == nil, let parent = job["extends"]?.string { script = root[parent]?.mapping?["script"] }
            if script?.sequence?.isEmpty != false && script?.string == nil { problems.append("job \(name) has no script") }
            if job["rules"]?.sequence?.isEmpty != false { problems.append("job \(name) has no rules") }
            for rule in job["rules"]?.sequence ?? [] where rule.mapping?["if"]?.string == nil {
                problems.append("job \(name) has a rule without if")
            }
            if let parent = job["extends"]?.string, root[parent] == nil { problems.append("job \(name) extends unknown \(parent)") }
        }
        if text.contains("${{") { problems.append("GitHub expression syntax in a GitLab file") }
        return problems
    }
}
