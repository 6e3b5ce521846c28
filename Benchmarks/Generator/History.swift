import LadderCore

/// Writes the trunk: an initial commit with every unit in every environment, then a history of
/// edits in dev and promotions dev → staging → prod (plain, squash and merge commits, the
/// promotions with Ladder's trailers), ending in the scenario's state: exactly the chosen units
/// differ between dev and staging.
struct HistoryWriter {
    let options: Options
    let units: [Unit]
    let stream: FastImport
    var random: SeededGenerator

    /// Promotable content by environment name, then unit index.
    var states: [String: [UnitState]] = [:]
    var prodReplicas: [Int]
    var time: Int64
    var mainMark = 0
    var commits = 0
    var pullRequest = 1000
    var docsRevision = 0
    /// Units that differ between dev and staging at the tip, sorted.
    private(set) var differingUnits: [String] = []

    static let developers = [
        Identity(name: "Alice Martin", email: "alice@acme.example.com"),
        Identity(name: "Bob Nguyen", email: "bob@acme.example.com"),
        Identity(name: "Chen Wei", email: "chen@acme.example.com"),
        Identity(name: "Dana Okafor", email: "dana@acme.example.com"),
        Identity(name: "Emil Svensson", email: "emil@acme.example.com"),
        Identity(name: "Farah Haddad", email: "farah@acme.example.com"),
        Identity(name: "Gita Rao", email: "gita@acme.example.com"),
        Identity(name: "Hugo Lefèvre", email: "hugo@acme.example.com"),
    ]
    static let releaseEngineers = [
        Identity(name: "Carol Jensen", email: "carol@acme.example.com"),
        Identity(name: "Dave Kim", email: "dave@acme.example.com"),
        Identity(name: "ladder-bot", email: "ladder-bot@acme.example.com"),
    ]
    static let forge = Identity(name: "GitHub", email: "noreply@github.com")
    static let sideRef = "refs/ladder-bench/side"

    init(options: Options, units: [Unit], stream: FastImport, random: SeededGenerator) {
        self.options = options
        self.units = units
        self.stream = stream
        self.random = random
        prodReplicas = Array(repeating: 3, count: units.count)
        time = options.startTime
    }

    // MARK: - Paths and content

    func unitPath(_ environment: String, _ unit: Int) -> String { "environments/\(environment)/\(units[unit].name)" }

    func files(_ environment: String, _ unit: Int) -> [String: String] {
        Content.files(
            of: units[unit], tier: Tier.of(environment: environment), prodReplicas: prodReplicas[unit],
            state: states[environment]![unit])
    }

    /// Runs `change`, then writes the file modifications and deletions it caused in the given
    /// (environment, unit) pairs into the current commit.
    mutating func apply(_ touched: [(String, Int)], _ change: (inout HistoryWriter) -> Void) -> [FileChange] {
        let before = touched.map { files($0.0, $0.1) }
        change(&self)
        var changes: [FileChange] = []
        for (index, (environment, unit)) in touched.enumerated() {
            let after = files(environment, unit)
            let prefix = unitPath(environment, unit)
            for (name, content) in after.sorted(by: { $0.key < $1.key }) where before[index][name] != content {
                changes.append(FileChange(path: "\(prefix)/\(name)", content: content))
            }
            for name in before[index].keys.sorted() where after[name] == nil {
                changes.append(FileChange(path: "\(prefix)/\(name)", content: nil))
            }
        }
        return changes
    }

    func emit(_ changes: [FileChange]) {
        for change in changes {
            if let content = change.content { stream.modify(change.path, content) } else { stream.delete(change.path) }
        }
    }

    mutating func tick() -> Int64 {
        time += Int64(300 + random.below(3300))
        return time
    }

    // MARK: - Commits

