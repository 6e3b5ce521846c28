import Testing
@testable import LadderCore

@Suite struct SecretScrubberTests {
    static let ghp = "ghp_" + String(repeating: "x9Y8", count: 9)
    static let pat = "github_pat_11AAAAAAA0_" + String(repeating: "Zz", count: 20)
    static let glpat = "glpat-" + "Ab3_-cdEFghiJKlmnOPq"

    @Test(arguments: [
        ("https://user:hunter2@github.com/org/repo.git", "https://[REDACTED]@github.com/org/repo.git"),
        ("fetch ssh+https://oauth2:abc@gitlab.example/g/p failed", "fetch ssh+https://[REDACTED]@gitlab.example/g/p failed"),
        ("token \(ghp) leaked", "token [REDACTED] leaked"),
        ("https://\(ghp)@github.com/o/r", "https://[REDACTED]@github.com/o/r"),
        ("pat=\(pat);", "pat=[REDACTED];"),
        ("GitLab \(glpat)", "GitLab [REDACTED]"),
        ("Authorization: Basic dXNlcjpwYXNz\nnext line", "Authorization: [REDACTED]\nnext line"),
        ("header authorization:token abc", "header authorization:[REDACTED]"),
        ("curl -H 'X: Bearer abc.DEF-ghi_j~k+l/m=='", "curl -H 'X: Bearer [REDACTED]'"),
        ("the value is very-secret-token-value!", "the value is [REDACTED]!"),
    ])
    func redactsCredentials(_ input: String, _ expected: String) {
        let scrubber = AuditSecretScrubber(secrets: ["very-secret-token-value", nil, "", "  "])
        #expect(scrubber.scrub(input) == expected)
    }

    @Test(arguments: [
        "https://github.com/org/repo/pull/12",
        "git@github.com:org/repo.git",
        "https://deploy@example.com/repo",
        "ghp_short",
        "environments/prod/payments/values.yaml",
        "bearer of good news",
        "mailto:alice@example.com",
    ])
    func keepsOrdinaryText(_ input: String) {
        #expect(AuditSecretScrubber(secrets: ["very-secret-token-value"]).scrub(input) == input)
    }

    /// The cheap trigger scan must never let a credential skip the regular expressions: every
    /// redacted input above, in any ASCII case, and any non-ASCII text takes the slow path.
    @Test func triggerScanLetsEveryCredentialThrough() {
        let inputs = [
            "https://user:hunter2@github.com/org/repo.git", "token \(Self.ghp) leaked", "pat=\(Self.pat);",
            "GitLab \(Self.glpat)", "Authorization: Basic dXNlcjpwYXNz", "curl -H 'X: Bearer abc.DEF-ghi_j~k+l/m=='",
            "AUTHORIZATION: Basic dXNlcjpwYXNz", "BeArEr abcdefghij", "HTTPS://u:p@host/x", "caf\u{E9} authoriz\u{0130}",
        ]
        for input in inputs {
            #expect(!AuditSecretScrubber.credentialTriggers(in: input).isEmpty, "\(input)")
        }
        #expect(AuditSecretScrubber().scrub("AUTHORIZATION: Basic dXNlcjpwYXNz") == "AUTHORIZATION: [REDACTED]")
        #expect(AuditSecretScrubber().scrub("BEARER abcdefghij") == "BEARER [REDACTED]")
        #expect(AuditSecretScrubber.credentialTriggers(in: "environments/prod/payments-0042/values.yaml").isEmpty)
        #expect(AuditSecretScrubber.credentialTriggers(in: "promote(staging): 10 units from dev").isEmpty)
    }

    @Test func usesOnlyTheTokenVariables() {
        let scrubber = AuditSecretScrubber(environment: [
            "LADDER_GIT_TOKEN": "ladder-secret-1", "GITLAB_TOKEN": "gitlab-secret-2", "PATH": "/usr/bin",
        ])
        #expect(scrubber.secrets == ["gitlab-secret-2", "ladder-secret-1"])
        #expect(scrubber.scrub("a ladder-secret-1 b gitlab-secret-2 /usr/bin") == "a [REDACTED] b [REDACTED] /usr/bin")
    }

    @Test func longerSecretsGoFirst() {
        let scrubber = AuditSecretScrubber(secrets: ["abcd", "abcdefgh"])
        #expect(scrubber.scrub("xabcdefghx") == "x[REDACTED]x")
    }

    @Test func scrubsEveryFieldOfAnEvent() {
        let secret = "zz-topsecret-zz"
        var body = AuditFixtures.body(1)
        body.actor.login = secret
        body.transition?.branch = "ladder/\(secret)"
        body.transition?.changedPaths = ["a/\(secret)"]
        body.approvals?[0].reason = secret
        body.policy?.rules[0].message = secret
        body.override = AuditOverride(reason: secret, by: secret)
        let scrubbed = AuditSecretScrubber(secrets: [secret]).scrub(body)
        let json = JSONValue.object(scrubbed.jsonMembers).canonical
        #expect(!json.contains(secret))
        #expect(scrubbed.id == body.id && scrubbed.time == body.time)
    }
}
