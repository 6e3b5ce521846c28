import Foundation

/// A temporary directory that is removed when the value goes away.
public final class ScratchDirectory: @unchecked Sendable {
    public let path: String

    public init(_ label: String = "ladder") {
        let base = FileManager.default.temporaryDirectory.path
        let name = "\(label)-\(UUID().uuidString.prefix(8))"
        path = (base as NSString).appendingPathComponent(name)
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// `path/relative`.
    public func join(_ relative: String) -> String {
        (path as NSString).appendingPathComponent(relative)
    }
}

/// The outcome of running a program.
public struct RunResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String

    public var stdoutLines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).dropLastEmpty() }
}

extension Array where Element == String {
    func dropLastEmpty() -> [String] {
        var copy = self
        if copy.last == "" { copy.removeLast() }
        return copy
    }
}

public struct CommandFailure: Error, CustomStringConvertible {
    public let command: [String]
    public let result: RunResult
    public var description: String {
        "\(command.joined(separator: " ")) exited \(result.status): \(result.stderr)\(result.stdout)"
    }
}

/// Runs external programs for tests: the git command line as an oracle and the built `ladder` binary.
public enum Run {
    /// Runs `executable` with `arguments` in `directory`, capturing output. `input` is written to stdin.
    @discardableResult
    public static func program(
        _ executable: String, _ arguments: [String], in directory: String? = nil,
        environment: [String: String] = [:], removingEnvironment: [String] = [], input: [UInt8]? = nil
    ) throws -> RunResult {
        let process = Foundation.Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var env = ProcessInfo.processInfo.environment
        for key in removingEnvironment { env.removeValue(forKey: key) }
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let outPipe = Pipe()
        let errPipe = Pipe()
        let inPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = inPipe
        try process.run()
        if let input { inPipe.fileHandleForWriting.write(Data(input)) }
        try? inPipe.fileHandleForWriting.close()
        // Read both pipes concurrently so a full pipe never blocks the child.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData = errPipe.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = outPipe.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return RunResult(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    /// The git command line, with a fixed identity and no user or system configuration.
    @discardableResult
    public static func git(_ arguments: [String], in directory: String, environment: [String: String] = [:], check: Bool = true) throws -> RunResult {
        var env = gitEnvironment
        for (key, value) in environment { env[key] = value }
        let result = try program(gitPath, arguments, in: directory, environment: env)
        if check && result.status != 0 { throw CommandFailure(command: ["git"] + arguments, result: result) }
        return result
    }

    /// The trimmed stdout of a git command.
    public static func gitOutput(_ arguments: [String], in directory: String) throws -> String {
        try git(arguments, in: directory).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public static let gitEnvironment: [String: String] = [
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_AUTHOR_NAME": "Test Author", "GIT_AUTHOR_EMAIL": "author@example.com",
        "GIT_COMMITTER_NAME": "Test Committer", "GIT_COMMITTER_EMAIL": "committer@example.com",
        "GIT_AUTHOR_DATE": "2026-11-01T10:00:00Z", "GIT_COMMITTER_DATE": "2026-11-01T10:00:00Z",
    ]

    public static var gitPath: String {
        for candidate in ["/usr/bin/git", "/usr/local/bin/git"] where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        return "/usr/bin/git"
    }

    /// The `ladder` binary built next to the test bundle (or `LADDER_BIN`).
    public static var ladderPath: String {
        if let explicit = ProcessInfo.processInfo.environment["LADDER_BIN"] { return explicit }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("ladder").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return packageRoot.appendingPathComponent(".build/debug/ladder").path
    }

    /// Runs the built `ladder` binary.
    @discardableResult
    public static func ladder(_ arguments: [String], in directory: String, environment: [String: String] = [:], input: [UInt8]? = nil) throws -> RunResult {
        var env = gitEnvironment
        env["NO_COLOR"] = "1"
        for (key, value) in environment { env[key] = value }
        return try program(ladderPath, arguments, in: directory, environment: env, removingEnvironment: ["GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "GITLAB_CI", "CI"], input: input)
    }
}

extension Run {
    /// Starts the `ladder` binary without waiting for it (for kill and concurrency tests).
    /// Output is discarded unless `capture` is set.
    public static func startLadder(_ arguments: [String], in directory: String, environment: [String: String] = [:]) throws -> Foundation.Process {
        let process = Foundation.Process()
        process.executableURL = URL(fileURLWithPath: ladderPath)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        for (key, value) in gitEnvironment { env[key] = value }
        for (key, value) in environment { env[key] = value }
        env["NO_COLOR"] = "1"
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }
}
