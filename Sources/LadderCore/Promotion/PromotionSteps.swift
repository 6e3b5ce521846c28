import Foundation
import LadderGit

/// A file of the target environment as a promotion leaves it.
public struct PlannedWrite: Sendable, Hashable {
    public enum Content: Sendable, Hashable {
        /// An existing blob of the source, copied by id.
        case blob(ObjectID)
        /// New bytes (a key- or pattern-level rewrite of the target file).
        case bytes([UInt8])
        /// The file is removed from the target.
        case delete
    }

    /// Path relative to the environment directory.
    public let path: String
    public let content: Content
    public let mode: FileMode
}

/// What one step of a promotion did to one file, for reports, commit messages and payloads.
public struct PromotedFile: Sendable, Hashable {
    public let path: String
    public let oldPath: String?
    public let unit: String?
    public let status: FileChange.Status
    public let mode: FileChange.Mode
    public let keys: [KeyDifference]
    /// Key paths listed for promotion that the source lacks, or that could not be written.
    public let notes: [String]
}

/// Reads blob contents for promotion steps.
public protocol PromotionContentReader {
    func bytes(_ id: ObjectID) throws -> [UInt8]
}

/// One kind of promotion step (copy a file, update keys, update patterns, delete a file).
/// Steps are tried in the order of `PromotionSteps.all`; the first that accepts a change handles it.
public protocol PromotionStep: Sendable {
    /// A short name for reports (`copy`, `keys`, `patterns`, `delete`).
    var name: String { get }
    func accepts(_ change: FileChange) -> Bool
    func apply(_ change: FileChange, rules: PromoteRules, reader: PromotionContentReader) throws -> (writes: [PlannedWrite], file: PromotedFile)?
}

/// The registered promotion steps, in the order they are tried.
public enum PromotionSteps {
    public static let all: [any PromotionStep] = [DeleteFileStep(), UpdateKeysStep(), UpdatePatternsStep(), CopyFileStep()]
}

/// Failures while applying promotion steps (bad input: exit 2).
public enum PromotionStepError: LadderFailure, Equatable {
    case keyRewrite(path: String, reason: String)
    case patternRewrite(path: String, reason: String)
    case unsafeSymlink(path: String, reason: String)

    public var exitStatus: ExitStatus { .badInput }

    public var errorDescription: String? {
        switch self {
        case .keyRewrite(let path, let reason): return "cannot update keys in \(PathCoding.display(path)): \(reason)"
        case .patternRewrite(let path, let reason): return "cannot update patterns in \(PathCoding.display(path)): \(reason)"
        case .unsafeSymlink(let path, let reason): return "refusing to promote \(PathCoding.display(path)): \(reason)"
        }
    }
}

/// Removes a file that the source no longer has (only when `promote.delete` is true; otherwise the
/// diff reports the file as kept and it is not promotable).
struct DeleteFileStep: PromotionStep {
    let name = "delete"

    func accepts(_ change: FileChange) -> Bool { change.status == .deleted }

    func apply(_ change: FileChange, rules: PromoteRules, reader: PromotionContentReader) throws -> (writes: [PlannedWrite], file: PromotedFile)? {
        (
            [PlannedWrite(path: change.path, content: .delete, mode: change.oldMode ?? .blob)],
            PromotedFile(path: change.path, oldPath: nil, unit: change.unit, status: .deleted, mode: .file, keys: [], notes: [])
        )
    }
}

/// Copies only the configured key paths into the target file, rewriting their values in place.
struct UpdateKeysStep: PromotionStep {
    let name = "keys"

    func accepts(_ change: FileChange) -> Bool {
        change.mode == .keys && (change.status == .modified || (change.status == .renamed && change.oldBlob != nil))
    }