    /// Writes `changes` to the trunk in one of the shapes a forge leaves behind: a plain commit,
    /// a squash merge (`subject (#N)`) or a merge commit of a side branch.
    mutating func commitToTrunk(
        subject: String, body: String, author: Identity, changes: [FileChange], branch: String, style: Style
    ) {
        let message = body.isEmpty ? "\(subject)\n" : "\(subject)\n\n\(body)\n"
        switch style {
        case .plain:
            let mark = stream.newMark()
            stream.commit(ref: "refs/heads/main", mark: mark, author: author, committer: author, time: tick(), message: message)
            emit(changes)
            mainMark = mark
            commits += 1
        case .squash:
            pullRequest += 1
            let mark = stream.newMark()
            let squashed = body.isEmpty ? "\(subject) (#\(pullRequest))\n" : "\(subject) (#\(pullRequest))\n\n\(body)\n"
            stream.commit(
                ref: "refs/heads/main", mark: mark, author: author, committer: Self.forge, time: tick(), message: squashed)
            emit(changes)
            mainMark = mark
            commits += 1
        case .merge:
            pullRequest += 1
            let side = stream.newMark()
            stream.commit(
                ref: Self.sideRef, mark: side, author: author, committer: author, time: tick(), message: message,
                parents: [mainMark])
            emit(changes)
            let merge = stream.newMark()
            let approver = random.pick(Self.releaseEngineers.filter { $0.name != author.name })
            stream.commit(
                ref: "refs/heads/main", mark: merge, author: approver, committer: Self.forge, time: tick(),
                message: "Merge pull request #\(pullRequest) from acme/\(branch)\n\n\(subject)\n", parents: [mainMark, side])
            emit(changes)
            mainMark = merge
            commits += 2
        }
    }

    enum Style { case plain, squash, merge }

    mutating func randomStyle(merge: Double, squash: Double) -> Style {
        let roll = Double(random.below(1000)) / 1000
        return roll < merge ? .merge : roll < merge + squash ? .squash : .plain
    }

    // MARK: - The history

    mutating func writeInitialCommit() {
        for environment in Content.environments {
            states[environment] = units.indices.map { index in
                UnitState(
                    tag: Version(major: 1, minor: index % 5, patch: 0), chart: Version(major: 3, minor: 2, patch: 0),
                    configRevision: 0, deploymentRevision: 0, moduleRef: Version(major: 2, minor: 0, patch: 0),
                    featuresRevision: 0, hasAutoscaler: false)
            }
        }
        mainMark = stream.newMark()
        let author = Self.releaseEngineers[0]
        stream.commit(
            ref: "refs/heads/main", mark: mainMark, author: author, committer: author, time: time,
            message: "Import the acme deployment monorepo\n")
        stream.modify("ladder.yaml", Content.ladderYAML)
        stream.modify("ladder-policy.yaml", Content.policyYAML)
        stream.modify("README.md", Content.rootREADME)
        stream.modify("docs/runbook.md", "# Runbook\n\nRevision 0.\n")
        for index in units.indices {
            for (name, content) in Content.templateFiles(of: units[index]).sorted(by: { $0.key < $1.key }) {
                stream.modify("templates/\(units[index].name)/\(name)", content)
            }
            for environment in Content.environments {
                for (name, content) in files(environment, index).sorted(by: { $0.key < $1.key }) {
                    stream.modify("\(unitPath(environment, index))/\(name)", content)
                }
            }
        }
        commits = 1
    }

    /// Units whose promotable content differs between `from` and `to`.
    func pending(from: String, to: String) -> [Int] {
        let source = states[from]!
        let target = states[to]!
        return units.indices.filter { source[$0] != target[$0] }
    }

