import Foundation

/// How one changed path stands against CODEOWNERS.
public struct CodeOwnersPath: Sendable, Equatable {
    public var path: String
    /// The owners of the deciding rule; empty when the path is unowned.
    public var owners: [CodeOwner]
    /// The line of the deciding rule, nil when no rule matches.
    public var line: Int?
    /// The approver who satisfied the path's owners, nil when none did (or none was needed).
    public var approvedBy: String?
    /// Owners that could not be resolved to logins: unknown teams, emails with no known login.
    public var unresolved: [CodeOwner]

    /// True when the path needs no owner approval or has one.
    public var satisfied: Bool { owners.isEmpty || approvedBy != nil }
}

/// The outcome of the code-owners rule (`code_owners: true`) for a set of changed paths.
public struct CodeOwnersEvaluation: Sendable, Equatable {
    /// Every changed path, without repeats, in input order.
    public var paths: [CodeOwnersPath]

    /// Paths whose owners have not approved.
    public var unsatisfied: [CodeOwnersPath] { paths.filter { !$0.satisfied } }
    /// Paths that no rule gives an owner.
    public var unowned: [String] { paths.filter { $0.owners.isEmpty }.map(\.path) }
    /// Owners that could not be resolved, without repeats, in order of first appearance.
    public var unresolvedOwners: [CodeOwner] {
        var seen: Set<CodeOwner> = []
        return paths.flatMap(\.unresolved).filter { seen.insert($0).inserted }
    }
    /// True when every owned path has an approving owner.
    public var satisfied: Bool { paths.allSatisfy(\.satisfied) }

    /// Plain words: `code owners approved all 3 owned paths`, or each group of unapproved paths
    /// with the owners who could approve them:
    /// `environments/prod/a.yaml, environments/prod/b.yaml need approval from @org/sre (unknown team) or @alice`.
    public var message: String {
        let owned = paths.filter { !$0.owners.isEmpty }
        if owned.isEmpty { return "no changed path has code owners" }
        let waiting = unsatisfied
        if waiting.isEmpty {
            return owned.count == 1 ? "code owners approved the owned path" : "code owners approved all \(owned.count) owned paths"
        }
        // Group paths that wait for the same owners, in order of first appearance.
        var groups: [(owners: [CodeOwner], unresolved: [CodeOwner], paths: [String])] = []
        for entry in waiting {
            if let index = groups.firstIndex(where: { $0.owners == entry.owners }) {
                groups[index].paths.append(entry.path)
            } else {
                groups.append((entry.owners, entry.unresolved, [entry.path]))
            }
        }
        return groups.map { group in
            let shown = group.paths.count > 3 ? Array(group.paths.prefix(3)) + ["\(group.paths.count - 3) more paths"] : group.paths
            let verb = group.paths.count == 1 ? "needs" : "need"
            let owners = group.owners.map { owner -> String in
                guard group.unresolved.contains(owner) else { return owner.description }
                if case .team = owner { return "\(owner) (unknown team)" }
                return "\(owner) (no login known)"
            }
            return "\(listed(shown)) \(verb) approval from \(listed(owners, conjunction: "or"))"
        }.joined(separator: "; ")
    }
}

extension CodeOwners {
    /// Judges `changedPaths` against the owners: each owned path needs an approval from at least
    /// one of its owners.
    ///
    /// - Parameters:
    ///   - approvers: logins whose approval counts for code owners (usually
    ///     `ApprovalEvaluation.qualifiedApprovers`); compared case-insensitively.
    ///   - teamMembers: the logins of a team, given as `org/team`; nil for an unknown team, whose
    ///     paths then cannot be approved through it.
    ///   - emailLogin: the login behind an email owner; nil when unknown. By default none is known.
    public func evaluate(
        changedPaths: [String], approvers: [String], teamMembers: (String) -> Set<String>?,
        emailLogin: (String) -> String? = { _ in nil }
    ) -> CodeOwnersEvaluation {
        var teamCache: [String: Set<String>?] = [:]

        var seen: Set<String> = []
        var results: [CodeOwnersPath] = []
        for path in changedPaths where seen.insert(path).inserted {
            guard let rule = rule(for: path) else {
                results.append(CodeOwnersPath(path: path, owners: [], line: nil, approvedBy: nil, unresolved: []))
                continue
            }
            var approvedBy: String?
            var unresolved: [CodeOwner] = []
            for owner in rule.owners {
                let logins: Set<String>?
                switch owner {
                case .user(let login): logins = [login]
                case .email(let address): logins = emailLogin(address).map { [$0] }
                case .team(let name):
                    let key = name.lowercased()
                    if let cached = teamCache[key] {
                        logins = cached
                    } else {
                        logins = teamMembers(name)
                        teamCache[key] = .some(logins)
                    }
                }
                guard let logins else {
                    unresolved.append(owner)
                    continue
                }
                if approvedBy == nil {
                    // Pick the first approver in the caller's order, for a stable report.
                    let owning = Set(logins.map { $0.lowercased() })
                    approvedBy = approvers.first { owning.contains($0.lowercased()) }
                }
            }
            results.append(
                CodeOwnersPath(path: path, owners: rule.owners, line: rule.line, approvedBy: approvedBy, unresolved: unresolved))
        }
        return CodeOwnersEvaluation(paths: results)
    }
}
