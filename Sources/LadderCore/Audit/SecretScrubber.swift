import Foundation

/// Removes credentials from text before it is written to the audit log.
///
/// Redacted: the user-info part of URLs carrying a password (`https://user:secret@host` →
/// `https://[REDACTED]@host`), GitHub tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`,
/// `github_pat_`), GitLab personal access tokens (`glpat-`), everything after `Authorization:`
/// on its line, the credential after `Bearer` (8 characters or more), and every occurrence of the literal secret
/// values the scrubber was given (the values of ``environmentVariables``). The scrubber never
/// reads the environment itself.
public struct AuditSecretScrubber: Sendable {
    /// What a secret is replaced with.
    public static let redacted = "[REDACTED]"
    /// The environment variables whose values are secrets: pass their values to ``init(environment:)``.
    public static let environmentVariables = ["LADDER_GIT_TOKEN", "GITHUB_TOKEN", "GITLAB_TOKEN"]

    /// The literal secrets, longest first so that a secret containing another is removed whole.
    public let secrets: [String]

    /// A scrubber for the given literal secret values; nil, empty and blank values are ignored.
    public init(secrets: [String?] = []) {
        let values = secrets.compactMap { $0 }.filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        self.secrets = Array(Set(values)).sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
    }

    /// A scrubber for the secrets among `environment` (the values of ``environmentVariables``).
    public init(environment: [String: String]) {
        self.init(secrets: Self.environmentVariables.map { environment[$0] })
    }

    /// `text` with every credential replaced by ``redacted``.
    public func scrub(_ text: String) -> String {
        var output = text
        for secret in secrets where output.contains(secret) {
            output = output.replacingOccurrences(of: secret, with: Self.redacted)
        }
        let triggers = Self.credentialTriggers(in: output)
        guard !triggers.isEmpty else { return output }
        let redacted = Self.redacted
        if triggers.contains(.authorization) {
            output.replace(Self.authorizationHeader) { match in match.output.1 + redacted }
        }
        if triggers.contains(.bearer) {
            output.replace(Self.bearerCredential) { match in match.output.1 + redacted }
        }
        if triggers.contains(.url) {
            output.replace(Self.urlUserInfo) { match in match.output.1 + redacted + "@" }
        }
        if triggers.contains(.token) {
            output.replace(Self.forgeToken) { _ in redacted }
        }
        return output
    }

    // The patterns, compiled once per process (a Swift regex literal is compiled where it is
    // used, ~1.5 M instructions each time).
    nonisolated(unsafe) private static let authorizationHeader = /(?i)(authorization[ \t]*:[ \t]*)[^\r\n]+/
    nonisolated(unsafe) private static let bearerCredential = /(?i)\b(bearer[ \t]+)[A-Za-z0-9\-._~+\/]{8,}=*/
    nonisolated(unsafe) private static let urlUserInfo = /([A-Za-z][A-Za-z0-9+.\-]*:\/\/)[^\/\s@:]*:[^\/\s@]*@/
    nonisolated(unsafe) private static let forgeToken = /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_\-]{20,})/

    /// Which of the patterns of `scrub` could match: each needs its trigger text ("authorization",
    /// "bearer", "://", a token prefix; ASCII case ignored). The regular expressions cost far more
    /// than this scan, an event has dozens of strings (every changed path) and almost never a
    /// credential, so each runs only when its trigger is there. Text with non-ASCII bytes takes
    /// the two case-insensitive patterns (Unicode case folding).
    struct Triggers: OptionSet {
        let rawValue: Int
        static let authorization = Triggers(rawValue: 1)
        static let bearer = Triggers(rawValue: 2)
        static let url = Triggers(rawValue: 4)
        static let token = Triggers(rawValue: 8)
    }

    static func credentialTriggers(in text: String) -> Triggers {
        var lowered: [UInt8] = []
        lowered.reserveCapacity(text.utf8.count)
        var found: Triggers = []
        for byte in text.utf8 {
            // The case-insensitive patterns may match non-ASCII letters that fold to ASCII ones
            // (ſ, K): such text takes them without a trigger. The other two need ASCII literals.
            if byte >= 0x80 { found.formUnion([.authorization, .bearer]) }
            lowered.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
        }
        for (trigger, kind) in triggerTexts where !found.contains(kind) && lowered.contains(trigger) {
            found.insert(kind)
        }
        return found
    }

    private static let triggerTexts: [([UInt8], Triggers)] = {
        let texts: [(String, Triggers)] = [
            ("authorization", .authorization), ("bearer", .bearer), ("://", .url),
            ("ghp_", .token), ("gho_", .token), ("ghu_", .token), ("ghs_", .token), ("ghr_", .token),
            ("github_pat_", .token), ("glpat-", .token),
        ]
        return texts.map { (Array($0.0.utf8), $0.1) }
    }()

    /// `body` with every string field scrubbed, except the id and time, whose formats cannot
    /// hold a secret.
    public func scrub(_ body: AuditEventBody) -> AuditEventBody {
        func clean(_ text: String?) -> String? { text.map(scrub) }
        var body = body
        body.actor.login = scrub(body.actor.login)
        body.source = AuditSource(
            host: clean(body.source.host), ciProvider: clean(body.source.ciProvider),
            ciRunURL: clean(body.source.ciRunURL), toolVersion: scrub(body.source.toolVersion))
        if let transition = body.transition {
            body.transition = AuditTransition(
                from: clean(transition.from), to: scrub(transition.to), sourceCommit: clean(transition.sourceCommit),
                baseCommit: clean(transition.baseCommit), commit: clean(transition.commit),
                branch: clean(transition.branch), promotionID: clean(transition.promotionID),
                changedPaths: transition.changedPaths.map(scrub))
        }
        body.approvals = body.approvals?.map { approval in
            AuditApproval(
                login: scrub(approval.login), state: scrub(approval.state), commit: clean(approval.commit),
                counted: approval.counted, reason: clean(approval.reason))
        }
        if let policy = body.policy {
            body.policy = AuditPolicy(
                path: scrub(policy.path), sha256: scrub(policy.sha256),
                rules: policy.rules.map { AuditRuleResult(id: scrub($0.id), result: scrub($0.result), message: clean($0.message)) })
        }
        if let override = body.override {
            body.override = AuditOverride(reason: scrub(override.reason), by: scrub(override.by))
        }
        return body
    }
}