    /// An edit in dev: a new image, chart, configuration, module version, flags or autoscaler.
    mutating func developerChange(unit: Int, style: Style? = nil) {
        let name = units[unit].name
        var subject = ""
        let changes = apply([("dev", unit)]) { writer in
            var state = writer.states["dev"]![unit]
            switch writer.random.below(100) {
            case 0..<55:
                state.tag.bump(using: &writer.random)
                subject = "\(name): release image \(state.tag) to dev"
            case 55..<65:
                state.chart.bump(using: &writer.random)
                subject = "\(name): upgrade chart to \(state.chart)"
            case 65..<82:
                state.configRevision += 1
                subject = "\(name): tune cache and timeouts"
            case 82..<88:
                state.deploymentRevision += 1
                subject = "\(name): adjust the termination grace period"
            case 88..<94 where writer.units[unit].hasTerragrunt:
                state.moduleRef.bump(using: &writer.random)
                subject = "\(name): use service module v\(state.moduleRef)"
            case 88..<97 where writer.units[unit].hasFeatures:
                state.featuresRevision += 1
                subject = "\(name): roll out feature flags"
            case 97..<100:
                state.hasAutoscaler.toggle()
                subject = state.hasAutoscaler ? "\(name): add an autoscaler" : "\(name): remove the autoscaler"
            default:
                state.tag.bump(using: &writer.random)
                subject = "\(name): release image \(state.tag) to dev"
            }
            writer.states["dev"]![unit] = state
        }
        let author = random.pick(Self.developers)
        let chosen = style ?? randomStyle(merge: 0.2, squash: 0.5)
        let login = author.email.split(separator: "@")[0]
        commitToTrunk(
            subject: subject, body: "", author: author, changes: changes, branch: "\(login)/\(name)-\(commits)",
            style: chosen)
    }

    /// The promotion id `ladder promote --unit …` gives these units on the trunk tip (SPEC section
    /// 5): SHA-256 over the edge, each unit's tree in the source environment and the base commit.
    func promotionID(from: String, to: String, units: [String], base: String) throws -> String {
        var input = "\(from)\n\(to)\n"
        for unit in units.sorted() {
            input += "\(unit) \(try stream.treeID(atPath: "environments/\(from)/\(unit)", ofMark: mainMark) ?? "-")\n"
        }
        input += base
        return String(AuditHash.hex(Array(input.utf8)).prefix(16))
    }

    /// A promotion of `chosen` units from `from` to `to`, with Ladder's subject, body and trailers.
    mutating func promotion(from: String, to: String, units chosen: [Int], style: Style? = nil) throws {
        let sourceCommit = try stream.sha(ofMark: mainMark)
        var lines: [String] = []
        let changes = apply(chosen.map { (to, $0) }) { writer in
            for unit in chosen {
                let old = writer.states[to]![unit]
                let new = writer.states[from]![unit]
                var detail: [String] = []
                if old.tag != new.tag { detail.append("image.tag \(old.tag) → \(new.tag)") }
                if old.chart != new.chart { detail.append("chart.version \(old.chart) → \(new.chart)") }
                if old.moduleRef != new.moduleRef { detail.append("terragrunt ref v\(old.moduleRef) → v\(new.moduleRef)") }
                if old.configRevision != new.configRevision { detail.append("configmap.yaml") }
                if old.deploymentRevision != new.deploymentRevision { detail.append("deployment.yaml") }
                if old.featuresRevision != new.featuresRevision { detail.append("features.yaml") }
                if old.hasAutoscaler != new.hasAutoscaler { detail.append(new.hasAutoscaler ? "hpa.yaml added" : "hpa.yaml deleted") }
                lines.append("- \(writer.units[unit].name): \(detail.joined(separator: ", "))")
                writer.states[to]![unit].promote(from: new)
            }
        }
        let names = chosen.map { units[$0].name }
        let summary = names.count <= 3 ? names.joined(separator: ", ") : "\(names.count) units"
        let id = try promotionID(from: from, to: to, units: names, base: sourceCommit)
        let body = """
            Promotes \(names.count == 1 ? "1 unit" : "\(names.count) units") from \(from) to \(to).

            \(lines.joined(separator: "\n"))

            Ladder-Promotion: \(id)
            Ladder-From: \(from)
            Ladder-To: \(to)
            Ladder-Source-Commit: \(sourceCommit)
            """
        commitToTrunk(
            subject: "promote(\(to)): \(summary) from \(from)", body: body, author: random.pick(Self.releaseEngineers),
            changes: changes, branch: "ladder/promote/\(from)-to-\(to)", style: style ?? randomStyle(merge: 0.5, squash: 0.3))
    }

    /// A change made directly in prod (a hotfix of an environment-specific value).
    mutating func prodHotfix(unit: Int) {
        let changes = apply([("prod", unit)]) { writer in
            writer.prodReplicas[unit] = writer.prodReplicas[unit] >= 8 ? 3 : writer.prodReplicas[unit] + 1
        }
        commitToTrunk(
            subject: "hotfix(prod): scale \(units[unit].name) to \(prodReplicas[unit]) replicas", body: "",
            author: random.pick(Self.releaseEngineers), changes: changes, branch: "hotfix-\(commits)", style: .squash)
    }

