import Foundation

/// How one required check stands on the head commit.
public enum RequiredCheckOutcome: Sendable, Equatable {
    case passed
    /// No result with this name at all.
    case missing
    /// The deciding result is not a success (failure, pending, neutral, skipped, cancelled).
    case notPassing(CheckState)
    /// The only results with this name ran on another commit.
    case otherCommit(String)
}

/// One required check and how it stands.
public struct RequiredCheck: Sendable, Equatable {
    public var name: String
    public var outcome: RequiredCheckOutcome

    /// A required check with its outcome.
    public init(name: String, outcome: RequiredCheckOutcome) {
        self.name = name
        self.outcome = outcome
    }
}

/// The outcome of the required status checks (`checks:` in the policy).
///
/// A required check passes only when its deciding result (see `CheckResult.latest`) ran on the
/// head commit and succeeded. Neutral and skipped results do not pass: a gate into a protected
/// environment wants the check to have run. Names compare exactly, as GitHub's required checks do.
public struct CheckEvaluation: Sendable, Equatable {
    /// The required check names, without repeats, each with its outcome, in the policy's order.
    public var outcomes: [RequiredCheck]

    /// True when every required check passed.
    public var satisfied: Bool { outcomes.allSatisfy { $0.outcome == .passed } }

    /// Names of the required checks that have no result at all.
    public var missing: [String] { outcomes.filter { $0.outcome == .missing }.map(\.name) }
    /// Names of the required checks that passed.
    public var passed: [String] { outcomes.filter { $0.outcome == .passed }.map(\.name) }

    /// Plain words: `build, e2e passed`, or what is wrong, one clause per check kind:
    /// `e2e has not run; build failed; lint is pending; smoke ran on another commit 1a2b3c4`.
    public var message: String {
        if outcomes.isEmpty { return "no checks required" }
        if satisfied { return listed(passed) + " passed" }
        var missing: [String] = []
        var byState: [CheckState: [String]] = [:]
        var elsewhere: [String] = []
        for check in outcomes {
            let name = check.name
            switch check.outcome {
            case .passed: break
            case .missing: missing.append(name)
            case .notPassing(let state): byState[state, default: []].append(name)
            case .otherCommit(let commit): elsewhere.append("\(name) ran on another commit \(abbreviated(commit))")
            }
        }
        var parts: [String] = []
        if !missing.isEmpty { parts.append(listed(missing) + (missing.count == 1 ? " has not run" : " have not run")) }
        let phrases: [(CheckState, String, String)] = [
            (.failure, "failed", "failed"), (.cancelled, "was cancelled", "were cancelled"),
            (.pending, "is pending", "are pending"), (.neutral, "was neutral", "were neutral"),
            (.skipped, "was skipped", "were skipped"),
        ]
        for (state, singular, plural) in phrases {
            if let names = byState[state] { parts.append(listed(names) + " " + (names.count == 1 ? singular : plural)) }
        }
        parts += elsewhere
        return parts.joined(separator: "; ")
    }

    /// Judges `required` check names against `results` for `headCommit` (nil: trust every result).
    public init(required: [String], results: [CheckResult], headCommit: String?) {
        let deciding = CheckResult.latest(results, headCommit: headCommit)
        var seen: Set<String> = []
        var outcomes: [RequiredCheck] = []
        for name in required where seen.insert(name).inserted {
            let outcome: RequiredCheckOutcome
            if let result = deciding[name] {
                if !result.isFor(headCommit: headCommit), let sha = result.headSHA {
                    outcome = .otherCommit(sha)
                } else if result.state == .success {
                    outcome = .passed
                } else {
                    outcome = .notPassing(result.state)
                }
            } else {
                outcome = .missing
            }
            outcomes.append(RequiredCheck(name: name, outcome: outcome))
        }
        self.outcomes = outcomes
    }
}
