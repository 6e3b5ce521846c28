import Foundation
import LadderTestSupport
import Testing

@Suite struct BenchmarkGeneratorTests {
    /// The generator built next to the `ladder` binary (or `LADDER_BENCH_GEN`).
    static var generatorPath: String {
        if let explicit = ProcessInfo.processInfo.environment["LADDER_BENCH_GEN"] { return explicit }
        return URL(fileURLWithPath: Run.ladderPath).deletingLastPathComponent().appendingPathComponent("ladder-bench-gen").path
    }

    @Test func sizeSIsAValidLadderMonorepo() throws {
        let scratch = ScratchDirectory("bench-gen")
        let repo = scratch.join("S.git")
        let manifest = scratch.join("S.env")
        let generated = try Run.program(
            Self.generatorPath,
            ["--size", "S", "--commits", "300", "--audit-events", "25", "--output", repo, "--manifest", manifest])
        #expect(generated.status == 0, "\(generated.stderr)")

        let fsck = try Run.git(["fsck", "--strict", "--no-progress"], in: repo, check: false)
        #expect(fsck.status == 0, "\(fsck.stderr)")

        let environments = try Run.gitOutput(["ls-tree", "--name-only", "main:environments"], in: repo)
        #expect(environments.split(separator: "\n") == ["dev", "prod", "staging"])
        for environment in ["dev", "staging", "prod"] {
            let units = try Run.gitOutput(["ls-tree", "-d", "--name-only", "main:environments/\(environment)"], in: repo)
            #expect(units.split(separator: "\n").count == 100, "\(environment)")
        }
        let files = try Run.gitOutput(["ls-tree", "-r", "--name-only", "main", "environments/"], in: repo)
        let perUnit = Double(files.split(separator: "\n").count) / 300
        #expect((7.0...9.0).contains(perUnit), "about 8 files per unit, found \(perUnit)")

        // The history: the requested number of commits, promotions with trailers, merge and
        // squash commits; a hash-chained audit log with one commit per event.
        #expect(try Run.gitOutput(["rev-list", "--count", "main"], in: repo) == "300")
        let promotions = try Run.gitOutput(["log", "--format=%H", "--grep=^Ladder-Source-Commit: [0-9a-f]\\{40\\}$", "main"], in: repo)
        #expect(promotions.split(separator: "\n").count > 10)
        let merges = try Run.gitOutput(["log", "--merges", "--format=%s", "main"], in: repo)
        #expect(merges.contains("Merge pull request #"))
        #expect(try Run.gitOutput(["log", "--format=%s", "main"], in: repo).contains(" (#"))
        let audit = try Run.gitOutput(["log", "--format=%B", "refs/ladder/audit"], in: repo)
        #expect(try Run.gitOutput(["rev-list", "--count", "refs/ladder/audit"], in: repo) == "25")
        #expect(audit.hasPrefix("{\"action\":"))
        #expect(audit.contains("\"prev_hash\":\"0000000000000000000000000000000000000000000000000000000000000000\""))

        // Promotion ids are what `ladder plan` computes for the same units on the same base.
        for commit in promotions.split(separator: "\n").prefix(3).map(String.init) {
            let message = try Run.gitOutput(["log", "-1", "--format=%B", commit], in: repo)
            func trailer(_ key: String) -> String {
                message.split(separator: "\n").first { $0.hasPrefix("\(key): ") }.map { String($0.dropFirst(key.count + 2)) } ?? ""
            }
            let (from, to) = (trailer("Ladder-From"), trailer("Ladder-To"))
            let changed = try Run.gitOutput(["diff", "--name-only", "\(commit)~1", commit, "--", "environments/\(to)"], in: repo)
            let units = Set(changed.split(separator: "\n").map { String($0.split(separator: "/")[2]) }).sorted()
            let plan = try Run.ladder(["plan", from, to, "--ref", trailer("Ladder-Source-Commit"), "--json"] + units.flatMap { ["--unit", $0] }, in: repo)
            let object = try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any]
            #expect(object?["promotion_id"] as? String == trailer("Ladder-Promotion"), "\(commit): \(plan.stderr)")
        }

        // 1% of the units differ between dev and staging, as the manifest says.
        let facts = try String(contentsOfFile: manifest, encoding: .utf8)
        let differing = facts.split(separator: "\n").first { $0.hasPrefix("differing_units=") }!
            .dropFirst("differing_units=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        let changed = try Run.gitOutput(["diff", "--name-only", "main:environments/staging", "main:environments/dev"], in: repo)
        let changedUnits = Set(changed.split(separator: "\n").map { String($0.split(separator: "/")[0]) })
        #expect(changedUnits == Set(differing.split(separator: " ").map(String.init)))
        #expect(changedUnits.count == 1)

        let status = try Run.ladder(["status", "--json"], in: repo)
        #expect(status.status == 0, "\(status.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as! [String: Any]
        #expect(object["environments"] as? [String] == ["dev", "staging", "prod"])
        #expect((object["units"] as? [Any])?.count == 100)
        let pending = object["pending"] as? [[String: Any]]
        #expect(pending?.first?["branch"] as? String == "ladder/promote/staging-to-prod")
    }

    @Test func sameSeedSameRepository() throws {
        let scratch = ScratchDirectory("bench-gen-seed")
        var heads: [String] = []
        for name in ["a.git", "b.git"] {
            let result = try Run.program(
                Self.generatorPath, ["--units", "20", "--commits", "60", "--audit-events", "5", "--output", scratch.join(name)])
            #expect(result.status == 0, "\(result.stderr)")
            heads.append(try Run.gitOutput(["rev-parse", "main", "refs/ladder/audit"], in: scratch.join(name)))
        }
        #expect(heads[0] == heads[1])
    }
}