    mutating func docsChange() {
        docsRevision += 1
        let changes = [FileChange(path: "docs/runbook.md", content: "# Runbook\n\nRevision \(docsRevision).\n")]
        commitToTrunk(
            subject: "docs: update the runbook", body: "", author: random.pick(Self.developers), changes: changes,
            branch: "docs-\(commits)", style: .plain)
    }

    /// Writes the whole trunk history.
    mutating func write() throws {
        writeInitialCommit()
        let differCount = options.differingUnits
        // The last commits: one promotion that brings staging level with dev, then one dev
        // change per differing unit.
        let finale = 1 + differCount
        while commits < options.commits - finale {
            let room = options.commits - finale - commits
            let single: Style? = room < 2 ? .plain : nil
            let roll = random.below(100)
            if roll < 2 {
                prodHotfix(unit: random.below(units.count))
            } else if roll < 5 {
                docsChange()
            } else if roll < 60 {
                developerChange(unit: hotUnit(), style: single)
            } else if roll < 85 {
                let waiting = pending(from: "dev", to: "staging")
                if waiting.isEmpty { developerChange(unit: hotUnit(), style: single); continue }
                try promotion(from: "dev", to: "staging", units: pick(upTo: 1 + random.below(5), of: waiting), style: single)
            } else {
                let waiting = pending(from: "staging", to: "prod")
                if waiting.isEmpty { docsChange(); continue }
                try promotion(from: "staging", to: "prod", units: pick(upTo: 1 + random.below(4), of: waiting), style: single)
            }
        }
        let waiting = pending(from: "dev", to: "staging")
        if !waiting.isEmpty { try promotion(from: "dev", to: "staging", units: waiting, style: .plain) }
        var chosen = Set<Int>()
        while chosen.count < differCount { chosen.insert(random.below(units.count)) }
        for unit in chosen.sorted() {
            developerChange(unit: unit, style: .plain)
        }
        differingUnits = pending(from: "dev", to: "staging").map { units[$0].name }.sorted()
    }

    /// Leaves `ladder/promote/staging-to-prod` open, as a promotion waiting for review.
    mutating func writePendingProdBranch() throws {
        let waiting = pending(from: "staging", to: "prod")
        guard !waiting.isEmpty else { return }
        let chosen = Array(waiting.prefix(3))
        let sourceCommit = try stream.sha(ofMark: mainMark)
        let saved = states
        let changes = apply(chosen.map { ("prod", $0) }) { writer in
            for unit in chosen { writer.states["prod"]![unit].promote(from: writer.states["staging"]![unit]) }
        }
        states = saved
        let names = chosen.map { units[$0].name }
        let id = try promotionID(from: "staging", to: "prod", units: names, base: sourceCommit)
        let author = Self.releaseEngineers[2]
        stream.commit(
            ref: "refs/heads/ladder/promote/staging-to-prod", mark: stream.newMark(), author: author, committer: author,
            time: tick(),
            message: """
                promote(prod): \(names.joined(separator: ", ")) from staging

                Ladder-Promotion: \(id)
                Ladder-From: staging
                Ladder-To: prod
                Ladder-Source-Commit: \(sourceCommit)

                """, parents: [mainMark])
        emit(changes)
    }

    /// A unit to edit: a fifth of the units get most of the changes, as in real monorepos.
    mutating func hotUnit() -> Int {
        let hot = max(1, units.count / 5)
        return random.chance(0.7) ? random.below(hot) * 5 % units.count : random.below(units.count)
    }

    mutating func pick(upTo count: Int, of candidates: [Int]) -> [Int] {
        var pool = candidates
        var chosen: [Int] = []
        while chosen.count < count && !pool.isEmpty {
            chosen.append(pool.remove(at: random.below(pool.count)))
        }
        return chosen.sorted()
    }
}

struct FileChange {
    let path: String
    /// nil: deleted.
    let content: String?
}
