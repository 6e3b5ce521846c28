import Foundation
import LadderGit

/// One file of an environment's effective configuration.
public struct RenderedFile: Sendable, Hashable {
    /// Where the content comes from.
    public enum Origin: String, Sendable {
        case base, overlay, merged
    }

    /// Path relative to the environment directory (`payments/values.yaml`).
    public let path: String
    public let bytes: [UInt8]
    public let mode: FileMode
    public let origin: Origin
    /// A problem merging the file (e.g. malformed YAML); the overlay's bytes are used then.
    public let problem: String?
}

extension Workspace {
    /// The effective configuration of `environment` (optionally one unit) at `commit`: the base
    /// directory of each unit overlaid by the environment's own files (SPEC section 1).
    public func render(_ environment: EnvironmentConfig, unit selected: String? = nil, at commit: ObjectID? = nil) throws -> [RenderedFile] {
        let envTree = try environmentTree(environment, at: commit)
        let baseTree = try baseTree(at: commit)
        var overlay: [String: LadderGit.TreeEntry] = [:]
        var base: [String: LadderGit.TreeEntry] = [:]
        let units = try units(inTree: envTree)
        if let selected, !units.contains(where: { $0.name == selected }) {
            throw WorkspaceError.unknownUnit(selected, environment: environment.name, known: units.map(\.name))
        }
        if let envTree {
            if let selected, selected != Workspace.wholeEnvironmentUnit {
                let unitTree = units.first { $0.name == selected }!.id
                try repository.walkTree(unitTree, prefix: selected) { path, entry in overlay[path] = entry }
            } else {
                try repository.walkTree(envTree) { path, entry in overlay[path] = entry }
            }
        }
        if let baseTree {
            for unit in units where selected == nil || unit.name == selected {
                if unit.name == Workspace.wholeEnvironmentUnit {
                    try repository.walkTree(baseTree) { path, entry in base[path] = entry }
                } else if let unitBase = try repository.entry(atPath: unit.name, inTree: baseTree), unitBase.isTree {
                    try repository.walkTree(unitBase.id, prefix: unit.name) { path, entry in base[path] = entry }
                }
            }
        }
        var files: [RenderedFile] = []
        for path in Set(overlay.keys).union(base.keys).sorted() {
            switch (base[path], overlay[path]) {
            case (let baseEntry?, nil):
                files.append(RenderedFile(path: path, bytes: try repository.blob(baseEntry.id).bytes, mode: baseEntry.mode, origin: .base, problem: nil))
            case (nil, let overlayEntry?):
                files.append(RenderedFile(path: path, bytes: try repository.blob(overlayEntry.id).bytes, mode: overlayEntry.mode, origin: .overlay, problem: nil))
            case (let baseEntry?, let overlayEntry?):
                let overlayBytes = try repository.blob(overlayEntry.id).bytes
                guard let format = StructuredFormat(path: path), overlayEntry.mode.isFile, baseEntry.mode.isFile else {
                    files.append(RenderedFile(path: path, bytes: overlayBytes, mode: overlayEntry.mode, origin: .overlay, problem: nil))
                    continue
                }
                let baseBytes = try repository.blob(baseEntry.id).bytes
                do {
                    let merged = try OverlayMerge.merge(base: baseBytes, overlay: overlayBytes, format: format)
                    files.append(RenderedFile(path: path, bytes: Array(merged.utf8), mode: overlayEntry.mode, origin: .merged, problem: nil))
                } catch {
                    files.append(RenderedFile(
                        path: path, bytes: overlayBytes, mode: overlayEntry.mode, origin: .overlay,
                        problem: "cannot merge with the base: \(error.localizedDescription)"))
                }
            case (nil, nil):
                break
            }
        }
        return files
    }
}