    func apply(_ change: FileChange, rules: PromoteRules, reader: PromotionContentReader) throws -> (writes: [PlannedWrite], file: PromotedFile)? {
        guard let rule = rules.keyRule(for: change.path), let format = StructuredFormat(path: change.path),
            let oldBlob = change.oldBlob, let newBlob = change.newBlob
        else { return nil }
        let paths = rule.paths.compactMap { try? KeyPath(parsing: $0) }
        let result: RewriteResult
        do {
            result = try KeyRewriter.rewrite(target: reader.bytes(oldBlob), source: reader.bytes(newBlob), paths: paths, format: format)
        } catch let error as KeyRewriteError {
            throw PromotionStepError.keyRewrite(path: change.path, reason: error.localizedDescription)
        }
        guard result.didChange else { return nil }
        var notes = result.missingInSource.map { "\($0) is not in the source; left as it is" }
        notes += result.skipped.map { "\($0.path): \($0.reason)" }
        let keys = result.changed.map { KeyDifference(path: $0.path.description, old: $0.old, new: $0.new, promotable: true) }
        var writes = [PlannedWrite(path: change.path, content: .bytes(result.output), mode: change.oldMode ?? .blob)]
        if change.status == .renamed, let oldPath = change.oldPath, rules.delete {
            writes.append(PlannedWrite(path: oldPath, content: .delete, mode: .blob))
        }
        return (writes, PromotedFile(path: change.path, oldPath: change.oldPath, unit: change.unit, status: change.status, mode: .keys, keys: keys, notes: notes))
    }
}

/// Copies only the first capture group of the configured regex into the target file.
struct UpdatePatternsStep: PromotionStep {
    let name = "patterns"

    func accepts(_ change: FileChange) -> Bool {
        change.mode == .pattern && change.status == .modified
    }

    func apply(_ change: FileChange, rules: PromoteRules, reader: PromotionContentReader) throws -> (writes: [PlannedWrite], file: PromotedFile)? {
        guard let rule = rules.patternRule(for: change.path), let oldBlob = change.oldBlob, let newBlob = change.newBlob else { return nil }
        let result: PatternRewriteResult
        do {
            result = try PatternRewriter.rewrite(target: reader.bytes(oldBlob), source: reader.bytes(newBlob), pattern: rule.regex)
        } catch let error as PatternError {
            throw PromotionStepError.patternRewrite(path: change.path, reason: error.localizedDescription)
        }
        guard result.didChange else { return nil }
        let keys = result.changes.enumerated().map { KeyDifference(path: "match \($0.offset + 1)", old: $0.element.old, new: $0.element.new, promotable: true) }
        return (
            [PlannedWrite(path: change.path, content: .bytes(result.output), mode: change.oldMode ?? .blob)],
            PromotedFile(path: change.path, oldPath: nil, unit: change.unit, status: .modified, mode: .pattern, keys: keys, notes: [])
        )
    }
}

/// Copies a whole file (new files, plain files, symlinks, mode changes, renames).
struct CopyFileStep: PromotionStep {
    let name = "copy"

    func accepts(_ change: FileChange) -> Bool { change.newBlob != nil }

    func apply(_ change: FileChange, rules: PromoteRules, reader: PromotionContentReader) throws -> (writes: [PlannedWrite], file: PromotedFile)? {
        guard let newBlob = change.newBlob, let mode = change.newMode else { return nil }
        if mode == .submodule {
            throw PromotionStepError.unsafeSymlink(path: change.path, reason: "submodules cannot be promoted")
        }
        var writes = [PlannedWrite(path: change.path, content: .blob(newBlob), mode: mode)]
        if change.status == .renamed, let oldPath = change.oldPath, rules.delete {
            writes.append(PlannedWrite(path: oldPath, content: .delete, mode: .blob))
        }
        let keys = change.mode == .file ? (change.keys ?? []) : []
        return (writes, PromotedFile(path: change.path, oldPath: change.oldPath, unit: change.unit, status: change.status, mode: .file, keys: keys, notes: []))
    }
}
