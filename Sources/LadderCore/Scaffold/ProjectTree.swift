import Foundation

/// The files of a working tree, as `ladder init` sees them when it guesses the layout.
///
/// `init` is the one command that reads the working tree: there may be no commit yet, and the
/// files it writes are meant to be committed afterwards. Paths are relative, slash-separated and
/// never include `.git` or other hidden directories.
public struct ProjectTree: Sendable {
    /// Every regular file, sorted.
    public let files: [String]
    /// Every directory that holds at least one file somewhere below it, sorted.
    public let directories: Set<String>
    private let contents: @Sendable (String) -> [UInt8]?

    /// A tree from paths and their contents (for tests and previews).
    public init(files: [String: String]) {
        let copy = files
        self.init(paths: Array(files.keys)) { copy[$0].map { Array($0.utf8) } }
    }

    /// A tree from paths, with `contents` reading a file on demand.
    public init(paths: [String], contents: @escaping @Sendable (String) -> [UInt8]?) {
        files = paths.sorted()
        var directories = Set<String>()
        for path in paths {
            var parts = path.split(separator: "/").dropLast()
            while !parts.isEmpty {
                directories.insert(parts.joined(separator: "/"))
                parts = parts.dropLast()
            }
        }
        self.directories = directories
        self.contents = contents
    }

    /// Reads the working tree below `root`, skipping hidden entries (`.git`, `.github`, …),
    /// symbolic links and anything deeper than `maxDepth` levels. At most `maxFiles` files are
    /// listed, which keeps `init` quick in very large checkouts; detection only needs the top.
    public static func scan(root: String, maxDepth: Int = 6, maxFiles: Int = 200_000) -> ProjectTree {
        let manager = FileManager.default
        var paths: [String] = []
        func walk(_ relative: String, depth: Int) {
            guard depth <= maxDepth, paths.count < maxFiles else { return }
            let full = relative.isEmpty ? root : (root as NSString).appendingPathComponent(relative)
            guard let names = try? manager.contentsOfDirectory(atPath: full) else { return }
            for name in names.sorted() where !name.hasPrefix(".") {
                let child = relative.isEmpty ? name : relative + "/" + name
                let childFull = (root as NSString).appendingPathComponent(child)
                guard let attributes = try? manager.attributesOfItem(atPath: childFull),
                    let type = attributes[.type] as? FileAttributeType
                else { continue }
                if type == .typeDirectory {
                    walk(child, depth: depth + 1)
                } else if type == .typeRegular {
                    paths.append(child)
                }
            }
        }
        walk("", depth: 1)
        return ProjectTree(paths: paths) { relative in
            let full = (root as NSString).appendingPathComponent(relative)
            // Detection looks at small text files only; a huge file is not a values file.
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: full),
                let size = attributes[.size] as? Int, size <= 1 << 20,
                let data = FileManager.default.contents(atPath: full)
            else { return nil }
            return Array(data)
        }
    }

    /// True when `path` is a directory of the tree.
    public func isDirectory(_ path: String) -> Bool {
        directories.contains(path)
    }

    /// The names of the subdirectories directly inside `path` ("" for the root), sorted.
    public func subdirectories(of path: String) -> [String] {
        let prefix = path.isEmpty ? "" : path + "/"
        var names = Set<String>()
        for directory in directories where directory.hasPrefix(prefix) {
            let rest = directory.dropFirst(prefix.count)
            if !rest.isEmpty, !rest.contains("/") { names.insert(String(rest)) }
        }
        return names.sorted()
    }

    /// The names of the files directly inside `path` ("" for the root), sorted.
    public func filesDirectly(in path: String) -> [String] {
        let prefix = path.isEmpty ? "" : path + "/"
        return files.compactMap { file in
            guard file.hasPrefix(prefix) else { return nil }
            let rest = file.dropFirst(prefix.count)
            return rest.contains("/") ? nil : String(rest)
        }
    }

    /// Every file below `path`, relative to `path`.
    public func files(under path: String) -> [String] {
        let prefix = path + "/"
        return files.compactMap { $0.hasPrefix(prefix) ? String($0.dropFirst(prefix.count)) : nil }
    }

    /// The bytes of `path`, or nil when it cannot be read (or is too large to be interesting).
    public func contents(of path: String) -> [UInt8]? {
        contents(path)
    }
}
