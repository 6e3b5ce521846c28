import Foundation
import LadderTestSupport
import Testing

@Suite struct PolicyEndToEndTests {
    @Test func validateTheBundledExample() throws {
        let repo = try FixtureRepository.example()
        let result = try Run.ladder(["policy", "validate"], in: repo.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "ok\n")
        #expect(result.stderr == "")

        let json = try Run.ladder(["--json", "policy", "validate"], in: repo.path)
        #expect(json.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        #expect(object["ok"] as? Bool == true)
        #expect(object["policy"] as? String == "ladder-policy.yaml@main")
    }

    static let brokenPolicy = """
        version: 1
        groups:
          release: [alice, bob]
        environments:
          staging:
            soak: 1x
          prod:
            promote_from: [dev]
            promoters: [group:sre]
            windows:
              - {kind: deny, schedule: "0 16 * * FRI", duration: 64h, timezone: Europe/Berlim}
        enforcment: active
        """

    @Test func validateListsEveryErrorAndExitsTwo() throws {
        let repo = try FixtureRepository.example()
        try repo.commit(["ladder-policy.yaml": Self.brokenPolicy], "break the policy")
        let result = try Run.ladder(["policy", "validate"], in: repo.path)
        #expect(result.status == 2)
        #expect(result.stdout == "")
        #expect(result.stderr == """
            ladder: error: ladder-policy.yaml@main:6:11: bad duration '1x': unexpected 'x'; use a number followed by s, m, h, d or w, as in 1h30m
            ladder: error: ladder-policy.yaml@main:8:20: dev → prod is not a promotion of ladder.yaml; promote_from can only accept its edges (ladder.yaml promotes into prod from: staging)
            ladder: error: ladder-policy.yaml@main:9:17: undefined group 'sre' (defined groups: release)
            ladder: error: ladder-policy.yaml@main:11:73: unknown time zone 'Europe/Berlim' (use an IANA name such as Europe/Berlin or America/New_York)
            ladder: error: ladder-policy.yaml@main:12:1: unknown key 'enforcment' (did you mean 'enforcement'?)
            ladder: 5 errors in ladder-policy.yaml@main

            """)

        let json = try Run.ladder(["policy", "validate", "--format", "json"], in: repo.path)
        #expect(json.status == 2)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        #expect(object["ok"] as? Bool == false)
        let errors = object["errors"] as! [[String: Any]]
        #expect(errors.count == 5)
        #expect(errors.last?["line"] as? Int == 12)
        #expect(errors.last?["hint"] as? String == "did you mean 'enforcement'?")
    }

    @Test func validateAFileOnDisk() throws {
        let repo = try FixtureRepository.example()
        try repo.write(["draft.yaml": "version: 1\nenvironments:\n  production: {}\n"])
        let result = try Run.ladder(["policy", "validate", "draft.yaml"], in: repo.path)
        #expect(result.status == 2)
        #expect(result.stderr == "ladder: error: draft.yaml:3:3: unknown environment 'production': ladder.yaml does not define it (did you mean 'prod'?)\n")
    }

    @Test func explainProd() throws {
        let repo = try FixtureRepository.example()
        let result = try Run.ladder(["policy", "explain", "prod", "--now", "2026-11-20T16:30:00Z"], in: repo.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("prod\n  - prod accepts promotions from staging only\n  - only alice, bob (group release) may promote\n"))
        #expect(result.stdout.contains("  - closed Fridays 16:00 Europe/Berlin for 64h (weekend freeze) and 2026-12-20 to 2027-01-04 (year-end freeze)\n"))
        #expect(result.stdout.contains("  - at 2026-11-20T16:30:00Z: closed by \"weekend freeze\" (deny, Fri 2026-11-20 16:00 Europe/Berlin for 64h) until 2026-11-23T07:00:00Z (in 2d14h)\n"))
        #expect(!result.stdout.contains("staging\n"))

        let json = try Run.ladder(["policy", "explain", "--json"], in: repo.path)
        #expect(json.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        let environments = object["environments"] as! [[String: Any]]
        #expect(environments.map { $0["environment"] as? String } == ["dev", "staging", "prod"])
        let prodRules = environments[2]["rules"] as! [String: Any]
        #expect(prodRules["checks"] as? [String] == ["build", "e2e"])
        #expect(prodRules["promoter_logins"] as? [String] == ["alice", "bob"])

        let unknown = try Run.ladder(["policy", "explain", "production"], in: repo.path)
        #expect(unknown.status == 2)
        #expect(unknown.stderr == "ladder: error: unknown environment 'production' (known: dev, staging, prod)\nhint: did you mean 'prod'?\n")

        let badNow = try Run.ladder(["policy", "explain", "--now", "yesterday"], in: repo.path)
        #expect(badNow.status == 2)
        #expect(badNow.stderr.hasPrefix("ladder: error: bad --now: bad timestamp 'yesterday'"))
    }
}
