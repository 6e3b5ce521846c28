import Foundation
import LadderGit

/// A repository together with its Ladder configuration, read from one commit.
///
/// Everything is read from git objects: the working tree is never consulted, so a dirty checkout
/// cannot change what Ladder does, and bare repositories work the same.
public final class Workspace {
    public let repository: Repository
    public let config: LadderConfig
    /// The commit the configuration was read from and that commands work on by default.
    public let commitID: ObjectID
    /// The revision expression that named `commitID` (e.g. `main`).
    public let revision: String
    /// The tree of `commitID`.
    public let treeID: ObjectID
    /// Unit contents for every caller of ``unitContent(environment:unit:tree:)`` (plan, soak walk,
    /// rollback): key paths and regexes prepared once, answers memoised by blob id.
    lazy var contentReader = UnitContentReader(repository: repository, config: config)

    public init(repository: Repository, config: LadderConfig, commitID: ObjectID, revision: String) throws(GitError) {
        self.repository = repository
        self.config = config
        self.commitID = commitID
        self.revision = revision
        self.treeID = try repository.commit(commitID).treeID
    }

    /// The default configuration file name at the repository root.
    public static let configFileName = "ladder.yaml"

    /// Opens the repository at (or above) `path` and loads `ladder.yaml`.
    ///
    /// - Parameters:
    ///   - configFile: a file on disk to use instead of `ladder.yaml` from the commit (`--config`).
    ///   - revision: the commit to work on; default the trunk tip named by the configuration.
    public static func open(at path: String, configFile: String? = nil, revision: String? = nil) throws -> Workspace {
        let repository: Repository
        do {
            repository = try Repository.discover(from: path)
        } catch {
            throw WorkspaceError.notARepository(path: path, reason: error.message)
        }
        return try load(repository: repository, configFile: configFile, revision: revision)
    }

    /// Loads the configuration of an already open repository.
    public static func load(repository: Repository, configFile: String? = nil, revision: String? = nil) throws -> Workspace {
        if let configFile {
            let bytes: [UInt8]
            do {
                bytes = Array(try Data(contentsOf: URL(fileURLWithPath: configFile)))
            } catch {
                throw WorkspaceError.configurationUnreadable(file: configFile, reason: (error as NSError).localizedFailureReason ?? "no such file or not readable")
            }
            let config = try LadderConfig.parse(bytes, file: configFile)
            let name = revision ?? config.trunk
            let commit = try revision.map { try resolve(repository, $0) } ?? resolveTrunk(repository, name)
            return try Workspace(repository: repository, config: config, commitID: commit, revision: name)
        }

        if let revision {
            let commit = try resolve(repository, revision)
            let config = try readConfig(repository, commit: commit, revisionName: revision)
            return try Workspace(repository: repository, config: config, commitID: commit, revision: revision)
        }

        // Bootstrap: read ladder.yaml from HEAD (or main/master) to learn the trunk, then from the trunk tip.
        var bootstrap: (ObjectID, String)?
        for candidate in ["HEAD", "main", "master"] {
            if let commit = try? repository.resolveCommit(candidate),
                (try? repository.entry(atPath: configFileName, inTree: repository.commit(commit).treeID)) != nil
            {
                bootstrap = (commit, candidate == "HEAD" ? (repository.currentBranch ?? "HEAD") : candidate)
                break
            }
        }
        guard let (bootstrapCommit, bootstrapName) = bootstrap else {
            if repository.isHeadUnborn, (try? repository.references(matching: "refs/heads/*"))?.isEmpty ?? true {
                throw WorkspaceError.emptyRepository
            }
            throw WorkspaceError.configurationMissing(file: configFileName, revision: repository.currentBranch ?? "HEAD")
        }
        let bootConfig = try readConfig(repository, commit: bootstrapCommit, revisionName: bootstrapName)
        let trunkCommit = try resolveTrunk(repository, bootConfig.trunk)
        if trunkCommit == bootstrapCommit {
            return try Workspace(repository: repository, config: bootConfig, commitID: trunkCommit, revision: bootConfig.trunk)
        }
        let config = try readConfig(repository, commit: trunkCommit, revisionName: bootConfig.trunk)
        return try Workspace(repository: repository, config: config, commitID: trunkCommit, revision: config.trunk)
    }

    /// The trunk tip: the local branch, else the remote-tracking branch (CI checkouts often have
    /// only `origin/<trunk>`).
    static func resolveTrunk(_ repository: Repository, _ trunk: String) throws -> ObjectID {
        if let local = try repository.exactReference("refs/heads/\(trunk)") { return local.target }
        if let remote = try repository.exactReference("refs/remotes/origin/\(trunk)") { return remote.target }
        for reference in try repository.references(matching: "refs/remotes/*/\(trunk)") { return reference.target }
        do {
            return try resolve(repository, trunk)
        } catch WorkspaceError.unknownRevision {
            throw WorkspaceError.unknownRevision(
                trunk, reason: "the trunk branch is not in this repository; fetch it (git fetch origin \(trunk)) or pass --config with another trunk")
        }
    }

    static func resolve(_ repository: Repository, _ revision: String) throws -> ObjectID {
        do {
            return try repository.resolveCommit(revision)
        } catch {
            if error.code == .notFound || error.code == .invalidSpec || error.code == .ambiguous || error.code == .peel {
                if repository.isHeadUnborn, (try? repository.references(matching: "refs/heads/*"))?.isEmpty ?? true {
                    throw WorkspaceError.emptyRepository
                }
                throw WorkspaceError.unknownRevision(revision, reason: error.message)
            }
            throw error
        }
    }

    static func readConfig(_ repository: Repository, commit: ObjectID, revisionName: String) throws -> LadderConfig {
        let tree = try repository.commit(commit).treeID
        guard let entry = try repository.entry(atPath: configFileName, inTree: tree), !entry.isTree else {
            throw WorkspaceError.configurationMissing(file: configFileName, revision: revisionName)
        }
        let blob = try repository.blob(entry.id)
        var config = try LadderConfig.parse(blob.bytes, file: "\(configFileName)@\(revisionName)")
        config.origin = "\(configFileName)@\(revisionName)"
        return config
    }

    // MARK: Environments and units

    /// The environment named `name`, or an error listing the known ones (exit 2).
    public func environment(_ name: String) throws -> EnvironmentConfig {
        guard let environment = config.environment(name) else {
            throw WorkspaceError.unknownEnvironment(name, known: config.environmentNames)
        }
        return environment
    }

    /// Resolves a revision expression to a commit (exit 2 when unknown).
    public func resolve(_ revision: String) throws -> ObjectID {
        try Workspace.resolve(repository, revision)
    }

    /// The tree of `environment` at `commit` (default: the workspace commit), or nil when the
    /// directory does not exist there.
    public func environmentTree(_ environment: EnvironmentConfig, at commit: ObjectID? = nil) throws -> ObjectID? {
        let tree = try commit.map { try repository.commit($0).treeID } ?? treeID
        guard let entry = try repository.entry(atPath: environment.path, inTree: tree) else { return nil }
        guard entry.isTree else {
            throw WorkspaceError.notATree(path: environment.path, revision: commit?.short ?? revision)
        }
        return entry.id
    }

    /// The base (template) tree at `commit`, when `base:` is configured and present.
    public func baseTree(at commit: ObjectID? = nil) throws -> ObjectID? {
        guard let base = config.base else { return nil }
        let tree = try commit.map { try repository.commit($0).treeID } ?? treeID
        guard let entry = try repository.entry(atPath: base, inTree: tree), entry.isTree else { return nil }
        return entry.id
    }

    /// The name used for the single unit when `unit_depth` is 0.
    public static let wholeEnvironmentUnit = "(all)"

    /// The unit a path (relative to an environment directory) belongs to, or nil for files above
    /// the unit level.
    public func unit(ofPath path: String) -> String? {
        let depth = config.unitDepth
        if depth == 0 { return Workspace.wholeEnvironmentUnit }
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        guard components.count > depth else { return nil }
        return components.prefix(depth).joined(separator: "/")
    }

    /// The units of an environment tree with their subtree ids, sorted by name.
    public func units(inTree environmentTree: ObjectID?) throws -> [(name: String, id: ObjectID)] {
        guard let environmentTree else { return [] }
        if config.unitDepth == 0 { return [(Workspace.wholeEnvironmentUnit, environmentTree)] }
        var result: [(String, ObjectID)] = []
        func collect(_ tree: ObjectID, prefix: String, level: Int) throws {
            for entry in try repository.treeEntries(tree) where entry.isTree {
                let name = prefix.isEmpty ? entry.name : prefix + "/" + entry.name
                if level == config.unitDepth {
                    result.append((name, entry.id))
                } else {
                    try collect(entry.id, prefix: name, level: level + 1)
                }
            }
        }
        try collect(environmentTree, prefix: "", level: 1)
        return result.sorted { $0.0 < $1.0 }
    }

    /// Checks that `names` are units of at least one environment, for `--unit`.
    public func validateUnits(_ names: [String], environments: [EnvironmentConfig], at commit: ObjectID? = nil) throws {
        guard !names.isEmpty else { return }
        var known = Set<String>()
        for environment in environments {
            for unit in try units(inTree: environmentTree(environment, at: commit)) { known.insert(unit.name) }
        }
        for name in names where !known.contains(name) {
            throw WorkspaceError.unknownUnit(name, environment: environments.map(\.name).joined(separator: "/"), known: known.sorted())
        }
    }
}
